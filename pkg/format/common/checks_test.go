package common

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

func TestSHA256Alphabets(t *testing.T) {
	hex := "09b1823015ce2ac67b83b313602df12736b7029c99c254ed8bf9223ddb9c0dc8"
	b64 := "DSrhaHTjJM5UpOcu83/4sFu70e2BNiJ3c4va4fVAyYU="
	for s, ok := range map[string]bool{
		hex: true, strings.ToUpper(hex): true, hex[:63] + "g": false, hex[:63] + " ": false, hex[:63]: false,
		b64: true, strings.NewReplacer("/", "_", "D", "-").Replace(b64): true, "!" + b64[1:]: false,
		b64[:43] + "A": false, hex[:44]: false, "": false, strings.Repeat("=", 44): true,
	} {
		got := SHA256.Check(gjson.Result{Type: gjson.String, Str: s}) == ""
		if got != ok {
			t.Errorf("SHA256 accepts %q: %v, want %v", s, got, ok)
		}
	}
}
