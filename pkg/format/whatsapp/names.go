package whatsapp

import (
	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
)

// Message types as the native formats spell them (reference §3.2, §4.2).
const (
	TypeText           = "text"
	TypeImage          = "image"
	TypeAudio          = "audio"
	TypeVoice          = "voice" // On-Premises only; the Cloud API sends audio with voice:true
	TypeVideo          = "video"
	TypeDocument       = "document"
	TypeSticker        = "sticker"
	TypeLocation       = "location"
	TypeContacts       = "contacts"
	TypeButton         = "button"
	TypeInteractive    = "interactive"
	TypeOrder          = "order"
	TypeSystem         = "system"
	TypeReaction       = "reaction"
	TypeUnknown        = "unknown"     // On-Premises
	TypeUnsupported    = "unsupported" // Cloud API
	TypeRequestWelcome = "request_welcome"
	TypeEdit           = "edit"
	TypeRevoke         = "revoke"
)

// Interactive reply types (interactive.type).
const (
	InteractiveButtonReply         = "button_reply"
	InteractiveListReply           = "list_reply"
	InteractiveNfmReply            = "nfm_reply"
	InteractiveCallPermissionReply = "call_permission_reply"
)

// spelling is how the native variants write one kind of message.
type spelling struct {
	kind        message.Kind
	typ         string // the message type
	interactive string // the interactive type of interactive replies
	name        string // the nfm reply's name ("" = any other)
	onPrem      bool   // the variants that have it
	cloud       bool
}

// spellings is the one table of native message types: reading and writing
// both derive from it.
var spellings = []spelling{
	{message.Text, TypeText, "", "", true, true},
	{message.Image, TypeImage, "", "", true, true},
	{message.Audio, TypeAudio, "", "", true, true},
	{message.Voice, TypeVoice, "", "", true, false}, // Cloud: audio with voice:true
	{message.Video, TypeVideo, "", "", true, true},
	{message.Document, TypeDocument, "", "", true, true},
	{message.Sticker, TypeSticker, "", "", true, true},
	{message.Location, TypeLocation, "", "", true, true},
	{message.Contacts, TypeContacts, "", "", true, true},
	{message.Button, TypeButton, "", "", true, true},
	{message.ButtonReply, TypeInteractive, InteractiveButtonReply, "", true, true},
	{message.ListReply, TypeInteractive, InteractiveListReply, "", true, true},
	{message.AddressReply, TypeInteractive, InteractiveNfmReply, common.NfmAddress, true, true},
	{message.FlowReply, TypeInteractive, InteractiveNfmReply, "", true, true},
	{message.CallPermissionReply, TypeInteractive, InteractiveCallPermissionReply, "", false, true},
	{message.Order, TypeOrder, "", "", true, true},
	{message.System, TypeSystem, "", "", true, true},
	{message.Reaction, TypeReaction, "", "", true, true},
	{message.Unsupported, TypeUnknown, "", "", true, false},
	{message.Unsupported, TypeUnsupported, "", "", false, true},
	{message.RequestWelcome, TypeRequestWelcome, "", "", false, true},
	{message.Edit, TypeEdit, "", "", false, true},
	{message.Revoke, TypeRevoke, "", "", false, true},
}

// kindOf maps a native message type (and, for interactive messages, the
// interactive type) to the model's kind. Either variant's spelling is
// read: a Cloud unknown or an On-Premises unsupported is still understood.
func kindOf(typ string, m jsontree.Value) message.Kind {
	inter, name := "", ""
	if typ == TypeInteractive {
		in := m.Get(TypeInteractive)
		inter = in.Get("type").Str()
		name = in.Get(inter).Get("name").Str()
	}
	for _, sp := range spellings {
		if sp.typ == typ && sp.interactive == inter && (sp.name == "" || sp.name == name) {
			if sp.kind == message.Audio && m.Get(TypeAudio).Get("voice").Truthy() {
				return message.Voice // a Cloud API voice note
			}
			return sp.kind
		}
	}
	return message.KindOther
}

// wireType is the type a message of kind k is written with in a variant,
// and the interactive type for interactive replies; "" when the variant
// has no such message.
func wireType(k message.Kind, v Variant) (typ, interactive string) {
	if k == message.Voice && v == CloudAPI {
		return TypeAudio, "" // with voice:true
	}
	for _, sp := range spellings {
		if sp.kind == k && (v == CloudAPI && sp.cloud || v == OnPrem && sp.onPrem) {
			return sp.typ, sp.interactive
		}
	}
	return "", ""
}

// carriesState reports whether a variant has statuses of state s.
func carriesState(s message.State, v Variant) bool {
	switch s {
	case message.Sent, message.Delivered, message.Read, message.Failed:
		return true
	case message.Played:
		return v == CloudAPI
	case message.Deleted, message.Warning:
		return v == OnPrem
	}
	return false
}
