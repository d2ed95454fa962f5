package traffic

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/replay"
)

// replayJUnit writes JUnit XML for CI servers, one test case per target:
//
//	<testsuites name="wamo replay" tests= failures= errors="0" time=>
//	  <testsuite name="POST URL" tests= failures= errors="0" skipped= time=>
//	    <testcase classname="wamo.replay" name=TARGET time=MEAN>
//	      <failure message="1 of 3 requests not ok: 1 slow" type="slow">one line per miss</failure>
//	      <system-out>3 requests, mean 60ms, max 240ms; delivered on attempt 2</system-out>
//
// A target fails when any of its attempts was not ok (slow, http-error,
// network-error, timeout); a target never sent (interrupted run) is
// skipped. With thresholds, a test case "SLO" carries their verdict.
type replayJUnit struct {
	w    *bufio.Writer
	opts ReplayOptions
}

func newReplayJUnit(w *bufio.Writer, opts ReplayOptions) *replayJUnit {
	return &replayJUnit{w: w, opts: opts}
}

func (j *replayJUnit) Request(*replay.Result) {}

func replaySeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
}

func (j *replayJUnit) Finish(sum *replay.Summary, v replay.Verdict, exitCode int) error {
	cases := make([]render.JUnitCase, 0, len(sum.Targets)+1)
	for i := range sum.Targets {
		cases = append(cases, replayJUnitTarget(sum, &sum.Targets[i]))
	}
	if tc, ok := replayJUnitVerdict(sum, v, exitCode); ok {
		cases = append(cases, tc)
	}
	failures, skipped := 0, 0
	for i := range cases {
		if cases[i].Failure != nil {
			failures++
		}
		if cases[i].Skipped != nil {
			skipped++
		}
	}

	w := j.w
	w.WriteString(render.JUnitHeader("wamo replay", j.opts.Version))
	fmt.Fprintf(w, "<testsuites name=\"wamo replay\" tests=\"%d\" failures=\"%d\" errors=\"0\" time=\"%s\">\n",
		len(cases), failures, replaySeconds(sum.Elapsed))
	var attr strings.Builder
	xml.EscapeText(&attr, []byte(sum.Method+" "+render.Sanitize(sum.URL)))
	fmt.Fprintf(w, "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%s\">\n",
		attr.String(), len(cases), failures, skipped, replaySeconds(sum.Elapsed))
	enc := xml.NewEncoder(w)
	enc.Indent("    ", "  ")
	for i := range cases {
		if err := enc.Encode(&cases[i]); err != nil {
			return err
		}
	}
	w.WriteString("\n  </testsuite>\n</testsuites>\n")
	return w.Flush()
}

// replayJUnitTarget is the test case of one payload: skipped when never
// sent, failed when any request was not ok.
func replayJUnitTarget(sum *replay.Summary, t *replay.TargetStats) render.JUnitCase {
	tc := render.JUnitCase{Classname: "wamo.replay", Name: render.Sanitize(t.Name), Time: replaySeconds(t.Mean())}
	if t.Attempts == 0 {
		tc.Skipped = &render.JUnitSkipped{}
		return tc
	}
	out := render.Plural(t.Attempts, "request") + ", mean " + render.Duration(t.Mean()) + ", max " + render.Duration(t.Max)
	if t.Measured == 0 {
		out = render.Plural(t.Attempts, "request") + ", none answered"
	}
	if sum.Retries > 0 {
		out += "; " + replayDeliveries(t.DeliveredOn, t.Undelivered)
	}
	tc.SystemOut = &render.JUnitOutput{Text: out}
	failed := t.Counts.Failed()
	if failed == 0 {
		return tc
	}
	lines := make([]string, 0, len(t.Misses)+1)
	for k := range t.Misses {
		m := &t.Misses[k]
		line := replayAttemptLabel(m.Seq, m.Attempt) + ": " + render.Sanitize(replayDescribeMiss(m, sum.Deadline))
		if m.Err != "" && m.Outcome == replay.NetworkError {
			line += " (" + render.Sanitize(m.Err) + ")"
		}
		lines = append(lines, line)
	}
	if t.MissCount > len(t.Misses) {
		lines = append(lines, fmt.Sprintf("… and %d more", t.MissCount-len(t.Misses)))
	}
	tc.Failure = &render.JUnitProblem{
		Message: fmt.Sprintf("%d of %d requests not ok: %s", failed, t.Attempts, replayTargetFailures(&t.Counts)),
		Type:    t.Misses[0].Outcome.String(),
		Text:    strings.Join(lines, "\n"),
	}
	return tc
}

// replayJUnitVerdict is the test case of the SLO, or of reachability when
// nothing could be reached; ok is false when there is neither.
func replayJUnitVerdict(sum *replay.Summary, v replay.Verdict, exitCode int) (render.JUnitCase, bool) {
	unreachable := sum.Unreachable() && exitCode == 4
	if !v.SLO && !unreachable {
		return render.JUnitCase{}, false
	}
	tc := render.JUnitCase{Classname: "wamo.replay", Name: "SLO", Time: replaySeconds(sum.Elapsed)}
	if unreachable {
		tc.Name = "reachability"
	}
	if !v.Pass || exitCode == 4 {
		msg := strings.Join(VerdictReasons(sum, v), "; ")
		if exitCode == 4 {
			msg = "nothing could be reached at " + render.Sanitize(sum.URL)
		}
		tc.Failure = &render.JUnitProblem{Message: msg, Type: "verdict", Text: msg}
	}
	return tc, true
}
