package redact

import (
	"bytes"
	"slices"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// state is the redaction of one payload: the values the walk met, what
// replaces them, and the identifiers and business numbers found, which
// free text is scrubbed of once the whole payload has been read.
type state struct {
	r      *Redactor
	tape   jsontree.Tape
	walker spec.RoleWalker
	// docs[0] is the payload; docs[i] the JSON text the payload's strings
	// hold (spec.Embedded.Index i), redacted through their own values.
	docs  []doc
	later []pending
	k     known
	biz   map[string]bool // the business's numbers, as written and as digits
}

// doc is one document being redacted.
type doc struct {
	src    string
	edits  []edit
	parent int // the document holding this one's text
	lo, hi int // the holding string in the parent (quotes included)
}

// edit replaces src[start:end] with repl.
type edit struct {
	start, end int
	repl       []byte
}

// pending is a value redacted once the whole payload has been read: free
// text is scrubbed of identifiers found anywhere in it, and a phone number
// that may be the business's is compared with the business's numbers.
type pending struct {
	doc        int
	start, end int
	how        how
	number     bool
}

// how says what to do with a pending value.
type how uint8

const (
	howKnown  how = iota // scrub of the identifiers found (a field without a role)
	howText              // free text a person wrote
	howDetail            // the platform's text about a message
	howFile              // a document's file name
	howLink              // a web address a person gave
	howEither            // a phone number that may be the business's
)

// begin prepares st for the payload src, reusing the space of the last.
func (st *state) begin(src string) {
	var edits []edit
	if len(st.docs) > 0 {
		edits = st.docs[0].edits[:0]
	}
	st.docs = append(st.docs[:0], doc{src: src, edits: edits})
	st.later = st.later[:0]
	st.k = known{}
	clear(st.biz)
}

// release returns st to the pool, holding on to no payload.
func (st *state) release() {
	for i := range st.docs {
		st.docs[i].src = ""
		if i > 0 {
			st.docs[i].edits = nil
		}
	}
	st.docs = st.docs[:min(len(st.docs), 1)]
	st.r.states.Put(st)
}

// visit decides the fate of one value.
func (st *state) visit(l *spec.Leaf) {
	d := 0
	if l.Doc != nil {
		d = l.Doc.Index
	}
	if in := l.Inner; in != nil {
		// A string holding a JSON text: redacted through its values,
		// which the walk visits next.
		for len(st.docs) <= in.Index {
			st.docs = append(st.docs, doc{})
		}
		lo := l.Value.Offset()
		st.docs[in.Index] = doc{src: in.Text(), parent: d, lo: lo, hi: lo + len(l.Value.Raw())}
		return
	}
	role, described := l.Role(), l.Field != nil
	if !described {
		role = spec.GuessRole(l.Key)
		if role == spec.NoRole {
			role = spec.RoleText
		}
	}
	party := l.Party()
	if l.Shadowed && party != spec.PartyPerson {
		// Receivers do not read it: it is nobody's number, and must not
		// pass as the business's to let a person's number through.
		party = spec.PartyPerson
	}
	switch l.Value.Kind() {
	case jsontree.String:
		st.str(d, l.Value, role, party)
	case jsontree.Number:
		st.number(d, l.Value, role, party)
	}
}

func (st *state) replace(d, start, end int, s, repl string) {
	if repl == s {
		return
	}
	st.docs[d].edits = append(st.docs[d].edits, edit{start, end, jsonlex.AppendQuote(nil, repl)})
}

// deferred is how the roles whose values wait for the whole payload are
// redacted (see settle); a string without a role is scrubbed of what is
// known.
var deferred = map[spec.Role]how{
	spec.NoRole: howKnown, spec.RoleText: howText, spec.RoleDetail: howDetail,
	spec.RoleFileName: howFile, spec.RoleLink: howLink,
}

// pseudonyms gives the pseudonym of a string of each role redacted at once
// (phone numbers and ids, which depend on their party, aside).
var pseudonyms = map[spec.Role]func(st *state, s string) string{
	spec.RoleUserID: func(st *state, s string) string {
		repl := st.r.bsuid(s)
		st.k.addPhrase(s, repl)
		return repl
	},
	spec.RoleName: func(st *state, s string) string { return st.k.addName(st.r, s) },
	spec.RoleUsername: func(st *state, s string) string {
		repl := st.r.username(s)
		st.k.addPhrase(s, repl)
		return repl
	},
	spec.RoleEmail:      func(st *state, s string) string { return st.r.email(s) },
	spec.RoleAddress:    func(st *state, s string) string { return st.r.lorem(s) },
	spec.RoleBirthday:   func(st *state, s string) string { return st.r.birthday(s) },
	spec.RolePicture:    func(*state, string) string { return "" },
	spec.RoleMediaURL:   func(st *state, s string) string { return st.r.url(s) },
	spec.RoleFilePath:   func(st *state, s string) string { return st.r.file(s) },
	spec.RoleCoordinate: func(_ *state, s string) string { return coarsen(s) },
	spec.RoleGeoPoint:   func(_ *state, s string) string { return geoPoint(s) },
}

// str decides the fate of the string v.
func (st *state) str(d int, v jsontree.Value, role spec.Role, party spec.Party) {
	start := v.Offset()
	end := start + len(v.Raw())
	if h, ok := deferred[role]; ok {
		st.later = append(st.later, pending{doc: d, start: start, end: end, how: h})
		return
	}
	if role == spec.RoleTime {
		return
	}
	s := v.Str()
	if s == "" {
		return
	}
	var repl string
	switch {
	case role == spec.RolePhone && party == spec.PartyBusiness:
		st.business(s)
		return
	case role == spec.RolePhone && party == spec.PartyEither:
		st.later = append(st.later, pending{doc: d, start: start, end: end, how: howEither})
		return
	case role == spec.RolePhone:
		repl = st.phone(s)
	case role == spec.RoleMessageID || role == spec.RoleID:
		if party == spec.PartyBusiness {
			return
		}
		repl = st.r.opaque(s)
	default:
		f, ok := pseudonyms[role]
		if !ok {
			return
		}
		repl = f(st, s)
	}
	st.replace(d, start, end, s, repl)
}

// business remembers one of the business's numbers: kept, and kept in
// free text.
func (st *state) business(s string) {
	if st.biz == nil {
		st.biz = map[string]bool{}
	}
	st.biz[s] = true
	if d := digitsOf(s); len(d) > 0 {
		st.biz[string(d)] = true
	}
}

// phone pseudonymises a phone-like value and remembers it for scrubbing
// free text; a value that is not shaped like a number (a group id in
// recipient_id) is treated as an opaque id.
func (st *state) phone(s string) string {
	if !phoneShaped(s) {
		return st.r.opaque(s)
	}
	st.k.addPhone(st.r, s)
	return st.r.phone(s)
}

func phoneShaped(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' || isPhoneSep(c):
		default:
			return false
		}
	}
	return digits > 0
}

func digitsOf(s string) []byte {
	var d []byte
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			d = append(d, s[i])
		}
	}
	return d
}

// number decides the fate of the number v.
func (st *state) number(d int, v jsontree.Value, role spec.Role, party spec.Party) {
	raw := v.Raw()
	start := v.Offset()
	var repl string
	switch role {
	case spec.RolePhone:
		switch party {
		case spec.PartyBusiness:
			st.business(raw)
			return
		case spec.PartyEither:
			st.later = append(st.later, pending{doc: d, start: start, end: start + len(raw), how: howEither, number: true})
			return
		}
		st.k.addPhone(st.r, raw)
		repl = st.r.numberLike(raw)
	case spec.RoleMessageID, spec.RoleID, spec.RoleUserID:
		if party == spec.PartyBusiness {
			return
		}
		repl = st.r.numberLike(raw)
	case spec.RoleCoordinate:
		repl = coarsen(raw)
	case spec.RoleText:
		// Free data: a number of a phone's length may be one.
		if !phoneLengthInteger(raw) {
			return
		}
		st.k.addPhone(st.r, raw)
		repl = st.r.numberLike(raw)
	default:
		return
	}
	if repl != raw {
		st.docs[d].edits = append(st.docs[d].edits, edit{start, start + len(raw), []byte(repl)})
	}
}

// phoneLengthInteger reports whether raw is an integer of 7 to 15 digits.
func phoneLengthInteger(raw string) bool {
	s := raw
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	return len(s) >= 7 && len(s) <= 15 && jsonlex.Digits(s)
}

// numberLike pseudonymises the digits of a JSON number as those of a
// phone number, keeping it a valid number: a JSON number cannot start
// with 0, so the original first digit stays where the pseudonym has one.
func (r *Redactor) numberLike(raw string) string {
	repl := r.phone(raw)
	lead := -1
	for i := 0; i < len(raw); i++ {
		if isDigit(raw[i]) {
			lead = i
			break
		}
	}
	if lead >= 0 && repl[lead] == '0' && lead+1 < len(repl) && isDigit(repl[lead+1]) {
		repl = repl[:lead] + raw[lead:lead+1] + repl[lead+1:]
	}
	return repl
}

// settle redacts the pending values, now that the identifiers and the
// business numbers of the whole payload are known, then puts the
// embedded documents back into the strings that hold them.
func (st *state) settle() {
	// Numbers that may be the business's first: a person's joins the
	// known numbers.
	for _, p := range st.later {
		if p.how == howEither {
			st.settleEither(p)
		}
	}
	for _, p := range st.later {
		if p.how == howEither {
			continue
		}
		if s := jsontree.Unquote(st.docs[p.doc].src[p.start:p.end]); s != "" {
			st.replace(p.doc, p.start, p.end, s, st.settled(p.how, s))
		}
	}
	// Embedded documents, the innermost first (they come after the
	// document that holds them).
	for i := len(st.docs) - 1; i > 0; i-- {
		dc := &st.docs[i]
		if len(dc.edits) == 0 {
			continue
		}
		inner := apply([]byte(dc.src), dc.edits)
		p := &st.docs[dc.parent]
		p.edits = append(p.edits, edit{dc.lo, dc.hi, jsonlex.AppendQuote(nil, string(inner))})
	}
}

// settleEither redacts a number that may be the business's unless it is.
func (st *state) settleEither(p pending) {
	raw := st.docs[p.doc].src[p.start:p.end]
	if p.number {
		if !st.biz[raw] {
			st.k.addPhone(st.r, raw)
			st.docs[p.doc].edits = append(st.docs[p.doc].edits, edit{p.start, p.end, []byte(st.r.numberLike(raw))})
		}
		return
	}
	if s := jsontree.Unquote(raw); s != "" && !st.biz[s] {
		st.replace(p.doc, p.start, p.end, s, st.phone(s))
	}
}

// settled is the redaction of a pending string: with --text, free text,
// file names and links are replaced whole; otherwise they, like the
// platform's text, are scrubbed of every phone-like number but the
// business's and of what is known; a string without a role only of what
// is known.
func (st *state) settled(h how, s string) string {
	r := st.r
	if r.text {
		switch h {
		case howText:
			return r.lorem(s)
		case howFile:
			return r.filename(s)
		case howLink:
			return r.urlAll(s)
		}
	}
	if h == howText {
		s = r.systemNames(s)
	}
	return r.scrub(s, &st.k, st.biz, h != howKnown)
}

// output is the payload with its edits applied.
func (st *state) output(data []byte) []byte {
	return apply(data, st.docs[0].edits)
}

// apply returns a copy of data with the edits made.
func apply(data []byte, edits []edit) []byte {
	if len(edits) == 0 {
		return bytes.Clone(data)
	}
	slices.SortFunc(edits, func(a, b edit) int { return a.start - b.start })
	grow := 0
	for _, e := range edits {
		grow += len(e.repl) - (e.end - e.start)
	}
	out := make([]byte, 0, len(data)+max(grow, 0))
	last := 0
	for _, e := range edits {
		if e.start < last {
			continue // never happens: each value is edited once
		}
		out = append(out, data[last:e.start]...)
		out = append(out, e.repl...)
		last = e.end
	}
	return append(out, data[last:]...)
}
