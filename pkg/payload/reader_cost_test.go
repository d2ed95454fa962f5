package payload_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += n
	return n, err
}

// TestReaderStopsAtMaxSize: a document over --max-size is refused after
// maxSize+1 bytes, not after the rest of the line (issue 10: ~300 MB read
// to refuse a 64 MB limit), whatever the size hint says.
func TestReaderStopsAtMaxSize(t *testing.T) {
	const maxSize = 1 << 20
	line := `{"a":"` + strings.Repeat("x", 8<<20) + `"}` + "\n"
	for _, tt := range []struct {
		name   string
		prefix string // what comes before the long line
		lines  bool
		hint   bool
	}{
		{name: "first line"},
		{name: "first line, size known", hint: true},
		{name: "ndjson", lines: true},
		{name: "after a document", prefix: "{\"ok\":1}\n"},
		{name: "inside a pretty document", prefix: "{\n\"a\": 1,\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.prefix + line
			cr := &countingReader{r: strings.NewReader(in)}
			rd := payload.NewReader(cr, "big.json", maxSize)
			rd.SetLineMode(tt.lines)
			if tt.hint {
				rd.SetSizeHint(int64(len(in)))
			}
			var err error
			for err == nil {
				_, err = rd.Next()
			}
			if !errors.Is(err, payload.ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if limit := len(tt.prefix) + maxSize + 1; cr.n > limit {
				t.Errorf("read %d bytes to refuse a document over %d bytes: want at most %d", cr.n, maxSize, limit)
			}
		})
	}
}

// TestReaderExactlyMaxSize: a line of exactly maxSize bytes is accepted,
// with LF or CR LF after it, and one byte more is not.
func TestReaderExactlyMaxSize(t *testing.T) {
	const maxSize = 200 << 10 // longer than the read buffer
	doc := `{"a":"` + strings.Repeat("x", maxSize-8) + `"}`
	for _, end := range []string{"", "\n", "\r\n"} {
		for _, hint := range []bool{false, true} {
			in := doc + end
			if end != "" {
				in += `{"b":1}`
			}
			rd := payload.NewReader(strings.NewReader(in), "x.json", maxSize)
			if hint {
				rd.SetSizeHint(int64(len(in)))
			}
			p, err := rd.Next()
			if err != nil || string(p.Data) != doc {
				t.Fatalf("end %q, hint %v: %d bytes, %v", end, hint, len(p.Data), err)
			}
			if p, err := rd.Next(); end != "" && (err != nil || string(p.Data) != `{"b":1}`) {
				t.Fatalf("end %q: next %q, %v", end, p.Data, err)
			}
			rd = payload.NewReader(strings.NewReader(`{"a":"x`+doc[6:]+end), "x.json", maxSize)
			if _, err := rd.Next(); !errors.Is(err, payload.ErrTooLarge) {
				t.Errorf("end %q: maxSize+1 bytes accepted (%v)", end, err)
			}
		}
	}
}

// TestReaderLineModeContentDecides: a .ndjson file holding one pretty
// document is that document, not one broken payload per line (issue 9).
func TestReaderLineModeContentDecides(t *testing.T) {
	pretty := "{\n  \"total\": 1,\n  \"data\": [\n    {\"id\": \"x\"}\n  ]\n}"
	for name, in := range map[string]string{
		"one pretty document":  pretty + "\n",
		"after blank lines":    "\n\n" + pretty,
		"two pretty documents": pretty + "\n" + pretty + "\n",
		"with a bom":           "\xef\xbb\xbf" + pretty,
	} {
		rd := payload.NewReader(strings.NewReader(in), "x.ndjson", 0)
		rd.SetLineMode(true)
		var got []string
		payloadtest.Each(t, rd, func(p *payload.Payload) { got = append(got, string(p.Data)) })
		want := strings.Count(in, pretty)
		if len(got) != want || got[0] != pretty {
			t.Errorf("%s: %d payloads %q, want %d pretty documents", name, len(got), got, want)
		}
	}
	// NDJSON stays NDJSON: a broken line is one payload, not merged with
	// the next one.
	rd := payload.NewReader(strings.NewReader("{\"a\":1}\n{\"b\":\n{\"c\":3}\n"), "x.ndjson", 0)
	rd.SetLineMode(true)
	n := 0
	for {
		if _, err := rd.Next(); err != nil {
			break
		}
		n++
	}
	if n != 3 {
		t.Errorf("ndjson with a broken line: %d payloads, want 3", n)
	}
}

// excerptReference is Excerpt as it was, turning the whole line into runes:
// the windowed Excerpt must show the same text and caret.
func excerptReference(data []byte, offset, width int) (string, int) {
	offset = min(max(offset, 0), len(data))
	start := bytes.LastIndexByte(data[:offset], '\n') + 1
	end := bytes.IndexByte(data[offset:], '\n')
	if end < 0 {
		end = len(data)
	} else {
		end += offset
	}
	line := []rune(string(bytes.ToValidUTF8(data[start:end], []byte("?"))))
	col := utf8.RuneCount(bytes.ToValidUTF8(data[start:offset], []byte("?")))
	for i, r := range line {
		if r < ' ' {
			line[i] = ' '
		}
	}
	width = max(width, 10)
	lo, hi := 0, len(line)
	if hi-lo > width {
		lo = max(col-width/2, 0)
		hi = lo + width
		if hi > len(line) {
			hi = len(line)
			lo = hi - width
		}
	}
	out, caret := string(line[lo:hi]), col-lo+1
	if lo > 0 {
		out, caret = "…"+out, caret+1
	}
	if hi < len(line) {
		out += "…"
	}
	return out, caret
}

func FuzzExcerpt(f *testing.F) {
	f.Add([]byte("{\n  \"a\": 1,,\n}"), 11, 72)
	f.Add([]byte(`{"name":"`+strings.Repeat("日本語", 40)+`", "oops": x}`), 130, 40)
	f.Add([]byte("\t\t\"a\" x"), 6, 72)
	f.Add([]byte("ab\xff\xfecd\n\xffx"), 4, 12)
	f.Fuzz(func(t *testing.T, data []byte, offset, width int) {
		width %= 200
		p := payload.Payload{Data: data, Line: 1, Col: 1}
		// Position counts characters as utf8.RuneCount does (each invalid
		// byte one), without its copy.
		o := min(max(offset, 0), len(data))
		nl := bytes.LastIndexByte(data[:o], '\n')
		wantLine, wantCol := 1+bytes.Count(data[:o], []byte{'\n'}), utf8.RuneCount(data[nl+1:o])+1
		if line, col := p.Position(offset); line != wantLine || col != wantCol {
			t.Fatalf("Position(%q, %d) = %d:%d, want %d:%d", data, offset, line, col, wantLine, wantCol)
		}
		text, caret := p.Excerpt(offset, width)
		if !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 %q", text)
		}
		// Offsets of syntax errors fall on the start of a character; on
		// valid UTF-8 both must then agree.
		if !utf8.Valid(data) || o < len(data) && !utf8.RuneStart(data[o]) {
			return
		}
		if wt, wc := excerptReference(data, offset, width); text != wt || caret != wc {
			t.Fatalf("Excerpt(%q, %d, %d) = %q, %d; want %q, %d", data, offset, width, text, caret, wt, wc)
		}
	})
}

// TestExcerptLongLine: the excerpt of a syntax error at the end of a long
// single line allocates its text only (issue 10: a 60 MB line cost 549 MB
// for a 72-character excerpt).
func TestExcerptLongLine(t *testing.T) {
	line := bytes.Repeat([]byte(`{"a":"é"},`), 1<<17) // 1.4 MB, two-byte characters
	p := payload.Payload{Data: line}
	var text string
	// AllocsPerRun counts the whole process's allocations, truncated to an
	// integer per run: over 50 runs a stray allocation elsewhere (the
	// collector starting, a timer) rounds away, one per excerpt does not.
	allocs := testing.AllocsPerRun(50, func() { text, _ = p.Excerpt(len(line)-1, 72) })
	if allocs > 1 {
		t.Errorf("%v allocations for one excerpt", allocs)
	}
	if !strings.HasPrefix(text, "…") || utf8.RuneCountInString(text) != 73 {
		t.Errorf("excerpt %q", text)
	}
}

// TestCursor: a cursor places offsets as Position does, in any order, and
// in one pass when they increase.
func TestCursor(t *testing.T) {
	data := []byte(strings.Repeat("{\"a\": \"Zoë\",\n\t\"日本\": [1,\n2]}\r\n", 50))
	p := payload.Payload{Data: data, Line: 7, Col: 3}
	c := p.Cursor()
	for _, off := range []int{0, 1, 5, 13, 13, 14, 200, 199, 40, len(data), len(data) + 5, -1, 300} {
		wl, wc := p.Position(off)
		if l, col := c.Position(off); l != wl || col != wc {
			t.Errorf("Cursor.Position(%d) = %d:%d, Position says %d:%d", off, l, col, wl, wc)
		}
	}
	// 200,000 increasing offsets into 4 MB: one pass, where a position
	// from the start for each would read 400 GB.
	big := payload.Payload{Data: bytes.Repeat([]byte("{\"é\": 1,\n\"b\": 2}\n"), 1<<18), Line: 1, Col: 1}
	costcheck.Within(t, "200,000 positions", big.Data, func([]byte) {
		c = big.Cursor()
		step := len(big.Data) / 200000
		for off := 0; off < len(big.Data); off += step {
			c.Position(off)
		}
	})
	if l, _ := c.Position(len(big.Data)); l != 1+2*(1<<18) {
		t.Errorf("last line %d", l)
	}
}
