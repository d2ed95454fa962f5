package gen

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// Native WhatsApp types, shared by the On-Premises notification and the
// Cloud API change value; members in the order of the reference examples.

type cloudEnvelope struct {
	Object string       `json:"object"`
	Entry  []cloudEntry `json:"entry"`
}

type cloudEntry struct {
	ID      string        `json:"id"`
	Changes []cloudChange `json:"changes"`
}

type cloudChange struct {
	Value *notification `json:"value"`
	Field string        `json:"field"`
}

type notification struct {
	MessagingProduct string      `json:"messaging_product,omitempty"`
	Metadata         *metadata   `json:"metadata,omitempty"`
	Contacts         []waContact `json:"contacts,omitempty"`
	Messages         []*message  `json:"messages,omitempty"`
	Statuses         []*status   `json:"statuses,omitempty"`
}

type metadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

type waContact struct {
	Profile *profile `json:"profile,omitempty"`
	WaID    string   `json:"wa_id,omitempty"`
	UserID  string   `json:"user_id,omitempty"`
}

type profile struct {
	Name string `json:"name"`
}

type message struct {
	From        string        `json:"from,omitempty"`
	FromUserID  string        `json:"from_user_id,omitempty"`
	Context     *msgContext   `json:"context,omitempty"`
	ID          string        `json:"id"`
	Timestamp   string        `json:"timestamp"`
	Type        string        `json:"type"`
	Referral    *referral     `json:"referral,omitempty"`
	Errors      []waError     `json:"errors,omitempty"`
	Text        *textBody     `json:"text,omitempty"`
	Image       *media        `json:"image,omitempty"`
	Audio       *media        `json:"audio,omitempty"`
	Video       *media        `json:"video,omitempty"`
	Document    *media        `json:"document,omitempty"`
	Sticker     *media        `json:"sticker,omitempty"`
	Voice       *media        `json:"voice,omitempty"`
	Location    *location     `json:"location,omitempty"`
	Contacts    []contactCard `json:"contacts,omitempty"`
	Button      *button       `json:"button,omitempty"`
	Interactive *interactive  `json:"interactive,omitempty"`
	Order       *order        `json:"order,omitempty"`
	System      *system       `json:"system,omitempty"`
	Reaction    *reaction     `json:"reaction,omitempty"`
	Unsupported *unsupported  `json:"unsupported,omitempty"`
	Edit        *edit         `json:"edit,omitempty"`
	Revoke      *revoke       `json:"revoke,omitempty"`
}

type msgContext struct {
	From                string `json:"from,omitempty"`
	ID                  string `json:"id,omitempty"`
	Forwarded           bool   `json:"forwarded,omitempty"`
	FrequentlyForwarded bool   `json:"frequently_forwarded,omitempty"`
}

type referral struct {
	SourceURL    string `json:"source_url"`
	SourceID     string `json:"source_id"`
	SourceType   string `json:"source_type"`
	Body         string `json:"body"`
	Headline     string `json:"headline"`
	MediaType    string `json:"media_type,omitempty"`
	ImageURL     string `json:"image_url,omitempty"`
	VideoURL     string `json:"video_url,omitempty"`
	ThumbnailURL string `json:"thumbnail_url,omitempty"`
	CtwaClid     string `json:"ctwa_clid,omitempty"`
}

type waError struct {
	Code      int        `json:"code"`
	Title     string     `json:"title"`
	Message   string     `json:"message,omitempty"`
	Details   string     `json:"details,omitempty"`
	ErrorData *errorData `json:"error_data,omitempty"`
	Href      string     `json:"href,omitempty"`
}

type errorData struct {
	Details string `json:"details"`
}

type textBody struct {
	Body string `json:"body"`
}

type media struct {
	File     string           `json:"file,omitempty"`
	Caption  string           `json:"caption,omitempty"`
	Filename string           `json:"filename,omitempty"`
	MimeType string           `json:"mime_type"`
	SHA256   string           `json:"sha256"`
	ID       string           `json:"id"`
	URL      string           `json:"url,omitempty"`
	Status   string           `json:"status,omitempty"`
	Voice    bool             `json:"voice,omitempty"`
	Animated *bool            `json:"animated,omitempty"`
	Metadata *stickerMetadata `json:"metadata,omitempty"`
}

type stickerMetadata struct {
	PackID              string   `json:"sticker-pack-id"`
	PackName            string   `json:"sticker-pack-name"`
	PackPublisher       string   `json:"sticker-pack-publisher"`
	Emojis              []string `json:"emojis"`
	IOSAppStoreLink     string   `json:"ios-app-store-link,omitempty"`
	AndroidAppStoreLink string   `json:"android-app-store-link,omitempty"`
	IsFirstPartySticker int      `json:"is-first-party-sticker"`
}

type location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
	URL       string  `json:"url,omitempty"`
}

type button struct {
	Payload string `json:"payload"`
	Text    string `json:"text"`
}

type interactive struct {
	Type                string               `json:"type"`
	ButtonReply         *reply               `json:"button_reply,omitempty"`
	ListReply           *reply               `json:"list_reply,omitempty"`
	NfmReply            *nfmReply            `json:"nfm_reply,omitempty"`
	CallPermissionReply *callPermissionReply `json:"call_permission_reply,omitempty"`
}

type reply struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type nfmReply struct {
	ResponseJSON string `json:"response_json"`
	Body         string `json:"body"`
	Name         string `json:"name"`
}

// flowResponse is what a WhatsApp Flow sends back (as JSON text).
type flowResponse struct {
	FlowToken string   `json:"flow_token"`
	FirstName string   `json:"first_name"`
	Email     string   `json:"email"`
	Products  []string `json:"products"`
	Comment   string   `json:"comment,omitempty"`
}

type callPermissionReply struct {
	Response            string `json:"response"`
	IsPermanent         bool   `json:"is_permanent"`
	ExpirationTimestamp int64  `json:"expiration_timestamp,omitempty"`
	ResponseSource      string `json:"response_source"`
}

type order struct {
	CatalogID    string        `json:"catalog_id"`
	Text         string        `json:"text,omitempty"`
	ProductItems []productItem `json:"product_items"`
}

type productItem struct {
	ProductRetailerID string  `json:"product_retailer_id"`
	Quantity          int     `json:"quantity"`
	ItemPrice         float64 `json:"item_price"`
	Currency          string  `json:"currency"`
}

type system struct {
	Body     string `json:"body"`
	NewWaID  string `json:"new_wa_id,omitempty"`
	WaID     string `json:"wa_id,omitempty"`
	Identity string `json:"identity,omitempty"`
	Type     string `json:"type"`
	User     string `json:"user,omitempty"`
}

type reaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji,omitempty"`
}

type unsupported struct {
	Type string `json:"type"`
}

type edit struct {
	OriginalMessageID string        `json:"original_message_id"`
	Message           editedMessage `json:"message"`
}

type editedMessage struct {
	Type string    `json:"type"`
	Text *textBody `json:"text,omitempty"`
}

type revoke struct {
	OriginalMessageID string `json:"original_message_id"`
}

type status struct {
	ID           string        `json:"id"`
	Status       string        `json:"status"`
	Timestamp    string        `json:"timestamp"`
	RecipientID  string        `json:"recipient_id"`
	Conversation *conversation `json:"conversation,omitempty"`
	Pricing      *pricing      `json:"pricing,omitempty"`
	Errors       []waError     `json:"errors,omitempty"`
}

type conversation struct {
	ID                  string      `json:"id"`
	ExpirationTimestamp string      `json:"expiration_timestamp,omitempty"`
	Origin              *convOrigin `json:"origin,omitempty"`
}

type convOrigin struct {
	Type string `json:"type"`
}

type pricing struct {
	Billable     *bool  `json:"billable,omitempty"`
	PricingModel string `json:"pricing_model"`
	Category     string `json:"category"`
	Type         string `json:"type,omitempty"`
}

// native generates for one variant of the native format.
type native struct {
	*Generator
	cloud bool
	biz   *business
}

func (g *Generator) onPrem(typ string) *notification {
	n := native{Generator: g, biz: g.business()}
	return n.notification(typ)
}

func (g *Generator) cloud(typ string) *cloudEnvelope {
	n := native{Generator: g, cloud: true, biz: g.business()}
	value := n.notification(typ)
	value.MessagingProduct = "whatsapp"
	value.Metadata = &metadata{DisplayPhoneNumber: n.biz.phone, PhoneNumberID: n.biz.phoneID}
	return &cloudEnvelope{Object: "whatsapp_business_account", Entry: []cloudEntry{{
		ID: n.biz.waba, Changes: []cloudChange{{Value: value, Field: "messages"}},
	}}}
}

func (n native) id(u user, outbound bool) string {
	if n.cloud {
		return n.wamid(u.phone, outbound)
	}
	return n.onPremID(outbound)
}

func (n native) notification(typ string) *notification {
	if typ == "status" {
		count := 1
		if n.chance(0.15) {
			count = 2 // a delivered and a read receipt batched together
		}
		u := n.user(n.biz.country)
		out := &notification{}
		for range count {
			out.Statuses = append(out.Statuses, n.status(u))
		}
		return out
	}
	u := n.user(n.biz.country)
	m := n.message(typ, u)
	out := &notification{Messages: []*message{m}}
	if typ != "system" { // system messages come without contacts
		c := waContact{Profile: &profile{Name: u.name}, WaID: u.phone}
		if m.FromUserID != "" {
			c.UserID = m.FromUserID
		}
		out.Contacts = []waContact{c}
	}
	return out
}

func (n native) message(typ string, u user) *message {
	at := n.tick()
	m := &message{From: u.phone, ID: n.id(u, false), Timestamp: epochString(at), Type: typ}
	if n.cloud && n.chance(0.1) {
		m.FromUserID = n.bsuid(u)
	}
	lang := u.country.lang
	switch typ {
	case "text":
		m.Text = &textBody{Body: n.text(lang)}
		switch {
		case n.chance(0.15):
			m.Context = &msgContext{From: n.biz.phone, ID: n.id(u, true)}
		case n.chance(0.05):
			m.Context = &msgContext{Forwarded: true}
		case n.chance(0.03):
			m.Context = &msgContext{FrequentlyForwarded: true}
		}
		if n.cloud && n.chance(0.08) {
			m.Referral = n.referral()
		}
	case "image", "audio", "video", "document", "sticker", "voice":
		md := n.media(typ, lang, at)
		switch typ {
		case "image":
			m.Image = md
		case "audio":
			m.Audio = md
		case "video":
			m.Video = md
		case "document":
			m.Document = md
		case "sticker":
			m.Sticker = md
		case "voice":
			m.Voice = md
		}
	case "location":
		lat, lon := n.coords(u.country)
		m.Location = &location{Latitude: lat, Longitude: lon}
		if n.chance(0.5) {
			m.Location.Name = n.pick(u.country.cities)
			m.Location.Address = n.street(u.country)
			if n.chance(0.3) {
				m.Location.URL = "https://www." + n.biz.websiteHost + "/lojas"
			}
		}
	case "contacts":
		m.Contacts = n.cards(u.country)
	case "button":
		q := quickReplies[n.rng.IntN(len(quickReplies))]
		m.Context = &msgContext{From: n.biz.phone, ID: n.id(u, true)}
		m.Button = &button{Payload: q.payload, Text: q.text}
	case "interactive":
		m.Context = &msgContext{From: n.biz.phone, ID: n.id(u, true)}
		m.Interactive = n.interactive(lang)
	case "order":
		m.Order = n.order(u)
	case "system":
		m.System = n.system(u)
	case "reaction":
		m.Reaction = &reaction{MessageID: n.id(u, true)}
		if !n.chance(0.1) { // removed reactions carry no emoji
			m.Reaction.Emoji = n.pick(emoji)
		}
	case "unknown":
		m.Errors = []waError{{Code: 501, Details: "Message type is not currently supported", Title: "Unknown message type"}}
	case "unsupported":
		m.Errors = []waError{{Code: 131051, Title: "Message type unknown", Message: "Message type unknown",
			ErrorData: &errorData{Details: "Message type is currently not supported."}}}
		m.Unsupported = &unsupported{Type: n.pick([]string{"poll", "event", "button", "view_once"})}
	case "request_welcome":
	case "edit":
		m.Edit = &edit{OriginalMessageID: n.id(u, false), Message: editedMessage{Type: "text", Text: &textBody{Body: n.text(lang)}}}
	case "revoke":
		m.Revoke = &revoke{OriginalMessageID: n.id(u, false)}
	}
	return m
}

func (n native) media(typ string, lang language, at time.Time) *media {
	mime, ext := n.mime(typ)
	md := &media{MimeType: mime, SHA256: n.sha256(n.cloud)}
	if n.cloud {
		md.ID = n.digits(16)
		md.URL = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=" + md.ID + "&ext=" + epochString(at) +
			"&hash=AT" + n.token(28)
		if typ == "audio" && strings.HasPrefix(mime, "audio/ogg") {
			md.Voice = n.chance(0.7)
		}
	} else {
		md.ID = n.uuid()
		md.File = "/usr/local/wamedia/shared/" + strings.ReplaceAll(md.ID, "-", "")
		md.Status = "downloaded"
	}
	switch typ {
	case "image", "video":
		if n.chance(0.5) {
			md.Caption = n.caption(lang)
		}
	case "document":
		md.Filename = n.pick(docNames[lang]) + "." + ext
		if n.chance(0.3) {
			md.Caption = n.caption(lang)
		}
	case "sticker":
		animated := n.chance(0.3)
		md.Animated = &animated
		if !n.cloud && n.chance(0.4) {
			md.Metadata = &stickerMetadata{
				PackID: n.uuid(), PackName: n.pick([]string{"Happy New Year", "Gatinhos 🐱", "Memes del día"}),
				PackPublisher: n.pick(countries[0].names), Emojis: []string{n.pick(emoji), n.pick(emoji)},
				IOSAppStoreLink:     "https://apps.apple.com/app/id" + n.digits(9),
				AndroidAppStoreLink: "https://play.google.com/store/apps/details?id=com.example.stickers",
			}
		}
	}
	return md
}

// token returns n base64url characters.
func (g *Generator) token(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = b64chars[g.rng.IntN(64)]
	}
	return string(b)
}

func (n native) referral() *referral {
	r := &referral{
		SourceURL: "https://fb.me/" + n.token(9), SourceID: n.digits(15), SourceType: n.pick([]string{"ad", "post"}),
		Body: "Frete grátis em todo o site 🚚 & 10% no Pix", Headline: "Promoção de verão",
		CtwaClid: "ARA" + n.token(40),
	}
	if n.chance(0.5) {
		r.MediaType, r.ImageURL = "image", "https://scontent.xx.fbcdn.net/v/t45.1600-4/"+n.digits(9)+"_n.jpg"
	} else {
		r.MediaType = "video"
		r.VideoURL = "https://video.xx.fbcdn.net/v/t42.1790-2/" + n.digits(9) + "_n.mp4"
		r.ThumbnailURL = "https://scontent.xx.fbcdn.net/v/t15.5256-10/" + n.digits(9) + "_n.jpg"
	}
	return r
}

func (n native) interactive(lang language) *interactive {
	choices := 3
	if n.cloud {
		choices = 4
	}
	switch n.rng.IntN(choices) {
	case 0:
		r := buttonReplies[n.rng.IntN(len(buttonReplies))]
		return &interactive{Type: "button_reply", ButtonReply: &reply{ID: r.id, Title: r.title}}
	case 1:
		r := listRows[n.rng.IntN(len(listRows))]
		return &interactive{Type: "list_reply", ListReply: &reply{ID: r.id, Title: r.title, Description: r.desc}}
	case 2:
		u := n.user(n.biz.country)
		first, _, _ := strings.Cut(u.name, " ")
		resp := flowResponse{FlowToken: n.uuid(), FirstName: first,
			Email:    strings.ToLower(asciiFold(first)) + "@example.com",
			Products: []string{n.pick([]string{"mobile", "fibra", "tv"}), "data"},
			Comment:  n.text(lang)}
		b, _ := json.Marshal(resp)
		return &interactive{Type: "nfm_reply", NfmReply: &nfmReply{ResponseJSON: string(b), Body: "Sent", Name: "flow"}}
	}
	return &interactive{Type: "call_permission_reply", CallPermissionReply: &callPermissionReply{
		Response: n.pick([]string{"accept", "reject"}), IsPermanent: n.chance(0.3),
		ExpirationTimestamp: n.clock.Add(7 * 24 * time.Hour).Unix(), ResponseSource: "user_action"}}
}

func (n native) order(u user) *order {
	o := &order{CatalogID: n.biz.catalog}
	if n.chance(0.5) {
		o.Text = n.text(u.country.lang)
	}
	c := n.biz.country
	items := 1 + n.rng.IntN(3)
	start := n.rng.IntN(len(skus))
	for i := range items {
		o.ProductItems = append(o.ProductItems, productItem{
			ProductRetailerID: skus[(start+i)%len(skus)], Quantity: 1 + n.rng.IntN(4),
			ItemPrice: n.price(c), Currency: c.currency,
		})
	}
	return o
}

func (n native) system(u user) *system {
	newPhone := n.phone(u.country)
	if n.cloud {
		return &system{Body: "User " + u.name + " changed from " + u.phone + " to " + newPhone, WaID: newPhone, Type: "user_changed_number"}
	}
	if n.chance(0.5) {
		return &system{Body: "User " + u.name + " changed from +" + u.phone + " to +" + newPhone, NewWaID: newPhone, Type: "user_changed_number"}
	}
	return &system{Body: "Security code changed for " + u.name, Identity: n.token(11) + "=", Type: "user_identity_changed", User: u.phone}
}

var failures = []waError{
	{Code: 131047, Title: "Re-engagement message", Details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
	{Code: 131026, Title: "Message undeliverable", Details: "Message failed to send because the recipient's phone number is not a WhatsApp number or cannot receive messages."},
	{Code: 131049, Title: "This message was not delivered to maintain healthy ecosystem engagement.", Details: "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."},
}

var onPremFailures = []waError{
	{Code: 470, Title: "Failed to send message because you are outside the support window for freeform messages to this user. Please use a valid HSM notification or reconsider."},
	{Code: 1013, Title: "User is not valid"},
	{Code: 1026, Title: "Receiver Incapable", Details: "The message could not be delivered: the recipient's app version does not support it"},
}

func (n native) status(u user) *status {
	at := n.tick()
	st := &status{ID: n.id(u, true), Timestamp: epochString(at), RecipientID: u.phone}
	states := []string{"sent", "delivered", "read", "read", "failed"}
	if n.cloud {
		states = append(states, "played")
	} else {
		states = append(states, "deleted")
	}
	st.Status = n.pick(states)
	if st.Status == "failed" {
		if n.cloud {
			e := failures[n.rng.IntN(len(failures))]
			st.Errors = []waError{{Code: e.Code, Title: e.Title, Message: e.Title, ErrorData: &errorData{Details: e.Details},
				Href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}}
		} else {
			st.Errors = []waError{onPremFailures[n.rng.IntN(len(onPremFailures))]}
		}
		return st
	}
	if st.Status == "deleted" || st.Status == "played" || n.chance(0.3) {
		return st
	}
	billable := true
	if n.cloud {
		st.Pricing = &pricing{Billable: &billable, PricingModel: "PMP",
			Category: n.pick([]string{"utility", "marketing", "service", "authentication"}),
			Type:     n.pick([]string{"regular", "free_customer_service"})}
		if st.Pricing.Type == "free_customer_service" || st.Pricing.Category == "service" {
			billable = false
			st.Pricing.Category, st.Pricing.Type = "service", "free_customer_service"
		}
		if st.Status == "sent" && n.chance(0.3) {
			st.Conversation = &conversation{ID: hex.EncodeToString(n.bytes(16)),
				ExpirationTimestamp: epochString(at.Add(24 * time.Hour)), Origin: &convOrigin{Type: "service"}}
		}
		return st
	}
	origin := n.pick([]string{"user_initiated", "business_initiated", "referral_conversion"})
	st.Conversation = &conversation{ID: hex.EncodeToString(n.bytes(16)), Origin: &convOrigin{Type: origin}}
	if st.Status == "sent" {
		st.Conversation.ExpirationTimestamp = epochString(at.Add(24 * time.Hour))
	}
	st.Pricing = &pricing{Billable: &billable, PricingModel: "CBP", Category: origin}
	return st
}
