// Package render turns wamo's domain results into output: human text (with
// colour and layout on a terminal), JSON, and the formats CI systems read
// (GitHub Actions workflow commands, JUnit XML, SARIF). It is the only
// package that imports lipgloss and fatih/color; every colour and style lives
// in styles.go. Domain packages compute results, this package reports them.
//
// Reporters stream: they write as results arrive, so memory stays flat
// however many payloads a source holds. Output that can only be written
// once later facts are known (JSON sources after the findings, JUnit
// totals before the suites) is kept in a spool that moves to a temporary
// file when it grows large.
package render

import (
	"bufio"
	"bytes"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize/english"
)

// spoolLimit is how many bytes a spool keeps in memory before it moves to
// a temporary file.
const spoolLimit = 4 << 20

// spool holds bytes in memory up to limit, then in a temporary file. If no
// temporary file can be created it keeps growing in memory: the output is
// worth more than the memory bound.
type spool struct {
	limit int
	mem   bytes.Buffer
	f     *os.File
	fw    *bufio.Writer
	err   error // first failure writing or reading the temporary file
}

func (s *spool) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.f == nil && s.mem.Len()+len(p) > s.limit && s.limit > 0 {
		if f, err := os.CreateTemp("", "wamo-render-*"); err == nil {
			s.f = f
			s.fw = bufio.NewWriterSize(f, 64<<10)
			if _, err := s.mem.WriteTo(s.fw); err != nil {
				s.err = err
				return 0, err
			}
			s.mem = bytes.Buffer{} // release the memory, not just the length
		}
	}
	if s.fw != nil {
		n, err := s.fw.Write(p)
		if err != nil {
			s.err = err
		}
		return n, err
	}
	return s.mem.Write(p)
}

func (s *spool) WriteString(str string) (int, error) {
	return s.Write([]byte(str))
}

// empty reports whether nothing was written since the last copyTo.
func (s *spool) empty() bool {
	return s.f == nil && s.mem.Len() == 0
}

// copyTo writes everything spooled to w and empties the spool, removing its
// temporary file (if any).
func (s *spool) copyTo(w io.Writer) error {
	if s.err != nil {
		return s.err
	}
	if s.f == nil {
		_, err := s.mem.WriteTo(w)
		s.mem.Reset()
		return err
	}
	if err := s.fw.Flush(); err != nil {
		s.err = err
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		s.err = err
		return err
	}
	if _, err := io.Copy(w, s.f); err != nil {
		s.err = err
		return err
	}
	// Back to memory for the next round.
	s.close()
	return nil
}

// close removes the temporary file, if any.
func (s *spool) close() {
	if s.f != nil {
		name := s.f.Name()
		s.f.Close()
		os.Remove(name)
		s.f, s.fw = nil, nil
	}
}

// Plural returns "1 payload", "2 payloads", "1 status", "3 statuses".
func Plural(n int, word string) string {
	return english.Plural(n, word, "")
}

// Location is FILE, FILE:LINE or FILE:LINE:COL (line and column 1-based;
// 0 leaves them out): where a diagnostic points, as editors and CI parse it.
func Location(file string, line, col int) string {
	switch {
	case line <= 0:
		return file
	case col <= 0:
		return file + ":" + strconv.Itoa(line)
	}
	return file + ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col)
}

// Duration renders a latency with three significant digits in the unit
// that suits it: 0.362ms, 12.4ms, 183ms, 1.25s; a minute or more as Go
// writes it (1m30s).
func Duration(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + Duration(-d)
	case d == 0:
		return "0ms"
	case d < time.Second:
		return sig3(float64(d)/float64(time.Millisecond)) + "ms"
	case d < time.Minute:
		return sig3(d.Seconds()) + "s"
	}
	return d.Round(time.Second).String()
}

// sig3 writes v with three significant digits and no trailing zeros.
func sig3(v float64) string {
	prec := 3
	switch {
	case v >= 100:
		prec = 0
	case v >= 10:
		prec = 1
	case v >= 1:
		prec = 2
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Percent writes a fraction (0..1) as a percentage with at most two
// decimals: 0.0196 is 1.96%.
func Percent(f float64) string {
	return strconv.FormatFloat(math.Round(f*10000)/100, 'f', -1, 64) + "%"
}

// appendLocation appends Location(file, line, col) to b.
func appendLocation(b []byte, file string, line, col int) []byte {
	b = append(b, file...)
	if line > 0 {
		b = strconv.AppendInt(append(b, ':'), int64(line), 10)
		if col > 0 {
			b = strconv.AppendInt(append(b, ':'), int64(col), 10)
		}
	}
	return b
}
