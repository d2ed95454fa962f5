package redact

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/golden"

	"github.com/wamo-dev/wamo/fixtures"
)

// TestGolden pins the pseudonyms: redacting the same payloads must give
// the same bytes in every run and every version, or conversations
// redacted before and after an upgrade would no longer link up. A change
// here is a change of DefaultKey's version.
func TestGolden(t *testing.T) {
	for _, name := range []string{"sinch/contacts", "whatsapp/text-mentions", "whatsapp/system-user-changed-number",
		"cloud/text-bsuid", "cloud/image", "cloud/interactive-nfm-reply", "cloud/location"} {
		fx, err := fixtures.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		in, _ := fixtures.Read(fx)
		for _, text := range []bool{false, true} {
			out, err := New(Options{Text: text}).Redact(in)
			if err != nil {
				t.Fatal(err)
			}
			file := strings.ReplaceAll(name, "/", "_")
			if text {
				file += "_text"
			}
			golden.Assert(t, filepath.Join("testdata", file+".golden"), out)
		}
	}
}
