// Package sinch describes the Sinch (ex-Wavy) Messaging WhatsApp API
// callbacks: the MO batch {"total","data":[…],"clientInfo"} of Sinch's MO
// pages (common.SinchMO, SinchMOPT, SinchMOPT2), and the status (DLR)
// callback that arrives at the same kind of endpoint (common.SinchWebhooks,
// SinchAPI). Where those pages disagree with each other the
// choice made is written next to the field.
package sinch

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/dustin/go-humanize/english"
	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// Rules specific to the Sinch format.
var (
	rules = diag.NewCatalogue("sinch")

	RuleTotalMismatch    = rules.Add("sinch.total-mismatch", diag.Error, "total is not the number of elements of data", common.SinchMO+" (total: the number of callbacks in the call)")
	RuleTotalString      = rules.Add("sinch.total-string", diag.Warning, "total is a string of digits: the field tables say String, every example sends a number", common.SinchMO+" (the table types total as String; every example sends a number)")
	RuleTypeAbsent       = rules.Add("sinch.type-absent", diag.Warning, "message.type is absent; accepted for location, contacts and interactive messages, as in the documented examples", common.SinchMO+" (the location and contacts examples)")
	RuleTypeUndocumented = rules.Add("sinch.type-undocumented", diag.Warning, "message.type is one Sinch does not document (VIDEO, VOICE, LOCATION, CONTACTS, INTERACTIVE): accepted, but receivers may not expect it", common.SinchMO+" (Mensaje table: type); "+common.SinchInteractive)
	RuleMimeMismatch     = rules.Add("sinch.mime-mismatch", diag.Error, "mimeType does not match message.type (IMAGE needs image/*, AUDIO audio/*, VIDEO video/*, STICKER image/*)", common.SinchMO+" (Mensaje table: type, mimeType)")
	RuleReceivedMismatch = rules.Add("sinch.received-mismatch", diag.Warning, "receivedAt and receivedDate disagree by more than a second (the official BUTTON example does)", common.SinchMOPT2+" (the BUTTON example)")
	RuleReferralValue    = rules.Add("sinch.referral-value", diag.Warning, "referral.sourceType is not ad/post/unknown or referral.mediaType not image/video (all referral fields are nullable free text in the Sinch tables)", common.SinchMO+" (Referral table)")
	RuleStatusCode       = rules.Add("sinch.status-code", diag.Warning, "a status callback code outside the documented table (2, 4, 5, 101–104, 202–212, 311)", common.SinchAPI+" (status codes)")
	RuleListReplyText    = rules.Add("sinch.list-reply-text", diag.Warning, "for a list reply, messageText should equal interactive.listReply.rowTitle", common.SinchInteractive)
	RuleSessionIDName    = rules.Add("sinch.session-id-name", diag.Info, "session carries sessionId (the tables' name) instead of id (the examples' name)", common.SinchMO+" (Session table vs the BUTTON example)")
	RuleItemShape        = rules.Add("sinch.item-shape", diag.Error, "a data element is neither an MO (source + message) nor a status callback (destination + sent/delivered flags)", common.SinchWebhooks+"; "+common.SinchMO)
)

// Rules lists the rules this package reports (shared ones included).
func Rules() []*diag.Rule { return append(rules.Rules(), common.Rules()...) }

// Check walks a Sinch payload (MO batch or status callback).
func Check(c *spec.Ctx, root gjson.Result) { c.Walk(root, Batch()) }

// Message type values ("Mensajes (MO)": TEXT, IMAGE, AUDIO, DOCUMENT; the Interactive API page adds
// STICKER, BUTTON, ORDER; the rest are undocumented but seen in practice).
var documentedTypes = map[string]bool{"TEXT": true, "IMAGE": true, "AUDIO": true, "DOCUMENT": true,
	"STICKER": true, "BUTTON": true, "ORDER": true}

var media = []string{"mediaUrl", "mimeType"}

// Message is the MO message object ("Mensajes (MO)": Mensaje table and examples).
var Message = sync.OnceValue(func() *spec.Object {
	return &spec.Object{
		Name: "message",
		Doc:  "the content the end user sent",
		Fields: []spec.Field{
			{Name: "type", Kind: spec.KindString, Doc: "TEXT, IMAGE, AUDIO, DOCUMENT, STICKER, BUTTON, ORDER (documented); absent for location and contacts"},
			{Name: "messageText", Kind: spec.KindString, Role: spec.RoleText, Doc: "text of a TEXT message, label of a BUTTON, title of an interactive reply"},
			{Name: "payload", Kind: spec.KindString, Doc: "quick-reply button payload (BUTTON)"},
			{Name: "mediaUrl", Kind: spec.KindString, Checks: []*spec.Value{common.URL}, Role: spec.RoleMediaURL, Doc: "Sinch-hosted download URL of the media"},
			{Name: "mimeType", Kind: spec.KindString, Checks: []*spec.Value{common.MimeType}},
			{Name: "caption", Kind: spec.KindString, Role: spec.RoleText},
			{Name: "waGroupId", Kind: spec.KindString, Role: spec.RoleID, Doc: "group the message was sent to (Sinch \"WhatsApp API\")"},
			{Name: "location", Kind: spec.KindObject, Object: location()},
			{Name: "contacts", Kind: spec.KindArray, MinItems: 1, Object: common.ContactCard("sinch", false)},
			{Name: "interactive", Kind: spec.KindObject, Object: interactive()},
		},
		Disc: &spec.Discriminator{
			Field: "type",
			Infer: RuleTypeAbsent,
			Cases: []spec.Case{
				{Value: "TEXT", Requires: []string{"messageText"}},
				{Value: "IMAGE", Requires: media},
				{Value: "AUDIO", Requires: media},
				{Value: "DOCUMENT", Requires: media},
				{Value: "STICKER", Requires: media},
				{Value: "BUTTON", Requires: []string{"messageText", "payload"}},
				{Value: "ORDER", Doc: "listed by the Sinch Interactive API page; its fields are not documented"},
				{Value: "VIDEO", Requires: media, Doc: "undocumented"},
				{Value: "VOICE", Requires: media, Doc: "undocumented"},
				{Value: "LOCATION", Body: "location", Doc: "undocumented: the examples send no type"},
				{Value: "CONTACTS", Body: "contacts", Doc: "undocumented: the examples send no type"},
				{Value: "INTERACTIVE", Body: "interactive", Doc: "undocumented value for list/button replies"},
			},
		},
		Check: checkMessage,
	}
})

var location = sync.OnceValue(func() *spec.Object {
	return &spec.Object{Name: "location", Fields: []spec.Field{
		{Name: "geoPoint", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.GeoPoint}, Role: spec.RoleGeoPoint},
		{Name: "name", Kind: spec.KindString, Role: spec.RoleText},
		{Name: "address", Kind: spec.KindString, Role: spec.RoleText},
	}}
})

var interactive = sync.OnceValue(func() *spec.Object {
	return &spec.Object{
		Name: "interactive",
		Doc:  "reply to an interactive list or button message (Sinch \"WhatsApp Interactive API\")",
		Fields: []spec.Field{
			{Name: "type", Kind: spec.KindString, Req: spec.Required},
			{Name: "listReply", Kind: spec.KindObject, Object: &spec.Object{Name: "listReply", Fields: []spec.Field{
				{Name: "rowIdentifier", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.NonEmpty}},
				{Name: "rowTitle", Kind: spec.KindString, Req: spec.Required, Role: spec.RoleText},
			}}},
			{Name: "buttonReply", Kind: spec.KindObject, Object: &spec.Object{Name: "buttonReply", Fields: []spec.Field{
				{Name: "payload", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.NonEmpty}},
				{Name: "title", Kind: spec.KindString, Req: spec.Required, Role: spec.RoleText},
			}}},
		},
		Disc: &spec.Discriminator{Field: "type", Cases: []spec.Case{
			{Value: "LIST_REPLY", Body: "listReply"},
			{Value: "BUTTON_REPLY", Body: "buttonReply"},
		}},
	}
})

var referral = sync.OnceValue(func() *spec.Object {
	return &spec.Object{
		Name: "referral",
		Doc:  "present when the user started the conversation from an ad or post; every field is optional and nullable",
		Fields: []spec.Field{
			{Name: "headLine", Kind: spec.KindString, Nullable: true, Role: spec.RoleText},
			{Name: "body", Kind: spec.KindString, Nullable: true, Role: spec.RoleText},
			{Name: "sourceType", Kind: spec.KindString, Nullable: true, Enum: []string{"ad", "post", "unknown"}, Set: spec.Open, EnumRule: RuleReferralValue},
			{Name: "sourceId", Kind: spec.KindString, Nullable: true},
			{Name: "sourceUrl", Kind: spec.KindString, Nullable: true, Checks: []*spec.Value{common.URL}},
			{Name: "mediaType", Kind: spec.KindString, Nullable: true, Enum: []string{"image", "video"}, Set: spec.Open, EnumRule: RuleReferralValue},
			{Name: "mediaUrl", Kind: spec.KindString, Nullable: true, Checks: []*spec.Value{common.URL}},
		},
	}
})

// segmentationList is the JSON carried as a string in extraInfo. The prose
// of Sinch's "Mensajes (MO)" names the key segmentation_lists, its example
// segmentation_list: both are accepted.
var segmentationList = sync.OnceValue(func() *spec.Object {
	return &spec.Object{Name: "segmentation list", Fields: []spec.Field{
		{Name: "id", Kind: spec.KindInteger},
		{Name: "customerId", Kind: spec.KindInteger},
		{Name: "subAccountId", Kind: spec.KindInteger},
		{Name: "name", Kind: spec.KindString},
		{Name: "active", Kind: spec.KindBool},
	}}
})

var extraInfo = sync.OnceValue(func() *spec.Object {
	return &spec.Object{
		Name: "extraInfo",
		Open: true, // free-form JSON; only the segmentation lists are documented
		Fields: []spec.Field{
			{Name: "segmentation_list", Kind: spec.KindArray, Object: segmentationList()},
			{Name: "segmentation_lists", Kind: spec.KindArray, Object: segmentationList()},
		},
	}
})

// numberOrString accepts campaignId as documented (table: String) or as
// sent (examples: number).
var numberOrString = &spec.Value{Name: "number-or-string", Rule: spec.RuleType,
	Check: func(v gjson.Result) string {
		if v.Type == gjson.String || v.Type == gjson.Number {
			return ""
		}
		return "must be a number or a string, got " + spec.Describe(v)
	}}

func sharedItemFields() []spec.Field {
	return []spec.Field{
		{Name: "id", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.NonEmpty}, Role: spec.RoleMessageID, Doc: "Sinch message id (UUID)"},
		{Name: "origin", Kind: spec.KindString, Req: spec.Required, Checks: common.PhoneChecks, Role: spec.RolePhone, Party: spec.PartyBusiness, Doc: "business WhatsApp number, country code included"},
		{Name: "correlationId", Kind: spec.KindString, Checks: []*spec.Value{common.Placeholder}, Doc: "id set by the customer on the MT, echoed"},
		{Name: "campaignId", Kind: spec.KindAny, Checks: []*spec.Value{numberOrString}},
		{Name: "campaignAlias", Kind: spec.KindString, Checks: []*spec.Value{common.Placeholder}},
		{Name: "flowId", Kind: spec.KindString, Checks: []*spec.Value{common.Placeholder}},
		{Name: "extraInfo", Kind: spec.KindString, JSONString: true, Embedded: extraInfo(), Role: spec.RoleText, Doc: "JSON text, e.g. segmentation lists"},
	}
}

// MO is one MO callback in data[] ("Mensajes (MO)": top-level table).
var MO = sync.OnceValue(func() *spec.Object {
	return &spec.Object{
		Name: "sinch MO",
		Item: spec.MessageItem,
		Fields: append(sharedItemFields(),
			spec.Field{Name: "source", Kind: spec.KindString, Req: spec.Required, Checks: common.PhoneChecks, Role: spec.RolePhone, Doc: "end user's phone number"},
			spec.Field{Name: "userProfile", Kind: spec.KindObject, Object: &spec.Object{Name: "userProfile", Fields: []spec.Field{
				{Name: "name", Kind: spec.KindString, Role: spec.RoleName},
				{Name: "whatsAppId", Kind: spec.KindString, Checks: common.PhoneChecks, Role: spec.RolePhone},
			}}},
			spec.Field{Name: "messageId", Kind: spec.KindString, Role: spec.RoleID, Doc: "undocumented (BUTTON example): id of the MT the button belongs to"},
			spec.Field{Name: "message", Kind: spec.KindObject, Req: spec.Required, Object: Message()},
			spec.Field{Name: "receivedAt", Kind: spec.KindInteger, Req: spec.Required, Checks: []*spec.Value{common.EpochMillis}, Role: spec.RoleTime, Doc: "epoch milliseconds"},
			spec.Field{Name: "receivedDate", Kind: spec.KindString, Req: spec.Required, Checks: []*spec.Value{common.ISODate}, Role: spec.RoleTime},
			spec.Field{Name: "referral", Kind: spec.KindObject, Nullable: true, Object: referral()},
			spec.Field{Name: "mtSentAt", Kind: spec.KindInteger, Checks: []*spec.Value{common.EpochMillis}, Role: spec.RoleTime, Doc: "when the last MT was sent to this user"},
			spec.Field{Name: "session", Kind: spec.KindObject, Object: session()},
		),
		Check: checkMO,
	}
})

var session = sync.OnceValue(func() *spec.Object {
	return &spec.Object{Name: "session", Fields: []spec.Field{
		{Name: "id", Kind: spec.KindString, Role: spec.RoleID},
		{Name: "sessionId", Kind: spec.KindString, Role: spec.RoleID, Doc: "the tables' name for id"},
		{Name: "createdAt", Kind: spec.KindInteger, Checks: []*spec.Value{common.EpochMillis}, Role: spec.RoleTime},
	}, Check: func(c *spec.Ctx, f *spec.Frame) {
		if f.Has("sessionId") && !f.Has("id") {
			c.ReportOn(RuleSessionIDName, f, "sessionId", "session carries sessionId (table name); the examples name it id")
		}
	}}
})

// Status is one status (DLR) callback in data[] (Sinch "Webhooks" and "WhatsApp API").
var Status = sync.OnceValue(func() *spec.Object {
	return &spec.Object{
		Name: "sinch status",
		Item: spec.StatusItem,
		Fields: append(sharedItemFields(),
			spec.Field{Name: "destination", Kind: spec.KindString, Req: spec.Required, Checks: common.PhoneChecks, Role: spec.RolePhone, Doc: "end user's phone number"},
			spec.Field{Name: "type", Kind: spec.KindString},
			spec.Field{Name: "sent", Kind: spec.KindBool},
			spec.Field{Name: "sentStatusCode", Kind: spec.KindInteger, Enum: statusCodes, Set: spec.Open, EnumRule: RuleStatusCode,
				Doc: "2 sent; failures 102, 103, 202–212, 311"},
			spec.Field{Name: "sentStatus", Kind: spec.KindString},
			spec.Field{Name: "sentDate", Kind: spec.KindString, Checks: []*spec.Value{common.ISODate}, Role: spec.RoleTime},
			spec.Field{Name: "sentAt", Kind: spec.KindInteger, Checks: []*spec.Value{common.EpochMillis}, Role: spec.RoleTime},
			spec.Field{Name: "delivered", Kind: spec.KindBool},
			spec.Field{Name: "deliveredStatusCode", Kind: spec.KindInteger, Enum: statusCodes, Set: spec.Open, EnumRule: RuleStatusCode,
				Doc: "4 delivered, 5 read; 101 expired, 104 not delivered"},
			spec.Field{Name: "deliveredStatus", Kind: spec.KindString},
			spec.Field{Name: "deliveredDate", Kind: spec.KindString, Checks: []*spec.Value{common.ISODate}, Role: spec.RoleTime},
			spec.Field{Name: "deliveredAt", Kind: spec.KindInteger, Checks: []*spec.Value{common.EpochMillis}, Role: spec.RoleTime},
			spec.Field{Name: "read", Kind: spec.KindBool},
			spec.Field{Name: "readDate", Kind: spec.KindString, Checks: []*spec.Value{common.ISODate}, Role: spec.RoleTime},
			spec.Field{Name: "readAt", Kind: spec.KindInteger, Checks: []*spec.Value{common.EpochMillis}, Role: spec.RoleTime},
			spec.Field{Name: "updatedDate", Kind: spec.KindString, Checks: []*spec.Value{common.ISODate}, Role: spec.RoleTime},
			spec.Field{Name: "updatedAt", Kind: spec.KindInteger, Checks: []*spec.Value{common.EpochMillis}, Role: spec.RoleTime},
		),
		Check: checkStatus,
	}
})

// Batch is the callback envelope.
var Batch = sync.OnceValue(func() *spec.Object {
	return &spec.Object{
		Name: "sinch callback",
		Fields: []spec.Field{
			{Name: "total", Kind: spec.KindAny, Req: spec.Required, Doc: "number of elements in data"},
			{Name: "data", Kind: spec.KindArray, Req: spec.Required, MinItems: 1, Item: spec.MessageItem,
				Object: MO(), Shapes: itemShapes(), Doc: "MO messages or status callbacks"},
			{Name: "clientInfo", Kind: spec.KindObject, Object: &spec.Object{Name: "clientInfo", Fields: []spec.Field{
				{Name: "customerId", Kind: spec.KindInteger},
				{Name: "subAccountId", Kind: spec.KindInteger},
				{Name: "userId", Kind: spec.KindInteger},
			}}},
			{Name: "conversationID", Kind: spec.KindString, Role: spec.RoleID, Doc: "status callbacks (PT/ES webhook tables)"},
		},
		Check: checkBatch,
	}
})

// itemShapes tell MO items from status items by their members: MOs carry
// source and message, statuses destination and sent/delivered flags.
var itemShapes = sync.OnceValue(func() []spec.Shape {
	return []spec.Shape{
		{Keys: []string{"source", "message", "receivedAt", "receivedDate", "userProfile"}, Object: MO()},
		{Keys: []string{"destination", "sent", "delivered", "read", "sentStatusCode", "deliveredStatusCode", "sentDate", "sentAt"}, Object: Status()},
	}
})

func checkBatch(c *spec.Ctx, f *spec.Frame) {
	total, ok := f.Get("total")
	if !ok {
		return
	}
	var n int64
	switch {
	case total.Type == gjson.Number && isInt(total.Raw) && len(total.Raw) <= 15:
		n = total.Int()
	case total.Type == gjson.String && jsonlex.Digits(total.Str):
		n, _ = strconv.ParseInt(total.Str, 10, 64)
		c.ReportField(RuleTotalString, "total", total.Index, "total is the string %q; every documented example sends a number", total.Str)
	default:
		c.ReportField(spec.RuleType, "total", total.Index, "\"total\" must be an integer, got %s", spec.Describe(total))
		return
	}
	data, ok := f.Get("data")
	if !ok || !data.IsArray() {
		return
	}
	count := int64(f.Len("data"))
	if n != count {
		c.ReportField(RuleTotalMismatch, "total", total.Index, "total is %d but data holds %s", n, english.Plural(int(count), "element", ""))
	}
}

func checkMO(c *spec.Ctx, f *spec.Frame) {
	if !f.Has("source") && !f.Has("message") && !f.Has("receivedAt") {
		c.Report(RuleItemShape, f.Value.Index, "data element is neither an MO (source, message, receivedAt…) nor a status callback (destination, sent, delivered…); checked as an MO")
	}
	at, ok1 := f.Get("receivedAt")
	date, ok2 := f.Get("receivedDate")
	if !ok1 || !ok2 || at.Type != gjson.Number || date.Type != gjson.String {
		return
	}
	t, ok := common.ParseISO(date.Str)
	if !ok {
		return
	}
	diff := math.Abs(float64(t.UnixMilli()) - at.Num)
	if diff > 1000 {
		c.ReportField(RuleReceivedMismatch, "receivedAt", at.Index, "receivedAt %s is %s but receivedDate says %s",
			at.Raw, time.UnixMilli(at.Int()).UTC().Format("2006-01-02T15:04:05.000Z"), date.Str)
	}
}

func checkMessage(c *spec.Ctx, f *spec.Frame) {
	if f.Case == nil {
		return
	}
	typ := f.Case.Value
	if t, ok := f.Get("type"); ok && t.Type == gjson.String && !documentedTypes[typ] {
		c.ReportField(RuleTypeUndocumented, "type", t.Index, "message.type %q is not documented by Sinch (documented: TEXT, IMAGE, AUDIO, DOCUMENT, STICKER, BUTTON, ORDER)", typ)
	}
	if mt, ok := f.Get("mimeType"); ok && mt.Type == gjson.String {
		checkMimeType(c, typ, mt)
	}
	if typ == TypeInteractive {
		checkListReplyText(c, f)
	}
}

// mimeFamilies are the MIME families of the media types that have one.
var mimeFamilies = map[string]string{TypeImage: "image", TypeSticker: "image", TypeAudio: "audio", TypeVoice: "audio", TypeVideo: "video"}

// checkMimeType reports a mimeType outside its type's family, or not the
// standard name.
func checkMimeType(c *spec.Ctx, typ string, mt gjson.Result) {
	fam, want := common.MimeFamily(mt.Str), mimeFamilies[typ]
	switch {
	case want != "" && fam != "" && fam != want:
		c.ReportField(RuleMimeMismatch, "mimeType", mt.Index, "type %s needs a %s/* mimeType, got %q", typ, want, mt.Str)
	case mt.Str == "image/jpg":
		c.ReportField(common.RuleMimeNonStandard, "mimeType", mt.Index, "mimeType \"image/jpg\" is not registered; the standard name is image/jpeg")
	case typ == TypeSticker && mt.Str != "image/webp":
		c.ReportField(common.RuleMimeNonStandard, "mimeType", mt.Index, "stickers are image/webp, got %q", mt.Str)
	}
}

// checkListReplyText reports a list reply whose messageText is not its
// row's title.
func checkListReplyText(c *spec.Ctx, f *spec.Frame) {
	iv, _ := f.Get("interactive")
	row := common.Member(common.Member(iv, "listReply"), "rowTitle")
	if text, ok := f.Get("messageText"); ok && row.Type == gjson.String && text.Type == gjson.String && text.Str != row.Str {
		c.ReportField(RuleListReplyText, "messageText", text.Index, "messageText %q differs from the listReply rowTitle %q", text.Str, row.Str)
	}
}

// statusCodes is the documented code table (Sinch "WhatsApp API"): an
// open set, as Sinch adds codes (its own examples send 1).
var statusCodes = []string{"2", "4", "5", "101", "102", "103", "104", "202", "204", "206", "207", "209", "210", "211", "212", "311"}

func checkStatus(c *spec.Ctx, f *spec.Frame) {
	if !f.Has("sent") && !f.Has("delivered") && !f.Has("read") {
		c.Report(RuleItemShape, f.Value.Index, "status callback carries none of sent, delivered, read")
	}
}

func isInt(raw string) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] == '.' || raw[i] == 'e' || raw[i] == 'E' {
			return false
		}
	}
	return true
}
