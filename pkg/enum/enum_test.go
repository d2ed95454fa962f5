package enum_test

import (
	"testing"

	"github.com/wamo-dev/wamo/pkg/enum"
)

type colour uint8

const (
	red colour = iota
	green
	blue // past the end of names below
)

func TestName(t *testing.T) {
	names := []string{red: "red", green: "green"}
	for _, tc := range []struct {
		v    colour
		want string
	}{
		{red, "red"},
		{green, "green"},
		{blue, "other"},
		{colour(255), "other"},
	} {
		if got := enum.Name(names, tc.v, "other"); got != tc.want {
			t.Errorf("Name(%d) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
