package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/golden"

	"github.com/wamo-dev/wamo/pkg/validate"
)

// TestReadmeRules keeps the README's rule table identical to the rules
// wamo checks; `go test ./pkg/render -run ReadmeRules -update` rewrites it.
func TestReadmeRules(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
	i, j := bytes.Index(readme, []byte(begin)), bytes.Index(readme, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q … %q markers", begin, end)
	}
	var table strings.Builder
	if err := RulesMarkdown(&table, validate.Rules()); err != nil {
		t.Fatal(err)
	}
	got := string(readme[i+len(begin) : j])
	if got == table.String() {
		return
	}
	if golden.Update() {
		out := append(append(append([]byte{}, readme[:i+len(begin)]...), table.String()...), readme[j:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md rule table is out of date: run go test ./pkg/render -run ReadmeRules -update")
}
