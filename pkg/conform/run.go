package conform

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/wamo-dev/wamo/pkg/replay"
)

// Defaults of Options.
const (
	DefaultDeadline = replay.DefaultDeadline
	DefaultTimeout  = 10 * time.Second
	DefaultRate     = 50
	DefaultDuration = 5 * time.Second
	// MaxPoints bounds the answers kept for the latency-over-time chart;
	// beyond it every other point is dropped, as often as needed.
	MaxPoints = 4096
)

// Options configure a run.
type Options struct {
	// URL is the receiver's absolute http(s) URL.
	URL string
	// Deadline is the provider's acknowledgement deadline; Timeout bounds
	// each request.
	Deadline, Timeout time.Duration
	// Secret, when set, signs every request as the provider does (and
	// enables auth.signed). SecretEnv names where it came from, for skip
	// reasons.
	Secret    []byte
	SecretEnv string
	// VerifyToken, when set, enables the handshake cases; VerifyTokenEnv
	// names where it came from.
	VerifyToken    string
	VerifyTokenEnv string
	// Rate and Duration shape the load case (defaults 50/s for 5s).
	Rate     float64
	Duration time.Duration
	// Strict turns failed recommended cases into failures.
	Strict bool
	// Header is added to every request (a User-Agent, say).
	Header http.Header
	// Client's transport sends the requests (nil: a new keep-alive
	// transport). Connections are kept alive between cases, as a provider
	// keeps them.
	Client *http.Client
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// runner runs the cases of one catalogue.
type runner struct {
	cat       *Catalogue
	opts      Options
	header    http.Header
	transport http.RoundTripper
	now       func() time.Time
	started   time.Time

	mu        sync.Mutex // guards what follows (bursts send from several goroutines)
	connected bool       // some request of the run reached the receiver
	timeline  Timeline
	sum       *replay.Summary
}

// Run runs cases (from cat) against opts.URL one after the other, calling
// onResult (if not nil) as each completes, and returns the report. When
// ctx is cancelled the case under way is abandoned and the report is
// marked Interrupted; when the first case cannot connect at all the run
// stops and the report is marked Unreachable. Run returns an error only
// for unusable options.
func Run(ctx context.Context, cat *Catalogue, cases []*Case, opts Options, onResult func(*Result)) (*Report, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if _, err := replay.ParseURL(opts.URL); err != nil {
		return nil, err
	}
	positive(&opts.Deadline, DefaultDeadline)
	positive(&opts.Timeout, DefaultTimeout)
	positive(&opts.Rate, DefaultRate)
	positive(&opts.Duration, DefaultDuration)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &runner{cat: cat, opts: opts, now: opts.Now}
	r.header = opts.Header.Clone()
	if r.header == nil {
		r.header = http.Header{}
	}
	r.transport = newTransport(opts.Client)
	if tr, ok := r.transport.(*http.Transport); ok {
		defer tr.CloseIdleConnections()
	}
	r.started = r.now()
	r.sum = replay.NewSummary(replay.Config{URL: opts.URL, Deadline: opts.Deadline, Timeout: opts.Timeout},
		[]replay.Target{{Name: "all"}}, r.started)

	rep := &Report{Profile: cat.Profile, URL: opts.URL, Deadline: opts.Deadline, Strict: opts.Strict,
		Signed: opts.Secret != nil && cat.Profile.Signer != nil, Handshake: opts.VerifyToken != "" && cat.Profile.Handshake != nil,
		Started: r.started}
	for i, cs := range cases {
		res, stop := r.runOne(ctx, cs, rep)
		if stop {
			rep.NotRun = append(rep.NotRun, cases[i:]...)
			break
		}
		rep.Results = append(rep.Results, res)
		if onResult != nil {
			onResult(&rep.Results[len(rep.Results)-1])
		}
	}
	end := r.now()
	rep.Elapsed = end.Sub(r.started)
	r.sum.Finish(end, rep.Interrupted)
	rep.Latency = r.sum.Latency
	rep.Histogram = r.sum.Histogram()
	rep.Points = r.timeline.Points()
	rep.Areas = countAreas(rep.Results)
	return rep, nil
}

// runOne runs a case unless the run is over; stop says the run ends here,
// the report saying why: interrupted (before the case, or during it, when
// what it measured is not the receiver's doing), or unreachable.
func (r *runner) runOne(ctx context.Context, cs *Case, rep *Report) (res Result, stop bool) {
	if ctx.Err() != nil {
		rep.Interrupted = true
		return res, true
	}
	res = r.runCase(ctx, cs)
	if ctx.Err() != nil && res.Verdict != Skip {
		rep.Interrupted = true
		return res, true
	}
	if cause, ok := r.unreachable(&res); ok {
		rep.Unreachable, rep.UnreachableCause = true, cause
		return res, true
	}
	return res, false
}

// positive sets *v to def unless it is positive.
func positive[T int64 | float64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// newTransport returns the transport of the run: the client's, or a new
// keep-alive one.
func newTransport(c *http.Client) http.RoundTripper {
	if c != nil && c.Transport != nil {
		return c.Transport
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = burstCopies * 2
	tr.DisableCompression = true
	return tr
}

// unreachable reports whether nothing of the run has reached the receiver
// and this case could not connect either, with the cause.
func (r *runner) unreachable(res *Result) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.connected || len(res.Exchanges) == 0 {
		return "", false
	}
	ex := &res.Exchanges[0]
	if ex.Connected || (ex.Outcome != replay.NetworkError && ex.Outcome != replay.Timeout) {
		return "", false
	}
	return ex.Cause, true
}

func countAreas(results []Result) []AreaCount {
	var out []AreaCount
	for _, a := range Areas {
		ac := AreaCount{Area: a}
		n := 0
		for i := range results {
			r := &results[i]
			if r.Case.Area != a {
				continue
			}
			n++
			switch r.Verdict {
			case Pass:
				ac.Pass++
			case Fail:
				ac.Fail++
			case Warn:
				ac.Warn++
			case Skip:
				ac.Skip++
			}
		}
		if n > 0 {
			out = append(out, ac)
		}
	}
	return out
}

// challenge returns a fresh random handshake challenge.
func (r *runner) challenge() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "wamo-" + hex.EncodeToString(b[:])
}

// count adds an answer to the run's latency statistics.
func (r *runner) count(res *replay.Result) {
	if res.Outcome == replay.Canceled {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if res.Connected || res.Status != 0 {
		r.connected = true
	}
	res.TargetIndex = 0
	r.sum.Add(res)
}

// plot puts an answer on the latency-over-time chart; ok says whether it
// met its case's expectation (a 403 is right for an unsigned request).
func (r *runner) plot(at, latency time.Duration, status int, outcome replay.Outcome, ok bool, caseID string) {
	if outcome == replay.Canceled || (status == 0 && outcome != replay.Timeout) {
		return // no latency to speak of
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.timeline.Add(Point{At: at, Latency: latency, OK: ok, Case: caseID})
}

// Timeline keeps the points of a latency-over-time chart in bounded
// memory: up to MaxPoints, then every other one, as often as needed, so
// that a long run keeps an even sample of its whole length. The zero value
// is ready to use; it is not safe for concurrent use.
type Timeline struct {
	points    []Point
	stride, n int
}

// Add offers a point to the timeline.
func (t *Timeline) Add(p Point) {
	t.stride = max(t.stride, 1)
	t.n++
	if t.n%t.stride != 0 {
		return
	}
	t.points = append(t.points, p)
	if len(t.points) >= MaxPoints {
		kept := t.points[:0]
		for i := 0; i < len(t.points); i += 2 {
			kept = append(kept, t.points[i])
		}
		t.points = kept
		t.stride *= 2
	}
}

// Points returns the points kept, in the order they were added.
func (t *Timeline) Points() []Point { return t.points }

// caseRun is the state of one case under way.
type caseRun struct {
	r   *runner
	ctx context.Context
	res *Result
	cs  *Case

	mu       sync.Mutex
	skipped  string
	problems []string
}

func (r *runner) runCase(ctx context.Context, cs *Case) Result {
	start := r.now()
	res := Result{Case: cs, Start: start.Sub(r.started)}
	c := &caseRun{r: r, ctx: ctx, res: &res, cs: cs}
	cs.run(c)
	res.Elapsed = r.now().Sub(start)
	direct := len(c.problems) > 0 || res.Load != nil // the case judged itself (load)
	for i := range res.Exchanges {
		ex := &res.Exchanges[i]
		if res.Load == nil {
			res.Latency = max(res.Latency, ex.Latency)
			r.plot(ex.Start, ex.Latency, ex.Status, ex.Outcome, ex.Problem == "", cs.ID)
		}
		if ex.Problem != "" && !direct {
			reason := ex.Problem
			if len(res.Exchanges) > 1 {
				reason = ex.Label + ": " + reason
			}
			c.problems = append(c.problems, reason)
		}
	}
	switch {
	case c.skipped != "":
		res.Verdict, res.Reason = Skip, c.skipped
	case len(c.problems) > 0:
		res.Verdict, res.Reason = Fail, c.problems[0]
		if n := len(c.problems); n > 1 && !direct {
			res.Reason += " (and " + strconv.Itoa(n-1) + " more)"
		}
		if cs.Level == Recommended && !r.opts.Strict {
			res.Verdict = Warn
		}
	default:
		res.Verdict = Pass
	}
	return res
}

func (c *caseRun) now() time.Time { return c.r.now() }

// skip marks the case skipped with a reason.
func (c *caseRun) skip(reason string) { c.skipped = reason }

// broken fails the case because its payload could not be built (a bug of
// the catalogue, not of the receiver: it is reported as such).
func (c *caseRun) broken(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, "wamo could not build the case: "+err.Error())
}

// post sends one request and keeps the exchange as evidence.
func (c *caseRun) post(q request) *Exchange {
	ex, res := c.r.send(c.ctx, q)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.res.Exchanges = append(c.res.Exchanges, ex)
	p := &c.res.Exchanges[len(c.res.Exchanges)-1]
	c.r.count(&res)
	return p
}

// postAll sends the requests at once and returns their exchanges in order.
func (c *caseRun) postAll(qs []request) []*Exchange {
	exs := make([]Exchange, len(qs))
	ress := make([]replay.Result, len(qs))
	var wg sync.WaitGroup
	for i := range qs {
		wg.Go(func() { exs[i], ress[i] = c.r.send(c.ctx, qs[i]) })
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	base := len(c.res.Exchanges)
	c.res.Exchanges = append(c.res.Exchanges, exs...)
	out := make([]*Exchange, len(qs))
	for i := range qs {
		c.r.count(&ress[i])
		out[i] = &c.res.Exchanges[base+i]
	}
	return out
}

// ack checks that an exchange was answered 2xx within the deadline.
func (c *caseRun) ack(ex *Exchange) {
	switch ex.Outcome {
	case replay.OK:
	case replay.Slow:
		// The latency and the deadline are the exchange's and the
		// report's: reports place them beside the problem.
		ex.Problem = "answered " + strconv.Itoa(ex.Status) + " after the deadline"
	default:
		ex.Problem = notAnswered(ex, "2xx")
	}
}

// notAnswered says an exchange did not get the answer it should have:
// "answered 409, not 2xx", "no answer: connection reset".
func notAnswered(ex *Exchange, want string) string {
	if ex.Status == 0 {
		return "no answer: " + statusText(ex)
	}
	return "answered " + strconv.Itoa(ex.Status) + ", not " + want
}

// refused checks that an exchange was refused with a 4xx.
func (c *caseRun) refused(ex *Exchange) {
	if ex.Status < 400 || ex.Status > 499 {
		ex.Problem = notAnswered(ex, "4xx")
	}
}

// statusText is an exchange's status, or what happened instead:
// "409", "connection reset", "no answer in time".
func statusText(ex *Exchange) string {
	switch {
	case ex.Status != 0:
		return strconv.Itoa(ex.Status)
	case ex.Cause != "":
		return ex.Cause
	case ex.Outcome == replay.Timeout:
		return "no answer in time"
	}
	return "no answer"
}
