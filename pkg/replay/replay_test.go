package replay

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/signature"
)

// run sends targets with cfg and returns every result (in completion
// order) and their summary.
func run(t *testing.T, ctx context.Context, cfg Config, targets []Target) ([]Result, *Summary, error) {
	t.Helper()
	if ctx == nil {
		ctx = context.Background()
	}
	if cfg.Deadline == 0 {
		// Tests about timing set their deadline; the others must not fail
		// because the shared machine stalled a request for 200 ms.
		cfg.Deadline = 5 * time.Second
	}
	results := make(chan Result, 64)
	var got []Result
	done := make(chan struct{})
	go func() {
		for r := range results {
			got = append(got, r)
		}
		close(done)
	}()
	start := time.Now()
	err := Run(ctx, cfg, targets, results)
	close(results)
	<-done
	sum := NewSummary(cfg, targets, start)
	for i := range got {
		sum.Add(&got[i])
	}
	sum.Finish(time.Now(), ctx.Err() != nil)
	return got, sum, err
}

func body(s string) []Target { return []Target{{Name: "t", Body: []byte(s)}} }

func ok(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"ok":true}`))
}

// virtualClock is a clock that moves by what the test server says it
// spent, plus a microsecond per reading: latencies measured with it are the
// server's delays whatever the machine's load, so the classification
// against the deadline is tested without any real timing.
type virtualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Microsecond)
	return c.t
}

func (c *virtualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestDelaysClassified runs a real server that "answers" at once and after
// 400 ms of a virtual clock against the 200 ms deadline: each answer is
// classified right and its latency is measured from before the request is
// written to the last byte read — exactly the server's delay (and the
// clock's ticks), not the time since the run began nor across rounds.
func TestDelaysClassified(t *testing.T) {
	clock := &virtualClock{t: time.Unix(1767225600, 0)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		clock.Advance(time.Duration(gjson.GetBytes(b, "delay_ms").Int()) * time.Millisecond)
		ok(w, r)
	}))
	defer srv.Close()
	cases := []struct {
		delay time.Duration
		want  Outcome
	}{{0, OK}, {400 * time.Millisecond, Slow}}
	var targets []Target
	for _, c := range cases {
		targets = append(targets, Target{Name: c.delay.String(), Body: []byte(fmt.Sprintf(`{"delay_ms":%d}`, c.delay.Milliseconds()))})
	}
	// One worker: the virtual clock moves for one request at a time.
	got, sum, err := run(t, nil, Config{URL: srv.URL, Deadline: 200 * time.Millisecond, Concurrency: 1, Repeat: 2, Now: clock.Now}, targets)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2*len(cases) {
		t.Fatalf("%d results, want %d", len(got), 2*len(cases))
	}
	for _, r := range got {
		c := cases[r.TargetIndex]
		if r.Outcome != c.want || r.Status != 200 {
			t.Errorf("%s: outcome %s status %d, want %s 200 (total %s)", r.Target, r.Outcome, r.Status, c.want, r.Total)
		}
		// A few readings of the clock per attempt, a microsecond each.
		if r.Total < c.delay || r.Total > c.delay+time.Millisecond {
			t.Errorf("%s: measured %s, want the server's delay", r.Target, r.Total)
		}
		if r.TTFB <= 0 || r.TTFB > r.Total || r.Bytes != int64(len(`{"ok":true}`)) || !r.Connected || !r.Final || r.Attempt != 1 {
			t.Errorf("%s: ttfb %s total %s bytes %d connected %v final %v attempt %d", r.Target, r.TTFB, r.Total, r.Bytes, r.Connected, r.Final, r.Attempt)
		}
	}
	if sum.Counts[OK] != 2 || sum.Counts[Slow] != 2 || sum.Latency.Count != 4 {
		t.Errorf("summary counts %v, measured %d", sum.Counts, sum.Latency.Count)
	}
	if s := sum.Slowest(1); len(s) != 1 || s[0].Name != "400ms" {
		t.Errorf("slowest = %v", s)
	}
	if v := sum.Verdict(Thresholds{}); v.Pass || len(v.Breaches) != 1 || v.Breaches[0].Kind != NotOK {
		t.Errorf("verdict %+v", v)
	}
}

// TestRealDelayMeasured checks the real clock: an answer that takes 300 ms
// is never measured shorter, and is classified slow against a 100 ms
// deadline. Only lower bounds: a loaded machine can only add time.
func TestRealDelayMeasured(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		ok(w, r)
	}))
	defer srv.Close()
	got, _, err := run(t, nil, Config{URL: srv.URL, Deadline: 100 * time.Millisecond, Timeout: time.Minute}, body(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Total < 300*time.Millisecond || got[0].Outcome != Slow {
		t.Errorf("got %+v", got)
	}
}

// TestKeepAlive checks that a closed-model worker keeps its connection.
func TestKeepAlive(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(ok))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	got, _, err := run(t, nil, Config{URL: srv.URL, Concurrency: 2, Repeat: 50}, body(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	reused := 0
	for _, r := range got {
		if r.Reused {
			reused++
		}
	}
	// The transport may dial one connection more than it ends up needing
	// while the first requests race; after that the pool is reused.
	if n := conns.Load(); n > 4 || reused < 45 {
		t.Errorf("%d connections for 2 workers, %d of %d requests on a reused connection", n, reused, len(got))
	}
}

func hijack(t *testing.T, w http.ResponseWriter) net.Conn {
	c, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
	}
	return c
}

// TestFailuresClassified covers every way a receiver can fail.
func TestFailuresClassified(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", ok)
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/301", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusMovedPermanently) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		c := hijack(t, w)
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	})
	stop := make(chan struct{})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // then the server notices the client hanging up
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	})
	mux.HandleFunc("/midbody", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		c := hijack(t, w)
		c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ok\":"))
		time.Sleep(10 * time.Millisecond)
		c.Close()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer close(stop)

	cases := []struct {
		path    string
		follow  bool
		want    Outcome
		status  int
		cause   string
		maxTime time.Duration
	}{
		{path: "/500", want: HTTPError, status: 500},
		{path: "/301", want: HTTPError, status: 301},
		{path: "/301", follow: true, want: OK, status: 200},
		{path: "/loop", follow: true, want: HTTPError, cause: "too many redirects"},
		{path: "/reset", want: NetworkError},
		{path: "/hang", want: Timeout, cause: "no answer in time", maxTime: 2 * time.Second},
		{path: "/midbody", want: NetworkError, status: 200, cause: "closed mid-body"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s follow=%v", c.path, c.follow), func(t *testing.T) {
			start := time.Now()
			got, sum, err := run(t, nil, Config{URL: srv.URL + c.path, Timeout: 300 * time.Millisecond, FollowRedirects: c.follow}, body(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); c.maxTime > 0 && d > c.maxTime {
				t.Errorf("took %s", d)
			}
			if len(got) != 1 {
				t.Fatalf("%d results", len(got))
			}
			r := got[0]
			if r.Outcome != c.want || r.Status != c.status || (c.cause != "" && r.Cause != c.cause) {
				t.Errorf("outcome %s status %d cause %q (err %q), want %s %d %q", r.Outcome, r.Status, r.Cause, r.Err, c.want, c.status, c.cause)
			}
			if c.path == "/301" && !c.follow && r.Redirect != "/ok" {
				t.Errorf("redirect %q, want /ok", r.Redirect)
			}
			if c.want == Timeout && (r.Total < 300*time.Millisecond || r.Total > 1500*time.Millisecond) {
				t.Errorf("timeout after %s, want 300ms (give or take the machine)", r.Total)
			}
			if c.want != OK && sum.Unreachable() {
				t.Error("a server that accepted the connection counted as unreachable")
			}
		})
	}
}

// TestUnreachable sends to a port nobody listens on.
func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(nil) // closed at once: its port refuses
	srv.Close()
	got, sum, err := run(t, nil, Config{URL: srv.URL + "/hook", Repeat: 3}, body(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if r.Outcome != NetworkError || r.Cause != "connection refused" || r.Connected {
			t.Errorf("outcome %s cause %q connected %v (%s)", r.Outcome, r.Cause, r.Connected, r.Err)
		}
	}
	if !sum.Unreachable() || sum.Attempts != 3 || sum.Latency.Count != 0 {
		t.Errorf("unreachable %v attempts %d measured %d", sum.Unreachable(), sum.Attempts, sum.Latency.Count)
	}
}

// TestRetries: a server failing the first two attempts, then answering
// 200, is delivered on attempt 3.
func TestRetries(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			http.Error(w, "not yet", http.StatusServiceUnavailable)
			return
		}
		ok(w, r)
	}))
	defer srv.Close()
	start := time.Now()
	got, sum, err := run(t, nil, Config{URL: srv.URL, Retries: 3, RetryDelay: 50 * time.Millisecond}, body(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d attempts, want 3", len(got))
	}
	for i, r := range got {
		if r.Attempt != i+1 || r.Seq != 0 || r.Final != (i == 2) {
			t.Errorf("attempt %d: %+v", i+1, r)
		}
	}
	if got[2].Outcome != OK || got[0].Outcome != HTTPError || got[0].Status != 503 {
		t.Errorf("outcomes %s %s %s", got[0].Outcome, got[1].Outcome, got[2].Outcome)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("two retries 50 ms apart took %s", d)
	}
	if fmt.Sprint(sum.DeliveredOn) != "[0 0 1]" || sum.Undelivered != 0 || sum.Sends != 1 || sum.Attempts != 3 {
		t.Errorf("delivered on %v, undelivered %d, sends %d, attempts %d", sum.DeliveredOn, sum.Undelivered, sum.Sends, sum.Attempts)
	}
	if fmt.Sprint(sum.Targets[0].DeliveredOn) != "[0 0 1]" || sum.Targets[0].MissCount != 2 {
		t.Errorf("target delivered on %v, misses %d", sum.Targets[0].DeliveredOn, sum.Targets[0].MissCount)
	}

	// Out of retries: never delivered.
	n.Store(-100)
	got, sum, _ = run(t, nil, Config{URL: srv.URL, Retries: 1}, body(`{}`))
	if len(got) != 2 || !got[1].Final || sum.Undelivered != 1 || len(sum.DeliveredOn) != 0 {
		t.Errorf("%d attempts, undelivered %d, delivered on %v", len(got), sum.Undelivered, sum.DeliveredOn)
	}
}

// TestSignature: the server checks X-Hub-Signature-256 against the bytes
// it received, plain and with --fresh bodies that change per send.
func TestSignature(t *testing.T) {
	secret := []byte("app-secret")
	var good, bad atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, secret)
		m.Write(b)
		want := "sha256=" + hex.EncodeToString(m.Sum(nil))
		if hmac.Equal([]byte(r.Header.Get("X-Hub-Signature-256")), []byte(want)) {
			good.Add(1)
		} else {
			bad.Add(1)
		}
		ok(w, r)
	}))
	defer srv.Close()
	data := payloadtest.Read(t, "cloud/text")
	for _, fresh := range []bool{false, true} {
		good.Store(0)
		bad.Store(0)
		cfg := Config{URL: srv.URL, Sign: SignWith(&signature.Signer{Scheme: signature.MetaScheme, Secret: secret}), Fresh: fresh, Repeat: 3}
		_, sum, err := run(t, nil, cfg, []Target{{Name: "cloud/text", Body: data}})
		if err != nil || sum.Counts[OK] != 3 {
			t.Fatalf("fresh=%v: %v %v", fresh, err, sum.Counts)
		}
		if good.Load() != 3 || bad.Load() != 0 {
			t.Errorf("fresh=%v: %d good signatures, %d bad", fresh, good.Load(), bad.Load())
		}
	}
}

// TestSinchSignature: Conversation API callbacks are signed like Sinch,
// with a new nonce and the current time on every send (retries and fresh
// bodies included), and, under SignByFormat, Cloud API payloads of the
// same run like Meta. The server computes the HMACs itself.
func TestSinchSignature(t *testing.T) {
	metaKey, sinchKey := []byte("app-secret"), []byte("sinch-secret")
	var mu sync.Mutex
	nonces := map[string]bool{}
	var good, bad, meta int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if sig := r.Header.Get("X-Hub-Signature-256"); sig != "" {
			if sig == "sha256="+hmacHex(string(metaKey), string(b)) && r.Header.Get("X-Sinch-Webhook-Signature") == "" {
				meta++
			} else {
				bad++
			}
			ok(w, r)
			return
		}
		nonce, ts := r.Header.Get("x-sinch-webhook-signature-nonce"), r.Header.Get("x-sinch-webhook-signature-timestamp")
		m := hmac.New(sha256.New, sinchKey)
		m.Write([]byte(string(b) + "." + nonce + "." + ts))
		want := base64.StdEncoding.EncodeToString(m.Sum(nil))
		secs, _ := strconv.ParseInt(ts, 10, 64)
		if r.Header.Get("x-sinch-webhook-signature") == want && !nonces[nonce] && nonce != "" &&
			r.Header.Get("x-sinch-webhook-signature-algorithm") == "HmacSHA256" && time.Since(time.Unix(secs, 0)).Abs() < time.Minute {
			good++
		} else {
			bad++
		}
		nonces[nonce] = true
		ok(w, r)
	}))
	defer srv.Close()
	conv := payloadtest.Read(t, "conversation/text")
	cloud := payloadtest.Read(t, "cloud/text")
	sign := SignByFormat(func(scheme string) []byte {
		return map[string][]byte{"meta": metaKey, "sinch": sinchKey}[scheme]
	})
	for _, fresh := range []bool{false, true} {
		good, bad, meta = 0, 0, 0
		targets := []Target{
			{Name: "conversation/text", Body: conv, Format: payload.Conversation},
			{Name: "cloud/text", Body: cloud, Format: payload.Cloud},
		}
		_, sum, err := run(t, nil, Config{URL: srv.URL, Sign: sign, Fresh: fresh, Repeat: 3}, targets)
		if err != nil || sum.Counts[OK] != 6 {
			t.Fatalf("fresh=%v: %v %v", fresh, err, sum.Counts)
		}
		if good != 3 || meta != 3 || bad != 0 {
			t.Errorf("fresh=%v: %d good Sinch signatures, %d Meta, %d bad", fresh, good, meta, bad)
		}
	}
	// A secret for one scheme only: the other format goes unsigned.
	good, bad, meta = 0, 0, 0
	only := SignByFormat(func(scheme string) []byte {
		if scheme == "sinch" {
			return sinchKey
		}
		return nil
	})
	got, _, _ := run(t, nil, Config{URL: srv.URL, Sign: only}, []Target{
		{Name: "conversation/text", Body: conv, Format: payload.Conversation},
		{Name: "cloud/text", Body: cloud, Format: payload.Cloud},
	})
	if len(got) != 2 || good != 1 || meta != 0 {
		t.Errorf("sinch secret only: %d requests, %d Sinch signatures, %d Meta", len(got), good, meta)
	}
}

func hmacHex(k, b string) string {
	m := hmac.New(sha256.New, []byte(k))
	m.Write([]byte(b))
	return hex.EncodeToString(m.Sum(nil))
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestFresh: each send carries new ids and current timestamps, and stays
// valid JSON.
func TestFresh(t *testing.T) {
	var mu sync.Mutex
	bodies := map[string][]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies[r.URL.Query().Get("t")] = append(bodies[r.URL.Query().Get("t")], string(b))
		mu.Unlock()
		ok(w, r)
	}))
	defer srv.Close()
	checks := map[string]struct{ id, ts string }{
		"sinch/text":                {"data.0.id", "data.0.receivedAt"},
		"whatsapp/text":             {"messages.0.id", "messages.0.timestamp"},
		"cloud/text":                {"entry.0.changes.0.value.messages.0.id", "entry.0.changes.0.value.messages.0.timestamp"},
		"cloud/status-read":         {"entry.0.changes.0.value.statuses.0.id", "entry.0.changes.0.value.statuses.0.timestamp"},
		"whatsapp/status-delivered": {"statuses.0.id", "statuses.0.timestamp"},
	}
	for name, c := range checks {
		data := payloadtest.Read(t, name)
		before := time.Now()
		_, sum, err := run(t, nil, Config{URL: srv.URL + "?t=" + name, Fresh: true, Repeat: 3, Concurrency: 2}, []Target{{Name: name, Body: data}})
		if err != nil || sum.Counts[OK] != 3 {
			t.Fatalf("%s: %v %v", name, err, sum.Counts)
		}
		orig := gjson.GetBytes(data, c.id).String()
		ids := map[string]bool{}
		for _, b := range bodies[name] {
			if !gjson.Valid(b) {
				t.Fatalf("%s: invalid JSON sent: %s", name, b)
			}
			id := gjson.Get(b, c.id).String()
			ids[id] = true
			if id == orig || len(id) < 16 {
				t.Errorf("%s: id %q not renewed (was %q)", name, id, orig)
			}
			if strings.HasPrefix(orig, "wamid.") != strings.HasPrefix(id, "wamid.") {
				t.Errorf("%s: id %q lost the prefix of %q", name, id, orig)
			}
			if strings.HasPrefix(name, "sinch") && !uuidRE.MatchString(id) {
				t.Errorf("%s: id %q is not a UUID", name, id)
			}
			ts := gjson.Get(b, c.ts)
			var at time.Time
			if strings.HasPrefix(name, "sinch") {
				at = time.UnixMilli(ts.Int())
				if ts.Type != gjson.Number {
					t.Errorf("%s: receivedAt became %s", name, ts.Raw)
				}
				if d, err := time.Parse(time.RFC3339, gjson.Get(b, "data.0.receivedDate").String()); err != nil || d.Sub(at).Abs() > time.Second {
					t.Errorf("%s: receivedDate %v %v", name, d, err)
				}
			} else {
				at = time.Unix(ts.Int(), 0)
				if ts.Type != gjson.String {
					t.Errorf("%s: timestamp became %s", name, ts.Raw)
				}
			}
			if at.Before(before.Add(-time.Second)) || at.After(time.Now().Add(time.Second)) {
				t.Errorf("%s: timestamp %s is not now", name, at)
			}
		}
		if len(ids) != 3 {
			t.Errorf("%s: %d distinct ids over 3 sends", name, len(ids))
		}
	}
}

// TestRefreshKeepsTheRest: only the planned members change.
func TestRefreshKeepsTheRest(t *testing.T) {
	data := payloadtest.Read(t, "sinch/batch-mixed")
	now := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	out, paths := Refresh(data, now)
	if len(paths) != 9 {
		t.Errorf("paths %v, want id, receivedAt and receivedDate of 3 items", paths)
	}
	for _, p := range paths {
		switch {
		case strings.HasSuffix(p, "receivedAt"):
			if gjson.GetBytes(out, p).Int() != now.UnixMilli() {
				t.Errorf("%s = %s", p, gjson.GetBytes(out, p).Raw)
			}
		case strings.HasSuffix(p, "receivedDate"):
			if gjson.GetBytes(out, p).String() != "2026-01-02T03:04:05.006Z" {
				t.Errorf("%s = %s", p, gjson.GetBytes(out, p).Raw)
			}
		}
	}
	// Setting the planned members back gives the original bytes.
	restored := []byte(string(out))
	for _, p := range paths {
		restored = setRaw(t, restored, p, gjson.GetBytes(data, p).Raw)
	}
	if !bytes.Equal(restored, data) {
		t.Errorf("bytes outside the refreshed members changed:\n%s", out)
	}
	if _, paths := Refresh([]byte(`{"foo":1}`), now); paths != nil {
		t.Errorf("unknown format refreshed %v", paths)
	}
	if _, paths := Refresh([]byte(`{"data":[{"id":`), now); paths != nil {
		t.Errorf("invalid JSON refreshed %v", paths)
	}
}

func setRaw(t *testing.T, b []byte, path, raw string) []byte {
	r := gjson.GetBytes(b, path)
	if r.Index <= 0 {
		t.Fatalf("%s not found", path)
	}
	return append(append(append([]byte(nil), b[:r.Index]...), raw...), b[r.Index+len(r.Raw):]...)
}

// TestOpenModelNoCoordinatedOmission: at 100/s through a single worker, a
// server that stalls once for a second delays the sends queued behind it;
// wamo measures them from their scheduled time, so p99 shows the stall,
// where a naive client (measuring from when it actually sent) sees one
// slow request among a hundred and a p99 that hides it. The figures are
// far from the bounds checked: p99 near 1 s (checked over 500 ms), the
// naive p99 a few milliseconds (checked under 500 ms).
func TestOpenModelNoCoordinatedOmission(t *testing.T) {
	const stall = time.Second
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 10 {
			time.Sleep(stall)
		}
		ok(w, r)
	}))
	defer srv.Close()
	got, sum, err := run(t, nil, Config{URL: srv.URL, Rate: 100, Duration: time.Second, MaxWorkers: 1, Deadline: 200 * time.Millisecond}, body(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	// The schedule is fixed: 100 sends, at 0, 10, … 990 ms.
	if len(got) != 100 {
		t.Fatalf("%d requests at 100/s for 1s", len(got))
	}
	var naive []time.Duration
	for _, r := range got {
		naive = append(naive, r.Total-r.Start.Sub(r.Scheduled))
	}
	sort.Slice(naive, func(i, j int) bool { return naive[i] < naive[j] })
	naiveP99 := naive[(len(naive)*99+99)/100-1]
	if sum.Latency.P99 < stall/2 {
		t.Errorf("p99 %s hides the %s stall (naive p99 %s)", sum.Latency.P99, stall, naiveP99)
	}
	if naiveP99 > stall/2 {
		t.Errorf("naive p99 %s: the test does not show coordinated omission", naiveP99)
	}
	// Sends scheduled from 100 to about 890 ms wait past the deadline.
	if sum.Counts[Slow] < 50 {
		t.Errorf("%d slow: the queued requests should miss the deadline too", sum.Counts[Slow])
	}
}

// TestOpenModelRate: the schedule holds its rate with a server that answers
// at once, and requests count from their own start when the pacer keeps up.
// The schedule's last send is due at 495 ms, so it cannot end sooner.
func TestOpenModelRate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(ok))
	defer srv.Close()
	start := time.Now()
	got, sum, err := run(t, nil, Config{URL: srv.URL, Rate: 200, Duration: 500 * time.Millisecond, Deadline: 5 * time.Second}, body(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 {
		t.Errorf("%d requests, want 100", len(got))
	}
	// Not sooner than the last slot; the upper bound only says the run
	// ends (a loaded machine makes timers late).
	if d := time.Since(start); d < 495*time.Millisecond || d > 5*time.Second {
		t.Errorf("500 ms schedule took %s", d)
	}
	if sum.Counts[OK] != len(got) {
		for _, r := range got {
			if r.Outcome != OK {
				t.Logf("%+v", r)
			}
		}
		t.Errorf("counts %v", sum.Counts)
	}
	// Repeat bounds the open model too.
	got, _, _ = run(t, nil, Config{URL: srv.URL, Rate: 1000, Repeat: 2}, []Target{{Name: "a", Body: []byte(`{}`)}, {Name: "b", Body: []byte(`{}`)}})
	if len(got) != 4 {
		t.Errorf("%d requests for 2 rounds of 2", len(got))
	}
}

// TestCancel: cancelling the context stops sending, abandons the requests
// under way, and returns at once with what was measured.
func TestCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(50 * time.Millisecond):
		case <-r.Context().Done():
		}
		ok(w, r)
	}))
	defer srv.Close()
	for _, cfg := range []Config{
		{URL: srv.URL, Concurrency: 2, Repeat: 1000},
		{URL: srv.URL, Rate: 100, Duration: time.Minute},
		{URL: srv.URL, Retries: 5, RetryDelay: time.Minute, Repeat: 1000, Deadline: time.Millisecond},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		start := time.Now()
		got, sum, err := run(t, ctx, cfg, body(`{}`))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
		// Cancelled at 300 ms, each run would otherwise last a minute.
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("stopped %s after start", d)
		}
		if len(got) == 0 || sum.Attempts == 0 || !sum.Interrupted {
			t.Errorf("%d results, %d attempts, interrupted %v", len(got), sum.Attempts, sum.Interrupted)
		}
		cancel()
	}
}

func TestConfigErrors(t *testing.T) {
	results := make(chan Result, 1)
	var ce *ConfigError
	for _, u := range []string{"", "localhost:8080", "ftp://x/", "http:///path", "http://a b/"} {
		if err := Run(context.Background(), Config{URL: u}, body(`{}`), results); !errors.As(err, &ce) {
			t.Errorf("URL %q: err %v", u, err)
		}
	}
	if err := Run(context.Background(), Config{URL: "http://127.0.0.1:1/"}, nil, results); !errors.As(err, &ce) {
		t.Errorf("no targets: err %v", err)
	}
	var te *TargetError
	boom := errors.New("boom")
	err := Run(context.Background(), Config{URL: "http://127.0.0.1:1/", Transform: func([]byte) ([]byte, error) { return nil, boom }}, body(`{}`), results)
	if !errors.As(err, &te) || te.Target != "t" || !errors.Is(err, boom) {
		t.Errorf("transform: err %v", err)
	}
}

// TestTransformAndHeaders: the transformed bytes are sent, with the
// headers given and application/json by default.
func TestTransformAndHeaders(t *testing.T) {
	var gotBody, gotCT, gotX, gotHost, gotMethod string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody, gotCT, gotX, gotHost, gotMethod = string(b), r.Header.Get("Content-Type"), r.Header.Get("X-Test"), r.Host, r.Method
		ok(w, r)
	}))
	defer srv.Close()
	hdr := http.Header{"X-Test": {"1"}, "Host": {"hooks.example"}}
	_, sum, err := run(t, nil, Config{URL: srv.URL, Method: "PUT", Header: hdr, Transform: func(b []byte) ([]byte, error) {
		return bytes.ToUpper(b), nil
	}}, body(`{"a":"b"}`))
	if err != nil || sum.Counts[OK] != 1 {
		t.Fatal(err, sum.Counts)
	}
	if gotBody != `{"A":"B"}` || gotCT != "application/json" || gotX != "1" || gotHost != "hooks.example" || gotMethod != "PUT" {
		t.Errorf("received %s %q content-type %q x-test %q host %q", gotMethod, gotBody, gotCT, gotX, gotHost)
	}
}

// TestTLS: certificates are verified unless Insecure.
func TestTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(ok))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake wamo refuses is expected
	srv.StartTLS()
	defer srv.Close()
	got, sum, _ := run(t, nil, Config{URL: srv.URL}, body(`{}`))
	if got[0].Outcome != NetworkError || got[0].Cause != "TLS certificate not trusted" || sum.Unreachable() {
		t.Errorf("untrusted certificate: %s %q (%s), unreachable %v", got[0].Outcome, got[0].Cause, got[0].Err, sum.Unreachable())
	}
	got, _, _ = run(t, nil, Config{URL: srv.URL, Insecure: true}, body(`{}`))
	if got[0].Outcome != OK || got[0].TLS <= 0 {
		t.Errorf("insecure: %s tls %s (%s)", got[0].Outcome, got[0].TLS, got[0].Err)
	}
	got, _, _ = run(t, nil, Config{URL: srv.URL, Client: srv.Client()}, body(`{}`))
	if got[0].Outcome != OK {
		t.Errorf("trusted client: %s (%s)", got[0].Outcome, got[0].Err)
	}
}

func TestSummary(t *testing.T) {
	cfg := Config{URL: "http://x/", Deadline: 200 * time.Millisecond, Retries: 1}
	targets := []Target{{Name: "a"}, {Name: "b"}}
	s := NewSummary(cfg, targets, time.Unix(0, 0))
	for i := 1; i <= 100; i++ {
		s.Add(&Result{TargetIndex: 0, Target: "a", Seq: i, Attempt: 1, Final: true, Status: 200, Outcome: OK, Total: time.Duration(i) * time.Millisecond})
	}
	s.Add(&Result{TargetIndex: 1, Target: "b", Seq: 101, Attempt: 1, Status: 200, Outcome: Slow, Total: 300 * time.Millisecond})
	s.Add(&Result{TargetIndex: 1, Target: "b", Seq: 101, Attempt: 2, Final: true, Outcome: NetworkError, Cause: "connection reset"})
	s.Add(&Result{TargetIndex: 1, Target: "b", Seq: 102, Attempt: 1, Final: true, Outcome: Canceled})
	s.Finish(time.Unix(2, 0), true)
	l := s.Latency
	near := func(got, want time.Duration) bool { return got >= want && got <= want+want/500 } // HDR: 3 significant digits
	if l.Count != 101 || l.Min != time.Millisecond || l.Max != 300*time.Millisecond || !near(l.P50, 51*time.Millisecond) ||
		!near(l.P99, 100*time.Millisecond) || !near(l.P90, 91*time.Millisecond) || l.Mean != 5350*time.Millisecond/101 {
		t.Errorf("latency %+v", l)
	}
	if s.Attempts != 102 || s.Sends != 101 || s.Canceled != 1 || s.Counts.Failed() != 2 || !s.Interrupted || s.Throughput() != 51 {
		t.Errorf("attempts %d sends %d canceled %d failed %d throughput %v", s.Attempts, s.Sends, s.Canceled, s.Counts.Failed(), s.Throughput())
	}
	if fmt.Sprint(s.DeliveredOn) != "[100]" || s.Undelivered != 1 || s.Causes["connection reset"] != 1 {
		t.Errorf("delivered %v undelivered %d causes %v", s.DeliveredOn, s.Undelivered, s.Causes)
	}
	h := s.Histogram()
	var total int
	var sawDeadline bool
	for _, b := range h {
		total += b.Count
		if b.To == 200*time.Millisecond && !b.OverDeadline {
			sawDeadline = true
		}
		if b.OverDeadline != (b.From >= 200*time.Millisecond) {
			t.Errorf("bucket %+v", b)
		}
	}
	if total != 101 || !sawDeadline || h[0].From != 500*time.Microsecond || h[len(h)-1].To != 500*time.Millisecond {
		t.Errorf("histogram %+v", h)
	}
	if v := s.Verdict(Thresholds{}); v.Pass || v.SLO || len(v.Breaches) != 1 || v.Breaches[0] != (Breach{Kind: NotOK}) {
		t.Errorf("strict verdict %+v", v)
	}
	if v := s.Verdict(Thresholds{MaxP99: 150 * time.Millisecond, MaxErrorRate: 0.05, CheckErrorRate: true}); !v.Pass || !v.SLO {
		t.Errorf("SLO verdict %+v", v)
	}
	v := s.Verdict(Thresholds{MaxP95: 50 * time.Millisecond, MaxErrorRate: 0.01, CheckErrorRate: true})
	if v.Pass || len(v.Breaches) != 2 || v.Breaches[0].Kind != OverP95 || v.Breaches[0].Max != 50*time.Millisecond ||
		v.Breaches[0].Got != s.Latency.P95 || v.Breaches[1].Kind != OverErrorRate || v.Breaches[1].MaxRate != 0.01 {
		t.Errorf("failed SLO verdict %+v", v)
	}
	if sl := s.Slowest(5); len(sl) != 2 || sl[0].Name != "b" || sl[1].Max != 100*time.Millisecond {
		t.Errorf("slowest %v", sl)
	}
	empty := NewSummary(cfg, targets, time.Unix(0, 0))
	empty.Finish(time.Unix(0, 0), false)
	if v := empty.Verdict(Thresholds{}); v.Pass || empty.Unreachable() || empty.Histogram() != nil {
		t.Errorf("empty run: %+v", v)
	}
}

func TestHistogramEdges(t *testing.T) {
	e := histogramEdges(200 * time.Millisecond)
	if fmt.Sprint(e[:4]) != "[100µs 200µs 500µs 1ms]" || !contains(e, 200*time.Millisecond) {
		t.Errorf("edges %v", e)
	}
	e = histogramEdges(150 * time.Millisecond)
	if !contains(e, 150*time.Millisecond) || !sort.SliceIsSorted(e, func(i, j int) bool { return e[i] < e[j] }) {
		t.Errorf("edges %v", e)
	}
}

func contains(ds []time.Duration, d time.Duration) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

// TestFixedClockCannotHang: with a clock that never advances (a test's
// fixed clock), --duration still ends the run.
func TestFixedClockCannotHang(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(ok))
	defer srv.Close()
	fixed := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	for _, cfg := range []Config{
		{URL: srv.URL, Duration: 100 * time.Millisecond},
		{URL: srv.URL, Duration: 100 * time.Millisecond, Rate: 1000},
	} {
		cfg.Now = func() time.Time { return fixed }
		start := time.Now()
		got, _, err := run(t, nil, cfg, body(`{}`))
		if err != nil || len(got) == 0 {
			t.Errorf("rate %v: %d results, %v", cfg.Rate, len(got), err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("rate %v: a 100 ms run took %s with a fixed clock", cfg.Rate, d)
		}
	}
}
