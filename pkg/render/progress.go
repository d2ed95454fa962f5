package render

import (
	"fmt"
	"io"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// Progress draws a one-line status on stderr during long work ("12.3 MB,
// 31,000 payloads, 96 MB/s"). It is shown only when stderr is a terminal
// and stdout is not (so it never interleaves with results on the same
// screen), redrawn at most every 200 ms, and erased when done.
type Progress struct {
	w       io.Writer
	now     func() time.Time
	enabled bool
	start   time.Time
	last    time.Time
	drawn   bool
}

// NewProgress returns a progress line for ios; now is the clock.
func NewProgress(ios *iostreams.IOStreams, now func() time.Time) *Progress {
	p := &Progress{w: ios.ErrOut, now: now, enabled: ios.IsStderrTTY() && !ios.IsStdoutTTY()}
	if p.enabled {
		p.start = now()
	}
	return p
}

// Enabled reports whether anything will be drawn.
func (p *Progress) Enabled() bool { return p != nil && p.enabled }

// Update redraws the line if 200 ms have passed since the last draw.
func (p *Progress) Update(label string, bytes int64, items int) {
	if !p.Enabled() {
		return
	}
	t := p.now()
	if p.drawn && t.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last, p.drawn = t, true
	rate := ""
	if el := t.Sub(p.start).Seconds(); el > 0.2 {
		rate = fmt.Sprintf(", %s/s", humanize.IBytes(uint64(float64(bytes)/el)))
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s: %s, %s payloads%s", Sanitize(label), humanize.IBytes(uint64(bytes)), groupDigits(items), rate)
}

// Done erases the line.
func (p *Progress) Done() {
	if p.Enabled() && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

func groupDigits(n int) string {
	s := fmt.Sprint(n)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
