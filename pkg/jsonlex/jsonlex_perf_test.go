package jsonlex_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

// stringPieces build string literals for the StringUTF8 tests: plain
// text, escapes, multi-byte characters, and bytes that are not UTF-8.
var stringPieces = []string{
	"a", "hello world", `\"`, `\\`, `\u00e9`, `\ud83d\ude00`, "é", "ção", "日本", "😀",
	"\xff", "\xc3", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80", "\x01", `"`, `\x`,
}

// TestStringUTF8 checks StringUTF8 against String and utf8.ValidString.
func TestStringUTF8(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	inputs := []string{`""`, `"abc"`, `"é"`, `"abcdefghé"`, `"\xff"`, `"abcdefgh\xff"`, `"é\u00e9\n"`, `"é`, `"é` + "\x01" + `"`}
	for range 3000 {
		var b strings.Builder
		b.WriteByte('"')
		for range r.IntN(12) {
			b.WriteString(stringPieces[r.IntN(len(stringPieces))])
		}
		b.WriteByte('"')
		inputs = append(inputs, b.String())
	}
	for _, in := range inputs {
		s := "x" + in + ",1" // the string does not start or end the text
		end, esc, ok := jsonlex.String(s, 1)
		uend, uesc, uok, valid := jsonlex.StringUTF8(s, 1)
		if uend != end || uesc != esc || uok != ok {
			t.Fatalf("StringUTF8(%q) = %d, %v, %v; String: %d, %v, %v", s, uend, uesc, uok, end, esc, ok)
		}
		if want := utf8.ValidString(s[1:end]); ok && valid != want {
			t.Fatalf("StringUTF8(%q) valid = %v, utf8.ValidString: %v", s, valid, want)
		}
	}
}

// BenchmarkStringUTF8 compares checking strings and their UTF-8 in one
// pass with String followed by utf8.ValidString, on ASCII and on text with
// accents and emoji.
func BenchmarkStringUTF8(b *testing.B) {
	for _, tc := range []struct{ name, body string }{
		{"ascii", strings.Repeat("Hello, this is an answer ", 4)},
		{"accents", strings.Repeat("Olá, quero saber o status do meu pedido 🙏 ", 2)},
	} {
		s := `"` + tc.body + `"`
		b.Run(tc.name+"/String+Valid", func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				end, _, _ := jsonlex.String(s, 0)
				if !utf8.ValidString(s[:end]) {
					b.Fatal("invalid")
				}
			}
		})
		b.Run(tc.name+"/StringUTF8", func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				if _, _, _, valid := jsonlex.StringUTF8(s, 0); !valid {
					b.Fatal("invalid")
				}
			}
		})
	}
}
