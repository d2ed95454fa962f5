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

	path := filepath.Join("..", "..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- mapping:begin -->\n", "<!-- mapping:end -->"
	a, b := bytes.Index(readme, []byte(begin)), bytes.Index(readme, []byte(end))
	if a < 0 || b < a {
		t.Fatalf("README.md lacks the %q … %q markers", begin, end)
	}
	if string(readme[a+len(begin):b]) == table {
		return
	}
	if golden.Update() {
		out := append(append(append([]byte{}, readme[:a+len(begin)]...), table...), readme[b:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md mapping table is out of date: go test ./pkg/convert -run ReadmeMapping -update")
}
