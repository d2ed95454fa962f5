package show

import (
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
)

// TestFieldReadsTheLastKey: --field prints the value receivers read when
// a key repeats (the last), at any depth, and the rest as before.
func TestFieldReadsTheLastKey(t *testing.T) {
	in := `{"messages":[{"from":"16505551111","from":"16505552222","type":"text","text":{"body":"a","body":"b"}}],"contacts":[{"wa_id":"1"}]}` + "\n" +
		`{"messages":[{"from":"16505553333","type":"text","text":{"body":"c"}}]}` + "\n"
	for field, want := range map[string]string{
		"messages.0.from":      "16505552222\n16505553333\n",
		"messages.0.text.body": "b\nc\n",
		"contacts.0.wa_id":     "1\n\n",
		"messages.0.text":      `{"body":"b"}` + "\n" + `{"body":"c"}` + "\n",
	} {
		r := run(cmdtest.Env{Stdin: in}, "--field", field, "-")
		if r.Code != 0 || r.Stdout != want {
			t.Errorf("--field %s: exit %d, out %q, want %q (%s)", field, r.Code, r.Stdout, want, strings.TrimSpace(r.Stderr))
		}
	}
}
