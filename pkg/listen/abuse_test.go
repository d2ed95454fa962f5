package listen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// heapInUse returns the bytes of heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// claim opens a connection, sends a POST's headers claiming length bytes
// and the first byte of its body, and leaves it open.
func claim(t *testing.T, addr string, length int64) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "POST /hook HTTP/1.1\r\nHost: wamo\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", length)
	return c
}

// waitFor polls cond until it holds, for a state that another goroutine
// reaches (not a timing assertion): the test fails only if it never does.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(20 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("never: %s", what)
		}
	}
}

// TestClaimedLengthNotAllocated opens 300 connections that each claim a
// 10 MB body and send one byte (and one that claims 60 GB under a 100 GB
// --max-body): memory grows with what arrived, not with the claims. The
// listener used to allocate every claim up front (3 GB here).
func TestClaimedLengthNotAllocated(t *testing.T) {
	s := startServe(t, Config{MaxBody: 100 << 30}, ServeConfig{MaxConns: 512}, 512)
	addr := strings.TrimPrefix(s.url, "http://")
	before := heapInUse()
	var conns []net.Conn
	for range 300 {
		conns = append(conns, claim(t, addr, 10<<20))
	}
	conns = append(conns, claim(t, addr, 60<<30))
	// Every handler is reading its body: 301 bodies of one byte in memory.
	waitFor(t, "every body being read", func() bool { return s.h.inflight.used.Load() >= 301*minRead })
	grown := int64(heapInUse()) - int64(before)
	if grown > 64<<20 {
		t.Errorf("heap grew by %d MB for 301 one-byte bodies claiming 3 GB and 60 GB", grown>>20)
	}
	if used := s.h.inflight.used.Load(); used > 301*minRead {
		t.Errorf("%d bytes reserved for 301 bodies of one byte", used)
	}
	t.Logf("heap grew by %.1f MB with 301 connections claiming %d GB", float64(grown)/(1<<20), (300*10<<20+60<<30)>>30)
	for _, c := range conns {
		c.Close()
	}
}

// TestBufferedBudget holds two large bodies half sent: a third one that
// would take the memory over MaxBuffered is answered 503 with Retry-After,
// and once the first two are done the memory is back.
func TestBufferedBudget(t *testing.T) {
	const maxBody = 1 << 20
	s := start(t, Config{MaxBody: maxBody, MaxBuffered: 5 * maxBody / 2}, 16)
	addr := strings.TrimPrefix(s.url, "http://")
	// Past the 512 KiB step: each holds 1 MiB, and a third cannot grow
	// from 512 KiB to 1 MiB within 2.5 MiB.
	part := bytes.Repeat([]byte(" "), 900<<10)
	var held []net.Conn
	for range 2 {
		c := claim(t, addr, int64(len(part)+len(`"a":1}`)+1))
		c.Write(part)
		held = append(held, c)
	}
	waitFor(t, "two bodies of 900 KiB read", func() bool { return s.h.inflight.used.Load() >= 2*maxBody })

	big := append(append([]byte("{"), part...), `"a":1}`...)
	r := post(t, s.url, big)
	if r.status != 503 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "busy") {
		t.Errorf("third body: %d %q %v, want 503 with Retry-After", r.status, r.body, r.header)
	}
	for _, c := range held {
		io.WriteString(c, `"a":1}`)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("held body: %v %v", resp, err)
		}
		c.Close()
	}
	waitFor(t, "the memory given back", func() bool { return s.h.inflight.used.Load() == 0 })
	if r := post(t, s.url, big); r.status != 200 {
		t.Errorf("after: %d %q", r.status, r.body)
	}
	evs := s.collect(t)
	if st := s.h.Stats(); st.Rejected[ReasonBusy] != 1 || st.Webhooks != 3 {
		t.Errorf("stats %+v", st)
	}
	busy := 0
	for _, ev := range evs {
		if ev.Rejected == ReasonBusy {
			busy++
		}
	}
	if busy != 1 {
		t.Errorf("%d busy events", busy)
	}
}

// gate is a validation that blocks on bodies holding "slow" until
// released. Tests defer the release: deferred calls run before the
// server's cleanup, which waits for the validations.
type gate struct {
	open    chan struct{}
	entered chan struct{}
	once    sync.Once
}

func newGate() *gate { return &gate{open: make(chan struct{}), entered: make(chan struct{}, 16)} }

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

func (g *gate) validate(v *validate.Validator, p *payload.Payload) validate.Result {
	if bytes.Contains(p.Data, []byte("slow")) {
		g.entered <- struct{}{}
		<-g.open
	}
	return v.Validate(p)
}

// TestValidateBudget: a body whose validation does not end is answered at
// once and reported as cut short when its budget is spent; while it holds
// the only validator, other bodies are answered and reported at once
// without a verdict; once it ends, bodies are validated again.
func TestValidateBudget(t *testing.T) {
	g := newGate()
	defer g.release()
	s := start(t, Config{Validators: 1, ValidateBudget: 50 * time.Millisecond, validate: g.validate}, 16)
	slow := []byte(`{"total":1,"data":[{"note":"slow"}]}`)
	if r := post(t, s.url, slow); r.status != 200 {
		t.Fatalf("slow body answered %d", r.status)
	}
	<-g.entered
	cut := <-s.events
	if cut.Seq != 1 || cut.Cut != CutTime || cut.Result != nil {
		t.Errorf("first event: seq %d cut %q result %v", cut.Seq, cut.Cut, cut.Result)
	}
	// The validator is still stuck: answers and events go on.
	for i := range 3 {
		if r := post(t, s.url, payloadtest.Read(t, "sinch/text")); r.status != 200 {
			t.Fatalf("answered %d", r.status)
		}
		if ev := <-s.events; ev.Seq != uint64(i+2) || ev.Cut != CutBusy || ev.Result != nil {
			t.Errorf("while stuck: seq %d cut %q result %v", ev.Seq, ev.Cut, ev.Result)
		}
	}
	g.release()
	waitFor(t, "the stuck validation to end", func() bool { return len(s.h.running) == 0 })
	post(t, s.url, payloadtest.Read(t, "sinch/text"))
	evs := s.collect(t)
	if len(evs) != 1 || evs[0].Cut != "" || evs[0].Result == nil || !evs[0].Result.Valid() {
		t.Fatalf("after: %+v", evs)
	}
	if st := s.h.Stats(); st.NotValidated != 4 || st.Valid != 1 || st.Webhooks != 5 || st.CutShort() != 4 {
		t.Errorf("stats %+v", st)
	}
}

// TestFindingsBudget keeps the first MaxFindings findings of a body and
// the full counts.
func TestFindingsBudget(t *testing.T) {
	s := start(t, Config{MaxFindings: 5}, 16)
	items := strings.Repeat(`{},`, 9) + `{}`
	post(t, s.url, []byte(`{"total":10,"data":[`+items+`]}`))
	post(t, s.url, payloadtest.Read(t, "sinch/text"))
	evs := s.collect(t)
	r := evs[0].Result
	if evs[0].Cut != CutFindings || r == nil || len(r.Findings) != 5 || r.Errors <= 5 {
		t.Fatalf("cut %q result %+v", evs[0].Cut, r)
	}
	if evs[1].Cut != "" {
		t.Errorf("a valid body was cut: %q", evs[1].Cut)
	}
	if st := s.h.Stats(); st.FindingsCut != 1 || st.Invalid != 1 || st.NotValidated != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestBacklogBudget: while a validation goes on (within its budget),
// bodies wait for the validator within their memory budget; past it a
// webhook is answered and saved but not validated, and said so.
func TestBacklogBudget(t *testing.T) {
	g := newGate()
	defer g.release()
	dir := t.TempDir()
	body := func(note string) []byte {
		return []byte(`{"total":1,"data":[{"note":"` + note + strings.Repeat(" ", 600) + `"}]}`)
	}
	s := start(t, Config{Validators: 1, MaxBody: 1 << 10, MaxBuffered: 2 << 10, SaveDir: dir, validate: g.validate,
		ValidateBudget: time.Hour}, 16)
	post(t, s.url, body("slow")) // held by the stuck validator
	<-g.entered
	for _, n := range []string{"a", "b", "c"} {
		if r := post(t, s.url, body(n)); r.status != 200 {
			t.Errorf("%s answered %d", n, r.status)
		}
	}
	// A body is queued just after its answer: wait for the last one before
	// letting the stuck validation end (which frees its memory).
	waitFor(t, "three bodies queued", func() bool { return len(s.h.jobs) == 3 })
	g.release()
	evs := s.collect(t)
	if len(evs) != 4 {
		t.Fatalf("%d events", len(evs))
	}
	if evs[3].Cut != CutBusy || evs[3].Result != nil || evs[3].Body != nil || evs[3].SavedAs == "" {
		t.Errorf("over the budget: cut %q result %v saved %q", evs[3].Cut, evs[3].Result, evs[3].SavedAs)
	}
	for _, ev := range evs[:3] {
		if ev.Cut != "" || ev.Result == nil {
			t.Errorf("event %d: cut %q", ev.Seq, ev.Cut)
		}
	}
	if st := s.h.Stats(); st.NotValidated != 1 || st.Saved != 4 {
		t.Errorf("stats %+v", st)
	}
}

// TestStalledReader: a reader that never reads holds neither the answers
// nor the shutdown: 300 webhooks (more than the queue holds) are answered
// and saved, Shutdown gives up at its deadline, and every event is counted
// as dropped.
func TestStalledReader(t *testing.T) {
	dir := t.TempDir()
	s := start(t, Config{SaveDir: dir}, 0)
	body := payloadtest.Read(t, "cloud/text")
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for range 30 {
				if r, err := tryDo("POST", s.url, body, nil); err != nil || r.status != 200 {
					t.Errorf("%d %v", r.status, err)
					return
				}
			}
		})
	}
	wg.Wait()
	begin := time.Now()
	s.stopWithin(100 * time.Millisecond)
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("shutdown took %v with a deadline of 100ms", d)
	}
	st := s.h.Stats()
	if st.Requests != 300 || st.Saved != 300 || st.Dropped != 300 {
		t.Errorf("stats: %d requests, %d saved, %d dropped", st.Requests, st.Saved, st.Dropped)
	}
	if n := st.Valid + st.Invalid + st.Unusable + st.NotJSON + st.NotValidated; n != st.Webhooks {
		t.Errorf("%d verdicts (or none) for %d webhooks: %+v", n, st.Webhooks, st)
	}
	if used := s.h.backlog.used.Load(); used > 0 {
		// Only a job stuck in a validation may still hold memory; here
		// validations end.
		waitFor(t, "the backlog given back", func() bool { return s.h.backlog.used.Load() == 0 })
	}
}

// latencies collects what senders measured.
type latencies struct {
	mu   sync.Mutex
	took []time.Duration
}

// post sends body and records how long the answer took.
func (l *latencies) post(t *testing.T, u string, body []byte) {
	r, err := tryDo("POST", u, body, nil)
	if err != nil || r.status != 200 {
		t.Errorf("status %d, %v", r.status, err)
		return
	}
	l.mu.Lock()
	l.took = append(l.took, r.took)
	l.mu.Unlock()
}

func (l *latencies) n() int { return len(l.took) }

// pct returns the p-quantile (0..1) of the latencies.
func (l *latencies) pct(p float64) time.Duration {
	sort.Slice(l.took, func(i, j int) bool { return l.took[i] < l.took[j] })
	return l.took[int(p*float64(len(l.took)-1))]
}

// hostileBatch is a Sinch batch of n empty items: every item has every
// required field missing, the shape that made validation quadratic.
func hostileBatch(n int) []byte {
	return []byte(`{"total":` + fmt.Sprint(n) + `,"data":[` + strings.Repeat(`{},`, n-1) + `{}]}`)
}

// TestAckLatencyUnderHostileBodies sends bodies built to be costly to
// validate (4 senders, 10 a second each, without keep-alive), while a
// normal sender posts 40 webhooks a second: wamo's own p99 on the normal
// webhooks stays under the 200 ms deadline (some 20 ms on a 2-core machine
// shared with other work; the listener that validated each body on its own
// goroutine measured 550 ms, max 2.6 s). Under the race detector, which
// slows CPU-bound work several-fold, the bound is 1 s. Validation happens
// after the answer, on half the CPUs, within a time budget. The senders'
// p99 is logged, not asserted: in-process senders share the CPU.
func TestAckLatencyUnderHostileBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	bound := 200 * time.Millisecond
	if raceEnabled {
		bound = time.Second
	}
	s := start(t, Config{ValidateBudget: 100 * time.Millisecond}, 4096)
	hostile := hostileBatch(20000)
	normal := payloadtest.Read(t, "sinch/text")
	stop := make(chan struct{})
	var hwg sync.WaitGroup
	hostileClient := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var hostileSent, hostileFailed int
	var hmu sync.Mutex
	for range 4 {
		hwg.Go(func() {
			pace := time.NewTicker(100 * time.Millisecond)
			defer pace.Stop()
			for {
				select {
				case <-stop:
					return
				case <-pace.C:
				}
				resp, err := hostileClient.Post(s.url, "application/json", bytes.NewReader(hostile))
				hmu.Lock()
				if err != nil || resp.StatusCode != 200 {
					hostileFailed++
				} else {
					hostileSent++
				}
				hmu.Unlock()
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		})
	}
	var took latencies
	var wg sync.WaitGroup
	tick := time.NewTicker(25 * time.Millisecond)
	for range 120 {
		<-tick.C
		wg.Go(func() { took.post(t, s.url, normal) })
	}
	tick.Stop()
	wg.Wait()
	close(stop)
	hwg.Wait()
	var acks latencies // wamo's own, for the normal webhooks
	for _, ev := range s.collect(t) {
		if ev.Bytes == int64(len(normal)) {
			acks.took = append(acks.took, ev.Ack)
		}
	}
	st := s.h.Stats()
	t.Logf("%d hostile bodies (%d KB each), %d normal: wamo ack p50 %v p99 %v max %v (all requests: p99 %v); normal sender p50 %v p99 %v; %d cut short",
		hostileSent, len(hostile)>>10, took.n(), acks.pct(.5), acks.pct(.99), acks.pct(1), st.Ack.P99, took.pct(.5), took.pct(.99), st.CutShort())
	if hostileSent == 0 || hostileFailed > 0 {
		t.Errorf("hostile bodies: %d answered 200, %d not", hostileSent, hostileFailed)
	}
	if acks.n() != took.n() {
		t.Fatalf("%d events for %d normal webhooks", acks.n(), took.n())
	}
	if p99 := acks.pct(.99); p99 > bound {
		t.Errorf("wamo's p99 %v is over %v", p99, bound)
	}
}

// TestValidatorsCap: however many bodies are slow to validate, no more
// than Config.Validators validations run at once; the others are answered
// and reported without a verdict.
func TestValidatorsCap(t *testing.T) {
	g := newGate()
	defer g.release()
	s := start(t, Config{Validators: 2, ValidateBudget: 10 * time.Millisecond, validate: g.validate}, 16)
	slow := []byte(`{"total":1,"data":[{"note":"slow"}]}`)
	for range 6 {
		if r := post(t, s.url, slow); r.status != 200 {
			t.Fatalf("answered %d", r.status)
		}
		<-s.events
	}
	if n := len(g.entered); n != 2 {
		t.Errorf("%d validations running at once, want 2", n)
	}
	g.release()
	evs := s.collect(t)
	if st := s.h.Stats(); st.NotValidated != 6 || len(evs) != 0 {
		t.Errorf("stats %+v, %d more events", st, len(evs))
	}
}

// TestForwardHopByHop: headers that concern one connection — the
// hop-by-hop ones and those named in Connection — are not passed on,
// either way.
func TestForwardHopByHop(t *testing.T) {
	var got http.Header
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("Connection", "X-App-Hop")
		w.Header().Set("X-App-Hop", "1")
		w.Header().Set("X-App-End", "1")
		w.Header().Set("Keep-Alive", "timeout=5")
		io.WriteString(w, "ok")
	}))
	defer app.Close()
	target, _ := url.Parse(app.URL)
	s := start(t, Config{ForwardTo: target}, 8)
	r := do(t, "POST", s.url, payloadtest.Read(t, "cloud/text"), map[string]string{
		"Connection": "X-Sender-Hop", "X-Sender-Hop": "1", "X-Sender-End": "1",
		"Proxy-Authorization": "Basic c2VjcmV0", "Te": "trailers", "X-Hub-Signature-256": "sha256=00",
	})
	if r.status != 200 || r.body != "ok" {
		t.Fatalf("%d %q", r.status, r.body)
	}
	for _, h := range []string{"X-Sender-Hop", "Proxy-Authorization", "Te"} {
		if got.Get(h) != "" {
			t.Errorf("the app got %s: %q", h, got.Get(h))
		}
	}
	for _, h := range []string{"X-Sender-End", "X-Hub-Signature-256"} {
		if got.Get(h) == "" {
			t.Errorf("the app did not get %s", h)
		}
	}
	if r.header.Get("X-App-Hop") != "" || r.header.Get("Keep-Alive") != "" || r.header.Get("X-App-End") != "1" {
		t.Errorf("the sender got %v", r.header)
	}
}

// TestForwardAnswerTooLarge: an answer over MaxForwardAnswer is a 502 and
// an error, never a truncated 200; one of exactly the limit passes.
func TestForwardAnswerTooLarge(t *testing.T) {
	const limit = 64 << 10
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := limit + 1
		if r.URL.Query().Get("fits") != "" {
			n = limit
		}
		w.Write(bytes.Repeat([]byte("x"), n))
	}))
	defer app.Close()
	fits, _ := url.Parse(app.URL + "?fits=1")
	ok := start(t, Config{ForwardTo: fits, MaxForwardAnswer: limit}, 8)
	if r := post(t, ok.url, payloadtest.Read(t, "cloud/text")); r.status != 200 || len(r.body) != limit {
		t.Errorf("an answer of exactly the limit: %d, %d bytes", r.status, len(r.body))
	}
	target, _ := url.Parse(app.URL)
	s := start(t, Config{ForwardTo: target, MaxForwardAnswer: limit}, 8)
	r := post(t, s.url, payloadtest.Read(t, "cloud/text"))
	if r.status != 502 || len(r.body) > 1000 {
		t.Errorf("sender got %d and %d bytes", r.status, len(r.body))
	}
	evs := s.collect(t)
	if f := evs[0].Forward; f == nil || f.Err != ErrAnswerTooLarge || f.Status != 200 {
		t.Errorf("forward %+v", f)
	}
}

// TestForwardNeverShowsTheApp: what the sender reads when the app fails
// never names the app's address.
func TestForwardNeverShowsTheApp(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := ln.Addr().String()
	ln.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(500 * time.Millisecond)
	}))
	defer slow.Close()
	for _, app := range []string{"http://user:pw@" + down + "/internal/hook?token=abc", slow.URL + "/internal/hook?token=abc"} {
		target, _ := url.Parse(app)
		s := start(t, Config{ForwardTo: target, ForwardTimeout: 100 * time.Millisecond}, 8)
		r := post(t, s.url, payloadtest.Read(t, "cloud/text"))
		if r.status != 502 && r.status != 504 {
			t.Errorf("%s: %d", app, r.status)
		}
		for _, leak := range []string{target.Host, "internal", "abc", "pw", "127.0.0.1"} {
			if strings.Contains(r.body, leak) {
				t.Errorf("the sender was told %q: %q", leak, r.body)
			}
		}
		evs := s.collect(t)
		if f := evs[0].Forward; f == nil || !strings.Contains(f.URL, "/internal/hook?token=xxxxx") || strings.Contains(f.Err.Error(), "abc") {
			t.Errorf("event: %+v", f)
		}
	}
}

// TestServeLimits: headers over MaxHeaderBytes are refused, and past
// MaxConns a connection waits until another closes.
func TestServeLimits(t *testing.T) {
	h, err := NewHandler(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, ServeConfig{MaxConns: 2, MaxHeaderBytes: 4 << 10}) }()
	defer func() {
		cancel()
		<-done
		h.Close()
	}()
	u := "http://" + ln.Addr().String() + "/"

	// Headers over the limit: 431 (read on a raw connection, which the
	// server closes without reading the rest).
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	go fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: wamo\r\nX-Big: %s\r\nContent-Length: 2\r\n\r\n{}", strings.Repeat("a", 16<<10))
	if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || resp.StatusCode != 431 {
		t.Errorf("16 KiB of headers over a 4 KiB limit: %v %v", resp, err)
	}
	c.Close()
	// Two idle connections take both places; a third request waits.
	idle := []net.Conn{}
	for range 2 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	answered := make(chan int, 1)
	go func() {
		resp, err := fresh.Post(u, "application/json", strings.NewReader(`{}`))
		if err != nil {
			answered <- -1
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	select {
	case code := <-answered:
		t.Fatalf("answered %d with both connections taken", code)
	case <-time.After(300 * time.Millisecond):
	}
	idle[0].Close()
	if code := <-answered; code != 200 {
		t.Errorf("after a connection closed: %d", code)
	}
	idle[1].Close()
}
