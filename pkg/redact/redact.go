// Package redact pseudonymises what identifies people in WhatsApp webhook
// payloads (Sinch, On-Premises and Cloud API) so that captures can be
// printed, saved, shared and attached to bug reports.
//
// Pseudonyms are stable: derived with HMAC-SHA256 from a key and the
// original value, the same phone number, id or name always gets the same
// pseudonym — within a payload, across payloads and across runs with the
// same key — so that conversations stay linked (a reply's context.id still
// names the redacted message it answers, a status still names the redacted
// recipient). They keep the shape validators check: a phone number keeps its
// digit count and first two digits, an id its prefix, length and character
// classes, a BSUID its country prefix. Everything that is not redacted is
// kept byte for byte, key order and layout included, so that a redacted
// payload still validates and still diffs cleanly against the original.
//
// What is pseudonymised (by field name and parent, the same in all three
// formats, so that unknown or invalid payloads are redacted too):
//
//   - phone numbers and wa_ids: from, wa_id, new_wa_id, recipient_id,
//     recipient_participant_id, context.mentions[], contacts[].phones[].phone
//     (formatting kept), system.user/customer, Sinch source, destination,
//     userProfile.whatsAppId; context.from unless it is the business number
//     of the same payload;
//   - business-scoped user ids (user_id, from_user_id, recipient_user_id,
//     parent_*): CC. / CC.ENT. prefix kept;
//   - names (profile.name, userProfile.name, contact first/middle/last and
//     formatted names) word by word into invented words, usernames
//     (profile.username, contact ims user_id) likewise, e-mail addresses
//     into user-<hash>@example.com;
//   - message, status, media, conversation, session and group ids
//     (messages[].id, statuses[].id, context.id, reaction message_id,
//     original_message_id, Sinch id/messageId, media id, group_id,
//     waGroupId), ctwa_clid, identity hashes; the ids inside media URLs
//     (url, link, Sinch mediaUrl) and media file paths;
//   - contact addresses' street and zip (city, state and country kept),
//     birthdays (the year kept, as January 1st), contact_image (emptied),
//     and location coordinates (kept to two decimals, about 1 km);
//   - inside free text that is otherwise kept, every e-mail address and the
//     numbers, names, usernames and BSUIDs found in the fields above; in
//     system messages every phone-like number.
//
// With Options.Text, free text is replaced too by placeholder words of the
// same lengths: text bodies, captions, Sinch messageText, button text,
// interactive titles and descriptions, order text, system bodies, location
// names and addresses, referral headlines and bodies, welcome messages,
// document file names (extension kept), contact organisations and URLs, and
// the string values of Flow responses (nfm_reply.response_json, which stays
// a JSON string; flow_token kept).
//
// Kept on purpose: the business's own identifiers (Sinch origin, Cloud
// display_phone_number, phone_number_id and WABA id), what the business
// defines (button payloads and reply ids, correlationId, campaign and flow
// ids, catalog and product ids, ad ids and URLs), timestamps, types, MIME
// types, media hashes, statuses, pricing and error texts (scrubbed as
// above).
package redact

import (
	"bytes"
	"sort"
	"strings"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// DefaultKey is the key used when Options.Key is empty. It is public, so
// that output is the same on every machine and across runs; that also means
// that anyone can test a guess (is this pseudonym the one of +55 11 …?).
// Use a secret key (wamo's --key-env, WAMO_REDACT_KEY) when redacted data
// leaves the team.
const DefaultKey = "wamo-redact-v1"

// Options configure a Redactor.
type Options struct {
	// Text also replaces free text (message bodies, captions, titles…) with
	// placeholder words of the same lengths.
	Text bool
	// Key keys the pseudonyms; empty means DefaultKey. The same key gives
	// the same pseudonyms.
	Key []byte
}

// Redactor pseudonymises payloads. It is safe for concurrent use.
type Redactor struct {
	text bool
	macs sync.Pool // keyed HMAC-SHA256 states
}

// New returns a Redactor.
func New(opts Options) *Redactor {
	key := opts.Key
	if len(key) == 0 {
		key = []byte(DefaultKey)
	}
	key = bytes.Clone(key)
	return &Redactor{text: opts.Text, macs: sync.Pool{New: newMAC(key)}}
}

// Text reports whether free text is replaced too.
func (r *Redactor) Text() bool { return r.text }

// Redact returns a copy of the JSON document data with what identifies
// people pseudonymised (see the package documentation). When data is not
// well-formed UTF-8 JSON it returns the *payload.SyntaxError that says
// where. The output has the same layout and key order as the input and is
// valid JSON.
func (r *Redactor) Redact(data []byte) ([]byte, error) {
	p := payload.Payload{Data: data, Line: 1, Col: 1}
	if se := payload.CheckSyntax(&p); se != nil {
		return nil, se
	}
	var k known
	return r.redactDoc(data, &k, false), nil
}

// redactDoc redacts a valid JSON document. generic selects the rules for
// documents of unknown structure (Flow responses).
func (r *Redactor) redactDoc(data []byte, k *known, generic bool) []byte {
	w := walker{r: r, data: data, k: k, generic: generic}
	w.value(0)
	w.settle()
	return w.apply()
}

// edit replaces data[start:end] with repl.
type edit struct {
	start, end int
	repl       []byte
}

// pending is a value whose redaction waits until the whole document has
// been read: free text is scrubbed of identifiers found anywhere in it, and
// context.from is compared with the business number.
type pending struct {
	start, end int
	s          string
	kind       kind
}

// walker reads a valid JSON document once, deciding the fate of every
// string and number from its key and its parent's key.
type walker struct {
	r       *Redactor
	data    []byte
	keys    []string
	edits   []edit
	later   []pending
	k       *known
	biz     map[string]bool // business numbers seen (origin, display_phone_number)
	generic bool
}

func (w *walker) skipWS(i int) int {
	for i < len(w.data) {
		switch w.data[i] {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		}
		break
	}
	return i
}

// value walks the value at i and returns the index after it.
func (w *walker) value(i int) int {
	i = w.skipWS(i)
	if i >= len(w.data) {
		return i
	}
	switch w.data[i] {
	case '{':
		return w.object(i + 1)
	case '[':
		return w.array(i + 1)
	case '"':
		end := w.stringEnd(i)
		w.str(i, end)
		return end
	}
	end := i
	for end < len(w.data) {
		c := w.data[end]
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			break
		}
		end++
	}
	if c := w.data[i]; c == '-' || c >= '0' && c <= '9' {
		w.number(i, end)
	}
	return end
}

func (w *walker) object(i int) int {
	for {
		i = w.skipWS(i)
		if i >= len(w.data) {
			return i
		}
		switch w.data[i] {
		case '}':
			return i + 1
		case ',':
			i++
			continue
		}
		kend := w.stringEnd(i)
		key := decode(w.data[i:kend])
		i = w.skipWS(kend) + 1 // the colon
		w.keys = append(w.keys, key)
		i = w.value(i)
		w.keys = w.keys[:len(w.keys)-1]
	}
}

func (w *walker) array(i int) int {
	for {
		i = w.skipWS(i)
		if i >= len(w.data) {
			return i
		}
		switch w.data[i] {
		case ']':
			return i + 1
		case ',':
			i++
			continue
		}
		i = w.value(i)
	}
}

// stringEnd returns the index after the string starting at i.
func (w *walker) stringEnd(i int) int {
	for j := i + 1; j < len(w.data); j++ {
		switch w.data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(w.data)
}

// decode returns the value of a JSON string literal.
func decode(raw []byte) string {
	if len(raw) < 2 {
		return ""
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	return gjson.ParseBytes(raw).Str
}

func (w *walker) key() (key, parent string) {
	n := len(w.keys)
	if n > 0 {
		key = w.keys[n-1]
	}
	if n > 1 {
		parent = w.keys[n-2]
	}
	return key, parent
}

func (w *walker) kind() kind {
	key, parent := w.key()
	if w.generic {
		return genericKind(key)
	}
	return classify(key, parent)
}

func (w *walker) replace(start, end int, s, repl string) {
	if repl == s {
		return
	}
	w.edits = append(w.edits, edit{start, end, jsonlex.AppendQuote(nil, repl)})
}

// str decides the fate of the string data[start:end] (quotes included).
func (w *walker) str(start, end int) {
	kd := w.kind()
	if kd == kKeep {
		return
	}
	s := decode(w.data[start:end])
	if s == "" {
		return
	}
	r := w.r
	switch kd {
	case kBusiness:
		if w.biz == nil {
			w.biz = map[string]bool{}
		}
		w.biz[s] = true
	case kPhone:
		w.replace(start, end, s, w.phone(s))
	case kBSUID:
		repl := r.bsuid(s)
		w.k.addPhrase(s, repl)
		w.replace(start, end, s, repl)
	case kOpaque:
		w.replace(start, end, s, r.opaque(s))
	case kName:
		w.k.addName(r, s)
		w.replace(start, end, s, r.name(s))
	case kUsername:
		repl := r.username(s)
		w.k.addPhrase(s, repl)
		w.replace(start, end, s, repl)
	case kEmail:
		w.replace(start, end, s, r.email(s))
	case kStreet:
		w.replace(start, end, s, r.lorem(s))
	case kBirthday:
		w.replace(start, end, s, r.birthday(s))
	case kEmpty:
		w.replace(start, end, s, "")
	case kURL:
		w.replace(start, end, s, r.url(s))
	case kFile:
		w.replace(start, end, s, r.file(s))
	case kCoord:
		w.replace(start, end, s, coarsen(s))
	case kGeoPoint:
		w.replace(start, end, s, geoPoint(s))
	default:
		w.later = append(w.later, pending{start, end, s, kd})
	}
}

// phone pseudonymises a phone-like value and remembers it for scrubbing
// free text; a value that is not shaped like a number (a group id in
// recipient_id) is treated as an opaque id.
func (w *walker) phone(s string) string {
	if !phoneShaped(s) {
		return w.r.opaque(s)
	}
	w.k.addPhone(w.r, s)
	return w.r.phone(s)
}

func phoneShaped(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' || isPhoneSep(c):
		default:
			return false
		}
	}
	return digits > 0
}

// number decides the fate of the number data[start:end].
func (w *walker) number(start, end int) {
	kd := w.kind()
	raw := string(w.data[start:end])
	var repl string
	switch kd {
	case kPhone, kMaybeBusinessPhone:
		w.k.addPhone(w.r, raw)
		repl = w.r.phone(raw)
		// A JSON number cannot start with 0: keep the original first digit.
		lead := strings.IndexAny(raw, "0123456789")
		if lead >= 0 && repl[lead] == '0' && lead+1 < len(repl) && repl[lead+1] >= '0' && repl[lead+1] <= '9' {
			repl = repl[:lead] + raw[lead:lead+1] + repl[lead+1:]
		}
	case kCoord:
		repl = coarsen(raw)
	default:
		return
	}
	if repl != raw {
		w.edits = append(w.edits, edit{start, end, []byte(repl)})
	}
}

// settle redacts the pending values, now that the identifiers and the
// business numbers of the whole document are known.
func (w *walker) settle() {
	r := w.r
	// context.from first: its pseudonym joins the known numbers.
	for _, p := range w.later {
		if p.kind == kMaybeBusinessPhone && !w.biz[p.s] {
			w.replace(p.start, p.end, p.s, w.phone(p.s))
		}
	}
	for _, p := range w.later {
		var repl string
		switch p.kind {
		case kMaybeBusinessPhone:
			continue
		case kText:
			if r.text {
				repl = r.lorem(p.s)
			} else {
				repl = r.scrub(p.s, w.k, false)
			}
		case kFilename:
			if r.text {
				repl = r.filename(p.s)
			} else {
				repl = r.scrub(p.s, w.k, false)
			}
		case kContactURL:
			if r.text {
				repl = r.urlAll(p.s)
			} else {
				repl = r.scrub(p.s, w.k, false)
			}
		case kSystemBody:
			if r.text {
				repl = r.lorem(p.s)
			} else {
				repl = r.scrub(r.systemNames(p.s), w.k, true)
			}
		case kResponseJSON:
			repl = w.responseJSON(p.s)
		default:
			repl = r.scrub(p.s, w.k, false)
		}
		w.replace(p.start, p.end, p.s, repl)
	}
}

// responseJSON redacts a Flow response: a JSON document inside a string,
// redacted with the rules for unknown structures and put back as a string.
func (w *walker) responseJSON(s string) string {
	inner := []byte(s)
	p := payload.Payload{Data: inner, Line: 1, Col: 1}
	if payload.CheckSyntax(&p) != nil {
		if w.r.text {
			return w.r.lorem(s)
		}
		return w.r.scrub(s, w.k, false)
	}
	return string(w.r.redactDoc(inner, w.k, true))
}

// apply builds the output from the input and the edits.
func (w *walker) apply() []byte {
	if len(w.edits) == 0 {
		return bytes.Clone(w.data)
	}
	sort.Slice(w.edits, func(i, j int) bool { return w.edits[i].start < w.edits[j].start })
	grow := 0
	for _, e := range w.edits {
		grow += len(e.repl) - (e.end - e.start)
	}
	out := make([]byte, 0, len(w.data)+max(grow, 0))
	last := 0
	for _, e := range w.edits {
		out = append(out, w.data[last:e.start]...)
		out = append(out, e.repl...)
		last = e.end
	}
	return append(out, w.data[last:]...)
}
