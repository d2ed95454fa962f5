package replay

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/signature"
)

// cloudAccents is a Cloud API text message with accents and emoji.
const cloudAccents = `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"João Gonçalves 😀"},"wa_id":"5511987654321"}],"messages":[{"from":"5511987654321","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Olá! ¿Qué tal? 👍🏽 日本"}}]}}]}]}`

// TestWireForm checks what reaches the receiver: Cloud API payloads in
// Meta's escaped form unless RawBytes, other formats and invalid JSON byte
// for byte, and a signature over exactly the bytes received.
func TestWireForm(t *testing.T) {
	secret := []byte("app-secret")
	var mu sync.Mutex
	type got struct {
		body []byte
		sig  string
	}
	var received []got
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, got{b, r.Header.Get(SignatureHeader)})
		mu.Unlock()
	}))
	defer srv.Close()

	sinchAccents := `{"total":1,"data":[{"id":"1","source":"5511987654321","origin":"5511987654321","message":{"type":"TEXT","messageText":"Olá 😀"}}]}`
	escaped := signature.MetaEscape([]byte(cloudAccents))
	if bytes.Equal(escaped, []byte(cloudAccents)) {
		t.Fatal("the test payload has nothing to escape")
	}
	tests := []struct {
		name   string
		target Target
		raw    bool
		xform  func([]byte) ([]byte, error)
		want   []byte
	}{
		{name: "cloud escaped", target: Target{Body: []byte(cloudAccents), Format: payload.Cloud}, want: escaped},
		{name: "cloud raw bytes", target: Target{Body: []byte(cloudAccents), Format: payload.Cloud}, raw: true, want: []byte(cloudAccents)},
		{name: "sinch untouched", target: Target{Body: []byte(sinchAccents), Format: payload.Sinch}, want: []byte(sinchAccents)},
		{name: "not JSON untouched", target: Target{Body: []byte(`{"a":"é"`)}, want: []byte(`{"a":"é"`)},
		{name: "converted to cloud, escaped", target: Target{Body: []byte(sinchAccents), Format: payload.Sinch},
			xform: func([]byte) ([]byte, error) { return []byte(cloudAccents), nil }, want: escaped},
		{name: "converted from cloud, untouched", target: Target{Body: []byte(cloudAccents), Format: payload.Cloud},
			xform: func([]byte) ([]byte, error) { return []byte(sinchAccents), nil }, want: []byte(sinchAccents)},
	}
	for _, tt := range tests {
		for _, fresh := range []bool{false, true} {
			received = nil
			tt.target.Name = tt.name
			cfg := Config{URL: srv.URL, Sign: SignWith(&signature.Signer{Scheme: signature.MetaScheme, Secret: secret}), RawBytes: tt.raw, Transform: tt.xform, Fresh: fresh}
			if _, sum, err := run(t, nil, cfg, []Target{tt.target}); err != nil || sum.Counts[OK] != 1 {
				t.Fatalf("%s: %v %v", tt.name, err, sum.Counts)
			}
			r := received[0]
			if err := signature.VerifyMeta(secret, r.body, r.sig); err != nil || r.sig != signature.Meta(secret, r.body) {
				t.Errorf("%s (fresh %v): the signature is not over the bytes sent: %v", tt.name, fresh, err)
			}
			if !fresh && !bytes.Equal(r.body, tt.want) {
				t.Errorf("%s: sent\n%s\nwant\n%s", tt.name, r.body, tt.want)
			}
			if fresh && json.Valid(tt.want) {
				// Fresh ids and times, the same form: ASCII when escaped,
				// the same strings otherwise.
				if bytes.Equal(tt.want, escaped) && !isASCII(r.body) {
					t.Errorf("%s: --fresh sent non-ASCII bytes: %s", tt.name, r.body)
				}
				var a, b map[string]any
				json.Unmarshal(r.body, &a)
				json.Unmarshal(tt.want, &b)
				if len(a) != len(b) || reflect.TypeOf(a) != reflect.TypeOf(b) {
					t.Errorf("%s: --fresh changed the shape: %s", tt.name, r.body)
				}
			}
		}
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x7f {
			return false
		}
	}
	return true
}
