package whatsapp

import (
	"maps"

	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

// How native notifications map onto the other formats, for the mapping
// tables (paths relative to an On-Premises body or a Cloud API change
// value; pkg/format lists the concepts).
var (
	onPremSpellings = message.Spellings{
		"item.message":         "messages[] + contacts[]",
		"item.status":          "statuses[]",
		"message.id":           "messages[].id",
		"message.from":         "messages[].from, contacts[].wa_id",
		"sender.name":          "contacts[].profile.name",
		"sender.wa_id":         "contacts[].wa_id",
		"business":             "— (--origin)",
		"time":                 "messages[].timestamp (s)",
		"context.id":           "messages[].context.id",
		"group":                "messages[].group_id",
		"text":                 "type text, text.body",
		"media":                "type image, video, document, sticker, audio",
		"media.voice":          "type voice",
		"media.mime":           "<media>.mime_type",
		"media.caption":        "<media>.caption",
		"media.url":            "<media>.link",
		"media.id":             "<media>.id",
		"media.sha256":         "<media>.sha256 (hex)",
		"voice":                "type voice",
		"location.coordinates": "location.latitude, location.longitude",
		"location.name":        "location.name, address",
		"contacts":             "messages[].contacts[]",
		"button":               "type button, button.text, button.payload",
		"list_reply":           "interactive.type list_reply, list_reply.id, title",
		"button_reply":         "interactive.type button_reply, button_reply.id, title",
		"address_reply":        "interactive.type nfm_reply, nfm_reply.name address_message, response_json.values",
		"order":                "type order",
		"referral":             "referral.headline, body, source_type, source_id, source_url",
		"referral.media":       "referral.image.link / referral.video.link",
		"status.read":          "status read",
		"status.delivered":     "status delivered",
		"status.sent":          "status sent",
		"status.failed":        "status failed, errors[{code, title}]",
		"status.recipient":     "statuses[].recipient_id",
		"status.type":          "statuses[].type message",
		"error":                "error {code, title, details, href}",
		"unsupported":          "type unknown",
		"system.number":        "system.new_wa_id",
		"errors":               "errors[] (top level)",
	}
	// The Cloud API spells most concepts as On-Premises does.
	cloudSpellings = respell(onPremSpellings, message.Spellings{
		"business":       "metadata.display_phone_number",
		"media.voice":    "type audio, audio.voice true",
		"media.url":      "<media>.url",
		"media.sha256":   "<media>.sha256 (base64)",
		"voice":          "type audio + audio.voice true",
		"referral.media": "referral.media_type + image_url / video_url",
		"error":          "error {code, title, message, error_data.details, href}",
		"unsupported":    "type unsupported",
		"system.number":  "system.wa_id",
		"errors":         "errors[] (value level)",
		"envelope":       "object, entry[].id, metadata.phone_number_id",
	})
)

// note is a Note that applies to both variants, or to the Cloud API only.
type note struct {
	message.Note
	cloudOnly bool
}

// addressAsText says what becomes of an address reply in Sinch.
const addressAsText = "Sinch has no address reply: the address is written as a TEXT of its fields, read back as a text"

// notes explain what of a native notification other formats cannot carry.
var notes = []note{
	{message.Note{To: "sinch", Path: "messages[].timestamp", Kind: message.Changed, Text: "not a time Sinch can carry (epoch seconds 10^8 to 10^11): converting back gives the conversion time"}, false},
	{message.Note{To: "sinch", Path: "statuses[].timestamp", Kind: message.Changed, Text: "not a time Sinch can carry (epoch seconds 10^8 to 10^11): converting back gives the conversion time"}, false},
	{message.Note{To: "", Path: "entry", Kind: message.Changed, Text: "items are regrouped: converting back writes one entry, and one change per business number and kind (messages, statuses)"}, false},
	{message.Note{To: "", Path: "entry[].id", Kind: message.Changed, Text: "the WhatsApp Business Account id; converting back takes --waba-id"}, true},
	{message.Note{To: "", Path: "entry[].time", Kind: message.Dropped, Text: "time of the webhook batch"}, true},
	{message.Note{To: "", Path: "metadata.phone_number_id", Kind: message.Changed, Text: "the business phone number id; converting back takes --phone-number-id"}, true},
	{message.Note{To: "whatsapp", Path: "metadata.display_phone_number", Kind: message.Changed, Text: "On-Premises payloads carry no business number; converting back takes --display-phone-number"}, true},
	{message.Note{To: "sinch", Path: "metadata.display_phone_number", Kind: message.Changed, Text: "a Sinch origin is digits only"}, true},
	{message.Note{To: "", Path: "contacts[]", Kind: message.Dropped, Text: "describes no sender of a converted message"}, false},
	{message.Note{To: "", Path: "contacts[].profile.username", Kind: message.Dropped, Text: "usernames (2026) have no counterpart"}, false},
	{message.Note{To: "", Path: "contacts[].user_id", Kind: message.Dropped, Text: "business-scoped user ids (BSUID, 2026) have no counterpart"}, false},
	{message.Note{To: "", Path: "contacts[].parent_user_id", Kind: message.Dropped, Text: "business-scoped user ids (BSUID, 2026) have no counterpart"}, false},
	{message.Note{To: "", Path: "contacts[].identity_key_hash", Kind: message.Dropped, Text: "the identity key hash has no counterpart"}, false},
	{message.Note{To: "", Path: "contacts[].wa_id", Kind: message.Added, Text: "a username-only sender has no wa_id; the target needs one: 00000000000"}, false},
	{message.Note{To: "", Path: "messages[].from", Kind: message.Added, Text: "a username-only sender has no wa_id; the target needs one: 00000000000"}, false},
	{message.Note{To: "", Path: "messages[].from_user_id", Kind: message.Dropped, Text: "business-scoped user ids (BSUID, 2026) have no counterpart"}, false},
	{message.Note{To: "", Path: "messages[].from_parent_user_id", Kind: message.Dropped, Text: "business-scoped user ids (BSUID, 2026) have no counterpart"}, false},
	{message.Note{To: "sinch", Path: "messages[].context", Kind: message.Dropped, Text: "Sinch keeps only the id of the message replied to (messageId)"}, false},
	{message.Note{To: "sinch", Path: "messages[].context.from", Kind: message.Changed, Text: "Sinch keeps only the id of the message replied to; converting back uses the business number"}, false},
	{message.Note{To: "sinch", Path: "messages[].context.from", Kind: message.Dropped, Text: "Sinch keeps only the id of the message replied to"}, false},
	{message.Note{To: "sinch", Path: "messages[].context.forwarded", Kind: message.Dropped, Text: "Sinch does not flag forwarded messages"}, false},
	{message.Note{To: "sinch", Path: "messages[].context.frequently_forwarded", Kind: message.Dropped, Text: "Sinch does not flag forwarded messages"}, false},
	{message.Note{To: "sinch", Path: "messages[].context.referred_product", Kind: message.Dropped, Text: "Sinch has no product references"}, false},
	{message.Note{To: "sinch", Path: "messages[].context.group_id", Kind: message.Dropped, Text: "Sinch keeps the group on the message (waGroupId)"}, false},
	{message.Note{To: "", Path: "messages[].context.mentions", Kind: message.Dropped, Text: "mentions are On-Premises only"}, false},
	{message.Note{To: "sinch", Path: "messages[].group_id", Kind: message.Dropped, Text: "not carried"}, false},
	{message.Note{To: "sinch", Path: "messages[].identity", Kind: message.Dropped, Text: "identity (security code change) has no Sinch counterpart"}, false},
	{message.Note{To: "sinch", Path: "messages[].errors", Kind: message.Dropped, Text: "Sinch messages carry no errors"}, false},
	{message.Note{To: "sinch", Path: "messages[].<media>.id", Kind: message.Changed, Text: "Sinch media have a URL, no id"}, false},
	{message.Note{To: "sinch", Path: "messages[].<media>.sha256", Kind: message.Dropped, Text: "Sinch media carry no hash"}, false},
	{message.Note{To: "sinch", Path: "messages[].<media>.filename", Kind: message.Dropped, Text: "Sinch documents carry no file name"}, false},
	{message.Note{To: "sinch", Path: "messages[].<media>.animated", Kind: message.Dropped, Text: "Sinch stickers are not flagged animated"}, false},
	{message.Note{To: "sinch", Path: "messages[].<media>.voice", Kind: message.Changed, Text: "Sinch has no voice-note flag: voice notes are AUDIO"}, false},
	{message.Note{To: "sinch", Path: "messages[].type", Kind: message.Changed, Text: "Sinch documents no voice-note type: voice notes are AUDIO"}, false},
	{message.Note{To: "sinch", Path: "messages[].<media>", Kind: message.Changed, Text: "written back as audio: Sinch documents no voice-note type"}, false},
	{message.Note{To: "", Path: "messages[].<media>.file", Kind: message.Dropped, Text: "the On-Premises media path"}, false},
	{message.Note{To: "", Path: "messages[].<media>.status", Kind: message.Dropped, Text: "the On-Premises media download state"}, false},
	{message.Note{To: "", Path: "messages[].<media>.metadata", Kind: message.Dropped, Text: "sticker pack metadata is On-Premises only"}, false},
	{message.Note{To: "", Path: "messages[].<media>.sha256", Kind: message.Changed, Text: "On-Premises writes sha256 as hex, the Cloud API as base64: this one is written back re-encoded"}, false},
	{message.Note{To: "", Path: "messages[].<media>.link", Kind: message.Dropped, Text: "the Cloud API media carry url, not link"}, false},
	{message.Note{To: "", Path: "messages[].<media>.voice", Kind: message.Added, Text: "converting back says whether the audio is a voice note"}, false},
	{message.Note{To: "sinch", Path: "messages[].location.url", Kind: message.Dropped, Text: "Sinch locations have no URL"}, false},
	{message.Note{To: "", Path: "messages[].contacts[].ims", Kind: message.Dropped, Text: "instant-messaging accounts of a card are On-Premises only"}, false},
	{message.Note{To: "", Path: "messages[].contacts[].contact_image", Kind: message.Dropped, Text: "the card's photo is On-Premises only"}, false},
	{message.Note{To: "", Path: "messages[].contacts[].name.name_prefix", Kind: message.Dropped, Text: "written back as prefix"}, false},
	{message.Note{To: "", Path: "messages[].contacts[].name.name_suffix", Kind: message.Dropped, Text: "written back as suffix"}, false},
	{message.Note{To: "", Path: "messages[].contacts[].name.prefix", Kind: message.Added, Text: "written back as prefix"}, false},
	{message.Note{To: "", Path: "messages[].contacts[].name.suffix", Kind: message.Added, Text: "written back as suffix"}, false},
	{message.Note{To: "sinch", Path: "messages[].interactive.list_reply.description", Kind: message.Dropped, Text: "Sinch list replies carry no description"}, false},
	// Sinch has no address reply: the address is written as a TEXT of its
	// fields, which the comparison sees as the interactive object turned
	// into a text body.
	{message.Note{To: "sinch", Path: "messages[].type", Kind: message.Changed, Text: addressAsText}, false},
	{message.Note{To: "sinch", Path: "messages[].interactive", Kind: message.Changed, Text: "Sinch has no address reply: the address is written as a TEXT of its fields"}, false},
	{message.Note{To: "sinch", Path: "messages[].interactive.body", Kind: message.Added, Text: "Sinch has no address reply: the address comes back as a text body"}, false},
	{message.Note{To: "sinch", Path: "messages[].interactive.type", Kind: message.Dropped, Text: "Sinch has no address reply: the address comes back as a text body"}, false},
	{message.Note{To: "sinch", Path: "messages[].interactive.nfm_reply", Kind: message.Dropped, Text: "Sinch has no address reply: its fields are joined into the text, their names, the saved address and the body are lost"}, false},
	{message.Note{To: "", Path: "messages[].referral.ctwa_clid", Kind: message.Dropped, Text: "the click id is Cloud API only"}, false},
	{message.Note{To: "", Path: "messages[].referral.welcome_message", Kind: message.Dropped, Text: "the welcome message is Cloud API only"}, false},
	{message.Note{To: "", Path: "messages[].referral.thumbnail_url", Kind: message.Dropped, Text: "the thumbnail is Cloud API only"}, false},
	{message.Note{To: "", Path: "messages[].referral.image", Kind: message.Dropped, Text: "only the media link is carried"}, false},
	{message.Note{To: "", Path: "messages[].referral.video", Kind: message.Dropped, Text: "only the media link is carried"}, false},
	{message.Note{To: "", Path: "messages[].referral.image.id", Kind: message.Dropped, Text: "only the media link is carried"}, false},
	{message.Note{To: "", Path: "messages[].referral.video.id", Kind: message.Dropped, Text: "only the media link is carried"}, false},
	{message.Note{To: "", Path: "messages[].referral.media_type", Kind: message.Added, Text: "written back from the referral's media object"}, false},
	{message.Note{To: "", Path: "messages[].unsupported", Kind: message.Dropped, Text: "On-Premises unknown messages do not say what was unsupported"}, false},
	{message.Note{To: "", Path: "messages[].errors[].message", Kind: message.Changed, Text: "written back as the title"}, false},
	{message.Note{To: "", Path: "messages[].errors[].message", Kind: message.Added, Text: "written back as the title"}, false},
	{message.Note{To: "", Path: "statuses[].conversation", Kind: message.Dropped, Text: "Sinch status callbacks carry no conversation"}, false},
	{message.Note{To: "", Path: "statuses[].pricing", Kind: message.Dropped, Text: "Sinch status callbacks carry no pricing"}, false},
	{message.Note{To: "", Path: "statuses[].pricing.type", Kind: message.Dropped, Text: "On-Premises pricing has no type"}, false},
	{message.Note{To: "", Path: "statuses[].pricing.category", Kind: message.Dropped, Text: "not a documented Cloud API category"}, false},
	{message.Note{To: "sinch", Path: "statuses[].errors[].code", Kind: message.Changed, Text: "Sinch has its own status codes: a WhatsApp error becomes 104 NOT_DELIVERED"}, false},
	{message.Note{To: "sinch", Path: "statuses[].errors[].title", Kind: message.Changed, Text: "Sinch keeps the name of its own code"}, false},
	{message.Note{To: "sinch", Path: "statuses[].errors[].message", Kind: message.Changed, Text: "Sinch keeps the name of its own code"}, false},
	{message.Note{To: "sinch", Path: "statuses[].errors[].details", Kind: message.Dropped, Text: "Sinch status callbacks carry only a code and its name"}, false},
	{message.Note{To: "sinch", Path: "statuses[].errors[].error_data", Kind: message.Dropped, Text: "Sinch status callbacks carry only a code and its name"}, false},
	{message.Note{To: "sinch", Path: "statuses[].errors[].href", Kind: message.Dropped, Text: "Sinch status callbacks carry only a code and its name"}, false},
	{message.Note{To: "", Path: "statuses[].errors[].message", Kind: message.Changed, Text: "written back as the title"}, false},
	{message.Note{To: "", Path: "statuses[].errors[].message", Kind: message.Added, Text: "written back as the title"}, false},
	{message.Note{To: "sinch", Path: "statuses[].type", Kind: message.Changed, Text: "written back in lower case"}, false},
	{message.Note{To: "sinch", Path: "statuses[].recipient_id", Kind: message.Added, Text: "Sinch needs the recipient's phone number (destination): 00000000000"}, false},
	{message.Note{To: "whatsapp", Path: "statuses[].recipient_id", Kind: message.Added, Text: "a status for a username-only user has no recipient_id; On-Premises needs one: 00000000000"}, true},
	{message.Note{To: "", Path: "statuses[].recipient_type", Kind: message.Dropped, Text: "Cloud API group fields have no counterpart"}, false},
	{message.Note{To: "", Path: "statuses[].recipient_participant_id", Kind: message.Dropped, Text: "Cloud API group fields have no counterpart"}, false},
	{message.Note{To: "", Path: "statuses[].recipient_user_id", Kind: message.Dropped, Text: "business-scoped user ids (BSUID, 2026) have no counterpart"}, false},
	{message.Note{To: "", Path: "statuses[].parent_recipient_user_id", Kind: message.Dropped, Text: "business-scoped user ids (BSUID, 2026) have no counterpart"}, false},
	{message.Note{To: "", Path: "statuses[].recipient_identity_key_hash", Kind: message.Dropped, Text: "the identity key hash has no counterpart"}, false},
	{message.Note{To: "", Path: "statuses[].biz_opaque_callback_data", Kind: message.Dropped, Text: "the Cloud API callback data has no counterpart"}, false},
	{message.Note{To: "sinch", Path: "errors[]", Kind: message.Dropped, Text: "Sinch callbacks carry no out-of-band errors"}, false},
	{message.Note{To: "", Path: "errors[].message", Kind: message.Changed, Text: "written back as the title"}, false},
	{message.Note{To: "", Path: "errors[].message", Kind: message.Added, Text: "written back as the title"}, false},
	{message.Note{To: "", Path: "messages[].system.new_wa_id", Kind: message.Dropped, Text: "the Cloud API writes the new number as wa_id"}, false},
	{message.Note{To: "", Path: "messages[].system.wa_id", Kind: message.Added, Text: "the Cloud API writes the new number as wa_id"}, false},
	// towards the Sinch Conversation API (one callback per item)
	{message.Note{To: "conversation", Path: "metadata.display_phone_number", Kind: message.Changed, Text: "Conversation API delivery reports name no business number"}, true},
	{message.Note{To: "conversation", Path: "messages[].type", Kind: message.Changed, Text: "the Conversation API gives media no type (guessed back from the file extension) and has one choice response for buttons, list rows and replies"}, false},
	{message.Note{To: "conversation", Path: "messages[].<media>", Kind: message.Changed, Text: "the Conversation API carries a media URL only: the rest of the media object is lost"}, false},
	{message.Note{To: "conversation", Path: "messages[].<media>.id", Kind: message.Changed, Text: "the Conversation API carries a media URL, not an id"}, false},
	{message.Note{To: "conversation", Path: "messages[].button", Kind: message.Changed, Text: "a choice response keeps only the payload"}, false},
	{message.Note{To: "conversation", Path: "messages[].button", Kind: message.Dropped, Text: "a choice response keeps only the payload"}, false},
	{message.Note{To: "conversation", Path: "messages[].button.type", Kind: message.Added, Text: "a choice response is read back as an interactive button reply"}, false},
	{message.Note{To: "conversation", Path: "messages[].button.button_reply", Kind: message.Added, Text: "a choice response is read back as an interactive button reply"}, false},
	{message.Note{To: "conversation", Path: "messages[].interactive.type", Kind: message.Changed, Text: "a choice response is read back as an interactive button reply"}, false},
	{message.Note{To: "conversation", Path: "messages[].interactive.button_reply", Kind: message.Added, Text: "a choice response is read back as an interactive button reply"}, false},
	{message.Note{To: "conversation", Path: "messages[].interactive.button_reply.title", Kind: message.Changed, Text: "a choice response carries the postback data, not the title: the id stands in"}, false},
	{message.Note{To: "conversation", Path: "messages[].location.name", Kind: message.Added, Text: "a place without name gets its coordinates as title"}, false},
	{message.Note{To: "conversation", Path: "messages[].errors[].title", Kind: message.Changed, Text: "a fallback message keeps a reason code: WhatsApp errors become UNKNOWN"}, false},
	{message.Note{To: "conversation", Path: "messages[].errors[].code", Kind: message.Changed, Text: "Conversation API reasons carry no numeric code: converting back writes Meta's"}, false},
	{message.Note{To: "conversation", Path: "statuses[].errors[].title", Kind: message.Changed, Text: "a failed report keeps a reason code: WhatsApp errors become UNKNOWN"}, false},
	{message.Note{To: "conversation", Path: "statuses[].errors[].code", Kind: message.Changed, Text: "Conversation API reasons carry no numeric code: converting back writes Meta's generic 131000"}, false},
	{message.Note{To: "conversation", Path: "statuses[].errors[].details", Kind: message.Added, Text: "the reason's description is read back as the error's details"}, false},
	{message.Note{To: "conversation", Path: "statuses[].recipient_id", Kind: message.Added, Text: "a report needs the recipient's identity: 00000000000"}, false},
}

// Notes returns the notes of a variant.
func Notes(v Variant) []message.Note {
	var out []message.Note
	for _, n := range notes {
		if !n.cloudOnly || v == CloudAPI {
			out = append(out, n.Note)
		}
	}
	return out
}

// respell is base with the paths of changes: other spellings of its
// concepts, and concepts it lacks.
func respell(base, changes message.Spellings) message.Spellings {
	out := maps.Clone(base)
	maps.Copy(out, changes)
	return out
}

// Spellings returns how a variant spells the concepts of the mapping tables.
func Spellings(v Variant) message.Spellings {
	if v == CloudAPI {
		return cloudSpellings
	}
	return onPremSpellings
}

// mediaMembers are the message members that hold a media file.
var mediaMembers = []string{TypeImage, TypeAudio, TypeVideo, TypeDocument, TypeSticker, TypeVoice}

// Layout returns where a variant keeps its items.
func Layout(v Variant) message.Layout {
	batch, prefix := "", ""
	if v == CloudAPI {
		batch = "entry[].changes[].value"
		prefix = batch + "."
	}
	return message.Layout{
		Items: []message.ItemArray{
			{Path: prefix + "messages", Key: "id"},
			{Path: prefix + "statuses", Key: "id"},
			{Path: prefix + "contacts", Key: "wa_id"},
			{Path: prefix + "errors"},
		},
		Batch:    batch,
		Media:    mediaMembers,
		Messages: "messages[]",
	}
}

// Explain says why a native item does not survive a conversion, when the
// reason depends on the item.
func Explain(kind message.Change, pattern string, a, b jsontree.Value, to string) string {
	switch {
	case kind == message.Changed && pattern == "messages[].type":
		return explainType(a.Str(), b.Str(), to)
	case kind != message.Dropped:
		return ""
	}
	if explain := droppedExplainers[pattern]; explain != nil {
		return explain(a, to)
	}
	return ""
}

// explainType says why a message's type is written back as another.
func explainType(as, bs, to string) string {
	switch {
	case as == TypeVoice || bs == TypeVoice && to == "sinch":
		return "Sinch documents no voice-note type: voice notes are AUDIO"
	case as == TypeUnknown && bs == TypeUnsupported, as == TypeUnsupported && bs == TypeUnknown:
		return "the Cloud API calls it unsupported, On-Premises unknown"
	case as == TypeInteractive && bs == TypeText:
		return addressAsText
	}
	return ""
}

// droppedExplainers say why an item dropped in a conversion was, by the
// item's note path.
var droppedExplainers = map[string]func(a jsontree.Value, to string) string{
	"messages[]": droppedMessage,
	"statuses[]": func(a jsontree.Value, to string) string {
		if s := a.Get("status").Str(); s != "" {
			return s + " statuses have no " + to + " counterpart"
		}
		return ""
	},
	"entry[]":                 regrouped,
	"entry[].changes[]":       regrouped,
	"entry[].changes[].field": notMessages,
	"entry[].changes[].value": notMessages,
}

func regrouped(jsontree.Value, string) string { return "its items are regrouped (see entry)" }

func notMessages(jsontree.Value, string) string {
	return "only messages changes carry messages and statuses"
}

// droppedMessage says why a message has no counterpart in format to.
func droppedMessage(a jsontree.Value, to string) string {
	t := a.Get("type").Str()
	switch {
	case t == TypeOrder && to == "sinch":
		return "a Sinch ORDER carries no documented fields: converting back cannot rebuild the order"
	case t == TypeText:
		return "an empty text: native text bodies must not be empty, so converting back cannot carry it"
	case t == TypeInteractive:
		return "interactive " + a.Get(TypeInteractive).Get("type").Str() + " replies have no " + to + " counterpart"
	case t != "":
		return t + " messages have no " + to + " counterpart"
	}
	return ""
}
