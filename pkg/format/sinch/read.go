package sinch

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

// Read hands a Sinch batch to h. Consecutive items from the same business
// number (origin) and of the same kind (MO or status) form a batch, as a
// Cloud API change would; an item's userProfile becomes a contact of its
// batch (one per wa_id, the first profile wins).
func (r *reader) Read(root jsontree.Value, h message.Handler, o message.ReadOptions) {
	r.o, r.h = o, h
	defer func() { r.h = nil }()
	open := false
	var kind uint8
	var business string
	seen := r.seen
	root.Get("data").ForEach(func(_, item jsontree.Value) bool {
		if !item.IsObject() {
			return true
		}
		k := itemKind(item)
		origin := item.Get("origin").Str()
		if !open || k != kind || origin != business {
			open, kind, business = true, k, origin
			r.b = message.Batch{Offset: item.Offset(), Business: origin}
			h.Batch(&r.b)
			clear(seen)
		}
		if k == kindStatus {
			readStatus(item, &r.s)
			h.Status(&r.s)
			return true
		}
		r.mo(item, &seen)
		return true
	})
	r.seen = seen
}

// Item kinds: an MO (source + message) or a status callback (destination +
// sent/delivered flags), told apart as the validator does.
const (
	kindMO uint8 = iota + 1
	kindStatus
)

func itemKind(v jsontree.Value) uint8 {
	kind := kindMO
	v.ForEach(func(k, _ jsontree.Value) bool {
		switch k.Str() {
		case "source", "message", "receivedAt":
			kind = kindMO
			return false
		case "destination", "sent", "delivered", "sentStatusCode", "deliveredStatusCode":
			kind = kindStatus
			return false
		}
		return true
	})
	return kind
}

type reader struct {
	o    message.ReadOptions
	h    message.Handler
	b    message.Batch
	c    message.Contact
	m    message.Message
	mm   messageMembers
	s    message.Status
	seen map[string]bool
}

// NewReader returns a reader of Sinch batches.
func NewReader() message.Reader { return &reader{} }

// mo reads an MO item: its sender's profile (a contact, when its batch has
// not named that sender yet), then the message.
func (r *reader) mo(item jsontree.Value, seen *map[string]bool) {
	m := &r.m
	*m = message.Message{Offset: item.Offset()}
	var msg, prof, at, date jsontree.Value
	origin := item.Get("origin")
	item.ForEach(func(k, x jsontree.Value) bool {
		switch k.Str() {
		case "id":
			m.ID = x.Raw()
		case "source":
			m.From.Phone = x.Raw()
		case "userProfile":
			prof = x
		case "messageId":
			// native context ids must not be empty
			if !blankString(x) {
				m.Context = message.Context{Present: true, ID: x.Raw(), From: origin.Raw()}
			}
		case "message":
			msg = x
		case "receivedAt":
			at = x
		case "receivedDate":
			date = x
		case "referral":
			m.Referral = readReferral(x)
		}
		return true
	})
	m.Time.Sec, m.Time.Milli, m.Time.HasSec = seconds(at, date)
	if prof.IsObject() {
		r.profile(item, prof, seen)
	}
	if msg.IsObject() {
		readMessage(msg, m, &r.mm)
	}
	r.mediaFromURL(m)
	r.h.Message(m)
}

// profile reads an MO's userProfile: the sender's name, and a contact
// when the batch has not named that sender yet.
func (r *reader) profile(item, prof jsontree.Value, seen *map[string]bool) {
	m := &r.m
	name := prof.Get("name")
	m.From.Name = name.Str()
	ct := &r.c
	*ct = message.Contact{Offset: item.Offset(), Phone: m.From.Phone}
	if w := prof.Get("whatsAppId"); w.Exists() {
		ct.Phone = w.Raw()
	}
	ct.Name = name.Raw()
	ct.HasProfile = ct.Name != ""
	id := message.Str(ct.Phone)
	if (*seen)[id] {
		return
	}
	if *seen == nil {
		*seen = map[string]bool{}
	}
	(*seen)[id] = true
	r.h.Contact(ct)
}

// mediaFromURL undoes what the writer does for media without URL: a
// mediaUrl made of the media base URL and a media id gives the id back.
func (r *reader) mediaFromURL(m *message.Message) {
	u := message.Str(m.Media.URL)
	base := r.o.MediaBase()
	if u == "" || !strings.HasPrefix(u, base) || len(u) == len(base) {
		return
	}
	id, err := url.PathUnescape(u[len(base):])
	if err != nil || id == "" {
		return
	}
	m.Media.URL = ""
	m.Media.ID = message.Quote(id)
}

// seconds turns receivedAt (epoch ms) — or receivedDate when receivedAt is
// unusable — into epoch seconds and milliseconds.
func seconds(at, date jsontree.Value) (int64, int, bool) {
	if at.IsNumber() {
		if n, ok := at.Int(); ok {
			s := floorDiv(n, 1000)
			return s, int(n - s*1000), true
		}
		if f := at.Num(); !math.IsInf(f, 0) && !math.IsNaN(f) && math.Abs(f) < 1e18 {
			return int64(math.Floor(f / 1000)), 0, true
		}
	}
	if date.IsString() {
		if t, ok := common.ParseISO(date.Str()); ok {
			return t.Unix(), t.Nanosecond() / 1e6, true
		}
	}
	return 0, 0, false
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// messageMembers are the members of a Sinch message object, gathered in
// one pass over it.
type messageMembers struct {
	typ, text, groupID, mime, url, caption jsontree.Value
	interactive, location, contacts, pay   jsontree.Value
}

// messageMemberNames name the members, in the order of messageMembers.
var messageMemberNames = [...]string{"type", "messageText", "waGroupId", "mimeType", "mediaUrl", "caption",
	"interactive", "location", "contacts", "payload"}

// readMessage reads a message object into m, with mm (kept by the
// reader: the content readers take its address) for its members.
func readMessage(v jsontree.Value, m *message.Message, mm *messageMembers) {
	*mm = messageMembers{}
	at := [len(messageMemberNames)]*jsontree.Value{&mm.typ, &mm.text, &mm.groupID, &mm.mime, &mm.url, &mm.caption,
		&mm.interactive, &mm.location, &mm.contacts, &mm.pay}
	v.ForEach(func(k, x jsontree.Value) bool {
		if i := slices.Index(messageMemberNames[:], k.Str()); i >= 0 {
			*at[i] = x
		}
		return true
	})
	m.GroupID = mm.groupID.Raw()
	// Text and media are kept whatever the kind (writers take what the
	// kind needs; show summarises messages of types it does not know).
	m.Text = mm.text.Raw()
	m.Media = message.Media{MIME: mm.mime.Raw(), URL: mm.url.Raw(), Caption: mm.caption.Raw()}
	m.Kind = messageKind(mm)
	if read := contentReaders[m.Kind]; read != nil && !read(mm, m) {
		m.Kind = message.KindOther // content the native formats cannot carry
	}
	if m.Kind == message.KindOther {
		m.Type = mm.typ.Str()
	}
}

// messageKind is the kind a Sinch message's type names, or — the
// documented location and contacts examples carry no type — the kind its
// one content member implies.
func messageKind(mm *messageMembers) message.Kind {
	if mm.typ.Exists() {
		if t := mm.typ.Str(); t != TypeInteractive {
			return typeKinds[t] // KindOther when unknown
		}
		return interactiveKind(mm.interactive)
	}
	k, n := message.KindOther, 0
	if mm.location.Exists() {
		k, n = message.Location, n+1
	}
	if mm.contacts.Exists() {
		k, n = message.Contacts, n+1
	}
	if mm.interactive.Exists() {
		k, n = interactiveKind(mm.interactive), n+1
	}
	if n != 1 {
		return message.KindOther
	}
	return k
}

// contentReaders read what a kind needs beyond text and media; false when
// the content cannot be carried to native formats.
var contentReaders = map[message.Kind]func(mm *messageMembers, m *message.Message) bool{
	message.Text: func(mm *messageMembers, _ *message.Message) bool {
		return !blankString(mm.text) // native text bodies must not be empty
	},
	message.Button: func(mm *messageMembers, m *message.Message) bool {
		m.Button = message.TemplateButton{Text: mm.text.Raw(), Payload: mm.pay.Raw()}
		return true
	},
	message.Location: func(mm *messageMembers, m *message.Message) bool {
		loc := mm.location
		lat, long, ok := splitGeoPoint(loc.Get("geoPoint").Str())
		m.Location = message.Place{Lat: lat, Long: long, Name: loc.Get("name").Raw(), Address: loc.Get("address").Raw()}
		return loc.IsObject() && ok
	},
	message.Contacts: func(mm *messageMembers, m *message.Message) bool {
		m.Cards = mm.contacts
		return m.Cards.IsArray()
	},
	message.ListReply: func(mm *messageMembers, m *message.Message) bool {
		r := mm.interactive.Get("listReply")
		m.Reply = message.Reply{Present: r.IsObject(), ID: r.Get("rowIdentifier").Raw(), Title: r.Get("rowTitle").Raw()}
		return m.Reply.Present
	},
	message.ButtonReply: func(mm *messageMembers, m *message.Message) bool {
		r := mm.interactive.Get("buttonReply")
		m.Reply = message.Reply{Present: r.IsObject(), ID: r.Get("payload").Raw(), Title: r.Get("title").Raw()}
		return m.Reply.Present
	},
}

// blankString reports whether v is a string of white space only (or
// empty). A text's first character mostly answers without decoding it.
func blankString(v jsontree.Value) bool {
	if !v.IsString() {
		return false
	}
	raw := v.Raw()
	rest := strings.TrimLeft(raw[1:len(raw)-1], " \t\n\v\f\r")
	if rest == "" {
		return true
	}
	if c := rest[0]; c < utf8.RuneSelf && c != '\\' {
		return false // a character written as itself, not a space
	}
	return strings.TrimSpace(v.Str()) == ""
}

// interactiveKind is the kind of a Sinch interactive reply (KindOther when
// its type is not one Sinch documents).
func interactiveKind(inter jsontree.Value) message.Kind {
	switch inter.Get("type").Str() {
	case InteractiveListReply:
		return message.ListReply
	case InteractiveButtonReply:
		return message.ButtonReply
	}
	return message.KindOther
}

// splitGeoPoint splits "lat,long" into two JSON numbers, keeping the
// digits as written when they are valid JSON.
func splitGeoPoint(s string) (lat, long string, ok bool) {
	la, lo, found := strings.Cut(s, ",")
	if !found {
		return "", "", false
	}
	la, lo = strings.TrimSpace(la), strings.TrimSpace(lo)
	if lat, ok = jsonNumber(la); !ok {
		return "", "", false
	}
	long, ok = jsonNumber(lo)
	return lat, long, ok
}

// jsonNumber returns s if it is a JSON number, else its value re-spelled as one.
func jsonNumber(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	if j, ok := jsonlex.Number(s, 0); ok && j == len(s) {
		return s, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

func readReferral(v jsontree.Value) message.Referral {
	if v.IsNull() {
		return message.Referral{Present: true, Null: true}
	}
	if !v.IsObject() {
		return message.Referral{}
	}
	r := message.Referral{Present: true}
	members := referralMembers(&r)
	var mediaURL string
	v.ForEach(func(k, x jsontree.Value) bool {
		key := k.Str()
		if key == "mediaUrl" {
			mediaURL = x.Raw()
		}
		for _, m := range members {
			if m.key == key {
				*m.field = x.Raw()
			}
		}
		return true
	})
	if f := referralMedia(&r); f != nil {
		*f = mediaURL
	}
	return r
}

// minFailure is the lowest failure code: the documented failures are 101
// and above; lower codes (the documentation's own examples use 1 with
// sent true) are not failures.
const minFailure = 100

// readStatus turns a status callback item into the status of its latest
// state: read, delivered, failed or sent.
func readStatus(v jsontree.Value, s *message.Status) {
	*s = message.Status{Offset: v.Offset(), Errors: s.Errors[:0]}
	f := v.Members()
	s.ID = f["id"].Raw()
	s.Recipient.Phone = f["destination"].Raw()
	if t := f["type"]; t.IsString() {
		s.Type = message.Quote(strings.ToLower(t.Str()))
	}
	st := latestState(f)
	s.State = st.state
	if st.state == message.Failed {
		title := f[st.text].Raw()
		if !f[st.text].IsString() {
			title = message.Quote(CodeName(st.code))
		}
		s.Errors = append(s.Errors, message.Error{Offset: v.Offset(), Code: strconv.FormatInt(st.code, 10), Title: title})
	}
	if s.State != message.StateOther {
		s.StateRaw = message.Quote(s.State.String())
	}
	when := firstMember(f, jsontree.Number, st.stage.at)
	whenDate := firstMember(f, jsontree.String, st.stage.date)
	s.Time.Sec, s.Time.Milli, s.Time.HasSec = seconds(when, whenDate)
}

// stage names the members that time a state, the first present wins.
type stage struct{ at, date []string }

var (
	readStage      = stage{[]string{"readAt", "updatedAt", "deliveredAt"}, []string{"readDate", "updatedDate", "deliveredDate"}}
	deliveredStage = stage{[]string{"deliveredAt", "updatedAt"}, []string{"deliveredDate", "updatedDate"}}
	sentStage      = stage{[]string{"sentAt", "updatedAt"}, []string{"sentDate", "updatedDate"}}
)

// itemState is the latest state a status item reports: the state, when
// it is a failure its code and the member with the code's text, and the
// stage that times it.
type itemState struct {
	state message.State
	code  int64
	text  string
	stage stage
}

func latestState(f map[string]jsontree.Value) itemState {
	sentCode, hasSent := f["sentStatusCode"].Int()
	delCode, hasDel := f["deliveredStatusCode"].Int()
	switch {
	case f["read"].Truthy():
		return itemState{state: message.Read, stage: readStage}
	case hasDel && delCode == CodeRead:
		return itemState{state: message.Read, stage: deliveredStage}
	case f["delivered"].Truthy() || hasDel && delCode == CodeDelivered:
		return itemState{state: message.Delivered, stage: deliveredStage}
	case hasDel && delCode >= minFailure:
		return itemState{state: message.Failed, code: delCode, text: "deliveredStatus", stage: deliveredStage}
	case hasSent && sentCode >= minFailure:
		return itemState{state: message.Failed, code: sentCode, text: "sentStatus", stage: sentStage}
	case f["sent"].Truthy() || hasSent:
		return itemState{state: message.Sent, stage: sentStage}
	}
	return itemState{}
}

// firstMember is the first of the named members of kind k.
func firstMember(f map[string]jsontree.Value, k jsontree.Kind, names []string) jsontree.Value {
	for _, n := range names {
		if x := f[n]; x.Kind() == k {
			return x
		}
	}
	return jsontree.Value{}
}
