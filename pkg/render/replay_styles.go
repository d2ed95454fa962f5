package render

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/wamo-dev/wamo/pkg/replay"
)

// The styles of `wamo replay`, kept beside the shared ones of styles.go:
// outcomes take the colour of their tone, histogram bars are green up to
// the deadline and red above it, the deadline mark is yellow.

// replayTone is the tone of an outcome.
func replayTone(o replay.Outcome) Tone {
	switch o {
	case replay.OK:
		return ToneOK
	case replay.Slow, replay.Canceled:
		return ToneWarning
	}
	return ToneError
}

// Outcome renders an outcome word (or text standing for it) in its tone's colour.
func (s *Styles) Outcome(o replay.Outcome, text string) string {
	return s.Tone(replayTone(o), text)
}

// HistogramBar draws a histogram bar of cells character cells (replayEighths
// allowed), green up to the deadline and red above it.
func (s *Styles) HistogramBar(cells float64, over bool) string {
	bar := replayBarString(cells)
	if !s.enabled || bar == "" {
		return bar
	}
	t := ToneOK
	if over {
		t = ToneError
	}
	return s.renderer().NewStyle().Foreground(toneColor(t)).Render(bar)
}

// DeadlineMark renders the line that marks the deadline in a histogram.
func (s *Styles) DeadlineMark(text string) string {
	if !s.enabled {
		return text
	}
	return s.renderer().NewStyle().Foreground(toneColor(ToneWarning)).Render(text)
}

// replayEighths are the partial blocks from 1/8 to 7/8 of a cell.
var replayEighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// replayBarString is cells full blocks, then the partial block closest to the
// rest; a non-zero bar shows at least "▏".
func replayBarString(cells float64) string {
	if cells <= 0 {
		return ""
	}
	full := int(cells)
	part := int((cells-float64(full))*8 + 0.5)
	if part == 8 {
		full, part = full+1, 0
	}
	if full == 0 && part == 0 {
		part = 1
	}
	return strings.Repeat("█", full) + replayEighths[part]
}

// replayWidth is lipgloss' cell count of text (escape sequences excluded).
func replayWidth(text string) int { return lipgloss.Width(text) }
