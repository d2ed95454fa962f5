// Package conversation describes the Sinch Conversation API callbacks that
// carry WhatsApp inbound messages and delivery receipts — wamo's
// "conversation" format: the envelope {app_id, project_id, accepted_time,
// event_time, …} around exactly one trigger object, of which `message`
// (MESSAGE_INBOUND) and `message_delivery_report` (MESSAGE_DELIVERY) are
// the MO and receipt counterparts of the other formats. Sources: Sinch's
// Conversation API callback documentation
// (https://developers.sinch.com/docs/conversation/callbacks) and the types
// of its Node SDK (@sinch/conversation: MessageInboundEvent,
// MessageDeliveryReceiptEvent, ContactMessage).
//
// It is a different product from the Sinch LATAM batch of package sinch;
// the two never import each other.
package conversation

import (
	"slices"
	"strings"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
)

const source = "Sinch Conversation API callbacks, https://developers.sinch.com/docs/conversation/callbacks"

// Rules of the Conversation API callbacks.
var (
	rules = diag.NewCatalogue("conversation")

	RuleTrigger        = rules.Add("conversation.trigger", diag.Error, "a callback carries no trigger object, or more than one (exactly one of message, message_delivery_report, event, …)", source)
	RuleTriggerScope   = rules.Add("conversation.trigger-scope", diag.Warning, "a trigger other than message (MESSAGE_INBOUND) or message_delivery_report (MESSAGE_DELIVERY): not an MO or receipt, its content is not checked", source)
	RuleContactMessage = rules.Add("conversation.contact-message", diag.Error, "contact_message holds none, or more than one, of text_message, media_message, location_message, contact_info_message, choice_response_message, media_card_message, fallback_message, product_response_message, channel_specific_message", source)
	RuleChannel        = rules.Add("conversation.channel", diag.Warning, "channel_identity.channel is not WHATSAPP: wamo checks WhatsApp traffic, the identity is not checked as a phone number", source)
	RuleIdentity       = rules.Add("conversation.identity", diag.Error, "a WHATSAPP channel identity is not a phone number: digits only, country code included, no +", source)
	RuleReason         = rules.Add("conversation.reason", diag.Warning, "a FAILED delivery report without reason, or a reason on a report that did not fail", source)
	RuleOpenValue      = rules.Add("conversation.open-value", diag.Warning, "a value outside the documented list of a set Sinch extends (reason codes, processing modes, channel-specific message types)", source)
)

// Rules lists the rules this package reports (shared ones included).
func Rules() []*diag.Rule { return append(rules.Rules(), common.Rules()...) }

// Triggers of the Conversation API: the member that carries each one. The
// first two are the MO and receipt callbacks wamo reads; the others are
// recognised and left unchecked.
const (
	TriggerMessage        = "message"
	TriggerDeliveryReport = "message_delivery_report"
)

// OtherTriggers are the members of the callbacks wamo does not read.
var OtherTriggers = slices.DeleteFunc(slices.Clone(payload.ConversationTriggers), func(t string) bool {
	return t == TriggerMessage || t == TriggerDeliveryReport
})

// Contact message kinds: the members of contact_message, exactly one of
// which carries the content.
const (
	KindText            = "text_message"
	KindMedia           = "media_message"
	KindLocation        = "location_message"
	KindContactInfo     = "contact_info_message"
	KindChoiceResponse  = "choice_response_message"
	KindMediaCard       = "media_card_message"
	KindFallback        = "fallback_message"
	KindProductResponse = "product_response_message"
	KindChannelSpecific = "channel_specific_message"
)

// ChannelNfmReply is the WhatsApp channel-specific message type of Flow
// responses and address replies.
const ChannelNfmReply = "nfm_reply"

var contactKinds = []string{KindText, KindMedia, KindLocation, KindContactInfo, KindChoiceResponse,
	KindMediaCard, KindFallback, KindProductResponse, KindChannelSpecific}

// Delivery statuses (message_delivery_report.status).
const (
	StatusQueued    = "QUEUED_ON_CHANNEL"
	StatusDelivered = "DELIVERED"
	StatusRead      = "READ"
	StatusFailed    = "FAILED"
	StatusSwitching = "SWITCHING_CHANNEL"
)

// ChannelWhatsApp is the channel of WhatsApp identities.
const ChannelWhatsApp = "WHATSAPP"

// Documented reason codes and sub-codes (an open set: Sinch adds codes).
var (
	reasonCodes = []string{"UNKNOWN", "INTERNAL_ERROR", "RATE_LIMITED", "RECIPIENT_INVALID_CHANNEL_IDENTITY",
		"RECIPIENT_NOT_REACHABLE", "RECIPIENT_NOT_OPTED_IN", "OUTSIDE_ALLOWED_SENDING_WINDOW", "CHANNEL_FAILURE",
		"CHANNEL_BAD_CONFIGURATION", "CHANNEL_CONFIGURATION_MISSING", "MEDIA_TYPE_UNSUPPORTED", "MEDIA_TOO_LARGE",
		"MEDIA_NOT_REACHABLE", "NO_CHANNELS_LEFT", "TEMPLATE_NOT_FOUND", "TEMPLATE_INSUFFICIENT_PARAMETERS",
		"TEMPLATE_NON_EXISTING_LANGUAGE_OR_VERSION", "DELIVERY_TIMED_OUT", "DELIVERY_REJECTED_DUE_TO_POLICY",
		"CONTACT_NOT_FOUND", "BAD_REQUEST", "UNKNOWN_APP", "NO_CHANNEL_IDENTITY_FOR_CONTACT", "CHANNEL_REJECT",
		"NO_PERMISSION", "NO_PROFILE_AVAILABLE", "UNSUPPORTED_OPERATION", "INACTIVE_CREDENTIAL", "MESSAGE_EXPIRED",
		"MESSAGE_SPLIT_REQUIRED", "DELIVERY_REPORT_TIME_OUT"}
	reasonSubCodes  = []string{"UNSPECIFIED_SUB_CODE", "ATTACHMENT_REJECTED", "MEDIA_TYPE_UNDETERMINED", "INACTIVE_SENDER"}
	processingModes = []string{"CONVERSATION", "DISPATCH"}
)

func str(name string, req spec.Req, doc string, checks ...*spec.Value) spec.Field {
	return spec.Field{Name: name, Kind: spec.KindString, Req: req, Doc: doc, Checks: checks}
}

func obj(name string, req spec.Req, o *spec.Object) spec.Field {
	return spec.Field{Name: name, Kind: spec.KindObject, Req: req, Object: o}
}

// as gives f the role r (and, for the business's own values, the party).
func as(r spec.Role, f spec.Field, party ...spec.Party) spec.Field {
	f.Role = r
	if len(party) > 0 {
		f.Party = party[0]
	}
	return f
}

// open is a string field of an open set: other values are warnings.
func open(name string, values []string, doc string) spec.Field {
	return spec.Field{Name: name, Kind: spec.KindString, Enum: values, EnumRule: RuleOpenValue, Doc: doc}
}

var reason = sync.OnceValue(func() *spec.Object {
	return &spec.Object{Name: "reason", Fields: []spec.Field{
		open("code", reasonCodes, "why the message failed (RECIPIENT_NOT_REACHABLE, OUTSIDE_ALLOWED_SENDING_WINDOW…)"),
		as(spec.RoleDetail, str("description", spec.Optional, "the reason in words")),
		open("sub_code", reasonSubCodes, "a finer reason"),
	}}
})

var channelIdentity = sync.OnceValue(func() *spec.Object {
	return &spec.Object{Name: "channel_identity", Fields: []spec.Field{
		str("channel", spec.Required, "the channel, WHATSAPP for wamo"),
		as(spec.RolePhone, str("identity", spec.Required, "the contact's identity on the channel: for WhatsApp the phone number, digits only")),
		as(spec.RoleID, str("app_id", spec.Optional, "the app of app-scoped identities (not WhatsApp)"), spec.PartyBusiness),
	}, Check: checkIdentity}
})

func checkIdentity(c *spec.Ctx, f *spec.Frame) {
	ch := f.Str("channel")
	if ch != "" && ch != ChannelWhatsApp {
		c.ReportOn(RuleChannel, f, "channel", "channel %q is not WHATSAPP", ch)
		return
	}
	if id, ok := f.Get("identity"); ok && id.Type == gjson.String {
		// The check depends on the channel, so it is a rule of its own
		// (the JSON Schema export cannot say it).
		for _, chk := range common.PhoneChecks {
			if msg := chk.Check(id); msg != "" {
				rule := RuleIdentity
				if chk.Rule.Severity != diag.Error {
					rule = chk.Rule // a length outside 8–15 stays a warning
				}
				c.ReportOn(rule, f, "identity", "identity %s", msg)
				return
			}
		}
	}
}

var coordinates = sync.OnceValue(func() *spec.Object {
	return &spec.Object{Name: "coordinates", Fields: []spec.Field{
		{Name: "latitude", Kind: spec.KindNumber, Req: spec.Required, Checks: []*spec.Value{common.Latitude}, Role: spec.RoleCoordinate},
		{Name: "longitude", Kind: spec.KindNumber, Req: spec.Required, Checks: []*spec.Value{common.Longitude}, Role: spec.RoleCoordinate},
	}}
})

var contactInfo = sync.OnceValue(func() *spec.Object {
	return &spec.Object{Name: "contact_info_message", Doc: "a shared contact card", Fields: []spec.Field{
		obj("name", spec.Required, &spec.Object{Name: "name", Fields: []spec.Field{
			as(spec.RoleName, str("full_name", spec.Required, "the name displayed")),
			as(spec.RoleName, str("first_name", spec.Optional, "")), as(spec.RoleName, str("last_name", spec.Optional, "")),
			as(spec.RoleName, str("middle_name", spec.Optional, "")),
			str("prefix", spec.Optional, ""), str("suffix", spec.Optional, ""),
		}}),
		{Name: "phone_numbers", Kind: spec.KindArray, Req: spec.Required, Object: &spec.Object{Name: "phone number", Fields: []spec.Field{
			as(spec.RolePhone, str("phone_number", spec.Required, "with country code")), str("type", spec.Optional, "WORK, HOME…"),
		}}},
		{Name: "addresses", Kind: spec.KindArray, Object: &spec.Object{Name: "address", Fields: []spec.Field{
			str("city", spec.Optional, ""), str("country", spec.Optional, ""), str("state", spec.Optional, ""),
			as(spec.RoleAddress, str("zip", spec.Optional, "")), str("type", spec.Optional, ""), str("country_code", spec.Optional, ""),
		}}},
		{Name: "email_addresses", Kind: spec.KindArray, Object: &spec.Object{Name: "email address", Fields: []spec.Field{
			as(spec.RoleEmail, str("email_address", spec.Required, "")), str("type", spec.Optional, ""),
		}}},
		obj("organization", spec.Optional, &spec.Object{Name: "organization", Fields: []spec.Field{
			as(spec.RoleText, str("company", spec.Optional, "")), as(spec.RoleText, str("department", spec.Optional, "")),
			as(spec.RoleText, str("title", spec.Optional, "")),
		}}),
		{Name: "urls", Kind: spec.KindArray, Object: &spec.Object{Name: "url", Fields: []spec.Field{
			as(spec.RoleLink, str("url", spec.Required, "")), str("type", spec.Optional, ""),
		}}},
		as(spec.RoleBirthday, str("birthday", spec.Optional, "YYYY-MM-DD", common.Date)),
	}}
})

// ContactMessage is the content of an inbound message: exactly one kind.
var ContactMessage = sync.OnceValue(func() *spec.Object {
	return &spec.Object{Name: "contact_message", Doc: "what the contact sent: exactly one kind of message", Fields: []spec.Field{
		obj(KindText, spec.Optional, &spec.Object{Name: KindText, Fields: []spec.Field{as(spec.RoleText, str("text", spec.Required, "the text"))}}),
		obj(KindMedia, spec.Optional, &spec.Object{Name: KindMedia, Fields: []spec.Field{
			as(spec.RoleMediaURL, str("url", spec.Required, "where the media file is", common.URL)),
			as(spec.RoleMediaURL, str("thumbnail_url", spec.Optional, "a preview", common.URL)),
			as(spec.RoleFileName, str("filename_override", spec.Optional, "the file name")),
		}}),
		obj(KindLocation, spec.Optional, &spec.Object{Name: KindLocation, Fields: []spec.Field{
			obj("coordinates", spec.Required, coordinates()),
			as(spec.RoleText, str("title", spec.Required, "shown near the link to the map")),
			as(spec.RoleText, str("label", spec.Optional, "a label or name for the place")),
		}}),
		obj(KindContactInfo, spec.Optional, contactInfo()),
		obj(KindChoiceResponse, spec.Optional, &spec.Object{Name: KindChoiceResponse, Fields: []spec.Field{
			as(spec.RoleID, str("message_id", spec.Required, "the message that offered the choice")),
			str("postback_data", spec.Required, "the postback data of the chosen item"),
		}}),
		obj(KindMediaCard, spec.Optional, &spec.Object{Name: KindMediaCard, Fields: []spec.Field{
			as(spec.RoleMediaURL, str("url", spec.Required, "where the media file is", common.URL)),
			as(spec.RoleText, str("caption", spec.Optional, "the caption")),
		}}),
		obj(KindFallback, spec.Optional, &spec.Object{Name: KindFallback, Fields: []spec.Field{
			as(spec.RoleText, str("raw_message", spec.Optional, "the message as the channel gave it")),
			obj("reason", spec.Optional, reason()),
		}}),
		obj(KindProductResponse, spec.Optional, &spec.Object{Name: KindProductResponse, Fields: []spec.Field{
			{Name: "products", Kind: spec.KindArray, Req: spec.Required, MinItems: 1, Object: &spec.Object{Name: "product", Fields: []spec.Field{
				str("id", spec.Required, "the product"),
				str("marketplace", spec.Required, "the marketplace of the product"),
				{Name: "quantity", Kind: spec.KindInteger},
				{Name: "item_price", Kind: spec.KindNumber},
				str("currency", spec.Optional, "ISO 4217", common.Currency),
			}}},
			as(spec.RoleText, str("text", spec.Optional, "text sent with the products")),
			str("catalog_id", spec.Optional, "the catalog of the products"),
		}}),
		obj(KindChannelSpecific, spec.Optional, &spec.Object{Name: KindChannelSpecific, Fields: []spec.Field{
			open("message_type", []string{ChannelNfmReply}, "the channel's own message type: nfm_reply (WhatsApp Flows and address replies)"),
			{Name: "message", Kind: spec.KindObject, Req: spec.Required, Object: &spec.Object{Name: "channel message", Open: true,
				Doc: "the message in the channel's own shape", Fields: []spec.Field{
					{Name: "type", Kind: spec.KindString},
					{Name: ChannelNfmReply, Kind: spec.KindObject, Object: common.NfmReply(nil)},
				}}},
		}}),
		obj("reply_to", spec.Optional, &spec.Object{Name: "reply_to", Fields: []spec.Field{
			as(spec.RoleID, str("message_id", spec.Required, "the message this one answers")),
		}}),
	}, Check: checkContactMessage}
})

func checkContactMessage(c *spec.Ctx, f *spec.Frame) {
	var present []string
	for _, k := range contactKinds {
		if f.Has(k) {
			present = append(present, k)
		}
	}
	switch len(present) {
	case 0:
		c.Report(RuleContactMessage, f.Value.Index, "contact_message holds no message (one of %s)", strings.Join(contactKinds, ", "))
	case 1:
	default:
		c.ReportOn(RuleContactMessage, f, present[1], "contact_message holds %s: a message is one kind", strings.Join(present, " and "))
	}
}

// Inbound is the message of a MESSAGE_INBOUND callback.
var Inbound = sync.OnceValue(func() *spec.Object {
	return &spec.Object{Name: "message", Doc: "an inbound message (MESSAGE_INBOUND)", Fields: []spec.Field{
		as(spec.RoleMessageID, str("id", spec.Required, "the message id")),
		{Name: "direction", Kind: spec.KindString, Enum: []string{"TO_APP"}, Doc: "always TO_APP for contact messages"},
		obj("contact_message", spec.Required, ContactMessage()),
		obj("channel_identity", spec.Required, channelIdentity()),
		as(spec.RoleID, str("conversation_id", spec.Optional, "empty in DISPATCH processing mode")),
		as(spec.RoleID, str("contact_id", spec.Optional, "empty in DISPATCH processing mode")),
		as(spec.RoleText, str("metadata", spec.Optional, "channel metadata")),
		as(spec.RoleTime, str("accept_time", spec.Optional, "when Sinch received the message", common.ISODate)),
		as(spec.RolePhone, str("sender_id", spec.Optional, "the number the contact wrote to (the business number)"), spec.PartyBusiness),
		open("processing_mode", processingModes, "CONVERSATION or DISPATCH"),
		{Name: "injected", Kind: spec.KindBool, Doc: "the message was injected"},
	}}
})

// DeliveryReport is the report of a MESSAGE_DELIVERY callback.
var DeliveryReport = sync.OnceValue(func() *spec.Object {
	return &spec.Object{Name: "message_delivery_report", Doc: "a delivery receipt (MESSAGE_DELIVERY)", Fields: []spec.Field{
		as(spec.RoleMessageID, str("message_id", spec.Required, "the app message the report is about")),
		as(spec.RoleID, str("conversation_id", spec.Optional, "empty in DISPATCH processing mode")),
		{Name: "status", Kind: spec.KindString, Req: spec.Required,
			Enum: []string{StatusQueued, StatusDelivered, StatusRead, StatusFailed, StatusSwitching}},
		obj("channel_identity", spec.Required, channelIdentity()),
		as(spec.RoleID, str("contact_id", spec.Optional, "empty in DISPATCH processing mode")),
		obj("reason", spec.Optional, reason()),
		str("metadata", spec.Optional, "metadata of the send request"),
		open("processing_mode", processingModes, "CONVERSATION or DISPATCH"),
	}, Check: checkReport}
})

func checkReport(c *spec.Ctx, f *spec.Frame) {
	st := f.Str("status")
	switch {
	case st == StatusFailed && !f.Has("reason"):
		c.ReportOn(RuleReason, f, "status", "a FAILED report without reason")
	case st != "" && st != StatusFailed && f.Has("reason"):
		c.ReportOn(RuleReason, f, "reason", "a reason on a %s report", st)
	}
}

// Callback is the envelope of every callback.
var Callback = sync.OnceValue(buildCallback)

func buildCallback() *spec.Object {
	o := &spec.Object{Name: "conversation callback", Doc: "a Sinch Conversation API callback", Fields: []spec.Field{
		as(spec.RoleID, str("app_id", spec.Required, "the subscribed app"), spec.PartyBusiness),
		as(spec.RoleID, str("project_id", spec.Required, "the project of the app"), spec.PartyBusiness),
		as(spec.RoleTime, str("accepted_time", spec.Optional, "when Sinch accepted the channel's callback", common.ISODate)),
		as(spec.RoleTime, str("event_time", spec.Optional, "when the event happened, as the channel says", common.ISODate)),
		str("message_metadata", spec.Optional, "metadata of the send request"),
		str("correlation_id", spec.Optional, "the correlation_id of the send request"),
		{Name: TriggerMessage, Kind: spec.KindObject, Object: Inbound(), Item: spec.MessageItem},
		{Name: TriggerDeliveryReport, Kind: spec.KindObject, Object: DeliveryReport(), Item: spec.StatusItem},
	}, Check: checkCallback}
	for _, t := range OtherTriggers {
		o.Fields = append(o.Fields, spec.Field{Name: t, Kind: spec.KindObject,
			Object: &spec.Object{Name: t, Open: true}, Doc: "a trigger wamo does not check"})
	}
	return o
}

func checkCallback(c *spec.Ctx, f *spec.Frame) {
	var present []string
	for _, t := range payload.ConversationTriggers {
		if f.Has(t) {
			present = append(present, t)
		}
	}
	switch {
	case len(present) == 0:
		c.Report(RuleTrigger, f.Value.Index, "the callback carries no trigger object (message, message_delivery_report, event, …)")
	case len(present) > 1:
		c.ReportOn(RuleTrigger, f, present[1], "the callback carries %s: a callback has one trigger", strings.Join(present, " and "))
	case present[0] != TriggerMessage && present[0] != TriggerDeliveryReport:
		c.ReportOn(RuleTriggerScope, f, present[0], "%s is not an inbound message or a delivery report; its content is not checked", present[0])
	}
}

// Check walks a Conversation API callback.
func Check(c *spec.Ctx, root gjson.Result) { c.Walk(root, Callback()) }
