package conversation

import (
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

// Spellings say how a callback writes the concepts of the mapping tables
// (paths from the callback's root; contact_message abbreviated cm).
var Spellings = []message.Spelling{
	{Concept: "item.message", Path: "message (MESSAGE_INBOUND callback: one message each)"},
	{Concept: "item.status", Path: "message_delivery_report (MESSAGE_DELIVERY callback: one each)"},
	{Concept: "message.id", Path: "message.id"},
	{Concept: "message.from", Path: "message.channel_identity.identity"},
	{Concept: "business", Path: "message.sender_id"},
	{Concept: "time", Path: "message.accept_time (ISO-8601, ms)"},
	{Concept: "context.id", Path: "cm.reply_to.message_id"},
	{Concept: "text", Path: "cm.text_message.text"},
	{Concept: "media", Path: "cm.media_message (kind from the file extension)"},
	{Concept: "media.mime", Path: "— (from the file extension)"},
	{Concept: "media.caption", Path: "cm.media_card_message.caption"},
	{Concept: "media.url", Path: "cm.media_message.url, cm.media_card_message.url"},
	{Concept: "location.coordinates", Path: "cm.location_message.coordinates.latitude, longitude"},
	{Concept: "location.name", Path: "cm.location_message.title, label"},
	{Concept: "contacts", Path: "cm.contact_info_message (one card: full_name, phone_numbers[].phone_number, email_addresses[].email_address, organization)"},
	{Concept: "button", Path: "cm.choice_response_message.postback_data"},
	{Concept: "list_reply", Path: "cm.choice_response_message.postback_data, message_id"},
	{Concept: "button_reply", Path: "cm.choice_response_message.postback_data, message_id"},
	{Concept: "address_reply", Path: "cm.channel_specific_message nfm_reply, nfm_reply.name address_message"},
	{Concept: "order", Path: "cm.product_response_message (products[].id, quantity, item_price, currency; catalog_id, text)"},
	{Concept: "status.read", Path: "status READ"},
	{Concept: "status.delivered", Path: "status DELIVERED"},
	{Concept: "status.sent", Path: "status QUEUED_ON_CHANNEL"},
	{Concept: "status.failed", Path: "status FAILED, reason{code, description}"},
	{Concept: "status.recipient", Path: "message_delivery_report.channel_identity.identity"},
	{Concept: "unsupported", Path: "cm.fallback_message (reason, raw_message)"},
	{Concept: "envelope", Path: "app_id, project_id, accepted_time, event_time"},
}

// Notes explain what of a callback other formats cannot carry.
var Notes = []message.Note{
	{Path: "app_id", Kind: message.Changed, Text: "the Conversation API app; converting back takes --app-id"},
	{Path: "project_id", Kind: message.Changed, Text: "the Conversation API project; converting back takes --project-id"},
	{Path: "accepted_time", Kind: message.Changed, Text: "written back from the message's time"},
	{Path: "event_time", Kind: message.Changed, Text: "written back from the message's time"},
	{Path: "accepted_time", Kind: message.Dropped, Text: "the time Sinch accepted the callback has no counterpart"},
	{Path: "event_time", Kind: message.Dropped, Text: "the channel's event time has no counterpart"},
	{Path: "correlation_id", Kind: message.Dropped, Text: "the correlation id of the send request has no counterpart"},
	{Path: "message_metadata", Kind: message.Dropped, Text: "the metadata of the send request has no counterpart"},
	{Path: "message.conversation_id", Kind: message.Dropped, Text: "Conversation API conversations have no counterpart"},
	{Path: "message.contact_id", Kind: message.Dropped, Text: "Conversation API contacts have no counterpart"},
	{Path: "message.metadata", Kind: message.Dropped, Text: "channel metadata has no counterpart"},
	{Path: "message.processing_mode", Kind: message.Dropped, Text: "the processing mode has no counterpart"},
	{Path: "message.injected", Kind: message.Dropped, Text: "injected messages are not flagged elsewhere"},
	{Path: "message.accept_time", Kind: message.Changed, Text: "the target keeps whole seconds"},
	{Path: "message.sender_id", Kind: message.Dropped, Text: "On-Premises payloads carry no business number"},
	{Path: "message.sender_id", Kind: message.Added, Text: "converting back writes the business number as sender_id"},
	{Path: "message.channel_identity.app_id", Kind: message.Dropped, Text: "app-scoped identities have no counterpart"},
	{Path: "message.channel_identity.channel", Kind: message.Changed, Text: "written back as WHATSAPP"},
	{Path: "message.contact_message.media_message.thumbnail_url", Kind: message.Dropped, Text: "media thumbnails have no counterpart"},
	{Path: "message.contact_message.media_message.filename_override", Kind: message.Dropped, Text: "only documents carry a file name"},
	{Path: "message.contact_message.location_message.title", Kind: message.Changed, Text: "a place without name gets its coordinates as title"},
	{Path: "message.contact_message.choice_response_message.message_id", Kind: message.Dropped, Text: "the message offering the choice is kept as the reply context only where the target has one"},
	{Path: "message.contact_message.product_response_message.products[].marketplace", Kind: message.Changed, Text: "orders have no marketplace: written back as WHATSAPP"},
	{Path: "message.contact_message.fallback_message.raw_message", Kind: message.Dropped, Text: "the raw message travels only as a Cloud API error message"},
	{Path: "message.contact_message.fallback_message.reason.sub_code", Kind: message.Dropped, Text: "reason sub-codes have no counterpart"},
	{Path: "message.contact_message.contact_info_message.addresses[].street", Kind: message.Dropped, Text: "Conversation API addresses have no street"},
	{To: "sinch", Path: "message.contact_message.channel_specific_message", Kind: message.Dropped, Text: "Sinch has no address reply: the address is written as a TEXT of its fields"},
	{To: "sinch", Path: "message.contact_message.text_message", Kind: message.Added, Text: "Sinch has no address reply: the address is written as a TEXT of its fields"},
	{Path: "message_delivery_report.conversation_id", Kind: message.Dropped, Text: "Conversation API conversations have no counterpart"},
	{Path: "message_delivery_report.contact_id", Kind: message.Dropped, Text: "Conversation API contacts have no counterpart"},
	{Path: "message_delivery_report.metadata", Kind: message.Dropped, Text: "the metadata of the send request has no counterpart"},
	{Path: "message_delivery_report.processing_mode", Kind: message.Dropped, Text: "the processing mode has no counterpart"},
	{Path: "message_delivery_report.channel_identity.app_id", Kind: message.Dropped, Text: "app-scoped identities have no counterpart"},
	{Path: "message_delivery_report.reason.sub_code", Kind: message.Dropped, Text: "reason sub-codes have no counterpart"},
	{Path: "message_delivery_report.reason.code", Kind: message.Changed, Text: "WhatsApp error codes have no Conversation API reason code: written back as UNKNOWN"},
}

// Layout: a callback holds one item, in no array.
var Layout = message.Layout{}

// Explain says why a callback does not survive a conversion, when the
// reason depends on its content.
func Explain(kind message.Change, pattern string, a, _ jsontree.Value, to string) string {
	if kind != message.Dropped {
		return ""
	}
	switch pattern {
	case TriggerMessage:
		cm := a.Get("contact_message")
		for _, k := range contactKinds {
			if cm.Get(k).Exists() {
				return "a " + k + " has no " + to + " counterpart"
			}
		}
		return "a message without content has no " + to + " counterpart"
	case TriggerDeliveryReport:
		return "a " + a.Get("status").Str() + " report has no " + to + " counterpart"
	}
	for _, t := range OtherTriggers {
		if pattern == t {
			return t + " callbacks carry no message or receipt"
		}
	}
	return ""
}
