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

	// While appending: the colour class last painted, and whether the
	// next string is an object's key.
	cur       int
	expectKey bool
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
	p.cur, p.expectKey = jcNone, false
	for i := 0; i < len(src); {
		c := src[i]
		switch c {
		case ' ', '\n', '\t', '\r':
			if p.layout == jsonKeep {
				dst = append(dst, c)
			}
			i++
		case '{', '[':
			dst, i = p.open(dst, src, i)
		case '}', ']':
			dst = p.close(dst, c)
			i++
		case ',', ':':
			dst = p.separator(dst, c)
			i++
		case '"':
			end := stringEnd(src, i)
			class := jcString
			if p.expectKey {
				class = jcKey
			}
			dst = appendJSONSafe(p.paint(dst, class), src[i:end]) // raw C1 and bidi controls are valid JSON
			p.expectKey = false
			i = end
		default:
			dst, i = p.scalar(dst, src, i)
		}
	}
	if p.cur != jcNone {
		dst = append(dst, showJSONReset...)
	}
	return dst
}

// paint switches to the colour of class, when colouring and not in it.
func (p *jsonPrinter) paint(dst []byte, class int) []byte {
	if p.color && p.cur != class {
		p.cur = class
		dst = append(dst, jsonColors[class]...)
	}
	return dst
}

// open appends the object or array opening at src[i]; an empty one stays
// on one line, as jq prints it.
func (p *jsonPrinter) open(dst, src []byte, i int) ([]byte, int) {
	c := src[i]
	dst = append(p.paint(dst, jcPunct), c)
	i++
	if p.layout != jsonKeep {
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		j := i
		for j < len(src) && isJSONSpace(src[j]) {
			j++
		}
		if j < len(src) && src[j] == closer {
			p.expectKey = false
			return append(dst, closer), j + 1
		}
	}
	p.stack = append(p.stack, c == '{')
	p.expectKey = c == '{'
	if p.layout == jsonIndent {
		dst = appendIndent(dst, len(p.stack))
	}
	return dst, i
}

// close appends the closing c of the innermost container.
func (p *jsonPrinter) close(dst []byte, c byte) []byte {
	if len(p.stack) > 0 {
		p.stack = p.stack[:len(p.stack)-1]
	}
	if p.layout == jsonIndent {
		dst = appendIndent(dst, len(p.stack))
	}
	p.expectKey = false
	return append(p.paint(dst, jcPunct), c)
}

// separator appends a comma (a key follows in an object) or a colon.
func (p *jsonPrinter) separator(dst []byte, c byte) []byte {
	dst = append(p.paint(dst, jcPunct), c)
	if c == ':' {
		if p.layout == jsonIndent {
			dst = append(dst, ' ')
		}
		return dst
	}
	p.expectKey = len(p.stack) > 0 && p.stack[len(p.stack)-1]
	if p.layout == jsonIndent {
		dst = appendIndent(dst, len(p.stack))
	}
	return dst
}

// scalar appends the number or literal at src[i]: up to the next
// delimiter.
func (p *jsonPrinter) scalar(dst, src []byte, i int) ([]byte, int) {
	end := i + 1
	for end < len(src) && !isJSONDelim(src[end]) {
		end++
	}
	class := jcNumber
	switch src[i] {
	case 't', 'f':
		class = jcBool
	case 'n':
		class = jcNull
	}
	p.expectKey = false
	return append(p.paint(dst, class), src[i:end]...), end
}

func isJSONDelim(d byte) bool {
	return d == ',' || d == '}' || d == ']' || d == ':' || d == '"' || d == '{' || d == '[' || isJSONSpace(d)
}
