package signature

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/costcheck"
)

func TestMetaEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":"plain ascii ~"}`, `{"a":"plain ascii ~"}`},
		{`{"a":"äöå"}`, `{"a":"\u00e4\u00f6\u00e5"}`}, // Meta's own example
		{`{"a":"Olá, João! ¿Qué tal?"}`, `{"a":"Ol\u00e1, Jo\u00e3o! \u00bfQu\u00e9 tal?"}`},
		{`{"a":"😀"}`, `{"a":"\ud83d\ude00"}`},              // beyond U+FFFF: a surrogate pair
		{`{"a":"👍🏽"}`, `{"a":"\ud83d\udc4d\ud83c\udffd"}`}, // emoji and skin tone
		{`{"a":"日本"}`, `{"a":"\u65e5\u672c"}`},             // CJK
		{`{"a":"\u2028 \u2029"}`, `{"a":"\u2028 \u2029"}`}, // escapes already there are kept
		{"{\"a\":\"\u2028\"}", `{"a":"\u2028"}`},           // raw LINE SEPARATOR
		{"{\"a\":\"\x7f\"}", `{"a":"\u007f"}`},             // DEL, as whatsapp-api-js escapes it
		{"{\"é\":\"x\"}", `{"\u00e9":"x"}`},                // keys too
		{`{"a":"\\é"}`, `{"a":"\\\u00e9"}`},                // after an escaped backslash
		{"{\"a\":\"\xff\xfe\"}", `{"a":"\ufffd\ufffd"}`},   // not UTF-8: what a decoder reads
		{"\xef\xbf\xbf", `\uffff`},                         // the last BMP character
		{"\U0010FFFF", `\udbff\udfff`},                     // the last character
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(MetaEscape([]byte(tt.in))); got != tt.want {
			t.Errorf("MetaEscape(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
	ascii := []byte(`{"a":"b"}`)
	if got := MetaEscape(ascii); &got[0] != &ascii[0] {
		t.Error("an ASCII-only body is copied instead of returned as is")
	}
}

func TestMeta(t *testing.T) {
	// RFC 4231, test case 2.
	got := Meta([]byte("Jefe"), []byte("what do ya want for nothing?"))
	if got != "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" {
		t.Errorf("Meta = %s", got)
	}
}

func TestVerifyMeta(t *testing.T) {
	secret := []byte("app-secret")
	raw := []byte(`{"text":"Olá 😀"}`)
	esc := MetaEscape(raw)
	tests := []struct {
		name   string
		body   []byte
		header string
		want   error
	}{
		{"escaped body signed as sent (what Meta sends)", esc, Meta(secret, esc), nil},
		{"raw body, its own HMAC", raw, Meta(secret, raw), nil},
		{"raw body signed in the escaped form", raw, Meta(secret, esc), nil},
		{"escaped body signed raw", esc, Meta(secret, raw), ErrMismatch},
		{"another secret", esc, Meta([]byte("other"), esc), ErrMismatch},
		{"another body", []byte(`{"text":"Ola"}`), Meta(secret, esc), ErrMismatch},
		{"upper-case hex", esc, "sha256=" + strings.ToUpper(Meta(secret, esc)[7:]), nil},
		{"missing", esc, "", ErrMissing},
		{"sha1", esc, "sha1=" + Meta(secret, esc)[7:47], ErrMalformed},
		{"no prefix", esc, Meta(secret, esc)[7:], ErrMalformed},
		{"short", esc, Meta(secret, esc)[:70], ErrMalformed},
		{"not hex", esc, "sha256=" + strings.Repeat("zz", 32), ErrMalformed},
	}
	for _, tt := range tests {
		if got := VerifyMeta(secret, tt.body, tt.header); !errors.Is(got, tt.want) {
			t.Errorf("%s: VerifyMeta = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// FuzzMetaEscape checks that escaping keeps every JSON value, gives ASCII,
// is idempotent, and stays linear in the input.
func FuzzMetaEscape(f *testing.F) {
	for _, s := range []string{`{"a":"äöå"}`, `{"a":"😀","b":[1,"日本"]}`, "{\"a\":\"\x7f\"}", `"\\é"`, "\xff", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out []byte
		costcheck.Within(t, "MetaEscape", in, func(b []byte) { out = MetaEscape(b) })
		for _, c := range out {
			if c >= 0x7f {
				t.Fatalf("MetaEscape(%q) = %q is not ASCII", in, out)
			}
		}
		if again := MetaEscape(out); !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q then %q", out, again)
		}
		if !utf8.Valid(in) || !json.Valid(in) {
			return
		}
		var a, b any
		if json.Unmarshal(in, &a) != nil || json.Unmarshal(out, &b) != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("the value changed: %q became %q", in, out)
		}
	})
}

func BenchmarkMetaEscape(b *testing.B) {
	body := bytes.Repeat([]byte(`{"text":"Olá, João! 😀 ¿Qué tal?","id":"wamid.HBgLMTY1MDU1NTAxNDcVAgASGBQzQTg5"},`), 1000)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		MetaEscape(body)
	}
}
