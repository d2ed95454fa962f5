package listen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/listen"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/signature"
)

type env map[string]string

// world is the outside world of a test run with the environment e.
func world(e env) cmdtest.Env {
	return cmdtest.Env{Now: time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC), Vars: e}
}

// parse runs the flag parsing only and returns the options (or the exit
// code and message).
func parse(args []string, e env) (*Options, cmdtest.Result) {
	var got *Options
	r := cmdtest.Run(world(e), NewCmdListen, func(_ context.Context, o *Options) error { got = o; return nil }, args...)
	return got, r
}

func TestFlags(t *testing.T) {
	o, r := parse(nil, env{VerifyTokenEnv: "tok", SecretEnv: "sec", cmdutil.RedactKeyEnv: "k"})
	if r.Code != 0 {
		t.Fatal(r.Stderr)
	}
	if o.Addr != "127.0.0.1:8080" || o.Path != "/" || o.VerifyToken != "tok" || string(o.AppSecret) != "sec" ||
		o.Deadline != 200*time.Millisecond || o.Status != 200 || o.MaxBody != 10<<20 || o.Redact != "" || o.Output != "text" {
		t.Errorf("defaults %+v", o)
	}
	o, _ = parse([]string{"--addr", "9000", "--path", "hook", "--verify-token", "flag", "--redact", "--max-body", "1KB"}, env{VerifyTokenEnv: "tok"})
	if o.Addr != "127.0.0.1:9000" || o.Path != "/hook" || o.VerifyToken != "flag" || o.Redact != "ids" || o.MaxBody != 1024 {
		t.Errorf("options %+v", o)
	}
	o, _ = parse([]string{"--redact=text", "--key-env", "MYKEY"}, env{"MYKEY": "abc"})
	if o.Redact != "text" || string(o.RedactKey) != "abc" {
		t.Errorf("redact %q key %q", o.Redact, o.RedactKey)
	}
	o, _ = parse([]string{"--forward-to", "http://localhost:3000/wh", "--deadline", "50ms"}, nil)
	if o.ForwardTo == nil || o.ForwardTo.Host != "localhost:3000" || o.Deadline != 50*time.Millisecond {
		t.Errorf("forward %+v", o)
	}

	for _, args := range [][]string{
		{"extra"},
		{"--status", "99"},
		{"--status", "600"},
		{"--forward-to", "ftp://example.com"},
		{"--forward-to", "localhost:3000"},
		{"--forward-to", "http://localhost:3000", "--status", "503"},
		{"--forward-to", "http://localhost:3000", "--delay", "1s"},
		{"--redact=names"},
		{"--max-body", "lots"},
		{"--deadline", "0s"},
		{"--delay", "-1s"},
		{"--output", "xml"},
		{"--key-env", "UNSET"},
		{"--addr", "127.0.0.1:80:80"},
		{"--addr", "localhost:http-alt"},
		{"--addr", "127.0.0.1:99999"},
		{"--forward-timeout", "5s"},
		{"--forward-to", "http://localhost:3000", "--forward-timeout", "0s"},
		{"--max-conns", "0"},
		{"--max-body", "10MB", "--max-buffered", "1MB"},
		{"--max-buffered", "18014398509481985KB"},
	} {
		if _, r := parse(args, nil); r.Code != cmdutil.ExitUsage {
			t.Errorf("%q: exit %d (%s), want 2", args, r.Code, r.Stderr)
		}
	}
}

// start runs `wamo listen ARGS` in e on a free loopback port with the
// grace period grace and returns its address, a Ctrl-C and the channel of
// its end.
func start(t *testing.T, e cmdtest.Env, grace time.Duration, args ...string) (addr string, cancel context.CancelFunc, done chan error) {
	t.Helper()
	ready := make(chan string, 1)
	f, _, _ := cmdtest.Factory(e)
	cmd := NewCmdListen(f, func(ctx context.Context, o *Options) error {
		o.Ready = func(a string) { ready <- a }
		o.Grace = grace
		return Run(ctx, o)
	})
	ctx, cancel := context.WithCancel(context.Background())
	done = make(chan error, 1)
	go func() {
		done <- cmdtest.Exec(ctx, cmd, f.IOStreams, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	}()
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("did not start: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("did not start")
	}
	return addr, cancel, done
}

// run starts `wamo listen ARGS` and returns its address, a function that
// stops it (Ctrl-C) and returns the exit code, and its output.
func run(t *testing.T, args []string, e env) (addr string, stop func() int, out, errOut *cmdtest.SyncBuffer) {
	t.Helper()
	out, errOut = &cmdtest.SyncBuffer{}, &cmdtest.SyncBuffer{}
	w := world(e)
	w.Setup = func(ios *iostreams.IOStreams) { ios.Out, ios.ErrOut = out, errOut }
	addr, cancel, done := start(t, w, time.Second, args...)
	var once sync.Once
	code := 0
	stop = func() int {
		once.Do(func() {
			cancel()
			code = cmdutil.ExitCode(<-done)
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return addr, stop, out, errOut
}

// post sends body as JSON with the headers given as name, value pairs and
// returns the status.
func post(t *testing.T, url string, body []byte, header ...string) int {
	t.Helper()
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestListenEndToEnd runs the command, posts webhooks, stops it with
// Ctrl-C and checks the answers, the printed lines, the saved files, the
// summary and the exit code.
func TestListenEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "captures")
	addr, stop, out, errOut := run(t, []string{"--save", dir, "--path", "/hook", "--redact"}, nil)
	url := "http://" + addr + "/hook"
	if c := post(t, url, payloadtest.Read(t, "cloud/text")); c != 200 {
		t.Errorf("valid: %d", c)
	}
	if c := post(t, url, payloadtest.Read(t, "invalid/whatsapp-from-not-digits")); c != 200 {
		t.Errorf("invalid: %d", c)
	}
	if c := post(t, url, []byte(`{"a":1,}`)); c != 400 {
		t.Errorf("not JSON: %d", c)
	}
	if c := post(t, "http://"+addr+"/elsewhere", payloadtest.Read(t, "cloud/text")); c != 404 {
		t.Errorf("other path: %d", c)
	}
	if code := stop(); code != cmdutil.ExitInterrupted {
		t.Errorf("exit %d, want 130", code)
	}
	o, e := out.String(), errOut.String()
	if !strings.Contains(e, "listening on http://"+addr+"/hook (only this path)") || !strings.Contains(e, "redacting") {
		t.Errorf("banner: %s", e)
	}
	for _, want := range []string{
		"#1 POST /hook 200", "cloud  1 message", "↳ valid · saved " + dir,
		"#2 POST /hook 200", "↳ invalid: ", "error format.phone-digits",
		"#3 POST /hook 400 8 B  not JSON", "body#3:1:7: error json.syntax: trailing comma",
		"#4 POST /elsewhere 404  refused: unknown path",
		"4 requests: 3 webhooks (1 valid, 1 invalid, 1 not JSON), 1 refused (1 unknown path)", "saved 2",
	} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	if strings.Contains(o, "Daniel Okafor") || strings.Contains(o, "16505550147") {
		t.Errorf("redacted output shows personal data:\n%s", o)
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 2 {
		t.Errorf("%d files saved", len(files))
	}
}

func TestListenJSONOutput(t *testing.T) {
	addr, stop, out, _ := run(t, []string{"--output", "json", "-q"}, nil)
	post(t, "http://"+addr+"/", payloadtest.Read(t, "cloud/text"))
	post(t, "http://"+addr+"/", payloadtest.Read(t, "invalid/cloud-object-wrong"))
	stop()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("quiet JSON printed %d lines:\n%s", len(lines), out.String())
	}
	var ev struct {
		Seq     int    `json:"seq"`
		Verdict string `json:"verdict"`
	}
	json.Unmarshal([]byte(lines[0]), &ev)
	if ev.Seq != 2 || ev.Verdict != "invalid" {
		t.Errorf("event %s", lines[0])
	}
	var sum struct {
		Type     string `json:"type"`
		Requests int    `json:"requests"`
	}
	json.Unmarshal([]byte(lines[1]), &sum)
	if sum.Type != "summary" || sum.Requests != 2 {
		t.Errorf("summary %s", lines[1])
	}
}

func TestListenSignatureFromEnv(t *testing.T) {
	addr, stop, _, errOut := run(t, nil, env{SecretEnv: "s3cret"})
	body := payloadtest.Read(t, "cloud/text")
	if c := post(t, "http://"+addr+"/", body, listen.SignatureHeader, signature.Meta([]byte("s3cret"), body)); c != 200 {
		t.Errorf("signed: %d", c)
	}
	if c := post(t, "http://"+addr+"/", body); c != 401 {
		t.Errorf("unsigned: %d", c)
	}
	stop()
	if !strings.Contains(errOut.String(), "checking X-Hub-Signature-256") {
		t.Errorf("banner: %s", errOut.String())
	}
}

// TestBindFailure occupies a port and checks that listening on it fails
// with exit 4.
func TestBindFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := cmdtest.Run(world(nil), NewCmdListen, nil, "--addr", ln.Addr().String())
	if r.Code != cmdutil.ExitNetwork {
		t.Fatalf("exit %d (%s), want 4", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "cannot listen on "+ln.Addr().String()) || !strings.Contains(r.Stderr, "address already in use") {
		t.Errorf("error %q", r.Stderr)
	}
	if r.Stdout != "" {
		t.Errorf("printed %q", r.Stdout)
	}
}

// TestSaveDirNotWritable: a --save directory that cannot be made is a
// failure of the machine (exit 5), not of the flags.
func TestSaveDirNotWritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	r := cmdtest.Run(world(nil), NewCmdListen, nil, "--addr", "127.0.0.1:0", "--save", filepath.Join(file, "sub"))
	if r.Code != cmdutil.ExitEnvironment {
		t.Errorf("exit %d, want %d", r.Code, cmdutil.ExitEnvironment)
	}
	if !strings.Contains(r.Stderr, "--save: cannot write in "+filepath.Join(file, "sub")+": not a directory") {
		t.Errorf("error %s", r.Stderr)
	}
}

// TestForwardSlowApp forwards to an app slower than the deadline: the
// sender gets the app's answer, the line and the summary say it was late.
func TestForwardSlowApp(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("slow") != "" || r.Header.Get("X-Slow") != "" {
			time.Sleep(2 * time.Second) // a second past the deadline
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer app.Close()
	// A deadline of a second: an app that answers at once stays within it
	// even on a machine loaded ten times over.
	addr, stop, out, _ := run(t, []string{"--forward-to", app.URL + "/webhook", "--deadline", "1s"}, nil)
	if c := post(t, "http://"+addr+"/", payloadtest.Read(t, "cloud/text")); c != 202 {
		t.Errorf("fast: %d", c)
	}
	if c := post(t, "http://"+addr+"/", payloadtest.Read(t, "sinch/text"), "X-Slow", "1"); c != 202 {
		t.Errorf("slow: %d", c)
	}
	stop()
	o := out.String()
	for _, want := range []string{"#1 POST / 202", "↳ valid · app 202 in ", "#2 POST / 202", "s > 1s", "forwarded 2: app answered in p50 ", "1 over the 1s deadline"} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
}

func TestDisplayAddr(t *testing.T) {
	for _, c := range [][3]string{
		{"127.0.0.1:0", "127.0.0.1:41234", "127.0.0.1:41234"},
		{":8080", "[::]:8080", "localhost:8080"},
		{"0.0.0.0:8080", "[::]:8080", "localhost:8080"},
		{"[::1]:9", "[::1]:9", "[::1]:9"},
	} {
		if got := displayAddr(c[0], c[1]); got != c[2] {
			t.Errorf("displayAddr(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

// blockedWriter is an output nobody reads: every write blocks until the
// test ends, like a full pipe.
type blockedWriter struct{ release chan struct{} }

func (w blockedWriter) Write(p []byte) (int, error) {
	<-w.release
	return 0, io.ErrClosedPipe
}

// TestStalledOutput: with stdout stalled (a pipe nobody reads), webhooks
// are still answered and saved, the first Ctrl-C stops wamo within the
// grace period, and stderr says how many requests were not printed.
func TestStalledOutput(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	errOut := &cmdtest.SyncBuffer{}
	w := world(nil)
	w.Setup = func(ios *iostreams.IOStreams) { ios.Out, ios.ErrOut = blockedWriter{release}, errOut }
	dir := t.TempDir()
	addr, cancel, done := start(t, w, 500*time.Millisecond, "--save", dir)
	body := payloadtest.Read(t, "cloud/text")
	const n = 400 // more than the queue holds
	for range n {
		resp, err := http.Post("http://"+addr+"/", "application/json", bytes.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v %v", resp, err)
		}
		resp.Body.Close()
	}
	begin := time.Now()
	cancel()
	select {
	case err := <-done:
		if code := cmdutil.ExitCode(err); code != cmdutil.ExitInterrupted {
			t.Errorf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10s after Ctrl-C with a grace period of 500ms")
	}
	t.Logf("stopped %v after Ctrl-C", time.Since(begin))
	if !strings.Contains(errOut.String(), fmt.Sprintf("%d requests not printed", n)) {
		t.Errorf("stderr does not count what was not printed:\n%s", errOut.String())
	}
	if files, _ := os.ReadDir(dir); len(files) != n {
		t.Errorf("%d files saved, want %d", len(files), n)
	}
}
