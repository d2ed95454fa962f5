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

	"github.com/tidwall/gjson"

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

func (f Format) String() string {
	switch f {
	case Sinch:
		return "sinch"
	case WhatsApp:
		return "whatsapp"
	case Cloud:
		return "cloud"
	case Conversation:
		return "conversation"
	}
	return "unknown"
}

// MarshalText renders the format name in JSON output.
func (f Format) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

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
}

// Detect sniffs the format of a JSON object from its top-level members:
// "object"/"entry" → cloud; "data"/"total" → sinch; "messages", "statuses",
// "contacts" or "errors" → whatsapp. It stops at the first decisive member,
// so it costs little more than reading the first key (a body mixing the
// members of two formats is then reported member by member by the rules of
// the format that decided). The bytes must be
// syntactically valid JSON.
func Detect(data []byte) Detection {
	return DetectString(bytesToString(data))
}

// DetectString is Detect for a string.
func DetectString(s string) Detection {
	// Fast path: the first member nearly always decides, and reading its
	// name costs a few bytes where gjson would also skip its whole value.
	if i := jsonlex.SkipSpace(s, 0); i < len(s) && s[i] == '{' {
		if j := jsonlex.SkipSpace(s, i+1); j < len(s) && s[j] == '"' {
			if end, esc, ok := jsonlex.String(s, j); ok && !esc {
				if d, ok := decide(s[j+1 : end-1]); ok {
					return d
				}
			}
		}
	}
	var d Detection
	root := gjson.Parse(s)
	if !root.IsObject() {
		d.Reason = "the top-level value is not an object"
		return d
	}
	root.ForEach(func(k, _ gjson.Result) bool {
		var ok bool
		d, ok = decide(k.Str)
		return !ok
	})
	if d.Format == Unknown {
		d.Reason = "no top-level data/total (sinch), messages/statuses/contacts/errors (whatsapp), object/entry (cloud) or app_id/project_id (conversation) member"
	}
	return d
}

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

// decide maps a top-level member name to the format it belongs to.
func decide(key string) (Detection, bool) {
	switch key {
	case "object":
		return Detection{Cloud, "top-level object"}, true
	case "entry":
		return Detection{Cloud, "top-level entry"}, true
	case "data":
		return Detection{Sinch, "top-level data"}, true
	case "total":
		return Detection{Sinch, "top-level total"}, true
	case "messages":
		return Detection{WhatsApp, "top-level messages"}, true
	case "statuses":
		return Detection{WhatsApp, "top-level statuses"}, true
	case "contacts":
		return Detection{WhatsApp, "top-level contacts"}, true
	case "errors":
		return Detection{WhatsApp, "top-level errors"}, true
	case "app_id":
		return Detection{Conversation, "top-level app_id"}, true
	case "project_id":
		return Detection{Conversation, "top-level project_id"}, true
	}
	return Detection{}, false
}
