package interop

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/signature"
)

const (
	metaSecret = "interop-app-secret"
	// VegetaEnv names a vegeta binary (.ci/run installs one).
	VegetaEnv = "WAMO_VEGETA"
	// vegetaModule is installed with go install when VegetaEnv is unset
	// and no vegeta is on the PATH (the version go-partial.tsv gives).
	vegetaModule = "github.com/tsenart/vegeta/v12@v12.13.0"
)

// sink is a loopback webhook that records every request, checks its
// signature with wamo's verifier (Meta's header, or Sinch's over body,
// nonce and a timestamp within a minute), and answers 503 to every
// failEvery-th request it receives (0: never), whoever sends it — so that
// two senders of the same number of requests see the same outcomes.
type sink struct {
	failEvery int64
	n         atomic.Int64
	mu        sync.Mutex
	bodies    map[string]int // body → times received
	badSig    []string
	nonces    map[string]int
	srv       *httptest.Server
}

func newSink(t *testing.T, failEvery int64) *sink {
	s := &sink{failEvery: failEvery}
	s.reset()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *sink) reset() {
	s.mu.Lock()
	s.bodies, s.nonces, s.badSig = map[string]int{}, map[string]int{}, nil
	s.mu.Unlock()
	s.n.Store(0)
}

func (s *sink) url() string { return s.srv.URL + "/hook" }

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	why := checkSig(r.Header, b)
	s.mu.Lock()
	s.bodies[string(b)]++
	if nonce := r.Header.Get("x-sinch-webhook-signature-nonce"); nonce != "" {
		s.nonces[nonce]++
	}
	if why != "" {
		s.badSig = append(s.badSig, why)
	}
	s.mu.Unlock()
	if n := s.n.Add(1); s.failEvery > 0 && n%s.failEvery == 0 {
		http.Error(w, "planned failure", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte(`{"ok":true}`))
}

// checkSig returns why the request's signature is wrong, or "": wamo's
// verifier (what wamo listen runs), Sinch's within a minute of now — the
// engines sign or are exported just before they send.
func checkSig(h http.Header, body []byte) string {
	s := signature.Present(h, signature.MetaScheme, signature.SinchScheme)
	if s == nil {
		return "unsigned"
	}
	secret := map[string]string{"meta": metaSecret, "sinch": sinchSecret}[s.Name()]
	if err := s.Verify(h, body, []byte(secret), time.Now(), time.Minute); err != nil {
		return s.Name() + ": " + err.Error()
	}
	return ""
}

func (s *sink) received() (map[string]int, []string, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies, s.badSig, s.nonces
}

var secrets = map[string]string{"WAMO_APP_SECRET": metaSecret, "WAMO_SINCH_SECRET": sinchSecret}

// exportInputs are the payloads of the export tests: Conversation API
// callbacks (Sinch's timed signature) and Cloud API payloads (Meta's, in
// Meta's escaped wire form), 13 in all, so that 100 requests cycle
// through them unevenly.
var exportInputs = []string{"--fixtures", "conversation/text,conversation/delivered,conversation/image,conversation/location," +
	"conversation/read,conversation/failed,conversation/reply-to,cloud/text,cloud/image,cloud/status-read," +
	"cloud/status-failed,cloud/location,cloud/reaction"}

// replayCounts runs `wamo replay` on the export inputs at 50/s for 2 s
// (100 requests) against s and returns its outcome counts and the bodies
// s received.
func replayCounts(t *testing.T, s *sink) (map[string]int, map[string]int) {
	t.Helper()
	s.reset()
	args := append([]string{"replay", "--url", s.url(), "--sign", "--rate", "50", "--duration", "2s",
		"--deadline", "1m", "-o", "json"}, exportInputs...)
	r := wamo(t, secrets, nil, args...)
	var rep struct {
		Summary struct {
			Counts map[string]int `json:"outcomes"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("replay: exit %d: %v\n%s", r.code, err, r.stderr)
	}
	bodies, bad, _ := s.received()
	if len(bad) > 0 {
		t.Fatalf("replay's own signatures: %v", bad)
	}
	counts := map[string]int{}
	for k, v := range rep.Summary.Counts {
		if v > 0 {
			counts[k] = v
		}
	}
	return counts, bodies
}

// delivered checks what the engine delivered to s: every request it says
// it sent (sent), every signature verified, exactly the bodies wamo replay
// sends (want), byte for byte, each at least once. It returns the bodies
// and the Sinch nonces s received.
func delivered(t *testing.T, engine string, s *sink, want map[string]int, sent int) (map[string]int, map[string]int) {
	t.Helper()
	got, bad, nonces := s.received()
	if len(bad) > 0 {
		t.Errorf("signatures the sink refused: %v", bad)
	}
	if n := s.n.Load(); n != int64(sent) || sent == 0 {
		t.Errorf("the sink received %d requests of %s's %d", n, engine, sent)
	}
	if sent < 100 {
		// The engines pace by the clock: on a starved machine the 2 s
		// end before 100 sends. What was sent must still all arrive.
		t.Logf("%s sent %d of 100 requests in its 2 s (a loaded machine)", engine, sent)
	}
	for b := range got {
		if want[b] == 0 {
			t.Errorf("%s delivered a body wamo replay does not send: %.200q", engine, b)
		}
	}
	for b := range want {
		if got[b] == 0 {
			t.Errorf("%s never delivered %.120q", engine, b)
		}
	}
	return got, nonces
}

// vegeta returns a vegeta binary: $WAMO_VEGETA, one on the PATH, or one
// go install puts into the user's cache directory.
func vegeta(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(VegetaEnv); p != "" {
		return p
	}
	if p, err := exec.LookPath("vegeta"); err == nil {
		return p
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	bin := filepath.Join(cache, "wamo-interop", "gobin")
	if _, err := os.Stat(filepath.Join(bin, "vegeta")); err != nil {
		t.Logf("installing %s into %s (set %s to reuse one)", vegetaModule, bin, VegetaEnv)
		cmd := exec.Command("go", "install", vegetaModule)
		cmd.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("vegeta is not installed and go install %s failed (no module proxy?): %v\n%s", vegetaModule, err, out)
		}
	}
	return filepath.Join(bin, "vegeta")
}

// TestVegetaExport exports the inputs with --export vegeta and attacks the
// sink with the real vegeta at the rate and duration of the replay run:
// every body arrives byte for byte as wamo replay sends it, every
// signature verifies (exported just before, Sinch's are within the
// window), and vegeta's results, classified as replay classifies them,
// count what wamo replay counts against the same sink.
func TestVegetaExport(t *testing.T) {
	veg := vegeta(t)
	s := newSink(t, 4)
	want, wantBodies := replayCounts(t, s)

	dir := t.TempDir()
	targets := filepath.Join(dir, "targets.jsonl")
	r := wamo(t, secrets, nil, append([]string{"replay", "--url", s.url(), "--sign", "--export", "vegeta", "--export-to", targets}, exportInputs...)...)
	if r.code != 0 {
		t.Fatalf("export: exit %d: %s", r.code, r.stderr)
	}
	s.reset()
	results := filepath.Join(dir, "results.bin")
	attack := exec.Command(veg, "attack", "-format=json", "-targets="+targets, "-rate=50/s", "-duration=2s", "-output="+results)
	if out, err := attack.CombinedOutput(); err != nil {
		t.Fatalf("vegeta attack: %v\n%s", err, out)
	}
	enc := exec.Command(veg, "encode", "-to=json", results)
	out, err := enc.Output()
	if err != nil {
		t.Fatalf("vegeta encode: %v", err)
	}
	got, sent := map[string]int{}, 0
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var res struct {
			Code    int    `json:"code"`
			Latency int64  `json:"latency"`
			Error   string `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		sent++
		switch {
		case res.Code >= 200 && res.Code < 300 && time.Duration(res.Latency) <= time.Minute:
			got["ok"]++
		case res.Code >= 200 && res.Code < 300:
			got["slow"]++
		case res.Code != 0:
			got["http-error"]++
		default:
			got["network-error"]++
		}
	}
	bodies, _ := delivered(t, "vegeta", s, wantBodies, sent)
	if !equalCounts(want, sinkCounts(100)) {
		t.Errorf("wamo replay's outcomes %v, want %v", want, sinkCounts(100))
	}
	if !equalCounts(got, sinkCounts(sent)) {
		t.Errorf("vegeta's outcomes %v for %d requests, want %v as wamo replay classifies them", got, sent, sinkCounts(sent))
	}
	t.Logf("vegeta: %v, wamo replay: %v, %d distinct bodies", got, want, len(bodies))
}

// sinkCounts is what a sink failing one request in four answers to n
// requests, in replay's outcome names.
func sinkCounts(n int) map[string]int {
	c := map[string]int{"ok": n - n/4}
	if n/4 > 0 {
		c["http-error"] = n / 4
	}
	return c
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// artilleryRun exports the inputs with --export artillery (flags added)
// and runs the script with the real Artillery against s; it returns
// Artillery's exit code and its report's counters.
func artilleryRun(t *testing.T, node, dir string, s *sink, flags ...string) (int, map[string]int) {
	t.Helper()
	out := t.TempDir()
	args := append([]string{"replay", "--url", s.url(), "--sign", "--rate", "50", "--duration", "2s", "--deadline", "1m",
		"--export", "artillery", "--export-to", out}, flags...)
	// Exported without the secrets: the processor reads them when it runs.
	if r := wamo(t, nil, nil, append(args, exportInputs...)...); r.code != 0 {
		t.Fatalf("export: exit %d: %s", r.code, r.stderr)
	}
	s.reset()
	report := filepath.Join(out, "report.json")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "node_modules", "artillery", "bin", "run"),
		"run", "--output", report, filepath.Join(out, "wamo-replay.yml"))
	cmd.Dir = out
	env := map[string]string{"ARTILLERY_DISABLE_TELEMETRY": "true"}
	for k, v := range secrets {
		env[k] = v
	}
	cmd.Env = environ(env)
	log, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("artillery: %v\n%s", err, log)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("artillery wrote no report (exit %d): %v\n%s", code, err, log)
	}
	var rep struct {
		Aggregate struct {
			Counters map[string]int `json:"counters"`
		} `json:"aggregate"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if testing.Verbose() {
		t.Logf("artillery exit %d:\n%s", code, tail(string(log), 25))
	}
	return code, rep.Aggregate.Counters
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestArtilleryExport exports the inputs with --export artillery and runs
// the script with the real Artillery: every body arrives byte for byte as
// wamo replay sends it, every signature — computed by the processor as
// each request goes — verifies, with a nonce of its own for Sinch's; the
// outcome counters match wamo replay's against the same sink; and the
// ensure checks carry replay's verdict: a sink that fails one request in
// four fails the default check and an error budget of 10%, and passes
// one of 30%, as wamo replay does.
func TestArtilleryExport(t *testing.T) {
	node, dir := npmDir(t, "artillery", "WAMO_INTEROP_ARTILLERY_DIR", "artillery", "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	s := newSink(t, 4)
	want, wantBodies := replayCounts(t, s)

	code, c := artilleryRun(t, node, dir, s)
	bodies, nonces := delivered(t, "Artillery", s, wantBodies, c["vusers.created"])
	sinchSent := 0
	for _, n := range nonces {
		sinchSent += n
		if n != 1 {
			t.Errorf("a Sinch nonce sent %d times: each request needs its own", n)
			break
		}
	}
	if sinchSent == 0 {
		t.Error("no Sinch signature arrived")
	}
	got := map[string]int{}
	for k, v := range map[string]string{"ok": "wamo.ok", "slow": "wamo.slow", "http-error": "wamo.http_error"} {
		if c[v] > 0 {
			got[k] = c[v]
		}
	}
	if failed := c["vusers.failed"]; failed > 0 {
		got["network-error"] = failed
	}
	if !equalCounts(want, sinkCounts(100)) {
		t.Errorf("wamo replay's outcomes %v, want %v", want, sinkCounts(100))
	}
	if !equalCounts(got, sinkCounts(c["vusers.created"])) {
		t.Errorf("artillery's outcomes %v (%d virtual users), want %v as wamo replay classifies them; counters %v",
			got, c["vusers.created"], sinkCounts(c["vusers.created"]), c)
	}
	if code == 0 {
		t.Error("artillery passed its ensure checks with one request in four answered 503; wamo replay fails that run")
	}
	t.Logf("artillery: %v, wamo replay: %v, %d distinct bodies, %d Sinch nonces", got, want, len(bodies), len(nonces))

	for _, c := range []struct {
		budget string
		pass   bool
	}{{"30%", true}, {"10%", false}} {
		code, _ := artilleryRun(t, node, dir, s, "--max-error-rate", c.budget)
		if (code == 0) != c.pass {
			t.Errorf("--max-error-rate %s with 25%% failing: artillery exit %d, want pass=%v", c.budget, code, c.pass)
		}
	}
}
