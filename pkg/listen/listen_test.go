package listen

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/redact"
	"github.com/wamo-dev/wamo/pkg/signature"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// server is a Handler served on a loopback port.
type server struct {
	url    string
	h      *Handler
	events chan Event
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

func start(t testing.TB, cfg Config, buffer int) *server {
	t.Helper()
	return startServe(t, cfg, ServeConfig{Grace: 2 * time.Second}, buffer)
}

// startServe is start with the server's own limits.
func startServe(t testing.TB, cfg Config, scfg ServeConfig, buffer int) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{url: "http://" + ln.Addr().String(), events: make(chan Event, buffer), done: make(chan error, 1)}
	if s.h, err = NewHandler(cfg, s.events); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.done <- Serve(ctx, ln, s.h, scfg) }()
	t.Cleanup(func() { s.stop() })
	return s
}

// stop shuts the server down and returns Serve's error, once every event
// is delivered (the tests' channels have room for all of theirs).
func (s *server) stop() error { return s.stopWithin(time.Minute) }

// stopWithin is stop with a deadline for delivering the events.
func (s *server) stopWithin(d time.Duration) error {
	s.once.Do(func() {
		s.cancel()
		s.err = <-s.done
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		s.h.Shutdown(ctx)
		close(s.events)
	})
	return s.err
}

// collect stops the server and returns its events in request order
// (events are sent after the answer, so a client's next request can be
// reported first).
func (s *server) collect(t testing.TB) []Event {
	t.Helper()
	if err := s.stop(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	var evs []Event
	for ev := range s.events {
		evs = append(evs, ev)
	}
	sort.Slice(evs, func(i, j int) bool { return evs[i].Seq < evs[j].Seq })
	return evs
}

var client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

type reply struct {
	status int
	body   string
	header http.Header
	took   time.Duration
}

func do(t testing.TB, method, u string, body []byte, header map[string]string) reply {
	t.Helper()
	r, err := tryDo(method, u, body, header)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	return r
}

// tryDo is do for goroutines other than the test's, which must not call
// t.Fatal.
func tryDo(method, u string, body []byte, header map[string]string) (reply, error) {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{resp.StatusCode, string(b), resp.Header, time.Since(start)}, nil
}

func post(t testing.TB, u string, body []byte) reply { return do(t, "POST", u, body, nil) }

// TestConcurrentSave posts every fixture from 64 goroutines, three times
// over, and checks that every body was saved exactly once, byte for byte,
// under distinct names, with no temporary file left.
func TestConcurrentSave(t *testing.T) {
	dir := t.TempDir()
	var fx [][]byte // the fixtures that are JSON: listen saves those
	for _, f := range payloadtest.Fixtures(t, nil) {
		if payload.CheckSyntax(&payload.Payload{Data: f.Data, Line: 1, Col: 1}) == nil {
			fx = append(fx, f.Data)
		}
	}
	const rounds, workers = 3, 64
	total := len(fx) * rounds
	s := start(t, Config{SaveDir: dir}, total)

	type job struct{ body []byte }
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r, err := tryDo("POST", s.url+"/hook", j.body, nil)
				if err != nil || r.status != 200 || r.body != "OK\n" {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%d %q %v", r.status, r.body, err))
					mu.Unlock()
				}
			}
		}()
	}
	want := map[[32]byte]int{}
	for range rounds {
		for _, b := range fx {
			want[sha256.Sum256(b)]++
			jobs <- job{b}
		}
	}
	close(jobs)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d failures, first %s", len(failures), failures[0])
	}
	evs := s.collect(t)

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[32]byte]int{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("stray file %s", e.Name())
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got[sha256.Sum256(b)]++
	}
	if len(entries) != total {
		t.Errorf("%d files for %d webhooks", len(entries), total)
	}
	for h, n := range want {
		if got[h] != n {
			t.Errorf("a body posted %d times was saved %d times", n, got[h])
		}
	}
	// Events wait in a bounded queue: on a machine too loaded for the
	// reporting to keep up with the burst, some are dropped, and counted.
	if st := s.h.Stats(); int64(len(evs))+st.Dropped != int64(total) || st.Saved != int64(total) {
		t.Fatalf("%d events and %d dropped for %d requests, %d saved", len(evs), st.Dropped, total, st.Saved)
	}
	names := map[string]bool{}
	for _, ev := range evs {
		if ev.SavedAs == "" || names[ev.SavedAs] {
			t.Errorf("event %d saved as %q", ev.Seq, ev.SavedAs)
		}
		names[ev.SavedAs] = true
		b, _ := os.ReadFile(ev.SavedAs)
		// Reported without its body only when the validators were all
		// busy (a machine so loaded that validations ran over budget).
		if ev.Cut != CutBusy && !bytes.Equal(b, ev.Body) || ev.Cut == CutBusy && ev.Body != nil {
			t.Errorf("%s differs from the event's body (cut %q)", ev.SavedAs, ev.Cut)
		}
		if want := FileName(ev.Time, ev.Seq); filepath.Base(ev.SavedAs) != want {
			t.Errorf("saved as %s, want %s", ev.SavedAs, want)
		}
	}
	st := s.h.Stats()
	if st.Saved != int64(total) || st.Webhooks != int64(total) {
		t.Errorf("stats %+v", st)
	}
	// Every saved file is a fixture validate accepts (as JSON of a known format).
	v := validate.New(validate.Options{})
	for _, e := range entries[:min(len(entries), 20)] {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if r := v.Validate(&payload.Payload{Data: b, Line: 1, Col: 1}); r.Unusable && r.Reason == "not JSON" {
			t.Errorf("%s is not JSON", e.Name())
		}
	}
}

// TestSaveNeverOverwrites saves under a name that is taken.
func TestSaveNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	sv, err := newSaver(dir)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 10, 15, 0, 123e6, time.UTC)
	taken := filepath.Join(dir, "20261122T101500.123Z-000042.json")
	os.WriteFile(taken, []byte("old"), 0o600)
	p, err := sv.save([]byte(`{"new":1}`), at, 42)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "20261122T101500.123Z-000042-2.json" {
		t.Errorf("saved as %s", p)
	}
	if b, _ := os.ReadFile(taken); string(b) != "old" {
		t.Error("overwrote an existing file")
	}
}

func TestHandshake(t *testing.T) {
	s := start(t, Config{VerifyToken: "s3cret", Path: "/hook"}, 16)
	q := func(v url.Values) string { return s.url + "/hook?" + v.Encode() }
	ok := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"s3cret"}, "hub.challenge": {"1158201444"}}
	r := do(t, "GET", q(ok), nil, nil)
	if r.status != 200 || r.body != "1158201444" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Errorf("right token: %d %q %s", r.status, r.body, r.header.Get("Content-Type"))
	}
	bad := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"guess"}, "hub.challenge": {"1"}}
	if r := do(t, "GET", q(bad), nil, nil); r.status != 403 || strings.Contains(r.body, "1\n") {
		t.Errorf("wrong token: %d %q", r.status, r.body)
	}
	mode := url.Values{"hub.mode": {"unsubscribe"}, "hub.verify_token": {"s3cret"}, "hub.challenge": {"1"}}
	if r := do(t, "GET", q(mode), nil, nil); r.status != 400 {
		t.Errorf("wrong mode: %d %q", r.status, r.body)
	}
	if r := do(t, "GET", s.url+"/hook", nil, nil); r.status != 200 || !strings.Contains(r.body, "wamo listen") {
		t.Errorf("plain GET: %d %q", r.status, r.body)
	}
	if r := do(t, "GET", s.url+"/other?"+ok.Encode(), nil, nil); r.status != 404 {
		t.Errorf("other path: %d", r.status)
	}
	evs := s.collect(t)
	if len(evs) != 5 {
		t.Fatalf("%d events", len(evs))
	}
	if evs[0].Kind != KindHandshake || evs[0].Status != 200 || evs[0].Rejected != "" {
		t.Errorf("event %+v", evs[0])
	}
	if evs[1].Kind != KindHandshake || evs[1].Rejected != ReasonBadToken {
		t.Errorf("event %+v", evs[1])
	}
	if strings.Contains(evs[1].Path, "guess") {
		t.Error("the event path carries the query")
	}
	st := s.h.Stats()
	if st.Handshakes != 3 || st.HandshakesRefused != 2 || st.Info != 1 || st.Rejected[ReasonPath] != 1 {
		t.Errorf("stats %+v", st)
	}

	// No token configured: refused, with a hint.
	s2 := start(t, Config{}, 4)
	if r := do(t, "GET", s2.url+"/?"+ok.Encode(), nil, nil); r.status != 403 || !strings.Contains(r.body, "--verify-token") {
		t.Errorf("no token: %d %q", r.status, r.body)
	}
}

func TestSignature(t *testing.T) {
	secret := []byte("app-secret")
	s := start(t, Config{AppSecret: secret}, 16)
	body := payloadtest.Read(t, "cloud/text")
	// Accents and an emoji: Meta sends and signs them escaped (\u00e1,
	// \ud83d\ude00); a body re-encoded as UTF-8 on the way still carries
	// Meta's signature of the escaped form.
	accents := bytes.Replace(body, []byte(`"body": "`), []byte(`"body": "Olá 😀 `), 1)
	if bytes.Equal(accents, body) {
		t.Fatal("cloud/text has no text body to change")
	}
	escaped := signature.MetaEscape(accents)
	cases := []struct {
		name, header string
		body         []byte
		status       int
		why          Reason
	}{
		{"good", signature.Meta(secret, body), body, 200, ""},
		{"bad", signature.Meta([]byte("other"), body), body, 403, ReasonBadSignature},
		{"missing", "", body, 401, ReasonNoSignature},
		{"malformed", "sha1=abc", body, 403, ReasonBadSignature},
		{"other body", signature.Meta(secret, append([]byte(" "), body...)), body, 403, ReasonBadSignature},
		{"escaped, as Meta sends", signature.Meta(secret, escaped), escaped, 200, ""},
		{"raw UTF-8 under the escaped form's signature", signature.Meta(secret, escaped), accents, 200, ""},
		{"raw UTF-8 under its own signature", signature.Meta(secret, accents), accents, 200, ""},
		{"escaped under the raw form's signature", signature.Meta(secret, accents), escaped, 403, ReasonBadSignature},
	}
	for _, c := range cases {
		h := map[string]string{}
		if c.header != "" {
			h[SignatureHeader] = c.header
		}
		if r := do(t, "POST", s.url, c.body, h); r.status != c.status {
			t.Errorf("%s: %d %q, want %d", c.name, r.status, r.body, c.status)
		}
	}
	evs := s.collect(t)
	for i, c := range cases {
		if evs[i].Rejected != c.why {
			t.Errorf("%s: event rejected %q, want %q", c.name, evs[i].Rejected, c.why)
		}
	}
	if evs[0].Result == nil || !evs[0].Result.Valid() {
		t.Error("the signed webhook was not validated")
	}
}

// TestSinchSignature: with the Sinch secret set, a Conversation API
// callback must carry a right x-sinch-webhook-signature over its body,
// nonce and timestamp, signed within the window of listen's clock (an
// injected one, so that "stale" is 6 minutes away from "fresh", not a
// race). The signatures are computed here, not with package signature.
func TestSinchSignature(t *testing.T) {
	secret := []byte("sinch-secret")
	now := time.Unix(1767225600, 0)
	clock := func() time.Time { return now }
	body := payloadtest.Read(t, "conversation/text")
	sign := func(key, b []byte, nonce string, at time.Time) map[string]string {
		ts := strconv.FormatInt(at.Unix(), 10)
		m := hmac.New(sha256.New, key)
		m.Write([]byte(string(b) + "." + nonce + "." + ts))
		return map[string]string{
			"x-sinch-webhook-signature":           base64.StdEncoding.EncodeToString(m.Sum(nil)),
			"x-sinch-webhook-signature-nonce":     nonce,
			"x-sinch-webhook-signature-timestamp": ts,
			"x-sinch-webhook-signature-algorithm": "HmacSHA256",
		}
	}
	tampered := bytes.Replace(body, []byte("Campinas"), []byte("Santos"), 1)
	cases := []struct {
		name   string
		window time.Duration
		header map[string]string
		body   []byte
		status int
		why    Reason
	}{
		{"good", 0, sign(secret, body, "n1", now), body, 200, ""},
		{"4 minutes old", 0, sign(secret, body, "n2", now.Add(-4*time.Minute)), body, 200, ""},
		{"6 minutes old", 0, sign(secret, body, "n3", now.Add(-6*time.Minute)), body, 403, ReasonStale},
		{"6 minutes ahead", 0, sign(secret, body, "n4", now.Add(6*time.Minute)), body, 403, ReasonStale},
		{"an hour old, 2h window", 2 * time.Hour, sign(secret, body, "n5", now.Add(-time.Hour)), body, 200, ""},
		{"a day old, no window", -1, sign(secret, body, "n6", now.Add(-24*time.Hour)), body, 200, ""},
		{"tampered body", 0, sign(secret, body, "n7", now), tampered, 403, ReasonBadSignature},
		{"another secret", 0, sign([]byte("other"), body, "n8", now), body, 403, ReasonBadSignature},
		{"unsigned", 0, nil, body, 401, ReasonNoSignature},
		{"Meta's header instead", 0, map[string]string{SignatureHeader: signature.Meta(secret, body)}, body, 401, ReasonNoSignature},
	}
	for _, c := range cases {
		s := start(t, Config{SinchSecret: secret, SignatureWindow: c.window, Now: clock}, 4)
		if r := do(t, "POST", s.url, c.body, c.header); r.status != c.status {
			t.Errorf("%s: %d %q, want %d", c.name, r.status, r.body, c.status)
		}
		evs := s.collect(t)
		if len(evs) != 1 || evs[0].Rejected != c.why {
			t.Errorf("%s: events %+v, want rejected %q", c.name, evs, c.why)
		}
	}

	// Both secrets: either provider's signature will do, one must be there.
	app := []byte("app-secret")
	s := start(t, Config{AppSecret: app, SinchSecret: secret, Now: clock}, 8)
	cloud := payloadtest.Read(t, "cloud/text")
	for _, c := range []struct {
		name   string
		header map[string]string
		body   []byte
		status int
	}{
		{"Meta", map[string]string{SignatureHeader: signature.Meta(app, cloud)}, cloud, 200},
		{"Sinch", sign(secret, body, "m1", now), body, 200},
		{"Meta's header with the Sinch secret", map[string]string{SignatureHeader: signature.Meta(secret, cloud)}, cloud, 403},
		{"neither", nil, body, 401},
	} {
		r := do(t, "POST", s.url, c.body, c.header)
		if r.status != c.status {
			t.Errorf("both secrets, %s: %d %q, want %d", c.name, r.status, r.body, c.status)
		}
		if c.header == nil && !strings.Contains(r.body, "X-Hub-Signature-256 or X-Sinch-Webhook-Signature") {
			t.Errorf("both secrets, unsigned: the answer does not say which headers: %q", r.body)
		}
	}
	s.collect(t)
}

func TestOversizedAndNotJSON(t *testing.T) {
	dir := t.TempDir()
	s := start(t, Config{MaxBody: 1 << 10, SaveDir: dir}, 16)
	big := bytes.Repeat([]byte(" "), 2<<10)
	if r := post(t, s.url, big); r.status != 413 || !strings.Contains(r.body, "1.0 KiB") {
		t.Errorf("oversized: %d %q", r.status, r.body)
	}
	// Without Content-Length (chunked): the limit is found while reading.
	req, _ := http.NewRequest("POST", s.url, io.MultiReader(bytes.NewReader(big)))
	req.ContentLength = -1
	if resp, err := client.Do(req); err != nil {
		t.Errorf("chunked oversized: %v", err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("chunked oversized: %d", resp.StatusCode)
		}
	}
	r := post(t, s.url, []byte("{\n  \"a\": 1,\n}"))
	if r.status != 400 || !strings.Contains(r.body, "line 2, column 9") || !strings.Contains(r.body, "trailing comma") {
		t.Errorf("not JSON: %d %q", r.status, r.body)
	}
	for _, b := range [][]byte{nil, []byte("\x00\xff\xfe"), []byte("[1,2]"), []byte(`{"hello":"world"}`)} {
		post(t, s.url, b)
	}
	// Still serving.
	if r := post(t, s.url, payloadtest.Read(t, "sinch/text")); r.status != 200 {
		t.Errorf("after the bad bodies: %d", r.status)
	}
	evs := s.collect(t)
	if len(evs) != 8 {
		t.Fatalf("%d events", len(evs))
	}
	if evs[0].Rejected != ReasonTooLarge || evs[0].Status != 413 || evs[1].Rejected != ReasonTooLarge {
		t.Errorf("oversized events %+v %+v", evs[0], evs[1])
	}
	nj := evs[2]
	if nj.Kind != KindWebhook || nj.Result == nil || !nj.Result.Unusable || len(nj.Result.Findings) != 1 {
		t.Fatalf("not-JSON event %+v", nj)
	}
	if f := nj.Result.Findings[0]; f.Line != 2 || f.Col != 9 || f.RuleID() != "json.syntax" || f.Excerpt == "" {
		t.Errorf("finding %+v", f)
	}
	if nj.SavedAs != "" {
		t.Error("a body that is not JSON was saved")
	}
	for _, ev := range evs[3:5] {
		if ev.Status != 400 {
			t.Errorf("%q answered %d", ev.Body, ev.Status)
		}
	}
	if evs[5].Status != 200 || evs[6].Status != 200 || !evs[6].Result.Unusable {
		t.Errorf("JSON of unknown shape: %d %d", evs[5].Status, evs[6].Status)
	}
	st := s.h.Stats()
	if st.NotJSON != 3 || st.Unusable != 2 || st.Valid != 1 || st.Rejected[ReasonTooLarge] != 2 || st.Saved != 3 {
		t.Errorf("stats %+v", st)
	}
}

func TestMethodAndPath(t *testing.T) {
	s := start(t, Config{Path: "hook"}, 8)
	if r := do(t, "PUT", s.url+"/hook", []byte("{}"), nil); r.status != 405 || r.header.Get("Allow") != "GET, HEAD, POST" {
		t.Errorf("PUT: %d %q", r.status, r.header.Get("Allow"))
	}
	if r := post(t, s.url+"/nope", payloadtest.Read(t, "cloud/text")); r.status != 404 {
		t.Errorf("other path: %d", r.status)
	}
	if r := post(t, s.url+"/hook/", payloadtest.Read(t, "cloud/text")); r.status != 200 {
		t.Errorf("trailing slash: %d", r.status)
	}
}

func TestStatusAndDelay(t *testing.T) {
	s := start(t, Config{Status: 503, Delay: 100 * time.Millisecond}, 8)
	r := post(t, s.url, payloadtest.Read(t, "sinch/text"))
	if r.status != 503 || r.body != "Service Unavailable\n" {
		t.Errorf("%d %q", r.status, r.body)
	}
	if r.took < 100*time.Millisecond || r.took > 2*time.Second {
		t.Errorf("answered after %v, want about 100ms", r.took)
	}
	evs := s.collect(t)
	if evs[0].Ack < 100*time.Millisecond {
		t.Errorf("ack %v", evs[0].Ack)
	}
	if _, err := NewHandler(Config{Status: 100}, nil); err == nil {
		t.Error("status 100 accepted")
	}
	if _, err := NewHandler(Config{Status: 204}, nil); err != nil {
		t.Error(err)
	}
}

func TestForward(t *testing.T) {
	var mu sync.Mutex
	var got [][]byte
	var sigs []string
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, b)
		sigs = append(sigs, r.Header.Get(SignatureHeader))
		mu.Unlock()
		if r.URL.Query().Get("slow") == "1" || bytes.Contains(b, []byte("slow")) {
			time.Sleep(2 * time.Second) // a second past the deadline
		}
		w.Header().Set("X-App", "yes")
		w.WriteHeader(202)
		io.WriteString(w, "app says hi")
	}))
	defer app.Close()
	target, _ := url.Parse(app.URL + "/webhook")
	secret := []byte("k")
	// A deadline of a second: an app that answers at once stays within it
	// even on a machine loaded ten times over.
	s := start(t, Config{ForwardTo: target, AppSecret: secret, Deadline: time.Second}, 8)

	fast := payloadtest.Read(t, "cloud/text")
	slow := []byte(`{"messages":[],"note":"slow"}`)
	for _, b := range [][]byte{fast, slow} {
		r := do(t, "POST", s.url, b, map[string]string{SignatureHeader: signature.Meta(secret, b)})
		if r.status != 202 || r.body != "app says hi" || r.header.Get("X-App") != "yes" {
			t.Errorf("sender got %d %q %v", r.status, r.body, r.header)
		}
	}
	evs := s.collect(t)
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	f0, f1 := evs[0].Forward, evs[1].Forward
	if f0 == nil || f0.OverDeadline || f0.Status != 202 || f0.Err != nil {
		t.Errorf("fast app: %+v", f0)
	}
	if f1 == nil || !f1.OverDeadline || f1.Latency < 2*time.Second || f1.Status != 202 {
		t.Errorf("slow app: %+v", f1)
	}
	if !bytes.Equal(got[0], fast) || sigs[0] != signature.Meta(secret, fast) {
		t.Error("the app did not get the same body and signature")
	}
	st := s.h.Stats()
	if st.Forwarded != 2 || st.OverDeadline != 1 || st.Forward.Max < 2*time.Second || st.Forward.P50 == 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestForwardHandshake(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("hub.verify_token") == "apptoken" {
			io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		w.WriteHeader(403)
	}))
	defer app.Close()
	target, _ := url.Parse(app.URL + "/wh?x=1")
	s := start(t, Config{ForwardTo: target}, 8)
	v := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"apptoken"}, "hub.challenge": {"42"}}
	if r := do(t, "GET", s.url+"/?"+v.Encode(), nil, nil); r.status != 200 || r.body != "42" {
		t.Errorf("forwarded handshake: %d %q", r.status, r.body)
	}
	v.Set("hub.verify_token", "nope")
	if r := do(t, "GET", s.url+"/?"+v.Encode(), nil, nil); r.status != 403 {
		t.Errorf("forwarded bad handshake: %d %q", r.status, r.body)
	}
}

func TestForwardDown(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	target, _ := url.Parse("http://" + addr + "/")
	s := start(t, Config{ForwardTo: target}, 8)
	r := post(t, s.url, payloadtest.Read(t, "cloud/text"))
	if r.status != 502 || !strings.Contains(r.body, "did not answer") {
		t.Errorf("%d %q", r.status, r.body)
	}
	evs := s.collect(t)
	if f := evs[0].Forward; f == nil || f.Err == nil || !f.OverDeadline || evs[0].Status != 502 {
		t.Errorf("event %+v forward %+v", evs[0], f)
	}
	if st := s.h.Stats(); st.ForwardFailed != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestForwardTimeout(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(500 * time.Millisecond)
	}))
	defer app.Close()
	target, _ := url.Parse(app.URL)
	s := start(t, Config{ForwardTo: target, ForwardTimeout: 100 * time.Millisecond}, 8)
	if r := post(t, s.url, payloadtest.Read(t, "cloud/text")); r.status != 504 {
		t.Errorf("%d %q", r.status, r.body)
	}
}

// TestGracefulShutdown cancels the server while a request is in flight:
// the request is still answered and Serve returns without error.
func TestGracefulShutdown(t *testing.T) {
	arrived := make(chan struct{}, 1)
	now := func() time.Time {
		select {
		case arrived <- struct{}{}:
		default:
		}
		return time.Now()
	}
	s := start(t, Config{Delay: 300 * time.Millisecond, Now: now}, 8)
	type result struct {
		r   reply
		err error
	}
	res := make(chan result, 1)
	body := payloadtest.Read(t, "sinch/text")
	go func() {
		r, err := tryDo("POST", s.url, body, nil)
		res <- result{r, err}
	}()
	select {
	case <-arrived: // the request is in the handler, waiting out the delay
	case <-time.After(10 * time.Second):
		t.Fatal("the request never arrived")
	}
	stopped := make(chan error, 1)
	go func() { stopped <- s.stop() }()
	r := <-res
	if r.err != nil || r.r.status != 200 {
		t.Errorf("in-flight request got %d, %v", r.r.status, r.err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Post(s.url, "application/json", strings.NewReader("{}")); err == nil {
		t.Error("still accepting after shutdown")
	}
	if st := s.h.Stats(); st.Webhooks != 1 || st.Valid != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestRedacted(t *testing.T) {
	dir := t.TempDir()
	rd := redact.New(redact.Options{})
	s := start(t, Config{SaveDir: dir, Redact: rd}, 8)
	body := payloadtest.Read(t, "cloud/text-bsuid")
	post(t, s.url, body)
	post(t, s.url, []byte(`{"from": 5511987650001 "x"}`))
	evs := s.collect(t)
	want, _ := rd.Redact(body)
	saved, _ := os.ReadFile(evs[0].SavedAs)
	if !bytes.Equal(saved, want) || !bytes.Equal(evs[0].Body, want) {
		t.Error("saved file or event body is not the redacted body")
	}
	if bytes.Contains(saved, []byte("16505550147")) || bytes.Contains(saved, []byte("Okafor")) {
		t.Error("the saved file holds personal data")
	}
	if !evs[0].Result.Valid() {
		t.Error("redacted body is invalid")
	}
	nj := evs[1]
	if nj.Body != nil || nj.Result.Findings[0].Excerpt != "" || strings.Contains(nj.Result.Findings[0].Message, "5511987650001") {
		t.Errorf("not-JSON body leaked: %q %+v", nj.Body, nj.Result.Findings[0])
	}
}

// TestDropped checks that a reader that never reads does not hold up the
// server: requests are answered, saved, and the lost events counted.
func TestDropped(t *testing.T) {
	dir := t.TempDir()
	s := start(t, Config{SaveDir: dir}, 0)
	for range 5 {
		if r := post(t, s.url, payloadtest.Read(t, "sinch/text")); r.status != 200 {
			t.Fatal(r.status)
		}
	}
	s.stopWithin(100 * time.Millisecond) // nobody will ever read
	st := s.h.Stats()
	if st.Dropped != 5 || st.Saved != 5 || st.Requests != 5 {
		t.Errorf("stats %+v", st)
	}
}

// TestSaveFailure answers 500 when the body cannot be saved, so that the
// sender retries.
func TestSaveFailure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "captures")
	s := start(t, Config{SaveDir: dir}, 8)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if r := post(t, s.url, payloadtest.Read(t, "sinch/text")); r.status != 500 {
		t.Errorf("%d %q", r.status, r.body)
	}
	evs := s.collect(t)
	if evs[0].SaveErr == nil || evs[0].Status != 500 {
		t.Errorf("event %+v", evs[0])
	}
}

// TestClientGone: a sender that hangs up during --delay ends the wait. The
// delay (a minute) and the grace period (30 s) are far above what noticing
// the hang-up takes even on an overloaded machine (checked under 10 s).
func TestClientGone(t *testing.T) {
	s := startServe(t, Config{Delay: time.Minute}, ServeConfig{Grace: 30 * time.Second}, 8)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", s.url, bytes.NewReader(payloadtest.Read(t, "sinch/text")))
	if _, err := client.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	begin := time.Now()
	evs := s.collect(t)
	if d := time.Since(begin); d > 10*time.Second {
		t.Errorf("shutdown took %v: it waited for the delay of a request whose client left", d)
	}
	if len(evs) != 1 || !evs[0].ClientGone {
		t.Errorf("events %+v", evs)
	}
}

func TestAddr(t *testing.T) {
	for in, want := range map[string]string{
		"": DefaultAddr, "9000": "127.0.0.1:9000", ":9000": ":9000", "localhost": "localhost:8080",
		"0.0.0.0:80": "0.0.0.0:80", "::1": "[::1]:8080", "[::1]:9": "[::1]:9",
	} {
		if got := NormalizeAddr(in); got != want {
			t.Errorf("NormalizeAddr(%q) = %q, want %q", in, got, want)
		}
	}
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:1": true, "localhost:1": true, ":8080": false, "0.0.0.0:1": false, "192.168.1.2:80": false,
	} {
		if IsLoopback(addr) != want {
			t.Errorf("IsLoopback(%q) != %v", addr, want)
		}
	}
}

// TestAckLatencyUnderLoad sends 200 requests at once, 10 times, and
// reports wamo's own answer latency (from the request's arrival to its
// answer) and what the senders measured.
func TestAckLatencyUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	dir := t.TempDir()
	s := start(t, Config{SaveDir: dir}, 4096)
	body := payloadtest.Read(t, "cloud/contacts")
	const conc, rounds = 200, 10
	var took latencies
	begin := time.Now()
	for range rounds {
		var wg sync.WaitGroup
		for range conc {
			wg.Go(func() { took.post(t, s.url, body) })
		}
		wg.Wait()
	}
	elapsed := time.Since(begin)
	s.stop()
	st := s.h.Stats()
	t.Logf("%d requests, %d concurrent, saving: wamo ack p50 %v p99 %v max %v; senders saw p50 %v p99 %v max %v; %.0f req/s",
		st.Requests, conc, st.Ack.P50, st.Ack.P99, st.Ack.Max, took.pct(.5), took.pct(.99), took.pct(1),
		float64(took.n())/elapsed.Seconds())
	if st.Saved != conc*rounds {
		t.Errorf("saved %d", st.Saved)
	}
	// The median only: on a shared machine disk stalls and other
	// processes make the tail noisy.
	if st.Ack.P50 > 50*time.Millisecond {
		t.Errorf("ack p50 %v", st.Ack.P50)
	}
}

func BenchmarkSave(b *testing.B) {
	sv, err := newSaver(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	body := payloadtest.Read(b, "cloud/contacts")
	at := time.Now()
	b.SetBytes(int64(len(body)))
	var seq uint64
	for b.Loop() {
		seq++
		if _, err := sv.save(body, at, seq); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWebhook(b *testing.B) {
	s := start(b, Config{SaveDir: b.TempDir()}, 1<<16)
	body := payloadtest.Read(b, "cloud/contacts")
	b.SetBytes(int64(len(body)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r, err := tryDo("POST", s.url, body, nil); err != nil || r.status != 200 {
				b.Error(r.status, err)
				return
			}
		}
	})
}
