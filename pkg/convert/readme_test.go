package convert_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/golden"
	"github.com/wamo-dev/wamo/pkg/payload"
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

// TestReadmeMigration keeps the README's migration table (LATAM Sinch ⇄
// Conversation API ⇄ Cloud API) generated from the formats' spellings;
// -update rewrites it.
func TestReadmeMigration(t *testing.T) {
	var b strings.Builder
	b.WriteString("| Sinch LATAM (`sinch`) | Conversation API (`conversation`) | Cloud API (`cloud`) | note |\n| --- | --- | --- | --- |\n")
	for _, m := range format.Mapping(payload.Sinch, payload.Conversation, payload.Cloud) {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", code(cell(dash(m.Paths[0]))), code(cell(dash(m.Paths[1]))), code(cell(dash(m.Paths[2]))), cell(m.Note))
	}
	golden.AssertSection(t, filepath.Join("..", "..", "README.md"), "migration", b.String())
}
