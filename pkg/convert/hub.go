package convert

// The hub is what every conversion goes through: a native WhatsApp
// notification (the union of what On-Premises and the Cloud API can say),
// grouped by business number. Readers fill it from one format; writers emit
// another format from it and leave out what that format cannot carry.
// Readers never decide what is lost: Convert finds losses by converting the
// output back and comparing (see diff.go), so nothing can be dropped
// without being reported.
//
// Values are kept as JSON text ("" = absent): what is copied from the input
// keeps its exact spelling, and computed values are encoded once.

// doc is one converted payload.
type doc struct {
	groups []group
}

// group is one Cloud API change value, one run of Sinch items from the
// same business number, or the whole of an On-Premises body.
type group struct {
	off        int    // offset of the group's object in the input
	business   string // business number, decoded ("" = unknown)
	phoneID    string // Cloud metadata.phone_number_id (raw)
	contacts   []contact
	messages   []message
	statuses   []status
	errors     []apiErr
	noContacts bool // the source said contacts: [] (kept for native targets)
	noErrors   bool // the source said errors: []
}

func (g *group) reset() {
	*g = group{contacts: g.contacts[:0], messages: g.messages[:0], statuses: g.statuses[:0], errors: g.errors[:0]}
}

// contact is a sender in contacts[].
type contact struct {
	off             int
	waID            string // raw
	waIDS           string
	hasProfile      bool
	name            string // raw profile.name
	username        string // raw profile.username (Cloud)
	userID          string // raw (Cloud BSUID)
	parentUserID    string
	identityKeyHash string
}

// message is one inbound message.
type message struct {
	off      int
	from     string // raw
	fromS    string
	fromUID  string // raw from_user_id (Cloud)
	fromPUID string // raw from_parent_user_id (Cloud)
	id       string // raw
	idS      string
	ts       string // raw timestamp (digit string)
	tsS      string
	sec      int64 // time computed from another format (hasSec)
	hasSec   bool
	typ      string // native type name: text, image, voice, unknown, …
	groupID  string // raw
	ctx      msgContext
	ref      referral
	identity val
	errors   []apiErr
	hasErrs  bool // an errors array, maybe empty

	text     string // raw text.body
	media    media
	loc      location
	cards    val       // contacts[] of a contacts message
	button   [2]string // raw text, payload
	inter    interactive
	order    val
	system   system
	reaction val
	unsupp   val // Cloud unsupported{type}

	// sinch carries what only a Sinch item knows, to rebuild contacts.
	sender senderProfile
}

// senderProfile is a Sinch item's userProfile: who sent it.
type senderProfile struct {
	present bool
	waID    string // decoded whatsAppId, or source
	waIDRaw string
	name    string // raw
}

type media struct {
	id, mime, sha, caption, filename, animated string // raw
	url                                        string // raw: Cloud url, Sinch mediaUrl
	link                                       string // raw: On-Premises link
	voice                                      string // raw: Cloud audio.voice
	metadata                                   val
}

type location struct {
	lat, long, name, address, url string // raw
}

type msgContext struct {
	present             bool
	from, id, groupID   string // raw
	forwarded, frequent string // raw booleans
	mentions            val
	product             val // referred_product
}

type referral struct {
	present                bool
	null                   bool // Sinch "referral": null
	headline, body         string
	sourceType, sourceID   string
	sourceURL, mediaType   string
	imageURL, videoURL     string // Cloud image_url/video_url; On-Prem image/video link; Sinch mediaUrl
	thumbnailURL, ctwaClid string
	welcome                val
}

type interactive struct {
	present  bool
	typ      string // decoded native type (button_reply, list_reply, …)
	id       string // raw reply id
	title    string // raw reply title
	desc     string // raw list_reply.description
	body     val
	hasReply bool
}

type system struct {
	present                                        bool
	body, typ, newWaID, waID, identity, user, cust string // raw
	userID, parentUserID                           string
	typS                                           string
}

// apiErr is an error object in either shape: On-Premises {code, title,
// details, href}, Cloud {code, title, message, error_data{details}, href}.
type apiErr struct {
	off         int
	code, title string // raw
	details     string // raw top-level details
	dataDetails string // raw error_data.details
	message     string // raw
	href        string
}

// status is one outbound-message receipt.
type status struct {
	off          int
	id, idS      string
	st           string // decoded status
	stRaw        string
	ts, tsS      string
	sec          int64
	hasSec       bool
	recipientID  string
	typ          string // raw ("message")
	conversation val
	pricing      val
	errors       []apiErr
	hasErrs      bool
	// Cloud only
	recipientType, participantID, recipientUserID, parentRecipientUserID, identityKeyHash, bizOpaque string
}
