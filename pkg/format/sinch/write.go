package sinch

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

var cardStyle = sync.OnceValue(func() common.CardStyle {
	return common.CardStyle{Card: Message().Field("contacts").Object, SinchNames: true}
})

// NewWriter returns a writer of one Sinch batch {total, data[]}: one item
// per message or status Sinch can carry.
func NewWriter() message.Writer { return &writer{} }

// Reset implements message.Writer.
func (w *writer) Reset(o message.WriteOptions) {
	w.o = o
	w.data.Section(o.Pretty, 1)
	w.n = 0
	w.batch = message.Batch{}
	w.contacts = w.contacts[:0]
	clear(w.byPhone)
}

type writer struct {
	o     message.WriteOptions
	data  jsontree.Writer // the items, spliced into the batch at the end
	n     int             // items written
	batch message.Batch
	// the contacts of the batch, to find each message's sender (by wa_id)
	contacts []message.Contact
	byPhone  map[string]int
	doc      jsontree.Writer
}

func (w *writer) path(rest string) string {
	return "data[" + strconv.Itoa(w.n) + "]." + rest
}

func (w *writer) Batch(b *message.Batch) {
	w.batch = *b
	w.contacts = w.contacts[:0]
	clear(w.byPhone)
}

func (w *writer) Contact(c *message.Contact) {
	if c.Phone != "" {
		if w.byPhone == nil {
			w.byPhone = map[string]int{}
		}
		if _, ok := w.byPhone[message.Str(c.Phone)]; !ok {
			w.byPhone[message.Str(c.Phone)] = len(w.contacts)
		}
	}
	w.contacts = append(w.contacts, *c)
}

// sender finds a message's sender among the batch's contacts: the contact
// with the message's wa_id, or — when the batch holds one message and one
// contact that does not match — that contact (the documented examples
// where contacts[].wa_id and from differ).
func (w *writer) sender(m *message.Message) *message.Contact {
	if i, ok := w.byPhone[message.Str(m.From.Phone)]; ok {
		return &w.contacts[i]
	}
	if len(w.contacts) == 1 && w.batch.Messages == 1 {
		return &w.contacts[0]
	}
	return nil
}

// messageType is the Sinch message.type written for a message ("" for
// none: location and contacts are sent without type, as in the documented
// examples), and whether Sinch can carry the message at all.
func messageType(m *message.Message) (string, bool) {
	switch m.Kind {
	case message.Text:
		return TypeText, true
	case message.Image:
		return TypeImage, true
	case message.Audio, message.Voice: // Sinch documents no voice-note type
		return TypeAudio, true
	case message.Video:
		return TypeVideo, true
	case message.Document:
		return TypeDocument, true
	case message.Sticker:
		return TypeSticker, true
	case message.Location, message.Contacts:
		return "", true
	case message.Button:
		return TypeButton, true
	case message.ButtonReply, message.ListReply:
		return TypeInteractive, m.Reply.Present
	case message.Order:
		return TypeOrder, true
	case message.AddressReply: // Sinch has no address reply: its fields as a text
		return TypeText, m.Address.Text() != ""
	}
	return "", false
}

// origin is the business number of the batch as a Sinch origin, or what
// an option or the default give.
func (w *writer) origin() string {
	reason := "whatsapp payloads carry no business phone number"
	if b := w.batch.Business; b != "" {
		if d := digitsOnly(b); d != "" {
			return d
		}
		// A business number without digits ("ad") is no origin.
		reason = "the source's business phone number has no digits"
	}
	if o := common.FirstOf(w.o.Origin, w.o.DisplayPhoneNumber); o != "" {
		w.o.Filled(message.Fill{Path: w.path("origin"), Value: o, Reason: reason,
			Option: message.OptBusinessNumber, Offset: w.batch.Offset})
		return o
	}
	w.o.Filled(message.Fill{Path: w.path("origin"), Value: message.DefaultBusinessNumber,
		Reason: reason, Option: message.OptBusinessNumber,
		Offset: w.batch.Offset, Default: true})
	return message.DefaultBusinessNumber
}

func (w *writer) Message(m *message.Message) {
	typ, ok := messageType(m)
	if !ok {
		return
	}
	s := &w.data
	s.Elem()
	s.Obj()
	s.KV("id", m.ID)
	w.source(m)
	s.KStr("origin", w.origin())
	w.userProfile(w.sender(m), m)
	if m.Context.Present {
		s.KV("messageId", m.Context.ID)
	}
	if r := &m.Referral; r.Present {
		s.Key("referral")
		if r.Null {
			s.Null()
		} else {
			writeReferral(s, r)
		}
	}
	s.Key("message")
	s.Obj()
	if typ != "" {
		s.KStr("type", typ)
	}
	w.content(m)
	s.KV("waGroupId", m.GroupID)
	w.objects(m)
	s.EndObj()
	sec := w.seconds(m.Time, m.Offset, "receivedAt")
	s.KInt("receivedAt", sec*1000+int64(m.Time.Milli))
	s.Key("receivedDate")
	w.date(sec, m.Time.Milli)
	s.EndObj()
	w.n++
}

// objects writes the objects of message that carry a location, contact
// cards or an interactive reply.
func (w *writer) objects(m *message.Message) {
	s := &w.data
	switch m.Kind {
	case message.Location:
		s.Key("location")
		s.Obj()
		s.KStr("geoPoint", geoNumber(m.Location.Lat)+","+geoNumber(m.Location.Long))
		s.KV("name", m.Location.Name)
		s.KV("address", m.Location.Address)
		s.EndObj()
	case message.Contacts:
		s.Key("contacts")
		common.WriteCards(s, m.Cards, cardStyle(), nil)
	case message.ListReply:
		w.interactive(m, InteractiveListReply, "listReply", "rowIdentifier", "rowTitle", "message.interactive.listReply.rowTitle")
	case message.ButtonReply:
		w.interactive(m, InteractiveButtonReply, "buttonReply", "payload", "title", "message.interactive.buttonReply.title")
	}
}

// interactive writes an interactive reply: its type, and the object
// member with the reply's id and title under their Sinch names (titlePath
// names the title for fills).
func (w *writer) interactive(m *message.Message, typ, member, id, title, titlePath string) {
	s := &w.data
	s.Key("interactive")
	s.Obj()
	s.KStr("type", typ)
	s.Key(member)
	s.Obj()
	s.KV(id, m.Reply.ID)
	s.KV(title, w.title(m, titlePath))
	s.EndObj()
	s.EndObj()
}

// source writes the sender's number, or a default for a sender without one.
func (w *writer) source(m *message.Message) {
	if m.From.Phone != "" {
		w.data.KV("source", m.From.Phone)
		return
	}
	w.data.KStr("source", message.DefaultPhone)
	w.o.Filled(message.Fill{Path: w.path("source"), Value: message.DefaultPhone,
		Reason: "the sender has no phone number (a username-only user)", Offset: m.Offset, Default: true})
}

// userProfile names the sender, when the batch has their contact.
func (w *writer) userProfile(ct *message.Contact, m *message.Message) {
	if ct == nil {
		return
	}
	s := &w.data
	s.Key("userProfile")
	s.Obj()
	s.KV("name", ct.Name)
	if ct.Phone != "" && message.Str(ct.Phone) != message.Str(m.From.Phone) {
		s.KV("whatsAppId", ct.Phone)
	}
	s.EndObj()
}

// content writes the members of message that carry m's text or media.
func (w *writer) content(m *message.Message) {
	s := &w.data
	switch k := m.Kind; {
	case k == message.Text:
		s.KV("messageText", m.Text)
	case k == message.AddressReply:
		s.KStr("messageText", m.Address.Text())
	case k == message.Button:
		s.KV("messageText", m.Button.Text)
		s.KV("payload", m.Button.Payload)
	case k == message.ButtonReply, k == message.ListReply:
		s.KV("messageText", message.ReplyTitle(m, nil))
	case k.IsMedia():
		w.media(m)
	}
}

// media writes a medium's URL (made from its id when the source has
// none), type and caption.
func (w *writer) media(m *message.Message) {
	s := &w.data
	u := common.FirstOf(m.Media.URL, m.Media.Link)
	if u == "" {
		base := common.FirstOf(w.o.MediaBaseURL, message.DefaultMediaBaseURL)
		id := common.FirstOf(message.Str(m.Media.ID), message.Str(m.ID))
		us := base + url.PathEscape(id)
		u = message.Quote(us)
		w.o.Filled(message.Fill{Path: w.path("message.mediaUrl"), Value: us,
			Reason: "the source has no media URL (media are downloaded by id)", Option: message.OptMediaBaseURL,
			Offset: m.Offset, Default: w.o.MediaBaseURL == ""})
	}
	s.KV("mediaUrl", u)
	s.KV("mimeType", m.Media.MIME)
	s.KV("caption", m.Media.Caption)
}

// title is a reply's title, its id standing in when the source gives none.
func (w *writer) title(m *message.Message, member string) string {
	return message.ReplyTitle(m, func(title string) {
		w.o.Filled(message.Fill{Path: w.path(member), Value: title,
			Reason: "the source gives the reply no title: its id stands in", Offset: m.Offset, Default: true})
	})
}

// seconds is a time in epoch seconds, or the current time (a default).
func (w *writer) seconds(t message.Time, off int, member string) int64 {
	sec, ok := t.Seconds()
	if !ok {
		sec = w.o.Clock().Unix()
		w.o.Filled(message.Fill{Path: w.path(member), Value: strconv.FormatInt(sec*1000, 10),
			Reason: "the source has no usable timestamp", Offset: off, Default: true})
	}
	return sec
}

// date writes epoch seconds and milliseconds as the ISO-8601 date Sinch
// uses: 2017-12-18T17:09:31.473Z.
func (w *writer) date(sec int64, milli int) {
	w.data.AppendWith(func(b []byte) []byte {
		b = append(b, '"')
		b = appendISO(b, sec, milli)
		return append(b, '"')
	})
}

// geoNumber writes a coordinate as Sinch's geoPoint wants it: plain
// decimal digits (no exponent).
func geoNumber(raw string) string {
	if j, ok := jsonlex.Number(raw, 0); !ok || j != len(raw) {
		return message.Str(raw)
	}
	if strings.ContainsAny(raw, "eE+") {
		f, _ := strconv.ParseFloat(raw, 64)
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return raw
}

func writeReferral(s *jsontree.Writer, r *message.Referral) {
	s.Obj()
	for _, m := range referralMembers(r) {
		s.KV(m.key, *m.field)
	}
	if f := referralMedia(r); f != nil {
		s.KV("mediaUrl", *f)
	}
	s.EndObj()
}

// Status writes a status as a status callback item.
func (w *writer) Status(st *message.Status) {
	switch st.State {
	case message.Sent, message.Delivered, message.Read, message.Failed:
	default:
		return
	}
	s := &w.data
	s.Elem()
	s.Obj()
	s.KV("id", st.ID)
	if st.Recipient.Phone != "" {
		s.KV("destination", st.Recipient.Phone)
	} else {
		s.KStr("destination", message.DefaultPhone)
		w.o.Filled(message.Fill{Path: w.path("destination"), Value: message.DefaultPhone,
			Reason: "the status names no recipient phone number", Offset: st.Offset, Default: true})
	}
	s.KStr("origin", w.origin())
	sec := w.seconds(st.Time, st.Offset, "updatedAt")
	ms := sec * 1000
	kdate := func(k string) {
		s.Key(k)
		w.date(sec, 0)
	}
	sentOK := func() {
		s.KBool("sent", true)
		s.KInt("sentStatusCode", CodeSent)
		s.KStr("sentStatus", CodeName(CodeSent))
	}
	switch st.State {
	case message.Sent:
		sentOK()
		kdate("sentDate")
		s.KInt("sentAt", ms)
		s.KBool("delivered", false)
		s.KBool("read", false)
	case message.Delivered:
		sentOK()
		s.KBool("delivered", true)
		s.KInt("deliveredStatusCode", CodeDelivered)
		s.KStr("deliveredStatus", CodeName(CodeDelivered))
		kdate("deliveredDate")
		s.KInt("deliveredAt", ms)
		s.KBool("read", false)
	case message.Read:
		sentOK()
		s.KBool("delivered", true)
		s.KInt("deliveredStatusCode", CodeRead)
		s.KStr("deliveredStatus", CodeName(CodeRead))
		s.KBool("read", true)
		kdate("readDate")
		s.KInt("readAt", ms)
	case message.Failed:
		code, title := failure(st)
		if c, _ := LookupCode(code); c.SentStage {
			s.KBool("sent", false)
			s.KInt("sentStatusCode", code)
			s.KV("sentStatus", title)
			kdate("sentDate")
			s.KInt("sentAt", ms)
			s.KBool("delivered", false)
		} else {
			sentOK()
			s.KBool("delivered", false)
			s.KInt("deliveredStatusCode", code)
			s.KV("deliveredStatus", title)
			kdate("deliveredDate")
			s.KInt("deliveredAt", ms)
		}
		s.KBool("read", false)
	}
	kdate("updatedDate")
	s.KInt("updatedAt", ms)
	if t := message.Str(st.Type); t != "" {
		s.KStr("type", strings.ToUpper(t))
	}
	s.EndObj()
	w.n++
}

// failure is the Sinch code and status text of a failed status: the first
// error's code when it is a documented failure code, else 104
// NOT_DELIVERED (WhatsApp error codes have no Sinch counterpart).
func failure(st *message.Status) (int64, string) {
	if len(st.Errors) > 0 {
		if n, err := strconv.ParseInt(st.Errors[0].Code, 10, 64); err == nil {
			if _, ok := LookupCode(n); ok && n != CodeSent && n != CodeDelivered && n != CodeRead {
				if t := st.Errors[0].Title; t != "" {
					return n, t
				}
				return n, message.Quote(CodeName(n))
			}
		}
	}
	return CodeNotDelivered, message.Quote(CodeName(CodeNotDelivered))
}

// Error: Sinch batches carry no error objects.
func (w *writer) Error(*message.Error) {}

func (w *writer) End() ([]byte, bool) {
	if w.n == 0 {
		return nil, false
	}
	d := &w.doc
	d.Reset(w.o.Pretty, 0)
	d.Obj()
	d.KInt("total", int64(w.n))
	d.Key("data")
	d.Arr()
	d.Splice(w.data.Bytes())
	d.EndArr()
	d.EndObj()
	return d.Bytes(), true
}

func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// appendISO formats epoch seconds and milliseconds as
// YYYY-MM-DDTHH:MM:SS.mmmZ (UTC) for the years 0–9999; others are left to
// the time package.
func appendISO(b []byte, sec int64, milli int) []byte {
	days := floorDiv(sec, 86400)
	rem := sec - days*86400
	// civil from days (H. Hinnant's algorithm)
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	if y < 0 || y > 9999 {
		return append(b, time.UnixMilli(sec*1000+int64(milli)).UTC().Format("2006-01-02T15:04:05.000Z")...)
	}
	two := func(b []byte, n int64) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }
	b = two(b, y/100)
	b = two(b, y%100)
	b = append(b, '-')
	b = two(b, m)
	b = append(b, '-')
	b = two(b, d)
	b = append(b, 'T')
	b = two(b, rem/3600)
	b = append(b, ':')
	b = two(b, rem/60%60)
	b = append(b, ':')
	b = two(b, rem%60)
	b = append(b, '.', byte('0'+milli/100%10), byte('0'+milli/10%10), byte('0'+milli%10))
	return append(b, 'Z')
}
