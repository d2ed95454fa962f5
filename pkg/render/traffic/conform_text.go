package traffic

import (
	"bufio"
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// conformText is the human report of `wamo conform`, a line per case as it
// completes, then a summary by area and the verdict:
//
//	wamo conform: cloud profile → http://127.0.0.1:8080/hook (56 cases, deadline 200ms, signed, handshake)
//
//	  1.1    ack.audio               Acknowledgement         PASS    0.41ms
//	  2.1    dup.redelivery          Retries and duplicates  FAIL    0.52ms  409 "duplicate message wamid.…"
//	         delivery 2 of 2: the same delivery again: answered 409, not 2xx
//	  6.2    auth.unsigned           Authenticity            WARN    0.33ms  200 "{\"status\":\"received\"}"
//	         answered 200, not 4xx
//	  6.4    auth.handshake          Authenticity            SKIP            no verify token: set WAMO_VERIFY_TOKEN…
//
//	  area                     pass  fail  warn  skip
//	  Acknowledgement            38     .     .     .
//	  …
//	  total                      52     1     1     2
//
//	  latency  p50 0.4ms  p90 0.9ms  p99 3.1ms  max 12ms  over 340 answers
//
//	FAIL  1 required case failed: dup.redelivery; 1 recommended case failed (a warning): auth.unsigned
//
// Colour only when stdout allows it; answers from the receiver are
// sanitised (they never reach the terminal as control sequences). On a
// terminal each line is flushed as its case completes.
type conformText struct {
	w     *bufio.Writer
	st    *render.Styles
	opts  ConformOptions
	tty   bool
	width int
	idw   int
	lines int
}

func newConformText(ios *iostreams.IOStreams, w *bufio.Writer, opts ConformOptions) *conformText {
	t := &conformText{w: w, st: render.NewStyles(ios.ColorEnabled()), opts: opts, tty: ios.IsStdoutTTY(), width: ios.TerminalWidth()}
	for _, c := range opts.Cases {
		t.idw = max(t.idw, len(c.ID))
	}
	return t
}

// conformAreaWidth fits the longest area title, "Retries and duplicates".
const conformAreaWidth = 22

func (t *conformText) header() {
	if t.lines > 0 || t.opts.Catalogue == nil {
		return
	}
	t.lines++
	p := t.opts.Catalogue.Profile
	var notes []string
	notes = append(notes, render.Plural(len(t.opts.Cases), "case"), "deadline "+render.Duration(t.opts.Deadline))
	if p.Signer != nil {
		if t.opts.Signed {
			notes = append(notes, "signed")
		} else {
			notes = append(notes, "unsigned (no secret)")
		}
	}
	if p.Handshake != nil && t.opts.Handshake {
		notes = append(notes, "handshake")
	}
	t.w.WriteString("wamo conform: " + t.st.Location(p.Name+" profile") + " → " + render.Sanitize(t.opts.URL) +
		" (" + strings.Join(notes, ", ") + ")\n\n")
}

func (t *conformText) Case(r *conform.Result) {
	t.header()
	st := t.st
	c := r.Case
	word := replayPadRight(conformVerdictWord(r.Verdict), 4)
	lat := ""
	if (len(r.Exchanges) > 0 || r.Load != nil) && r.Verdict != conform.Skip {
		lat = render.Duration(r.Latency)
	}
	line := "  " + replayPadRight(c.Number, 6) + " " + replayPadRight(c.ID, t.idw) + "  " + replayPadRight(c.Area.Title(), conformAreaWidth) +
		"  " + st.Tone(conformTone(r.Verdict), word) + "  " + replayPadRight(lat, 8)
	indent := strings.Repeat(" ", 9)
	switch r.Verdict {
	case conform.Skip:
		line += "  " + st.Path(render.Sanitize(r.Reason))
	case conform.Fail, conform.Warn:
		if ex := firstProblem(r); ex != nil {
			room := 40
			if t.tty && t.width > 0 {
				room = max(20, t.width-render.DisplayWidth(line)-8)
			}
			line += "  " + conformAnswer(ex, room)
		}
		line += "\n" + indent + st.Path(render.Sanitize(r.Reason))
		if c.Level == conform.Recommended {
			line += st.Path(" (recommended)")
		}
	}
	t.w.WriteString(strings.TrimRight(line, " ") + "\n")
	if t.tty {
		t.w.Flush() // the user watches the run
	}
}

func (t *conformText) Finish(rep *conform.Report, exitCode int) error {
	t.header()
	w, st := t.w, t.st
	if len(rep.NotRun) > 0 {
		w.WriteString(st.Path("  … "+render.Plural(len(rep.NotRun), "case")+" not run") + "\n")
	}
	if len(rep.Areas) > 0 {
		w.WriteString("\n  " + replayPadRight("area", conformAreaWidth) + "   pass  fail  warn  skip\n")
		var total conform.AreaCount
		for _, a := range rep.Areas {
			w.WriteString(t.areaLine(a.Area.Title(), a) + "\n")
			total.Pass += a.Pass
			total.Fail += a.Fail
			total.Warn += a.Warn
			total.Skip += a.Skip
		}
		w.WriteString(t.areaLine("total", total) + "\n")
	}
	if l := rep.Latency; l.Count > 0 {
		w.WriteString("\n  latency  p50 " + render.Duration(l.P50) + "  p90 " + render.Duration(l.P90) +
			"  p99 " + render.Duration(l.P99) + "  max " + render.Duration(l.Max) +
			"  over " + render.Plural(l.Count, "answer") + ", deadline " + render.Duration(rep.Deadline) + "\n")
	}
	word, tone, text := conformSummary(rep)
	w.WriteString("\n" + st.Tone(tone, word) + "  " + render.Sanitize(text) + "\n")
	return w.Flush()
}

func (t *conformText) areaLine(title string, a conform.AreaCount) string {
	cell := func(n int, tone render.Tone) string {
		if n == 0 {
			return replayPadLeft(".", 4)
		}
		return t.st.Tone(tone, replayPadLeft(strconv.Itoa(n), 4))
	}
	return "  " + replayPadRight(title, conformAreaWidth) + "  " + cell(a.Pass, render.ToneOK) + "  " + cell(a.Fail, render.ToneError) +
		"  " + cell(a.Warn, render.ToneWarning) + "  " + cell(a.Skip, render.ToneWarning)
}
