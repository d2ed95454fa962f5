package spec_test

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// checkRecord walks s with o while recording, and checks that the tape
// recorded is the one jsontree.Tape.Parse gives of the text walked — or
// empty when the walk found it invalid or Parse rejects it.
func checkRecord(t *testing.T, s string, o *spec.Object) {
	t.Helper()
	root := gjson.Parse(s)
	if len(root.Raw) == 0 || root.Raw[0] != '{' {
		return // the validator never walks anything else
	}
	var got jsontree.Tape
	c := spec.NewCtx()
	c.Record(&got)
	c.Walk(root, o)
	var want jsontree.Tape
	parsed := want.Parse(root.Raw)
	if c.Invalid || !parsed {
		if got.Root().Exists() {
			t.Fatalf("%s walk of %.80q: recorded a tape of a text it does not read whole (invalid %v, Parse %v)", o.Name, s, c.Invalid, parsed)
		}
		return
	}
	if !got.Root().Exists() {
		t.Fatalf("%s walk of %.80q: recorded nothing", o.Name, s)
	}
	if got.Src() != want.Src() || got.Duplicates() != want.Duplicates() {
		t.Fatalf("%s walk of %.80q: recorded %d duplicates of %.40q, Parse %d", o.Name, s, got.Duplicates(), got.Src(), want.Duplicates())
	}
	if path, ok := sameTree(got.Root(), want.Root(), "$"); !ok {
		t.Fatalf("%s walk of %.80q: recorded tape differs from Parse's at %s", o.Name, s, path)
	}
	c.Reset()
	if got.Root().Exists() {
		t.Fatalf("Reset left the tape of %.80q", s)
	}
}

// sameTree reports whether two values are the same nodes: kind, text,
// offsets, and for objects every member (repeated names included) with
// its shadowing; otherwise it says where they part.
func sameTree(a, b jsontree.Value, path string) (string, bool) {
	if a.Kind() != b.Kind() || a.Raw() != b.Raw() || a.Offset() != b.Offset() || a.HasDuplicates() != b.HasDuplicates() {
		return path, false
	}
	type member struct{ k, v jsontree.Value }
	var as, bs []member
	a.ForEachAll(func(k, v jsontree.Value) bool { as = append(as, member{k, v}); return true })
	b.ForEachAll(func(k, v jsontree.Value) bool { bs = append(bs, member{k, v}); return true })
	if len(as) != len(bs) {
		return path, false
	}
	for i := range as {
		p := path + "[" + as[i].k.Raw() + "]"
		if as[i].k.Exists() && (as[i].k.Raw() != bs[i].k.Raw() || as[i].k.Offset() != bs[i].k.Offset() || as[i].k.Shadowed() != bs[i].k.Shadowed()) {
			return p, false
		}
		if p, ok := sameTree(as[i].v, bs[i].v, p); !ok {
			return p, false
		}
	}
	return "", true
}

// TestRecord: the walk records the tape Parse would give, whatever the
// schema makes it do (skip, peek at shapes, walk embedded JSON, give up
// past its depth), and nothing of a text it does not read whole.
func TestRecord(t *testing.T) {
	cases := append([]string(nil), syntaxCases...)
	for _, b := range fixtures.All() {
		cases = append(cases, string(b))
	}
	cases = append(cases,
		`{"a":1,"a":2,"b":{"c":1,"c":1},"l":[{"s":"x","s":"y"}]}`,
		`{"p":{"zz":[1,{"q":2}],"t":"x","t":"y"},"p":{"s":""}}`,
		`{"a":{"b":`+strings.Repeat(`{"c":[`, 40)+`1`+strings.Repeat(`]}`, 40)+`}}`,
		// deeper than Parse accepts, not than the walker's skip does
		`{"v":`+strings.Repeat(`[`, 300)+strings.Repeat(`]`, 300)+`}`,
		`{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k3":0}`,
		`{"\u0061":1,"a":2}`,
	)
	for _, s := range cases {
		for _, o := range []*spec.Object{open, deep} {
			checkRecord(t, s, o)
		}
	}
}
