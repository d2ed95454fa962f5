package render

import (
	"errors"
	"io"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// InputNotes writes on stderr what the input pipeline has to say about
// sources as a whole, in the layout of every command's diagnostics:
//
//	FILE:LINE:COL: error input: MESSAGE   a source not read to the end
//	FILE: error input: interrupted …      a source the Ctrl-C stopped
//	FILE: note: skipped, REASON           a file found in a directory that is not a payload
//
// show, convert, redact and replay write all three; validate, whose
// reporters carry errors and interruptions in every output format, only
// the notes.
type InputNotes struct {
	w     io.Writer
	st    *Styles
	flush func()
	// Quiet drops the notes about skipped files (errors are still written).
	Quiet bool
}

// NewInputNotes returns the notes of a command writing to ios. flush, when
// not nil, is called before each line, so that what the command wrote on
// stdout so far comes first on a terminal.
func NewInputNotes(ios *iostreams.IOStreams, flush func()) *InputNotes {
	return &InputNotes{w: ios.ErrOut, st: NewStyles(ios.ColorEnabledErr()), flush: flush}
}

// End writes what an outcome calls for: a note for a skipped file, an
// error for a source that failed or was interrupted; nothing for a source
// read to the end. It reports whether it wrote an error.
func (n *InputNotes) End(o *input.Outcome) bool {
	switch {
	case o.Skipped != "":
		n.Skipped(o.Name, o.Skipped)
		return false
	case o.Err != nil:
		msg, line, col := SourceErrorParts(o.Err)
		n.Error(o.Name, line, col, msg)
	case o.Interrupted:
		n.Error(o.Name, 0, 0, InterruptedText(o.Payloads))
	default:
		return false
	}
	return true
}

// Skipped writes the note for a file found in a directory and skipped.
func (n *InputNotes) Skipped(name, reason string) {
	if n.Quiet {
		return
	}
	n.line(n.st.Location(Sanitize(name)+":") + " " + n.st.Severity(diag.Info) + ": skipped, " + Sanitize(reason) + "\n")
}

// Error writes a diagnostic for a source as a whole.
func (n *InputNotes) Error(name string, line, col int, msg string) {
	n.line(errorLine(n.st, name, line, col, InputRuleID, msg))
}

func (n *InputNotes) line(s string) {
	if n.flush != nil {
		n.flush()
	}
	io.WriteString(n.w, s)
}

// SourceErrorParts takes the error of a source apart: a *payload.SourceError
// names the source and the position in its text, which every output places
// itself.
// A document over the size limit says which flag raises it: the library
// knows the limit, not the flag.
func SourceErrorParts(err error) (msg string, line, col int) {
	var se *payload.SourceError
	if errors.As(err, &se) && se.Err != nil {
		msg, line, col = se.Err.Error(), se.Line, se.Col
	} else {
		msg = err.Error()
	}
	if errors.Is(err, payload.ErrTooLarge) {
		msg += " (see --max-size)"
	}
	return msg, line, col
}

// InterruptedText says that a source was stopped by Ctrl-C, and after how
// many payloads.
func InterruptedText(payloads int) string {
	if payloads == 0 {
		return "interrupted before its first payload was read"
	}
	return "interrupted after " + Plural(payloads, "payload") + ": not read to the end"
}
