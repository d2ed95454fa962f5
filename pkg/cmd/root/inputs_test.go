package root_test

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmd/root"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// TestInputs pins what every command that reads payloads does with inputs
// that are not what they seem (issue 9): nothing to read is unusable input,
// the content decides and not the extension, files found in directories
// that are not payloads are skipped with a note.
func TestInputs(t *testing.T) {
	repoRoot(t)
	pretty, err := os.ReadFile("fixtures/sinch/text.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	prettyND := filepath.Join(dir, "pretty.ndjson")
	emptyND := filepath.Join(dir, "empty.ndjson")
	pkg := filepath.Join(dir, "package.json")
	repo := filepath.Join(dir, "repo")
	for name, content := range map[string]string{
		prettyND: string(pretty), emptyND: "\n\n", pkg: `{"name": "hooks", "version": "1.0.0"}`,
		filepath.Join(repo, "package.json"):           `{"name": "hooks", "version": "1.0.0"}`,
		filepath.Join(repo, "node_modules", "x.json"): "{}",
		filepath.Join(repo, "hooks", "sinch.json"):    string(pretty),
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const emptyStdin = "-: error input: no payload: nothing was read from stdin"
	blankStdin := "-: error input: no payload: the input holds only blank space"
	skipNote := filepath.Join(repo, "package.json") + ": info: skipped, not a webhook payload (no top-level"

	tests := []struct {
		name           string
		args           []string
		stdin          string
		code           int
		stdout, stderr []string
		notStdout      []string
	}{
		// No silent pass: nothing to read is unusable, whatever the command.
		{name: "validate empty stdin", args: []string{"validate", "-"}, code: 3,
			stdout: []string{emptyStdin, "ERR  -  (unusable: no payload)"}},
		{name: "validate blank stdin --strict", args: []string{"validate", "--strict"}, stdin: " \n\t\n", code: 3,
			stdout: []string{blankStdin}},
		{name: "validate ndjson without lines", args: []string{"validate", emptyND}, code: 3,
			stdout: []string{emptyND + ": error input: no payload"}},
		{name: "validate empty stdin json", args: []string{"validate", "-o", "json"}, code: 3,
			stdout: []string{`"error":"no payload: nothing was read from stdin"`, `"exit_code":3`}},
		{name: "show empty stdin", args: []string{"show"}, code: 3, stderr: []string{emptyStdin}},
		{name: "convert empty stdin", args: []string{"convert", "--to", "cloud"}, code: 3, stderr: []string{emptyStdin}},
		{name: "redact empty stdin", args: []string{"redact"}, code: 3, stderr: []string{emptyStdin}},

		// Content decides: one pretty document in a .ndjson file is that
		// document, in every command.
		{name: "validate pretty ndjson", args: []string{"validate", prettyND}, code: 0,
			stdout: []string{"ok   " + prettyND + "  (sinch, 1 payload, 1 message)"}},
		{name: "show pretty ndjson", args: []string{"show", prettyND}, code: 0, stdout: []string{prettyND + ":1  sinch"}},
		{name: "convert pretty ndjson", args: []string{"convert", "-q", "--to", "cloud", prettyND}, code: 0,
			stdout: []string{`"object": "whatsapp_business_account"`}},
		{name: "redact pretty ndjson", args: []string{"redact", prettyND}, code: 0, stdout: []string{`"total": 1`}},

		// Named inputs must be payloads; found ones that are not are skipped.
		{name: "validate named package.json", args: []string{"validate", pkg}, code: 3,
			stdout: []string{"ERR  " + pkg}},
		{name: "validate named package.json, pre-commit style", args: []string{"validate", "--skip-non-payloads", pkg, filepath.Join(repo, "hooks", "sinch.json")},
			code: 0, stderr: []string{pkg + ": info: skipped, not a webhook payload"}},
		{name: "validate repository", args: []string{"validate", repo}, code: 0,
			stdout: []string{"ok   " + filepath.Join(repo, "hooks", "sinch.json"), "1 file, 1 payload: 1 valid"},
			stderr: []string{skipNote}, notStdout: []string{"package.json", "node_modules"}},
		{name: "validate repository quiet", args: []string{"validate", "-q", repo}, code: 0},
		{name: "validate repository excluded", args: []string{"validate", "--exclude", "hooks", repo}, code: 3,
			stdout: []string{repo + ": error input: directory holds no webhook payload (1 file skipped)"}, stderr: []string{skipNote}},
		{name: "show repository", args: []string{"show", repo}, code: 0, stderr: []string{skipNote}},
		{name: "show --json repository", args: []string{"show", "--json", repo}, code: 0,
			stdout: []string{`"total": 1`}, stderr: []string{skipNote}, notStdout: []string{"hooks\", \"version"}},
		{name: "convert repository", args: []string{"convert", "-q", "--to", "cloud", repo}, code: 0, stderr: []string{skipNote}},
		{name: "redact repository", args: []string{"redact", repo}, code: 0, stderr: []string{skipNote}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(context.Background(), env{stdin: tt.stdin}, tt.args...)
			checkOutcome(t, got, tt.code, tt.stdout, tt.notStdout, tt.stderr, false)
		})
	}
}

// interruptingReader hands out whole lines and cancels the run's context
// once some have been read: Ctrl-C in the middle of an input.
type interruptingReader struct {
	lines  []string
	after  int
	cancel func()
	n      int
}

func (r *interruptingReader) Read(b []byte) (int, error) {
	if r.n == r.after {
		r.cancel()
	}
	if r.n >= len(r.lines) {
		// A stream that stays open: only the interruption ends the run.
		time.Sleep(10 * time.Millisecond)
		return 0, nil
	}
	r.n++
	return copy(b, r.lines[r.n-1]), nil
}

// TestInterruptedInput: Ctrl-C during a run reports the input in progress
// as interrupted — in the text and in --output json — never as ok, and
// exits 130 (issue 9).
func TestInterruptedInput(t *testing.T) {
	lines := make([]string, 100)
	for i := range lines {
		lines[i] = sinchLine + "\n"
	}
	for _, output := range []string{"text", "json", "junit", "github", "sarif"} {
		t.Run(output, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := &interruptingReader{lines: lines, after: 3, cancel: cancel}
			e := cmdtest.Env{Ctx: ctx, Now: testNow, Setup: func(ios *iostreams.IOStreams) { ios.In = in }}
			r := cmdtest.RunTree(e, root.Run, "validate", "-o", output, "-")
			if r.Code != cmdutil.ExitInterrupted {
				t.Errorf("exit %d, want 130", r.Code)
			}
			stdout := r.Stdout
			switch output {
			case "text":
				for _, s := range []string{"-: error input: interrupted after 3 payloads: not read to the end",
					"STOP -  (interrupted; read before: sinch, 3 payloads, 3 messages)", "1 file (1 interrupted), 3 payloads: 3 valid"} {
					if !strings.Contains(stdout, s) {
						t.Errorf("stdout lacks %q", s)
					}
				}
				if strings.Contains(stdout, "ok   -") {
					t.Error("an interrupted input reported ok")
				}
			case "json":
				var v struct {
					Sources []struct {
						File        string `json:"file"`
						OK          bool   `json:"ok"`
						Interrupted bool   `json:"interrupted"`
						Payloads    int    `json:"payloads"`
					} `json:"sources"`
					Summary struct {
						FilesInterrupted int `json:"files_interrupted"`
						ExitCode         int `json:"exit_code"`
					} `json:"summary"`
				}
				if err := json.Unmarshal([]byte(stdout), &v); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				if len(v.Sources) != 1 || v.Sources[0].OK || !v.Sources[0].Interrupted || v.Sources[0].Payloads != 3 ||
					v.Summary.FilesInterrupted != 1 || v.Summary.ExitCode != 130 {
					t.Errorf("sources %+v, summary %+v", v.Sources, v.Summary)
				}
			default:
				if !strings.Contains(stdout, "interrupted after 3 payloads") {
					t.Errorf("the interruption is not reported")
				}
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", stdout, r.Stderr)
			}
		})
	}
	// Every command reports the input in progress as interrupted.
	for _, args := range [][]string{{"show"}, {"convert", "-q", "--to", "cloud"}, {"redact"}} {
		ctx, cancel := context.WithCancel(context.Background())
		in := &interruptingReader{lines: lines, after: 3, cancel: cancel}
		r := cmdtest.RunTree(cmdtest.Env{Ctx: ctx, Setup: func(ios *iostreams.IOStreams) { ios.In = in }}, root.Run, args...)
		cancel()
		if r.Code != cmdutil.ExitInterrupted || !strings.Contains(r.Stderr, "-: error input: interrupted after 3 payloads") {
			t.Errorf("%s: exit %d, stderr %q", args[0], r.Code, r.Stderr)
		}
	}
}

// TestInterruptedSilentPipe: Ctrl-C while stdin is a pipe whose writer
// stays silent ends every command that reads payloads at once, exit 130,
// the payload read before counted — the read waiting for the writer is
// given up, not waited out.
func TestInterruptedSilentPipe(t *testing.T) {
	tests := []struct {
		args []string
		out  func(r cmdtest.Result) string // where the interruption is reported ("": nowhere)
	}{
		{[]string{"validate", "-"}, func(r cmdtest.Result) string { return r.Stdout }},
		{[]string{"validate", "-j", "2", "-"}, func(r cmdtest.Result) string { return r.Stdout }},
		{[]string{"show", "-"}, func(r cmdtest.Result) string { return r.Stderr }},
		{[]string{"convert", "-q", "--to", "cloud", "-"}, func(r cmdtest.Result) string { return r.Stderr }},
		{[]string{"redact", "-"}, func(r cmdtest.Result) string { return r.Stderr }},
		{[]string{"replay", "--url", "http://127.0.0.1:9/hook", "-"}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			defer pw.Close() // the writer is silent until the test ends
			if _, err := pw.WriteString(sinchLine + "\n"); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := &secondRead{r: pr, asked: make(chan struct{})}
			done := make(chan cmdtest.Result, 1)
			go func() {
				done <- cmdtest.RunTree(cmdtest.Env{Ctx: ctx, Setup: func(ios *iostreams.IOStreams) { ios.In = in }}, root.Run, tt.args...)
			}()
			select {
			case <-in.asked:
			case <-time.After(10 * time.Second):
				t.Fatal("stdin was not read")
			}
			cancel()
			select {
			case r := <-done:
				if r.Code != cmdutil.ExitInterrupted {
					t.Errorf("exit %d, want 130\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
				}
				if tt.out != nil && !strings.Contains(tt.out(r), "-: error input: interrupted after 1 payload") {
					t.Errorf("the interruption is not reported\nstdout:\n%s\nstderr:\n%s", r.Stdout, r.Stderr)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("still reading 2 s after the interruption, the writer silent")
			}
		})
	}
}

// secondRead reads r and says when a second read is asked for: the
// command is done with what the first gave (the one payload written).
type secondRead struct {
	r     io.Reader
	n     int
	asked chan struct{}
}

func (s *secondRead) Read(b []byte) (int, error) {
	if s.n++; s.n == 2 {
		close(s.asked)
	}
	return s.r.Read(b)
}
