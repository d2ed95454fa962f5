package render

import (
	"bufio"
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// validateText is the human output, one diagnostic per line in the
// compiler style editors and problem matchers understand:
//
//	FILE:LINE:COL: SEVERITY RULE-ID: MESSAGE (path PATH)
//	    <excerpt, syntax errors only>
//	    ^
//	ok   FILE  (sinch, 1 payload, 1 message)
//	FAIL FILE  (whatsapp, 1 payload, 1 message; 2 errors, 1 warning)
//	ERR  FILE  (unusable: …)
//	3 files (1 invalid, 1 unusable), 5 payloads: 4 valid, … ; 2 errors, 1 warning
//
// Colour only when the stream allows it; on a terminal the summary goes in
// a box fitted to the terminal's width.
type validateText struct {
	w     *bufio.Writer
	st    *Styles
	opts  ValidateOptions
	tty   bool
	width int

	cur         string // source being read
	firstReason string // why the source's first unusable payload was unusable
}

func newValidateText(ios *iostreams.IOStreams, w *bufio.Writer, opts ValidateOptions) *validateText {
	return &validateText{
		w:     w,
		st:    NewStyles(ios.ColorEnabled()),
		opts:  opts,
		tty:   ios.IsStdoutTTY(),
		width: ios.TerminalWidth(),
	}
}

func (t *validateText) BeginSource(name string) {
	t.cur = name
	t.firstReason = ""
}

func (t *validateText) Payload(r *validate.Result) {
	file := resultSource(r, t.cur)
	if r.Unusable && t.firstReason == "" {
		t.firstReason = r.Reason
	}
	if t.opts.Verbose {
		t.payloadLine(file, r)
	}
	for i := range r.Findings {
		t.finding(file, r, &r.Findings[i])
	}
}

// payloadLine is the verbose per-payload verdict:
// "FILE:LINE:COL: payload 2: invalid, sinch (top-level data), 1 message; 1 error".
func (t *validateText) payloadLine(file string, r *validate.Result) {
	w, st := t.w, t.st
	w.WriteString(st.Location(Location(Sanitize(file), r.Line, r.Col) + ":"))
	w.WriteString(" payload " + strconv.Itoa(r.Index+1) + ": ")
	switch {
	case r.Unusable:
		w.WriteString(st.Unusable("unusable"))
		if r.Reason != "" {
			w.WriteString(" (" + Sanitize(r.Reason) + ")")
		}
		w.WriteByte('\n')
		return
	case r.Errors > 0:
		w.WriteString(st.Fail("invalid"))
	default:
		w.WriteString(st.OK("valid"))
	}
	w.WriteString(", " + r.Format.String())
	if r.Reason != "" {
		w.WriteString(" (" + Sanitize(r.Reason) + ")")
	}
	if r.Messages > 0 || r.Statuses == 0 {
		w.WriteString(", " + Plural(r.Messages, "message"))
	}
	if r.Statuses > 0 {
		w.WriteString(", " + Plural(r.Statuses, "status"))
	}
	var probs []string
	if r.Errors > 0 {
		probs = append(probs, Plural(r.Errors, "error"))
	}
	if r.Warnings > 0 {
		probs = append(probs, Plural(r.Warnings, "warning"))
	}
	if len(probs) > 0 {
		w.WriteString("; " + strings.Join(probs, ", "))
	}
	w.WriteByte('\n')
}

func (t *validateText) finding(file string, r *validate.Result, f *diag.Finding) {
	WriteFinding(t.w, t.st, file, r, f)
}

// TextWriter is what WriteFinding writes to: a bufio.Writer or a
// strings.Builder.
type TextWriter interface {
	WriteString(s string) (int, error)
	WriteByte(c byte) error
}

// WriteFinding writes one diagnostic in the text layout, with the excerpt
// and caret lines of a syntax error.
func WriteFinding(w TextWriter, st *Styles, file string, r *validate.Result, f *diag.Finding) {
	line, col := findingPos(r, f)
	w.WriteString(st.Location(Location(Sanitize(file), line, col) + ":"))
	w.WriteByte(' ')
	w.WriteString(st.Severity(f.Severity))
	w.WriteByte(' ')
	w.WriteString(st.RuleID(FindingRule(f)))
	w.WriteString(": ")
	w.WriteString(Sanitize(f.Message))
	if f.Path != "" {
		w.WriteString(st.Path(" (path " + Sanitize(f.Path) + ")"))
	}
	w.WriteByte('\n')
	if f.Excerpt != "" {
		// One character for one: the caret stays under its character.
		excerpt := string(appendSanitized(nil, f.Excerpt, oneCell))
		w.WriteString("    " + excerpt + "\n")
		w.WriteString("    " + caretPad(excerpt, f.Caret) + st.Caret("^") + "\n")
	}
}

// caretPad is the blank space that puts a caret under the caret-th
// character (1-based) of excerpt, counting terminal cells so that wide
// characters keep it aligned.
func caretPad(excerpt string, caret int) string {
	if caret < 1 {
		caret = 1
	}
	runes := []rune(excerpt)
	if caret-1 > len(runes) {
		caret = len(runes) + 1
	}
	return strings.Repeat(" ", DisplayWidth(string(runes[:caret-1])))
}

func (t *validateText) EndSource(s *validate.Source) {
	w, st := t.w, t.st
	name := sourceName(s, t.cur)
	name = Sanitize(name)
	if sourceProblem(s) {
		msg, line, col := sourceError(s)
		w.WriteString(st.Location(Location(name, line, col) + ":"))
		w.WriteString(" " + st.Severity(diag.Error) + " " + st.RuleID(InputRuleID) + ": " + Sanitize(msg) + "\n")
	}
	var word string
	switch {
	case sourceUnusable(s):
		word = st.Unusable("ERR") + " "
	case s.Invalid > 0:
		word = st.Fail("FAIL")
	case s.Interrupted:
		word = st.Unusable("STOP")
	default:
		if t.opts.Quiet {
			break
		}
		word = st.OK("ok") + "  "
	}
	if word != "" {
		w.WriteString(word + " " + st.Location(name) + "  (" + Sanitize(sourceDetail(s, t.firstReason)) + ")\n")
	}
	if t.tty {
		w.Flush() // show progress file by file on a terminal
	}
}

func (t *validateText) Finish(sum *validate.Summary, exitCode int) error {
	tone := summaryTone(sum, exitCode)
	if !t.opts.Quiet || tone == ToneError {
		line := SummaryLine(sum)
		if t.tty {
			t.w.WriteString(t.st.Box(line, tone, t.width) + "\n")
		} else {
			t.w.WriteString(t.st.Tone(tone, line) + "\n")
		}
	}
	return t.w.Flush()
}
