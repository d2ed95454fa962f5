// Package whatsapp describes the native WhatsApp inbound notification in its
// two shapes: the On-Premises body {contacts, messages, statuses, errors}
// (Meta's On-Premises "Inbound Notifications" and "Status and Pricing
// Notifications" pages, common.OnPremInbound and OnPremOutbound) — wamo's
// "whatsapp" format — and the Cloud API envelope whose changes[].value
// carries the same objects with the Cloud API's differences (Meta's
// messages webhook reference, common.CloudMessages) — wamo's "cloud" format.
//
// Both shapes are built from one set of constructors parameterised by
// variant, so every difference between them is visible in one place.
package whatsapp

import (
	"fmt"
	"slices"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// Rules specific to the native formats.
var (
	rules = diag.NewCatalogue("whatsapp,cloud")

	RuleMimeMismatch        = rules.Add("whatsapp.mime-mismatch", diag.Error, "a media mime_type outside its type's family (image and sticker image/*, audio and voice audio/*, video video/*)", common.CloudMessages+" (image, audio, video, sticker); "+common.OnPremInbound)
	RuleMediaID             = rules.For("whatsapp").Add("whatsapp.media-id", diag.Warning, "an On-Premises media object without id (media that was not downloaded may lack it)", common.OnPremInbound)
	RuleContextReply        = rules.Add("whatsapp.context-reply", diag.Error, "a reply context needs both from (original sender) and id (replied-to message)", common.CloudMessages+" (context); "+common.OnPremInbound)
	RuleContextForwarded    = rules.Add("whatsapp.context-forwarded", diag.Warning, "context says both forwarded and frequently_forwarded (a message is one or the other)", common.CloudMessages+" (context: forwarded, frequently_forwarded)")
	RuleButtonContext       = rules.Add("whatsapp.button-context", diag.Warning, "a button (template quick-reply) message without context{from,id} naming the template it answers", common.CloudMessages+" (button); "+common.OnPremInbound)
	RuleStatusErrors        = rules.Add("whatsapp.status-errors", diag.Error, "a failed status without errors[], or errors[] on a status that is not failed", common.CloudStatus+"; "+common.OnPremOutbound)
	RuleContactsMissing     = rules.Add("whatsapp.contacts-missing", diag.Warning, "messages without a top-level contacts[] naming the sender (documented for some media and all system messages)", common.OnPremInbound+"; "+common.CloudMessages+" (system messages carry no contacts)")
	RuleSenderNotInContacts = rules.Add("whatsapp.sender-not-in-contacts", diag.Warning, "a message's from is not among the wa_id values of contacts[]", common.CloudMessages+" (contacts describe the senders)")
	RuleDuplicateID         = rules.Add("whatsapp.duplicate-id", diag.Warning, "two messages with the same id in one delivery (a retry or a dedupe bug)", common.CloudMessages+" (webhooks are retried until acknowledged)")
	RuleNoContent           = rules.Add("whatsapp.no-content", diag.Error, "the notification carries none of messages, statuses and errors", common.CloudMessages+"; "+common.OnPremInbound)
	RuleNfmResponse         = rules.Add("whatsapp.nfm-response-json", diag.Error, "interactive.nfm_reply.response_json is not a string holding a JSON object", common.CloudMessages+" (interactive: nfm_reply.response_json)")
	RuleSenderIdentity      = rules.For("cloud").Add("cloud.sender-identity", diag.Error, "a message without from or from_user_id, or a contact without wa_id or user_id (2026 business-scoped ids)", common.BSUIDDoc)
	RuleOnPremMediaField    = rules.For("cloud").Add("cloud.onprem-media-field", diag.Error, "a Cloud API media object carries file, status or link, which only On-Premises sends", common.CloudMessages+" (image: id, mime_type, sha256, url); "+common.OnPremInbound)
	RuleFieldScope          = rules.For("cloud").Add("cloud.field-scope", diag.Warning, "a change whose field is not \"messages\" (account_update, calls…): not an MO or status webhook, its value is not checked", common.CloudMessages)
	RuleDisplayPhone        = rules.For("cloud").Add("cloud.display-phone", diag.Warning, "metadata.display_phone_number is not plain digits (documented as 15550783881)", common.CloudMessages+" (metadata.display_phone_number)")
	RuleErrorShape          = rules.For("cloud").Add("cloud.error-shape", diag.Warning, "a Cloud API error object in the On-Premises shape (details at the top instead of error_data.details)", common.CloudErrors)
	RuleExpiration          = rules.Add("whatsapp.expiration-not-sent", diag.Warning, "conversation.expiration_timestamp on a status other than sent (Meta sends it only with sent)", common.CloudStatus+" (conversation)")
	RuleRecipient           = rules.Add("whatsapp.status-recipient", diag.Warning, "a status without recipient_id (nor, in the Cloud API, recipient_user_id)", common.CloudStatus+"; "+common.OnPremOutbound)
)

// Rules lists the rules this package reports (shared ones included).
func Rules() []*diag.Rule { return append(rules.Rules(), common.Rules()...) }

// Variant selects the On-Premises or the Cloud API flavour of the objects.
type Variant uint8

// Variants.
const (
	OnPrem Variant = iota
	CloudAPI
)

// Schemas are the object tables of one variant.
type Schemas struct {
	Variant      Variant
	Notification *spec.Object // the object carrying contacts/messages/statuses/errors
	Message      *spec.Object
	Status       *spec.Object
	Contact      *spec.Object
	Error        *spec.Object
}

// The tables are built on first use, not at start-up: `wamo --version`
// and commands that never validate do not pay for them.
var (
	onPremSchemas = sync.OnceValue(func() *Schemas { s := build(OnPrem); return &s })
	cloudSchemas  = sync.OnceValue(func() *Schemas { s := build(CloudAPI); return &s })
	cloudEnvelope = sync.OnceValue(func() *spec.Object { return envelope(cloudSchemas().Notification) })
)

// OnPremSchemas returns the On-Premises tables.
func OnPremSchemas() *Schemas { return onPremSchemas() }

// CloudSchemas returns the Cloud API tables (the notification is the value
// of a change).
func CloudSchemas() *Schemas { return cloudSchemas() }

// Envelope returns the Cloud API envelope around CloudSchemas().Notification.
func Envelope() *spec.Object { return cloudEnvelope() }

// CheckOnPrem walks an On-Premises notification.
func CheckOnPrem(c *spec.Ctx, root gjson.Result) {
	c.Walk(root, onPremSchemas().Notification)
}

// CheckCloud walks a Cloud API envelope.
func CheckCloud(c *spec.Ctx, root gjson.Result) {
	c.Walk(root, cloudEnvelope())
}

// Kinds of values remembered during a walk for payload-wide rules.
const (
	seenMessageID uint8 = iota + 1
	seenSender          // from of a message that needs a contact (not system)
	seenContact         // contacts[].wa_id
)

func build(v Variant) Schemas {
	s := Schemas{Variant: v}
	s.Error = errorObject(v)
	s.Contact = contactObject(v)
	s.Message = messageObject(v, s.Error)
	s.Status = statusObject(v, s.Error)
	s.Notification = &spec.Object{
		Name: "notification",
		Fields: []spec.Field{
			{Name: "contacts", Kind: spec.KindArray, Object: s.Contact, Doc: "the senders of the messages"},
			{Name: "messages", Kind: spec.KindArray, Object: s.Message, Item: spec.MessageItem},
			{Name: "statuses", Kind: spec.KindArray, Object: s.Status, Item: spec.StatusItem},
			{Name: "errors", Kind: spec.KindArray, Object: s.Error, Doc: "out-of-band errors"},
		},
		Check: checkNotification,
	}
	if v == CloudAPI {
		s.Notification.Name = "change value"
		s.Notification.Fields = append([]spec.Field{
			{Name: "messaging_product", Kind: spec.KindString, Req: spec.Required, Enum: []string{"whatsapp"}, Set: spec.Closed},
			{Name: "metadata", Kind: spec.KindObject, Req: spec.Required, Object: &spec.Object{Name: "metadata", Fields: []spec.Field{
				{Name: "display_phone_number", Kind: spec.KindString, Req: spec.Required, Role: spec.RolePhone, Party: spec.PartyBusiness},
				{Name: "phone_number_id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.Digits}, Role: spec.RoleID, Party: spec.PartyBusiness},
			}, Check: checkMetadata}},
		}, s.Notification.Fields...)
	}
	return s
}

func envelope(value *spec.Object) *spec.Object {
	// The value is a messages notification only when field is "messages":
	// other fields (account_update, calls…) have other shapes, so what the
	// walk found in their value is taken back and one scope warning given.
	change := &spec.Object{Name: "change", Fields: []spec.Field{
		{Name: "field", Kind: spec.KindString, Req: spec.Required},
		{Name: "value", Kind: spec.KindObject, Req: spec.Required, Object: value, When: isMessagesChange,
			Doc: "the notification, when field is messages"},
	}, Check: checkChange}
	return &spec.Object{
		Name: "cloud envelope",
		Fields: []spec.Field{
			{Name: "object", Kind: spec.KindString, Req: spec.Required, Enum: []string{"whatsapp_business_account"}, Set: spec.Closed},
			{Name: "entry", Kind: spec.KindArray, Req: spec.Required, MinItems: 1, Object: &spec.Object{Name: "entry", Fields: []spec.Field{
				{Name: "id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.Digits}, Role: spec.RoleID, Party: spec.PartyBusiness, Doc: "WhatsApp Business Account id"},
				{Name: "time", Kind: spec.KindInteger, Role: spec.RoleTime, Doc: "sent by some Meta webhooks; not documented for messages"},
				{Name: "changes", Kind: spec.KindArray, Req: spec.Required, MinItems: 1, Object: change},
			}}},
		},
	}
}

func errorObject(v Variant) *spec.Object {
	o := &spec.Object{Name: "error", Fields: []spec.Field{
		{Name: "code", Kind: spec.KindInteger, Req: spec.Required},
		{Name: "title", Kind: spec.KindString, Req: spec.Required, Role: spec.RoleDetail},
		{Name: "details", Kind: spec.KindString, Role: spec.RoleDetail, Doc: "On-Premises"},
		{Name: "href", Kind: spec.KindString, Checks: []*spec.Value{common.URL}},
	}}
	if v == CloudAPI {
		o.Fields = append(o.Fields,
			spec.Field{Name: "message", Kind: spec.KindString, Role: spec.RoleDetail},
			spec.Field{Name: "error_data", Kind: spec.KindObject, Object: &spec.Object{Name: "error_data", Fields: []spec.Field{
				{Name: "details", Kind: spec.KindString, Role: spec.RoleDetail},
			}}})
		o.Check = func(c *spec.Ctx, f *spec.Frame) {
			if f.Has("details") && !f.Has("error_data") {
				c.ReportOn(RuleErrorShape, f, "details", "error has details at the top (On-Premises shape); the Cloud API sends error_data.details")
			}
		}
	}
	return o
}

func contactObject(v Variant) *spec.Object {
	profile := &spec.Object{Name: "profile", Fields: []spec.Field{{Name: "name", Kind: spec.KindString, Role: spec.RoleName}}}
	o := &spec.Object{Name: "contact", Fields: []spec.Field{
		{Name: "profile", Kind: spec.KindObject, Object: profile},
		{Name: "wa_id", Kind: spec.KindString, Req: spec.Required, Checks: common.PhoneChecks, Role: spec.RolePhone},
	}, Check: func(c *spec.Ctx, f *spec.Frame) {
		if w, ok := f.Get("wa_id"); ok && w.Type == gjson.String {
			c.Remember(seenContact, "wa_id", w)
		}
	}}
	if v == CloudAPI {
		profile.Fields = append(profile.Fields, spec.Field{Name: "username", Kind: spec.KindString, Role: spec.RoleUsername, Doc: "2026 usernames"})
		o.Fields[1].Req = spec.Optional // omitted for username-only users; checked below
		o.Fields = append(o.Fields,
			spec.Field{Name: "user_id", Kind: spec.KindString, Checks: []*spec.Value{common.BSUID}, Role: spec.RoleUserID},
			spec.Field{Name: "parent_user_id", Kind: spec.KindString, Checks: []*spec.Value{common.BSUID}, Role: spec.RoleUserID},
			spec.Field{Name: "identity_key_hash", Kind: spec.KindString, Role: spec.RoleID})
		remember := o.Check
		o.Check = func(c *spec.Ctx, f *spec.Frame) {
			remember(c, f)
			if !f.Has("wa_id") && !f.Has("user_id") {
				c.Report(RuleSenderIdentity, f.Value.Index, "contact has neither wa_id nor user_id")
			}
		}
	}
	return o
}

func mediaObject(v Variant, typ string) *spec.Object {
	o := &spec.Object{Name: typ, Fields: []spec.Field{
		{Name: "id", Kind: spec.KindString, Checks: []*spec.Value{common.NonEmpty}, Role: spec.RoleID, Doc: "media id, to download it"},
		{Name: "mime_type", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.MimeType}},
		{Name: "sha256", Kind: spec.KindString, Checks: []*spec.Value{common.SHA256}},
	}}
	if typ == "image" || typ == "video" || typ == "document" {
		o.Fields = append(o.Fields, spec.Field{Name: "caption", Kind: spec.KindString, Role: spec.RoleText})
	}
	if typ == "document" {
		o.Fields = append(o.Fields, spec.Field{Name: "filename", Kind: spec.KindString, Role: spec.RoleFileName})
	}
	if typ == "sticker" {
		o.Fields = append(o.Fields, spec.Field{Name: "animated", Kind: spec.KindBool})
	}
	if v == OnPrem {
		o.Fields = append(o.Fields,
			spec.Field{Name: "file", Kind: spec.KindString, Role: spec.RoleFilePath, Doc: "path on the Coreapp media volume"},
			spec.Field{Name: "link", Kind: spec.KindString, Checks: []*spec.Value{common.URL}, Role: spec.RoleMediaURL},
			spec.Field{Name: "status", Kind: spec.KindString, Doc: "download status since v2.49.1: downloaded, or one of two undocumented retry states"})
		if typ == "sticker" {
			o.Fields = append(o.Fields, spec.Field{Name: "metadata", Kind: spec.KindObject, Object: stickerMetadata})
		}
		o.Check = func(c *spec.Ctx, f *spec.Frame) {
			if !f.Has("id") {
				c.ReportField(RuleMediaID, "id", f.Value.Index, "%s has no id (media not downloaded?)", f.Obj.Name)
			}
		}
		return o
	}
	o.Fields[0].Req = spec.Required
	o.Fields = append(o.Fields,
		spec.Field{Name: "url", Kind: spec.KindString, Checks: []*spec.Value{common.URL}, Role: spec.RoleMediaURL, Doc: "download URL (from November 2025)"},
		spec.Field{Name: "file", Kind: spec.KindAny, Role: spec.RoleFilePath}, spec.Field{Name: "status", Kind: spec.KindAny},
		spec.Field{Name: "link", Kind: spec.KindAny, Role: spec.RoleMediaURL})
	if typ == "audio" {
		o.Fields = append(o.Fields, spec.Field{Name: "voice", Kind: spec.KindBool, Doc: "true for voice notes"})
	}
	o.Check = func(c *spec.Ctx, f *spec.Frame) {
		for _, k := range []string{"file", "status", "link"} {
			if f.Has(k) {
				c.ReportOn(RuleOnPremMediaField, f, k, "%s.%s is On-Premises only; Cloud API media carry id, url, mime_type and sha256", f.Obj.Name, k)
			}
		}
	}
	return o
}

var stickerMetadata = &spec.Object{Name: "sticker metadata", Fields: []spec.Field{
	{Name: "sticker-pack-id", Kind: spec.KindString},
	{Name: "sticker-pack-name", Kind: spec.KindString},
	{Name: "sticker-pack-publisher", Kind: spec.KindString},
	{Name: "emojis", Kind: spec.KindArray, Items: spec.KindString},
	{Name: "ios-app-store-link", Kind: spec.KindString, Checks: []*spec.Value{common.URL}},
	{Name: "android-app-store-link", Kind: spec.KindString, Checks: []*spec.Value{common.URL}},
	{Name: "is-first-party-sticker", Kind: spec.KindInteger, Doc: "0 or 1"},
}}

func contextObject(v Variant) *spec.Object {
	o := &spec.Object{Name: "context", Fields: []spec.Field{
		{Name: "from", Kind: spec.KindString, Checks: common.PhoneChecks, Role: spec.RolePhone, Party: spec.PartyEither, Doc: "sender of the message replied to (the business for replies to it)"},
		{Name: "id", Kind: spec.KindString, Checks: []*spec.Value{common.NonEmpty, common.Placeholder}, Role: spec.RoleID, Doc: "id of the message replied to"},
		{Name: "forwarded", Kind: spec.KindBool},
		{Name: "frequently_forwarded", Kind: spec.KindBool},
		{Name: "referred_product", Kind: spec.KindObject, Object: &spec.Object{Name: "referred_product", Fields: []spec.Field{
			{Name: "catalog_id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.Placeholder}},
			{Name: "product_retailer_id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.Placeholder}},
		}}},
		{Name: "group_id", Kind: spec.KindString, Checks: []*spec.Value{common.Placeholder}, Role: spec.RoleID},
	}, Check: checkContext}
	if v == OnPrem {
		o.Fields = append(o.Fields, spec.Field{Name: "mentions", Kind: spec.KindArray, Items: spec.KindString, Checks: common.PhoneChecks, Role: spec.RolePhone,
			Doc: "wa_ids mentioned in the message replied to"})
	}
	return o
}

func checkContext(c *spec.Ctx, f *spec.Frame) {
	from, id := f.Has("from"), f.Has("id")
	if from != id && !f.Has("referred_product") {
		missing := "id"
		if !from {
			missing = "from"
		}
		c.ReportField(RuleContextReply, missing, f.Value.Index, "context has %s but no %q: a reply names both the original sender and the message", other(missing), missing)
	}
	fw, _ := f.Get("forwarded")
	ffw, _ := f.Get("frequently_forwarded")
	if fw.Type == gjson.True && ffw.Type == gjson.True {
		c.ReportOn(RuleContextForwarded, f, "frequently_forwarded", "context says both forwarded and frequently_forwarded")
	}
}

func other(s string) string {
	if s == "id" {
		return `"from"`
	}
	return `"id"`
}

func referralObject(v Variant) *spec.Object {
	o := &spec.Object{Name: "referral", Doc: "click-to-WhatsApp ad or post the conversation started from", Fields: []spec.Field{
		{Name: "headline", Kind: spec.KindString, Role: spec.RoleText},
		{Name: "body", Kind: spec.KindString, Role: spec.RoleText},
		// Ad placements grow (Sinch already documents "unknown"): open.
		{Name: "source_type", Kind: spec.KindString, Enum: []string{"ad", "post"}, Set: spec.Open},
		{Name: "source_id", Kind: spec.KindString},
		{Name: "source_url", Kind: spec.KindString, Checks: []*spec.Value{common.URL}},
	}}
	if v == OnPrem {
		refMedia := func(typ string) *spec.Object {
			m := mediaObject(OnPrem, typ)
			m.Check = nil // the referral's media need not be downloaded
			return m
		}
		o.Fields = append(o.Fields,
			spec.Field{Name: "image", Kind: spec.KindObject, Object: refMedia("image")},
			spec.Field{Name: "video", Kind: spec.KindObject, Object: refMedia("video")})
		// The referral media carry no mime_type in the only example.
		for _, f := range o.Fields[len(o.Fields)-2:] {
			f.Object.Fields[1].Req = spec.Optional
		}
		return o
	}
	o.Fields = append(o.Fields,
		// It names the member that carries the media (image_url or
		// video_url): closed, like a discriminator.
		spec.Field{Name: "media_type", Kind: spec.KindString, Enum: []string{"image", "video"}, Set: spec.Closed},
		spec.Field{Name: "image_url", Kind: spec.KindString, Checks: []*spec.Value{common.URL}},
		spec.Field{Name: "video_url", Kind: spec.KindString, Checks: []*spec.Value{common.URL}},
		spec.Field{Name: "thumbnail_url", Kind: spec.KindString, Checks: []*spec.Value{common.URL}},
		spec.Field{Name: "ctwa_clid", Kind: spec.KindString, Role: spec.RoleID},
		spec.Field{Name: "welcome_message", Kind: spec.KindObject, Object: &spec.Object{Name: "welcome_message", Fields: []spec.Field{
			{Name: "text", Kind: spec.KindString, Role: spec.RoleText},
		}}})
	return o
}

func interactiveObject(v Variant) *spec.Object {
	reply := func(name string, desc bool) *spec.Object {
		o := &spec.Object{Name: name, Fields: []spec.Field{
			{Name: "id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.NonEmpty}},
			{Name: "title", Kind: spec.KindString, Req: spec.Required, Role: spec.RoleText},
		}}
		if desc {
			o.Fields = append(o.Fields, spec.Field{Name: "description", Kind: spec.KindString, Role: spec.RoleText})
		}
		return o
	}
	o := &spec.Object{Name: "interactive", Fields: []spec.Field{
		{Name: "type", Kind: spec.KindString, Req: spec.Required},
		{Name: "button_reply", Kind: spec.KindObject, Object: reply("button_reply", false)},
		{Name: "list_reply", Kind: spec.KindObject, Object: reply("list_reply", true)},
		{Name: "nfm_reply", Kind: spec.KindObject, Object: common.NfmReply(RuleNfmResponse)},
	}, Disc: &spec.Discriminator{Field: "type", Cases: []spec.Case{
		{Value: "button_reply", Body: "button_reply"},
		{Value: "list_reply", Body: "list_reply"},
		{Value: "nfm_reply", Body: "nfm_reply"},
	}}}
	if v == CloudAPI {
		o.Fields = append(o.Fields, spec.Field{Name: "call_permission_reply", Kind: spec.KindObject, Object: &spec.Object{
			Name: "call_permission_reply", Fields: []spec.Field{
				{Name: "response", Kind: spec.KindString, Req: spec.Required, Enum: []string{"accept", "reject"}, Set: spec.Closed},
				{Name: "is_permanent", Kind: spec.KindBool},
				{Name: "expiration_timestamp", Kind: spec.KindAny, Role: spec.RoleTime},
				{Name: "response_source", Kind: spec.KindString},
			}}})
		o.Disc.Cases = append(o.Disc.Cases, spec.Case{Value: "call_permission_reply", Body: "call_permission_reply"})
	}
	return o
}

var order = &spec.Object{Name: "order", Fields: []spec.Field{
	{Name: "catalog_id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.Placeholder}},
	{Name: "text", Kind: spec.KindString, Role: spec.RoleText},
	{Name: "product_items", Kind: spec.KindArray, Req: spec.Required, MinItems: 1, Object: &spec.Object{Name: "product item", Fields: []spec.Field{
		{Name: "product_retailer_id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.Placeholder}},
		{Name: "quantity", Kind: spec.KindInteger, Req: spec.Required},
		{Name: "item_price", Kind: spec.KindNumber, Req: spec.Required},
		{Name: "currency", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.Currency}},
	}}},
}}

func systemObject(v Variant) *spec.Object {
	return &spec.Object{Name: "system", Fields: []spec.Field{
		{Name: "body", Kind: spec.KindString, Role: spec.RoleText},
		// It says which member carries the change (new_wa_id, identity,
		// user_id): closed, like a discriminator.
		{Name: "type", Kind: spec.KindString, Set: spec.Closed, Enum: []string{"user_changed_number", "user_identity_changed",
			"customer_changed_number", "customer_identity_changed", "user_changed_user_id"}},
		{Name: "new_wa_id", Kind: spec.KindString, Checks: common.PhoneChecks, Role: spec.RolePhone, Doc: "On-Premises and older Cloud: the new number"},
		{Name: "wa_id", Kind: spec.KindString, Checks: common.PhoneChecks, Role: spec.RolePhone, Doc: "Cloud API: the new number"},
		{Name: "identity", Kind: spec.KindString, Role: spec.RoleID, Doc: "identity hash (user_identity_changed)"},
		{Name: "user", Kind: spec.KindString, Checks: common.PhoneChecks, Role: spec.RolePhone},
		{Name: "customer", Kind: spec.KindString, Checks: common.PhoneChecks, Role: spec.RolePhone},
		{Name: "user_id", Kind: spec.KindString, Checks: []*spec.Value{common.BSUID}, Role: spec.RoleUserID},
		{Name: "parent_user_id", Kind: spec.KindString, Checks: []*spec.Value{common.BSUID}, Role: spec.RoleUserID},
	}}
}

var identity = &spec.Object{Name: "identity", Fields: []spec.Field{
	{Name: "acknowledged", Kind: spec.KindBool},
	{Name: "created_timestamp", Kind: spec.KindAny, Role: spec.RoleTime, Doc: "integer milliseconds (On-Premises) or seconds string (Cloud fixtures)"},
	{Name: "hash", Kind: spec.KindString, Role: spec.RoleID},
}}

// mediaTypes maps a media message type to the MIME family it needs.
var mediaTypes = map[string]string{"image": "image", "sticker": "image", "audio": "audio", "voice": "audio", "video": "video", "document": ""}

func messageObject(v Variant, errObj *spec.Object) *spec.Object {
	media := func(t string) spec.Field {
		return spec.Field{Name: t, Kind: spec.KindObject, Object: mediaObject(v, t)}
	}
	fields := []spec.Field{
		{Name: "from", Kind: spec.KindString, Req: spec.Required, Checks: common.PhoneChecks, Role: spec.RolePhone, Doc: "sender's wa_id"},
		{Name: "id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.NonEmpty, common.Placeholder}, Role: spec.RoleMessageID},
		{Name: "timestamp", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.Timestamp}, Role: spec.RoleTime},
		{Name: "type", Kind: spec.KindString, Req: spec.Required},
		{Name: "context", Kind: spec.KindObject, Object: contextObject(v)},
		{Name: "referral", Kind: spec.KindObject, Object: referralObject(v)},
		{Name: "identity", Kind: spec.KindObject, Object: identity},
		{Name: "group_id", Kind: spec.KindString, Role: spec.RoleID},
		{Name: "errors", Kind: spec.KindArray, Object: errObj},
		{Name: "text", Kind: spec.KindObject, Object: &spec.Object{Name: "text", Fields: []spec.Field{
			{Name: "body", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.NonEmpty}, Role: spec.RoleText},
		}}},
		media("image"), media("audio"), media("video"), media("document"), media("sticker"),
		{Name: "location", Kind: spec.KindObject, Object: &spec.Object{Name: "location", Fields: []spec.Field{
			{Name: "latitude", Kind: spec.KindNumber, Req: spec.Required, Checks: []*spec.Value{common.Latitude}, Role: spec.RoleCoordinate},
			{Name: "longitude", Kind: spec.KindNumber, Req: spec.Required, Checks: []*spec.Value{common.Longitude}, Role: spec.RoleCoordinate},
			{Name: "name", Kind: spec.KindString, Role: spec.RoleText},
			{Name: "address", Kind: spec.KindString, Role: spec.RoleText},
			{Name: "url", Kind: spec.KindString, Checks: []*spec.Value{common.URL}, Role: spec.RoleLink},
		}}},
		{Name: "contacts", Kind: spec.KindArray, MinItems: 1, Object: common.ContactCard(variantName(v), v == CloudAPI)},
		{Name: "button", Kind: spec.KindObject, Object: &spec.Object{Name: "button", Fields: []spec.Field{
			{Name: "text", Kind: spec.KindString, Req: spec.Required, Role: spec.RoleText},
			{Name: "payload", Kind: spec.KindString, Req: spec.Required},
		}}},
		{Name: "interactive", Kind: spec.KindObject, Object: interactiveObject(v)},
		{Name: "order", Kind: spec.KindObject, Object: order},
		{Name: "system", Kind: spec.KindObject, Object: systemObject(v)},
		{Name: "reaction", Kind: spec.KindObject, Object: &spec.Object{Name: "reaction", Fields: []spec.Field{
			{Name: "message_id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.NonEmpty}, Role: spec.RoleID},
			{Name: "emoji", Kind: spec.KindString, Doc: "absent (or empty) when the reaction is removed"},
		}}},
	}
	cases := []spec.Case{
		{Value: "text", Body: "text"},
		{Value: "image", Body: "image"},
		{Value: "audio", Body: "audio"},
		{Value: "video", Body: "video"},
		{Value: "document", Body: "document"},
		{Value: "sticker", Body: "sticker"},
		{Value: "location", Body: "location"},
		{Value: "contacts", Body: "contacts"},
		{Value: "button", Body: "button"},
		{Value: "interactive", Body: "interactive"},
		{Value: "order", Body: "order"},
		{Value: "system", Body: "system"},
		{Value: "reaction", Body: "reaction", Doc: "late On-Premises versions; Cloud API"},
	}
	hints := map[string]string{}
	if v == OnPrem {
		fields = append(fields, media("voice"))
		cases = append(cases,
			spec.Case{Value: "voice", Body: "voice"},
			spec.Case{Value: "unknown", Requires: []string{"errors"}, Doc: "unsupported message; errors[0].code 501"})
		hints["unsupported"] = `"unsupported" is the Cloud API's name; On-Premises sends type "unknown" with error 501`
	} else {
		fields[0].Req = spec.Optional // username-only users have only from_user_id
		fields = append(fields,
			spec.Field{Name: "from_user_id", Kind: spec.KindString, Checks: []*spec.Value{common.BSUID}, Role: spec.RoleUserID},
			spec.Field{Name: "from_parent_user_id", Kind: spec.KindString, Checks: []*spec.Value{common.BSUID}, Role: spec.RoleUserID},
			spec.Field{Name: "unsupported", Kind: spec.KindObject, Object: &spec.Object{Name: "unsupported", Fields: []spec.Field{
				{Name: "type", Kind: spec.KindString, Doc: "what was not supported: edit, poll, button…"},
			}}},
			spec.Field{Name: "edit", Kind: spec.KindObject, Object: &spec.Object{Name: "edit", Fields: []spec.Field{
				{Name: "original_message_id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.NonEmpty}, Role: spec.RoleID},
				{Name: "message", Kind: spec.KindObject, Req: spec.Required, Doc: "the message as edited: its type and that type's object"},
			}}},
			spec.Field{Name: "revoke", Kind: spec.KindObject, Object: &spec.Object{Name: "revoke", Fields: []spec.Field{
				{Name: "original_message_id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.NonEmpty}, Role: spec.RoleID},
			}}})
		cases = append(cases,
			spec.Case{Value: "unsupported", Body: "unsupported", BodyOptional: true, Requires: []string{"errors"}, Doc: "error 131051"},
			spec.Case{Value: "unknown", Requires: []string{"errors"}, Doc: "legacy name of unsupported"},
			spec.Case{Value: "request_welcome", Doc: "the user opened the chat for the first time"},
			spec.Case{Value: "edit", Body: "edit"},
			spec.Case{Value: "revoke", Body: "revoke"})
		hints["voice"] = `"voice" is On-Premises only; the Cloud API sends voice notes as type "audio" with audio.voice true`
	}
	o := &spec.Object{
		Name:   "message",
		Fields: fields,
		Disc:   &spec.Discriminator{Field: "type", Cases: cases, Hints: hints},
		Check:  checkMessage,
	}
	if v == CloudAPI {
		o.Check = func(c *spec.Ctx, f *spec.Frame) {
			checkMessage(c, f)
			if !f.Has("from") && !f.Has("from_user_id") {
				c.ReportField(RuleSenderIdentity, "from", f.Value.Index, "message has neither from nor from_user_id")
			}
		}
		o.Field("edit").Object.Field("message").Object = editedMessage(o)
	}
	return o
}

// editedMessage is the message an edit carries (Cloud API, 2026): checked
// as a message of its type, with the paths into it, but without sender,
// id or timestamp of its own (the edit's message has them) and without
// the types that are events rather than content.
func editedMessage(msg *spec.Object) *spec.Object {
	events := map[string]bool{"edit": true, "revoke": true, "unsupported": true, "unknown": true, "request_welcome": true, "system": true}
	o := &spec.Object{Name: "edited message", Doc: "the content of the message as edited"}
	for _, fd := range msg.Fields {
		if events[fd.Name] {
			continue
		}
		switch fd.Name {
		case "from", "id", "timestamp":
			fd.Req = spec.Optional
		}
		o.Fields = append(o.Fields, fd)
	}
	d := *msg.Disc
	d.Cases = nil
	for _, cs := range msg.Disc.Cases {
		if !events[cs.Value] {
			d.Cases = append(d.Cases, cs)
		}
	}
	o.Disc = &d
	o.Check = checkContent
	return o
}

func an(word string) string {
	if word != "" && (word[0] == 'a' || word[0] == 'e' || word[0] == 'i' || word[0] == 'o' || word[0] == 'u') {
		return "an"
	}
	return "a"
}

func variantName(v Variant) string {
	if v == CloudAPI {
		return "cloud"
	}
	return "whatsapp"
}

func checkMessage(c *spec.Ctx, f *spec.Frame) {
	if id, ok := f.Get("id"); ok && id.Type == gjson.String {
		c.Remember(seenMessageID, "id", id)
	}
	if f.Case == nil {
		return
	}
	typ := f.Case.Value
	if from, ok := f.Get("from"); ok && from.Type == gjson.String && typ != "system" {
		c.Remember(seenSender, "from", from)
	}
	if typ == "button" && !f.Has("context") {
		c.ReportField(RuleButtonContext, "context", f.Value.Index, "button reply without context naming the template message it answers")
	}
	checkContent(c, f)
}

// checkContent applies the rules of a message's content: those of a
// message and of the message an edit carries.
func checkContent(c *spec.Ctx, f *spec.Frame) {
	if f.Case == nil {
		return
	}
	switch typ := f.Case.Value; typ {
	case TypeInteractive:
		checkNfmResponse(c, f)
	default:
		if fam, isMedia := mediaTypes[typ]; isMedia && fam != "" {
			checkMime(c, f, typ, fam)
		}
	}
}

// checkMime reports a media mime_type outside the type's family, or not
// the standard name.
func checkMime(c *spec.Ctx, f *spec.Frame, typ, fam string) {
	body, ok := f.Get(typ)
	mt := common.Member(body, "mime_type")
	if !ok || !body.IsObject() || mt.Type != gjson.String {
		return
	}
	rule, msg := mimeFinding(typ, fam, mt.Str)
	if rule == nil {
		return
	}
	c.Push(typ)
	c.ReportField(rule, "mime_type", mt.Index, "%s", msg)
	c.Pop()
}

// mimeFinding is what is wrong with mime type mt of a typ message whose
// family is fam (nil: nothing).
func mimeFinding(typ, fam, mt string) (*diag.Rule, string) {
	switch got := common.MimeFamily(mt); {
	case got != "" && got != fam:
		return RuleMimeMismatch, fmt.Sprintf("%s %s message needs %s %s/* mime_type, got %q", an(typ), typ, an(fam), fam, mt)
	case typ == TypeSticker && mt != "image/webp":
		return common.RuleMimeNonStandard, fmt.Sprintf("stickers are image/webp, got %q", mt)
	case mt == "image/jpg":
		return common.RuleMimeNonStandard, "mime_type \"image/jpg\" is not registered; the standard name is image/jpeg"
	}
	return nil, ""
}

// checkNfmResponse reports an nfm reply whose response_json holds JSON
// other than an object.
func checkNfmResponse(c *spec.Ctx, f *spec.Frame) {
	it, ok := f.Get(TypeInteractive)
	if !ok {
		return
	}
	rj := common.Member(common.Member(it, InteractiveNfmReply), "response_json")
	if rj.Type != gjson.String || !gjson.Valid(rj.Str) || gjson.Parse(rj.Str).IsObject() {
		return
	}
	c.Push(TypeInteractive)
	c.Push(InteractiveNfmReply)
	c.ReportField(RuleNfmResponse, "response_json", rj.Index, "response_json holds %s, not a JSON object", spec.Describe(gjson.Parse(rj.Str)))
	c.Pop()
	c.Pop()
}

// Billing values: open sets (reference: common.CloudStatus, common.Pricing).
// Meta extends them, and stored or replayed status webhooks keep the
// values of their day: the conversation-based pricing categories before
// 1 June 2023, CBP before per-message pricing (1 July 2025).
var (
	billingCategories = []string{"authentication", "authentication_international", "authentication-international",
		"marketing", "marketing_lite", "utility", "service", "referral_conversion"}
	legacyCategories = []string{"user_initiated", "business_initiated"}
)

const legacyCategoriesDoc = "conversation-based pricing, before 1 June 2023"

func statusObject(v Variant, errObj *spec.Object) *spec.Object {
	// What a status says of its message: a closed set.
	enum := []string{"sent", "delivered", "read", "failed", "deleted", "warning"}
	if v == CloudAPI {
		enum = []string{"sent", "delivered", "read", "played", "failed"}
	}
	category := func(name string) spec.Field {
		if v == OnPrem {
			// The On-Premises API documented the conversation-based
			// categories in its day: they are current values there.
			return spec.Field{Name: name, Kind: spec.KindString, Enum: append(slices.Clone(billingCategories), legacyCategories...), Set: spec.Open}
		}
		return spec.Field{Name: name, Kind: spec.KindString, Enum: billingCategories, Set: spec.Open,
			Legacy: legacyCategories, LegacyDoc: legacyCategoriesDoc}
	}
	pricing := &spec.Object{Name: "pricing", Fields: []spec.Field{
		{Name: "billable", Kind: spec.KindBool, Doc: "deprecated"},
		{Name: "pricing_model", Kind: spec.KindString, Enum: []string{"CBP", "PMP"}, Set: spec.Open,
			Doc: "CBP (conversation-based) until 1 July 2025, then PMP (per message)"},
		category("category"),
	}}
	if v == CloudAPI {
		pricing.Fields = append(pricing.Fields, spec.Field{Name: "type", Kind: spec.KindString,
			Enum: []string{"regular", "free_customer_service", "free_entry_point"}, Set: spec.Open})
	}
	o := &spec.Object{Name: "status", Fields: []spec.Field{
		{Name: "id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.NonEmpty}, Role: spec.RoleMessageID},
		{Name: "status", Kind: spec.KindString, Req: spec.Required, Enum: enum, Set: spec.Closed},
		{Name: "timestamp", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.Timestamp}, Role: spec.RoleTime},
		{Name: "recipient_id", Kind: spec.KindString, Role: spec.RolePhone},
		{Name: "type", Kind: spec.KindString, Doc: `"message" in fixtures`},
		{Name: "conversation", Kind: spec.KindObject, Object: &spec.Object{Name: "conversation", Fields: []spec.Field{
			{Name: "id", Kind: spec.KindString, Role: spec.RoleID},
			{Name: "expiration_timestamp", Kind: spec.KindAny, Checks: []*spec.Value{common.LooseTimestamp}, Role: spec.RoleTime, Doc: "only on sent statuses"},
			{Name: "origin", Kind: spec.KindObject, Object: &spec.Object{Name: "conversation origin", Fields: []spec.Field{
				category("type"),
			}}},
		}, Check: checkConversation}},
		{Name: "pricing", Kind: spec.KindObject, Object: pricing},
		{Name: "errors", Kind: spec.KindArray, Object: errObj},
	}, Check: checkStatus}
	if v == CloudAPI {
		o.Fields = append(o.Fields,
			spec.Field{Name: "recipient_type", Kind: spec.KindString, Doc: `"group" for group messages`},
			spec.Field{Name: "recipient_participant_id", Kind: spec.KindString, Role: spec.RolePhone},
			spec.Field{Name: "recipient_user_id", Kind: spec.KindString, Checks: []*spec.Value{common.BSUID}, Role: spec.RoleUserID},
			spec.Field{Name: "parent_recipient_user_id", Kind: spec.KindString, Checks: []*spec.Value{common.BSUID}, Role: spec.RoleUserID},
			spec.Field{Name: "recipient_identity_key_hash", Kind: spec.KindString, Role: spec.RoleID},
			spec.Field{Name: "biz_opaque_callback_data", Kind: spec.KindString})
	}
	return o
}

func checkConversation(c *spec.Ctx, f *spec.Frame) {
	if v, ok := f.Get("expiration_timestamp"); ok && v.Type == gjson.Number {
		c.ReportField(common.RuleTimestampNumber, "expiration_timestamp", v.Index, "expiration_timestamp is the number %s; the reference documents a digit string", v.Raw)
	}
}

func checkStatus(c *spec.Ctx, f *spec.Frame) {
	st := f.Str("status")
	checkExpiration(c, f, st)
	checkStatusErrors(c, f, st)
	checkRecipient(c, f)
}

// checkExpiration reports an expiration time on a status other than sent.
func checkExpiration(c *spec.Ctx, f *spec.Frame, st string) {
	conv, ok := f.Get("conversation")
	if !ok || st == "" || st == "sent" {
		return
	}
	if exp := common.Member(conv, "expiration_timestamp"); exp.Exists() {
		c.Push("conversation")
		c.ReportField(RuleExpiration, "expiration_timestamp", exp.Index, "conversation.expiration_timestamp on a %q status: Meta sends it only with sent statuses", st)
		c.Pop()
	}
}

// checkStatusErrors: failed statuses carry errors, others do not.
func checkStatusErrors(c *spec.Ctx, f *spec.Frame, st string) {
	_, hasErr := f.Get("errors")
	switch {
	case st == "failed" && !hasErr:
		c.ReportField(RuleStatusErrors, "errors", f.Value.Index, "a failed status must carry errors[] saying why")
	case hasErr && st != "" && st != "failed" && st != "warning":
		c.ReportOn(RuleStatusErrors, f, "errors", "errors[] on a %q status: only failed statuses carry errors", st)
	}
}

// checkRecipient: a status names its recipient, by a phone number unless
// it went to a group.
func checkRecipient(c *spec.Ctx, f *spec.Frame) {
	rid, ok := f.Get("recipient_id")
	switch {
	case !ok && !f.Has("recipient_user_id"):
		c.ReportField(RuleRecipient, "recipient_id", f.Value.Index, "status has no recipient_id")
	case ok && rid.Type == gjson.String && f.Str("recipient_type") != "group":
		for _, chk := range common.PhoneChecks {
			if msg := chk.Check(rid); msg != "" {
				c.ReportField(chk.Rule, "recipient_id", rid.Index, "%q %s", "recipient_id", msg)
				break
			}
		}
	}
}

func checkMetadata(c *spec.Ctx, f *spec.Frame) {
	d, ok := f.Get("display_phone_number")
	if !ok || d.Type != gjson.String {
		return
	}
	for i := 0; i < len(d.Str); i++ {
		if d.Str[i] < '0' || d.Str[i] > '9' {
			c.ReportField(RuleDisplayPhone, "display_phone_number", d.Index, "display_phone_number %q is not plain digits", d.Str)
			return
		}
	}
}

func isMessagesChange(f *spec.Frame) bool {
	fv, ok := f.Get("field")
	return !ok || fv.Type != gjson.String || fv.Str == "messages"
}

// checkChange reports changes of other fields than messages as out of
// scope rather than invalid.
func checkChange(c *spec.Ctx, f *spec.Frame) {
	if !isMessagesChange(f) {
		c.ReportOn(RuleFieldScope, f, "field", "field %q is not a messages webhook (MO or status); its value is not checked", f.Str("field"))
	}
}

func checkNotification(c *spec.Ctx, f *spec.Frame) {
	if !f.Has("messages") && !f.Has("statuses") && !f.Has("errors") {
		c.Report(RuleNoContent, f.Value.Index, "the %s carries none of messages, statuses and errors", f.Obj.Name)
	}
	// Payload-wide rules over what the walk remembered of this
	// notification, in time linear in the messages: a delivery of 100,000
	// messages must not cost 10^10 comparisons. Small deliveries, the
	// usual ones, compare in place without allocating.
	seen := c.Seen
	defer c.ClearSeen() // a Cloud envelope holds several notifications
	var contacts valueSet
	senders := tally(c, seen, &contacts)
	if senders > 0 && !f.Has("contacts") {
		c.ReportField(RuleContactsMissing, "contacts", f.Value.Index, "messages without a top-level contacts[] describing the sender")
		return
	}
	if contacts.n == 0 {
		return
	}
	for _, s := range seen {
		if s.Kind == seenSender && !contacts.has(s.Value) {
			c.ReportSeen(RuleSenderNotInContacts, s, "sender %q is not among contacts[].wa_id", s.Value)
		}
	}
}

// tally reads what the walk remembered of a notification in one pass: it
// reports the message ids seen twice, collects the contacts' wa_id and
// counts the senders.
func tally(c *spec.Ctx, seen []spec.Seen, contacts *valueSet) (senders int) {
	var ids valueSet
	for _, s := range seen {
		switch s.Kind {
		case seenMessageID:
			if !ids.add(s.Value) {
				c.ReportSeen(RuleDuplicateID, s, "message id %q appears twice in one delivery", s.Value)
			}
		case seenSender:
			senders++
		case seenContact:
			contacts.add(s.Value)
		}
	}
	return senders
}

// valueSet is a set of strings that allocates only past a handful of them.
type valueSet struct {
	n     int
	small [8]string
	big   map[string]bool
}

// add adds v and reports whether it was new.
func (s *valueSet) add(v string) bool {
	if s.has(v) {
		return false
	}
	switch {
	case s.n < len(s.small):
		s.small[s.n] = v
	case s.big == nil:
		s.big = make(map[string]bool, 2*len(s.small))
		for _, x := range s.small {
			s.big[x] = true
		}
		fallthrough
	default:
		s.big[v] = true
	}
	s.n++
	return true
}

func (s *valueSet) has(v string) bool {
	if s.big != nil {
		return s.big[v]
	}
	for _, x := range s.small[:s.n] {
		if x == v {
			return true
		}
	}
	return false
}
