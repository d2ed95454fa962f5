package validate_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format/sinch"
	"github.com/wamo-dev/wamo/pkg/format/whatsapp"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// Valid base payloads, one per format and shape. Each validates without
// errors (TestBasesAreValid); rule cases derive from them by small patches.
const (
	convText = `{"app_id":"01HZX6B8Q4M5R2TQ7YV3N9KJ4C","project_id":"6f1c2a9e-3b7d-4e58-9a21-c4d8e0f35b17",` +
		`"accepted_time":"2026-03-02T14:05:11.482Z","message":{"id":"01HZX6BC9P2N7Q4R8T1V3W5Y6Z",` +
		`"contact_message":{"text_message":{"text":"Olá"}},"channel_identity":{"channel":"WHATSAPP","identity":"5511987650001"}}}`
	convReportBody = `{"message_id":"01HZX70A2C4E6G8J0L2N4Q6S8U","status":"DELIVERED",` +
		`"channel_identity":{"channel":"WHATSAPP","identity":"5511987650001"}}`
	convReport = `{"app_id":"01HZX6B8Q4M5R2TQ7YV3N9KJ4C","project_id":"6f1c2a9e-3b7d-4e58-9a21-c4d8e0f35b17",` +
		`"message_delivery_report":` + convReportBody + `}`
	sinchBase = `{"total":1,"data":[{"id":"ce425ffe-bc62-421f-9261-e6819a5eab43","source":"5519900000000",` +
		`"origin":"5519900000000","userProfile":{"name":"Ana"},"campaignId":100,"extraInfo":"",` +
		`"message":{"type":"TEXT","messageText":"Hi"},` +
		`"receivedAt":1513616971473,"receivedDate":"2017-12-18T17:09:31.473Z"}]}`

	sinchStatusBase = `{"total":1,"data":[{"id":"634006fd-daa6-5e92-81aa-6ec39b17ba5e","destination":"5511987650001",` +
		`"origin":"5511900000000","sent":true,"sentStatusCode":2,"sentDate":"2024-06-19T16:03:20.412Z",` +
		`"sentAt":1718813000412,"delivered":true,"deliveredStatusCode":4}]}`

	waBase = `{"contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"16315551234"}],` +
		`"messages":[{"from":"16315551234","id":"ABGGFlA5FpafAgo6tHcNmNjXmuSf","timestamp":"1518694235",` +
		`"type":"text","text":{"body":"Hello"}}]}`

	waStatusBase = `{"statuses":[{"id":"gBGGFlA5FpafAgo6tHcNmNjXmuSf","status":"delivered",` +
		`"timestamp":"1518694235","recipient_id":"16315551234"}]}`

	cloudBase = `{"object":"whatsapp_business_account","entry":[{"id":"102938475610293","changes":[{"value":{` +
		`"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100222","phone_number_id":"109876543210987"},` +
		`"contacts":[{"profile":{"name":"Daniel"},"wa_id":"16505550147"}],` +
		`"messages":[{"from":"16505550147","id":"wamid.HBgLMTY1MDU1NTAxNDcVAgASGBQzQTRB","timestamp":"1767607200",` +
		`"type":"text","text":{"body":"Hi"}}]},"field":"messages"}]}]}`

	cloudStatusBase = `{"object":"whatsapp_business_account","entry":[{"id":"102938475610293","changes":[{"value":{` +
		`"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100222","phone_number_id":"109876543210987"},` +
		`"statuses":[{"id":"wamid.HBgLMTY1MDU1NTAxNDcVAgARGBI","status":"delivered","timestamp":"1767607300",` +
		`"recipient_id":"16505550147"}]},"field":"messages"}]}]}`

	hex64  = "29ed500fa64eb55fc19dc4124acb300e5dcc54a0f822a301ae99944db6b7f131"
	b64sha = "DSrhaHTjJM5UpOcu83/4sFu70e2BNiJ3c4va4fVAyYU="

	// cloudMsgPath is where a Cloud message sits in cloudBase.
	cloudValue   = "entry.0.changes.0.value"
	cloudMsgPath = cloudValue + ".messages.0"
	// cloudFindingPrefix is the finding path of cloudValue.
	cloudFindingPrefix = "entry[0].changes[0].value"
)

// op is one patch of a JSON document.
type op func(doc string) (string, error)

// set sets path (sjson syntax) to v, marshalled as JSON.
func set(path string, v any) op {
	return func(doc string) (string, error) { return sjson.Set(doc, path, v) }
}

// raw sets path to a raw JSON text.
func raw(path, rawJSON string) op {
	return func(doc string) (string, error) { return sjson.SetRaw(doc, path, rawJSON) }
}

// del deletes path.
func del(path string) op {
	return func(doc string) (string, error) { return sjson.Delete(doc, path) }
}

// patch applies ops to base. A broken op is a mistake in the test table,
// caught at once by the panic.
func patch(base string, ops ...op) string {
	doc := base
	for _, o := range ops {
		var err error
		if doc, err = o(doc); err != nil {
			panic(fmt.Sprintf("patch %s: %v", base, err))
		}
	}
	return doc
}

// sinchMsg is sinchBase with message replaced by msg.
func sinchMsg(msg string, ops ...op) string {
	return patch(sinchBase, append([]op{raw("data.0.message", msg)}, ops...)...)
}

// waMsg is waBase whose message has type typ and body member typ = body.
func waMsg(typ, body string, ops ...op) string {
	return patch(waBase, append([]op{del("messages.0.text"), set("messages.0.type", typ), raw("messages.0."+typ, body)}, ops...)...)
}

// cloudMsg is cloudBase whose message has type typ and body member typ = body.
func cloudMsg(typ, body string, ops ...op) string {
	p := cloudMsgPath + "."
	return patch(cloudBase, append([]op{del(p + "text"), set(p+"type", typ), raw(p+typ, body)}, ops...)...)
}

var (
	waImage    = `{"id":"b1c68f38-8734-4ad3-b4a1-ef0c10d683","mime_type":"image/jpeg","sha256":"` + hex64 + `","caption":"x"}`
	cloudImage = `{"id":"1531550458807438","mime_type":"image/jpeg","sha256":"` + b64sha + `","url":"https://lookaside.fbsbx.com/a?mid=1"}`
	sinchImage = `{"type":"IMAGE","mediaUrl":"https://media.example.com/a.jpg","mimeType":"image/jpeg","caption":"x"}`
	sinchLoc   = `{"location":{"geoPoint":"-22.894180,-47.047960","name":"Sinch"}}`
	sinchList  = `{"type":"INTERACTIVE","messageText":"Row 1","interactive":{"type":"LIST_REPLY","listReply":{"rowIdentifier":"r1","rowTitle":"Row 1"}}}`
	waContacts = `[{"name":{"formatted_name":"Ana","first_name":"Ana"},"birthday":"2012-08-18","phones":[{"phone":"+1 (940) 555-1234","wa_id":"19405551234","type":"HOME"}]}]`
	waOrder    = `{"catalog_id":"1","product_items":[{"product_retailer_id":"A1","quantity":1,"item_price":9.5,"currency":"USD"}]}`
	waNfm      = `{"type":"nfm_reply","nfm_reply":{"name":"flow","body":"Sent","response_json":"{\"a\":1}"}}`
	waStatusF  = `{"id":"gBGGFlA5FpafAgo6tHcNmNjXmuSf","status":"failed","timestamp":"1518694235","recipient_id":"16315551234","errors":[{"code":470,"title":"outside the window"}]}`
)

// ruleCase is one row of the rule table: bad triggers rule at path; good,
// a close variant, does not trigger it and has no error.
type ruleCase struct {
	name   string
	rule   string
	path   string
	format payload.Format // forced format; Unknown = detect
	bad    string
	good   string
}

// manyKeys is ,"k0":0,"k1":0,… n members.
func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `,"k%d":0`, i)
	}
	return b.String()
}

func ruleCases() []ruleCase {
	cp := cloudMsgPath + "."
	cf := cloudFindingPrefix + "."
	return []ruleCase{
		// Before any format rule.
		{name: "trailing comma", rule: "json.syntax", bad: `{"total":1,}`, good: sinchBase},
		{name: "truncated", rule: "json.syntax", bad: sinchBase[:len(sinchBase)-3], good: sinchBase},
		{name: "array", rule: "json.not-object", bad: `[` + sinchBase + `]`, good: sinchBase},
		{name: "string", rule: "json.not-object", bad: `"total"`, good: sinchBase},
		{name: "no decisive key", rule: "format.unknown", bad: `{"id":"1","type":"text"}`, good: waBase},
		{name: "retired Sinch WhatsApp API", rule: "format.unknown",
			bad: `{"type":"whatsapp","statuses":[{"message_id":"m1","recipient":"46732001122","state":"delivered"}]}`, good: waStatusBase},

		// Generic structural rules.
		{name: "sinch receivedAt string", rule: "schema.type", path: "data[0].receivedAt",
			bad: patch(sinchBase, set("data.0.receivedAt", "1513616971473")), good: sinchBase},
		{name: "latitude string", rule: "schema.type", path: "messages[0].location.latitude",
			bad:  waMsg("location", `{"latitude":"38.98","longitude":-77.03}`),
			good: waMsg("location", `{"latitude":38.98,"longitude":-77.03}`)},
		{name: "quantity float", rule: "schema.type", path: "messages[0].order.product_items[0].quantity",
			bad: waMsg("order", waOrder, set("messages.0.order.product_items.0.quantity", 1.5)), good: waMsg("order", waOrder)},
		{name: "array element kind", rule: "schema.type", path: "messages[0].context.mentions[0]",
			bad:  patch(waBase, raw("messages.0.context", `{"mentions":[16315551234]}`)),
			good: patch(waBase, raw("messages.0.context", `{"mentions":["16315551234"]}`))},
		{name: "sinch total object", rule: "schema.type", path: "total",
			bad: patch(sinchBase, raw("total", `{"n":1}`)), good: sinchBase},
		{name: "sinch source missing", rule: "schema.required", path: "data[0].source",
			bad: patch(sinchBase, del("data.0.source")), good: sinchBase},
		{name: "TEXT without messageText", rule: "schema.required", path: "data[0].message.messageText",
			bad: patch(sinchBase, del("data.0.message.messageText")), good: sinchBase},
		{name: "cloud metadata missing", rule: "schema.required", path: cf + "metadata",
			bad: patch(cloudBase, del(cloudValue+".metadata")), good: cloudBase},
		{name: "sinch type missing and no body", rule: "schema.required", path: "data[0].message.type",
			bad: sinchMsg(`{"messageText":"Hi"}`), good: sinchBase},
		{name: "typo in text", rule: "schema.unknown-field", path: "messages[0].text.bodyy",
			bad: patch(waBase, set("messages.0.text.bodyy", "x")), good: waBase},
		{name: "sinch top-level typo", rule: "schema.unknown-field", path: "data[0].mesage",
			bad: patch(sinchBase, set("data.0.mesage", "x")), good: sinchBase},
		{name: "cloud object page", rule: "schema.enum", path: "object",
			bad: patch(cloudBase, set("object", "page")), good: cloudBase},
		{name: "status value", rule: "schema.enum", path: "statuses[0].status",
			bad: patch(waStatusBase, set("statuses.0.status", "gone")), good: waStatusBase},
		{name: "unknown message type", rule: "schema.enum", path: "messages[0].type",
			bad: patch(waBase, set("messages.0.type", "poll")), good: waBase},
		{name: "sinch unknown type", rule: "schema.enum", path: "data[0].message.type",
			bad: patch(sinchBase, set("data.0.message.type", "PICTURE")), good: sinchBase},
		{name: "text body null", rule: "schema.null", path: "messages[0].text.body",
			bad: patch(waBase, raw("messages.0.text.body", "null")), good: waBase},
		{name: "sinch referral null is allowed", rule: "schema.null", path: "data[0].receivedDate",
			bad:  patch(sinchBase, raw("data.0.receivedDate", "null")),
			good: patch(sinchBase, raw("data.0.referral", "null"))},
		{name: "array element null", rule: "schema.null", path: "messages[0].context.mentions[0]",
			bad:  patch(waBase, raw("messages.0.context", `{"mentions":[null]}`)),
			good: patch(waBase, raw("messages.0.context", `{"mentions":["16315551234"]}`))},
		{name: "sinch data empty", rule: "schema.empty-array", path: "data",
			bad: patch(sinchBase, raw("data", "[]"), set("total", 0)), good: sinchBase},
		{name: "cloud changes empty", rule: "schema.empty-array", path: "entry[0].changes",
			bad: patch(cloudBase, raw("entry.0.changes", "[]")), good: cloudBase},
		{name: "contacts message empty", rule: "schema.empty-array", path: "messages[0].contacts",
			bad: waMsg("contacts", `[]`), good: waMsg("contacts", waContacts)},
		{name: "duplicate body", rule: "schema.duplicate-key", path: "messages[0].text.body",
			bad: strings.Replace(waBase, `"body":"Hello"`, `"body":"Hello","body":"Bye"`, 1), good: waBase},
		{name: "duplicate from hides a bad sender", rule: "schema.duplicate-key", path: "messages[0].from",
			bad: strings.Replace(waBase, `"from":"16315551234"`, `"from":"16315551234","from":"+16315551234"`, 1), good: waBase},
		{name: "duplicate body, same text", rule: "schema.duplicate-key-same", path: "messages[0].text.body",
			bad: strings.Replace(waBase, `"body":"Hello"`, `"body":"Hello","body":"\u0048ello"`, 1), good: waBase},
		{name: "new pricing category", rule: "schema.enum-open", path: cf + "statuses[0].pricing.category",
			bad:  patch(cloudStatusBase, raw(cloudValue+".statuses.0.pricing", `{"pricing_model":"PMP","type":"regular","category":"general_purpose_ai"}`)),
			good: patch(cloudStatusBase, raw(cloudValue+".statuses.0.pricing", `{"pricing_model":"PMP","type":"regular","category":"marketing_lite"}`))},
		{name: "legacy conversation origin", rule: "schema.enum-open", path: cf + "statuses[0].conversation.origin.type",
			bad:  patch(cloudStatusBase, raw(cloudValue+".statuses.0.conversation", `{"id":"c1","origin":{"type":"business_initiated"}}`)),
			good: patch(cloudStatusBase, raw(cloudValue+".statuses.0.conversation", `{"id":"c1","origin":{"type":"utility"}}`))},
		{name: "on-premises pricing model", rule: "schema.enum-open", path: "statuses[0].pricing.pricing_model",
			bad:  patch(waStatusBase, raw("statuses.0.pricing", `{"billable":true,"pricing_model":"NBP","category":"business_initiated"}`)),
			good: patch(waStatusBase, raw("statuses.0.pricing", `{"billable":true,"pricing_model":"CBP","category":"business_initiated"}`))},
		{name: "edited message without its body", rule: "schema.required", path: cf + "messages[0].edit.message.text.body",
			bad:  cloudMsg("edit", `{"original_message_id":"wamid.x","message":{"type":"text","text":{}}}`),
			good: cloudMsg("edit", `{"original_message_id":"wamid.x","message":{"type":"text","text":{"body":"fixed"}}}`)},
		{name: "edited message of an unknown type", rule: "schema.enum", path: cf + "messages[0].edit.message.type",
			bad:  cloudMsg("edit", `{"original_message_id":"wamid.x","message":{"type":"voice","voice":{}}}`),
			good: cloudMsg("edit", `{"original_message_id":"wamid.x","message":{"type":"image","image":`+cloudImage+`}}`)},
		{name: "extraInfo not JSON", rule: "schema.embedded-json", path: "data[0].extraInfo",
			bad: patch(sinchBase, set("data.0.extraInfo", "{segmentation_list:")), good: patch(sinchBase, set("data.0.extraInfo", `{"a":1}`))},
		{name: "type image without image", rule: "schema.type-object", path: "messages[0].image",
			bad: patch(waBase, set("messages.0.type", "image")), good: waMsg("image", waImage)},
		{name: "type text with image", rule: "schema.type-object", path: "messages[0].image",
			bad: patch(waBase, raw("messages.0.image", waImage)), good: waBase},
		{name: "interactive body missing", rule: "schema.type-object", path: "messages[0].interactive.list_reply",
			bad:  waMsg("interactive", `{"type":"list_reply","button_reply":{"id":"b1","title":"Yes"}}`),
			good: waMsg("interactive", `{"type":"button_reply","button_reply":{"id":"b1","title":"Yes"}}`)},

		// Shared value formats.
		{name: "from with plus", rule: "format.phone-digits", path: "messages[0].from",
			bad: patch(waBase, set("messages.0.from", "+16315551234")), good: waBase},
		{name: "sinch source spaces", rule: "format.phone-digits", path: "data[0].source",
			bad: patch(sinchBase, set("data.0.source", "55 19 90000-0000")), good: sinchBase},
		{name: "status recipient dashes", rule: "format.phone-digits", path: "statuses[0].recipient_id",
			bad: patch(waStatusBase, set("statuses.0.recipient_id", "1-631-555")), good: waStatusBase},
		{name: "mention not digits", rule: "format.phone-digits", path: "messages[0].context.mentions[0]",
			bad:  patch(waBase, raw("messages.0.context", `{"mentions":["@kerry"]}`)),
			good: patch(waBase, raw("messages.0.context", `{"mentions":["16315551234"]}`))},
		{name: "wa_id too short", rule: "format.phone-length", path: "contacts[0].wa_id",
			bad:  patch(waBase, set("contacts.0.wa_id", "1234567"), set("messages.0.from", "1234567")),
			good: patch(waBase, set("contacts.0.wa_id", "12345678"), set("messages.0.from", "12345678"))},
		{name: "sinch origin too long", rule: "format.phone-length", path: "data[0].origin",
			bad: patch(sinchBase, set("data.0.origin", "1234567890123456")), good: patch(sinchBase, set("data.0.origin", "123456789012345"))},
		{name: "timestamp text", rule: "format.timestamp", path: "messages[0].timestamp",
			bad: patch(waBase, set("messages.0.timestamp", "yesterday")), good: waBase},
		{name: "timestamp millis", rule: "format.timestamp", path: "statuses[0].timestamp",
			bad: patch(waStatusBase, set("statuses.0.timestamp", "1518694235000")), good: waStatusBase},
		{name: "expiration timestamp string", rule: "format.timestamp", path: "statuses[0].conversation.expiration_timestamp",
			bad:  patch(waStatusBase, raw("statuses.0.conversation", `{"id":"c1","expiration_timestamp":"soon"}`)),
			good: patch(waStatusBase, raw("statuses.0.conversation", `{"id":"c1","expiration_timestamp":"1518780635"}`))},
		{name: "receivedAt seconds", rule: "format.epoch-ms", path: "data[0].receivedAt",
			bad: patch(sinchBase, set("data.0.receivedAt", 1513616971)), good: sinchBase},
		{name: "sentAt negative", rule: "format.epoch-ms", path: "data[0].sentAt",
			bad: patch(sinchStatusBase, set("data.0.sentAt", -1)), good: sinchStatusBase},
		{name: "receivedDate not ISO", rule: "format.iso8601", path: "data[0].receivedDate",
			bad: patch(sinchBase, set("data.0.receivedDate", "18/12/2017 17:09:31")), good: sinchBase},
		{name: "status sentDate not ISO", rule: "format.iso8601", path: "data[0].sentDate",
			bad: patch(sinchStatusBase, set("data.0.sentDate", "2024-06-19")), good: sinchStatusBase},
		{name: "geoPoint garbage", rule: "format.geopoint", path: "data[0].message.location.geoPoint",
			bad: sinchMsg(sinchLoc, set("data.0.message.location.geoPoint", "somewhere")), good: sinchMsg(sinchLoc)},
		{name: "geoPoint out of range", rule: "format.geopoint", path: "data[0].message.location.geoPoint",
			bad: sinchMsg(sinchLoc, set("data.0.message.location.geoPoint", "-122.894180,-47.047960")), good: sinchMsg(sinchLoc)},
		{name: "latitude 91", rule: "format.coordinates", path: "messages[0].location.latitude",
			bad:  waMsg("location", `{"latitude":91,"longitude":-77.03}`),
			good: waMsg("location", `{"latitude":90,"longitude":-77.03}`)},
		{name: "longitude -181", rule: "format.coordinates", path: cf + "messages[0].location.longitude",
			bad:  cloudMsg("location", `{"latitude":1,"longitude":-181}`),
			good: cloudMsg("location", `{"latitude":1,"longitude":-180}`)},
		{name: "mime without slash", rule: "format.mime-type", path: "messages[0].image.mime_type",
			bad: waMsg("image", waImage, set("messages.0.image.mime_type", "jpeg")), good: waMsg("image", waImage)},
		{name: "sinch mime garbage", rule: "format.mime-type", path: "data[0].message.mimeType",
			bad: sinchMsg(sinchImage, set("data.0.message.mimeType", "image jpeg")), good: sinchMsg(sinchImage)},
		{name: "sinch image/jpg", rule: "format.mime-nonstandard", path: "data[0].message.mimeType",
			bad: sinchMsg(sinchImage, set("data.0.message.mimeType", "image/jpg")), good: sinchMsg(sinchImage)},
		{name: "sticker png", rule: "format.mime-nonstandard", path: "messages[0].sticker.mime_type",
			bad:  waMsg("sticker", `{"id":"s1","mime_type":"image/png","sha256":"`+hex64+`"}`),
			good: waMsg("sticker", `{"id":"s1","mime_type":"image/webp","sha256":"`+hex64+`"}`)},
		{name: "whatsapp image/jpg", rule: "format.mime-nonstandard", path: "messages[0].image.mime_type",
			bad: waMsg("image", waImage, set("messages.0.image.mime_type", "image/jpg")), good: waMsg("image", waImage)},
		{name: "sinch mediaUrl placeholder", rule: "format.url", path: "data[0].message.mediaUrl",
			bad: sinchMsg(sinchImage, set("data.0.message.mediaUrl", "https://...")), good: sinchMsg(sinchImage)},
		{name: "cloud media url relative", rule: "format.url", path: cf + "messages[0].image.url",
			bad: cloudMsg("image", cloudImage, set(cp+"image.url", "/media/1")), good: cloudMsg("image", cloudImage)},
		{name: "sha256 truncated", rule: "format.sha256", path: "messages[0].image.sha256",
			bad: waMsg("image", waImage, set("messages.0.image.sha256", hex64[:57])), good: waMsg("image", waImage)},
		{name: "empty message id", rule: "format.non-empty", path: "messages[0].id",
			bad: patch(waBase, set("messages.0.id", "")), good: waBase},
		{name: "blank sinch id", rule: "format.non-empty", path: "data[0].id",
			bad: patch(sinchBase, set("data.0.id", "  ")), good: sinchBase},
		{name: "from_user_id without country", rule: "format.bsuid", path: cf + "messages[0].from_user_id",
			bad: patch(cloudBase, set(cp+"from_user_id", "13491208655302741918")), good: patch(cloudBase, set(cp+"from_user_id", "US.13491208655302741918"))},
		{name: "contact user_id lowercase cc", rule: "format.bsuid", path: cf + "contacts[0].user_id",
			bad: patch(cloudBase, set(cloudValue+".contacts.0.user_id", "us.ENT.abc")), good: patch(cloudBase, set(cloudValue+".contacts.0.user_id", "US.ENT.abc"))},
		{name: "currency lowercase", rule: "format.currency", path: "messages[0].order.product_items[0].currency",
			bad: waMsg("order", waOrder, set("messages.0.order.product_items.0.currency", "usd")), good: waMsg("order", waOrder)},
		{name: "birthday slashes", rule: "format.date", path: "messages[0].contacts[0].birthday",
			bad: waMsg("contacts", waContacts, set("messages.0.contacts.0.birthday", "2012/08/18")), good: waMsg("contacts", waContacts)},
		{name: "message id placeholder", rule: "format.placeholder", path: "messages[0].id",
			bad: waMsg("text", `{"body":"hi"}`, set("messages.0.id", "message-ID")), good: waMsg("text", `{"body":"hi"}`)},
		{name: "sinch correlationId placeholder", rule: "format.placeholder", path: "data[0].correlationId",
			bad: sinchMsg(sinchImage, set("data.0.correlationId", "...")), good: sinchMsg(sinchImage, set("data.0.correlationId", "order-42"))},
		{name: "phone_number_id placeholder", rule: "format.numeric-id", path: cf + "metadata.phone_number_id",
			bad: patch(cloudBase, set(cloudValue+".metadata.phone_number_id", "<BUSINESS_PHONE_NUMBER_ID>")), good: cloudBase},
		{name: "entry id letters", rule: "format.numeric-id", path: "entry[0].id",
			bad: patch(cloudBase, set("entry.0.id", "WABA_ID")), good: cloudBase},
		{name: "expiration as number", rule: "format.timestamp-number", path: "statuses[0].conversation.expiration_timestamp",
			bad:  patch(waStatusBase, raw("statuses.0.conversation", `{"id":"c1","expiration_timestamp":1518780635}`)),
			good: patch(waStatusBase, raw("statuses.0.conversation", `{"id":"c1","expiration_timestamp":"1518780635"}`))},

		// Sinch.
		{name: "total 2 for 1", rule: "sinch.total-mismatch", path: "total",
			bad: patch(sinchBase, set("total", 2)), good: sinchBase},
		{name: "total string mismatch", rule: "sinch.total-mismatch", path: "total",
			bad: patch(sinchBase, set("total", "3")), good: patch(sinchBase, set("total", 1))},
		{name: "total string", rule: "sinch.total-string", path: "total",
			bad: patch(sinchBase, set("total", "1")), good: sinchBase},
		{name: "location without type", rule: "sinch.type-absent", path: "data[0].message.type",
			bad: sinchMsg(sinchLoc), good: sinchMsg(sinchLoc, set("data.0.message.type", "LOCATION"))},
		{name: "VIDEO type", rule: "sinch.type-undocumented", path: "data[0].message.type",
			bad:  sinchMsg(sinchImage, set("data.0.message.type", "VIDEO"), set("data.0.message.mimeType", "video/mp4")),
			good: sinchMsg(sinchImage)},
		{name: "IMAGE with audio mime", rule: "sinch.mime-mismatch", path: "data[0].message.mimeType",
			bad: sinchMsg(sinchImage, set("data.0.message.mimeType", "audio/ogg")), good: sinchMsg(sinchImage)},
		{name: "receivedAt a year off", rule: "sinch.received-mismatch", path: "data[0].receivedAt",
			bad:  patch(sinchBase, set("data.0.receivedAt", 1545152971473)),
			good: patch(sinchBase, set("data.0.receivedAt", 1513616972000))},
		{name: "referral sourceType banner", rule: "sinch.referral-value", path: "data[0].referral.sourceType",
			bad:  patch(sinchBase, raw("data.0.referral", `{"sourceType":"banner","mediaType":"image"}`)),
			good: patch(sinchBase, raw("data.0.referral", `{"sourceType":"ad","mediaType":"image"}`))},
		{name: "referral mediaType gif", rule: "sinch.referral-value", path: "data[0].referral.mediaType",
			bad:  patch(sinchBase, raw("data.0.referral", `{"sourceType":"ad","mediaType":"gif"}`)),
			good: patch(sinchBase, raw("data.0.referral", `{"sourceType":"ad","mediaType":null}`))},
		{name: "status code 999", rule: "sinch.status-code", path: "data[0].deliveredStatusCode",
			bad: patch(sinchStatusBase, set("data.0.deliveredStatusCode", 999)), good: sinchStatusBase},
		{name: "list reply text differs", rule: "sinch.list-reply-text", path: "data[0].message.messageText",
			bad: sinchMsg(sinchList, set("data.0.message.messageText", "Row 2")), good: sinchMsg(sinchList)},
		{name: "sessionId", rule: "sinch.session-id-name", path: "data[0].session.sessionId",
			bad:  patch(sinchBase, raw("data.0.session", `{"sessionId":"s1","createdAt":1513616971473}`)),
			good: patch(sinchBase, raw("data.0.session", `{"id":"s1","createdAt":1513616971473}`))},
		{name: "status without flags", rule: "sinch.item-shape", path: "data[0]",
			bad:  patch(sinchStatusBase, del("data.0.sent"), del("data.0.delivered")),
			good: patch(sinchStatusBase, del("data.0.sent"))},

		// Native WhatsApp (On-Premises and Cloud API).
		{name: "image with audio mime", rule: "whatsapp.mime-mismatch", path: "messages[0].image.mime_type",
			bad: waMsg("image", waImage, set("messages.0.image.mime_type", "audio/ogg")), good: waMsg("image", waImage)},
		{name: "cloud voice note as video", rule: "whatsapp.mime-mismatch", path: cf + "messages[0].audio.mime_type",
			bad:  cloudMsg("audio", `{"id":"1","mime_type":"video/mp4","sha256":"`+b64sha+`","voice":true}`),
			good: cloudMsg("audio", `{"id":"1","mime_type":"audio/ogg; codecs=opus","sha256":"`+b64sha+`","voice":true}`)},
		{name: "media without id", rule: "whatsapp.media-id", path: "messages[0].image.id",
			bad: waMsg("image", waImage, del("messages.0.image.id")), good: waMsg("image", waImage)},
		{name: "reply context without id", rule: "whatsapp.context-reply", path: "messages[0].context.id",
			bad:  patch(waBase, raw("messages.0.context", `{"from":"16315551234"}`)),
			good: patch(waBase, raw("messages.0.context", `{"from":"16315551234","id":"gBGGFlA5FpafAgo6tHcNmNjXmuSf"}`))},
		{name: "reply context without from", rule: "whatsapp.context-reply", path: cf + "messages[0].context.from",
			bad:  patch(cloudBase, raw(cp+"context", `{"id":"wamid.x"}`)),
			good: patch(cloudBase, raw(cp+"context", `{"forwarded":true}`))},
		{name: "forwarded twice", rule: "whatsapp.context-forwarded", path: "messages[0].context.frequently_forwarded",
			bad:  patch(waBase, raw("messages.0.context", `{"forwarded":true,"frequently_forwarded":true}`)),
			good: patch(waBase, raw("messages.0.context", `{"forwarded":false,"frequently_forwarded":true}`))},
		{name: "button without context", rule: "whatsapp.button-context", path: "messages[0].context",
			bad:  waMsg("button", `{"text":"No","payload":"No-Button-Payload"}`),
			good: waMsg("button", `{"text":"No","payload":"No-Button-Payload"}`, raw("messages.0.context", `{"from":"16315551234","id":"gBGGFlA5Fpaf"}`))},
		{name: "failed without errors", rule: "whatsapp.status-errors", path: "statuses[0].errors",
			bad: patch(waStatusBase, set("statuses.0.status", "failed")), good: patch(waStatusBase, raw("statuses.0", waStatusF))},
		{name: "errors on delivered", rule: "whatsapp.status-errors", path: cf + "statuses[0].errors",
			bad:  patch(cloudStatusBase, raw(cloudValue+".statuses.0.errors", `[{"code":1,"title":"x"}]`)),
			good: patch(cloudStatusBase, raw(cloudValue+".statuses.0.errors", `[{"code":1,"title":"x"}]`), set(cloudValue+".statuses.0.status", "failed"))},
		{name: "no contacts", rule: "whatsapp.contacts-missing", path: "contacts",
			bad: patch(waBase, del("contacts")), good: waBase},
		{name: "system message needs no contact", rule: "whatsapp.contacts-missing", path: "contacts",
			bad:  waMsg("text", `{"body":"x"}`, del("contacts")),
			good: waMsg("system", `{"body":"User changed from 1 to 2","new_wa_id":"16315551235","type":"user_changed_number"}`, del("contacts"))},
		{name: "sender not in contacts", rule: "whatsapp.sender-not-in-contacts", path: "messages[0].from",
			bad: patch(waBase, set("contacts.0.wa_id", "16315550000")), good: waBase},
		{name: "duplicate id", rule: "whatsapp.duplicate-id", path: "messages[1].id",
			bad:  patch(waBase, raw("messages.-1", `{"from":"16315551234","id":"ABGGFlA5FpafAgo6tHcNmNjXmuSf","timestamp":"1518694236","type":"text","text":{"body":"again"}}`)),
			good: patch(waBase, raw("messages.-1", `{"from":"16315551234","id":"ABGGFlA5FpafAgo6tHcNmNjXmuSg","timestamp":"1518694236","type":"text","text":{"body":"again"}}`))},
		{name: "contacts only", rule: "whatsapp.no-content", path: "",
			bad: patch(waBase, del("messages")), good: waBase},
		{name: "cloud value without content", rule: "whatsapp.no-content", path: cloudFindingPrefix,
			bad: patch(cloudBase, del(cloudValue+".messages"), del(cloudValue+".contacts")), good: cloudStatusBase},
		{name: "response_json not an object", rule: "whatsapp.nfm-response-json", path: "messages[0].interactive.nfm_reply.response_json",
			bad: waMsg("interactive", waNfm, set("messages.0.interactive.nfm_reply.response_json", "[1,2]")), good: waMsg("interactive", waNfm)},
		{name: "response_json not JSON", rule: "whatsapp.nfm-response-json", path: "messages[0].interactive.nfm_reply.response_json",
			bad: waMsg("interactive", waNfm, set("messages.0.interactive.nfm_reply.response_json", "{a:1}")), good: waMsg("interactive", waNfm)},
		{name: "message without sender", rule: "cloud.sender-identity", path: cf + "messages[0].from",
			bad: patch(cloudBase, del(cp+"from")), good: patch(cloudBase, del(cp+"from"), set(cp+"from_user_id", "US.13491208655302741918"))},
		{name: "contact without ids", rule: "cloud.sender-identity", path: cf + "contacts[0]",
			bad: patch(cloudBase, del(cloudValue+".contacts.0.wa_id")), good: patch(cloudBase, del(cloudValue+".contacts.0.wa_id"), set(cloudValue+".contacts.0.user_id", "US.1"))},
		{name: "cloud media link", rule: "cloud.onprem-media-field", path: cf + "messages[0].image.link",
			bad: cloudMsg("image", cloudImage, set(cp+"image.link", "https://example.com/a.jpg")), good: cloudMsg("image", cloudImage)},
		{name: "cloud media file", rule: "cloud.onprem-media-field", path: cf + "messages[0].image.file",
			bad: cloudMsg("image", cloudImage, set(cp+"image.file", "/usr/local/wamedia/x")), good: cloudMsg("image", cloudImage)},
		{name: "account_update", rule: "cloud.field-scope", path: "entry[0].changes[0].field",
			bad: patch(cloudBase, set("entry.0.changes.0.field", "account_update")), good: cloudBase},
		{name: "display phone formatted", rule: "cloud.display-phone", path: cf + "metadata.display_phone_number",
			bad: patch(cloudBase, set(cloudValue+".metadata.display_phone_number", "+1 555-010-0222")), good: cloudBase},
		{name: "on-prem error shape", rule: "cloud.error-shape", path: cf + "errors[0].details",
			bad:  patch(cloudStatusBase, raw(cloudValue+".errors", `[{"code":131000,"title":"x","details":"y"}]`)),
			good: patch(cloudStatusBase, raw(cloudValue+".errors", `[{"code":131000,"title":"x","error_data":{"details":"y"}}]`))},
		{name: "expiration on delivered", rule: "whatsapp.expiration-not-sent", path: cf + "statuses[0].conversation.expiration_timestamp",
			bad:  patch(cloudStatusBase, raw(cloudValue+".statuses.0.conversation", `{"id":"c1","expiration_timestamp":"1767693700","origin":{"type":"service"}}`)),
			good: patch(cloudStatusBase, raw(cloudValue+".statuses.0.conversation", `{"id":"c1","expiration_timestamp":"1767693700","origin":{"type":"service"}}`), set(cloudValue+".statuses.0.status", "sent"))},
		{name: "status without recipient", rule: "whatsapp.status-recipient", path: "statuses[0].recipient_id",
			bad: patch(waStatusBase, del("statuses.0.recipient_id")), good: waStatusBase},
		{name: "cloud status with user id only", rule: "whatsapp.status-recipient", path: cf + "statuses[0].recipient_id",
			bad:  patch(cloudStatusBase, del(cloudValue+".statuses.0.recipient_id")),
			good: patch(cloudStatusBase, del(cloudValue+".statuses.0.recipient_id"), set(cloudValue+".statuses.0.recipient_user_id", "US.1"))},

		// A payload with more findings than are listed says how many more.
		{name: "1,200 unknown members", rule: "validate.findings-capped", path: "",
			bad: strings.Replace(waBase, `"type":"text"`, `"type":"text"`+manyKeys(1200), 1), good: waBase},

		// Forced formats apply that format's rules whatever the body says.
		{name: "forced whatsapp on sinch", rule: "schema.unknown-field", path: "total", format: payload.WhatsApp,
			bad: sinchBase, good: waBase},

		// Sinch Conversation API callbacks.
		{name: "conversation two triggers", rule: "conversation.trigger", path: "message_delivery_report",
			bad: patch(convText, raw("message_delivery_report", convReportBody)), good: convText},
		{name: "conversation no trigger", rule: "conversation.trigger",
			bad: `{"app_id":"01HZX6B8Q4M5R2TQ7YV3N9KJ4C","project_id":"p"}`, good: convText},
		{name: "conversation event", rule: "conversation.trigger-scope", path: "event",
			bad: patch(convText, del("message"), raw("event", `{"id":"1"}`)), good: convText},
		{name: "conversation empty contact message", rule: "conversation.contact-message", path: "message.contact_message",
			bad: patch(convText, raw("message.contact_message", `{}`)), good: convText},
		{name: "conversation two kinds", rule: "conversation.contact-message", path: "message.contact_message.media_message",
			bad: patch(convText, raw("message.contact_message.media_message", `{"url":"https://example.com/a.jpg"}`)), good: convText},
		{name: "conversation SMS channel", rule: "conversation.channel", path: "message.channel_identity.channel",
			bad: patch(convText, set("message.channel_identity.channel", "SMS")), good: convText},
		{name: "conversation identity with plus", rule: "conversation.identity", path: "message.channel_identity.identity",
			bad: patch(convText, set("message.channel_identity.identity", "+5511987650001")), good: convText},
		{name: "conversation failed without reason", rule: "conversation.reason", path: "message_delivery_report.status",
			bad: patch(convReport, set("message_delivery_report.status", "FAILED")), good: convReport},
		{name: "conversation unknown reason code", rule: "conversation.open-value", path: "message_delivery_report.reason.code",
			bad:  patch(convReport, set("message_delivery_report.status", "FAILED"), raw("message_delivery_report.reason", `{"code":"NEW_CODE"}`)),
			good: patch(convReport, set("message_delivery_report.status", "FAILED"), raw("message_delivery_report.reason", `{"code":"RECIPIENT_NOT_REACHABLE"}`))},
	}
}

func validateString(t *testing.T, opts validate.Options, doc string) validate.Result {
	t.Helper()
	p := payload.Payload{Source: "test.json", Data: []byte(doc), Line: 1, Col: 1}
	return validate.New(opts).Validate(&p)
}

func describe(res validate.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format=%s unusable=%v errors=%d warnings=%d", res.Format, res.Unusable, res.Errors, res.Warnings)
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "\n  %d:%d %s %s %q: %s", f.Line, f.Col, f.Severity, f.RuleID(), f.Path, f.Message)
	}
	return b.String()
}

func rulesByID() map[string]*diag.Rule {
	m := map[string]*diag.Rule{}
	for _, r := range validate.Rules() {
		m[r.ID] = r
	}
	return m
}

func TestBasesAreValid(t *testing.T) {
	for name, doc := range map[string]string{"sinch": sinchBase, "sinch status": sinchStatusBase,
		"whatsapp": waBase, "whatsapp status": waStatusBase, "cloud": cloudBase, "cloud status": cloudStatusBase} {
		res := validateString(t, validate.Options{}, doc)
		if len(res.Findings) != 0 || res.Unusable {
			t.Errorf("%s base is not clean: %s", name, describe(res))
		}
	}
}

func TestRules(t *testing.T) {
	rules := rulesByID()
	for _, tc := range ruleCases() {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) {
			rule := rules[tc.rule]
			if rule == nil {
				t.Fatalf("rule %q is not in validate.Rules()", tc.rule)
			}
			opts := validate.Options{Format: tc.format}
			res := validateString(t, opts, tc.bad)
			var hit *diag.Finding
			for i, f := range res.Findings {
				if f.RuleID() == tc.rule && f.Path == tc.path {
					hit = &res.Findings[i]
					break
				}
			}
			if hit == nil {
				t.Fatalf("no %s finding at path %q in\n%s\n%s", tc.rule, tc.path, tc.bad, describe(res))
			}
			if hit.Severity != rule.Severity {
				t.Errorf("severity %s, rule says %s", hit.Severity, rule.Severity)
			}
			if hit.Line < 1 || hit.Col < 1 {
				t.Errorf("finding not located: %d:%d", hit.Line, hit.Col)
			}
			if hit.Message == "" {
				t.Error("finding without message")
			}
			if rule.Severity == diag.Error && res.Valid() {
				t.Errorf("an error finding left the payload valid: %s", describe(res))
			}

			good := validateString(t, opts, tc.good)
			for _, f := range good.Findings {
				if f.RuleID() == tc.rule {
					t.Errorf("close variant still triggers %s:\n%s\n%s", tc.rule, tc.good, describe(good))
					break
				}
			}
			if !good.Valid() {
				t.Errorf("close variant is not valid:\n%s\n%s", tc.good, describe(good))
			}
		})
	}
}

// TestEveryRuleHasACase fails when a rule is added without a table case,
// or a case names a rule that does not exist.
func TestEveryRuleHasACase(t *testing.T) {
	rules := rulesByID()
	covered := map[string]bool{}
	for _, tc := range ruleCases() {
		if rules[tc.rule] == nil {
			t.Errorf("case %q names unknown rule %q", tc.name, tc.rule)
		}
		if tc.bad == "" || tc.good == "" {
			t.Errorf("case %q needs both a triggering payload and a close valid variant", tc.name)
		}
		covered[tc.rule] = true
	}
	var missing []string
	for id := range rules {
		if !covered[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("rules without a triggering case in ruleCases(): %s", strings.Join(missing, ", "))
	}
}

func TestRuleTable(t *testing.T) {
	rules := validate.Rules()
	if len(rules) < 50 {
		t.Fatalf("only %d rules", len(rules))
	}
	for i, r := range rules {
		if i > 0 && rules[i-1].ID >= r.ID {
			t.Errorf("Rules() not sorted or not unique at %s, %s", rules[i-1].ID, r.ID)
		}
		if r.Summary == "" || r.Formats == "" {
			t.Errorf("rule %s lacks a summary or formats", r.ID)
		}
		if prefix, _, ok := strings.Cut(r.ID, "."); !ok || !strings.Contains("json schema format sinch whatsapp cloud conversation validate", prefix) {
			t.Errorf("rule id %q outside the known families", r.ID)
		}
		if r.Severity != diag.Error && r.Severity != diag.Warning && r.Severity != diag.Info {
			t.Errorf("rule %s: severity %v", r.ID, r.Severity)
		}
	}
}

// TestTablesDeclareSets: every enumeration of the format tables says
// whether it is open or closed, consistently with its rule.
func TestTablesDeclareSets(t *testing.T) {
	for name, root := range map[string]*spec.Object{"sinch": sinch.Batch(),
		"whatsapp": whatsapp.OnPremSchemas().Notification, "cloud": whatsapp.Envelope()} {
		for _, p := range spec.Audit(root) {
			t.Errorf("%s: %s", name, p)
		}
	}
}

// TestRuleSources: every rule cites public documents by address, never a
// document the repository does not ship.
func TestRuleSources(t *testing.T) {
	for _, r := range validate.Rules() {
		if !strings.Contains(r.Source, "https://") {
			t.Errorf("%s: source %q cites no public address", r.ID, r.Source)
		}
		for _, bad := range []string{"seed", "reference §", "shared/", "S-MO", "S-INT", "S-API", "OP-ZH", "C-REF"} {
			if strings.Contains(r.Source, bad) {
				t.Errorf("%s: source %q cites %q", r.ID, r.Source, bad)
			}
		}
	}
}

func TestSeverities(t *testing.T) {
	// A payload with one error and one warning.
	doc := patch(sinchBase, set("total", "1"), set("data.0.source", "+5519900000000"))
	res := validateString(t, validate.Options{}, doc)
	if res.Errors != 1 || res.Warnings != 1 || res.Valid() {
		t.Fatalf("want 1 error, 1 warning, invalid: %s", describe(res))
	}
	sev := map[string]diag.Severity{}
	for _, f := range res.Findings {
		sev[f.RuleID()] = f.Severity
	}
	if sev["sinch.total-string"] != diag.Warning || sev["format.phone-digits"] != diag.Error {
		t.Errorf("severities: %v", sev)
	}

	// Warnings alone leave the payload valid.
	res = validateString(t, validate.Options{}, patch(sinchBase, set("total", "1")))
	if !res.Valid() || res.Warnings != 1 || res.Errors != 0 {
		t.Errorf("warning-only payload: %s", describe(res))
	}
}

func TestStrict(t *testing.T) {
	warn := patch(sinchBase, set("total", "1"))
	res := validateString(t, validate.Options{Strict: true}, warn)
	if res.Valid() || res.Errors != 1 || res.Warnings != 0 {
		t.Fatalf("--strict must turn the warning into an error: %s", describe(res))
	}
	if f := res.Findings[0]; f.Severity != diag.Error || f.RuleID() != "sinch.total-string" {
		t.Errorf("finding: %+v", f)
	}
	// Info findings are neither errors nor warnings, strict or not.
	info := patch(sinchBase, raw("data.0.session", `{"sessionId":"s1"}`))
	for _, strict := range []bool{false, true} {
		res := validateString(t, validate.Options{Strict: strict}, info)
		if !res.Valid() || res.Errors+res.Warnings != 0 || len(res.Findings) != 1 || res.Findings[0].Severity != diag.Info {
			t.Errorf("strict=%v: info finding: %s", strict, describe(res))
		}
	}
	// Strict does not change the severity the rule table declares.
	if r := rulesByID()["sinch.total-string"]; r.Severity != diag.Warning {
		t.Errorf("Strict mutated the rule: %v", r.Severity)
	}
}

func TestIgnore(t *testing.T) {
	doc := patch(sinchBase, set("total", 2), set("data.0.source", "+5519900000000"))
	res := validateString(t, validate.Options{Ignore: map[string]bool{"sinch.total-mismatch": true}}, doc)
	if res.Errors != 1 || len(res.Findings) != 1 || res.Findings[0].RuleID() != "format.phone-digits" {
		t.Fatalf("ignore total-mismatch: %s", describe(res))
	}
	res = validateString(t, validate.Options{Ignore: map[string]bool{"sinch.total-mismatch": true, "format.phone-digits": true}}, doc)
	if !res.Valid() || len(res.Findings) != 0 || res.InvalidItems != 0 {
		t.Fatalf("ignoring both errors must leave a valid payload: %s", describe(res))
	}
	// Ignoring the syntax rule hides the diagnostic but cannot make broken
	// input usable.
	res = validateString(t, validate.Options{Ignore: map[string]bool{"json.syntax": true}}, `{"total":1,}`)
	if !res.Unusable || res.Valid() {
		t.Errorf("ignored syntax error made the payload usable: %s", describe(res))
	}
}

func TestForcedFormat(t *testing.T) {
	res := validateString(t, validate.Options{Format: payload.Sinch}, sinchBase)
	if res.Format != payload.Sinch || res.Detected || res.Reason != "forced by --format" || len(res.Findings) != 0 {
		t.Errorf("forced sinch on sinch: %+v %s", res, describe(res))
	}
	res = validateString(t, validate.Options{}, sinchBase)
	if res.Format != payload.Sinch || !res.Detected || res.Reason == "" {
		t.Errorf("detected sinch: %+v", res)
	}
	// Forced whatsapp on a Sinch body: the whatsapp rules speak.
	res = validateString(t, validate.Options{Format: payload.WhatsApp}, sinchBase)
	want := map[string]bool{"schema.unknown-field total": true, "schema.unknown-field data": true, "whatsapp.no-content ": true}
	got := map[string]bool{}
	for _, f := range res.Findings {
		got[f.RuleID()+" "+f.Path] = true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("forced whatsapp: missing %q in %s", k, describe(res))
		}
	}
	if res.Format != payload.WhatsApp || res.Unusable || res.Messages != 0 {
		t.Errorf("forced whatsapp: %s", describe(res))
	}
	// A forced format makes an unrecognisable body checkable.
	res = validateString(t, validate.Options{Format: payload.Cloud}, `{"hello":"world"}`)
	if res.Unusable || res.Format != payload.Cloud || res.Errors < 2 {
		t.Errorf("forced cloud on unknown body: %s", describe(res))
	}
	// Forcing a format does not bypass the syntax check.
	res = validateString(t, validate.Options{Format: payload.Cloud}, `{"object":`)
	if !res.Unusable || len(res.Findings) != 1 || res.Findings[0].RuleID() != "json.syntax" {
		t.Errorf("forced cloud on broken JSON: %s", describe(res))
	}
}

// prettyWA is a pretty-printed On-Premises payload whose problems sit at
// known places; the name holds multi-byte characters before the wa_id on
// the same line, so columns must count characters, not bytes.
const prettyWA = `{
  "contacts": [
    { "profile": { "name": "Zoë Ñandú 日本" }, "wa_id": "+16315551234" }
  ],
  "messages": [
    {
      "from": "16315551234",
      "id": "ABGGFlA5FpafAgo6tHcNmNjXmuSf",
      "timestamp": 1518694235,
      "type": "text",
      "text": { "body": "Hello" }
    }
  ]
}
`

func TestPositions(t *testing.T) {
	res := validateString(t, validate.Options{}, prettyWA)
	want := map[string][2]int{
		"format.phone-digits contacts[0].wa_id": {3, 55}, // the opening quote of "+16315551234"
		"schema.type messages[0].timestamp":     {9, 20},
	}
	for _, f := range res.Findings {
		key := f.RuleID() + " " + f.Path
		if pos, ok := want[key]; ok {
			if f.Line != pos[0] || f.Col != pos[1] {
				t.Errorf("%s at %d:%d, want %d:%d", key, f.Line, f.Col, pos[0], pos[1])
			}
			delete(want, key)
		}
	}
	for k := range want {
		t.Errorf("missing finding %s in %s", k, describe(res))
	}
	// Findings come in document order.
	for i := 1; i < len(res.Findings); i++ {
		a, b := res.Findings[i-1], res.Findings[i]
		if a.Line > b.Line || a.Line == b.Line && a.Col > b.Col {
			t.Errorf("findings out of order: %d:%d before %d:%d", a.Line, a.Col, b.Line, b.Col)
		}
	}

	// A payload that starts further down a file is located in the file.
	p := payload.Payload{Source: "x.ndjson", Data: []byte(patch(sinchBase, set("total", 2))), Line: 7, Col: 3}
	r := validate.New(validate.Options{}).Validate(&p)
	if len(r.Findings) != 1 || r.Findings[0].Line != 7 || r.Findings[0].Col != 3+len(`{"total":`) {
		t.Errorf("offset payload: %s", describe(r))
	}
	if r.Line != 7 || r.Col != 3 || r.Source != "x.ndjson" {
		t.Errorf("result location: %+v", r)
	}
}

// TestTypeAware checks that a message is judged by its type only: bodies
// of other types are reported once, as present, and never checked.
func TestTypeAware(t *testing.T) {
	doc := waMsg("image", waImage,
		set("messages.0.image.mime_type", "audio/ogg"),           // image-related: reported
		raw("messages.0.text", `{"body":5,"extra":true}`),        // wrong, but not an image
		raw("messages.0.location", `{"latitude":"north"}`),       // idem
		raw("messages.0.contacts", `[]`),                         // idem (empty array)
		raw("messages.0.interactive", `{"type":"carousel"}`),     // idem (unknown type)
		raw("messages.0.order", `{"product_items":[{"q":"x"}]}`), // idem
	)
	res := validateString(t, validate.Options{}, doc)
	got := map[string]bool{}
	for _, f := range res.Findings {
		got[f.RuleID()+" "+f.Path] = true
	}
	want := map[string]bool{
		"whatsapp.mime-mismatch messages[0].image.mime_type": true,
		"schema.type-object messages[0].text":                true,
		"schema.type-object messages[0].location":            true,
		"schema.type-object messages[0].contacts":            true,
		"schema.type-object messages[0].interactive":         true,
		"schema.type-object messages[0].order":               true,
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("unexpected finding %s (a finding about another type's shape?)", k)
		}
	}
	if t.Failed() {
		t.Log(describe(res))
	}
	if res.Messages != 1 || res.InvalidItems != 1 {
		t.Errorf("counts: %d messages, %d invalid", res.Messages, res.InvalidItems)
	}
}

// TestSinchTypeAware: a Sinch IMAGE message is not checked as a location.
func TestSinchTypeAware(t *testing.T) {
	doc := sinchMsg(sinchImage, raw("data.0.message.location", `{"geoPoint":"nowhere"}`))
	res := validateString(t, validate.Options{}, doc)
	for _, f := range res.Findings {
		if f.RuleID() == "format.geopoint" || f.Path == "data[0].message.location.geoPoint" {
			t.Errorf("IMAGE message checked as a location: %s", describe(res))
		}
	}
	if res.Valid() {
		t.Errorf("a location body in an IMAGE message must be reported: %s", describe(res))
	}
}

func TestCounts(t *testing.T) {
	// Two messages, the second invalid; one status.
	doc := patch(waBase,
		raw("messages.-1", `{"from":"16315551234","id":"B2","timestamp":"x","type":"text","text":{"body":"b"}}`),
		raw("statuses", `[{"id":"s1","status":"read","timestamp":"1518694235","recipient_id":"16315551234"}]`))
	res := validateString(t, validate.Options{}, doc)
	if res.Messages != 2 || res.Statuses != 1 || res.Items() != 3 || res.InvalidItems != 1 || res.Errors != 1 {
		t.Errorf("counts: %s messages=%d statuses=%d invalid=%d", describe(res), res.Messages, res.Statuses, res.InvalidItems)
	}
	// An envelope error spoils every item.
	res = validateString(t, validate.Options{}, patch(cloudBase, set("object", "page")))
	if res.Messages != 1 || res.InvalidItems != 1 {
		t.Errorf("envelope error: messages=%d invalid=%d", res.Messages, res.InvalidItems)
	}
	// Sinch MO and status items are told apart.
	mixed := patch(sinchBase, set("total", 2), raw("data.-1", gjson.Get(sinchStatusBase, "data.0").Raw))
	res = validateString(t, validate.Options{}, mixed)
	if res.Messages != 1 || res.Statuses != 1 || !res.Valid() {
		t.Errorf("sinch mixed batch: messages=%d statuses=%d %s", res.Messages, res.Statuses, describe(res))
	}
	// A non-messages Cloud change is not counted.
	res = validateString(t, validate.Options{}, patch(cloudBase, set("entry.0.changes.0.field", "account_update")))
	if res.Messages != 0 || !res.Valid() || res.Warnings != 1 {
		t.Errorf("account_update change: messages=%d %s", res.Messages, describe(res))
	}
}

func TestValidatorReuse(t *testing.T) {
	// One Validator over several payloads: results must not leak into each other.
	v := validate.New(validate.Options{})
	docs := []string{patch(sinchBase, set("total", 2)), waBase, `{"x":`, cloudBase, `[1]`, sinchBase}
	wantValid := []bool{false, true, false, true, false, true}
	var results []validate.Result
	for i, d := range docs {
		p := payload.Payload{Data: []byte(d), Line: 1, Col: 1, Index: i}
		results = append(results, v.Validate(&p))
	}
	for i, r := range results {
		if r.Valid() != wantValid[i] {
			t.Errorf("payload %d: valid=%v: %s", i, r.Valid(), describe(r))
		}
		if r.Index != i {
			t.Errorf("payload %d: index %d", i, r.Index)
		}
	}
	if len(results[0].Findings) != 1 || results[0].Findings[0].RuleID() != "sinch.total-mismatch" {
		t.Errorf("first result changed by later payloads: %s", describe(results[0]))
	}
}
