// Package digest summarises webhook payloads independently of their format:
// one Item per message, status or error, saying when it happened, who sent
// it, its normalised type and its content in brief ("Hi, this is…",
// "Nota fiscal (image/jpeg)", "3 items, total 52.48 USD"). It reads the raw
// bytes with gjson, never decodes into structs, never prints and never
// styles: `wamo show` renders its items, other commands may count or filter
// them.
//
// The payload is expected to be syntactically valid JSON (see
// payload.CheckSyntax); on anything else the digest yields what it can and
// never panics.
package digest

import (
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// Kind says what an Item stands for.
type Kind string

// Kinds of items.
const (
	KindMessage Kind = "message" // an inbound (MO) message
	KindStatus  Kind = "status"  // a status (delivery receipt) of an outbound message
	KindError   Kind = "error"   // an out-of-band error (native top-level or Cloud value-level errors[])
)

// Item is the digest of one message, status or error of a payload.
type Item struct {
	Format payload.Format
	Kind   Kind
	// Index is the 0-based ordinal of the item in its payload, in the order
	// Each yields them (per change for Cloud: messages, then statuses, then
	// errors).
	Index int
	// ID is the message id (Sinch: the Sinch UUID; native/Cloud: the
	// WhatsApp id), the status's message id, or "" for errors.
	ID string
	// Time is when the message was received or the status happened; the
	// zero Time when the payload does not say. It is in UTC.
	Time time.Time
	// From and To are the sender and the recipient of the message the item
	// is about. For a message From is the user (wa_id) and To the business
	// number when the format carries it (Sinch origin, Cloud
	// metadata.display_phone_number); for a status it is the other way
	// round: From is the business number (when known) and To the user the
	// outbound message went to (recipient_id, Sinch destination).
	From, To string
	// Name is the user's profile name (Sinch userProfile.name, native and
	// Cloud contacts[].profile.name of the contact whose wa_id or user_id
	// matches).
	Name string
	// UserID is the Cloud business-scoped user id (from_user_id,
	// recipient_user_id), set when present; username-only users have no
	// From.
	UserID string
	// Type is the normalised lowercase type: text, image, audio, voice,
	// video, document, sticker, location, contacts, button, list_reply,
	// button_reply, nfm_reply, call_permission_reply (interactive replies
	// are named by their kind; "interactive" when it is not said), order,
	// system, reaction, request_welcome, edit, revoke, unknown, unsupported
	// (or whatever other type the payload names, lowercased); "status" for
	// statuses and "error" for errors. A Cloud audio with voice:true is
	// "voice", as On-Premises names it.
	Type string
	// Summary is the content in brief, in full (renderers truncate): the
	// text body; caption, file name and MIME type of media; place name,
	// address and coordinates; contact names; the chosen button or list
	// row; order items and total; the system change; the reaction; the
	// error title of unsupported messages; a status with its pricing
	// category and error.
	Summary string
	// Status is the status of a status item: sent, delivered, read, played,
	// failed, deleted, warning (Sinch codes mapped onto these).
	Status string
	// ErrorTitle is the first error's title (statuses, unsupported
	// messages, errors); for Sinch statuses the status name of the failure
	// code (NOT_DELIVERED…).
	ErrorTitle string
	// Path is the JSON path of the item in the payload, for example
	// "data[1]" or "entry[0].changes[0].value.messages[2]".
	Path string
}

// Each calls fn for every message, status and error of the payload data in
// format f (Unknown detects it), until fn returns false. The Item is reused
// between calls and its strings may share memory with data: copy what must
// outlive data or a later change to its bytes (Items does).
func Each(data []byte, f payload.Format, fn func(*Item) bool) {
	EachString(bytesToString(data), f, fn)
}

// EachString is Each for a string.
func EachString(s string, f payload.Format, fn func(*Item) bool) {
	if f == payload.Unknown {
		f = payload.DetectString(s).Format
	}
	w := walker{f: f, fn: fn}
	root := gjson.Parse(s)
	if !root.IsObject() {
		return
	}
	switch f {
	case payload.Sinch:
		w.sinch(root)
	case payload.WhatsApp:
		w.native(root, "", "")
	case payload.Cloud:
		w.cloud(root)
	}
}

// Items returns the items of a payload. The items own their strings: they
// stay valid whatever happens to data afterwards.
func Items(data []byte, f payload.Format) []Item {
	var out []Item
	EachString(string(data), f, func(it *Item) bool {
		out = append(out, *it)
		return true
	})
	return out
}

// walker carries the state of one pass over a payload.
type walker struct {
	f    payload.Format
	fn   func(*Item) bool
	it   Item
	n    int
	stop bool
}

// emit hands the item under construction to the callback.
func (w *walker) emit() {
	if w.stop {
		return
	}
	w.it.Format = w.f
	w.it.Index = w.n
	w.n++
	if !w.fn(&w.it) {
		w.stop = true
	}
}

func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// str returns a scalar's text: a string's value, a number's or boolean's
// JSON text; "" for null, absent, objects and arrays.
func str(r gjson.Result) string {
	switch r.Type {
	case gjson.String:
		return r.Str
	case gjson.Number, gjson.True, gjson.False:
		return r.Raw
	}
	return ""
}

// epochSeconds reads a native timestamp: seconds as a digit string
// (documented) or a number.
func epochSeconds(r gjson.Result) time.Time {
	var sec int64
	switch r.Type {
	case gjson.String:
		n, err := strconv.ParseInt(strings.TrimSpace(r.Str), 10, 64)
		if err != nil {
			return time.Time{}
		}
		sec = n
	case gjson.Number:
		sec = r.Int()
	default:
		return time.Time{}
	}
	if sec <= 0 || sec > 1e11 { // beyond year 5138: not seconds
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// epochMillis reads a Sinch time: milliseconds as a number (or a digit string).
func epochMillis(r gjson.Result) time.Time {
	var ms int64
	switch r.Type {
	case gjson.Number:
		ms = r.Int()
	case gjson.String:
		n, err := strconv.ParseInt(strings.TrimSpace(r.Str), 10, 64)
		if err != nil {
			return time.Time{}
		}
		ms = n
	default:
		return time.Time{}
	}
	if ms <= 0 || ms > 1e14 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// isoTime parses the ISO-8601 date-times Sinch writes in receivedDate.
func isoTime(r gjson.Result) time.Time {
	if r.Type != gjson.String {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, r.Str); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// lower lowercases s without allocating when it already is.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// join joins the non-empty parts with sep.
func join(sep string, parts ...string) string {
	n, k := 0, 0
	for _, p := range parts {
		if p != "" {
			n += len(p)
			k++
		}
	}
	if k == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(n + (k-1)*len(sep))
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	return b.String()
}

// detail appends " (d)" to s when d is not empty ("d" alone when s is).
func detail(s, d string) string {
	switch {
	case d == "":
		return s
	case s == "":
		return d
	}
	return s + " (" + d + ")"
}

// indexPath is prefix + name + "[" + i + "]".
func indexPath(prefix, name string, i int) string {
	var buf [24]byte
	num := strconv.AppendInt(buf[:0], int64(i), 10)
	b := make([]byte, 0, len(prefix)+len(name)+len(num)+2)
	b = append(b, prefix...)
	b = append(b, name...)
	b = append(b, '[')
	b = append(b, num...)
	b = append(b, ']')
	return unsafe.String(&b[0], len(b))
}

// mediaSummary is "caption · filename (mime)", the file name only when it
// is not the caption.
func mediaSummary(caption, filename, mime string) string {
	if filename == caption {
		filename = ""
	}
	return detail(join(" · ", caption, filename), mime)
}

// locationSummary is "name · address (lat,long)".
func locationSummary(name, address, coords string) string {
	return detail(join(" · ", name, address), coords)
}

// contactsSummary lists the contacts' formatted names (or, failing that,
// first and last names, then the first phone number).
func contactsSummary(contacts gjson.Result) string {
	var names []string
	contacts.ForEach(func(_, c gjson.Result) bool {
		name := c.Get("name")
		n := str(name.Get("formatted_name"))
		if n == "" {
			n = join(" ", str(name.Get("first_name")), str(name.Get("last_name")))
		}
		if n == "" {
			n = str(c.Get("phones.0.phone"))
		}
		if n == "" {
			n = "(no name)"
		}
		names = append(names, n)
		return len(names) < 50
	})
	return strings.Join(names, ", ")
}

// errorSummary is "title (code N)" for an error object; with details,
// "title (code N): details".
func errorSummary(e gjson.Result, withDetails bool) (summary, title string) {
	title = str(e.Get("title"))
	if title == "" {
		title = str(e.Get("message"))
	}
	code := str(e.Get("code"))
	s := title
	if code != "" {
		s = detail(title, "code "+code)
	}
	if withDetails {
		d := str(e.Get("error_data.details"))
		if d == "" {
			d = str(e.Get("details"))
		}
		if d != "" && d != title {
			s = join(": ", s, d)
		}
	}
	return s, title
}

// isTrue reports whether r is the JSON literal true.
func isTrue(r gjson.Result) bool { return r.Type == gjson.True }
