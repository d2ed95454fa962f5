package redact

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// FuzzRedact checks that redaction never panics, refuses what is not JSON,
// and turns JSON into JSON, the same way every time.
func FuzzRedact(f *testing.F) {
	for _, b := range allFixtures(f) {
		f.Add(b, false)
	}
	f.Add([]byte(`{"text":{"body":"+1 (650) 555-1234 a@b.co"},"from":-0.5e3,"mentions":[1e2,"x"]}`), true)
	f.Add([]byte(`{"nfm_reply":{"response_json":"{\"phone\":5511987650001,\"name\":[\"\\u00e9\"]}"}}`), true)
	f.Fuzz(func(t *testing.T, data []byte, text bool) {
		r := New(Options{Text: text})
		out, err := r.Redact(data)
		ok := payload.CheckSyntax(&payload.Payload{Data: data, Line: 1, Col: 1}) == nil
		if !ok {
			if err == nil {
				t.Fatalf("no error for %q", data)
			}
			return
		}
		if err != nil {
			t.Fatalf("error %v for valid JSON %q", err, data)
		}
		if !json.Valid(out) {
			t.Fatalf("%q → %q is not JSON", data, out)
		}
		again, _ := r.Redact(data)
		if !bytes.Equal(out, again) {
			t.Fatalf("unstable: %q", data)
		}
	})
}
