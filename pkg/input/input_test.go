package input_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/pretty"

	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

// write creates the files of tree (path → content) under dir.
func write(t *testing.T, dir string, tree map[string]string) {
	t.Helper()
	for name, content := range tree {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// seen is what a run did with one source.
type seen struct {
	name     string
	payloads int
	skipped  string
	err      string
}

// collect runs the pipeline and records every outcome, and the first
// bytes of every payload.
func collect(t *testing.T, ctx context.Context, args []string, opts input.Options) ([]seen, input.Totals) {
	t.Helper()
	var out []seen
	begun := ""
	tot, err := input.Run(ctx, args, opts, input.Work{
		Begin: func(s *input.Source) {
			if begun != "" {
				t.Errorf("Begin(%s) before End(%s)", s.Name, begun)
			}
			begun = s.Name
		},
		Payload: func(p *payload.Payload) error {
			if p.Source != begun {
				t.Errorf("payload of %s inside %s", p.Source, begun)
			}
			return nil
		},
		End: func(o *input.Outcome) {
			if o.Skipped == "" && begun != o.Name {
				t.Errorf("End(%s) without Begin", o.Name)
			}
			if o.Skipped != "" && begun != "" {
				t.Errorf("skipped %s was begun", o.Name)
			}
			begun = ""
			s := seen{name: o.Name, payloads: o.Payloads, skipped: o.Skipped}
			if o.Err != nil {
				s.err = o.Err.Error()
			}
			out = append(out, s)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, tot
}

func names(ss []seen, keep func(seen) bool) []string {
	var out []string
	for _, s := range ss {
		if keep(s) {
			out = append(out, s.name)
		}
	}
	return out
}

// TestOrdinaryRepository walks a directory shaped like an ordinary
// repository: `wamo validate .` must read the payloads and leave alone what
// is not one, without failing on it (issue 9).
func TestOrdinaryRepository(t *testing.T) {
	repo := t.TempDir()
	t.Chdir(repo)
	sinch := string(payloadtest.Read(t, "sinch/text"))
	cloud := string(pretty.Ugly(payloadtest.Read(t, "cloud/text")))
	write(t, ".", map[string]string{
		".git/HEAD":    "ref: refs/heads/main\n",
		".gitignore":   "# build output\ndist/\n*.local.json\n",
		"package.json": `{"name": "hooks", "version": "1.0.0", "scripts": {"test": "wamo validate ."}}`,
		"package-lock.json": `{"name": "hooks", "lockfileVersion": 3, "requires": true,
			"packages": {"": {"name": "hooks"}}}`,
		"tsconfig.json": "{\n  // TypeScript\n  \"compilerOptions\": {\"strict\": true,},\n  \"include\": [\"src\"],\n}\n",
		"schema/webhook.schema.json": `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
			"properties": {"messages": {"type": "array"}, "statuses": {"type": "array"}}, "required": ["object"]}`,
		"node_modules/whatsapp-api-js/test/payload.json": sinch,
		"vendor/github.com/x/y/testdata/payload.json":    sinch,
		".vscode/settings.json":                          `{"editor.tabSize": 2}`,
		"dist/out.json":                                  sinch,
		"captures/today.local.json":                      sinch,
		"captures/sinch.json":                            sinch,
		"captures/cloud.ndjson":                          cloud + "\n" + cloud + "\n",
		"captures/pretty.ndjson":                         sinch,
		"captures/broken.json":                           strings.Replace(sinch, `"total": 1,`, `"total": 1,,`, 1),
		"captures/logo.json":                             "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"captures/notes.md":                              "# payloads\n",
		"captures/old/.gitignore":                        "*.json\n!keep.json\n",
		"captures/old/drop.json":                         sinch,
		"captures/old/keep.json":                         sinch,
	})
	fifos, err := mkfifo(filepath.Join("captures", "stream.json"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var got []seen
	var tot input.Totals
	go func() {
		defer close(done)
		got, tot = collect(t, context.Background(), []string{"."}, input.Options{})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the walk hangs (on the named pipe?)")
	}

	read := names(got, func(s seen) bool { return s.skipped == "" })
	want := []string{"captures/broken.json", "captures/cloud.ndjson", "captures/old/keep.json", "captures/pretty.ndjson", "captures/sinch.json"}
	if !slices.Equal(read, want) {
		t.Errorf("read %q,\nwant %q", read, want)
	}
	for _, s := range got {
		if s.skipped == "" && (s.err != "" || s.payloads == 0) {
			t.Errorf("%s: %d payloads, error %q", s.name, s.payloads, s.err)
		}
		if s.name == "captures/cloud.ndjson" && s.payloads != 2 || s.name == "captures/pretty.ndjson" && s.payloads != 1 {
			t.Errorf("%s: %d payloads", s.name, s.payloads)
		}
	}
	skipped := map[string]string{}
	for _, s := range got {
		if s.skipped != "" {
			skipped[s.name] = s.skipped
		}
	}
	wantSkipped := map[string]string{
		"package.json":               "not a webhook payload (no top-level",
		"package-lock.json":          "not a webhook payload (no top-level",
		"tsconfig.json":              "not a webhook payload (not valid JSON, and no top-level member names a format)",
		"schema/webhook.schema.json": "not a webhook payload (no top-level",
		"captures/logo.json":         "not JSON: the input starts with binary data",
	}
	if fifos {
		wantSkipped["captures/stream.json"] = "not a regular file (a named pipe)"
	}
	for name, why := range wantSkipped {
		if !strings.HasPrefix(skipped[name], why) {
			t.Errorf("%s skipped as %q, want %q…", name, skipped[name], why)
		}
	}
	if len(skipped) != len(wantSkipped) {
		t.Errorf("skipped %v, want %v", skipped, wantSkipped)
	}
	if tot.Sources != len(got) || tot.Skipped != len(wantSkipped) || tot.Failed != 0 || tot.Payloads != 6 || tot.Interrupted {
		t.Errorf("totals %+v", tot)
	}

	// --exclude, in .gitignore syntax.
	got, _ = collect(t, context.Background(), []string{"."}, input.Options{Exclude: []string{"*.ndjson", "captures/old", "schema/"}})
	read = names(got, func(s seen) bool { return s.skipped == "" })
	if want := []string{"captures/broken.json", "captures/sinch.json"}; !slices.Equal(read, want) {
		t.Errorf("with --exclude: read %q, want %q", read, want)
	}
	if slices.Contains(names(got, func(seen) bool { return true }), "schema/webhook.schema.json") {
		t.Error("excluded directory walked")
	}

	// Walking a directory below the top: the .gitignore above still counts,
	// and a directory it ignores is walked when it is named.
	got, _ = collect(t, context.Background(), []string{"captures"}, input.Options{})
	if read := names(got, func(s seen) bool { return s.skipped == "" }); slices.Contains(read, "captures/today.local.json") || len(read) != 5 {
		t.Errorf("captures: read %q", read)
	}
	got, _ = collect(t, context.Background(), []string{"dist"}, input.Options{})
	if read := names(got, func(s seen) bool { return s.skipped == "" }); !slices.Equal(read, []string{"dist/out.json"}) {
		t.Errorf("dist, named: read %q", read)
	}
}

// TestDirectoryWithoutPayloads: a directory that holds nothing to check is
// unusable input, not a pass.
func TestDirectoryWithoutPayloads(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"conf/package.json": `{"name":"x"}`, "empty/": ""})
	got, _ := collect(t, context.Background(), []string{filepath.Join(dir, "conf"), filepath.Join(dir, "empty")}, input.Options{})
	if len(got) != 3 || got[0].skipped == "" ||
		got[1].err != "directory holds no webhook payload (1 file skipped)" ||
		got[2].err != "directory holds no .json, .ndjson or .jsonl file" {
		t.Errorf("got %+v", got)
	}
}

// TestEmpty: an input without a document must not pass silently.
func TestEmpty(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"empty.json": "", "blank.json": " \n\t\n", "none.ndjson": "\n\n\n", "bom.json": "\xef\xbb\xbf"})
	for _, tt := range []struct {
		arg, stdin, want string
	}{
		{arg: "empty.json", want: "no payload: the file is empty"},
		{arg: "blank.json", want: "no payload: the input holds only blank space, no JSON document"},
		{arg: "none.ndjson", want: "no payload: the input holds only blank space, no JSON document"},
		{arg: "bom.json", want: "no payload: the input holds only blank space, no JSON document"},
		{arg: "-", stdin: "", want: "no payload: nothing was read from stdin"},
		{arg: "-", stdin: "  \r\n\n", want: "no payload: the input holds only blank space, no JSON document"},
	} {
		arg := tt.arg
		if arg != "-" {
			arg = filepath.Join(dir, arg)
		}
		got, tot := collect(t, context.Background(), []string{arg}, input.Options{Stdin: strings.NewReader(tt.stdin)})
		if len(got) != 1 || got[0].err != tt.want || tot.Failed != 1 {
			t.Errorf("%s %q: %+v, want error %q", tt.arg, tt.stdin, got, tt.want)
		}
	}
}

// TestNamedInputs: a file named on the command line is read whatever it
// holds (the command says whether it is a payload), a pipe too; missing
// files and globs matching nothing are errors.
func TestNamedInputs(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"package.json": `{"name":"x"}`, "a.json": `{"total":1}`, "b.json": `{"total":2}`})
	t.Chdir(dir)
	var delivered []string
	_, err := input.Run(context.Background(), []string{"package.json", "nope.json", "*.txt", "[ab].json"}, input.Options{}, input.Work{
		Payload: func(p *payload.Payload) error {
			delivered = append(delivered, p.Source+" "+string(p.Data))
			return nil
		},
		End: func(o *input.Outcome) {
			if o.Err != nil {
				delivered = append(delivered, o.Name+": "+o.Err.Error())
			}
		},
	})
	want := []string{`package.json {"name":"x"}`, "nope.json: no such file or directory", `*.txt: no file matches "*.txt"`,
		`a.json {"total":1}`, `b.json {"total":2}`}
	if err != nil || !slices.Equal(delivered, want) {
		t.Errorf("got %q (%v),\nwant %q", delivered, err, want)
	}
	fifo := filepath.Join(dir, "live.json")
	if ok, err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	} else if !ok {
		return // no named pipes here
	}
	go func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.WriteString(`{"messages":[]}` + "\n")
			f.Close()
		}
	}()
	got, _ := collect(t, context.Background(), []string{fifo}, input.Options{})
	if len(got) != 1 || got[0].payloads != 1 {
		t.Errorf("named pipe: %+v", got)
	}
}

// TestInterrupted: Ctrl-C while a source is read reports that source as
// interrupted — not as read to the end — and reads nothing after it.
func TestInterrupted(t *testing.T) {
	dir := t.TempDir()
	line := string(pretty.Ugly(payloadtest.Read(t, "sinch/text"))) + "\n"
	write(t, dir, map[string]string{"a.ndjson": strings.Repeat(line, 10), "b.ndjson": line})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var outcomes []input.Outcome
	n := 0
	tot, err := input.Run(ctx, []string{filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.ndjson")}, input.Options{}, input.Work{
		Payload: func(*payload.Payload) error {
			if n++; n == 3 {
				cancel()
			}
			return nil
		},
		End: func(o *input.Outcome) { outcomes = append(outcomes, *o) },
	})
	if err != nil || !tot.Interrupted || len(outcomes) != 1 {
		t.Fatalf("err %v, totals %+v, %d outcomes", err, tot, len(outcomes))
	}
	if o := outcomes[0]; !o.Interrupted || o.Payloads != 3 || o.Err != nil {
		t.Errorf("outcome %+v", o)
	}
}

// TestInterruptedWhileReading: Ctrl-C during the read of one large
// document ends the read too.
func TestInterruptedWhileReading(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &cancellingReader{data: bytes.Repeat([]byte(`{"total":1,"data":[`), 1<<16), cancel: cancel, after: 1 << 20}
	var out input.Outcome
	tot, _ := input.Run(ctx, []string{"-"}, input.Options{Stdin: r}, input.Work{
		Payload: func(*payload.Payload) error { t.Error("a payload cut short was handed over"); return nil },
		End:     func(o *input.Outcome) { out = *o },
	})
	if !tot.Interrupted || !out.Interrupted || out.Err != nil || r.read > r.after+(64<<10) {
		t.Errorf("totals %+v, outcome %+v, read %d bytes", tot, out, r.read)
	}
}

// cancellingReader yields data in small reads and cancels after some bytes.
type cancellingReader struct {
	data   []byte
	read   int
	after  int
	cancel func()
}

func (c *cancellingReader) Read(b []byte) (int, error) {
	if c.read >= c.after {
		c.cancel()
	}
	n := copy(b[:min(len(b), 4096)], c.data[c.read%len(c.data):])
	c.read += n
	return n, nil
}

// TestWorkError: an error of the work (an output that cannot be written)
// stops the run and is returned.
func TestWorkError(t *testing.T) {
	boom := errors.New("broken pipe")
	n := 0
	_, err := input.Run(context.Background(), []string{"-", "-"}, input.Options{Stdin: strings.NewReader("{}\n{}\n{}\n")}, input.Work{
		Payload: func(*payload.Payload) error { n++; return boom },
	})
	if !errors.Is(err, boom) || n != 1 {
		t.Errorf("err %v after %d payloads", err, n)
	}
}

// TestNamedAsFound: with NamedAsFound (validate --skip-non-payloads, for
// pre-commit hooks) a named file that is not a payload is skipped like a
// found one.
func TestNamedAsFound(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"package.json": `{"name":"x"}`, "hook.json": `{"total":1,"data":[]}`})
	args := []string{filepath.Join(dir, "package.json"), filepath.Join(dir, "hook.json")}
	got, _ := collect(t, context.Background(), args, input.Options{NamedAsFound: true})
	if len(got) != 2 || !strings.HasPrefix(got[0].skipped, "not a webhook payload") || got[1].payloads != 1 {
		t.Errorf("got %+v", got)
	}
	got, _ = collect(t, context.Background(), args, input.Options{})
	if len(got) != 2 || got[0].skipped != "" || got[0].payloads != 1 {
		t.Errorf("without it: %+v", got)
	}
}
