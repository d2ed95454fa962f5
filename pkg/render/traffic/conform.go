package traffic

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// ConformOutputs lists the values accepted by `wamo conform --output`, the
// default first.
var ConformOutputs = []string{"text", "json", "junit", "html"}

// ConformReporter receives the cases of `wamo conform` as they complete,
// then the report. Calls come from one goroutine: Case… then Finish once.
type ConformReporter interface {
	// Case reports one case as soon as it is judged (text writes its line).
	Case(r *conform.Result)
	// Finish writes the report, flushes, and returns the first write error.
	Finish(rep *conform.Report, exitCode int) error
}

// ConformOptions configure a ConformReporter.
type ConformOptions struct {
	// Output is one of ConformOutputs; "" means text.
	Output string
	// Version is wamo's version, recorded by the JSON, JUnit and HTML outputs.
	Version string
	// Catalogue and Cases say what the run is about to do (the text
	// header, the number of cases).
	Catalogue *conform.Catalogue
	Cases     []*conform.Case
	// URL is the receiver; Deadline the acknowledgement deadline.
	URL      string
	Deadline time.Duration
	// Signed and Handshake say whether a secret and a verify token were given.
	Signed, Handshake bool
}

// NewConformReporter returns the reporter for opts.Output, writing to
// ios.Out, or an error for an unknown output.
func NewConformReporter(ios *iostreams.IOStreams, opts ConformOptions) (ConformReporter, error) {
	if opts.Version == "" {
		opts.Version = "dev"
	}
	w := bufio.NewWriterSize(ios.Out, 64<<10)
	switch opts.Output {
	case "", "text":
		return newConformText(ios, w, opts), nil
	case "json":
		return &conformJSON{w: w, opts: opts}, nil
	case "junit":
		return &conformJUnit{w: w, opts: opts}, nil
	case "html":
		return &conformHTML{w: w, opts: opts}, nil
	}
	return nil, fmt.Errorf("unknown output %q: want %s", opts.Output, strings.Join(ConformOutputs, ", "))
}

// ConformList writes the catalogue (`wamo conform --list`): a table on a
// terminal or a pipe, or with output "json" a JSON array of
// {"number","id","area","area_title","level","expect"}, then the cases the
// profile leaves out and why.
func ConformList(ios *iostreams.IOStreams, cat *conform.Catalogue, cases []*conform.Case, output string) error {
	w := bufio.NewWriter(ios.Out)
	if output == "json" {
		out := make([]conformJSONCaseInfo, 0, len(cases))
		for _, c := range cases {
			out = append(out, conformCaseInfo(c))
		}
		return writeIndentedJSON(w, out)
	}
	st := render.NewStyles(ios.ColorEnabled())
	p := cat.Profile
	fmt.Fprintf(w, "%s: %d cases (%s)\n", st.Location(p.Name+" profile"), len(cases), p.Title)
	fmt.Fprintf(w, "%s\n", st.Path("limits: "+p.Limits))
	idw := 0
	for _, c := range cases {
		idw = max(idw, len(c.ID))
	}
	area := conform.Area("")
	for _, c := range cases {
		if c.Area != area {
			area = c.Area
			fmt.Fprintf(w, "\n%s\n", st.Location(strconv.Itoa(area.Number())+"  "+area.Title()))
		}
		level := "required   "
		if c.Level == conform.Recommended {
			level = st.Path("recommended")
		}
		fmt.Fprintf(w, "  %-6s %s  %s  %s\n", c.Number, replayPadRight(c.ID, idw), level, c.Expect)
	}
	if len(cat.Omitted) > 0 {
		fmt.Fprintf(w, "\n%s\n", st.Path("not in the "+p.Name+" profile:"))
		for _, o := range cat.Omitted {
			fmt.Fprintf(w, "%s\n", st.Path("  "+o.ID+": "+o.Reason))
		}
	}
	return w.Flush()
}

// conformVerdictWord is the word a verdict is shown as.
func conformVerdictWord(v conform.Verdict) string { return strings.ToUpper(string(v)) }

// conformTone is the tone of a verdict.
func conformTone(v conform.Verdict) render.Tone {
	switch v {
	case conform.Pass:
		return render.ToneOK
	case conform.Fail:
		return render.ToneError
	}
	return render.ToneWarning
}

// conformSummary says in one line how the run ended:
// "PASS  every required case passed (56 cases)",
// "FAIL  2 required cases failed: dup.redelivery, dup.burst; 1 recommended case failed: auth.unsigned".
func conformSummary(rep *conform.Report) (word string, tone render.Tone, text string) {
	fails, warns := rep.FailedIDs(conform.Fail), rep.FailedIDs(conform.Warn)
	var parts []string
	if len(fails) > 0 {
		what := "required"
		if rep.Strict {
			what = "required or recommended (--strict)"
		}
		parts = append(parts, render.Plural(len(fails), what+" case")+" failed: "+strings.Join(fails, ", "))
	}
	if len(warns) > 0 {
		parts = append(parts, render.Plural(len(warns), "recommended case")+" failed (a warning): "+strings.Join(warns, ", "))
	}
	switch {
	case rep.Unreachable:
		return "UNREACHABLE", render.ToneError, "could not reach " + rep.URL + ": " + rep.UnreachableCause
	case rep.Interrupted:
		text = "interrupted after " + render.Plural(len(rep.Results), "case") + ", " + strconv.Itoa(len(rep.NotRun)) + " not run"
		if len(parts) > 0 {
			text += "; " + strings.Join(parts, "; ")
		}
		return "INTERRUPTED", render.ToneWarning, text
	case len(fails) > 0:
		return "FAIL", render.ToneError, strings.Join(parts, "; ")
	}
	text = "every required case passed (" + render.Plural(len(rep.Results)-rep.Count(conform.Skip), "case") + " run"
	if n := rep.Count(conform.Skip); n > 0 {
		text += ", " + strconv.Itoa(n) + " skipped"
	}
	text += ")"
	if len(warns) > 0 {
		text += "; " + strings.Join(parts, "; ")
		return "PASS", render.ToneWarning, text
	}
	return "PASS", render.ToneOK, text
}

// conformAnswer describes an exchange's answer in a few words: `409
// "duplicate message…"`, `no answer (connection reset)`.
func conformAnswer(ex *conform.Exchange, width int) string {
	s := ""
	switch {
	case ex.Status != 0:
		s = strconv.Itoa(ex.Status)
	case ex.Outcome == replay.Timeout:
		s = "no answer in time"
	default:
		s = "no answer"
		if ex.Cause != "" {
			s += " (" + ex.Cause + ")"
		}
	}
	if a := strings.TrimSpace(ex.Answer); a != "" && width > 0 {
		s += " " + truncateCells(strconv.Quote(render.Sanitize(a)), width)
	}
	return s
}

// truncateCells cuts s to at most n cells, ending with "…" when cut.
func truncateCells(s string, n int) string {
	if render.DisplayWidth(s) <= n {
		return s
	}
	var b strings.Builder
	w := 0
	for _, r := range s {
		rw := render.DisplayWidth(string(r))
		if w+rw > n-1 {
			break
		}
		b.WriteRune(r)
		w += rw
	}
	return b.String() + "…"
}

// firstProblem returns the first exchange of a result that did not meet
// the expectation, or nil.
func firstProblem(r *conform.Result) *conform.Exchange {
	for i := range r.Exchanges {
		if r.Exchanges[i].Problem != "" {
			return &r.Exchanges[i]
		}
	}
	return nil
}

// writeIndentedJSON writes v as indented JSON (<, > and & as they are) and
// flushes.
func writeIndentedJSON(w *bufio.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	return w.Flush()
}

func ms(d float64) float64 { return float64(int64(d*1000+0.5)) / 1000 }

// ConformProgress draws "conform 12/56 ack.text" on stderr as cases
// complete, for outputs that print nothing until the end. It draws only
// when stderr is a terminal and stdout is not (a report going to a file or
// a pipe), and erases itself before the report is written.
type ConformProgress struct {
	ios     *iostreams.IOStreams
	enabled bool
	total   int
	done    int
	drawn   bool
}

// NewConformProgress returns the progress line of a run of total cases.
func NewConformProgress(ios *iostreams.IOStreams, total int) *ConformProgress {
	return &ConformProgress{ios: ios, enabled: ios.IsStderrTTY() && !ios.IsStdoutTTY(), total: total}
}

// Case counts a completed case and redraws the line.
func (p *ConformProgress) Case(r *conform.Result) {
	p.done++
	if !p.enabled {
		return
	}
	st := render.NewStyles(p.ios.ColorEnabledErr())
	fmt.Fprintf(p.ios.ErrOut, "\r\x1b[Kconform %d/%d %s %s", p.done, p.total,
		st.Tone(conformTone(r.Verdict), conformVerdictWord(r.Verdict)), r.Case.ID)
	p.drawn = true
}

// Clear erases the line.
func (p *ConformProgress) Clear() {
	if p.drawn {
		fmt.Fprint(p.ios.ErrOut, "\r\x1b[K")
		p.drawn = false
	}
}
