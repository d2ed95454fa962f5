// Package redact pseudonymises what identifies people in WhatsApp webhook
// payloads (Sinch, On-Premises, Cloud API and Sinch Conversation API) so
// that captures can be printed, saved, shared and attached to bug reports.
//
// It knows no field names: it walks a payload with its format's tables
// (spec.WalkRoles) and treats every value by the role the tables give it
// (spec.Role). A payload whose format it does not recognise is refused
// (*UnrecognisedError) rather than passed through: what it cannot read it
// cannot redact.
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
// By role:
//
//   - phone numbers (spec.RolePhone): other digits, same count, first two
//     kept, formatting kept; a value that is not shaped like a number (a
//     group id where a recipient is) is treated as an id. The business's
//     own numbers (spec.PartyBusiness: Sinch origin, Cloud
//     display_phone_number, Conversation API sender_id) are kept, and so is
//     a reply's context.from (spec.PartyEither) when it is one of them;
//   - business-scoped user ids: CC. / CC.ENT. prefix kept; names word by
//     word into invented words, usernames likewise; e-mail addresses into
//     user-<hash>@example.com;
//   - ids (message, status, media, conversation, contact, session, group
//     ids, identity hashes, ad click ids) by character class, the
//     business's own kept (phone_number_id, WABA id, app and project ids);
//     the ids inside media URLs and file paths;
//   - postal addresses' street and zip (city, state and country kept),
//     birthdays (the year kept, as January 1st), pictures (emptied), and
//     coordinates (kept to two decimals, about 1 km);
//   - free text (message bodies, captions, titles, location names, Flow
//     answers…) and the platform's texts about a message (error details):
//     every phone-like number and e-mail address in them, whoever's it is,
//     and the names, usernames and BSUIDs found in the payload's identifying
//     fields. With Options.Text, free text is replaced too by placeholder
//     words of the same lengths (the platform's texts are kept).
//
// Values no table describes (members a format does not document, the
// answers of a Flow, x_wamo_* extras) are guessed by their member name
// (spec.GuessRole) and otherwise treated as free text, as are numbers of 7
// to 15 digits among them. Of a key written twice in one object, every
// occurrence is redacted: the one receivers read (the last) and the others,
// so that no duplicate smuggles a value through; a business number counts
// as one only where receivers read it.
//
// Kept on purpose: what the business defines (button payloads and reply
// ids, correlation ids, campaign and flow ids, catalog and product ids, ad
// ids and URLs), timestamps, types, MIME types, media hashes, statuses,
// pricing.
package redact

import (
	"bytes"
	"sync"
	"unsafe"

	"github.com/wamo-dev/wamo/pkg/format"
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
	text   bool
	macs   sync.Pool // keyed HMAC-SHA256 states
	states sync.Pool // *state
}

// New returns a Redactor.
func New(opts Options) *Redactor {
	key := opts.Key
	if len(key) == 0 {
		key = []byte(DefaultKey)
	}
	key = bytes.Clone(key)
	r := &Redactor{text: opts.Text, macs: sync.Pool{New: newMAC(key)}}
	r.states.New = func() any {
		st := &state{r: r}
		st.walker.Undescribed = true // JSON in strings nobody describes may name people too
		return st
	}
	return r
}

// Text reports whether free text is replaced too.
func (r *Redactor) Text() bool { return r.text }

// UnrecognisedError is returned for a JSON document that is not a payload
// of a format wamo knows: redact cannot tell what in it identifies people,
// so it refuses it rather than pass it through.
type UnrecognisedError struct {
	// Reason says what the document looks like (payload.Detection).
	Reason string
}

func (e *UnrecognisedError) Error() string {
	msg := "not a webhook payload of a format wamo knows (" + payload.FormatList() + "), so it cannot be redacted: refused"
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// Redact returns a copy of the JSON document data with what identifies
// people pseudonymised (see the package documentation). It returns the
// *payload.SyntaxError that says where when data is not well-formed UTF-8
// JSON, and an *UnrecognisedError when it is not a payload of a known
// format. The output has the same layout and key order as the input and is
// valid JSON.
func (r *Redactor) Redact(data []byte) ([]byte, error) {
	p := payload.Payload{Data: data, Line: 1, Col: 1}
	payload.NestingOK(&p) // counts brackets, sparing CheckSyntax a scan for deep nesting
	if se := payload.CheckSyntax(&p); se != nil {
		return nil, se
	}
	d := payload.Detect(data)
	ft := format.Of(d.Format)
	if ft == nil {
		return nil, &UnrecognisedError{Reason: d.Reason}
	}
	st := r.states.Get().(*state)
	defer st.release()
	src := ""
	if len(data) > 0 {
		src = unsafe.String(&data[0], len(data))
	}
	if !st.tape.Parse(src) {
		// CheckSyntax accepted it: the tape's nesting bound is the same.
		return nil, &payload.SyntaxError{Msg: "not a JSON document"}
	}
	st.begin(src)
	st.walker.Walk(st.tape.Root(), ft.Schema(), st.visit)
	st.settle()
	return st.output(data), nil
}
