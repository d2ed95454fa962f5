package render

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/golden"

	"github.com/wamo-dev/wamo/pkg/validate"
)

// TestReadmeRules keeps the README's rule table identical to the rules
// wamo checks; `go test ./pkg/render -run ReadmeRules -update` rewrites it.
func TestReadmeRules(t *testing.T) {
	var table strings.Builder
	if err := RulesMarkdown(&table, validate.Rules()); err != nil {
		t.Fatal(err)
	}
	golden.AssertSection(t, filepath.Join("..", "..", "README.md"), "rules", table.String())
}
