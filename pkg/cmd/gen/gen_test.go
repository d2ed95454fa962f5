package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/gen"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/validate"
)

var fixedNow = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

// run executes `wamo gen ARGS` at fixedNow.
func run(stderrTTY bool, args ...string) (code int, stdout, stderr string) {
	e := cmdtest.Env{StderrTTY: stderrTTY, Now: fixedNow}
	r := cmdtest.Run(e, NewCmdGen, nil, args...)
	return r.Code, r.Stdout, r.Stderr
}

// docs reads the documents of s as wamo reads payloads and validates each.
func docs(t *testing.T, f payload.Format, s string) [][]byte {
	t.Helper()
	v := validate.New(validate.Options{Format: f})
	var out [][]byte
	payloadtest.Each(t, payload.NewReader(strings.NewReader(s), "stdout", 0), func(p *payload.Payload) {
		if res := v.Validate(p); !res.Valid() {
			t.Fatalf("invalid payload: %v\n%s", res.Findings, p.Data)
		}
		out = append(out, append([]byte(nil), p.Data...))
	})
	return out
}

func TestGenStdout(t *testing.T) {
	code, out, msg := run(false, "--format", "cloud", "-n", "5", "--seed", "9")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5", len(lines))
	}
	docs(t, payload.Cloud, out)
	// The command writes exactly what the library generates.
	g, _ := gen.New(gen.Options{Format: payload.Cloud, Seed: 9, Now: gen.DefaultBase})
	for i, l := range lines {
		if want := string(g.Next()); l != want {
			t.Fatalf("line %d differs from the library's payload", i+1)
		}
	}
	_, again, _ := run(false, "--format", "cloud", "-n", "5", "--seed", "9")
	if again != out {
		t.Error("same seed, different output")
	}
	_, other, _ := run(false, "--format", "cloud", "-n", "5", "--seed", "10")
	if other == out {
		t.Error("different seeds, same output")
	}
	if msg != "" {
		t.Errorf("stderr %q, want nothing", msg)
	}
}

func TestGenOptions(t *testing.T) {
	code, out, msg := run(false, "-f", "sinch", "--type", "text,IMAGE", "--type", "status", "-n", "30", "--seed", "1", "--batch", "3", "--pretty")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	ds := docs(t, payload.Sinch, out)
	if len(ds) != 30 || !strings.Contains(out, "\n  \"total\": 3,") {
		t.Fatalf("%d pretty documents of 3 items expected:\n%.300s", len(ds), out)
	}
	for _, d := range ds {
		for _, typ := range []string{"AUDIO", "DOCUMENT", "VIDEO", "BUTTON"} {
			if bytes.Contains(d, []byte(`"type": "`+typ+`"`)) {
				t.Fatalf("type %s generated though not asked for", typ)
			}
		}
	}
	// --since fixes the first timestamp.
	_, out, _ = run(false, "-f", "whatsapp", "--type", "text", "--seed", "3", "--since", "2024-02-29T10:00:00Z")
	var n struct {
		Messages []struct{ Timestamp string } `json:"messages"`
	}
	if err := json.Unmarshal([]byte(out), &n); err != nil {
		t.Fatal(err)
	}
	var ts int64
	fmt.Sscan(n.Messages[0].Timestamp, &ts)
	base := time.Date(2024, 2, 29, 10, 0, 0, 0, time.UTC).Unix()
	if ts < base || ts > base+60 {
		t.Errorf("first timestamp %d, want just after %d", ts, base)
	}
	// Without --seed: a seed is drawn from the clock, shown on a terminal,
	// and timestamps start now.
	code, out, msg = run(true, "-f", "whatsapp", "--type", "text")
	if code != 0 || !strings.Contains(msg, "--seed ") {
		t.Fatalf("exit %d, stderr %q", code, msg)
	}
	if err := json.Unmarshal([]byte(out), &n); err != nil {
		t.Fatal(err)
	}
	fmt.Sscan(n.Messages[0].Timestamp, &ts)
	if ts < fixedNow.Unix() || ts > fixedNow.Unix()+60 {
		t.Errorf("without --seed the first timestamp is %d, want about %d", ts, fixedNow.Unix())
	}
	if code, out, _ := run(false, "-f", "cloud", "-n", "0"); code != 0 || out != "" {
		t.Errorf("-n 0: exit %d, output %q", code, out)
	}
}

func TestGenOutDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, out, msg := run(true, "-f", "whatsapp", "-n", "3", "--seed", "5", "--out", dir)
	if code != 0 || out != "" || !strings.Contains(msg, "wrote 3 payloads to") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, msg)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(names) != 3 || filepath.Base(names[0]) != "000001.json" || filepath.Base(names[2]) != "000003.json" {
		t.Fatalf("files %v", names)
	}
	first, _ := os.ReadFile(names[0])
	docs(t, payload.WhatsApp, string(first))

	// A second run refuses to overwrite, and changes nothing.
	os.WriteFile(names[1], []byte("mine"), 0o644)
	code, _, msg = run(false, "-f", "whatsapp", "-n", "3", "--seed", "6", "--out", dir)
	if code != cmdutil.ExitUsage || !strings.Contains(msg, "000001.json and 2 more") || !strings.Contains(msg, "--force") {
		t.Fatalf("overwrite: exit %d, %q", code, msg)
	}
	if b, _ := os.ReadFile(names[1]); string(b) != "mine" {
		t.Fatal("a refused run changed a file")
	}
	// --force replaces them, through no symbolic link.
	target := filepath.Join(t.TempDir(), "target")
	os.WriteFile(target, []byte("keep"), 0o644)
	os.Remove(names[2])
	if err := os.Symlink(target, names[2]); err != nil {
		t.Skip("no symlinks:", err)
	}
	if code, _, msg := run(false, "-f", "whatsapp", "-n", "3", "--seed", "6", "--out", dir, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, msg)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Error("--force wrote through a symbolic link")
	}
	if b, _ := os.ReadFile(names[1]); string(b) == "mine" {
		t.Error("--force did not replace the file")
	}
	if name := fileName(41, 1_500_000); name != "0000042.json" {
		t.Errorf("fileName for 1.5M files: %s", name)
	}
}

func TestGenUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{nil, "--format is required"},
		{[]string{"-f", "auto"}, "name one format"},
		{[]string{"-f", "sinch", "--type", "voice"}, `no message type "voice" (valid: text, image`},
		{[]string{"-f", "sinch", "--type", "unknown"}, `no message type "unknown"`},
		{[]string{"-f", "cloud", "--identity", "email"}, `--identity: unknown identity "email": want both, phone, bsuid`},
		{[]string{"-f", "whatsapp", "--identity", "bsuid"}, "--identity: whatsapp payloads cannot name a user without a phone number"},
		{[]string{"-f", "sinch", "--identity", "both"}, "--identity: sinch payloads carry no business-scoped user ids"},
		{[]string{"-f", "whatsapp", "--type", "request_welcome"}, "valid:"},
		{[]string{"-f", "cloud", "--batch", "2"}, "--batch is for the sinch format"},
		{[]string{"-f", "sinch", "--batch", "0"}, "want at least 1"},
		{[]string{"-f", "sinch", "-n", "-1"}, "want 0 or more"},
		{[]string{"-f", "sinch", "--since", "yesterday"}, "--since"},
		{[]string{"-f", "sinch", "extra"}, "takes no arguments"},
	} {
		code, out, msg := run(false, tc.args...)
		if code != cmdutil.ExitUsage || out != "" || !strings.Contains(msg, tc.msg) {
			t.Errorf("%q: exit %d, stdout %q, message %q (want exit 2 and %q)", tc.args, code, out, msg, tc.msg)
		}
	}
}

// TestGenIdentity: --identity picks how users are named; cloud names them
// by phone and user id by default (2026).
func TestGenIdentity(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		want, not []string
	}{
		{[]string{"-f", "cloud"}, []string{`"wa_id"`, `"user_id"`, `"messages":[{"from":`, `"from_user_id"`}, nil},
		{[]string{"-f", "cloud", "--identity", "phone"}, []string{`"wa_id"`, `"messages":[{"from":`}, []string{"user_id"}},
		{[]string{"-f", "cloud", "--identity", "bsuid"}, []string{`"user_id"`, `"from_user_id"`, `"username"`}, []string{`"wa_id"`, `"messages":[{"from":`}},
		{[]string{"-f", "cloud", "--identity", "both", "--type", "status"}, []string{`"recipient_id"`, `"recipient_user_id"`}, nil},
		{[]string{"-f", "cloud", "--identity", "bsuid", "--type", "status"}, []string{`"recipient_user_id"`}, []string{`"recipient_id"`, `"wa_id"`}},
		{[]string{"-f", "whatsapp", "--identity", "phone"}, []string{`"wa_id"`}, []string{"user_id"}},
	} {
		args := append([]string{"-n", "40", "--seed", "4", "--type", "text"}, tc.args...)
		code, out, msg := run(false, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, msg)
		}
		f, _ := payload.ParseFormat(args[len(args)-len(tc.args)+1])
		docs(t, f, out)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: no %s in the output", tc.args, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(out, w) {
				t.Errorf("%v: %s in the output", tc.args, w)
			}
		}
	}
}

// TestGenHelp: --help lists each format's types as probed from its writer,
// and the earlier names still accepted.
func TestGenHelp(t *testing.T) {
	code, out, msg := run(false, "--help")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	for _, want := range []string{"  cloud     text, image", "request_welcome, edit, revoke, status", "interactive  = button_reply", "unknown      = unsupported", "--identity"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	for _, f := range payload.Formats {
		if types := gen.Types(f); !strings.Contains(strings.Join(strings.Fields(out), " "), f.String()+" "+strings.Join(types, ", ")) {
			t.Errorf("help does not list the %s types %v", f, types)
		}
	}
	// The static description (man pages) names the model's kinds once.
	if long := NewCmdGen(&cmdutil.Factory{}, nil).Long; !strings.Contains(long, "call_permission_reply") || strings.Contains(long, "  sinch ") {
		t.Errorf("static description:\n%s", long)
	}
}

func TestCompleteIdentities(t *testing.T) {
	for format, want := range map[string]string{"cloud": "both phone bsuid", "sinch": "phone", "": "both phone bsuid"} {
		got, _ := completeIdentities(&format)(nil, nil, "")
		if strings.Join(got, " ") != want {
			t.Errorf("identities for %q: %v, want %s", format, got, want)
		}
	}
}

func TestCompleteTypes(t *testing.T) {
	format := "cloud"
	got, _ := completeTypes(&format)(nil, nil, "text,re")
	if strings.Join(got, " ") != "text,reaction text,request_welcome text,revoke" {
		t.Errorf("cloud completions of text,re: %v", got)
	}
	format = "sinch"
	got, _ = completeTypes(&format)(nil, nil, "")
	if strings.Join(got, ",") != strings.Join(gen.Types(payload.Sinch), ",") || contains(got, "voice") {
		t.Errorf("sinch completions: %v", got)
	}
	format = ""
	got, _ = completeTypes(&format)(nil, nil, "")
	if !contains(got, "voice") || !contains(got, "revoke") || !contains(got, "call_permission_reply") {
		t.Errorf("completions without a format: %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
