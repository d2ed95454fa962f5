package conform_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmd/root"
	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/conform/testdata/receiver"
)

const (
	secret = "conform-test-app-secret-value"
	token  = "conform-test-verify-token"
	esc    = "\x1b"
)

type env struct {
	ctx       context.Context
	vars      map[string]string
	stdoutTTY bool
	noColor   bool
}

// run executes `wamo ARGS` in-process, as the binary would.
func run(e env, args ...string) cmdtest.Result {
	return cmdtest.RunTree(cmdtest.Env{Ctx: e.ctx, Vars: e.vars, StdoutTTY: e.stdoutTTY, NoColor: e.noColor}, root.Run, args...)
}

// serve starts a reference receiver of the profile on loopback.
func serve(t *testing.T, profile string, fault receiver.Fault) string {
	t.Helper()
	p := conform.LookupProfile(profile)
	cfg := receiver.Config{Format: p.Format, MaxBody: p.MaxBody, Fault: fault}
	if p.Signer != nil {
		cfg.Secret = []byte(secret)
	}
	if p.Handshake != nil {
		cfg.VerifyToken = token
	}
	return start(t, receiver.New(cfg))
}

func start(t *testing.T, h http.Handler) string {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL + "/webhook"
}

var secrets = map[string]string{"WAMO_APP_SECRET": secret, "WAMO_VERIFY_TOKEN": token}

// quick keeps command tests short (no load case, no large deliveries) and
// their verdicts about status codes, not time: the deadline is far from
// anything a healthy loopback answer takes, even under -race on a loaded
// machine (pkg/conform's TestRealTime checks real timing).
var quick = []string{"--skip=load,ack.largest-batch,wire.max-size", "--deadline=5s"}

func TestExitCodes(t *testing.T) {
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return "http://" + ln.Addr().String() + "/hook"
	}()
	for _, tc := range []struct {
		name       string
		vars       map[string]string
		args       []string
		code       int
		stdout     []string // each must appear
		stderr     string   // must appear ("" = stderr empty)
		noStdout   []string
		fault      receiver.Fault
		profile    string
		skipServer bool
	}{
		{name: "right receiver passes", profile: "sinch", args: []string{"--case", "ack.text,dup,order"},
			stdout: []string{"ack.text", "PASS", "dup.redelivery", "every required case passed (6 cases run)"}},
		{name: "a duplicate answered 409 fails", profile: "whatsapp", fault: receiver.Duplicate409, args: []string{"--case", "dup,ack.text"},
			code: 1, stdout: []string{"FAIL", `409 "duplicate message`, "answered 409, not 2xx", "2 required cases failed: dup.redelivery, dup.burst"}},
		{name: "unsigned accepted is a warning", profile: "cloud", fault: receiver.AcceptsUnsigned, vars: secrets, args: []string{"--case", "auth"},
			stdout: []string{"WARN", "answered 200, not 4xx (recommended)", "PASS  every required case passed", "auth.unsigned"}},
		{name: "…and a failure under --strict", profile: "cloud", fault: receiver.AcceptsUnsigned, vars: secrets, args: []string{"--case", "auth", "--strict"},
			code: 1, stdout: []string{"FAIL  1 required or recommended (--strict) case failed: auth.unsigned"}},
		{name: "handshake skipped without a token", profile: "cloud", vars: map[string]string{"WAMO_APP_SECRET": secret}, args: []string{"--case", "auth.handshake"},
			stdout: []string{"SKIP", "set WAMO_VERIFY_TOKEN", "1 skipped"}},
		{name: "unreachable", skipServer: true, profile: "sinch", args: []string{"--url", closed},
			code: 4, stdout: []string{"UNREACHABLE", "cases not run", "deadline 200ms"}, stderr: "wamo: could not reach " + closed + ": connection refused"},
		{name: "list", skipServer: true, profile: "cloud", args: []string{"--list"},
			stdout: []string{"cloud profile: ", "1.1    ack.audio", "7.1    load.burst", "auth.stale: the cloud signature covers no time"}},
		{name: "list json", skipServer: true, profile: "sinch", args: []string{"--list", "-o", "json", "--case", "dup"},
			stdout: []string{`"id": "dup.redelivery"`, `"area_title": "Retries and duplicates"`}},
		{name: "no profile", skipServer: true, args: []string{"--url", "http://127.0.0.1:1/"}, code: 2, stderr: "--profile is required"},
		{name: "unknown profile", skipServer: true, profile: "telegram", args: []string{"--list"}, code: 2, stderr: `--profile "telegram": want sinch, whatsapp, cloud`},
		{name: "no url", skipServer: true, profile: "sinch", code: 2, stderr: "--url is required"},
		{name: "bad url", skipServer: true, profile: "sinch", args: []string{"--url", "ftp://x"}, code: 2, stderr: "want an absolute http:// or https:// URL"},
		{name: "unknown case", skipServer: true, profile: "sinch", args: []string{"--list", "--case", "auth"}, code: 2, stderr: `"auth" matches no case of the sinch profile`},
		{name: "unknown output", skipServer: true, profile: "sinch", args: []string{"--list", "-o", "xml"}, code: 2, stderr: `--output "xml"`},
		{name: "arguments", skipServer: true, profile: "sinch", args: []string{"--list", "extra"}, code: 2, stderr: "unknown command"},
		{name: "bad rate", skipServer: true, profile: "sinch", args: []string{"--url", "http://127.0.0.1:1/", "--rate", "0"}, code: 2, stderr: "--rate 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"conform"}
			if tc.profile != "" {
				args = append(args, "--profile", tc.profile)
			}
			if !tc.skipServer {
				args = append(append(args, "--url", serve(t, tc.profile, tc.fault)), quick...)
			}
			args = append(args, tc.args...)
			got := run(env{vars: tc.vars}, args...)
			if got.Code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got.Code, tc.code, got.Stdout, got.Stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(got.Stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, got.Stdout)
				}
			}
			if tc.stderr == "" && got.Stderr != "" {
				t.Errorf("stderr: %s", got.Stderr)
			}
			if !strings.Contains(got.Stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, got.Stderr)
			}
			if strings.Contains(got.Stdout+got.Stderr, esc) {
				t.Error("escape sequences in piped output")
			}
		})
	}
}

// TestOutputs: every machine output parses, carries the verdict and never
// the secrets.
func TestOutputs(t *testing.T) {
	url := serve(t, "cloud", receiver.Duplicate409)
	base := []string{"conform", "-p", "cloud", "-u", url, "--case", "ack.text,dup,auth,load", "--duration", "300ms", "--rate", "20", "--deadline", "5s"}
	t.Run("json", func(t *testing.T) {
		got := run(env{vars: secrets}, append(base, "-o", "json")...)
		if got.Code != 1 || got.Stderr != "wamo: conform: dup.redelivery, dup.burst failed\n" {
			t.Errorf("exit %d, stderr %q", got.Code, got.Stderr)
		}
		var doc struct {
			Schema, Profile string
			Signed          bool
			Cases           []struct {
				ID, Verdict string
				Exchanges   []struct {
					Status  int
					Answer  string
					Problem string
				}
				Load *struct{ Sends int }
			}
			Summary struct {
				Fail, Pass int
				Verdict    string
				ExitCode   int `json:"exit_code"`
			}
		}
		if err := json.Unmarshal([]byte(got.Stdout), &doc); err != nil {
			t.Fatalf("%v\n%s", err, got.Stdout)
		}
		if doc.Schema != "wamo.conform/v1" || doc.Profile != "cloud" || !doc.Signed || len(doc.Cases) != 9 ||
			doc.Summary.Fail != 2 || doc.Summary.Verdict != "fail" || doc.Summary.ExitCode != 1 {
			t.Errorf("%+v", doc)
		}
		for _, c := range doc.Cases {
			if c.ID == "dup.redelivery" && (c.Verdict != "fail" || c.Exchanges[1].Status != 409 || !strings.HasPrefix(c.Exchanges[1].Answer, "duplicate message")) {
				t.Errorf("dup.redelivery: %+v", c)
			}
			if c.ID == "load.burst" && (c.Load == nil || c.Load.Sends == 0) {
				t.Errorf("load.burst: %+v", c)
			}
		}
		noSecrets(t, got)
	})
	t.Run("junit", func(t *testing.T) {
		got := run(env{vars: secrets}, append(base, "-o", "junit")...)
		var doc struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Suites   []struct {
				Name  string `xml:"name,attr"`
				Cases []struct {
					Name    string    `xml:"name,attr"`
					Failure *struct{} `xml:"failure"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal([]byte(got.Stdout), &doc); err != nil {
			t.Fatalf("%v\n%s", err, got.Stdout)
		}
		if got.Code != 1 || doc.Tests != 9 || doc.Failures != 2 || len(doc.Suites) != 4 || doc.Suites[1].Name != "Retries and duplicates" {
			t.Errorf("exit %d: %+v", got.Code, doc)
		}
		noSecrets(t, got)
	})
	t.Run("html", func(t *testing.T) {
		got := run(env{vars: secrets}, append(base, "-o", "html")...)
		for _, s := range []string{"<!DOCTYPE html>", `<svg id="latency-chart"`, `<svg id="histogram"`, `<table id="cases">`, "dup.redelivery",
			"default-src &#39;none&#39;", "<details>"} {
			if !strings.Contains(got.Stdout, s) && !strings.Contains(got.Stdout, strings.ReplaceAll(s, "&#39;", "'")) {
				t.Errorf("the page lacks %q", s)
			}
		}
		for _, s := range []string{"<script", "src=", "href=", "@import", "url("} {
			if strings.Contains(got.Stdout, s) {
				t.Errorf("the page holds %q: it must load nothing", s)
			}
		}
		noSecrets(t, got)
	})
}

func noSecrets(t *testing.T, got cmdtest.Result) {
	t.Helper()
	for _, s := range []string{secret, token} {
		if strings.Contains(got.Stdout+got.Stderr, s) {
			t.Errorf("the output shows a secret")
		}
	}
}

// TestColour: colour on a terminal, none with NO_COLOR or in a pipe.
func TestColour(t *testing.T) {
	url := serve(t, "sinch", receiver.Duplicate409)
	args := []string{"conform", "-p", "sinch", "-u", url, "--case", "dup", "--deadline", "5s"}
	if got := run(env{stdoutTTY: true}, args...); !strings.Contains(got.Stdout, esc+"[") {
		t.Errorf("no colour on a terminal:\n%s", got.Stdout)
	}
	if got := run(env{stdoutTTY: true, noColor: true}, args...); strings.Contains(got.Stdout, esc) {
		t.Error("colour despite NO_COLOR")
	}
	if got := run(env{stdoutTTY: true}, append(args, "--color", "never")...); strings.Contains(got.Stdout, esc) {
		t.Error("colour despite --color never")
	}
}

// TestHostileAnswer: what a receiver answers never reaches the terminal as
// control sequences.
func TestHostileAnswer(t *testing.T) {
	url := start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(500)
		io.WriteString(w, "\x1b]0;owned\x07\x1b[2Jboom\r\n")
	}))
	got := run(env{stdoutTTY: true}, "conform", "-p", "sinch", "-u", url, "--case", "ack.text", "--color", "never")
	if got.Code != 1 || strings.Contains(got.Stdout, esc) || strings.Contains(got.Stdout, "\x07") || !strings.Contains(got.Stdout, `500 "^[]0;owned^G^[[2J`) {
		t.Errorf("exit %d:\n%q", got.Code, got.Stdout)
	}
}

// TestInterrupt: Ctrl-C (the context cancelled) stops the run, writes the
// report so far and exits 130.
func TestInterrupt(t *testing.T) {
	var cancel context.CancelFunc // the current run's, set before each run
	p := conform.LookupProfile("whatsapp")
	rc := receiver.New(receiver.Config{Format: p.Format, MaxBody: p.MaxBody})
	var n atomic.Int32
	url := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 4 {
			cancel() // the user presses Ctrl-C while the 4th request is answered
			time.Sleep(50 * time.Millisecond)
		}
		rc.ServeHTTP(w, r)
	}))
	for _, output := range []string{"text", "json"} {
		n.Store(0)
		var ctx context.Context
		ctx, cancel = context.WithCancel(context.Background())
		got := run(env{ctx: ctx}, append([]string{"conform", "-p", "whatsapp", "-u", url, "-o", output}, quick...)...)
		if got.Code != 130 {
			t.Errorf("%s: exit %d, want 130\n%s%s", output, got.Code, got.Stdout, got.Stderr)
		}
		want := "INTERRUPTED  interrupted after 3 cases"
		if output == "json" {
			want = `"verdict": "interrupted"`
		}
		if !strings.Contains(got.Stdout, want) {
			t.Errorf("%s: the partial report lacks %q:\n%s", output, want, got.Stdout)
		}
		cancel()
	}
}
