package render

import "bytes"

// Why wamo has its own JSON printer: `wamo show --json` must print payloads
// in colour at least twice as fast as `jq -C .` (13 MB/s measured here).
// tidwall/pretty is fast when plain (pretty.Pretty, 124 MB/s) but its
// colourizer pretty.Color re-parses the indented text token by token
// through a generic path (28 MB/s), which leaves no margin. The payloads
// shown here have already passed payload.CheckSyntax, so this printer does
// not validate: it walks the bytes once, copies strings, numbers and
// literals verbatim (escapes and number spellings are kept, keys keep their
// order), rewrites the whitespace for the layout asked and, when colour is
// on, switches the SGR colour only where the token class changes. Plain and
// coloured output differ by the escape sequences only.

// jsonLayout is the whitespace a printed JSON document gets.
type jsonLayout uint8

const (
	jsonIndent  jsonLayout = iota // jq's layout: two spaces per level, "key": value, empty {} and [] kept short
	jsonCompact                   // no whitespace at all, one line
	jsonKeep                      // whitespace copied as is: colour only
)

// jsonPrinter formats documents; it keeps its container stack between
// calls so that printing allocates nothing once warm.
type jsonPrinter struct {
	layout jsonLayout
	color  bool
	stack  []bool // per open container: true for an object
}

// colour classes, indexes into jsonColors.
const (
	jcNone = iota
	jcKey
	jcString
	jcNumber
	jcBool
	jcNull
	jcPunct
)

var jsonColors = [...]string{
	jcNone:   showJSONReset,
	jcKey:    showJSONKey,
	jcString: showJSONString,
	jcNumber: showJSONNumber,
	jcBool:   showJSONBool,
	jcNull:   showJSONNull,
	jcPunct:  showJSONPunct,
}

const jsonSpaces = "                                                                                                                                "

// appendIndent starts a new line indented for depth levels.
func appendIndent(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	n := 2 * depth
	for n > len(jsonSpaces) {
		dst = append(dst, jsonSpaces...)
		n -= len(jsonSpaces)
	}
	return append(dst, jsonSpaces[:n]...)
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// stringEnd returns the index just past the string starting with the quote
// at src[i] (len(src) if it is not terminated).
func stringEnd(src []byte, i int) int {
	j := i + 1
	for {
		k := bytes.IndexByte(src[j:], '"')
		if k < 0 {
			return len(src)
		}
		q := j + k
		// An odd number of backslashes before the quote escapes it.
		bs := 0
		for p := q - 1; p > i && src[p] == '\\'; p-- {
			bs++
		}
		if bs&1 == 0 {
			return q + 1
		}
		j = q + 1
	}
}

// Append appends the document src, formatted, to dst. It does not add a
// final newline.
func (p *jsonPrinter) Append(dst, src []byte) []byte {
	p.stack = p.stack[:0]
	cur := jcNone
	paint := func(dst []byte, class int) []byte {
		if p.color && cur != class {
			cur = class
			dst = append(dst, jsonColors[class]...)
		}
		return dst
	}
	expectKey := false
	n := len(src)
	for i := 0; i < n; {
		c := src[i]
		switch c {
		case ' ', '\n', '\t', '\r':
			if p.layout == jsonKeep {
				dst = append(dst, c)
			}
			i++
		case '{', '[':
			dst = paint(dst, jcPunct)
			dst = append(dst, c)
			i++
			closer := byte('}')
			if c == '[' {
				closer = ']'
			}
			if p.layout != jsonKeep {
				// An empty container stays on one line, as jq prints it.
				j := i
				for j < n && isJSONSpace(src[j]) {
					j++
				}
				if j < n && src[j] == closer {
					dst = append(dst, closer)
					i = j + 1
					expectKey = false
					continue
				}
			}
			p.stack = append(p.stack, c == '{')
			expectKey = c == '{'
			if p.layout == jsonIndent {
				dst = appendIndent(dst, len(p.stack))
			}
		case '}', ']':
			if len(p.stack) > 0 {
				p.stack = p.stack[:len(p.stack)-1]
			}
			if p.layout == jsonIndent {
				dst = appendIndent(dst, len(p.stack))
			}
			dst = paint(dst, jcPunct)
			dst = append(dst, c)
			expectKey = false
			i++
		case ',':
			dst = paint(dst, jcPunct)
			dst = append(dst, ',')
			expectKey = len(p.stack) > 0 && p.stack[len(p.stack)-1]
			if p.layout == jsonIndent {
				dst = appendIndent(dst, len(p.stack))
			}
			i++
		case ':':
			dst = paint(dst, jcPunct)
			dst = append(dst, ':')
			if p.layout == jsonIndent {
				dst = append(dst, ' ')
			}
			i++
		case '"':
			end := stringEnd(src, i)
			if expectKey {
				dst = paint(dst, jcKey)
			} else {
				dst = paint(dst, jcString)
			}
			dst = appendJSONSafe(dst, src[i:end]) // raw C1 and bidi controls are valid JSON
			expectKey = false
			i = end
		default:
			// A number or a literal: up to the next delimiter.
			end := i + 1
			for end < n {
				d := src[end]
				if d == ',' || d == '}' || d == ']' || d == ':' || d == '"' || d == '{' || d == '[' || isJSONSpace(d) {
					break
				}
				end++
			}
			switch c {
			case 't', 'f':
				dst = paint(dst, jcBool)
			case 'n':
				dst = paint(dst, jcNull)
			default:
				dst = paint(dst, jcNumber)
			}
			dst = append(dst, src[i:end]...)
			expectKey = false
			i = end
		}
	}
	if cur != jcNone {
		dst = append(dst, showJSONReset...)
	}
	return dst
}
