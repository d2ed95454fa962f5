package common

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/spec"
)

// BenchmarkValueChecks measures the value checks the walk applies to every
// native message, on typical valid values: their cost is per payload. The
// values vary as real ones do (random hex digits, say), so that branch
// prediction does not learn one of them.
func BenchmarkValueChecks(b *testing.B) {
	mimes := []string{"image/jpeg", "image/png", "image/webp", "video/mp4", "audio/ogg; codecs=opus", "application/pdf"}
	for _, tc := range []struct {
		name string
		v    *spec.Value
		gen  func(i int, sum [32]byte) string
	}{
		{"sha256-hex", SHA256, func(_ int, sum [32]byte) string { return hex.EncodeToString(sum[:]) }},
		{"sha256-base64", SHA256, func(_ int, sum [32]byte) string { return base64.StdEncoding.EncodeToString(sum[:]) }},
		{"placeholder-id", Placeholder, func(_ int, sum [32]byte) string { return "ABGG" + base64.RawURLEncoding.EncodeToString(sum[:18]) }},
		{"phone", Phone, func(i int, _ [32]byte) string { return strconv.Itoa(16315550000 + 7919*i) }},
		{"timestamp", Timestamp, func(i int, _ [32]byte) string { return strconv.Itoa(1513616982 + 97*i) }},
		{"mime-type", MimeType, func(i int, _ [32]byte) string { return mimes[i%len(mimes)] }},
		{"url", URL, func(_ int, sum [32]byte) string { return "https://foursquare.com/v/" + hex.EncodeToString(sum[:12]) }},
	} {
		vals := make([]gjson.Result, 256)
		for i := range vals {
			s := tc.gen(i, sha256.Sum256([]byte(strconv.Itoa(i))))
			vals[i] = gjson.Result{Type: gjson.String, Str: s, Raw: strconv.Quote(s)}
		}
		b.Run(tc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if msg := tc.v.Check(vals[i%len(vals)]); msg != "" {
					b.Fatal(msg)
				}
				i++
			}
		})
	}
}
