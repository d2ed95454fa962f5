package conform

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/signature"
)

// Profile says how one provider delivers webhooks: the format of its
// bodies, where its example payloads are, how large a delivery can be, how
// it encodes text on the wire, whether it signs requests and whether it
// verifies the endpoint with a handshake. Everything the catalogue does
// with a provider comes from here; the payloads themselves come from the
// embedded fixtures and the generator, so that adding a provider is a
// Profile value, a fixtures folder and, if it signs differently, a
// signature.Scheme.
type Profile struct {
	// Name is what --profile takes: "sinch", "whatsapp", "cloud",
	// "conversation".
	Name string
	// Title names the provider in reports.
	Title string
	// Format is the format of the bodies.
	Format payload.Format
	// Fixtures is the folder of the embedded fixtures with the provider's
	// payloads (see package fixtures).
	Fixtures string
	// Other names fixtures of deliveries the provider sends to the same URL
	// that are not messages or statuses (another webhook field): a
	// receiver must acknowledge them too.
	Other []string
	// OtherKind says in words what the Other deliveries are.
	OtherKind string

	// TypeSuffix follows a message type where the payload names it by a
	// member: "_message" for the Conversation API's text_message.
	TypeSuffix string

	// MaxBatch is the most messages and statuses one delivery carries; 1
	// when the provider sends one per request.
	MaxBatch int
	// MaxBody is the largest body the provider sends, in bytes.
	MaxBody int
	// Limits says where MaxBatch and MaxBody come from. When the provider
	// documents neither, the cases that use them are recommended rather
	// than required.
	Limits     string
	Documented bool
	// Mixed is set when messages and statuses may share a delivery.
	Mixed bool
	// ASCII is set when the provider escapes every non-ASCII character as
	// \uXXXX (Meta does, and signs that form).
	ASCII bool

	// Signer is the provider's signature scheme (shared with replay and
	// listen); nil when the provider does not sign. A timed scheme adds
	// the auth.stale case.
	Signer signature.Scheme
	// Handshake is the GET request that verifies the endpoint; nil when
	// the provider has none.
	Handshake *Handshake
}

// Handshake describes a verification request: a GET whose query carries a
// mode, a challenge and the verify token, answered with the challenge
// exactly when the token is right (Meta's hub.* parameters).
type Handshake struct {
	Mode, ModeParam, ChallengeParam, TokenParam string
	// Refused is the status a wrong token must get.
	Refused int
}

// Query returns the handshake's query string for a token and a challenge.
func (h *Handshake) Query(token, challenge string) string {
	v := url.Values{}
	v.Set(h.ModeParam, h.Mode)
	v.Set(h.ChallengeParam, challenge)
	v.Set(h.TokenParam, token)
	return v.Encode()
}

// metaHandshake is the Cloud API's webhook verification request.
var metaHandshake = &Handshake{
	Mode: "subscribe", ModeParam: "hub.mode", ChallengeParam: "hub.challenge", TokenParam: "hub.verify_token",
	Refused: http.StatusForbidden,
}

// Profiles returns the known profiles, in the order --profile lists them.
func Profiles() []*Profile {
	return []*Profile{
		{
			Name: "sinch", Title: "Sinch (LATAM) WhatsApp MO and status callbacks", Format: payload.Sinch, Fixtures: "sinch",
			// "MOs are sent in batches" (seed 000), of no documented size or length.
			MaxBatch: 100, MaxBody: 1 << 20,
			Limits: "Sinch documents batches but no batch or body size: 100 items and 1 MiB assumed",
		},
		{
			Name: "whatsapp", Title: "WhatsApp On-Premises API notifications", Format: payload.WhatsApp, Fixtures: "whatsapp",
			MaxBatch: 100, MaxBody: 1 << 20, Mixed: true,
			Limits: "the On-Premises API documents no batch or body size: 100 items and 1 MiB assumed",
		},
		{
			Name: "cloud", Title: "WhatsApp Cloud API webhooks (Meta)", Format: payload.Cloud, Fixtures: "cloud",
			Other: []string{"invalid/cloud-field-account-update"}, OtherKind: "another webhook field than messages",
			MaxBatch: 1000, MaxBody: 3_000_000, Documented: true, Mixed: true, ASCII: true,
			Limits: "Meta: notifications are batched up to 1000 updates; payloads can be up to 3 MB",
			Signer: signature.MetaScheme, Handshake: metaHandshake,
		},
		{
			Name: "conversation", Title: "Sinch Conversation API callbacks (WhatsApp channel)", Format: payload.Conversation, Fixtures: "conversation",
			// The same URL receives every trigger the app subscribed to.
			Other: []string{"invalid/conversation-event-inbound"}, OtherKind: "another trigger than message and message_delivery_report",
			TypeSuffix: "_message",
			// One event per callback, by the envelope's design (one trigger
			// object); no body size is documented, and one message cannot
			// make a large one: a WhatsApp text is at most 4096 characters.
			MaxBatch: 1, MaxBody: 12 << 10,
			Limits: "a Conversation API callback carries one event and Sinch documents no body size: " +
				"12 KiB assumed, a 4096-character text (WhatsApp's longest) in several scripts",
			// Signed with a timestamp: auth.stale applies.
			Signer: signature.SinchScheme,
		},
	}
}

// ProfileNames lists the names --profile accepts.
func ProfileNames() []string {
	var out []string
	for _, p := range Profiles() {
		out = append(out, p.Name)
	}
	return out
}

// LookupProfile returns the profile named name (any case), or nil.
func LookupProfile(name string) *Profile {
	for _, p := range Profiles() {
		if strings.EqualFold(p.Name, strings.TrimSpace(name)) {
			return p
		}
	}
	return nil
}
