package root

import (
	"go/build"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const module = "github.com/wamo-dev/wamo/"

// domain packages are libraries: they take bytes and readers and return
// values and errors. They never style, print or exit, and never reach for
// the command layer.
var domain = []string{"diag", "jsonlex", "payload", "input", "spec", "format/common", "format/sinch", "format/whatsapp",
	"validate", "convert", "digest", "replay", "listen", "redact", "schema", "gen", "conform"}

// TestArchitecture keeps the import rules of the layout: only render styles
// output, domain packages stay libraries, commands do not import each
// other, and the two format packages do not know each other.
func TestArchitecture(t *testing.T) {
	pkgs := map[string]*build.Package{}
	err := filepath.WalkDir(filepath.Join("..", ".."), func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() || strings.Contains(path, "testdata") {
			return err
		}
		p, err := build.ImportDir(path, 0)
		if err != nil {
			return nil // no Go files
		}
		rel, _ := filepath.Rel(filepath.Join("..", ".."), path)
		pkgs[filepath.ToSlash(rel)] = p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 20 {
		t.Fatalf("found only %d packages under pkg/", len(pkgs))
	}
	styling := []string{"github.com/charmbracelet/lipgloss", "github.com/fatih/color", "github.com/muesli/termenv"}
	for name, p := range pkgs {
		for _, imp := range p.Imports {
			for _, s := range styling {
				if strings.HasPrefix(imp, s) && name != "render" {
					t.Errorf("pkg/%s imports %s: only pkg/render styles output", name, imp)
				}
			}
			if strings.HasPrefix(name, "cmd/") && strings.HasPrefix(imp, module+"pkg/cmd/") && name != "cmd/root" {
				t.Errorf("pkg/%s imports %s: command packages do not import each other (shared pieces go to cmdutil)", name, imp)
			}
		}
	}
	for _, name := range domain {
		p := pkgs[name]
		if p == nil {
			t.Errorf("domain package pkg/%s not found", name)
			continue
		}
		for _, imp := range p.Imports {
			for _, banned := range []string{module + "pkg/render", module + "pkg/iostreams", module + "pkg/cmd", "github.com/spf13/cobra"} {
				if strings.HasPrefix(imp, banned) {
					t.Errorf("pkg/%s imports %s: domain packages never reach the command or output layer", name, imp)
				}
			}
		}
		checkNoPrinting(t, name, p)
	}
	for a, b := range map[string]string{"format/sinch": "format/whatsapp", "format/whatsapp": "format/sinch"} {
		for _, imp := range pkgs[a].Imports {
			if imp == module+"pkg/"+b {
				t.Errorf("pkg/%s imports pkg/%s: only convert knows both formats", a, b)
			}
		}
	}
}

var printing = regexp.MustCompile(`\bos\.Exit\(|\bfmt\.Print|\bos\.Std(out|err)\b|\blog\.(Print|Fatal)`)

// checkNoPrinting reads the package's non-test sources for printing and exiting.
func checkNoPrinting(t *testing.T, name string, p *build.Package) {
	for _, f := range p.GoFiles {
		b, err := os.ReadFile(filepath.Join(p.Dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if m := printing.Find(b); m != nil {
			t.Errorf("pkg/%s/%s uses %s: library code returns values and errors", name, f, m)
		}
	}
}
