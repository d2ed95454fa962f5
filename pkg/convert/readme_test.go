package convert_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/golden"
)

// TestReadmeMapping keeps the README's mapping table identical to the one
// generated into mapping.md; -update rewrites the README's copy.
func TestReadmeMapping(t *testing.T) {
	doc, err := os.ReadFile("mapping.md")
	if err != nil {
		t.Fatal(err)
	}
	const heading = "## What corresponds to what\n"
	i := bytes.Index(doc, []byte(heading))
	if i < 0 {
		t.Fatalf("mapping.md lacks %q", heading)
	}
	section := doc[i+len(heading):]
	if j := bytes.Index(section, []byte("\n## ")); j >= 0 {
		section = section[:j+1]
	}
	table := strings.TrimLeft(string(section), "\n")

	golden.AssertSection(t, filepath.Join("..", "..", "README.md"), "mapping", table)
}
