package whatsapp

import (
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

func readContact(v jsontree.Value, ct *message.Contact) {
	*ct = message.Contact{Offset: v.Offset()}
	v.ForEach(func(k, x jsontree.Value) bool {
		switch k.Str() {
		case "wa_id":
			ct.Phone = x.Raw()
		case "profile":
			if x.IsObject() {
				ct.HasProfile = true
				ct.Name = x.Get("name").Raw()
				ct.Username = x.Get("username").Raw()
			}
		case "user_id":
			ct.UserID = x.Raw()
		case "parent_user_id":
			ct.ParentUserID = x.Raw()
		case "identity_key_hash":
			ct.IdentityKeyHash = x.Raw()
		}
		return true
	})
}

// kindOf maps a native message type (and, for interactive messages, the
// interactive type) to the model's kind.
func kindOf(typ string, m jsontree.Value) message.Kind {
	switch typ {
	case TypeText:
		return message.Text
	case TypeImage:
		return message.Image
	case TypeAudio:
		if m.Get(TypeAudio).Get("voice").Truthy() {
			return message.Voice // a Cloud API voice note
		}
		return message.Audio
	case TypeVoice:
		return message.Voice
	case TypeVideo:
		return message.Video
	case TypeDocument:
		return message.Document
	case TypeSticker:
		return message.Sticker
	case TypeLocation:
		return message.Location
	case TypeContacts:
		return message.Contacts
	case TypeButton:
		return message.Button
	case TypeInteractive:
		if k, ok := interactiveKinds[m.Get(TypeInteractive).Get("type").Str()]; ok {
			return k
		}
	case TypeOrder:
		return message.Order
	case TypeSystem:
		return message.System
	case TypeReaction:
		return message.Reaction
	case TypeUnknown, TypeUnsupported:
		return message.Unsupported
	case TypeRequestWelcome:
		return message.RequestWelcome
	case TypeEdit:
		return message.Edit
	case TypeRevoke:
		return message.Revoke
	}
	return message.KindOther
}

func readMessage(v jsontree.Value, m *message.Message) {
	*m = message.Message{Offset: v.Offset(), Errors: m.Errors[:0]}
	typ := v.Get("type").Str()
	m.Kind = kindOf(typ, v)
	if m.Kind == message.KindOther {
		m.Type = typ
		m.Body = v.Get(typ)
		if sub := m.Body.Get("type").Str(); typ == TypeInteractive && sub != "" {
			m.Type = sub
		}
	}
	v.ForEach(func(k, x jsontree.Value) bool {
		switch k.Str() {
		case "from":
			m.From.Phone = x.Raw()
		case "from_user_id":
			m.From.UserID = x.Raw()
		case "from_parent_user_id":
			m.From.ParentUserID = x.Raw()
		case "id":
			m.ID = x.Raw()
		case "timestamp":
			m.Time.Raw = x.Raw()
		case "group_id":
			m.GroupID = x.Raw()
		case "context":
			if x.IsObject() {
				m.Context = readContext(x)
			}
		case "referral":
			if x.IsObject() {
				m.Referral = readReferral(x)
			}
		case "identity":
			m.Identity = x
		case "errors":
			m.Errors = readErrors(x, m.Errors)
			m.HasErrors = x.IsArray()
		}
		return true
	})
	readBody(v, typ, m)
}

// readBody reads the member that carries the content of a message of type typ.
func readBody(v jsontree.Value, typ string, m *message.Message) {
	body := v.Get(typ)
	switch k := m.Kind; {
	case k == message.Text:
		m.Text = body.Get("body").Raw()
	case k.IsMedia():
		if body.IsObject() {
			m.Media = readMedia(body)
		}
	case k == message.Location:
		body.ForEach(func(k, x jsontree.Value) bool {
			switch k.Str() {
			case "latitude":
				m.Location.Lat = x.Raw()
			case "longitude":
				m.Location.Long = x.Raw()
			case "name":
				m.Location.Name = x.Raw()
			case "address":
				m.Location.Address = x.Raw()
			case "url":
				m.Location.URL = x.Raw()
			}
			return true
		})
	case k == message.Contacts:
		if body.IsArray() {
			m.Cards = body
		}
	case k == message.Button:
		if body.IsObject() {
			m.Button = message.TemplateButton{Text: body.Get("text").Raw(), Payload: body.Get("payload").Raw()}
		}
	case k == message.ButtonReply, k == message.ListReply:
		r := body.Get(m.Kind.String())
		m.Reply = message.Reply{Present: r.IsObject(), ID: r.Get("id").Raw(), Title: r.Get("title").Raw(),
			Description: r.Get("description").Raw()}
	case k == message.FlowReply, k == message.CallPermissionReply:
		if r := body.Get(m.Kind.String()); r.IsObject() {
			m.Body = r
		}
	case k == message.Order, k == message.Reaction:
		if body.IsObject() {
			m.Body = body
		}
	case k == message.Unsupported:
		if b := v.Get(TypeUnsupported); b.IsObject() {
			m.Body = b
		}
	case k == message.System:
		if body.IsObject() {
			m.System = readSystem(body)
		}
	case k == message.Edit:
		m.Original = body.Get("original_message_id").Raw()
		if in := body.Get("message"); in.IsObject() {
			m.Edited = &message.Message{}
			readMessage(in, m.Edited)
		}
	case k == message.Revoke:
		m.Original = body.Get("original_message_id").Raw()
	}
}

func readMedia(v jsontree.Value) message.Media {
	var md message.Media
	v.ForEach(func(k, x jsontree.Value) bool {
		switch k.Str() {
		case "id":
			md.ID = x.Raw()
		case "mime_type":
			md.MIME = x.Raw()
		case "sha256":
			md.SHA256 = x.Raw()
		case "caption":
			md.Caption = x.Raw()
		case "filename":
			md.Filename = x.Raw()
		case "animated":
			md.Animated = x.Raw()
		case "url":
			md.URL = x.Raw()
		case "link":
			md.Link = x.Raw()
		case "voice":
			md.Voice = x.Raw()
		case "metadata":
			md.Metadata = x
		}
		return true
	})
	return md
}

func readContext(v jsontree.Value) message.Context {
	cx := message.Context{Present: true}
	v.ForEach(func(k, x jsontree.Value) bool {
		switch k.Str() {
		case "from":
			cx.From = x.Raw()
		case "id":
			cx.ID = x.Raw()
		case "group_id":
			cx.GroupID = x.Raw()
		case "forwarded":
			cx.Forwarded = x.Raw()
		case "frequently_forwarded":
			cx.Frequent = x.Raw()
		case "mentions":
			cx.Mentions = x
		case "referred_product":
			cx.Product = x
		}
		return true
	})
	return cx
}

func readReferral(v jsontree.Value) message.Referral {
	r := message.Referral{Present: true}
	v.ForEach(func(k, x jsontree.Value) bool {
		switch k.Str() {
		case "headline":
			r.Headline = x.Raw()
		case "body":
			r.Body = x.Raw()
		case "source_type":
			r.SourceType = x.Raw()
		case "source_id":
			r.SourceID = x.Raw()
		case "source_url":
			r.SourceURL = x.Raw()
		case "media_type":
			r.MediaType = x.Raw()
		case "image_url":
			r.ImageURL = x.Raw()
		case "video_url":
			r.VideoURL = x.Raw()
		case "thumbnail_url":
			r.ThumbnailURL = x.Raw()
		case "ctwa_clid":
			r.CtwaClid = x.Raw()
		case "welcome_message":
			r.Welcome = x
		case "image", "video": // On-Premises: the ad's media object
			if !x.IsObject() || r.MediaType != "" {
				return true
			}
			r.MediaType = message.Quote(k.Str())
			if l := x.Get("link"); l.Exists() {
				if k.Str() == "image" {
					r.ImageURL = l.Raw()
				} else {
					r.VideoURL = l.Raw()
				}
			}
		}
		return true
	})
	return r
}

func readSystem(v jsontree.Value) message.SystemChange {
	s := message.SystemChange{Present: true}
	v.ForEach(func(k, x jsontree.Value) bool {
		switch k.Str() {
		case "body":
			s.Body = x.Raw()
		case "type":
			s.Type = x.Raw()
		case "new_wa_id":
			s.NewWaID = x.Raw()
		case "wa_id":
			s.WaID = x.Raw()
		case "identity":
			s.Identity = x.Raw()
		case "user":
			s.User = x.Raw()
		case "customer":
			s.Customer = x.Raw()
		case "user_id":
			s.UserID = x.Raw()
		case "parent_user_id":
			s.ParentUserID = x.Raw()
		}
		return true
	})
	return s
}

func readError(el jsontree.Value) message.Error {
	e := message.Error{Offset: el.Offset()}
	el.ForEach(func(k, x jsontree.Value) bool {
		switch k.Str() {
		case "code":
			e.Code = x.Raw()
		case "title":
			e.Title = x.Raw()
		case "details":
			e.Details = x.Raw()
		case "message":
			e.Message = x.Raw()
		case "href":
			e.Href = x.Raw()
		case "error_data":
			e.DataDetails = x.Get("details").Raw()
		}
		return true
	})
	return e
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
	*s = message.Status{Offset: v.Offset(), Errors: s.Errors[:0]}
	v.ForEach(func(k, x jsontree.Value) bool {
		switch k.Str() {
		case "id":
			s.ID = x.Raw()
		case "status":
			s.State, s.StateRaw = message.ParseState(x.Str()), x.Raw()
		case "timestamp":
			s.Time.Raw = x.Raw()
		case "recipient_id":
			s.Recipient.Phone = x.Raw()
		case "recipient_user_id":
			s.Recipient.UserID = x.Raw()
		case "parent_recipient_user_id":
			s.Recipient.ParentUserID = x.Raw()
		case "type":
			s.Type = x.Raw()
		case "conversation":
			s.Conversation = x
		case "pricing":
			s.Pricing = x
		case "errors":
			s.Errors = readErrors(x, s.Errors)
			s.HasErrors = x.IsArray()
		case "recipient_type":
			s.RecipientType = x.Raw()
		case "recipient_participant_id":
			s.ParticipantID = x.Raw()
		case "recipient_identity_key_hash":
			s.IdentityKeyHash = x.Raw()
		case "biz_opaque_callback_data":
			s.BizOpaque = x.Raw()
		}
		return true
	})
}
