package spec

import (
	"strconv"
	"strings"
)

// Role says what a field's value means, beyond its shape: a phone number,
// a person's name, free text, an id, a point in time… The tables declare
// it once per field, and every command that must find such values — redact
// (what identifies people), replay --fresh (ids and times to renew), the
// generator — walks the tables by role (WalkRoles) instead of keeping its
// own list of field names.
type Role uint8

// Roles. A field without one (NoRole) holds what the format or the
// business defines: types, enums, MIME types, hashes, amounts, button
// payloads, business-defined ids.
const (
	NoRole Role = iota
	// RolePhone is a phone number or WhatsApp id (wa_id, from, Sinch
	// source, a Conversation API identity, a contact card's phone).
	RolePhone
	// RoleUserID is a business-scoped user id (BSUID: US.1349…, CC.ENT.…).
	RoleUserID
	// RoleName is a person's name, or a part of one.
	RoleName
	// RoleUsername is a username or an instant-messaging handle.
	RoleUsername
	// RoleEmail is an e-mail address.
	RoleEmail
	// RoleText is free text a person wrote: message bodies, captions,
	// titles and descriptions of the rows they chose, location names,
	// Flow answers, raw messages.
	RoleText
	// RoleDetail is text the platform wrote about a message (error titles
	// and details, failure descriptions): not the person's words, but it
	// may quote their number or address.
	RoleDetail
	// RoleMediaURL is where a medium can be downloaded: its path and query
	// carry ids that lead to the medium, and through it to the person.
	RoleMediaURL
	// RoleLink is a web address a person gave (a contact card's URL, a
	// shared location's page).
	RoleLink
	// RoleFilePath is where a medium is stored on the receiver's side.
	RoleFilePath
	// RoleFileName is a document's file name as the person sent it.
	RoleFileName
	// RoleTime is a point in time; its encoding (epoch seconds as a
	// string, epoch milliseconds as a number, an ISO-8601 date-time) is
	// the one its value check declares (Field.TimeFormat).
	RoleTime
	// RoleMessageID is the id an item is known by — a message's id, the
	// id of the message a status reports on — which receivers use to
	// tell a new delivery from a retry.
	RoleMessageID
	// RoleID is any other identifier: ids of the messages an item refers
	// to (a reply's context, a reaction, an edit), of media,
	// conversations, contacts, sessions and groups, identity hashes, ad
	// click ids.
	RoleID
	// RoleAddress is a street or postal code of a postal address.
	RoleAddress
	// RoleBirthday is a date of birth.
	RoleBirthday
	// RoleCoordinate is a latitude or a longitude, as a number.
	RoleCoordinate
	// RoleGeoPoint is "latitude,longitude" in one string.
	RoleGeoPoint
	// RolePicture is a picture of a person carried in the payload
	// (base64).
	RolePicture
	numRoles
)

var roleNames = [numRoles]string{NoRole: "none", RolePhone: "phone", RoleUserID: "user-id", RoleName: "name",
	RoleUsername: "username", RoleEmail: "email", RoleText: "text", RoleDetail: "detail", RoleMediaURL: "media-url",
	RoleLink: "link", RoleFilePath: "file-path", RoleFileName: "file-name", RoleTime: "time",
	RoleMessageID: "message-id", RoleID: "id", RoleAddress: "address", RoleBirthday: "birthday",
	RoleCoordinate: "coordinate", RoleGeoPoint: "geo-point", RolePicture: "picture"}

func (r Role) String() string {
	if r < numRoles {
		return roleNames[r]
	}
	return "role(" + strconv.Itoa(int(r)) + ")"
}

// Roles lists every role but NoRole.
func Roles() []Role {
	out := make([]Role, 0, numRoles-1)
	for r := NoRole + 1; r < numRoles; r++ {
		out = append(out, r)
	}
	return out
}

// Party says whose a value is: the person's (the default), the
// business's own (its number, its account and app ids — what redaction
// keeps), or either, as the payload tells (a reply's context.from names
// the business when the person answers one of its messages, and the
// person when they quote their own).
type Party uint8

// Parties.
const (
	PartyPerson Party = iota
	PartyBusiness
	PartyEither
)

func (p Party) String() string {
	switch p {
	case PartyBusiness:
		return "business"
	case PartyEither:
		return "either"
	}
	return "person"
}

// TimeFormat is how a time is written.
type TimeFormat uint8

// Time formats.
const (
	TimeUnknown TimeFormat = iota
	// UnixSeconds is epoch seconds: "1518694235" (or, as some senders
	// write it, the number).
	UnixSeconds
	// UnixMillis is epoch milliseconds: 1518694235120.
	UnixMillis
	// ISO8601 is a date-time such as 2017-12-18T17:09:31.473Z.
	ISO8601
)

func (t TimeFormat) String() string {
	switch t {
	case UnixSeconds:
		return "unix-seconds"
	case UnixMillis:
		return "unix-milliseconds"
	case ISO8601:
		return "date-time"
	}
	return "unknown"
}

// TimeFormat returns the encoding of a time field: the one its value
// checks declare, else the one raw (the value's JSON text) shows — 13
// digits or more are milliseconds, fewer seconds, a string with a T a
// date-time — else TimeUnknown.
func (fd *Field) TimeFormat(raw string) TimeFormat {
	if fd != nil {
		for _, c := range fd.Checks {
			if c.Time != TimeUnknown {
				return c.Time
			}
		}
	}
	s := strings.Trim(raw, `"`)
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			digits = -1
			break
		}
		digits++
	}
	switch {
	case digits >= 13:
		return UnixMillis
	case digits >= 9:
		return UnixSeconds
	case len(raw) > 2 && raw[0] == '"' && len(s) >= 16 && s[4] == '-' && s[10] == 'T':
		return ISO8601
	}
	return TimeUnknown
}

// GuessRole guesses the role of a value no table describes (a member of
// an open object, such as the answers of a WhatsApp Flow, or one a format
// does not document) from the words of its member name, in the languages
// of wamo's markets. It returns NoRole when the name says nothing; callers
// that must not let identifying values through then treat the value as
// free text.
func GuessRole(key string) Role {
	k := strings.ToLower(key)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(k, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("mail"):
		return RoleEmail
	case has("phone", "mobile", "whatsapp", "wa_id", "celular", "telefone", "telefono", "msisdn") || k == "tel":
		return RolePhone
	case has("username", "user_name", "login", "handle"):
		return RoleUsername
	case has("name", "nome", "nombre", "surname", "apellido"):
		return RoleName
	case has("birth", "nascimento", "nacimiento") || k == "dob":
		return RoleBirthday
	case has("address", "street", "zip", "postal", "cep", "endereco", "direccion"):
		return RoleAddress
	}
	return NoRole
}

// roleAudit reports the role declarations of fd that contradict
// themselves or its checks.
func roleAudit(where string, fd *Field) []string {
	var problems []string
	for _, c := range fd.Checks {
		if c.Role != NoRole && fd.Role != c.Role {
			problems = append(problems, where+": checked as "+c.Name+" but its role is "+fd.Role.String()+", not "+c.Role.String())
		}
		if c.Time != TimeUnknown && fd.Role != RoleTime {
			problems = append(problems, where+": checked as a time ("+c.Name+") without the time role")
		}
	}
	switch {
	case fd.Role >= numRoles:
		problems = append(problems, where+": unknown role")
	case fd.Party == PartyBusiness && fd.Role != RolePhone && fd.Role != RoleID:
		problems = append(problems, where+": only phone numbers and ids belong to the business")
	case fd.Party == PartyEither && fd.Role != RolePhone:
		problems = append(problems, where+": only phone numbers may be either party's")
	}
	return problems
}
