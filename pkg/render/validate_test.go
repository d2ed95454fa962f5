package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// Rules as the format packages might define them; the tests must not depend
// on those packages' real rule tables.
var (
	ruleTotal = &diag.Rule{ID: "sinch.total-mismatch", Severity: diag.Error, Formats: "sinch",
		Summary: "total must equal the number of items in data", Source: "Sinch, \"Mensajes (MO)\", https://docs-es.sinch.com/documentaciontecnicawhatsapp/sinch-messaging-whatsapp-api/mensajes-mo"}
	ruleTypeAbsent = &diag.Rule{ID: "sinch.message-type-absent", Severity: diag.Warning, Formats: "sinch",
		Summary: "message.type is absent (documented only for location and contacts)"}
	ruleMime = &diag.Rule{ID: "whatsapp.media-mime", Severity: diag.Error, Formats: "whatsapp,cloud",
		Summary: "a media mime_type must match the message type"}
	ruleContacts = &diag.Rule{ID: "whatsapp.contacts-missing", Severity: diag.Warning, Formats: "whatsapp",
		Summary: "no top-level contacts[] to name the sender"}
	testRules = []*diag.Rule{validate.RuleSyntax, validate.RuleNotObject, validate.RuleUnknownFormat,
		ruleTotal, ruleTypeAbsent, ruleMime, ruleContacts}
)

// run is one source as the validate command would feed it to a reporter.
type run struct {
	name    string
	results []validate.Result
	err     error
	errLine int
	errCol  int
}

// result builds a Result with its error and warning counts.
func result(src string, index, line int, f payload.Format, msgs, stats int, findings ...diag.Finding) validate.Result {
	r := validate.Result{Source: src, Index: index, Line: line, Col: 1, Format: f, Detected: true,
		Messages: msgs, Statuses: stats, Findings: findings}
	switch f {
	case payload.Sinch:
		r.Reason = "top-level data"
	case payload.WhatsApp:
		r.Reason = "top-level messages"
	case payload.Cloud:
		r.Reason = "top-level object"
	}
	items := map[int]bool{}
	for _, x := range findings {
		switch x.Severity {
		case diag.Error:
			r.Errors++
			if x.Item >= 0 {
				items[x.Item] = true
			}
		case diag.Warning:
			r.Warnings++
		}
	}
	r.InvalidItems = len(items)
	if r.Errors > 0 && r.InvalidItems == 0 {
		r.InvalidItems = r.Items() // as the validator does: an envelope error spoils every item
	}
	return r
}

func finding(rule *diag.Rule, line, col, item int, path, msg string) diag.Finding {
	return diag.Finding{Rule: rule, Severity: rule.Severity, Message: msg, Path: path, Item: item, Line: line, Col: col}
}

// fixture is a realistic run over six inputs: a valid file, a file with an
// error and a warning, a syntax error, a missing file, a multi-payload NDJSON
// file, and a stream cut short by an oversized document, then stdin.
func fixture() []run {
	broken := validate.Result{Source: "in/broken.json", Line: 1, Col: 1, Unusable: true, Reason: "not JSON",
		Errors: 1, Findings: []diag.Finding{{Rule: validate.RuleSyntax, Severity: diag.Error, Item: -1,
			Message: "invalid character '}' looking for beginning of object key string",
			Line:    3, Col: 14, Excerpt: `  "total": 1,}`, Caret: 14}}}
	return []run{
		{name: "fixtures/sinch/text.json", results: []validate.Result{
			result("fixtures/sinch/text.json", 0, 1, payload.Sinch, 1, 0)}},
		{name: "in/turn-image.json", results: []validate.Result{
			result("in/turn-image.json", 0, 1, payload.WhatsApp, 1, 0,
				finding(ruleContacts, 1, 1, -1, "", "no top-level contacts[]: the sender has no profile name"),
				finding(ruleMime, 12, 25, 0, "messages[0].image.mime_type", `mime_type "text/plain" is not image/*`))}},
		{name: "in/broken.json", results: []validate.Result{broken}},
		{name: "missing.json", err: errors.New("open missing.json: no such file or directory")},
		{name: "in/multi.ndjson", results: []validate.Result{
			result("in/multi.ndjson", 0, 1, payload.WhatsApp, 1, 0),
			result("in/multi.ndjson", 1, 2, payload.WhatsApp, 0, 1),
			result("in/multi.ndjson", 2, 3, payload.Sinch, 2, 0,
				finding(ruleTotal, 3, 10, -1, "total", "total is 3 but data has 2 items")),
			result("in/multi.ndjson", 3, 4, payload.Cloud, 1, 0),
		}},
		{name: "in/big.ndjson", results: []validate.Result{
			result("in/big.ndjson", 0, 1, payload.WhatsApp, 1, 0),
			result("in/big.ndjson", 1, 2, payload.WhatsApp, 1, 0),
		}, err: &payload.SourceError{Source: "in/big.ndjson", Line: 3, Col: 1,
			Err: fmt.Errorf("%w: the document starting here exceeds 64 MiB", payload.ErrTooLarge)}},
		{name: "-", results: []validate.Result{
			result("-", 0, 1, payload.Sinch, 1, 0,
				finding(ruleTypeAbsent, 9, 7, 0, "data[0].message.type", "message.type is absent; 100% of documented examples carry it"))}},
	}
}

// feed drives a reporter through runs as the command would and returns the
// summary and exit code it computed.
func feed(t *testing.T, rep ValidateReporter, runs []run) {
	t.Helper()
	var sum validate.Summary
	exit := 0
	for _, rn := range runs {
		rep.BeginSource(rn.name)
		src := validate.Source{Name: rn.name, Err: rn.err, ErrLine: rn.errLine, ErrCol: rn.errCol}
		for i := range rn.results {
			rep.Payload(&rn.results[i])
			src.Add(&rn.results[i])
		}
		var se *payload.SourceError
		if errors.As(rn.err, &se) && src.ErrLine == 0 {
			src.ErrLine, src.ErrCol = se.Line, se.Col
		}
		rep.EndSource(&src)
		sum.AddSource(&src)
		switch {
		case !src.OK() && (src.Err != nil || src.Unusable > 0):
			exit = 3
		case !src.OK() && exit == 0:
			exit = 1
		}
	}
	if err := rep.Finish(&sum, exit); err != nil {
		t.Fatalf("Finish: %v", err)
	}
}

// render runs the fixture through a reporter for opts and returns stdout.
func render(t *testing.T, opts ValidateOptions, setup func(*iostreams.IOStreams), runs []run) []byte {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	if setup != nil {
		setup(ios)
	}
	opts.Rules, opts.Version = testRules, "1.2.3"
	rep, err := NewValidateReporter(ios, opts)
	if err != nil {
		t.Fatal(err)
	}
	feed(t, rep, runs)
	if errOut.Len() > 0 {
		t.Errorf("reporter wrote to stderr: %q", errOut)
	}
	return out.Bytes()
}

func colorAlways(ios *iostreams.IOStreams) { ios.SetColorMode(iostreams.ColorAlways) }

func tty(ios *iostreams.IOStreams) {
	ios.SetStdoutTTY(true)
	ios.SetTerminalWidth(60)
}

func TestValidateGolden(t *testing.T) {
	tests := []struct {
		name  string
		opts  ValidateOptions
		setup func(*iostreams.IOStreams)
	}{
		{"text", ValidateOptions{}, nil},
		{"text_color", ValidateOptions{Output: "text"}, colorAlways},
		{"text_quiet", ValidateOptions{Quiet: true}, nil},
		{"text_verbose", ValidateOptions{Verbose: true}, nil},
		{"text_tty", ValidateOptions{}, tty},
		{"json", ValidateOptions{Output: "json"}, nil},
		{"github", ValidateOptions{Output: "github"}, nil},
		{"junit", ValidateOptions{Output: "junit"}, nil},
		{"sarif", ValidateOptions{Output: "sarif"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden.Assert(t, filepath.Join("testdata", "validate", tt.name+".golden"), render(t, tt.opts, tt.setup, fixture()))
		})
	}
}

// Machine outputs ignore the colour decision: a terminal or --color=always
// must not change them.
func TestValidateMachineOutputsIgnoreColor(t *testing.T) {
	for _, out := range []string{"json", "github", "junit", "sarif"} {
		plain := render(t, ValidateOptions{Output: out}, nil, fixture())
		forced := render(t, ValidateOptions{Output: out}, func(ios *iostreams.IOStreams) {
			tty(ios)
			colorAlways(ios)
		}, fixture())
		if !bytes.Equal(plain, forced) {
			t.Errorf("%s: output changes with colour/TTY:\n%s\nvs\n%s", out, plain, forced)
		}
	}
}

func TestValidateTextPipedHasNoANSI(t *testing.T) {
	for _, opts := range []ValidateOptions{{}, {Quiet: true}, {Verbose: true}} {
		if got := render(t, opts, nil, fixture()); bytes.Contains(got, []byte("\x1b")) {
			t.Errorf("piped text %+v contains escape sequences:\n%q", opts, got)
		}
	}
	// A terminal with NO_COLOR gets the layout (a box) but no colour.
	got := render(t, ValidateOptions{}, func(ios *iostreams.IOStreams) {
		tty(ios)
		ios.SetNoColorEnv(true)
	}, fixture())
	if bytes.Contains(got, []byte("\x1b")) {
		t.Errorf("NO_COLOR text contains escape sequences:\n%q", got)
	}
	if !bytes.Contains(got, []byte("╭")) {
		t.Errorf("terminal text has no summary box:\n%s", got)
	}
	// Colour forced: escape sequences present.
	if got := render(t, ValidateOptions{}, colorAlways, fixture()); !bytes.Contains(got, []byte("\x1b[")) {
		t.Errorf("--color=always text has no escape sequences:\n%q", got)
	}
}

func TestValidateTextLines(t *testing.T) {
	got := string(render(t, ValidateOptions{}, nil, fixture()))
	for _, want := range []string{
		"in/turn-image.json:12:25: error whatsapp.media-mime: mime_type \"text/plain\" is not image/* (path messages[0].image.mime_type)\n",
		"in/turn-image.json:1:1: warning whatsapp.contacts-missing: no top-level contacts[]: the sender has no profile name\n",
		"in/broken.json:3:14: error json.syntax: invalid character '}' looking for beginning of object key string\n" +
			"      \"total\": 1,}\n" +
			"                 ^\n",
		"missing.json: error input: open missing.json: no such file or directory\n",
		"in/big.ndjson:3:1: error input: document too large: the document starting here exceeds 64 MiB (see --max-size)\n",
		"ok   fixtures/sinch/text.json  (sinch, 1 payload, 1 message)\n",
		"FAIL in/turn-image.json  (whatsapp, 1 payload, 1 message; 1 error, 1 warning)\n",
		"ERR  in/broken.json  (unusable: not JSON)\n",
		"FAIL in/multi.ndjson  (sinch+whatsapp+cloud, 4 payloads, 4 messages, 1 status; 1 invalid, 1 error)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("text output lacks %q\n%s", want, got)
		}
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "7 files (2 invalid, 3 unusable), 10 payloads: 7 valid, 2 invalid, 1 unusable; 9 messages, 1 status (3 invalid); 3 errors, 2 warnings" {
		t.Errorf("summary line = %q", last)
	}
}

func TestValidateTextQuietAllOK(t *testing.T) {
	runs := fixture()[:1]
	if got := render(t, ValidateOptions{Quiet: true}, nil, runs); len(got) != 0 {
		t.Errorf("quiet output for valid input = %q, want nothing", got)
	}
	got := string(render(t, ValidateOptions{}, nil, runs))
	want := "ok   fixtures/sinch/text.json  (sinch, 1 payload, 1 message)\n" +
		"1 file, 1 payload: 1 valid, 0 invalid, 0 unusable; 1 message; 0 errors, 0 warnings\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// jsonKeys returns the keys of a JSON object in document order.
func jsonKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestValidateJSONSchema(t *testing.T) {
	out := render(t, ValidateOptions{Output: "json"}, nil, fixture())
	var doc struct {
		Schema   string            `json:"schema"`
		Version  string            `json:"version"`
		Findings []json.RawMessage `json:"findings"`
		Sources  []json.RawMessage `json:"sources"`
		Summary  json.RawMessage   `json:"summary"`
		Rules    []json.RawMessage `json:"rules"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	check := func(what string, got []string, want string) {
		t.Helper()
		if strings.Join(got, ",") != want {
			t.Errorf("%s keys = %s, want %s", what, strings.Join(got, ","), want)
		}
	}
	check("top-level", jsonKeys(t, out), "schema,version,findings,sources,summary,rules")
	if doc.Schema != ValidateJSONSchema || doc.Version != "1.2.3" {
		t.Errorf("schema, version = %q, %q", doc.Schema, doc.Version)
	}
	// 2 + 1 + 1 + 1 + 1 + 1 findings, two of them "input".
	if len(doc.Findings) != 7 || len(doc.Sources) != 7 || len(doc.Rules) != 5 {
		t.Fatalf("%d findings, %d sources, %d rules", len(doc.Findings), len(doc.Sources), len(doc.Rules))
	}
	const counts = "payloads,valid,invalid,unusable,messages,statuses,invalid_items,errors,warnings,findings_omitted,formats"
	check("finding", jsonKeys(t, doc.Findings[0]), "file,line,col,payload,format,severity,rule,message,path")
	check("syntax finding", jsonKeys(t, doc.Findings[2]), "file,line,col,payload,format,severity,rule,message,path,excerpt,caret")
	check("source", jsonKeys(t, doc.Sources[0]), "file,ok,"+counts)
	check("source with error", jsonKeys(t, doc.Sources[3]), "file,ok,error,"+counts)
	check("summary", jsonKeys(t, doc.Summary), "files,files_ok,files_invalid,files_unusable,"+counts+",exit_code")
	check("rule", jsonKeys(t, doc.Rules[0]), "id,severity,formats,summary")

	var input struct {
		File, Rule, Severity string
		Line, Payload        int
	}
	if err := json.Unmarshal(doc.Findings[3], &input); err != nil {
		t.Fatal(err)
	}
	if input.File != "missing.json" || input.Rule != InputRuleID || input.Severity != "error" || input.Payload != 0 || input.Line != 0 {
		t.Errorf("source error finding = %+v", input)
	}
	var sum struct {
		Files    int `json:"files"`
		ExitCode int `json:"exit_code"`
	}
	if err := json.Unmarshal(doc.Summary, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Files != 7 || sum.ExitCode != 3 {
		t.Errorf("summary = %+v", sum)
	}
}

func TestValidateJUnitParses(t *testing.T) {
	out := render(t, ValidateOptions{Output: "junit"}, nil, fixture())
	type problem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	// counts are the attributes of <testsuites> and <testsuite>.
	type counts struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
	}
	var doc struct {
		XMLName xml.Name `xml:"testsuites"`
		counts
		Suites []struct {
			counts
			Cases []struct {
				Classname string   `xml:"classname,attr"`
				Name      string   `xml:"name,attr"`
				Failure   *problem `xml:"failure"`
				Error     *problem `xml:"error"`
				SystemOut string   `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("output is not XML: %v\n%s", err, out)
	}
	if doc.Name != "wamo validate" || doc.Tests != 12 || doc.Failures != 2 || doc.Errors != 3 || len(doc.Suites) != 7 {
		t.Fatalf("testsuites %q tests=%d failures=%d errors=%d, %d suites", doc.Name, doc.Tests, doc.Failures, doc.Errors, len(doc.Suites))
	}
	var tests, failures, errs int
	for _, s := range doc.Suites {
		var f, e int
		for _, c := range s.Cases {
			if c.Classname != s.Name {
				t.Errorf("testcase %q in suite %q has classname %q", c.Name, s.Name, c.Classname)
			}
			if c.Failure != nil {
				f++
			}
			if c.Error != nil {
				e++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e {
			t.Errorf("suite %s: attributes %d/%d/%d, content %d/%d/%d", s.Name, s.Tests, s.Failures, s.Errors, len(s.Cases), f, e)
		}
		tests, failures, errs = tests+s.Tests, failures+s.Failures, errs+s.Errors
	}
	if tests != doc.Tests || failures != doc.Failures || errs != doc.Errors {
		t.Errorf("totals %d/%d/%d, suites add up to %d/%d/%d", doc.Tests, doc.Failures, doc.Errors, tests, failures, errs)
	}
	img := doc.Suites[1].Cases[0]
	if img.Name != "payload 1 (line 1)" || img.Failure == nil || img.Failure.Type != "whatsapp.media-mime" ||
		!strings.Contains(img.Failure.Text, "warning whatsapp.contacts-missing") {
		t.Errorf("invalid payload test case = %+v", img)
	}
	if c := doc.Suites[6].Cases[0]; c.Failure != nil || c.Error != nil || !strings.Contains(c.SystemOut, "sinch.message-type-absent") {
		t.Errorf("warnings-only test case = %+v", c)
	}
	if c := doc.Suites[3].Cases[0]; c.Name != "input" || c.Error == nil || c.Error.Type != InputRuleID {
		t.Errorf("missing file test case = %+v", c)
	}
}

func TestValidateSARIFParses(t *testing.T) {
	out := render(t, ValidateOptions{Output: "sarif"}, nil, fixture())
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			ColumnKind string `json:"columnKind"`
			Tool       struct {
				Driver struct {
					Name, InformationURI, Version string
					Rules                         []struct {
						ID               string `json:"id"`
						ShortDescription struct{ Text string }
						Default          struct{ Level string } `json:"defaultConfiguration"`
					}
				}
			}
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
				Level     string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine, StartColumn int }
					}
				}
			}
			Invocations []struct {
				ExecutionSuccessful bool
				ExitCode            int
			}
		}
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if log.Version != "2.1.0" || log.Schema != SARIFSchema || len(log.Runs) != 1 {
		t.Fatalf("version %q, schema %q, %d runs", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "wamo" || d.InformationURI != InformationURI || d.Version != "1.2.3" || run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("driver %+v, columnKind %q", d, run.ColumnKind)
	}
	if len(d.Rules) != len(testRules)+1 || d.Rules[len(d.Rules)-1].ID != InputRuleID {
		t.Errorf("%d rules, want every rule and %q", len(d.Rules), InputRuleID)
	}
	if len(run.Results) != 7 {
		t.Fatalf("%d results, want 7", len(run.Results))
	}
	for _, r := range run.Results {
		if r.RuleIndex == nil || d.Rules[*r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex %v", r.RuleID, r.RuleIndex)
		}
	}
	first := run.Results[1]
	loc := first.Locations[0].PhysicalLocation
	if first.Level != "error" || loc.ArtifactLocation.URI != "in/turn-image.json" || loc.Region.StartLine != 12 || loc.Region.StartColumn != 25 ||
		first.Message.Text != `mime_type "text/plain" is not image/* (path messages[0].image.mime_type)` {
		t.Errorf("result = %+v", first)
	}
	if stdin := run.Results[6]; len(stdin.Locations) != 0 || !strings.HasPrefix(stdin.Message.Text, "-:9:7: ") {
		t.Errorf("stdin result = %+v", stdin)
	}
	if len(run.Invocations) != 1 || run.Invocations[0].ExitCode != 3 || !run.Invocations[0].ExecutionSuccessful {
		t.Errorf("invocations = %+v", run.Invocations)
	}
}

func TestSARIFURI(t *testing.T) {
	for name, want := range map[string]string{
		"in/a.json":       "in/a.json",
		"my dir/a%b.json": "my%20dir/a%25b.json",
		"/abs/x.json":     "file:///abs/x.json",
		"c:d.json":        "./c:d.json",
	} {
		if got, ok := sarifURI(name); !ok || got != want {
			t.Errorf("sarifURI(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := sarifURI("-"); ok {
		t.Error("stdin has a URI")
	}
}

func TestGitHubEscaping(t *testing.T) {
	rule := &diag.Rule{ID: "x.rule:a,b", Severity: diag.Error}
	r := result("dir/a,b:c%.json", 0, 1, payload.Sinch, 1, 0,
		finding(rule, 2, 3, 0, "data[0].a,b", "100% wrong\r\nsecond line, with: colon"))
	out := string(render(t, ValidateOptions{Output: "github"}, nil, []run{{name: r.Source, results: []validate.Result{r}}}))
	want := "::error file=dir/a%2Cb%3Ac%25.json,line=2,col=3,title=x.rule%3Aa%2Cb::" +
		"100%25 wrong%0Asecond line, with: colon (path data[0].a,b)\n"
	if !strings.HasPrefix(out, want) {
		t.Errorf("got  %q\nwant %q", out, want)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("%d lines, want the annotation and the summary:\n%s", n, out)
	}
}

func TestUnknownOutput(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	if _, err := NewValidateReporter(ios, ValidateOptions{Output: "yaml"}); err == nil || !strings.Contains(err.Error(), "yaml") {
		t.Errorf("err = %v", err)
	}
}

// Empty runs (no input at all) still give well-formed documents.
func TestValidateEmpty(t *testing.T) {
	for _, out := range ValidateOutputs {
		got := render(t, ValidateOptions{Output: out}, nil, nil)
		switch out {
		case "json", "sarif":
			if !json.Valid(got) {
				t.Errorf("%s: invalid JSON\n%s", out, got)
			}
		case "junit":
			var v struct{}
			if err := xml.Unmarshal(got, &v); err != nil {
				t.Errorf("junit: %v\n%s", err, got)
			}
		}
	}
}

// With tiny spool limits the deferred parts go through temporary files; the
// output must not change.
func TestValidateSpoolSpill(t *testing.T) {
	for _, out := range []string{"json", "junit"} {
		want := render(t, ValidateOptions{Output: out}, nil, fixture())
		ios, _, buf, _ := iostreams.Test()
		rep, err := NewValidateReporter(ios, ValidateOptions{Output: out, Rules: testRules, Version: "1.2.3"})
		if err != nil {
			t.Fatal(err)
		}
		switch r := rep.(type) {
		case *validateJSON:
			r.sources.limit = 16
		case *validateJUnit:
			r.cases.limit, r.suites.limit = 16, 16
		}
		feed(t, rep, fixture())
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s: spilled output differs:\n%s\nwant\n%s", out, buf.Bytes(), want)
		}
	}
}

func TestCaretPad(t *testing.T) {
	for _, tt := range []struct {
		excerpt string
		caret   int
		want    string
	}{
		{`{"a":1,}`, 8, "       ^"},
		{`{"名前":1,}`, 8, "         ^"}, // wide runes take two cells
		{`{`, 0, "^"},
		{`{`, 9, " ^"},
	} {
		if got := caretPad(tt.excerpt, tt.caret) + "^"; got != tt.want {
			t.Errorf("caretPad(%q, %d) = %q, want %q", tt.excerpt, tt.caret, got, tt.want)
		}
	}
}

// Names that need escaping survive both ways test cases are written.
func TestJUnitEscapesNames(t *testing.T) {
	name := `in/a&b "c" <d>.json`
	runs := []run{{name: name, results: []validate.Result{
		result(name, 0, 1, payload.Sinch, 1, 0),
		result(name, 1, 2, payload.Sinch, 1, 0, finding(ruleTotal, 2, 3, -1, "total", "a <b> & \"c\"")),
	}}}
	out := render(t, ValidateOptions{Output: "junit"}, nil, runs)
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Classname string `xml:"classname,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	s := doc.Suites[0]
	if s.Name != name || s.Cases[0].Classname != name || s.Cases[1].Classname != name ||
		s.Cases[1].Failure == nil || s.Cases[1].Failure.Message != "a <b> & \"c\" (path total)" {
		t.Errorf("parsed back as %+v\n%s", doc, out)
	}
}
