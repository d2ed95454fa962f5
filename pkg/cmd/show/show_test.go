package show

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/pretty"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/render"
)

// brt is the zone of the test clock: "local time" in these tests.
var brt = time.FixedZone("BRT", -3*3600)

// run executes `wamo show ARGS` in e, at 9:00 local time on 2026-01-01.
func run(e cmdtest.Env, args ...string) cmdtest.Result {
	e.Now = time.Date(2026, 1, 1, 9, 0, 0, 0, brt)
	return cmdtest.Run(e, NewCmdShow, nil, args...)
}

// compact returns the fixtures as NDJSON.
func compact(t testing.TB, names ...string) string {
	t.Helper()
	var b strings.Builder
	for _, n := range names {
		b.Write(pretty.Ugly(payloadtest.Read(t, n)))
		b.WriteByte('\n')
	}
	return b.String()
}

// fixturesDir is the repository's fixtures directory.
func fixturesDir(folder string) string { return filepath.Join("..", "..", "..", "fixtures", folder) }

func TestShowStdinNDJSON(t *testing.T) {
	r := run(cmdtest.Env{Stdin: compact(t, "whatsapp/text", "cloud/batch-multi", "sinch/status")})
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
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
	if r.Stdout != want {
		t.Errorf("got\n%s\nwant\n%s", r.Stdout, want)
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
		r := run(cmdtest.Env{Stdin: in}, c.args...)
		if r.Code != 0 || r.Stdout != c.want || r.Stderr != "" {
			t.Errorf("%v: exit %d, stderr %q, out\n%s\nwant\n%s", c.args, r.Code, r.Stderr, r.Stdout, c.want)
		}
	}
	r := run(cmdtest.Env{Stdin: compact(t, "whatsapp/text")}, "--json")
	if !strings.HasPrefix(r.Stdout, "{\n  \"contacts\": [\n    {\n      \"profile\": {\n        \"name\": \"Kerry Fisher\"") {
		t.Errorf("--json not indented like jq:\n%s", r.Stdout)
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
		r := run(cmdtest.Env{}, c.args...)
		if r.Code != cmdutil.ExitUsage || !strings.Contains(r.Stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, r.Code, r.Stderr, c.msg)
		}
	}
	r := run(cmdtest.Env{StdinTTY: true})
	if r.Code != cmdutil.ExitUsage || !strings.Contains(r.Stderr, "no input") {
		t.Errorf("no input on a terminal: exit %d, %q", r.Code, r.Stderr)
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
		r := run(cmdtest.Env{}, append(append([]string{}, view...), bad, missing, binary)...)
		if r.Code != cmdutil.ExitInput {
			t.Errorf("%v: exit %d, want 3", view, r.Code)
		}
		wantErr := bad + ":2:15: error json.syntax: trailing comma before ']'\n" +
			missing + ": error input: no such file or directory\n" +
			binary + ":1:1: error input: not JSON: the input starts with binary data, not with a JSON object\n"
		if r.Stderr != wantErr {
			t.Errorf("%v: stderr\n%s\nwant\n%s", view, r.Stderr, wantErr)
		}
		if strings.Contains(r.Stdout, "[1,]") || strings.Contains(r.Stdout, "[\n        1\n") {
			t.Errorf("%v: the invalid payload was printed:\n%s", view, r.Stdout)
		}
		if len(view) > 0 && view[0] == "--json" && strings.Count(r.Stdout, "\n{\n")+1 != 2 {
			t.Errorf("--json printed %d documents, want the 2 valid ones", strings.Count(r.Stdout, "\n{\n")+1)
		}
	}
	// The valid payloads around the invalid one are shown.
	r := run(cmdtest.Env{}, bad)
	if !strings.Contains(r.Stdout, bad+":1  whatsapp") || !strings.Contains(r.Stdout, bad+":3  sinch") {
		t.Errorf("valid payloads missing:\n%s", r.Stdout)
	}
}

func TestShowFormatNotRecognised(t *testing.T) {
	in := `{"hello":"world"}` + "\n"
	r := run(cmdtest.Env{Stdin: in})
	if r.Code != cmdutil.ExitInput || !strings.Contains(r.Stdout, "-:1  (format not recognised") {
		t.Errorf("default view: exit %d, out %q", r.Code, r.Stdout)
	}
	r = run(cmdtest.Env{Stdin: in}, "--table")
	if r.Code != cmdutil.ExitInput || !strings.Contains(r.Stderr, "-:1:1: error format: format not recognised") {
		t.Errorf("table: exit %d, stderr %q", r.Code, r.Stderr)
	}
	r = run(cmdtest.Env{Stdin: in}, "--json", "--compact")
	if r.Code != 0 || r.Stdout != in {
		t.Errorf("--json: exit %d, out %q", r.Code, r.Stdout)
	}
	r = run(cmdtest.Env{Stdin: in}, "--field", "hello")
	if r.Code != 0 || r.Stdout != "world\n" {
		t.Errorf("--field: exit %d, out %q", r.Code, r.Stdout)
	}
	// A forced format is believed.
	r = run(cmdtest.Env{Stdin: in}, "--format", "whatsapp")
	if r.Code != 0 || !strings.Contains(r.Stdout, "whatsapp  no messages or statuses") {
		t.Errorf("--format whatsapp: exit %d, out %q", r.Code, r.Stdout)
	}
}

func TestShowFieldMissingEverywhere(t *testing.T) {
	r := run(cmdtest.Env{Stdin: compact(t, "whatsapp/text", "cloud/text")}, "--field", "nope.nothing")
	if r.Code != cmdutil.ExitFindings || r.Stdout != "\n\n" {
		t.Errorf("exit %d, out %q; want 1 and one empty line per payload", r.Code, r.Stdout)
	}
}

func TestShowPipedHasNoEscapes(t *testing.T) {
	for _, view := range [][]string{nil, {"--table"}, {"--json"}, {"--compact"}, {"--field", "entry.0.changes.0.value"}} {
		args := append(append([]string{}, view...), fixturesDir("sinch"), fixturesDir("whatsapp"), fixturesDir("cloud"))
		r := run(cmdtest.Env{}, args...)
		if r.Code != 0 {
			t.Errorf("%v: exit %d: %s", view, r.Code, r.Stderr)
		}
		if strings.Contains(r.Stdout, "\x1b") {
			t.Errorf("%v: escape sequence in piped output", view)
		}
		// Forced colour is honoured even when piped; NO_COLOR wins on a terminal.
		r = run(cmdtest.Env{Setup: func(ios *iostreams.IOStreams) { ios.SetColorMode(iostreams.ColorAlways) }}, args...)
		if !strings.Contains(r.Stdout, "\x1b[") && len(view) > 0 && view[0] != "--table" {
			t.Errorf("%v: no colour with --color always", view)
		}
		r = run(cmdtest.Env{StdoutTTY: true, NoColor: true}, args...)
		if strings.Contains(r.Stdout, "\x1b") {
			t.Errorf("%v: colour despite NO_COLOR", view)
		}
	}
	r := run(cmdtest.Env{StdoutTTY: true}, fixturesDir("cloud"))
	if !strings.Contains(r.Stdout, "\x1b[") {
		t.Error("no colour on a terminal")
	}
}

func TestShowTimeZone(t *testing.T) {
	in := compact(t, "cloud/text")
	r := run(cmdtest.Env{Stdin: in})
	if !strings.Contains(r.Stdout, "  2026-01-05 07:00:00  ") {
		t.Errorf("not in the clock's zone:\n%s", r.Stdout)
	}
	r = run(cmdtest.Env{Stdin: in}, "--utc")
	if !strings.Contains(r.Stdout, "  2026-01-05 10:00:00  ") {
		t.Errorf("--utc not in UTC:\n%s", r.Stdout)
	}
}

func TestShowInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := run(cmdtest.Env{Ctx: ctx}, fixturesDir("cloud"))
	if r.Code != cmdutil.ExitInterrupted {
		t.Errorf("exit %d, want 130", r.Code)
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
		var got *Options
		capture := func(_ context.Context, o *Options) error { got = o; return nil }
		if r := cmdtest.Run(cmdtest.Env{Now: time.Now().In(brt)}, NewCmdShow, capture, c.args...); r.Code != 0 {
			t.Fatalf("%v: %s", c.args, r.Stderr)
		}
		if got.View != c.view || got.Compact != c.compact || got.Location != c.loc || got.Paths[0] != "x" {
			t.Errorf("%v: got %+v", c.args, got)
		}
	}
}

// TestShowLiveStream checks that a payload is printed before the command
// waits for the next one: `tail -f … | wamo show` shows messages as they come.
func TestShowLiveStream(t *testing.T) {
	pr, pw := io.Pipe()
	out := &cmdtest.SyncBuffer{}
	f, _, _ := cmdtest.Factory(cmdtest.Env{Setup: func(ios *iostreams.IOStreams) { ios.In, ios.Out = pr, out }})
	done := make(chan error, 1)
	go func() { done <- cmdtest.Exec(context.Background(), NewCmdShow(f, nil), f.IOStreams, "--utc") }()

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

// benchShow runs the whole command path but flag parsing (stdin → reader →
// syntax check → printer) over the NDJSON, output discarded; b.SetBytes
// makes `go test -bench` report MB/s of input.
func benchShow(b *testing.B, view render.ShowView, color bool) {
	data := payloadtest.NDJSON(b, 16<<20, payloadtest.In(payload.WhatsApp))
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
