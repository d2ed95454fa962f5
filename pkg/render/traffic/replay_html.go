package traffic

import (
	"bufio"
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// replayHTML writes the HTML report of a replay run, the same page as
// `wamo conform --output html` (html_report.go): the verdict, the counts,
// one row per payload with its failed attempts behind "evidence", the
// latency of every attempt over time (an even sample of at most
// conform.MaxPoints, so memory stays bounded however long the run) and the
// histogram with the deadline.
type replayHTML struct {
	w        *bufio.Writer
	opts     ReplayOptions
	timeline conform.Timeline
}

func (h *replayHTML) Request(r *replay.Result) {
	if r.Outcome == replay.Canceled || (r.Status == 0 && r.Outcome != replay.Timeout) {
		return // no latency to speak of
	}
	label := r.Target + " " + replayAttemptLabel(r.Seq, r.Attempt)
	h.timeline.Add(conform.Point{At: r.Scheduled.Sub(h.opts.Started), Latency: r.Total, OK: r.Outcome == replay.OK, Case: label})
}

func (h *replayHTML) Finish(sum *replay.Summary, v replay.Verdict, exitCode int) error {
	word, tone, text := "PASS", render.ToneOK, "every request answered 2xx within "+render.Duration(sum.Deadline)
	switch {
	case exitCode == 4:
		word, tone, text = "UNREACHABLE", render.ToneError, "nothing could be reached at "+sum.URL
	case sum.Interrupted:
		word, tone, text = "INTERRUPTED", render.ToneWarning, "stopped after "+render.Plural(sum.Attempts, "request")
	case !v.Pass:
		word, tone, text = "FAIL", render.ToneError, strings.Join(VerdictReasons(sum, v), "; ")
	case v.SLO:
		text = "every threshold met"
	}
	model := "closed model, " + render.Plural(sum.Concurrency, "connection")
	if sum.Rate > 0 {
		model = "open model at " + strconv.FormatFloat(sum.Rate, 'f', -1, 64) + "/s"
	}
	r := &htmlReport{
		Title:     "wamo replay: " + sum.Method + " " + sum.URL,
		Subtitle:  render.Plural(sum.Attempts, "request") + ", " + render.Plural(len(sum.Targets), "payload") + " in " + render.Duration(sum.Elapsed) + ", " + model,
		Verdict:   word,
		Tone:      htmlTones[tone],
		Summary:   text,
		Caption:   "Payloads",
		Columns:   []string{"Payload", "Sends", "Attempts", "OK", "Not OK", "Mean", "Max", "Verdict", "Detail"},
		Deadline:  sum.Deadline,
		Buckets:   sum.Histogram(),
		Generator: "wamo " + h.opts.Version,
	}
	r.Tiles = []htmlTile{
		{strconv.Itoa(sum.Counts[replay.OK]), "ok", "ok"},
		{strconv.Itoa(sum.Counts[replay.Slow]), "slow (over " + render.Duration(sum.Deadline) + ")", "warn"},
		{strconv.Itoa(sum.Counts[replay.HTTPError] + sum.Counts[replay.NetworkError] + sum.Counts[replay.Timeout]), "errors and timeouts", "bad"},
	}
	if l := sum.Latency; l.Count > 0 {
		lt := "ok"
		if l.P99 > sum.Deadline {
			lt = "bad"
		}
		r.Tiles = append(r.Tiles, htmlTile{render.Duration(l.P50), "p50 latency", ""},
			htmlTile{render.Duration(l.P99), "p99 latency", lt})
	}
	r.Meta = []htmlKV{
		{"url", sum.Method + " " + sum.URL},
		{"started", sum.Started.UTC().Format(time.RFC3339)},
		{"elapsed", render.Duration(sum.Elapsed)},
		{"deadline", render.Duration(sum.Deadline)},
		{"timeout", render.Duration(sum.Timeout)},
		{"retries", strconv.Itoa(sum.Retries)},
	}
	for _, p := range h.timeline.Points() {
		r.Points = append(r.Points, htmlPoint{At: p.At, Latency: p.Latency, OK: p.OK, Label: p.Case})
	}
	for i := range sum.Targets {
		r.Rows = append(r.Rows, replayHTMLRow(sum, &sum.Targets[i]))
	}
	if err := writeHTMLReport(h.w, r); err != nil {
		return err
	}
	return h.w.Flush()
}

func replayHTMLRow(sum *replay.Summary, t *replay.TargetStats) htmlRow {
	failed := t.Counts.Failed()
	row := htmlRow{
		Cells: []string{t.Name, strconv.Itoa(t.Sends), strconv.Itoa(t.Attempts), strconv.Itoa(t.Counts[replay.OK]), strconv.Itoa(failed),
			render.Duration(t.Mean()), render.Duration(t.Max)},
		Badge: "OK", Tone: "ok",
	}
	switch {
	case t.Attempts == 0:
		row.Badge, row.Tone, row.Detail = "NOT SENT", "", "not sent before the run stopped"
	case failed > 0:
		row.Badge, row.Tone = "FAIL", "bad"
		row.Detail = strconv.Itoa(failed) + " of " + render.Plural(t.Attempts, "request") + " not ok: " + replayTargetFailures(&t.Counts)
	default:
		row.Detail = "every request answered 2xx within " + render.Duration(sum.Deadline)
	}
	if sum.Retries > 0 && t.Attempts > 0 {
		row.Detail += "; " + replayDeliveries(t.DeliveredOn, t.Undelivered)
	}
	for k := range t.Misses {
		m := &t.Misses[k]
		ev := htmlEvidence{Title: replayAttemptLabel(m.Seq, m.Attempt), Problem: replayDescribeMiss(m, sum.Deadline)}
		ev.Facts = append(ev.Facts, htmlKV{"outcome", m.Outcome.String()}, htmlKV{"latency", render.Duration(m.Total)})
		if m.Status != 0 {
			ev.Facts = append(ev.Facts, htmlKV{"status", strconv.Itoa(m.Status)})
		}
		if m.Err != "" {
			ev.Facts = append(ev.Facts, htmlKV{"error", m.Err})
		}
		row.Evidence = append(row.Evidence, ev)
	}
	if t.MissCount > len(t.Misses) {
		row.Detail += " (the first " + strconv.Itoa(len(t.Misses)) + " of " + strconv.Itoa(t.MissCount) + " shown)"
	}
	return row
}
