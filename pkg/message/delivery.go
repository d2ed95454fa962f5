package message

import (
	"slices"
	"time"

	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// Delivery is a whole delivery held in memory: what Collect gathers from a
// reader and what generators build. Readers and writers stream; a
// Delivery is for code that needs to look at everything at once.
type Delivery struct {
	Batches []BatchOf
}

// BatchOf is a batch with its contents.
type BatchOf struct {
	Batch
	Contacts []Contact
	Messages []Message
	Statuses []Status
	Errors   []Error
}

// Batch implements Handler.
func (d *Delivery) Batch(b *Batch) { d.Batches = append(d.Batches, BatchOf{Batch: *b}) }

func (d *Delivery) last() *BatchOf {
	if len(d.Batches) == 0 {
		d.Batches = append(d.Batches, BatchOf{})
	}
	return &d.Batches[len(d.Batches)-1]
}

// Contact implements Handler.
func (d *Delivery) Contact(c *Contact) { b := d.last(); b.Contacts = append(b.Contacts, *c) }

// Message implements Handler.
func (d *Delivery) Message(m *Message) {
	b := d.last()
	cp := *m
	cp.Errors = slices.Clone(m.Errors)
	cp.Address.Parts = slices.Clone(m.Address.Parts)
	b.Messages = append(b.Messages, cp)
}

// Status implements Handler.
func (d *Delivery) Status(s *Status) {
	b := d.last()
	cp := *s
	cp.Errors = slices.Clone(s.Errors)
	b.Statuses = append(b.Statuses, cp)
}

// Error implements Handler.
func (d *Delivery) Error(e *Error) { b := d.last(); b.Errors = append(b.Errors, *e) }

// Emit hands the delivery to h, batch by batch, as a reader would.
func (d *Delivery) Emit(h Handler) {
	for i := range d.Batches {
		b := &d.Batches[i]
		head := b.Batch
		head.Messages = len(b.Messages)
		h.Batch(&head)
		for j := range b.Contacts {
			h.Contact(&b.Contacts[j])
		}
		for j := range b.Messages {
			h.Message(&b.Messages[j])
		}
		for j := range b.Statuses {
			h.Status(&b.Statuses[j])
		}
		for j := range b.Errors {
			h.Error(&b.Errors[j])
		}
	}
}

// Reader hands what a parsed payload of one wire format holds to a
// Handler. A Reader keeps buffers from one payload to the next; it is not
// safe for concurrent use.
type Reader interface {
	Read(root jsontree.Value, h Handler, o ReadOptions)
}

// Writer is a Handler that writes what it receives in one wire format.
// Reset starts a document; a Writer keeps its buffers from one document to
// the next and is not safe for concurrent use.
type Writer interface {
	Handler
	Reset(o WriteOptions)
	// End finishes the document. ok is false when nothing received has a
	// counterpart in the format (out is then nil). out is valid until the
	// next Reset.
	End() (out []byte, ok bool)
}

// Option names a writer option that can stand in for a value the model
// lacks.
type Option uint8

// Writer options.
const (
	NoOption Option = iota
	OptBusinessNumber
	OptPhoneNumberID
	OptAccountID
	OptMediaBaseURL
	OptAppID
	OptProjectID
)

var optionNames = [...]string{
	OptBusinessNumber: "business number",
	OptPhoneNumberID:  "phone number id",
	OptAccountID:      "account id",
	OptMediaBaseURL:   "media base URL",
	OptAppID:          "app id",
	OptProjectID:      "project id",
}

// String names the option for people ("" for NoOption); a CLI maps
// options to its own flags.
func (o Option) String() string {
	if int(o) < len(optionNames) {
		return optionNames[o]
	}
	return ""
}

// Fill is a value a writer wrote that the model did not hold: an option's
// value or a documented default.
type Fill struct {
	// Path is where the value is in the output, e.g. data[0].origin.
	Path string
	// Value is the value written (decoded).
	Value string
	// Reason says what was missing.
	Reason string
	// Option is the writer option that sets the value (NoOption = none).
	Option Option
	// Offset locates, in the input, the object that lacked the value.
	Offset int
	// Default is set when the value is a documented default rather than
	// an option's value.
	Default bool
}

// WriteOptions configure a writer.
type WriteOptions struct {
	// Pretty indents the output (two spaces); otherwise it is one line.
	Pretty bool
	// Origin is the business phone number written as Sinch origin when the
	// model has none; it also serves as display phone number.
	Origin string
	// DisplayPhoneNumber is the Cloud metadata.display_phone_number when
	// the model has no business number; Origin is used when it is empty.
	DisplayPhoneNumber string
	// PhoneNumberID is the Cloud metadata.phone_number_id.
	PhoneNumberID string
	// AccountID is the Cloud entry[].id (WhatsApp Business Account id).
	AccountID string
	// AppID and ProjectID are the Sinch Conversation API app and project.
	AppID, ProjectID string
	// MediaBaseURL prefixes a media id to make a URL for formats that need
	// one when the model has none.
	MediaBaseURL string
	// Now is the clock for times the model lacks; time.Now when nil.
	Now func() time.Time
	// Fill, when set, receives every value written that the model did not
	// hold.
	Fill func(Fill)
}

// Clock returns the current time by Now.
func (o *WriteOptions) Clock() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Filled reports a fill when o.Fill is set.
func (o *WriteOptions) Filled(f Fill) {
	if o.Fill != nil {
		o.Fill(f)
	}
}

// ReadOptions configure a reader.
type ReadOptions struct {
	// MediaBaseURL is the prefix a writer used for media URLs made from
	// ids: readers turn such URLs back into ids.
	MediaBaseURL string
}

// Documented stand-ins for values a target needs and a source may lack.
const (
	// DefaultBusinessNumber stands for the business phone number when the
	// source has none (On-Premises payloads) and no option gives it.
	DefaultBusinessNumber = "00000000000"
	// DefaultPhoneNumberID is the Cloud metadata.phone_number_id used
	// without an option.
	DefaultPhoneNumberID = "0"
	// DefaultAccountID is the Cloud entry[].id used without an option.
	DefaultAccountID = "0"
	// DefaultPhone stands for the phone number of a username-only sender
	// (who has a business-scoped id but no wa_id) in formats that need one.
	DefaultPhone = "00000000000"
	// DefaultMediaBaseURL prefixes the media id to make a URL when the
	// source has none (On-Premises media are downloaded by id). The
	// .invalid domain never resolves.
	DefaultMediaBaseURL = "https://media.invalid/whatsapp/"
)

// MediaBase returns the media base URL of o, or the default.
func (o *ReadOptions) MediaBase() string {
	if o.MediaBaseURL != "" {
		return o.MediaBaseURL
	}
	return DefaultMediaBaseURL
}
