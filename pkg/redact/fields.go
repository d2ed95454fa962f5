package redact

import "strings"

// kind is what a value is, as far as redaction goes.
type kind uint8

const (
	kFree               kind = iota // text kept, scrubbed of known identifiers
	kKeep                           // never changed
	kBusiness                       // the business's number: kept, remembered
	kPhone                          // a person's phone number or wa_id
	kMaybeBusinessPhone             // context.from: the business number or a person's
	kBSUID                          // business-scoped user id
	kOpaque                         // message, media, group… id
	kName                           // a person's name
	kUsername                       // a username
	kEmail                          // an e-mail address
	kStreet                         // street or zip of an address
	kBirthday                       // a date of birth
	kEmpty                          // emptied (contact_image)
	kURL                            // a media URL: ids inside replaced
	kContactURL                     // a contact's URL (free text)
	kFile                           // a media file path
	kCoord                          // latitude or longitude
	kGeoPoint                       // Sinch "lat,long"
	kText                           // free text (replaced with Options.Text)
	kFilename                       // a document's file name (free text)
	kSystemBody                     // a system message's text
	kResponseJSON                   // a Flow response: JSON in a string
)

// mediaObjects are the keys of media objects, whose id, file, link and url
// identify the media (and, through it, the user).
var mediaObjects = map[string]bool{
	"image": true, "video": true, "audio": true, "voice": true, "document": true, "sticker": true,
}

// classify decides what the value at key, inside the object or array held
// by parent, is. The field names are those of the three formats, which do
// not clash where it matters (source and destination only exist in Sinch,
// wa_id and from only in the native formats), so no format detection is
// needed and payloads of unknown format are redacted too.
func classify(key, parent string) kind {
	switch key {
	case "from":
		if parent == "context" {
			return kMaybeBusinessPhone
		}
		return kPhone
	case "wa_id", "new_wa_id", "recipient_id", "recipient_participant_id", "mentions", "phone",
		"source", "destination", "whatsAppId":
		return kPhone
	case "user", "customer":
		if parent == "system" {
			return kPhone
		}
	case "origin", "display_phone_number":
		return kBusiness
	case "phone_number_id", "timestamp", "type", "mime_type", "mimeType", "sha256", "status",
		"messaging_product", "object", "field", "currency", "recipient_type", "expiration_timestamp",
		"category", "pricing_model", "receivedDate", "catalog_id", "product_retailer_id", "emoji",
		"source_type", "sourceType", "media_type", "mediaType", "flow_token":
		return kKeep
	case "id":
		switch parent {
		case "entry", "button_reply", "list_reply":
			return kKeep // the WABA id; reply ids the business defined
		}
		return kOpaque
	case "message_id", "original_message_id", "messageId", "group_id", "waGroupId", "ctwa_clid",
		"identity_key_hash", "recipient_identity_key_hash", "identity", "conversationID":
		return kOpaque
	case "hash":
		if parent == "identity" {
			return kOpaque
		}
	case "name":
		switch parent {
		case "nfm_reply":
			return kKeep // "flow", "address_message"
		case "location":
			return kText
		}
		return kName
	case "first_name", "last_name", "middle_name", "formatted_name":
		return kName
	case "username":
		return kUsername
	case "user_id":
		if parent == "ims" {
			return kUsername
		}
		return kBSUID
	case "email":
		return kEmail
	case "street", "zip":
		return kStreet
	case "birthday":
		return kBirthday
	case "contact_image":
		return kEmpty
	case "file":
		if mediaObjects[parent] {
			return kFile
		}
	case "link":
		if mediaObjects[parent] {
			return kURL
		}
	case "url":
		switch {
		case mediaObjects[parent]:
			return kURL
		case parent == "urls":
			return kContactURL
		}
	case "mediaUrl":
		if parent == "message" {
			return kURL
		}
	case "latitude", "longitude":
		return kCoord
	case "geoPoint":
		return kGeoPoint
	case "body":
		switch parent {
		case "system":
			return kSystemBody
		case "nfm_reply":
			return kKeep // "Sent"
		}
		return kText
	case "caption", "messageText", "headline", "headLine", "rowTitle", "description", "text",
		"address", "company", "department":
		return kText
	case "title":
		switch parent {
		case "button_reply", "list_reply", "buttonReply", "org":
			return kText
		}
	case "filename":
		return kFilename
	case "response_json":
		return kResponseJSON
	}
	if strings.HasSuffix(key, "user_id") || strings.Contains(key, "bsuid") {
		return kBSUID
	}
	return kFree
}

// genericKind classifies the values of documents of unknown structure —
// the answers a user typed into a WhatsApp Flow — by their key alone.
func genericKind(key string) kind {
	k := strings.ToLower(key)
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(k, s) {
				return true
			}
		}
		return false
	}
	switch {
	case k == "flow_token":
		return kKeep
	case has("mail"):
		return kEmail
	case has("phone", "mobile", "whatsapp", "wa_id", "celular", "telefone", "telefono") || k == "tel":
		return kPhone
	case has("username", "user_name", "login", "handle"):
		return kUsername
	case has("name", "nome", "nombre", "surname", "apellido"):
		return kName
	case has("birth", "nascimento", "nacimiento") || k == "dob":
		return kBirthday
	case has("address", "street", "zip", "postal", "cep", "endereco", "direccion"):
		return kStreet
	}
	return kText
}
