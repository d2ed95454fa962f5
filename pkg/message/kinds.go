package message

// What the model says of each kind, in one table: its canonical name, its
// family, and how its content reads in brief. Adding a kind means a row
// here and the format packages' reader and writer cases; nothing else
// (show, listen, gen, convert) names kinds.

// kindInfo describes one kind.
type kindInfo struct {
	name        string
	media       bool // carries a media file
	interactive bool // an interactive reply
	// summary says what a message of the kind holds, in brief, and the
	// error title of one the provider could not deliver. depth counts
	// edit nesting.
	summary func(m *Message, depth int) (summary, errTitle string)
}

// kinds is filled in init: summaries refer back to it (an edit's new
// content is summarised by its own kind).
var kinds [numKinds]kindInfo

func init() {
	kinds = [numKinds]kindInfo{
		KindOther:           {summary: otherSummary},
		Text:                {name: "text", summary: func(m *Message, _ int) (string, string) { return Scalar(m.Text), "" }},
		Image:               {name: "image", media: true, summary: mediaSummary},
		Audio:               {name: "audio", media: true, summary: mediaSummary},
		Voice:               {name: "voice", media: true, summary: mediaSummary},
		Video:               {name: "video", media: true, summary: mediaSummary},
		Document:            {name: "document", media: true, summary: mediaSummary},
		Sticker:             {name: "sticker", media: true, summary: stickerSummary},
		Location:            {name: "location", summary: placeSummary},
		Contacts:            {name: "contacts", summary: contactsSummary},
		Button:              {name: "button", summary: buttonSummary},
		ButtonReply:         {name: "button_reply", interactive: true, summary: replySummary},
		ListReply:           {name: "list_reply", interactive: true, summary: replySummary},
		FlowReply:           {name: "nfm_reply", interactive: true, summary: flowSummary},
		CallPermissionReply: {name: "call_permission_reply", interactive: true, summary: callPermissionSummary},
		AddressReply:        {name: "address_reply", interactive: true, summary: func(m *Message, _ int) (string, string) { return m.Address.Text(), "" }},
		Order:               {name: "order", summary: orderSummary},
		System:              {name: "system", summary: systemSummary},
		Reaction:            {name: "reaction", summary: reactionSummary},
		Unsupported:         {name: "unsupported", summary: unsupportedSummary},
		RequestWelcome:      {name: "request_welcome", summary: func(*Message, int) (string, string) { return "opened the chat", "" }},
		Edit:                {name: "edit", summary: editSummary},
		Revoke:              {name: "revoke", summary: func(m *Message, _ int) (string, string) { return "deleted " + Scalar(m.Original), "" }},
	}
}

// String is the kind's canonical name ("" for KindOther).
func (k Kind) String() string {
	if k < numKinds {
		return kinds[k].name
	}
	return ""
}

// Kinds lists every kind but KindOther, in a stable order.
func Kinds() []Kind {
	out := make([]Kind, 0, numKinds-1)
	for k := Text; k < numKinds; k++ {
		out = append(out, k)
	}
	return out
}

// ParseKind returns the kind of a canonical name.
func ParseKind(name string) (Kind, bool) {
	for k := Text; k < numKinds; k++ {
		if kinds[k].name == name {
			return k, true
		}
	}
	return KindOther, false
}

// IsMedia reports whether messages of the kind carry a media file.
func (k Kind) IsMedia() bool { return k < numKinds && kinds[k].media }

// IsInteractive reports whether the kind is an interactive reply.
func (k Kind) IsInteractive() bool { return k < numKinds && kinds[k].interactive }
