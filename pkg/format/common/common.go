// Package common holds what the Sinch and native WhatsApp formats share:
// checks of phone-like ids, timestamps, coordinates, MIME types, URLs and
// hashes, and the vCard-like contact card that all three formats carry.
// format/sinch and format/whatsapp both build on it and never import each
// other.
package common

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// rules catalogues the rules for value formats shared by the formats.
var rules = diag.NewCatalogue("all")

// Rules for value formats shared by the formats.
var (
	RulePhoneDigits     = rules.Add("format.phone-digits", diag.Error, "a phone-like id (wa_id, from, recipient_id, Sinch source/origin/whatsAppId) is not a string of ASCII digits (no +, spaces or dashes)", CloudMessages+" (wa_id, from); "+SinchMO+" (source, origin); "+E164)
	RulePhoneLength     = rules.Add("format.phone-length", diag.Warning, "a phone-like id has fewer than 8 or more than 15 digits (E.164 allows at most 15)", E164)
	RuleTimestamp       = rules.For("whatsapp,cloud").Add("format.timestamp", diag.Error, "a timestamp is not Unix epoch seconds written as a string of 9 to 11 digits", CloudMessages+" (timestamp: Unix seconds as a string); "+OnPremInbound)
	RuleEpochMillis     = rules.For("sinch").Add("format.epoch-ms", diag.Error, "a Sinch time (receivedAt, mtSentAt, session.createdAt, sentAt…) is not an integer of Unix epoch milliseconds (13 digits)", SinchMOPT+" (receivedAt: Long, Unix time in milliseconds)")
	RuleISODate         = rules.For("sinch").Add("format.iso8601", diag.Error, "a Sinch date (receivedDate, sentDate…) is not an ISO-8601 date-time such as 2017-12-18T17:09:31.473Z", SinchMO+" (receivedDate)")
	RuleGeoPoint        = rules.For("sinch").Add("format.geopoint", diag.Error, "a Sinch geoPoint is not \"latitude,longitude\" in decimal degrees within range", SinchMO+" (Location table: geoPoint)")
	RuleCoordinates     = rules.For("whatsapp,cloud").Add("format.coordinates", diag.Error, "latitude outside [-90, 90] or longitude outside [-180, 180]", CloudMessages+" (location: latitude, longitude)")
	RuleMimeType        = rules.Add("format.mime-type", diag.Error, "a MIME type is not of the form type/subtype[; parameters]", MediaTypes)
	RuleMimeNonStandard = rules.Add("format.mime-nonstandard", diag.Warning, "a MIME type that is not registered (image/jpg for image/jpeg), or a sticker that is not image/webp", MediaTypes+"; "+CloudMessages+" (sticker: image/webp)")
	RuleURL             = rules.Add("format.url", diag.Warning, "a URL is not an absolute http(s) URL (documentation examples often hold placeholders such as https://...)", SinchMO+" (mediaUrl); "+CloudMessages+" (media url)")
	RuleSHA256          = rules.For("whatsapp,cloud").Add("format.sha256", diag.Warning, "a media sha256 is neither 64 hex digits (On-Premises) nor 44 characters of base64 (Cloud API)", OnPremInbound+" (hex); "+CloudMessages+" (base64)")
	RuleNonEmpty        = rules.Add("format.non-empty", diag.Error, "an id or required text is an empty string", CloudMessages+"; "+SinchMO)
	RuleBSUID           = rules.For("cloud").Add("format.bsuid", diag.Error, "a business-scoped user id is not CC.<alphanumerics> or CC.ENT.<alphanumerics> (CC = ISO country code)", BSUIDDoc)
	RuleCurrency        = rules.For("whatsapp,cloud").Add("format.currency", diag.Error, "a currency is not a three-letter ISO 4217 code", ISO4217+"; "+CloudMessages+" (order: currency)")
	RuleDate            = rules.Add("format.date", diag.Warning, "a contact birthday is not YYYY-MM-DD", SinchMO+" (Contact table: birthday)")
	RulePlaceholder     = rules.Add("format.placeholder", diag.Warning, "a value looks like a documentation placeholder (<…>, ..., PHONE_NUMBER) rather than real data", SinchMO+" and "+OnPremInbound+" (their examples hold such placeholders)")
)

// Rules lists the rules of this package.
func Rules() []*diag.Rule { return rules.Rules() }

// FirstOf returns the first of s that is not empty ("" when all are).
func FirstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// LooksLikePlaceholder reports whether s reads like a value left from a
// documentation template: <SOMETHING>, ..., or letters-only words one of
// which names what should be there (PHONE_NUMBER, TIMESTAMP, sender_wa_id,
// message-ID, number-of-items). It reads s once, without allocating:
// it runs on every message id.
func LooksLikePlaceholder(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return false
	}
	if t[0] == '<' && t[len(t)-1] == '>' {
		return true
	}
	if onlyEllipsis(t) {
		return true
	}
	if !allBytes(t, wordByte) { // digits and other characters: real data
		return false
	}
	found := false
	for len(t) > 0 {
		i := strings.IndexAny(t, "_-")
		word := t
		if i >= 0 {
			word, t = t[:i], t[i+1:]
		} else {
			t = ""
		}
		if !wordLike(word) {
			return false // e.g. a base64 id that happens to end in "_id"
		}
		for _, w := range placeholderWords {
			if strings.EqualFold(word, w) {
				found = true
			}
		}
	}
	return found
}

// onlyEllipsis reports whether t is made of dots and ellipses only
// (strings.Trim with a non-ASCII cutset decodes runes: a cost on every id).
func onlyEllipsis(t string) bool {
	for t != "" {
		switch {
		case t[0] == '.':
			t = t[1:]
		case strings.HasPrefix(t, "…"):
			t = t[len("…"):]
		default:
			return false
		}
	}
	return true
}

// wordLike reports whether w reads as a word: short, and lower case, upper
// case or capitalised (random ids mix cases).
func wordLike(w string) bool {
	if len(w) > 16 {
		return false
	}
	upper := 0
	for i := 0; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' {
			upper++
		}
	}
	return upper == 0 || upper == len(w) || upper == 1 && w[0] >= 'A' && w[0] <= 'Z'
}

// placeholderWords are words of documentation placeholders
// ("customer-whatsapp-ID", "message_timestamp", "number-of-items").
var placeholderWords = []string{"id", "timestamp", "number", "phone", "price", "currency", "items", "hash", "sender", "token"}

func placeholderNote(s string) string {
	if LooksLikePlaceholder(s) {
		return " (looks like a documentation placeholder)"
	}
	return ""
}

// Phone checks a phone-like id: digits only (error); the length check is
// the separate PhoneLength value so that it can carry its own severity.
var Phone = &spec.Value{
	Name: "wa-id", Rule: RulePhoneDigits, Pattern: `^[0-9]+$`, Role: spec.RolePhone,
	Doc: "phone number with country code, digits only, no +",
	Check: func(v gjson.Result) string {
		s := v.Str
		if jsonlex.Digits(s) {
			return ""
		}
		if strings.HasPrefix(s, "+") && jsonlex.Digits(s[1:]) {
			return "must be digits only without the leading +: " + strconv.Quote(s)
		}
		return "must be digits only (country code included, no +, spaces or dashes), got " + strconv.Quote(clip(s)) + placeholderNote(s)
	},
}

// PhoneLength warns about implausible phone-number lengths (only for
// values that are digits, so that one problem gives one finding).
var PhoneLength = &spec.Value{
	Name: "wa-id-length", Rule: RulePhoneLength, Role: spec.RolePhone,
	Check: func(v gjson.Result) string {
		s := v.Str
		if !jsonlex.Digits(s) || len(s) >= 8 && len(s) <= 15 {
			return ""
		}
		return "has " + strconv.Itoa(len(s)) + " digits; phone numbers with country code have 8 to 15"
	},
}

// PhoneChecks are the checks of every phone-like id, in order.
var PhoneChecks = []*spec.Value{Phone, PhoneLength}

// RuleNumericID is reported for Cloud ids documented as digit strings.
var RuleNumericID = rules.For("cloud").Add("format.numeric-id", diag.Error, "an id documented as digits (metadata.phone_number_id, entry[].id) holds something else", CloudMessages+" (metadata.phone_number_id, entry id)")

// Digits is a numeric id written as a string.
var Digits = &spec.Value{
	Name: "numeric-id", Rule: RuleNumericID, Pattern: `^[0-9]+$`,
	Doc: "numeric id written as a string of digits",
	Check: func(v gjson.Result) string {
		if jsonlex.Digits(v.Str) {
			return ""
		}
		return "must be a string of digits, got " + strconv.Quote(clip(v.Str)) + placeholderNote(v.Str)
	},
}

// Timestamp is Unix epoch seconds as a digit string ("1518694235").
var Timestamp = &spec.Value{
	Name: "unix-seconds-string", Rule: RuleTimestamp, Pattern: `^[0-9]{9,11}$`, Role: spec.RoleTime, Time: spec.UnixSeconds,
	Doc: "Unix epoch seconds written as a string of digits",
	Check: func(v gjson.Result) string {
		s := v.Str
		if !jsonlex.Digits(s) {
			return "must be Unix epoch seconds as a string of digits, got " + strconv.Quote(clip(s)) + placeholderNote(s)
		}
		switch n := len(s); {
		case n == 13:
			return "has 13 digits: milliseconds, but the field holds epoch seconds (" + s + ")"
		case n < 9 || n > 11:
			return "is not a plausible epoch-seconds value (" + s + ")"
		}
		return ""
	},
}

// RuleTimestampNumber is reported for secondary timestamps sent as numbers.
var RuleTimestampNumber = rules.For("whatsapp,cloud").Add("format.timestamp-number", diag.Warning, "a secondary timestamp (conversation.expiration_timestamp) sent as a JSON number where the reference shows a digit string", CloudStatus+" (conversation.expiration_timestamp)")

// LooseTimestamp accepts epoch seconds as a digit string, or as a number
// with a warning.
var LooseTimestamp = &spec.Value{
	Name: "unix-seconds", Rule: RuleTimestamp, Role: spec.RoleTime, Time: spec.UnixSeconds,
	Doc: "Unix epoch seconds, documented as a string of digits",
	Check: func(v gjson.Result) string {
		switch v.Type {
		case gjson.String:
			return Timestamp.Check(v)
		case gjson.Number:
			return ""
		}
		return "must be epoch seconds, got " + spec.Describe(v)
	},
}

// EpochMillis is a Sinch time: an integer of Unix epoch milliseconds.
var EpochMillis = &spec.Value{
	Name: "unix-milliseconds", Rule: RuleEpochMillis, Role: spec.RoleTime, Time: spec.UnixMillis,
	Doc: "Unix epoch milliseconds (integer)",
	Check: func(v gjson.Result) string {
		if v.Type != gjson.Number {
			return ""
		}
		n := v.Num
		switch {
		case n < 0:
			return "must be a positive epoch-milliseconds value, got " + v.Raw
		case n >= 1e8 && n < 1e11:
			return "looks like epoch seconds (" + v.Raw + "); Sinch sends milliseconds (13 digits)"
		case n < 1e11 || n >= 1e14:
			return "is not a plausible epoch-milliseconds value (" + v.Raw + ")"
		}
		return ""
	},
}

// isoLayouts are the ISO-8601 shapes seen in the Sinch documents.
var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05Z0700",
}

// ParseISO parses the ISO-8601 date-times Sinch documents use.
func ParseISO(s string) (time.Time, bool) {
	for _, l := range isoLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ISODate is an ISO-8601 date-time ("2017-12-18T17:09:31.473Z").
var ISODate = &spec.Value{
	Name: "date-time", Rule: RuleISODate, Role: spec.RoleTime, Time: spec.ISO8601,
	Doc: "ISO-8601 date-time, UTC, with or without milliseconds",
	Check: func(v gjson.Result) string {
		if _, ok := ParseISO(v.Str); ok {
			return ""
		}
		return "is not an ISO-8601 date-time like 2017-12-18T17:09:31.473Z: " + strconv.Quote(clip(v.Str)) + placeholderNote(v.Str)
	},
}

// ParseGeoPoint splits a Sinch geoPoint "lat,long" (decimal degrees,
// optional spaces around the comma) into numbers.
func ParseGeoPoint(s string) (lat, long float64, ok bool) {
	i := strings.IndexByte(s, ',')
	if i < 0 {
		return 0, 0, false
	}
	a, b := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	if !isDecimal(a) || !isDecimal(b) {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(a, 64)
	long, err2 := strconv.ParseFloat(b, 64)
	return lat, long, err1 == nil && err2 == nil
}

// isDecimal matches -?digits(.digits)?
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	return jsonlex.Digits(intPart) && (!hasDot || jsonlex.Digits(frac))
}

// GeoPoint is the Sinch "latitude,longitude" string.
var GeoPoint = &spec.Value{
	Name: "geo-point", Rule: RuleGeoPoint, Role: spec.RoleGeoPoint, Pattern: `^\s*-?[0-9]+(\.[0-9]+)?\s*,\s*-?[0-9]+(\.[0-9]+)?\s*$`,
	Doc: `"latitude,longitude" in decimal degrees`,
	Check: func(v gjson.Result) string {
		lat, long, ok := ParseGeoPoint(v.Str)
		if !ok {
			return `must be "latitude,longitude" in decimal degrees, got ` + strconv.Quote(clip(v.Str))
		}
		if math.Abs(lat) > 90 || math.Abs(long) > 180 {
			return "is out of range (latitude within ±90, longitude within ±180): " + strconv.Quote(v.Str)
		}
		return ""
	},
}

// Latitude and Longitude are numbers in degrees.
var (
	Latitude = &spec.Value{Name: "latitude", Rule: RuleCoordinates, Role: spec.RoleCoordinate, Doc: "degrees, -90 to 90",
		Check: rangeCheck(90)}
	Longitude = &spec.Value{Name: "longitude", Rule: RuleCoordinates, Role: spec.RoleCoordinate, Doc: "degrees, -180 to 180",
		Check: rangeCheck(180)}
)

func rangeCheck(limit float64) func(v gjson.Result) string {
	return func(v gjson.Result) string {
		if v.Type == gjson.Number && math.Abs(v.Num) > limit {
			return "is out of range (±" + strconv.FormatFloat(limit, 'f', -1, 64) + "): " + v.Raw
		}
		return ""
	}
}

// isMimeType matches type/subtype with optional parameters (RFC 6838
// restricted-name characters), without the start-up cost of a regexp.
func isMimeType(s string) bool {
	typ, rest, ok := strings.Cut(s, "/")
	if !ok || !mimeToken(typ) {
		return false
	}
	sub := rest
	if i := strings.IndexByte(rest, ';'); i >= 0 {
		sub = rest[:i]
	}
	return mimeToken(strings.TrimRight(sub, " \t"))
}

func mimeToken(t string) bool {
	if t == "" || !isAlnum(t[0]) {
		return false
	}
	for i := 1; i < len(t); i++ {
		if c := t[i]; !isAlnum(c) && !strings.ContainsRune("!#$&^_.+-", rune(c)) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// MimeType is type/subtype with optional parameters.
var MimeType = &spec.Value{
	Name: "mime-type", Rule: RuleMimeType, Pattern: `^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*[ \t]*(;[\s\S]*)?$`,
	Doc: "MIME type, type/subtype with optional parameters",
	Check: func(v gjson.Result) string {
		if isMimeType(v.Str) {
			return ""
		}
		return "is not a MIME type (type/subtype): " + strconv.Quote(clip(v.Str))
	},
}

// MimeFamily returns the top-level type of a MIME type ("image" for "image/jpeg").
func MimeFamily(mime string) string {
	if i := strings.IndexByte(mime, '/'); i > 0 {
		return strings.ToLower(strings.TrimSpace(mime[:i]))
	}
	return ""
}

// URL is an absolute http(s) URL (a warning: documents hold placeholders).
var URL = &spec.Value{
	Name: "url", Rule: RuleURL, Pattern: `^https?://`,
	Doc: "absolute http(s) URL",
	Check: func(v gjson.Result) string {
		s := v.Str
		if quickURL(s) {
			return ""
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Host, ".") == "" {
			return "is not an absolute http(s) URL: " + strconv.Quote(clip(s)) + placeholderNote(s)
		}
		return ""
	},
}

// quickURL accepts the common http(s)://host/… shape without url.Parse
// (which allocates); anything unusual goes through url.Parse.
func quickURL(s string) bool {
	host, ok := urlHost(s)
	return ok && host != "" && strings.Trim(host, ".") != "" && allBytes(s, urlPlain) && allBytes(host, urlHostByte)
}

// urlHost is the host part of an http(s) URL (false for other schemes).
func urlHost(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return "", false
		}
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return rest, true
}

// Classes of bytes for quickURL, the hash checks and LooksLikePlaceholder:
// those a URL may hold as they are, those a plain host name (with a port)
// is made of, hex digits, base64 characters (standard and URL alphabets)
// and the letters, '_' and '-' of placeholder words. A table
// look-up per byte, not comparisons whose outcome random digits make
// unpredictable.
const (
	urlPlain uint8 = 1 << iota
	urlHostByte
	hexDigit
	base64Byte
	wordByte
)

var byteClasses = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		if c > ' ' && c != 0x7f && c != '\\' {
			t[c] |= urlPlain
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == ':' {
			t[c] |= urlHostByte
		}
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' {
			t[c] |= hexDigit
		}
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_' {
			t[c] |= base64Byte
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-' {
			t[c] |= wordByte
		}
	}
	return t
}()

// allBytes reports whether every byte of s is of class.
func allBytes(s string, class uint8) bool {
	for i := 0; i < len(s); i++ {
		if byteClasses[s[i]]&class == 0 {
			return false
		}
	}
	return true
}

// SHA256 accepts 64 hex digits (On-Premises) or 44 base64 characters (Cloud).
var SHA256 = &spec.Value{
	Name: "sha256", Rule: RuleSHA256,
	Doc: "SHA-256 of the media: 64 hex digits (On-Premises) or 44 characters of base64 (Cloud API)",
	Check: func(v gjson.Result) string {
		s := v.Str
		if len(s) == 64 && isHex(s) || len(s) == 44 && strings.HasSuffix(s, "=") && isBase64(s) {
			return ""
		}
		return "is neither 64 hex digits nor 44 base64 characters (" + strconv.Itoa(len(s)) + " characters; documentation examples are often truncated)"
	},
}

func isHex(s string) bool { return s != "" && allBytes(s, hexDigit) }

func isBase64(s string) bool { return s != "" && allBytes(s, base64Byte) }

// NonEmpty rejects empty strings (ids and texts that must say something).
var NonEmpty = &spec.Value{
	Name: "non-empty", Rule: RuleNonEmpty, Pattern: `\S`, Raw: true,
	Check: func(v gjson.Result) string {
		if v.Type == gjson.String && strings.TrimSpace(v.Str) == "" {
			return "must not be empty"
		}
		return ""
	},
}

// isBSUID matches ^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$.
func isBSUID(s string) bool {
	if len(s) < 4 || !isUpper(s[0]) || !isUpper(s[1]) || s[2] != '.' {
		return false
	}
	rest := s[3:]
	if strings.HasPrefix(rest, "ENT.") && len(rest) > 4 {
		rest = rest[4:]
	}
	if len(rest) == 0 || len(rest) > 128 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if !isAlnum(rest[i]) {
			return false
		}
	}
	return true
}

// BSUID is a Cloud API business-scoped user id (2026), e.g. US.13491208655302741918.
var BSUID = &spec.Value{
	Name: "bsuid", Rule: RuleBSUID, Role: spec.RoleUserID, Pattern: `^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$`,
	Doc: "business-scoped user id: ISO country code, '.', optional 'ENT.', up to 128 alphanumerics",
	Check: func(v gjson.Result) string {
		if isBSUID(v.Str) {
			return ""
		}
		return "is not a business-scoped user id like US.13491208655302741918: " + strconv.Quote(clip(v.Str)) + placeholderNote(v.Str)
	},
}

// Currency is an ISO 4217 code.
var Currency = &spec.Value{
	Name: "currency", Rule: RuleCurrency, Pattern: `^[A-Z]{3}$`,
	Doc: "ISO 4217 currency code",
	Check: func(v gjson.Result) string {
		if s := v.Str; len(s) == 3 && isUpper(s[0]) && isUpper(s[1]) && isUpper(s[2]) {
			return ""
		}
		return "is not a three-letter ISO 4217 code: " + strconv.Quote(clip(v.Str)) + placeholderNote(v.Str)
	},
}

// Date is YYYY-MM-DD.
var Date = &spec.Value{
	Name: "date", Rule: RuleDate, Pattern: `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`,
	Doc: "calendar date YYYY-MM-DD",
	Check: func(v gjson.Result) string {
		if _, err := time.Parse("2006-01-02", v.Str); err == nil {
			return ""
		}
		return "is not a YYYY-MM-DD date: " + strconv.Quote(clip(v.Str))
	},
}

// Placeholder warns about documentation placeholders in free-text ids.
var Placeholder = &spec.Value{
	Name: "not-placeholder", Rule: RulePlaceholder, Raw: true,
	Check: func(v gjson.Result) string {
		if v.Type == gjson.String && LooksLikePlaceholder(v.Str) {
			return "looks like a documentation placeholder: " + strconv.Quote(clip(v.Str))
		}
		return ""
	},
}

func clip(s string) string {
	if len(s) > 48 {
		return s[:48] + "…"
	}
	return s
}

// ContactCard returns the schema of a shared contact card (vCard-like;
// Sinch's "Mensajes (MO)" Contact tables, Meta's contacts pages). Sinch spells the name parts
// name_prefix/name_suffix, the Cloud API prefix/suffix; On-Premises cards
// add ims and contact_image. requireFormattedName follows the Cloud API,
// where a card without name.formatted_name is rejected.
func ContactCard(variant string, requireFormattedName bool) *spec.Object {
	fn := spec.Optional
	if requireFormattedName {
		fn = spec.Required
	}
	name := &spec.Object{Name: "contact name", Fields: []spec.Field{
		{Name: "formatted_name", Kind: spec.KindString, Req: fn, Role: spec.RoleName, Doc: "full name as normally displayed"},
		{Name: "first_name", Kind: spec.KindString, Role: spec.RoleName},
		{Name: "last_name", Kind: spec.KindString, Role: spec.RoleName},
		{Name: "middle_name", Kind: spec.KindString, Role: spec.RoleName},
	}}
	switch variant {
	case "sinch":
		name.Fields = append(name.Fields,
			spec.Field{Name: "name_suffix", Kind: spec.KindString},
			spec.Field{Name: "name_prefix", Kind: spec.KindString})
	case "cloud":
		name.Fields = append(name.Fields,
			spec.Field{Name: "suffix", Kind: spec.KindString},
			spec.Field{Name: "prefix", Kind: spec.KindString})
	default: // On-Premises documents show neither; accept both spellings
		name.Fields = append(name.Fields,
			spec.Field{Name: "suffix", Kind: spec.KindString},
			spec.Field{Name: "prefix", Kind: spec.KindString},
			spec.Field{Name: "name_suffix", Kind: spec.KindString},
			spec.Field{Name: "name_prefix", Kind: spec.KindString})
	}
	typed := func(title string, fields ...spec.Field) *spec.Object {
		return &spec.Object{Name: title, Fields: append(fields, spec.Field{Name: "type", Kind: spec.KindString,
			Doc: "free text; HOME, WORK, CELL, MAIN, IPHONE are only the usual values"})}
	}
	card := &spec.Object{Name: "contact", Doc: "a shared contact card", Fields: []spec.Field{
		{Name: "addresses", Kind: spec.KindArray, Object: typed("contact address",
			spec.Field{Name: "street", Kind: spec.KindString, Role: spec.RoleAddress},
			spec.Field{Name: "city", Kind: spec.KindString},
			spec.Field{Name: "state", Kind: spec.KindString},
			spec.Field{Name: "zip", Kind: spec.KindString, Role: spec.RoleAddress},
			spec.Field{Name: "country", Kind: spec.KindString},
			spec.Field{Name: "country_code", Kind: spec.KindString})},
		{Name: "birthday", Kind: spec.KindString, Checks: []*spec.Value{Date}, Role: spec.RoleBirthday},
		{Name: "emails", Kind: spec.KindArray, Object: typed("contact email",
			spec.Field{Name: "email", Kind: spec.KindString, Role: spec.RoleEmail})},
		{Name: "name", Kind: spec.KindObject, Req: fn, Object: name},
		{Name: "org", Kind: spec.KindObject, Object: &spec.Object{Name: "contact org", Fields: []spec.Field{
			{Name: "company", Kind: spec.KindString, Role: spec.RoleText},
			{Name: "department", Kind: spec.KindString, Role: spec.RoleText},
			{Name: "title", Kind: spec.KindString, Role: spec.RoleText},
		}}},
		{Name: "phones", Kind: spec.KindArray, Object: typed("contact phone",
			spec.Field{Name: "phone", Kind: spec.KindString, Role: spec.RolePhone, Doc: "formatted phone number (free text)"},
			spec.Field{Name: "wa_id", Kind: spec.KindString, Checks: PhoneChecks, Role: spec.RolePhone})},
		{Name: "urls", Kind: spec.KindArray, Object: typed("contact url",
			spec.Field{Name: "url", Kind: spec.KindString, Role: spec.RoleLink})},
	}}
	if variant == "whatsapp" {
		card.Fields = append(card.Fields,
			spec.Field{Name: "ims", Kind: spec.KindArray, Object: &spec.Object{Name: "contact im", Fields: []spec.Field{
				{Name: "service", Kind: spec.KindString},
				{Name: "user_id", Kind: spec.KindString, Role: spec.RoleUsername},
			}}},
			spec.Field{Name: "contact_image", Kind: spec.KindString, Role: spec.RolePicture, Doc: "base64 JPEG; empty for iPhone senders"})
	}
	return card
}
