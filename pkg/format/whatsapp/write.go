package whatsapp

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"sync"

	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// Writing turns the canonical model into a native notification. Sub-objects
// shared with other formats (orders, reactions, pricing, contact cards…)
// are copied member by member against this variant's own tables — the ones
// `wamo validate` checks — so that the output carries only what the variant
// documents.

// tableSet holds the sub-object tables of one variant.
type tableSet struct {
	card, identity, order, reaction, nfm, callPerm, unsupported *spec.Object
	product, stickerMeta, conversation, pricing, welcome        *spec.Object
}

func sub(o *spec.Object, names ...string) *spec.Object {
	for _, n := range names {
		if o == nil {
			return nil
		}
		f := o.Field(n)
		if f == nil {
			return nil
		}
		o = f.Object
	}
	return o
}

func newTables(s *Schemas) *tableSet {
	m := s.Message
	return &tableSet{
		card:         sub(m, TypeContacts),
		identity:     sub(m, "identity"),
		order:        sub(m, TypeOrder),
		reaction:     sub(m, TypeReaction),
		nfm:          sub(m, TypeInteractive, InteractiveNfmReply),
		callPerm:     sub(m, TypeInteractive, InteractiveCallPermissionReply),
		unsupported:  sub(m, TypeUnsupported),
		product:      sub(m, "context", "referred_product"),
		stickerMeta:  sub(m, TypeSticker, "metadata"),
		conversation: sub(s.Status, "conversation"),
		pricing:      sub(s.Status, "pricing"),
		welcome:      sub(m, "referral", "welcome_message"),
	}
}

var (
	onPremTables = sync.OnceValue(func() *tableSet { return newTables(OnPremSchemas()) })
	cloudTables  = sync.OnceValue(func() *tableSet { return newTables(CloudSchemas()) })
)

// NewOnPremWriter returns a writer of one On-Premises body: the batches it
// receives are merged, with one contact per sender.
func NewOnPremWriter() message.Writer { return &writer{v: OnPrem} }

// NewCloudWriter returns a writer of a Cloud API envelope: one entry, one
// change per batch that has content.
func NewCloudWriter() message.Writer { return &writer{v: CloudAPI} }

// Reset implements message.Writer.
func (w *writer) Reset(o message.WriteOptions) {
	w.o = o
	w.tables = onPremTables()
	if w.cloud() {
		w.tables = cloudTables()
	}
	w.resetSections()
	w.batch, w.batches = message.Batch{}, 0
	w.noContacts, w.noErrors, w.content = false, false, false
	clear(w.earlier)
	clear(w.current)
	w.changes, w.held, w.started = 0, w.held[:0], false
}

type writer struct {
	v      Variant
	o      message.WriteOptions
	tables *tableSet

	// the arrays of the batch being written (of the whole body for
	// On-Premises), written as they arrive and spliced in at the end
	contacts, messages, statuses, errs jsontree.Writer
	n                                  [4]int // elements in each section
	batch                              message.Batch
	batches                            int
	noContacts, noErrors               bool
	content                            bool // the batch (body) has something to carry

	// On-Premises: wa_ids of the contacts of earlier batches (merged bodies
	// keep one contact per sender)
	earlier, current map[string]bool

	// Cloud: the envelope so far, the changes written, fills held until
	// their change is known to be written
	doc     jsontree.Writer
	changes int
	held    []message.Fill
	started bool

	bc bodyCtx // the message whose body is being written
}

const (
	secContacts = iota
	secMessages
	secStatuses
	secErrors
)

func (w *writer) cloud() bool { return w.v == CloudAPI }

// path names a member of the current element of a section, for fills.
func (w *writer) path(sec int, rest string) string {
	b := make([]byte, 0, 48)
	if w.cloud() {
		b = append(b, "entry[0].changes["...)
		b = strconv.AppendInt(b, int64(w.changes), 10)
		b = append(b, "].value."...)
	}
	b = append(b, [...]string{"contacts", "messages", "statuses", "errors"}[sec]...)
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(w.n[sec]), 10)
	b = append(b, ']')
	if rest != "" {
		b = append(b, '.')
		b = append(b, rest...)
	}
	return string(b)
}

func (w *writer) fill(f message.Fill) {
	if w.cloud() {
		w.held = append(w.held, f)
		return
	}
	w.o.Filled(f)
}

func (w *writer) Batch(b *message.Batch) {
	if w.cloud() {
		w.flushChange()
	} else if w.batches > 0 {
		if w.earlier == nil {
			w.earlier = map[string]bool{}
		}
		for k := range w.current {
			w.earlier[k] = true
		}
		clear(w.current)
	}
	w.batch = *b
	w.batches++
	w.noContacts = w.noContacts || b.NoContacts
	w.noErrors = w.noErrors || b.NoErrors
	if b.NoErrors {
		w.content = true
	}
}

func (w *writer) Contact(ct *message.Contact) {
	if !w.cloud() && ct.Phone != "" {
		id := message.Str(ct.Phone)
		if w.earlier[id] {
			return // a sender an earlier batch named already
		}
		if w.current == nil {
			w.current = map[string]bool{}
		}
		w.current[id] = true
	}
	s := &w.contacts
	cloud := w.cloud()
	s.Elem()
	s.Obj()
	if ct.HasProfile || ct.Name != "" {
		s.Key("profile")
		s.Obj()
		s.KV("name", ct.Name)
		if cloud {
			s.KV("username", ct.Username)
		}
		s.EndObj()
	}
	w.phone(s, "wa_id", ct.Phone, cloud && ct.UserID != "", secContacts, noSenderPhone, ct.Offset)
	if cloud {
		s.KV("user_id", ct.UserID)
		s.KV("parent_user_id", ct.ParentUserID)
		s.KV("identity_key_hash", ct.IdentityKeyHash)
	}
	s.EndObj()
	w.n[secContacts]++
}

func (w *writer) Message(m *message.Message) {
	typ, inter := wireType(m.Kind, w.v)
	if typ == "" {
		return
	}
	w.content = true
	w.message(&w.messages, m, typ, inter, secMessages, "")
	w.n[secMessages]++
}

// message writes m; prefix is the path of m inside the current message
// ("edit.message" for an edit's content).
func (w *writer) message(s *jsontree.Writer, m *message.Message, typ, inter string, sec int, prefix string) {
	at := itemPath{w: w, sec: sec, prefix: prefix}
	if prefix == "" {
		s.Elem()
	}
	s.Obj()
	w.sender(s, m, prefix == "")
	s.KV("id", m.ID)
	w.time(s, m.Time, m.Offset, at, prefix == "")
	s.KStr("type", typ)
	s.KV("group_id", m.GroupID)
	if m.Context.Present {
		w.context(s, &m.Context)
	}
	w.body(s, m, typ, inter, at)
	if m.Referral.Present && !m.Referral.Null {
		w.referral(s, &m.Referral)
	}
	if m.Identity.Exists() {
		s.Key("identity")
		spec.Known(s, m.Identity, w.tables.identity)
	}
	if len(m.Errors) > 0 || m.HasErrors {
		s.Key("errors")
		s.Arr()
		for i := range m.Errors {
			w.error(s, &m.Errors[i], errorAt{at.at("errors[" + strconv.Itoa(i) + "].code"), m.Kind == message.Unsupported})
		}
		s.EndArr()
	}
	s.EndObj()
}

// sender writes who sent m: the wa_id, and in the Cloud API the user ids;
// a top-level message (top) without either gets a default wa_id.
func (w *writer) sender(s *jsontree.Writer, m *message.Message, top bool) {
	cloud := w.cloud()
	w.phone(s, "from", m.From.Phone, cloud && m.From.UserID != "" || !top, secMessages, noSenderPhone, m.Offset)
	if cloud {
		s.KV("from_user_id", m.From.UserID)
		s.KV("from_parent_user_id", m.From.ParentUserID)
	}
}

const noSenderPhone = "the sender has no phone number (a username-only user)"

// phone writes member key of the current element of section sec with a
// person's wa_id; without one, nothing when omit (a Cloud API user known
// by user id, an edit's content), else the default number (a fill).
func (w *writer) phone(s *jsontree.Writer, key, wa string, omit bool, sec int, reason string, off int) {
	switch {
	case wa != "":
		s.KV(key, wa)
	case omit:
	default:
		s.KStr(key, message.DefaultPhone)
		w.fill(message.Fill{Path: w.path(sec, key), Value: message.DefaultPhone, Reason: reason, Offset: off, Default: true})
	}
}

// context writes what a message answers or forwards.
func (w *writer) context(s *jsontree.Writer, cx *message.Context) {
	s.Key("context")
	s.Obj()
	s.KV("from", cx.From)
	s.KV("id", cx.ID)
	s.KV("group_id", cx.GroupID)
	if !w.cloud() {
		s.KValue("mentions", cx.Mentions)
	}
	s.KV("forwarded", cx.Forwarded)
	s.KV("frequently_forwarded", cx.Frequent)
	if cx.Product.Exists() {
		s.Key("referred_product")
		spec.Known(s, cx.Product, w.tables.product)
	}
	s.EndObj()
}

// time writes a native timestamp: as written, from the seconds another
// format gave, or — when the model has none — the current time (a default).
func (w *writer) time(s *jsontree.Writer, t message.Time, off int, at itemPath, fill bool) {
	switch {
	case t.Raw != "":
		s.KV("timestamp", t.Raw)
	case t.HasSec:
		s.KDigits("timestamp", t.Sec)
	case fill:
		now := w.o.Clock().Unix()
		s.KDigits("timestamp", now)
		w.fill(message.Fill{Path: at.at("timestamp"), Value: strconv.FormatInt(now, 10),
			Reason: "the source has no usable time", Offset: off, Default: true})
	}
}

// itemPath is where an item is written: the current element of section
// sec, and within it the member prefix (an edit's content). It names a
// member for fills, only when one is made.
type itemPath struct {
	w      *writer
	sec    int
	prefix string
}

func (p itemPath) at(rest string) string {
	if p.prefix != "" {
		rest = p.prefix + "." + rest
	}
	return p.w.path(p.sec, rest)
}

// bodyCtx is what a body writer needs: the message, its wire type and
// where it is written (at names a member of it, for fills).
type bodyCtx struct {
	s          *jsontree.Writer
	m          *message.Message
	typ, inter string
	at         itemPath
}

// body writes the member that carries m's content. Its context lives in
// the writer, not on the heap; an edit's content, written from within,
// puts back the outer context when done.
func (w *writer) body(s *jsontree.Writer, m *message.Message, typ, inter string, at itemPath) {
	if write := bodyWriters[m.Kind]; write != nil {
		outer := w.bc
		w.bc = bodyCtx{s, m, typ, inter, at}
		write(w, &w.bc)
		w.bc = outer
	}
}

// bodyWriters write the member that carries a message's content, by kind.
var bodyWriters map[message.Kind]func(w *writer, b *bodyCtx)

func init() {
	media := func(w *writer, b *bodyCtx) { w.media(b.s, b.m, b.typ, b.at) }
	known := func(member string, table func(*tableSet) *spec.Object) func(w *writer, b *bodyCtx) {
		return func(w *writer, b *bodyCtx) {
			b.s.Key(member)
			spec.Known(b.s, b.m.Body, table(w.tables))
		}
	}
	interactive := func(w *writer, b *bodyCtx) { w.interactive(b) }
	original := func(member string) func(w *writer, b *bodyCtx) {
		return func(w *writer, b *bodyCtx) {
			s := b.s
			s.Key(member)
			s.Obj()
			s.KV("original_message_id", b.m.Original)
			if in := b.m.Edited; in != nil && member == TypeEdit {
				if ityp, iinter := wireType(in.Kind, w.v); ityp != "" {
					s.Key("message")
					w.message(s, in, ityp, iinter, secMessages, TypeEdit+".message")
				}
			}
			s.EndObj()
		}
	}
	bodyWriters = map[message.Kind]func(w *writer, b *bodyCtx){
		message.Text: func(_ *writer, b *bodyCtx) {
			b.s.Key(TypeText)
			b.s.Obj()
			b.s.KV("body", b.m.Text)
			b.s.EndObj()
		},
		message.Image: media, message.Audio: media, message.Voice: media, message.Video: media,
		message.Document: media, message.Sticker: media,
		message.Location: func(_ *writer, b *bodyCtx) {
			s, l := b.s, &b.m.Location
			s.Key(TypeLocation)
			s.Obj()
			s.KV("latitude", l.Lat)
			s.KV("longitude", l.Long)
			s.KV("name", l.Name)
			s.KV("address", l.Address)
			s.KV("url", l.URL)
			s.EndObj()
		},
		message.Contacts: func(w *writer, b *bodyCtx) {
			b.s.Key(TypeContacts)
			common.WriteCards(b.s, b.m.Cards, common.CardStyle{Card: w.tables.card, NeedsName: w.cloud()},
				func(path, value string, off int) {
					w.fill(message.Fill{Path: b.at.at(TypeContacts + path), Value: value,
						Reason: "the Cloud API requires a contact card's formatted_name", Offset: off, Default: true})
				})
		},
		message.Button: func(_ *writer, b *bodyCtx) {
			b.s.Key(TypeButton)
			b.s.Obj()
			b.s.KV("payload", b.m.Button.Payload)
			b.s.KV("text", b.m.Button.Text)
			b.s.EndObj()
		},
		message.ButtonReply: interactive, message.ListReply: interactive,
		message.FlowReply: interactive, message.CallPermissionReply: interactive, message.AddressReply: interactive,
		message.Order:    known(TypeOrder, func(t *tableSet) *spec.Object { return t.order }),
		message.Reaction: known(TypeReaction, func(t *tableSet) *spec.Object { return t.reaction }),
		message.System:   func(w *writer, b *bodyCtx) { w.system(b.s, &b.m.System) },
		message.Unsupported: func(w *writer, b *bodyCtx) {
			if w.cloud() && b.m.Body.Exists() {
				known(TypeUnsupported, func(t *tableSet) *spec.Object { return t.unsupported })(w, b)
			}
		},
		message.Edit:   original(TypeEdit),
		message.Revoke: original(TypeRevoke),
	}
}

// interactive writes an interactive reply.
func (w *writer) interactive(b *bodyCtx) {
	s, m, inter := b.s, b.m, b.inter
	s.Key(TypeInteractive)
	s.Obj()
	s.KStr("type", inter)
	s.Key(inter)
	switch m.Kind {
	case message.ButtonReply, message.ListReply:
		s.Obj()
		s.KV("id", m.Reply.ID)
		s.KV("title", message.ReplyTitle(m, func(title string) {
			w.fill(message.Fill{Path: b.at.at(TypeInteractive + "." + inter + ".title"), Value: title,
				Reason: "the source gives the reply no title: its id stands in", Offset: m.Offset, Default: true})
		}))
		if m.Kind == message.ListReply {
			s.KV("description", m.Reply.Description)
		}
		s.EndObj()
	case message.FlowReply:
		spec.Known(s, m.Body, w.tables.nfm)
	case message.AddressReply:
		common.WriteAddress(s, &m.Address)
	default:
		spec.Known(s, m.Body, w.tables.callPerm)
	}
	s.EndObj()
}

func (w *writer) media(s *jsontree.Writer, m *message.Message, typ string, at itemPath) {
	s.Key(typ)
	s.Obj()
	w.mediaFile(s, m, typ, at)
	w.mediaOfType(s, m, typ)
	s.EndObj()
}

// mediaFile writes what every medium has: id (the message id standing in
// for a source without one), type, digest in the variant's encoding, and
// where to download it.
func (w *writer) mediaFile(s *jsontree.Writer, m *message.Message, typ string, at itemPath) {
	md := &m.Media
	if md.ID != "" {
		s.KV("id", md.ID)
	} else {
		id := message.Str(m.ID)
		s.KStr("id", id)
		w.fill(message.Fill{Path: at.at(typ + ".id"), Value: id,
			Reason: "the source has no media id; the message id stands in", Offset: m.Offset, Default: true})
	}
	s.KV("mime_type", md.MIME)
	if w.cloud() {
		if md.SHA256 != "" {
			s.KV("sha256", hexToBase64(md.SHA256))
		}
		s.KV("url", common.FirstOf(md.URL, md.Link))
		return
	}
	if md.SHA256 != "" {
		s.KV("sha256", base64ToHex(md.SHA256))
	}
	s.KV("link", common.FirstOf(md.Link, md.URL))
}

// mediaOfType writes the members only some media types have: captions,
// file names, sticker flags and metadata, the Cloud API voice flag.
func (w *writer) mediaOfType(s *jsontree.Writer, m *message.Message, typ string) {
	md := &m.Media
	switch typ {
	case TypeImage, TypeVideo:
		s.KV("caption", md.Caption)
	case TypeDocument:
		s.KV("caption", md.Caption)
		s.KV("filename", md.Filename)
	case TypeSticker:
		s.KV("animated", md.Animated)
		if !w.cloud() && md.Metadata.Exists() {
			s.Key("metadata")
			spec.Known(s, md.Metadata, w.tables.stickerMeta)
		}
	case TypeAudio:
		if w.cloud() {
			w.voiceFlag(s, m)
		}
	}
}

// voiceFlag writes the Cloud API audio.voice: true for voice notes, as
// written, else false.
func (w *writer) voiceFlag(s *jsontree.Writer, m *message.Message) {
	switch {
	case m.Kind == message.Voice:
		s.KBool("voice", true)
	case m.Media.Voice != "":
		s.KV("voice", m.Media.Voice)
	default:
		s.KBool("voice", false)
	}
}

func (w *writer) system(s *jsontree.Writer, sy *message.SystemChange) {
	s.Key(TypeSystem)
	s.Obj()
	s.KV("body", sy.Body)
	// The new number is new_wa_id in On-Premises, wa_id in the Cloud API.
	wa, nw := sy.WaID, sy.NewWaID
	if w.cloud() {
		if wa == "" {
			wa, nw = nw, ""
		}
		s.KV("wa_id", wa)
		s.KV("new_wa_id", nw)
	} else {
		if nw == "" {
			nw, wa = wa, ""
		}
		s.KV("new_wa_id", nw)
		s.KV("wa_id", wa)
	}
	s.KV("type", sy.Type)
	s.KV("identity", sy.Identity)
	s.KV("user", sy.User)
	s.KV("customer", sy.Customer)
	s.KV("user_id", sy.UserID)
	s.KV("parent_user_id", sy.ParentUserID)
	s.EndObj()
}

// present reports whether raw holds a value other than null.
func present(raw string) bool { return raw != "" && raw != "null" }

func (w *writer) referral(s *jsontree.Writer, r *message.Referral) {
	kv := func(k, raw string) {
		if present(raw) {
			s.KV(k, raw)
		}
	}
	s.Key("referral")
	s.Obj()
	kv("source_url", r.SourceURL)
	kv("source_id", r.SourceID)
	if st := message.Str(r.SourceType); st == "ad" || st == "post" {
		s.KV("source_type", r.SourceType)
	}
	kv("body", r.Body)
	kv("headline", r.Headline)
	mt := message.Str(r.MediaType)
	if w.cloud() {
		if mt == "image" || mt == "video" {
			s.KV("media_type", r.MediaType)
		}
		kv("image_url", r.ImageURL)
		kv("video_url", r.VideoURL)
		kv("thumbnail_url", r.ThumbnailURL)
		kv("ctwa_clid", r.CtwaClid)
		if r.Welcome.Exists() {
			s.Key("welcome_message")
			spec.Known(s, r.Welcome, w.tables.welcome)
		}
	} else if mt == "image" || mt == "video" {
		s.Key(mt)
		s.Obj()
		if mt == "image" {
			kv("link", r.ImageURL)
		} else {
			kv("link", r.VideoURL)
		}
		s.EndObj()
	}
	s.EndObj()
}

func (w *writer) Status(st *message.Status) {
	if !carriesState(st.State, w.v) {
		return
	}
	w.content = true
	cloud, s := w.cloud(), &w.statuses
	s.Elem()
	s.Obj()
	s.KV("id", st.ID)
	if st.StateRaw != "" {
		s.KV("status", st.StateRaw)
	} else {
		// A model built rather than read (gen) names the state only;
		// carriesState has ruled out StateOther.
		s.KStr("status", st.State.String())
	}
	w.time(s, st.Time, st.Offset, itemPath{w: w, sec: secStatuses}, true)
	w.phone(s, "recipient_id", st.Recipient.Phone, cloud && st.Recipient.UserID != "", secStatuses, "the recipient has no phone number (a username-only user)", st.Offset)
	if cloud {
		s.KV("recipient_type", st.RecipientType)
		s.KV("recipient_participant_id", st.ParticipantID)
		s.KV("recipient_user_id", st.Recipient.UserID)
		s.KV("parent_recipient_user_id", st.Recipient.ParentUserID)
		s.KV("recipient_identity_key_hash", st.IdentityKeyHash)
		s.KV("biz_opaque_callback_data", st.BizOpaque)
	}
	s.KV("type", st.Type)
	if st.Conversation.Exists() {
		s.Key("conversation")
		spec.Known(s, st.Conversation, w.tables.conversation)
	}
	if st.Pricing.Exists() {
		s.Key("pricing")
		spec.Known(s, st.Pricing, w.tables.pricing)
	}
	if st.State == message.Failed && len(st.Errors) == 0 {
		// a failed status must say why; the source does not
		s.Key("errors")
		s.Arr()
		w.error(s, &message.Error{Offset: st.Offset, Title: message.Quote("Unknown error")},
			errorAt{path: w.path(secStatuses, "errors[0].code")})
		s.EndArr()
	} else if len(st.Errors) > 0 || st.HasErrors {
		s.Key("errors")
		s.Arr()
		for i := range st.Errors {
			w.error(s, &st.Errors[i], errorAt{path: w.path(secStatuses, "errors["+strconv.Itoa(i)+"].code")})
		}
		s.EndArr()
	}
	s.EndObj()
	w.n[secStatuses]++
}

func (w *writer) Error(e *message.Error) {
	w.content = true
	w.error(&w.errs, e, errorAt{path: w.path(secErrors, "code")})
	w.n[secErrors]++
}

// Error codes written for errors whose source gives none (a Conversation
// API reason is a word, not a number): Meta's "message type unknown" for
// messages that could not be delivered (On-Premises: 501 "Unknown message
// type"), its generic 131000 "Something went wrong" otherwise.
const (
	CodeUnsupportedCloud  = "131051"
	CodeUnsupportedOnPrem = "501"
	CodeGeneric           = "131000"
)

// errorAt says where an error is written, for the fill of a missing code.
type errorAt struct {
	path        string
	unsupported bool // the error of a message the provider could not deliver
}

// error writes an error object in the variant's shape.
func (w *writer) error(s *jsontree.Writer, e *message.Error, at errorAt) {
	s.Elem()
	s.Obj()
	if _, err := strconv.ParseInt(e.Code, 10, 64); err == nil {
		s.KV("code", e.Code)
	} else {
		code := CodeGeneric
		if at.unsupported {
			code = CodeUnsupportedOnPrem
			if w.cloud() {
				code = CodeUnsupportedCloud
			}
		}
		s.Key("code")
		s.Append([]byte(code)...)
		w.fill(message.Fill{Path: at.path, Value: code, Reason: "the source gives no numeric error code", Offset: e.Offset, Default: true})
	}
	s.KV("title", e.Title)
	if w.cloud() {
		s.KV("message", common.FirstOf(e.Message, e.Title))
		if d := common.FirstOf(e.DataDetails, e.Details); d != "" {
			s.Key("error_data")
			s.Obj()
			s.KV("details", d)
			s.EndObj()
		}
	} else {
		s.KV("details", common.FirstOf(e.Details, e.DataDetails))
	}
	s.KV("href", e.Href)
	s.EndObj()
}

// splice writes a section as the member key when it holds elements, or as
// an empty array when empty is set.
func (w *writer) splice(d *jsontree.Writer, key string, sec int, empty bool) {
	switch {
	case w.n[sec] > 0:
		d.Key(key)
		d.Arr()
		sw := [...]*jsontree.Writer{&w.contacts, &w.messages, &w.statuses, &w.errs}[sec]
		d.Splice(sw.Bytes())
		d.EndArr()
	case empty:
		d.Key(key)
		d.Arr()
		d.EndArr()
	}
}

// resetSections empties the sections. They sit at the depth of their
// array's elements: {"messages":[ for On-Premises,
// {"entry":[{"changes":[{"value":{"messages":[ for the Cloud API.
func (w *writer) resetSections() {
	depth := 1
	if w.cloud() {
		depth = 6
	}
	for i, s := range [...]*jsontree.Writer{&w.contacts, &w.messages, &w.statuses, &w.errs} {
		s.Section(w.o.Pretty, depth)
		w.n[i] = 0
	}
}

// flushChange writes the batch received so far as a Cloud API change, if
// it has content.
func (w *writer) flushChange() {
	if w.batches == 0 {
		return
	}
	defer func() {
		w.resetSections()
		w.held = w.held[:0]
		w.content, w.noContacts, w.noErrors = false, false, false
	}()
	if !w.content {
		return
	}
	d := &w.doc
	if !w.started {
		w.started = true
		d.Reset(w.o.Pretty, 0)
		d.Obj()
		d.KStr("object", "whatsapp_business_account")
		d.Key("entry")
		d.Arr()
		d.Elem()
		d.Obj()
		waba := w.o.AccountID
		if waba == "" {
			waba = message.DefaultAccountID
			w.o.Filled(message.Fill{Path: "entry[0].id", Value: waba,
				Reason: "the Cloud API envelope needs the WhatsApp Business Account id", Option: message.OptAccountID, Default: true})
		}
		d.KStr("id", waba)
		d.Key("changes")
		d.Arr()
	}
	d.Elem()
	d.Obj()
	d.Key("value")
	d.Obj()
	d.KStr("messaging_product", "whatsapp")
	d.Key("metadata")
	d.Obj()
	prefix := "entry[0].changes[" + strconv.Itoa(w.changes) + "].value.metadata."
	b := &w.batch
	business := b.Business
	if business == "" {
		business = common.FirstOf(w.o.DisplayPhoneNumber, w.o.Origin)
		def := business == ""
		if def {
			business = message.DefaultBusinessNumber
		}
		w.o.Filled(message.Fill{Path: prefix + "display_phone_number", Value: business,
			Reason: "the source carries no business phone number", Option: message.OptBusinessNumber, Offset: b.Offset, Default: def})
	}
	d.KStr("display_phone_number", business)
	switch {
	case b.PhoneNumberID != "":
		d.KV("phone_number_id", b.PhoneNumberID)
	default:
		id, def := w.o.PhoneNumberID, w.o.PhoneNumberID == ""
		if def {
			id = message.DefaultPhoneNumberID
		}
		d.KStr("phone_number_id", id)
		w.o.Filled(message.Fill{Path: prefix + "phone_number_id", Value: id,
			Reason: "the source carries no phone number id", Option: message.OptPhoneNumberID, Offset: b.Offset, Default: def})
	}
	d.EndObj()
	w.splice(d, "contacts", secContacts, w.noContacts)
	w.splice(d, "messages", secMessages, false)
	w.splice(d, "statuses", secStatuses, false)
	w.splice(d, "errors", secErrors, w.noErrors)
	d.EndObj()
	d.KStr("field", "messages")
	d.EndObj()
	for _, f := range w.held {
		w.o.Filled(f)
	}
	w.changes++
}

func (w *writer) End() ([]byte, bool) {
	if w.cloud() {
		w.flushChange()
		if !w.started {
			return nil, false
		}
		d := &w.doc
		d.EndArr()
		d.EndObj()
		d.EndArr()
		d.EndObj()
		return d.Bytes(), true
	}
	if !w.content {
		return nil, false
	}
	d := &w.doc
	d.Reset(w.o.Pretty, 0)
	d.Obj()
	w.splice(d, "contacts", secContacts, w.noContacts && w.batches == 1)
	w.splice(d, "messages", secMessages, false)
	w.splice(d, "statuses", secStatuses, false)
	w.splice(d, "errors", secErrors, w.noErrors)
	d.EndObj()
	return d.Bytes(), true
}

// hexToBase64 re-encodes an On-Premises sha256 (64 hex digits) as the
// Cloud API writes it (base64 of the same 32 bytes); anything else is kept.
func hexToBase64(raw string) string {
	s := message.Str(raw)
	if len(s) != 64 {
		return raw
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return raw
	}
	return message.Quote(base64.StdEncoding.EncodeToString(b))
}

// base64ToHex is the inverse: a Cloud sha256 (base64 of 32 bytes) as hex.
func base64ToHex(raw string) string {
	s := message.Str(raw)
	if len(s) != 44 {
		return raw
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return raw
	}
	return message.Quote(hex.EncodeToString(b))
}
