// Package conform is a conformance suite for WhatsApp webhook receivers, in
// the manner of Autobahn|Testsuite and h2spec: a numbered catalogue of
// cases, each with a stable id, an area, a level and a one-line
// expectation, run one after the other against a live receiver and judged
// case by case.
//
// The catalogue of a Profile (a provider: Sinch, WhatsApp On-Premises, the
// Cloud API) is built from wamo's own sources of truth: the embedded
// fixtures give one delivery per documented message type and status,
// pkg/gen fills in the types and statuses no fixture shows, pkg/digest says
// what a payload holds, pkg/replay refreshes ids and timestamps, signs like
// Meta and sends. Mutations (unknown fields, an unknown type, a new status
// value, batches) are done on JSON as such, never on wire field names.
//
// It is the library half of `wamo conform`: Build returns the catalogue,
// Run runs it and returns a Report of values. Nothing here prints.
package conform

import (
	"time"

	"github.com/wamo-dev/wamo/pkg/replay"
)

// Area groups the cases of one concern.
type Area string

// The areas, in catalogue order.
const (
	AreaAck      Area = "ack"
	AreaRetry    Area = "dup"
	AreaOrder    Area = "order"
	AreaCompat   Area = "compat"
	AreaWire     Area = "wire"
	AreaAuth     Area = "auth"
	AreaLoad     Area = "load"
	numAreaSlots      = 7
)

// Areas lists the areas in catalogue order.
var Areas = []Area{AreaAck, AreaRetry, AreaOrder, AreaCompat, AreaWire, AreaAuth, AreaLoad}

// Title is the area's name in reports.
func (a Area) Title() string {
	switch a {
	case AreaAck:
		return "Acknowledgement"
	case AreaRetry:
		return "Retries and duplicates"
	case AreaOrder:
		return "Ordering"
	case AreaCompat:
		return "Forward compatibility"
	case AreaWire:
		return "Wire details"
	case AreaAuth:
		return "Authenticity"
	case AreaLoad:
		return "Load"
	}
	return string(a)
}

// Number is the area's position in the catalogue, from 1.
func (a Area) Number() int {
	for i, x := range Areas {
		if x == a {
			return i + 1
		}
	}
	return numAreaSlots + 1
}

// Level says how much a case matters.
type Level string

// Levels.
const (
	// Required cases check the provider's documented contract: a failure
	// loses or delays messages.
	Required Level = "required"
	// Recommended cases check good practice: a failure is a warning unless
	// the run is strict.
	Recommended Level = "recommended"
)

// Verdict is the outcome of a case.
type Verdict string

// Verdicts.
const (
	Pass Verdict = "pass"
	Fail Verdict = "fail" // a required case failed (or a recommended one, strictly)
	Warn Verdict = "warn" // a recommended case failed
	Skip Verdict = "skip" // not run: deselected, a secret missing, the run stopped
)

// Verdicts lists the verdicts in report order.
var Verdicts = []Verdict{Pass, Fail, Warn, Skip}

// Case is one entry of the catalogue.
type Case struct {
	// Number is the case's position, "area.index" (1.1, 1.2, … 7.1); it
	// follows the catalogue and may shift when cases are added. ID is the
	// stable name: "ack.text", "dup.redelivery".
	Number string
	ID     string
	Area   Area
	Level  Level
	// Expect is the expected behaviour in one line.
	Expect string

	run func(*caseRun)
}

// Exchange is one request of a case and its answer: the evidence.
type Exchange struct {
	// Label says what was sent: "delivery 1 of 2: status read".
	Label  string
	Method string
	// ContentType is the request's Content-Type; Signed whether it carried
	// the provider's signature (SignatureNote says how when it is wrong on
	// purpose).
	ContentType   string
	Signed        bool
	SignatureNote string
	// Bytes is the size of the request body; Excerpt its first bytes.
	Bytes   int
	Excerpt string
	// Start is when it was sent, from the start of the run; Latency how
	// long the complete answer took.
	Start, Latency time.Duration
	// Status is the HTTP status (0 without an answer), Answer the first
	// bytes of the answer's body.
	Status int
	Answer string
	// Outcome classifies the answer as `wamo replay` does (ok, slow,
	// http-error, network-error, timeout); Cause names a failure.
	Outcome replay.Outcome
	Cause   string
	// Connected reports that a TCP connection was made.
	Connected bool
	// Problem says what was wrong with this exchange for the case ("" when
	// it met the expectation).
	Problem string
}

// Result is a case's outcome.
type Result struct {
	Case    *Case
	Verdict Verdict
	// Reason says in one line why the case failed or was skipped.
	Reason string
	// Latency is the slowest answer of the case.
	Latency time.Duration
	// Exchanges are the requests sent (for the load case, the first few
	// that were not ok).
	Exchanges []Exchange
	// Load holds the statistics of the load case.
	Load *LoadStats
	// Start and Elapsed time the case within the run.
	Start, Elapsed time.Duration
}

// LoadStats sums up the load case.
type LoadStats struct {
	Rate     float64
	Duration time.Duration
	Sends    int
	Counts   replay.Counts
	Latency  replay.Latency
}

// Point is one answer on the latency-over-time chart.
type Point struct {
	// At is when the request was sent, from the start of the run.
	At, Latency time.Duration
	OK          bool
	Case        string
}

// AreaCount counts the verdicts of one area.
type AreaCount struct {
	Area                   Area
	Pass, Fail, Warn, Skip int
}

// Report is the outcome of a run.
type Report struct {
	Profile  *Profile
	URL      string
	Deadline time.Duration
	Strict   bool
	// Signed is set when requests were signed (a secret was given);
	// Handshake when the verify token was given.
	Signed, Handshake bool
	Started           time.Time
	Elapsed           time.Duration
	Results           []Result
	// NotRun lists the selected cases left when the run stopped early.
	NotRun []*Case
	// Areas counts verdicts per area, in catalogue order (areas without
	// cases left out).
	Areas []AreaCount
	// Latency and Histogram cover every answer of the run, load included;
	// Points place them in time (thinned to MaxPoints).
	Latency   replay.Latency
	Histogram []replay.Bucket
	Points    []Point
	// Interrupted: the run was stopped (Ctrl-C). Unreachable: the
	// receiver could not be reached at all, and the run stopped.
	Interrupted, Unreachable bool
	// UnreachableCause says why ("connection refused").
	UnreachableCause string
}

// Count returns how many results have verdict v.
func (r *Report) Count(v Verdict) int {
	n := 0
	for i := range r.Results {
		if r.Results[i].Verdict == v {
			n++
		}
	}
	return n
}

// FailedIDs lists the ids of the cases with verdict v.
func (r *Report) FailedIDs(v Verdict) []string {
	var out []string
	for i := range r.Results {
		if r.Results[i].Verdict == v {
			out = append(out, r.Results[i].Case.ID)
		}
	}
	return out
}

// Pass reports whether the receiver conforms: every required case (and
// under Strict every recommended one) passed, and the run was complete.
func (r *Report) Pass() bool {
	return r.Count(Fail) == 0 && !r.Interrupted && !r.Unreachable
}
