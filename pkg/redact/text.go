package redact

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

// known collects the identifiers of people found in a payload's
// identifying fields, with their pseudonyms, so that the same values can be
// found and replaced inside free text that is otherwise kept: a text body
// mentioning "@16315551000", a system message naming the user, an error
// detail quoting a number.
type known struct {
	phones  map[string]bool   // digit strings of 7 digits or more
	phrases map[string]string // names, name words, usernames, BSUIDs → pseudonym
	sorted  []string          // phrases, longest first (built on first use)
}

func (k *known) addPhone(r *Redactor, s string) {
	var d []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	if len(d) >= 7 && len(k.phones) < maxKnown*16 {
		if k.phones == nil {
			k.phones = map[string]bool{}
		}
		k.phones[string(d)] = true
	}
}

func (k *known) addPhrase(orig, repl string) {
	if utf8.RuneCountInString(orig) < 3 || orig == repl || len(k.phrases) >= maxKnown {
		return
	}
	if k.phrases == nil {
		k.phrases = map[string]string{}
	}
	k.phrases[orig] = repl
	k.sorted = nil
}

// maxKnown bounds the phrases searched in every free text (and, sixteen
// times over, the numbers): a webhook names a handful of people, and a
// hostile body naming thousands must not make redaction quadratic. The
// fields themselves are always redacted; only the search inside free text
// is bounded.
const maxKnown = 256

// addName pseudonymises a name and records it, and those of its words
// that can be told apart from ordinary words in text (capitalised, three
// letters or more), with their pseudonyms: each word's keystream is
// computed once.
func (k *known) addName(r *Redactor, orig string) string {
	repl := r.mapWords(orig, func(w string) string {
		p := r.nameWord(w)
		if first, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(first) {
			k.addPhrase(w, p)
		}
		return p
	}, false)
	k.addPhrase(orig, repl)
	return repl
}

// scrub pseudonymises, inside free text that is otherwise kept, what
// identifies people: every e-mail address, the phone numbers known from the
// payload's identifying fields in any formatting (every phone-like number
// of 7 to 15 digits when allPhones is set, as in what a person wrote: a
// number they type is someone's, theirs or not — but the business's own
// numbers, biz, stay), and known names, usernames and BSUIDs as whole
// words.
func (r *Redactor) scrub(s string, k *known, biz map[string]bool, allPhones bool) string {
	if strings.IndexByte(s, '@') >= 0 {
		s = r.scrubEmails(s)
	}
	if allPhones || len(k.phones) > 0 {
		s = r.scrubPhones(s, k, biz, allPhones)
	}
	if len(k.phrases) > 0 {
		s = k.scrubPhrases(s)
	}
	return s
}

func isEmailLocal(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isEmailDomain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

func (r *Redactor) scrubEmails(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		l := i
		for l > last && isEmailLocal(s[l-1]) {
			l--
		}
		e := i + 1
		for e < len(s) && isEmailDomain(s[e]) {
			e++
		}
		for e > i+1 && (s[e-1] == '.' || s[e-1] == '-') {
			e--
		}
		dom := s[i+1 : e]
		if l == i || !strings.Contains(dom, ".") || strings.HasPrefix(dom, ".") {
			continue
		}
		b.WriteString(s[last:l])
		b.WriteString(r.email(s[l:e]))
		last = e
		i = e - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isPhoneSep(c byte) bool { return c == ' ' || c == '(' || c == ')' || c == '-' || c == '.' }

// matchPhone reports whether a phone-like number starts at s[i]: a run of
// digits, optionally led by "+", with at most two separators (space,
// parentheses, dash, dot) between digits, of 7 to 15 digits, standing alone
// (no letter or digit right before or after). It returns where the number
// ends and its digits; when it is not one, end is where scanning may resume.
func matchPhone(s string, i int) (end int, digits []byte, ok bool) {
	start := i
	if s[i] == '+' && i+1 < len(s) && isDigit(s[i+1]) {
		i++
	} else if !isDigit(s[i]) {
		return i + 1, nil, false
	}
	if start > 0 && isAlnum(s[start-1]) {
		for i < len(s) && isAlnum(s[i]) {
			i++
		}
		return i, nil, false
	}
	end, digits = phoneRun(s, i)
	standsAlone := end == len(s) || !isAlnum(s[end])
	return end, digits, standsAlone && len(digits) >= 7 && len(digits) <= 15 && !isDate(s[i:end])
}

// phoneRun reads digits from s[i] on, with at most two separators between
// two digits, and returns the index after the last digit and the digits.
func phoneRun(s string, i int) (end int, digits []byte) {
	end = i
	for j := i; j < len(s); {
		if isDigit(s[j]) {
			digits = append(digits, s[j])
			j++
			end = j
			continue
		}
		n := 0
		for j+n < len(s) && isPhoneSep(s[j+n]) && n < 3 {
			n++
		}
		if n == 0 || n > 2 || j+n >= len(s) || !isDigit(s[j+n]) {
			break
		}
		j += n
	}
	return end, digits
}

// isDate reports whether s is a calendar date written with dashes or dots,
// year first or last (2026-01-20, 20.01.2026): eight digits that every
// free text would otherwise lose as a phone number.
func isDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	sep := s[4]
	yearFirst := sep == '-' || sep == '.'
	if yearFirst {
		return s[7] == sep && jsonlex.Digits(s[:4]) && month(s[5:7]) && day(s[8:]) && plausibleYear(s[:4])
	}
	sep = s[2]
	return (sep == '-' || sep == '.') && s[5] == sep && day(s[:2]) && month(s[3:5]) && jsonlex.Digits(s[6:]) && plausibleYear(s[6:])
}

func month(s string) bool { return jsonlex.Digits(s) && s >= "01" && s <= "12" }

func day(s string) bool { return jsonlex.Digits(s) && s >= "01" && s <= "31" }

func plausibleYear(s string) bool { return s >= "1900" && s <= "2099" }

// scrubPhones replaces the phone-like numbers (see matchPhone) that are
// known, or all of them but the business's.
func (r *Redactor) scrubPhones(s string, k *known, biz map[string]bool, all bool) string {
	var out []byte
	for i := 0; i < len(s); {
		end, digits, ok := matchPhone(s, i)
		if !ok || !all && !k.phones[string(digits)] || all && biz[string(digits)] && !k.phones[string(digits)] {
			i = end
			continue
		}
		if out == nil {
			out = []byte(s)
		}
		r.mapPhone(out[i:end], digits)
		i = end
	}
	if out == nil {
		return s
	}
	return string(out)
}

// systemNames pseudonymises the user's name in the text of a system
// message, "User Daniel Okafor changed from … to …": system webhooks carry
// no contacts, so the name is not known from elsewhere.
func (r *Redactor) systemNames(s string) string {
	if !strings.HasPrefix(s, "User ") {
		return s
	}
	i := strings.Index(s, " changed ")
	if i <= len("User ") {
		return s
	}
	return "User " + r.name(s[len("User "):i]) + s[i:]
}

// scrubPhrases replaces the known phrases, longest first, where they stand
// as whole words.
func (k *known) scrubPhrases(s string) string {
	if k.sorted == nil {
		for p := range k.phrases {
			k.sorted = append(k.sorted, p)
		}
		sort.Slice(k.sorted, func(i, j int) bool {
			if len(k.sorted[i]) != len(k.sorted[j]) {
				return len(k.sorted[i]) > len(k.sorted[j])
			}
			return k.sorted[i] < k.sorted[j]
		})
	}
	for _, p := range k.sorted {
		if !strings.Contains(s, p) {
			continue
		}
		repl := k.phrases[p]
		var b strings.Builder
		last := 0
		for from := 0; from < len(s); {
			i := strings.Index(s[from:], p)
			if i < 0 {
				break
			}
			i += from
			j := i + len(p)
			if wordBoundary(s, i, j) {
				b.WriteString(s[last:i])
				b.WriteString(repl)
				last = j
			}
			from = j
		}
		if last == 0 {
			continue
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return s
}

// wordBoundary reports whether s[i:j] is neither preceded nor followed by a
// letter or a digit.
func wordBoundary(s string, i, j int) bool {
	if i > 0 {
		c, _ := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			return false
		}
	}
	if j < len(s) {
		c, _ := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c) {
			return false
		}
	}
	return true
}
