package jsontree_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

// manyMembers is an object of n members k0…k(n-1), then the names of
// again repeated.
func manyMembers(n int, again ...string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	for _, k := range again {
		fmt.Fprintf(&b, `%q:"again",`, k)
	}
	return strings.TrimSuffix(b.String(), ",") + "}"
}

// TestRepeatedNames: of a member name written twice the last one counts,
// as encoding/json decides, however the names are spelled (escapes) and
// however many members the object has.
func TestRepeatedNames(t *testing.T) {
	for _, in := range []string{
		`{"a":1,"b":2}`, `{"a":1,"a":2}`, `{"a":1,"b":2,"a":3}`, `{"\u0061":1,"a":2}`, `{"a":1,"\u0061":2}`,
		`{"\u0061":1,"\u0061":2}`, `{"a\"":1,"a\u0022":2,"a":3}`, `{"":1,"":2}`, `{"ab":1,"a":2,"b":3}`,
		`{"axb":1,"ayb":2}`, `{"axb":1,"ayb":2,"axb":3}`, `{"b":1,"\u0061":2,"c":3,"a":4}`, `{"a":1,"b":2,"\u0062":3}`,
		manyMembers(20), manyMembers(20, "k3"), manyMembers(16, "k0"), manyMembers(17, "k16", "k0"),
		`{"x":` + manyMembers(20, "k5") + `,"y":{"k5":1,"k5":2},"z":{"k5":1}}`,
	} {
		var want map[string]json.RawMessage
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		root := jsontree.Parse(in)
		got := map[string]string{}
		n := 0
		root.ForEach(func(k, v jsontree.Value) bool {
			got[k.Str()] = v.Raw()
			n++
			return true
		})
		if n != len(want) {
			t.Errorf("%s: %d members visited, encoding/json reads %d", in, n, len(want))
		}
		for k, v := range want {
			if got[k] != string(v) {
				t.Errorf("%s: member %q is %s, encoding/json reads %s", in, k, got[k], v)
			}
		}
		all := 0
		root.ForEachAll(func(jsontree.Value, jsontree.Value) bool { all++; return true })
		if dup := all > n; root.HasDuplicates() != dup {
			t.Errorf("%s: HasDuplicates %v, %d members written, %d names", in, root.HasDuplicates(), all, n)
		}
	}
}

// utf8Cases are JSON texts with valid and invalid UTF-8 in strings and
// member names, and sequences cut short by a closing quote.
var utf8Cases = []string{
	`{"a":"plain"}`, `{"a":"ação 你好 😀"}`, `{"ação":"x"}`, "{\"a\":\"\xff\"}", "{\"\xc3\":1}",
	"{\"a\":\"\xc3\"}", "{\"a\":\"x\xe2\x82\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xc0\xaf\"}",
	"{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":[\"ok\",\"\xe2\x82\xac\",\"\x80\"]}", "{\"a\":\"\\u00e9\xe9\"}",
	"{\"a\":\"long ascii run before it 0123456789\xf0\x9f\x98\x80 and after\"}",
	"{\"a\":\"long ascii run before it 0123456789\xf0\x9f\x98 cut\"}", "{\"a\":1}\xff",
}

// TestParseUTF8: ParseUTF8 parses as Parse does and finds the text valid
// UTF-8 exactly when utf8.ValidString does.
func TestParseUTF8(t *testing.T) {
	for _, s := range utf8Cases {
		checkParseUTF8(t, s)
	}
}

func checkParseUTF8(t *testing.T, s string) {
	t.Helper()
	var a, b jsontree.Tape
	want := a.Parse(s)
	ok, valid := b.ParseUTF8(s)
	if ok != want {
		t.Fatalf("%q: ParseUTF8 ok %v, Parse %v", s, ok, want)
	}
	if ok && valid != utf8.ValidString(s) {
		t.Fatalf("%q: ParseUTF8 valid %v, utf8.ValidString %v", s, valid, !valid)
	}
	if ok && b.Root().Raw() != a.Root().Raw() {
		t.Fatalf("%q: ParseUTF8 read %q, Parse %q", s, b.Root().Raw(), a.Root().Raw())
	}
}

// FuzzParseUTF8 is TestParseUTF8 on any text.
func FuzzParseUTF8(f *testing.F) {
	for _, s := range utf8Cases {
		f.Add(s)
	}
	f.Fuzz(checkParseUTF8)
}

// BenchmarkParse parses 16 MB of NDJSON made of the valid fixtures, one
// tape per document, as the converter parses its input and output.
func BenchmarkParse(b *testing.B) {
	data := payloadtest.NDJSON(b, 16<<20, payloadtest.Valid)
	var docs []string
	for line := range bytes.Lines(data) {
		docs = append(docs, string(bytes.TrimSpace(line)))
	}
	var t jsontree.Tape
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		for _, d := range docs {
			if !t.Parse(d) {
				b.Fatalf("%.80s does not parse", d)
			}
		}
	}
}
