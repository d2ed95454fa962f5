package render

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/fatih/color"
	"github.com/muesli/termenv"

	"github.com/wamo-dev/wamo/pkg/diag"
)

// Tone is the overall mood of a result: it picks the colour of a summary.
type Tone uint8

// Tones, from good to bad.
const (
	ToneOK      Tone = iota // everything valid
	ToneWarning             // valid, with warnings
	ToneError               // something invalid or unusable
)

// Styles holds every colour and style wamo uses, so that they live in one
// place. Build one per output stream with NewStyles(ios.ColorEnabled()) (or
// ColorEnabledErr for stderr). When colour is disabled every method returns
// its argument unchanged, so piped output carries no escape sequences.
//
// Inline tokens use fatih/color instances whose colour is switched on or off
// explicitly (never through fatih/color's global NoColor); layout uses
// lipgloss with a renderer whose colour profile is set explicitly (never
// detected from os.Stdout).
type Styles struct {
	enabled bool

	errorWord, warningWord, infoWord *color.Color
	ok, fail, unusable               *color.Color
	location, ruleID, path, caret    *color.Color
	toneOK, toneWarning, toneError   *color.Color

	lg *lipgloss.Renderer // built on first use: most runs never draw a box
}

// NewStyles returns the styles for a stream; enabled is the colour decision
// for that stream (iostreams' ColorEnabled or ColorEnabledErr).
func NewStyles(enabled bool) *Styles {
	s := &Styles{
		enabled:     enabled,
		errorWord:   color.New(color.FgRed, color.Bold),
		warningWord: color.New(color.FgYellow, color.Bold),
		infoWord:    color.New(color.FgCyan, color.Bold),
		ok:          color.New(color.FgGreen, color.Bold),
		fail:        color.New(color.FgRed, color.Bold),
		unusable:    color.New(color.FgMagenta, color.Bold),
		location:    color.New(color.Bold),
		ruleID:      color.New(color.FgCyan),
		path:        color.New(color.Faint),
		caret:       color.New(color.FgGreen, color.Bold),
		toneOK:      color.New(color.FgGreen),
		toneWarning: color.New(color.FgYellow),
		toneError:   color.New(color.FgRed),
	}
	for _, c := range []*color.Color{
		s.errorWord, s.warningWord, s.infoWord, s.ok, s.fail, s.unusable,
		s.location, s.ruleID, s.path, s.caret, s.toneOK, s.toneWarning, s.toneError,
	} {
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return s
}

// Enabled reports whether these styles emit colour.
func (s *Styles) Enabled() bool { return s.enabled }

func (s *Styles) paint(c *color.Color, text string) string {
	if !s.enabled || text == "" {
		return text
	}
	return c.Sprint(text)
}

// Severity renders a severity word: error red, warning yellow, info cyan.
func (s *Styles) Severity(sev diag.Severity) string {
	switch sev {
	case diag.Error:
		return s.paint(s.errorWord, sev.String())
	case diag.Warning:
		return s.paint(s.warningWord, sev.String())
	}
	return s.paint(s.infoWord, sev.String())
}

// OK renders a passing verdict word ("ok") in green.
func (s *Styles) OK(text string) string { return s.paint(s.ok, text) }

// Fail renders a failing verdict word ("FAIL") in red.
func (s *Styles) Fail(text string) string { return s.paint(s.fail, text) }

// Unusable renders the verdict word for unusable input ("ERR") in magenta.
func (s *Styles) Unusable(text string) string { return s.paint(s.unusable, text) }

// Location renders a file name or a file:line:col location in bold.
func (s *Styles) Location(text string) string { return s.paint(s.location, text) }

// RuleID renders a rule id in cyan.
func (s *Styles) RuleID(text string) string { return s.paint(s.ruleID, text) }

// Path renders secondary detail such as " (path data[0].id)" dimmed.
func (s *Styles) Path(text string) string { return s.paint(s.path, text) }

// Caret renders the caret line under a syntax-error excerpt in green.
func (s *Styles) Caret(text string) string { return s.paint(s.caret, text) }

// Tone renders text in the colour of a tone (green, yellow, red).
func (s *Styles) Tone(t Tone, text string) string {
	switch t {
	case ToneOK:
		return s.paint(s.toneOK, text)
	case ToneWarning:
		return s.paint(s.toneWarning, text)
	}
	return s.paint(s.toneError, text)
}

// ToneColor is the lipgloss counterpart of Tone's colours (ANSI 2, 3, 1).
func ToneColor(t Tone) lipgloss.Color {
	switch t {
	case ToneOK:
		return lipgloss.Color("2")
	case ToneWarning:
		return lipgloss.Color("3")
	}
	return lipgloss.Color("1")
}

// Block paints a run of block characters (a histogram bar, a rule) in the
// tone's colour, through lipgloss like the boxes.
func (s *Styles) Block(t Tone, text string) string {
	if !s.enabled || text == "" {
		return text
	}
	return s.renderer().NewStyle().Foreground(ToneColor(t)).Render(text)
}

func (s *Styles) renderer() *lipgloss.Renderer {
	if s.lg == nil {
		// The writer only matters for detection, which SetColorProfile
		// overrides: the colour decision is iostreams', not lipgloss'.
		s.lg = lipgloss.NewRenderer(nil, termenv.WithProfile(termenv.Ascii))
		if s.enabled {
			s.lg.SetColorProfile(termenv.ANSI)
		} else {
			s.lg.SetColorProfile(termenv.Ascii)
		}
	}
	return s.lg
}

// Box draws text in a rounded box whose border takes the tone's colour,
// wrapping the text so that the box fits in width columns. It is layout for
// terminals; piped output never gets a box.
func (s *Styles) Box(text string, t Tone, width int) string {
	st := s.renderer().NewStyle().
		Border(lipgloss.RoundedBorder()).
		BorderForeground(ToneColor(t)).
		Padding(0, 1)
	// Width counts the padding but not the border.
	inner := lipgloss.Width(text) + 2
	if width > 0 && inner > width-2 {
		inner = width - 2
	}
	if inner < 10 {
		inner = 10
	}
	return st.Width(inner).Render(text)
}

// DisplayWidth is the number of terminal cells text occupies (wide runes
// count two, escape sequences none): what a caret has to skip.
func DisplayWidth(text string) int { return lipgloss.Width(text) }
