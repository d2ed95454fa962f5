package render

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/fatih/color"
)

// The styles of `wamo show`, kept beside the shared ones of styles.go.
//
// Default view and table: the time is dimmed, the name bold, the type cyan;
// a status's text takes the colour of its tone (read, delivered and played
// green, sent yellow, failed red), an error's is red. Payload headers show
// the location in bold and the format in magenta.
//
// JSON: the colours of jq's defaults (JQ_COLORS of jq 1.6), so that `wamo
// show --json` looks like `jq -C .`: keys bold blue, strings green, numbers
// and booleans in the default colour, null dark grey, brackets and
// punctuation bold. They are raw SGR sequences rather than fatih/color
// values because the JSON printer emits them per token at hundreds of MB/s
// (see show_json.go); they are only used when colour is enabled.
const (
	showJSONKey    = "\x1b[34;1m"
	showJSONString = "\x1b[0;32m"
	showJSONNumber = "\x1b[0;39m"
	showJSONBool   = "\x1b[0;39m"
	showJSONNull   = "\x1b[1;30m"
	showJSONPunct  = "\x1b[1;39m"
	showJSONReset  = "\x1b[0m"
)

// showStyles are the inline styles of the default view and the table.
type showStyles struct {
	*Styles
	dim, bold, typ, format, good, pending, bad showPaint
}

// showPaint is a fatih/color colour taken apart once into the sequences
// before and after the text: painting is then a concatenation, not a trip
// through fmt per token (the default view paints five tokens a line).
type showPaint struct{ pre, post string }

func newShowPaint(enabled bool, attrs ...color.Attribute) showPaint {
	c := color.New(attrs...)
	if !enabled {
		c.DisableColor()
		return showPaint{}
	}
	c.EnableColor()
	pre, post, _ := strings.Cut(c.Sprint("\x00"), "\x00")
	return showPaint{pre, post}
}

func (c showPaint) paint(text string) string {
	if c.pre == "" || text == "" {
		return text
	}
	return c.pre + text + c.post
}

func newShowStyles(enabled bool) *showStyles {
	return &showStyles{
		Styles:  NewStyles(enabled),
		dim:     newShowPaint(enabled, color.Faint),
		bold:    newShowPaint(enabled, color.Bold),
		typ:     newShowPaint(enabled, color.FgCyan),
		format:  newShowPaint(enabled, color.FgMagenta),
		good:    newShowPaint(enabled, color.FgGreen),
		pending: newShowPaint(enabled, color.FgYellow),
		bad:     newShowPaint(enabled, color.FgRed),
	}
}

// Time renders a time column (dimmed).
func (s *showStyles) Time(text string) string { return s.dim.paint(text) }

// Name renders a profile name (bold).
func (s *showStyles) Name(text string) string { return s.bold.paint(text) }

// Type renders a message type (cyan).
func (s *showStyles) Type(text string) string { return s.typ.paint(text) }

// Format renders a format name in a payload header (magenta).
func (s *showStyles) Format(text string) string { return s.format.paint(text) }

// Dim renders secondary text.
func (s *showStyles) Dim(text string) string { return s.dim.paint(text) }

// StatusTone is the tone of a status word: read, delivered and played are
// good, sent (and anything unknown) pending, failed bad.
func showStatusTone(status string) Tone {
	switch status {
	case "read", "delivered", "played":
		return ToneOK
	case "failed":
		return ToneError
	}
	return ToneWarning
}

// Status renders the text of a status item in its tone's colour.
func (s *showStyles) Status(status, text string) string {
	switch showStatusTone(status) {
	case ToneOK:
		return s.good.paint(text)
	case ToneError:
		return s.bad.paint(text)
	}
	return s.pending.paint(text)
}

// Error renders the text of an error item in red.
func (s *showStyles) Error(text string) string { return s.bad.paint(text) }

// tableBorder is the style of the table's borders (dimmed).
func (s *showStyles) tableBorder() lipgloss.Style {
	st := s.renderer().NewStyle()
	if s.enabled {
		st = st.Faint(true)
	}
	return st
}

// tableCell is the style of a table cell: one space of padding each side;
// the header row bold, the type column cyan, the text column in the tone of
// a status (or red for an error).
func (s *showStyles) tableCell(header bool, col int, kind, status string) lipgloss.Style {
	st := s.renderer().NewStyle().Padding(0, 1)
	if !s.enabled {
		return st
	}
	switch {
	case header:
		return st.Bold(true)
	case col == showColTime:
		return st.Faint(true)
	case col == showColName:
		return st.Bold(true)
	case col == showColType:
		return st.Foreground(lipgloss.Color("6"))
	case col == showColText && kind == "status":
		return st.Foreground(ToneColor(showStatusTone(status)))
	case col == showColText && kind == "error":
		return st.Foreground(ToneColor(ToneError))
	}
	return st
}
