package whatsapp

import (
	"slices"

	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

// Reading turns a native notification into the canonical model. Values
// are copied as JSON text; nothing is decided about losses here (convert
// finds them by converting back and comparing).

// NewOnPremReader returns a reader of On-Premises bodies: one batch with no
// business number.
func NewOnPremReader() message.Reader { return &reader{v: OnPrem} }

// NewCloudReader returns a reader of Cloud API envelopes: one batch per
// change whose field is "messages" (changes of other fields carry no
// messages).
func NewCloudReader() message.Reader { return &reader{v: CloudAPI} }

// Read implements message.Reader.
func (r *reader) Read(root jsontree.Value, h message.Handler, _ message.ReadOptions) {
	if r.v == OnPrem {
		if root.IsObject() {
			r.notification(root, message.Batch{Offset: root.Offset()}, h)
		}
		return
	}
	root.Get("entry").ForEach(func(_, e jsontree.Value) bool {
		e.Get("changes").ForEach(func(_, ch jsontree.Value) bool {
			v := ch.Get("value")
			if ch.Get("field").Str() != "messages" || !v.IsObject() {
				return true
			}
			b := message.Batch{Offset: v.Offset()}
			md := v.Get("metadata")
			if dp := md.Get("display_phone_number"); dp.IsString() {
				b.Business = dp.Str()
			}
			b.PhoneNumberID = md.Get("phone_number_id").Raw()
			r.notification(v, b, h)
			return true
		})
		return true
	})
}

// reader holds what is reused from one item to the next.
type reader struct {
	v Variant
	b message.Batch
	c message.Contact
	m message.Message
	s message.Status
	e message.Error
}

func (r *reader) notification(v jsontree.Value, b message.Batch, h message.Handler) {
	contacts, errs := v.Get("contacts"), v.Get("errors")
	b.NoContacts = contacts.IsArray() && contacts.Len() == 0
	b.NoErrors = errs.IsArray() && errs.Len() == 0
	b.Messages = v.Get("messages").Len()
	r.b = b
	h.Batch(&r.b)
	contacts.ForEach(func(_, el jsontree.Value) bool {
		if el.IsObject() {
			readContact(el, &r.c)
			h.Contact(&r.c)
		}
		return true
	})
	v.Get("messages").ForEach(func(_, el jsontree.Value) bool {
		if el.IsObject() {
			readMessage(el, &r.m)
			h.Message(&r.m)
		}
		return true
	})
	v.Get("statuses").ForEach(func(_, el jsontree.Value) bool {
		if el.IsObject() {
			readStatus(el, &r.s)
			h.Status(&r.s)
		}
		return true
	})
	errs.ForEach(func(_, el jsontree.Value) bool {
		if el.IsObject() {
			r.e = readError(el)
			h.Error(&r.e)
		}
		return true
	})
}

// contactRaw names the members of a contact taken as JSON text, in the
// order of the fields readContact puts them in.
var contactRaw = [...]string{"wa_id", "user_id", "parent_user_id", "identity_key_hash"}

func readContact(v jsontree.Value, ct *message.Contact) {
	*ct = message.Contact{Offset: v.Offset()}
	raw := [len(contactRaw)]*string{&ct.Phone, &ct.UserID, &ct.ParentUserID, &ct.IdentityKeyHash}
	v.ForEach(func(k, x jsontree.Value) bool {
		name := k.Str()
		if i := slices.Index(contactRaw[:], name); i >= 0 {
			*raw[i] = x.Raw()
		} else if name == "profile" {
			ct.HasProfile = x.IsObject()
			ct.Name, ct.Username = x.Get("name").Raw(), x.Get("username").Raw()
		}
		return true
	})
}

// messageRaw and messageValues name the members of a message object that
// readMessage takes as JSON text and as values, in the order of the
// fields it puts them in.
var (
	messageRaw    = [...]string{"id", "from", "from_user_id", "from_parent_user_id", "timestamp", "group_id"}
	messageValues = [...]string{"type", "errors", "context", "referral", "identity"}
)

func readMessage(v jsontree.Value, m *message.Message) {
	*m = message.Message{Offset: v.Offset(), Errors: m.Errors[:0]}
	var typV, errs, context, referral jsontree.Value
	raw := [len(messageRaw)]*string{&m.ID, &m.From.Phone, &m.From.UserID, &m.From.ParentUserID, &m.Time.Raw, &m.GroupID}
	vals := [len(messageValues)]*jsontree.Value{&typV, &errs, &context, &referral, &m.Identity}
	// one pass over the members, rather than a lookup per field
	v.ForEach(func(k, x jsontree.Value) bool {
		name := k.Str()
		if i := slices.Index(messageRaw[:], name); i >= 0 {
			*raw[i] = x.Raw()
		} else if i := slices.Index(messageValues[:], name); i >= 0 {
			*vals[i] = x
		}
		return true
	})
	typ := typV.Str()
	m.Kind = kindOf(typ, v)
	m.HasErrors, m.Errors = errs.IsArray(), readErrors(errs, m.Errors)
	if m.Kind == message.KindOther {
		m.Type = typ
		m.Body = v.Get(typ)
		if sub := m.Body.Get("type").Str(); typ == TypeInteractive && sub != "" {
			m.Type = sub
		}
	}
	if context.IsObject() {
		m.Context = readContext(context)
	}
	if referral.IsObject() {
		m.Referral = readReferral(referral)
	}
	if read := bodyReaders[m.Kind]; read != nil {
		read(v, v.Get(typ), m)
	}
}

// readBody reads the member that carries the content of a message of type typ.
// bodyReaders read the member that carries a message's content, by kind.
var bodyReaders map[message.Kind]func(msg, body jsontree.Value, m *message.Message)

func init() {
	media := func(_, body jsontree.Value, m *message.Message) {
		if body.IsObject() {
			m.Media = readMedia(body)
		}
	}
	reply := func(_, body jsontree.Value, m *message.Message) {
		r := body.Get(m.Kind.String())
		m.Reply = message.Reply{Present: r.IsObject(), ID: r.Get("id").Raw(), Title: r.Get("title").Raw(),
			Description: r.Get("description").Raw()}
	}
	object := func(_, body jsontree.Value, m *message.Message) {
		if body.IsObject() {
			m.Body = body
		}
	}
	inner := func(_, body jsontree.Value, m *message.Message) { // the reply object inside interactive
		if r := body.Get(m.Kind.String()); r.IsObject() {
			m.Body = r
		}
	}
	bodyReaders = map[message.Kind]func(msg, body jsontree.Value, m *message.Message){
		message.Text:  func(_, body jsontree.Value, m *message.Message) { m.Text = body.Get("body").Raw() },
		message.Image: media, message.Audio: media, message.Voice: media, message.Video: media,
		message.Document: media, message.Sticker: media,
		message.Location: func(_, b jsontree.Value, m *message.Message) {
			m.Location = message.Place{Lat: b.Get("latitude").Raw(), Long: b.Get("longitude").Raw(), Name: b.Get("name").Raw(),
				Address: b.Get("address").Raw(), URL: b.Get("url").Raw()}
		},
		message.Contacts: func(_, body jsontree.Value, m *message.Message) {
			if body.IsArray() {
				m.Cards = body
			}
		},
		message.Button: func(_, body jsontree.Value, m *message.Message) {
			if body.IsObject() {
				m.Button = message.TemplateButton{Text: body.Get("text").Raw(), Payload: body.Get("payload").Raw()}
			}
		},
		message.ButtonReply: reply, message.ListReply: reply,
		message.FlowReply: inner, message.CallPermissionReply: inner,
		message.AddressReply: func(_, body jsontree.Value, m *message.Message) {
			m.Address = common.ReadAddress(body.Get(InteractiveNfmReply))
		},
		message.Order: object, message.Reaction: object,
		message.Unsupported: func(msg, _ jsontree.Value, m *message.Message) { object(msg, msg.Get(TypeUnsupported), m) },
		message.System: func(_, body jsontree.Value, m *message.Message) {
			if body.IsObject() {
				m.System = readSystem(body)
			}
		},
		message.Edit: func(_, body jsontree.Value, m *message.Message) {
			m.Original = body.Get("original_message_id").Raw()
			if in := body.Get("message"); in.IsObject() {
				m.Edited = &message.Message{}
				readMessage(in, m.Edited)
			}
		},
		message.Revoke: func(_, body jsontree.Value, m *message.Message) { m.Original = body.Get("original_message_id").Raw() },
	}
}

// mediaRaw names the members of a media object taken as JSON text, in
// the order of the fields readMedia puts them in.
var mediaRaw = [...]string{"id", "mime_type", "sha256", "caption", "filename", "animated", "url", "link", "voice"}

func readMedia(v jsontree.Value) message.Media {
	var md message.Media
	raw := [len(mediaRaw)]*string{&md.ID, &md.MIME, &md.SHA256, &md.Caption, &md.Filename, &md.Animated, &md.URL, &md.Link, &md.Voice}
	v.ForEach(func(k, x jsontree.Value) bool {
		name := k.Str()
		if i := slices.Index(mediaRaw[:], name); i >= 0 {
			*raw[i] = x.Raw()
		} else if name == "metadata" {
			md.Metadata = x
		}
		return true
	})
	return md
}

func readContext(v jsontree.Value) message.Context {
	return message.Context{Present: true, From: v.Get("from").Raw(), ID: v.Get("id").Raw(), GroupID: v.Get("group_id").Raw(),
		Forwarded: v.Get("forwarded").Raw(), Frequent: v.Get("frequently_forwarded").Raw(),
		Mentions: v.Get("mentions"), Product: v.Get("referred_product")}
}

func readReferral(v jsontree.Value) message.Referral {
	r := message.Referral{Present: true, Headline: v.Get("headline").Raw(), Body: v.Get("body").Raw(),
		SourceType: v.Get("source_type").Raw(), SourceID: v.Get("source_id").Raw(), SourceURL: v.Get("source_url").Raw(),
		MediaType: v.Get("media_type").Raw(), ImageURL: v.Get("image_url").Raw(), VideoURL: v.Get("video_url").Raw(),
		ThumbnailURL: v.Get("thumbnail_url").Raw(), CtwaClid: v.Get("ctwa_clid").Raw(), Welcome: v.Get("welcome_message")}
	if r.MediaType != "" {
		return r
	}
	// On-Premises: the ad's media object, the first of image or video.
	v.ForEach(func(k, x jsontree.Value) bool {
		name := k.Str()
		if (name != "image" && name != "video") || !x.IsObject() {
			return true
		}
		r.MediaType = message.Quote(name)
		if name == "image" {
			r.ImageURL = common.FirstOf(x.Get("link").Raw(), r.ImageURL)
		} else {
			r.VideoURL = common.FirstOf(x.Get("link").Raw(), r.VideoURL)
		}
		return false
	})
	return r
}

func readSystem(v jsontree.Value) message.SystemChange {
	return message.SystemChange{Present: true, Body: v.Get("body").Raw(), Type: v.Get("type").Raw(),
		NewWaID: v.Get("new_wa_id").Raw(), WaID: v.Get("wa_id").Raw(), Identity: v.Get("identity").Raw(),
		User: v.Get("user").Raw(), Customer: v.Get("customer").Raw(), UserID: v.Get("user_id").Raw(),
		ParentUserID: v.Get("parent_user_id").Raw()}
}

func readError(el jsontree.Value) message.Error {
	return message.Error{Offset: el.Offset(), Code: el.Get("code").Raw(), Title: el.Get("title").Raw(),
		Details: el.Get("details").Raw(), Message: el.Get("message").Raw(), Href: el.Get("href").Raw(),
		DataDetails: el.Get("error_data").Get("details").Raw()}
}

func readErrors(v jsontree.Value, out []message.Error) []message.Error {
	v.ForEach(func(_, el jsontree.Value) bool {
		if el.IsObject() {
			out = append(out, readError(el))
		}
		return true
	})
	return out
}

func readStatus(v jsontree.Value, s *message.Status) {
	st, errs := v.Get("status"), v.Get("errors")
	*s = message.Status{Offset: v.Offset(), ID: v.Get("id").Raw(), State: message.ParseState(st.Str()), StateRaw: st.Raw(),
		Time: message.Time{Raw: v.Get("timestamp").Raw()},
		Recipient: message.Party{Phone: v.Get("recipient_id").Raw(), UserID: v.Get("recipient_user_id").Raw(),
			ParentUserID: v.Get("parent_recipient_user_id").Raw()},
		Type: v.Get("type").Raw(), Conversation: v.Get("conversation"), Pricing: v.Get("pricing"),
		RecipientType: v.Get("recipient_type").Raw(), ParticipantID: v.Get("recipient_participant_id").Raw(),
		IdentityKeyHash: v.Get("recipient_identity_key_hash").Raw(), BizOpaque: v.Get("biz_opaque_callback_data").Raw(),
		HasErrors: errs.IsArray(), Errors: readErrors(errs, s.Errors[:0])}
}
