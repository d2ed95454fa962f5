package jsonlex_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/jsonlex"
)

func TestKeySet(t *testing.T) {
	var s jsonlex.KeySet
	// Small and large objects, reused: the set must forget between objects
	// and find repeats past the point where it starts hashing.
	for _, n := range []int{0, 1, 7, 8, 9, 100, 3, 5000, 2} {
		s.Reset()
		for i := range n {
			if _, dup := s.Add("k"+strconv.Itoa(i), i); dup {
				t.Fatalf("n=%d: k%d reported as repeated", n, i)
			}
		}
		if s.Len() != n {
			t.Fatalf("n=%d: Len %d", n, s.Len())
		}
		for i := range n {
			first, dup := s.Add("k"+strconv.Itoa(i), -1)
			if !dup || first != i {
				t.Fatalf("n=%d: repeat of k%d: %d %v", n, i, first, dup)
			}
		}
		if s.Len() != n {
			t.Fatalf("n=%d: Len %d after repeats", n, s.Len())
		}
	}
	s.Reset()
	if _, dup := s.Add("", 1); dup {
		t.Fatal("empty key")
	}
	if first, dup := s.Add("", 2); !dup || first != 1 {
		t.Fatal("empty key not found again")
	}
}

// decode is what a receiver reads: encoding/json keeps the last value.
func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return v
}

func TestLastWins(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"a":1,"b":2}`, `{"a":1,"b":2}`},
		{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
		{` {"a" : 1 , "a" : {"x":1,"x":2} } `, ` {"a":{"x":2}} `},
		{`[{"a":1},{"b":1,"b":2},{"c":{"d":[1,{"e":1,"e":2}]}}]`, `[{"a":1},{"b":2},{"c":{"d":[1,{"e":2}]}}]`},
		{`{"\u0061":1,"a":2}`, `{"\u0061":2}`},
		{`{"a":{"x":1,"x":2},"a":{"y":[{"z":1,"z":{"q":0,"q":1}}]}}`, `{"a":{"y":[{"z":{"q":1}}]}}`},
		{`{"a":1,"a":2,"a":3,"b":0,"a":4}`, `{"a":4,"b":0}`},
		{`"x"`, `"x"`}, {`12`, `12`}, {`[]`, `[]`}, {`{}`, `{}`},
	}
	for _, tc := range cases {
		out, dropped, err := jsonlex.LastWins([]byte(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if string(out) != tc.want {
			t.Errorf("LastWins(%s) = %s, want %s", tc.in, out, tc.want)
		}
		want := strings.Count(tc.in, ":") - strings.Count(tc.want, ":")
		if strings.Contains(tc.in, `"q"`) {
			want = 3 // the repeats inside a value that is dropped are not counted
		}
		if dropped != want {
			t.Errorf("LastWins(%s): dropped %d, want %d", tc.in, dropped, want)
		}
		if !reflect.DeepEqual(decode(t, out), decode(t, []byte(tc.in))) {
			t.Errorf("LastWins(%s) = %s reads differently", tc.in, out)
		}
	}
	for _, bad := range []string{``, `{`, `{"a":1,}`, `{"a" 1}`, `[1 2]`, `{"a":1}x`, `nul`, `{"a":"\x"}`,
		strings.Repeat("[", jsonlex.MaxDepth+1) + strings.Repeat("]", jsonlex.MaxDepth+1)} {
		out, n, err := jsonlex.LastWins([]byte(bad))
		if err == nil || n != 0 || string(out) != bad {
			t.Errorf("LastWins(%.40q) = %.40q, %d, %v; want the input and an error", bad, out, n, err)
		}
	}
}

// TestLastWinsUnchanged: without repeated keys the input itself comes
// back, and nothing is allocated.
func TestLastWinsUnchanged(t *testing.T) {
	doc := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"from":"16505550147","id":"wamid.x","timestamp":"1773912000","type":"text","text":{"body":"h\u00e9llo"}}],"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9}}]}]}`)
	out, n, err := jsonlex.LastWins(doc)
	if err != nil || n != 0 || &out[0] != &doc[0] || len(out) != len(doc) {
		t.Fatalf("want doc itself back: %v %d", err, n)
	}
	var r jsonlex.Resolver
	r.LastWins(doc) // warm the scratch space
	if allocs := testing.AllocsPerRun(100, func() { r.LastWins(doc) }); allocs != 0 {
		t.Errorf("%v allocations per document without repeated keys", allocs)
	}
}

func TestEqual(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		eq   bool
	}{
		{`1`, `1`, true}, {`1`, `1.0`, false}, {`"a"`, `"\u0061"`, true}, {`"a"`, `"b"`, false},
		{`{"a":[1, 2]}`, `{ "a" : [1,2] }`, true}, {`{"a":1,"b":2}`, `{"b":2,"a":1}`, false},
		{`[1,2]`, `[1,2,3]`, false}, {`null`, `false`, false}, {`true`, `true`, true}, {`{}`, `[]`, false},
		{`"x"`, `"x" `, true}, {`[]`, `[ ]`, true}, {`12`, `123`, false},
	} {
		if got := jsonlex.Equal(tc.a, tc.b); got != tc.eq {
			t.Errorf("Equal(%s, %s) = %v", tc.a, tc.b, got)
		}
		if got := jsonlex.Equal(tc.b, tc.a); got != tc.eq {
			t.Errorf("Equal(%s, %s) = %v", tc.b, tc.a, got)
		}
	}
}

// FuzzLastWins: the result reads as the input does with encoding/json (last
// value wins), repeats no key, is a fixed point, and costs linear time,
// also on large documents built from the input.
func FuzzLastWins(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":{"b":1,"b":[{"c":1,"c":2}]},"a":3}`, `[{"x":1},{"x":2,"x":3}]`,
		`{"\u0061":1,"a":2}`, `"s"`, `{}`, `{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k3":9}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, dropped, err := jsonlex.LastWins(data)
		if err != nil {
			if json.Valid(data) && !strings.Contains(err.Error(), "deep") {
				t.Fatalf("valid JSON rejected: %v", err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("invalid JSON accepted: %q", data)
		}
		if !reflect.DeepEqual(decode(t, out), decode(t, data)) {
			t.Fatalf("%s resolved to %s, which reads differently", data, out)
		}
		again, n, err := jsonlex.LastWins(out)
		if err != nil || n != 0 || !bytes.Equal(again, out) {
			t.Fatalf("%s is not a fixed point: %s %d %v", out, again, n, err)
		}
		if dropped == 0 && !bytes.Equal(out, data) {
			t.Fatalf("nothing dropped, yet %s became %s", data, out)
		}
		for _, big := range costcheck.Amplify(data, "") {
			costcheck.Within(t, "LastWins", big, func(b []byte) {
				if _, _, err := jsonlex.LastWins(b); err != nil {
					t.Fatalf("amplified input rejected: %v", err)
				}
			})
		}
	})
}

func benchLastWins(b *testing.B, doc []byte) {
	var r jsonlex.Resolver
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := r.LastWins(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLastWins: the common case (no repeated key), a document whose
// every object repeats a key, and objects with many keys.
func BenchmarkLastWins(b *testing.B) {
	item := `{"from":"16505550147","id":"wamid.HBgLMTY1MDU1NTAxNDcVAgASGBQzQTgxQUUyNUNDQkUxQzY3QTZDRAA=","timestamp":"1773912000","type":"text","text":{"body":"Pickup at 5pm, not 4pm. Sorry!"}}`
	many := func(s string, n int) []byte {
		return []byte("[" + strings.TrimSuffix(strings.Repeat(s+",", n), ",") + "]")
	}
	b.Run("no-repeats", func(b *testing.B) { benchLastWins(b, many(item, 1000)) })
	b.Run("every-object-repeats", func(b *testing.B) {
		benchLastWins(b, many(strings.Replace(item, `"type":"text"`, `"type":"image","type":"text"`, 1), 1000))
	})
	var keys strings.Builder
	keys.WriteByte('{')
	for i := range 20000 {
		if i > 0 {
			keys.WriteByte(',')
		}
		fmt.Fprintf(&keys, `"key%d":%d`, i, i)
	}
	keys.WriteByte('}')
	b.Run("many-keys", func(b *testing.B) { benchLastWins(b, []byte(keys.String())) })
	b.Run("many-keys-repeated", func(b *testing.B) {
		benchLastWins(b, []byte(strings.Replace(keys.String(), `}`, `,"key0":1}`, 1)))
	})
}
