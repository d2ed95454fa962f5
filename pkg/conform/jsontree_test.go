package conform

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/costcheck"
)

func mustTree(t testing.TB, s string) *node {
	t.Helper()
	n, err := parseTree([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return n
}

func TestMerge(t *testing.T) {
	for _, tc := range []struct{ name, a, b, want string }{
		{"arrays concatenate, counts follow",
			`{"total":1,"data":[{"id":"a"}],"clientInfo":{"customerId":10}}`,
			`{"total":1,"data":[{"id":"b"}],"clientInfo":{"customerId":10}}`,
			`{"total":2,"data":[{"id":"a"},{"id":"b"}],"clientInfo":{"customerId":10}}`},
		{"members of either side",
			`{"contacts":[{"wa_id":"1"}],"messages":[{"id":"m"}]}`,
			`{"contacts":[{"wa_id":"2"}],"statuses":[{"id":"s"}]}`,
			`{"contacts":[{"wa_id":"1"},{"wa_id":"2"}],"messages":[{"id":"m"}],"statuses":[{"id":"s"}]}`},
		{"scalars from the first, a number that is no count kept",
			`{"object":"x","n":5,"entry":[1]}`,
			`{"object":"y","n":5,"entry":[2]}`,
			`{"object":"x","n":5,"entry":[1,2]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := mustTree(t, tc.a), mustTree(t, tc.b)
			got := string(merge(a, b).bytes())
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestAsciiEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":"plain"}`, `{"a":"plain"}`},
		{`{"a":"äöå"}`, `{"a":"\u00e4\u00f6\u00e5"}`}, // Meta's own example (reference §4.6a)
		{`{"a":"👍🏽"}`, `{"a":"\ud83d\udc4d\ud83c\udffd"}`},
		{`{"café":"ação — 你好 🇧🇷"}`, `{"caf\u00e9":"a\u00e7\u00e3o \u2014 \u4f60\u597d \ud83c\udde7\ud83c\uddf7"}`},
		{`{"long ascii run before":"1234567890123456789012345é"}`, `{"long ascii run before":"1234567890123456789012345\u00e9"}`},
	} {
		got := string(asciiEscape([]byte(tc.in)))
		if got != tc.want {
			t.Errorf("asciiEscape(%s) = %s, want %s", tc.in, got, tc.want)
		}
		checkEscaped(t, []byte(tc.in), []byte(got))
	}
}

// checkEscaped: ASCII only, and the same JSON value as the input.
func checkEscaped(t testing.TB, in, out []byte) {
	t.Helper()
	for i, c := range out {
		if c >= 0x80 {
			t.Fatalf("byte %d of the escaped form is 0x%x", i, c)
		}
	}
	var a, b any
	if err := json.Unmarshal(in, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatalf("escaped form is not JSON: %v", err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("escaping changed the value:\n%s\n%s", in, out)
	}
}

func TestRename(t *testing.T) {
	n := mustTree(t, `{"type":"text","text":{"body":"text"},"message":{"type":"TEXT"}}`)
	if c := n.renameType("text", "wamo_future"); c != 4 {
		t.Errorf("renameType changed %d places, want 4", c)
	}
	if got := string(n.bytes()); got != `{"type":"wamo_future","wamo_future":{"body":"wamo_future"},"message":{"type":"WAMO_FUTURE"}}` {
		t.Errorf("got %s", got)
	}
	s := mustTree(t, `{"status":"delivered","delivered":true}`)
	if c := s.renameValue("delivered", "wamo_future"); c != 1 || string(s.bytes()) != `{"status":"wamo_future","delivered":true}` {
		t.Errorf("renameValue: %d, %s", c, s.bytes())
	}
}

func TestAddUnknownMembers(t *testing.T) {
	n := mustTree(t, `{"a":{"b":[{"c":1},2]},"d":[]}`)
	if c := n.addUnknownMembers("x", "y"); c != 3 {
		t.Errorf("touched %d objects, want 3", c)
	}
	if got := string(n.bytes()); got != `{"a":{"b":[{"c":1,"x":"y"},2],"x":"y"},"d":[],"x":"y"}` {
		t.Errorf("got %s", got)
	}
}

func TestParseTreeKeepsEverything(t *testing.T) {
	for _, f := range fixtures.List() {
		b, _ := fixtures.Read(f)
		n, err := parseTree(b)
		if err != nil {
			if f.Invalid {
				continue
			}
			t.Fatalf("%s: %v", f.Name, err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			t.Fatal(err)
		}
		// Same members in the same order; only escaping may differ.
		var a, c any
		json.Unmarshal(b, &a)
		json.Unmarshal(n.bytes(), &c)
		if !reflect.DeepEqual(a, c) || len(n.bytes()) > compact.Len() {
			t.Errorf("%s: the tree does not give the document back", f.Name)
		}
	}
}

// TestParseTreeDepthBounded: nesting is refused past payload.MaxNesting, so
// a deep document costs no more than a shallow one of its size.
func TestParseTreeDepthBounded(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	costcheck.Within(t, "refusing a deep document", []byte(deep), func(b []byte) {
		if _, err := parseTree(b); err == nil {
			t.Error("a document nested 100000 deep was accepted")
		}
	})
}

func FuzzParseTree(f *testing.F) {
	for _, b := range fixtures.All() {
		f.Add(b)
	}
	f.Add([]byte(`{"a":"é👍","b":[1,2.5e3,true,null,{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out []byte
		costcheck.Within(t, "parseTree", data, func(b []byte) {
			if n, err := parseTree(b); err == nil {
				out = n.bytes()
			}
		})
		if out == nil {
			return
		}
		var a, b any
		if json.Unmarshal(data, &a) != nil {
			return // gjson accepts what encoding/json refuses (invalid UTF-8)
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatalf("re-encoded tree is not JSON: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("tree changed the value:\n%s\n%s", data, out)
		}
		checkEscaped(t, out, asciiEscape(out))
	})
}
