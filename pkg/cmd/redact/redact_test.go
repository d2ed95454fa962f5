package redact

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/redact"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// run executes `wamo redact ARGS` with stdin and the environment e.
func run(args []string, stdin string, e map[string]string) cmdtest.Result {
	env := cmdtest.Env{Stdin: stdin, Vars: e}
	return cmdtest.Run(env, NewCmdRedact, nil, args...)
}

// fixtureDir writes the named fixture folder to a temporary directory.
func fixtureDir(t *testing.T, folder string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	fxs, err := fixtures.Select([]string{folder})
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range fxs {
		b, _ := fixtures.Read(fx)
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(fx.Path)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, len(fxs)
}

// TestDirectoriesValidate redacts the valid fixtures and checks that every
// output payload is the library's redaction and still validates.
func TestDirectoriesValidate(t *testing.T) {
	for _, text := range []bool{false, true} {
		var args []string
		if text {
			args = append(args, "--text")
		}
		total := 0
		for _, folder := range []string{"sinch", "whatsapp", "cloud"} {
			dir, n := fixtureDir(t, folder)
			args = append(args, dir)
			total += n
		}
		r := run(args, "", nil)
		if r.Code != 0 || r.Stderr != "" {
			t.Fatalf("exit %d: %s", r.Code, r.Stderr)
		}
		rd := payload.NewReader(strings.NewReader(r.Stdout), "out", 0)
		v := validate.New(validate.Options{})
		n := 0
		payloadtest.Each(t, rd, func(p *payload.Payload) {
			n++
			if res := v.Validate(p); !res.Valid() {
				t.Errorf("payload %d at line %d no longer validates: %+v", n, p.Line, res.Findings)
			}
		})
		if n != total {
			t.Errorf("%d payloads out for %d in", n, total)
		}
	}
}

func TestStdinAndLayout(t *testing.T) {
	in := `{"messages":[{"from":"16505551234","id":"ABC","timestamp":"1700000000","type":"text","text":{"body":"hi"}}]}
{"messages":[{"from":"16505551234","id":"ABD","timestamp":"1700000001","type":"text","text":{"body":"again"}}]}
`
	r := run([]string{"-"}, in, nil)
	if r.Code != 0 {
		t.Fatalf("exit %d %s", r.Code, r.Stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("NDJSON in, %d lines out:\n%s", len(lines), r.Stdout)
	}
	want, _ := redact.New(redact.Options{}).Redact([]byte(strings.Split(in, "\n")[0]))
	if lines[0] != string(want) {
		t.Errorf("got %s\nwant %s", lines[0], want)
	}
	if strings.Contains(r.Stdout, "16505551234") {
		t.Error("number kept")
	}
	// Same number, same pseudonym in both payloads.
	from := func(l string) string { return l[strings.Index(l, `"from":"`)+8:][:11] }
	if from(lines[0]) != from(lines[1]) {
		t.Error("the same number got two pseudonyms")
	}
}

func TestKey(t *testing.T) {
	in := `{"messages":[{"from":"16505551234"}]}`
	a := run([]string{"-"}, in, nil)
	b := run([]string{"-"}, in, map[string]string{cmdutil.RedactKeyEnv: "secret"})
	c := run([]string{"--key-env", "OTHER", "-"}, in, map[string]string{"OTHER": "secret"})
	if a.Stdout == b.Stdout || b.Stdout != c.Stdout {
		t.Errorf("keys: default %s env %s --key-env %s", a.Stdout, b.Stdout, c.Stdout)
	}
	if r := run([]string{"--key-env", "UNSET", "-"}, in, nil); r.Code != cmdutil.ExitUsage {
		t.Errorf("unset --key-env: exit %d", r.Code)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(`{"messages":[{"from":"16505551234"}]}`+"\n"), 0o600)
	os.WriteFile(bad, []byte("{\n  \"from\": \"16505551234\",\n}\n"), 0o600)
	r := run([]string{bad, good, filepath.Join(dir, "missing.json")}, "", nil)
	if r.Code != cmdutil.ExitInput {
		t.Errorf("exit %d, want 3", r.Code)
	}
	if !strings.Contains(r.Stderr, bad+":2:24: error json.syntax: trailing comma") {
		t.Errorf("stderr %q", r.Stderr)
	}
	if !strings.Contains(r.Stderr, "missing.json: error input: no such file or directory") {
		t.Errorf("stderr %q", r.Stderr)
	}
	if strings.Count(r.Stdout, "\n") != 1 || strings.Contains(r.Stdout, "16505551234") {
		t.Errorf("stdout %q", r.Stdout)
	}
	if strings.Contains(r.Stderr, "16505551234") {
		t.Log("note: syntax diagnostics name positions only")
	}
}

func TestNoInput(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	ios.SetStdinTTY(true)
	cmd := NewCmdRedact(&cmdutil.Factory{IOStreams: ios}, nil)
	cmd.SetArgs(nil)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	if code := cmdutil.ExitCode(cmd.Execute()); code != cmdutil.ExitUsage {
		t.Errorf("exit %d", code)
	}
}

func TestPrettyStaysPretty(t *testing.T) {
	b, _ := fixtures.Read(fixtures.Fixture{Path: "cloud/contacts.json"})
	r := run([]string{"-"}, string(b), nil)
	if bytes.Count([]byte(r.Stdout), []byte("\n")) != bytes.Count(b, []byte("\n")) {
		t.Errorf("layout changed: %d lines → %d", bytes.Count(b, []byte("\n")), strings.Count(r.Stdout, "\n"))
	}
}

// TestRefusesUnrecognised: a JSON document that is not a payload of a
// known format is refused — exit 3, nothing of it written — while the
// payloads around it are redacted.
func TestRefusesUnrecognised(t *testing.T) {
	in := `{"customer":{"phone":"5511987650001","email":"ana@example.org"}}
{"messages":[{"from":"16505551234","id":"ABC","timestamp":"1700000000","type":"text","text":{"body":"hi"}}]}
[{"from":"5511987650002"}]
`
	r := run([]string{"-"}, in, nil)
	if r.Code != cmdutil.ExitInput {
		t.Errorf("exit %d, want 3", r.Code)
	}
	if strings.Count(r.Stdout, "\n") != 1 || !strings.Contains(r.Stdout, `"messages"`) {
		t.Errorf("stdout %q", r.Stdout)
	}
	for _, leak := range []string{"5511987650001", "ana@example.org", "5511987650002", "16505551234"} {
		if strings.Contains(r.Stdout+r.Stderr, leak) {
			t.Errorf("%s written: %q %q", leak, r.Stdout, r.Stderr)
		}
	}
	if strings.Count(r.Stderr, "cannot be redacted: refused") != 2 || !strings.Contains(r.Stderr, "-:1:1: error input:") {
		t.Errorf("stderr %q", r.Stderr)
	}
}
