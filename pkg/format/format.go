// Package format is the registry of wamo's wire formats: for each format
// name, the reader that turns its payloads into the canonical model
// (pkg/message) and the writer that turns the model into its payloads.
// Each format is described once, in its own package below this one;
// commands and libraries that work on several formats look them up here.
package format

import (
	"sync"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format/conversation"
	"github.com/wamo-dev/wamo/pkg/format/sinch"
	"github.com/wamo-dev/wamo/pkg/format/whatsapp"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// Format is what wamo knows of one wire format.
type Format struct {
	ID payload.Format
	// NewReader returns a reader of the format's payloads.
	NewReader func() message.Reader
	// NewWriter returns a writer of the format.
	NewWriter func() message.Writer
	// Title and About describe the format (JSON Schema export, help).
	Title, About string
	// Schema is the format's top-level table (what validate checks).
	Schema func() *spec.Object
	// Check validates a payload against the tables, with the format's
	// cross-field rules; Rules lists every rule it may report.
	Check func(c *spec.Ctx, root gjson.Result)
	Rules func() []*diag.Rule
	// Layout says where the format keeps its items.
	Layout message.Layout
	// Notes explain what other formats cannot carry of this one; Explain
	// adds the explanations that depend on the value lost (nil = none).
	Notes   []message.Note
	Explain message.ExplainFunc
	// Spellings say how the format writes the concepts of the mapping table.
	Spellings message.Spellings
	// Regroup, when set, puts the items of a payload converted back from
	// another format into the grouping of the original (Cloud API entries
	// and changes): see whatsapp.Regrouper.
	Regroup func() Regrouper
}

// Regrouper regroups a converted-back payload like the original; the bytes
// returned are valid until the next call.
type Regrouper interface {
	Regroup(original, back jsontree.Value) (out []byte, moved bool)
}

// formats is built on first use: its tables (layouts, notes, spellings)
// are made by functions, which at init would cost every start-up.
var formats = sync.OnceValue(func() []Format {
	return []Format{
		payload.Sinch: {ID: payload.Sinch, NewReader: sinch.NewReader, NewWriter: sinch.NewWriter,
			Title:  "Sinch (ex-Wavy) WhatsApp MO and status callback",
			About:  "A Sinch Messaging WhatsApp API callback as wamo validates it: an MO batch {total, data[], clientInfo} or a status (DLR) callback in the same envelope.",
			Schema: sinch.Batch, Check: sinch.Check, Rules: sinch.Rules, Layout: sinch.Layout,
			Notes: sinch.Notes, Explain: sinch.Explain, Spellings: sinch.Spellings},
		payload.WhatsApp: {ID: payload.WhatsApp, NewReader: whatsapp.NewOnPremReader, NewWriter: whatsapp.NewOnPremWriter,
			Title:  "WhatsApp On-Premises inbound notification",
			About:  "A WhatsApp Business On-Premises API inbound notification {contacts, messages, statuses, errors} as wamo validates it.",
			Schema: func() *spec.Object { return whatsapp.OnPremSchemas().Notification }, Check: whatsapp.CheckOnPrem,
			Rules: whatsapp.Rules, Layout: whatsapp.Layout(whatsapp.OnPrem),
			Notes: whatsapp.Notes(whatsapp.OnPrem), Explain: whatsapp.Explain, Spellings: whatsapp.Spellings(whatsapp.OnPrem)},
		payload.Cloud: {ID: payload.Cloud, NewReader: whatsapp.NewCloudReader, NewWriter: whatsapp.NewCloudWriter,
			Title:  "WhatsApp Cloud API messages webhook",
			About:  "A WhatsApp Cloud API webhook envelope {object, entry[].changes[].value} as wamo validates it.",
			Schema: whatsapp.Envelope, Check: whatsapp.CheckCloud, Rules: whatsapp.Rules, Layout: whatsapp.Layout(whatsapp.CloudAPI),
			Notes: whatsapp.Notes(whatsapp.CloudAPI), Explain: whatsapp.Explain, Spellings: whatsapp.Spellings(whatsapp.CloudAPI),
			Regroup: func() Regrouper { return &whatsapp.Regrouper{} }},
		payload.Conversation: {ID: payload.Conversation, NewReader: conversation.NewReader, NewWriter: conversation.NewWriter,
			Title:  "Sinch Conversation API callback (WhatsApp)",
			About:  "A Sinch Conversation API callback as wamo validates it: the envelope {app_id, project_id, accepted_time, event_time} around one trigger, message (MESSAGE_INBOUND) or message_delivery_report (MESSAGE_DELIVERY); other triggers are recognised, not checked.",
			Schema: conversation.Callback, Check: conversation.Check, Rules: conversation.Rules,
			Layout: conversation.Layout, Notes: conversation.Notes, Explain: conversation.Explain, Spellings: conversation.Spellings},
	}
})

// All returns every format, in the order of payload.Formats.
func All() []*Format {
	out := make([]*Format, 0, len(payload.Formats))
	for _, f := range payload.Formats {
		out = append(out, Of(f))
	}
	return out
}

// Of returns the format with id f, or nil for payload.Unknown.
func Of(f payload.Format) *Format {
	all := formats()
	if int(f) >= len(all) || all[f].NewReader == nil {
		return nil
	}
	return &all[f]
}

// Read reads a parsed payload of format f into h (a new reader each time:
// keep a reader for many payloads).
func Read(f payload.Format, root jsontree.Value, h message.Handler) {
	if ft := Of(f); ft != nil {
		ft.NewReader().Read(root, h, message.ReadOptions{})
	}
}
