package jsontree

import (
	"strconv"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

// Writer appends JSON text, pretty-printed (two-space indent, like
// json.MarshalIndent) or compact. Members are written in the order they
// are called, which makes output deterministic. Values copied from a tape
// are written verbatim (a number keeps its digits, a string its escapes),
// so that copying never alters what is carried.
type Writer struct {
	b      []byte
	pretty bool
	depth  int    // indentation of the first level
	open   []bool // per open container: has it a member yet?
}

// Reset empties the writer. depth is the indentation level the text will
// sit at (for sections spliced into a larger document later).
func (w *Writer) Reset(pretty bool, depth int) {
	w.b = w.b[:0]
	w.pretty = pretty
	w.depth = depth
	w.open = w.open[:0]
}

// Bytes is the text written so far; it is valid until the next write.
func (w *Writer) Bytes() []byte { return w.b }

// Len is the number of bytes written.
func (w *Writer) Len() int { return len(w.b) }

// Pretty reports whether the writer indents.
func (w *Writer) Pretty() bool { return w.pretty }

// Newline starts a new line at the indentation of depth open levels
// (pretty writers only).
func (w *Writer) Newline(levels int) {
	if !w.pretty {
		return
	}
	w.b = append(w.b, '\n')
	for range w.depth + levels {
		w.b = append(w.b, ' ', ' ')
	}
}

// sep is called before every member or element.
func (w *Writer) sep() {
	n := len(w.open) - 1
	if n < 0 {
		return
	}
	if w.open[n] {
		w.b = append(w.b, ',')
	} else {
		w.open[n] = true
	}
	w.Newline(len(w.open))
}

func (w *Writer) begin(c byte) {
	w.b = append(w.b, c)
	w.open = append(w.open, false)
}

func (w *Writer) end(c byte) {
	n := len(w.open) - 1
	had := w.open[n]
	w.open = w.open[:n]
	if had {
		w.Newline(n)
	}
	w.b = append(w.b, c)
}

// Obj opens an object.
func (w *Writer) Obj() { w.begin('{') }

// EndObj closes an object.
func (w *Writer) EndObj() { w.end('}') }

// Arr opens an array.
func (w *Writer) Arr() { w.begin('[') }

// EndArr closes an array.
func (w *Writer) EndArr() { w.end(']') }

// Key starts a member whose name needs no escaping (a documented name).
func (w *Writer) Key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	if w.pretty {
		w.b = append(w.b, ' ')
	}
}

// RawKey starts a member from a name as written (quotes included).
func (w *Writer) RawKey(quoted string) {
	w.sep()
	w.b = append(w.b, quoted...)
	w.b = append(w.b, ':')
	if w.pretty {
		w.b = append(w.b, ' ')
	}
}

// Elem starts an array element.
func (w *Writer) Elem() { w.sep() }

// Section empties the writer for writing the elements (or members) of a
// container that another writer holds open at depth open levels: the text
// is then spliced in with Splice. Sections let a writer emit the parts of a
// document in another order than it receives them.
func (w *Writer) Section(pretty bool, depth int) {
	w.Reset(pretty, depth)
	w.open = append(w.open, false)
}

// Splice appends the text of a Section at this writer's open container.
func (w *Writer) Splice(text []byte) {
	if len(text) == 0 {
		return
	}
	if k := len(w.open) - 1; k >= 0 {
		if w.open[k] {
			w.b = append(w.b, ',')
		}
		w.open[k] = true
	}
	w.b = append(w.b, text...)
}

// Raw writes a JSON value given as text: scalars verbatim, objects and
// arrays re-indented for the output layout ("" writes null).
func (w *Writer) Raw(v string) {
	if v == "" {
		v = "null"
	}
	switch v[0] {
	case '{', '[':
		w.Value(Parse(v))
	default:
		w.b = append(w.b, v...)
	}
}

// Value copies any value (every member, repeated names included, so that
// a copy is exact).
func (w *Writer) Value(v Value) {
	switch {
	case v.IsObject():
		w.Obj()
		v.ForEachAll(func(k, x Value) bool {
			w.RawKey(k.Raw())
			w.Value(x)
			return true
		})
		w.EndObj()
	case v.IsArray():
		w.Arr()
		v.ForEach(func(_, x Value) bool {
			w.Elem()
			w.Value(x)
			return true
		})
		w.EndArr()
	case v.Exists():
		w.b = append(w.b, v.Raw()...)
	default:
		w.Null()
	}
}

// Elems writes the array v, elem writing each of its elements: a copy that
// keeps or changes what the elements hold but not the array.
func (w *Writer) Elems(v Value, elem func(x Value)) {
	w.Arr()
	v.ForEach(func(_, x Value) bool {
		w.Elem()
		elem(x)
		return true
	})
	w.EndArr()
}

// KV writes a member holding a value given as JSON text, if present.
func (w *Writer) KV(k, raw string) {
	if raw == "" {
		return
	}
	w.Key(k)
	w.Raw(raw)
}

// KValue writes a member holding a copied value, if it exists.
func (w *Writer) KValue(k string, v Value) {
	if !v.Exists() {
		return
	}
	w.Key(k)
	w.Value(v)
}

// Str writes a string.
func (w *Writer) Str(s string) { w.b = jsonlex.AppendQuote(w.b, s) }

// KStr writes a member holding a string.
func (w *Writer) KStr(k, s string) {
	w.Key(k)
	w.Str(s)
}

// Int writes an integer.
func (w *Writer) Int(n int64) { w.b = strconv.AppendInt(w.b, n, 10) }

// KInt writes a member holding an integer.
func (w *Writer) KInt(k string, n int64) {
	w.Key(k)
	w.Int(n)
}

// KBool writes a member holding a boolean.
func (w *Writer) KBool(k string, v bool) {
	w.Key(k)
	w.b = strconv.AppendBool(w.b, v)
}

// Null writes null.
func (w *Writer) Null() { w.b = append(w.b, "null"...) }

// KDigits writes a member holding a number as a JSON string ("1518694235").
func (w *Writer) KDigits(k string, n int64) {
	w.Key(k)
	w.b = append(w.b, '"')
	w.b = strconv.AppendInt(w.b, n, 10)
	w.b = append(w.b, '"')
}

// AppendWith lets f append text to the writer's buffer (a value the
// caller formats itself) and keeps what f returns.
func (w *Writer) AppendWith(f func([]byte) []byte) { w.b = f(w.b) }

// Append writes text as it is (a value or a fragment the caller built).
func (w *Writer) Append(text ...byte) { w.b = append(w.b, text...) }
