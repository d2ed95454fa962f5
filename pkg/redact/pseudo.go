package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

// Domain tags keep the pseudonyms of different kinds of value independent:
// the digits of a phone number and the same digits in an id do not share a
// keystream.
const (
	tagPhone  = "phone"
	tagID     = "id"
	tagName   = "name"
	tagEmail  = "email"
	tagWord   = "word"
	tagDigits = "digits"
)

// keystream returns n pseudo-random bytes derived from the key, the tag and
// s: HMAC-SHA256(key, tag 0x00 s counter) in counter mode. The same input
// always gives the same bytes; without the key they cannot be predicted.
func (r *Redactor) keystream(tag, s string, n int) []byte {
	h := r.macs.Get().(hash.Hash)
	defer r.macs.Put(h)
	out := make([]byte, 0, (n+sha256.Size-1)/sha256.Size*sha256.Size)
	var ctr [4]byte
	for i := uint32(0); len(out) < n; i++ {
		h.Reset()
		h.Write([]byte(tag))
		h.Write([]byte{0})
		h.Write([]byte(s))
		binary.BigEndian.PutUint32(ctr[:], i)
		h.Write(ctr[:])
		out = h.Sum(out)
	}
	return out[:n]
}

func newMAC(key []byte) func() any {
	return func() any { return hmac.New(sha256.New, key) }
}

// phone pseudonymises a phone number or wa_id: the digits are replaced, all
// other characters (+, spaces, parentheses, dashes) stay where they are.
// The digit count is kept and so are the first two digits of numbers of
// eight digits or more (the country code, or its start), so that the
// pseudonym still passes length and country checks. The replacement digits
// derive from all the original digits, whatever the formatting: +1 (650)
// 555-1234 and 16505551234 get the same pseudonym.
func (r *Redactor) phone(s string) string {
	digits := make([]byte, 0, 16)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			digits = append(digits, c)
		}
	}
	if len(digits) == 0 {
		return s
	}
	mapped := r.phoneDigits(string(digits))
	out := []byte(s)
	j := 0
	for i := range out {
		if out[i] >= '0' && out[i] <= '9' {
			out[i] = mapped[j]
			j++
		}
	}
	return string(out)
}

// phoneDigits maps a string of digits to another of the same length.
func (r *Redactor) phoneDigits(digits string) string {
	keep := 0
	if len(digits) >= 8 {
		keep = 2
	}
	ks := r.keystream(tagPhone, digits, len(digits))
	out := []byte(digits)
	for i := keep; i < len(out); i++ {
		out[i] = '0' + ks[i]%10
	}
	if string(out) == digits && len(out) > keep {
		// Never hand back the original (a one-in-10^n chance, likely only
		// for very short values).
		last := len(out) - 1
		out[last] = '0' + (out[last]-'0'+1)%10
	}
	return string(out)
}

// opaque pseudonymises an identifier keeping its shape: the "wamid."
// prefix, its length, and the class of every character — digits stay
// digits, lower-case letters lower-case, upper-case upper-case, anything
// else (. - _ = + / :) is kept. Hexadecimal strings stay hexadecimal, and
// UUIDs keep their version and variant nibbles, so that a UUID is still a
// UUID. The mapping is a function of the whole value: every occurrence of
// the same id — a message id and the context.id or reaction.message_id that
// refers to it, a media id and the mid= of its URL — gets the same
// pseudonym, so references stay linked.
func (r *Redactor) opaque(s string) string {
	if s == "" {
		return s
	}
	prefix := ""
	if strings.HasPrefix(s, "wamid.") {
		prefix, s = "wamid.", s[len("wamid."):]
	}
	return prefix + r.opaqueBody(s, false)
}

// opaqueBody maps the characters of s by class. With url set, %XX escapes
// are kept so that the result stays a valid URL component.
func (r *Redactor) opaqueBody(s string, url bool) string {
	ks := r.keystream(tagID, s, len(s))
	out := []byte(s)
	hexMode := isHexish(s)
	uuid := isUUID(s)
	for i := 0; i < len(out); i++ {
		c := out[i]
		if url && c == '%' && i+2 < len(out) && isHex(out[i+1]) && isHex(out[i+2]) {
			i += 2
			continue
		}
		if uuid && (i == 14 || i == 19) {
			continue // a UUID's version and variant stay
		}
		out[i] = opaqueChar(c, ks[i], hexMode)
	}
	if string(out) == s {
		nudge(out)
	}
	return string(out)
}

// opaqueChar maps an alphanumeric character to another of its class
// (digit, lower-case, upper-case letter; a hexadecimal digit in hexMode)
// picked by k; anything else stays.
func opaqueChar(c, k byte, hexMode bool) byte {
	var first, n byte
	switch {
	case c >= '0' && c <= '9':
		first, n = '0', 10
	case c >= 'a' && c <= 'z':
		first, n = 'a', 26
	case c >= 'A' && c <= 'Z':
		first, n = 'A', 26
	default:
		return c
	}
	if hexMode {
		return hexDigit(k, c, first == 'A')
	}
	return first + k%n
}

// nudge changes the last character that can be incremented within its
// class: a value of one or two alphanumerics can map onto itself.
func nudge(out []byte) {
	for i := len(out) - 1; i >= 0; i-- {
		if c := out[i]; c >= '0' && c <= '8' || c >= 'a' && c <= 'e' || c >= 'A' && c <= 'E' {
			out[i]++
			return
		}
	}
}

// hexDigit maps a hexadecimal character to a pseudo-random one, keeping the
// case of letters (digits become digits or lower-case letters unless upper).
func hexDigit(k, c byte, upper bool) byte {
	const lower, up = "0123456789abcdef", "0123456789ABCDEF"
	if upper || c >= 'A' && c <= 'F' {
		return up[k%16]
	}
	return lower[k%16]
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isHexish reports whether s is made of hexadecimal digits (and dashes)
// only, with at least one letter among them — a hash or a UUID rather than
// a number. Mixed-case strings are not hex (they are base64).
func isHexish(s string) bool {
	letter, lower, upper := false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c == '-':
		case c >= 'a' && c <= 'f':
			letter, lower = true, true
		case c >= 'A' && c <= 'F':
			letter, upper = true, true
		default:
			return false
		}
	}
	return letter && !(lower && upper) && len(s) >= 8
}

// isUUID reports whether s has the 8-4-4-4-12 layout of a UUID.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// bsuid pseudonymises a business-scoped user id, keeping its "CC." or
// "CC.ENT." prefix, its length and character classes; anything that is not
// shaped like a BSUID is treated as an opaque id.
func (r *Redactor) bsuid(s string) string {
	n := 0
	if len(s) >= 3 && isUpper(s[0]) && isUpper(s[1]) && s[2] == '.' {
		n = 3
		if strings.HasPrefix(s[3:], "ENT.") {
			n = 7
		}
	}
	if n == 0 || n == len(s) {
		return r.opaque(s)
	}
	return s[:n] + r.opaqueBody(s[n:], false)
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// Syllables of the made-up words that stand for names: pronounceable,
// obviously invented, and 16×5 = 80 per syllable, so that two to four
// syllables rarely collide.
const (
	consonants = "bdfghjklmnprstvz"
	vowels     = "aeiou"
)

// name pseudonymises a person's name word by word: every run of letters
// becomes an invented word of a few syllables chosen by the keyed hash of
// the lower-cased original, with the original's capitalisation (Title,
// UPPER, lower); digits become other digits; spaces and punctuation stay.
// Because the mapping is per word, "Kerry Fisher", first_name "Kerry" and
// last_name "Fisher" stay consistent with each other, and so does the
// username "kerry.fisher".
func (r *Redactor) name(s string) string {
	return r.mapWords(s, r.nameWord, false)
}

func (r *Redactor) nameWord(word string) string {
	lower := strings.ToLower(word)
	n := utf8.RuneCountInString(word)
	syl := min(max((n+1)/2, 2), 4)
	ks := r.keystream(tagName, lower, 2*syl)
	var b strings.Builder
	for i := 0; i < syl; i++ {
		b.WriteByte(consonants[ks[2*i]%byte(len(consonants))])
		b.WriteByte(vowels[ks[2*i+1]%byte(len(vowels))])
	}
	return matchCase(word, b.String())
}

// mapWords replaces each run of letters of s with f(run) and each run of
// digits with pseudonymous digits, keeping everything else. With phones,
// phone-like numbers (see matchPhone) get the pseudonyms of phone numbers,
// whatever their formatting, so that they match the redacted wa_ids.
func (r *Redactor) mapWords(s string, f func(string) string, phones bool) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if phones && (c == '+' || c >= '0' && c <= '9') {
			if end, digits, ok := matchPhone(s, i); ok {
				out = append(out, s[i:end]...)
				r.mapPhone(out[len(out)-(end-i):], digits)
				i = end
				continue
			}
		}
		j := i + size
		switch {
		case isWordRune(c):
			j = wordEnd(s, i)
			out = append(out, f(s[i:j])...)
		case c >= '0' && c <= '9':
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			out = append(out, r.digits(s[i:j])...)
		default:
			out = append(out, s[i:j]...)
		}
		i = j
	}
	return string(out)
}

// mapPhone puts in number, a phone-like number with the given digits, the
// digits of their pseudonym, keeping its formatting.
func (r *Redactor) mapPhone(number, digits []byte) {
	mapped := r.phoneDigits(string(digits))
	d := 0
	for p, c := range number {
		if isDigit(c) {
			number[p] = mapped[d]
			d++
		}
	}
}

// isWordRune reports whether c belongs to a word: a letter or a combining
// mark.
func isWordRune(c rune) bool { return unicode.IsLetter(c) || unicode.Is(unicode.Mn, c) }

// wordEnd is the index after the run of word runes starting at s[i].
func wordEnd(s string, i int) int {
	for i < len(s) {
		d, sz := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(d) {
			break
		}
		i += sz
	}
	return i
}

// digits maps a run of digits to another of the same length.
func (r *Redactor) digits(d string) string {
	ks := r.keystream(tagDigits, d, len(d))
	out := []byte(d)
	for i := range out {
		out[i] = '0' + ks[i]%10
	}
	return string(out)
}

// matchCase gives word (lower-case ASCII) the capitalisation of orig:
// UPPER when orig is all upper-case (and longer than one letter), Title
// when it starts with an upper-case letter, else lower-case.
func matchCase(orig, word string) string {
	first, _ := utf8.DecodeRuneInString(orig)
	if !unicode.IsUpper(first) {
		return word
	}
	if utf8.RuneCountInString(orig) > 1 && strings.ToUpper(orig) == orig && strings.ToLower(orig) != orig {
		return strings.ToUpper(word)
	}
	return strings.ToUpper(word[:1]) + word[1:]
}

// username pseudonymises a username ("daniel.okafor", "lucia_ramirez") with
// the name words, lower-case, keeping dots, underscores and digits' places.
func (r *Redactor) username(s string) string {
	return strings.ToLower(r.name(s))
}

// email replaces an e-mail address with user-<hash>@example.com
// (example.com is reserved for documentation, RFC 2606): the same address,
// whatever its case, always gets the same pseudonym.
func (r *Redactor) email(s string) string {
	ks := r.keystream(tagEmail, strings.ToLower(s), 4)
	return "user-" + hex.EncodeToString(ks) + "@example.com"
}

// The words of the placeholder text, grouped by length so that a
// placeholder keeps the length of every word it replaces.
const loremWords = `a e o ad do et ex ea in id ut ab non qui est sit sed amet elit enim
quis nisi duis aute esse sint sunt anim lorem ipsum dolor magna minim irure velit nulla culpa
tempor labore dolore aliqua veniam fugiat mollit eiusmod nostrud laboris aliquip commodo officia
laborum pariatur proident deserunt occaecat excepteur consequat cupidatat incididunt adipiscing
consectetur exercitation reprehenderit`

// loremByLen()[n] lists the placeholder words of n letters (built on first
// use: most runs redact nothing).
var loremByLen = sync.OnceValue(func() [][]string {
	var by [][]string
	for _, w := range strings.Fields(loremWords) {
		for len(by) <= len(w) {
			by = append(by, nil)
		}
		by[len(w)] = append(by[len(w)], w)
	}
	return by
})

// lorem replaces free text with placeholder text of the same shape: every
// word becomes a Latin placeholder word of as many letters (with the
// original's capitalisation), every number other digits; spaces,
// punctuation, emoji and line breaks stay. The same word always becomes the
// same placeholder.
func (r *Redactor) lorem(s string) string {
	return r.mapWords(s, r.loremWord, true)
}

func (r *Redactor) loremWord(word string) string {
	n := utf8.RuneCountInString(word)
	ks := r.keystream(tagWord, strings.ToLower(word), 8)
	pick := binary.BigEndian.Uint64(ks)
	var b strings.Builder
	byLen := loremByLen()
	for n > 0 {
		l := min(n, len(byLen)-1)
		for len(byLen[l]) == 0 {
			l--
		}
		ws := byLen[l]
		b.WriteString(ws[pick%uint64(len(ws))])
		pick = pick/uint64(len(ws)) + 7
		n -= l
	}
	return matchCase(word, b.String())
}

// coarsen keeps two decimals of a coordinate (about 1 km), zeroing the
// others so that the number keeps its length: -22.894180 → -22.890000.
// Numbers in another notation are rounded to two decimals.
func coarsen(num string) string {
	dot := strings.IndexByte(num, '.')
	simple := dot > 0
	for i := 0; i < len(num) && simple; i++ {
		c := num[i]
		if !(c >= '0' && c <= '9' || c == '.' && i == dot || c == '-' && i == 0) {
			simple = false
		}
	}
	if simple {
		out := []byte(num)
		for i := dot + 3; i < len(out); i++ {
			out[i] = '0'
		}
		return string(out)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return num
	}
	return strconv.FormatFloat(float64(int64(f*100))/100, 'f', -1, 64)
}

// geoPoint coarsens a Sinch "latitude,longitude" string, keeping its layout.
func geoPoint(s string) string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		t := strings.TrimSpace(p)
		if t == "" {
			continue
		}
		if _, err := strconv.ParseFloat(t, 64); err != nil {
			continue
		}
		parts[i] = strings.Replace(p, t, coarsen(t), 1)
	}
	return strings.Join(parts, ",")
}

// birthday keeps the year of a YYYY-MM-DD date and sets it to January 1st;
// anything else has its digits replaced.
func (r *Redactor) birthday(s string) string {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' && jsonlex.Digits(s[:4]) && jsonlex.Digits(s[5:7]) && jsonlex.Digits(s[8:]) {
		return s[:4] + "-01-01"
	}
	return r.mapWords(s, func(w string) string { return w }, false)
}

// url pseudonymises the identifiers in a media URL: path segments of six
// characters or more that hold a digit (file names keep their extension)
// and query values of six characters or more. Scheme, host, short segments
// and parameter names stay, so that the URL still says where media lives
// and still parses. The mid= of a Cloud media URL maps like the media id it
// repeats.
func (r *Redactor) url(s string) string { return r.urlIDs(s, false) }

// urlAll is url for a personal URL (a contact card's web site): every path
// segment and query value is pseudonymised.
func (r *Redactor) urlAll(s string) string { return r.urlIDs(s, true) }

func (r *Redactor) urlIDs(s string, all bool) string {
	scheme := strings.Index(s, "://")
	if scheme < 0 {
		return r.opaqueBody(s, true)
	}
	start := scheme + 3
	hostEnd := strings.IndexAny(s[start:], "/?#")
	if hostEnd < 0 {
		return s
	}
	hostEnd += start
	var b strings.Builder
	b.WriteString(s[:hostEnd])
	rest := s[hostEnd:]
	frag := ""
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, frag = rest[:i], rest[i:]
	}
	path, query := rest, ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		path, query = rest[:i], rest[i:]
	}
	for i, seg := range strings.Split(path, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(r.urlPart(seg, true, all))
	}
	if query != "" {
		b.WriteByte('?')
		for i, kv := range strings.Split(query[1:], "&") {
			if i > 0 {
				b.WriteByte('&')
			}
			k, v, ok := strings.Cut(kv, "=")
			b.WriteString(k)
			if ok {
				b.WriteByte('=')
				b.WriteString(r.urlPart(v, false, all))
			}
		}
	}
	b.WriteString(frag)
	return b.String()
}

// urlPart maps one path segment or query value when it looks like an id.
func (r *Redactor) urlPart(p string, segment, all bool) string {
	if p == "" || !all && len(p) < 6 {
		return p
	}
	ext := ""
	if segment {
		if !all && !strings.ContainsAny(p, "0123456789") {
			return p
		}
		if i := strings.LastIndexByte(p, '.'); i > 0 && len(p)-i <= 5 {
			p, ext = p[:i], p[i:]
		}
	}
	if !strings.Contains(p, "%") && !strings.HasPrefix(p, "wamid.") {
		return r.opaque(p) + ext
	}
	return r.opaqueBody(p, true) + ext
}

// file pseudonymises the last element of a media file path, keeping the
// directory and the extension.
func (r *Redactor) file(s string) string {
	dir, base := "", s
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		dir, base = s[:i+1], s[i+1:]
	}
	ext := ""
	if i := strings.LastIndexByte(base, '.'); i > 0 && len(base)-i <= 5 {
		base, ext = base[:i], base[i:]
	}
	if base == "" {
		return s
	}
	return dir + r.opaque(base) + ext
}

// filename replaces a document's file name with placeholder words, keeping
// its extension.
func (r *Redactor) filename(s string) string {
	base, ext := s, ""
	if i := strings.LastIndexByte(s, '.'); i > 0 && len(s)-i <= 5 {
		base, ext = s[:i], s[i:]
	}
	return r.lorem(base) + ext
}
