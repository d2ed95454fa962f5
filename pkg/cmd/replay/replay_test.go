package replay

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/render/traffic"
	"github.com/wamo-dev/wamo/pkg/validate"
)

type env struct {
	ctx      context.Context
	stdin    string
	vars     map[string]string
	stdinTTY bool
	tty      bool // stderr is a terminal
	runF     func(context.Context, *Options) error
}

// run executes `wamo replay ARGS` in e and returns the exit code, stdout
// and stderr.
func run(e env, args ...string) (int, string, string) {
	ce := cmdtest.Env{Ctx: e.ctx, Stdin: e.stdin, Vars: e.vars, StdinTTY: e.stdinTTY, StderrTTY: e.tty}
	r := cmdtest.Run(ce, NewCmdReplay, e.runF, args...)
	return r.Code, r.Stdout, r.Stderr
}

func okHandler(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Write([]byte(`{"ok":true}`))
}

func server(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/hook"
}

func writeFile(t *testing.T, name, content string) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExitCodes(t *testing.T) {
	okURL := server(t, okHandler)
	failURL := server(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", 500) })
	// 200 ms past the deadline it is tested against (100ms), and far above
	// the 10ms p99 maximum.
	slowURL := server(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		okHandler(w, r)
	})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + ln.Addr().String() + "/hook"
	ln.Close()
	bad := writeFile(t, "bad.json", `{"total": 1,}`)

	cases := []struct {
		name   string
		e      env
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{name: "pass", args: []string{"--url", okURL, "--fixtures", "sinch/text,cloud/text", "-n", "2", "-c", "2", "--deadline", "5s"}, code: 0,
			stdout: []string{"4 requests, 2 payloads", "ok                  4  100.0%", "PASS  every request answered 2xx within 5s"}},
		{name: "http error", args: []string{"--url", failURL, "--fixtures", "sinch/text"}, code: 1,
			stdout: []string{"http-error          1  100.0%  500 ×1", "FAIL  1 of 1 requests not ok: 1 http-error"}},
		{name: "slow", args: []string{"--url", slowURL, "--fixtures", "sinch/text", "--deadline", "100ms"}, code: 1,
			stdout: []string{"slow                1  100.0%  over 100ms", "── deadline 100ms"}},
		{name: "slo pass despite errors", args: []string{"--url", failURL, "--fixtures", "sinch/text", "--max-error-rate", "100%"}, code: 0,
			stdout: []string{"PASS  error rate 100% ≤ 100%"}},
		{name: "slo p99", args: []string{"--url", slowURL, "--fixtures", "sinch/text", "--max-p99", "10ms"}, code: 1,
			stdout: []string{"FAIL  p99 ", "over the 10ms maximum"}},
		{name: "unreachable", args: []string{"--url", deadURL, "--fixtures", "sinch/text", "-n", "2"}, code: 4,
			stdout: []string{"nothing could be reached"}, stderr: []string{"could not reach " + deadURL + ": connection refused"}},
		{name: "invalid JSON is sent with a warning", args: []string{"--url", okURL, "--deadline", "5s", bad}, code: 0,
			stdout: []string{"PASS"}, stderr: []string{"warning", "bad.json:1:12: not valid JSON (trailing comma"}},
		{name: "stdin", e: env{stdin: `{"messages":[{"id":"a","timestamp":"1"}]}`}, args: []string{"--url", okURL, "--deadline", "5s"}, code: 0,
			stdout: []string{"1 request, 1 payload"}},
		{name: "json failure on stderr", args: []string{"--url", failURL, "--fixtures", "sinch/text", "-o", "json"}, code: 1,
			stderr: []string{"replay failed: 1 of 1 requests not ok"}},

		{name: "no url", args: []string{"--fixtures", "sinch/text"}, code: 2, stderr: []string{"--url is required"}},
		{name: "bad url", args: []string{"--url", "localhost:8080/hook", "--fixtures", "sinch/text"}, code: 2, stderr: []string{"http:// or https://"}},
		{name: "rate without duration", args: []string{"--url", okURL, "--rate", "10", "--fixtures", "sinch/text"}, code: 2, stderr: []string{"--rate needs --duration"}},
		{name: "bad rate", args: []string{"--url", okURL, "--rate", "fast", "--duration", "1s", "--fixtures", "sinch/text"}, code: 2},
		{name: "zero concurrency", args: []string{"--url", okURL, "-c", "0", "--fixtures", "sinch/text"}, code: 2},
		{name: "zero repeat", args: []string{"--url", okURL, "-n", "0", "--fixtures", "sinch/text"}, code: 2},
		{name: "bad output", args: []string{"--url", okURL, "-o", "xml", "--fixtures", "sinch/text"}, code: 2},
		{name: "verbose json", args: []string{"--url", okURL, "-v", "-o", "json", "--fixtures", "sinch/text"}, code: 2},
		{name: "sign without secret", args: []string{"--url", okURL, "--sign", "--fixtures", "sinch/text"}, code: 2, stderr: []string{"WAMO_APP_SECRET"}},
		{name: "sign conversation without its secret", e: env{vars: map[string]string{SecretEnv: "s"}},
			args: []string{"--url", okURL, "--sign", "--fixtures", "cloud/text,conversation/text"}, code: 2,
			stderr: []string{"conversation/text is signed like Sinch", "WAMO_SINCH_SECRET"}},
		{name: "sign as conversation without its secret", e: env{vars: map[string]string{SecretEnv: "s"}},
			args: []string{"--url", okURL, "--sign", "--as", "conversation", "--fixtures", "cloud/text"}, code: 2, stderr: []string{"WAMO_SINCH_SECRET"}},
		{name: "sign cloud with the sinch secret only", e: env{vars: map[string]string{SinchSecretEnv: "s"}},
			args: []string{"--url", okURL, "--sign", "--fixtures", "conversation/text,cloud/text"}, code: 2, stderr: []string{"cloud/text is signed like Meta", "WAMO_APP_SECRET"}},
		{name: "export-to without export", args: []string{"--url", okURL, "--export-to", "x", "--fixtures", "sinch/text"}, code: 2, stderr: []string{"--export-to applies only with --export"}},
		{name: "export bogus", args: []string{"--url", okURL, "--export", "k6", "--fixtures", "sinch/text"}, code: 2, stderr: []string{"vegeta or artillery"}},
		{name: "export artillery without dir", args: []string{"--url", okURL, "--export", "artillery", "--rate", "5", "-n", "1", "--fixtures", "sinch/text"}, code: 2, stderr: []string{"--export-to DIR"}},
		{name: "export artillery without rate", args: []string{"--url", okURL, "--export", "artillery", "--export-to", "x", "--fixtures", "sinch/text"}, code: 2, stderr: []string{"needs --rate"}},
		{name: "export fresh", args: []string{"--url", okURL, "--export", "vegeta", "--fresh", "--fixtures", "sinch/text"}, code: 2, stderr: []string{"cannot carry --fresh"}},
		{name: "export vegeta", args: []string{"--url", okURL, "--export", "vegeta", "--fixtures", "sinch/text,sinch/image"}, code: 0,
			stdout: []string{`{"method":"POST","url":"` + okURL + `","body":"`}},
		{name: "export vegeta signed", e: env{vars: map[string]string{SinchSecretEnv: "s"}},
			args: []string{"--url", okURL, "--sign", "--export", "vegeta", "--fixtures", "conversation/text"}, code: 0,
			stdout: []string{`"X-Sinch-Webhook-Signature":["`, `"X-Sinch-Webhook-Signature-Nonce":["`}},
		{name: "sign conversation", e: env{vars: map[string]string{SinchSecretEnv: "s"}},
			args: []string{"--url", okURL, "--sign", "--fixtures", "conversation"}, code: 0},
		{name: "as bogus", args: []string{"--url", okURL, "--as", "xml", "--fixtures", "sinch/text"}, code: 2},
		{name: "as unknown", args: []string{"--url", okURL, "--as", "xml", "--fixtures", "sinch/text"}, code: 2},
		{name: "bad header", args: []string{"--url", okURL, "-H", "nocolon", "--fixtures", "sinch/text"}, code: 2},
		{name: "bad error rate", args: []string{"--url", okURL, "--max-error-rate", "2", "--fixtures", "sinch/text"}, code: 2},
		{name: "unknown flag", args: []string{"--url", okURL, "--bogus"}, code: 2},
		{name: "zero timeout", args: []string{"--url", okURL, "--timeout", "0s", "--fixtures", "sinch/text"}, code: 2},

		{name: "missing file", args: []string{"--url", okURL, "nope.json"}, code: 3, stderr: []string{"nope.json: no such file or directory"}},
		{name: "unknown fixture", args: []string{"--url", okURL, "--fixtures", "sinch/nope"}, code: 3, stderr: []string{"no fixture named"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := run(c.e, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout, stderr)
			}
			for _, s := range c.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if strings.Contains(stdout, "\x1b[") || strings.Contains(stderr, "\x1b[") {
				t.Error("escape sequences in piped output")
			}
		})
	}
}

func TestNDJSONTargetsAndJSONOutput(t *testing.T) {
	url := server(t, okHandler)
	nd := writeFile(t, "captures.ndjson", "{\"messages\":[{\"id\":\"a\"}]}\n{\"messages\":[{\"id\":\"b\"}]}\n\n{\"data\":[{\"id\":\"c\"}]}\n")
	code, stdout, stderr := run(env{}, "--url", url, "-o", "json", "--deadline", "5s", nd)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Schema   string `json:"schema"`
		Requests []struct {
			Target  string `json:"target"`
			Outcome string `json:"outcome"`
		} `json:"requests"`
		Targets []struct {
			Name string `json:"name"`
		} `json:"targets"`
		Summary struct {
			Attempts int `json:"attempts"`
			ExitCode int `json:"exit_code"`
			Verdict  struct {
				Pass bool `json:"pass"`
			} `json:"verdict"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var names []string
	for _, tg := range doc.Targets {
		names = append(names, filepath.Base(tg.Name))
	}
	if doc.Schema != traffic.ReplayJSONSchema || strings.Join(names, " ") != "captures.ndjson:1 captures.ndjson:2 captures.ndjson:4" ||
		len(doc.Requests) != 3 || doc.Summary.Attempts != 3 || !doc.Summary.Verdict.Pass || doc.Summary.ExitCode != 0 {
		t.Errorf("%+v", doc)
	}
}

func TestJUnitOutput(t *testing.T) {
	url := server(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), "whatsapp_business_account") { // the cloud fixture fails
			http.Error(w, "no", 500)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	})
	code, stdout, _ := run(env{}, "--url", url, "-o", "junit", "--fixtures", "sinch/text,cloud/text")
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal([]byte(stdout), &doc); err != nil || doc.Tests != 2 || doc.Failures != 1 {
		t.Errorf("%+v %v\n%s", doc, err, stdout)
	}
}

// TestSignedAndFresh: --sign takes the secret from the environment and the
// server verifies it over the bytes received; --fresh changes every send.
func TestSignedAndFresh(t *testing.T) {
	secret := "s3cr3t"
	var mu sync.Mutex
	seen := map[string]bool{}
	var bad atomic.Int64
	url := server(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(b)
		if r.Header.Get("X-Hub-Signature-256") != "sha256="+hex.EncodeToString(m.Sum(nil)) {
			bad.Add(1)
		}
		mu.Lock()
		seen[string(b)] = true
		mu.Unlock()
		okHandler(w, r)
	})
	code, stdout, stderr := run(env{vars: map[string]string{SecretEnv: secret}}, "--url", url, "--sign", "--fresh", "--fixtures", "cloud/text", "-n", "5", "--deadline", "5s")
	if code != 0 || bad.Load() != 0 {
		t.Fatalf("exit %d, %d bad signatures\n%s%s", code, bad.Load(), stdout, stderr)
	}
	if len(seen) != 5 {
		t.Errorf("%d distinct bodies over 5 fresh sends", len(seen))
	}
	// --fresh warns about payloads it cannot refresh.
	_, _, stderr = run(env{stdin: `{"hello":"world"}`}, "--url", url, "--fresh", "-")
	if !strings.Contains(stderr, "--fresh: - has no message ids or timestamps to renew") {
		t.Errorf("stderr: %s", stderr)
	}
}

// TestInterrupt: Ctrl-C (the context cancelled) stops sending, prints the
// report so far and exits 130.
func TestInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Ctrl-C comes 200 ms after the first answer, not at a fixed time: on
	// a starved machine the first request can take longer than that.
	var first sync.Once
	url := server(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(20 * time.Millisecond):
		case <-r.Context().Done():
		}
		okHandler(w, r)
		first.Do(func() { time.AfterFunc(200*time.Millisecond, cancel) })
	})
	start := time.Now()
	code, stdout, stderr := run(env{ctx: ctx}, "--url", url, "--fixtures", "sinch/text", "--rate", "50", "--duration", "1m")
	if code != cmdutil.ExitInterrupted {
		t.Errorf("exit %d, want 130\n%s", code, stderr)
	}
	// The run would otherwise last a minute.
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %s after Ctrl-C", d)
	}
	if !strings.Contains(stdout, "interrupted after") || !strings.Contains(stdout, "latency") {
		t.Errorf("no partial report:\n%s", stdout)
	}
}

// TestVerboseAndProgress: -v prints a line per request; a terminal on
// stderr gets the live progress line, erased before the report.
func TestVerboseAndProgress(t *testing.T) {
	// Three requests of 250 ms: the progress line (redrawn every 200 ms)
	// is drawn at least twice.
	url := server(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(250 * time.Millisecond)
		okHandler(w, r)
	})
	// A generous deadline: this test is about output, not timing.
	code, stdout, stderr := run(env{tty: true}, "--url", url, "--fixtures", "sinch/text", "-n", "3", "-v", "--deadline", "5s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Count(stdout, "sinch/text #") != 3 {
		t.Errorf("verbose lines:\n%s", stdout)
	}
	if !strings.Contains(stderr, "\r\x1b[Kreplay ") || !strings.HasSuffix(stderr, "\r\x1b[K") {
		t.Errorf("progress: %q", stderr)
	}
}

// TestOptions pins how flags become Options.
func TestOptions(t *testing.T) {
	var got *Options
	capture := func(_ context.Context, o *Options) error { got = o; return nil }
	code, _, stderr := run(env{runF: capture}, "--url", "https://hooks.example/wa", "--rate", "6000/m", "--duration", "2s",
		"-H", "X-A: 1", "-H", "User-Agent: provider", "--max-error-rate", "1%", "--max-p99", "150ms", "-X", "put", "a.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got.Rate != 100 || got.Duration != 2*time.Second || got.Header.Get("X-A") != "1" || got.Header.Get("User-Agent") != "provider" ||
		!got.Thresholds.CheckErrorRate || got.Thresholds.MaxErrorRate != 0.01 || got.Thresholds.MaxP99 != 150*time.Millisecond ||
		got.Method != "PUT" || strings.Join(got.Paths, ",") != "a.json" || got.Deadline != 200*time.Millisecond || got.Timeout != 10*time.Second {
		t.Errorf("%+v", got)
	}
	run(env{runF: capture, stdin: "{}"}, "--url", "http://x/")
	if strings.Join(got.Paths, ",") != "-" || got.Header.Get("User-Agent") != "wamo-replay/"+cmdtest.Version {
		t.Errorf("no args: paths %v, user agent %q", got.Paths, got.Header.Get("User-Agent"))
	}
	code, _, _ = run(env{runF: capture, stdinTTY: true}, "--url", "http://x/")
	if code != 2 {
		t.Errorf("nothing to send from a terminal: exit %d", code)
	}
	for in, want := range map[string]float64{"100": 100, "100/s": 100, "100/1s": 100, "5/100ms": 50, "60/m": 1, "3600/h": 1} {
		if r, err := parseRate(in); err != nil || r != want {
			t.Errorf("parseRate(%q) = %v, %v", in, r, err)
		}
	}
	for _, in := range []string{"0", "-1", "x", "10/fortnight", "NaN"} {
		if _, err := parseRate(in); err == nil {
			t.Errorf("parseRate(%q) accepted", in)
		}
	}
}

func TestCompletion(t *testing.T) {
	got, _ := completeFixtures(nil, nil, "sinch/te")
	if !contains(got, "sinch/text") || contains(got, "cloud/text") {
		t.Errorf("sinch/te → %v", got)
	}
	got, _ = completeFixtures(nil, nil, "sinch/text,cl")
	if !contains(got, "sinch/text,cloud") || !contains(got, "sinch/text,cloud/text") {
		t.Errorf("sinch/text,cl → %v", got)
	}
	got, _ = completeFixtures(nil, nil, "")
	if !contains(got, "all") || !contains(got, "whatsapp") {
		t.Errorf("'' → %v", got)
	}
}

func TestHelp(t *testing.T) {
	code, stdout, _ := run(env{}, "--help")
	if code != 0 || !strings.Contains(stdout, "wamo replay --url http://localhost:8080/hook fixtures/") || !strings.Contains(stdout, "--max-p99") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// TestReplayAs: --as converts each payload before sending it; the receiver
// gets a valid payload of the target format.
func TestReplayAs(t *testing.T) {
	var mu sync.Mutex
	var got [][]byte
	url := server(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, b)
		mu.Unlock()
	})
	code, stdout, stderr := run(env{}, "--url", url, "--as", "cloud", "--fixtures", "sinch/text,whatsapp/image")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if len(got) != 2 {
		t.Fatalf("%d bodies received, want 2", len(got))
	}
	v := validate.New(validate.Options{})
	for _, b := range got {
		p := payload.Payload{Data: b, Line: 1, Col: 1}
		res := v.Validate(&p)
		if res.Format != payload.Cloud || !res.Valid() {
			t.Errorf("received %s payload, valid=%v: %s", res.Format, res.Valid(), b)
		}
	}
}

// TestExportArtilleryFiles: --export artillery writes the script and its
// processor into the directory, prints nothing off a terminal, sends
// nothing, and writes no secret even when one is set.
func TestExportArtilleryFiles(t *testing.T) {
	var hits atomic.Int64
	url := server(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	dir := filepath.Join(t.TempDir(), "load")
	code, stdout, stderr := run(env{vars: map[string]string{SinchSecretEnv: "sinch-s3cret"}}, "--url", url, "--sign",
		"--rate", "20", "--duration", "3s", "--max-p99", "150ms", "--export", "artillery", "--export-to", dir, "--fixtures", "conversation")
	// The note of what was written is for a terminal; stderr is not one here.
	if code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	script, err := os.ReadFile(filepath.Join(dir, "wamo-replay.yml"))
	if err != nil {
		t.Fatal(err)
	}
	proc, err := os.ReadFile(filepath.Join(dir, "wamo-replay.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"arrivalRate: 20", "duration: 3", "http.response_time.p99: 150", "scheme: sinch", "sinch: WAMO_SINCH_SECRET", "processor: ./wamo-replay.js"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("the script lacks %q:\n%s", want, script)
		}
	}
	if strings.Contains(string(script)+string(proc), "sinch-s3cret") {
		t.Error("the secret was written")
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent by an export", hits.Load())
	}
}
