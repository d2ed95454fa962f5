package jsonlex

import (
	"errors"
	"slices"
	"sync"
)

// Errors of LastWins.
var (
	ErrSyntax  = errors.New("jsonlex: not a valid JSON text")
	ErrTooDeep = errors.New("jsonlex: nested too deeply")
)

// MaxDepth bounds the nesting LastWins reads (it recurses); webhook
// payloads nest about ten levels and wamo's readers reject more than 256.
const MaxDepth = 10000

// LastWins resolves repeated keys the way receivers do: JavaScript's
// JSON.parse, Python's json module and Go's encoding/json all keep one
// member per key, holding the value of its last occurrence (JavaScript and
// Python at the place of its first occurrence, which is where LastWins
// puts it). It returns the document with every object resolved so, and
// the number of members dropped.
//
// When no object repeats a key, it returns doc itself and 0, without
// allocating (the scratch space comes from a pool): the common case costs
// one read of the bytes. Otherwise the result is a new slice: objects that
// repeat a key are written without whitespace between their members, all
// other bytes are copied as they are. Keys are compared after decoding
// their escapes ("a" and "\u0061" are the same key). Time is linear in the
// size of doc, whatever its shape. doc must be one valid JSON text
// (ErrSyntax otherwise, ErrTooDeep beyond MaxDepth levels).
func LastWins(doc []byte) (out []byte, dropped int, err error) {
	r := resolverPool.Get().(*Resolver)
	out, dropped, err = r.LastWins(doc)
	resolverPool.Put(r)
	return out, dropped, err
}

var resolverPool = sync.Pool{New: func() any { return new(Resolver) }}

// Resolver is LastWins with scratch space of its own, for callers that
// resolve many documents in one goroutine. The zero value is ready for
// use; a Resolver is not safe for concurrent use.
type Resolver struct {
	s      string
	second bool     // the second pass: scan only skips
	sets   []KeySet // one per object depth
	dupObj [][2]int // [start, end) of objects that repeat a key
	// second pass: the members of the objects being resolved (a stack,
	// as resolving nests), and a key set per level of that nesting
	members []member
	winner  []int
	rsets   []KeySet
	level   int
}

type member struct {
	keyLo, keyHi int // the key, quotes included
	valLo, valHi int
}

// LastWins is the package function LastWins, using r's scratch space.
func (r *Resolver) LastWins(doc []byte) (out []byte, dropped int, err error) {
	r.s, r.second = bytesToString(doc), false
	r.dupObj = r.dupObj[:0]
	defer func() { r.s = "" }()
	i := SkipSpace(r.s, 0)
	end, err := r.scan(i, 0)
	if err != nil {
		return doc, 0, err
	}
	if SkipSpace(r.s, end) != len(r.s) {
		return doc, 0, ErrSyntax
	}
	if len(r.dupObj) == 0 {
		return doc, 0, nil
	}
	slices.SortFunc(r.dupObj, func(a, b [2]int) int { return a[0] - b[0] })
	r.second = true
	out = make([]byte, 0, len(doc))
	out, dropped = r.emit(out, 0, len(r.s), 0)
	return out, dropped, nil
}

func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafeString(b)
}

// scan checks the value at s[i] and returns the index after it, recording
// the objects that repeat a key.
func (r *Resolver) scan(i, depth int) (int, error) {
	s := r.s
	if i >= len(s) {
		return i, ErrSyntax
	}
	switch c := s[i]; {
	case c == '"':
		end, _, ok := String(s, i)
		if !ok {
			return end, ErrSyntax
		}
		return end, nil
	case c == '{':
		return r.scanObject(i, depth)
	case c == '[':
		if depth >= MaxDepth {
			return i, ErrTooDeep
		}
		i = SkipSpace(s, i+1)
		if i < len(s) && s[i] == ']' {
			return i + 1, nil
		}
		for {
			end, err := r.scan(i, depth+1)
			if err != nil {
				return end, err
			}
			i = SkipSpace(s, end)
			if i < len(s) && s[i] == ']' {
				return i + 1, nil
			}
			if i >= len(s) || s[i] != ',' {
				return i, ErrSyntax
			}
			i = SkipSpace(s, i+1)
		}
	case c == '-' || c >= '0' && c <= '9':
		end, ok := Number(s, i)
		if !ok {
			return end, ErrSyntax
		}
		return end, nil
	default:
		end, ok := Literal(s, i)
		if !ok {
			return end, ErrSyntax
		}
		return end, nil
	}
}

func (r *Resolver) scanObject(start, depth int) (int, error) {
	s := r.s
	if depth >= MaxDepth {
		return start, ErrTooDeep
	}
	if !r.second {
		for len(r.sets) <= depth {
			r.sets = append(r.sets, KeySet{})
		}
		r.sets[depth].Reset()
	}
	dup := false
	i := SkipSpace(s, start+1)
	if i < len(s) && s[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return i, ErrSyntax
		}
		end, esc, ok := String(s, i)
		if !ok {
			return end, ErrSyntax
		}
		if !r.second {
			key := s[i+1 : end-1]
			if esc {
				key = Unescape(key)
			}
			// Nested objects use the sets of deeper levels, so this
			// one stays intact while its members are read.
			if _, seen := r.sets[depth].Add(key, 0); seen {
				dup = true
			}
		}
		i = SkipSpace(s, end)
		if i >= len(s) || s[i] != ':' {
			return i, ErrSyntax
		}
		end, err := r.scan(SkipSpace(s, i+1), depth+1)
		if err != nil {
			return end, err
		}
		i = SkipSpace(s, end)
		if i < len(s) && s[i] == '}' {
			if dup {
				r.dupObj = append(r.dupObj, [2]int{start, i + 1})
			}
			return i + 1, nil
		}
		if i >= len(s) || s[i] != ',' {
			return i, ErrSyntax
		}
		i = SkipSpace(s, i+1)
	}
}

// emit appends s[lo:hi] with every object that repeats a key resolved;
// from is the first entry of dupObj that may lie inside.
func (r *Resolver) emit(out []byte, lo, hi, from int) ([]byte, int) {
	dropped := 0
	k, _ := slices.BinarySearchFunc(r.dupObj[from:], lo, func(a [2]int, t int) int { return a[0] - t })
	k += from
	pos := lo
	for k < len(r.dupObj) && r.dupObj[k][0] < hi {
		obj := r.dupObj[k]
		out = append(out, r.s[pos:obj[0]]...)
		var n int
		out, n = r.resolve(out, obj[0], obj[1], k+1)
		dropped += n
		pos = obj[1]
		// Skip the objects nested in this one: resolve handled them.
		for k < len(r.dupObj) && r.dupObj[k][0] < obj[1] {
			k++
		}
	}
	return append(out, r.s[pos:hi]...), dropped
}

// resolve writes the object s[lo:hi], which repeats a key: each key once,
// where it first occurs, with the value of its last occurrence.
func (r *Resolver) resolve(out []byte, lo, hi, from int) ([]byte, int) {
	s := r.s
	base := len(r.members)
	i := SkipSpace(s, lo+1)
	for s[i] != '}' {
		keyEnd, _, _ := String(s, i)
		v := SkipSpace(s, SkipSpace(s, keyEnd)+1)
		vEnd, _ := r.scan(v, 0) // only skips now; valid, as the first pass found
		r.members = append(r.members, member{keyLo: i, keyHi: keyEnd, valLo: v, valHi: vEnd})
		i = SkipSpace(s, vEnd)
		if s[i] == ',' {
			i = SkipSpace(s, i+1)
		}
	}
	ms := r.members[base:]
	if r.level == len(r.rsets) {
		r.rsets = append(r.rsets, KeySet{})
	}
	set := &r.rsets[r.level]
	set.Reset()
	r.level++
	defer func() { r.level-- }()
	for len(r.winner) < len(r.members) {
		r.winner = append(r.winner, 0)
	}
	winner := r.winner[base:len(r.members)]
	for j := range ms {
		key := s[ms[j].keyLo+1 : ms[j].keyHi-1]
		if _, esc, _ := String(s, ms[j].keyLo); esc {
			key = Unescape(key)
		}
		winner[j] = -1
		if first, seen := set.Add(key, j); seen {
			winner[first] = j
		} else {
			winner[j] = j
		}
	}
	out = append(out, '{')
	dropped, written := 0, 0
	for j := range ms {
		if winner[j] < 0 {
			dropped++
			continue
		}
		if written > 0 {
			out = append(out, ',')
		}
		written++
		w := ms[winner[j]]
		out = append(out, s[ms[j].keyLo:ms[j].keyHi]...)
		out = append(out, ':')
		var n int
		out, n = r.emit(out, w.valLo, w.valHi, from)
		dropped += n
	}
	r.members = r.members[:base]
	return append(out, '}'), dropped
}

// Equal reports whether two JSON texts hold the same value as written: the
// same tokens in the same order, ignoring whitespace between them, strings
// compared after decoding their escapes. Members are compared in order and
// numbers as written (1.0 and 1 differ): two members that repeat a key
// with such values are reported as different, which errs on the side of
// telling. The texts must be valid JSON.
func Equal(a, b string) bool {
	if a == b {
		return true
	}
	i, j := SkipSpace(a, 0), SkipSpace(b, 0)
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		switch {
		case ca == '"' && cb == '"':
			ea, escA, okA := String(a, i)
			eb, escB, okB := String(b, j)
			if !okA || !okB {
				return false
			}
			sa, sb := a[i+1:ea-1], b[j+1:eb-1]
			if escA {
				sa = Unescape(sa)
			}
			if escB {
				sb = Unescape(sb)
			}
			if sa != sb {
				return false
			}
			i, j = ea, eb
		case ca != cb:
			return false
		case ca == '{' || ca == '}' || ca == '[' || ca == ']' || ca == ':' || ca == ',':
			i, j = i+1, j+1
		default:
			ea, eb := tokenEnd(a, i), tokenEnd(b, j)
			if a[i:ea] != b[j:eb] {
				return false
			}
			i, j = ea, eb
		}
		i, j = SkipSpace(a, i), SkipSpace(b, j)
	}
	return i >= len(a) && j >= len(b)
}

// tokenEnd returns the end of the number or literal at s[i].
func tokenEnd(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ',', '}', ']', ':', '"', '{', '[', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}
