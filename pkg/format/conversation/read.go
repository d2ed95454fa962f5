package conversation

import (
	"net/url"
	"path"
	"strings"

	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

// NewReader returns a reader of Conversation API callbacks: one batch per
// callback, holding its inbound message or its delivery report (callbacks
// name no sender profile, so the batch has no contacts).
func NewReader() message.Reader { return &reader{} }

type reader struct {
	o message.ReadOptions
	b message.Batch
	m message.Message
	s message.Status
}

// Read implements message.Reader.
func (r *reader) Read(root jsontree.Value, h message.Handler, o message.ReadOptions) {
	r.o = o
	msg, rep := root.Get(TriggerMessage), root.Get(TriggerDeliveryReport)
	if !msg.IsObject() && !rep.IsObject() {
		return
	}
	envelope := envelopeTime(root)
	r.b = message.Batch{Offset: root.Offset(), Business: msg.Get("sender_id").Str()}
	if msg.IsObject() {
		r.b.Messages = 1
	}
	h.Batch(&r.b)
	if msg.IsObject() {
		r.message(msg, envelope, h)
	}
	if rep.IsObject() {
		r.status(rep, envelope, h)
	}
}

// envelopeTime is the time of the callback: when the event happened on the
// channel, else when Sinch accepted it.
func envelopeTime(root jsontree.Value) message.Time {
	for _, k := range [...]string{"event_time", "accepted_time"} {
		if t, ok := isoTime(root.Get(k)); ok {
			return t
		}
	}
	return message.Time{}
}

func isoTime(v jsontree.Value) (message.Time, bool) {
	if !v.IsString() {
		return message.Time{}, false
	}
	t, ok := common.ParseISO(v.Str())
	if !ok {
		return message.Time{}, false
	}
	return message.Time{Sec: t.Unix(), Milli: t.Nanosecond() / 1e6, HasSec: true}, true
}

func (r *reader) message(v jsontree.Value, envelope message.Time, h message.Handler) {
	m := &r.m
	*m = message.Message{Offset: v.Offset(), Errors: m.Errors[:0], ID: v.Get("id").Raw()}
	ci := v.Get("channel_identity")
	m.From.Phone = ci.Get("identity").Raw()
	if t, ok := isoTime(v.Get("accept_time")); ok {
		m.Time = t
	} else {
		m.Time = envelope
	}
	cm := v.Get("contact_message")
	business := v.Get("sender_id").Raw()
	if to := cm.Get("reply_to").Get("message_id"); to.Exists() {
		m.Context = message.Context{Present: true, ID: to.Raw(), From: business}
	}
	readContent(cm, m, business)
	r.mediaFromURL(m)
	h.Message(m)
}

// readContent reads the kind of message contact_message holds.
func readContent(cm jsontree.Value, m *message.Message, business string) {
	var kind string
	var body jsontree.Value
	n := 0
	for _, k := range contactKinds {
		if b := cm.Get(k); b.Exists() {
			kind, body = k, b
			n++
		}
	}
	if n != 1 || !body.IsObject() {
		m.Kind, m.Type = message.KindOther, kind
		return
	}
	contentReaders[kind](body, m, business)
}

// contentReaders read each kind of contact_message into the model.
var contentReaders = map[string]func(body jsontree.Value, m *message.Message, business string){
	KindText: func(body jsontree.Value, m *message.Message, _ string) {
		m.Kind, m.Text = message.Text, body.Get("text").Raw()
	},
	KindMedia:     readMedia,
	KindMediaCard: readMedia,
	KindLocation: func(body jsontree.Value, m *message.Message, _ string) {
		c := body.Get("coordinates")
		m.Kind = message.Location
		m.Location = message.Place{Lat: c.Get("latitude").Raw(), Long: c.Get("longitude").Raw(),
			Name: body.Get("title").Raw(), Address: body.Get("label").Raw()}
	},
	KindContactInfo: func(body jsontree.Value, m *message.Message, _ string) {
		m.Kind, m.Cards = message.Contacts, cardsOf(body)
	},
	KindChoiceResponse: func(body jsontree.Value, m *message.Message, business string) {
		m.Kind = message.ButtonReply
		m.Reply = message.Reply{Present: true, ID: body.Get("postback_data").Raw()}
		if id := body.Get("message_id"); id.Exists() {
			m.Context = message.Context{Present: true, ID: id.Raw(), From: business}
		}
	},
	KindFallback: func(body jsontree.Value, m *message.Message, _ string) {
		m.Kind = message.Unsupported
		r := body.Get("reason")
		e := message.Error{Offset: body.Offset(), Title: r.Get("code").Raw(), Details: r.Get("description").Raw(),
			Message: body.Get("raw_message").Raw()}
		if e.Title == "" {
			e.Title = message.Quote("UNKNOWN")
		}
		m.Errors, m.HasErrors = append(m.Errors, e), true
	},
	KindProductResponse: func(body jsontree.Value, m *message.Message, _ string) {
		m.Kind, m.Body = message.Order, orderOf(body)
	},
	KindChannelSpecific: readChannelSpecific,
}

func readMedia(body jsontree.Value, m *message.Message, _ string) {
	u := body.Get("url")
	name := body.Get("filename_override")
	m.Kind = mediaKind(u.Str(), name.Str())
	m.Media = message.Media{URL: u.Raw(), Filename: name.Raw(), Caption: body.Get("caption").Raw(),
		MIME: mimeOf(u.Str(), name.Str())}
}

// readChannelSpecific reads a WhatsApp nfm_reply: an address reply or a
// Flow's response; other channel messages are of no kind the model has.
func readChannelSpecific(body jsontree.Value, m *message.Message, _ string) {
	nfm := body.Get("message").Get(ChannelNfmReply)
	switch {
	case body.Get("message_type").Str() != ChannelNfmReply || !nfm.IsObject():
		m.Kind, m.Type = message.KindOther, body.Get("message_type").Str()
	case common.IsAddressReply(nfm):
		m.Kind, m.Address = message.AddressReply, common.ReadAddress(nfm)
	default:
		m.Kind, m.Body = message.FlowReply, nfm
	}
}

// mediaFromURL undoes what the writer does for media without URL: a URL
// made of the media base URL, a media id and the extension of its type
// gives the id back.
func (r *reader) mediaFromURL(m *message.Message) {
	u := message.Str(m.Media.URL)
	base := r.o.MediaBase()
	if !m.Kind.IsMedia() || !strings.HasPrefix(u, base) || len(u) == len(base) {
		return
	}
	id := strings.TrimSuffix(u[len(base):], path.Ext(u))
	if unescaped, err := url.PathUnescape(id); err == nil && unescaped != "" {
		m.Media.URL, m.Media.ID = "", message.Quote(unescaped)
	}
}

// Media kinds and types by file extension: the Conversation API gives a
// URL and maybe a file name, not a type.
var mediaTypes = map[string]struct {
	kind message.Kind
	mime string
}{
	".jpg": {message.Image, "image/jpeg"}, ".jpeg": {message.Image, "image/jpeg"}, ".png": {message.Image, "image/png"},
	".gif": {message.Image, "image/gif"}, ".webp": {message.Sticker, "image/webp"},
	".mp4": {message.Video, "video/mp4"}, ".3gp": {message.Video, "video/3gpp"}, ".mov": {message.Video, "video/quicktime"},
	".ogg": {message.Voice, "audio/ogg; codecs=opus"}, ".opus": {message.Voice, "audio/ogg; codecs=opus"},
	".mp3": {message.Audio, "audio/mpeg"}, ".m4a": {message.Audio, "audio/mp4"}, ".aac": {message.Audio, "audio/aac"},
	".amr": {message.Audio, "audio/amr"}, ".pdf": {message.Document, "application/pdf"},
	".txt": {message.Document, "text/plain"}, ".csv": {message.Document, "text/csv"},
	".doc":  {message.Document, "application/msword"},
	".docx": {message.Document, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	".xls":  {message.Document, "application/vnd.ms-excel"},
	".xlsx": {message.Document, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
}

func extOf(url, name string) string {
	if name != "" {
		return strings.ToLower(path.Ext(name))
	}
	if i := strings.IndexAny(url, "?#"); i >= 0 {
		url = url[:i]
	}
	return strings.ToLower(path.Ext(url))
}

// mediaKind is the kind of a media file by its name or URL (a document
// when neither says).
func mediaKind(url, name string) message.Kind {
	if t, ok := mediaTypes[extOf(url, name)]; ok {
		return t.kind
	}
	return message.Document
}

// extOf is the file extension of a MIME type ("" when the table has none).
func extFor(mime string) string {
	best := ""
	for ext, t := range mediaTypes {
		if t.mime == mime && (best == "" || ext < best) {
			best = ext
		}
	}
	return best
}

// mimeOf is the MIME type a file name or URL implies ("" when unknown).
func mimeOf(url, name string) string {
	if t, ok := mediaTypes[extOf(url, name)]; ok {
		return message.Quote(t.mime)
	}
	return ""
}

// cardsOf turns a contact_info_message into the model's contact cards
// (the vCard-like shape the native formats share).
func cardsOf(ci jsontree.Value) jsontree.Value {
	var w jsontree.Writer
	w.Reset(false, 0)
	w.Arr()
	w.Elem()
	w.Obj()
	if n := ci.Get("name"); n.IsObject() {
		w.Key("name")
		w.Obj()
		rename(&w, n, [][2]string{{"full_name", "formatted_name"}, {"first_name", "first_name"}, {"last_name", "last_name"},
			{"middle_name", "middle_name"}, {"prefix", "prefix"}, {"suffix", "suffix"}})
		w.EndObj()
	}
	list(&w, ci.Get("phone_numbers"), "phones", [][2]string{{"phone_number", "phone"}, {"type", "type"}})
	list(&w, ci.Get("addresses"), "addresses", [][2]string{{"city", "city"}, {"country", "country"}, {"state", "state"},
		{"zip", "zip"}, {"type", "type"}, {"country_code", "country_code"}})
	list(&w, ci.Get("email_addresses"), "emails", [][2]string{{"email_address", "email"}, {"type", "type"}})
	if o := ci.Get("organization"); o.IsObject() {
		w.Key("org")
		w.Obj()
		rename(&w, o, [][2]string{{"company", "company"}, {"department", "department"}, {"title", "title"}})
		w.EndObj()
	}
	list(&w, ci.Get("urls"), "urls", [][2]string{{"url", "url"}, {"type", "type"}})
	w.KV("birthday", ci.Get("birthday").Raw())
	w.EndObj()
	w.EndArr()
	return jsontree.Parse(string(w.Bytes()))
}

// rename copies the members of v named in pairs, under their new names.
func rename(w *jsontree.Writer, v jsontree.Value, pairs [][2]string) {
	for _, p := range pairs {
		w.KV(p[1], v.Get(p[0]).Raw())
	}
}

// list copies an array of objects under a new name, renaming members.
// Elements without the first member of pairs are left out when it is
// required in the target (need).
func list(w *jsontree.Writer, v jsontree.Value, name string, pairs [][2]string, need ...bool) {
	if !v.IsArray() {
		return
	}
	w.Key(name)
	w.Arr()
	v.ForEach(func(_, el jsontree.Value) bool {
		if len(need) > 0 && need[0] && !el.Get(pairs[0][0]).Exists() {
			return true
		}
		w.Elem()
		w.Obj()
		rename(w, el, pairs)
		w.EndObj()
		return true
	})
	w.EndArr()
}

// orderOf turns a product_response_message into the model's order (the
// shape the native formats share).
func orderOf(pr jsontree.Value) jsontree.Value {
	var w jsontree.Writer
	w.Reset(false, 0)
	w.Obj()
	w.KV("catalog_id", pr.Get("catalog_id").Raw())
	w.KV("text", pr.Get("text").Raw())
	list(&w, pr.Get("products"), "product_items", [][2]string{{"id", "product_retailer_id"}, {"quantity", "quantity"},
		{"item_price", "item_price"}, {"currency", "currency"}})
	w.EndObj()
	return jsontree.Parse(string(w.Bytes()))
}

// states maps delivery statuses onto the model's states.
var states = map[string]message.State{
	StatusQueued: message.Sent, StatusDelivered: message.Delivered, StatusRead: message.Read, StatusFailed: message.Failed,
}

func (r *reader) status(v jsontree.Value, envelope message.Time, h message.Handler) {
	s := &r.s
	*s = message.Status{Offset: v.Offset(), Errors: s.Errors[:0], ID: v.Get("message_id").Raw(), Time: envelope}
	st := v.Get("status")
	s.State = states[st.Str()]
	if s.State != message.StateOther {
		s.StateRaw = message.Quote(s.State.String())
	} else if st.IsString() {
		s.StateRaw = message.Quote(strings.ToLower(st.Str()))
	}
	s.Recipient.Phone = v.Get("channel_identity").Get("identity").Raw()
	if re := v.Get("reason"); re.IsObject() {
		e := message.Error{Offset: re.Offset(), Title: re.Get("code").Raw(), Details: re.Get("description").Raw()}
		if e.Title == "" {
			e.Title = message.Quote("UNKNOWN")
		}
		s.Errors, s.HasErrors = append(s.Errors, e), true
	}
	h.Status(s)
}

// isCode reports whether a title is a reason code (UPPER_SNAKE).
func isCode(title string) bool {
	if title == "" {
		return false
	}
	for i := 0; i < len(title); i++ {
		if c := title[i]; !(c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
