package convert

import (
	"bytes"
	"strconv"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

// writer appends JSON text, pretty-printed (two-space indent, like
// json.MarshalIndent) or compact. Members are written in the order the
// emitters call them, which makes the output deterministic. Values copied
// from the input are written verbatim (a number keeps its digits, a string
// its escapes), so that a conversion never alters what it carries.
type writer struct {
	b      []byte
	pretty bool
	open   []bool // per open container: has it a member yet?

	// With rec set, the writer records what it writes as a tape (see
	// tape.go), so that converting the output back needs no parsing.
	rec   bool
	t     tape
	stack []int32
}

func (w *writer) reset(pretty bool) {
	w.b = w.b[:0]
	w.pretty = pretty
	w.open = w.open[:0]
	w.t.nodes = w.t.nodes[:0]
	w.stack = w.stack[:0]
}

// tape returns what was recorded; it refers to w.b.
func (w *writer) tape() *tape {
	w.t.src = bytesToString(w.b)
	return &w.t
}

// node records a scalar (or a key) written at b[start:].
func (w *writer) node(start int, k kind) {
	if !w.rec {
		return
	}
	esc := k == kString && bytes.IndexByte(w.b[start:], '\\') >= 0
	n := int32(len(w.t.nodes))
	w.t.nodes = append(w.t.nodes, tnode{start: int32(start), end: int32(len(w.b)), next: n + 1, kind: k, esc: esc})
}

// scalarKind tells a scalar's kind from its text.
func scalarKind(v string) kind {
	switch v[0] {
	case '"':
		return kString
	case 't':
		return kTrue
	case 'f':
		return kFalse
	case 'n':
		return kNull
	}
	return kNumber
}

func (w *writer) newline() {
	w.b = append(w.b, '\n')
	for range len(w.open) {
		w.b = append(w.b, ' ', ' ')
	}
}

// sep is called before every member or element.
func (w *writer) sep() {
	n := len(w.open) - 1
	if n < 0 {
		return
	}
	if w.open[n] {
		w.b = append(w.b, ',')
	} else {
		w.open[n] = true
	}
	if w.pretty {
		w.newline()
	}
}

func (w *writer) begin(c byte) {
	if w.rec {
		k := kObject
		if c == '[' {
			k = kArray
		}
		w.stack = append(w.stack, int32(len(w.t.nodes)))
		w.t.nodes = append(w.t.nodes, tnode{start: int32(len(w.b)), kind: k})
	}
	w.b = append(w.b, c)
	w.open = append(w.open, false)
}

func (w *writer) end(c byte) {
	n := len(w.open) - 1
	had := w.open[n]
	w.open = w.open[:n]
	if had && w.pretty {
		w.newline()
	}
	w.b = append(w.b, c)
	if w.rec && len(w.stack) > 0 {
		i := w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
		w.t.nodes[i].end = int32(len(w.b))
		w.t.nodes[i].next = int32(len(w.t.nodes))
	}
}

// openList writes `key: [` before the first element of an array that is
// left out when empty; n counts the elements written so far.
func (w *writer) openList(key string, n int) {
	if n == 0 {
		w.key(key)
		w.arr()
	}
}

// closeList closes an array opened by openList, if any element was written.
func (w *writer) closeList(n int) {
	if n > 0 {
		w.endArr()
	}
}

func (w *writer) obj()    { w.begin('{') }
func (w *writer) endObj() { w.end('}') }
func (w *writer) arr()    { w.begin('[') }
func (w *writer) endArr() { w.end(']') }

// key starts a member whose name needs no escaping (the documented names).
func (w *writer) key(k string) {
	w.sep()
	start := len(w.b)
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"')
	w.node(start, kString)
	w.b = append(w.b, ':')
	if w.pretty {
		w.b = append(w.b, ' ')
	}
}

// rawKey starts a member from a key as written in the input (quotes included).
func (w *writer) rawKey(quoted string) {
	w.sep()
	start := len(w.b)
	w.b = append(w.b, quoted...)
	w.node(start, kString)
	w.b = append(w.b, ':')
	if w.pretty {
		w.b = append(w.b, ' ')
	}
}

// elem starts an array element.
func (w *writer) elem() { w.sep() }

// raw writes a JSON value given as text: scalars verbatim, objects and
// arrays re-indented for the output layout.
func (w *writer) raw(v string) {
	if v == "" {
		v = "null"
	}
	switch v[0] {
	case '{', '[':
		w.value(parseVal(v))
	default:
		start := len(w.b)
		w.b = append(w.b, v...)
		w.node(start, scalarKind(v))
	}
}

// value copies any JSON value.
func (w *writer) value(v val) {
	switch {
	case v.IsObject():
		w.obj()
		v.forEachAll(func(k, x val) bool {
			w.rawKey(k.Raw())
			w.value(x)
			return true
		})
		w.endObj()
	case v.IsArray():
		w.arr()
		v.ForEach(func(_, x val) bool {
			w.elem()
			w.value(x)
			return true
		})
		w.endArr()
	case v.Exists():
		start := len(w.b)
		w.b = append(w.b, v.Raw()...)
		w.node(start, v.kind())
	default:
		w.null()
	}
}

// kv writes a member holding a JSON value given as text, if present.
func (w *writer) kv(k, raw string) {
	if raw == "" {
		return
	}
	w.key(k)
	w.raw(raw)
}

// kval writes a member holding a copied value, if it exists.
func (w *writer) kval(k string, v val) {
	if !v.Exists() {
		return
	}
	w.key(k)
	w.value(v)
}

func (w *writer) str(s string) {
	start := len(w.b)
	w.b = jsonlex.AppendQuote(w.b, s)
	w.node(start, kString)
}

func (w *writer) kstr(k, s string) {
	w.key(k)
	w.str(s)
}

func (w *writer) kint(k string, n int64) {
	w.key(k)
	start := len(w.b)
	w.b = strconv.AppendInt(w.b, n, 10)
	w.node(start, kNumber)
}

func (w *writer) kbool(k string, v bool) {
	w.key(k)
	start := len(w.b)
	w.b = strconv.AppendBool(w.b, v)
	if v {
		w.node(start, kTrue)
	} else {
		w.node(start, kFalse)
	}
}

// null writes a null value.
func (w *writer) null() {
	start := len(w.b)
	w.b = append(w.b, "null"...)
	w.node(start, kNull)
}

// kdigits writes a member holding a number as a JSON string ("1518694235").
func (w *writer) kdigits(k string, n int64) {
	w.key(k)
	start := len(w.b)
	w.b = append(w.b, '"')
	w.b = strconv.AppendInt(w.b, n, 10)
	w.b = append(w.b, '"')
	w.node(start, kString)
}

// kdate writes a member holding epoch seconds as the ISO-8601 date Sinch
// uses: 2017-12-18T17:09:31.000Z.
func (w *writer) kdate(k string, sec int64) {
	w.key(k)
	start := len(w.b)
	w.b = append(w.b, '"')
	w.b = appendISO(w.b, sec)
	w.b = append(w.b, '"')
	w.node(start, kString)
}

// appendISO formats epoch seconds as YYYY-MM-DDTHH:MM:SS.000Z (UTC) for
// the years 0–9999; others are left to the time package.
func appendISO(b []byte, sec int64) []byte {
	days := floorDiv(sec, 86400)
	rem := sec - days*86400
	// civil from days (H. Hinnant's algorithm)
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	if y < 0 || y > 9999 {
		return append(b, isoMillis(sec)...)
	}
	two := func(b []byte, n int64) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }
	b = two(b, y/100)
	b = two(b, y%100)
	b = append(b, '-')
	b = two(b, m)
	b = append(b, '-')
	b = two(b, d)
	b = append(b, 'T')
	b = two(b, rem/3600)
	b = append(b, ':')
	b = two(b, rem/60%60)
	b = append(b, ':')
	b = two(b, rem%60)
	return append(b, ".000Z"...)
}

// quote returns s as a JSON string literal.
func quote(s string) string { return string(jsonlex.AppendQuote(nil, s)) }
