package jsontree_test

import (
	"testing"

	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// TestElems: the array is kept, each element is what elem writes.
func TestElems(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`[]`, `[]`},
		{`[1,"a",{"b":2}]`, `[null,null,null]`},
		{`[[1],[2,3]]`, `[[null],[null,null]]`},
	} {
		var w jsontree.Writer
		w.Reset(false, 0)
		var nulls func(x jsontree.Value)
		nulls = func(x jsontree.Value) {
			if x.IsArray() {
				w.Elems(x, nulls)
				return
			}
			w.Null()
		}
		nulls(jsontree.Parse(tc.in))
		if got := string(w.Bytes()); got != tc.want {
			t.Errorf("Elems(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
