// Package jsonlex is the lexical layer of JSON shared by wamo's two
// one-pass readers — the validator's walker (pkg/spec) and the converter's
// tape (pkg/convert): whitespace, strings checked eight bytes at a time,
// the number grammar, literals and escape decoding.
//
// Both readers exist because gjson, which wamo uses everywhere else,
// re-scans every nested value once per level above it; they need one pass
// and exact syntax checking, and this package keeps that code in one place.
package jsonlex

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// SkipSpace returns the index of the first byte at or after i that is not
// JSON whitespace (space, tab, newline, carriage return).
func SkipSpace(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// special8 is non-zero when one of the 8 bytes of x needs attention inside a
// string: a quote, a backslash or a control character. It is a SWAR test;
// the lowest flagged byte is always a true one.
func special8(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	return ((q-ones)&^q | (b-ones)&^b | (x-ones*0x20)&^x) & highs
}

// unsafeString views b (not empty) as a string without copying; the caller
// does not modify b while the string is in use.
func unsafeString(b []byte) string { return unsafe.String(&b[0], len(b)) }

// load8 reads 8 bytes of s at i as a little-endian word (i+8 <= len(s)).
func load8(s string, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
}

// String checks the string whose opening quote is s[i]. It returns the
// index just after the closing quote, whether the string holds escapes,
// and false (with the index of the offending byte) when it is not a valid
// JSON string: a control character, a bad escape, or no closing quote.
// Bytes of 0x80 and above are not looked at (see StringUTF8).
func String(s string, i int) (end int, esc, ok bool) {
	end, esc, ok, _ = scanString(s, i, 0, 0x100)
	return end, esc, ok
}

// StringUTF8 is String that also reports whether the string is valid UTF-8
// (as utf8.Valid decides): a reader that sees every byte of a document
// through it and SkipSpace needs no separate UTF-8 pass, since outside
// strings only ASCII is valid JSON. An ASCII string costs what String
// costs; the rest of one that is not is checked by utf8.ValidString.
func StringUTF8(s string, i int) (end int, esc, ok, valid bool) {
	end, esc, ok, high := scanString(s, i, 0x8080808080808080, utf8.RuneSelf)
	if !high {
		return end, esc, ok, true
	}
	from := end
	end, more, ok, _ := scanString(s, from-1, 0, 0x100)
	return end, esc || more, ok, utf8.ValidString(s[from:end])
}

// scanString is String; high selects the bytes flagged besides quotes,
// backslashes and control characters (0x80 and above, or none), and limit
// is the first byte value not plain text. At a byte at or above limit it
// stops, returning its index and high set.
func scanString(s string, i int, high uint64, limit int) (end int, esc, ok, stopped bool) {
	j := i + 1
	for {
		// Plain text eight bytes at a time, to the first byte that needs
		// attention.
		for j+8 <= len(s) {
			x := load8(s, j)
			if m := special8(x) | x&high; m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				break
			}
			j += 8
		}
		for j < len(s) && s[j] >= 0x20 && s[j] != '"' && s[j] != '\\' && int(s[j]) < limit {
			j++
		}
		if j >= len(s) {
			return j, esc, false, false
		}
		switch c := s[j]; {
		case c == '"':
			return j + 1, esc, true, false
		case c == '\\':
			esc = true
			if j, ok = escapeEnd(s, j); !ok {
				return j, esc, false, false
			}
		case int(c) >= limit:
			return j, esc, false, true
		default: // a control character
			return j, esc, false, false
		}
	}
}

// escapeEnd checks the escape whose backslash is s[j] and returns the index
// after it (j when it is not valid).
func escapeEnd(s string, j int) (int, bool) {
	if j+1 >= len(s) {
		return j, false
	}
	switch s[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return j + 2, true
	case 'u':
		if j+6 > len(s) || !isHex4(s[j+2:j+6]) {
			return j, false
		}
		return j + 6, true
	}
	return j, false
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

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Number checks the JSON number grammar -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
// from s[i] and returns the index after it.
func Number(s string, i int) (end int, ok bool) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digitsEnd(s, i)
	default:
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		if i, ok = digitRun(s, i+1); !ok {
			return i, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i, ok = digitRun(s, i); !ok {
			return i, false
		}
	}
	return i, true
}

// digitsEnd is the index after the run of digits from s[i] (i when none).
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// digitRun is digitsEnd, reporting whether there was at least one digit.
func digitRun(s string, i int) (int, bool) {
	end := digitsEnd(s, i)
	return end, end > i
}

// Digits reports whether s is a non-empty run of ASCII digits.
func Digits(s string) bool { return s != "" && digitsEnd(s, 0) == len(s) }

// Literal checks true, false or null at s[i] and returns the index after it.
func Literal(s string, i int) (end int, ok bool) {
	for _, w := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(s[i:], w) {
			return i + len(w), true
		}
	}
	return i, false
}

// Unescape decodes the escapes of a JSON string body (the text between the
// quotes). Lone surrogates become U+FFFD, as encoding/json does.
func Unescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			j := strings.IndexByte(s[i:], '\\')
			if j < 0 {
				b.WriteString(s[i:])
				break
			}
			b.WriteString(s[i : i+j])
			i += j
			continue
		}
		if i+1 >= len(s) {
			break
		}
		switch s[i+1] {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if i+6 > len(s) {
				return b.String()
			}
			r, _ := strconv.ParseUint(s[i+2:i+6], 16, 32)
			i += 6
			if utf16.IsSurrogate(rune(r)) && i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
				if r2, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
					if d := utf16.DecodeRune(rune(r), rune(r2)); d != utf8.RuneError {
						b.WriteRune(d)
						i += 6
						continue
					}
				}
			}
			if utf16.IsSurrogate(rune(r)) {
				b.WriteRune(utf8.RuneError)
			} else {
				b.WriteRune(rune(r))
			}
			continue
		default: // \" \\ \/
			b.WriteByte(s[i+1])
		}
		i += 2
	}
	return b.String()
}

const hexDigits = "0123456789abcdef"

// AppendQuote appends s as a JSON string literal, escaping what JSON
// requires — quote, backslash, control characters — and invalid UTF-8 as
// U+FFFD. Unlike encoding/json it leaves <, > and & alone: this is data, not
// HTML.
func AppendQuote(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// SkipValue returns the index just after the JSON value starting at s[i]
// (after whitespace), finding the ends of strings and counting brackets
// without checking anything else: it is for skimming text known or
// assumed to be valid. ok is false when the text ends before the value.
func SkipValue(s string, i int) (end int, ok bool) {
	i = SkipSpace(s, i)
	if i >= len(s) {
		return i, false
	}
	switch s[i] {
	case '"':
		return stringEnd(s, i)
	case '{', '[':
	default: // a number or a literal: up to the next delimiter
		for i < len(s) {
			switch s[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i, true
			}
			i++
		}
		return i, true
	}
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '"':
			end, ok := stringEnd(s, i)
			if !ok {
				return end, false
			}
			i = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1, true
			}
		}
	}
	return i, false
}

// stringEnd returns the index after the closing quote of the string that
// starts at s[i]: the next quote not escaped by an odd run of backslashes.
func stringEnd(s string, i int) (int, bool) {
	for j := i + 1; ; {
		k := strings.IndexByte(s[j:], '"')
		if k < 0 {
			return len(s), false
		}
		q := j + k
		bs := 0
		for p := q - 1; p > i && s[p] == '\\'; p-- {
			bs++
		}
		if bs&1 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
}
