package arch

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestModule checks the module's real import graph.
func TestModule(t *testing.T) {
	pkgs, err := Load(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	layers := map[Layer]int{}
	for _, p := range pkgs {
		layers[LayerOf(p.Rel)]++
	}
	// The layout is derived, not listed: make sure it found every layer.
	if layers[Main] < 1 || layers[Command] < 8 || layers[Presentation] < 3 || layers[Domain] < 15 {
		t.Fatalf("unexpected layout: %v packages per layer (main, command, presentation, domain)", layers)
	}
	for _, v := range Check(pkgs) {
		t.Error(v)
	}
}

// TestRulesCatchViolations plants one violation of each kind in a small
// graph: each must be reported, and a clean graph must pass.
func TestRulesCatchViolations(t *testing.T) {
	const m = Module + "/"
	clean := []Package{
		{Rel: "cmd/wamo", Imports: []string{m + "pkg/cmd/root"}},
		{Rel: "pkg/cmd/root", Imports: []string{m + "pkg/cmd/show", m + "pkg/cmd/validate", "github.com/spf13/cobra"}},
		{Rel: "pkg/cmd/show", Imports: []string{m + "pkg/cmdutil", m + "pkg/render", m + "pkg/digest", "github.com/spf13/cobra"}},
		{Rel: "pkg/render", Imports: []string{"github.com/charmbracelet/lipgloss", "github.com/fatih/color", m + "pkg/digest"}},
		{Rel: "pkg/digest", Imports: []string{m + "pkg/format", m + "pkg/message"}, Sources: map[string][]byte{"d.go": []byte("package digest\n")}},
		{Rel: "pkg/format", Imports: []string{m + "pkg/format/sinch", m + "pkg/format/whatsapp"}},
		{Rel: "pkg/format/sinch", Imports: []string{m + "pkg/format/common", m + "pkg/message"}},
		{Rel: "pkg/format/whatsapp", Imports: []string{m + "pkg/format/common"}},
	}
	if v := Check(clean); len(v) != 0 {
		t.Fatalf("a clean graph is reported: %v", v)
	}
	cases := []struct {
		name    string
		pkg     string
		imp     string
		source  string
		wantHas string
	}{
		{"domain imports cobra", "pkg/digest", "github.com/spf13/cobra", "", "command line"},
		{"domain imports lipgloss", "pkg/digest", "github.com/charmbracelet/lipgloss", "", "only pkg/render styles"},
		{"domain imports fatih/color", "pkg/digest", "github.com/fatih/color", "", "only pkg/render styles"},
		{"domain imports render", "pkg/digest", m + "pkg/render", "", "output layer"},
		{"domain imports iostreams", "pkg/digest", m + "pkg/iostreams", "", "output layer"},
		{"domain imports a command", "pkg/digest", m + "pkg/cmd/show", "", "output layer"},
		{"command imports a command", "pkg/cmd/show", m + "pkg/cmd/validate", "", "do not import each other"},
		{"format imports a format", "pkg/format/sinch", m + "pkg/format/whatsapp", "", "never imports another format"},
		{"format imports the registry", "pkg/format/whatsapp", m + "pkg/format", "", "registry"},
		{"domain prints", "pkg/digest", "", "package digest\nfunc f() { fmt.Println(1) }\n", "fmt.Print"},
		{"domain exits", "pkg/digest", "", "package digest\nfunc f() { os.Exit(1) }\n", "os.Exit("},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := make([]Package, len(clean))
			copy(g, clean)
			for i := range g {
				if g[i].Rel != c.pkg {
					continue
				}
				if c.imp != "" {
					g[i].Imports = append(append([]string(nil), g[i].Imports...), c.imp)
				}
				if c.source != "" {
					g[i].Sources = map[string][]byte{"x.go": []byte(c.source)}
				}
			}
			vs := Check(g)
			if len(vs) == 0 {
				t.Fatalf("not reported")
			}
			found := false
			for _, v := range vs {
				found = found || strings.Contains(v.String(), c.wantHas)
			}
			if !found {
				t.Errorf("reported, but not as %q: %v", c.wantHas, vs)
			}
		})
	}
}
