package convert

import (
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/wamo-dev/wamo/pkg/spec"
)

// nativeType is the type a message is written with in the target, or ""
// when the target has no such message.
func nativeType(m *message, cloud bool) string {
	switch m.typ {
	case "text", "image", "audio", "video", "document", "sticker", "location", "contacts", "button",
		"order", "system", "reaction":
		return m.typ
	case "voice":
		if cloud {
			return "audio"
		}
		return "voice"
	case "unknown", "unsupported":
		if cloud {
			return "unsupported"
		}
		return "unknown"
	case "interactive":
		switch m.inter.typ {
		case "button_reply", "list_reply", "nfm_reply":
			return "interactive"
		case "call_permission_reply":
			if cloud {
				return "interactive"
			}
		}
	case "request_welcome":
		if cloud {
			return m.typ
		}
	}
	return ""
}

func nativeStatus(s *status, cloud bool) bool {
	switch s.st {
	case "sent", "delivered", "read", "failed":
		return true
	case "played":
		return cloud
	case "deleted", "warning":
		return !cloud
	}
	return false
}

func (g *group) hasContent(cloud bool) bool {
	if len(g.errors) > 0 || g.noErrors {
		return true
	}
	for i := range g.messages {
		if nativeType(&g.messages[i], cloud) != "" {
			return true
		}
	}
	for i := range g.statuses {
		if nativeStatus(&g.statuses[i], cloud) {
			return true
		}
	}
	return false
}

// writeOnPrem writes d as one On-Premises body; it reports false when
// nothing in d can be written.
func (c *Converter) writeOnPrem(d *doc) bool {
	any := false
	for i := range d.groups {
		if d.groups[i].hasContent(false) {
			any = true
		}
	}
	if !any {
		return false
	}
	c.out = outPos{}
	w := &c.w
	w.obj()
	// contacts: one per sender across groups (first wins)
	nc, empty := 0, false
	for gi := range d.groups {
		g := &d.groups[gi]
		empty = empty || g.noContacts
		for ci := range g.contacts {
			if dupContact(d, gi, ci) {
				continue
			}
			w.openList("contacts", nc)
			c.out.list, c.out.item = "contacts", nc
			c.writeContact(&g.contacts[ci], false)
			nc++
		}
	}
	if nc > 0 {
		w.endArr()
	} else if empty && len(d.groups) == 1 {
		w.key("contacts")
		w.arr()
		w.endArr()
	}
	n := 0
	for gi := range d.groups {
		n = c.writeMessages(&d.groups[gi], false, n)
	}
	w.closeList(n)
	n = 0
	for gi := range d.groups {
		n = c.writeStatuses(&d.groups[gi], false, n)
	}
	w.closeList(n)
	n = 0
	noErrors := false
	for gi := range d.groups {
		g := &d.groups[gi]
		noErrors = noErrors || g.noErrors
		for ei := range g.errors {
			w.openList("errors", n)
			c.writeError(&g.errors[ei], false)
			n++
		}
	}
	if n > 0 {
		w.endArr()
	} else if noErrors {
		w.key("errors")
		w.arr()
		w.endArr()
	}
	w.endObj()
	return true
}

// writeMessages writes the messages of g the target can carry into the
// "messages" array, opening it before the first; n counts the messages
// already written (On-Premises bodies merge groups), and the new count is
// returned.
func (c *Converter) writeMessages(g *group, cloud bool, n int) int {
	for mi := range g.messages {
		m := &g.messages[mi]
		t := nativeType(m, cloud)
		if t == "" {
			continue
		}
		c.w.openList("messages", n)
		c.out.list, c.out.item = "messages", n
		c.writeNativeMessage(m, g, t, cloud)
		n++
	}
	return n
}

// writeStatuses is writeMessages for statuses.
func (c *Converter) writeStatuses(g *group, cloud bool, n int) int {
	for si := range g.statuses {
		s := &g.statuses[si]
		if !nativeStatus(s, cloud) {
			continue
		}
		c.w.openList("statuses", n)
		c.out.list, c.out.item = "statuses", n
		c.writeNativeStatus(s, cloud)
		n++
	}
	return n
}

// dupContact reports whether contact ci of group gi repeats the wa_id of an
// earlier contact of an earlier group (merging groups into one body).
func dupContact(d *doc, gi, ci int) bool {
	c := &d.groups[gi].contacts[ci]
	if c.waID == "" {
		return false
	}
	for g := 0; g < gi; g++ {
		for _, o := range d.groups[g].contacts {
			if o.waIDS == c.waIDS {
				return true
			}
		}
	}
	return false
}

// writeCloud writes d as a Cloud API envelope: one entry, one change per group.
func (c *Converter) writeCloud(d *doc) bool {
	any := false
	for i := range d.groups {
		if d.groups[i].hasContent(true) {
			any = true
		}
	}
	if !any {
		return false
	}
	w := &c.w
	c.out = outPos{}
	w.obj()
	w.kstr("object", "whatsapp_business_account")
	w.key("entry")
	w.arr()
	w.elem()
	w.obj()
	waba := c.opts.WABAID
	if waba == "" {
		waba = DefaultWABAID
		c.fill("entry[0].id", waba, "the Cloud API envelope needs the WhatsApp Business Account id", "--waba-id", 0, true)
	}
	w.kstr("id", waba)
	w.key("changes")
	w.arr()
	change := 0
	for gi := range d.groups {
		g := &d.groups[gi]
		if !g.hasContent(true) {
			continue
		}
		c.out = outPos{change: change}
		w.elem()
		w.obj()
		w.key("value")
		w.obj()
		w.kstr("messaging_product", "whatsapp")
		w.key("metadata")
		w.obj()
		prefix := "entry[0].changes[" + itoa(change) + "].value.metadata."
		business := g.business
		if business == "" {
			business = firstOf(c.opts.DisplayPhoneNumber, c.opts.Origin)
			if business == "" {
				business = DefaultBusinessNumber
				c.fill(prefix+"display_phone_number", business, "the source carries no business phone number", "--display-phone-number", g.off, true)
			} else {
				c.fill(prefix+"display_phone_number", business, "the source carries no business phone number", "--display-phone-number", g.off, false)
			}
		}
		w.kstr("display_phone_number", business)
		switch {
		case g.phoneID != "":
			w.kv("phone_number_id", g.phoneID)
		case c.opts.PhoneNumberID != "":
			w.kstr("phone_number_id", c.opts.PhoneNumberID)
			c.fill(prefix+"phone_number_id", c.opts.PhoneNumberID, "the source carries no phone number id", "--phone-number-id", g.off, false)
		default:
			w.kstr("phone_number_id", DefaultPhoneNumberID)
			c.fill(prefix+"phone_number_id", DefaultPhoneNumberID, "the source carries no phone number id", "--phone-number-id", g.off, true)
		}
		w.endObj()
		if len(g.contacts) > 0 || g.noContacts {
			w.key("contacts")
			w.arr()
			for ci := range g.contacts {
				c.out.list, c.out.item = "contacts", ci
				c.writeContact(&g.contacts[ci], true)
			}
			w.endArr()
		}
		w.closeList(c.writeMessages(g, true, 0))
		w.closeList(c.writeStatuses(g, true, 0))
		if len(g.errors) > 0 || g.noErrors {
			w.key("errors")
			w.arr()
			for ei := range g.errors {
				c.writeError(&g.errors[ei], true)
			}
			w.endArr()
		}
		w.endObj()
		w.kstr("field", "messages")
		w.endObj()
		change++
	}
	w.endArr()
	w.endObj()
	w.endArr()
	w.endObj()
	return true
}

func (c *Converter) writeContact(ct *contact, cloud bool) {
	w := &c.w
	w.elem()
	w.obj()
	if ct.hasProfile || ct.name != "" {
		w.key("profile")
		w.obj()
		w.kv("name", ct.name)
		if cloud {
			w.kv("username", ct.username)
		}
		w.endObj()
	}
	switch {
	case ct.waID != "":
		w.kv("wa_id", ct.waID)
	case cloud && ct.userID != "":
	default:
		w.kstr("wa_id", DefaultWaID)
		c.fill(c.outPath("wa_id"), DefaultWaID, "the sender has no phone number (a username-only user)", "", ct.off, true)
	}
	if cloud {
		w.kv("user_id", ct.userID)
		w.kv("parent_user_id", ct.parentUserID)
		w.kv("identity_key_hash", ct.identityKeyHash)
	}
	w.endObj()
}

func (c *Converter) writeNativeMessage(m *message, g *group, typ string, cloud bool) {
	w := &c.w
	tables := tablesFor(cloud)
	w.elem()
	w.obj()
	switch {
	case m.from != "":
		w.kv("from", m.from)
	case cloud && m.fromUID != "":
	default:
		w.kstr("from", DefaultWaID)
		c.fill(c.outPath("from"), DefaultWaID, "the sender has no phone number (a username-only user)", "", m.off, true)
	}
	if cloud {
		w.kv("from_user_id", m.fromUID)
		w.kv("from_parent_user_id", m.fromPUID)
	}
	w.kv("id", m.id)
	if m.ts != "" {
		w.kv("timestamp", m.ts)
	} else if m.hasSec {
		w.kdigits("timestamp", m.sec)
	} else {
		now := c.now().Unix()
		w.kstr("timestamp", itoa64(now))
		c.fill(c.outPath("timestamp"), itoa64(now), "the source has no usable time", "", m.off, true)
	}
	w.kstr("type", typ)
	w.kv("group_id", m.groupID)
	if m.ctx.present {
		w.key("context")
		w.obj()
		w.kv("from", m.ctx.from)
		w.kv("id", m.ctx.id)
		w.kv("group_id", m.ctx.groupID)
		if !cloud {
			w.kval("mentions", m.ctx.mentions)
		}
		w.kv("forwarded", m.ctx.forwarded)
		w.kv("frequently_forwarded", m.ctx.frequent)
		if m.ctx.product.Exists() {
			w.key("referred_product")
			w.known(m.ctx.product, tables.product)
		}
		w.endObj()
	}
	switch typ {
	case "text":
		w.key("text")
		w.obj()
		w.kv("body", m.text)
		w.endObj()
	case "image", "audio", "video", "document", "sticker", "voice":
		c.writeNativeMedia(m, typ, cloud, tables)
	case "location":
		w.key("location")
		w.obj()
		w.kv("latitude", m.loc.lat)
		w.kv("longitude", m.loc.long)
		w.kv("name", m.loc.name)
		w.kv("address", m.loc.address)
		w.kv("url", m.loc.url)
		w.endObj()
	case "contacts":
		w.key("contacts")
		c.writeCards(m.cards, cloudCards(cloud))
	case "button":
		w.key("button")
		w.obj()
		w.kv("payload", m.button[1])
		w.kv("text", m.button[0])
		w.endObj()
	case "interactive":
		w.key("interactive")
		w.obj()
		w.kstr("type", m.inter.typ)
		w.key(m.inter.typ)
		switch m.inter.typ {
		case "button_reply", "list_reply":
			w.obj()
			w.kv("id", m.inter.id)
			w.kv("title", m.inter.title)
			if m.inter.typ == "list_reply" {
				w.kv("description", m.inter.desc)
			}
			w.endObj()
		case "nfm_reply":
			w.known(m.inter.body, tables.nfm)
		default:
			w.known(m.inter.body, tables.callPerm)
		}
		w.endObj()
	case "order":
		w.key("order")
		w.known(m.order, tables.order)
	case "system":
		c.writeSystem(&m.system, cloud)
	case "reaction":
		w.key("reaction")
		w.known(m.reaction, tables.reaction)
	case "unsupported":
		if m.unsupp.Exists() {
			w.key("unsupported")
			w.known(m.unsupp, tables.unsupported)
		}
	}
	if m.ref.present && !m.ref.null {
		c.writeNativeReferral(&m.ref, cloud, tables)
	}
	if m.identity.Exists() {
		w.key("identity")
		w.known(m.identity, tables.identity)
	}
	if len(m.errors) > 0 || m.hasErrs {
		w.key("errors")
		w.arr()
		for i := range m.errors {
			c.writeError(&m.errors[i], cloud)
		}
		w.endArr()
	}
	w.endObj()
}

func (c *Converter) writeNativeMedia(m *message, typ string, cloud bool, tables *schemaSet) {
	w := &c.w
	md := &m.media
	w.key(typ)
	w.obj()
	if md.id != "" {
		w.kv("id", md.id)
	} else {
		id := m.idS
		w.kstr("id", id)
		c.fill(c.outPath(typ+".id"), id, "the source has no media id; the message id stands in", "", m.off, true)
	}
	w.kv("mime_type", md.mime)
	if md.sha != "" {
		if cloud {
			w.kv("sha256", hexToBase64(md.sha))
		} else {
			w.kv("sha256", base64ToHex(md.sha))
		}
	}
	if cloud {
		w.kv("url", firstOf(md.url, md.link))
	} else {
		w.kv("link", firstOf(md.link, md.url))
	}
	if typ == "image" || typ == "video" || typ == "document" {
		w.kv("caption", md.caption)
	}
	if typ == "document" {
		w.kv("filename", md.filename)
	}
	if typ == "sticker" {
		w.kv("animated", md.animated)
		if !cloud && md.metadata.Exists() {
			w.key("metadata")
			w.known(md.metadata, tables.stickerMeta)
		}
	}
	if cloud && typ == "audio" {
		switch {
		case m.typ == "voice":
			w.kbool("voice", true)
		case md.voice != "":
			w.kv("voice", md.voice)
		default:
			w.kbool("voice", false)
		}
	}
	w.endObj()
}

// writeCards writes the cards of a contacts message against a card schema,
// spelling the name's prefix and suffix as the target does.
func (c *Converter) writeCards(cards val, t cardTarget) {
	w := &c.w
	if !cards.IsArray() {
		w.arr()
		w.endArr()
		return
	}
	card := t.schema()
	nameObj := field(card, "name")
	w.arr()
	i := 0
	cards.ForEach(func(_, cv val) bool {
		w.elem()
		if !cv.IsObject() {
			w.value(cv)
			i++
			return true
		}
		w.obj()
		hasName := false
		cv.ForEach(func(k, x val) bool {
			fd := card.Field(k.Str())
			if fd == nil {
				return true
			}
			if k.Str() == "name" && x.IsObject() {
				hasName = true
				w.key("name")
				c.writeCardName(cv, x, nameObj, t, i)
				return true
			}
			w.rawKey(k.Raw())
			w.known(x, fd.Object)
			return true
		})
		if !hasName && t == cardsCloud {
			fn := formattedName(cv)
			w.key("name")
			w.obj()
			w.kstr("formatted_name", fn)
			w.endObj()
			c.fill(c.outPath("contacts["+itoa(i)+"].name.formatted_name"), fn, "the Cloud API requires a contact card name", "", cv.Index(), true)
		}
		w.endObj()
		i++
		return true
	})
	w.endArr()
}

// writeCardName writes a card's name, renaming name_prefix/name_suffix
// (Sinch) to prefix/suffix (native) or back, and filling the formatted_name
// the Cloud API requires.
func (c *Converter) writeCardName(card, v val, obj *spec.Object, t cardTarget, i int) {
	w := &c.w
	has := func(k string) bool { return v.Get(k).Exists() }
	w.obj()
	hasFN := false
	v.ForEach(func(k, x val) bool {
		name := k.Str()
		if t == cardsSinch {
			switch {
			case name == "prefix" && !has("name_prefix"):
				name = "name_prefix"
			case name == "suffix" && !has("name_suffix"):
				name = "name_suffix"
			}
		} else {
			switch {
			case name == "name_prefix" && !has("prefix"):
				name = "prefix"
			case name == "name_suffix" && !has("suffix"):
				name = "suffix"
			}
		}
		fd := obj.Field(name)
		if fd == nil || !enumOK(fd, x) {
			return true
		}
		if name == "formatted_name" {
			hasFN = true
		}
		if name == k.Str() {
			w.rawKey(k.Raw())
		} else {
			w.key(name)
		}
		w.known(x, fd.Object)
		return true
	})
	if !hasFN && t == cardsCloud {
		fn := formattedName(card)
		w.kstr("formatted_name", fn)
		c.fill(c.outPath("contacts["+itoa(i)+"].name.formatted_name"), fn, "the Cloud API requires a contact card's formatted_name", "", v.Index(), true)
	}
	w.endObj()
}

// formattedName builds a display name for a card that has none.
func formattedName(card val) string {
	name := card.Get("name")
	var parts []string
	for _, k := range [...][2]string{{"prefix", "name_prefix"}, {"first_name", ""}, {"middle_name", ""}, {"last_name", ""}, {"suffix", "name_suffix"}} {
		v := name.Get(k[0])
		if !v.Exists() && k[1] != "" {
			v = name.Get(k[1])
		}
		if s := strings.TrimSpace(v.Str()); v.IsString() && s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, " ")
	}
	for _, v := range []val{card.Get("org").Get("company"), card.Get("phones").Idx(0).Get("phone"), card.Get("emails").Idx(0).Get("email")} {
		if v.IsString() && strings.TrimSpace(v.Str()) != "" {
			return v.Str()
		}
	}
	return ""
}

// cardTarget selects the contact card schema written.
type cardTarget uint8

const (
	cardsOnPrem cardTarget = iota
	cardsCloud
	cardsSinch
)

func cloudCards(cloud bool) cardTarget {
	if cloud {
		return cardsCloud
	}
	return cardsOnPrem
}

func (t cardTarget) schema() *spec.Object {
	switch t {
	case cardsCloud:
		return cloudTables().card
	case cardsSinch:
		return sinchCard()
	}
	return onPremTables().card
}

func (c *Converter) writeSystem(s *system, cloud bool) {
	w := &c.w
	w.key("system")
	w.obj()
	w.kv("body", s.body)
	// The new number is new_wa_id in On-Premises, wa_id in the Cloud API.
	wa, nw := s.waID, s.newWaID
	if cloud {
		if wa == "" {
			wa, nw = nw, ""
		}
		w.kv("wa_id", wa)
		w.kv("new_wa_id", nw)
	} else {
		if nw == "" {
			nw, wa = wa, ""
		}
		w.kv("new_wa_id", nw)
		w.kv("wa_id", wa)
	}
	w.kv("type", s.typ)
	w.kv("identity", s.identity)
	w.kv("user", s.user)
	w.kv("customer", s.cust)
	w.kv("user_id", s.userID)
	w.kv("parent_user_id", s.parentUserID)
	w.endObj()
}

// present reports whether raw holds a value other than null.
func present(raw string) bool { return raw != "" && raw != "null" }

func (c *Converter) writeNativeReferral(r *referral, cloud bool, tables *schemaSet) {
	w := &c.w
	kv := func(k, raw string) {
		if present(raw) {
			w.kv(k, raw)
		}
	}
	w.key("referral")
	w.obj()
	kv("source_url", r.sourceURL)
	kv("source_id", r.sourceID)
	if st := unq(r.sourceType); st == "ad" || st == "post" {
		w.kv("source_type", r.sourceType)
	}
	kv("body", r.body)
	kv("headline", r.headline)
	mt := unq(r.mediaType)
	if cloud {
		if mt == "image" || mt == "video" {
			w.kv("media_type", r.mediaType)
		}
		kv("image_url", r.imageURL)
		kv("video_url", r.videoURL)
		kv("thumbnail_url", r.thumbnailURL)
		kv("ctwa_clid", r.ctwaClid)
		if r.welcome.Exists() {
			w.key("welcome_message")
			w.known(r.welcome, tables.welcome)
		}
	} else if mt == "image" || mt == "video" {
		w.key(mt)
		w.obj()
		if mt == "image" {
			kv("link", r.imageURL)
		} else {
			kv("link", r.videoURL)
		}
		w.endObj()
	}
	w.endObj()
}

func (c *Converter) writeNativeStatus(s *status, cloud bool) {
	w := &c.w
	tables := tablesFor(cloud)
	w.elem()
	w.obj()
	w.kv("id", s.id)
	w.kv("status", s.stRaw)
	if s.ts != "" {
		w.kv("timestamp", s.ts)
	} else if s.hasSec {
		w.kdigits("timestamp", s.sec)
	} else {
		now := c.now().Unix()
		w.kstr("timestamp", itoa64(now))
		c.fill(c.outPath("timestamp"), itoa64(now), "the source has no usable time", "", s.off, true)
	}
	w.kv("recipient_id", s.recipientID)
	if cloud {
		w.kv("recipient_type", s.recipientType)
		w.kv("recipient_participant_id", s.participantID)
		w.kv("recipient_user_id", s.recipientUserID)
		w.kv("parent_recipient_user_id", s.parentRecipientUserID)
		w.kv("recipient_identity_key_hash", s.identityKeyHash)
		w.kv("biz_opaque_callback_data", s.bizOpaque)
	}
	w.kv("type", s.typ)
	if s.conversation.Exists() {
		w.key("conversation")
		w.known(s.conversation, tables.conversation)
	}
	if s.pricing.Exists() {
		w.key("pricing")
		w.known(s.pricing, tables.pricing)
	}
	if len(s.errors) > 0 || s.hasErrs {
		w.key("errors")
		w.arr()
		for i := range s.errors {
			c.writeError(&s.errors[i], cloud)
		}
		w.endArr()
	}
	w.endObj()
}

// writeError writes an error object in the target's shape.
func (c *Converter) writeError(e *apiErr, cloud bool) {
	w := &c.w
	w.elem()
	w.obj()
	w.kv("code", e.code)
	w.kv("title", e.title)
	if cloud {
		w.kv("message", firstOf(e.message, e.title))
		if d := firstOf(e.dataDetails, e.details); d != "" {
			w.key("error_data")
			w.obj()
			w.kv("details", d)
			w.endObj()
		}
	} else {
		w.kv("details", firstOf(e.details, e.dataDetails))
	}
	w.kv("href", e.href)
	w.endObj()
}

// hexToBase64 re-encodes an On-Premises sha256 (64 hex digits) as the
// Cloud API writes it (base64 of the same 32 bytes); anything else is kept.
func hexToBase64(raw string) string {
	s := unq(raw)
	if len(s) != 64 {
		return raw
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return raw
	}
	return quote(base64.StdEncoding.EncodeToString(b))
}

// base64ToHex is the inverse: a Cloud sha256 (base64 of 32 bytes) as hex.
func base64ToHex(raw string) string {
	s := unq(raw)
	if len(s) != 44 {
		return raw
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return raw
	}
	return quote(hex.EncodeToString(b))
}
