// Package digest summarises webhook payloads independently of their format:
// one Item per message, status or error, saying when it happened, who sent
// it, its kind and its content in brief ("Hi, this is…", "Nota fiscal
// (image/jpeg)", "3 items, total 52.48 USD"). It reads the canonical model
// (pkg/message) that the format packages produce, so it knows no wire
// format; it never prints and never styles: `wamo show` and `wamo listen`
// render its items.
//
// The payload is expected to be syntactically valid JSON (see
// payload.CheckSyntax); on anything else the digest yields nothing.
package digest

import (
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
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
	// Type is the message's kind as the canonical model names it (text,
	// image, voice, list_reply, unsupported…; see message.Kind), or the
	// type the payload names, lowercased, for kinds the model does not know
	// ("unknown" when it names none); "status" for statuses and "error" for
	// errors.
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
	// Offset is the byte offset of the item's object in the payload.
	Offset int
}

// Each calls fn for every message, status and error of the payload data in
// format f (Unknown detects it), until fn returns false. The Item is reused
// between calls and its strings may share memory with data: copy what must
// outlive data or a later change to its bytes (Items does).
func Each(data []byte, f payload.Format, fn func(*Item) bool) {
	var p Parsed
	p.Parse(data, f)
	p.Each(fn)
}

// Items returns the items of a payload. The items own their strings: they
// stay valid whatever happens to data afterwards.
func Items(data []byte, f payload.Format) []Item {
	var out []Item
	Each([]byte(string(data)), f, func(it *Item) bool {
		out = append(out, *it)
		return true
	})
	return out
}

// Parsed is a payload parsed once for several passes (counting, then
// listing). A Parsed keeps its buffers from one payload to the next; it is
// not safe for concurrent use.
type Parsed struct {
	tape   jsontree.Tape
	ok     bool
	f      payload.Format
	reader message.Reader
	rf     payload.Format
}

// Parse parses data, a payload in format f (Unknown detects it). Payloads
// that are not JSON or of no known format have no items.
func (p *Parsed) Parse(data []byte, f payload.Format) {
	if f == payload.Unknown {
		f = payload.Detect(data).Format
	}
	p.f = f
	p.ok = format.Of(f) != nil && p.tape.Parse(bytesToString(data))
	if p.ok && (p.reader == nil || p.rf != f) {
		p.reader, p.rf = format.Of(f).NewReader(), f
	}
}

// Each calls fn for every item, until fn returns false.
func (p *Parsed) Each(fn func(*Item) bool) {
	if !p.ok {
		return
	}
	d := digester{fn: fn}
	d.it.Format = p.f
	p.reader.Read(p.tape.Root(), &d, message.ReadOptions{})
}

// Count returns the number of messages, statuses and errors.
func (p *Parsed) Count() (messages, statuses, errs int) {
	p.Each(func(it *Item) bool {
		switch it.Kind {
		case KindStatus:
			statuses++
		case KindError:
			errs++
		default:
			messages++
		}
		return true
	})
	return
}

// digester turns what a reader hands it into items.
type digester struct {
	fn       func(*Item) bool
	it       Item
	n        int
	stop     bool
	business string
	// profile names of the batch's contacts, by wa_id and by user id
	names map[string]string
}

func (d *digester) emit() {
	if d.stop {
		return
	}
	d.it.Index = d.n
	d.n++
	if !d.fn(&d.it) {
		d.stop = true
	}
}

func (d *digester) reset(kind Kind, off int) {
	d.it = Item{Format: d.it.Format, Kind: kind, Offset: off}
}

func (d *digester) Batch(b *message.Batch) {
	d.business = b.Business
	clear(d.names)
}

func (d *digester) Contact(c *message.Contact) {
	name := message.Str(c.Name)
	if name == "" {
		return
	}
	if d.names == nil {
		d.names = map[string]string{}
	}
	for _, id := range [...]string{c.Phone, c.UserID} {
		if k := message.Str(id); k != "" {
			if _, ok := d.names[k]; !ok {
				d.names[k] = name
			}
		}
	}
}

// name is the profile name of the contact with phone or user id.
func (d *digester) name(p message.Party) string {
	if p.Name != "" {
		return p.Name
	}
	for _, id := range [...]string{p.Phone, p.UserID} {
		if k := message.Str(id); k != "" {
			if n, ok := d.names[k]; ok {
				return n
			}
		}
	}
	return ""
}

func (d *digester) Message(m *message.Message) {
	if d.stop {
		return
	}
	d.reset(KindMessage, m.Offset)
	it := &d.it
	it.ID = message.Scalar(m.ID)
	it.From = message.Scalar(m.From.Phone)
	it.UserID = message.Scalar(m.From.UserID)
	it.To = d.business
	it.Time = when(m.Time)
	it.Name = d.name(m.From)
	it.Type = m.TypeName()
	it.Summary, it.ErrorTitle = m.Summary()
	d.emit()
}

func (d *digester) Status(s *message.Status) {
	if d.stop {
		return
	}
	d.reset(KindStatus, s.Offset)
	it := &d.it
	it.Type = "status"
	it.ID = message.Scalar(s.ID)
	it.From = d.business
	it.To = message.Scalar(s.Recipient.Phone)
	it.UserID = message.Scalar(s.Recipient.UserID)
	it.Name = d.name(s.Recipient)
	it.Time = when(s.Time)
	it.Status = s.State.String()
	if it.Status == "" {
		it.Status = strings.ToLower(message.Scalar(s.StateRaw))
	}
	if it.Status == "" {
		it.Status = "unknown"
	}
	var e string
	if len(s.Errors) > 0 {
		e, it.ErrorTitle = s.Errors[0].Summary(false)
	}
	it.Summary = message.Join(" · ", it.Status, s.Pricing.Get("category").Str(), e)
	d.emit()
}

func (d *digester) Error(e *message.Error) {
	if d.stop {
		return
	}
	d.reset(KindError, e.Offset)
	d.it.Type = "error"
	d.it.To = d.business
	d.it.Summary, d.it.ErrorTitle = e.Summary(true)
	d.emit()
}

// when is a model time as a UTC time (the zero Time when unknown).
func when(t message.Time) time.Time {
	if t.HasSec {
		return time.UnixMilli(t.Sec*1000 + int64(t.Milli)).UTC()
	}
	// A native timestamp: seconds as a digit string (documented) or a number.
	sec, err := strconv.ParseInt(strings.TrimSpace(message.Scalar(t.Raw)), 10, 64)
	if err != nil || sec <= 0 || sec > 1e11 { // beyond year 5138: not seconds
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

func bytesToString(b []byte) string {
	p := payload.Payload{Data: b}
	return p.String()
}
