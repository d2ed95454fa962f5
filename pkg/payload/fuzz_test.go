package payload_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// brokenSeeds are small inputs around the edges of the grammar.
var brokenSeeds = []string{
	``, ` `, `{`, `}`, `{}`, `[]`, `{"a":1,}`, `{"a":1}{"b":2}`, "{\"a\":1}\n{\"b\":2}\n", `{"a":"\u00e9\ud83d\ude00"}`,
	`{"a":"\x"}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1e}`, `{"a":tru}`, `{'a':1}`, "{\"a\":1 // c\n}",
	"{\"a\":\u00a01}", "\xef\xbb\xbf{\"total\":1}", "{\"a\":\"\xff\"}", "\x89PNG\r\n\x1a\n", `[[[[[[[[[[`,
	`{"data":[{"message":{"type":"TEXT"}}],"total":"1"}`, `{"messages":[{"type":"image","text":{}}]}`,
	`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{}}]}]}`,
	"{\"a\":\"}\"}\r\n{\"b\":\"{\"}", `"str"`, `42`, `true`, `nul`,
}

// addSeeds adds every fixture payload (valid and invalid) and brokenSeeds to
// the fuzz corpus, so that plain `go test` runs them all.
func addSeeds(f *testing.F) {
	f.Helper()
	for _, b := range fixtures.All() {
		f.Add(b)
	}
	for _, s := range brokenSeeds {
		f.Add([]byte(s))
	}
}

// referenceDetect decides the format as documented, with encoding/json:
// the first top-level member whose key is decisive.
func referenceDetect(data []byte) (payload.Format, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return payload.Unknown, false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return payload.Unknown, false
		}
		switch key {
		case "object", "entry":
			return payload.Cloud, true
		case "data", "total":
			return payload.Sinch, true
		case "messages", "statuses", "contacts", "errors":
			return payload.WhatsApp, true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return payload.Unknown, false
		}
	}
	return payload.Unknown, true
}

func FuzzDetect(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d := payload.Detect(data) // must not panic, whatever the bytes
		if d.Reason == "" {
			t.Errorf("Detect(%q): no reason", data)
		}
		if !json.Valid(data) || !utf8.Valid(data) {
			return // Detect's contract requires valid JSON
		}
		if want, ok := referenceDetect(data); ok && d.Format != want {
			t.Errorf("Detect(%q) = %v, want %v", data, d.Format, want)
		}
	})
}

func FuzzReader(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, maxSize := range []int{0, 64} {
			rd := payload.NewReader(bytes.NewReader(data), "fuzz", maxSize)
			total, n, lastLine := 0, 0, 0
			for {
				if n > len(data)+1 {
					t.Fatalf("%d payloads from %d bytes: the reader does not terminate", n, len(data))
				}
				p, err := rd.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					var se *payload.SourceError
					if !errors.As(err, &se) {
						t.Fatalf("error %T %v is not a *SourceError", err, err)
					}
					break
				}
				if len(p.Data) == 0 {
					t.Fatalf("empty payload %d at %d:%d", n, p.Line, p.Col)
				}
				if p.Line < 1 || p.Col < 1 || p.Line < lastLine || p.Index != n {
					t.Fatalf("payload %d located at %d:%d (index %d) after line %d", n, p.Line, p.Col, p.Index, lastLine)
				}
				lastLine = p.Line
				total += len(p.Data)
				n++
			}
			if total > len(data) {
				t.Fatalf("payloads hold %d bytes, the input %d", total, len(data))
			}
		}
	})
}

func FuzzCheckSyntax(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := payload.Payload{Data: data, Line: 1, Col: 1}
		se := payload.CheckSyntax(&p)
		if se != nil {
			if se.Offset < 0 || se.Offset > len(data) || se.Msg == "" {
				t.Fatalf("CheckSyntax(%q) = %+v", data, se)
			}
			p.Excerpt(se.Offset, 72) // must not panic
		}
		if !utf8.Valid(data) || !payload.NestingOK(&payload.Payload{Data: data}) {
			return
		}
		if valid := json.Valid(data); valid != (se == nil) {
			t.Fatalf("CheckSyntax(%q) = %v but json.Valid = %v", data, se, valid)
		}
	})
}
