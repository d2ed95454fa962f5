package traffic

import (
	"bufio"
	"time"

	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// ConformJSONSchema identifies the layout of `wamo conform --output json`:
// one JSON document written when the run ends. Keys always come in the
// order below and are always present; durations are milliseconds as
// numbers with microsecond precision; times are milliseconds since
// "started".
//
// Schema "wamo.conform/v1":
//
//	{
//	  "schema": "wamo.conform/v1",
//	  "version": "1.2.3",                    // wamo's version
//	  "profile": "cloud",                    // sinch | whatsapp | cloud
//	  "url": "http://127.0.0.1:8080/hook",
//	  "started": "2026-12-02T10:00:00Z", "elapsed_ms": 1520.3,
//	  "deadline_ms": 200, "strict": false,
//	  "signed": true,                        // requests carried the provider's signature
//	  "handshake": true,                     // a verify token was given
//	  "cases": [                             // in catalogue order, the cases run or skipped
//	    {
//	      "number": "2.1",                   // position in the catalogue (may shift between versions)
//	      "id": "dup.redelivery",            // stable name
//	      "area": "dup", "area_title": "Retries and duplicates",
//	      "level": "required",               // required | recommended
//	      "expect": "the same delivery sent again…",
//	      "verdict": "fail",                 // pass | fail | warn | skip
//	      "reason": "delivery 2 of 2: …: answered 409, not 2xx",   // "" on pass
//	      "latency_ms": 0.52,                // the slowest answer of the case
//	      "start_ms": 12.5, "elapsed_ms": 1.1,
//	      "exchanges": [                     // the evidence: every request (load: the first failures)
//	        {"label": "the same delivery again", "method": "POST",
//	         "content_type": "application/json", "signed": true, "signature_note": "",
//	         "bytes": 1022, "excerpt": "{\"object\":…",     // the first bytes of the body sent
//	         "start_ms": 12.9, "latency_ms": 0.5,
//	         "status": 409,                  // 0 without an answer
//	         "answer": "duplicate message…", // the first 256 bytes of the answer
//	         "outcome": "http-error",        // ok | slow | http-error | network-error | timeout
//	         "cause": "",                    // network errors and timeouts: "connection reset"…
//	         "problem": "answered 409, not 2xx"}   // "" when it met the expectation
//	      ],
//	      "load": null                       // load.burst: {"rate","duration_ms","sends",
//	                                         //   "outcomes":{…},"latency_ms":{…}}
//	    }
//	  ],
//	  "not_run": ["auth.signed"],            // ids left when the run stopped (Ctrl-C, unreachable)
//	  "omitted": [{"id": "auth.stale", "reason": "…"}],   // not in this profile's catalogue
//	  "areas": [{"area": "ack", "title": "Acknowledgement", "pass": 38, "fail": 0, "warn": 0, "skip": 0}],
//	  "latency_ms": {"count", "min", "mean", "p50", "p90", "p95", "p99", "max"},   // every answer
//	  "histogram": [{"from_ms": 0, "to_ms": 0.1, "count": 80, "over_deadline": false}],
//	  "summary": {"pass": 52, "fail": 1, "warn": 1, "skip": 2,
//	              "interrupted": false, "unreachable": false, "unreachable_cause": "",
//	              "verdict": "fail",         // pass | fail | interrupted | unreachable
//	              "exit_code": 1}
//	}
const ConformJSONSchema = "wamo.conform/v1"

type conformJSON struct {
	w    *bufio.Writer
	opts ConformOptions
}

func (j *conformJSON) Case(*conform.Result) {}

type conformJSONLatency struct {
	Count int     `json:"count"`
	Min   float64 `json:"min"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

func conformLatencyJSON(l replay.Latency) conformJSONLatency {
	return conformJSONLatency{l.Count, msOf(l.Min), msOf(l.Mean), msOf(l.P50), msOf(l.P90), msOf(l.P95), msOf(l.P99), msOf(l.Max)}
}

func msOf(d time.Duration) float64 { return ms(float64(d) / float64(time.Millisecond)) }

type conformJSONExchange struct {
	Label         string  `json:"label"`
	Method        string  `json:"method"`
	ContentType   string  `json:"content_type"`
	Signed        bool    `json:"signed"`
	SignatureNote string  `json:"signature_note"`
	Bytes         int     `json:"bytes"`
	Excerpt       string  `json:"excerpt"`
	Start         float64 `json:"start_ms"`
	Latency       float64 `json:"latency_ms"`
	Status        int     `json:"status"`
	Answer        string  `json:"answer"`
	Outcome       string  `json:"outcome"`
	Cause         string  `json:"cause"`
	Problem       string  `json:"problem"`
}

type conformJSONLoad struct {
	Rate     float64            `json:"rate"`
	Duration float64            `json:"duration_ms"`
	Sends    int                `json:"sends"`
	Outcomes map[string]int     `json:"outcomes"`
	Latency  conformJSONLatency `json:"latency_ms"`
}

// conformJSONCaseInfo is what the catalogue says of a case (also the
// layout of `wamo conform --list --output json`).
type conformJSONCaseInfo struct {
	Number    string `json:"number"`
	ID        string `json:"id"`
	Area      string `json:"area"`
	AreaTitle string `json:"area_title"`
	Level     string `json:"level"`
	Expect    string `json:"expect"`
}

func conformCaseInfo(c *conform.Case) conformJSONCaseInfo {
	return conformJSONCaseInfo{c.Number, c.ID, string(c.Area), c.Area.Title(), string(c.Level), c.Expect}
}

type conformJSONCase struct {
	conformJSONCaseInfo
	Verdict   string                `json:"verdict"`
	Reason    string                `json:"reason"`
	Latency   float64               `json:"latency_ms"`
	Start     float64               `json:"start_ms"`
	Elapsed   float64               `json:"elapsed_ms"`
	Exchanges []conformJSONExchange `json:"exchanges"`
	Load      *conformJSONLoad      `json:"load"`
}

type conformJSONArea struct {
	Area  string `json:"area"`
	Title string `json:"title"`
	Pass  int    `json:"pass"`
	Fail  int    `json:"fail"`
	Warn  int    `json:"warn"`
	Skip  int    `json:"skip"`
}

type conformJSONOmission struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

type conformJSONBucket struct {
	From         float64 `json:"from_ms"`
	To           float64 `json:"to_ms"`
	Count        int     `json:"count"`
	OverDeadline bool    `json:"over_deadline"`
}

type conformJSONSummary struct {
	Pass             int    `json:"pass"`
	Fail             int    `json:"fail"`
	Warn             int    `json:"warn"`
	Skip             int    `json:"skip"`
	Interrupted      bool   `json:"interrupted"`
	Unreachable      bool   `json:"unreachable"`
	UnreachableCause string `json:"unreachable_cause"`
	Verdict          string `json:"verdict"`
	ExitCode         int    `json:"exit_code"`
}

type conformJSONDoc struct {
	Schema    string                `json:"schema"`
	Version   string                `json:"version"`
	Profile   string                `json:"profile"`
	URL       string                `json:"url"`
	Started   string                `json:"started"`
	Elapsed   float64               `json:"elapsed_ms"`
	Deadline  float64               `json:"deadline_ms"`
	Strict    bool                  `json:"strict"`
	Signed    bool                  `json:"signed"`
	Handshake bool                  `json:"handshake"`
	Cases     []conformJSONCase     `json:"cases"`
	NotRun    []string              `json:"not_run"`
	Omitted   []conformJSONOmission `json:"omitted"`
	Areas     []conformJSONArea     `json:"areas"`
	Latency   conformJSONLatency    `json:"latency_ms"`
	Histogram []conformJSONBucket   `json:"histogram"`
	Summary   conformJSONSummary    `json:"summary"`
}

func (j *conformJSON) Finish(rep *conform.Report, exitCode int) error {
	doc := conformJSONDoc{
		Schema: ConformJSONSchema, Version: j.opts.Version, Profile: rep.Profile.Name, URL: rep.URL,
		Started: rep.Started.UTC().Format(time.RFC3339Nano), Elapsed: msOf(rep.Elapsed), Deadline: msOf(rep.Deadline),
		Strict: rep.Strict, Signed: rep.Signed, Handshake: rep.Handshake,
		Cases: []conformJSONCase{}, NotRun: []string{}, Omitted: []conformJSONOmission{}, Areas: []conformJSONArea{},
		Latency: conformLatencyJSON(rep.Latency), Histogram: []conformJSONBucket{},
	}
	for i := range rep.Results {
		doc.Cases = append(doc.Cases, conformCaseJSON(&rep.Results[i]))
	}
	for _, c := range rep.NotRun {
		doc.NotRun = append(doc.NotRun, c.ID)
	}
	if j.opts.Catalogue != nil {
		for _, o := range j.opts.Catalogue.Omitted {
			doc.Omitted = append(doc.Omitted, conformJSONOmission{o.ID, o.Reason})
		}
	}
	for _, a := range rep.Areas {
		doc.Areas = append(doc.Areas, conformJSONArea{string(a.Area), a.Area.Title(), a.Pass, a.Fail, a.Warn, a.Skip})
	}
	for _, b := range rep.Histogram {
		doc.Histogram = append(doc.Histogram, conformJSONBucket{msOf(b.From), msOf(b.To), b.Count, b.OverDeadline})
	}
	verdict := "pass"
	switch {
	case rep.Unreachable:
		verdict = "unreachable"
	case rep.Interrupted:
		verdict = "interrupted"
	case !rep.Pass():
		verdict = "fail"
	}
	doc.Summary = conformJSONSummary{rep.Count(conform.Pass), rep.Count(conform.Fail), rep.Count(conform.Warn), rep.Count(conform.Skip),
		rep.Interrupted, rep.Unreachable, rep.UnreachableCause, verdict, exitCode}
	return writeIndentedJSON(j.w, doc)
}

func conformCaseJSON(r *conform.Result) conformJSONCase {
	out := conformJSONCase{
		conformJSONCaseInfo: conformCaseInfo(r.Case),
		Verdict:             string(r.Verdict), Reason: r.Reason, Latency: msOf(r.Latency), Start: msOf(r.Start), Elapsed: msOf(r.Elapsed),
		Exchanges: []conformJSONExchange{},
	}
	for i := range r.Exchanges {
		ex := &r.Exchanges[i]
		out.Exchanges = append(out.Exchanges, conformJSONExchange{
			Label: ex.Label, Method: ex.Method, ContentType: ex.ContentType, Signed: ex.Signed, SignatureNote: ex.SignatureNote,
			Bytes: ex.Bytes, Excerpt: ex.Excerpt, Start: msOf(ex.Start), Latency: msOf(ex.Latency), Status: ex.Status,
			Answer: ex.Answer, Outcome: ex.Outcome.String(), Cause: ex.Cause, Problem: ex.Problem,
		})
	}
	if l := r.Load; l != nil {
		outcomes := map[string]int{}
		for _, o := range replay.Outcomes {
			outcomes[o.String()] = l.Counts[o]
		}
		out.Load = &conformJSONLoad{Rate: l.Rate, Duration: msOf(l.Duration), Sends: l.Sends, Outcomes: outcomes, Latency: conformLatencyJSON(l.Latency)}
	}
	return out
}
