package validate

import (
	"strings"
	"testing"
)

func TestCheckIgnore(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string // in the error; "" for none
	}{
		{nil, ""},
		{[]string{"format.phone-digits", "whatsapp.duplicate-id"}, ""},
		{[]string{"format.phone-digits", "format.nope"}, `"format.nope": no such rule`},
		{[]string{"json.syntax"}, `"json.syntax": unusable input cannot be ignored`},
		{[]string{"format.unknown"}, "cannot be ignored"},
	} {
		err := checkIgnore(tc.ids)
		switch {
		case tc.want == "" && err != nil,
			tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("checkIgnore(%q) = %v, want an error with %q", tc.ids, err, tc.want)
		}
	}
}
