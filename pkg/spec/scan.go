package spec

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"
)

// scanner reads JSON in one forward pass and checks its syntax as it goes,
// so that validating a payload costs a single read of its bytes: gjson's
// ForEach would re-scan every nested value once per level above it, and a
// separate gjson.Valid pass would read everything once more.
//
// On the first syntax error the scanner marks itself bad and jumps to the
// end of the text; every loop stops there. It reports only that the text is
// invalid: payload.CheckSyntax then explains where and why, off the hot path.
type scanner struct {
	s     string // the JSON text
	b     []byte // the same bytes (see bytesOf)
	i     int    // read position
	base  int    // offset of s[0] in the payload
	bad   bool   // a syntax error was met
	badAt int    // where (offset in s)
	depth int    // nesting depth of skip
}

// maxSkipDepth bounds the nesting skip accepts (it recurses).
const maxSkipDepth = 512

func (sc *scanner) fail() {
	if !sc.bad {
		sc.bad, sc.badAt = true, sc.i
	}
	sc.i = len(sc.s)
}

func (sc *scanner) ws() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

func (sc *scanner) peek() byte {
	if sc.i < len(sc.s) {
		return sc.s[sc.i]
	}
	return 0
}

// expect consumes byte c (after whitespace) or fails.
func (sc *scanner) expect(c byte) {
	sc.ws()
	if sc.i < len(sc.s) && sc.s[sc.i] == c {
		sc.i++
		return
	}
	sc.fail()
}

// next consumes the separator after a member or element: it returns true
// when another one follows, false at the closing byte.
func (sc *scanner) next(closing byte) bool {
	sc.ws()
	if sc.i >= len(sc.s) {
		sc.fail()
		return false
	}
	switch sc.s[sc.i] {
	case ',':
		sc.i++
		sc.ws()
		if sc.i >= len(sc.s) || sc.s[sc.i] == closing {
			sc.fail() // trailing comma
			return false
		}
		return true
	case closing:
		sc.i++
		return false
	}
	sc.fail()
	return false
}

// open consumes an opening brace or bracket and reports whether the
// container is empty (its closing byte follows, consumed too).
func (sc *scanner) open(closing byte) (empty bool) {
	sc.i++
	sc.ws()
	if sc.i < len(sc.s) && sc.s[sc.i] == closing {
		sc.i++
		return true
	}
	if sc.i >= len(sc.s) {
		sc.fail()
		return true
	}
	return false
}

// str reads a string starting at the opening quote and returns its raw
// text (quotes included) and its decoded value.
func (sc *scanner) str() (raw, val string) {
	raw, esc := sc.strRaw()
	if sc.bad {
		return "", ""
	}
	if !esc {
		return raw, raw[1 : len(raw)-1]
	}
	return raw, unescape(raw[1 : len(raw)-1])
}

// special8 is non-zero when one of the 8 bytes of x needs attention in a
// string: a quote, a backslash or a control character (a SWAR test, so
// plain text is checked eight bytes at a time).
func special8(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	return ((q-ones)&^q | (b-ones)&^b | (x-ones*0x20)&^x) & highs
}

// bytesOf views a string's bytes without copying, for 8-byte loads.
func bytesOf(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// strRaw reads a string (checking it) and reports whether it holds escapes.
func (sc *scanner) strRaw() (raw string, esc bool) {
	s, b := sc.s, sc.b
	start := sc.i
	i := sc.i + 1 // opening quote
	for {
		// Eight bytes at a time to the first byte that needs attention
		// (the lowest flagged byte is always a true one).
		for i+8 <= len(b) {
			if sp := special8(binary.LittleEndian.Uint64(b[i:])); sp != 0 {
				i += bits.TrailingZeros64(sp) >> 3
				break
			}
			i += 8
		}
		if i >= len(s) {
			sc.fail()
			return "", false
		}
		c := s[i]
		switch {
		case c == '"':
			sc.i = i + 1
			return s[start:sc.i], esc
		case c == '\\':
			esc = true
			if i+1 >= len(s) {
				sc.fail()
				return "", false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s) || !isHex4(s[i+2:i+6]) {
					sc.fail()
					return "", false
				}
				i += 6
			default:
				sc.fail()
				return "", false
			}
		case c < 0x20:
			sc.fail()
			return "", false
		default:
			i++
		}
	}
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// number reads a number per the JSON grammar.
func (sc *scanner) number() {
	s, i := sc.s, sc.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		sc.fail()
		return
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			sc.fail()
			return
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			sc.fail()
			return
		}
	}
	sc.i = i
}

func (sc *scanner) literal(word string) {
	if strings.HasPrefix(sc.s[sc.i:], word) {
		sc.i += len(word)
		return
	}
	sc.fail()
}

// skip moves past one value of any kind, checking it.
func (sc *scanner) skip() {
	switch c := sc.peek(); {
	case c == '"':
		sc.strRaw()
	case c == '{':
		sc.depth++
		if sc.depth > maxSkipDepth {
			sc.fail()
			return
		}
		if !sc.open('}') {
			for {
				if sc.peek() != '"' {
					sc.fail()
					break
				}
				sc.strRaw()
				sc.expect(':')
				sc.ws()
				sc.skip()
				if !sc.next('}') {
					break
				}
			}
		}
		sc.depth--
	case c == '[':
		sc.depth++
		if sc.depth > maxSkipDepth {
			sc.fail()
			return
		}
		if !sc.open(']') {
			for {
				sc.skip()
				if !sc.next(']') {
					break
				}
			}
		}
		sc.depth--
	case c == 't':
		sc.literal("true")
	case c == 'f':
		sc.literal("false")
	case c == 'n':
		sc.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		sc.number()
	default:
		sc.fail()
	}
}

// scalar reads a string, number or literal as a gjson.Result located in
// the payload. Strings with escapes are decoded only when decode is set;
// otherwise Str holds the raw text between the quotes and esc is true.
func (sc *scanner) scalar(decode bool) (v gjson.Result, esc bool) {
	start := sc.i
	switch c := sc.peek(); {
	case c == '"':
		raw, esc := sc.strRaw()
		if sc.bad {
			return gjson.Result{}, false
		}
		val := raw[1 : len(raw)-1]
		if esc && decode {
			val, esc = unescape(val), false
		}
		return gjson.Result{Type: gjson.String, Raw: raw, Str: val, Index: sc.base + start}, esc
	case c == 't':
		sc.literal("true")
		return gjson.Result{Type: gjson.True, Raw: "true", Index: sc.base + start}, false
	case c == 'f':
		sc.literal("false")
		return gjson.Result{Type: gjson.False, Raw: "false", Index: sc.base + start}, false
	case c == 'n':
		sc.literal("null")
		return gjson.Result{Type: gjson.Null, Raw: "null", Index: sc.base + start}, false
	case c == '-' || c >= '0' && c <= '9':
		sc.number()
		if sc.bad {
			return gjson.Result{}, false
		}
		raw := sc.s[start:sc.i]
		n, _ := strconv.ParseFloat(raw, 64)
		return gjson.Result{Type: gjson.Number, Raw: raw, Num: n, Index: sc.base + start}, false
	}
	sc.fail()
	return gjson.Result{}, false
}

// unescape decodes the JSON escapes of a valid string body.
func unescape(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b = append(b, c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case 'r':
			b = append(b, '\r')
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'u':
			if i+4 >= len(s) {
				return string(b)
			}
			r := hex4(s[i+1 : i+5])
			i += 4
			if utf16.IsSurrogate(r) && i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
				if r2 := hex4(s[i+3 : i+7]); utf16.DecodeRune(r, r2) != utf8.RuneError {
					r = utf16.DecodeRune(r, r2)
					i += 6
				}
			}
			b = utf8.AppendRune(b, r)
		default: // \" \\ \/
			b = append(b, s[i])
		}
	}
	return string(b)
}

func hex4(s string) rune {
	var r rune
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return utf8.RuneError
		}
		r = r<<4 | rune(c)
	}
	return r
}
