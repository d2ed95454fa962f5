// Package arch states wamo's import rules as code and checks an import
// graph against them. The test of this package loads the module's real
// graph; it also feeds the rules graphs with one planted violation of each
// kind, so that a rule that stopped working would fail too.
//
// The layers, derived from the module's layout rather than listed:
//   - commands: pkg/cmd/<name> — cobra, flags, rendering; they never import
//     each other (pkg/cmd/root assembles them; shared pieces go to cmdutil);
//   - presentation: pkg/render (the only importer of lipgloss, fatih/color
//     and termenv) and its subpackages (pkg/render/traffic, the reports
//     of replay, listen and conform, styled through render), pkg/iostreams,
//     pkg/cmdutil;
//   - domain: every other package under pkg/ — libraries that take bytes
//     and return values; they import neither cobra, nor styling, nor the
//     presentation or command packages, and never print or exit;
//   - formats: pkg/format/<name>, one per wire format; a format never
//     imports another (pkg/format/common is their shared vocabulary and
//     pkg/format the registry of them all).
package arch

import (
	"errors"
	"fmt"
	"go/build"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Module is the module path.
const Module = "github.com/wamo-dev/wamo"

// Package is one package of the graph: its path relative to the module
// root ("pkg/convert", "cmd/wamo"), its imports (full paths) and, for the
// printing rule, its non-test sources.
type Package struct {
	Rel     string
	Imports []string
	Sources map[string][]byte
}

// Violation is one broken rule.
type Violation struct {
	Package, Import, Rule string
}

func (v Violation) String() string {
	if v.Import == "" {
		return v.Package + ": " + v.Rule
	}
	return v.Package + " imports " + v.Import + ": " + v.Rule
}

// Load reads the import graph of the module rooted at dir (every package
// under cmd/ and pkg/, testdata excluded).
func Load(dir string) ([]Package, error) {
	var out []Package
	for _, top := range []string{"cmd", "pkg"} {
		err := filepath.WalkDir(filepath.Join(dir, top), func(path string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			bp, err := build.ImportDir(path, 0)
			var noGo *build.NoGoError
			if errors.As(err, &noGo) {
				return nil // no Go files here
			}
			if err != nil {
				// A directory the checker cannot read (two package
				// names…) is not skipped: its imports would go unchecked.
				return fmt.Errorf("%s: %w", path, err)
			}
			rel, _ := filepath.Rel(dir, path)
			p := Package{Rel: filepath.ToSlash(rel), Imports: bp.Imports, Sources: map[string][]byte{}}
			for _, f := range bp.GoFiles {
				if p.Sources[f], err = os.ReadFile(filepath.Join(path, f)); err != nil {
					return err
				}
			}
			out = append(out, p)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rel < out[j].Rel })
	return out, nil
}

// Layer is where a package sits.
type Layer uint8

// Layers.
const (
	Main Layer = iota // cmd/*
	Command
	Presentation
	Domain
)

// LayerOf places a package by its path.
func LayerOf(rel string) Layer {
	switch {
	case strings.HasPrefix(rel, "cmd/"):
		return Main
	case strings.HasPrefix(rel, "pkg/cmd/"):
		return Command
	case rel == "pkg/render" || strings.HasPrefix(rel, "pkg/render/") || rel == "pkg/iostreams" || rel == "pkg/cmdutil" || rel == "pkg/golden":
		return Presentation
	}
	return Domain
}

// formatName names the wire format a package describes ("" when it is not
// a format package).
func formatName(rel string) string {
	name, ok := strings.CutPrefix(rel, "pkg/format/")
	if !ok || name == "common" || strings.Contains(name, "/") {
		return ""
	}
	return name
}

var styling = []string{"github.com/charmbracelet/lipgloss", "github.com/fatih/color", "github.com/muesli/termenv"}

var printing = regexp.MustCompile(`\bos\.Exit\(|\bfmt\.Print|\bos\.Std(out|err)\b|\blog\.(Print|Fatal)`)

// edge is one import, from a package in a layer.
type edge struct {
	from     Package
	layer    Layer
	imp      string
	rel      string // imp inside the module, when internal
	internal bool
}

// importRules are the rules an import can break, each with the sentence
// that says so.
var importRules = []struct {
	breaks func(edge) bool
	rule   string
}{
	{stylesOutside, "only pkg/render styles output"},
	{domainUsesCobra, "domain packages know nothing of the command line"},
	{domainReachesUp, "domain packages never reach the command or output layer"},
	{commandImportsCommand, "command packages do not import each other (shared pieces go to cmdutil)"},
	{formatImportsFormat, "a format package never imports another format"},
	{formatImportsRegistry, "a format package never imports the registry of all formats"},
}

func stylesOutside(e edge) bool {
	return e.from.Rel != "pkg/render" && slices.ContainsFunc(styling, func(s string) bool { return strings.HasPrefix(e.imp, s) })
}

func domainUsesCobra(e edge) bool {
	return e.layer == Domain && strings.HasPrefix(e.imp, "github.com/spf13/cobra")
}

func domainReachesUp(e edge) bool {
	return e.layer == Domain && e.internal && LayerOf(e.rel) != Domain
}

func commandImportsCommand(e edge) bool {
	return e.layer == Command && e.from.Rel != "pkg/cmd/root" && e.internal && LayerOf(e.rel) == Command
}

func formatImportsFormat(e edge) bool {
	f, g := formatName(e.from.Rel), formatName(e.rel)
	return f != "" && e.internal && g != "" && g != f
}

func formatImportsRegistry(e edge) bool {
	return formatName(e.from.Rel) != "" && e.internal && e.rel == "pkg/format"
}

// Check returns the violations of the rules in a graph.
func Check(pkgs []Package) []Violation {
	var out []Violation
	for _, p := range pkgs {
		layer := LayerOf(p.Rel)
		for _, imp := range p.Imports {
			rel, internal := strings.CutPrefix(imp, Module+"/")
			e := edge{from: p, layer: layer, imp: imp, rel: rel, internal: internal}
			for _, r := range importRules {
				if r.breaks(e) {
					out = append(out, Violation{p.Rel, imp, r.rule})
				}
			}
		}
		if layer == Domain {
			out = append(out, printingIn(p)...)
		}
	}
	return out
}

// printingIn is a violation for each source file of p that prints or
// exits, in the order of their names.
func printingIn(p Package) []Violation {
	var out []Violation
	names := make([]string, 0, len(p.Sources))
	for f := range p.Sources {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		if m := printing.Find(p.Sources[f]); m != nil {
			out = append(out, Violation{p.Rel, "", fmt.Sprintf("%s uses %s: library code returns values and errors", f, m)})
		}
	}
	return out
}
