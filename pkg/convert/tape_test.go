package convert

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/fixtures"
)

func depth(s string) int {
	d, m := 0, 0
	for _, c := range s {
		switch c {
		case '{', '[':
			d++
			if d > m {
				m = d
			}
		case '}', ']':
			d--
		}
	}
	return m
}

// FuzzTape: the tape parser accepts exactly what encoding/json accepts (up
// to its depth bound), and copying a parsed value gives the same value.
func FuzzTape(f *testing.F) {
	for _, fx := range fixtures.List() {
		b, _ := fixtures.Read(fx)
		f.Add(string(b))
	}
	for _, s := range []string{`"a\u00e9\ud83d\ude00"`, `[1e5,-0.5E-2,0,-0]`, `{"a":"\"\\\/\b\f\n\r\t"}`, `01`, `1.`, `"\x"`, "\"\x01\"", `[1,]`, ` {} `, `"12345678\"9"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var tp tape
		got := tp.parse(s)
		if depth(s) >= maxDepth-2 {
			return
		}
		if want := json.Valid([]byte(s)); got != want {
			t.Fatalf("parse(%q) = %v, encoding/json says %v", s, got, want)
		}
		if !got {
			return
		}
		var w writer
		w.reset(strings.Contains(s, "\n"))
		w.value(tp.root())
		var a, b any
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			return // valid JSON that Go cannot hold (1e700)
		}
		if err := json.Unmarshal(w.b, &b); err != nil {
			t.Fatalf("copy is not JSON: %v\n%s", err, w.b)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("copy differs:\n%s\n%s", s, w.b)
		}
		// Str decodes as encoding/json does.
		if tp.root().IsString() && utf8.ValidString(s) { // Convert rejects invalid UTF-8 first
			var str string
			json.Unmarshal([]byte(s), &str)
			if tp.root().Str() != str && !strings.Contains(s, `\u`) {
				t.Fatalf("Str(%q) = %q, want %q", s, tp.root().Str(), str)
			}
		}
	})
}

func TestAppendISO(t *testing.T) {
	for _, sec := range []int64{0, 1, 86399, 86400, 951782400, 1513616971, 1709164800, 4102444800, 253402300799, -1, -62135596800} {
		if got, want := string(appendISO(nil, sec)), isoMillis(sec); got != want {
			t.Errorf("appendISO(%d) = %s, want %s", sec, got, want)
		}
	}
}
