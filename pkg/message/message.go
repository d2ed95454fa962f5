// Package message is wamo's canonical model of a webhook delivery: the
// messages and statuses one POST carries, with sender, time, kind, content
// and where each came from, independent of any wire format.
//
// Format packages (pkg/format/*) translate between their wire format and
// this model: a reader walks a parsed payload and hands each batch,
// contact, message, status and error to a Handler; a writer is a Handler
// that writes them out in its format. Everything between — convert, show,
// listen, gen — works on the model, as the OpenTelemetry Collector's
// processors work on pdata, and knows no wire format.
//
// Scalar fields hold JSON text as written in the source ("" = absent), so
// that a value crosses formats with its exact spelling: a number keeps its
// digits, a string its escapes. Str decodes them. Sub-objects whose schema
// is shared by every format that has them (contact cards, orders, pricing)
// are kept as parsed values.
package message

import (
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// Kind says what a message is.
type Kind uint8

// Kinds of messages. KindOther is a message the model has no kind for:
// Message.Type names it as the source did.
const (
	KindOther Kind = iota
	Text
	Image
	Audio
	Voice // a voice note (On-Premises voice, Cloud audio with voice:true)
	Video
	Document
	Sticker
	Location
	Contacts
	Button      // a template quick-reply button
	ButtonReply // an interactive reply button
	ListReply   // an interactive list row
	FlowReply   // a WhatsApp Flow response (nfm_reply)
	CallPermissionReply
	AddressReply // the address a person gave in answer to an address message
	Order
	System
	Reaction
	Unsupported // a message the provider could not deliver (unknown, unsupported)
	RequestWelcome
	Edit
	Revoke
	numKinds
)

// Batch opens a run of contacts, messages, statuses and errors that share a
// business account: a Cloud API change, a run of Sinch items from one
// origin, an On-Premises body. Readers announce each batch before its
// contents; a reader hands contacts before messages within a batch.
type Batch struct {
	Offset int // of the object that holds the batch
	// Business is the business phone number, decoded ("" = unknown).
	Business string
	// PhoneNumberID is the Cloud API metadata.phone_number_id (JSON text).
	PhoneNumberID string
	// NoContacts and NoErrors record empty contacts and errors arrays,
	// which native formats keep as they are.
	NoContacts, NoErrors bool
	// Messages is the number of messages the batch holds, when the reader
	// knows it before handing them (0 = unknown).
	Messages int
}

// Party is who sent a message or received a status: a phone number
// (wa_id) and, since 2026, business-scoped user ids (JSON text).
type Party struct {
	Phone        string
	UserID       string
	ParentUserID string
	// Name is the profile name a message gives for its own sender (Sinch
	// userProfile), decoded; native formats name senders in contacts.
	Name string
}

// Contact is a sender's profile.
type Contact struct {
	Offset          int
	Phone           string // wa_id (JSON text)
	HasProfile      bool   // a profile object, even an empty one
	Name            string // profile name (JSON text)
	Username        string
	UserID          string
	ParentUserID    string
	IdentityKeyHash string
}

// Time is when something happened: the text a native source wrote
// (epoch seconds in a string) and, when a source gave another encoding,
// the epoch seconds it stands for.
type Time struct {
	Raw    string // JSON text of a native timestamp ("" = none)
	Sec    int64
	HasSec bool
	// Milli is the milliseconds past Sec, when the source gave them.
	Milli int
}

// Seconds returns the time in epoch seconds, from Sec or a plausible Raw
// (10^8 ≤ s < 10^11: 1973 to 5138; others have no counterpart in formats
// that write milliseconds).
func (t Time) Seconds() (int64, bool) {
	if t.HasSec {
		return t.Sec, true
	}
	s := jsontree.Unquote(t.Raw)
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

// Message is one inbound message.
type Message struct {
	Offset int
	ID     string // JSON text
	From   Party
	Time   Time
	Kind   Kind
	// Type is the decoded wire type of a KindOther message ("" when
	// absent; the interactive type of an interactive message of another
	// kind than the model knows).
	Type     string
	GroupID  string
	Context  Context
	Referral Referral
	Identity jsontree.Value // On-Premises identity {acknowledged, created_timestamp, hash}
	Errors   []Error
	// HasErrors records an errors array, even an empty one.
	HasErrors bool

	Text     string // Text: the body
	Media    Media
	Location Place
	Cards    jsontree.Value // Contacts: the array of contact cards
	Button   TemplateButton
	Reply    Reply          // ButtonReply, ListReply
	Body     jsontree.Value // FlowReply, CallPermissionReply: the reply object; Reaction, Order, Unsupported, KindOther: the object
	System   SystemChange
	// Address is the content of an AddressReply.
	Address Address
	// Original is the id of the message an Edit or a Revoke changes.
	Original string
	// Edited is the new content of an Edit.
	Edited *Message
}

// Media is a media file.
type Media struct {
	ID, MIME, SHA256, Caption, Filename, Animated string
	URL                                           string // Cloud url, Sinch mediaUrl
	Link                                          string // On-Premises link
	Voice                                         string // Cloud audio.voice as written
	Metadata                                      jsontree.Value
}

// Place is a shared location.
type Place struct {
	Lat, Long, Name, Address, URL string
}

// TemplateButton is a template quick-reply.
type TemplateButton struct {
	Text, Payload string
}

// Reply is the chosen interactive button or list row.
type Reply struct {
	ID, Title, Description string
	Present                bool
}

// Address is a postal address a person gave in answer to an address
// message (a shipping address form).
type Address struct {
	// Parts are the address's fields in the order the source gave them.
	Parts []Part
	// SavedID is the id of the saved address the person picked (JSON
	// text; "" = none).
	SavedID string
	// Body is the text shown with the reply (JSON text).
	Body string
	// JSON is the reply as the source wrote it: the JSON text of a string
	// holding a JSON object, for exact copies ("" when the parts are all
	// there is, as in generated messages).
	JSON string
}

// Names of an address's parts, as Meta's address messages name them (the
// formats that carry address replies all use them).
const (
	PartName       = "name"
	PartPhone      = "phone_number"
	PartINPinCode  = "in_pin_code"  // India
	PartSGPostCode = "sg_post_code" // Singapore
	PartHouse      = "house_number"
	PartFloor      = "floor_number"
	PartTower      = "tower_number"
	PartBuilding   = "building_name"
	PartStreet     = "address"
	PartLandmark   = "landmark_area"
	PartUnit       = "unit_number" // Singapore
	PartCity       = "city"
	PartState      = "state"
)

// Part is one field of an address: Key names it as the formats do
// (name, phone_number, in_pin_code, house_number, city…), Value is JSON
// text.
type Part struct {
	Key, Value string
}

// Text is the address on one line: its parts' values, in order, joined
// with ", ".
func (a *Address) Text() string {
	vals := make([]string, 0, len(a.Parts))
	for _, p := range a.Parts {
		vals = append(vals, strings.TrimSpace(Scalar(p.Value)))
	}
	return Join(", ", vals...)
}

// Context says what a message answers or forwards.
type Context struct {
	Present             bool
	From, ID, GroupID   string
	Forwarded, Frequent string // JSON booleans as written
	Mentions            jsontree.Value
	Product             jsontree.Value // referred_product
}

// Referral is the ad or post a conversation started from.
type Referral struct {
	Present bool
	Null    bool // the source wrote null
	Headline, Body,
	SourceType, SourceID,
	SourceURL, MediaType string
	ImageURL, VideoURL     string
	ThumbnailURL, CtwaClid string
	Welcome                jsontree.Value
}

// SystemChange is a system message: a number or identity change.
type SystemChange struct {
	Present                   bool
	Body, Type, NewWaID, WaID string
	Identity, User, Customer  string
	UserID, ParentUserID      string
}

// Error is an error object in either native shape: On-Premises {code,
// title, details, href}, Cloud {code, title, message, error_data{details},
// href}.
type Error struct {
	Offset                     int
	Code, Title, Details       string
	DataDetails, Message, Href string
}

// State is a status's state.
type State uint8

// States of an outbound message.
const (
	StateOther State = iota
	Sent
	Delivered
	Read
	Played
	Failed
	Deleted
	Warning
	numStates
)

var stateNames = [numStates]string{"", "sent", "delivered", "read", "played", "failed", "deleted", "warning"}

// String is the state's canonical name ("" for StateOther).
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return ""
}

// ParseState returns the state of a canonical name.
func ParseState(name string) State {
	for s := Sent; s < numStates; s++ {
		if stateNames[s] == name {
			return s
		}
	}
	return StateOther
}

// Status is a receipt for an outbound message.
type Status struct {
	Offset int
	ID     string // JSON text
	State  State
	// StateRaw is the state as written (JSON text), for states the model
	// does not know and for exact copies.
	StateRaw  string
	Time      Time
	Recipient Party
	// RecipientType, ParticipantID, IdentityKeyHash and BizOpaque are Cloud
	// API fields (JSON text).
	RecipientType, ParticipantID, IdentityKeyHash, BizOpaque string
	Type                                                     string // "message" (JSON text)
	Conversation, Pricing                                    jsontree.Value
	Errors                                                   []Error
	HasErrors                                                bool
}

// Handler receives what a reader finds, in document order within a batch
// (contacts first). The pointers are valid only during the call: readers
// reuse them.
type Handler interface {
	Batch(b *Batch)
	Contact(c *Contact)
	Message(m *Message)
	Status(s *Status)
	Error(e *Error)
}

// Str decodes JSON text holding a string ("" for anything else).
func Str(raw string) string { return jsontree.Unquote(raw) }

// Quote encodes s as JSON text.
func Quote(s string) string { return jsontree.Quote(s) }

// ReplyTitle is the title of an interactive reply, or — for sources that
// give none (a Conversation API choice response) — its id, which filled
// learns about.
func ReplyTitle(m *Message, filled func(title string)) string {
	if m.Reply.Title != "" {
		return m.Reply.Title
	}
	if m.Reply.ID != "" && filled != nil {
		filled(Str(m.Reply.ID))
	}
	return m.Reply.ID
}
