package format

import "github.com/wamo-dev/wamo/pkg/payload"

// Concept is a row of the mapping table: something every format may spell
// its own way. Formats spell concepts in their Spellings.
type Concept struct {
	Key  string
	Note string // how the formats' spellings correspond
}

// Concepts lists the rows of the mapping table in order.
var Concepts = []Concept{
	{"item.message", "one message per item; one contact per distinct sender (wa_id), first profile name wins"},
	{"item.status", "one status per item: its latest state (read, delivered, failed, sent)"},
	{"count", "written as the number of items"},
	{"message.id", "copied: Sinch ids are UUIDs, WhatsApp ids opaque strings; neither side checks the other's shape"},
	{"message.from", ""},
	{"sender.name", "userProfile is written when the sender has a contact"},
	{"sender.wa_id", "written only when it differs from source"},
	{"business", "consecutive items from one origin form one Cloud change"},
	{"time", "s = floor(ms / 1000); ms = s × 1000"},
	{"time.iso", "written from the timestamp as UTC ISO-8601 with .000Z"},
	{"context.id", "context.from is the origin (the business number)"},
	{"group", ""},
	{"text", ""},
	{"media", "VIDEO is not documented by Sinch (a warning)"},
	{"media.voice", "Sinch documents no voice type; VOICE is read as voice"},
	{"media.mime", ""},
	{"media.caption", "image, video and document only"},
	{"media.url", "native media without URL get --media-base-url + media id (default https://media.invalid/whatsapp/<id>), which converting back turns into the id again"},
	{"media.id", "Sinch media have none: the message id stands in (a default)"},
	{"media.sha256", "the same 32 bytes re-encoded; other spellings are kept as they are"},
	{"voice", "audio.voice false for audio"},
	{"location.coordinates", "numbers keep their digits"},
	{"location.name", "location messages are written to Sinch without type, as in the documented examples"},
	{"contacts", "name.name_prefix/name_suffix (Sinch) ⇄ name.prefix/suffix (native); the Cloud API requires name.formatted_name (a default is built from the name parts)"},
	{"button", ""},
	{"list_reply", "messageText is the title; INTERACTIVE is not documented by Sinch (a warning)"},
	{"button_reply", ""},
	{"address_reply", "an address message's answer (India, Singapore); Sinch has none: the fields joined with \", \" become a TEXT"},
	{"order", "Sinch ORDER has no documented fields: the order's content is lost, and a Sinch ORDER cannot become a native order"},
	{"referral", "null values and source types other than ad/post are not carried"},
	{"referral.media", ""},
	{"status.read", "time: readAt"},
	{"status.delivered", "time: deliveredAt"},
	{"status.sent", "time: sentAt"},
	{"status.failed", "WhatsApp error codes become 104 NOT_DELIVERED"},
	{"status.recipient", ""},
	{"status.type", ""},
	{"error", "message = title"},
	{"unsupported", ""},
	{"system.number", ""},
	{"errors", ""},
	{"envelope", "written from --waba-id, --phone-number-id or defaults"},
}

// MappingRow is a concept with each format's spelling ("" = none).
type MappingRow struct {
	Concept
	Paths []string // in the order of the formats asked for
}

// Mapping returns the mapping table between formats: a row per concept
// that one of them spells.
func Mapping(formats ...payload.Format) []MappingRow {
	var rows []MappingRow
	for _, c := range Concepts {
		row := MappingRow{Concept: c, Paths: make([]string, len(formats))}
		any := false
		for i, f := range formats {
			if path, ok := Of(f).Spellings[c.Key]; ok {
				row.Paths[i] = path
				any = true
			}
		}
		if any {
			rows = append(rows, row)
		}
	}
	return rows
}
