package signature

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// ErrStale is returned when a timed signature is right but its time is
// outside the window the receiver allows.
var ErrStale = errors.New("signed too long ago, or in the future")

// Scheme is one provider's way of signing webhook requests. Senders
// (replay, conform) sign with it and receivers (listen) verify with it.
type Scheme interface {
	// Name names the scheme: "meta" or "sinch".
	Name() string
	// Sign sets the signature headers of body on h, keyed with secret, as
	// the provider would at time at (fresh nonce included).
	Sign(h http.Header, body, secret []byte, at time.Time)
	// Verify checks the signature headers of h against body (nil, or an
	// error that errors.Is ErrMissing, ErrMalformed, ErrMismatch or
	// ErrStale); now and window bound the signed time of a timed scheme.
	Verify(h http.Header, body, secret []byte, now time.Time, window time.Duration) error
	// Headers names the headers Sign sets, the one that carries the
	// signature first.
	Headers() []string
	// Timed reports whether the signature covers a time, so that a stale
	// request can be told from a fresh one and each request must be
	// signed when it is sent (Meta's does not; Sinch's does).
	Timed() bool
}

// The schemes.
var (
	// MetaScheme is Meta's X-Hub-Signature-256 (Cloud API), over the
	// bytes given: sign MetaEscape(body) to sign as Meta does.
	MetaScheme Scheme = metaScheme{}
	// SinchScheme is Sinch's X-Sinch-Webhook-Signature (Conversation API).
	SinchScheme Scheme = sinchScheme{}
)

// For returns the scheme that signs bodies of format f: Sinch's for
// Conversation API callbacks, Meta's for everything else (the Cloud API
// is the only other format whose provider signs; wamo signs the others
// like Meta when asked, as receivers that check one header expect).
func For(f payload.Format) Scheme {
	if f == payload.Conversation {
		return SinchScheme
	}
	return MetaScheme
}

type metaScheme struct{}

func (metaScheme) Name() string { return "meta" }

func (metaScheme) Sign(h http.Header, body, secret []byte, _ time.Time) {
	h.Set(MetaHeader, Meta(secret, body))
}

func (metaScheme) Verify(h http.Header, body, secret []byte, _ time.Time, _ time.Duration) error {
	return VerifyMeta(secret, body, h.Get(MetaHeader))
}

func (metaScheme) Headers() []string { return []string{MetaHeader} }

func (metaScheme) Timed() bool { return false }

type sinchScheme struct{}

func (sinchScheme) Name() string { return "sinch" }

func (sinchScheme) Sign(h http.Header, body, secret []byte, at time.Time) {
	SignSinch(h, secret, body, at)
}

func (sinchScheme) Verify(h http.Header, body, secret []byte, now time.Time, window time.Duration) error {
	return VerifySinch(h, secret, body, now, window)
}

func (sinchScheme) Headers() []string {
	return []string{SinchSignatureHeader, SinchTimestampHeader, SinchNonceHeader, SinchAlgorithmHeader}
}

func (sinchScheme) Timed() bool { return true }

// Missing returns the error of a request that carries none of the
// schemes' signatures: it errors.Is ErrMissing and names the headers that
// would have done ("no X-Hub-Signature-256 or X-Sinch-Webhook-Signature
// header").
func Missing(schemes ...Scheme) error {
	names := make([]string, len(schemes))
	for i, s := range schemes {
		names[i] = s.Headers()[0]
	}
	return verifyErr(ErrMissing, "no "+strings.Join(names, " or ")+" header")
}

// Signer is a scheme with its secret: what a sender signs with.
type Signer struct {
	Scheme Scheme
	Secret []byte
}

// Sign sets the signature headers of body on h, as at time at.
func (s *Signer) Sign(h http.Header, body []byte, at time.Time) {
	s.Scheme.Sign(h, body, s.Secret, at)
}

// Present reports which of the schemes' signatures a request carries: the
// first scheme whose signature header is set, or nil.
func Present(h http.Header, schemes ...Scheme) Scheme {
	for _, s := range schemes {
		if h.Get(s.Headers()[0]) != "" {
			return s
		}
	}
	return nil
}
