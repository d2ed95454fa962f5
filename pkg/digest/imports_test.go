package digest

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps the digest a library: it reads bytes and returns
// values, so it never imports output, styling or command packages.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if imp == "fmt" || imp == "os" {
			t.Errorf("pkg/digest imports %s: it does not print", imp)
		}
		for _, banned := range []string{"lipgloss", "fatih/color", "/pkg/render", "/pkg/iostreams", "/pkg/cmd", "spf13/cobra"} {
			if strings.Contains(imp, banned) {
				t.Errorf("pkg/digest imports %s", imp)
			}
		}
	}
}
