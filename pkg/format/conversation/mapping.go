package conversation

import (
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

// Spellings say how a callback writes the concepts of the mapping tables
// (paths from the callback's root; contact_message abbreviated cm).
var Spellings = message.Spellings{
	"item.message":         "message (MESSAGE_INBOUND callback: one message each)",
	"item.status":          "message_delivery_report (MESSAGE_DELIVERY callback: one each)",
	"message.id":           "message.id",
	"message.from":         "message.channel_identity.identity",
	"business":             "message.sender_id",
	"time":                 "message.accept_time (ISO-8601, ms)",
	"context.id":           "cm.reply_to.message_id",
	"text":                 "cm.text_message.text",
	"media":                "cm.media_message (kind from the file extension)",
	"media.mime":           "— (from the file extension)",
	"media.caption":        "cm.media_card_message.caption",
	"media.url":            "cm.media_message.url, cm.media_card_message.url",
	"location.coordinates": "cm.location_message.coordinates.latitude, longitude",
	"location.name":        "cm.location_message.title, label",
	"contacts":             "cm.contact_info_message (one card: full_name, phone_numbers[].phone_number, email_addresses[].email_address, organization)",
	"button":               "cm.choice_response_message.postback_data",
	"list_reply":           "cm.choice_response_message.postback_data, message_id",
	"button_reply":         "cm.choice_response_message.postback_data, message_id",
	"address_reply":        "cm.channel_specific_message nfm_reply, nfm_reply.name address_message",
	"order":                "cm.product_response_message (products[].id, quantity, item_price, currency; catalog_id, text)",
	"status.read":          "status READ",
	"status.delivered":     "status DELIVERED",
	"status.sent":          "status QUEUED_ON_CHANNEL",
	"status.failed":        "status FAILED, reason{code, description}",
	"status.recipient":     "message_delivery_report.channel_identity.identity",
	"unsupported":          "cm.fallback_message (reason, raw_message)",
	"envelope":             "app_id, project_id, accepted_time, event_time",
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
