package payload_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// doc is what the reader produced for one payload, copied out of its buffers.
type doc struct {
	Data      string
	Line, Col int
	Index     int
}

// readAll reads every payload of input and returns them with the error
// that ended the reading (nil at a clean EOF).
func readAll(t testing.TB, r io.Reader, maxSize int) ([]doc, error) {
	t.Helper()
	rd := payload.NewReader(r, "in.json", maxSize)
	var out []doc
	for i := 0; ; i++ {
		if i > 1e6 {
			t.Fatal("reader does not terminate")
		}
		p, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			// The error is sticky.
			if _, err2 := rd.Next(); err2 != err {
				t.Errorf("second Next after %v returned %v", err, err2)
			}
			return out, err
		}
		if p.Source != "in.json" {
			t.Errorf("source %q", p.Source)
		}
		out = append(out, doc{Data: string(p.Data), Line: p.Line, Col: p.Col, Index: p.Index})
	}
}

func TestReader(t *testing.T) {
	pretty := "{\n  \"total\": 1,\n  \"data\": [\n    {\"id\": \"x\"}\n  ]\n}\n"
	tests := []struct {
		name string
		in   string
		want []doc
	}{
		{"pretty document", pretty, []doc{{strings.TrimSuffix(pretty, "\n"), 1, 1, 0}}},
		{"pretty without final newline", strings.TrimSuffix(pretty, "\n"), []doc{{strings.TrimSuffix(pretty, "\n"), 1, 1, 0}}},
		{"ndjson", "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", []doc{{`{"a":1}`, 1, 1, 0}, {`{"b":2}`, 2, 1, 1}, {`{"c":3}`, 3, 1, 2}}},
		{"ndjson blank lines and indentation", "\n\n{\"a\":1}\n\n   \n\t{\"b\":2}  \n\n", []doc{{`{"a":1}`, 3, 1, 0}, {`{"b":2}`, 6, 2, 1}}},
		{"ndjson crlf", "{\"a\":1}\r\n{\"b\":2}\r\n", []doc{{`{"a":1}`, 1, 1, 0}, {`{"b":2}`, 2, 1, 1}}},
		{"bom", "\xef\xbb\xbf{\"a\":1}\n{\"b\":2}", []doc{{`{"a":1}`, 1, 1, 0}, {`{"b":2}`, 2, 1, 1}}},
		{"bom then crlf pretty", "\xef\xbb\xbf{\r\n  \"a\": 1\r\n}\r\n", []doc{{"{\n  \"a\": 1\n}", 1, 1, 0}}},
		{"concatenated across lines", "{\"a\":1}\n{\"b\":\n2}\n", []doc{{`{"a":1}`, 1, 1, 0}, {"{\"b\":\n2}", 2, 1, 1}}},
		{"pretty then one on the same line", "{\n \"a\": 1\n}{\"b\":2}\n{\"c\":3}", []doc{{"{\n \"a\": 1\n}", 1, 1, 0}, {`{"b":2}`, 3, 2, 1}, {`{"c":3}`, 4, 1, 2}}},
		{"brackets in strings defeat the count", `{"a":"{"}{"b":2}`, []doc{{`{"a":"{"}`, 1, 1, 0}, {`{"b":2}`, 1, 10, 1}}},
		{"escaped quotes and brackets", "{\"t\":\"he said \\\"}\\\" {\"}\n{\"u\":\"\\\\\"}\n", []doc{{`{"t":"he said \"}\" {"}`, 1, 1, 0}, {`{"u":"\\"}`, 2, 1, 1}}},
		{"multi-line with brackets in strings", "{\n \"a\": \"}\",\n \"b\": \"\\\"{[\"\n}\n{\"c\":1}\n", []doc{{"{\n \"a\": \"}\",\n \"b\": \"\\\"{[\"\n}", 1, 1, 0}, {`{"c":1}`, 5, 1, 1}}},
		{"unicode before a second document", "{\"n\":\"Zoë 日本\"}{\"b\":\"{\"}", []doc{{`{"n":"Zoë 日本"}`, 1, 1, 0}, {`{"b":"{"}`, 1, 15, 1}}},
		{"truncated at EOF", "{\n  \"a\": [1,\n", []doc{{"{\n  \"a\": [1,", 1, 1, 0}}},
		{"truncated single line", `{"a":[1`, []doc{{`{"a":[1`, 1, 1, 0}}},
		{"top-level scalars", "42\n\"x\"\ntrue\n", []doc{{"42", 1, 1, 0}, {`"x"`, 2, 1, 1}, {"true", 3, 1, 2}}},
		{"array", "[1,[2]]\n", []doc{{"[1,[2]]", 1, 1, 0}}},
		{"trailing comma line stays whole", "{\"a\":1,}\n{\"b\":2}\n", []doc{{`{"a":1,}`, 1, 1, 0}, {`{"b":2}`, 2, 1, 1}}},
		{"garbage after the first document", "{\"a\":1}\nhello world\n", []doc{{`{"a":1}`, 1, 1, 0}, {"hello world", 2, 1, 1}}},
		{"empty", "", nil},
		{"blank", "\n \n\t\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, wrap := range []struct {
				name string
				r    func(io.Reader) io.Reader
			}{
				{"whole", func(r io.Reader) io.Reader { return r }},
				{"one byte at a time", iotest.OneByteReader},
			} {
				got, err := readAll(t, wrap.r(strings.NewReader(tt.in)), 0)
				if err != nil {
					t.Fatalf("%s: %v", wrap.name, err)
				}
				if len(got) != len(tt.want) {
					t.Fatalf("%s: %d payloads, want %d:\n got %+v\nwant %+v", wrap.name, len(got), len(tt.want), got, tt.want)
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Errorf("%s: payload %d:\n got %+v\nwant %+v", wrap.name, i, got[i], tt.want[i])
					}
				}
			}
		})
	}
}

// TestReaderConcatenatedOneLine: documents written one after another on
// one line. The exact scanner splits them (see "brackets in strings defeat
// the count" above); the NDJSON fast path must agree.
func TestReaderConcatenatedOneLine(t *testing.T) {
	for _, in := range []string{
		"{\"x\": \"}\", \"y\": [1]\n}\n",
		"{\"data\": [{\"message\": {\"messageText\": \"smile :-}\"}, \"id\": \"x\"}]\n}\n",
		"[{\"a\": \"]\"}, [1]\n]\n",
	} {
		got, err := readAll(t, strings.NewReader(in), 0)
		if err != nil || len(got) != 1 || got[0].Data != strings.TrimSpace(in) {
			t.Errorf("%q: %d payloads (%v), want the whole document: %+v", in, len(got), err, got)
		}
	}
}

// TestReaderFixtures: every fixture file is read back as exactly one payload
// holding the whole file.
func TestReaderFixtures(t *testing.T) {
	err := fs.WalkDir(fixtures.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" || strings.HasPrefix(p, "invalid/") {
			return err
		}
		b, err := fs.ReadFile(fixtures.FS(), p)
		if err != nil {
			return err
		}
		got, rerr := readAll(t, bytes.NewReader(b), 0)
		if rerr != nil || len(got) != 1 || got[0].Data != strings.TrimSpace(string(b)) {
			t.Errorf("%s: %d payloads, %v", p, len(got), rerr)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReaderLongLine(t *testing.T) {
	// A valid one-line document far longer than the 1 MiB read buffer.
	long := `{"a":"` + strings.Repeat("x", 3<<20) + `"}`
	in := long + "\n{\"b\":1}\n"
	got, err := readAll(t, strings.NewReader(in), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Data != long || got[1] != (doc{`{"b":1}`, 2, 1, 1}) {
		t.Fatalf("got %d payloads; first %d bytes", len(got), len(got[0].Data))
	}
	// Also as the middle of a pretty-printed document.
	in = "{\n\"a\":\"" + strings.Repeat("é", 1<<20) + "\"\n}\n{\"b\":1}"
	got, err = readAll(t, strings.NewReader(in), 0)
	if err != nil || len(got) != 2 || len(got[0].Data) != len(in)-len("\n{\"b\":1}") || got[1].Line != 4 {
		t.Fatalf("long line inside a document: %v, %d payloads", err, len(got))
	}
}

func TestReaderMaxSize(t *testing.T) {
	t.Run("multi-line document", func(t *testing.T) {
		in := "{\"ok\":1}\n  {\n" + strings.Repeat("  \"k\": \"0123456789\",\n", 20) + "  \"z\": 0\n}\n{\"after\":1}\n"
		got, err := readAll(t, strings.NewReader(in), 100)
		var se *payload.SourceError
		if !errors.As(err, &se) || !errors.Is(err, payload.ErrTooLarge) {
			t.Fatalf("want a *SourceError wrapping ErrTooLarge, got %T %v", err, err)
		}
		if se.Source != "in.json" || se.Line != 2 || se.Col != 3 {
			t.Errorf("error at %s:%d:%d, want in.json:2:3 (where the document starts)", se.Source, se.Line, se.Col)
		}
		if !strings.Contains(se.Error(), "in.json:2:3: ") || !strings.Contains(se.Error(), "100 B") {
			t.Errorf("message %q", se.Error())
		}
		if len(got) != 1 || got[0].Data != `{"ok":1}` {
			t.Errorf("payloads before the failure: %+v", got)
		}
	})
	t.Run("line longer than the buffer", func(t *testing.T) {
		in := "{\"ok\":1}\n{\"a\":\"" + strings.Repeat("x", 3<<20) + "\"}\n"
		_, err := readAll(t, strings.NewReader(in), 2<<20)
		var se *payload.SourceError
		if !errors.As(err, &se) || !errors.Is(err, payload.ErrTooLarge) || se.Line != 2 || se.Col != 1 {
			t.Fatalf("got %v", err)
		}
		if !strings.Contains(se.Error(), "2.0 MiB") {
			t.Errorf("message %q", se.Error())
		}
	})
	t.Run("default", func(t *testing.T) {
		if payload.DefaultMaxSize != 64<<20 {
			t.Errorf("DefaultMaxSize = %d", payload.DefaultMaxSize)
		}
	})
}

func TestReaderMaxSizeSmallDocuments(t *testing.T) {
	for _, in := range []string{
		`{"a":"` + strings.Repeat("x", 5000) + `"}`,
		"{\n\"a\":\"" + strings.Repeat("x", 5000) + "\"}",
	} {
		_, err := readAll(t, strings.NewReader(in), 1000)
		if !errors.Is(err, payload.ErrTooLarge) {
			t.Errorf("%d-byte document with maxSize 1000: err = %v, want ErrTooLarge", len(in), err)
		}
	}
}

func TestReaderNotJSON(t *testing.T) {
	tests := []struct {
		name, in  string
		line, col int
		what      string
	}{
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, 1, "binary data"},
		{"nul bytes", "\x00\x00\x00{", 1, 1, "binary data"},
		{"markdown after blank lines", "\n\n  # Webhooks\n", 3, 3, `"#"`},
		{"nbsp", "\u00a0{\"a\":1}", 1, 1, "non-breaking space"},
		{"yaml", "total: 1\n", 1, 1, `"t"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, strings.NewReader(tt.in), 0)
			var se *payload.SourceError
			if !errors.As(err, &se) || !errors.Is(err, payload.ErrNotJSON) {
				t.Fatalf("want ErrNotJSON, got %v (payloads %+v)", err, got)
			}
			if se.Line != tt.line || se.Col != tt.col || !strings.Contains(se.Error(), tt.what) {
				t.Errorf("got %d:%d %q, want %d:%d containing %q", se.Line, se.Col, se.Error(), tt.line, tt.col, tt.what)
			}
		})
	}
	// Only the start of a source is sniffed: later garbage is a payload
	// (and a syntax error for the validator), not a source error.
	got, err := readAll(t, strings.NewReader("{\"a\":1}\n\x89PNG\n"), 0)
	if err != nil || len(got) != 2 {
		t.Errorf("garbage after a document: %v %+v", err, got)
	}
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := readAll(t, io.MultiReader(strings.NewReader("{\"a\":1}\n{\"b\":"), iotest.ErrReader(boom)), 0)
	var se *payload.SourceError
	if !errors.As(err, &se) || !errors.Is(err, boom) || se.Source != "in.json" {
		t.Fatalf("got %v", err)
	}
	if se.Error() != "in.json: boom" {
		t.Errorf("message %q", se.Error())
	}
}

func TestReaderBufferReuse(t *testing.T) {
	// Data is only valid until the next call; copies taken in time stay intact.
	in := strings.Repeat("{\"a\":\"0123456789\"}\n{\n\"b\": [1,\n2]\n}\n", 1000)
	got, err := readAll(t, strings.NewReader(in), 0)
	if err != nil || len(got) != 2000 {
		t.Fatalf("%v %d", err, len(got))
	}
	for i, d := range got {
		want := `{"a":"0123456789"}`
		if i%2 == 1 {
			want = "{\n\"b\": [1,\n2]\n}"
		}
		if d.Data != want || d.Index != i {
			t.Fatalf("payload %d = %+v", i, d)
		}
	}
}

func TestPosition(t *testing.T) {
	data := "{\n  \"name\": \"Zoë 日本\", \"x\": 1,\n\t\"y\": 2\n}"
	p := payload.Payload{Data: []byte(data), Line: 10, Col: 5}
	tests := []struct {
		at        string // the first occurrence of this text
		line, col int
	}{
		{"{", 10, 5},            // first line: continues the source line at Col
		{`"name"`, 11, 3},       // later lines start at column 1
		{`"x"`, 11, 21},         // characters, not bytes: ë and 日本 count once each
		{`"y"`, 12, 2},          // a tab is one character
		{"}", 13, 1},            // last line
		{"\n  \"name\"", 10, 6}, // the newline itself ends line 10
	}
	for _, tt := range tests {
		off := strings.Index(data, tt.at)
		if line, col := p.Position(off); line != tt.line || col != tt.col {
			t.Errorf("Position(%d) at %q = %d:%d, want %d:%d", off, tt.at, line, col, tt.line, tt.col)
		}
	}
	// Out of range offsets are clamped.
	if l, c := p.Position(-5); l != 10 || c != 5 {
		t.Errorf("Position(-5) = %d:%d", l, c)
	}
	if l, c := p.Position(len(data) + 100); l != 13 || c != 2 {
		t.Errorf("Position(past end) = %d:%d", l, c)
	}
}

func TestExcerpt(t *testing.T) {
	t.Run("short line", func(t *testing.T) {
		p := payload.Payload{Data: []byte("{\n  \"a\": 1,,\n}")}
		off := strings.Index(string(p.Data), ",,") + 1
		text, caret := p.Excerpt(off, 72)
		if text != `  "a": 1,,` || caret != 10 {
			t.Errorf("got %q caret %d", text, caret)
		}
	})
	t.Run("tabs become spaces", func(t *testing.T) {
		p := payload.Payload{Data: []byte("\t\t\"a\" x")}
		text, caret := p.Excerpt(6, 72)
		if text != `  "a" x` || caret != 7 || []rune(text)[caret-1] != 'x' {
			t.Errorf("got %q caret %d", text, caret)
		}
	})
	t.Run("clipped on both sides with wide characters", func(t *testing.T) {
		line := `{"name":"` + strings.Repeat("日本語", 40) + `", "oops": x, "tail":"` + strings.Repeat("ë", 100) + `"}`
		p := payload.Payload{Data: []byte("{\n" + line + "\n}")}
		off := strings.Index(string(p.Data), "x,")
		text, caret := p.Excerpt(off, 40)
		r := []rune(text)
		if !strings.HasPrefix(text, "…") || !strings.HasSuffix(text, "…") {
			t.Errorf("not clipped on both sides: %q", text)
		}
		if n := utf8.RuneCountInString(text); n != 42 {
			t.Errorf("%d characters, want 40 + two ellipses", n)
		}
		if caret < 1 || caret > len(r) || r[caret-1] != 'x' {
			t.Fatalf("caret %d does not point at x in %q", caret, text)
		}
	})
	t.Run("clipped at the start of a long line", func(t *testing.T) {
		p := payload.Payload{Data: []byte("x" + strings.Repeat("a", 200))}
		text, caret := p.Excerpt(0, 20)
		if caret != 1 || strings.HasPrefix(text, "…") || !strings.HasSuffix(text, "…") || []rune(text)[0] != 'x' {
			t.Errorf("got %q caret %d", text, caret)
		}
	})
	t.Run("clipped at the end of a long line", func(t *testing.T) {
		p := payload.Payload{Data: []byte(strings.Repeat("a", 200) + "x")}
		text, caret := p.Excerpt(200, 20)
		r := []rune(text)
		if !strings.HasPrefix(text, "…") || strings.HasSuffix(text, "…") || r[caret-1] != 'x' {
			t.Errorf("got %q caret %d", text, caret)
		}
	})
	t.Run("end of input", func(t *testing.T) {
		p := payload.Payload{Data: []byte("{\n  \"a\": [1")}
		text, caret := p.Excerpt(len(p.Data), 72)
		if text != `  "a": [1` || caret != 10 {
			t.Errorf("got %q caret %d", text, caret)
		}
	})
	t.Run("invalid UTF-8", func(t *testing.T) {
		p := payload.Payload{Data: []byte("{\"a\":\"\xff\xfe\",x}")}
		off := bytes.IndexByte(p.Data, 'x')
		text, caret := p.Excerpt(off, 72)
		if !utf8.ValidString(text) || []rune(text)[caret-1] != 'x' {
			t.Errorf("got %q caret %d", text, caret)
		}
	})
}
