package conversation

import (
	"net/url"
	"strconv"
	"time"

	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

// Stand-ins for the ids a callback needs and other formats lack.
const (
	// DefaultAppID is the app_id written when neither the source nor an
	// option gives one: a ULID of zeros, the shape of Sinch app ids.
	DefaultAppID = "00000000000000000000000000"
	// DefaultProjectID is the project_id written likewise: a nil UUID.
	DefaultProjectID = "00000000-0000-0000-0000-000000000000"
)

// NewWriter returns a writer of Conversation API callbacks. A callback
// carries one message or one delivery report: a delivery of several
// becomes several callbacks, one JSON document each, separated by
// newlines.
func NewWriter() message.Writer { return &writer{} }

type writer struct {
	o       message.WriteOptions
	out     []byte
	w       jsontree.Writer
	n       int
	batch   message.Batch
	appID   string
	project string
}

// Reset implements message.Writer.
func (w *writer) Reset(o message.WriteOptions) {
	w.o, w.out, w.n = o, w.out[:0], 0
	w.appID, w.project = "", ""
}

func (w *writer) Batch(b *message.Batch) { w.batch = *b }

// Contact: callbacks carry no sender profile.
func (w *writer) Contact(*message.Contact) {}

// Error: callbacks carry no out-of-band errors.
func (w *writer) Error(*message.Error) {}

// ids returns the app and project ids, reporting the stand-ins once per
// document.
func (w *writer) ids() (string, string) {
	app, project := w.o.AppID, w.o.ProjectID
	doc := "[" + strconv.Itoa(w.n) + "]"
	if w.n == 0 {
		doc = ""
	}
	if app == "" {
		app = DefaultAppID
	}
	if project == "" {
		project = DefaultProjectID
	}
	w.o.Filled(message.Fill{Path: doc + "app_id", Value: app, Reason: "the source has no Conversation API app",
		Option: message.OptAppID, Default: w.o.AppID == ""})
	w.o.Filled(message.Fill{Path: doc + "project_id", Value: project, Reason: "the source has no Conversation API project",
		Option: message.OptProjectID, Default: w.o.ProjectID == ""})
	return app, project
}

// begin starts a callback document.
func (w *writer) begin(t message.Time, off int) string {
	if w.n > 0 {
		w.out = append(w.out, '\n')
	}
	app, project := w.ids()
	when := w.time(t, off)
	s := &w.w
	s.Reset(w.o.Pretty, 0)
	s.Obj()
	s.KStr("app_id", app)
	s.KStr("accepted_time", when)
	s.KStr("event_time", when)
	s.KStr("project_id", project)
	return when
}

func (w *writer) end() {
	w.w.EndObj()
	w.out = append(w.out, w.w.Bytes()...)
	w.n++
}

// time is an ISO-8601 time with milliseconds, or the current time (a
// default) when the model has none.
func (w *writer) time(t message.Time, off int) string {
	sec, ok := t.Seconds()
	if !ok {
		sec = w.o.Clock().Unix()
		w.o.Filled(message.Fill{Path: w.docPath("event_time"), Value: strconv.FormatInt(sec, 10),
			Reason: "the source has no usable time", Offset: off, Default: true})
	}
	return time.UnixMilli(sec*1000 + int64(t.Milli)).UTC().Format("2006-01-02T15:04:05.000Z")
}

func (w *writer) docPath(rest string) string {
	if w.n == 0 {
		return rest
	}
	return "[" + strconv.Itoa(w.n) + "]" + rest
}

func (w *writer) identity(s *jsontree.Writer, p message.Party, off int) {
	s.Key("channel_identity")
	s.Obj()
	s.KStr("channel", ChannelWhatsApp)
	if p.Phone != "" {
		s.KV("identity", p.Phone)
	} else {
		s.KStr("identity", message.DefaultPhone)
		w.o.Filled(message.Fill{Path: w.docPath("channel_identity.identity"), Value: message.DefaultPhone,
			Reason: "the sender has no phone number (a username-only user)", Offset: off, Default: true})
	}
	s.EndObj()
}

// carries reports whether a callback can carry a message of kind k.
func carries(m *message.Message) bool {
	switch k := m.Kind; {
	case k == message.Text, k.IsMedia(), k == message.Location, k == message.Contacts,
		k == message.Button, k == message.ButtonReply, k == message.ListReply, k == message.Order,
		k == message.Unsupported:
		return true
	case k == message.FlowReply:
		return m.Body.IsObject()
	case k == message.AddressReply:
		return true
	}
	return false
}

func (w *writer) Message(m *message.Message) {
	if !carries(m) {
		return
	}
	when := w.begin(m.Time, m.Offset)
	s := &w.w
	s.Key(TriggerMessage)
	s.Obj()
	s.KV("id", m.ID)
	s.KStr("direction", "TO_APP")
	s.Key("contact_message")
	s.Obj()
	w.content(s, m)
	if m.Context.Present && m.Context.ID != "" && m.Kind != message.ButtonReply && m.Kind != message.ListReply && m.Kind != message.Button {
		s.Key("reply_to")
		s.Obj()
		s.KV("message_id", m.Context.ID)
		s.EndObj()
	}
	s.EndObj()
	w.identity(s, m.From, m.Offset)
	s.KStr("accept_time", when)
	if w.batch.Business != "" {
		s.KStr("sender_id", w.batch.Business)
	}
	s.EndObj()
	w.end()
}

// content writes the one member of contact_message that m's kind maps to.
func (w *writer) content(s *jsontree.Writer, m *message.Message) {
	switch k := m.Kind; {
	case k == message.Text:
		s.Key(KindText)
		s.Obj()
		s.KV("text", m.Text)
		s.EndObj()
	case k.IsMedia():
		u := common.FirstOf(m.Media.URL, m.Media.Link)
		if u == "" {
			// the media base URL, the media id and the extension of its
			// type: the reader takes the id back, the type survives
			id := common.FirstOf(message.Str(m.Media.ID), message.Str(m.ID))
			us := common.FirstOf(w.o.MediaBaseURL, message.DefaultMediaBaseURL) + url.PathEscape(id) + extFor(message.Str(m.Media.MIME))
			u = message.Quote(us)
			w.o.Filled(message.Fill{Path: w.docPath("message.contact_message.media_message.url"), Value: us,
				Reason: "the source has no media URL (media are downloaded by id)", Option: message.OptMediaBaseURL,
				Offset: m.Offset, Default: w.o.MediaBaseURL == ""})
		}
		if m.Media.Caption != "" {
			s.Key(KindMediaCard)
			s.Obj()
			s.KV("url", u)
			s.KV("caption", m.Media.Caption)
		} else {
			s.Key(KindMedia)
			s.Obj()
			s.KV("url", u)
			s.KV("filename_override", m.Media.Filename)
		}
		s.EndObj()
	case k == message.Location:
		s.Key(KindLocation)
		s.Obj()
		s.Key("coordinates")
		s.Obj()
		s.KV("latitude", m.Location.Lat)
		s.KV("longitude", m.Location.Long)
		s.EndObj()
		title := m.Location.Name
		if title == "" {
			title = message.Quote(common.Coordinates(m.Location.Lat, m.Location.Long))
		}
		s.KV("title", title)
		s.KV("label", m.Location.Address)
		s.EndObj()
	case k == message.Contacts:
		s.Key(KindContactInfo)
		writeContactInfo(s, m.Cards.Index(0))
	case k == message.Button, k == message.ButtonReply, k == message.ListReply:
		s.Key(KindChoiceResponse)
		s.Obj()
		s.KV("message_id", common.FirstOf(m.Context.ID, `""`))
		if k == message.Button {
			s.KV("postback_data", common.FirstOf(m.Button.Payload, m.Button.Text))
		} else {
			s.KV("postback_data", m.Reply.ID)
		}
		s.EndObj()
	case k == message.Order:
		s.Key(KindProductResponse)
		writeProducts(s, m.Body)
	case k == message.Unsupported:
		s.Key(KindFallback)
		s.Obj()
		var e message.Error
		if len(m.Errors) > 0 {
			e = m.Errors[0]
		}
		s.KV("raw_message", e.Message)
		writeReason(s, &e)
		s.EndObj()
	case k == message.FlowReply, k == message.AddressReply:
		writeNfmReply(s, m)
	}
}

// writeNfmReply writes a Flow's response or an address as a WhatsApp
// channel-specific nfm_reply message.
func writeNfmReply(s *jsontree.Writer, m *message.Message) {
	s.Key(KindChannelSpecific)
	s.Obj()
	s.KStr("message_type", ChannelNfmReply)
	s.Key("message")
	s.Obj()
	s.KStr("type", ChannelNfmReply)
	s.Key(ChannelNfmReply)
	if m.Kind == message.AddressReply {
		common.WriteAddress(s, &m.Address)
	} else {
		s.Value(m.Body)
	}
	s.EndObj()
	s.EndObj()
}

// writeReason writes an error as a reason: its title when it is a reason
// code (UNKNOWN otherwise), its details as the description.
func writeReason(s *jsontree.Writer, e *message.Error) {
	s.Key("reason")
	s.Obj()
	if t := message.Str(e.Title); isCode(t) {
		s.KV("code", e.Title)
	} else {
		s.KStr("code", "UNKNOWN")
	}
	desc := common.FirstOf(e.Details, e.DataDetails)
	if t := message.Str(e.Title); desc == "" && !isCode(t) {
		desc = e.Title
	}
	s.KV("description", desc)
	s.EndObj()
}

// writeContactInfo writes a model contact card as a contact_info_message.
func writeContactInfo(s *jsontree.Writer, card jsontree.Value) {
	s.Obj()
	name := card.Get("name")
	s.Key("name")
	s.Obj()
	full := name.Get("formatted_name").Raw()
	if full == "" {
		full = message.Quote(common.FormattedName(card))
	}
	s.KV("full_name", full)
	rename(s, name, [][2]string{{"first_name", "first_name"}, {"last_name", "last_name"}, {"middle_name", "middle_name"},
		{"prefix", "prefix"}, {"suffix", "suffix"}})
	s.EndObj()
	// phone_numbers is required, and each needs a number: a native
	// phone may give only the wa_id.
	s.Key("phone_numbers")
	s.Arr()
	card.Get("phones").ForEach(func(_, p jsontree.Value) bool {
		number := common.FirstOf(p.Get("phone").Raw(), p.Get("wa_id").Raw())
		if number == "" {
			return true
		}
		s.Elem()
		s.Obj()
		s.KV("phone_number", number)
		s.KV("type", p.Get("type").Raw())
		s.EndObj()
		return true
	})
	s.EndArr()
	list(s, card.Get("addresses"), "addresses", [][2]string{{"city", "city"}, {"country", "country"}, {"state", "state"},
		{"zip", "zip"}, {"type", "type"}, {"country_code", "country_code"}})
	list(s, card.Get("emails"), "email_addresses", [][2]string{{"email", "email_address"}, {"type", "type"}}, true)
	if o := card.Get("org"); o.IsObject() {
		s.Key("organization")
		s.Obj()
		rename(s, o, [][2]string{{"company", "company"}, {"department", "department"}, {"title", "title"}})
		s.EndObj()
	}
	list(s, card.Get("urls"), "urls", [][2]string{{"url", "url"}, {"type", "type"}}, true)
	s.KV("birthday", card.Get("birthday").Raw())
	s.EndObj()
}

// writeProducts writes a model order as a product_response_message.
func writeProducts(s *jsontree.Writer, order jsontree.Value) {
	s.Obj()
	s.Key("products")
	s.Arr()
	order.Get("product_items").ForEach(func(_, p jsontree.Value) bool {
		s.Elem()
		s.Obj()
		s.KV("id", p.Get("product_retailer_id").Raw())
		s.KStr("marketplace", "WHATSAPP")
		rename(s, p, [][2]string{{"quantity", "quantity"}, {"item_price", "item_price"}, {"currency", "currency"}})
		s.EndObj()
		return true
	})
	s.EndArr()
	s.KV("text", order.Get("text").Raw())
	s.KV("catalog_id", order.Get("catalog_id").Raw())
	s.EndObj()
}

// reportStatus is the delivery status of a state ("" when a callback has
// none: played, deleted, warning).
func reportStatus(st message.State) string {
	for k, v := range states {
		if v == st {
			return k
		}
	}
	return ""
}

func (w *writer) Status(st *message.Status) {
	status := reportStatus(st.State)
	if status == "" {
		return
	}
	w.begin(st.Time, st.Offset)
	s := &w.w
	s.Key(TriggerDeliveryReport)
	s.Obj()
	s.KV("message_id", st.ID)
	s.KStr("status", status)
	w.identity(s, st.Recipient, st.Offset)
	if st.State == message.Failed {
		var e message.Error
		if len(st.Errors) > 0 {
			e = st.Errors[0]
		}
		writeReason(s, &e)
	}
	s.EndObj()
	w.end()
}

func (w *writer) End() ([]byte, bool) {
	if w.n == 0 {
		return nil, false
	}
	return w.out, true
}
