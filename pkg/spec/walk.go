package spec

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
)

// MaxDepth bounds how deep the walker descends; documented payloads nest
// about ten levels.
const MaxDepth = 32

type seg struct {
	key   string
	index int // -1 for object keys
}

// Frame holds the members of the object being checked, collected in one pass
// over its bytes, so cross-field rules read them without re-scanning.
type Frame struct {
	Obj   *Object
	Value gjson.Result // the object itself
	vals  [MaxFields]gjson.Result
	has   uint64
	skip  uint64 // members not to descend into (bodies of the wrong type)
	Case  *Case  // discriminator case in effect, if any
}

// Has reports whether the member is present (null counts as present).
func (f *Frame) Has(name string) bool {
	i := f.Obj.index(name)
	return i >= 0 && f.has&(1<<uint(i)) != 0
}

// Get returns the member's value and whether it is present.
func (f *Frame) Get(name string) (gjson.Result, bool) {
	i := f.Obj.index(name)
	if i < 0 || f.has&(1<<uint(i)) == 0 {
		return gjson.Result{}, false
	}
	return f.vals[i], true
}

// Str returns the member's value if it is a string, else "".
func (f *Frame) Str(name string) string {
	v, ok := f.Get(name)
	if !ok || v.Type != gjson.String {
		return ""
	}
	return v.Str
}

// Ctx walks one payload and collects findings. A Ctx is reused across
// payloads (Reset) to keep the hot path free of allocations; it is not safe
// for concurrent use.
type Ctx struct {
	Findings []diag.Finding

	path   []seg
	frames [MaxDepth]Frame
	depth  int
	item   int // current message/status index, -1 outside items
	nitems int

	// Messages and Statuses count the notification items walked.
	Messages, Statuses int

	// Seen collects values remembered during the walk for payload-wide
	// rules (duplicate ids, senders missing from contacts…). Kinds are
	// defined by the format package that records them.
	Seen  []Seen
	arena []seg
}

// Seen is a value remembered during a walk.
type Seen struct {
	Kind   uint8
	Value  string
	Offset int
	Item   int
	// The path is kept as a span of Ctx.arena and rendered only if reported.
	pathLo, pathHi int
	field          string
}

// Remember records member name of the current object (value v) for a
// payload-wide rule.
func (c *Ctx) Remember(kind uint8, name string, v gjson.Result) {
	lo := len(c.arena)
	c.arena = append(c.arena, c.path...)
	c.Seen = append(c.Seen, Seen{Kind: kind, Value: v.Str, Offset: v.Index, Item: c.item,
		pathLo: lo, pathHi: len(c.arena), field: name})
}

// ReportSeen records a finding located at a remembered value.
func (c *Ctx) ReportSeen(r *diag.Rule, s Seen, format string, a ...any) {
	c.Findings = append(c.Findings, diag.Finding{Rule: r, Severity: r.Severity,
		Message: fmt.Sprintf(format, a...), Path: renderPath(c.arena[s.pathLo:s.pathHi], s.field),
		Offset: s.Offset, Item: s.Item})
}

// NewCtx returns a walker ready for use.
func NewCtx() *Ctx {
	c := &Ctx{}
	c.Reset()
	return c
}

// Reset prepares the walker for a new payload.
func (c *Ctx) Reset() {
	c.Findings = c.Findings[:0]
	c.path = c.path[:0]
	c.depth = 0
	c.item = -1
	c.nitems = 0
	c.Messages, c.Statuses = 0, 0
	c.Seen = c.Seen[:0]
	c.arena = c.arena[:0]
}

// Push descends into an object member for path bookkeeping.
func (c *Ctx) Push(key string) { c.path = append(c.path, seg{key: key, index: -1}) }

// PushIndex descends into an array element.
func (c *Ctx) PushIndex(i int) { c.path = append(c.path, seg{index: i}) }

// Pop undoes the last Push or PushIndex.
func (c *Ctx) Pop() { c.path = c.path[:len(c.path)-1] }

// Item returns the index of the message/status being walked (-1 = envelope).
func (c *Ctx) Item() int { return c.item }

// Path renders the current path, e.g. data[0].message.
func (c *Ctx) Path() string { return renderPath(c.path, "") }

func renderPath(p []seg, extra string) string {
	var b strings.Builder
	for _, s := range p {
		writeSeg(&b, s)
	}
	if extra != "" {
		writeSeg(&b, seg{key: extra, index: -1})
	}
	return b.String()
}

func writeSeg(b *strings.Builder, s seg) {
	if s.index >= 0 {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(s.index))
		b.WriteByte(']')
		return
	}
	if plainKey(s.key) {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
		return
	}
	b.WriteByte('[')
	b.WriteString(strconv.Quote(s.key))
	b.WriteByte(']')
}

func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		ch := k[i]
		if !(ch == '_' || ch == '-' || ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z') {
			return false
		}
	}
	return true
}

// Report records a finding about the value at the current path.
func (c *Ctx) Report(r *diag.Rule, offset int, format string, a ...any) {
	c.report(r, "", offset, format, a...)
}

// ReportField records a finding about member name of the current object.
func (c *Ctx) ReportField(r *diag.Rule, name string, offset int, format string, a ...any) {
	c.report(r, name, offset, format, a...)
}

// ReportOn records a finding about a member read from frame f, located at
// its value when present and at the object otherwise.
func (c *Ctx) ReportOn(r *diag.Rule, f *Frame, name string, format string, a ...any) {
	off := f.Value.Index
	if v, ok := f.Get(name); ok {
		off = v.Index
	}
	c.report(r, name, off, format, a...)
}

func (c *Ctx) report(r *diag.Rule, extra string, offset int, format string, a ...any) {
	msg := format
	if len(a) > 0 {
		msg = fmt.Sprintf(format, a...)
	}
	c.Findings = append(c.Findings, diag.Finding{
		Rule:     r,
		Severity: r.Severity,
		Message:  msg,
		Path:     renderPath(c.path, extra),
		Offset:   offset,
		Item:     c.item,
	})
}

// Describe renders a value briefly for messages: strings quoted and cut
// to 40 characters, other values by their JSON type and text.
func Describe(v gjson.Result) string {
	switch v.Type {
	case gjson.String:
		s := v.Str
		if utf8.RuneCountInString(s) > 40 {
			r := []rune(s)
			s = string(r[:40]) + "…"
		}
		return "string " + strconv.Quote(s)
	case gjson.Number:
		return "number " + clip(v.Raw)
	case gjson.True, gjson.False:
		return "boolean " + v.Raw
	case gjson.Null:
		return "null"
	case gjson.JSON:
		if v.IsArray() {
			return "an array"
		}
		return "an object"
	}
	return "nothing"
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// kindOK reports whether v has kind k.
func kindOK(v gjson.Result, k Kind) bool {
	switch k {
	case KindAny:
		return true
	case KindString:
		return v.Type == gjson.String
	case KindNumber:
		return v.Type == gjson.Number
	case KindInteger:
		return v.Type == gjson.Number && isIntegerRaw(v.Raw)
	case KindBool:
		return v.Type == gjson.True || v.Type == gjson.False
	case KindObject:
		return v.Type == gjson.JSON && len(v.Raw) > 0 && v.Raw[0] == '{'
	case KindArray:
		return v.Type == gjson.JSON && len(v.Raw) > 0 && v.Raw[0] == '['
	}
	return false
}

func isIntegerRaw(raw string) bool {
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '.', 'e', 'E':
			return false
		}
	}
	return true
}

func article(k Kind) string {
	switch k {
	case KindInteger, KindObject, KindArray:
		return "an " + k.String()
	}
	return "a " + k.String()
}

// Walk checks v against o at the current path. It is the entry point for
// format packages; nested members are walked recursively.
func (c *Ctx) Walk(v gjson.Result, o *Object) {
	if !kindOK(v, KindObject) {
		c.Report(RuleType, v.Index, "%s must be an object, got %s", o.Name, Describe(v))
		return
	}
	if c.depth >= MaxDepth {
		c.Report(RuleTooDeep, v.Index, "objects nested more than %d levels deep", MaxDepth)
		return
	}
	f := &c.frames[c.depth]
	c.depth++
	defer func() { c.depth-- }()
	f.Obj, f.Value, f.has, f.skip, f.Case = o, v, 0, 0, nil

	// One pass over the members: remember each documented one, flag the rest.
	v.ForEach(func(k, val gjson.Result) bool {
		i := o.index(k.Str)
		if i < 0 {
			if !o.Open {
				r := o.Unknown
				if r == nil {
					r = RuleUnknownField
				}
				c.ReportField(r, k.Str, k.Index, "unknown field %q in %s", k.Str, o.Name)
			}
			return true
		}
		bit := uint64(1) << uint(i)
		if f.has&bit != 0 {
			c.ReportField(RuleDuplicateKey, k.Str, k.Index, "key %q appears more than once in %s", k.Str, o.Name)
			return true
		}
		f.has |= bit
		f.vals[i] = val
		return true
	})

	var caseReq []string
	if o.Disc != nil {
		caseReq = c.discriminate(f)
	}

	for i := range o.Fields {
		fd := &o.Fields[i]
		bit := uint64(1) << uint(i)
		if f.has&bit == 0 {
			switch {
			case fd.Req == Required || contains(caseReq, fd.Name):
				what := o.Name
				if fd.Req != Required && f.Case != nil {
					what = fmt.Sprintf("%s of type %s", o.Name, f.Case.Value)
				}
				c.ReportField(RuleRequired, fd.Name, v.Index, "required field %q is missing from %s", fd.Name, what)
			case fd.Req == Recommended:
				c.ReportField(RuleRecommended, fd.Name, v.Index, "field %q is missing from %s (every documented example has it)", fd.Name, o.Name)
			}
			continue
		}
		if f.skip&bit != 0 {
			continue
		}
		c.Push(fd.Name)
		c.value(fd, f.vals[i])
		c.Pop()
	}
	if o.Check != nil {
		o.Check(c, f)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// discriminate applies the object's discriminator: it selects the case,
// reports missing or foreign bodies and marks foreign bodies not to be walked
// (their findings would describe a shape the message does not claim to have).
// It returns the members the case additionally requires.
func (c *Ctx) discriminate(f *Frame) []string {
	d := f.Obj.Disc
	tv, present := f.Get(d.Field)
	var cs *Case
	switch {
	case present && tv.Type == gjson.String:
		cs = d.Case(tv.Str)
		if cs == nil {
			r := d.Unknown
			if r == nil {
				r = RuleEnum
			}
			// The field's own enum check would repeat this; mark it walked.
			f.skip |= 1 << uint(f.Obj.index(d.Field))
			msg := fmt.Sprintf("%s %q is not a documented %s type (expected one of %s)", d.Field, tv.Str, f.Obj.Name, caseList(d))
			if h := d.Hints[tv.Str]; h != "" {
				msg += ": " + h
			}
			c.ReportField(r, d.Field, tv.Index, "%s", msg)
			return nil
		}
	case present:
		return nil // wrong JSON type: reported by the field's kind check
	default:
		if d.Infer == nil {
			return nil // reported as a missing required field
		}
		var found *Case
		n := 0
		for i := range d.Cases {
			if b := d.Cases[i].Body; b != "" && f.Has(b) {
				if found == nil || found.Body != b {
					n++
				}
				if found == nil {
					found = &d.Cases[i]
				}
			}
		}
		if n != 1 {
			c.ReportField(RuleRequired, d.Field, f.Value.Index, "required field %q is missing from %s", d.Field, f.Obj.Name)
			return nil
		}
		cs = found
		c.ReportField(d.Infer, d.Field, f.Value.Index, "%s has no %q; treated as %s because it carries %q (as in the documented examples)",
			f.Obj.Name, d.Field, cs.Value, cs.Body)
	}
	f.Case = cs
	missing, mismatch := d.Missing, d.Mismatch
	if missing == nil {
		missing = RuleTypeObject
	}
	if mismatch == nil {
		mismatch = RuleTypeObject
	}
	if cs.Body != "" && !cs.BodyOptional && !f.Has(cs.Body) {
		c.ReportField(missing, cs.Body, f.Value.Index, "%s is %q but the %s has no %q object", d.Field, cs.Value, f.Obj.Name, cs.Body)
	}
	for i := range f.Obj.Fields {
		name := f.Obj.Fields[i].Name
		if name == cs.Body || f.has&(1<<uint(i)) == 0 || !d.isBody(name) {
			continue
		}
		f.skip |= 1 << uint(i)
		c.ReportField(mismatch, name, f.vals[i].Index, "%s is %q but a %q object is present (only the object named by %s may be)",
			d.Field, cs.Value, name, d.Field)
	}
	return cs.Requires
}

func caseList(d *Discriminator) string {
	var b strings.Builder
	for i, cs := range d.Cases {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(cs.Value)
	}
	return b.String()
}

// value checks one member value against its declaration.
func (c *Ctx) value(fd *Field, v gjson.Result) {
	if v.Type == gjson.Null {
		if !fd.Nullable && fd.Kind != KindAny {
			c.Report(RuleNull, v.Index, "%q must be %s, got null", fd.Name, article(fd.Kind))
		}
		return
	}
	if !kindOK(v, fd.Kind) {
		c.Report(RuleType, v.Index, "%q must be %s, got %s", fd.Name, article(fd.Kind), Describe(v))
		return
	}
	switch fd.Kind {
	case KindObject:
		if o := c.pick(fd, v); o != nil {
			c.Walk(v, o)
		}
		return
	case KindArray:
		c.array(fd, v)
		return
	}
	c.scalar(fd, fd.Name, v)
}

func (c *Ctx) pick(fd *Field, v gjson.Result) *Object {
	if fd.Select != nil {
		if o := fd.Select(v); o != nil {
			return o
		}
	}
	return fd.Object
}

// scalar applies enum, value-format and embedded-JSON checks.
func (c *Ctx) scalar(fd *Field, name string, v gjson.Result) {
	if len(fd.Enum) > 0 && v.Type == gjson.String && !contains(fd.Enum, v.Str) {
		r := fd.EnumRule
		if r == nil {
			r = RuleEnum
		}
		c.Report(r, v.Index, "%q is %s; documented values: %s", name, Describe(v), strings.Join(fd.Enum, ", "))
	}
	for _, chk := range fd.Checks {
		if msg := chk.Check(v); msg != "" {
			c.Report(chk.Rule, v.Index, "%q %s", name, msg)
			break
		}
	}
	if fd.JSONString && v.Type == gjson.String {
		c.embedded(fd, v)
	}
}

func (c *Ctx) embedded(fd *Field, v gjson.Result) {
	s := v.Str
	if strings.TrimSpace(s) == "" {
		return
	}
	r := fd.EmbedRule
	if r == nil {
		r = RuleEmbeddedJSON
	}
	if !gjson.Valid(s) {
		c.Report(r, v.Index, "%q should contain JSON text but does not parse: %s", fd.Name, Describe(v))
		return
	}
	if fd.Embedded != nil {
		inner := gjson.Parse(s)
		// Offsets inside the embedded text do not map to the payload:
		// locate everything at the string itself.
		mark := len(c.Findings)
		c.Walk(inner, fd.Embedded)
		for i := mark; i < len(c.Findings); i++ {
			c.Findings[i].Offset = v.Index
		}
	}
}

func (c *Ctx) array(fd *Field, v gjson.Result) {
	n := 0
	v.ForEach(func(_, el gjson.Result) bool {
		c.PushIndex(n)
		if fd.Item != NotItem {
			kind := fd.Item
			if fd.Select != nil {
				if o := fd.Select(el); o != nil && o.Item != NotItem {
					kind = o.Item
				}
			}
			c.item = c.nitems
			c.nitems++
			if kind == MessageItem {
				c.Messages++
			} else {
				c.Statuses++
			}
		}
		c.element(fd, el)
		if fd.Item != NotItem {
			c.item = -1
		}
		c.Pop()
		n++
		return true
	})
	if n < fd.MinItems {
		if n == 0 {
			c.Report(RuleEmpty, v.Index, "%q must not be empty", fd.Name)
		} else {
			c.Report(RuleEmpty, v.Index, "%q must hold at least %d elements, has %d", fd.Name, fd.MinItems, n)
		}
	}
}

func (c *Ctx) element(fd *Field, el gjson.Result) {
	want := fd.Items
	if fd.Object != nil || fd.Select != nil {
		want = KindObject
	}
	if el.Type == gjson.Null && want != KindAny {
		c.Report(RuleNull, el.Index, "elements of %q must be %s, got null", fd.Name, article(want))
		return
	}
	if !kindOK(el, want) {
		c.Report(RuleType, el.Index, "elements of %q must be %s, got %s", fd.Name, article(want), Describe(el))
		return
	}
	if want == KindObject {
		if o := c.pick(fd, el); o != nil {
			c.Walk(el, o)
		}
		return
	}
	c.scalar(fd, fd.Name+"[]", el)
}
