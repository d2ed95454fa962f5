package root_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmd/root"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
)

// repoRoot makes the repository root the working directory, so that
// arguments and the file names in the output read as a user would type
// them (fixtures/sinch/text.json).
func repoRoot(t *testing.T) {
	t.Helper()
	t.Chdir(filepath.Join("..", "..", ".."))
	if _, err := os.Stat("go.mod"); err != nil {
		t.Fatal("not at the repository root")
	}
}

// env describes the terminal a case runs in.
type env struct {
	stdin     string
	stdinTTY  bool
	stdoutTTY bool
	noColor   bool // NO_COLOR set
}

// testNow is the clock of the runs.
var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// run executes wamo in-process over in-memory streams.
func run(ctx context.Context, e env, args ...string) cmdtest.Result {
	ce := cmdtest.Env{Ctx: ctx, Stdin: e.stdin, Now: testNow, StdinTTY: e.stdinTTY, StdoutTTY: e.stdoutTTY, StderrTTY: e.stdoutTTY, NoColor: e.noColor}
	return cmdtest.RunTree(ce, root.Run, args...)
}

const (
	esc = "\x1b["

	sinchLine   = `{"total":1,"data":[{"id":"a","source":"5519900000000","origin":"5519900000000","message":{"type":"TEXT","messageText":"Hi"},"receivedAt":1513616971473,"receivedDate":"2017-12-18T17:09:31.473Z"}]}`
	statusLine  = `{"statuses":[{"id":"x","status":"read","timestamp":"1518694235","recipient_id":"16315551234"}]}`
	invalidLine = `{"total":2,"data":[{"id":"a","source":"5519900000000","origin":"5519900000000","message":{"type":"TEXT","messageText":"Hi"},"receivedAt":1513616971473,"receivedDate":"2017-12-18T17:09:31.473Z"}]}`
)

func TestRoot(t *testing.T) {
	repoRoot(t)
	dir := t.TempDir()
	emptyDir := filepath.Join(dir, "empty")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	binFile := filepath.Join(dir, "logo.json")
	if err := os.WriteFile(binFile, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644); err != nil {
		t.Fatal(err)
	}
	sinchFiles, err := filepath.Glob("fixtures/sinch/*.json")
	if err != nil || len(sinchFiles) == 0 {
		t.Fatal("no sinch fixtures")
	}
	textFixture, err := os.ReadFile("fixtures/sinch/text.json")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		args      []string
		env       env
		code      int
		stdout    []string // substrings of stdout
		notStdout []string
		stderr    []string // substrings of stderr; nil = stderr must be empty
	}{
		// validate: verdicts.
		{name: "valid folder", args: []string{"validate", "fixtures/sinch"}, code: 0,
			stdout: []string{"ok   fixtures/sinch/text.json  (sinch, 1 payload, 1 message)", fmt.Sprintf("%[1]d files, %[1]d payloads: %[1]d valid, 0 invalid, 0 unusable", len(sinchFiles))}},
		{name: "all valid fixtures", args: []string{"validate", "fixtures/sinch", "fixtures/whatsapp", "fixtures/cloud"}, code: 0,
			stdout: []string{" 0 invalid, 0 unusable"}, notStdout: []string{"FAIL", "ERR ", ": error "}},
		{name: "invalid payload", args: []string{"validate", "fixtures/invalid/sinch-total-mismatch.json"}, code: 1,
			stdout: []string{"fixtures/invalid/sinch-total-mismatch.json:2:12: error sinch.total-mismatch: total is 2 but data holds 1 element (path total)",
				"FAIL fixtures/invalid/sinch-total-mismatch.json"}},
		{name: "syntax error", args: []string{"validate", "fixtures/invalid/syntax-truncated.json"}, code: 3,
			stdout: []string{"fixtures/invalid/syntax-truncated.json:4:2: error json.syntax: unexpected end of input", "ERR  fixtures/invalid/syntax-truncated.json"}},
		{name: "missing file, others still checked", args: []string{"validate", "nope.json", "fixtures/sinch/text.json"}, code: 3,
			stdout: []string{"nope.json: error input: no such file or directory", "ok   fixtures/sinch/text.json", "2 files (1 unusable)"}},
		{name: "binary file", args: []string{"validate", binFile}, code: 3,
			stdout: []string{binFile + ":1:1: error input: not JSON: the input starts with binary data"}},
		{name: "empty directory", args: []string{"validate", emptyDir}, code: 3,
			stdout: []string{"directory holds no .json, .ndjson or .jsonl file"}},
		{name: "valid, invalid and unusable", args: []string{"validate", "fixtures/sinch/text.json", "fixtures/invalid/sinch-total-mismatch.json", "fixtures/invalid/not-an-object.json"}, code: 3,
			stdout: []string{"ok   fixtures/sinch/text.json", "FAIL fixtures/invalid/sinch-total-mismatch.json", "ERR  fixtures/invalid/not-an-object.json", "3 files (1 invalid, 1 unusable)"}},
		{name: "valid and invalid", args: []string{"validate", "fixtures/sinch/text.json", "fixtures/invalid/sinch-total-mismatch.json"}, code: 1},
		// Walking a directory, files whose top level names no format are
		// not payloads at all: skipped with a note, not failed (issue 9).
		{name: "whole fixtures tree", args: []string{"validate", "fixtures"}, code: 3,
			stdout:    []string{"FAIL fixtures/invalid/", "ERR  fixtures/invalid/syntax-truncated.json", "ok   fixtures/cloud/text.json"},
			notStdout: []string{"not-an-object.json", "unknown-format.json"},
			stderr: []string{"fixtures/invalid/not-an-object.json: info: skipped, not a webhook payload (the top-level value is not an object)",
				"fixtures/invalid/unknown-format.json: info: skipped, not a webhook payload (no top-level"}},
		{name: "warnings only", args: []string{"validate", "fixtures/invalid/cloud-field-account-update.json"}, code: 0,
			stdout: []string{"warning cloud.field-scope", "ok   fixtures/invalid/cloud-field-account-update.json  (cloud, 1 payload, 0 messages; 1 warning)"}},
		{name: "strict", args: []string{"validate", "--strict", "fixtures/invalid/cloud-field-account-update.json"}, code: 1,
			stdout: []string{"error cloud.field-scope", "FAIL "}},
		{name: "ignore", args: []string{"validate", "--ignore", "sinch.total-mismatch", "fixtures/invalid/sinch-total-mismatch.json"}, code: 0,
			notStdout: []string{"sinch.total-mismatch"}},
		{name: "ignore comma-separated", args: []string{"validate", "--ignore=sinch.total-mismatch,format.phone-digits", "fixtures/invalid/sinch-total-mismatch.json", "fixtures/invalid/sinch-source-plus-sign.json"}, code: 0},
		{name: "forced format", args: []string{"validate", "-f", "sinch", "fixtures/whatsapp/text.json"}, code: 1,
			stdout: []string{"error schema.required: required field \"total\" is missing from sinch callback"}},
		{name: "quiet valid", args: []string{"validate", "--quiet", "fixtures/cloud/text.json"}, code: 0,
			notStdout: []string{"ok ", "file"}},
		{name: "quiet invalid", args: []string{"validate", "-q", "fixtures/cloud/text.json", "fixtures/invalid/sinch-total-mismatch.json"}, code: 1,
			stdout: []string{"error sinch.total-mismatch", "FAIL fixtures/invalid/sinch-total-mismatch.json", "2 files (1 invalid)"}, notStdout: []string{"ok "}},

		// validate: stdin.
		{name: "stdin dash", args: []string{"validate", "-"}, env: env{stdin: string(textFixture)}, code: 0,
			stdout: []string{"ok   -  (sinch, 1 payload, 1 message)"}},
		{name: "stdin implied when piped", args: []string{"validate"}, env: env{stdin: invalidLine}, code: 1,
			stdout: []string{"-:1:10: error sinch.total-mismatch"}},
		{name: "ndjson on stdin", args: []string{"validate", "-"}, env: env{stdin: sinchLine + "\n" + invalidLine + "\n\n" + statusLine + "\n"}, code: 1,
			stdout: []string{"-:2:10: error sinch.total-mismatch", "FAIL -  (sinch+whatsapp, 3 payloads, 2 messages, 1 status; 1 invalid, 1 error)",
				"3 payloads: 2 valid, 1 invalid, 0 unusable"}, notStdout: []string{"-:1:", "-:4:"}},
		{name: "ndjson with a broken line", args: []string{"validate", "-"}, env: env{stdin: sinchLine + "\n{\"total\":1,}\n" + statusLine + "\n"}, code: 3,
			stdout: []string{"-:2:11: error json.syntax: trailing comma before '}'", "3 payloads: 2 valid, 0 invalid, 1 unusable"}},
		{name: "no input on a terminal", args: []string{"validate"}, env: env{stdinTTY: true}, code: 2,
			stderr: []string{"wamo: no input: give files, directories or - to read stdin", "Run 'wamo validate --help' for usage."}},

		// validate: usage errors.
		{name: "bad format", args: []string{"validate", "--format", "bogus", "x"}, code: 2,
			stderr: []string{`wamo: --format: unknown format "bogus"`, "Run 'wamo validate --help' for usage."}},
		{name: "bad output", args: []string{"validate", "--output", "bogus"}, code: 2,
			stderr: []string{`wamo: --output "bogus": want text, json, github, junit or sarif`}},
		{name: "unknown rule", args: []string{"validate", "--ignore", "sinch.nope", "fixtures/sinch"}, code: 2,
			stderr: []string{`--ignore "sinch.nope": no such rule`}},
		{name: "bad max size", args: []string{"validate", "--max-size", "lots", "fixtures/sinch"}, code: 2,
			stderr: []string{"--max-size"}},
		{name: "unknown flag", args: []string{"validate", "--bogus"}, code: 2,
			stderr: []string{"unknown flag: --bogus", "Run 'wamo validate --help' for usage."}},
		{name: "unknown root flag", args: []string{"--bogus"}, code: 2,
			stderr: []string{"unknown flag: --bogus", "Run 'wamo --help' for usage."}},
		{name: "unknown command", args: []string{"bogus"}, code: 2,
			stderr: []string{`wamo: unknown command "bogus" for wamo`, "Run 'wamo --help' for usage."}},
		{name: "bad color", args: []string{"--color", "sometimes", "validate", "fixtures/sinch"}, code: 2,
			stderr: []string{`invalid --color "sometimes"`}},

		// validate: other outputs.
		{name: "list rules", args: []string{"validate", "--list-rules"}, code: 0,
			stdout: []string{"sinch.total-mismatch", "json.syntax", "whatsapp.status-errors"}},
		{name: "github output", args: []string{"validate", "--output", "github", "fixtures/invalid/sinch-total-mismatch.json"}, code: 1,
			stdout: []string{"::error file=fixtures/invalid/sinch-total-mismatch.json,line=2,col=12"}},

		// Other commands.
		{name: "version", args: []string{"--version"}, code: 0, stdout: []string{"wamo 1.2.3-test"}},
		{name: "version command", args: []string{"version"}, code: 0, stdout: []string{"wamo 1.2.3-test"}},
		{name: "version command takes no arguments", args: []string{"version", "x"}, code: 2, stderr: []string{"wamo version"}},
		{name: "-v is not --version", args: []string{"-v"}, code: 2, stderr: []string{"unknown shorthand flag: 'v' in -v"}},
		{name: "help lists --version long-only", args: []string{"--help"}, code: 0, stdout: []string{"      --version", "wamo environment"}, notStdout: []string{"-v, --version"}},
		{name: "environment topic", args: []string{"help", "environment"}, code: 0,
			stdout: []string{"  NO_COLOR\n", "  WAMO_APP_SECRET  (replay, listen, conform)\n", "  WAMO_SINCH_SECRET  (replay, listen, conform)\n"}},
		{name: "help", args: []string{"--help"}, code: 0, stdout: []string{"validate", "fixtures", "exit-codes"}},
		{name: "no command", args: []string{}, code: 0, stdout: []string{"Usage:"}},
		{name: "validate help", args: []string{"validate", "--help"}, code: 0, stdout: []string{"--strict", "--list-rules", "Exit status"}},
		{name: "exit codes", args: []string{"help", "exit-codes"}, code: 0,
			stdout: []string{"    0  ok", "    1  findings", "    2  usage", "    3  unusable input", "    4  network", "  130  interrupted"}},
		{name: "fixtures list", args: []string{"fixtures", "list"}, code: 0,
			stdout: []string{"NAME", "sinch/text ", "invalid/syntax-truncated "}},
		{name: "fixtures list folder", args: []string{"fixtures", "list", "--folder", "cloud"}, code: 0,
			stdout: []string{"cloud/text "}, notStdout: []string{"sinch/"}},
		{name: "fixtures list bad folder", args: []string{"fixtures", "list", "--folder", "nope"}, code: 2,
			stderr: []string{`--folder "nope"`}},
		{name: "fixtures show", args: []string{"fixtures", "show", "sinch/text"}, code: 0, stdout: []string{string(textFixture)}},
		{name: "fixtures show unknown", args: []string{"fixtures", "show", "nope"}, code: 2,
			stderr: []string{`no fixture named "nope"`}},
		{name: "fixtures show ambiguous", args: []string{"fixtures", "show", "text"}, code: 2,
			stderr: []string{"ambiguous"}},
		{name: "fixtures show nothing", args: []string{"fixtures", "show"}, code: 2, stderr: []string{"requires at least 1 arg"}},
		{name: "fixtures list extra argument", args: []string{"fixtures", "list", "extra"}, code: 2, stderr: []string{"extra"}},
		{name: "fixtures unknown subcommand", args: []string{"fixtures", "bogus"}, code: 2, stderr: []string{"bogus"}},
		{name: "help unknown topic", args: []string{"help", "bogus"}, code: 2, stderr: []string{"bogus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(context.Background(), tt.env, tt.args...)
			// Usage errors print their help on stderr.
			checkOutcome(t, got, tt.code, tt.stdout, tt.notStdout, tt.stderr, tt.code == 2)
		})
	}
}

// checkOutcome checks a run's exit code and output: stdout holds every
// string of stdout and none of notStdout, stderr every string of stderr —
// and is empty when stderr is nil, unless anyStderr. Output that is not a
// terminal never holds colour codes.
func checkOutcome(t *testing.T, got cmdtest.Result, code int, stdout, notStdout, stderr []string, anyStderr bool) {
	t.Helper()
	if got.Code != code {
		t.Errorf("exit %d, want %d", got.Code, code)
	}
	for _, s := range stdout {
		if !strings.Contains(got.Stdout, s) {
			t.Errorf("stdout lacks %q", s)
		}
	}
	for _, s := range notStdout {
		if strings.Contains(got.Stdout, s) {
			t.Errorf("stdout has %q", s)
		}
	}
	for _, s := range stderr {
		if !strings.Contains(got.Stderr, s) {
			t.Errorf("stderr lacks %q", s)
		}
	}
	if stderr == nil && !anyStderr && got.Stderr != "" {
		t.Errorf("unexpected stderr")
	}
	if strings.Contains(got.Stdout+got.Stderr, esc) {
		t.Errorf("colour codes in output that is not a terminal")
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", got.Stdout, got.Stderr)
	}
}

func TestShowIsExact(t *testing.T) {
	repoRoot(t)
	want, err := os.ReadFile("fixtures/invalid/syntax-truncated.json") // no trailing newline
	if err != nil {
		t.Fatal(err)
	}
	got := run(context.Background(), env{}, "fixtures", "show", "invalid/syntax-truncated", "sinch/text")
	text, _ := os.ReadFile("fixtures/sinch/text.json")
	if got.Code != 0 || got.Stdout != string(want)+"\n"+string(text) {
		t.Errorf("exit %d, stdout:\n%s", got.Code, got.Stdout)
	}
}

// validateJSON mirrors the parts of `--output json` the tests read.
type validateJSON struct {
	Schema   string `json:"schema"`
	Version  string `json:"version"`
	Findings []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Col     int    `json:"col"`
		Payload int    `json:"payload"`
		Rule    string `json:"rule"`
		Path    string `json:"path"`
		Excerpt string `json:"excerpt"`
		Caret   int    `json:"caret"`
	} `json:"findings"`
	Sources []struct {
		File  string `json:"file"`
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	} `json:"sources"`
	Summary struct {
		Files    int `json:"files"`
		Payloads int `json:"payloads"`
		Invalid  int `json:"invalid"`
		Unusable int `json:"unusable"`
		ExitCode int `json:"exit_code"`
	} `json:"summary"`
	Rules []struct {
		ID string `json:"id"`
	} `json:"rules"`
}

func TestJSONOutput(t *testing.T) {
	repoRoot(t)
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"fixtures/sinch"}, 0},
		{[]string{"fixtures/invalid/sinch-total-mismatch.json", "fixtures/sinch/text.json"}, 1},
		{[]string{"fixtures/invalid/syntax-trailing-comma.json", "nope.json", "fixtures/invalid/sinch-total-mismatch.json"}, 3},
	} {
		got := run(context.Background(), env{stdoutTTY: true}, append([]string{"validate", "--output", "json", "--color", "always"}, tc.args...)...)
		var v validateJSON
		if err := json.Unmarshal([]byte(got.Stdout), &v); err != nil {
			t.Fatalf("%v: output is not JSON (%v):\n%s", tc.args, err, got.Stdout)
		}
		if got.Code != tc.code || v.Summary.ExitCode != got.Code {
			t.Errorf("%v: exit %d, summary.exit_code %d, want %d", tc.args, got.Code, v.Summary.ExitCode, tc.code)
		}
		if v.Schema != "wamo.validate/v1" || v.Version != "1.2.3-test" || v.Summary.Files != len(v.Sources) {
			t.Errorf("%v: header %q %q, %d files, %d sources", tc.args, v.Schema, v.Version, v.Summary.Files, len(v.Sources))
		}
		if strings.Contains(got.Stdout, esc) || got.Stderr != "" {
			t.Errorf("%v: colour codes or stderr in JSON output", tc.args)
		}
		if tc.code == 3 {
			rules := map[string]bool{}
			for _, f := range v.Findings {
				rules[f.Rule] = true
				if f.Rule == "json.syntax" && (f.Excerpt == "" || f.Caret < 1 || f.Line != 18 || f.Col != 2) {
					t.Errorf("syntax finding %+v", f)
				}
			}
			if !rules["json.syntax"] || !rules["input"] || !rules["sinch.total-mismatch"] || v.Sources[1].Error == "" || v.Sources[1].OK {
				t.Errorf("findings %v, sources %+v", rules, v.Sources)
			}
		}
	}
}

func TestColor(t *testing.T) {
	repoRoot(t)
	file := "fixtures/invalid/sinch-total-mismatch.json"
	tests := []struct {
		name   string
		env    env
		flags  []string
		colour bool
	}{
		{"pipe", env{}, nil, false},
		{"terminal", env{stdoutTTY: true}, nil, true},
		{"terminal with NO_COLOR", env{stdoutTTY: true, noColor: true}, nil, false},
		{"terminal with --color=never", env{stdoutTTY: true}, []string{"--color=never"}, false},
		{"pipe with --color=always", env{}, []string{"--color=always"}, true},
		{"--color=always beats NO_COLOR", env{noColor: true}, []string{"--color", "always"}, true},
		{"--color=auto on a pipe", env{}, []string{"--color=auto"}, false},
		{"flag after the command", env{stdoutTTY: true}, []string{"--color=never"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{}, tt.flags...), "validate", file)
			if tt.name == "flag after the command" {
				args = append([]string{"validate", file}, tt.flags...)
			}
			got := run(context.Background(), tt.env, args...)
			if got.Code != 1 {
				t.Fatalf("exit %d: %s", got.Code, got.Stderr)
			}
			if has := strings.Contains(got.Stdout, esc); has != tt.colour {
				t.Errorf("colour codes present = %v, want %v:\n%q", has, tt.colour, got.Stdout)
			}
			// With or without colour, the words are the same.
			plain := stripANSI(got.Stdout)
			if !strings.Contains(plain, file+":2:12: error sinch.total-mismatch: total is 2 but data holds 1 element (path total)") {
				t.Errorf("diagnostic changed by colour:\n%s", plain)
			}
		})
	}
}

// stripANSI removes SGR escape sequences.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';') {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestInterrupted(t *testing.T) {
	repoRoot(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got := run(ctx, env{}, "validate", "fixtures/sinch")
	if got.Code != cmdutil.ExitInterrupted {
		t.Errorf("exit %d, want %d", got.Code, cmdutil.ExitInterrupted)
	}
	if got.Stdout != "0 files, 0 payloads: 0 valid, 0 invalid, 0 unusable; 0 messages; 0 errors, 0 warnings\n" || got.Stderr != "" {
		t.Errorf("want only the summary of what was done:\n%s\nstderr:\n%s", got.Stdout, got.Stderr)
	}
}

func TestLargeNDJSONOnStdin(t *testing.T) {
	// Many payloads through stdin: counts and the location of the one bad line.
	var in bytes.Buffer
	for i := 1; i <= 500; i++ {
		if i == 321 {
			in.WriteString(invalidLine + "\r\n")
			continue
		}
		in.WriteString(sinchLine + "\r\n")
	}
	got := run(context.Background(), env{stdin: in.String()}, "validate", "--quiet", "-")
	if got.Code != 1 || !strings.Contains(got.Stdout, "-:321:10: error sinch.total-mismatch") ||
		!strings.Contains(got.Stdout, "500 payloads: 499 valid, 1 invalid") {
		t.Errorf("exit %d:\n%s", got.Code, got.Stdout)
	}
}
