package render

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/payloadtest"

	"github.com/charmbracelet/x/ansi"
	"github.com/tidwall/pretty"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// showInput is one named input of a rendering test.
type showInput struct {
	name string
	data []byte
}

// showFixtures returns the named fixtures ("all" for every valid one) as
// inputs named fixtures/FOLDER/FILE.json.
func showFixtures(t testing.TB, names ...string) []showInput {
	t.Helper()
	fxs, err := fixtures.Select(names)
	if err != nil {
		t.Fatal(err)
	}
	var out []showInput
	for _, fx := range fxs {
		data, err := fixtures.Read(fx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, showInput{"fixtures/" + fx.Path, data})
	}
	return out
}

// showSelection covers every message type, statuses, errors and the JSON
// shapes (nesting, empty containers, escapes, numbers, booleans, null) in a
// few payloads, for the views that print whole payloads.
var showSelection = []string{
	"sinch/batch-mixed", "sinch/status", "whatsapp/sticker", "whatsapp/order",
	"cloud/interactive-nfm-reply", "cloud/status-sent", "cloud/errors",
}

// showExtra is a payload of JSON shapes the fixtures lack.
var showExtra = showInput{"extra.ndjson", []byte(`{"messages":[{"from":"1","id":"x","timestamp":"1700000000","type":"text","text":{"body":"tab\there \"quoted\" \\ \u00e9 \ud83d\ude00"},"context":{},"errors":[],"n":[-1.5e3,0,true,false,null]}]}
{"hello":"world"}
[1, {"a" : [ ]}]`)}

// showRun renders inputs through a printer as the command does and returns
// stdout and stderr.
func showRun(t testing.TB, opts ShowOptions, setup func(*iostreams.IOStreams), inputs []showInput) (string, string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.SetTerminalWidth(100)
	if setup != nil {
		setup(ios)
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	p := NewShowPrinter(ios, opts)
	for _, in := range inputs {
		payloadtest.Each(t, payload.NewReader(bytes.NewReader(in.data), in.name, 0), func(pl *payload.Payload) {
			if se := payload.CheckSyntax(pl); se != nil {
				p.SyntaxError(pl, se)
				return
			}
			if err := p.Payload(pl, payload.Detect(pl.Data).Format); err != nil {
				t.Fatal(err)
			}
		})
	}
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String()
}

func showTTY(ios *iostreams.IOStreams) {
	ios.SetStdoutTTY(true)
	ios.SetColorMode(iostreams.ColorAlways)
}

func TestShowGolden(t *testing.T) {
	all := showFixtures(t, "all")
	selection := append(showFixtures(t, showSelection...), showExtra)
	cases := []struct {
		golden string
		opts   ShowOptions
		setup  func(*iostreams.IOStreams)
		inputs []showInput
	}{
		{"default.golden", ShowOptions{}, nil, append(all, showExtra)},
		{"default_color.golden", ShowOptions{}, showTTY, append(all, showExtra)},
		{"table.tsv.golden", ShowOptions{View: ShowTable}, nil, all},
		{"table_tty.golden", ShowOptions{View: ShowTable}, showTTY, all},
		{"json.golden", ShowOptions{View: ShowJSON}, nil, selection},
		{"json_color.golden", ShowOptions{View: ShowJSON}, showTTY, selection},
		{"compact.golden", ShowOptions{View: ShowJSON, Compact: true}, nil, selection},
		{"compact_color.golden", ShowOptions{View: ShowJSON, Compact: true}, showTTY, selection},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			out, errOut := showRun(t, c.opts, c.setup, c.inputs)
			if errOut != "" {
				t.Errorf("stderr: %s", errOut)
			}
			golden.Assert(t, filepath.Join("testdata", "show", c.golden), []byte(out))
		})
	}

	// --field: one section per path, over the selection.
	var field bytes.Buffer
	for _, path := range []string{
		"messages.0.type", // string
		"data.#.source",   // array
		"messages.0.order.product_items.0.quantity", // number
		"messages.0.n.4",              // null
		"messages.0.sticker.metadata", // object
		"entry.0.changes.0.value.statuses.0.pricing.billable",
	} {
		out, _ := showRun(t, ShowOptions{View: ShowField, Field: path}, nil, selection)
		field.WriteString("## " + path + "\n" + out)
	}
	golden.Assert(t, filepath.Join("testdata", "show", "field.golden"), field.Bytes())
}

func TestShowTTYLinesFitTheTerminal(t *testing.T) {
	all := append(showFixtures(t, "all"), showExtra)
	for _, view := range []ShowView{ShowDefault, ShowTable} {
		for _, width := range []int{60, 80, 100, 160} {
			out, _ := showRun(t, ShowOptions{View: view}, func(ios *iostreams.IOStreams) {
				showTTY(ios)
				ios.SetTerminalWidth(width)
			}, all)
			for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if w := ansi.StringWidth(line); w > width {
					t.Errorf("view %d, width %d: line of %d cells: %q", view, width, w, line)
				}
			}
		}
	}
}

func TestShowPipedHasNoEscapes(t *testing.T) {
	hostile := showInput{"hostile.json", []byte(`{"contacts":[{"profile":{"name":"\u001b[2J\u009bEve"},"wa_id":"1"}],"messages":[{"from":"1","type":"text","timestamp":"1","text":{"body":"\u001b[31mred\u001b[0m\r\nnext\u0007"}}]}`)}
	inputs := append(showFixtures(t, "all"), showExtra, hostile)
	for _, opts := range []ShowOptions{
		{View: ShowDefault}, {View: ShowTable}, {View: ShowJSON}, {View: ShowJSON, Compact: true},
		{View: ShowField, Field: "messages.0.text.body"}, {View: ShowField, Field: "contacts.0.profile"},
	} {
		out, _ := showRun(t, opts, nil, inputs)
		if i := strings.IndexAny(out, "\x1b\u009b\a"); i >= 0 {
			t.Errorf("view %d %q: escape or control character at %d: %q", opts.View, opts.Field, i, out[max(0, i-40):min(len(out), i+40)])
		}
	}
	// On a terminal, colour comes only from wamo: payload text is defused.
	out, _ := showRun(t, ShowOptions{}, showTTY, []showInput{hostile})
	if !strings.Contains(out, "^[[31mred^[[0m↵next^G") || !strings.Contains(out, "^[[2J\uFFFDEve") {
		t.Errorf("control characters not made visible:\n%q", out)
	}
}

func TestShowDiagnostics(t *testing.T) {
	inputs := []showInput{
		{"bad.ndjson", []byte("{\"messages\":[]}\n{\"messages\":[1,]}\n{\"data\":[]}\n")},
		{"odd.json", []byte(`{"hello":"world"}`)},
	}
	out, errOut := showRun(t, ShowOptions{}, nil, inputs)
	if want := "bad.ndjson:2:15: error json.syntax: trailing comma before ']'\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	for _, want := range []string{"bad.ndjson:1  whatsapp  no messages or statuses\n", "bad.ndjson:3  sinch  no messages or statuses\n",
		"odd.json:1  (format not recognised: no top-level"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "[1,]") {
		t.Error("an invalid payload was printed")
	}

	// The table reports unrecognised payloads on stderr.
	_, errOut = showRun(t, ShowOptions{View: ShowTable}, nil, inputs[1:])
	if !strings.HasPrefix(errOut, "odd.json:1:1: error format: format not recognised") {
		t.Errorf("table stderr %q", errOut)
	}

	// Colour on stderr follows stderr's own decision.
	_, errOut = showRun(t, ShowOptions{}, func(ios *iostreams.IOStreams) { ios.SetStderrTTY(true) }, inputs[:1])
	if !strings.Contains(errOut, "\x1b[") {
		t.Errorf("no colour on a terminal's stderr: %q", errOut)
	}
}

func TestShowStats(t *testing.T) {
	inputs := append(showFixtures(t, "sinch/batch-mixed", "cloud/status-read"), showInput{"odd.json", []byte(`{"x":1}`)})
	ios, _, _, _ := iostreams.Test()
	p := NewShowPrinter(ios, ShowOptions{View: ShowField, Field: "data.0.source"})
	for _, in := range inputs {
		pl := payload.Payload{Source: in.name, Data: in.data, Line: 1, Col: 1}
		p.Payload(&pl, payload.Detect(in.data).Format)
	}
	if st := p.Stats(); st.Payloads != 3 || st.FieldHits != 1 {
		t.Errorf("stats %+v", st)
	}
	_, _ = showRun(t, ShowOptions{}, nil, inputs)
}

func TestShowTimeZone(t *testing.T) {
	in := showFixtures(t, "cloud/text")
	brt := time.FixedZone("BRT", -3*3600)
	out, _ := showRun(t, ShowOptions{Location: brt}, nil, in)
	if !strings.Contains(out, "  2026-01-05 07:00:00  +16505550147") {
		t.Errorf("default view not in the given zone:\n%s", out)
	}
	out, _ = showRun(t, ShowOptions{View: ShowTable, Location: brt}, nil, in)
	if !strings.Contains(out, "\n2026-01-05T07:00:00-03:00\t16505550147\t") {
		t.Errorf("TSV not in the given zone:\n%s", out)
	}
}

func TestShowEmptyTable(t *testing.T) {
	out, _ := showRun(t, ShowOptions{View: ShowTable}, nil, nil)
	if out != showTSVHeader {
		t.Errorf("empty TSV %q, want the header row", out)
	}
	out, _ = showRun(t, ShowOptions{View: ShowTable}, showTTY, nil)
	if out != "" {
		t.Errorf("empty terminal table %q, want nothing", out)
	}
}

func TestTableWidths(t *testing.T) {
	for _, w := range []int{40, 60, 80, 100, 200} {
		ws := tableWidths(w)
		total := tableOverhead
		for _, c := range ws {
			total += c
		}
		if w >= 70 && total != w {
			t.Errorf("width %d: table of %d cells", w, total)
		}
		if ws[showColText] < 10 {
			t.Errorf("width %d: text column %d", w, ws[showColText])
		}
	}
}

var ansiSGR = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripSGR(b []byte) []byte { return ansiSGR.ReplaceAll(b, nil) }

// TestJSONPrinterMatchesStdlib pins the layouts to encoding/json's: indented
// like json.Indent(…, "", "  ") (which is also jq's layout), compact like
// json.Compact, and colour adding escape sequences only; characters a
// terminal acts on, which JSON allows raw, are written as \u escapes
// (appendJSONSafe).
func TestJSONPrinterMatchesStdlib(t *testing.T) {
	var docs [][]byte
	for _, fx := range fixtures.List() {
		data, _ := fixtures.Read(fx)
		if json.Valid(data) {
			docs = append(docs, data)
		}
	}
	docs = append(docs, []byte(`[]`), []byte(` { } `), []byte(`"s"`), []byte(`-0.5e-3`), []byte(`[[[],{}],{"":[null]}]`),
		[]byte(`{"a\"b\\":"c\\\"","d":"\\"}`))
	for _, doc := range docs {
		checkJSONLayouts(t, doc)
	}
}

func checkJSONLayouts(t *testing.T, doc []byte) {
	t.Helper()
	var indented bytes.Buffer
	if err := json.Indent(&indented, bytes.TrimSpace(doc), "", "  "); err != nil {
		t.Fatal(err)
	}
	var compacted bytes.Buffer
	json.Compact(&compacted, doc)
	layouts := []struct {
		name   string
		layout jsonLayout
		want   []byte
	}{
		{"indent", jsonIndent, JSONSafe(indented.Bytes())},
		{"compact", jsonCompact, JSONSafe(compacted.Bytes())},
		{"keep", jsonKeep, JSONSafe(doc)},
	}
	for _, color := range []bool{false, true} {
		for _, l := range layouts {
			p := jsonPrinter{layout: l.layout, color: color}
			got := p.Append(nil, doc)
			if color {
				got = stripSGR(got)
			}
			if !bytes.Equal(got, l.want) {
				t.Fatalf("%s (colour %v) of %s:\n got %s\nwant %s", l.name, color, doc, got, l.want)
			}
		}
	}
}

func TestJSONPrinterColors(t *testing.T) {
	p := jsonPrinter{layout: jsonCompact, color: true}
	got := string(p.Append(nil, []byte(`{"k":["s",1,true,null]}`)))
	want := showJSONPunct + "{" + showJSONKey + `"k"` + showJSONPunct + ":[" + showJSONString + `"s"` + showJSONPunct + "," +
		showJSONNumber + "1" + showJSONPunct + "," + showJSONBool + "true" + showJSONPunct + "," + showJSONNull + "null" +
		showJSONPunct + "]}" + showJSONReset
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// FuzzColorize checks the JSON printer on any valid JSON: colouring leaves
// the text alone (stripped of its escape sequences the output is the
// input), and the indented and compact layouts are encoding/json's.
func FuzzColorize(f *testing.F) {
	for _, fx := range fixtures.List() {
		data, _ := fixtures.Read(fx)
		f.Add(data)
	}
	f.Add([]byte(`{"a":[1,{"b":null}],"c":"\"\\"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := jsonPrinter{layout: jsonKeep, color: true}
		got := p.Append(nil, data) // never panics, valid or not
		if !json.Valid(data) {
			return
		}
		if s := stripSGR(got); !bytes.Equal(s, JSONSafe(data)) {
			t.Fatalf("colourized text differs from the input:\n got %q\nwant %q", s, data)
		}
		checkJSONLayouts(t, data)
	})
}

// showBenchNDJSON is about size bytes of NDJSON made of the compacted
// whatsapp fixtures.
func showBenchNDJSON(b *testing.B, size int) []byte {
	b.Helper()
	var lines [][]byte
	for _, fx := range fixtures.List() {
		if fx.Folder != "whatsapp" {
			continue
		}
		data, _ := fixtures.Read(fx)
		lines = append(lines, pretty.Ugly(data))
	}
	var buf bytes.Buffer
	for i := 0; buf.Len() < size; i++ {
		buf.Write(lines[i%len(lines)])
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// BenchmarkJSONPrinter compares the JSON printer with tidwall/pretty on the
// same documents (the bytes of the NDJSON per second).
func BenchmarkJSONPrinter(b *testing.B) {
	data := showBenchNDJSON(b, 4<<20)
	docs := bytes.Split(bytes.TrimSpace(data), []byte{'\n'})
	opts := &pretty.Options{Width: -1, Indent: "  "}
	var dst []byte
	run := func(name string, f func(doc []byte)) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range docs {
					f(d)
				}
			}
		})
	}
	plain := jsonPrinter{layout: jsonIndent}
	color := jsonPrinter{layout: jsonIndent, color: true}
	keep := jsonPrinter{layout: jsonKeep, color: true}
	run("wamo-plain", func(d []byte) { dst = plain.Append(dst[:0], d) })
	run("wamo-color", func(d []byte) { dst = color.Append(dst[:0], d) })
	run("wamo-colorize-pretty", func(d []byte) { dst = keep.Append(dst[:0], pretty.PrettyOptions(d, opts)) })
	run("tidwall-pretty", func(d []byte) { dst = pretty.PrettyOptions(d, opts) })
	run("tidwall-pretty-color", func(d []byte) { dst = pretty.Color(pretty.PrettyOptions(d, opts), nil) })
}
