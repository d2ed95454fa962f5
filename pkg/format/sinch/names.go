package sinch

import (
	"strconv"

	"github.com/wamo-dev/wamo/pkg/message"
)

// Message types as Sinch spells them (seed 004; S-INT-EN; undocumented
// ones seen in practice), and the model's kind for each.
const (
	TypeText        = "TEXT"
	TypeImage       = "IMAGE"
	TypeAudio       = "AUDIO"
	TypeDocument    = "DOCUMENT"
	TypeSticker     = "STICKER"
	TypeButton      = "BUTTON"
	TypeOrder       = "ORDER"
	TypeVideo       = "VIDEO"
	TypeVoice       = "VOICE"
	TypeLocation    = "LOCATION"
	TypeContacts    = "CONTACTS"
	TypeInteractive = "INTERACTIVE"
)

// Interactive reply types (message.interactive.type).
const (
	InteractiveListReply   = "LIST_REPLY"
	InteractiveButtonReply = "BUTTON_REPLY"
)

var typeKinds = map[string]message.Kind{
	TypeText: message.Text, TypeImage: message.Image, TypeAudio: message.Audio, TypeVideo: message.Video,
	TypeDocument: message.Document, TypeSticker: message.Sticker, TypeVoice: message.Voice,
	TypeButton: message.Button, TypeLocation: message.Location, TypeContacts: message.Contacts,
	// ORDER has no documented fields: it cannot become an order of another format.
}

// StatusCode is one code of the Sinch status callback table (reference
// §2.5, S-API-EN).
type StatusCode struct {
	Code int64
	Name string
	// SentStage: the code reports a failure at sending (sentStatusCode);
	// other failures happen at delivery (deliveredStatusCode).
	SentStage bool
}

// Status codes with a meaning of their own.
const (
	CodeSent         = 2
	CodeDelivered    = 4
	CodeRead         = 5
	CodeNotDelivered = 104
)

// StatusCodes is the documented code table.
var StatusCodes = []StatusCode{
	{2, "SENT_SUCCESS", true}, {4, "DELIVERED_SUCCESS", false}, {5, "READ_SUCCESS", false},
	{101, "EXPIRED", false}, {102, "CARRIER_COMMUNICATION_ERROR", true}, {103, "REJECTED_BY_CARRIER", true},
	{104, "NOT_DELIVERED", false}, {202, "INVALID_DESTINATION_NUMBER", true},
	{204, "DESTINATION_BLOCKED_BY_OPTOUT", true}, {206, "INVALID_MESSAGE_LENGTH", true},
	{207, "INVALID_MESSAGE_TEXT", true}, {209, "INVALID_CONTENT", true}, {210, "INVALID_SESSION", true},
	{211, "DESTINATION_BLOCKED_BY_OPTIN", true}, {212, "DESTINATION_BLOCKED_BY_WHITELIST", true},
	{311, "INTERNAL_ERROR", true},
}

// LookupCode returns the table entry of a code.
func LookupCode(code int64) (StatusCode, bool) {
	for _, c := range StatusCodes {
		if c.Code == code {
			return c, true
		}
	}
	return StatusCode{}, false
}

// CodeName is the name of a status code (STATUS_<n> when undocumented).
func CodeName(code int64) string {
	if c, ok := LookupCode(code); ok {
		return c.Name
	}
	return "STATUS_" + strconv.FormatInt(code, 10)
}

// member is a member of a Sinch object and the model field it carries as
// written.
type member struct {
	key   string
	field *string
}

// referralMembers pairs the members of a Sinch referral with the fields of
// r; reading and writing both go through it. mediaUrl is apart: the field
// it fills depends on mediaType (see referralMedia).
func referralMembers(r *message.Referral) []member {
	return []member{{"headLine", &r.Headline}, {"body", &r.Body}, {"sourceType", &r.SourceType},
		{"sourceId", &r.SourceID}, {"sourceUrl", &r.SourceURL}, {"mediaType", &r.MediaType}}
}

// referralMedia is the field of r that a Sinch mediaUrl carries, by
// mediaType: nil when the type is neither image nor video.
func referralMedia(r *message.Referral) *string {
	switch message.Str(r.MediaType) {
	case "image":
		return &r.ImageURL
	case "video":
		return &r.VideoURL
	}
	return nil
}
