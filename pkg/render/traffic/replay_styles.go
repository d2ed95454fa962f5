package traffic

import (
	"strings"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/replay"
)

// The styles of `wamo replay`, kept beside the shared ones of styles.go:
// outcomes take the colour of their tone, histogram bars are green up to
// the deadline and red above it, the deadline mark is yellow.

// replayTone is the tone of an outcome.
func replayTone(o replay.Outcome) render.Tone {
	switch o {
	case replay.OK:
		return render.ToneOK
	case replay.Slow, replay.Canceled:
		return render.ToneWarning
	}
	return render.ToneError
}

// outcome renders an outcome word (or text standing for it) in its tone's colour.
func outcome(st *render.Styles, o replay.Outcome, text string) string {
	return st.Tone(replayTone(o), text)
}

// histogramBar draws a histogram bar of cells character cells (replayEighths
// allowed), green up to the deadline and red above it.
func histogramBar(st *render.Styles, cells float64, over bool) string {
	t := render.ToneOK
	if over {
		t = render.ToneError
	}
	return st.Block(t, replayBarString(cells))
}

// deadlineMark renders the line that marks the deadline in a histogram.
func deadlineMark(st *render.Styles, text string) string {
	return st.Block(render.ToneWarning, text)
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
