package traffic

import (
	"bufio"
	"encoding/json"
	"strconv"
	"time"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// ReplayJSONSchema identifies the layout of `wamo replay --output json`:
// one JSON document, streamed as attempts complete (memory stays flat
// however long the run), one request or target per line. Keys always come
// in the order below and are always present; durations are milliseconds as
// numbers with microsecond precision; times of requests are milliseconds
// since summary.started.
//
// Schema "wamo.replay/v1":
//
//	{
//	  "schema": "wamo.replay/v1",
//	  "version": "1.2.3",                 // wamo's version
//	  "requests": [                       // every attempt, in completion order
//	    {
//	      "target": "sinch/text",         // file, file:LINE (NDJSON) or fixture name
//	      "send": 1,                      // 1-based number of the delivery; retries share it
//	      "attempt": 1,                   // 1 = first delivery, 2 = first retry…
//	      "final": true,                  // last attempt of this send
//	      "scheduled_ms": 0.5,            // when it was due (latency counts from here)
//	      "start_ms": 0.5,                // when it was sent
//	      "status": 200,                  // 0 without an HTTP answer
//	      "bytes": 11, "bytes_sent": 512, // response body read, request body sent
//	      "connected": true,              // a TCP connection was made
//	      "reused": true,                 // …taken from the keep-alive pool
//	      "dns_ms": 0, "connect_ms": 0, "tls_ms": 0,  // phases of a new connection
//	      "ttfb_ms": 0.31,                // start → first response byte
//	      "total_ms": 0.36,               // scheduled → last body byte (or failure)
//	      "outcome": "ok",                // ok | slow | http-error | network-error | timeout | canceled
//	      "cause": "",                    // network errors, timeouts: "connection refused", "closed mid-body"…
//	      "error": "",                    // the full error text
//	      "redirect": ""                  // Location of a 3xx answer
//	    }
//	  ],
//	  "targets": [                        // one per target, in input order
//	    {
//	      "name": "sinch/text", "sends": 3, "attempts": 4,
//	      "outcomes": {"ok": 3, "slow": 1, "http-error": 0, "network-error": 0, "timeout": 0},
//	      "measured": 4, "mean_ms": 60.2, "max_ms": 240.1,   // over attempts answered or timed out
//	      "delivered_on": [2, 1],         // sends delivered (ok) on attempt 1, 2…
//	      "undelivered": 0,               // sends whose last attempt failed
//	      "miss_count": 1,                // attempts not ok; the first five follow
//	      "misses": [{"send": 2, "attempt": 1, "outcome": "slow", "status": 200,
//	                  "total_ms": 240.1, "cause": "", "error": "", "redirect": ""}]
//	    }
//	  ],
//	  "summary": {
//	    "url": "http://localhost:8080/hook", "method": "POST",
//	    "started": "2026-11-22T20:00:00Z", "elapsed_ms": 1020.5,
//	    "model": "closed",                // closed | open
//	    "concurrency": 4, "rate": 0,      // workers; sends per second (open model)
//	    "deadline_ms": 200, "timeout_ms": 10000, "retries": 0,
//	    "attempts": 120, "sends": 120, "canceled": 0,
//	    "throughput": 117.6,              // attempts per second
//	    "outcomes": {"ok": 110, "slow": 5, "http-error": 3, "network-error": 2, "timeout": 0},
//	    "error_rate": 0.0833,             // attempts not ok / attempts
//	    "responses": 118, "connected": 118,
//	    "statuses": {"200": 115, "500": 3},
//	    "causes": {"connection refused": 2},
//	    "redirects": 0, "redirect_to": "",
//	    "latency_ms": {"count": 118, "min": 0.21, "mean": 12.1, "p50": 0.36,
//	                   "p90": 1.1, "p95": 1.5, "p99": 210, "max": 512},
//	    "histogram": [{"from_ms": 0, "to_ms": 0.1, "count": 80, "over_deadline": false}],
//	    "deliveries": {"on_attempt": [118], "undelivered": 2},
//	    "slowest": ["sinch/image"],       // targets by decreasing max latency (at most 5)
//	    "thresholds": {"max_p95_ms": null, "max_p99_ms": 150, "max_error_rate": null},
//	    "unreachable": false,             // nothing answered nor even connected
//	    "interrupted": false,             // stopped by Ctrl-C
//	    "verdict": {"pass": false, "slo": false, "reasons": ["10 of 120 requests not ok: …"]},
//	    "exit_code": 1
//	  }
//	}
const ReplayJSONSchema = "wamo.replay/v1"

type replayJSON struct {
	w       *bufio.Writer
	opts    ReplayOptions
	buf     []byte
	started bool
	n       int
}

func newReplayJSON(w *bufio.Writer, opts ReplayOptions) *replayJSON {
	return &replayJSON{w: w, opts: opts}
}

func (j *replayJSON) start() {
	if j.started {
		return
	}
	j.started = true
	b := append(j.buf[:0], `{"schema":"`+ReplayJSONSchema+`","version":`...)
	b = jsonlex.AppendQuote(b, j.opts.Version)
	b = append(b, `,"requests":[`...)
	j.w.Write(b)
}

// sinceMS is t in milliseconds since the run started.
func (j *replayJSON) sinceMS(b []byte, t time.Time) []byte {
	if t.IsZero() || j.opts.Started.IsZero() {
		return append(b, '0')
	}
	return replayAppendMS(b, t.Sub(j.opts.Started))
}

func replayAppendMS(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, float64(d.Round(time.Microsecond))/1e6, 'f', -1, 64)
}

// Request writes one attempt, built by hand: JSON output must not slow a
// run of thousands of requests per second.
func (j *replayJSON) Request(r *replay.Result) {
	j.start()
	b := j.buf[:0]
	if j.n > 0 {
		b = append(b, ',')
	}
	j.n++
	b = append(b, "\n{\"target\":"...)
	b = jsonlex.AppendQuote(b, r.Target)
	b = append(b, `,"send":`...)
	b = strconv.AppendInt(b, int64(r.Seq+1), 10)
	b = append(b, `,"attempt":`...)
	b = strconv.AppendInt(b, int64(r.Attempt), 10)
	b = append(b, `,"final":`...)
	b = strconv.AppendBool(b, r.Final)
	b = append(b, `,"scheduled_ms":`...)
	b = j.sinceMS(b, r.Scheduled)
	b = append(b, `,"start_ms":`...)
	b = j.sinceMS(b, r.Start)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(r.Status), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, r.Bytes, 10)
	b = append(b, `,"bytes_sent":`...)
	b = strconv.AppendInt(b, r.BytesSent, 10)
	b = append(b, `,"connected":`...)
	b = strconv.AppendBool(b, r.Connected)
	b = append(b, `,"reused":`...)
	b = strconv.AppendBool(b, r.Reused)
	b = append(b, `,"dns_ms":`...)
	b = replayAppendMS(b, r.DNS)
	b = append(b, `,"connect_ms":`...)
	b = replayAppendMS(b, r.Connect)
	b = append(b, `,"tls_ms":`...)
	b = replayAppendMS(b, r.TLS)
	b = append(b, `,"ttfb_ms":`...)
	b = replayAppendMS(b, r.TTFB)
	b = append(b, `,"total_ms":`...)
	b = replayAppendMS(b, r.Total)
	b = append(b, `,"outcome":"`...)
	b = append(b, r.Outcome.String()...)
	b = append(b, `","cause":`...)
	b = jsonlex.AppendQuote(b, r.Cause)
	b = append(b, `,"error":`...)
	b = jsonlex.AppendQuote(b, r.Err)
	b = append(b, `,"redirect":`...)
	b = jsonlex.AppendQuote(b, r.Redirect)
	b = append(b, '}')
	j.w.Write(render.JSONSafe(b)) // a server's answer may hold controls
	j.buf = b
}

type replayJSONOutcomes struct {
	OK           int `json:"ok"`
	Slow         int `json:"slow"`
	HTTPError    int `json:"http-error"`
	NetworkError int `json:"network-error"`
	Timeout      int `json:"timeout"`
}

func replayOutcomesJSON(c *replay.Counts) replayJSONOutcomes {
	return replayJSONOutcomes{OK: c[replay.OK], Slow: c[replay.Slow], HTTPError: c[replay.HTTPError],
		NetworkError: c[replay.NetworkError], Timeout: c[replay.Timeout]}
}

// replayMS is a duration that marshals as milliseconds.
type replayMS time.Duration

func (d replayMS) MarshalJSON() ([]byte, error) { return replayAppendMS(nil, time.Duration(d)), nil }

type replayJSONMiss struct {
	Send     int      `json:"send"`
	Attempt  int      `json:"attempt"`
	Outcome  string   `json:"outcome"`
	Status   int      `json:"status"`
	Total    replayMS `json:"total_ms"`
	Cause    string   `json:"cause"`
	Error    string   `json:"error"`
	Redirect string   `json:"redirect"`
}

type replayJSONTarget struct {
	Name        string             `json:"name"`
	Sends       int                `json:"sends"`
	Attempts    int                `json:"attempts"`
	Outcomes    replayJSONOutcomes `json:"outcomes"`
	Measured    int                `json:"measured"`
	Mean        replayMS           `json:"mean_ms"`
	Max         replayMS           `json:"max_ms"`
	DeliveredOn []int              `json:"delivered_on"`
	Undelivered int                `json:"undelivered"`
	MissCount   int                `json:"miss_count"`
	Misses      []replayJSONMiss   `json:"misses"`
}

type replayJSONLatency struct {
	Count int      `json:"count"`
	Min   replayMS `json:"min"`
	Mean  replayMS `json:"mean"`
	P50   replayMS `json:"p50"`
	P90   replayMS `json:"p90"`
	P95   replayMS `json:"p95"`
	P99   replayMS `json:"p99"`
	Max   replayMS `json:"max"`
}

type replayJSONBucket struct {
	From         replayMS `json:"from_ms"`
	To           replayMS `json:"to_ms"`
	Count        int      `json:"count"`
	OverDeadline bool     `json:"over_deadline"`
}

type replayJSONSummary struct {
	URL         string             `json:"url"`
	Method      string             `json:"method"`
	Started     string             `json:"started"`
	Elapsed     replayMS           `json:"elapsed_ms"`
	Model       string             `json:"model"`
	Concurrency int                `json:"concurrency"`
	Rate        float64            `json:"rate"`
	Deadline    replayMS           `json:"deadline_ms"`
	Timeout     replayMS           `json:"timeout_ms"`
	Retries     int                `json:"retries"`
	Attempts    int                `json:"attempts"`
	Sends       int                `json:"sends"`
	Canceled    int                `json:"canceled"`
	Throughput  float64            `json:"throughput"`
	Outcomes    replayJSONOutcomes `json:"outcomes"`
	ErrorRate   float64            `json:"error_rate"`
	Responses   int                `json:"responses"`
	Connected   int                `json:"connected"`
	Statuses    map[string]int     `json:"statuses"`
	Causes      map[string]int     `json:"causes"`
	Redirects   int                `json:"redirects"`
	RedirectTo  string             `json:"redirect_to"`
	Latency     replayJSONLatency  `json:"latency_ms"`
	Histogram   []replayJSONBucket `json:"histogram"`
	Deliveries  struct {
		OnAttempt   []int `json:"on_attempt"`
		Undelivered int   `json:"undelivered"`
	} `json:"deliveries"`
	Slowest    []string `json:"slowest"`
	Thresholds struct {
		MaxP95       *replayMS `json:"max_p95_ms"`
		MaxP99       *replayMS `json:"max_p99_ms"`
		MaxErrorRate *float64  `json:"max_error_rate"`
	} `json:"thresholds"`
	Unreachable bool `json:"unreachable"`
	Interrupted bool `json:"interrupted"`
	Verdict     struct {
		Pass    bool     `json:"pass"`
		SLO     bool     `json:"slo"`
		Reasons []string `json:"reasons"`
	} `json:"verdict"`
	ExitCode int `json:"exit_code"`
}

func replayRound4(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 4, 64), 64)
	return v
}

func (j *replayJSON) Finish(sum *replay.Summary, v replay.Verdict, exitCode int) error {
	j.start()
	w := j.w
	w.WriteString("\n],\"targets\":[")
	for i := range sum.Targets {
		t := &sum.Targets[i]
		jt := replayJSONTarget{Name: t.Name, Sends: t.Sends, Attempts: t.Attempts, Outcomes: replayOutcomesJSON(&t.Counts),
			Measured: t.Measured, Mean: replayMS(t.Mean()), Max: replayMS(t.Max), DeliveredOn: t.DeliveredOn, Undelivered: t.Undelivered,
			MissCount: t.MissCount, Misses: []replayJSONMiss{}}
		if jt.DeliveredOn == nil {
			jt.DeliveredOn = []int{}
		}
		for _, m := range t.Misses {
			jt.Misses = append(jt.Misses, replayJSONMiss{Send: m.Seq + 1, Attempt: m.Attempt, Outcome: m.Outcome.String(),
				Status: m.Status, Total: replayMS(m.Total), Cause: m.Cause, Error: m.Err, Redirect: m.Redirect})
		}
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteByte('\n')
		w.Write(replayMustJSON(jt))
	}

	s := replayJSONSummary{
		URL: sum.URL, Method: sum.Method, Started: sum.Started.UTC().Format(time.RFC3339Nano), Elapsed: replayMS(sum.Elapsed),
		Model: "closed", Concurrency: sum.Concurrency, Rate: sum.Rate,
		Deadline: replayMS(sum.Deadline), Timeout: replayMS(sum.Timeout), Retries: sum.Retries,
		Attempts: sum.Attempts, Sends: sum.Sends, Canceled: sum.Canceled,
		Throughput: replayRound4(sum.Throughput()), Outcomes: replayOutcomesJSON(&sum.Counts), ErrorRate: replayRound4(sum.ErrorRate()),
		Responses: sum.Responses, Connected: sum.Connected,
		Statuses: map[string]int{}, Causes: map[string]int{},
		Redirects: sum.Redirects, RedirectTo: sum.RedirectTo,
		Histogram:   []replayJSONBucket{},
		Slowest:     []string{},
		Unreachable: sum.Unreachable(), Interrupted: sum.Interrupted, ExitCode: exitCode,
	}
	if sum.Rate > 0 {
		s.Model = "open"
	}
	for code, n := range sum.Statuses {
		s.Statuses[strconv.Itoa(code)] = n
	}
	for c, n := range sum.Causes {
		s.Causes[c] = n
	}
	l := sum.Latency
	s.Latency = replayJSONLatency{Count: l.Count, Min: replayMS(l.Min), Mean: replayMS(l.Mean), P50: replayMS(l.P50), P90: replayMS(l.P90),
		P95: replayMS(l.P95), P99: replayMS(l.P99), Max: replayMS(l.Max)}
	for _, b := range sum.Histogram() {
		s.Histogram = append(s.Histogram, replayJSONBucket{From: replayMS(b.From), To: replayMS(b.To), Count: b.Count, OverDeadline: b.OverDeadline})
	}
	s.Deliveries.OnAttempt = sum.DeliveredOn
	if s.Deliveries.OnAttempt == nil {
		s.Deliveries.OnAttempt = []int{}
	}
	s.Deliveries.Undelivered = sum.Undelivered
	for _, t := range sum.Slowest(j.opts.Top) {
		s.Slowest = append(s.Slowest, t.Name)
	}
	th := j.opts.Thresholds
	if th.MaxP95 > 0 {
		d := replayMS(th.MaxP95)
		s.Thresholds.MaxP95 = &d
	}
	if th.MaxP99 > 0 {
		d := replayMS(th.MaxP99)
		s.Thresholds.MaxP99 = &d
	}
	if th.CheckErrorRate {
		f := th.MaxErrorRate
		s.Thresholds.MaxErrorRate = &f
	}
	s.Verdict.Pass, s.Verdict.SLO, s.Verdict.Reasons = v.Pass, v.SLO, VerdictReasons(sum, v)
	w.WriteString("\n],\"summary\":")
	w.Write(replayMustJSON(s))
	w.WriteString("}\n")
	return w.Flush()
}

// replayMustJSON marshals values whose types cannot fail to marshal.
func replayMustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return render.JSONSafe(b)
}
