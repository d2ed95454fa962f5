package convert

import (
	"net/url"
	"slices"
	"strings"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// The losses of a conversion are defined by converting the output back and
// comparing (findLosses). For the commonest conversion, On-Premises →
// Sinch, predictLosses computes the same list directly from the input in
// one walk, which is several times faster. It knows the round trip of the
// usual messages and gives up (returning false) on anything else; the
// general comparison then runs. TestFastPathAgrees holds the two to the
// same results over every fixture and thousands of generated payloads.

// predictOnPremToSinch predicts the losses of the On-Premises body root,
// already converted into c.d.
func (c *Converter) predictOnPremToSinch(root val) bool {
	if len(c.d.groups) != 1 || root.t.dups > 0 {
		return false
	}
	g := &c.d.groups[0]
	d := &c.diffs
	d.reset(payload.WhatsApp, payload.Sinch)
	p := predictor{c: c, d: d, g: g}
	p.origin = firstOf(c.opts.Origin, c.opts.DisplayPhoneNumber)
	if p.origin == "" {
		p.origin = DefaultBusinessNumber
	}
	if !p.document(root) {
		return false
	}
	slices.SortStableFunc(d.losses, func(x, y Loss) int { return x.Offset - y.Offset })
	return true
}

type predictor struct {
	c      *Converter
	d      *differ
	g      *group
	origin string
	assign []int
	used   []bool
}

func (p *predictor) dropped(key string, v val) {
	p.d.push(key)
	p.d.loss(Dropped, v.Index(), v, val{})
	p.d.pop()
}

func (p *predictor) changed(key string, a, b val) {
	p.d.push(key)
	p.d.loss(Changed, a.Index(), a, b)
	p.d.pop()
}

func (p *predictor) added(key string, parent, b val) {
	p.d.push(key)
	p.d.loss(Added, parent.Index(), val{}, b)
	p.d.pop()
}

// once reports false when a known key repeats in the object being walked.
func once(seen *uint64, bit int) bool {
	m := uint64(1) << uint(bit)
	if *seen&m != 0 {
		return false
	}
	*seen |= m
	return true
}

func (p *predictor) document(root val) bool {
	ok := true
	var seen uint64
	var contacts, messages, statuses val
	root.ForEach(func(k, v val) bool {
		switch key := k.Str(); key {
		case "contacts":
			ok = once(&seen, 0) && v.IsArray()
			contacts = v
		case "messages":
			ok = once(&seen, 1) && v.IsArray()
			messages = v
		case "statuses":
			ok = once(&seen, 2) && v.IsArray()
			statuses = v
		case ExtrasKey:
			ok = false
		default:
			p.dropped(key, v) // errors, and what On-Premises does not define
		}
		return ok
	})
	if !ok || messages.Len() != len(p.g.messages) || statuses.Len() != len(p.g.statuses) {
		return false
	}
	// Items are paired by id: leave duplicates to the general comparison.
	kept, keptStatuses := 0, 0
	for i := range p.g.messages {
		m := &p.g.messages[i]
		for j := 0; j < i; j++ {
			if p.g.messages[j].idS == m.idS {
				return false
			}
		}
		if _, carried := sinchMessageType(m); carried && m.typ != "order" && !emptyText(m) {
			kept++
		}
	}
	for i := range p.g.statuses {
		s := &p.g.statuses[i]
		for j := 0; j < i; j++ {
			if p.g.statuses[j].idS == s.idS {
				return false
			}
		}
		if s.st == "failed" {
			return false
		}
		if sinchStatusOK(s) {
			keptStatuses++
		}
	}
	if kept+keptStatuses == 0 {
		p.d.reset(payload.WhatsApp, payload.Sinch)
		return p.nothingBack(root) // a lone ORDER: nothing comes back
	}
	p.assign = assignContacts(p.g, p.assign[:0])
	if contacts.Exists() && !p.contacts(contacts, p.assign) {
		return false
	}
	if messages.Exists() {
		if kept == 0 {
			p.dropped("messages", messages)
		} else {
			p.d.push("messages")
			i := 0
			messages.ForEach(func(_, m val) bool {
				p.d.pushI(i)
				ok = p.message(m, &p.g.messages[i])
				p.d.pop()
				i++
				return ok
			})
			p.d.pop()
		}
	}
	if ok && statuses.Exists() {
		if keptStatuses == 0 {
			p.dropped("statuses", statuses)
		} else {
			p.d.push("statuses")
			i := 0
			statuses.ForEach(func(_, s val) bool {
				p.d.pushI(i)
				ok = p.status(s, &p.g.statuses[i])
				p.d.pop()
				i++
				return ok
			})
			p.d.pop()
		}
	}
	return ok
}

// nothingBack predicts the losses when nothing converts back: the
// comparison with skeleton(root) drops every item and every other member.
func (p *predictor) nothingBack(root val) bool {
	p.d.nothing = true
	ok := true
	var seen uint64
	root.ForEach(func(k, v val) bool {
		key := k.Str()
		switch key {
		case "contacts", "messages", "statuses", "errors":
			if ok = once(&seen, strings.Index("contacts messages statuses errors", key)) && !strings.ContainsRune(k.Raw(), '\\'); !ok {
				return false
			}
			if v.IsArray() {
				p.d.push(key)
				i := 0
				v.ForEach(func(_, el val) bool {
					p.d.pushI(i)
					p.d.loss(Dropped, el.Index(), el, val{})
					p.d.pop()
					i++
					return true
				})
				p.d.pop()
				return true
			}
		case "data", "entry", ExtrasKey:
			ok = false
			return false
		}
		p.dropped(key, v)
		return true
	})
	return ok
}

// predictNothing predicts the losses of an On-Premises body of which
// nothing converts.
func (c *Converter) predictNothing(root val, to payload.Format) bool {
	if root.t.dups > 0 {
		return false
	}
	d := &c.diffs
	d.reset(payload.WhatsApp, to)
	p := predictor{c: c, d: d}
	if !p.nothingBack(root) {
		return false
	}
	slices.SortStableFunc(d.losses, func(x, y Loss) int { return x.Offset - y.Offset })
	return true
}

// contacts: converting back keeps the contacts that describe a message's
// sender (as userProfile), one per wa_id.
func (p *predictor) contacts(v val, assign []int) bool {
	if v.Len() != len(p.g.contacts) {
		return false
	}
	p.used = append(p.used[:0], make([]bool, len(p.g.contacts))...)
	used := p.used
	anyUsed := false
	for mi, k := range assign {
		if _, carried := sinchMessageType(&p.g.messages[mi]); k >= 0 && carried {
			used[k], anyUsed = true, true
		}
	}
	for i := range p.g.contacts {
		ci := &p.g.contacts[i]
		if !strings.HasPrefix(ci.waID, `"`) {
			return false
		}
		for j := 0; j < i; j++ {
			if p.g.contacts[j].waIDS == ci.waIDS {
				return false
			}
		}
	}
	if !anyUsed {
		p.dropped("contacts", v)
		return true
	}
	p.d.push("contacts")
	defer p.d.pop()
	ok := true
	i := 0
	v.ForEach(func(_, ct val) bool {
		p.d.pushI(i)
		defer p.d.pop()
		if !ct.IsObject() {
			ok = false
			return false
		}
		if !used[i] {
			p.d.loss(Dropped, ct.Index(), ct, val{})
			i++
			return true
		}
		var seen uint64
		ct.ForEach(func(k, x val) bool {
			switch key := k.Str(); key {
			case "wa_id":
				ok = once(&seen, 0)
			case "profile":
				if ok = once(&seen, 1) && x.IsObject(); !ok {
					return false
				}
				if !x.Get("name").Exists() {
					p.dropped("profile", x)
					return true
				}
				p.d.push("profile")
				var ps uint64
				x.ForEach(func(pk, pv val) bool {
					if pk.Str() == "name" {
						ok = once(&ps, 0)
					} else {
						p.dropped(pk.Str(), pv)
					}
					return ok
				})
				p.d.pop()
			default:
				p.dropped(key, x)
			}
			return ok
		})
		i++
		return ok
	})
	return ok
}

// message predicts the round trip of one message; m is its hub form.
func (p *predictor) message(v val, m *message) bool {
	if !v.IsObject() {
		return false
	}
	if _, carried := sinchMessageType(m); !carried || m.typ == "order" || emptyText(m) {
		p.d.loss(Dropped, v.Index(), v, val{}) // converting back cannot rebuild it
		return true
	}
	if !strings.HasPrefix(m.id, `"`) || !strings.HasPrefix(m.from, `"`) {
		return false
	}
	if sec, ok := parseSeconds(m.tsS); !ok || itoa64(sec) != m.tsS || !strings.HasPrefix(m.ts, `"`) {
		return false
	}
	ok := true
	var seen uint64
	v.ForEach(func(k, x val) bool {
		key := k.Str()
		switch key {
		case "from":
			ok = once(&seen, 5)
		case "id":
			ok = once(&seen, 6)
		case "timestamp":
			ok = once(&seen, 7)
		case "group_id":
			ok = once(&seen, 1)
		case "type":
			if ok = once(&seen, 2); ok && m.typ == "voice" {
				p.changed("type", x, val{}) // explained by Notes: no right-hand value needed
			}
		case "context":
			ok = once(&seen, 3) && p.context(x, m)
		case "referral":
			ok = once(&seen, 4) && p.referral(x)
		default:
			bi := bodyIndex(key)
			if bi < 0 || key != m.typ {
				p.dropped(key, x) // identity, errors, another type's body, undocumented
				return true
			}
			if ok = once(&seen, bi+30); ok {
				ok = p.body(key, x, m)
			}
		}
		return ok
	})
	return ok && seen&(1<<uint(bodyIndex(m.typ)+30)) != 0
}

func (p *predictor) context(v val, m *message) bool {
	if !v.IsObject() {
		return false
	}
	if id := v.Get("id"); !id.Exists() || id.IsString() && strings.TrimSpace(id.Str()) == "" {
		p.dropped("context", v) // Sinch keeps the id only, and not an empty one
		return true
	}
	p.d.push("context")
	defer p.d.pop()
	ok := true
	var seen uint64
	hasFrom := false
	v.ForEach(func(k, x val) bool {
		switch key := k.Str(); key {
		case "id":
			ok = once(&seen, 0)
		case "from":
			ok, hasFrom = once(&seen, 1), true
			if !x.IsString() || x.Str() != p.origin {
				p.changed("from", x, val{})
			}
		default:
			p.dropped(key, x)
		}
		return ok
	})
	if ok && !hasFrom {
		p.added("from", v, constVal(quote(p.origin)))
	}
	return ok
}

func (p *predictor) referral(v val) bool {
	if !v.IsObject() {
		return false
	}
	p.d.push("referral")
	defer p.d.pop()
	ok := true
	var seen uint64
	mediaSeen := false
	v.ForEach(func(k, x val) bool {
		key := k.Str()
		switch key {
		case "headline", "body", "source_id", "source_url":
			if ok = once(&seen, 2+strings.Index("headline body source_id source_url", key)); ok && !present(x.Raw()) {
				p.dropped(key, x)
			}
		case "source_type":
			if ok = once(&seen, 1); ok && !(x.IsString() && (x.Str() == "ad" || x.Str() == "post")) {
				p.dropped(key, x)
			}
		case "image", "video":
			if !x.IsObject() || mediaSeen {
				ok = false // the reader's first-object rule: left to the general comparison
				return false
			}
			mediaSeen = true
			p.d.push(key)
			var ms uint64
			x.ForEach(func(mk, mv val) bool {
				if mk.Str() == "link" {
					if ok = once(&ms, 0); !ok {
						return false
					}
					if present(mv.Raw()) {
						return true // carried as the ad's media URL
					}
				}
				p.dropped(mk.Str(), mv)
				return true
			})
			p.d.pop()
		default:
			p.dropped(key, x)
		}
		return ok
	})
	return ok
}

func (p *predictor) body(key string, v val, m *message) bool {
	if m.typ == "contacts" {
		if !v.IsArray() {
			return false
		}
	} else if !v.IsObject() {
		return false
	}
	p.d.push(key)
	defer p.d.pop()
	if m.typ == "voice" {
		// converting back writes the content as audio
		p.d.loss(Changed, v.Index(), v, val{})
		p.d.losses[len(p.d.losses)-1].Renamed = renderPath(p.d.path[:len(p.d.path)-1]) + ".audio"
	}
	ok := true
	var seen uint64
	switch m.typ {
	case "text":
		v.ForEach(func(k, x val) bool {
			if k.Str() == "body" {
				ok = once(&seen, 0)
			} else {
				p.dropped(k.Str(), x)
			}
			return ok
		})
	case "button":
		v.ForEach(func(k, x val) bool {
			switch k.Str() {
			case "text":
				ok = once(&seen, 0)
			case "payload":
				ok = once(&seen, 1)
			default:
				p.dropped(k.Str(), x)
			}
			return ok
		})
	case "location":
		lat, long := v.Get("latitude"), v.Get("longitude")
		if lat.kind() != kNumber || long.kind() != kNumber || strings.ContainsAny(lat.Raw(), "eE") || strings.ContainsAny(long.Raw(), "eE") {
			return false
		}
		v.ForEach(func(k, x val) bool {
			switch k.Str() {
			case "latitude":
				ok = once(&seen, 0)
			case "longitude":
				ok = once(&seen, 1)
			case "name":
				ok = once(&seen, 2)
			case "address":
				ok = once(&seen, 3)
			default:
				p.dropped(k.Str(), x)
			}
			return ok
		})
	case "contacts":
		return p.cards(v)
	case "interactive":
		if !m.inter.hasReply {
			return false
		}
		v.ForEach(func(k, x val) bool {
			switch k.Str() {
			case "type":
				ok = once(&seen, 0)
			case m.inter.typ:
				if ok = once(&seen, 1) && x.IsObject(); !ok {
					return false
				}
				p.d.push(m.inter.typ)
				var rs uint64
				x.ForEach(func(rk, rv val) bool {
					switch rk.Str() {
					case "id":
						ok = once(&rs, 0)
					case "title":
						ok = once(&rs, 1)
					default:
						p.dropped(rk.Str(), rv)
					}
					return ok
				})
				p.d.pop()
			default:
				p.dropped(k.Str(), x)
			}
			return ok
		})
	default:
		return p.media(v, m)
	}
	return ok
}

// media: Sinch keeps the MIME type, the caption (image, video, document)
// and a URL. Without a link the URL is the media base URL and the id, which
// converting back turns into the id again; with a link the id is lost.
func (p *predictor) media(v val, m *message) bool {
	md := &m.media
	if md.url != "" || md.id != "" && !strings.HasPrefix(md.id, `"`) || md.id == `""` {
		return false
	}
	base := firstOf(p.c.opts.MediaBaseURL, DefaultMediaBaseURL)
	if md.link != "" && strings.HasPrefix(unq(md.link), base) {
		return false
	}
	if md.link == "" {
		id := firstOf(unq(md.id), m.idS)
		if u, err := url.PathUnescape(url.PathEscape(id)); err != nil || u != id || id == "" {
			return false
		}
	}
	caption := m.typ == "image" || m.typ == "video" || m.typ == "document"
	ok := true
	var seen uint64
	v.ForEach(func(k, x val) bool {
		switch key := k.Str(); key {
		case "id":
			if ok = once(&seen, 0); ok && md.link != "" {
				p.changed("id", x, val{})
			}
		case "mime_type":
			ok = once(&seen, 1)
		case "link":
			ok = once(&seen, 2)
		case "caption":
			if ok = once(&seen, 3); ok && !caption {
				p.dropped(key, x)
			}
		default:
			p.dropped(key, x) // sha256, file, status, filename, animated, metadata…
		}
		return ok
	})
	if ok && md.id == "" {
		p.added("id", v, constVal(quote(m.idS)))
	}
	return ok
}

// emptyText: Sinch carries an empty text, but converting back cannot (a
// native text body must not be empty).
func emptyText(m *message) bool {
	return m.typ == "text" && strings.HasPrefix(m.text, `"`) && strings.TrimSpace(unq(m.text)) == ""
}

// constVal is a value for the right-hand side of a predicted difference.
func constVal(raw string) val { return parseVal(raw) }

// status: sent, delivered and read statuses come back with their id, time,
// recipient and type; the rest is Sinch's to lose.
func (p *predictor) status(v val, s *status) bool {
	if !v.IsObject() {
		return false
	}
	if !sinchStatusOK(s) {
		p.d.loss(Dropped, v.Index(), v, val{})
		return true
	}
	if !strings.HasPrefix(s.id, `"`) || !strings.HasPrefix(s.ts, `"`) {
		return false
	}
	if sec, ok := parseSeconds(s.tsS); !ok || itoa64(sec) != s.tsS {
		return false
	}
	ok := true
	var seen uint64
	defer func() {
		if ok && seen&(1<<3) == 0 {
			p.added("recipient_id", v, val{}) // Sinch needs a destination
		}
	}()
	v.ForEach(func(k, x val) bool {
		switch key := k.Str(); key {
		case "id":
			ok = once(&seen, 0)
		case "status":
			ok = once(&seen, 1)
		case "timestamp":
			ok = once(&seen, 2)
		case "recipient_id":
			ok = once(&seen, 3)
		case "type":
			if ok = once(&seen, 4); !ok {
				return false
			}
			t := x.Str()
			switch {
			case !x.IsString() || t == "":
				p.dropped(key, x)
			case strings.ToLower(strings.ToUpper(t)) != t:
				p.changed(key, x, val{})
			}
		default:
			p.dropped(key, x) // conversation, pricing, errors…
		}
		return ok
	})
	return ok
}

// cards predicts the round trip of a contacts message's cards through the
// Sinch card schema and back through the On-Premises one.
func (p *predictor) cards(v val) bool {
	sc, oc := sinchCard(), onPremTables().card
	ok := true
	i := 0
	v.ForEach(func(_, card val) bool {
		p.d.pushI(i)
		defer p.d.pop()
		i++
		if !card.IsObject() {
			return true // copied as it is, both ways
		}
		card.ForEach(func(k, x val) bool {
			key := k.Str()
			if key == "name" && x.IsObject() {
				ok = p.cardName(x, field(sc, "name"), field(oc, "name"))
				return ok
			}
			fs, fo := sc.Field(key), oc.Field(key)
			if fs == nil || fo == nil || !enumOK(fs, x) || !enumOK(fo, x) {
				p.dropped(key, x)
				return true
			}
			p.d.push(key)
			p.known2(x, fs.Object, fo.Object)
			p.d.pop()
			return true
		})
		return ok
	})
	return ok
}

// known2 predicts what copying v through the schema a, then b, keeps.
func (p *predictor) known2(v val, a, b *spec.Object) {
	switch {
	case v.IsObject():
		v.ForEach(func(k, x val) bool {
			key := k.Str()
			var na, nb *spec.Object
			if a != nil && !a.Open {
				fd := a.Field(key)
				if fd == nil || !enumOK(fd, x) {
					p.dropped(key, x)
					return true
				}
				na = fd.Object
			}
			if b != nil && !b.Open {
				fd := b.Field(key)
				if fd == nil || !enumOK(fd, x) {
					p.dropped(key, x)
					return true
				}
				nb = fd.Object
			}
			p.d.push(key)
			p.known2(x, na, nb)
			p.d.pop()
			return true
		})
	case v.IsArray():
		i := 0
		v.ForEach(func(_, x val) bool {
			p.d.pushI(i)
			p.known2(x, a, b)
			p.d.pop()
			i++
			return true
		})
	}
}

// cardName: the name's prefix and suffix are spelled name_prefix and
// name_suffix in Sinch, prefix and suffix natively.
func (p *predictor) cardName(v val, sn, on *spec.Object) bool {
	if sn == nil || on == nil {
		return false
	}
	if v.Get("prefix").Exists() && v.Get("name_prefix").Exists() || v.Get("suffix").Exists() && v.Get("name_suffix").Exists() {
		return false
	}
	p.d.push("name")
	defer p.d.pop()
	var added [2]bool
	v.ForEach(func(k, x val) bool {
		key := k.Str()
		sk := key // its name in Sinch
		switch key {
		case "prefix":
			sk = "name_prefix"
		case "suffix":
			sk = "name_suffix"
		}
		fs := sn.Field(sk)
		if fs == nil || !enumOK(fs, x) {
			p.dropped(key, x)
			return true
		}
		nk := sk // its name when converted back
		switch sk {
		case "name_prefix":
			nk = "prefix"
		case "name_suffix":
			nk = "suffix"
		}
		fo := on.Field(nk)
		if fo == nil || !enumOK(fo, x) {
			p.dropped(key, x)
			return true
		}
		if nk != key {
			p.dropped(key, x) // name_prefix comes back as prefix
			added[map[string]int{"prefix": 0, "suffix": 1}[nk]] = true
		}
		p.d.push(key)
		p.known2(x, fs.Object, fo.Object)
		p.d.pop()
		return true
	})
	if added[0] {
		p.added("prefix", v, val{})
	}
	if added[1] {
		p.added("suffix", v, val{})
	}
	return true
}
