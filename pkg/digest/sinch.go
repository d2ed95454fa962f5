package digest

import (
	"strconv"
	"time"

	"github.com/tidwall/gjson"
)

// sinch walks a Sinch batch: data[] holds MO messages (source + message) or
// status callbacks (destination + sent/delivered flags).
func (w *walker) sinch(root gjson.Result) {
	data := root.Get("data")
	if !data.IsArray() {
		return
	}
	i := 0
	data.ForEach(func(_, v gjson.Result) bool {
		if v.IsObject() {
			w.sinchItem(v, indexPath("", "data", i))
		}
		i++
		return !w.stop
	})
}

// sinchFields are the members of a Sinch data item that the digest reads,
// gathered in one pass over the item.
type sinchFields struct {
	id, source, origin, destination, profile, message gjson.Result
	receivedAt, receivedDate                          gjson.Result
	sent, sentCode, sentStatus, sentAt                gjson.Result
	delivered, delCode, delStatus, delAt              gjson.Result
	read, readAt, updatedAt                           gjson.Result
}

func (w *walker) sinchItem(v gjson.Result, path string) {
	var f sinchFields
	v.ForEach(func(k, val gjson.Result) bool {
		switch k.Str {
		case "id":
			f.id = val
		case "source":
			f.source = val
		case "origin":
			f.origin = val
		case "destination":
			f.destination = val
		case "userProfile":
			f.profile = val
		case "message":
			f.message = val
		case "receivedAt":
			f.receivedAt = val
		case "receivedDate":
			f.receivedDate = val
		case "sent":
			f.sent = val
		case "sentStatusCode":
			f.sentCode = val
		case "sentStatus":
			f.sentStatus = val
		case "sentAt":
			f.sentAt = val
		case "delivered":
			f.delivered = val
		case "deliveredStatusCode":
			f.delCode = val
		case "deliveredStatus":
			f.delStatus = val
		case "deliveredAt":
			f.delAt = val
		case "read":
			f.read = val
		case "readAt":
			f.readAt = val
		case "updatedAt":
			f.updatedAt = val
		}
		return true
	})
	w.it = Item{ID: str(f.id), Path: path}
	isStatus := !f.message.Exists() && (f.destination.Exists() || f.sent.Exists() || f.delivered.Exists() ||
		f.sentCode.Exists() || f.delCode.Exists())
	if isStatus {
		w.sinchStatus(&f)
	} else {
		w.sinchMessage(&f)
	}
	w.emit()
}

func (w *walker) sinchMessage(f *sinchFields) {
	it := &w.it
	it.Kind = KindMessage
	it.From = str(f.source)
	it.To = str(f.origin)
	if f.profile.IsObject() {
		it.Name = str(f.profile.Get("name"))
		if it.From == "" {
			it.From = str(f.profile.Get("whatsAppId"))
		}
	}
	if it.Time = epochMillis(f.receivedAt); it.Time.IsZero() {
		it.Time = isoTime(f.receivedDate)
	}

	m := f.message
	var typ, text, payload, mime, caption, interactive, location, contacts gjson.Result
	m.ForEach(func(k, val gjson.Result) bool {
		switch k.Str {
		case "type":
			typ = val
		case "messageText":
			text = val
		case "payload":
			payload = val
		case "mimeType":
			mime = val
		case "caption":
			caption = val
		case "interactive":
			interactive = val
		case "location":
			location = val
		case "contacts":
			contacts = val
		}
		return true
	})
	t := lower(str(typ))
	switch {
	case t == "interactive" || (t == "" && interactive.IsObject()):
		t = "interactive"
		if sub := lower(str(interactive.Get("type"))); sub != "" {
			t = sub
		}
	case t == "" && location.Exists():
		t = "location"
	case t == "" && contacts.Exists():
		t = "contacts"
	case t == "":
		t = "unknown"
	}
	it.Type = t

	switch t {
	case "text":
		it.Summary = str(text)
	case "image", "video", "document", "audio", "voice", "sticker":
		it.Summary = mediaSummary(str(caption), "", str(mime))
	case "location":
		it.Summary = locationSummary(str(location.Get("name")), str(location.Get("address")), str(location.Get("geoPoint")))
	case "contacts":
		it.Summary = contactsSummary(contacts)
	case "button":
		it.Summary = detail(str(text), str(payload))
	case "list_reply":
		r := interactive.Get("listReply")
		title := str(r.Get("rowTitle"))
		if title == "" {
			title = str(text)
		}
		it.Summary = detail(title, str(r.Get("rowIdentifier")))
	case "button_reply":
		r := interactive.Get("buttonReply")
		title := str(r.Get("title"))
		if title == "" {
			title = str(text)
		}
		it.Summary = detail(title, str(r.Get("payload")))
	default:
		// ORDER and the undocumented types: whatever text there is.
		it.Summary = str(text)
		if it.Summary == "" {
			it.Summary = mediaSummary(str(caption), "", str(mime))
		}
	}
}

// sinchCodeNames are the documented status codes of Sinch status callbacks
// (reference §2.5).
var sinchCodeNames = map[int64]string{
	2: "SENT_SUCCESS", 4: "DELIVERED_SUCCESS", 5: "READ_SUCCESS",
	101: "EXPIRED", 102: "CARRIER_COMMUNICATION_ERROR", 103: "REJECTED_BY_CARRIER", 104: "NOT_DELIVERED",
	202: "INVALID_DESTINATION_NUMBER", 204: "DESTINATION_BLOCKED_BY_OPTOUT", 206: "INVALID_MESSAGE_LENGTH",
	207: "INVALID_MESSAGE_TEXT", 209: "INVALID_CONTENT", 210: "INVALID_SESSION",
	211: "DESTINATION_BLOCKED_BY_OPTIN", 212: "DESTINATION_BLOCKED_BY_WHITELIST", 311: "INTERNAL_ERROR",
}

// sinchStatus maps a Sinch status callback onto the native statuses: the
// delivery code decides (4 delivered, 5 read, ≥100 failed), then the sent
// code (≥100 failed), then the flags.
func (w *walker) sinchStatus(f *sinchFields) {
	it := &w.it
	it.Kind = KindStatus
	it.Type = "status"
	it.From = str(f.origin)
	it.To = str(f.destination)

	var failCode int64
	var failName string
	dc, sc := f.delCode.Int(), f.sentCode.Int()
	switch {
	case f.delCode.Exists() && dc >= 100:
		it.Status, failCode, failName = "failed", dc, str(f.delStatus)
	case f.sentCode.Exists() && sc >= 100:
		it.Status, failCode, failName = "failed", sc, str(f.sentStatus)
	case isTrue(f.read) || (f.delCode.Exists() && dc == 5):
		it.Status = "read"
		it.Time = firstTime(f.readAt, f.delAt, f.updatedAt)
	case isTrue(f.delivered) || (f.delCode.Exists() && dc == 4):
		it.Status = "delivered"
		it.Time = firstTime(f.delAt, f.updatedAt)
	case isTrue(f.sent) || f.sentCode.Exists():
		it.Status = "sent"
		it.Time = firstTime(f.sentAt, f.updatedAt)
	case f.sent.Exists():
		it.Status = "failed"
	default:
		it.Status = "unknown"
	}
	if it.Time.IsZero() {
		it.Time = firstTime(f.updatedAt, f.delAt, f.sentAt)
	}
	it.Summary = it.Status
	if it.Status == "failed" {
		if failName == "" {
			failName = sinchCodeNames[failCode]
		}
		it.ErrorTitle = failName
		d := ""
		if failCode != 0 {
			d = "code " + strconv.FormatInt(failCode, 10)
		}
		it.Summary = join(" · ", it.Status, detail(failName, d))
	}
}

// firstTime is the first of the epoch-millisecond values that is set.
func firstTime(rs ...gjson.Result) time.Time {
	for _, r := range rs {
		if t := epochMillis(r); !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
