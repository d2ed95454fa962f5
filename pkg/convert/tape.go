package convert

import (
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

// A tape is a JSON document parsed once into a flat list of nodes, one per
// value, in document order; each node knows where its subtree ends. Every
// walk over a payload (reading it, comparing it with its round trip) then
// costs one step per value, where gjson would scan nested values once per
// level. Parsing also validates the syntax.

type kind uint8

const (
	kNull kind = iota + 1
	kFalse
	kTrue
	kNumber
	kString
	kObject
	kArray
)

type tnode struct {
	start, end int32 // the value's text (strings with their quotes)
	next       int32 // index of the node after this value's subtree
	kind       kind
	esc        bool // a string holding escapes
	dup        bool // an object repeating a member name
}

type tape struct {
	src   string
	nodes []tnode
	dups  int // objects repeating a member name
}

// maxDepth bounds nesting (payload.MaxNesting).
const maxDepth = 256

// parse reads s, one JSON value with optional surrounding white space. It
// reports false for anything else (the caller then asks payload.CheckSyntax
// for a description).
func (t *tape) parse(s string) bool {
	t.src = s
	t.nodes = t.nodes[:0]
	t.dups = 0
	if len(s) > 1<<31-1 {
		return false
	}
	i, ok := t.value(skipWS(s, 0), 0)
	return ok && skipWS(s, i) == len(s)
}

// root is the document's value.
func (t *tape) root() val {
	if len(t.nodes) == 0 {
		return val{}
	}
	return val{t: t, i: 0}
}

func skipWS(s string, i int) int { return jsonlex.SkipSpace(s, i) }

func (t *tape) value(i, depth int) (int, bool) {
	s := t.src
	if i >= len(s) {
		return i, false
	}
	idx := len(t.nodes)
	t.nodes = append(t.nodes, tnode{start: int32(i)})
	var k kind
	switch c := s[i]; c {
	case '{':
		if depth >= maxDepth {
			return i, false
		}
		k = kObject
		i = skipWS(s, i+1)
		if i < len(s) && s[i] == '}' {
			i++
			break
		}
		var bloom uint64 // member names seen, hashed: repeats are rare
		for {
			if i >= len(s) || s[i] != '"' {
				return i, false
			}
			var ok bool
			start := i
			if i, ok = t.value(i, depth+1); !ok {
				return i, false
			}
			if bit := uint64(1) << (keyHash(s[start:i]) & 63); bloom&bit == 0 {
				bloom |= bit
			} else if !t.nodes[idx].dup && t.repeats(idx, len(t.nodes)-1) {
				t.nodes[idx].dup = true
				t.dups++
			}
			i = skipWS(s, i)
			if i >= len(s) || s[i] != ':' {
				return i, false
			}
			if i, ok = t.value(skipWS(s, i+1), depth+1); !ok {
				return i, false
			}
			i = skipWS(s, i)
			if i < len(s) && s[i] == ',' {
				i = skipWS(s, i+1)
				continue
			}
			if i < len(s) && s[i] == '}' {
				i++
				break
			}
			return i, false
		}
	case '[':
		if depth >= maxDepth {
			return i, false
		}
		k = kArray
		i = skipWS(s, i+1)
		if i < len(s) && s[i] == ']' {
			i++
			break
		}
		for {
			var ok bool
			if i, ok = t.value(i, depth+1); !ok {
				return i, false
			}
			i = skipWS(s, i)
			if i < len(s) && s[i] == ',' {
				i = skipWS(s, i+1)
				continue
			}
			if i < len(s) && s[i] == ']' {
				i++
				break
			}
			return i, false
		}
	case '"':
		k = kString
		end, esc, ok := jsonlex.String(s, i)
		if !ok {
			return end, false
		}
		t.nodes[idx].esc = esc
		i = end
	case 't':
		if !strings.HasPrefix(s[i:], "true") {
			return i, false
		}
		k, i = kTrue, i+4
	case 'f':
		if !strings.HasPrefix(s[i:], "false") {
			return i, false
		}
		k, i = kFalse, i+5
	case 'n':
		if !strings.HasPrefix(s[i:], "null") {
			return i, false
		}
		k, i = kNull, i+4
	default:
		k = kNumber
		var ok bool
		if i, ok = jsonlex.Number(s, i); !ok {
			return i, false
		}
	}
	n := &t.nodes[idx]
	n.kind, n.end, n.next = k, int32(i), int32(len(t.nodes))
	return i, true
}

// keyHash hashes a member name as written (FNV-1a).
func keyHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// repeats reports whether the key node k repeats an earlier member name of
// the object obj (being parsed).
func (t *tape) repeats(obj, k int) bool {
	name := (val{t, int32(k)}).Str()
	for i := obj + 1; i < k; i = int(t.nodes[i+1].next) {
		if (val{t, int32(i)}).Str() == name {
			return true
		}
	}
	return false
}

// val is one value of a tape; the zero val is absent.
type val struct {
	t *tape
	i int32
}

// Exists reports whether the value is present (null included).
func (v val) Exists() bool { return v.t != nil }

func (v val) kind() kind {
	if v.t == nil {
		return 0
	}
	return v.t.nodes[v.i].kind
}

func (v val) IsObject() bool { return v.kind() == kObject }
func (v val) IsArray() bool  { return v.kind() == kArray }
func (v val) IsString() bool { return v.kind() == kString }

// Raw is the value's JSON text ("" when absent).
func (v val) Raw() string {
	if v.t == nil {
		return ""
	}
	n := &v.t.nodes[v.i]
	return v.t.src[n.start:n.end]
}

// Index is the offset of the value in its document.
func (v val) Index() int {
	if v.t == nil {
		return 0
	}
	return int(v.t.nodes[v.i].start)
}

// Str is a string value decoded ("" for other kinds).
func (v val) Str() string {
	if v.kind() != kString {
		return ""
	}
	n := &v.t.nodes[v.i]
	raw := v.t.src[n.start+1 : n.end-1]
	if !n.esc {
		return raw
	}
	return unescape(raw)
}

// Num is a number's value.
func (v val) Num() float64 {
	if v.kind() != kNumber {
		return 0
	}
	f, _ := strconv.ParseFloat(v.Raw(), 64)
	return f
}

// keyIs reports whether a key node spells name.
func (v val) keyIs(name string) bool {
	n := &v.t.nodes[v.i]
	if !n.esc {
		return int(n.end-n.start-2) == len(name) && v.t.src[n.start+1:n.end-1] == name
	}
	return unescape(v.t.src[n.start+1:n.end-1]) == name
}

// ForEach calls fn for each member of an object (with its key) or each
// element of an array (with an absent key), until fn returns false. Of a
// repeated member name only the first member counts, as for the validator.
func (v val) ForEach(fn func(k, v val) bool) {
	switch v.kind() {
	case kObject:
		t := v.t
		end := t.nodes[v.i].next
		dup := t.nodes[v.i].dup
		for i := v.i + 1; i < end; {
			k, e := val{t, i}, val{t, i + 1}
			if dup && t.repeats(int(v.i), int(i)) {
				i = t.nodes[i+1].next
				continue
			}
			i = t.nodes[i+1].next
			if !fn(k, e) {
				return
			}
		}
	case kArray:
		t := v.t
		end := t.nodes[v.i].next
		for i := v.i + 1; i < end; {
			e := val{t, i}
			i = t.nodes[i].next
			if !fn(val{}, e) {
				return
			}
		}
	}
}

// forEachAll is ForEach with repeated member names included.
func (v val) forEachAll(fn func(k, v val) bool) {
	if v.kind() != kObject {
		v.ForEach(fn)
		return
	}
	t := v.t
	end := t.nodes[v.i].next
	for i := v.i + 1; i < end; {
		k, e := val{t, i}, val{t, i + 1}
		i = t.nodes[i+1].next
		if !fn(k, e) {
			return
		}
	}
}

// Get returns an object's member (the first of that name, as the
// validator reads it), or the zero val.
func (v val) Get(key string) val {
	if v.kind() != kObject {
		return val{}
	}
	t := v.t
	end := t.nodes[v.i].next
	for i := v.i + 1; i < end; i = t.nodes[i+1].next {
		if (val{t, i}).keyIs(key) {
			return val{t, i + 1}
		}
	}
	return val{}
}

// Len is the number of members or elements.
func (v val) Len() int {
	n := 0
	v.ForEach(func(_, _ val) bool { n++; return true })
	return n
}

// unescape decodes the body of a JSON string literal.
func unescape(s string) string { return jsonlex.Unescape(s) }

// parseVal parses a small JSON text into a value of its own tape.
func parseVal(s string) val {
	t := &tape{}
	if !t.parse(s) {
		return val{}
	}
	return t.root()
}

// Idx returns an array's i-th element, or the zero val.
func (v val) Idx(i int) val {
	var found val
	n := 0
	v.ForEach(func(_, e val) bool {
		if n == i {
			found = e
			return false
		}
		n++
		return true
	})
	if v.kind() != kArray {
		return val{}
	}
	return found
}

// at follows a path of members and array indices.
func (v val) at(p []seg) val {
	for _, s := range p {
		if !v.Exists() {
			return val{}
		}
		if s.index >= 0 {
			v = v.Idx(s.index)
		} else {
			v = v.Get(s.key)
		}
	}
	return v
}
