package traffic

import (
	"bufio"
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/conform"
)

// conformHTML writes the HTML report of a conformance run (see
// html_report.go): the verdict, the counts, the case table with the
// requests and answers of each case behind "evidence", the latency of
// every answer over time and the histogram.
type conformHTML struct {
	w    *bufio.Writer
	opts ConformOptions
}

func (h *conformHTML) Case(*conform.Result) {}

func (h *conformHTML) Finish(rep *conform.Report, exitCode int) error {
	word, tone, text := conformSummary(rep)
	p := rep.Profile
	r := &htmlReport{
		Title:     "wamo conform: " + p.Name + " profile",
		Subtitle:  p.Title + " → " + rep.URL,
		Verdict:   word,
		Tone:      htmlTones[tone],
		Summary:   text,
		Caption:   "Cases",
		Columns:   []string{"No.", "Case", "Area", "Level", "Latency", "Verdict", "Expectation"},
		Deadline:  rep.Deadline,
		Buckets:   rep.Histogram,
		Generator: "wamo " + h.opts.Version,
	}
	r.Tiles = []htmlTile{
		{strconv.Itoa(rep.Count(conform.Pass)), "passed", "ok"},
		{strconv.Itoa(rep.Count(conform.Fail)), "failed", "bad"},
		{strconv.Itoa(rep.Count(conform.Warn)), "warnings", "warn"},
		{strconv.Itoa(rep.Count(conform.Skip) + len(rep.NotRun)), "skipped or not run", ""},
	}
	if l := rep.Latency; l.Count > 0 {
		lt := "ok"
		if l.P99 > rep.Deadline {
			lt = "bad"
		}
		r.Tiles = append(r.Tiles, htmlTile{render.Duration(l.P99), "p99 latency (deadline " + render.Duration(rep.Deadline) + ")", lt})
	}
	signed := "no (no secret given)"
	switch {
	case p.Signer == nil:
		signed = "the provider does not sign"
	case rep.Signed:
		signed = "yes, as the provider does"
	}
	r.Meta = []htmlKV{
		{"profile", p.Name + ": " + p.Title},
		{"receiver", rep.URL},
		{"started", rep.Started.UTC().Format(time.RFC3339)},
		{"elapsed", render.Duration(rep.Elapsed)},
		{"deadline", render.Duration(rep.Deadline)},
		{"signed", signed},
		{"limits", p.Limits},
	}
	if rep.Strict {
		r.Meta = append(r.Meta, htmlKV{"strict", "recommended cases count as required"})
	}
	if h.opts.Catalogue != nil && len(h.opts.Catalogue.Omitted) > 0 {
		var ids []string
		for _, o := range h.opts.Catalogue.Omitted {
			ids = append(ids, o.ID+" ("+o.Reason+")")
		}
		r.Meta = append(r.Meta, htmlKV{"not in this profile", strings.Join(ids, "; ")})
	}
	for _, pt := range rep.Points {
		r.Points = append(r.Points, htmlPoint{At: pt.At, Latency: pt.Latency, OK: pt.OK, Label: pt.Case})
	}
	for i := range rep.Results {
		r.Rows = append(r.Rows, conformHTMLRow(&rep.Results[i]))
	}
	for _, c := range rep.NotRun {
		r.Rows = append(r.Rows, htmlRow{Cells: []string{c.Number, c.ID, c.Area.Title(), string(c.Level), ""},
			Badge: "NOT RUN", Tone: "", Detail: c.Expect})
	}
	if err := writeHTMLReport(h.w, r); err != nil {
		return err
	}
	return h.w.Flush()
}

func conformHTMLRow(res *conform.Result) htmlRow {
	c := res.Case
	lat := ""
	if (len(res.Exchanges) > 0 || res.Load != nil) && res.Verdict != conform.Skip {
		lat = render.Duration(res.Latency)
	}
	row := htmlRow{
		Cells:  []string{c.Number, c.ID, c.Area.Title(), string(c.Level), lat},
		Badge:  conformVerdictWord(res.Verdict),
		Tone:   htmlTones[conformTone(res.Verdict)],
		Detail: c.Expect,
	}
	if res.Verdict == conform.Pass {
		row.Tone = "ok"
	}
	if res.Reason != "" {
		row.Detail += " — " + res.Reason
	}
	if l := res.Load; l != nil {
		row.Detail += " (" + strconv.Itoa(l.Sends) + " deliveries at " + strconv.FormatFloat(l.Rate, 'f', -1, 64) + "/s for " +
			render.Duration(l.Duration) + ": p50 " + render.Duration(l.Latency.P50) + ", p99 " + render.Duration(l.Latency.P99) + ")"
	}
	for i := range res.Exchanges {
		ex := &res.Exchanges[i]
		// Bytes from the receiver (and the excerpt) are shown, never acted
		// on: control characters become visible even in a file someone cats.
		ev := htmlEvidence{Title: ex.Label, Problem: ex.Problem, Sent: render.SanitizeLines(ex.Excerpt),
			Answer: render.SanitizeLines(ex.Answer)}
		if ex.Excerpt != "" && ex.Bytes > len(ex.Excerpt) {
			ev.Sent += "…"
		}
		ct := ex.ContentType
		if ex.Method == "GET" {
			ct = ""
		}
		ev.Facts = append(ev.Facts, htmlKV{"request", strings.TrimSpace(ex.Method + " " + strconv.Itoa(ex.Bytes) + " bytes " + ct)})
		sig := "no"
		if ex.Signed {
			sig = "yes"
		}
		if ex.SignatureNote != "" {
			sig += " (" + ex.SignatureNote + ")"
		}
		ev.Facts = append(ev.Facts, htmlKV{"signed", sig},
			htmlKV{"answer", conformAnswer(ex, 0) + " in " + render.Duration(ex.Latency) + " (" + ex.Outcome.String() + ")"},
			htmlKV{"sent at", render.Duration(ex.Start) + " into the run"})
		row.Evidence = append(row.Evidence, ev)
	}
	return row
}
