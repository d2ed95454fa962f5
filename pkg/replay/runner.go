package replay

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/secret"
	"github.com/wamo-dev/wamo/pkg/signature"
)

// prepared is a target ready to send: converted, with its headers built
// once and shared read-only by every request that sends it.
type prepared struct {
	name    string
	body    []byte
	header  http.Header
	getBody func() (io.ReadCloser, error)
	fresh   *freshPlan     // nil: sent as is
	format  payload.Format // after Transform
	// signer signs every send (fresh bodies, timed schemes); nil when
	// the request is unsigned or header already holds its signature.
	signer *signature.Signer
}

type runner struct {
	cfg       Config
	targets   []prepared
	client    *http.Client
	closeIdle func()
	tmpl      *http.Request // method, URL and Host; copied per attempt
	now       func() time.Time
	// total is the number of sends; 0 means "until Duration is over".
	total int
	// cloneHeader is set when the client writes into request headers (a
	// cookie jar): then each request gets its own copy.
	cloneHeader bool
	// direct, when set, sends requests instead of the client.
	direct  http.RoundTripper
	results chan<- Result
	bufPool sync.Pool
}

func newRunner(cfg Config, targets []Target) (*runner, error) {
	cfg, u, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, &ConfigError{Msg: "nothing to send"}
	}
	r := &runner{cfg: cfg, now: cfg.Now}
	r.tmpl, err = http.NewRequest(cfg.Method, u.String(), nil)
	if err != nil {
		return nil, &ConfigError{Msg: err.Error()}
	}
	hdr := cfg.Header.Clone()
	if hdr == nil {
		hdr = http.Header{}
	}
	if hdr.Get("Content-Type") == "" {
		hdr.Set("Content-Type", "application/json")
	}
	if h := hdr.Get("Host"); h != "" {
		r.tmpl.Host = h
		hdr.Del("Host")
	}
	r.tmpl.Header = hdr

	if r.targets, err = prepareTargets(cfg, hdr, targets); err != nil {
		return nil, err
	}

	switch {
	case cfg.Repeat > 0:
		r.total = cfg.Repeat * len(targets)
	case cfg.Duration > 0:
		r.total = 0
	default:
		r.total = len(targets)
	}
	r.client, r.closeIdle = prepareClient(cfg)
	r.cloneHeader = r.client.Jar != nil
	if !cfg.FollowRedirects && r.client.Jar == nil && r.client.Timeout == 0 && r.client.Transport != nil {
		// Without redirects to follow, cookies or a client timeout,
		// http.Client.Do adds nothing but per-request copies of the
		// headers and URL: go straight to the transport.
		r.direct = r.client.Transport
	}
	r.bufPool.New = func() any { b := make([]byte, 32<<10); return &b }
	return r, nil
}

// prepareTargets converts, encodes and (for an untimed scheme on bodies
// that do not change per send) signs every target once, as it will be
// sent: the runner and the exporters share it, so that an exported body
// is byte for byte what replay sends.
func prepareTargets(cfg Config, hdr http.Header, targets []Target) ([]prepared, error) {
	out := make([]prepared, len(targets))
	for i, t := range targets {
		body, format := t.Body, t.Format
		if cfg.Transform != nil {
			b, err := cfg.Transform(body)
			if err != nil {
				return nil, &TargetError{Target: t.Name, Err: err}
			}
			body = b
			format = payload.Detect(body).Format
		}
		if format == payload.Cloud && !cfg.RawBytes {
			// As Meta puts it on the wire, and signs it.
			body = signature.MetaEscape(body)
		}
		p := prepared{name: t.Name, body: body, header: hdr, format: format}
		if cfg.Fresh {
			if plan := planFresh(body); len(plan.edits) > 0 {
				p.fresh = &plan
			}
		}
		if cfg.Sign != nil {
			if s := cfg.Sign(format); s != nil {
				if p.fresh == nil && !s.Scheme.Timed() {
					p.header = hdr.Clone()
					s.Sign(p.header, body, cfg.Now())
				} else {
					p.signer = s
				}
			}
		}
		p.getBody = bodyFunc(body)
		out[i] = p
	}
	return out, nil
}

func (r *runner) close() { r.closeIdle() }

func (r *runner) run(ctx context.Context, results chan<- Result) {
	r.results = results
	start := r.now()
	var end time.Time
	stop := make(chan struct{})
	if r.cfg.Duration > 0 {
		end = start.Add(r.cfg.Duration)
		// The injected clock decides when Duration is over; a real timer
		// a little later is the safety net should that clock not advance
		// (a test's fixed clock): a run never outlives its duration by much.
		grace := max(r.cfg.Duration/10, time.Second)
		t := time.AfterFunc(r.cfg.Duration+grace, func() { close(stop) })
		defer t.Stop()
	}
	if r.cfg.Rate > 0 {
		r.runOpen(ctx, start, end, stop)
	} else {
		r.runClosed(ctx, end, stop)
	}
}

// over reports whether the run's duration is over.
func (r *runner) over(end time.Time, stop <-chan struct{}) bool {
	if end.IsZero() {
		return false
	}
	select {
	case <-stop:
		return true
	default:
	}
	return !r.now().Before(end)
}

// runClosed is the closed model: Concurrency workers, each sending the
// next payload as soon as the previous one is answered.
func (r *runner) runClosed(ctx context.Context, end time.Time, stop <-chan struct{}) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range r.cfg.Concurrency {
		wg.Go(func() {
			w := r.newWorker(ctx)
			defer w.release()
			for ctx.Err() == nil {
				if r.over(end, stop) {
					return
				}
				seq := int(next.Add(1) - 1)
				if r.total > 0 && seq >= r.total {
					return
				}
				w.send(w.ctx, job{seq: seq})
			}
		})
	}
	wg.Wait()
}

// job is one send handed to a worker. origin is the time latency counts
// from when the send had to wait for a worker; zero means "from the moment
// the worker starts it".
type job struct {
	seq    int
	origin time.Time
}

// runOpen is the open model: sends are released at Rate per second from
// start whatever the receiver does. The pacer hands each send to an idle
// worker, starts a new worker when none is idle (up to MaxWorkers), and
// only then waits for one.
//
// Latency origin: while the pacer keeps up, a send's latency counts from
// the moment a worker starts it — the pacer's own lateness (OS timer
// granularity, about 1 ms here) does not depend on the receiver, so it
// cannot hide the receiver's queueing, and counting it would make every
// figure the tool's rather than the receiver's. Once the pacer had to wait
// for a busy worker, it is behind because of the receiver: until it catches
// up, sends count from their scheduled slot (coordinated-omission-free,
// like wrk2).
func (r *runner) runOpen(ctx context.Context, start, end time.Time, stop <-chan struct{}) {
	p := &pacer{r: r, ctx: ctx, stop: stop, ticks: make(chan job), timer: time.NewTimer(time.Hour)}
	defer p.timer.Stop()
	for range r.cfg.Concurrency {
		p.spawn(nil)
	}
	perTick := float64(time.Second) / r.cfg.Rate
	for i := 0; r.total == 0 || i < r.total; i++ {
		ideal := start.Add(time.Duration(float64(i) * perTick))
		if !end.IsZero() && !ideal.Before(end) {
			break
		}
		if !p.waitFor(ideal) || !p.dispatch(job{seq: i}, ideal) {
			break
		}
	}
	close(p.ticks)
	p.wg.Wait()
}

// pacer hands the sends of the open model to workers at their slots.
type pacer struct {
	r       *runner
	ctx     context.Context
	stop    <-chan struct{}
	ticks   chan job // to idle workers
	wg      sync.WaitGroup
	workers int
	timer   *time.Timer
	behind  bool // a send had to wait for a busy worker since the last on-time slot
}

// spawn starts a worker, which sends first (when not nil) and then what
// the pacer hands it.
func (p *pacer) spawn(first *job) {
	p.workers++
	p.wg.Go(func() {
		w := p.r.newWorker(p.ctx)
		defer w.release()
		if first != nil {
			w.send(w.ctx, *first)
		}
		for j := range p.ticks {
			w.send(w.ctx, j)
		}
	})
}

// waitFor sleeps until the slot ideal, if it is still to come; false when
// the run is to stop.
func (p *pacer) waitFor(ideal time.Time) bool {
	select {
	case <-p.stop: // the clock does not advance: the safety net
		return false
	default:
	}
	d := ideal.Sub(p.r.now())
	if d <= 0 {
		return p.ctx.Err() == nil
	}
	p.timer.Reset(d)
	select {
	case <-p.timer.C:
	case <-p.ctx.Done():
		return false
	case <-p.stop:
		return false
	}
	p.behind = false
	return true
}

// dispatch hands j to an idle worker, else to a new one while MaxWorkers
// allows, else waits for a worker — and from then on the sends count from
// their slot until one is on time again. False when the run is to stop.
func (p *pacer) dispatch(j job, ideal time.Time) bool {
	if p.behind {
		j.origin = ideal
	}
	select {
	case p.ticks <- j:
		return true
	default:
	}
	if p.workers < p.r.cfg.MaxWorkers {
		p.spawn(&j)
		return true
	}
	j.origin, p.behind = ideal, true
	select {
	case p.ticks <- j:
		return true
	case <-p.ctx.Done():
		return false
	case <-p.stop:
		return false
	}
}

// worker sends one attempt at a time; its read buffer is reused. Its
// context is a child of the run's: each attempt's timeout context then
// registers with the worker's, not with one context shared by every
// worker, whose lock they would all contend for.
type worker struct {
	r      *runner
	buf    *[]byte
	tr     *tracer
	ctx    context.Context // the run's, plus the tracer
	cancel context.CancelFunc
}

func (r *runner) newWorker(ctx context.Context) *worker {
	w := &worker{r: r, buf: r.bufPool.Get().(*[]byte), tr: newTracer(r.now)}
	ctx, w.cancel = context.WithCancel(ctx)
	w.ctx = httptrace.WithClientTrace(ctx, &w.tr.ct)
	return w
}

func (w *worker) release() {
	w.cancel()
	w.r.bufPool.Put(w.buf)
}

// send delivers one payload: the first attempt, then retries while the
// attempts are not ok and retries remain.
func (w *worker) send(ctx context.Context, j job) {
	r := w.r
	ti := j.seq % len(r.targets)
	t := &r.targets[ti]
	body, hdr, getBody := t.body, t.header, t.getBody
	if t.fresh != nil {
		body = t.fresh.apply(body, r.now())
		getBody = bodyFunc(body)
	}
	if t.signer != nil {
		hdr = hdr.Clone()
		t.signer.Sign(hdr, body, r.now())
	}
	origin := j.origin
	for attempt := 1; ; attempt++ {
		res := w.attempt(ctx, t, ti, j.seq, attempt, body, hdr, getBody, origin)
		res.Final = res.Outcome == OK || res.Outcome == Canceled || attempt > r.cfg.Retries || ctx.Err() != nil
		r.results <- res
		if res.Final {
			return
		}
		if !sleep(ctx, r.cfg.RetryDelay) {
			return
		}
		origin = time.Time{}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// newReqBody makes a request body over shared bytes. A new one is made per
// attempt: the transport may still read it after the response came back.
// The type matters: net/http recognises io.NopCloser over a *bytes.Reader
// as in memory and writes headers and body in one syscall, where any other
// body costs a second write per request.
func newReqBody(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

// bodyFunc is the request's GetBody, which lets the transport re-send a
// request whose keep-alive connection turned out to be closed.
func bodyFunc(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return newReqBody(b), nil }
}

// errTooManyRedirects stops a redirect chain under FollowRedirects.
var errTooManyRedirects = errors.New("stopped after 10 redirects")

func (w *worker) attempt(ctx context.Context, t *prepared, ti, seq, attempt int, body []byte, hdr http.Header, getBody func() (io.ReadCloser, error), origin time.Time) Result {
	r := w.r
	res := Result{Target: t.name, TargetIndex: ti, Seq: seq, Attempt: attempt, BytesSent: int64(len(body))}
	// The clock starts before the timeout's: an attempt cut short by it
	// is never measured shorter than the timeout.
	start := r.now()
	actx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	req := r.request(actx, body, hdr, getBody)

	st := w.tr.begin(start)
	defer w.tr.end()
	if origin.IsZero() || origin.After(start) {
		origin = start
	}
	res.Scheduled, res.Start = origin, start
	inBody, err := w.exchange(req, &res)
	res.Total = r.now().Sub(origin)
	st.fill(&res)
	if err == nil {
		res.Outcome = answered(res.Status, res.Total, r.cfg.Deadline)
		return res
	}
	res.Err = errText(err)
	res.Outcome, res.Cause = failed(ctx, actx, err, &res, inBody)
	return res
}

// request is the request of one attempt, from the runner's template.
func (r *runner) request(ctx context.Context, body []byte, hdr http.Header, getBody func() (io.ReadCloser, error)) *http.Request {
	req := r.tmpl.WithContext(ctx)
	if r.cloneHeader {
		hdr = hdr.Clone()
	}
	req.Header = hdr
	req.Body = newReqBody(body)
	req.GetBody = getBody
	req.ContentLength = int64(len(body))
	return req
}

// exchange sends req and reads the answer into res; inBody reports that
// the answer had begun (an error then happened reading its body).
func (w *worker) exchange(req *http.Request, res *Result) (inBody bool, err error) {
	r := w.r
	var resp *http.Response
	if r.direct != nil {
		resp, err = r.direct.RoundTrip(req)
	} else {
		resp, err = r.client.Do(req)
	}
	if err != nil {
		return false, err
	}
	res.Status = resp.StatusCode
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		res.Redirect = secret.RedactURLString(resp.Header.Get("Location"))
	}
	res.Bytes, err = w.drain(resp.Body)
	resp.Body.Close()
	return true, err
}

// answered classifies a complete answer.
func answered(status int, total, deadline time.Duration) Outcome {
	switch {
	case status < 200 || status >= 300:
		return HTTPError
	case total <= deadline:
		return OK
	}
	return Slow
}

// failed classifies an attempt that ended with err: interrupted (ctx, the
// run's), stopped redirecting, timed out (actx, the attempt's) or a
// network failure, with its cause.
func failed(ctx, actx context.Context, err error, res *Result, inBody bool) (Outcome, string) {
	switch {
	case ctx.Err() != nil:
		return Canceled, "interrupted"
	case errors.Is(err, errTooManyRedirects):
		return HTTPError, "too many redirects"
	case actx.Err() != nil || isTimeout(err):
		return Timeout, timeoutCause(res, inBody)
	}
	return NetworkError, networkCause(err, inBody)
}

// drain reads a response body to its end (so that the connection can be
// reused), up to MaxBody bytes; a longer body is abandoned.
func (w *worker) drain(body io.Reader) (int64, error) {
	buf := *w.buf
	var n int64
	for {
		m, err := body.Read(buf)
		n += int64(m)
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if n >= w.r.cfg.MaxBody {
			return n, nil
		}
	}
}
