package signature

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers Sinch signs Conversation API callbacks with.
const (
	SinchSignatureHeader = "X-Sinch-Webhook-Signature"
	SinchTimestampHeader = "X-Sinch-Webhook-Signature-Timestamp" // Unix seconds
	SinchNonceHeader     = "X-Sinch-Webhook-Signature-Nonce"
	SinchAlgorithmHeader = "X-Sinch-Webhook-Signature-Algorithm"
	// SinchAlgorithm is the only algorithm Sinch names in SinchAlgorithmHeader.
	SinchAlgorithm = "HmacSHA256"
)

// DefaultWindow is how far a Sinch timestamp may be from the receiver's
// clock, either way, before the request is refused as stale: five minutes,
// the tolerance webhook signatures commonly allow for clock skew and
// transit (Stripe's and Slack's examples among them).
const DefaultWindow = 5 * time.Minute

// Sinch returns the X-Sinch-Webhook-Signature value of body: the standard
// Base64 of HMAC-SHA256(secret, body + "." + nonce + "." + timestamp),
// body taken byte for byte as it is sent.
func Sinch(secret, body []byte, nonce, timestamp string) string {
	return base64.StdEncoding.EncodeToString(sinchSum(secret, body, nonce, timestamp))
}

func sinchSum(secret, body []byte, nonce, timestamp string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	m.Write([]byte{'.'})
	m.Write([]byte(nonce))
	m.Write([]byte{'.'})
	m.Write([]byte(timestamp))
	return m.Sum(nil)
}

// NewNonce returns a fresh random nonce: 26 characters of base32, as long
// as the ULIDs Sinch uses for its own nonces.
func NewNonce() string { return rand.Text() }

// SignSinch sets the four Sinch signature headers for body on h, with a
// fresh nonce and at as the timestamp: what Sinch sends with every
// callback (a new nonce and timestamp per request, retries included).
func SignSinch(h http.Header, secret, body []byte, at time.Time) {
	nonce, ts := NewNonce(), strconv.FormatInt(at.Unix(), 10)
	h.Set(SinchTimestampHeader, ts)
	h.Set(SinchNonceHeader, nonce)
	h.Set(SinchAlgorithmHeader, SinchAlgorithm)
	h.Set(SinchSignatureHeader, Sinch(secret, body, nonce, ts))
}

// VerifySinch checks the Sinch signature headers of a request against its
// body, in constant time, and that the signed timestamp is within window
// of now either way (window ≤ 0: the time is not checked). It returns nil,
// or an error that errors.Is ErrMissing (no signature, nonce or
// timestamp), ErrMalformed (an algorithm other than HmacSHA256, a
// timestamp that is not Unix seconds, a signature that is not the Base64
// of 32 bytes), ErrMismatch or ErrStale (a right signature over a time
// outside the window). The algorithm header may be absent, as Sinch's own
// SDKs do not read it.
func VerifySinch(h http.Header, secret, body []byte, now time.Time, window time.Duration) error {
	sig, nonce, ts := h.Get(SinchSignatureHeader), h.Get(SinchNonceHeader), h.Get(SinchTimestampHeader)
	switch {
	case sig == "":
		return verifyErr(ErrMissing, "no "+SinchSignatureHeader+" header")
	case nonce == "":
		return verifyErr(ErrMissing, "no "+SinchNonceHeader+" header")
	case ts == "":
		return verifyErr(ErrMissing, "no "+SinchTimestampHeader+" header")
	}
	if alg := h.Get(SinchAlgorithmHeader); alg != "" && !strings.EqualFold(alg, SinchAlgorithm) {
		return verifyErr(ErrMalformed, SinchAlgorithmHeader+" is not "+SinchAlgorithm)
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return verifyErr(ErrMalformed, SinchTimestampHeader+" is not Unix seconds")
	}
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return verifyErr(ErrMalformed, SinchSignatureHeader+" is not the Base64 of an HMAC-SHA256")
	}
	if !hmac.Equal(sinchSum(secret, body, nonce, ts), got) {
		return verifyErr(ErrMismatch, "HMAC-SHA256 of the body, nonce and timestamp does not match")
	}
	if window > 0 {
		// Compared in seconds, so that no timestamp, however far off,
		// overflows.
		n, w := now.Unix(), int64(window/time.Second)
		if secs < n-w || secs > n+w {
			return verifyErr(ErrStale, "signed at "+time.Unix(secs, 0).UTC().Format(time.RFC3339)+
				", outside the "+window.String()+" window")
		}
	}
	return nil
}

// verifyError is a verification failure with its own words, that
// errors.Is the generic error it is a kind of.
type verifyError struct {
	kind error
	msg  string
}

func (e *verifyError) Error() string        { return e.msg }
func (e *verifyError) Is(target error) bool { return target == e.kind }

func verifyErr(kind error, msg string) error { return &verifyError{kind: kind, msg: msg} }
