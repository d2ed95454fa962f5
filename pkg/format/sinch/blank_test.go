package sinch

import (
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/jsontree"
)

// TestBlankString checks the shortcut against decoding the string.
func TestBlankString(t *testing.T) {
	for _, raw := range []string{
		`""`, `" "`, `"\t \n"`, `"\u0020\u00a0"`, `"\u2003"`, `" \n x"`, `"x"`, `"\u0041"`,
		`" \\"`, `"\"" `, `"é"`, "\"\u00a0\"", "\"\u00a0x\"", `"\r\n"`, `1`, `null`, `{"a":" "}`,
	} {
		v := jsontree.Parse(raw)
		want := v.IsString() && strings.TrimSpace(v.Str()) == ""
		if got := blankString(v); got != want {
			t.Errorf("blankString(%s) = %v, want %v", raw, got, want)
		}
	}
}
