// Package payload knows what a WhatsApp MO webhook body is before any rule is
// applied: the three formats and how to tell them apart from the bytes, how
// to split files and streams (single documents, NDJSON, concatenated JSON)
// into payloads in bounded memory, and how to describe a JSON syntax error by
// line and column.
package payload

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/wamo-dev/wamo/pkg/enum"
	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

// Format is one of the webhook body formats wamo understands.
type Format uint8

// Formats. Unknown means "not recognised" (or "detect" when used as an option).
const (
	Unknown  Format = iota
	Sinch           // Sinch (ex-Wavy) MO / status callback batch {"total","data":[…]}
	WhatsApp        // native On-Premises notification {"contacts","messages","statuses","errors"}
	Cloud           // Cloud API envelope {"object":"whatsapp_business_account","entry":[…]}
	// Conversation is a Sinch Conversation API callback {"app_id","project_id",…, one trigger}.
	Conversation
)

// Formats lists the known formats in a stable order.
var Formats = []Format{Sinch, WhatsApp, Cloud, Conversation}

var formatNames = []string{Unknown: "unknown", Sinch: "sinch", WhatsApp: "whatsapp", Cloud: "cloud",
	Conversation: "conversation"}

func (f Format) String() string { return enum.Name(formatNames, f, "unknown") }

// MarshalText renders the format name in JSON output.
func (f Format) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// Names returns the formats' names in the order of Formats.
func Names() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = f.String()
	}
	return out
}

// FormatList names the formats for messages: "sinch, whatsapp, cloud or
// conversation".
func FormatList() string {
	var b strings.Builder
	for i, f := range Formats {
		switch {
		case i == len(Formats)-1 && i > 0:
			b.WriteString(" or ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}

// ParseFormat parses a format name as accepted by --format and --to.
// "onprem" and "native" are accepted as aliases of whatsapp.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sinch", "wavy":
		return Sinch, nil
	case "whatsapp", "onprem", "on-prem", "native":
		return WhatsApp, nil
	case "cloud", "cloudapi", "cloud-api":
		return Cloud, nil
	case "conversation", "conversation-api", "sinch-conversation":
		return Conversation, nil
	case "", "auto":
		return Unknown, nil
	}
	return Unknown, fmt.Errorf("unknown format %q: want %s", s, FormatList())
}

// Detection is the result of sniffing a payload's format.
type Detection struct {
	Format Format
	// Reason says which top-level member decided, for messages like
	// "not recognised: no data, messages, statuses or object member".
	Reason string
	// LooksLike names the product of a webhook that is none of the formats
	// but shares members with them (Format is then Unknown); Trigger is
	// the member that carries the event of a Sinch Conversation API
	// callback.
	LooksLike Lookalike
	Trigger   string
}

// Lookalike is a webhook of another product that shares top-level members
// with the formats wamo checks: recognised so that it is named, not
// misread as one of them.
type Lookalike uint8

// Look-alikes.
const (
	NoLookalike Lookalike = iota
	// SinchWhatsAppLegacy is the retired standalone Sinch WhatsApp API
	// (ended 30 September 2023): {"type":"whatsapp","notifications":[…],
	// "statuses":[…],"contacts":[…]}. Its statuses and contacts would
	// otherwise pass for an On-Premises notification.
	SinchWhatsAppLegacy
)

func (l Lookalike) String() string {
	switch l {
	case SinchWhatsAppLegacy:
		return "a callback of the retired standalone Sinch WhatsApp API"
	}
	return ""
}

// ConversationTriggers are the members that carry the event of a Sinch
// Conversation API callback, one per webhook trigger: the inbound message
// and the delivery report first (format/conversation reads those two and
// leaves the others unchecked).
var ConversationTriggers = []string{"message", "message_delivery_report", "message_redaction",
	"message_submit_notification", "event", "event_delivery_report", "conversation_start_notification",
	"conversation_stop_notification", "conversation_delete_notification", "contact_create_notification",
	"contact_delete_notification", "contact_merge_notification", "contact_update_notification",
	"duplicated_identities", "contact_identities_duplication_notification", "capability_notification",
	"opt_in_notification", "opt_out_notification", "channel_event_notification", "unsupported_callback",
	"smart_conversation_notification", "record_notification"}

var conversationTrigger = func() map[string]bool {
	m := make(map[string]bool, len(ConversationTriggers))
	for _, t := range ConversationTriggers {
		m[t] = true
	}
	return m
}()

// Detect sniffs the format of a JSON object from its top-level members:
// "object"/"entry" → cloud; "data"/"total" → sinch; "messages", "statuses",
// "contacts" or "errors" → whatsapp; "app_id"/"project_id" → conversation;
// the first decisive member wins (a
// body mixing the members of two formats is then reported member by
// member by the rules of the format that decided). When the first member
// is one only a format has, that is all it reads; otherwise it reads every
// top-level member, to tell the retired Sinch WhatsApp API (notifications,
// or type "whatsapp", beside statuses and contacts) apart: it is Unknown
// with LooksLike set. The bytes must be syntactically valid JSON.
func Detect(data []byte) Detection {
	return DetectString(bytesToString(data))
}

// DetectString is Detect for a string.
func DetectString(s string) Detection {
	// The top-level keys are read in order, their values skimmed, until
	// one that only a format has: usually the first ("object", "data") or
	// the second ("messages" after "contacts"), so detection costs a few
	// bytes, not a read of the payload.
	var d Detection
	var decided, appID, projectID, notifications, typeWhatsApp, nativeOnly bool
	i := jsonlex.SkipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		d.Reason = "the top-level value is not an object"
		return d
	}
	for i = jsonlex.SkipSpace(s, i+1); i < len(s) && s[i] == '"' && !nativeOnly; {
		end, esc, ok := jsonlex.String(s, i)
		if !ok {
			break
		}
		key := s[i+1 : end-1]
		if esc {
			key = jsonlex.Unescape(key)
		}
		if i = jsonlex.SkipSpace(s, end); i >= len(s) || s[i] != ':' {
			break
		}
		if f, reason := decide(key); f != Unknown {
			if !decided {
				d.Format, d.Reason, decided = f, reason, true
			}
			if !sharedWithLookalike(key) {
				nativeOnly = true // decided: no need to read its value
				break
			}
		}
		start := jsonlex.SkipSpace(s, i+1)
		if i, ok = jsonlex.SkipValue(s, start); !ok {
			break
		}
		switch key {
		case "app_id":
			appID = true
		case "project_id":
			projectID = true
		case "notifications":
			notifications = true
		case "type":
			v := s[start:i]
			typeWhatsApp = v == `"whatsapp"` || len(v) > 2 && v[0] == '"' && jsonlex.Unescape(v[1:len(v)-1]) == "whatsapp"
		default:
			if d.Trigger == "" && conversationTrigger[key] {
				d.Trigger = key
			}
		}
		if i = jsonlex.SkipSpace(s, i); i < len(s) && s[i] == ',' {
			i = jsonlex.SkipSpace(s, i+1)
		}
	}
	switch {
	case nativeOnly:
		d.Trigger = ""
	case appID || projectID:
		d.Format = Conversation
		d.Reason = "top-level app_id"
		if !appID {
			d.Reason = "top-level project_id"
		}
	case notifications || typeWhatsApp:
		d.Format, d.LooksLike, d.Trigger = Unknown, SinchWhatsAppLegacy, ""
		d.Reason = "this looks like " + SinchWhatsAppLegacy.String() + ` (top-level type "whatsapp", notifications, statuses), ` +
			"which ended on 30 September 2023: not an On-Premises notification, although it also has statuses and contacts"
	case !decided:
		d.Trigger = ""
		d.Reason = "no top-level data/total (sinch), messages/statuses/contacts/errors (whatsapp), object/entry (cloud) or app_id/project_id (conversation) member"
	default:
		d.Trigger = ""
	}
	return d
}

// sharedWithLookalike reports whether a deciding member also belongs to a
// look-alike (the retired Sinch WhatsApp API sends statuses and contacts).
func sharedWithLookalike(key string) bool { return key == "statuses" || key == "contacts" }

// bytesToString views b as a string without copying. The payload bytes are
// never modified while a string view of them is alive: readers hand out a
// fresh view per payload and parse results do not outlive it.
func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// String views the payload bytes as a string without copying (see bytesToString).
func (p *Payload) String() string { return bytesToString(p.Data) }

// decide names the format a top-level member belongs to (Unknown for a
// member no format has alone) and the reason detection gives for it: a
// constant, so that detecting a payload builds no string.
func decide(key string) (Format, string) {
	switch key {
	case "object":
		return Cloud, "top-level object"
	case "entry":
		return Cloud, "top-level entry"
	case "data":
		return Sinch, "top-level data"
	case "total":
		return Sinch, "top-level total"
	case "messages":
		return WhatsApp, "top-level messages"
	case "statuses":
		return WhatsApp, "top-level statuses"
	case "contacts":
		return WhatsApp, "top-level contacts"
	case "errors":
		return WhatsApp, "top-level errors"
	}
	return Unknown, ""
}
