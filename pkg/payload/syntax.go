package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dustin/go-humanize/english"
	"github.com/tidwall/gjson"
)

// MaxNesting is the deepest nesting accepted. Documented payloads nest about
// ten levels; the bound protects the recursive parsers from hostile input.
const MaxNesting = 256

// SyntaxError describes why a document is not valid JSON, at a byte offset
// inside Payload.Data.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return e.Msg }

// NestingOK reports whether p nests at most MaxNesting levels. It is cheap:
// the exact scan runs only when there are more opening brackets than that.
func NestingOK(p *Payload) bool {
	if p.depthBound == 0 {
		p.depthBound = bytes.Count(p.Data, []byte{'{'}) + bytes.Count(p.Data, []byte{'['})
	}
	if p.depthBound <= MaxNesting {
		return true
	}
	_, too := tooDeep(p.Data)
	return !too
}

// CheckSyntax reports whether p is well-formed UTF-8 JSON, nested at most
// MaxNesting levels. It returns nil for valid documents; the common case
// costs one gjson validation pass and one UTF-8 pass.
func CheckSyntax(p *Payload) *SyntaxError {
	data := p.Data
	if p.depthBound == 0 || p.depthBound > MaxNesting {
		if off, too := tooDeep(data); too {
			return &SyntaxError{Offset: off, Msg: fmt.Sprintf("nesting deeper than %d levels: not a webhook payload", MaxNesting)}
		}
	}
	if gjson.Valid(bytesToString(data)) {
		if !utf8.Valid(data) {
			off := firstInvalidUTF8(data)
			return &SyntaxError{Offset: off, Msg: "invalid UTF-8 byte sequence: JSON text must be UTF-8"}
		}
		return nil
	}
	return explain(data)
}

// tooDeep scans for nesting beyond MaxNesting, returning the offset where it
// is first exceeded.
func tooDeep(data []byte) (int, bool) {
	var s scanner
	for i := 0; i < len(data); i++ {
		c := data[i]
		if s.inStr {
			switch {
			case s.esc:
				s.esc = false
			case c == '\\':
				s.esc = true
			case c == '"':
				s.inStr = false
			}
			continue
		}
		switch c {
		case '"':
			s.inStr = true
		case '{', '[':
			s.depth++
			if s.depth > MaxNesting {
				return i, true
			}
		case '}', ']':
			s.depth--
		}
	}
	return 0, false
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// explain locates and describes a syntax error, in words that name the
// usual culprits of JSON copied from documentation pages: trailing commas,
// comments, unquoted placeholders, non-breaking spaces, missing commas and
// truncation.
func explain(data []byte) *SyntaxError {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var se *json.SyntaxError
	if err == nil || !errors.As(err, &se) {
		// encoding/json accepted what gjson refused (or failed otherwise):
		// still not usable; point at the start.
		return &SyntaxError{Offset: 0, Msg: "invalid JSON"}
	}
	off := max(int(se.Offset)-1, 0)
	if off >= len(data) || se.Error() == "unexpected end of JSON input" {
		return truncated(data)
	}
	a := errorAt{data: data, off: off, c: data[off], msg: se.Error()}
	a.prev, a.prevOff = lastNonSpace(data[:off])
	for _, culprit := range culprits {
		if e := culprit(a); e != nil {
			return e
		}
	}
	return &SyntaxError{Offset: off, Msg: a.decoderMessage()}
}

// truncated describes a document that ends before its value does.
func truncated(data []byte) *SyntaxError {
	var s scanner
	s.scan(data)
	msg := "unexpected end of input: the document is truncated"
	if s.inStr {
		msg += " inside a string"
	} else if s.depth > 0 {
		msg += fmt.Sprintf(" (%s)", english.Plural(s.depth, "unclosed bracket", ""))
	}
	return &SyntaxError{Offset: len(data), Msg: msg}
}

// errorAt is where encoding/json stopped: the byte c at off, the last
// byte before it that is not white space, and the decoder's own message.
type errorAt struct {
	data    []byte
	off     int
	c       byte
	prev    byte
	prevOff int
	msg     string
}

// followedBy reports whether the byte after c is one of set.
func (a errorAt) followedBy(set string) bool {
	return a.off+1 < len(a.data) && strings.IndexByte(set, a.data[a.off+1]) >= 0
}

func (a errorAt) here(msg string) *SyntaxError { return &SyntaxError{Offset: a.off, Msg: msg} }

// culprits are the usual mistakes, most specific first; each returns nil
// when the error is not its own.
var culprits = []func(errorAt) *SyntaxError{
	badEscape, badUnicodeEscape, nonBreakingSpace, trailingComma, slashComment, hashComment,
	missingComma, secondDocument, unquotedWord, singleQuote, controlCharacter,
}

func badEscape(a errorAt) *SyntaxError {
	if !strings.Contains(a.msg, "in string escape code") {
		return nil
	}
	return &SyntaxError{Offset: max(a.off-1, 0), Msg: fmt.Sprintf("invalid escape sequence \\%c in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX; write a backslash as \\\\)", a.c)}
}

func badUnicodeEscape(a errorAt) *SyntaxError {
	if !strings.Contains(a.msg, "hexadecimal character escape") {
		return nil
	}
	return a.here("invalid escape sequence in a string: \\u must be followed by four hex digits")
}

func nonBreakingSpace(a errorAt) *SyntaxError {
	if a.c != 0xC2 || !a.followedBy("\xA0") {
		return nil
	}
	return a.here("non-breaking space (U+00A0) used as whitespace; JSON allows only spaces, tabs and newlines (copied from a web page?)")
}

func trailingComma(a errorAt) *SyntaxError {
	if (a.c != '}' && a.c != ']') || a.prev != ',' {
		return nil
	}
	return &SyntaxError{Offset: a.prevOff, Msg: fmt.Sprintf("trailing comma before %q", a.c)}
}

func slashComment(a errorAt) *SyntaxError {
	if a.c != '/' || !a.followedBy("/*") {
		return nil
	}
	return a.here("comments are not allowed in JSON")
}

func hashComment(a errorAt) *SyntaxError {
	if a.c != '#' {
		return nil
	}
	return a.here("'#' comments are not allowed in JSON")
}

func missingComma(a errorAt) *SyntaxError {
	if a.c != '"' || (a.prev != '"' && a.prev != '}' && a.prev != ']' && !isValueEnd(a.prev)) {
		return nil
	}
	return a.here("missing comma before this member")
}

func secondDocument(a errorAt) *SyntaxError {
	if (a.c != '{' && a.c != '[') || (a.prev != '}' && a.prev != ']') {
		return nil
	}
	return a.here("a second JSON document starts here without a newline between them")
}

func unquotedWord(a errorAt) *SyntaxError {
	if !isWordStart(a.c) {
		return nil
	}
	switch w := word(a.data[a.off:]); w {
	case "true", "false", "null":
		return nil
	default:
		return a.here(fmt.Sprintf("unquoted text %q is not a JSON value (a documentation placeholder?)", w))
	}
}

func singleQuote(a errorAt) *SyntaxError {
	if a.c != '\'' {
		return nil
	}
	return a.here("single quotes are not JSON string quotes; use \"")
}

func controlCharacter(a errorAt) *SyntaxError {
	if a.c >= ' ' || a.c == '\t' || a.c == '\n' || a.c == '\r' {
		return nil
	}
	return a.here(fmt.Sprintf("control character %#02x: strings must escape it", a.c))
}

// decoderMessage rewords encoding/json's message for an error no culprit
// claimed, naming a non-ASCII character by its code point.
func (a errorAt) decoderMessage() string {
	if r, _ := utf8.DecodeRune(a.data[a.off:]); r != utf8.RuneError && r > unicode.MaxASCII {
		return fmt.Sprintf("unexpected character %q (%U)", r, r)
	}
	for _, w := range decoderWords {
		if strings.Contains(a.msg, w.says) {
			return fmt.Sprintf(w.means, a.c)
		}
	}
	return a.msg
}

// decoderWords rewords encoding/json's "invalid character … after …"
// messages; the first match wins (the order matters: "after object key"
// is a prefix of the first).
var decoderWords = []struct{ says, means string }{
	{"after object key:value pair", "unexpected %q after a member's value (expected ',' or '}')"},
	{"after array element", "unexpected %q after an array element (expected ',' or ']')"},
	{"after object key", "unexpected %q after a member name (expected ':')"},
	{"after top-level value", "unexpected %q after the end of the document"},
}

func lastNonSpace(b []byte) (byte, int) {
	for i := len(b) - 1; i >= 0; i-- {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return b[i], i
	}
	return 0, -1
}

func isValueEnd(c byte) bool {
	return c >= '0' && c <= '9' || c == 'e' || c == 'l' // digits, true/false, null
}

func isWordStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '<' || c == '.'
}

func word(b []byte) string {
	end := 0
	for end < len(b) && end < 60 {
		c := b[end]
		if c == ',' || c == '}' || c == ']' || c == '\n' || c == '\r' || c == '"' || c == ':' {
			break
		}
		end++
	}
	return string(bytes.TrimSpace(b[:end]))
}

// SniffFormat is Detect for a document that may not be valid JSON: it
// decides from the names of the top-level members of an object (a string
// followed by ':' one level deep), read leniently — comments are skipped and
// whatever makes the document invalid is passed over. A payload with a
// trailing comma or a comment is still told from a tsconfig.json with its
// comments, which names no format. It costs one pass over data.
func SniffFormat(data []byte) Format {
	i := skipBlank(data, 0)
	if i >= len(data) || data[i] != '{' {
		return Unknown
	}
	depth := 0
	// As Detect: a member only a format has decides at once; one shared
	// with the retired Sinch WhatsApp API decides unless app_id or
	// project_id (the Conversation API) come too.
	first, conversation := Unknown, false
	for i < len(data) {
		switch c := data[i]; c {
		case '"':
			end := stringEnd(data, i)
			if end < 0 {
				return sniffed(first, conversation) // a string not closed ends the document
			}
			if depth == 1 {
				if j := skipBlank(data, end); j < len(data) && data[j] == ':' {
					key := bytesToString(data[i+1 : end-1])
					if f, _ := decide(key); f != Unknown {
						if !sharedWithLookalike(key) {
							return f
						}
						if first == Unknown {
							first = f
						}
					}
					conversation = conversation || key == "app_id" || key == "project_id"
				}
			}
			i = end
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '/', '#':
			if j := skipBlank(data, i); j > i {
				i = j
				continue
			}
		}
		i++
	}
	return sniffed(first, conversation)
}

func sniffed(first Format, conversation bool) Format {
	if conversation {
		return Conversation
	}
	return first
}

// stringEnd returns the index after the string starting at data[i] (a
// quote), or -1 when it is not closed.
func stringEnd(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// skipBlank skips white space and comments (// … and # … to the end of
// the line, /* … */) from data[i].
func skipBlank(data []byte, i int) int {
	for i < len(data) {
		switch c := data[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#' || c == '/' && i+1 < len(data) && data[i+1] == '/':
			nl := bytes.IndexByte(data[i:], '\n')
			if nl < 0 {
				return len(data)
			}
			i += nl + 1
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			end := bytes.Index(data[i+2:], []byte("*/"))
			if end < 0 {
				return len(data)
			}
			i += 2 + end + 2
		default:
			return i
		}
	}
	return i
}
