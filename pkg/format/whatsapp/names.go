package whatsapp

import "github.com/wamo-dev/wamo/pkg/message"

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

var interactiveKinds = map[string]message.Kind{
	InteractiveButtonReply:         message.ButtonReply,
	InteractiveListReply:           message.ListReply,
	InteractiveNfmReply:            message.FlowReply,
	InteractiveCallPermissionReply: message.CallPermissionReply,
}

// wireType is the type a message of kind k is written with in a variant,
// and the interactive type for interactive replies; "" when the variant
// has no such message.
func wireType(k message.Kind, v Variant) (typ, interactive string) {
	cloud := v == CloudAPI
	switch k {
	case message.Text:
		return TypeText, ""
	case message.Image:
		return TypeImage, ""
	case message.Audio:
		return TypeAudio, ""
	case message.Voice:
		if cloud {
			return TypeAudio, ""
		}
		return TypeVoice, ""
	case message.Video:
		return TypeVideo, ""
	case message.Document:
		return TypeDocument, ""
	case message.Sticker:
		return TypeSticker, ""
	case message.Location:
		return TypeLocation, ""
	case message.Contacts:
		return TypeContacts, ""
	case message.Button:
		return TypeButton, ""
	case message.ButtonReply:
		return TypeInteractive, InteractiveButtonReply
	case message.ListReply:
		return TypeInteractive, InteractiveListReply
	case message.FlowReply:
		return TypeInteractive, InteractiveNfmReply
	case message.CallPermissionReply:
		if cloud {
			return TypeInteractive, InteractiveCallPermissionReply
		}
	case message.Order:
		return TypeOrder, ""
	case message.System:
		return TypeSystem, ""
	case message.Reaction:
		return TypeReaction, ""
	case message.Unsupported:
		if cloud {
			return TypeUnsupported, ""
		}
		return TypeUnknown, ""
	case message.RequestWelcome, message.Edit, message.Revoke:
		if cloud {
			return k.String(), ""
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
