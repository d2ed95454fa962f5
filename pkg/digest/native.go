package digest

import (
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// cloud walks a Cloud API envelope: entry[].changes[].value is a native
// notification plus metadata (the business number). Changes whose field is
// not "messages" (account_update, template status…) carry no messages and
// are skipped.
func (w *walker) cloud(root gjson.Result) {
	entries := root.Get("entry")
	if !entries.IsArray() {
		return
	}
	i := 0
	entries.ForEach(func(_, e gjson.Result) bool {
		j := 0
		e.Get("changes").ForEach(func(_, c gjson.Result) bool {
			if field := c.Get("field"); !field.Exists() || field.Str == "messages" {
				value := c.Get("value")
				if value.IsObject() {
					prefix := "entry[" + strconv.Itoa(i) + "].changes[" + strconv.Itoa(j) + "].value."
					w.native(value, prefix, str(value.Get("metadata.display_phone_number")))
				}
			}
			j++
			return !w.stop
		})
		i++
		return !w.stop
	})
}

// native walks a native notification {contacts, messages, statuses,
// errors}: messages first, then statuses, then errors. prefix is the JSON
// path of the object ("" at the top level); business is the business number
// when known.
func (w *walker) native(v gjson.Result, prefix, business string) {
	var contacts, messages, statuses, errs gjson.Result
	v.ForEach(func(k, val gjson.Result) bool {
		switch k.Str {
		case "contacts":
			contacts = val
		case "messages":
			messages = val
		case "statuses":
			statuses = val
		case "errors":
			errs = val
		}
		return true
	})
	if messages.IsArray() {
		i := 0
		messages.ForEach(func(_, m gjson.Result) bool {
			if m.IsObject() {
				w.it = Item{Kind: KindMessage, To: business, Path: indexPath(prefix, "messages", i)}
				w.message(m, contacts, 0)
				w.emit()
			}
			i++
			return !w.stop
		})
	}
	if statuses.IsArray() && !w.stop {
		i := 0
		statuses.ForEach(func(_, s gjson.Result) bool {
			if s.IsObject() {
				w.it = Item{Kind: KindStatus, Type: "status", From: business, Path: indexPath(prefix, "statuses", i)}
				w.status(s, contacts)
				w.emit()
			}
			i++
			return !w.stop
		})
	}
	if errs.IsArray() && !w.stop {
		i := 0
		errs.ForEach(func(_, e gjson.Result) bool {
			if e.IsObject() {
				w.it = Item{Kind: KindError, Type: "error", To: business, Path: indexPath(prefix, "errors", i)}
				w.it.Summary, w.it.ErrorTitle = errorSummary(e, true)
				w.emit()
			}
			i++
			return !w.stop
		})
	}
}

// contactName finds the profile name of the contact whose wa_id (or
// user_id) is the given one.
func contactName(contacts gjson.Result, waID, userID string) string {
	if !contacts.IsArray() || (waID == "" && userID == "") {
		return ""
	}
	var name string
	contacts.ForEach(func(_, c gjson.Result) bool {
		var wa, uid, profile gjson.Result
		c.ForEach(func(k, val gjson.Result) bool {
			switch k.Str {
			case "wa_id":
				wa = val
			case "user_id":
				uid = val
			case "profile":
				profile = val
			}
			return true
		})
		if (waID != "" && str(wa) == waID) || (userID != "" && str(uid) == userID) {
			name = str(profile.Get("name"))
			return false
		}
		return true
	})
	return name
}

// Type-object slots: the member named like the message's type holds its
// content, and may come before or after "type".
const (
	slotText = iota
	slotImage
	slotAudio
	slotVideo
	slotDocument
	slotVoice
	slotSticker
	slotLocation
	slotContacts
	slotButton
	slotInteractive
	slotOrder
	slotSystem
	slotReaction
	slotUnsupported
	slotEdit
	slotRevoke
	numSlots
)

func slotOf(name string) int {
	switch name {
	case "text":
		return slotText
	case "image":
		return slotImage
	case "audio":
		return slotAudio
	case "video":
		return slotVideo
	case "document":
		return slotDocument
	case "voice":
		return slotVoice
	case "sticker":
		return slotSticker
	case "location":
		return slotLocation
	case "contacts":
		return slotContacts
	case "button":
		return slotButton
	case "interactive":
		return slotInteractive
	case "order":
		return slotOrder
	case "system":
		return slotSystem
	case "reaction":
		return slotReaction
	case "unsupported":
		return slotUnsupported
	case "edit":
		return slotEdit
	case "revoke":
		return slotRevoke
	}
	return -1
}

// message fills w.it from a native/Cloud message object. depth counts edit
// nesting: an edit's inner message is read once, not recursively.
func (w *walker) message(m, contacts gjson.Result, depth int) {
	it := &w.it
	var typ, from, fromUser, id, ts, errs gjson.Result
	var objs [numSlots]gjson.Result
	m.ForEach(func(k, val gjson.Result) bool {
		switch k.Str {
		case "type":
			typ = val
		case "from":
			from = val
		case "from_user_id":
			fromUser = val
		case "id":
			id = val
		case "timestamp":
			ts = val
		case "errors":
			errs = val
		default:
			if s := slotOf(k.Str); s >= 0 {
				objs[s] = val
			}
		}
		return true
	})
	if depth == 0 {
		it.ID = str(id)
		it.From = str(from)
		it.UserID = str(fromUser)
		it.Time = epochSeconds(ts)
		it.Name = contactName(contacts, it.From, it.UserID)
	}

	t := lower(str(typ))
	var obj gjson.Result
	if s := slotOf(t); s >= 0 {
		obj = objs[s]
	}
	switch t {
	case "":
		t = "unknown"
	case "audio":
		if isTrue(obj.Get("voice")) {
			t = "voice"
		}
	case "interactive":
		if sub := lower(str(obj.Get("type"))); sub != "" {
			t = sub
		}
	}
	it.Type = t

	switch t {
	case "text":
		it.Summary = str(obj.Get("body"))
	case "image", "video", "document", "audio", "voice":
		it.Summary = mediaSummary(str(obj.Get("caption")), str(obj.Get("filename")), str(obj.Get("mime_type")))
	case "sticker":
		it.Summary = stickerSummary(obj)
	case "location":
		it.Summary = locationSummary(str(obj.Get("name")), str(obj.Get("address")), coordinates(obj))
	case "contacts":
		it.Summary = contactsSummary(obj)
	case "button":
		it.Summary = detail(str(obj.Get("text")), str(obj.Get("payload")))
	case "list_reply":
		r := obj.Get("list_reply")
		it.Summary = detail(join(" · ", str(r.Get("title")), str(r.Get("description"))), str(r.Get("id")))
	case "button_reply":
		r := obj.Get("button_reply")
		it.Summary = detail(str(r.Get("title")), str(r.Get("id")))
	case "nfm_reply":
		r := obj.Get("nfm_reply")
		it.Summary = detail(join(" · ", str(r.Get("name")), str(r.Get("body"))), str(r.Get("response_json")))
	case "call_permission_reply":
		r := obj.Get("call_permission_reply")
		s := str(r.Get("response"))
		if isTrue(r.Get("is_permanent")) {
			s = join(" · ", s, "permanent")
		}
		it.Summary = s
	case "order":
		it.Summary = orderSummary(obj)
	case "system":
		it.Summary = detail(str(obj.Get("body")), str(obj.Get("type")))
	case "reaction":
		target := str(obj.Get("message_id"))
		emoji := str(obj.Get("emoji"))
		if emoji == "" {
			emoji = "removed"
		}
		if target != "" {
			emoji += " on " + target
		}
		it.Summary = emoji
	case "unknown", "unsupported":
		var s string
		errs.ForEach(func(_, e gjson.Result) bool {
			s, it.ErrorTitle = errorSummary(e, false)
			return false
		})
		it.Summary = join(" · ", str(objs[slotUnsupported].Get("type")), s)
	case "request_welcome":
		it.Summary = "opened the chat"
	case "edit":
		inner := obj.Get("message")
		if depth == 0 && inner.IsObject() {
			w.message(inner, contacts, depth+1)
			innerType, innerSummary := it.Type, it.Summary
			it.Type = "edit"
			if innerType != "text" {
				innerSummary = join(": ", innerType, innerSummary)
			}
			it.Summary = innerSummary
		}
		if it.Summary == "" {
			it.Summary = "edits " + str(obj.Get("original_message_id"))
		}
	case "revoke":
		it.Summary = "deleted " + str(obj.Get("original_message_id"))
	default:
		// A type this digest does not know: its object's text, if any.
		for _, k := range [...]string{"body", "text", "caption", "title", "name"} {
			if s := str(obj.Get(k)); s != "" {
				it.Summary = s
				break
			}
		}
	}
}

// coordinates is "lat,long" as written in the payload (full precision).
func coordinates(loc gjson.Result) string {
	lat, long := loc.Get("latitude"), loc.Get("longitude")
	if !lat.Exists() && !long.Exists() {
		return ""
	}
	return str(lat) + "," + str(long)
}

// stickerSummary is "pack name emojis (mime, animated)".
func stickerSummary(obj gjson.Result) string {
	meta := obj.Get("metadata")
	var emojis []string
	meta.Get("emojis").ForEach(func(_, e gjson.Result) bool {
		emojis = append(emojis, str(e))
		return len(emojis) < 20
	})
	d := str(obj.Get("mime_type"))
	if isTrue(obj.Get("animated")) {
		d = join(", ", d, "animated")
	}
	return detail(join(" ", str(meta.Get("sticker-pack-name")), strings.Join(emojis, "")), d)
}

// orderSummary is "N items, total T CUR · text": N counts units (Σ
// quantity), T is Σ quantity × item_price.
func orderSummary(obj gjson.Result) string {
	var units int64
	var total float64
	currency := ""
	mixed := false
	lines := 0
	obj.Get("product_items").ForEach(func(_, p gjson.Result) bool {
		lines++
		q := p.Get("quantity")
		n := int64(1)
		if q.Exists() {
			n = q.Int()
		}
		units += n
		total += float64(n) * p.Get("item_price").Float()
		c := str(p.Get("currency"))
		switch {
		case currency == "":
			currency = c
		case c != "" && c != currency:
			mixed = true
		}
		return true
	})
	var s string
	if lines > 0 {
		word := " items"
		if units == 1 {
			word = " item"
		}
		s = strconv.FormatInt(units, 10) + word
		switch {
		case mixed:
			s += ", mixed currencies"
		default:
			s += ", total " + strconv.FormatFloat(total, 'f', 2, 64)
			if currency != "" {
				s += " " + currency
			}
		}
	}
	return join(" · ", s, str(obj.Get("text")))
}

// status fills w.it from a native/Cloud status object.
func (w *walker) status(s, contacts gjson.Result) {
	it := &w.it
	var id, st, ts, recipient, recipientUser, pricing, errs gjson.Result
	s.ForEach(func(k, val gjson.Result) bool {
		switch k.Str {
		case "id":
			id = val
		case "status":
			st = val
		case "timestamp":
			ts = val
		case "recipient_id":
			recipient = val
		case "recipient_user_id":
			recipientUser = val
		case "pricing":
			pricing = val
		case "errors":
			errs = val
		}
		return true
	})
	it.ID = str(id)
	it.Status = lower(str(st))
	it.Time = epochSeconds(ts)
	it.To = str(recipient)
	it.UserID = str(recipientUser)
	it.Name = contactName(contacts, it.To, it.UserID)
	var e string
	errs.ForEach(func(_, er gjson.Result) bool {
		e, it.ErrorTitle = errorSummary(er, false)
		return false
	})
	it.Summary = join(" · ", it.Status, str(pricing.Get("category")), e)
}
