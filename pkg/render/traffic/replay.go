package traffic

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// ReplayOutputs lists the values accepted by `wamo replay --output`, the
// default first.
var ReplayOutputs = []string{"text", "json", "junit", "html"}

// ReplayReporter receives the attempts of `wamo replay` as they complete,
// then the summary. Calls come from one goroutine: Request… then Finish
// once. The reporter owns ios.Out until Finish returns.
type ReplayReporter interface {
	// Request reports one attempt (verbose text lines, JSON requests).
	Request(r *replay.Result)
	// Finish writes the report and the verdict, flushes, and returns the
	// first write error, if any.
	Finish(sum *replay.Summary, v replay.Verdict, exitCode int) error
}

// ReplayOptions configure a ReplayReporter.
type ReplayOptions struct {
	// Output is one of ReplayOutputs; "" means text.
	Output string
	// Verbose (text) prints one line per attempt as it completes.
	Verbose bool
	// Top is how many of the slowest targets the text report lists (default 5).
	Top int
	// Thresholds are recorded in the JSON summary.
	Thresholds replay.Thresholds
	// Version is wamo's version, recorded by the JSON and JUnit outputs.
	Version string
	// Started is when the run started: JSON request times count from it.
	Started time.Time
}

// NewReplayReporter returns the reporter for opts.Output, writing to
// ios.Out, or an error for an unknown output.
func NewReplayReporter(ios *iostreams.IOStreams, opts ReplayOptions) (ReplayReporter, error) {
	if !replayOutputKnown(opts.Output) {
		return nil, fmt.Errorf("unknown output %q: want %s", opts.Output, strings.Join(ReplayOutputs, ", "))
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	if opts.Top <= 0 {
		opts.Top = 5
	}
	w := bufio.NewWriterSize(ios.Out, 64<<10)
	switch opts.Output {
	case "", "text":
		return newReplayText(ios, w, opts), nil
	case "json":
		return newReplayJSON(w, opts), nil
	case "html":
		return &replayHTML{w: w, opts: opts}, nil
	}
	return newReplayJUnit(w, opts), nil
}

func replayOutputKnown(o string) bool {
	for _, k := range ReplayOutputs {
		if o == k {
			return true
		}
	}
	return o == ""
}

// ReplayWarning writes a warning line on stderr ("wamo: warning: …"), in
// colour when stderr allows it.
func ReplayWarning(ios *iostreams.IOStreams, msg string) {
	st := render.NewStyles(ios.ColorEnabledErr())
	fmt.Fprintf(ios.ErrOut, "wamo: %s: %s\n", st.Tone(render.ToneWarning, "warning"), render.Sanitize(msg))
}

// replayDescribeMiss says what went wrong with an attempt that was not ok:
// "slow: 241ms > 200ms", "http-error: 500", "http-error: 301 → https://…",
// "network-error: connection refused", "timeout: no answer in time".
func replayDescribeMiss(m *replay.Miss, deadline time.Duration) string {
	s := m.Outcome.String() + ": "
	switch m.Outcome {
	case replay.Slow:
		s += render.Duration(m.Total) + " > " + render.Duration(deadline)
	case replay.HTTPError:
		if m.Status != 0 {
			s += strconv.Itoa(m.Status)
			if m.Redirect != "" {
				s += " → " + m.Redirect
			}
		} else {
			s += m.Cause
		}
	case replay.Timeout:
		s += m.Cause + " (" + render.Duration(m.Total) + ")"
	default:
		s += m.Cause
	}
	return s
}

// replayAttemptLabel names a send and its attempt: "#3" or "#3 attempt 2".
func replayAttemptLabel(seq, attempt int) string {
	s := "#" + strconv.Itoa(seq+1)
	if attempt > 1 {
		s += " attempt " + strconv.Itoa(attempt)
	}
	return s
}

// VerdictReasons says why a run failed, one sentence per breach: "2 of
// 102 requests not ok: 1 slow (over 200ms), 1 network-error", "p95 96.1ms
// over the 50ms maximum".
func VerdictReasons(sum *replay.Summary, v replay.Verdict) []string {
	reasons := make([]string, 0, len(v.Breaches))
	for _, b := range v.Breaches {
		var r string
		switch b.Kind {
		case replay.NothingSent:
			r = "no request was sent"
		case replay.NotOK:
			r = strconv.Itoa(sum.Counts.Failed()) + " of " + strconv.Itoa(sum.Attempts) + " requests not ok: " + failures(sum)
		case replay.OverP95:
			r = "p95 " + render.Duration(b.Got) + " over the " + render.Duration(b.Max) + " maximum"
		case replay.OverP99:
			r = "p99 " + render.Duration(b.Got) + " over the " + render.Duration(b.Max) + " maximum"
		case replay.OverErrorRate:
			r = "error rate " + render.Percent(b.Rate) + " over the " + render.Percent(b.MaxRate) + " maximum (" + failures(sum) + ")"
		case replay.NoLatency:
			r = "no latency measured: no request was answered"
		}
		reasons = append(reasons, r)
	}
	return reasons
}

// failures lists the failed outcomes: "2 slow (over 200ms), 1 http-error".
func failures(sum *replay.Summary) string {
	var parts []string
	for _, o := range replay.Outcomes[1:] {
		n := sum.Counts[o]
		if n == 0 {
			continue
		}
		p := strconv.Itoa(n) + " " + o.String()
		if o == replay.Slow {
			p += " (over " + render.Duration(sum.Deadline) + ")"
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
