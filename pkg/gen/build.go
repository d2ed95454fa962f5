package gen

import (
	"encoding/hex"
	"strconv"
	"time"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/message"
)

// Building the canonical model: one message or status at a time, into the
// delivery's batch. Field names are the writers' business; here values go
// into model fields.

// q quotes a string as the JSON text model fields hold. The text is
// appended to g.quoted, a chunk shared by many payloads and never
// overwritten (a strings.Builder only appends), instead of two
// allocations a value.
func (g *Generator) q(s string) string {
	g.scratch = jsonlex.AppendQuote(g.scratch[:0], s)
	start := g.quoted.Len()
	g.quoted.Write(g.scratch)
	return g.quoted.String()[start:]
}

// at is a model time with the milliseconds formats that keep them show.
func at(t time.Time) message.Time {
	return message.Time{Sec: t.Unix(), HasSec: true, Milli: t.Nanosecond() / int(time.Millisecond)}
}

// item is what a content generator knows of the message it fills.
type item struct {
	biz *business
	u   *user
	at  time.Time
}

// contents fill a message of one kind with realistic content; a kind
// without one is written as it comes (id, sender, time, kind).
var contents = map[message.Kind]func(*Generator, *item, *message.Message){
	message.Text:                (*Generator).textContent,
	message.Image:               (*Generator).mediaContent,
	message.Audio:               (*Generator).mediaContent,
	message.Voice:               (*Generator).mediaContent,
	message.Video:               (*Generator).mediaContent,
	message.Document:            (*Generator).mediaContent,
	message.Sticker:             (*Generator).mediaContent,
	message.Location:            (*Generator).locationContent,
	message.Contacts:            func(g *Generator, it *item, m *message.Message) { m.Cards = g.cards(it.u.country) },
	message.Button:              (*Generator).buttonContent,
	message.ButtonReply:         (*Generator).replyContent,
	message.ListReply:           (*Generator).replyContent,
	message.FlowReply:           func(g *Generator, it *item, m *message.Message) { m.Body = g.flowReply(it) },
	message.CallPermissionReply: func(g *Generator, _ *item, m *message.Message) { m.Body = g.callPermission() },
	message.AddressReply:        (*Generator).addressContent,
	message.Order:               func(g *Generator, it *item, m *message.Message) { m.Body = g.order(it) },
	message.System:              (*Generator).systemContent,
	message.Reaction:            func(g *Generator, it *item, m *message.Message) { m.Body = g.reaction(it) },
	message.Unsupported:         (*Generator).unsupportedContent,
	message.Edit:                (*Generator).editContent,
	message.Revoke: func(g *Generator, it *item, m *message.Message) {
		m.Original = g.q(g.style.id(g, it.u, false))
	},
}

// message adds a message of kind k from a user of biz, with the sender's
// contact (system messages come without one).
func (g *Generator) message(b *message.BatchOf, biz *business, k message.Kind) {
	u := g.user(biz)
	it := &item{biz: biz, u: &u, at: g.tick()}
	// Built in place: a Message is large, and a copy would be made for
	// every one.
	b.Messages = append(b.Messages, message.Message{})
	m := &b.Messages[len(b.Messages)-1]
	m.ID, m.From, m.Time, m.Kind = g.q(g.style.id(g, &u, false)), g.party(&u), at(it.at), k
	// Replies to what the business sent name that message.
	if k == message.Button || k.IsInteractive() {
		m.Context = g.replyTo(it)
	}
	if fill := contents[k]; fill != nil {
		fill(g, it, m)
	}
	if k != message.System {
		b.Contacts = append(b.Contacts, g.contact(&u, false))
	}
}

func (g *Generator) replyTo(it *item) message.Context {
	return message.Context{Present: true, From: g.q(it.biz.phone), ID: g.q(g.style.id(g, it.u, true))}
}

func (g *Generator) textContent(it *item, m *message.Message) {
	m.Text = g.q(g.text(it.u.country.lang))
	switch {
	case g.chance(0.15):
		m.Context = g.replyTo(it)
	case g.chance(0.05):
		m.Context = message.Context{Present: true, Forwarded: "true"}
	case g.chance(0.03):
		m.Context = message.Context{Present: true, Frequent: "true"}
	}
	if g.chance(0.08) {
		m.Referral = g.referral()
	}
}

func (g *Generator) mediaContent(it *item, m *message.Message) {
	mime, ext := g.mime(m.Kind)
	id := g.style.mediaID(g)
	md := message.Media{MIME: g.q(mime), SHA256: g.q(hex.EncodeToString(g.bytes(32)))}
	if id != "" {
		md.ID = g.q(id)
	}
	if u := g.style.mediaURL(g, mediaRef{id: id, message: message.Str(m.ID), ext: ext, at: it.at}); u != "" {
		md.URL = g.q(u)
	}
	lang := it.u.country.lang
	switch m.Kind {
	case message.Image, message.Video:
		if g.chance(0.5) {
			md.Caption = g.q(g.caption(lang))
		}
	case message.Document:
		md.Filename = g.q(g.pick(docNames[lang]) + "." + ext)
		if g.chance(0.3) {
			md.Caption = g.q(g.caption(lang))
		}
	case message.Sticker:
		md.Animated = "false"
		if g.chance(0.3) {
			md.Animated = "true"
		}
		if g.chance(0.4) {
			md.Metadata = g.stickerPack()
		}
	}
	m.Media = md
}

func (g *Generator) locationContent(it *item, m *message.Message) {
	c := it.u.country
	lat, lon := g.coords(c)
	m.Location = message.Place{Lat: formatFloat(lat), Long: formatFloat(lon)}
	if g.chance(0.5) {
		m.Location.Name = g.q(g.pick(c.cities))
		m.Location.Address = g.q(g.street(c))
		if g.chance(0.3) {
			m.Location.URL = g.q("https://www." + it.biz.websiteHost + "/lojas")
		}
	}
}

func (g *Generator) buttonContent(_ *item, m *message.Message) {
	r := quickReplies[g.rng.IntN(len(quickReplies))]
	m.Button = message.TemplateButton{Text: g.q(r.text), Payload: g.q(r.payload)}
}

func (g *Generator) replyContent(_ *item, m *message.Message) {
	if m.Kind == message.ListReply {
		r := listRows[g.rng.IntN(len(listRows))]
		m.Reply = message.Reply{Present: true, ID: g.q(r.id), Title: g.q(r.title), Description: g.q(r.desc)}
		return
	}
	r := buttonReplies[g.rng.IntN(len(buttonReplies))]
	m.Reply = message.Reply{Present: true, ID: g.q(r.id), Title: g.q(r.title)}
}

// addressContent fills an address reply: an Indian user (address messages
// reach users in India) answering the business's request with an address
// in their city, now and then one they had saved.
func (g *Generator) addressContent(it *item, m *message.Message) {
	if it.u.country.iso != "IN" {
		*it.u = g.userIn(it.biz, india())
		m.ID, m.From, m.Context = g.q(g.style.id(g, it.u, false)), g.party(it.u), g.replyTo(it)
	}
	pl := indianPlaces[g.rng.IntN(len(indianPlaces))]
	a := message.Address{Parts: []message.Part{
		{Key: message.PartName, Value: g.q(it.u.name)},
		{Key: message.PartPhone, Value: g.q(it.u.phone)},
		{Key: message.PartINPinCode, Value: g.q(pl.pin + g.digits(3))},
		{Key: message.PartHouse, Value: g.q(strconv.Itoa(1 + g.rng.IntN(999)))},
	}}
	if g.chance(0.5) {
		a.Parts = append(a.Parts, message.Part{Key: message.PartFloor, Value: g.q(strconv.Itoa(g.rng.IntN(20)))})
	}
	if g.chance(0.3) {
		a.Parts = append(a.Parts, message.Part{Key: message.PartTower, Value: g.q(string(rune('A' + g.rng.IntN(4))))})
	}
	a.Parts = append(a.Parts,
		message.Part{Key: message.PartBuilding, Value: g.q(g.pick(indianBuildings))},
		message.Part{Key: message.PartStreet, Value: g.q(g.pick(pl.streets))})
	if g.chance(0.6) {
		a.Parts = append(a.Parts, message.Part{Key: message.PartLandmark, Value: g.q(g.pick(indianLandmarks))})
	}
	a.Parts = append(a.Parts, message.Part{Key: message.PartCity, Value: g.q(pl.city)}, message.Part{Key: message.PartState, Value: g.q(pl.state)})
	if g.chance(0.2) {
		a.SavedID = g.q("address" + strconv.Itoa(1+g.rng.IntN(3)))
	}
	m.Address = a
}

func (g *Generator) unsupportedContent(_ *item, m *message.Message) {
	m.Errors = append(m.Errors, message.Error{Code: "131051", Title: g.q("Message type unknown"),
		Details: g.q("Message type is currently not supported.")})
	m.Body = g.unsupported()
}

func (g *Generator) editContent(it *item, m *message.Message) {
	m.Original = g.q(g.style.id(g, it.u, false))
	m.Edited = &message.Message{Kind: message.Text, Text: g.q(g.text(it.u.country.lang))}
}

func (g *Generator) systemContent(it *item, m *message.Message) {
	u := it.u
	newPhone := g.phone(u.country)
	sys := message.SystemChange{Present: true}
	switch {
	case g.identity != IdentityPhone:
		// Since 2026 a number change gives the user a new BSUID.
		newID := g.bsuid(u.country)
		sys.Type = g.q(systemUserIDChanged)
		sys.Body = g.q("User " + u.name + " changed from " + u.userID + " to " + newID)
		sys.UserID = g.q(newID)
		if u.parentID != "" {
			sys.ParentUserID = g.q(g.parentBSUID(u.country))
		}
		if g.identity == IdentityBoth {
			sys.WaID = g.q(newPhone)
		}
	case !g.caps.userIDs && g.chance(0.5):
		// Security-code changes are reported by formats of the time before
		// user ids (On-Premises); later ones carry an identity key hash
		// on the contact instead.
		sys.Type = g.q(systemIdentityChanged)
		sys.Body = g.q("Security code changed for " + u.name)
		sys.Identity = g.q(g.token(11) + "=")
		sys.User = g.q(u.phone)
	default:
		sys.Type = g.q(systemNumberChanged)
		sys.Body = g.q("User " + u.name + " changed from " + u.phone + " to " + newPhone)
		sys.NewWaID = g.q(newPhone)
	}
	m.System = sys
}

// statuses adds one status (and now and then a second, when natural is
// set) for a recipient, with the recipient's contact where the identity
// names users by user id (Meta includes it for sent, delivered and read).
func (g *Generator) statuses(b *message.BatchOf, biz *business, natural bool) {
	n := 1
	if natural && g.chance(0.15) {
		n = 2 // two receipts in one webhook
	}
	u := g.user(biz)
	contact := false
	for range n {
		st := g.status(&u)
		contact = contact || st.State != message.Failed
		b.Statuses = append(b.Statuses, st)
	}
	if contact && g.identity != IdentityPhone {
		b.Contacts = append(b.Contacts, g.contact(&u, b.Statuses[len(b.Statuses)-1].State == message.Sent))
	}
}

func (g *Generator) status(u *user) message.Status {
	t := g.tick()
	st := message.Status{ID: g.q(g.style.id(g, u, true)), Time: at(t), Recipient: g.party(u)}
	st.State = g.state()
	switch st.State {
	case message.Failed:
		f := failures[g.rng.IntN(len(failures))]
		st.Errors = append(st.Errors, message.Error{Code: f.code, Title: g.q(f.title), Details: g.q(f.details), Href: g.q(errorCodesURL)})
	case message.Sent, message.Delivered, message.Read:
		if g.chance(0.7) {
			st.Pricing, st.Conversation = g.pricing(st.State == message.Sent, t)
		}
	}
	return st
}

// state draws a state among those the format has; read receipts are the
// most common.
func (g *Generator) state() message.State {
	if g.probeState != 0 {
		return g.probeState
	}
	s := g.caps.states
	i := g.rng.IntN(len(s) + 1)
	if i == len(s) && g.caps.hasState(message.Read) {
		return message.Read
	}
	return s[i%len(s)]
}

func (c *caps) hasState(s message.State) bool {
	for _, x := range c.states {
		if x == s {
			return true
		}
	}
	return false
}

// party names u as the generator's identity says.
func (g *Generator) party(u *user) message.Party {
	var p message.Party
	if g.identity != IdentityBSUID {
		p.Phone = g.q(u.phone)
	}
	if g.identity != IdentityPhone {
		p.UserID = g.q(u.userID)
		if u.parentID != "" {
			p.ParentUserID = g.q(u.parentID)
		}
	}
	return p
}

// contact is u's profile; sent receipts carry no username.
func (g *Generator) contact(u *user, sent bool) message.Contact {
	p := g.party(u)
	c := message.Contact{Phone: p.Phone, UserID: p.UserID, ParentUserID: p.ParentUserID, HasProfile: true, Name: g.q(u.name)}
	if g.identity != IdentityPhone && u.username != "" && !sent {
		c.Username = g.q(u.username)
	}
	return c
}
