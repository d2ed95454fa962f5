package replay

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps replay a library: it sends and measures, and leaves
// printing, styling and the command line to others.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		for _, banned := range []string{"lipgloss", "fatih/color", "/pkg/render", "/pkg/iostreams", "/pkg/cmd", "spf13/cobra"} {
			if strings.Contains(imp, banned) {
				t.Errorf("pkg/replay imports %s", imp)
			}
		}
	}
}
