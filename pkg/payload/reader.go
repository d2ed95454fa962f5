package payload

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf8"
)

// Payload is one JSON document read from a source.
type Payload struct {
	Source string // file name, "-" for stdin, or "fixture:NAME"
	// Data holds the document's bytes. It is only valid until the next call
	// to Reader.Next: readers reuse their buffers so that memory stays flat
	// however large the input is. Copy it to keep it.
	Data []byte
	// Line and Col locate Data[0] in the source (1-based; Col counts characters).
	Line, Col int
	// Index is the 0-based ordinal of the document in its source.
	Index int
	// depthBound is an upper bound of the nesting depth (the number of
	// opening brackets, or the exact depth when it was scanned).
	depthBound int
}

// Position converts a byte offset inside Data to a line and column in the
// source (1-based; the column counts characters, not bytes).
func (p *Payload) Position(offset int) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > len(p.Data) {
		offset = len(p.Data)
	}
	before := p.Data[:offset]
	nl := bytes.Count(before, newline)
	if nl == 0 {
		return p.Line, p.Col + utf8.RuneCount(before)
	}
	last := bytes.LastIndexByte(before, '\n')
	return p.Line + nl, utf8.RuneCount(before[last+1:]) + 1
}

// Excerpt returns the source line around offset, clipped to about width
// characters, and the 1-based character column of offset within the
// returned text — enough to draw a caret under the offending character.
func (p *Payload) Excerpt(offset, width int) (text string, caret int) {
	if offset < 0 {
		offset = 0
	}
	if offset > len(p.Data) {
		offset = len(p.Data)
	}
	start := bytes.LastIndexByte(p.Data[:offset], '\n') + 1
	end := bytes.IndexByte(p.Data[offset:], '\n')
	if end < 0 {
		end = len(p.Data)
	} else {
		end += offset
	}
	line := []rune(string(bytes.ToValidUTF8(p.Data[start:end], []byte("?"))))
	col := utf8.RuneCount(bytes.ToValidUTF8(p.Data[start:offset], []byte("?")))
	for i, r := range line { // tabs and control characters would break caret alignment
		if r < ' ' {
			line[i] = ' '
		}
	}
	if width <= 10 {
		width = 10
	}
	lo, hi := 0, len(line)
	if hi-lo > width {
		lo = col - width/2
		if lo < 0 {
			lo = 0
		}
		hi = lo + width
		if hi > len(line) {
			hi = len(line)
			lo = hi - width
		}
	}
	out := string(line[lo:hi])
	caret = col - lo + 1
	if lo > 0 {
		out = "…" + out
		caret++
	}
	if hi < len(line) {
		out += "…"
	}
	return out, caret
}

var newline = []byte{'\n'}

// ErrTooLarge is wrapped by the error returned for a document larger than
// the reader's MaxSize.
var ErrTooLarge = errors.New("document too large")

// ErrNotJSON is wrapped by the error returned when a source does not start
// like JSON at all (a binary file, a Markdown page…).
var ErrNotJSON = errors.New("not JSON")

// SourceError is a failure to read a source as a whole; reading stops.
type SourceError struct {
	Source    string
	Line, Col int
	Err       error
}

func (e *SourceError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %v", e.Source, e.Line, e.Col, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Source, e.Err)
}

func (e *SourceError) Unwrap() error { return e.Err }

// DefaultMaxSize bounds a single document: far above any webhook body
// (providers cap them at a few MB) yet small enough to never exhaust memory.
const DefaultMaxSize = 64 << 20

// Reader splits a stream into JSON documents: one pretty-printed document,
// NDJSON (one per line), or several concatenated documents. Memory is
// bounded by the largest document, not by the stream.
type Reader struct {
	br      *bufio.Reader
	source  string
	maxSize int

	line    int    // number of the line held in pending
	pending []byte // unread rest of the current line
	col     int    // character column of pending[0]
	long    []byte // buffer for lines longer than the bufio buffer
	acc     []byte // multi-line document being assembled
	index   int
	err     error // sticky
	started bool
	lines   bool // NDJSON: every line is one document
}

// SetLineMode makes every non-blank line one document, as NDJSON (JSON
// Lines) defines it, instead of finding where each document ends: a line
// holding half a document or two documents is then a syntax error of that
// line. It is the faster mode, for .ndjson and .jsonl files.
func (r *Reader) SetLineMode(on bool) { r.lines = on }

// IsLineFormat reports whether a file name says NDJSON (.ndjson, .jsonl).
func IsLineFormat(name string) bool {
	n := len(name)
	return n > 7 && name[n-7:] == ".ndjson" || n > 6 && name[n-6:] == ".jsonl"
}

// bufSize is the read buffer: larger than nearly every webhook body, small
// enough that opening a file costs no measurable time (a 1 MiB buffer cost
// a quarter of a millisecond per file in page faults). Longer lines are
// assembled from several reads.
const bufSize = 64 << 10

// NewReader returns a Reader over r named source. maxSize ≤ 0 means DefaultMaxSize.
func NewReader(r io.Reader, source string, maxSize int) *Reader {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	return &Reader{br: bufio.NewReaderSize(r, bufSize), source: source, maxSize: maxSize}
}

// Reset makes the Reader read r as source from the start, keeping its
// buffers (and its line mode and size limit): commands reading many files
// reuse one Reader.
func (r *Reader) Reset(src io.Reader, source string) {
	r.br.Reset(src)
	*r = Reader{br: r.br, source: source, maxSize: r.maxSize, lines: r.lines,
		long: r.long[:0], acc: r.acc[:0]}
}

// readLine loads the next line into pending. It returns io.EOF at the end.
func (r *Reader) readLine() error {
	b, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		r.long = append(r.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if len(r.long) > r.maxSize {
				return &SourceError{Source: r.source, Line: r.line + 1, Col: 1,
					Err: fmt.Errorf("%w: a line exceeds %s (see --max-size)", ErrTooLarge, humanBytes(r.maxSize))}
			}
			b, err = r.br.ReadSlice('\n')
			r.long = append(r.long, b...)
		}
		b = r.long
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return &SourceError{Source: r.source, Err: err}
	}
	if len(b) == 0 && err != nil {
		return io.EOF
	}
	r.line++
	b = bytes.TrimSuffix(b, newline)
	b = bytes.TrimSuffix(b, []byte{'\r'})
	if r.line == 1 {
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a UTF-8 byte-order mark is not JSON
	}
	r.pending, r.col = b, 1
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// Next returns the next document. It returns io.EOF after the last one, and
// a *SourceError when the source cannot be read any further.
func (r *Reader) Next() (Payload, error) {
	if r.err != nil {
		return Payload{}, r.err
	}
	p, err := r.next()
	if err != nil {
		r.err = err
	}
	return p, err
}

func (r *Reader) next() (Payload, error) {
	for {
		// Skip blank space between documents.
		i := 0
		for i < len(r.pending) && isSpace(r.pending[i]) {
			i++
		}
		r.pending = r.pending[i:]
		r.col += i
		if len(r.pending) > 0 {
			break
		}
		if err := r.readLine(); err != nil {
			return Payload{}, err
		}
	}
	first := r.pending[0]
	if !r.started {
		r.started = true
		if !startsLikeJSON(r.pending) {
			return Payload{}, &SourceError{Source: r.source, Line: r.line, Col: r.col,
				Err: fmt.Errorf("%w: the input starts with %s, not with a JSON object", ErrNotJSON, describeStart(r.pending))}
		}
	}
	p := Payload{Source: r.source, Line: r.line, Col: r.col, Index: r.index}
	r.index++

	if r.lines {
		p.Data = bytes.TrimRight(r.pending, " \t")
		r.pending = nil
		if len(p.Data) > r.maxSize {
			return Payload{}, r.tooLarge(p)
		}
		return p, nil
	}

	if first != '{' && first != '[' {
		// A scalar or stray text: the rest of the line is one (invalid) document.
		p.Data = bytes.TrimRight(r.pending, " \t")
		r.pending = nil
		if len(p.Data) > r.maxSize {
			return Payload{}, r.tooLarge(p)
		}
		return p, nil
	}

	// Find where the document ends: an exact scan (strings, escapes,
	// nesting), eight bytes at a time through string contents, so NDJSON
	// lines cost little and pretty or concatenated documents split right.
	var sc scanner
	r.acc = r.acc[:0]
	cur := r.pending
	multi := false
	for {
		end := sc.scan(cur)
		if end >= 0 {
			if !multi {
				p.Data = cur[:end+1]
			} else {
				r.acc = append(r.acc, cur[:end+1]...)
				p.Data = r.acc
			}
			p.depthBound = sc.max
			r.pending = cur[end+1:]
			if len(bytes.TrimLeft(r.pending, " \t")) > 0 {
				// Another document follows on this line: its column is
				// needed (counting characters is not free, so only then).
				r.col = colAfter(r, multi, cur[:end+1])
			}
			if len(p.Data) > r.maxSize {
				return Payload{}, r.tooLarge(p)
			}
			return p, nil
		}
		// The document continues on the next line.
		r.acc = append(r.acc, cur...)
		r.acc = append(r.acc, '\n')
		multi = true
		if len(r.acc) > r.maxSize {
			return Payload{}, r.tooLarge(p)
		}
		if err := r.readLine(); err != nil {
			if errors.Is(err, io.EOF) {
				// Truncated document: hand it over whole; the syntax check
				// reports the unexpected end.
				p.Data = bytes.TrimRight(r.acc, "\n")
				p.depthBound = sc.max
				r.pending = nil
				return p, nil
			}
			return Payload{}, err
		}
		cur = r.pending
	}
}

func (r *Reader) tooLarge(p Payload) error {
	return &SourceError{Source: r.source, Line: p.Line, Col: p.Col,
		Err: fmt.Errorf("%w: the document starting here exceeds %s (see --max-size)", ErrTooLarge, humanBytes(r.maxSize))}
}

// colAfter computes the column following a document that ended inside the
// current line.
func colAfter(r *Reader, multi bool, consumed []byte) int {
	if multi {
		return 1 + utf8.RuneCount(consumed)
	}
	return r.col + utf8.RuneCount(consumed)
}

// scanner finds where a top-level JSON value ends, tracking strings,
// escapes and nesting depth across calls (a document may span lines).
type scanner struct {
	depth, max int
	inStr, esc bool
}

// quoteOrBackslash is non-zero when one of the 8 bytes of x is '"' or '\\'
// (a SWAR test: string contents are skipped eight bytes at a time).
func quoteOrBackslash(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	return ((q-ones)&^q | (b-ones)&^b) & highs
}

// scan returns the index in b of the byte closing the top-level value, or -1
// if the value continues past b.
func (s *scanner) scan(b []byte) int {
	i := 0
	if s.esc { // an escape split across calls
		s.esc = false
		i++
	}
	for i < len(b) {
		if s.inStr {
			for i+8 <= len(b) {
				if m := quoteOrBackslash(binary.LittleEndian.Uint64(b[i:])); m != 0 {
					i += bits.TrailingZeros64(m) >> 3
					break
				}
				i += 8
			}
			for i < len(b) && b[i] != '"' && b[i] != '\\' {
				i++
			}
			if i >= len(b) {
				return -1
			}
			if b[i] == '\\' {
				if i+1 >= len(b) {
					s.esc = true
					return -1
				}
				i += 2
				continue
			}
			s.inStr = false
			i++
			continue
		}
		switch b[i] {
		case '"':
			s.inStr = true
		case '{', '[':
			s.depth++
			if s.depth > s.max {
				s.max = s.depth
			}
		case '}', ']':
			s.depth--
			if s.depth <= 0 {
				return i
			}
		}
		i++
	}
	return -1
}

func startsLikeJSON(b []byte) bool {
	switch c := b[0]; {
	case c == '{', c == '[', c == '"', c == '-', c >= '0' && c <= '9':
		return true
	case bytes.HasPrefix(b, []byte("true")), bytes.HasPrefix(b, []byte("false")), bytes.HasPrefix(b, []byte("null")):
		return true
	}
	return false
}

func describeStart(b []byte) string {
	if !utf8.Valid(b[:min(len(b), 16)]) || bytes.IndexByte(b[:min(len(b), 64)], 0) >= 0 {
		return "binary data"
	}
	r, _ := utf8.DecodeRune(b)
	if r == 0xA0 {
		return "a non-breaking space (U+00A0)"
	}
	return fmt.Sprintf("%q", string(r))
}

func humanBytes(n int) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
