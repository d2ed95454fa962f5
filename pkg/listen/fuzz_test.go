package listen

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/redact"
)

// FuzzHandler posts arbitrary bodies: the handler never panics, answers
// 200 to JSON and 400 to anything else, and reports every request.
func FuzzHandler(f *testing.F) {
	for _, fx := range fixtures.List() {
		b, _ := fixtures.Read(fx)
		f.Add(b, false)
	}
	f.Add([]byte("\xff\xfe{"), true)
	f.Add([]byte(`{"a":"\u0000"}`), true)
	dir := f.TempDir()
	events := make(chan Event, 1)
	plain, err := NewHandler(Config{SaveDir: dir, MaxBody: 1 << 16}, events)
	if err != nil {
		f.Fatal(err)
	}
	red, err := NewHandler(Config{SaveDir: dir, MaxBody: 1 << 16, Redact: redact.New(redact.Options{Text: true})}, events)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, redacting bool) {
		h := plain
		if redacting {
			h = red
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
		ev := <-events
		json := payload.CheckSyntax(&payload.Payload{Data: body, Line: 1, Col: 1}) == nil
		switch {
		case len(body) > 1<<16:
			if w.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("oversized answered %d", w.Code)
			}
		case json && w.Code != http.StatusOK, !json && w.Code != http.StatusBadRequest:
			t.Fatalf("JSON %v answered %d", json, w.Code)
		case ev.Status != w.Code || ev.Result == nil:
			t.Fatalf("event %+v", ev)
		case json && ev.SavedAs == "" && !(redacting && ev.SaveErr != nil):
			t.Fatalf("not saved: %v", ev.SaveErr)
		case redacting && json && ev.SaveErr != nil && (ev.Body != nil || payload.Detect(body).Format != payload.Unknown):
			t.Fatalf("refused by --redact but kept or recognised: %v", ev.SaveErr)
		case redacting && !json && ev.Body != nil:
			t.Fatal("unredacted body in the event")
		}
	})
}
