package jsontree_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/jsontree"
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
