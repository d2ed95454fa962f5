package sinch

import (
	"strings"

	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

// How Sinch batches map onto the other formats, for the mapping tables
// (paths relative to a batch; pkg/format lists the concepts).
var Spellings = message.Spellings{
	"item.message":         "data[] (MO item)",
	"item.status":          "data[] (status item)",
	"count":                "total",
	"message.id":           "data[].id",
	"message.from":         "data[].source",
	"sender.name":          "data[].userProfile.name",
	"sender.wa_id":         "data[].userProfile.whatsAppId",
	"business":             "data[].origin",
	"time":                 "data[].receivedAt (ms)",
	"time.iso":             "data[].receivedDate",
	"context.id":           "data[].messageId",
	"group":                "data[].message.waGroupId",
	"text":                 "message.type TEXT, messageText",
	"media":                "message.type IMAGE, VIDEO, DOCUMENT, STICKER, AUDIO",
	"media.voice":          "message.type AUDIO (from native voice notes)",
	"media.mime":           "message.mimeType",
	"media.caption":        "message.caption",
	"media.url":            "message.mediaUrl",
	"location.coordinates": "message.location.geoPoint \"lat,long\"",
	"location.name":        "message.location.name, address",
	"contacts":             "message.contacts[]",
	"button":               "message.type BUTTON, messageText, payload",
	"list_reply":           "message.type INTERACTIVE, interactive.type LIST_REPLY, listReply.rowIdentifier, rowTitle",
	"button_reply":         "interactive.type BUTTON_REPLY, buttonReply.payload, title",
	"address_reply":        "message.type TEXT, messageText (the fields joined)",
	"order":                "message.type ORDER",
	"referral":             "referral.headLine, body, sourceType, sourceId, sourceUrl",
	"referral.media":       "referral.mediaType + mediaUrl",
	"status.read":          "status item: read true / deliveredStatusCode 5",
	"status.delivered":     "status item: delivered true / deliveredStatusCode 4",
	"status.sent":          "status item: sent true / sentStatusCode 2",
	"status.failed":        "status item: other codes (101–104, 2xx, 311) + status text",
	"status.recipient":     "status item: destination",
	"status.type":          "status item: type MESSAGE",
}

// Notes explain what of a Sinch batch other formats cannot carry.
var Notes = []message.Note{
	{To: "conversation", Path: "data[].origin", Kind: message.Changed, Text: "Conversation API delivery reports name no business number; converting back takes --origin"},
	{To: "conversation", Path: "data[].messageId", Kind: message.Added, Text: "a choice response always names the message that offered the choice"},
	{To: "conversation", Path: "data[].message.type", Kind: message.Changed, Text: "a choice response is read back as an interactive button reply"},
	{To: "conversation", Path: "data[].message.interactive", Kind: message.Added, Text: "a choice response is read back as an interactive button reply"},
	{To: "conversation", Path: "data[].message.interactive.type", Kind: message.Changed, Text: "a choice response is read back as an interactive button reply"},
	{To: "conversation", Path: "data[].message.interactive.buttonReply", Kind: message.Added, Text: "a choice response is read back as an interactive button reply"},
	{To: "conversation", Path: "data[].message.interactive.buttonReply.title", Kind: message.Changed, Text: "a choice response carries the postback data, not the title: the payload stands in"},
	{To: "conversation", Path: "data[].message.mimeType", Kind: message.Changed, Text: "the Conversation API gives media no type: it is guessed back from the file extension"},
	{To: "", Path: "total", Kind: message.Changed, Text: "written as the number of items carried"},
	{To: "", Path: "clientInfo", Kind: message.Dropped, Text: "Sinch account ids (customerId, subAccountId, userId)"},
	{To: "", Path: "conversationID", Kind: message.Dropped, Text: "Sinch conversation id"},
	{To: "", Path: "data[].correlationId", Kind: message.Dropped, Text: "the id the customer set on the MT"},
	{To: "", Path: "data[].campaignId", Kind: message.Dropped, Text: "Sinch campaign"},
	{To: "", Path: "data[].campaignAlias", Kind: message.Dropped, Text: "Sinch campaign"},
	{To: "", Path: "data[].flowId", Kind: message.Dropped, Text: "Sinch flow"},
	{To: "", Path: "data[].extraInfo", Kind: message.Dropped, Text: "Sinch extra info (segmentation lists)"},
	{To: "", Path: "data[].mtSentAt", Kind: message.Dropped, Text: "time of the last MT to this user"},
	{To: "", Path: "data[].session", Kind: message.Dropped, Text: "Sinch session (id, createdAt)"},
	{To: "", Path: "data[].messageId", Kind: message.Dropped, Text: "empty: native context ids must not be empty"},
	{To: "whatsapp", Path: "data[].origin", Kind: message.Changed, Text: "On-Premises payloads carry no business number; converting back takes --origin"},
	{To: "cloud", Path: "data[].origin", Kind: message.Changed, Text: "the Cloud API display number is written as it is; converting back keeps its digits"},
	{To: "", Path: "data[].receivedAt", Kind: message.Changed, Text: "native timestamps are whole seconds: the milliseconds are dropped"},
	{To: "", Path: "data[].receivedDate", Kind: message.Changed, Text: "written back from the timestamp, in whole seconds"},
	{To: "", Path: "data[].userProfile.whatsAppId", Kind: message.Dropped, Text: "native contacts hold one wa_id: equal to source it is not written back"},
	{To: "", Path: "data[].userProfile.name", Kind: message.Dropped, Text: "native contacts hold one profile per sender"},
	{To: "", Path: "data[].userProfile.name", Kind: message.Changed, Text: "native contacts hold one profile per sender: the first name wins"},
	{To: "", Path: "data[].userProfile", Kind: message.Dropped, Text: "native contacts hold one profile per sender"},
	{To: "", Path: "data[].message.type", Kind: message.Dropped, Text: "location and contacts messages are written back without type, as in the documented examples"},
	{To: "", Path: "data[].message.type", Kind: message.Added, Text: "written back with the type its content implies"},
	{To: "", Path: "data[].message.caption", Kind: message.Dropped, Text: "native audio and stickers have no caption"},
	{To: "", Path: "data[].message.messageText", Kind: message.Changed, Text: "written back as the reply title"},
	{To: "", Path: "data[].message.messageText", Kind: message.Dropped, Text: "not part of this message type"},
	{To: "", Path: "data[].message.messageText", Kind: message.Added, Text: "written back as the reply title"},
	{To: "", Path: "data[].message.payload", Kind: message.Dropped, Text: "not part of this message type"},
	{To: "", Path: "data[].message.mediaUrl", Kind: message.Dropped, Text: "not part of this message type"},
	{To: "", Path: "data[].message.mimeType", Kind: message.Dropped, Text: "not part of this message type"},
	{To: "", Path: "data[].message.location.geoPoint", Kind: message.Changed, Text: `written back as "latitude,longitude" without spaces`},
	{To: "", Path: "data[].referral", Kind: message.Dropped, Text: "null: native payloads leave the referral out"},
	{To: "", Path: "data[].referral.headLine", Kind: message.Dropped, Text: "null: native payloads leave the field out"},
	{To: "", Path: "data[].referral.body", Kind: message.Dropped, Text: "null: native payloads leave the field out"},
	{To: "", Path: "data[].referral.sourceId", Kind: message.Dropped, Text: "null: native payloads leave the field out"},
	{To: "", Path: "data[].referral.sourceUrl", Kind: message.Dropped, Text: "null: native payloads leave the field out"},
	{To: "", Path: "data[].referral.sourceType", Kind: message.Dropped, Text: "native source_type is ad or post"},
	{To: "", Path: "data[].referral.mediaType", Kind: message.Dropped, Text: "native media_type is image or video"},
	{To: "", Path: "data[].referral.mediaUrl", Kind: message.Dropped, Text: "needs a mediaType of image or video"},
	{To: "", Path: "data[].sentDate", Kind: message.Dropped, Text: "a native status carries one time, the latest state's"},
	{To: "", Path: "data[].sentAt", Kind: message.Dropped, Text: "a native status carries one time, the latest state's"},
	{To: "", Path: "data[].deliveredDate", Kind: message.Dropped, Text: "a native status carries one time, the latest state's"},
	{To: "", Path: "data[].deliveredAt", Kind: message.Dropped, Text: "a native status carries one time, the latest state's"},
	{To: "", Path: "data[].readDate", Kind: message.Dropped, Text: "a native status carries one time, the latest state's"},
	{To: "", Path: "data[].readAt", Kind: message.Dropped, Text: "a native status carries one time, the latest state's"},
	{To: "", Path: "data[].updatedDate", Kind: message.Dropped, Text: "a native status carries one time, the latest state's"},
	{To: "", Path: "data[].updatedAt", Kind: message.Dropped, Text: "a native status carries one time, the latest state's"},
	{To: "", Path: "data[].sentDate", Kind: message.Changed, Text: "native timestamps are whole seconds"},
	{To: "", Path: "data[].sentAt", Kind: message.Changed, Text: "native timestamps are whole seconds"},
	{To: "", Path: "data[].deliveredDate", Kind: message.Changed, Text: "native timestamps are whole seconds"},
	{To: "", Path: "data[].deliveredAt", Kind: message.Changed, Text: "native timestamps are whole seconds"},
	{To: "", Path: "data[].readDate", Kind: message.Changed, Text: "native timestamps are whole seconds"},
	{To: "", Path: "data[].readAt", Kind: message.Changed, Text: "native timestamps are whole seconds"},
	{To: "", Path: "data[].updatedDate", Kind: message.Changed, Text: "written back as the time of the latest state, in whole seconds"},
	{To: "", Path: "data[].updatedAt", Kind: message.Changed, Text: "written back as the time of the latest state, in whole seconds"},
	{To: "", Path: "data[].sentStatus", Kind: message.Changed, Text: "written back as the documented name of the code"},
	{To: "", Path: "data[].deliveredStatus", Kind: message.Changed, Text: "written back as the documented name of the code"},
	{To: "", Path: "data[].sent", Kind: message.Changed, Text: "written back from the native status"},
	{To: "", Path: "data[].delivered", Kind: message.Changed, Text: "written back from the native status"},
	{To: "", Path: "data[].read", Kind: message.Changed, Text: "written back from the native status"},
	{To: "", Path: "data[].read", Kind: message.Added, Text: "written back from the native status"},
	{To: "", Path: "data[].delivered", Kind: message.Added, Text: "written back from the native status"},
	{To: "", Path: "data[].sent", Kind: message.Added, Text: "written back from the native status"},
}

// Layout is where a Sinch batch keeps its items.
var Layout = message.Layout{Items: []message.ItemArray{{Path: "data", Key: "id"}}}

// Explain says why a Sinch item does not survive a conversion, when the
// reason depends on the item.
func Explain(kind message.Change, pattern string, a, _ jsontree.Value, _ string) string {
	if kind != message.Dropped || pattern != "data[]" {
		return ""
	}
	if itemKind(a) == kindStatus {
		return "a status callback without a state (sent, delivered, read or a failure code)"
	}
	msg := a.Get("message")
	t := msg.Get("type").Str()
	if mt := msg.Get("messageText"); t == TypeText && mt.IsString() && strings.TrimSpace(mt.Str()) == "" {
		return "an empty TEXT: native text bodies must not be empty"
	}
	switch t {
	case TypeOrder:
		return "a Sinch ORDER carries no documented fields; a native order needs catalog_id and product_items"
	case "":
		return "a Sinch message without a type or content native formats can carry"
	}
	return "a Sinch " + t + " message has no native counterpart"
}
