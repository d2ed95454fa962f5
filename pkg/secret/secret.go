// Package secret keeps credentials out of what wamo prints. URLs given to
// wamo (replay --url, listen --forward-to) often carry them — a password in
// user:pass@, an API key or a signed token in the query — and they end up
// in reports, JSON and JUnit files that are shared and archived, and in
// error messages that quote the URL. Every URL wamo shows goes through
// RedactURL (or RedactText for messages that quote one), so that replay and
// listen mask the same things the same way.
package secret

import (
	"net/url"
	"strings"
)

// Mask stands in for a secret that was removed.
const Mask = "xxxxx"

// RedactURL returns u as text with its credentials masked:
//
//   - the password of user:pass@ (user:xxxxx@), and a user name given
//     without a password, which is usually a token (xxxxx@);
//   - the value of each query or fragment parameter whose name says it
//     holds a secret (see SensitiveParam): ?token=xxxxx&page=2.
//
// Everything else — scheme, host, path, the order of the parameters — is
// kept, so that the URL still says where requests went.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		if _, has := c.User.Password(); has {
			c.User = url.UserPassword(c.User.Username(), Mask)
		} else if c.User.Username() != "" {
			c.User = url.User(Mask)
		}
	}
	c.RawQuery = redactParams(c.RawQuery)
	if strings.Contains(c.Fragment, "=") {
		// OAuth's implicit flow puts access_token in the fragment.
		raw := redactParams(c.EscapedFragment())
		if f, err := url.PathUnescape(raw); err == nil {
			c.Fragment, c.RawFragment = f, raw
		}
	}
	return c.String()
}

// RedactURLString is RedactURL for a URL in text form. Text that does not
// parse as a URL is masked coarsely rather than shown as is: user info in
// its authority, and everything after the first "?" or "#".
func RedactURLString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redactUnparsed(raw)
	}
	if u.User == nil && u.RawQuery == "" && !strings.Contains(u.Fragment, "=") {
		return raw // nothing to mask: show it exactly as given
	}
	return RedactURL(u)
}

func redactUnparsed(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i+1] + Mask
	}
	if i := strings.Index(raw, "://"); i >= 0 {
		auth := raw[i+3:]
		if end := strings.IndexAny(auth, "/?#"); end >= 0 {
			auth = auth[:end]
		}
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			raw = raw[:i+3] + Mask + raw[i+3+at:]
		}
	}
	return raw
}

// RedactText masks the credentials of every http:// and https:// URL quoted
// in a message, such as Go's `Post "https://u:p@host/hook?key=…": EOF`.
func RedactText(s string) string {
	lower := strings.ToLower(s)
	if !strings.Contains(lower, "http://") && !strings.Contains(lower, "https://") {
		return s
	}
	var b strings.Builder
	for {
		i := indexURL(lower)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := len(s)
		if n := strings.IndexFunc(s[i:], endOfURL); n >= 0 {
			end = i + n
		}
		b.WriteString(s[:i])
		b.WriteString(RedactURLString(s[i:end]))
		s, lower = s[end:], lower[end:]
	}
}

// indexURL returns where the first http:// or https:// starts, or -1.
func indexURL(lower string) int {
	off := 0
	for {
		i := strings.Index(lower[off:], "http")
		if i < 0 {
			return -1
		}
		rest := lower[off+i+4:]
		if strings.HasPrefix(rest, "://") || strings.HasPrefix(rest, "s://") {
			return off + i
		}
		off += i + 4
	}
}

// endOfURL reports the characters that end a URL quoted in a message.
func endOfURL(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>':
		return true
	}
	return false
}

// exactParams are parameter names that hold a secret on their own; the
// names are compared lower-case without '-', '_' and '.'.
var exactParams = map[string]bool{
	"sig": true, "pwd": true, "pass": true, "code": true, "jwt": true, "session": true, "sid": true,
}

// paramWords make any parameter whose name contains them sensitive:
// access_token, hub.verify_token, client_secret, X-Amz-Signature,
// X-Amz-Credential, password, authorization…
var paramWords = []string{"token", "secret", "passw", "signature", "credential", "auth"}

// SensitiveParam reports whether a query parameter of this name holds a
// secret: token, key, api_key, apikey, access_token, secret, sig,
// signature, password, auth… (case, '-', '_' and '.' do not matter). Names
// ending in "key" count (key, api_key, subscription-key), as do the
// AWS/Azure signing parameters (X-Amz-Signature, sv/sig of a SAS URL).
func SensitiveParam(name string) bool {
	n := strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == '_' || r == '.':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, name)
	if exactParams[n] || strings.HasSuffix(n, "key") {
		return true
	}
	for _, w := range paramWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// redactParams masks the values of sensitive parameters in an encoded
// query (a=1&token=abc), keeping every name and the order.
func redactParams(q string) string {
	if q == "" {
		return q
	}
	parts := strings.Split(q, "&")
	changed := false
	for i, p := range parts {
		name, value, hasValue := strings.Cut(p, "=")
		if !hasValue || value == "" {
			continue
		}
		dec, err := url.QueryUnescape(name)
		if err != nil {
			dec = name
		}
		if SensitiveParam(dec) {
			parts[i] = name + "=" + Mask
			changed = true
		}
	}
	if !changed {
		return q
	}
	return strings.Join(parts, "&")
}
