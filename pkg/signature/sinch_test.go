package signature

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/costcheck"
)

func TestSinch(t *testing.T) {
	// Computed with openssl dgst -sha256 -hmac … -binary | base64.
	got := Sinch([]byte("sinch-secret"), []byte(`{"app_id":"a","message":{}}`), "01FJA8B4A7BM43YGWSG9GBV067", "1700000000")
	if got != "X1HaoY6SbCD1GtxND9ihf5BTOD7+KkasRYuBCHdrNes=" {
		t.Errorf("Sinch = %s", got)
	}
}

func TestSignSinchFreshNonce(t *testing.T) {
	at := time.Unix(1700000000, 0)
	a, b := http.Header{}, http.Header{}
	SignSinch(a, []byte("s"), []byte("{}"), at)
	SignSinch(b, []byte("s"), []byte("{}"), at)
	if a.Get(SinchNonceHeader) == b.Get(SinchNonceHeader) || len(a.Get(SinchNonceHeader)) != 26 {
		t.Errorf("nonces %q and %q: want two different 26-character nonces", a.Get(SinchNonceHeader), b.Get(SinchNonceHeader))
	}
	if a.Get(SinchTimestampHeader) != "1700000000" || a.Get(SinchAlgorithmHeader) != "HmacSHA256" {
		t.Errorf("headers %v", a)
	}
	if a.Get(SinchSignatureHeader) == b.Get(SinchSignatureHeader) {
		t.Error("the same signature under two nonces")
	}
}

func TestVerifySinch(t *testing.T) {
	secret := []byte("sinch-secret")
	body := []byte(`{"app_id":"a","message":{"contact_message":{"text_message":{"text":"Olá 😀"}}}}`)
	now := time.Unix(1700000000, 0)
	signed := func(at time.Time, edit func(http.Header)) http.Header {
		h := http.Header{}
		SignSinch(h, secret, body, at)
		if edit != nil {
			edit(h)
		}
		return h
	}
	tests := []struct {
		name   string
		h      http.Header
		body   []byte
		window time.Duration
		want   error
	}{
		{"signed now", signed(now, nil), body, DefaultWindow, nil},
		{"4 min ago", signed(now.Add(-4*time.Minute), nil), body, DefaultWindow, nil},
		{"4 min ahead", signed(now.Add(4*time.Minute), nil), body, DefaultWindow, nil},
		{"6 min ago", signed(now.Add(-6*time.Minute), nil), body, DefaultWindow, ErrStale},
		{"6 min ahead", signed(now.Add(6*time.Minute), nil), body, DefaultWindow, ErrStale},
		{"an hour ago, no window", signed(now.Add(-time.Hour), nil), body, 0, nil},
		{"a far timestamp", signed(time.Unix(-1<<62, 0), nil), body, DefaultWindow, ErrStale},
		{"tampered body", signed(now, nil), []byte(strings.Replace(string(body), "Olá", "Ola", 1)), DefaultWindow, ErrMismatch},
		{"another secret", signed(now, func(h http.Header) {
			h.Set(SinchSignatureHeader, Sinch([]byte("other"), body, h.Get(SinchNonceHeader), h.Get(SinchTimestampHeader)))
		}), body, DefaultWindow, ErrMismatch},
		{"timestamp moved", signed(now, func(h http.Header) {
			h.Set(SinchTimestampHeader, strconv.FormatInt(now.Unix()+1, 10))
		}), body, DefaultWindow, ErrMismatch},
		{"nonce changed", signed(now, func(h http.Header) { h.Set(SinchNonceHeader, "other") }), body, DefaultWindow, ErrMismatch},
		{"no algorithm header", signed(now, func(h http.Header) { h.Del(SinchAlgorithmHeader) }), body, DefaultWindow, nil},
		{"algorithm in lower case", signed(now, func(h http.Header) { h.Set(SinchAlgorithmHeader, "hmacsha256") }), body, DefaultWindow, nil},
		{"another algorithm", signed(now, func(h http.Header) { h.Set(SinchAlgorithmHeader, "HmacSHA1") }), body, DefaultWindow, ErrMalformed},
		{"no signature", signed(now, func(h http.Header) { h.Del(SinchSignatureHeader) }), body, DefaultWindow, ErrMissing},
		{"no nonce", signed(now, func(h http.Header) { h.Del(SinchNonceHeader) }), body, DefaultWindow, ErrMissing},
		{"no timestamp", signed(now, func(h http.Header) { h.Del(SinchTimestampHeader) }), body, DefaultWindow, ErrMissing},
		{"timestamp in ms", signed(now, func(h http.Header) { h.Set(SinchTimestampHeader, "1700000000000.5") }), body, DefaultWindow, ErrMalformed},
		{"hex signature", signed(now, func(h http.Header) { h.Set(SinchSignatureHeader, strings.Repeat("ab", 32)) }), body, DefaultWindow, ErrMalformed},
		{"unsigned", http.Header{}, body, DefaultWindow, ErrMissing},
	}
	for _, tt := range tests {
		err := VerifySinch(tt.h, secret, tt.body, now, tt.window)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: VerifySinch = %v, want %v", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), string(secret)) {
			t.Errorf("%s: the error quotes the secret: %v", tt.name, err)
		}
	}
}

// TestSchemes: each scheme verifies what it signs, refuses another
// secret, and names the header it is recognised by.
func TestSchemes(t *testing.T) {
	body := []byte(`{"a":"b"}`)
	now := time.Now()
	for _, s := range []Scheme{MetaScheme, SinchScheme} {
		h := http.Header{}
		(&Signer{Scheme: s, Secret: []byte("k")}).Sign(h, body, now)
		if err := s.Verify(h, body, []byte("k"), now, DefaultWindow); err != nil {
			t.Errorf("%s: %v", s.Name(), err)
		}
		if err := s.Verify(h, body, []byte("other"), now, DefaultWindow); !errors.Is(err, ErrMismatch) {
			t.Errorf("%s: another secret: %v", s.Name(), err)
		}
		for _, name := range s.Headers() {
			if h.Get(name) == "" {
				t.Errorf("%s: Sign did not set %s", s.Name(), name)
			}
		}
		if Present(h, MetaScheme, SinchScheme) != s {
			t.Errorf("%s: Present does not recognise its headers", s.Name())
		}
	}
	if Present(http.Header{}, MetaScheme, SinchScheme) != nil {
		t.Error("Present on no headers")
	}
}

// FuzzVerifySinch: any header values and body are refused or accepted
// without a panic, in time linear in the body.
func FuzzVerifySinch(f *testing.F) {
	f.Add([]byte(`{}`), "X1HaoY6SbCD1GtxND9ihf5BTOD7+KkasRYuBCHdrNes=", "n", "1700000000", "HmacSHA256")
	f.Add([]byte(`{}`), "", "", "-9223372036854775808", "x")
	f.Fuzz(func(t *testing.T, body []byte, sig, nonce, ts, alg string) {
		h := http.Header{}
		h.Set(SinchSignatureHeader, sig)
		h.Set(SinchNonceHeader, nonce)
		h.Set(SinchTimestampHeader, ts)
		h.Set(SinchAlgorithmHeader, alg)
		var err error
		costcheck.Within(t, "VerifySinch", body, func(b []byte) {
			err = VerifySinch(h, []byte("k"), b, time.Unix(1700000000, 0), DefaultWindow)
		})
		got, _ := base64.StdEncoding.DecodeString(sig)
		if err == nil && !bytes.Equal(got, sinchSum([]byte("k"), body, nonce, ts)) {
			t.Fatal("accepted a signature that is not the HMAC")
		}
	})
}
