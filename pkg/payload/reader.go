package payload

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strings"
	"unicode/utf8"

	"github.com/dustin/go-humanize"
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
// source (1-based; the column counts characters, not bytes). It costs a pass
// over Data up to offset: to place many offsets, use a Cursor.
func (p *Payload) Position(offset int) (line, col int) {
	c := p.Cursor()
	return c.Position(offset)
}

// Cursor places offsets of a payload in one forward pass: offsets given in
// increasing order cost one pass over Data in all, however many there are
// (a position computed from the start for every finding made reporting
// quadratic in the findings). An offset before the previous one starts
// over from the beginning.
type Cursor struct {
	p         *Payload
	off       int // the offset placed last
	line, col int // its position
}

// Cursor returns a cursor at the start of the payload.
func (p *Payload) Cursor() Cursor { return Cursor{p: p, line: p.Line, col: p.Col} }

// Position returns the line and column of offset (see Payload.Position).
func (c *Cursor) Position(offset int) (line, col int) {
	offset = min(max(offset, 0), len(c.p.Data))
	if offset < c.off {
		// Fields, not *c = c.p.Cursor(): storing the pointer through c
		// would make every payload a cursor is made for escape to the heap.
		c.off, c.line, c.col = 0, c.p.Line, c.p.Col
	}
	seg := c.p.Data[c.off:offset]
	if last := bytes.LastIndexByte(seg, '\n'); last < 0 {
		c.col += runeCount(seg)
	} else {
		c.line += bytes.Count(seg, newline)
		c.col = runeCount(seg[last+1:]) + 1
	}
	c.off = offset
	return c.line, c.col
}

// Excerpt returns the source line around offset, clipped to about width
// characters, and the 1-based character column of offset within the
// returned text — enough to draw a caret under the offending character.
// It costs O(offset − start of its line + width) time and O(width) memory,
// however long the line: a syntax error at the end of a 60 MB single-line
// document does not turn the whole line into runes for 72 characters.
func (p *Payload) Excerpt(offset, width int) (text string, caret int) {
	if offset < 0 {
		offset = 0
	}
	if offset > len(p.Data) {
		offset = len(p.Data)
	}
	if width <= 10 {
		width = 10
	}
	start := bytes.LastIndexByte(p.Data[:offset], '\n') + 1
	end := bytes.IndexByte(p.Data[offset:], '\n')
	if end < 0 {
		end = len(p.Data)
	} else {
		end += offset
	}
	line := p.Data[start:end]
	at := offset - start
	// Characters before the offset, and after it up to what a window can
	// show: enough to know whether the line must be clipped on the right.
	var col int
	if utf8.Valid(line[:at]) {
		col = runeCount(line[:at])
	} else {
		col, _ = countChars(line, 0, at, -1)
	}
	after, _ := countChars(line, at, len(line), width+1)
	total := col + after
	lo, hi := 0, total
	if total > width {
		lo = max(col-width/2, 0)
		hi = lo + width
		if hi > total {
			hi = total
			lo = hi - width
		}
	}
	var b strings.Builder
	b.Grow((hi-lo)*utf8.UTFMax + 2*len("…"))
	if lo > 0 {
		b.WriteString("…")
	}
	appendChars(&b, line, lo, hi)
	if hi < total {
		b.WriteString("…")
	}
	caret = col - lo + 1
	if lo > 0 {
		caret++
	}
	return b.String(), caret
}

// excerptChar is how Excerpt shows the rune r: control characters (tabs
// included) would break the alignment of the caret and become spaces.
func excerptChar(r rune) rune {
	if r < ' ' {
		return ' '
	}
	return r
}

// nextChar decodes the character of line at i as Excerpt shows it: a run
// of invalid UTF-8 bytes is one '?' (as bytes.ToValidUTF8 replaces it).
// It returns the character and the index after it.
func nextChar(line []byte, i int) (rune, int) {
	r, n := utf8.DecodeRune(line[i:])
	if r != utf8.RuneError || n > 1 {
		return excerptChar(r), i + n
	}
	for i < len(line) {
		if r, n := utf8.DecodeRune(line[i:]); r != utf8.RuneError || n > 1 {
			break
		}
		i++
	}
	return '?', i
}

// countChars counts the characters of line[from:to] (stopping at limit
// when limit ≥ 0) and returns the count and where counting stopped.
func countChars(line []byte, from, to, limit int) (n, i int) {
	for i = from; i < to && (limit < 0 || n < limit); n++ {
		if c := line[i]; c < utf8.RuneSelf {
			i++
			continue
		}
		_, i = nextChar(line[:to], i)
	}
	return n, i
}

// appendChars writes the characters lo…hi-1 of line.
func appendChars(b *strings.Builder, line []byte, lo, hi int) {
	_, i := countChars(line, 0, len(line), lo)
	for n := lo; n < hi && i < len(line); n++ {
		var r rune
		r, i = nextChar(line, i)
		b.WriteRune(r)
	}
}

var newline = []byte{'\n'}

// runeCount is utf8.RuneCount (each invalid byte one character) without
// its copy: for input that is not ASCII the standard library counts a
// string conversion of the rest (Go 1.26), a copy of a whole 60 MB line.
// Valid UTF-8 has one character per byte that is not a continuation byte
// (10xxxxxx), counted eight bytes at a time.
func runeCount(b []byte) int {
	if !utf8.Valid(b) {
		n := 0
		for i := 0; i < len(b); n++ {
			_, size := utf8.DecodeRune(b[i:])
			i += size
		}
		return n
	}
	const highs = 0x8080808080808080
	cont, i := 0, 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		cont += bits.OnesCount64(x &^ (x << 1) & highs) // bit 7 set, bit 6 clear
	}
	for ; i < len(b); i++ {
		if b[i]&0xC0 == 0x80 {
			cont++
		}
	}
	return len(b) - cont
}

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
// bounded by the largest document, not by the stream, and no more than
// MaxSize+1 bytes of a document too large are read before it is refused.
type Reader struct {
	br      *bufio.Reader
	src     limitedReader // what br reads from
	source  string
	maxSize int
	size    int64 // bytes the source holds, when known (SetSizeHint), else -1

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
// line. It is the faster mode, for .ndjson and .jsonl files. The content
// still decides: when the first line opens a document that it does not
// close (one pretty-printed document in a .ndjson file), the source is read
// as documents, not as lines.
func (r *Reader) SetLineMode(on bool) { r.lines = on }

// SetSizeHint tells the reader how many bytes the source holds (the size
// of a regular file), so that a long line is read into one buffer of the
// right size instead of buffers that double as it grows. n < 0: unknown.
func (r *Reader) SetSizeHint(n int64) { r.size = n }

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
	rd := &Reader{source: source, maxSize: maxSize, size: -1}
	rd.src = limitedReader{r: r, limit: -1}
	rd.br = bufio.NewReaderSize(&rd.src, bufSize)
	return rd
}

// Reset makes the Reader read r as source from the start, keeping its
// buffers (and its line mode and size limit): commands reading many files
// reuse one Reader. The size hint is forgotten.
func (r *Reader) Reset(src io.Reader, source string) {
	*r = Reader{br: r.br, source: source, maxSize: r.maxSize, size: -1, lines: r.lines,
		long: r.long[:0], acc: r.acc[:0]}
	r.src = limitedReader{r: src, limit: -1}
	r.br.Reset(&r.src)
}

// limitedReader counts what is read from the source and, while a limit is
// set, reads no further than it: a line over the size limit is refused
// after MaxSize+1 bytes, not after one more buffer.
type limitedReader struct {
	r     io.Reader
	n     int64 // bytes read so far
	limit int64 // < 0: none
}

// errLimit ends a read at the limit of a limitedReader.
var errLimit = errors.New("read limit reached")

func (l *limitedReader) Read(b []byte) (int, error) {
	if l.limit >= 0 {
		left := l.limit - l.n
		if left <= 0 {
			return 0, errLimit
		}
		if int64(len(b)) > left {
			b = b[:left]
		}
	}
	n, err := l.r.Read(b)
	l.n += int64(n)
	return n, err
}

// errLineTooLong is returned by readLine for a line over its budget.
var errLineTooLong = errors.New("line too long")

// readLine loads the next line into pending. It returns io.EOF at the end,
// and errLineTooLong for a line longer than budget, having read no more
// than budget+1 bytes of it.
func (r *Reader) readLine(budget int) error {
	b, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// A line longer than the buffer: gather it in r.long. The buffer
		// is empty now (ReadSlice handed all of it over), so the source is
		// allowed to give this line budget+1 bytes less what it gave: with
		// the newline, a line of budget bytes fits; one byte more and it is
		// certainly too long.
		r.long = r.growFor(r.long[:0], len(b), budget)
		r.long = append(r.long, b...)
		r.src.limit = r.src.n + int64(budget+1-len(r.long))
		for {
			for errors.Is(err, bufio.ErrBufferFull) {
				b, err = r.br.ReadSlice('\n')
				r.long = r.growFor(r.long, len(b), budget)
				r.long = append(r.long, b...)
			}
			// A CR at the limit may be the first half of the CR LF that
			// ends a line of exactly budget bytes: one byte more tells.
			if errors.Is(err, errLimit) && len(r.long) == budget+1 && r.long[budget] == '\r' && r.src.limit == r.src.n {
				r.src.limit++
				err = bufio.ErrBufferFull
				continue
			}
			break
		}
		r.src.limit = -1
		if errors.Is(err, errLimit) || len(chomp(r.long)) > budget {
			return errLineTooLong
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
	b = chomp(b)
	if r.line == 1 {
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a UTF-8 byte-order mark is not JSON
	}
	r.pending, r.col = b, 1
	return nil
}

// growFor returns buf with room for n more bytes, never keeping more than
// budget+1 bytes of room (more are never needed: one byte over budget
// settles that a document is too large). Buffers double while they are
// small. Past that they are made as large as they may have to be in one
// step — what is left of the source when its size is known, else budget+1
// bytes —, so that a 60 MB line is read into one buffer, not into buffers
// doubling up to 64 MB that leave the garbage of those of 32, 16, 8… MB
// behind: a reservation of address space, backed only as it is written.
// Small buffers do not take that step, because a reused span is cleared
// whole before use: a stream of 70 KB lines should not clear 64 MB.
func (r *Reader) growFor(buf []byte, n, budget int) []byte {
	need := len(buf) + n
	if need <= cap(buf) {
		return buf
	}
	c := max(2*cap(buf), bufSize)
	switch {
	case r.size >= 0 && need >= bufSize:
		rest := max(r.size-r.src.n, 0) + int64(r.br.Buffered())
		c = int(min(int64(need)+rest, int64(budget)+1))
	case need > reserveAbove:
		c = budget + 1
	}
	c = max(min(c, budget+1), need)
	nb := make([]byte, len(buf), c)
	copy(nb, buf)
	return nb
}

// reserveAbove is the size past which a buffer for a source of unknown
// size is made as large as a document may be.
const reserveAbove = 4 << 20

// lineTooLong is the error for a line over the size limit outside a
// document (a line holding several documents, or a line of NDJSON).
func (r *Reader) lineTooLong() error {
	return &SourceError{Source: r.source, Line: r.line + 1, Col: 1,
		Err: fmt.Errorf("%w: a line exceeds %s", ErrTooLarge, humanize.IBytes(uint64(r.maxSize)))}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// chomp drops the LF or CR LF that ends a line, comparing bytes: two
// bytes.TrimSuffix calls cost a call to bytes.Equal each, on every line.
func chomp(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// trimBlanksRight drops the spaces and tabs that end b: bytes.TrimRight
// with a cutset of two bytes builds a set on every call, once per line of
// NDJSON.
func trimBlanksRight(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

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
	if err := r.skipBetween(); err != nil {
		return Payload{}, err
	}
	if !r.started {
		if err := r.start(); err != nil {
			return Payload{}, err
		}
	}
	p := Payload{Source: r.source, Line: r.line, Col: r.col, Index: r.index}
	r.index++
	if first := r.pending[0]; r.lines || (first != '{' && first != '[') {
		// NDJSON, or a scalar or stray text: the rest of the line is one
		// (maybe invalid) document.
		p.Data = trimBlanksRight(r.pending)
		r.pending = nil
		if len(p.Data) > r.maxSize {
			return Payload{}, r.tooLarge(p)
		}
		return p, nil
	}
	if err := r.document(&p); err != nil {
		return Payload{}, err
	}
	return p, nil
}

// skipBetween skips blank space between documents, reading lines until
// one has more.
func (r *Reader) skipBetween() error {
	for {
		i := 0
		for i < len(r.pending) && isSpace(r.pending[i]) {
			i++
		}
		r.pending = r.pending[i:]
		r.col += i
		if len(r.pending) > 0 {
			return nil
		}
		if err := r.readLine(r.maxSize); err != nil {
			if errors.Is(err, errLineTooLong) {
				return r.lineTooLong()
			}
			return err
		}
	}
}

// start checks the first bytes of the source and, for a source read line
// by line, whether its first line is a whole document.
func (r *Reader) start() error {
	r.started = true
	if !startsLikeJSON(r.pending) {
		return &SourceError{Source: r.source, Line: r.line, Col: r.col,
			Err: fmt.Errorf("%w: the input starts with %s, not with a JSON object", ErrNotJSON, describeStart(r.pending))}
	}
	if first := r.pending[0]; r.lines && (first == '{' || first == '[') {
		// Content decides, not the name: a first line that opens a
		// document without closing it is a pretty-printed document,
		// so the source is not NDJSON.
		var sc scanner
		if sc.scan(r.pending) < 0 {
			r.lines = false
		}
	}
	return nil
}

// document reads the object or array that starts the pending bytes. It
// finds where the document ends by an exact scan (strings, escapes,
// nesting), eight bytes at a time through string contents, so NDJSON
// lines cost little and pretty or concatenated documents split right.
func (r *Reader) document(p *Payload) error {
	var sc scanner
	r.acc = r.acc[:0]
	multi := false
	cur := r.pending
	end := sc.scan(cur)
	for ; end < 0; end = sc.scan(cur) {
		// The document continues on the next line.
		r.acc = r.growFor(r.acc, len(cur)+1, r.maxSize)
		r.acc = append(r.acc, cur...)
		r.acc = append(r.acc, '\n')
		multi = true
		if len(r.acc) > r.maxSize {
			return r.tooLarge(*p)
		}
		if err := r.readLine(r.maxSize - len(r.acc)); err != nil {
			return r.unfinished(p, err, sc.max)
		}
		cur = r.pending
	}
	tail := cur[:end+1]
	p.Data = tail
	if multi {
		r.acc = r.growFor(r.acc, len(tail), r.maxSize)
		r.acc = append(r.acc, tail...)
		p.Data = r.acc
	}
	p.depthBound = sc.max
	r.pending = cur[end+1:]
	if len(bytes.TrimLeft(r.pending, " \t")) > 0 {
		// Another document follows on this line: its column is needed
		// (counting characters is not free, so only then).
		r.col = colAfter(r, multi, tail)
	}
	if len(p.Data) > r.maxSize {
		return r.tooLarge(*p)
	}
	return nil
}

// unfinished handles a document whose next line could not be read.
func (r *Reader) unfinished(p *Payload, err error, depth int) error {
	switch {
	case errors.Is(err, errLineTooLong):
		return r.tooLarge(*p)
	case errors.Is(err, io.EOF):
		// Truncated document: hand it over whole; the syntax check
		// reports the unexpected end.
		p.Data = bytes.TrimRight(r.acc, "\n")
		p.depthBound = depth
		r.pending = nil
		return nil
	}
	return err
}

func (r *Reader) tooLarge(p Payload) error {
	return &SourceError{Source: r.source, Line: p.Line, Col: p.Col,
		Err: fmt.Errorf("%w: the document starting here exceeds %s", ErrTooLarge, humanize.IBytes(uint64(r.maxSize)))}
}

// colAfter computes the column following a document that ended inside the
// current line.
func colAfter(r *Reader, multi bool, consumed []byte) int {
	if multi {
		return 1 + runeCount(consumed)
	}
	return r.col + runeCount(consumed)
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
