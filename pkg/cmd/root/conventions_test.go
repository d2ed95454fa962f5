package root

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
)

var (
	envRead    = regexp.MustCompile(`(?:[Gg]etenv|LookupEnv)\("([A-Z][A-Z0-9_]*)"\)`)
	envLiteral = regexp.MustCompile(`"(WAMO_[A-Z0-9_]+)"`)
)

// TestEnvironmentDocumented reads wamo's sources (tests, test helpers and
// the release helper aside) for environment variables and checks each is in
// cmdutil.Environment, which `wamo help environment` and the man pages show;
// and that no WAMO_ variable is documented that nothing reads.
func TestEnvironmentDocumented(t *testing.T) {
	documented := map[string]bool{}
	for _, e := range cmdutil.Environment {
		for _, n := range e.Names {
			documented[n] = true
		}
	}
	read := map[string]string{}
	repo := filepath.Join("..", "..", "..")
	err := filepath.WalkDir(repo, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repo, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			// A package named …test (payloadtest, cmdtest) serves only
			// tests: what it reads is the tests' environment, not wamo's.
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || strings.HasSuffix(d.Name(), "test") || rel == "cmd/wamo-man") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range []*regexp.Regexp{envRead, envLiteral} {
			for _, m := range re.FindAllSubmatch(b, -1) {
				read[string(m[1])] = rel
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM", "COLUMNS", "WAMO_APP_SECRET"} {
		if read[want] == "" {
			t.Errorf("the scan did not find %s: is the pattern still right?", want)
		}
	}
	for name, file := range read {
		if !documented[name] {
			t.Errorf("%s reads %s, which cmdutil.Environment (wamo help environment) does not document", file, name)
		}
	}
	for name := range documented {
		if strings.HasPrefix(name, "WAMO_") && read[name] == "" {
			t.Errorf("cmdutil.Environment documents %s, which nothing reads", name)
		}
	}
	for _, e := range cmdutil.Environment {
		for _, c := range e.Commands {
			if !slices.Contains(commandNames(t), c) {
				t.Errorf("cmdutil.Environment: %v names command %q, which does not exist", e.Names, c)
			}
		}
	}
}

// newRoot builds the command tree over test streams.
func newRoot() *cobra.Command {
	f, _, _ := cmdtest.Factory(cmdtest.Env{})
	return NewCmdRoot(f)
}

func commandNames(t *testing.T) []string {
	var names []string
	for _, c := range newRoot().Commands() {
		names = append(names, c.Name())
	}
	return names
}

func TestHelpEnvironment(t *testing.T) {
	r := cmdtest.RunTree(cmdtest.Env{}, Run, "help", "environment")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	for _, e := range cmdutil.Environment {
		for _, n := range e.Names {
			if !strings.Contains(r.Stdout, "\n  "+n) && !strings.Contains(r.Stdout, ", "+n) {
				t.Errorf("wamo help environment does not list %s", n)
			}
		}
	}
	for _, line := range strings.Split(r.Stdout, "\n") {
		if len([]rune(line)) > 80 {
			t.Errorf("line wider than 80 columns: %q", line)
		}
	}
}

// sameMeaning are short flags that stand for differently named flags with
// one meaning: -f is the input's format (convert calls it --from), -n is
// how many (payloads for gen, rounds for replay).
var sameMeaning = map[string][]string{
	"f": {"format", "from"},
	"n": {"count", "repeat"},
}

// knownConflicts are short flags with two meanings in commands owned
// elsewhere, reported and left for their owners to settle; the test keeps
// new ones from appearing.
var knownConflicts = map[string][]string{}

// TestShortFlagsOneMeaning checks that each short flag means one thing
// across commands: -v is --verbose wherever it exists, never --version.
func TestShortFlagsOneMeaning(t *testing.T) {
	root := newRoot()
	root.InitDefaultCompletionCmd()
	longs := map[string]map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if fl.Shorthand == "" {
				return
			}
			if longs[fl.Shorthand] == nil {
				longs[fl.Shorthand] = map[string]bool{}
			}
			longs[fl.Shorthand][fl.Name] = true
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for short, names := range longs {
		var list []string
		for n := range names {
			list = append(list, n)
		}
		sort.Strings(list)
		if len(list) == 1 || slices.Equal(list, sameMeaning[short]) || slices.Equal(list, knownConflicts[short]) {
			continue
		}
		t.Errorf("-%s means %s in different commands: give each meaning its own letter", short, strings.Join(list, " and "))
	}
	if v := longs["v"]; len(v) != 1 || !v["verbose"] {
		t.Errorf("-v stands for %v, want only --verbose", v)
	}
	for short, want := range knownConflicts {
		if got := longs[short]; len(got) != len(want) {
			t.Errorf("-%s: the conflict %v is settled (now %v): remove it from knownConflicts", short, want, got)
		}
	}
}

// TestREADMEEnvironment keeps the README's Environment table in step with
// cmdutil.Environment.
func TestREADMEEnvironment(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i := strings.Index(readme, "\n## Environment\n")
	if i < 0 {
		t.Fatal("README has no Environment section")
	}
	section := readme[i+1:]
	if j := strings.Index(section, "\n## "); j >= 0 {
		section = section[:j]
	}
	for _, e := range cmdutil.Environment {
		for _, n := range e.Names {
			if !strings.Contains(section, "`"+n+"`") {
				t.Errorf("README's Environment section does not list %s", n)
			}
		}
	}
}
