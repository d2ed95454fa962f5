package spec

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// ExtensionPrefix marks members wamo itself adds to payloads; the walker
// accepts them anywhere.
const ExtensionPrefix = "x_wamo_"

// MaxDepth bounds how deep the walker descends; documented payloads nest
// about ten levels.
const MaxDepth = 32

type seg struct {
	key   string
	index int // -1 for object keys
}

// Frame holds the members of the object being checked, collected in one
// pass over its bytes, so cross-field rules read them without re-scanning.
// Members are kept as compact spans of the source text and turned into
// gjson.Results only when a rule asks for them.
type Frame struct {
	Obj   *Object
	Value gjson.Result // the object itself
	Case  *Case        // discriminator case in effect, if any

	src  string // text the spans refer to
	base int    // offset of src[0] in the payload
	vals [MaxFields]span
	lens [MaxFields]int32 // elements of array members
	has  uint64

	// What walking each member produced, so that a member found not to
	// apply afterwards (the body of another type, the value of a change
	// that is not a messages change, the first of two equal keys) can be
	// taken back. Most members produce nothing: marked says which marks
	// hold something, and only those are written.
	marks  [MaxFields]mark
	marked uint64

	// Members the object does not declare, to find repeated keys among
	// them too: keys maps a key to its entry in unk.
	keys jsonlex.KeySet
	unk  []span
}

// span is a member value: src[lo:hi], its JSON type and whether a string
// holds escapes.
type span struct {
	lo, hi int32
	typ    gjson.Type
	esc    bool
}

type mark struct {
	lo, hi  int32  // findings stored
	d       Counts // what was counted
	seenLo  int32  // values remembered (Ctx.Seen), while seenGen lasts
	seenHi  int32
	seenGen int32
}

// Counts are what a walk counts: notification items, findings by
// severity after the policy (stored or not), and items with at least one
// error. A struct, so that marking what a member produced is two copies.
type Counts struct {
	Messages, Statuses int32
	Errors, Warnings   int32
	Infos, BadItems    int32
}

func (t Counts) minus(u Counts) Counts {
	return Counts{t.Messages - u.Messages, t.Statuses - u.Statuses, t.Errors - u.Errors,
		t.Warnings - u.Warnings, t.Infos - u.Infos, t.BadItems - u.BadItems}
}

// Policy says which findings a walk keeps and how many it stores.
type Policy struct {
	// Ignore lists rule ids whose findings are dropped: neither stored
	// nor counted.
	Ignore map[string]bool
	// Strict counts and stores warnings as errors.
	Strict bool
	// Limit is the most findings stored per payload (0: no limit). Past
	// it findings are counted but not stored, nor their messages built,
	// so that a payload built to produce millions of them costs time and
	// memory in proportion to its size, not to their number.
	Limit int
}

func (f *Frame) result(i int) gjson.Result {
	v := f.vals[i]
	raw := f.src[v.lo:v.hi]
	r := gjson.Result{Type: v.typ, Raw: raw, Index: f.base + int(v.lo)}
	switch v.typ {
	case gjson.String:
		r.Str = raw[1 : len(raw)-1]
		if v.esc {
			r.Str = unescape(r.Str)
		}
	case gjson.Number:
		r.Num, _ = strconv.ParseFloat(raw, 64)
	}
	return r
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
	return f.result(i), true
}

// Len returns the number of elements of an array member (0 if it is absent
// or not an array), counted during the walk.
func (f *Frame) Len(name string) int {
	i := f.Obj.index(name)
	if i < 0 || f.has&(1<<uint(i)) == 0 {
		return 0
	}
	return int(f.lens[i])
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
	// Findings stored so far, in the order found (at most Policy.Limit,
	// some of which Final may take back).
	Findings []diag.Finding
	// Policy applies to every finding as it is reported.
	Policy Policy

	path   []seg
	frames [MaxDepth]Frame
	depth  int
	item   int // current message/status index, -1 outside items
	nitems int
	bad    []uint64 // items with an error, as a bit set

	// Counts are what the walk has counted so far.
	Counts

	// Seen collects values remembered during the walk for payload-wide
	// rules (duplicate ids, senders missing from contacts…). Kinds are
	// defined by the format package that records them.
	Seen  []Seen
	arena []seg

	dropped [][2]int // findings ranges taken back (see Frame.marks)
	seenGen int32    // changes whenever Seen is emptied

	skipSets []*skipSet // keys of the objects skip reads, by depth

	// rec records the walk of each payload's root into a tape (see Record).
	rec *jsontree.Recorder

	// Invalid is set when the walk met a JSON syntax error; its findings
	// are then meaningless and the caller reports the syntax error instead.
	Invalid   bool
	InvalidAt int // offset of the first syntax error met
	// Whole is set when a Walk of a payload's root (not of a document
	// embedded in a string) read all its text, and UTF8 when that text is
	// valid UTF-8: the caller needs no UTF-8 pass of its own.
	Whole, UTF8 bool

	arrayLen int // elements of the array walked last (see Frame.Len)
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

// ClearSeen forgets the remembered values (a Cloud envelope holds several
// notifications, each checked on its own).
func (c *Ctx) ClearSeen() {
	c.Seen = c.Seen[:0]
	c.arena = c.arena[:0]
	c.seenGen++
}

// ReportSeen records a finding located at a remembered value.
func (c *Ctx) ReportSeen(r *diag.Rule, s Seen, format string, a ...any) {
	if s.Kind == 0 {
		return // taken back
	}
	sev, ok := c.admit(r)
	if !ok {
		return
	}
	if sev == diag.Error && s.Item >= 0 && !c.isBad(s.Item) {
		c.markBad(s.Item)
	}
	if c.full() {
		return
	}
	c.Findings = append(c.Findings, diag.Finding{Rule: r, Severity: sev,
		Message: fmt.Sprintf(format, a...), Path: renderPath(c.arena[s.pathLo:s.pathHi], &s.field),
		Offset: s.Offset, Item: s.Item})
}

// admit applies the policy to a finding of rule r: it says whether the
// finding is kept, with which severity, and counts it.
func (c *Ctx) admit(r *diag.Rule) (diag.Severity, bool) {
	if c.Policy.Ignore[r.ID] {
		return 0, false
	}
	sev := r.Severity
	if c.Policy.Strict && sev == diag.Warning {
		sev = diag.Error
	}
	switch sev {
	case diag.Error:
		c.Errors++
	case diag.Warning:
		c.Warnings++
	default:
		c.Infos++
	}
	return sev, true
}

// full reports whether the findings stored have reached the limit.
func (c *Ctx) full() bool { return c.Policy.Limit > 0 && len(c.Findings) >= c.Policy.Limit }

// Omitted returns the number of findings counted but not stored.
func (c *Ctx) Omitted() int { return int(c.Errors+c.Warnings+c.Infos) - len(c.Final()) }

func (c *Ctx) isBad(item int) bool {
	w := item >> 6
	return w < len(c.bad) && c.bad[w]&(1<<uint(item&63)) != 0
}

func (c *Ctx) markBad(item int) {
	w := item >> 6
	for len(c.bad) <= w {
		c.bad = append(c.bad, 0)
	}
	c.bad[w] |= 1 << uint(item&63)
	c.BadItems++
}

// NewCtx returns a walker ready for use.
func NewCtx() *Ctx {
	c := &Ctx{}
	c.Reset()
	return c
}

// Record makes every walk of a payload's root record the payload into t
// as it reads it, the tape jsontree.Tape.Parse would give (nil stops
// recording). t is emptied by Reset, and also when the walk does not
// read the payload whole: a converter that finds t holding the payload
// takes it instead of parsing the text a second time.
func (c *Ctx) Record(t *jsontree.Tape) {
	c.rec = nil
	if t != nil {
		c.rec = jsontree.NewRecorder(t)
		c.rec.Reset()
	}
}

// Reset prepares the walker for a new payload.
func (c *Ctx) Reset() {
	if c.rec != nil {
		c.rec.Reset()
	}
	c.Findings = c.Findings[:0]
	c.path = c.path[:0]
	c.depth = 0
	c.item = -1
	c.nitems = 0
	c.Counts = Counts{}
	c.bad = c.bad[:0]
	c.ClearSeen()
	c.dropped = c.dropped[:0]
	c.Invalid, c.Whole, c.UTF8 = false, false, false
}

// Final returns the findings of the walk, without those taken back. It
// sorts the ranges taken back and sweeps the findings once, so its cost
// does not grow with their product.
func (c *Ctx) Final() []diag.Finding {
	if len(c.dropped) == 0 {
		return c.Findings
	}
	slices.SortFunc(c.dropped, func(a, b [2]int) int { return a[0] - b[0] })
	keep := c.Findings[:0]
	d, end := 0, 0 // ranges [.., end) cover the findings before d's
	for i, f := range c.Findings {
		for d < len(c.dropped) && c.dropped[d][0] <= i {
			end = max(end, c.dropped[d][1])
			d++
		}
		if i >= end {
			keep = append(keep, f)
		}
	}
	c.Findings = keep
	c.dropped = c.dropped[:0]
	return keep
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
func (c *Ctx) Path() string { return renderPath(c.path, nil) }

// renderPath renders p, then the member name extra when given.
func renderPath(p []seg, extra *string) string {
	var b []byte
	for _, s := range p {
		b = appendSeg(b, s)
	}
	if extra != nil {
		b = diag.AppendPathKey(b, *extra)
	}
	return string(b)
}

func appendSeg(b []byte, s seg) []byte {
	if s.index >= 0 {
		return diag.AppendPathIndex(b, s.index)
	}
	return diag.AppendPathKey(b, s.key)
}

// Report records a finding about the value at the current path.
func (c *Ctx) Report(r *diag.Rule, offset int, format string, a ...any) {
	c.report(r, nil, offset, format, a...)
}

// ReportField records a finding about member name of the current object.
func (c *Ctx) ReportField(r *diag.Rule, name string, offset int, format string, a ...any) {
	c.report(r, &name, offset, format, a...)
}

// ReportOn records a finding about a member read from frame f, located at
// its value when present and at the object otherwise.
func (c *Ctx) ReportOn(r *diag.Rule, f *Frame, name string, format string, a ...any) {
	off := f.Value.Index
	if v, ok := f.Get(name); ok {
		off = v.Index
	}
	c.report(r, &name, off, format, a...)
}

func (c *Ctx) report(r *diag.Rule, extra *string, offset int, format string, a ...any) {
	sev, ok := c.keep(r)
	if !ok {
		return
	}
	msg := format
	if len(a) > 0 {
		msg = fmt.Sprintf(format, a...)
	}
	c.store(r, sev, extra, offset, msg)
}

// keep counts a finding of rule r and says whether to store it, with
// which severity. The walker's frequent findings call it before building
// their message, so that past the limit they cost a count, not a
// formatted string (nor boxing the arguments of one).
func (c *Ctx) keep(r *diag.Rule) (diag.Severity, bool) {
	sev, ok := c.admit(r)
	return sev, ok && !c.full()
}

// store records a finding keep allowed.
func (c *Ctx) store(r *diag.Rule, sev diag.Severity, extra *string, offset int, msg string) {
	c.Findings = append(c.Findings, diag.Finding{
		Rule:     r,
		Severity: sev,
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

// Walk checks the object v against o at the current path. v must be
// syntactically valid JSON whose Index is its offset in the payload (as
// returned by gjson.Parse on the payload, or by Frame.Get). The object is
// read in one forward pass, nested members included.
func (c *Ctx) Walk(v gjson.Result, o *Object) {
	if !kindOK(v, KindObject) {
		c.Report(RuleType, v.Index, "%s must be an object, got %s", o.Name, Describe(v))
		return
	}
	root := c.depth == 0
	sc := scanner{s: v.Raw, base: v.Index, ctx: c}
	if root && c.rec != nil {
		sc.rec = c.rec
		sc.rec.Start(v.Raw)
	}
	sc.ws()
	c.object(&sc, o)
	sc.ws() // only whitespace may follow the object
	if sc.i < len(sc.s) && !sc.bad {
		sc.fail()
	}
	if sc.rec != nil {
		sc.rec.Finish()
	}
	if sc.bad && !c.Invalid {
		c.Invalid, c.InvalidAt = true, sc.base+sc.badAt
	}
	if root {
		c.Whole, c.UTF8 = true, !sc.notUTF8
	}
}

// object walks the object starting at sc.i (an opening brace) and
// returns its span.
func (c *Ctx) object(sc *scanner, o *Object) span {
	start := sc.i
	if c.depth >= MaxDepth {
		sc.skip()
		c.Report(RuleTooDeep, sc.base+start, "objects nested more than %d levels deep", MaxDepth)
		return span{lo: int32(start), hi: int32(sc.i), typ: gjson.JSON}
	}
	cp := o.compiled()
	f := &c.frames[c.depth]
	c.depth++
	f.Obj, f.has, f.marked, f.Case, f.src, f.base = o, 0, 0, nil, sc.s, sc.base
	f.keys.Reset()
	f.unk = f.unk[:0]

	for empty := sc.open('}'); !empty; {
		if sc.peek() != '"' {
			sc.fail()
			break
		}
		keyAt := sc.i
		raw, esc := sc.strRaw()
		if sc.bad {
			break
		}
		key := keyOf(raw, esc)
		sc.expect(':')
		sc.ws()
		if i := cp.lookup(o, key); i < 0 {
			c.unknownMember(sc, f, key, keyAt)
		} else {
			c.member(sc, f, i, key, keyAt)
		}
		if !sc.next('}') {
			break
		}
	}
	if sc.bad {
		if !c.Invalid {
			c.Invalid, c.InvalidAt = true, sc.base+sc.badAt
		}
		c.depth--
		return span{lo: int32(start), hi: int32(len(sc.s)), typ: gjson.JSON}
	}
	whole := span{lo: int32(start), hi: int32(sc.i), typ: gjson.JSON}
	f.Value = gjson.Result{Type: gjson.JSON, Raw: sc.s[start:sc.i], Index: sc.base + start}

	c.settleMembers(f, cp)
	if o.Check != nil {
		o.Check(c, f)
	}
	c.depth--
	return whole
}

// member reads the value of declared member i. Receivers keep the last of
// two equal keys: so does the walk, taking back what the first produced.
func (c *Ctx) member(sc *scanner, f *Frame, i int, key string, keyAt int) {
	fd := &f.Obj.Fields[i]
	bit := uint64(1) << uint(i)
	again := f.has&bit != 0
	var before span
	if again {
		before = f.vals[i]
		c.takeBack(f, i)
	}
	lo, t0, seen := len(c.Findings), c.Counts, len(c.Seen)
	c.Push(fd.Name)
	f.vals[i] = c.value(sc, fd)
	if fd.Kind == KindArray {
		f.lens[i] = int32(c.arrayLen)
	}
	c.Pop()
	if len(c.Findings) != lo || len(c.Seen) != seen || c.Counts != t0 {
		c.mark(&f.marks[i], lo, seen, &t0)
		f.marked |= bit
	}
	f.has |= bit
	if again && !sc.bad {
		c.repeated(f, key, keyAt, before, f.vals[i])
	}
}

// settleMembers checks an object read whole: its discriminator, the
// members present only under a condition, and those required (by the
// object or its case) or recommended.
func (c *Ctx) settleMembers(f *Frame, cp *compiled) {
	o := f.Obj
	var caseReq uint64
	if o.Disc != nil {
		caseReq = c.discriminate(f, cp)
	}
	for w := cp.when & f.has; w != 0; w &= w - 1 {
		i := bits.TrailingZeros64(w)
		if !o.Fields[i].When(f) {
			c.takeBack(f, i)
		}
	}
	for m := (cp.required | caseReq) &^ f.has; m != 0; m &= m - 1 {
		fd := &o.Fields[bits.TrailingZeros64(m)]
		what := o.Name
		if fd.Req != Required && f.Case != nil {
			what = fmt.Sprintf("%s of type %s", o.Name, f.Case.Value)
		}
		if sev, ok := c.keep(RuleRequired); ok {
			c.store(RuleRequired, sev, &fd.Name, f.Value.Index, fmt.Sprintf("required field %q is missing from %s", fd.Name, what))
		}
	}
	for m := cp.recommended &^ f.has; m != 0; m &= m - 1 {
		fd := &o.Fields[bits.TrailingZeros64(m)]
		c.ReportField(RuleRecommended, fd.Name, f.Value.Index, "field %q is missing from %s (every documented example has it)", fd.Name, o.Name)
	}
}

// ruleOr is r, or def when the table names none.
func ruleOr(r, def *diag.Rule) *diag.Rule {
	if r == nil {
		return def
	}
	return r
}

// unknownMember reads the value of a member the object does not declare:
// reported unless the object is open, checked for repeated keys, skipped.
func (c *Ctx) unknownMember(sc *scanner, f *Frame, key string, keyAt int) {
	o := f.Obj
	// x_wamo_* members are wamo's own (wamo convert --keep-extras carries
	// fields with no counterpart in them): never unknown.
	if !o.Open && !strings.HasPrefix(key, ExtensionPrefix) {
		r := ruleOr(o.Unknown, RuleUnknownField)
		if sev, ok := c.keep(r); ok {
			c.store(r, sev, &key, sc.base+keyAt, fmt.Sprintf("unknown field %q in %s", key, o.Name))
		}
	}
	c.Push(key)
	start := sc.i
	sc.skip()
	c.Pop()
	v := span{lo: int32(start), hi: int32(sc.i)}
	if !sc.bad {
		if first, dup := f.keys.Add(key, len(f.unk)); dup {
			c.repeated(f, key, keyAt, f.unk[first], v)
		} else {
			f.unk = append(f.unk, v)
		}
	}
}

// repeated reports a key met a second time in one object; the value read
// last is the one kept.
func (c *Ctx) repeated(f *Frame, key string, keyAt int, before, after span) {
	r, msg := RuleDuplicateKey, "key %q appears twice in %s with different values: receivers read this last one, which wamo checks; other parsers may read the first"
	if jsonlex.Equal(f.src[before.lo:before.hi], f.src[after.lo:after.hi]) {
		r, msg = RuleDuplicateKeySame, "key %q appears twice in %s, with the same value"
	}
	if sev, ok := c.keep(r); ok {
		c.store(r, sev, &key, f.base+keyAt, fmt.Sprintf(msg, key, f.Obj.Name))
	}
}

// mark records in m what walking a member produced since the findings,
// remembered values and counts were lo, seen and t0.
func (c *Ctx) mark(m *mark, lo, seen int, t0 *Counts) {
	m.lo, m.hi = int32(lo), int32(len(c.Findings))
	m.d = c.Counts.minus(*t0)
	m.seenLo, m.seenHi, m.seenGen = int32(seen), int32(len(c.Seen)), c.seenGen
}

// takeBack drops what walking member i produced.
func (c *Ctx) takeBack(f *Frame, i int) {
	bit := uint64(1) << uint(i)
	if f.marked&bit == 0 {
		return
	}
	f.marked &^= bit
	m := &f.marks[i]
	if m.hi > m.lo {
		c.dropped = append(c.dropped, [2]int{int(m.lo), int(m.hi)})
	}
	c.Counts = c.Counts.minus(m.d)
	if m.seenGen == c.seenGen {
		for j := m.seenLo; j < m.seenHi && int(j) < len(c.Seen); j++ {
			c.Seen[j].Kind = 0
		}
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
// reports a missing body and takes back the findings of bodies belonging to
// other types (they would describe a shape the message does not claim to
// have). It returns the members the case additionally requires.
func (c *Ctx) discriminate(f *Frame, cp *compiled) uint64 {
	d := f.Obj.Disc
	ci := c.selectCase(f, cp)
	if ci < 0 {
		return 0
	}
	cs := &d.Cases[ci]
	f.Case = cs
	own := cp.caseBody[ci]
	if own >= 0 && !cs.BodyOptional && f.has&(1<<uint(own)) == 0 {
		c.ReportField(ruleOr(d.Missing, RuleTypeObject), cs.Body, f.Value.Index, "%s is %q but the %s has no %q object", d.Field, cs.Value, f.Obj.Name, cs.Body)
	}
	foreign := cp.bodies & f.has
	if own >= 0 {
		foreign &^= 1 << uint(own)
	}
	mismatch := ruleOr(d.Mismatch, RuleTypeObject)
	for ; foreign != 0; foreign &= foreign - 1 {
		i := bits.TrailingZeros64(foreign)
		name := f.Obj.Fields[i].Name
		c.takeBack(f, i)
		c.ReportField(mismatch, name, f.base+int(f.vals[i].lo), "%s is %q but %s %q object is present (only the object named by %s may be)",
			d.Field, cs.Value, anArticle(name), name, d.Field)
	}
	return cp.caseRequires[ci]
}

// selectCase is the index of the case the discriminator names, or infers
// from the one body present; -1, reported, when there is none.
func (c *Ctx) selectCase(f *Frame, cp *compiled) int {
	d := f.Obj.Disc
	tv, present := f.Get(d.Field)
	switch {
	case present && tv.Type == gjson.String:
		ci := d.caseIndex(tv.Str)
		if ci < 0 {
			msg := fmt.Sprintf("%s %q is not a documented %s type (expected one of %s)", d.Field, tv.Str, f.Obj.Name, caseList(d))
			if h := d.Hints[tv.Str]; h != "" {
				msg += ": " + h
			}
			c.ReportField(ruleOr(d.Unknown, RuleEnum), d.Field, tv.Index, "%s", msg)
		}
		return ci
	case present:
		return -1 // wrong JSON type: reported by the field's kind check
	case d.Infer == nil:
		return -1 // reported as a missing required field
	}
	bodies := cp.bodies & f.has
	if bits.OnesCount64(bodies) != 1 {
		c.ReportField(RuleRequired, d.Field, f.Value.Index, "required field %q is missing from %s", d.Field, f.Obj.Name)
		return -1
	}
	ci := cp.caseOfBody[bits.TrailingZeros64(bodies)]
	c.ReportField(d.Infer, d.Field, f.Value.Index, "%s has no %q; treated as %s because it carries %q (as in the documented examples)",
		f.Obj.Name, d.Field, d.Cases[ci].Value, d.Cases[ci].Body)
	return ci
}

func anArticle(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
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

// value reads the member value at sc.i, checking it against fd, and
// returns its span.
func (c *Ctx) value(sc *scanner, fd *Field) span {
	start := sc.i
	switch ch := sc.peek(); {
	case ch == '{':
		if fd.Kind == KindObject && fd.Item != NotItem {
			// an object member that is itself the item (a Conversation
			// API callback carries one message or one report)
			c.item = c.nitems
			c.nitems++
			sp := c.walkSelected(sc, fd)
			if fd.Item == StatusItem {
				c.Statuses++
			} else {
				c.Messages++
			}
			c.item = -1
			return sp
		}
		if fd.Kind == KindObject {
			return c.walkSelected(sc, fd)
		}
		sc.skip()
		c.wrongComposite(sc, fd, start)
		return span{lo: int32(start), hi: int32(sc.i), typ: gjson.JSON}
	case ch == '[':
		if fd.Kind == KindArray {
			return c.array(sc, fd)
		}
		sc.skip()
		c.wrongComposite(sc, fd, start)
		return span{lo: int32(start), hi: int32(sc.i), typ: gjson.JSON}
	}
	decode := needsValue(fd)
	var v gjson.Result
	esc := sc.scalar(&v, decode)
	if sc.bad {
		return span{lo: int32(start), hi: int32(start), typ: gjson.Null}
	}
	sp := span{lo: int32(start), hi: int32(sc.i), typ: v.Type, esc: esc}
	if v.Type == gjson.Null {
		if !fd.Nullable && fd.Kind != KindAny {
			c.Report(RuleNull, v.Index, "%q must be %s, got null", fd.Name, article(fd.Kind))
		}
		return sp
	}
	if !kindOK(v, fd.Kind) {
		if esc && !decode {
			v.Str = unescape(v.Str)
		}
		c.Report(RuleType, v.Index, "%q must be %s, got %s", fd.Name, article(fd.Kind), Describe(v))
		return sp
	}
	c.scalar(fd, fd.Name, v)
	return sp
}

func (c *Ctx) wrongComposite(sc *scanner, fd *Field, start int) {
	if fd.Kind == KindAny {
		return
	}
	v := gjson.Result{Type: gjson.JSON, Raw: sc.s[start:sc.i], Index: sc.base + start}
	c.Report(RuleType, v.Index, "%q must be %s, got %s", fd.Name, article(fd.Kind), Describe(v))
}

// needsValue says whether a member's string value is inspected during the
// walk (and so must be decoded now rather than on demand).
func needsValue(fd *Field) bool {
	if len(fd.Enum) > 0 || fd.JSONString {
		return true
	}
	for _, chk := range fd.Checks {
		if !chk.Raw {
			return true
		}
	}
	return false
}

// walkSelected walks an object value (member or array element) with the
// schema fd gives it.
func (c *Ctx) walkSelected(sc *scanner, fd *Field) span {
	o := fd.Object
	if len(fd.Shapes) > 0 {
		o = c.shape(sc, fd)
	}
	if o == nil {
		start := sc.i
		sc.skip()
		return span{lo: int32(start), hi: int32(sc.i), typ: gjson.JSON}
	}
	return c.object(sc, o)
}

// shape peeks at the keys of the object at sc.i, skipping their values,
// until one decides its shape; then it rewinds. Deciding keys come first in
// practice, so the peek reads a few bytes, not the object.
func (c *Ctx) shape(sc *scanner, fd *Field) *Object {
	start, ctx, rec := sc.i, sc.ctx, sc.rec
	sc.ctx, sc.rec = nil, nil // what is skipped here is read again, reported and recorded, later
	defer func() { sc.i, sc.bad, sc.ctx, sc.rec = start, false, ctx, rec }()
	if sc.open('}') {
		return fd.Object
	}
	for !sc.bad && sc.peek() == '"' {
		raw, esc := sc.strRaw()
		if sc.bad {
			break
		}
		key := keyOf(raw, esc)
		for _, sh := range fd.Shapes {
			if contains(sh.Keys, key) {
				return sh.Object
			}
		}
		sc.expect(':')
		sc.ws()
		sc.skip()
		if !sc.next('}') {
			break
		}
	}
	return fd.Object
}

// scalar applies enum, value-format and embedded-JSON checks.
func (c *Ctx) scalar(fd *Field, name string, v gjson.Result) {
	if len(fd.Enum) > 0 {
		c.enum(fd, name, v)
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

// enum reports a value outside the documented ones: strings compare as
// decoded, numbers as written.
func (c *Ctx) enum(fd *Field, name string, v gjson.Result) {
	var text string
	switch v.Type {
	case gjson.String:
		text = v.Str
	case gjson.Number:
		text = v.Raw
	default:
		return
	}
	if contains(fd.Enum, text) {
		return
	}
	r := fd.EnumViolation()
	if contains(fd.Legacy, text) {
		c.Report(r, v.Index, "%q is %s, a legacy value (%s); documented values today: %s", name, Describe(v), fd.LegacyDoc, strings.Join(fd.Enum, ", "))
		return
	}
	if fd.Set == Open {
		c.Report(r, v.Index, "%q is %s, not among the documented values (%s), a set the vendor extends", name, Describe(v), strings.Join(fd.Enum, ", "))
		return
	}
	c.Report(r, v.Index, "%q is %s; documented values: %s", name, Describe(v), strings.Join(fd.Enum, ", "))
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
		if !inner.IsObject() {
			return // a JSON text, but not an object: the format's own rule says whether that matters
		}
		// Offsets inside the embedded text do not map to the payload:
		// locate everything at the string itself.
		from := len(c.Findings)
		c.Walk(inner, fd.Embedded)
		for i := from; i < len(c.Findings); i++ {
			c.Findings[i].Offset = v.Index
		}
	}
}

// array walks the array at sc.i element by element.
func (c *Ctx) array(sc *scanner, fd *Field) span {
	start := sc.i
	n := 0
	for empty := sc.open(']'); !empty && !sc.bad; {
		c.PushIndex(n)
		errs := c.Errors
		if fd.Item != NotItem {
			c.item = c.nitems
			c.nitems++
		}
		kind := c.element(sc, fd)
		if fd.Item != NotItem {
			if kind == StatusItem {
				c.Statuses++
			} else {
				c.Messages++
			}
			if c.Errors > errs {
				c.markBad(c.item)
			}
			c.item = -1
		}
		c.Pop()
		n++
		if !sc.next(']') {
			break
		}
	}
	if n < fd.MinItems {
		if n == 0 {
			c.Report(RuleEmpty, sc.base+start, "%q must not be empty", fd.Name)
		} else {
			c.Report(RuleEmpty, sc.base+start, "%q must hold at least %d elements, has %d", fd.Name, fd.MinItems, n)
		}
	}
	c.arrayLen = n
	return span{lo: int32(start), hi: int32(sc.i), typ: gjson.JSON}
}

// objectElement walks an object element by its description (skips it
// when no shape fits) and says what kind of item it was.
func (c *Ctx) objectElement(sc *scanner, fd *Field) ItemKind {
	o := fd.Object
	if len(fd.Shapes) > 0 {
		o = c.shape(sc, fd)
	}
	if o == nil {
		sc.skip()
		return fd.Item
	}
	c.object(sc, o)
	if o.Item != NotItem {
		return o.Item
	}
	return fd.Item
}

// element checks one array element and says what kind of item it was
// (for arrays of notifications).
func (c *Ctx) element(sc *scanner, fd *Field) ItemKind {
	want := fd.Items
	if fd.Object != nil || len(fd.Shapes) > 0 {
		want = KindObject
	}
	start := sc.i
	ch := sc.peek()
	if want == KindObject && ch == '{' {
		return c.objectElement(sc, fd)
	}
	if ch == '{' || ch == '[' {
		sc.skip()
		if want != KindAny && !(want == KindArray && ch == '[') {
			el := gjson.Result{Type: gjson.JSON, Raw: sc.s[start:sc.i], Index: sc.base + start}
			c.Report(RuleType, el.Index, "elements of %q must be %s, got %s", fd.Name, article(want), Describe(el))
		}
		return fd.Item
	}
	var el gjson.Result
	sc.scalar(&el, true)
	switch {
	case sc.bad:
	case el.Type == gjson.Null && want != KindAny:
		c.Report(RuleNull, el.Index, "elements of %q must be %s, got null", fd.Name, article(want))
	case !kindOK(el, want):
		c.Report(RuleType, el.Index, "elements of %q must be %s, got %s", fd.Name, article(want), Describe(el))
	default:
		c.scalar(fd, fd.Name+"[]", el)
	}
	return fd.Item
}
