package convert

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// differ compares an input with the result of converting its conversion
// back, value by value (JSON semantics: key order and number spelling do not
// matter). Every difference is a Loss; with patching it is also an
// operation that turns the round-tripped document back into the input.
type differ struct {
	from, to   payload.Format
	layout     message.Layout // of the source format
	patching   bool
	nothing    bool // nothing converts back: the envelope is not written either
	skipExtras bool // the input's extras were consumed: not a loss
	// filled are the JSON pointers of values an earlier conversion filled
	// in (defaults, option values): not data of the input, so not lost.
	filled map[string]bool
	forced []message.Fill // values the conversion back filled in: lost even if equal

	losses []Loss
	ops    []patchOp

	path []seg
	mem  []member
	buf  []byte
	ints []int
	// patterns are the note patterns of the paths of earlier losses
	// (by themselves), pbuf where the current one is spelled.
	patterns map[string]string
	pbuf     []byte
	segs     []seg
}

type seg struct {
	key   string
	index int // ≥ 0 for array elements
}

type member struct {
	key  string
	val  jsontree.Value
	used bool
}

// patchOp sets (raw != "") or removes (raw == "") the value at a JSON pointer.
type patchOp struct {
	ptr string
	raw string
}

func (d *differ) reset(from, to payload.Format) {
	if from != d.from {
		clear(d.patterns) // they depend on the source's layout
	}
	d.from, d.to = from, to
	d.layout = format.Of(from).Layout
	d.losses = d.losses[:0]
	d.ops = d.ops[:0]
	d.path = d.path[:0]
	d.mem = d.mem[:0]
	d.forced = nil
	d.patching, d.skipExtras, d.nothing = false, false, false
}

// isFilled reports whether the value at the current path was filled in by
// an earlier conversion.
func (d *differ) isFilled() bool {
	return len(d.filled) > 0 && d.filled[pointer(d.path)]
}

func (d *differ) push(k string) { d.path = append(d.path, seg{key: k, index: -1}) }
func (d *differ) pushI(i int)   { d.path = append(d.path, seg{index: i}) }
func (d *differ) pop()          { d.path = d.path[:len(d.path)-1] }
func (d *differ) diff(a, b jsontree.Value) {
	d.value(a, b, d.patching)
	slices.SortStableFunc(d.losses, func(x, y Loss) int { return x.Offset - y.Offset })
}

func (d *differ) value(a, b jsontree.Value, patch bool) {
	if a.Raw() == b.Raw() || d.isFilled() {
		return // the same text is the same value
	}
	switch {
	case a.IsObject() && b.IsObject():
		d.object(a, b, patch)
	case a.IsArray() && b.IsArray():
		d.array(a, b, patch)
	default:
		if !same(a, b) {
			d.loss(Changed, a.Offset(), a, b)
			if patch {
				d.op(a.Raw())
			}
		}
	}
}

// same reports whether two scalars (or mismatched values) are equal as JSON values.
func same(a, b jsontree.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case jsontree.String:
		return a.Str() == b.Str()
	case jsontree.Number:
		return a.Raw() == b.Raw() || a.Num() == b.Num()
	case jsontree.Object, jsontree.Array:
		return a.Raw() == b.Raw()
	}
	return true
}

func (d *differ) object(a, b jsontree.Value, patch bool) {
	start := len(d.mem)
	b.ForEach(func(k, v jsontree.Value) bool {
		d.mem = append(d.mem, member{key: k.Str(), val: v})
		return true
	})
	m := memberSet{start: start, end: len(d.mem), hint: start}
	m.body = d.renamedBody(a, b, &m)
	if m.end-m.start > 32 { // many members: find them by name, not by scanning
		m.byName = make(map[string]int, m.end-m.start)
		for i := m.start; i < m.end; i++ {
			m.byName[d.mem[i].key] = i
		}
	}
	top := len(d.path) == 0
	a.ForEachAll(func(k, av jsontree.Value) bool {
		key := k.Str()
		switch {
		case k.Shadowed(): // a repeated member is reported as lost
			d.shadowed(key, av)
		case top && key == ExtrasKey && d.skipExtras:
		default:
			d.push(key)
			d.member(av, d.find(&m, key), &m, patch)
			d.pop()
		}
		return true
	})
	d.added(a, m.start, m.end, patch, func(x int) { d.push(d.mem[x].key) })
	d.mem = d.mem[:start]
}

// memberSet is the members of the object being compared with: d.mem[start:end].
type memberSet struct {
	start, end int
	hint       int            // members usually come in the same order: look there first
	byName     map[string]int // for objects of many members
	body       renamedBody
}

// renamedBody pairs the body of a message whose type a conversion renamed
// (voice → audio): key is the input's member, at the output's index (-1 =
// none).
type renamedBody struct {
	key string
	at  int
}

// renamedBody finds, in a message whose type changes, the new type's
// member that carries the old one's content, so that the two bodies are
// compared with each other.
func (d *differ) renamedBody(a, b jsontree.Value, m *memberSet) renamedBody {
	none := renamedBody{at: -1}
	if !d.inMessage() {
		return none
	}
	ta, tb := a.Get("type"), b.Get("type")
	if !ta.IsString() || !tb.IsString() || ta.Str() == tb.Str() || b.Get(ta.Str()).Exists() ||
		!a.Get(ta.Str()).Exists() || a.Get(tb.Str()).Exists() {
		return none
	}
	for i := m.start; i < m.end; i++ {
		if d.mem[i].key == tb.Str() {
			d.mem[i].used = true
			return renamedBody{key: ta.Str(), at: i}
		}
	}
	return none
}

// find returns the index of the unused member named key, or -1.
func (d *differ) find(m *memberSet, key string) int {
	if m.byName != nil {
		if i, ok := m.byName[key]; ok && !d.mem[i].used {
			return i
		}
		return -1
	}
	for n, i := 0, m.hint; n < m.end-m.start; n++ {
		if !d.mem[i].used && d.mem[i].key == key {
			if m.hint = i + 1; m.hint == m.end {
				m.hint = m.start
			}
			return i
		}
		if i++; i == m.end {
			i = m.start
		}
	}
	return -1
}

// shadowed reports a member hidden by a later one of the same name.
func (d *differ) shadowed(key string, av jsontree.Value) {
	d.push(key)
	d.buf = appendPath(d.buf[:0], d.path)
	d.losses = append(d.losses, Loss{Path: string(d.buf), Offset: av.Offset(), Kind: Dropped,
		Reason: "a later member has the same name: the last one counts, as receivers read it"})
	d.pop()
}

// member compares the input's member at the current path with the
// output's at index found (-1 = the output has none).
func (d *differ) member(av jsontree.Value, found int, m *memberSet, patch bool) {
	key := d.path[len(d.path)-1].key
	switch {
	case m.body.at >= 0 && key == m.body.key && found < 0:
		renamed := d.mem[m.body.at]
		d.loss(Changed, av.Offset(), av, jsontree.Value{})
		d.buf = appendPath(d.buf[:0], d.path[:len(d.path)-1])
		d.losses[len(d.losses)-1].Renamed = string(append(append(d.buf, '.'), renamed.key...))
		d.value(av, renamed.val, false)
		if patch {
			d.op(av.Raw())
			d.path[len(d.path)-1].key = renamed.key
			d.op("")
		}
	case found < 0:
		d.loss(Dropped, av.Offset(), av, jsontree.Value{})
		if patch {
			d.op(av.Raw())
		}
	default:
		d.mem[found].used = true
		d.value(av, d.mem[found].val, patch)
	}
}

// added reports the output's members or elements that no input value
// paired with; push names the one at index x.
func (d *differ) added(a jsontree.Value, start, end int, patch bool, push func(x int)) {
	for x := start; x < end; x++ {
		if d.mem[x].used {
			continue
		}
		push(x)
		d.loss(Added, a.Offset(), jsontree.Value{}, d.mem[x].val)
		if patch {
			d.op("")
		}
		d.pop()
	}
}

// inMessage reports whether the object being compared is a message of
// the source format (whose type may be renamed by a conversion).
func (d *differ) inMessage() bool {
	l := &d.layout
	if l.Messages == "" {
		return false
	}
	n, ok := matchPrefix(d.path, l.Batch)
	if !ok {
		return false
	}
	m, ok := matchPrefix(d.path[n:], l.Messages)
	return ok && n+m == len(d.path)
}

// alignKey names the member that identifies the elements of the array
// being compared when it holds items (messages, statuses, contacts…), so
// that an item the target could not carry does not shift the comparison of
// the ones after it.
func (d *differ) alignKey() string {
	for _, it := range d.layout.Items {
		if n, ok := matchPrefix(d.path, it.Path); ok && n == len(d.path) {
			return it.Key
		}
	}
	return ""
}

func (d *differ) array(a, b jsontree.Value, patch bool) {
	start := len(d.mem)
	b.ForEach(func(_, v jsontree.Value) bool {
		d.mem = append(d.mem, member{val: v})
		return true
	})
	end := len(d.mem)
	pstart := len(d.ints)
	defer func() { d.ints = d.ints[:pstart] }()
	// Pair the elements: by identifying member for item arrays, by position otherwise.
	key, keyed := d.alignKey(), true
	if key != "" {
		keyed = d.pairByKey(a, key, start, end)
	} else {
		d.pairByPosition(a, start, end)
	}
	pairs := d.ints[pstart:]
	if patch && !(keyed && d.exactPairs(pairs, start, end)) {
		d.op(a.Raw())
		patch = false
	}
	i := 0
	a.ForEach(func(_, av jsontree.Value) bool {
		d.pushI(i)
		if j := pairs[i]; j >= 0 {
			d.value(av, d.mem[j].val, patch)
		} else {
			d.loss(Dropped, av.Offset(), av, jsontree.Value{})
		}
		d.pop()
		i++
		return true
	})
	// Added elements are never patched: a changed array is replaced whole.
	d.added(a, start, end, false, func(x int) { d.pushI(x - start) })
	d.mem = d.mem[:start]
}

// pairByPosition pairs the i-th element of a with the i-th of d.mem[start:end].
func (d *differ) pairByPosition(a jsontree.Value, start, end int) {
	i := 0
	a.ForEach(func(_, _ jsontree.Value) bool {
		j := -1
		if start+i < end {
			j = start + i
			d.mem[j].used = true
		}
		d.ints = append(d.ints, j)
		i++
		return true
	})
}

// pairByKey pairs the elements of an item array by their identifying
// member, one lookup per element however long the arrays; elements
// without it (a username-only contact has no wa_id) pair with the
// leftovers in order. It reports whether every element paired by key.
func (d *differ) pairByKey(a jsontree.Value, key string, start, end int) (keyed bool) {
	var byKey map[string][]int // for long arrays; short ones are scanned
	if end-start > shortArray {
		byKey = make(map[string][]int, end-start)
		for x := start; x < end; x++ {
			if bk := d.mem[x].val.Get(key); bk.Exists() {
				id := bk.Identity()
				byKey[id] = append(byKey[id], x)
			}
		}
	}
	pstart, keyed := len(d.ints), true
	a.ForEach(func(_, av jsontree.Value) bool {
		j := -1
		if k := av.Get(key); k.Exists() {
			j = d.takeKeyed(byKey, k, key, start, end)
		}
		keyed = keyed && j >= 0
		d.ints = append(d.ints, j)
		return true
	})
	pairs, x, i := d.ints[pstart:], start, 0
	a.ForEach(func(_, av jsontree.Value) bool {
		if pairs[i] < 0 && !av.Get(key).Exists() {
			for x < end && d.mem[x].used {
				x++
			}
			if x < end {
				d.mem[x].used = true
				pairs[i] = x
			}
		}
		i++
		return true
	})
	return keyed
}

// shortArray is the length up to which an item array's elements are paired
// by scanning, without an index: the usual one or two items.
const shortArray = 8

// takeKeyed marks used and returns the first unused element of
// d.mem[start:end] whose member key equals k (by byKey when not nil), or -1.
func (d *differ) takeKeyed(byKey map[string][]int, k jsontree.Value, key string, start, end int) int {
	if byKey != nil {
		id := k.Identity()
		xs := byKey[id]
		if len(xs) == 0 {
			return -1
		}
		byKey[id] = xs[1:]
		d.mem[xs[0]].used = true
		return xs[0]
	}
	for x := start; x < end; x++ {
		if !d.mem[x].used && sameIdentity(k, d.mem[x].val.Get(key)) {
			d.mem[x].used = true
			return x
		}
	}
	return -1
}

// sameIdentity reports whether two values have the same Identity, without
// spelling it.
func sameIdentity(a, b jsontree.Value) bool {
	ka, kb := a.Kind(), b.Kind()
	switch {
	case ka == jsontree.Absent || kb == jsontree.Absent:
		return false
	case ka == jsontree.String || kb == jsontree.String:
		return ka == kb && a.Str() == b.Str()
	case ka == jsontree.Number || kb == jsontree.Number:
		return ka == kb && math.Float64bits(a.Num()) == math.Float64bits(b.Num())
	}
	return a.Raw() == b.Raw()
}

// exactPairs reports whether every element paired with the one at its
// own position and none is left over: then the array can be patched
// element by element.
func (d *differ) exactPairs(pairs []int, start, end int) bool {
	if len(pairs) != end-start {
		return false
	}
	for i, j := range pairs {
		if j != start+i {
			return false
		}
	}
	return true
}

func (d *differ) op(raw string) {
	d.ops = append(d.ops, patchOp{ptr: pointer(d.path), raw: raw})
}

func (d *differ) loss(kind LossKind, off int, a, b jsontree.Value) {
	d.buf = appendPath(d.buf[:0], d.path)
	p := string(d.buf)
	var reason string
	if d.nothing && kind == Dropped && !d.itemPath(d.path) {
		reason = "not written: no item of the payload has a counterpart in " + d.to.String()
	} else {
		reason = explainAt(d.from, d.to, kind, d.pattern(), d.path, a, b)
	}
	d.losses = append(d.losses, Loss{Path: p, Offset: off, Kind: kind, Reason: reason})
}

// maxPatterns bounds the patterns a differ keeps: they come from the
// input's member names.
const maxPatterns = 512

// pattern is the current path's pattern (see pattern), from the patterns
// seen before when it is one: losses at the same place in one payload
// after another spell it once.
func (d *differ) pattern() string {
	d.pbuf = appendPattern(d.pbuf[:0], &d.layout, d.path)
	if p, ok := d.patterns[string(d.pbuf)]; ok {
		return p
	}
	if d.patterns == nil || len(d.patterns) >= maxPatterns {
		d.patterns = make(map[string]string)
	}
	p := string(d.pbuf)
	d.patterns[p] = p
	return p
}

// itemPath reports whether a path names an item or lies inside one.
func (d *differ) itemPath(p []seg) bool {
	for _, it := range d.layout.Items {
		if n, ok := matchPrefix(p, it.Path); ok && n < len(p) {
			return true
		}
	}
	return false
}

// forcedLosses adds the values the conversion back had to fill in: what the
// input holds there was lost even when the filled value happens to equal it.
func (d *differ) forcedLosses(root jsontree.Value) {
	if len(d.forced) == 0 {
		return
	}
	// Index what is already reported, so that each fill costs the depth of
	// its path, not the number of losses.
	lost := make(map[string]bool, len(d.losses))
	for _, l := range d.losses {
		lost[l.Path] = true
	}
	patched := make(map[string]bool, len(d.ops))
	for _, o := range d.ops {
		patched[o.ptr] = true
	}
	for _, f := range d.forced {
		if !f.Default && !d.patching {
			continue
		}
		d.segs = appendSegs(d.segs[:0], f.Path)
		v := at(root, d.segs)
		ptr := pointer(d.segs)
		if !v.Exists() || d.filled[ptr] {
			continue
		}
		if f.Default && !underAny(f.Path, lost, pathParent) {
			reason := explain(d.from, d.to, Changed, d.segs, v, jsontree.Value{})
			d.losses = append(d.losses, Loss{Path: f.Path, Offset: v.Offset(), Kind: Changed, Reason: reason})
			lost[f.Path] = true
		}
		if d.patching && !underAny(ptr, patched, pointerParent) {
			d.ops = append(d.ops, patchOp{ptr: ptr, raw: v.Raw()})
			patched[ptr] = true
		}
	}
	slices.SortStableFunc(d.losses, func(x, y Loss) int { return x.Offset - y.Offset })
}

// underAny reports whether p or one of its ancestors (by parent) is in set.
func underAny(p string, set map[string]bool, parent func(string) string) bool {
	for ; p != ""; p = parent(p) {
		if set[p] {
			return true
		}
	}
	return false
}

// pathParent is the parent of a rendered path (messages[0].id → messages[0]).
func pathParent(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// pointerParent is the parent of a JSON pointer (/a/0/b → /a/0).
func pointerParent(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return ""
	}
	return p[:i]
}

// renderPath writes a path as the validator does: data[0].message.type,
// with odd keys quoted: ["a.b"].
func renderPath(p []seg) string { return string(appendPath(nil, p)) }

func appendPath(b []byte, p []seg) []byte {
	for _, s := range p {
		if s.index >= 0 {
			b = diag.AppendPathIndex(b, s.index)
		} else {
			b = diag.AppendPathKey(b, s.key)
		}
	}
	return b
}

// appendSegs parses a path written by renderPath.
func appendSegs(out []seg, p string) []seg {
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			i++
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return out
			}
			inner := p[i+1 : i+j]
			if strings.HasPrefix(inner, `"`) {
				// a quoted key may hold ']': find the closing quote
				k := i + 1
				end := -1
				for q := k + 1; q < len(p); q++ {
					if p[q] == '\\' {
						q++
						continue
					}
					if p[q] == '"' {
						end = q
						break
					}
				}
				if end < 0 {
					return out
				}
				key, err := strconv.Unquote(p[k : end+1])
				if err != nil {
					return out
				}
				out = append(out, seg{key: key, index: -1})
				i = end + 2
				continue
			}
			n, err := strconv.Atoi(inner)
			if err != nil {
				return out
			}
			out = append(out, seg{index: n})
			i += j + 1
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			out = append(out, seg{key: p[i:j], index: -1})
			i = j
		}
	}
	return out
}

// pointer renders a path as an RFC 6901 JSON pointer.
func pointer(p []seg) string {
	var b strings.Builder
	for _, s := range p {
		b.WriteByte('/')
		if s.index >= 0 {
			b.WriteString(strconv.Itoa(s.index))
			continue
		}
		for i := 0; i < len(s.key); i++ {
			switch c := s.key[i]; c {
			case '~':
				b.WriteString("~0")
			case '/':
				b.WriteString("~1")
			default:
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// pattern is a path with its indices erased, relative to the batch of a
// format's layout, and with media bodies of messages named <media>: the key
// of the format's notes.
func pattern(l *message.Layout, p []seg) string {
	return string(appendPattern(nil, l, p))
}

// appendPattern appends the pattern of p to b.
func appendPattern(b []byte, l *message.Layout, p []seg) []byte {
	if n, ok := matchPrefix(p, l.Batch); ok && l.Batch != "" && n < len(p) {
		p = p[n:]
	}
	start, inMsg := len(b), -1 // inMsg: index of the segment after a message object, if any
	if l.Messages != "" {
		if n, ok := matchPrefix(p, l.Messages); ok {
			inMsg = n
		}
	}
	for i, s := range p {
		if s.index >= 0 {
			b = append(b, "[]"...)
			continue
		}
		k := s.key
		if i == inMsg && slices.Contains(l.Media, k) {
			k = "<media>"
		}
		if len(b) > start {
			b = append(b, '.')
		}
		b = append(b, k...)
	}
	return b
}

// matchPrefix reports whether the path p starts with the pattern pat
// (member names separated by dots, [] for any index; "" matches the empty
// prefix) and how many segments the pattern covers.
func matchPrefix(p []seg, pat string) (int, bool) {
	n := 0
	for pat != "" {
		if strings.HasPrefix(pat, "[]") {
			if n >= len(p) || p[n].index < 0 {
				return 0, false
			}
			pat = pat[2:]
		} else {
			pat = strings.TrimPrefix(pat, ".")
			end := strings.IndexAny(pat, ".[")
			if end < 0 {
				end = len(pat)
			}
			if n >= len(p) || p[n].index >= 0 || p[n].key != pat[:end] {
				return 0, false
			}
			pat = pat[end:]
		}
		n++
	}
	return n, true
}

// at follows a path of members and array indices.
func at(v jsontree.Value, p []seg) jsontree.Value {
	for _, s := range p {
		if !v.Exists() {
			return jsontree.Value{}
		}
		if s.index >= 0 {
			v = v.Index(s.index)
		} else {
			v = v.Get(s.key)
		}
	}
	return v
}
