package convert

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/validate"
)

const fx = "../../../fixtures/"

// run executes `wamo convert ARGS` with stdin.
func run(stdin string, stdinTTY bool, args ...string) cmdtest.Result {
	e := cmdtest.Env{Stdin: stdin, StdinTTY: stdinTTY, Now: time.Unix(1767225600, 0)}
	return cmdtest.Run(e, NewCmdConvert, nil, args...)
}

func docs(t *testing.T, s string) []payload.Payload {
	t.Helper()
	rd := payload.NewReader(strings.NewReader(s), "stdout", 0)
	var out []payload.Payload
	payloadtest.Each(t, rd, func(p *payload.Payload) {
		p.Data = append([]byte(nil), p.Data...)
		out = append(out, *p)
	})
	return out
}

func validAs(t *testing.T, f payload.Format, s string) int {
	t.Helper()
	v := validate.New(validate.Options{Format: f})
	ds := docs(t, s)
	for i := range ds {
		res := v.Validate(&ds[i])
		if !res.Valid() {
			t.Errorf("output document %d is not a valid %s payload: %+v", i, f, res.Findings)
		}
	}
	return len(ds)
}

func TestConvertExitCodes(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		stdin     string
		tty       bool
		code      int
		outDocs   int
		stderrHas []string
		stderrNot []string
		stdoutHas string
	}{
		{name: "sinch to cloud", args: []string{"--to", "cloud", fx + "sinch/text.json"}, code: 0, outDocs: 1,
			stderrHas: []string{fx + "sinch/text.json:11: warning convert.loss: data[0].campaignId has no counterpart in cloud (Sinch campaign)",
				fx + "sinch/text.json:20: warning convert.loss: data[0].receivedAt has no counterpart in cloud (native timestamps are whole seconds: the milliseconds are dropped)",
				"warning convert.default: entry[0].id = \"0\" (the Cloud API envelope needs the WhatsApp Business Account id; set --waba-id)"}},
		{name: "flags fill, no default warning", args: []string{"--to", "cloud", "--waba-id", "123", "--phone-number-id", "456", fx + "sinch/text.json"}, code: 0, outDocs: 1,
			stderrNot: []string{"convert.default"}, stdoutHas: `"id": "123"`},
		{name: "quiet", args: []string{"-q", "--to", "whatsapp", fx + "sinch/text.json"}, code: 0, outDocs: 1, stderrNot: []string{"convert.loss", "convert.default"}},
		{name: "strict lossy", args: []string{"--strict", "--to", "whatsapp", fx + "sinch/text.json"}, code: 1, outDocs: 0,
			stderrHas: []string{"error convert.loss: data[0].campaignId", "error convert.strict: payload not written"}},
		{name: "strict lossless", args: []string{"--strict", "--to", "sinch", "--origin", "5215500000000", fx + "whatsapp/location-bsp.json"}, code: 0, outDocs: 1},
		{name: "strict quiet still reports losses", args: []string{"--strict", "-q", "--to", "whatsapp", fx + "sinch/text.json"}, code: 1,
			stderrHas: []string{"error convert.loss"}},
		{name: "syntax error", args: []string{"--to", "cloud", fx + "invalid/syntax-trailing-comma.json"}, code: 3,
			stderrHas: []string{fx + "invalid/syntax-trailing-comma.json:18:2: trailing comma"}},
		{name: "syntax error forced", args: []string{"--force", "--to", "cloud", fx + "invalid/syntax-trailing-comma.json"}, code: 3,
			stderrHas: []string{fx + "invalid/syntax-trailing-comma.json:18:2: trailing comma"}},
		{name: "unknown format", args: []string{"--to", "cloud", fx + "invalid/unknown-format.json"}, code: 3,
			stderrHas: []string{"format not recognised"}},
		{name: "invalid payload", args: []string{"--to", "cloud", fx + "invalid/sinch-missing-source.json"}, code: 1, outDocs: 0,
			stderrHas: []string{"error schema.required: required field \"source\" is missing", "(path data[0].source)", "payload not converted"}},
		{name: "invalid payload forced", args: []string{"--force", "--to", "cloud", fx + "invalid/sinch-missing-source.json"}, code: 0, outDocs: 1},
		{name: "worst code wins", args: []string{"--to", "cloud", fx + "sinch/text.json", fx + "invalid/syntax-nbsp.json", fx + "invalid/sinch-missing-source.json"}, code: 3, outDocs: 1},
		{name: "missing file", args: []string{"--to", "cloud", "nope.json"}, code: 3, stderrHas: []string{"nope.json: error input: no such file or directory"}},
		{name: "no --to", args: []string{fx + "sinch/text.json"}, code: 2, stderrHas: []string{"--to is required"}},
		{name: "bad --to", args: []string{"--to", "xml", fx + "sinch/text.json"}, code: 2},
		{name: "bad --origin", args: []string{"--to", "sinch", "--origin", "+55 11", fx + "whatsapp/text.json"}, code: 2},
		{name: "bad flag", args: []string{"--to", "sinch", "--nope"}, code: 2},
		{name: "no input on a terminal", args: []string{"--to", "sinch"}, tty: true, code: 2},
		{name: "stdin", args: []string{"--to", "sinch", "-"}, stdin: mustRead(t, fx+"whatsapp/text.json"), code: 0, outDocs: 1,
			stderrHas: []string{"-:1: warning convert.default: data[0].origin"}},
		{name: "stdin implied", args: []string{"--to", "sinch"}, stdin: mustRead(t, fx+"whatsapp/text.json"), code: 0, outDocs: 1},
		{name: "nothing to write", args: []string{"--to", "sinch", fx + "whatsapp/system-user-changed-number.json"}, code: 0, outDocs: 0,
			stderrHas: []string{"messages[0] has no counterpart in sinch (system messages have no sinch counterpart)", "warning convert.empty"}},
		{name: "directory", args: []string{"--to", "cloud", "-q", fx + "sinch"}, code: 0, outDocs: 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(tt.stdin, tt.tty, tt.args...)
			if r.Code != tt.code {
				t.Errorf("exit code %d, want %d\nstderr:\n%s", r.Code, tt.code, r.Stderr)
			}
			if n := len(docs(t, r.Stdout)); n != tt.outDocs {
				t.Errorf("%d output documents, want %d", n, tt.outDocs)
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(r.Stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.Stderr)
				}
			}
			for _, s := range tt.stderrNot {
				if strings.Contains(r.Stderr, s) {
					t.Errorf("stderr has %q:\n%s", s, r.Stderr)
				}
			}
			if tt.stdoutHas != "" && !strings.Contains(r.Stdout, tt.stdoutHas) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdoutHas, r.Stdout)
			}
		})
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestConvertCompactStream converts an NDJSON stream to NDJSON: one valid
// document per line, in order.
func TestConvertCompactStream(t *testing.T) {
	var in strings.Builder
	files, _ := filepath.Glob(fx + "whatsapp/*.json")
	for _, f := range files {
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(mustRead(t, f))); err != nil {
			t.Fatal(err)
		}
		in.Write(buf.Bytes())
		in.WriteByte('\n')
	}
	r := run(in.String(), false, "--to", "cloud", "--compact", "-q", "-")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if len(lines) == 0 || len(lines) > len(files) {
		t.Fatalf("%d lines for %d inputs", len(lines), len(files))
	}
	for i, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("line %d is not one JSON document: %s", i+1, l)
		}
	}
	validAs(t, payload.Cloud, r.Stdout)
	// Loss lines name the line of the stream they come from.
	r = run(in.String(), false, "--to", "sinch", "--compact", "-")
	if !strings.Contains(r.Stderr, "-:2: warning convert.loss: messages[0].button") && !strings.Contains(r.Stderr, "-:3: ") {
		t.Errorf("loss lines should name stream lines:\n%s", r.Stderr)
	}
}

// TestConvertKeepExtrasPipeline: sinch → whatsapp --keep-extras → sinch
// gives the original back.
func TestConvertKeepExtrasPipeline(t *testing.T) {
	for _, name := range []string{"sinch/button.json", "sinch/batch-mixed.json", "sinch/status-read.json"} {
		orig := mustRead(t, fx+name)
		mid := run("", false, "--to", "whatsapp", "--keep-extras", fx+name)
		if mid.Code != 0 {
			t.Fatalf("%s: exit %d: %s", name, mid.Code, mid.Stderr)
		}
		validAs(t, payload.WhatsApp, mid.Stdout)
		back := run(mid.Stdout, false, "--to", "sinch", "-q", "-")
		if back.Code != 0 {
			t.Fatalf("%s: back: exit %d: %s", name, back.Code, back.Stderr)
		}
		var a, b any
		if err := json.Unmarshal([]byte(orig), &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(back.Stdout), &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: not restored:\n%s", name, back.Stdout)
		}
	}
}

// TestConvertPrettyOutput: pretty documents, each ending with a newline.
func TestConvertPrettyOutput(t *testing.T) {
	r := run("", false, "--to", "sinch", "-q", fx+"whatsapp/text.json", fx+"whatsapp/text-bsp.json")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "{\n  \"total\": 1,") || strings.Count(r.Stdout, "\n}\n") != 2 {
		t.Errorf("unexpected output (%d):\n%s", r.Code, r.Stdout)
	}
}

// TestNewCmdConvertFlags checks parsing into Options without running.
func TestNewCmdConvertFlags(t *testing.T) {
	var got *Options
	capture := func(_ context.Context, o *Options) error { got = o; return nil }
	r := cmdtest.Run(cmdtest.Env{}, NewCmdConvert, capture, "--to", "onprem", "--from", "sinch", "--keep-extras", "--strict", "--force", "--compact", "-q",
		"--origin", "1", "--display-phone-number", "2", "--phone-number-id", "3", "--waba-id", "4",
		"--media-base-url", "https://cdn.example.com/m/", "--max-size", "1MB", "a.json", "b/")
	if r.Code != 0 {
		t.Fatal(r.Stderr)
	}
	want := &Options{IO: got.IO, Paths: []string{"a.json", "b/"}, Strict: true, Force: true, Quiet: true, MaxSize: 1 << 20,
		Options: convert.Options{To: payload.WhatsApp, From: payload.Sinch, KeepExtras: true, Compact: true,
			Origin: "1", DisplayPhoneNumber: "2", PhoneNumberID: "3", WABAID: "4", MediaBaseURL: "https://cdn.example.com/m/"}}
	got.Now = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// TestCompletion offers the formats for --to and --from.
func TestCompletion(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Now: time.Now}
	root := &cobra.Command{Use: "wamo"}
	root.AddCommand(NewCmdConvert(f, nil))
	root.SetOut(out)
	root.SetArgs([]string{cobra.ShellCompRequestCmd, "convert", "--to", ""})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"sinch", "whatsapp", "cloud"} {
		if !strings.Contains(out.String(), w+"\n") {
			t.Errorf("completion lacks %s:\n%s", w, out.String())
		}
	}
}
