package conform

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// The cases mutate payloads without knowing their format: every edit here
// works on JSON as such (objects, arrays, strings), and what it is applied
// to is found through the digest (an item's JSON path, its type, its status
// or its text), never through a wire field name.

// node is a JSON value that keeps the order of object members, so that a
// mutated payload still looks like the provider's.
type node struct {
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' true/false, 'z' null
	off  int  // byte offset in the document it was parsed from (0 for added nodes)
	str  string
	obj  []member
	arr  []*node
}

type member struct {
	key string
	val *node
}

// parseTree decodes one JSON document, in one pass (pkg/jsontree's tape;
// nesting is bounded by jsontree.MaxDepth).
func parseTree(data []byte) (*node, error) {
	root := jsontree.Parse(string(data))
	if !root.Exists() {
		return nil, errors.New("conform: not one JSON document")
	}
	return fromValue(root), nil
}

func fromValue(v jsontree.Value) *node {
	n := &node{off: v.Offset()}
	switch v.Kind() {
	case jsontree.String:
		n.kind, n.str = 's', v.Str()
	case jsontree.Number:
		n.kind, n.str = 'n', v.Raw()
	case jsontree.True, jsontree.False:
		n.kind, n.str = 'b', v.Raw()
	case jsontree.Null:
		n.kind = 'z'
	case jsontree.Array:
		n.kind, n.arr = 'a', []*node{}
		v.ForEach(func(_, e jsontree.Value) bool {
			n.arr = append(n.arr, fromValue(e))
			return true
		})
	default:
		n.kind, n.obj = 'o', []member{}
		v.ForEach(func(k, e jsontree.Value) bool {
			n.obj = append(n.obj, member{key: k.Str(), val: fromValue(e)})
			return true
		})
	}
	return n
}

// bytes encodes the tree as compact JSON. Strings keep their characters
// (no HTML escaping, non-ASCII as UTF-8); asciiEscape gives Meta's form.
func (n *node) bytes() []byte { return n.append(nil) }

func (n *node) append(b []byte) []byte {
	switch n.kind {
	case 'o':
		b = append(b, '{')
		for i, m := range n.obj {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonlex.AppendQuote(b, m.key)
			b = append(b, ':')
			b = m.val.append(b)
		}
		return append(b, '}')
	case 'a':
		b = append(b, '[')
		for i, v := range n.arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = v.append(b)
		}
		return append(b, ']')
	case 's':
		return jsonlex.AppendQuote(b, n.str)
	case 'z':
		return append(b, "null"...)
	}
	return append(b, n.str...)
}

func (n *node) get(key string) *node {
	for _, m := range n.obj {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// item returns the object that starts at byte offset off of the document
// the tree was parsed from (where the digest says an item is), or nil.
func (n *node) item(off int) *node {
	var found *node
	n.walk(func(v *node) {
		if found == nil && v.kind == 'o' && v.off == off {
			found = v
		}
	})
	return found
}

// pathTo returns the child indexes that lead from n to target (nil when
// target is not inside n); follow takes them again, in a tree of the same
// shape.
func (n *node) pathTo(target *node) []int {
	if target == nil {
		return nil
	}
	if n == target {
		return []int{}
	}
	for i, m := range n.obj {
		if p := m.val.pathTo(target); p != nil {
			return append([]int{i}, p...)
		}
	}
	for i, v := range n.arr {
		if p := v.pathTo(target); p != nil {
			return append([]int{i}, p...)
		}
	}
	return nil
}

func (n *node) follow(path []int) *node {
	if path == nil {
		return nil
	}
	cur := n
	for _, i := range path {
		switch {
		case cur.kind == 'o' && i < len(cur.obj):
			cur = cur.obj[i].val
		case cur.kind == 'a' && i < len(cur.arr):
			cur = cur.arr[i]
		default:
			return nil
		}
	}
	return cur
}

// walk calls fn for n and every value inside it, parents first.
func (n *node) walk(fn func(*node)) {
	fn(n)
	for _, m := range n.obj {
		m.val.walk(fn)
	}
	for _, v := range n.arr {
		v.walk(fn)
	}
}

// addUnknownMembers adds the member key (with a string value) to every
// object of the tree: unknown fields at every level. It returns how many
// objects it touched.
func (n *node) addUnknownMembers(key, value string) int {
	count := 0
	n.walk(func(v *node) {
		if v.kind == 'o' && v.get(key) == nil {
			v.obj = append(v.obj, member{key: key, val: &node{kind: 's', str: value}})
			count++
		}
	})
	return count
}

// replaceStrings sets every string value equal to old to repl and returns
// how many it changed.
func (n *node) replaceStrings(old, repl string) int {
	count := 0
	n.walk(func(v *node) {
		if v.kind == 's' && v.str == old {
			v.str = repl
			count++
		}
	})
	return count
}

// renameType renames a message type inside n: every string value equal
// to typ in any case ("TEXT" for "text"), written in the same case, and
// every member key equal to it (the member that carries a type's content).
// It returns how many places changed.
func (n *node) renameType(typ, repl string) int {
	count := 0
	n.walk(func(v *node) {
		if v.kind == 'o' {
			for i := range v.obj {
				if v.obj[i].key == typ {
					v.obj[i].key = repl
					count++
				}
			}
		}
	})
	return count + n.renameValue(typ, repl)
}

// renameValue sets every string value equal to val in any case to repl,
// written in the same case, and returns how many it changed.
func (n *node) renameValue(val, repl string) int {
	count := 0
	n.walk(func(v *node) {
		if v.kind == 's' && strings.EqualFold(v.str, val) {
			v.str = sameCase(v.str, repl)
			count++
		}
	})
	return count
}

// sameCase writes repl in upper case when like is upper case.
func sameCase(like, repl string) string {
	if like == strings.ToUpper(like) && like != strings.ToLower(like) {
		return strings.ToUpper(repl)
	}
	return repl
}

// merge combines deliveries of one format into one: objects member by
// member, arrays concatenated, scalars from the first. A number member that
// counted a sibling array in every document (a batch's "total") is kept
// equal to the merged array's length. The result is built from the
// documents' own nodes (a thousand-item batch is not copied twice): they
// belong to it afterwards.
func merge(docs ...*node) *node {
	if len(docs) == 0 {
		return nil
	}
	out := docs[0]
	for _, d := range docs[1:] {
		mergeInto(out, d)
	}
	return out
}

func mergeInto(dst, src *node) {
	switch {
	case dst.kind == 'o' && src.kind == 'o':
		counts := countMembers(dst, src)
		for _, m := range src.obj {
			if cur := dst.get(m.key); cur != nil {
				mergeInto(cur, m.val)
			} else {
				dst.obj = append(dst.obj, m)
			}
		}
		for num, arr := range counts {
			dst.get(num).str = strconv.Itoa(len(dst.get(arr).arr))
		}
	case dst.kind == 'a' && src.kind == 'a':
		dst.arr = append(dst.arr, src.arr...)
	}
}

// countMembers finds the number members of a that hold the length of a
// sibling array, in both a and b: number key → array key.
func countMembers(a, b *node) map[string]string {
	var out map[string]string
	for _, m := range a.obj {
		if m.val.kind != 'n' {
			continue
		}
		other := b.get(m.key)
		if other == nil || other.kind != 'n' {
			continue
		}
		for _, arr := range a.obj {
			bv := b.get(arr.key)
			if arr.val.kind == 'a' && bv != nil && bv.kind == 'a' &&
				m.val.str == strconv.Itoa(len(arr.val.arr)) && other.str == strconv.Itoa(len(bv.arr)) {
				if out == nil {
					out = map[string]string{}
				}
				out[m.key] = arr.key
				break
			}
		}
	}
	return out
}

// asciiEscape rewrites valid JSON so that it is ASCII only, every other
// character as a \uXXXX escape with lowercase hex digits and UTF-16
// surrogate pairs beyond U+FFFF: the form Meta puts on the wire and signs
// (reference §4.6a). In valid JSON bytes ≥ 0x80 only occur inside strings,
// so no parsing is needed.
func asciiEscape(data []byte) []byte {
	i := asciiPrefix(data)
	if i == len(data) {
		return data
	}
	const hex = "0123456789abcdef"
	out := make([]byte, 0, len(data)+len(data)/4)
	esc := func(r rune) {
		out = append(out, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
	}
	for {
		out = append(out, data[:i]...)
		data = data[i:]
		if len(data) == 0 {
			return out
		}
		r, size := utf8.DecodeRune(data)
		data = data[size:]
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			esc(r1)
			esc(r2)
		} else {
			esc(r)
		}
		i = asciiPrefix(data)
	}
}

// asciiPrefix is the length of the ASCII run data starts with, found eight
// bytes at a time.
func asciiPrefix(data []byte) int {
	i := 0
	for ; i+8 <= len(data); i += 8 {
		if binary.LittleEndian.Uint64(data[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for i < len(data) && data[i] < utf8.RuneSelf {
		i++
	}
	return i
}
