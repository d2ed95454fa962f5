package convert

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

// Sinch item kinds: an MO (source + message) or a status callback
// (destination + sent/delivered flags), told apart as the validator does.
const (
	kindMO uint8 = iota + 1
	kindStatus
)

func sinchKind(v val) uint8 {
	kind := kindMO
	v.ForEach(func(k, _ val) bool {
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

// readSinch fills d from a Sinch batch. Consecutive items from the same
// business number (origin) and of the same kind form a group: a Cloud API
// change.
func (c *Converter) readSinch(root val, d *doc) {
	data := root.Get("data")
	if !data.IsArray() {
		return
	}
	var g *group
	var gKind uint8
	data.ForEach(func(_, item val) bool {
		if !item.IsObject() {
			return true
		}
		kind := sinchKind(item)
		origin := item.Get("origin")
		if g == nil || kind != gKind || origin.Str() != g.business {
			g = c.newGroup(d)
			g.off = item.Index()
			g.business = origin.Str()
			gKind = kind
		}
		if kind == kindStatus {
			g.statuses = append(g.statuses, readSinchStatus(item))
			return true
		}
		g.messages = append(g.messages, message{})
		m := &g.messages[len(g.messages)-1]
		readSinchMO(item, origin, m)
		c.mediaFromURL(m)
		if m.sender.present {
			addSender(g, &m.sender, item.Index())
		}
		return true
	})
}

// addSender adds a Sinch item's userProfile to its group's contacts, one
// contact per wa_id (the first profile wins).
func addSender(g *group, s *senderProfile, off int) {
	for i := range g.contacts {
		if g.contacts[i].waIDS == s.waID {
			return
		}
	}
	g.contacts = append(g.contacts, contact{off: off, waID: s.waIDRaw, waIDS: s.waID,
		hasProfile: s.name != "", name: s.name})
}

func readSinchMO(item, origin val, m *message) {
	*m = message{off: item.Index()}
	var msg, prof, messageID, at, date val
	item.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "id":
			m.id, m.idS = x.Raw(), x.Str()
		case "source":
			m.from, m.fromS = x.Raw(), x.Str()
		case "userProfile":
			prof = x
		case "messageId":
			messageID = x
		case "message":
			msg = x
		case "receivedAt":
			at = x
		case "receivedDate":
			date = x
		case "referral":
			m.ref = readSinchReferral(x)
		}
		return true
	})
	if sec, ok := sinchSeconds(at, date); ok {
		m.sec, m.hasSec = sec, true
	}
	if prof.IsObject() {
		s := &m.sender
		*s = senderProfile{present: true, waID: m.fromS, waIDRaw: m.from}
		if w := prof.Get("whatsAppId"); w.Exists() {
			s.waID, s.waIDRaw = w.Str(), w.Raw()
		}
		if n := prof.Get("name"); n.Exists() {
			s.name = n.Raw()
		}
	}
	if messageID.Exists() && !(messageID.IsString() && strings.TrimSpace(messageID.Str()) == "") {
		// (native context ids must not be empty)
		m.ctx = msgContext{present: true, id: messageID.Raw()}
		if origin.Exists() {
			m.ctx.from = origin.Raw()
		}
	}
	if msg.IsObject() {
		readSinchMessage(msg, m)
	}
}

// mediaFromURL undoes what writeSinchMO does for media without URL: a
// mediaUrl made of the media base URL and a media id gives the id back.
func (c *Converter) mediaFromURL(m *message) {
	u := unq(m.media.url)
	base := firstOf(c.opts.MediaBaseURL, DefaultMediaBaseURL)
	if u == "" || !strings.HasPrefix(u, base) || len(u) == len(base) {
		return
	}
	id, err := url.PathUnescape(u[len(base):])
	if err != nil || id == "" {
		return
	}
	m.media.url = ""
	m.media.id = quote(id)
}

// sinchSeconds turns receivedAt (epoch ms) — or receivedDate when
// receivedAt is unusable — into epoch seconds.
func sinchSeconds(at, date val) (int64, bool) {
	if at.kind() == kNumber {
		if n, err := strconv.ParseInt(at.Raw(), 10, 64); err == nil {
			return floorDiv(n, 1000), true
		}
		if !math.IsInf(at.Num(), 0) && !math.IsNaN(at.Num()) && math.Abs(at.Num()) < 1e18 {
			return int64(math.Floor(at.Num() / 1000)), true
		}
	}
	if date.IsString() {
		if t, ok := common.ParseISO(date.Str()); ok {
			return t.Unix(), true
		}
	}
	return 0, false
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// sinchTypes maps Sinch message types to native ones.
var sinchTypes = map[string]string{
	"TEXT": "text", "IMAGE": "image", "AUDIO": "audio", "VIDEO": "video", "DOCUMENT": "document",
	"STICKER": "sticker", "VOICE": "voice", "BUTTON": "button", "LOCATION": "location",
	"CONTACTS": "contacts", "INTERACTIVE": "interactive",
}

func readSinchMessage(v val, m *message) {
	var typ, text, payload, mediaURL, mime, caption, loc, cards, inter val
	v.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "type":
			typ = x
		case "messageText":
			text = x
		case "payload":
			payload = x
		case "mediaUrl":
			mediaURL = x
		case "mimeType":
			mime = x
		case "caption":
			caption = x
		case "waGroupId":
			m.groupID = x.Raw()
		case "location":
			loc = x
		case "contacts":
			cards = x
		case "interactive":
			inter = x
		}
		return true
	})
	t := ""
	if typ.Exists() {
		t = sinchTypes[typ.Str()]
	} else {
		// The documented location and contacts examples carry no type.
		n := 0
		if loc.Exists() {
			t, n = "location", n+1
		}
		if cards.Exists() {
			t, n = "contacts", n+1
		}
		if inter.Exists() {
			t, n = "interactive", n+1
		}
		if n != 1 {
			t = ""
		}
	}
	m.typ = t
	switch t {
	case "text":
		if text.IsString() && strings.TrimSpace(text.Str()) == "" {
			m.typ = "" // native text bodies must not be empty
			return
		}
		m.text = text.Raw()
	case "image", "audio", "video", "document", "sticker", "voice":
		m.media = media{mime: mime.Raw(), url: mediaURL.Raw(), caption: caption.Raw()}
	case "button":
		m.button = [2]string{text.Raw(), payload.Raw()}
	case "location":
		if !loc.IsObject() {
			m.typ = ""
			return
		}
		lat, long, ok := splitGeoPoint(loc.Get("geoPoint").Str())
		if !ok {
			m.typ = ""
			return
		}
		m.loc = location{lat: lat, long: long, name: loc.Get("name").Raw(), address: loc.Get("address").Raw()}
	case "contacts":
		if !cards.IsArray() {
			m.typ = ""
			return
		}
		m.cards = cards
	case "interactive":
		if !inter.IsObject() {
			m.typ = ""
			return
		}
		it := interactive{present: true}
		switch inter.Get("type").Str() {
		case "LIST_REPLY":
			r := inter.Get("listReply")
			it.typ, it.id, it.title = "list_reply", r.Get("rowIdentifier").Raw(), r.Get("rowTitle").Raw()
			it.hasReply = r.IsObject()
		case "BUTTON_REPLY":
			r := inter.Get("buttonReply")
			it.typ, it.id, it.title = "button_reply", r.Get("payload").Raw(), r.Get("title").Raw()
			it.hasReply = r.IsObject()
		}
		if !it.hasReply {
			m.typ = ""
			return
		}
		m.inter = it
	}
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

func readSinchReferral(v val) referral {
	r := referral{present: true}
	if v.kind() == kNull {
		r.null = true
		return r
	}
	if !v.IsObject() {
		r.present = false
		return r
	}
	var mediaURL string
	v.ForEach(func(k, x val) bool {
		switch k.Str() {
		case "headLine":
			r.headline = x.Raw()
		case "body":
			r.body = x.Raw()
		case "sourceType":
			r.sourceType = x.Raw()
		case "sourceId":
			r.sourceID = x.Raw()
		case "sourceUrl":
			r.sourceURL = x.Raw()
		case "mediaType":
			r.mediaType = x.Raw()
		case "mediaUrl":
			mediaURL = x.Raw()
		}
		return true
	})
	switch unq(r.mediaType) {
	case "image":
		r.imageURL = mediaURL
	case "video":
		r.videoURL = mediaURL
	}
	return r
}

// Sinch status codes (reference §2.5).
const (
	codeSent      = 2
	codeDelivered = 4
	codeRead      = 5
	codeNotDeliv  = 104
)

var sinchCodeNames = map[int64]string{
	2: "SENT_SUCCESS", 4: "DELIVERED_SUCCESS", 5: "READ_SUCCESS", 101: "EXPIRED",
	102: "CARRIER_COMMUNICATION_ERROR", 103: "REJECTED_BY_CARRIER", 104: "NOT_DELIVERED",
	202: "INVALID_DESTINATION_NUMBER", 204: "DESTINATION_BLOCKED_BY_OPTOUT", 206: "INVALID_MESSAGE_LENGTH",
	207: "INVALID_MESSAGE_TEXT", 209: "INVALID_CONTENT", 210: "INVALID_SESSION",
	211: "DESTINATION_BLOCKED_BY_OPTIN", 212: "DESTINATION_BLOCKED_BY_WHITELIST", 311: "INTERNAL_ERROR",
}

// sentFailures are the sent-stage failure codes; other failures (101, 104)
// happen at delivery.
var sentFailures = map[int64]bool{102: true, 103: true, 202: true, 204: true, 206: true, 207: true,
	209: true, 210: true, 211: true, 212: true, 311: true}

// readSinchStatus turns a Sinch status callback item into the native status
// of its latest state: read, delivered, failed or sent.
func readSinchStatus(v val) status {
	s := status{off: v.Index()}
	var f = map[string]val{}
	v.ForEach(func(k, x val) bool {
		f[k.Str()] = x
		return true
	})
	s.id, s.idS = f["id"].Raw(), f["id"].Str()
	s.recipientID = f["destination"].Raw()
	if t := f["type"]; t.IsString() {
		s.typ = quote(strings.ToLower(t.Str()))
	}
	sentCode, hasSent := code(f["sentStatusCode"])
	delCode, hasDel := code(f["deliveredStatusCode"])
	at := func(names ...string) val {
		for _, n := range names {
			if x := f[n]; x.kind() == kNumber {
				return x
			}
		}
		return val{}
	}
	date := func(names ...string) val {
		for _, n := range names {
			if x := f[n]; x.IsString() {
				return x
			}
		}
		return val{}
	}
	var when, whenDate val
	fail := func(c int64, text val) {
		s.st = "failed"
		title := text.Raw()
		if !text.IsString() {
			title = quote(codeName(c))
		}
		s.errors = []apiErr{{off: v.Index(), code: itoa64(c), title: title}}
	}
	switch {
	case f["read"].kind() == kTrue:
		s.st = "read"
		when, whenDate = at("readAt", "updatedAt", "deliveredAt"), date("readDate", "updatedDate", "deliveredDate")
	case hasDel && delCode == codeRead:
		s.st = "read"
		when, whenDate = at("deliveredAt", "updatedAt"), date("deliveredDate", "updatedDate")
	case f["delivered"].kind() == kTrue || hasDel && delCode == codeDelivered:
		s.st = "delivered"
		when, whenDate = at("deliveredAt", "updatedAt"), date("deliveredDate", "updatedDate")
	case hasDel && delCode != codeDelivered:
		fail(delCode, f["deliveredStatus"])
		when, whenDate = at("deliveredAt", "updatedAt"), date("deliveredDate", "updatedDate")
	case hasSent && sentCode != codeSent:
		fail(sentCode, f["sentStatus"])
		when, whenDate = at("sentAt", "updatedAt"), date("sentDate", "updatedDate")
	case f["sent"].kind() == kTrue || hasSent:
		s.st = "sent"
		when, whenDate = at("sentAt", "updatedAt"), date("sentDate", "updatedDate")
	}
	if s.st != "" {
		s.stRaw = quote(s.st)
	}
	if sec, ok := sinchSeconds(when, whenDate); ok {
		s.sec, s.hasSec = sec, true
	}
	return s
}

func code(v val) (int64, bool) {
	if v.kind() != kNumber {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Raw(), 10, 64)
	return n, err == nil
}

func codeName(c int64) string {
	if n, ok := sinchCodeNames[c]; ok {
		return n
	}
	return "STATUS_" + itoa64(c)
}

// sinchMessageType is the Sinch message.type written for a native message
// ("" for none: location and contacts are sent without type, as in the
// documented examples), and whether Sinch can carry the message at all.
func sinchMessageType(m *message) (string, bool) {
	switch m.typ {
	case "text":
		return "TEXT", true
	case "image", "audio", "video", "document", "sticker":
		return strings.ToUpper(m.typ), true
	case "voice":
		return "AUDIO", true // Sinch documents no voice-note type
	case "location", "contacts":
		return "", true
	case "button":
		return "BUTTON", true
	case "interactive":
		if (m.inter.typ == "button_reply" || m.inter.typ == "list_reply") && m.inter.hasReply {
			return "INTERACTIVE", true
		}
	case "order":
		return "ORDER", true
	}
	return "", false
}

func sinchStatusOK(s *status) bool {
	switch s.st {
	case "sent", "delivered", "read", "failed":
		return true
	}
	return false
}

// writeSinch writes d as a Sinch batch.
func (c *Converter) writeSinch(d *doc) bool {
	total := 0
	for gi := range d.groups {
		g := &d.groups[gi]
		for mi := range g.messages {
			if _, ok := sinchMessageType(&g.messages[mi]); ok {
				total++
			}
		}
		for si := range g.statuses {
			if sinchStatusOK(&g.statuses[si]) {
				total++
			}
		}
	}
	if total == 0 {
		return false
	}
	w := &c.w
	c.out = outPos{list: "data"}
	w.obj()
	w.kint("total", int64(total))
	w.key("data")
	w.arr()
	n := 0
	var assign []int
	for gi := range d.groups {
		g := &d.groups[gi]
		origin := c.sinchOrigin(g)
		assign = assignContacts(g, assign[:0])
		for mi := range g.messages {
			m := &g.messages[mi]
			t, ok := sinchMessageType(m)
			if !ok {
				continue
			}
			c.out.item = n
			var ct *contact
			if k := assign[mi]; k >= 0 {
				ct = &g.contacts[k]
			}
			c.writeSinchMO(m, t, origin, ct, g)
			n++
		}
		for si := range g.statuses {
			s := &g.statuses[si]
			if !sinchStatusOK(s) {
				continue
			}
			c.out.item = n
			c.writeSinchStatus(s, origin, g)
			n++
		}
	}
	w.endArr()
	w.endObj()
	return true
}

// sinchOrigin is the business number of a group as a Sinch origin (digits).
func (c *Converter) sinchOrigin(g *group) string {
	if g.business != "" {
		return digitsOnly(g.business)
	}
	return ""
}

func (c *Converter) originFor(origin string, g *group) string {
	if origin != "" {
		return origin
	}
	if o := firstOf(c.opts.Origin, c.opts.DisplayPhoneNumber); o != "" {
		c.fill(c.outPath("origin"), o, "whatsapp payloads carry no business phone number", "--origin", g.off, false)
		return o
	}
	c.fill(c.outPath("origin"), DefaultBusinessNumber, "whatsapp payloads carry no business phone number", "--origin", g.off, true)
	return DefaultBusinessNumber
}

func digitsOnly(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			var b strings.Builder
			for j := 0; j < len(s); j++ {
				if s[j] >= '0' && s[j] <= '9' {
					b.WriteByte(s[j])
				}
			}
			return b.String()
		}
	}
	return s
}

// assignContacts finds each message's sender in the group's contacts: the
// contact with the message's wa_id, or — when a group holds one message and
// one contact that does not match — that contact (the documented examples
// where contacts[].wa_id and from differ).
func assignContacts(g *group, out []int) []int {
	for i := range g.messages {
		k := -1
		for j := range g.contacts {
			if g.contacts[j].waID != "" && g.contacts[j].waIDS == g.messages[i].fromS {
				k = j
				break
			}
		}
		out = append(out, k)
	}
	if len(g.messages) == 1 && len(g.contacts) == 1 && out[0] < 0 {
		out[0] = 0
	}
	return out
}

func isoMillis(sec int64) string {
	return time.Unix(sec, 0).UTC().Format("2006-01-02T15:04:05.000Z")
}

func (c *Converter) writeSinchMO(m *message, typ, origin string, ct *contact, g *group) {
	w := &c.w
	w.elem()
	w.obj()
	w.kv("id", m.id)
	if m.from != "" {
		w.kv("source", m.from)
	} else {
		w.kstr("source", DefaultWaID)
		c.fill(c.outPath("source"), DefaultWaID, "the sender has no phone number (a username-only user)", "", m.off, true)
	}
	w.kstr("origin", c.originFor(origin, g))
	if ct != nil {
		w.key("userProfile")
		w.obj()
		w.kv("name", ct.name)
		if ct.waID != "" && ct.waIDS != m.fromS {
			w.kv("whatsAppId", ct.waID)
		}
		w.endObj()
	}
	if m.ctx.present {
		w.kv("messageId", m.ctx.id)
	}
	if m.ref.present {
		w.key("referral")
		if m.ref.null {
			w.null()
		} else {
			c.writeSinchReferral(&m.ref)
		}
	}
	w.key("message")
	w.obj()
	if typ != "" {
		w.kstr("type", typ)
	}
	switch m.typ {
	case "text":
		w.kv("messageText", m.text)
	case "button":
		w.kv("messageText", m.button[0])
		w.kv("payload", m.button[1])
	case "interactive":
		w.kv("messageText", m.inter.title)
	case "image", "audio", "video", "document", "sticker", "voice":
		u := firstOf(m.media.url, m.media.link)
		if u == "" {
			base := firstOf(c.opts.MediaBaseURL, DefaultMediaBaseURL)
			id := firstOf(unq(m.media.id), m.idS)
			us := base + url.PathEscape(id)
			u = quote(us)
			c.fill(c.outPath("message.mediaUrl"), us, "the source has no media URL (media are downloaded by id)",
				"--media-base-url", m.off, c.opts.MediaBaseURL == "")
		}
		w.kv("mediaUrl", u)
		w.kv("mimeType", m.media.mime)
		w.kv("caption", m.media.caption)
	}
	w.kv("waGroupId", m.groupID)
	switch m.typ {
	case "location":
		w.key("location")
		w.obj()
		lat, long := geoNumber(m.loc.lat), geoNumber(m.loc.long)
		w.kstr("geoPoint", lat+","+long)
		w.kv("name", m.loc.name)
		w.kv("address", m.loc.address)
		w.endObj()
	case "contacts":
		w.key("contacts")
		c.writeCards(m.cards, cardsSinch)
	case "interactive":
		w.key("interactive")
		w.obj()
		if m.inter.typ == "list_reply" {
			w.kstr("type", "LIST_REPLY")
			w.key("listReply")
			w.obj()
			w.kv("rowIdentifier", m.inter.id)
			w.kv("rowTitle", m.inter.title)
			w.endObj()
		} else {
			w.kstr("type", "BUTTON_REPLY")
			w.key("buttonReply")
			w.obj()
			w.kv("payload", m.inter.id)
			w.kv("title", m.inter.title)
			w.endObj()
		}
		w.endObj()
	}
	w.endObj()
	sec, ok := m.sec, m.hasSec
	if !ok {
		sec, ok = parseSeconds(m.tsS)
	}
	if !ok {
		sec = c.now().Unix()
		c.fill(c.outPath("receivedAt"), itoa64(sec*1000), "the source has no usable timestamp", "", m.off, true)
	}
	w.kint("receivedAt", sec*1000)
	w.kdate("receivedDate", sec)
	w.endObj()
}

// geoNumber writes a coordinate as Sinch's geoPoint wants it: plain
// decimal digits (no exponent).
func geoNumber(raw string) string {
	if j, ok := jsonlex.Number(raw, 0); !ok || j != len(raw) {
		return unq(raw)
	}
	if strings.ContainsAny(raw, "eE+") {
		f, _ := strconv.ParseFloat(raw, 64)
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return raw
}

// parseSeconds reads native epoch seconds. Times before 1973-03-03
// (10^8 s) have no plausible Sinch counterpart: Sinch times are epoch
// milliseconds of 12 to 14 digits.
func parseSeconds(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1e8 || n >= 1e11 {
		return 0, false
	}
	return n, true
}

func (c *Converter) writeSinchReferral(r *referral) {
	w := &c.w
	w.obj()
	w.kv("headLine", r.headline)
	w.kv("body", r.body)
	w.kv("sourceType", r.sourceType)
	w.kv("sourceId", r.sourceID)
	w.kv("sourceUrl", r.sourceURL)
	w.kv("mediaType", r.mediaType)
	switch unq(r.mediaType) {
	case "image":
		w.kv("mediaUrl", r.imageURL)
	case "video":
		w.kv("mediaUrl", r.videoURL)
	}
	w.endObj()
}

// writeSinchStatus writes a native status as a Sinch status callback item.
func (c *Converter) writeSinchStatus(s *status, origin string, g *group) {
	w := &c.w
	w.elem()
	w.obj()
	w.kv("id", s.id)
	if s.recipientID != "" {
		w.kv("destination", s.recipientID)
	} else {
		w.kstr("destination", DefaultWaID)
		c.fill(c.outPath("destination"), DefaultWaID, "the status names no recipient phone number", "", s.off, true)
	}
	w.kstr("origin", c.originFor(origin, g))
	sec, ok := s.sec, s.hasSec
	if !ok {
		sec, ok = parseSeconds(s.tsS)
	}
	if !ok {
		sec = c.now().Unix()
		c.fill(c.outPath("updatedAt"), itoa64(sec*1000), "the source has no usable timestamp", "", s.off, true)
	}
	ms := sec * 1000
	sentOK := func() {
		w.kbool("sent", true)
		w.kint("sentStatusCode", codeSent)
		w.kstr("sentStatus", "SENT_SUCCESS")
	}
	switch s.st {
	case "sent":
		sentOK()
		w.kdate("sentDate", sec)
		w.kint("sentAt", ms)
		w.kbool("delivered", false)
		w.kbool("read", false)
	case "delivered":
		sentOK()
		w.kbool("delivered", true)
		w.kint("deliveredStatusCode", codeDelivered)
		w.kstr("deliveredStatus", "DELIVERED_SUCCESS")
		w.kdate("deliveredDate", sec)
		w.kint("deliveredAt", ms)
		w.kbool("read", false)
	case "read":
		sentOK()
		w.kbool("delivered", true)
		w.kint("deliveredStatusCode", codeRead)
		w.kstr("deliveredStatus", "READ_SUCCESS")
		w.kbool("read", true)
		w.kdate("readDate", sec)
		w.kint("readAt", ms)
	case "failed":
		cd, title := int64(codeNotDeliv), ""
		if len(s.errors) > 0 {
			if n, err := strconv.ParseInt(s.errors[0].code, 10, 64); err == nil && sinchCodeNames[n] != "" && n != codeSent && n != codeDelivered && n != codeRead {
				cd, title = n, s.errors[0].title
			}
		}
		if title == "" {
			title = quote(codeName(cd))
		}
		if sentFailures[cd] {
			w.kbool("sent", false)
			w.kint("sentStatusCode", cd)
			w.kv("sentStatus", title)
			w.kdate("sentDate", sec)
			w.kint("sentAt", ms)
			w.kbool("delivered", false)
		} else {
			sentOK()
			w.kbool("delivered", false)
			w.kint("deliveredStatusCode", cd)
			w.kv("deliveredStatus", title)
			w.kdate("deliveredDate", sec)
			w.kint("deliveredAt", ms)
		}
		w.kbool("read", false)
	}
	w.kdate("updatedDate", sec)
	w.kint("updatedAt", ms)
	if t := unq(s.typ); t != "" {
		w.kstr("type", strings.ToUpper(t))
	}
	w.endObj()
}
