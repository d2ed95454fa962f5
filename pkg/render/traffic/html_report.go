package traffic

import (
	"fmt"
	"html"
	"html/template"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/replay"
)

// The HTML report shared by `wamo conform --output html` and `wamo replay
// --output html`: one self-contained file (inline CSS and SVG, no script,
// nothing fetched — a Content-Security-Policy says so to the browser) in the
// spirit of Autobahn's report and vegeta's plot: a verdict, a few figures,
// a table whose rows expand to show their evidence (<details>, no script),
// the latency of every answer over time with the deadline drawn, and the
// latency histogram with the deadline marked. Reporters fill an htmlReport
// from their results and call writeHTMLReport.

// htmlReport is the content of one report page.
type htmlReport struct {
	Title    string // <title> and heading
	Subtitle string
	Verdict  string // PASS, FAIL, …
	Tone     string // ok | warn | bad
	Summary  string // the verdict in a sentence
	Meta     []htmlKV
	Tiles    []htmlTile
	Caption  string // above the table
	// Columns head the table: one per row cell, then the badge's and the
	// detail's.
	Columns   []string
	Rows      []htmlRow
	Deadline  time.Duration
	Points    []htmlPoint
	Buckets   []replay.Bucket
	Generator string // "wamo 1.2.3"
}

type htmlKV struct{ K, V string }

// htmlTile is a big figure: "52 passed".
type htmlTile struct{ Value, Label, Tone string }

// htmlRow is one table row; its last cell holds Detail and the expandable
// Evidence.
type htmlRow struct {
	Cells    []string
	Badge    string // a verdict word shown as a badge in the column before Detail
	Tone     string
	Detail   string
	Evidence []htmlEvidence
}

// htmlEvidence is one request of a row and its answer.
type htmlEvidence struct {
	Title   string
	Facts   []htmlKV
	Sent    string // the first bytes of the body sent
	Answer  string // the first bytes of the answer
	Problem string
}

// htmlPoint is one answer on the latency-over-time chart.
type htmlPoint struct {
	At, Latency time.Duration
	OK          bool
	Label       string
}

// htmlFuncs and htmlTemplate are made on first use: parsing the template
// at init cost every wamo start-up (--version, validate) its time.
var htmlFuncs = template.FuncMap{
	"timeline":  func(r *htmlReport) template.HTML { return svgTimeline(r.Points, r.Deadline) },
	"histogram": func(r *htmlReport) template.HTML { return svgHistogram(r.Buckets, r.Deadline) },
	"last":      func(i int, cells []string) bool { return i == len(cells)-1 },
}

var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(htmlFuncs).Parse(htmlPage))
})

const htmlPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="{{.Generator}}">
<title>{{.Title}}</title>
<style>
:root { --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --fg: #1f2328; --dim: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 32px 0 8px; }
.sub { color: var(--dim); margin: 0 0 16px; }
.verdict { display: flex; align-items: center; gap: 12px; padding: 12px 16px; border-radius: 8px; border: 1px solid var(--line); background: var(--soft); }
.word { font-weight: 700; padding: 2px 10px; border-radius: 6px; color: #fff; }
.ok .word, .badge.ok { background: var(--ok); } .warn .word, .badge.warn { background: var(--warn); } .bad .word, .badge.bad { background: var(--bad); }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.tile { min-width: 120px; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px; }
.tile b { display: block; font-size: 22px; } .tile span { color: var(--dim); }
.tile.ok b { color: var(--ok); } .tile.warn b { color: var(--warn); } .tile.bad b { color: var(--bad); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; color: var(--dim); }
dl.meta dd { margin: 0; color: var(--fg); overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); position: sticky; top: 0; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.bad td:first-child { box-shadow: inset 3px 0 var(--bad); } tr.warn td:first-child { box-shadow: inset 3px 0 var(--warn); }
.badge { display: inline-block; min-width: 44px; text-align: center; font-size: 12px; font-weight: 700; color: #fff; padding: 1px 6px; border-radius: 4px; background: var(--dim); }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
details summary { cursor: pointer; color: var(--dim); }
details[open] summary { margin-bottom: 6px; }
.ev { border-left: 3px solid var(--line); padding: 4px 10px; margin: 6px 0; }
.ev.bad { border-left-color: var(--bad); }
.ev h4 { margin: 0 0 4px; font-size: 13px; }
.ev dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 12px; margin: 0 0 4px; }
.ev dt { color: var(--dim); } .ev dd { margin: 0; overflow-wrap: anywhere; }
.ev pre { margin: 2px 0 6px; padding: 6px 8px; background: var(--soft); border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 160px; overflow: auto; }
.problem { color: var(--bad); font-weight: 600; }
svg { max-width: 100%; height: auto; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--dim); }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis { stroke: var(--dim); stroke-width: 1; }
svg .deadline { stroke: var(--warn); stroke-width: 2; stroke-dasharray: 6 4; }
svg text.deadline-label { fill: var(--warn); font-weight: 700; }
svg .pt-ok { fill: var(--ok); fill-opacity: .7; } svg .pt-bad { fill: var(--bad); }
svg .bar-ok { fill: var(--ok); } svg .bar-over { fill: var(--bad); }
footer { margin-top: 32px; color: var(--dim); font-size: 12px; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="sub">{{.Subtitle}}</p>
<div class="verdict {{.Tone}}" id="verdict"><span class="word">{{.Verdict}}</span><span>{{.Summary}}</span></div>
<div class="tiles">{{range .Tiles}}<div class="tile {{.Tone}}"><b>{{.Value}}</b><span>{{.Label}}</span></div>{{end}}</div>
<dl class="meta">{{range .Meta}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl>
<h2>Latency over time</h2>
{{timeline .}}
<h2>Latency histogram</h2>
{{histogram .}}
<h2>{{.Caption}}</h2>
<table id="cases">
<thead><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr class="{{.Tone}}">{{$row := .}}{{range $i, $c := .Cells}}<td class="num">{{$c}}</td>{{end}}<td><span class="badge {{.Tone}}">{{.Badge}}</span></td><td>{{.Detail}}{{if .Evidence}}
<details><summary>evidence ({{len .Evidence}})</summary>{{range .Evidence}}<div class="ev{{if .Problem}} bad{{end}}"><h4>{{.Title}}</h4><dl>{{range .Facts}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl>{{if .Problem}}<div class="problem">{{.Problem}}</div>{{end}}{{if .Sent}}<div>sent</div><pre>{{.Sent}}</pre>{{end}}{{if .Answer}}<div>answer</div><pre>{{.Answer}}</pre>{{end}}</div>{{end}}</details>{{end}}</td></tr>
{{end}}</tbody>
</table>
<footer>Written by {{.Generator}}. This file is self-contained: it loads nothing and runs no script.</footer>
</body>
</html>
`

// writeHTMLReport writes the page.
func writeHTMLReport(w io.Writer, r *htmlReport) error {
	r.neutralise()
	return htmlTemplate().Execute(w, r)
}

// neutralise makes every text of the report safe to show: the template
// escapes HTML, and this takes out what a terminal or a viewer would act
// on (control characters, bidirectional overrides) whichever part of the
// report a payload, a receiver or a URL reached. Evidence keeps its lines.
func (r *htmlReport) neutralise() {
	one := func(p *string) { *p = render.Sanitize(*p) }
	lines := func(p *string) { *p = render.SanitizeLines(*p) }
	kvs := func(list []htmlKV) {
		for i := range list {
			one(&list[i].K)
			one(&list[i].V)
		}
	}
	for _, p := range []*string{&r.Title, &r.Subtitle, &r.Verdict, &r.Summary, &r.Caption, &r.Generator} {
		one(p)
	}
	kvs(r.Meta)
	for i := range r.Tiles {
		one(&r.Tiles[i].Value)
		one(&r.Tiles[i].Label)
	}
	for i := range r.Columns {
		one(&r.Columns[i])
	}
	for i := range r.Rows {
		row := &r.Rows[i]
		for j := range row.Cells {
			one(&row.Cells[j])
		}
		one(&row.Badge)
		one(&row.Detail)
		for j := range row.Evidence {
			ev := &row.Evidence[j]
			one(&ev.Title)
			one(&ev.Problem)
			kvs(ev.Facts)
			lines(&ev.Sent)
			lines(&ev.Answer)
		}
	}
	for i := range r.Points {
		one(&r.Points[i].Label)
	}
}

// Chart geometry (SVG user units).
const (
	chartW      = 960
	chartH      = 300
	chartLeft   = 70
	chartRight  = 20
	chartTop    = 20
	chartBottom = 44
)

// svgTimeline draws every answer's latency (log scale) against the time it
// was sent, failures in red, with the deadline as a dashed line.
func svgTimeline(points []htmlPoint, deadline time.Duration) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="latency-chart" viewBox="0 0 %d %d" role="img" aria-label="latency of every answer over time">`, chartW, chartH)
	if len(points) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d">no answer was measured</text></svg>`, chartW/2-60, chartH/2)
		return template.HTML(b.String())
	}
	var tmax time.Duration
	lo, hi := deadline, deadline*2
	for _, p := range points {
		tmax = max(tmax, p.At)
		if p.Latency > 0 {
			lo = min(lo, p.Latency)
		}
		hi = max(hi, p.Latency)
	}
	tmax = max(tmax, time.Millisecond)
	lo = max(decadeFloor(lo), time.Microsecond)
	hi = decadeCeil(hi)
	if hi <= lo {
		hi = lo * 10
	}
	plotW := float64(chartW - chartLeft - chartRight)
	plotH := float64(chartH - chartTop - chartBottom)
	x := func(t time.Duration) float64 { return float64(chartLeft) + float64(t)/float64(tmax)*plotW }
	llo, lhi := math.Log10(float64(lo)), math.Log10(float64(hi))
	y := func(d time.Duration) float64 {
		d = min(max(d, lo), hi)
		return float64(chartTop) + (1-(math.Log10(float64(d))-llo)/(lhi-llo))*plotH
	}
	// Decades as grid lines.
	for d := lo; d <= hi; d *= 10 {
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, chartLeft, chartW-chartRight, y(d), y(d))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, chartLeft-6, y(d)+4, html.EscapeString(render.Duration(d)))
	}
	step := niceStep(tmax, 8)
	for t := time.Duration(0); t <= tmax; t += step {
		fmt.Fprintf(&b, `<line class="axis" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>`, x(t), x(t), chartH-chartBottom, chartH-chartBottom+4)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x(t), chartH-chartBottom+16, html.EscapeString(formatAxisTime(t)))
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%d" x2="%d" y1="%d" y2="%d"/>`, chartLeft, chartW-chartRight, chartH-chartBottom, chartH-chartBottom)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">time since the start of the run</text>`, chartLeft+int(plotW/2), chartH-6)
	b.WriteString(`<g class="points">`)
	for _, p := range points {
		class := "pt-ok"
		if !p.OK {
			class = "pt-bad"
		}
		fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%.1f" r="3"><title>%s: %s at %s</title></circle>`,
			class, x(p.At), y(p.Latency), html.EscapeString(p.Label), html.EscapeString(render.Duration(p.Latency)), html.EscapeString(formatAxisTime(p.At)))
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<line class="deadline" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, chartLeft, chartW-chartRight, y(deadline), y(deadline))
	fmt.Fprintf(&b, `<text class="deadline-label" x="%d" y="%.1f" text-anchor="end">deadline %s</text>`, chartW-chartRight-4, y(deadline)-6, html.EscapeString(render.Duration(deadline)))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// svgHistogram draws the latency histogram: one bar per bucket, green up
// to the deadline and red above it, with the deadline marked between them.
func svgHistogram(buckets []replay.Bucket, deadline time.Duration) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="histogram" viewBox="0 0 %d %d" role="img" aria-label="latency histogram">`, chartW, chartH)
	if len(buckets) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d">no answer was measured</text></svg>`, chartW/2-60, chartH/2)
		return template.HTML(b.String())
	}
	peak := 1
	for _, bk := range buckets {
		peak = max(peak, bk.Count)
	}
	plotW := float64(chartW - chartLeft - chartRight)
	plotH := float64(chartH - chartTop - chartBottom)
	slot := plotW / float64(len(buckets))
	base := float64(chartH - chartBottom)
	fmt.Fprintf(&b, `<line class="axis" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, chartLeft, chartW-chartRight, base, base)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%d</text>`, chartLeft-6, chartTop+4, peak)
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">0</text>`, chartLeft-6, base)
	marked := false
	for i, bk := range buckets {
		x0 := float64(chartLeft) + float64(i)*slot
		h := float64(bk.Count) / float64(peak) * plotH
		if bk.Count > 0 {
			h = max(h, 2) // a bucket with answers is never invisible
		}
		class := "bar-ok"
		if bk.OverDeadline {
			class = "bar-over"
			if !marked && i > 0 {
				histDeadline(&b, x0, deadline, "")
			}
			marked = true
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s – %s: %d</title></rect>`,
			class, x0+slot*0.12, base-h, slot*0.76, h, html.EscapeString(render.Duration(bk.From)), html.EscapeString(render.Duration(bk.To)), bk.Count)
		if bk.Count > 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`, x0+slot/2, base-h-4, bk.Count)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">≤ %s</text>`, x0+slot/2, base+16, html.EscapeString(render.Duration(bk.To)))
	}
	if !marked {
		// Everything within the deadline: it is at the right edge, or
		// beyond it.
		label := ""
		if buckets[len(buckets)-1].To != deadline {
			label = " → (beyond every answer)"
		}
		histDeadline(&b, float64(chartW-chartRight), deadline, label)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">latency (answers per bucket)</text>`, chartLeft+int(plotW/2), chartH-6)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func histDeadline(b *strings.Builder, x float64, deadline time.Duration, note string) {
	fmt.Fprintf(b, `<line class="deadline" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>`, x, x, chartTop, chartH-chartBottom)
	fmt.Fprintf(b, `<text class="deadline-label" x="%.1f" y="%d" text-anchor="end">deadline %s%s</text>`,
		x-4, chartTop+12, html.EscapeString(render.Duration(deadline)), html.EscapeString(note))
}

// decadeFloor and decadeCeil round a duration down or up to a power of ten
// (in nanoseconds).
func decadeFloor(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Microsecond
	}
	return time.Duration(math.Pow(10, math.Floor(math.Log10(float64(d)))))
}

func decadeCeil(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Millisecond
	}
	return time.Duration(math.Pow(10, math.Ceil(math.Log10(float64(d)))))
}

// niceStep is a 1-2-5 step that cuts span into at most n parts.
func niceStep(span time.Duration, n int) time.Duration {
	raw := float64(span) / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return max(time.Duration(m*p), time.Nanosecond)
		}
	}
	return time.Duration(10 * p)
}

func formatAxisTime(t time.Duration) string {
	if t == 0 {
		return "0s"
	}
	return render.Duration(t)
}

// htmlTones are the report's CSS classes of each render.Tone.
var htmlTones = [...]string{render.ToneOK: "ok", render.ToneWarning: "warn", render.ToneError: "bad"}
