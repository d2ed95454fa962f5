package show

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/pretty"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/render"
)

// brt is the zone of the test clock: "local time" in these tests.
var brt = time.FixedZone("BRT", -3*3600)

type result struct {
	code        int
	out, errOut string
}

// run executes `wamo show ARGS` through cobra with in-memory streams, stdin
// holding stdin, and returns the exit code and output.
func run(t testing.TB, ctx context.Context, args []string, stdin string, setup func(*iostreams.IOStreams)) result {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	if setup != nil {
		setup(ios)
	}
	f := &cmdutil.Factory{IOStreams: ios, Now: func() time.Time { return time.Date(2026, 1, 1, 9, 0, 0, 0, brt) }}
	cmd := NewCmdShow(f, nil)
	cmd.SetFlagErrorFunc(cmdutil.FlagError)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	if ctx == nil {
		ctx = context.Background()
	}
	err := cmd.ExecuteContext(ctx)
	return result{cmdutil.ExitCode(err), out.String(), errOut.String() + errText(err)}
}

// errText is what the root command would print for err.
func errText(err error) string {
	if ee, ok := err.(*cmdutil.ExitError); err == nil || ok && ee.Silent {
		return ""
	}
	return "wamo: " + err.Error() + "\n"
}

// compact returns the fixtures as NDJSON.
func compact(t testing.TB, names ...string) string {
	t.Helper()
	var b strings.Builder
	for _, n := range names {
		fx, err := fixtures.Lookup(n)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := fixtures.Read(fx)
		b.Write(pretty.Ugly(data))
		b.WriteByte('\n')
	}
	return b.String()
}

// fixturesDir is the repository's fixtures directory.
func fixturesDir(folder string) string { return filepath.Join("..", "..", "..", "fixtures", folder) }

func TestShowStdinNDJSON(t *testing.T) {
	r := run(t, nil, nil, compact(t, "whatsapp/text", "cloud/batch-multi", "sinch/status"), nil)
	if r.code != 0 || r.errOut != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.errOut)
	}
	want := `-:1  whatsapp  1 message
  2018-02-15 08:30:35  +16315551234      Kerry Fisher      text          Hello this is an answer
-:2  cloud  3 messages, 1 status
  2026-01-06 11:14:28  +16505550147      Daniel Okafor     text          Good morning!
  2026-01-06 11:14:30  +5511987650001    Ana Souza         image         Nota fiscal (image/jpeg)
  2026-01-06 11:14:33  +5215512345678    Lucía Ramírez     location      Catedral de Guadalajara (20.6764587,-103.3473498)
  2026-01-06 11:14:34  → +5215512345678                    status        delivered · marketing
-:3  sinch  1 status
  2024-06-19 13:03:22  → +5511987650001                    status        delivered
`
	if r.out != want {
		t.Errorf("got\n%s\nwant\n%s", r.out, want)
	}
}

func TestShowViewsOnStdin(t *testing.T) {
	in := compact(t, "whatsapp/text", "sinch/text")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--utc", "--table"}, "time\tfrom\tname\ttype\ttext\tto\tsource\n" +
			"2018-02-15T11:30:35Z\t16315551234\tKerry Fisher\ttext\tHello this is an answer\t\t-:1\n" +
			"2017-12-18T17:09:31Z\t5519900000000\tname of the user\ttext\tHi, this is a message from the user\t5519900000000\t-:2\n"},
		{[]string{"--json", "--compact", "-"}, in},
		{[]string{"--compact"}, in},
		{[]string{"--field", "messages.0.text.body"}, "Hello this is an answer\n\n"},
		{[]string{"--field", "data.0.userProfile"}, "\n{\"name\":\"name of the user\"}\n"},
	}
	for _, c := range cases {
		r := run(t, nil, c.args, in, nil)
		if r.code != 0 || r.out != c.want || r.errOut != "" {
			t.Errorf("%v: exit %d, stderr %q, out\n%s\nwant\n%s", c.args, r.code, r.errOut, r.out, c.want)
		}
	}
	r := run(t, nil, []string{"--json"}, compact(t, "whatsapp/text"), nil)
	if !strings.HasPrefix(r.out, "{\n  \"contacts\": [\n    {\n      \"profile\": {\n        \"name\": \"Kerry Fisher\"") {
		t.Errorf("--json not indented like jq:\n%s", r.out)
	}
}

func TestShowUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"--json", "--table", "x"}, "mutually exclusive"},
		{[]string{"--json", "--field", "a", "x"}, "mutually exclusive"},
		{[]string{"--table", "--field", "a", "x"}, "mutually exclusive"},
		{[]string{"--compact", "--table", "x"}, "--compact only applies to --json"},
		{[]string{"--compact", "--field", "a", "x"}, "--compact only applies to --json"},
		{[]string{"--field", "", "x"}, "--field needs a path"},
		{[]string{"--format", "xml", "x"}, "--format"},
		{[]string{"--max-size", "big", "x"}, "--max-size"},
	}
	for _, c := range cases {
		r := run(t, nil, c.args, "", nil)
		if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, r.code, r.errOut, c.msg)
		}
	}
	r := run(t, nil, nil, "", func(ios *iostreams.IOStreams) { ios.SetStdinTTY(true) })
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "no input") {
		t.Errorf("no input on a terminal: exit %d, %q", r.code, r.errOut)
	}
}

func TestShowInvalidInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ndjson")
	if err := os.WriteFile(bad, []byte(compact(t, "whatsapp/text")+"{\"messages\":[1,]}\n"+compact(t, "sinch/text")), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.json")
	binary := filepath.Join(dir, "binary.json")
	os.WriteFile(binary, []byte{0x89, 'P', 'N', 'G', 0, 1}, 0o644)
	for _, view := range [][]string{nil, {"--json"}, {"--table"}, {"--field", "id"}} {
		r := run(t, nil, append(append([]string{}, view...), bad, missing, binary), "", nil)
		if r.code != cmdutil.ExitInput {
			t.Errorf("%v: exit %d, want 3", view, r.code)
		}
		wantErr := bad + ":2:15: error json.syntax: trailing comma before ']'\n" +
			missing + ": error input: no such file or directory\n" +
			binary + ":1:1: error input: not JSON: the input starts with binary data, not with a JSON object\n"
		if r.errOut != wantErr {
			t.Errorf("%v: stderr\n%s\nwant\n%s", view, r.errOut, wantErr)
		}
		if strings.Contains(r.out, "[1,]") || strings.Contains(r.out, "[\n        1\n") {
			t.Errorf("%v: the invalid payload was printed:\n%s", view, r.out)
		}
		if len(view) > 0 && view[0] == "--json" && strings.Count(r.out, "\n{\n")+1 != 2 {
			t.Errorf("--json printed %d documents, want the 2 valid ones", strings.Count(r.out, "\n{\n")+1)
		}
	}
	// The valid payloads around the invalid one are shown.
	r := run(t, nil, []string{bad}, "", nil)
	if !strings.Contains(r.out, bad+":1  whatsapp") || !strings.Contains(r.out, bad+":3  sinch") {
		t.Errorf("valid payloads missing:\n%s", r.out)
	}
}

func TestShowFormatNotRecognised(t *testing.T) {
	in := `{"hello":"world"}` + "\n"
	r := run(t, nil, nil, in, nil)
	if r.code != cmdutil.ExitInput || !strings.Contains(r.out, "-:1  (format not recognised") {
		t.Errorf("default view: exit %d, out %q", r.code, r.out)
	}
	r = run(t, nil, []string{"--table"}, in, nil)
	if r.code != cmdutil.ExitInput || !strings.Contains(r.errOut, "-:1:1: error format: format not recognised") {
		t.Errorf("table: exit %d, stderr %q", r.code, r.errOut)
	}
	r = run(t, nil, []string{"--json", "--compact"}, in, nil)
	if r.code != 0 || r.out != in {
		t.Errorf("--json: exit %d, out %q", r.code, r.out)
	}
	r = run(t, nil, []string{"--field", "hello"}, in, nil)
	if r.code != 0 || r.out != "world\n" {
		t.Errorf("--field: exit %d, out %q", r.code, r.out)
	}
	// A forced format is believed.
	r = run(t, nil, []string{"--format", "whatsapp"}, in, nil)
	if r.code != 0 || !strings.Contains(r.out, "whatsapp  no messages or statuses") {
		t.Errorf("--format whatsapp: exit %d, out %q", r.code, r.out)
	}
}

func TestShowFieldMissingEverywhere(t *testing.T) {
	r := run(t, nil, []string{"--field", "nope.nothing"}, compact(t, "whatsapp/text", "cloud/text"), nil)
	if r.code != cmdutil.ExitFindings || r.out != "\n\n" {
		t.Errorf("exit %d, out %q; want 1 and one empty line per payload", r.code, r.out)
	}
}

func TestShowPipedHasNoEscapes(t *testing.T) {
	for _, view := range [][]string{nil, {"--table"}, {"--json"}, {"--compact"}, {"--field", "entry.0.changes.0.value"}} {
		args := append(append([]string{}, view...), fixturesDir("sinch"), fixturesDir("whatsapp"), fixturesDir("cloud"))
		r := run(t, nil, args, "", nil)
		if r.code != 0 {
			t.Errorf("%v: exit %d: %s", view, r.code, r.errOut)
		}
		if strings.Contains(r.out, "\x1b") {
			t.Errorf("%v: escape sequence in piped output", view)
		}
		// Forced colour is honoured even when piped; NO_COLOR wins on a terminal.
		r = run(t, nil, args, "", func(ios *iostreams.IOStreams) { ios.SetColorMode(iostreams.ColorAlways) })
		if !strings.Contains(r.out, "\x1b[") && len(view) > 0 && view[0] != "--table" {
			t.Errorf("%v: no colour with --color always", view)
		}
		r = run(t, nil, args, "", func(ios *iostreams.IOStreams) { ios.SetStdoutTTY(true); ios.SetNoColorEnv(true) })
		if strings.Contains(r.out, "\x1b") {
			t.Errorf("%v: colour despite NO_COLOR", view)
		}
	}
	r := run(t, nil, []string{fixturesDir("cloud")}, "", func(ios *iostreams.IOStreams) { ios.SetStdoutTTY(true) })
	if !strings.Contains(r.out, "\x1b[") {
		t.Error("no colour on a terminal")
	}
}

func TestShowTimeZone(t *testing.T) {
	in := compact(t, "cloud/text")
	r := run(t, nil, nil, in, nil)
	if !strings.Contains(r.out, "  2026-01-05 07:00:00  ") {
		t.Errorf("not in the clock's zone:\n%s", r.out)
	}
	r = run(t, nil, []string{"--utc"}, in, nil)
	if !strings.Contains(r.out, "  2026-01-05 10:00:00  ") {
		t.Errorf("--utc not in UTC:\n%s", r.out)
	}
}

func TestShowInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := run(t, ctx, []string{fixturesDir("cloud")}, "", nil)
	if r.code != cmdutil.ExitInterrupted {
		t.Errorf("exit %d, want 130", r.code)
	}
}

func TestShowOptions(t *testing.T) {
	cases := []struct {
		args    []string
		view    render.ShowView
		compact bool
		loc     *time.Location
	}{
		{[]string{"x"}, render.ShowDefault, false, brt},
		{[]string{"--json", "x"}, render.ShowJSON, false, brt},
		{[]string{"--json", "--compact", "x"}, render.ShowJSON, true, brt},
		{[]string{"--compact", "x"}, render.ShowJSON, true, brt},
		{[]string{"--table", "--utc", "x"}, render.ShowTable, false, time.UTC},
		{[]string{"--field", "a.b", "x"}, render.ShowField, false, brt},
	}
	for _, c := range cases {
		ios, _, _, _ := iostreams.Test()
		f := &cmdutil.Factory{IOStreams: ios, Now: func() time.Time { return time.Now().In(brt) }}
		var got *Options
		cmd := NewCmdShow(f, func(_ context.Context, o *Options) error { got = o; return nil })
		cmd.SetArgs(c.args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if got.View != c.view || got.Compact != c.compact || got.Location != c.loc || got.Paths[0] != "x" {
			t.Errorf("%v: got %+v", c.args, got)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestShowLiveStream checks that a payload is printed before the command
// waits for the next one: `tail -f … | wamo show` shows messages as they come.
func TestShowLiveStream(t *testing.T) {
	pr, pw := io.Pipe()
	ios, _, _, _ := iostreams.Test()
	out := &syncBuffer{}
	ios.In, ios.Out = pr, out
	f := &cmdutil.Factory{IOStreams: ios, Now: time.Now}
	cmd := NewCmdShow(f, nil)
	cmd.SetArgs([]string{"--utc"})
	done := make(chan error, 1)
	go func() { done <- cmd.Execute() }()

	pw.Write([]byte(compact(t, "whatsapp/text")))
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Hello this is an answer") {
		if time.Now().After(deadline) {
			t.Fatalf("first payload not shown while the stream is open; output %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	pw.Write([]byte(compact(t, "cloud/text")))
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Hi! Is the store open on Sunday?") {
		t.Errorf("second payload missing: %q", out.String())
	}
}

// benchNDJSON is about 16 MB of NDJSON made of the compacted whatsapp
// fixtures.
func benchNDJSON(b *testing.B) []byte {
	b.Helper()
	var lines [][]byte
	for _, fx := range fixtures.List() {
		if fx.Folder == "whatsapp" {
			data, _ := fixtures.Read(fx)
			lines = append(lines, pretty.Ugly(data))
		}
	}
	var buf bytes.Buffer
	for i := 0; buf.Len() < 16<<20; i++ {
		buf.Write(lines[i%len(lines)])
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// benchShow runs the whole command path but flag parsing (stdin → reader →
// syntax check → printer) over the NDJSON, output discarded; b.SetBytes
// makes `go test -bench` report MB/s of input.
func benchShow(b *testing.B, view render.ShowView, color bool) {
	data := benchNDJSON(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ios, _, _, _ := iostreams.Test()
		ios.In, ios.Out = bytes.NewReader(data), io.Discard
		if color {
			ios.SetColorMode(iostreams.ColorAlways)
		}
		opts := &Options{IO: ios, Paths: []string{"-"}, View: view, Location: time.UTC}
		if err := Run(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkShowJSONColor(b *testing.B) { benchShow(b, render.ShowJSON, true) }
func BenchmarkShowJSONPlain(b *testing.B) { benchShow(b, render.ShowJSON, false) }
func BenchmarkShowDefault(b *testing.B)   { benchShow(b, render.ShowDefault, false) }
func BenchmarkShowTableTSV(b *testing.B)  { benchShow(b, render.ShowTable, false) }
