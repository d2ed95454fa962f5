package traffic

import (
	"strconv"
	"time"

	"github.com/wamo-dev/wamo/pkg/render"

	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/replay"
)

// ReplayProgress draws the live progress line of `wamo replay` on stderr,
// rewriting it in place. Use it only when stderr is a terminal.
type ReplayProgress struct {
	ios   *iostreams.IOStreams
	st    *render.Styles
	last  replay.Progress
	lastT time.Duration
	drawn bool
}

// NewReplayProgress returns a progress line over ios.ErrOut.
func NewReplayProgress(ios *iostreams.IOStreams) *ReplayProgress {
	return &ReplayProgress{ios: ios, st: render.NewStyles(ios.ColorEnabledErr())}
}

// Update redraws the line for p, elapsed into the run: "replay 3.2s  3204
// sent  3190 ok  4 slow  10 failed  1001/s" (the rate over the last update).
func (p *ReplayProgress) Update(pr replay.Progress, elapsed time.Duration) {
	rate := 0.0
	if dt := elapsed - p.lastT; dt > 0 && p.drawn {
		rate = float64(pr.Attempts-p.last.Attempts) / dt.Seconds()
	} else if elapsed > 0 {
		rate = float64(pr.Attempts) / elapsed.Seconds()
	}
	p.last, p.lastT = pr, elapsed
	st := p.st
	line := "replay " + replayPadRight(strconv.FormatFloat(elapsed.Seconds(), 'f', 1, 64)+"s", 6) +
		"  " + strconv.FormatInt(pr.Attempts, 10) + " sent  " +
		outcome(st, replay.OK, strconv.FormatInt(pr.OK, 10)+" ok") + "  "
	if pr.Slow > 0 {
		line += outcome(st, replay.Slow, strconv.FormatInt(pr.Slow, 10)+" slow")
	} else {
		line += "0 slow"
	}
	line += "  "
	if pr.Failed > 0 {
		line += st.Tone(render.ToneError, strconv.FormatInt(pr.Failed, 10)+" failed")
	} else {
		line += "0 failed"
	}
	line += "  " + strconv.FormatFloat(rate, 'f', 0, 64) + "/s"
	p.ios.ErrOut.Write([]byte("\r\x1b[K" + line))
	p.drawn = true
}

// Clear erases the line (before the report is written).
func (p *ReplayProgress) Clear() {
	if p.drawn {
		p.ios.ErrOut.Write([]byte("\r\x1b[K"))
		p.drawn = false
	}
}
