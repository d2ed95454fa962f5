// Package jsontree reads a JSON document once into a tape — a flat list of
// nodes, one per value, in document order, each knowing where its subtree
// ends — and writes JSON text back. Format readers walk tapes, format
// writers use the Writer, and convert compares two tapes; every walk then
// costs one step per value, where gjson would scan nested values once per
// level above them.
//
// Values keep their text as written: a string its escapes, a number its
// digits. Of a member name written twice in one object the last one
// counts, as in encoding/json, Node and Python, which is what receivers
// read.
package jsontree

import (
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

// Kind is the JSON type of a value.
type Kind uint8

// Kinds of values; Absent is the zero Value's.
const (
	Absent Kind = iota
	Null
	False
	True
	Number
	String
	Object
	Array
)

type node struct {
	start, end int32 // the value's text (strings with their quotes)
	next       int32 // index of the node after this value's subtree
	kind       Kind
	esc        bool // a string holding escapes
	dup        bool // an object repeating a member name
	shadowed   bool // a member name that a later member of its object repeats
}

// Tape is a parsed document. Its Values refer to the text it was parsed
// from, which must not change while they are in use.
type Tape struct {
	src   string
	nodes []node
	dups  int
	// per open object while parsing: its key nodes, by name once it has
	// many (a map), so that finding repeats stays linear.
	objs []objState
	// utf8 asks the parse to check that strings are UTF-8; badUTF8 is set
	// when one is not.
	utf8, badUTF8 bool
}

type objState struct {
	keys  []keyRef
	names map[string]int32 // by decoded name, once many
	many  bool
	bloom uint64 // a bit per nameHash of the names so far
	esc   bool   // one of them holds escapes
}

// keyRef is a member name of an object being parsed: its text between the
// quotes, its node, whether it holds escapes.
type keyRef struct {
	raw string
	idx int32
	esc bool
}

// manyKeys is the member count from which an object's names are indexed.
const manyKeys = 16

// MaxDepth bounds nesting: deeper documents do not parse.
const MaxDepth = 256

// Parse reads s, one JSON value with optional white space around it. It
// reports false for anything else (payload.CheckSyntax describes why).
func (t *Tape) Parse(s string) bool {
	t.src = s
	t.nodes = t.nodes[:0]
	t.dups = 0
	if len(s) > 1<<31-1 {
		return false
	}
	i, ok := t.value(jsonlex.SkipSpace(s, 0), 0)
	return ok && jsonlex.SkipSpace(s, i) == len(s)
}

// ParseUTF8 is Parse that also reports whether s is valid UTF-8, as
// utf8.ValidString decides, without a pass of its own: outside strings
// only ASCII is valid JSON, and strings are checked as they are read.
// valid is meaningful when ok.
func (t *Tape) ParseUTF8(s string) (ok, valid bool) {
	t.utf8, t.badUTF8 = true, false
	ok = t.Parse(s)
	t.utf8 = false
	return ok, !t.badUTF8
}

// ParseSeq reads s as a sequence of JSON values separated by white space
// (a writer's output of several documents) and returns their roots; it
// reports false unless all of s is such a sequence.
func (t *Tape) ParseSeq(s string) ([]Value, bool) {
	t.src = s
	t.nodes = t.nodes[:0]
	t.dups = 0
	if len(s) > 1<<31-1 {
		return nil, false
	}
	var roots []Value
	for i := jsonlex.SkipSpace(s, 0); i < len(s); i = jsonlex.SkipSpace(s, i) {
		root := int32(len(t.nodes))
		var ok bool
		if i, ok = t.value(i, 0); !ok {
			return nil, false
		}
		roots = append(roots, Value{t: t, i: root})
	}
	return roots, len(roots) > 0
}

// Parse parses s into a tape of its own and returns its root value, or the
// zero Value when s is not one JSON value.
func Parse(s string) Value {
	t := &Tape{}
	if !t.Parse(s) {
		return Value{}
	}
	return t.Root()
}

// Root is the document's value (the zero Value before a successful Parse).
func (t *Tape) Root() Value {
	if len(t.nodes) == 0 {
		return Value{}
	}
	return Value{t: t, i: 0}
}

// Src is the text the tape was parsed from.
func (t *Tape) Src() string { return t.src }

// Duplicates is the number of objects that repeat a member name.
func (t *Tape) Duplicates() int { return t.dups }

func (t *Tape) value(i, depth int) (int, bool) {
	s := t.src
	if i >= len(s) {
		return i, false
	}
	idx := len(t.nodes)
	// Appending the zero node and setting start apart: a node composed
	// whole on the stack is copied with a 16-byte load that its narrower
	// stores cannot forward to, a stall on every value.
	t.nodes = append(t.nodes, node{})
	t.nodes[idx].start = int32(i)
	var k Kind
	switch c := s[i]; c {
	case '{':
		if depth >= MaxDepth {
			return i, false
		}
		k = Object
		var ok bool
		if i, ok = t.object(i, idx, depth); !ok {
			return i, false
		}
	case '[':
		if depth >= MaxDepth {
			return i, false
		}
		k = Array
		i = jsonlex.SkipSpace(s, i+1)
		if i < len(s) && s[i] == ']' {
			i++
			break
		}
		for more := true; more; {
			var ok bool
			if i, ok = t.value(jsonlex.SkipSpace(s, i), depth+1); !ok {
				return i, false
			}
			if i, more, ok = after(s, i, ']'); !ok {
				return i, false
			}
		}
	case '"':
		k = String
		end, esc, ok := t.str(i)
		if !ok {
			return end, false
		}
		t.nodes[idx].esc = esc
		i = end
	case 't', 'f', 'n':
		end, ok := jsonlex.Literal(s, i)
		if !ok {
			return i, false
		}
		switch c {
		case 't':
			k = True
		case 'f':
			k = False
		default:
			k = Null
		}
		i = end
	default:
		k = Number
		var ok bool
		if i, ok = jsonlex.Number(s, i); !ok {
			return i, false
		}
	}
	n := &t.nodes[idx]
	n.kind, n.end, n.next = k, int32(i), int32(len(t.nodes))
	return i, true
}

// object parses the members of the object at s[i] (node idx).
func (t *Tape) object(i, idx, depth int) (int, bool) {
	s := t.src
	i = jsonlex.SkipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return i + 1, true
	}
	t.openObject(depth)
	for {
		if i = jsonlex.SkipSpace(s, i); i >= len(s) || s[i] != '"' {
			return i, false
		}
		var ok bool
		if i, ok = t.key(i); !ok {
			return i, false
		}
		t.member(idx, depth, int32(len(t.nodes)-1))
		i = jsonlex.SkipSpace(s, i)
		if i >= len(s) || s[i] != ':' {
			return i, false
		}
		if i, ok = t.value(jsonlex.SkipSpace(s, i+1), depth+1); !ok {
			return i, false
		}
		var more bool
		if i, more, ok = after(s, i, '}'); !ok || !more {
			return i, ok
		}
	}
}

// str checks the string at s[i] (see jsonlex.String), and its UTF-8
// when asked to.
func (t *Tape) str(i int) (end int, esc, ok bool) {
	if !t.utf8 {
		return jsonlex.String(t.src, i)
	}
	end, esc, ok, valid := jsonlex.StringUTF8(t.src, i)
	t.badUTF8 = t.badUTF8 || !valid
	return end, esc, ok
}

// key parses the member name at s[i] (a quote) into a node of its own,
// as value would, without going through the kinds of values.
func (t *Tape) key(i int) (int, bool) {
	end, esc, ok := t.str(i)
	if !ok {
		return end, false
	}
	idx := int32(len(t.nodes))
	t.nodes = append(t.nodes, node{})
	n := &t.nodes[idx]
	n.start, n.end, n.next, n.kind, n.esc = int32(i), int32(end), idx+1, String, esc
	return end, true
}

// openObject readies the member names of an object opened at depth.
func (t *Tape) openObject(depth int) {
	if len(t.objs) <= depth {
		t.objs = append(t.objs, make([]objState, depth+1-len(t.objs))...)
	}
	st := &t.objs[depth]
	st.keys, st.bloom, st.esc = st.keys[:0], 0, false
	if st.many {
		clear(st.names)
		st.many = false
	}
}

// after reads what follows an element of a container that close ends: a
// comma (more) or close; next is past it, and ok is false on anything
// else.
func after(s string, i int, close byte) (next int, more, ok bool) {
	if i = jsonlex.SkipSpace(s, i); i < len(s) {
		switch s[i] {
		case ',':
			return i + 1, true, true
		case close:
			return i + 1, false, true
		}
	}
	return i, false, false
}

// member records key node k of the object obj being parsed at depth, and
// marks an earlier member of the same name as shadowed. Names are
// compared as written, and decoded only when one of them holds escapes.
func (t *Tape) member(obj, depth int, k int32) {
	st := &t.objs[depth]
	n := &t.nodes[k]
	raw := t.src[n.start+1 : n.end-1]
	var prev int32
	if st.many {
		prev = st.byName(raw, n.esc, k)
	} else {
		prev = st.scan(raw, n.esc, k)
	}
	if prev >= 0 {
		t.nodes[prev].shadowed = true
		if !t.nodes[obj].dup {
			t.nodes[obj].dup = true
			t.dups++
		}
	}
}

// byName records name raw (node k) of an object of many members and
// returns the node of the earlier one of that name, or -1.
func (st *objState) byName(raw string, esc bool, k int32) int32 {
	name := keyRef{raw: raw, esc: esc}.name()
	prev, ok := st.names[name]
	if !ok {
		prev = -1
	}
	st.names[name] = k
	return prev
}

// scan records name raw (node k) of an object of few members so far and
// returns the node of the earlier one of that name, or -1. A name unlike
// every earlier one by its length and end bytes (most names) needs no
// comparison; names with escapes always do.
func (st *objState) scan(raw string, esc bool, k int32) int32 {
	prev := int32(-1)
	bit := uint64(1) << (nameHash(raw) & 63)
	if st.bloom&bit != 0 || esc || st.esc {
		name := "" // decoded, once needed
		for _, p := range st.keys {
			if p.raw == raw || (p.esc || esc) && p.name() == decoded(&name, raw, esc) {
				prev = p.idx
			}
		}
	}
	st.bloom |= bit
	st.esc = st.esc || esc
	st.keys = append(st.keys, keyRef{raw: raw, idx: k, esc: esc})
	if len(st.keys) > manyKeys {
		st.many = true
		if st.names == nil {
			st.names = make(map[string]int32, 2*manyKeys)
		}
		for _, p := range st.keys {
			st.names[p.name()] = p.idx
		}
	}
	return prev
}

// nameHash sums a name's length and end bytes, which tell most names of
// an object apart.
func nameHash(raw string) uint {
	if raw == "" {
		return 0
	}
	return uint(len(raw)) + 7*uint(raw[0]) + 13*uint(raw[len(raw)-1])
}

// name is the member name decoded.
func (p keyRef) name() string {
	if p.esc {
		return jsonlex.Unescape(p.raw)
	}
	return p.raw
}

// decoded is the name raw spells, decoded into *name the first time.
func decoded(name *string, raw string, esc bool) string {
	if *name == "" {
		*name = keyRef{raw: raw, esc: esc}.name()
	}
	return *name
}

// Value is one value of a tape; the zero Value is absent.
type Value struct {
	t *Tape
	i int32
}

// Exists reports whether the value is present (null included).
func (v Value) Exists() bool { return v.t != nil }

// Kind is the value's JSON type.
func (v Value) Kind() Kind {
	if v.t == nil {
		return Absent
	}
	return v.t.nodes[v.i].kind
}

// IsObject reports whether the value is an object.
func (v Value) IsObject() bool { return v.Kind() == Object }

// IsArray reports whether the value is an array.
func (v Value) IsArray() bool { return v.Kind() == Array }

// IsString reports whether the value is a string.
func (v Value) IsString() bool { return v.Kind() == String }

// IsNumber reports whether the value is a number.
func (v Value) IsNumber() bool { return v.Kind() == Number }

// IsNull reports whether the value is null.
func (v Value) IsNull() bool { return v.Kind() == Null }

// Raw is the value's JSON text as written ("" when absent).
func (v Value) Raw() string {
	if v.t == nil {
		return ""
	}
	n := &v.t.nodes[v.i]
	return v.t.src[n.start:n.end]
}

// Offset is the byte offset of the value in its document.
func (v Value) Offset() int {
	if v.t == nil {
		return 0
	}
	return int(v.t.nodes[v.i].start)
}

// Str is a string value decoded ("" for other kinds).
func (v Value) Str() string {
	if v.Kind() != String {
		return ""
	}
	n := &v.t.nodes[v.i]
	raw := v.t.src[n.start+1 : n.end-1]
	if !n.esc {
		return raw
	}
	return jsonlex.Unescape(raw)
}

// Num is a number's value (0 for other kinds).
func (v Value) Num() float64 {
	if v.Kind() != Number {
		return 0
	}
	f, _ := strconv.ParseFloat(v.Raw(), 64)
	return f
}

// Int is an integer number's value; ok is false for anything else.
func (v Value) Int() (n int64, ok bool) {
	if v.Kind() != Number {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Raw(), 10, 64)
	return n, err == nil
}

// KeyIs reports whether a member-name node spells name.
func (v Value) KeyIs(name string) bool {
	n := &v.t.nodes[v.i]
	if !n.esc {
		return int(n.end-n.start-2) == len(name) && v.t.src[n.start+1:n.end-1] == name
	}
	return jsonlex.Unescape(v.t.src[n.start+1:n.end-1]) == name
}

// HasDuplicates reports whether an object repeats a member name.
func (v Value) HasDuplicates() bool {
	return v.Kind() == Object && v.t.nodes[v.i].dup
}

// ForEach calls fn for each member of an object (with its name) or each
// element of an array (with an absent name), until fn returns false. Of a
// member name written twice only the last member is visited.
func (v Value) ForEach(fn func(k, v Value) bool) {
	v.each(fn, false)
}

// ForEachAll is ForEach with repeated member names visited each time;
// shadowed reports, for a member, that a later one has the same name.
func (v Value) ForEachAll(fn func(k, v Value) bool) {
	v.each(fn, true)
}

// Shadowed reports whether a member-name node is repeated later in its object.
func (v Value) Shadowed() bool { return v.t != nil && v.t.nodes[v.i].shadowed }

func (v Value) each(fn func(k, v Value) bool, all bool) {
	switch v.Kind() {
	case Object:
		t := v.t
		end := t.nodes[v.i].next
		for i := v.i + 1; i < end; {
			k, e := Value{t, i}, Value{t, i + 1}
			i = t.nodes[i+1].next
			if !all && t.nodes[k.i].shadowed {
				continue
			}
			if !fn(k, e) {
				return
			}
		}
	case Array:
		t := v.t
		end := t.nodes[v.i].next
		for i := v.i + 1; i < end; {
			e := Value{t, i}
			i = t.nodes[i].next
			if !fn(Value{}, e) {
				return
			}
		}
	}
}

// Get returns an object's member (the last of that name), or the zero Value.
func (v Value) Get(key string) Value {
	if v.Kind() != Object {
		return Value{}
	}
	t := v.t
	end := t.nodes[v.i].next
	for i := v.i + 1; i < end; i = t.nodes[i+1].next {
		if !t.nodes[i].shadowed && (Value{t, i}).KeyIs(key) {
			return Value{t, i + 1}
		}
	}
	return Value{}
}

// Path follows member names (and, for arrays, decimal indices).
func (v Value) Path(keys ...string) Value {
	for _, k := range keys {
		if v.IsArray() {
			n, err := strconv.Atoi(k)
			if err != nil {
				return Value{}
			}
			v = v.Index(n)
			continue
		}
		v = v.Get(k)
	}
	return v
}

// Members indexes an object's members by name (the last of each name).
func (v Value) Members() map[string]Value {
	m := make(map[string]Value)
	v.ForEach(func(k, x Value) bool {
		m[k.Str()] = x
		return true
	})
	return m
}

// Len is the number of members (distinct names) or elements.
func (v Value) Len() int {
	n := 0
	v.ForEach(func(_, _ Value) bool { n++; return true })
	return n
}

// Index returns an array's i-th element, or the zero Value.
func (v Value) Index(i int) Value {
	if v.Kind() != Array || i < 0 {
		return Value{}
	}
	var found Value
	n := 0
	v.ForEach(func(_, e Value) bool {
		if n == i {
			found = e
			return false
		}
		n++
		return true
	})
	return found
}

// Truthy reports whether the value is true.
func (v Value) Truthy() bool { return v.Kind() == True }

// Equal reports whether two values are equal as JSON values: key order,
// escapes and number spelling do not matter.
func Equal(a, b Value) bool {
	if a.Raw() == b.Raw() {
		return true
	}
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case String:
		return a.Str() == b.Str()
	case Number:
		return a.Num() == b.Num()
	case Array:
		bt, bend := b.t, b.t.nodes[b.i].next
		j := b.i + 1
		eq := true
		a.ForEach(func(_, x Value) bool {
			if j >= bend {
				eq = false
				return false
			}
			eq = Equal(x, Value{bt, j})
			j = bt.nodes[j].next
			return eq
		})
		return eq && j >= bend
	case Object:
		n := a.Len()
		if n != b.Len() {
			return false
		}
		get := b.Get
		if n > manyKeys {
			m := b.Members()
			get = func(k string) Value { return m[k] }
		}
		eq := true
		a.ForEach(func(k, x Value) bool {
			eq = Equal(x, get(k.Str()))
			return eq
		})
		return eq
	}
	return true
}

// Identity is a scalar's identity for matching values across documents:
// equal JSON values give equal identities (a string by its decoded text, a
// number by its value); objects and arrays go by their text.
func (v Value) Identity() string {
	switch v.Kind() {
	case String:
		return "s" + v.Str()
	case Number:
		return "n" + strconv.FormatFloat(v.Num(), 'g', -1, 64)
	}
	return "r" + v.Raw()
}

// Quote returns s as a JSON string literal.
func Quote(s string) string { return string(jsonlex.AppendQuote(nil, s)) }

// Unquote decodes JSON text holding a string ("" for anything else).
func Unquote(raw string) string {
	if len(raw) < 2 || raw[0] != '"' {
		return ""
	}
	if strings.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1]
	}
	return jsonlex.Unescape(raw[1 : len(raw)-1])
}
