package spec

import (
	"math/bits"
	"strconv"
	"strings"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// Leaf is one scalar value of a payload (a string, number, boolean or
// null) with the table field that describes it, as WalkRoles meets it.
// A Leaf is valid only during the call that receives it.
type Leaf struct {
	// Value is the scalar, in its document.
	Value jsontree.Value
	// Field describes it: the declaration of the member it is the value
	// of (or, for array elements, of the array). nil when no table does:
	// a member of an open object, one the table does not declare, one
	// whose value has another shape than declared (an object where a
	// string was expected, say), or anything below those.
	Field *Field
	// Key is the name of the member that holds the value (for array
	// elements, the array's), decoded; "" at the top of a document.
	Key string
	// Shadowed reports that a later member of the same name, in its
	// object or in an object around it, replaces this one for receivers,
	// who keep the last of two equal keys.
	Shadowed bool
	// Doc is the document the value belongs to: nil for the payload, or
	// the JSON text a string of the payload holds (Field.JSONString).
	Doc *Embedded
	// Inner, for a string that holds a JSON text the walk reads next, is
	// that text's document; the values it visits next have Doc == Inner.
	Inner *Embedded

	w *RoleWalker
}

// Role is the role of the field that describes the value (NoRole for
// values no table describes).
func (l *Leaf) Role() Role {
	if l.Field == nil {
		return NoRole
	}
	return l.Field.Role
}

// Party is whose the value is, as its field says.
func (l *Leaf) Party() Party {
	if l.Field == nil {
		return PartyPerson
	}
	return l.Field.Party
}

// Path is the gjson path of the value in its document
// (entry.0.changes.0.value.messages.0.id); for a value of an embedded
// document, the path of the string that holds it, then the path inside.
func (l *Leaf) Path() string {
	var b strings.Builder
	for i, s := range l.w.path {
		if i > 0 {
			b.WriteByte('.')
		}
		if s.index >= 0 {
			b.WriteString(strconv.Itoa(s.index))
		} else {
			b.WriteString(gjson.Escape(s.key.Str()))
		}
	}
	return b.String()
}

// Embedded is a JSON document held in a string of the payload (Sinch
// extraInfo, a WhatsApp Flow's response_json), as WalkRoles reads it.
type Embedded struct {
	// Holder is the string that holds the document, Field its
	// declaration (nil for a string no table describes, read when
	// RoleWalker.Undescribed is set), Parent the document that string is
	// in (nil: the payload).
	Holder jsontree.Value
	Field  *Field
	Parent *Embedded
	// Index numbers the embedded documents of a walk from 1, in the order
	// met (a document's own come after it).
	Index int
	// Tape is the document, parsed; Text its text (the decoded string).
	Tape jsontree.Tape
}

// Text is the embedded document's JSON text.
func (e *Embedded) Text() string { return e.Tape.Src() }

// RoleWalker walks payloads by role, keeping its scratch space from one
// walk to the next. The zero value is ready for use; a RoleWalker is not
// safe for concurrent use.
type RoleWalker struct {
	// Undescribed also reads the JSON texts held in strings that no
	// table describes (a Flow's answers in a Conversation API channel
	// message): their values are visited too, without a Field. Redaction
	// wants that; the validator never looks there.
	Undescribed bool

	visit    func(*Leaf)
	path     []rolePathSeg
	leaf     Leaf
	frame    Frame // for the When of the members being walked
	embedded int
}

type rolePathSeg struct {
	key   jsontree.Value
	index int // -1 for members
}

var roleWalkers = sync.Pool{New: func() any { return new(RoleWalker) }}

// WalkRoles calls visit for every scalar value of the document root —
// members of objects and elements of arrays, repeated keys included —
// with the field of table o that describes it. It follows what the
// validator follows: declared members, whatever discriminator case the
// object is in (the bodies of every case are reached), the shape a
// polymorphic member takes (Shapes, decided as the validator decides it),
// array elements, members that apply only in some objects (When: a Cloud
// API change whose field is not messages has a value no table describes),
// and the JSON text a string holds where the table declares one
// (JSONString). Of a key written twice in one object the last value is
// the one receivers read: both are visited, the first marked Shadowed.
// Time and memory are linear in the size of root (and of the JSON texts
// its strings hold).
func WalkRoles(root jsontree.Value, o *Object, visit func(*Leaf)) {
	w := roleWalkers.Get().(*RoleWalker)
	w.Walk(root, o, visit)
	roleWalkers.Put(w)
}

// Walk is WalkRoles with w's scratch space.
func (w *RoleWalker) Walk(root jsontree.Value, o *Object, visit func(*Leaf)) {
	w.visit, w.path, w.embedded = visit, w.path[:0], 0
	w.leaf = Leaf{w: w}
	if root.IsObject() && o != nil {
		w.object(root, o, false, nil)
	} else {
		w.value(root, nil, "", false, nil)
	}
	w.visit, w.leaf = nil, Leaf{}
}

// object walks the members of v, an object described by o.
func (w *RoleWalker) object(v jsontree.Value, o *Object, shadowed bool, doc *Embedded) {
	cp := o.compiled()
	var off uint64 // members that do not apply to this object (When)
	if cp.when != 0 {
		off = w.notApplying(v, o, cp)
	}
	v.ForEachAll(func(k, x jsontree.Value) bool {
		key := k.Str()
		var fd *Field
		if i := cp.lookup(o, key); i >= 0 && off&(1<<uint(i)) == 0 {
			fd = &o.Fields[i]
		}
		w.path = append(w.path, rolePathSeg{key: k, index: -1})
		w.value(x, fd, key, shadowed || k.Shadowed(), doc)
		w.path = w.path[:len(w.path)-1]
		return true
	})
}

// notApplying evaluates the When of the members of v that have one, on a
// frame of v's members (the last of each name), as the validator does.
func (w *RoleWalker) notApplying(v jsontree.Value, o *Object, cp *compiled) uint64 {
	f := &w.frame
	base := v.Offset()
	*f = Frame{Obj: o, src: v.Raw(), base: base, Value: gjson.Result{Type: gjson.JSON, Raw: v.Raw(), Index: base}}
	v.ForEach(func(k, x jsontree.Value) bool {
		i := cp.lookup(o, k.Str())
		if i < 0 {
			return true
		}
		raw := x.Raw()
		lo := x.Offset() - base
		sp := span{lo: int32(lo), hi: int32(lo + len(raw))}
		switch x.Kind() {
		case jsontree.String:
			sp.typ, sp.esc = gjson.String, strings.IndexByte(raw, '\\') >= 0
		case jsontree.Number:
			sp.typ = gjson.Number
		case jsontree.True:
			sp.typ = gjson.True
		case jsontree.False:
			sp.typ = gjson.False
		case jsontree.Null:
			sp.typ = gjson.Null
		default:
			sp.typ = gjson.JSON
		}
		f.vals[i] = sp
		f.has |= 1 << uint(i)
		return true
	})
	var off uint64
	for m := cp.when & f.has; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		if !o.Fields[i].When(f) {
			off |= 1 << uint(i)
		}
	}
	*f = Frame{}
	return off
}

// value walks x, the value of member key described by fd (nil: not
// described).
func (w *RoleWalker) value(x jsontree.Value, fd *Field, key string, shadowed bool, doc *Embedded) {
	switch x.Kind() {
	case jsontree.Object:
		w.objectValue(x, fd, key, shadowed, doc)
	case jsontree.Array:
		i := 0
		x.ForEach(func(_, e jsontree.Value) bool {
			w.path = append(w.path, rolePathSeg{index: i})
			w.value(e, fd, key, shadowed, doc)
			w.path = w.path[:len(w.path)-1]
			i++
			return true
		})
	default:
		w.scalar(x, fd, key, shadowed, doc)
	}
}

// objectValue walks an object: by its description when fd describes one,
// else member by member.
func (w *RoleWalker) objectValue(x jsontree.Value, fd *Field, key string, shadowed bool, doc *Embedded) {
	switch {
	case fd == nil:
	case fd.Object != nil || len(fd.Shapes) > 0:
		if o := shapeOf(x, fd); o != nil {
			w.object(x, o, shadowed, doc)
			return
		}
		fd = nil
	case fd.Role == NoRole || fd.Kind == KindObject || fd.Kind == KindAny:
		fd = nil
	}
	// An object where a scalar with a role was expected: what it holds
	// keeps that role (a phone number's place holds phone numbers,
	// whatever the shape); otherwise nothing describes it.
	x.ForEachAll(func(k, m jsontree.Value) bool {
		mk := k.Str()
		if fd == nil {
			key = mk
		}
		w.path = append(w.path, rolePathSeg{key: k, index: -1})
		w.value(m, fd, key, shadowed || k.Shadowed(), doc)
		w.path = w.path[:len(w.path)-1]
		return true
	})
}

// scalar visits a scalar, then walks the document a string holds when it
// is described (or, with Undescribed, looks) as one.
func (w *RoleWalker) scalar(x jsontree.Value, fd *Field, key string, shadowed bool, doc *Embedded) {
	if fd != nil && (fd.Kind == KindObject || fd.Object != nil || len(fd.Shapes) > 0) {
		fd = nil // a scalar where an object was expected
	}
	l := &w.leaf
	*l = Leaf{Value: x, Field: fd, Key: key, Shadowed: shadowed, Doc: doc, w: w}
	if x.IsString() && (fd != nil && fd.JSONString || fd == nil && w.Undescribed && holdsJSON(x.Raw())) {
		l.Inner = w.embed(x, fd, doc)
	}
	inner := l.Inner
	w.visit(l)
	if inner == nil {
		return
	}
	root := inner.Tape.Root()
	if root.IsObject() && fd != nil && fd.Embedded != nil {
		w.object(root, fd.Embedded, shadowed, inner)
	} else {
		w.value(root, nil, key, shadowed, inner)
	}
}

// embed parses the JSON text the string x holds, or returns nil when it
// holds none.
func (w *RoleWalker) embed(x jsontree.Value, fd *Field, doc *Embedded) *Embedded {
	s := x.Str()
	if strings.TrimSpace(s) == "" {
		return nil
	}
	e := &Embedded{Holder: x, Field: fd, Parent: doc}
	if !e.Tape.Parse(s) {
		return nil
	}
	w.embedded++
	e.Index = w.embedded
	return e
}

// holdsJSON reports whether a string, as written, may hold a JSON object
// or array: its text starts with a brace or a bracket.
func holdsJSON(raw string) bool {
	for i := 1; i < len(raw); i++ {
		switch raw[i] {
		case ' ', '\t', '\n', '\r':
		case '\\':
			// \n, \t… before the text: whitespace escaped.
			if i+1 < len(raw) && strings.IndexByte("nrt", raw[i+1]) >= 0 {
				i++
				continue
			}
			return false
		case '{', '[':
			return true
		default:
			return false
		}
	}
	return false
}

// shapeOf returns the object that describes x, the value of fd: the shape
// its first deciding key selects, else fd.Object (as Ctx.shape decides).
func shapeOf(x jsontree.Value, fd *Field) *Object {
	if len(fd.Shapes) == 0 {
		return fd.Object
	}
	o := fd.Object
	x.ForEachAll(func(k, _ jsontree.Value) bool {
		key := k.Str()
		for _, sh := range fd.Shapes {
			if contains(sh.Keys, key) {
				o = sh.Object
				return false
			}
		}
		return true
	})
	return o
}
