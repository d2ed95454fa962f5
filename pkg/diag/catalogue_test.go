package diag_test

import (
	"testing"

	"github.com/wamo-dev/wamo/pkg/diag"
)

// TestCatalogue: a rule declared through For lands in the same list with
// its own formats, and appending to a listing leaves the catalogue alone.
func TestCatalogue(t *testing.T) {
	c := diag.NewCatalogue("all")
	a := c.Add("x.a", diag.Error, "a", "doc a")
	b := c.For("cloud").Add("x.b", diag.Warning, "b", "doc b")
	for _, tc := range []struct {
		rule        *diag.Rule
		id, formats string
		sev         diag.Severity
	}{
		{a, "x.a", "all", diag.Error},
		{b, "x.b", "cloud", diag.Warning},
	} {
		if tc.rule.ID != tc.id || tc.rule.Formats != tc.formats || tc.rule.Severity != tc.sev {
			t.Errorf("rule %+v: want %s %s %v", tc.rule, tc.id, tc.formats, tc.sev)
		}
	}
	list := c.Rules()
	_ = append(list, &diag.Rule{ID: "x.other"})
	c.Add("x.c", diag.Info, "c", "doc c")
	got := c.Rules()
	if len(got) != 3 || got[0] != a || got[1] != b || got[2].ID != "x.c" {
		t.Errorf("Rules() = %v", got)
	}
}
