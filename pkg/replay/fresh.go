package replay

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// editKind says what a refreshed member receives.
type editKind uint8

const (
	editUUID editKind = iota // a random UUID v4 (for an id that is a UUID)
	editID                   // random letters and digits after the original's prefix ("wamid.")
	editRef                  // the new id of another member: a reference to it, or the same id again
	editTime                 // now, in the member's time format
)

// freshEdit replaces body[start:end] (a JSON string or number).
type freshEdit struct {
	start, end int
	kind       editKind
	quoted     bool            // the value is a JSON string
	prefix     string          // editID: kept prefix
	n          int             // editID: length of the random part
	upper      bool            // editID: upper-case letters and digits only, like the original
	ref        int             // editRef: index of the edit whose id this repeats
	time       spec.TimeFormat // editTime
	path       string
}

// freshPlan lists where a body holds message ids and times, in order.
type freshPlan struct{ edits []freshEdit }

// planFresh finds, by the roles of its format's tables, the members of
// body to renew on each send: the ids its items are known by
// (spec.RoleMessageID: a message's id, the id of the message a status
// reports on), which receivers de-duplicate on, and every time
// (spec.RoleTime), in its own encoding (epoch seconds, epoch
// milliseconds, ISO 8601; as a string or a number, as written). Ids that
// refer to one of those (a reaction's or a reply's message id, a second
// status of the same message) get the same new id, so that the payload
// stays consistent. A body that is not valid JSON, or not a payload of a
// known format, gets no edits.
func planFresh(body []byte) freshPlan {
	if !gjson.ValidBytes(body) {
		return freshPlan{}
	}
	ft := format.Of(payload.Detect(body).Format)
	if ft == nil {
		return freshPlan{}
	}
	var tape jsontree.Tape
	if !tape.Parse(string(body)) {
		return freshPlan{}
	}
	pl := freshPlanner{ids: map[string]int{}}
	spec.WalkRoles(tape.Root(), ft.Schema(), pl.leaf)
	for _, r := range pl.refs {
		if target, ok := pl.ids[r.id]; ok {
			r.e.ref = target
			pl.p.edits = append(pl.p.edits, r.e)
		}
	}
	pl.p.sort()
	return pl.p
}

// freshPlanner collects the edits of a plan as the walk visits the
// members by role.
type freshPlanner struct {
	p    freshPlan
	ids  map[string]int // a renewed id's original → its edit
	refs []freshRef     // ids that may refer to a renewed one
}

// freshRef is an id that gets a renewed id's new value if it is one.
type freshRef struct {
	e  freshEdit
	id string
}

func (pl *freshPlanner) leaf(l *spec.Leaf) {
	if l.Doc != nil {
		return
	}
	v := l.Value
	e := freshEdit{start: v.Offset(), end: v.Offset() + len(v.Raw()), quoted: v.IsString()}
	switch l.Role() {
	case spec.RoleMessageID:
		pl.messageID(e, l)
	case spec.RoleID:
		if v.IsString() && l.Party() != spec.PartyBusiness {
			e.kind, e.path = editRef, l.Path()
			pl.refs = append(pl.refs, freshRef{e, v.Str()})
		}
	case spec.RoleTime:
		pl.time(e, l)
	}
}

// messageID renews an id its item is known by; a repeat of one already
// seen gets the same new id.
func (pl *freshPlanner) messageID(e freshEdit, l *spec.Leaf) {
	s := l.Value.Str()
	if !e.quoted || s == "" {
		return
	}
	e.path = l.Path()
	if first, ok := pl.ids[s]; ok {
		e.kind, e.ref = editRef, first
	} else {
		pl.ids[s] = len(pl.p.edits)
		newID(&e, s)
	}
	pl.p.edits = append(pl.p.edits, e)
}

// time renews a time written in an encoding it knows.
func (pl *freshPlanner) time(e freshEdit, l *spec.Leaf) {
	v := l.Value
	if !v.IsString() && !v.IsNumber() {
		return
	}
	if e.time = l.Field.TimeFormat(v.Raw()); e.time == spec.TimeUnknown {
		return
	}
	e.kind, e.path = editTime, l.Path()
	pl.p.edits = append(pl.p.edits, e)
}

// newID makes e renew the id s: a UUID stays a UUID; any other id keeps
// its prefix up to a dot in its first 16 characters ("wamid.") and gets
// as many random letters and digits as it had, at least 16.
func newID(e *freshEdit, s string) {
	if isUUID(s) {
		e.kind = editUUID
		return
	}
	e.kind = editID
	if i := strings.LastIndexByte(s, '.'); i >= 0 && i < 16 {
		e.prefix, s = s[:i+1], s[i+1:]
	}
	e.n = min(max(len(s), 16), 128)
	e.upper = strings.IndexFunc(s, func(c rune) bool { return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') }) < 0
}

// sort puts the edits in body order, keeping the references right.
func (p *freshPlan) sort() {
	order := make([]int, len(p.edits))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return p.edits[a].start - p.edits[b].start })
	at := make([]int, len(order)) // old index → new
	sorted := make([]freshEdit, len(order))
	for n, old := range order {
		at[old] = n
		sorted[n] = p.edits[old]
	}
	for i := range sorted {
		if sorted[i].kind == editRef {
			sorted[i].ref = at[sorted[i].ref]
		}
	}
	p.edits = sorted
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// apply returns a copy of body with every planned member renewed: ids new
// and unique (references following them), times now.
func (p *freshPlan) apply(body []byte, now time.Time) []byte {
	// The new ids first, so that a reference written before the id it
	// repeats has it.
	var gen []byte
	spans := make([][2]int, len(p.edits))
	for i := range p.edits {
		e := &p.edits[i]
		lo := len(gen)
		switch e.kind {
		case editUUID:
			gen = appendUUID(gen)
		case editID:
			gen = append(gen, e.prefix...)
			gen = appendRandomID(gen, e.n, e.upper)
		default:
			continue
		}
		spans[i] = [2]int{lo, len(gen)}
	}
	out := make([]byte, 0, len(body)+16*len(p.edits))
	var times [spec.ISO8601 + 1][]byte // each format renders once per send
	at := 0
	for i := range p.edits {
		e := &p.edits[i]
		out = append(out, body[at:e.start]...)
		if e.quoted {
			out = append(out, '"')
		}
		switch e.kind {
		case editTime:
			if times[e.time] == nil {
				times[e.time] = appendTime(nil, e.time, now)
			}
			out = append(out, times[e.time]...)
		case editRef:
			sp := spans[e.ref]
			out = append(out, gen[sp[0]:sp[1]]...)
		default:
			out = append(out, gen[spans[i][0]:spans[i][1]]...)
		}
		if e.quoted {
			out = append(out, '"')
		}
		at = e.end
	}
	return append(out, body[at:]...)
}

func appendTime(b []byte, f spec.TimeFormat, now time.Time) []byte {
	switch f {
	case spec.UnixSeconds:
		return strconv.AppendInt(b, now.Unix(), 10)
	case spec.UnixMillis:
		return strconv.AppendInt(b, now.UnixMilli(), 10)
	}
	return now.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
}

const hexDigits = "0123456789abcdef"

// appendUUID appends a random (version 4) UUID.
func appendUUID(b []byte) []byte {
	var u [16]byte
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := range 8 {
		u[i] = byte(hi >> (8 * i))
		u[8+i] = byte(lo >> (8 * i))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0x0f])
	}
	return b
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz"

// appendRandomID appends n random letters and digits (16 of them carry 95
// bits: unique enough for any run), upper-case letters and digits only
// when upper is set (16 of those carry 82 bits).
func appendRandomID(b []byte, n int, upper bool) []byte {
	alphabet := idAlphabet
	if upper {
		alphabet = idAlphabet[:36]
	}
	for n > 0 {
		x := rand.Uint64()
		for k := 0; k < 10 && n > 0; k++ { // 10 × 6 bits out of 64
			if v := x & 63; v < uint64(len(alphabet)) { // the rest rejected: no bias
				b = append(b, alphabet[v])
				n--
			}
			x >>= 6
		}
	}
	return b
}

// Refresh returns a copy of body with new message ids and current
// timestamps — what Config.Fresh does to each send — and the JSON paths it
// rewrote. A body with nothing to refresh (invalid JSON, format not
// recognised, no ids) comes back unchanged with no paths.
func Refresh(body []byte, now time.Time) ([]byte, []string) {
	p := planFresh(body)
	if len(p.edits) == 0 {
		return body, nil
	}
	paths := make([]string, len(p.edits))
	for i, e := range p.edits {
		paths[i] = e.path
	}
	return p.apply(body, now), paths
}
