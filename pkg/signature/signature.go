// Package signature computes and checks the signatures webhook providers
// put on their requests, over the exact bytes they sign. replay signs what
// it sends with it and listen checks what it receives, so that both agree
// with each other and with the provider.
//
// Meta (Cloud API) signs every POST with X-Hub-Signature-256: "sha256="
// and the lowercase hex HMAC-SHA256 of the payload keyed with the app
// secret, computed over the escaped-unicode form of the payload: ASCII-only
// JSON in which every other character is a lowercase \uXXXX escape (two,
// a UTF-16 surrogate pair, beyond U+FFFF). That is also the form Meta puts
// on the wire. Receivers that follow Meta's note (the whatsapp-api-js SDK
// among them) re-escape the raw body before computing the HMAC, so a body
// sent as raw UTF-8 under the HMAC of those raw bytes fails their check.
//
// Sinch signs Conversation API callbacks with four headers (see Sinch and
// VerifySinch): a timestamp, a nonce, the algorithm and the Base64
// HMAC-SHA256 of body + "." + nonce + "." + timestamp, over the raw body.
// Because the timestamp is signed, a receiver can refuse a request that was
// captured and sent again later.
//
// Scheme puts both behind one interface, so that a sender (replay, conform)
// and a receiver (listen) handle any provider's signature the same way.
package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MetaHeader is the header Meta signs Cloud API webhooks with.
const MetaHeader = "X-Hub-Signature-256"

const metaPrefix = "sha256="

// Errors of VerifyMeta.
var (
	ErrMissing   = errors.New("no " + MetaHeader + " header")
	ErrMalformed = errors.New(MetaHeader + " is not sha256=<64 hex digits>")
	ErrMismatch  = errors.New("HMAC-SHA256 of the body does not match")
)

// Meta returns the X-Hub-Signature-256 value for body exactly as given:
// "sha256=" and the lowercase hex HMAC-SHA256 of body keyed with secret.
// To sign like Meta, give it MetaEscape(body) and send those bytes.
func Meta(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	var sum [sha256.Size]byte
	dst := make([]byte, 0, len(metaPrefix)+2*sha256.Size)
	dst = append(dst, metaPrefix...)
	return string(hex.AppendEncode(dst, m.Sum(sum[:0])))
}

// VerifyMeta checks the X-Hub-Signature-256 value header against body, in
// constant time. It accepts the HMAC of the bytes received and the HMAC of
// their escaped-unicode form (MetaEscape), which is what Meta signs: a body
// that reaches the receiver as raw UTF-8 — re-encoded on the way, or sent
// by a tool that does not escape — still verifies when it was signed the
// way Meta signs. It returns nil, ErrMissing, ErrMalformed or ErrMismatch.
func VerifyMeta(secret, body []byte, header string) error {
	if header == "" {
		return ErrMissing
	}
	hexSig, ok := strings.CutPrefix(header, metaPrefix)
	if !ok || len(hexSig) != 2*sha256.Size {
		return ErrMalformed
	}
	var got [sha256.Size]byte
	if _, err := hex.Decode(got[:], []byte(hexSig)); err != nil {
		return ErrMalformed
	}
	if hmac.Equal(sum(secret, body), got[:]) {
		return nil
	}
	if esc := MetaEscape(body); len(esc) != len(body) && hmac.Equal(sum(secret, esc), got[:]) {
		return nil
	}
	return ErrMismatch
}

func sum(secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return m.Sum(nil)
}

const hexDigits = "0123456789abcdef"

// MetaEscape returns body in the escaped-unicode form Meta sends and signs:
// every byte from 0x00 to 0x7E is kept, every other character is written
// \uXXXX with lowercase hex digits, as a UTF-16 surrogate pair beyond
// U+FFFF (😀 → \ud83d\ude00). DEL (0x7F) is escaped too, as whatsapp-api-js
// escapes it, and a byte that is not UTF-8 becomes \ufffd, the character
// a receiver decoding the body would read. For valid JSON this changes the
// bytes, never the value: such characters can only stand inside strings,
// where an escape means the same character.
//
// A body that is already ASCII-only is returned as it is (the same slice).
func MetaEscape(body []byte) []byte {
	i := 0
	for i < len(body) && body[i] < 0x7f {
		i++
	}
	if i == len(body) {
		return body
	}
	out := make([]byte, 0, len(body)+len(body)/2)
	out = append(out, body[:i]...)
	for i < len(body) {
		c := body[i]
		if c < 0x7f {
			out = append(out, c)
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(body[i:])
		}
		i += size
		if r > 0xffff {
			hi, lo := utf16.EncodeRune(r)
			out = appendEscape(appendEscape(out, hi), lo)
			continue
		}
		out = appendEscape(out, r)
	}
	return out
}

func appendEscape(out []byte, r rune) []byte {
	return append(out, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
