package traffic

import (
	"bufio"
	"sort"
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// replayText is the human report of `wamo replay`:
//
//	POST http://localhost:8080/hook: 120 requests, 12 payloads in 1.02s (117.6/s), closed model, 4 connections
//
//	  ok              110   91.7%
//	  slow              5    4.2%  over 200ms
//	  http-error        3    2.5%  500 ×3
//	  network-error     2    1.7%  connection refused ×2
//	  timeout           0
//
//	latency   p50 0.36ms   p90 1.1ms   p95 1.5ms   p99 210ms   max 512ms
//	          min 0.21ms   mean 12ms   118 answered
//
//	    0 – 0.1ms  ██████████████████████  80
//	  …
//	  ─── deadline 200ms ───
//	  200 – 500ms  ██  5
//
//	slowest   sinch/image    max 512ms   mean 120ms   3 requests: 1 slow
//	…
//	FAIL  10 of 120 requests not ok: 5 slow (over 200ms), 3 http-error, 2 network-error
//
// With Verbose, one line per attempt comes first, as attempts complete.
// Colour only when stdout allows it; on a terminal the verdict sits in a
// box.
type replayText struct {
	w     *bufio.Writer
	st    *render.Styles
	opts  ReplayOptions
	tty   bool
	width int
}

func newReplayText(ios *iostreams.IOStreams, w *bufio.Writer, opts ReplayOptions) *replayText {
	return &replayText{w: w, st: render.NewStyles(ios.ColorEnabled()), opts: opts, tty: ios.IsStdoutTTY(), width: ios.TerminalWidth()}
}

// replayOutcomeWidth fits the longest outcome name, "network-error".
const replayOutcomeWidth = 13

func replayPadRight(s string, n int) string {
	if w := render.DisplayWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

func replayPadLeft(s string, n int) string {
	if w := render.DisplayWidth(s); w < n {
		return strings.Repeat(" ", n-w) + s
	}
	return s
}

// Request writes the verbose line of an attempt:
//
//	ok             200   0.362ms  sinch/text #1
//	http-error     301   0.9ms    sinch/image #4 → https://example.com/
//	network-error    -   0.1ms    sinch/text #5 attempt 2: connection refused
func (t *replayText) Request(r *replay.Result) {
	if !t.opts.Verbose {
		return
	}
	w := t.w
	w.WriteString(outcome(t.st, r.Outcome, replayPadRight(r.Outcome.String(), replayOutcomeWidth)))
	status := "-"
	if r.Status != 0 {
		status = strconv.Itoa(r.Status)
	}
	w.WriteString(" " + replayPadLeft(status, 3) + "  " + replayPadRight(render.Duration(r.Total), 8) + " ")
	w.WriteString(t.st.Location(render.Sanitize(r.Target)) + " " + replayAttemptLabel(r.Seq, r.Attempt))
	switch {
	case r.Redirect != "":
		w.WriteString(" → " + render.Sanitize(r.Redirect))
	case r.Cause != "":
		w.WriteString(": " + render.Sanitize(r.Cause))
	}
	w.WriteByte('\n')
}

func (t *replayText) Finish(sum *replay.Summary, v replay.Verdict, exitCode int) error {
	w, st := t.w, t.st
	if t.opts.Verbose && sum.Attempts+sum.Canceled > 0 {
		w.WriteByte('\n')
	}
	w.WriteString(replayHeadline(st, sum) + "\n\n")
	t.outcomes(sum)
	t.latency(sum)
	t.slowest(sum)
	t.deliveries(sum)
	if sum.Redirects > 0 {
		w.WriteString("\n" + st.Tone(render.ToneWarning, "redirects") + "   " + render.Plural(sum.Redirects, "answer") +
			" redirected (Location: " + render.Sanitize(sum.RedirectTo) + "); a webhook should answer itself, not redirect\n")
	}
	if sum.Interrupted {
		w.WriteString("\n" + st.Tone(render.ToneWarning, "interrupted") + " after " + render.Duration(sum.Elapsed) +
			": the report covers what was measured until then\n")
	}
	w.WriteByte('\n')
	t.verdict(sum, v, exitCode)
	return w.Flush()
}

// outcomes is a line per outcome: count, share, and what it was.
func (t *replayText) outcomes(sum *replay.Summary) {
	w, st := t.w, t.st
	total := sum.Attempts
	for _, o := range replay.Outcomes {
		n := sum.Counts[o]
		line := "  " + replayPadRight(o.String(), replayOutcomeWidth) + " " + replayPadLeft(strconv.Itoa(n), 7)
		if total > 0 {
			line += "  " + replayPadLeft(strconv.FormatFloat(100*float64(n)/float64(total), 'f', 1, 64)+"%", 6)
		}
		if n > 0 {
			line = outcome(st, o, line)
			if d := replayOutcomeDetail(sum, o); d != "" {
				line += "  " + st.Path(d)
			}
		}
		w.WriteString(line + "\n")
	}
	if sum.Canceled > 0 {
		w.WriteString("  " + replayPadRight("interrupted", replayOutcomeWidth) + " " + replayPadLeft(strconv.Itoa(sum.Canceled), 7) +
			st.Path("  cut short by the interruption, not counted") + "\n")
	}
}

// latency is the percentiles and the histogram, when anything was measured.
func (t *replayText) latency(sum *replay.Summary) {
	l := sum.Latency
	if l.Count == 0 {
		return
	}
	f := render.Duration
	t.w.WriteString("\nlatency   " + strings.Join([]string{"p50 " + f(l.P50), "p90 " + f(l.P90), "p95 " + f(l.P95),
		"p99 " + f(l.P99), "max " + f(l.Max)}, "   ") + "\n")
	t.w.WriteString("          " + t.st.Path("min "+f(l.Min)+"   mean "+f(l.Mean)+"   "+render.Plural(l.Count, "request")+
		" measured") + "\n")
	t.histogram(sum)
}

// slowest lists the slowest targets, when there is more than one.
func (t *replayText) slowest(sum *replay.Summary) {
	if len(sum.Targets) <= 1 {
		return
	}
	slow := sum.Slowest(t.opts.Top)
	if len(slow) == 0 {
		return
	}
	w, st := t.w, t.st
	w.WriteString("\nslowest\n")
	nameW := 0
	for _, ts := range slow {
		nameW = max(nameW, render.DisplayWidth(render.Sanitize(ts.Name)))
	}
	for _, ts := range slow {
		line := "  " + st.Location(replayPadRight(render.Sanitize(ts.Name), nameW)) + "   max " + replayPadRight(render.Duration(ts.Max), 8) +
			" mean " + replayPadRight(render.Duration(ts.Mean()), 8) + " " + render.Plural(ts.Attempts, "request")
		if d := replayTargetFailures(&ts.Counts); d != "" {
			line += ": " + st.Tone(render.ToneError, d)
		}
		w.WriteString(line + "\n")
	}
}

// deliveries tells, when there were retries, on which attempt payloads
// were delivered, listing those not delivered at once.
func (t *replayText) deliveries(sum *replay.Summary) {
	if sum.Retries == 0 {
		return
	}
	w, st := t.w, t.st
	w.WriteString("\ndeliveries  " + replayDeliveries(sum.DeliveredOn, sum.Undelivered) + "\n")
	listed, more := 0, 0
	for i := range sum.Targets {
		ts := &sum.Targets[i]
		if ts.Undelivered == 0 && len(ts.DeliveredOn) <= 1 {
			continue // delivered at once, every time
		}
		if listed == 2*t.opts.Top {
			more++
			continue
		}
		listed++
		text := replayDeliveries(ts.DeliveredOn, ts.Undelivered)
		if ts.Undelivered > 0 {
			text = st.Tone(render.ToneError, text)
		}
		w.WriteString("  " + st.Location(render.Sanitize(ts.Name)) + ": " + text + "\n")
	}
	if more > 0 {
		w.WriteString("  … and " + render.Plural(more, "more payload") + " retried\n")
	}
}

// verdict is the last line, boxed and toned on a terminal.
func (t *replayText) verdict(sum *replay.Summary, v replay.Verdict, exitCode int) {
	verdict := replayVerdictLine(t.st, sum, v, t.opts.Thresholds, exitCode)
	if !t.tty {
		t.w.WriteString(verdict + "\n")
		return
	}
	tone := render.ToneOK
	switch {
	case sum.Interrupted:
		tone = render.ToneWarning
	case !v.Pass || exitCode != 0:
		tone = render.ToneError
	}
	t.w.WriteString(t.st.Box(verdict, tone, t.width) + "\n")
}

// replayHeadline is the first line of the report.
func replayHeadline(st *render.Styles, sum *replay.Summary) string {
	model := "closed model, " + render.Plural(sum.Concurrency, "connection")
	if sum.Rate > 0 {
		model = "open model at " + strconv.FormatFloat(sum.Rate, 'f', -1, 64) + "/s"
	}
	return st.Location(sum.Method+" "+render.Sanitize(sum.URL)) + ": " + render.Plural(sum.Attempts, "request") + ", " +
		render.Plural(len(sum.Targets), "payload") + " in " + render.Duration(sum.Elapsed) +
		" (" + strconv.FormatFloat(sum.Throughput(), 'f', 1, 64) + "/s), " + model +
		", deadline " + render.Duration(sum.Deadline)
}

// replayOutcomeDetail is the note after an outcome's count.
func replayOutcomeDetail(sum *replay.Summary, o replay.Outcome) string {
	switch o {
	case replay.Slow:
		return "over " + render.Duration(sum.Deadline)
	case replay.HTTPError:
		var codes []int
		for c := range sum.Statuses {
			if c < 200 || c >= 300 {
				codes = append(codes, c)
			}
		}
		sort.Ints(codes)
		var parts []string
		for _, c := range codes {
			parts = append(parts, strconv.Itoa(c)+" ×"+strconv.Itoa(sum.Statuses[c]))
		}
		if n := sum.Causes["too many redirects"]; n > 0 {
			parts = append(parts, "too many redirects ×"+strconv.Itoa(n))
		}
		return strings.Join(parts, ", ")
	case replay.NetworkError, replay.Timeout:
		var parts []string
		for _, c := range sum.TopCauses() {
			if replayCauseOutcome(c) == o {
				parts = append(parts, render.Sanitize(c)+" ×"+strconv.Itoa(sum.Causes[c]))
			}
		}
		return strings.Join(parts, ", ")
	}
	return ""
}

// replayCauseOutcome tells which outcome a cause belongs to (timeouts have the
// three causes below).
func replayCauseOutcome(c string) replay.Outcome {
	switch c {
	case "body not complete in time", "no answer in time", "could not connect in time":
		return replay.Timeout
	case "too many redirects":
		return replay.HTTPError
	}
	return replay.NetworkError
}

// replayTargetFailures is "1 slow, 2 http-error" for a target, "" when all ok.
func replayTargetFailures(c *replay.Counts) string {
	var parts []string
	for _, o := range replay.Outcomes[1:] {
		if c[o] > 0 {
			parts = append(parts, strconv.Itoa(c[o])+" "+o.String())
		}
	}
	return strings.Join(parts, ", ")
}

// replayDeliveries says on which attempt sends were delivered: "delivered on
// attempt 3", "never delivered", or "2 delivered on attempt 1, 1 on
// attempt 3, 1 never".
func replayDeliveries(on []int, never int) string {
	sends := never
	for _, n := range on {
		sends += n
	}
	if sends == 1 {
		for k, n := range on {
			if n > 0 {
				return "delivered on attempt " + strconv.Itoa(k+1)
			}
		}
		return "never delivered"
	}
	var parts []string
	first := true
	for k, n := range on {
		if n == 0 {
			continue
		}
		if first {
			parts = append(parts, strconv.Itoa(n)+" delivered on attempt "+strconv.Itoa(k+1))
			first = false
		} else {
			parts = append(parts, strconv.Itoa(n)+" on attempt "+strconv.Itoa(k+1))
		}
	}
	if never > 0 {
		parts = append(parts, strconv.Itoa(never)+" never")
	}
	if len(parts) == 0 {
		return "nothing delivered"
	}
	return strings.Join(parts, ", ")
}

// histogram draws the latency histogram, one bar per bucket, with the
// deadline marked between the buckets below and above it.
func (t *replayText) histogram(sum *replay.Summary) {
	buckets := sum.Histogram()
	if len(buckets) == 0 {
		return
	}
	w, st := t.w, t.st
	labels := make([]string, len(buckets))
	labelW, most := 0, 0
	for i, b := range buckets {
		labels[i] = render.Duration(b.From) + " – " + render.Duration(b.To)
		if b.From == 0 {
			labels[i] = "≤ " + render.Duration(b.To)
		}
		labelW = max(labelW, render.DisplayWidth(labels[i]))
		most = max(most, b.Count)
	}
	barW := min(max(t.width-labelW-22, 10), 50)
	mark := func() {
		text := "── deadline " + render.Duration(sum.Deadline) + " "
		text += strings.Repeat("─", max(labelW+barW+4-render.DisplayWidth(text), 3))
		w.WriteString("  " + deadlineMark(st, text) + "\n")
	}
	w.WriteByte('\n')
	marked := false
	for i, b := range buckets {
		if b.OverDeadline && !marked {
			mark()
			marked = true
		}
		cells := float64(b.Count) * float64(barW) / float64(most)
		pct := strconv.FormatFloat(100*float64(b.Count)/float64(sum.Latency.Count), 'f', 1, 64) + "%"
		line := "  " + replayPadLeft(labels[i], labelW) + "  " + histogramBar(st, cells, b.OverDeadline)
		line += strings.Repeat(" ", barW+1-render.DisplayWidth(replayBarString(cells))) + replayPadLeft(strconv.Itoa(b.Count), 6) + "  " + replayPadLeft(pct, 6)
		w.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	if !marked {
		mark()
	}
}

// replayVerdictLine is "PASS  …", "FAIL  …", or for a run stopped by
// Ctrl-C "INTERRUPTED  so far …".
func replayVerdictLine(st *render.Styles, sum *replay.Summary, v replay.Verdict, th replay.Thresholds, exitCode int) string {
	word, text := replayVerdict(st, sum, v, th, exitCode)
	if sum.Interrupted {
		return st.Tone(render.ToneWarning, "INTERRUPTED") + "  so far: " + text
	}
	return word + "  " + text
}

func replayVerdict(st *render.Styles, sum *replay.Summary, v replay.Verdict, th replay.Thresholds, exitCode int) (word, text string) {
	if sum.Unreachable() && exitCode == 4 {
		causes := sum.TopCauses()
		detail := ""
		if len(causes) > 0 {
			detail = ": " + render.Sanitize(causes[0])
		}
		return st.Fail("FAIL"), "nothing could be reached at " + render.Sanitize(sum.URL) + detail
	}
	if !v.Pass {
		return st.Fail("FAIL"), strings.Join(VerdictReasons(sum, v), "; ")
	}
	if !v.SLO {
		return st.OK("PASS"), "every request answered 2xx within " + render.Duration(sum.Deadline)
	}
	var met []string
	if th.MaxP95 > 0 {
		met = append(met, "p95 "+render.Duration(sum.Latency.P95)+" ≤ "+render.Duration(th.MaxP95))
	}
	if th.MaxP99 > 0 {
		met = append(met, "p99 "+render.Duration(sum.Latency.P99)+" ≤ "+render.Duration(th.MaxP99))
	}
	if th.CheckErrorRate {
		met = append(met, "error rate "+render.Percent(sum.ErrorRate())+" ≤ "+render.Percent(th.MaxErrorRate))
	}
	return st.OK("PASS"), strings.Join(met, ", ")
}
