package spec

import (
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// scanner reads JSON in one forward pass and checks its syntax as it goes,
// so that validating a payload costs a single read of its bytes: gjson's
// ForEach would re-scan every nested value once per level above it, and a
// separate gjson.Valid pass would read everything once more.
//
// Outside strings only ASCII is valid JSON, and strings are checked as
// UTF-8 as they are read: a text the scanner reads whole without notUTF8
// is valid UTF-8.
//
// On the first syntax error the scanner marks itself bad and jumps to the
// end of the text; every loop stops there. It reports only that the text is
// invalid: payload.CheckSyntax then explains where and why, off the hot path.
type scanner struct {
	s     string // the JSON text
	i     int    // read position
	base  int    // offset of s[0] in the payload
	bad   bool   // a syntax error was met
	badAt int    // where (offset in s)
	depth int    // nesting depth of skip
	// notUTF8 is set when a string read is not valid UTF-8.
	notUTF8 bool
	// ctx receives the repeated keys of the objects skip reads (nil while
	// the walker only peeks ahead).
	ctx *Ctx
	// rec, when set, records every token read into a tape (nil while the
	// walker only peeks ahead).
	rec *jsontree.Recorder
}

// skipSet finds repeated keys in one object that skip reads.
type skipSet struct {
	keys jsonlex.KeySet
	vals []span
}

// maxSkipDepth bounds the nesting skip accepts (it recurses).
const maxSkipDepth = 512

func (sc *scanner) fail() {
	if sc.rec != nil {
		sc.rec.Fail()
	}
	if !sc.bad {
		sc.bad, sc.badAt = true, sc.i
	}
	sc.i = len(sc.s)
}

func (sc *scanner) ws() { sc.i = jsonlex.SkipSpace(sc.s, sc.i) }

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
		if sc.rec != nil {
			sc.rec.Next()
		}
		sc.ws()
		if sc.i >= len(sc.s) || sc.s[sc.i] == closing {
			sc.fail() // trailing comma
			return false
		}
		return true
	case closing:
		sc.i++
		if sc.rec != nil {
			sc.rec.Close(sc.i)
		}
		return false
	}
	sc.fail()
	return false
}

// open consumes an opening brace or bracket and reports whether the
// container is empty (its closing byte follows, consumed too).
func (sc *scanner) open(closing byte) (empty bool) {
	if sc.rec != nil {
		sc.rec.Open(sc.i, closing == '}')
	}
	sc.i++
	sc.ws()
	if sc.i < len(sc.s) && sc.s[sc.i] == closing {
		sc.i++
		if sc.rec != nil {
			sc.rec.Close(sc.i)
		}
		return true
	}
	if sc.i >= len(sc.s) {
		sc.fail()
		return true
	}
	return false
}

// strRaw reads a string (checking it) and reports whether it holds
// escapes. Invalid UTF-8 is not a syntax error of the walk (encoding/json
// accepts it) but is recorded in notUTF8.
func (sc *scanner) strRaw() (raw string, esc bool) {
	start := sc.i
	end, esc, ok, valid := jsonlex.StringUTF8(sc.s, sc.i)
	sc.notUTF8 = sc.notUTF8 || !valid
	if !ok {
		sc.i = end
		sc.fail()
		return "", false
	}
	sc.i = end
	if sc.rec != nil {
		sc.rec.String(start, end, esc)
	}
	return sc.s[start:end], esc
}

// number reads a number per the JSON grammar.
func (sc *scanner) number() {
	end, ok := jsonlex.Number(sc.s, sc.i)
	if !ok {
		sc.i = end
		sc.fail()
		return
	}
	if sc.rec != nil {
		sc.rec.Scalar(jsontree.Number, sc.i, end)
	}
	sc.i = end
}

// literal reads true, false or null (word, of kind k).
func (sc *scanner) literal(word string, k jsontree.Kind) {
	if strings.HasPrefix(sc.s[sc.i:], word) {
		if sc.rec != nil {
			sc.rec.Scalar(k, sc.i, sc.i+len(word))
		}
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
	case c == '{' || c == '[':
		sc.depth++
		if sc.depth > maxSkipDepth {
			sc.fail()
			return
		}
		if c == '{' {
			sc.skipMembers()
		} else {
			sc.skipElements()
		}
		sc.depth--
	case c == 't':
		sc.literal("true", jsontree.True)
	case c == 'f':
		sc.literal("false", jsontree.False)
	case c == 'n':
		sc.literal("null", jsontree.Null)
	case c == '-' || c >= '0' && c <= '9':
		sc.number()
	default:
		sc.fail()
	}
}

// keyOf is the member name the string literal raw spells.
func keyOf(raw string, esc bool) string {
	key := raw[1 : len(raw)-1]
	if esc {
		key = jsonlex.Unescape(key)
	}
	return key
}

// skipMembers skips an object's members, recording them to report
// repeated keys.
func (sc *scanner) skipMembers() {
	var set *skipSet
	if sc.ctx != nil {
		set = sc.ctx.skipSet(sc.depth)
	}
	for empty := sc.open('}'); !empty; {
		if sc.peek() != '"' {
			sc.fail()
			return
		}
		keyAt := sc.i
		raw, esc := sc.strRaw()
		sc.expect(':')
		sc.ws()
		lo := sc.i
		sc.skip()
		if set != nil && !sc.bad {
			sc.member(set, raw, esc, keyAt, span{lo: int32(lo), hi: int32(sc.i)})
		}
		if !sc.next('}') {
			return
		}
	}
}

// skipElements skips an array's elements.
func (sc *scanner) skipElements() {
	for empty := sc.open(']'); !empty; {
		sc.skip()
		if !sc.next(']') {
			return
		}
	}
}

// member records a member of an object skip reads and reports its key
// when it repeats one.
func (sc *scanner) member(set *skipSet, raw string, esc bool, keyAt int, v span) {
	key := keyOf(raw, esc)
	first, dup := set.keys.Add(key, len(set.vals))
	if !dup {
		set.vals = append(set.vals, v)
		return
	}
	c, was := sc.ctx, sc.s[set.vals[first].lo:set.vals[first].hi]
	if jsonlex.Equal(was, sc.s[v.lo:v.hi]) {
		c.ReportField(RuleDuplicateKeySame, key, sc.base+keyAt, "key %q appears twice in one object, with the same value", key)
		return
	}
	c.ReportField(RuleDuplicateKey, key, sc.base+keyAt, "key %q appears twice in one object with different values: receivers read the last one, other parsers may read the first", key)
}

// skipSet returns the set for the objects skip reads at depth, emptied.
func (c *Ctx) skipSet(depth int) *skipSet {
	for len(c.skipSets) <= depth {
		c.skipSets = append(c.skipSets, &skipSet{})
	}
	set := c.skipSets[depth]
	set.keys.Reset()
	set.vals = set.vals[:0]
	return set
}

// scalar reads a string, number or literal into *v, a gjson.Result located
// in the payload. Strings with escapes are decoded and numbers parsed only
// when decode is set; otherwise Str holds the raw text between the quotes
// and Num is zero. esc reports whether the raw text holds escapes (decoded
// or not): a span keeps it, to decode the value when a rule reads it. The
// result is written through v, not returned: a returned Result was stored
// from registers and copied whole at once, a stall on every scalar.
func (sc *scanner) scalar(v *gjson.Result, decode bool) (esc bool) {
	start := sc.i
	*v = gjson.Result{Index: sc.base + start}
	switch c := sc.peek(); {
	case c == '"':
		raw, esc := sc.strRaw()
		if sc.bad {
			return false
		}
		val := raw[1 : len(raw)-1]
		if esc && decode {
			val = unescape(val)
		}
		v.Type, v.Raw, v.Str = gjson.String, raw, val
		return esc
	case c == 't':
		sc.literal("true", jsontree.True)
		v.Type, v.Raw = gjson.True, "true"
	case c == 'f':
		sc.literal("false", jsontree.False)
		v.Type, v.Raw = gjson.False, "false"
	case c == 'n':
		sc.literal("null", jsontree.Null)
		v.Type, v.Raw = gjson.Null, "null"
	case c == '-' || c >= '0' && c <= '9':
		sc.number()
		if sc.bad {
			return false
		}
		v.Type, v.Raw = gjson.Number, sc.s[start:sc.i]
		if decode { // only value checks read the number; Frame.Get parses it on demand
			v.Num, _ = strconv.ParseFloat(v.Raw, 64)
		}
	default:
		sc.fail()
	}
	return false
}

// unescape decodes the JSON escapes of a valid string body.
func unescape(s string) string { return jsonlex.Unescape(s) }
