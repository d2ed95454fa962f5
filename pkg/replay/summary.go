package replay

import (
	"cmp"
	"sort"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/wamo-dev/wamo/pkg/secret"
)

// Counts holds a number per Outcome, indexed by it.
type Counts [numOutcomes]int

// Failed is the number of attempts the receiver did not get right: slow,
// http-error, network-error and timeout (not Canceled).
func (c *Counts) Failed() int {
	return c[Slow] + c[HTTPError] + c[NetworkError] + c[Timeout]
}

// Total is the number of attempts with an outcome of the receiver's (all
// but Canceled).
func (c *Counts) Total() int { return c[OK] + c.Failed() }

// Latency describes the distribution of attempt latencies.
type Latency struct {
	// Count is the number of attempts measured: those answered with an
	// HTTP status, and timeouts (at the time they were abandoned).
	// Connection failures have no latency to speak of and are left out.
	Count                              int
	Min, Mean, P50, P90, P95, P99, Max time.Duration
}

// Bucket is one bar of the latency histogram: attempts with From < latency
// ≤ To (the first bucket starts at 0 inclusive).
type Bucket struct {
	From, To time.Duration
	Count    int
	// OverDeadline is set on buckets above the deadline (the deadline is
	// always a bucket edge).
	OverDeadline bool
}

// Miss is one attempt that was not ok, kept for reports.
type Miss struct {
	Seq, Attempt int
	Outcome      Outcome
	Status       int
	Total        time.Duration
	Cause, Err   string
	Redirect     string
}

// maxMisses is how many misses a target keeps for reports.
const maxMisses = 5

// TargetStats aggregates the attempts of one target.
type TargetStats struct {
	Name string
	// Sends counts deliveries started; Attempts every try (retries included).
	Sends, Attempts int
	Counts          Counts
	// Measured attempts (see Latency.Count), their sum and maximum latency.
	Measured int
	Sum, Max time.Duration
	// DeliveredOn[k] counts sends delivered (answered ok) on attempt k+1;
	// Undelivered those whose last attempt failed.
	DeliveredOn []int
	Undelivered int
	// Misses are the first attempts that were not ok (at most 5);
	// MissCount counts them all.
	Misses    []Miss
	MissCount int
}

// Mean is the mean latency of the target's measured attempts.
func (t *TargetStats) Mean() time.Duration {
	if t.Measured == 0 {
		return 0
	}
	return t.Sum / time.Duration(t.Measured)
}

// OK reports whether every attempt of the target was ok.
func (t *TargetStats) OK() bool { return t.Attempts > 0 && t.Counts.Failed() == 0 }

// Summary aggregates Results: build it with NewSummary, Add every result,
// then Finish. It is not safe for concurrent use.
type Summary struct {
	URL, Method       string
	Deadline, Timeout time.Duration
	Retries           int
	Rate              float64 // the open model's rate; 0 for the closed model
	Concurrency       int

	Started time.Time
	Elapsed time.Duration
	// Interrupted is set by Finish when the run was stopped (Ctrl-C).
	Interrupted bool

	// Attempts counts every attempt with an outcome of the receiver's;
	// Sends the deliveries started.
	Attempts, Sends int
	Counts          Counts
	// Canceled counts attempts cut short by the interruption.
	Canceled int
	// Responses counts attempts answered with an HTTP status; Connected
	// those that reached a TCP connection.
	Responses, Connected int
	// Redirects counts 3xx answers; RedirectTo is the first Location seen.
	Redirects  int
	RedirectTo string
	// Causes counts the causes of network errors and timeouts; Statuses
	// the HTTP statuses answered.
	Causes   map[string]int
	Statuses map[int]int

	// DeliveredOn[k] counts sends delivered (answered ok) on attempt k+1;
	// Undelivered those whose last attempt was not ok.
	DeliveredOn []int
	Undelivered int

	Latency Latency
	Targets []TargetStats

	hist     *hdrhistogram.Histogram
	edges    []time.Duration // bucket upper bounds
	bins     []int           // counts per edge, plus one for above the last
	sum      time.Duration
	min, max time.Duration
}

// histMax is the largest latency the histogram tracks; longer ones count
// as this (no attempt outlives its timeout anyway).
const histMax = time.Hour

// NewSummary starts a summary of a run of cfg over targets that started at
// started.
func NewSummary(cfg Config, targets []Target, started time.Time) *Summary {
	if cfg.Method == "" {
		cfg.Method = "POST"
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = DefaultDeadline
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	s := &Summary{
		URL: secret.RedactURLString(cfg.URL), Method: cfg.Method, Deadline: cfg.Deadline, Timeout: cfg.Timeout,
		Retries: cfg.Retries, Rate: cfg.Rate, Concurrency: max(cfg.Concurrency, 1),
		Started:  started,
		Causes:   map[string]int{},
		Statuses: map[int]int{},
		Targets:  make([]TargetStats, len(targets)),
		// Microseconds from 1 µs to an hour at 3 significant digits: ~40 KB.
		hist:  hdrhistogram.New(1, int64(histMax/time.Microsecond), 3),
		edges: histogramEdges(cfg.Deadline),
	}
	s.bins = make([]int, len(s.edges)+1)
	for i, t := range targets {
		s.Targets[i].Name = t.Name
	}
	return s
}

// histogramEdges is a 1-2-5 ladder from 100 µs to a minute, with the
// deadline added as an edge so that no bucket straddles it.
func histogramEdges(deadline time.Duration) []time.Duration {
	var edges []time.Duration
	for d := 100 * time.Microsecond; d <= time.Minute; d *= 10 {
		edges = append(edges, d, 2*d, 5*d)
	}
	i := sort.Search(len(edges), func(i int) bool { return edges[i] >= deadline })
	if i == len(edges) || edges[i] != deadline {
		edges = append(edges[:i], append([]time.Duration{deadline}, edges[i:]...)...)
	}
	return edges
}

// Add counts one result.
func (s *Summary) Add(r *Result) {
	if r.Outcome == Canceled {
		s.Canceled++
		return
	}
	t := s.target(r)
	s.Attempts++
	t.Attempts++
	s.Counts[r.Outcome]++
	t.Counts[r.Outcome]++
	if r.Attempt <= 1 {
		s.Sends++
		t.Sends++
	}
	s.addAnswer(r)
	if r.Status != 0 || r.Outcome == Timeout {
		s.record(r.Total)
		t.Measured++
		t.Sum += r.Total
		t.Max = max(t.Max, r.Total)
	}
	if r.Outcome != OK {
		t.addMiss(r)
	}
	if r.Final {
		s.addDelivery(t, r)
	}
}

// target is the stats of the result's payload (a new entry for a
// result of a payload the summary was not made with).
func (s *Summary) target(r *Result) *TargetStats {
	if r.TargetIndex >= 0 && r.TargetIndex < len(s.Targets) {
		return &s.Targets[r.TargetIndex]
	}
	s.Targets = append(s.Targets, TargetStats{Name: r.Target})
	return &s.Targets[len(s.Targets)-1]
}

// addAnswer counts what the receiver answered, or why it did not.
func (s *Summary) addAnswer(r *Result) {
	if r.Status != 0 {
		s.Responses++
		s.Statuses[r.Status]++
	}
	if r.Connected || r.Status != 0 {
		s.Connected++
	}
	if r.Status >= 300 && r.Status < 400 {
		s.Redirects++
		s.RedirectTo = cmp.Or(s.RedirectTo, r.Redirect)
	}
	if r.Cause != "" && countsCause(r.Outcome) {
		s.Causes[r.Cause]++
	}
}

// countsCause reports whether the summary counts the causes of an outcome
// (a slow answer's or a cancelled request's cause is not a failure's).
func countsCause(o Outcome) bool { return o == NetworkError || o == Timeout || o == HTTPError }

// addMiss records a result that was not ok, the first maxMisses in full.
func (t *TargetStats) addMiss(r *Result) {
	t.MissCount++
	if len(t.Misses) < maxMisses {
		t.Misses = append(t.Misses, Miss{Seq: r.Seq, Attempt: r.Attempt, Outcome: r.Outcome, Status: r.Status,
			Total: r.Total, Cause: r.Cause, Err: r.Err, Redirect: r.Redirect})
	}
}

// addDelivery counts the final attempt of a send: delivered on which
// attempt, or not delivered.
func (s *Summary) addDelivery(t *TargetStats, r *Result) {
	if r.Outcome != OK {
		s.Undelivered++
		t.Undelivered++
		return
	}
	k := max(r.Attempt, 1) - 1
	s.DeliveredOn = grow(s.DeliveredOn, k)
	t.DeliveredOn = grow(t.DeliveredOn, k)
	s.DeliveredOn[k]++
	t.DeliveredOn[k]++
}

func grow(a []int, k int) []int {
	for len(a) <= k {
		a = append(a, 0)
	}
	return a
}

func (s *Summary) record(d time.Duration) {
	d = max(d, 0)
	if s.Latency.Count == 0 || d < s.min {
		s.min = d
	}
	s.max = max(s.max, d)
	s.sum += d
	s.Latency.Count++
	_ = s.hist.RecordValue(int64(min(d, histMax) / time.Microsecond))
	i := sort.Search(len(s.edges), func(i int) bool { return s.edges[i] >= d })
	s.bins[i]++
}

// Finish closes the summary at end and computes the percentiles.
// interrupted records that the run was stopped before its end.
func (s *Summary) Finish(end time.Time, interrupted bool) {
	s.Elapsed = max(end.Sub(s.Started), 0)
	s.Interrupted = interrupted
	l := &s.Latency
	if l.Count == 0 {
		return
	}
	q := func(p float64) time.Duration {
		v := time.Duration(s.hist.ValueAtPercentile(p)) * time.Microsecond
		return min(max(v, s.min), s.max) // HDR buckets round; exact bounds are known
	}
	l.Min, l.Max = s.min, s.max
	l.Mean = s.sum / time.Duration(l.Count)
	l.P50, l.P90, l.P95, l.P99 = q(50), q(90), q(95), q(99)
}

// Throughput is attempts per second over the run.
func (s *Summary) Throughput() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Attempts) / s.Elapsed.Seconds()
}

// ErrorRate is the fraction of attempts that were not ok (0 without attempts).
func (s *Summary) ErrorRate() float64 {
	if s.Attempts == 0 {
		return 0
	}
	return float64(s.Counts.Failed()) / float64(s.Attempts)
}

// Unreachable reports that nothing could be reached at all: there were
// attempts, none got an HTTP answer or even a TCP connection (refused, no
// such host, unroutable).
func (s *Summary) Unreachable() bool {
	return s.Attempts > 0 && s.Responses == 0 && s.Connected == 0
}

// Histogram returns the latency histogram from the bucket holding the
// fastest attempt to the one holding the slowest, empty buckets between
// included; nil when nothing was measured.
func (s *Summary) Histogram() []Bucket {
	first, last := -1, -1
	for i, n := range s.bins {
		if n > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	out := make([]Bucket, 0, last-first+1)
	for i := first; i <= last; i++ {
		b := Bucket{Count: s.bins[i]}
		if i > 0 {
			b.From = s.edges[i-1]
		}
		if i < len(s.edges) {
			b.To = s.edges[i]
		} else {
			b.To = max(s.max, b.From)
		}
		b.OverDeadline = b.From >= s.Deadline
		out = append(out, b)
	}
	return out
}

// Slowest returns up to n targets by decreasing maximum latency (then by
// name), leaving out targets never measured.
func (s *Summary) Slowest(n int) []*TargetStats {
	var out []*TargetStats
	for i := range s.Targets {
		if s.Targets[i].Measured > 0 {
			out = append(out, &s.Targets[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Max != out[j].Max {
			return out[i].Max > out[j].Max
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// TopCauses returns the causes of failures, most frequent first.
func (s *Summary) TopCauses() []string {
	out := make([]string, 0, len(s.Causes))
	for c := range s.Causes {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if s.Causes[out[i]] != s.Causes[out[j]] {
			return s.Causes[out[i]] > s.Causes[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// Thresholds turn the verdict into an SLO check. Zero durations and
// CheckErrorRate false mean "no such threshold".
type Thresholds struct {
	MaxP95, MaxP99 time.Duration
	// MaxErrorRate is the largest fraction (0..1) of attempts allowed not
	// to be ok, checked when CheckErrorRate is set.
	MaxErrorRate   float64
	CheckErrorRate bool
}

// Any reports whether any threshold is set.
func (t Thresholds) Any() bool { return t.MaxP95 > 0 || t.MaxP99 > 0 || t.CheckErrorRate }

// Verdict is the outcome of a run.
type Verdict struct {
	Pass bool
	// SLO is set when thresholds decided, rather than "every attempt ok".
	SLO bool
	// Breaches say why the run failed (empty when it passed), in the
	// order of the checks.
	Breaches []Breach
}

// BreachKind names a reason for failing a run.
type BreachKind uint8

// Reasons for failing a run.
const (
	// NothingSent: no request was sent.
	NothingSent BreachKind = iota + 1
	// NotOK: some attempts were not ok (strict verdict, no thresholds).
	NotOK
	// OverP95, OverP99: the percentile (Got) is over its maximum (Max).
	OverP95
	OverP99
	// OverErrorRate: the error rate (Rate) is over its maximum (MaxRate).
	OverErrorRate
	// NoLatency: a latency threshold was set but no request was answered.
	NoLatency
)

// Breach is one reason a run failed, with the figures that show it; the
// counts of failed outcomes are the Summary's.
type Breach struct {
	Kind          BreachKind
	Got, Max      time.Duration
	Rate, MaxRate float64
}

// Verdict judges the run. Without thresholds it passes when there was at
// least one attempt and every attempt was ok (2xx within the deadline).
// With thresholds it passes when each of them holds.
func (s *Summary) Verdict(th Thresholds) Verdict {
	v := Verdict{SLO: th.Any()}
	if s.Attempts == 0 {
		v.Breaches = append(v.Breaches, Breach{Kind: NothingSent})
		return v
	}
	if !v.SLO {
		if s.Counts.Failed() > 0 {
			v.Breaches = append(v.Breaches, Breach{Kind: NotOK})
		}
	} else {
		if th.MaxP95 > 0 && s.Latency.P95 > th.MaxP95 {
			v.Breaches = append(v.Breaches, Breach{Kind: OverP95, Got: s.Latency.P95, Max: th.MaxP95})
		}
		if th.MaxP99 > 0 && s.Latency.P99 > th.MaxP99 {
			v.Breaches = append(v.Breaches, Breach{Kind: OverP99, Got: s.Latency.P99, Max: th.MaxP99})
		}
		if th.CheckErrorRate && s.ErrorRate() > th.MaxErrorRate {
			v.Breaches = append(v.Breaches, Breach{Kind: OverErrorRate, Rate: s.ErrorRate(), MaxRate: th.MaxErrorRate})
		}
		if (th.MaxP95 > 0 || th.MaxP99 > 0) && s.Latency.Count == 0 {
			v.Breaches = append(v.Breaches, Breach{Kind: NoLatency})
		}
	}
	v.Pass = len(v.Breaches) == 0
	return v
}

// Progress is a snapshot of a run under way.
type Progress struct {
	Attempts, OK, Slow, Failed int64
}

// Counter tallies results for live progress; unlike Summary it is safe to
// read from another goroutine while results are added.
type Counter struct {
	attempts, ok, slow, failed atomic.Int64
}

// Add counts one result.
func (c *Counter) Add(r *Result) {
	switch r.Outcome {
	case Canceled:
		return
	case OK:
		c.ok.Add(1)
	case Slow:
		c.slow.Add(1)
	default:
		c.failed.Add(1)
	}
	c.attempts.Add(1)
}

// Snapshot returns the counts so far.
func (c *Counter) Snapshot() Progress {
	return Progress{Attempts: c.attempts.Load(), OK: c.ok.Load(), Slow: c.slow.Load(), Failed: c.failed.Load()}
}
