package payload_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/costcheck"
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

// scaled repeats data until it holds about 128 KiB. A fuzz input is small;
// repeated, a path quadratic in its length costs tens of seconds where a
// linear one costs a millisecond, so far apart that a loaded machine cannot
// blur them.
func scaled(data []byte) []byte {
	if len(data) == 0 {
		return data
	}
	return bytes.Repeat(data, (128<<10)/len(data)+1)
}

// referenceDetect decides the format as documented, with encoding/json:
// the first top-level member whose key is decisive, unless the members
// before one only a format has (statuses and contacts are shared) name the
// Sinch Conversation API (app_id or project_id) or a look-alike:
// notifications or type "whatsapp" (the retired Sinch WhatsApp API).
func referenceDetect(data []byte) (payload.Format, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return payload.Unknown, false
	}
	first := payload.Unknown
	seen := map[string]bool{}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return payload.Unknown, false
		}
		k, _ := key.(string)
		f := payload.Unknown
		switch k {
		case "object", "entry":
			f = payload.Cloud
		case "data", "total":
			f = payload.Sinch
		case "messages", "errors", "statuses", "contacts":
			f = payload.WhatsApp
		}
		if first == payload.Unknown {
			first = f
		}
		if f != payload.Unknown && k != "statuses" && k != "contacts" {
			return first, true
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return payload.Unknown, false
		}
		seen[k] = true
		if k == "type" {
			var s string
			seen["type:whatsapp"] = json.Unmarshal(v, &s) == nil && s == "whatsapp"
		}
	}
	if seen["app_id"] || seen["project_id"] {
		return payload.Conversation, true
	}
	if seen["notifications"] || seen["type:whatsapp"] {
		return payload.Unknown, true
	}
	return first, true
}

func FuzzDetect(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d := payload.Detect(data) // must not panic, whatever the bytes
		if d.Reason == "" {
			t.Errorf("Detect(%q): no reason", data)
		}
		sniffed := payload.SniffFormat(data) // nor must this
		costcheck.Within(t, "Detect and SniffFormat", scaled(data), func(b []byte) {
			payload.Detect(b)
			payload.SniffFormat(b)
		})
		if !json.Valid(data) || !utf8.Valid(data) {
			return // Detect's contract requires valid JSON
		}
		if want, ok := referenceDetect(data); ok && d.Format != want {
			t.Errorf("Detect(%q) = %v, want %v", data, d.Format, want)
		}
		// A look-alike shares members with a format: SniffFormat, which only
		// says whether a file is a webhook payload at all, may name that
		// format where Detect names the look-alike.
		if sniffed != d.Format && d.LooksLike == payload.NoLookalike {
			t.Errorf("SniffFormat(%q) = %v, Detect says %v", data, sniffed, d.Format)
		}
	})
}

// readChecked reads every payload of data and checks what the reader
// promises: it terminates, payloads are non-empty, located and in order,
// and errors are *SourceErrors.
func readChecked(t *testing.T, data []byte, maxSize int, lines bool) {
	rd := payload.NewReader(bytes.NewReader(data), "fuzz", maxSize)
	rd.SetLineMode(lines)
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

func FuzzReader(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, maxSize := range []int{0, 64} {
			for _, lines := range []bool{false, true} {
				readChecked(t, data, maxSize, lines)
			}
		}
		costcheck.Within(t, "reading", scaled(data), func(b []byte) {
			readChecked(t, b, 0, false)
			readChecked(t, b, 0, true)
		})
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
		costcheck.Within(t, "CheckSyntax, Position and Excerpt", scaled(data), func(b []byte) {
			p := payload.Payload{Data: b, Line: 1, Col: 1}
			if se := payload.CheckSyntax(&p); se != nil {
				p.Position(se.Offset)
				p.Excerpt(se.Offset, 72)
			}
		})
		if !utf8.Valid(data) || !payload.NestingOK(&payload.Payload{Data: data}) {
			return
		}
		if valid := json.Valid(data); valid != (se == nil) {
			t.Fatalf("CheckSyntax(%q) = %v but json.Valid = %v", data, se, valid)
		}
	})
}
