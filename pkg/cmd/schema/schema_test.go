package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/payload"
	jsonschema "github.com/wamo-dev/wamo/pkg/schema"
)

// run executes `wamo schema ARGS`.
func run(args ...string) (code int, stdout, stderr string) {
	r := cmdtest.Run(cmdtest.Env{}, NewCmdSchema, nil, args...)
	return r.Code, r.Stdout, r.Stderr
}

func TestSchemaCommand(t *testing.T) {
	want, err := jsonschema.Export(payload.Cloud)
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := run("--format", "cloud")
	if code != 0 || out != string(want) {
		t.Fatalf("--format cloud: exit %d, output %d bytes (want %d)", code, len(out), len(want))
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "s.json")
	if code, out, msg := run("-f", "sinch", "-o", file); code != 0 || out != "" {
		t.Fatalf("-o: exit %d, stdout %q, %s", code, out, msg)
	}
	got, _ := os.ReadFile(file)
	wantSinch, _ := jsonschema.Export(payload.Sinch)
	if !bytes.Equal(got, wantSinch) {
		t.Error("-o FILE holds something else than the sinch schema")
	}
	all := filepath.Join(dir, "all")
	if code, _, msg := run("--all", all); code != 0 {
		t.Fatalf("--all: exit %d: %s", code, msg)
	}
	for _, f := range payload.Formats {
		b, err := os.ReadFile(filepath.Join(all, f.String()+".json"))
		want, _ := jsonschema.Export(f)
		if err != nil || !bytes.Equal(b, want) {
			t.Errorf("--all: %s.json: %v", f, err)
		}
	}
}

func TestSchemaUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{nil, "--format is required"},
		{[]string{"--format", "auto"}, "name one format"},
		{[]string{"--format", "telegram"}, "unknown format"},
		{[]string{"--all", "x", "--format", "cloud"}, "--all writes every format"},
		{[]string{"--format", "cloud", "extra"}, "takes no arguments"},
	} {
		code, out, msg := run(tc.args...)
		if code != cmdutil.ExitUsage {
			t.Errorf("%q: exit %d, want %d (%s)", tc.args, code, cmdutil.ExitUsage, msg)
		}
		if out != "" || !strings.Contains(msg, tc.msg) {
			t.Errorf("%q: stdout %q, message %q (want %q)", tc.args, out, msg, tc.msg)
		}
	}
}
