package root

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wamo-dev/wamo/pkg/cmd/cmdtest"
	"github.com/wamo-dev/wamo/pkg/golden"
)

// TestCompletionsUpToDate fails when completions/ no longer matches what
// `wamo completion SHELL` generates; -update rewrites them.
func TestCompletionsUpToDate(t *testing.T) {
	for shell, file := range map[string]string{
		"bash": "wamo.bash", "zsh": "_wamo", "fish": "wamo.fish", "powershell": "wamo.ps1",
	} {
		t.Run(shell, func(t *testing.T) {
			r := cmdtest.RunTree(cmdtest.Env{}, Run, "completion", shell)
			if r.Code != 0 {
				t.Fatalf("wamo completion %s: exit %d: %s", shell, r.Code, r.Stderr)
			}
			golden.Assert(t, filepath.Join("..", "..", "..", "completions", file), []byte(r.Stdout))
		})
	}
}

// complete runs cobra's hidden __complete command, as the shell scripts do,
// and returns the candidates (descriptions cut off) and the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	r := cmdtest.RunTree(cmdtest.Env{}, Run, append([]string{"__complete"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("__complete %v: exit %d: %s", args, r.Code, r.Stderr)
	}
	lines := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	var got []string
	for _, l := range lines[:len(lines)-1] {
		got = append(got, strings.SplitN(l, "\t", 2)[0])
	}
	return got, lines[len(lines)-1]
}

// enumerated finds the values a flag's help lists, as in "output: text,
// json or junit": such a flag must complete them.
var enumerated = regexp.MustCompile(`: ((?:[a-z][a-z0-9-]*, )*[a-z][a-z0-9-]*) or ([a-z][a-z0-9-]*)\b`)

// TestEnumeratedFlagsComplete walks every command and checks that each flag
// whose help lists its values offers exactly those values (--color too), so
// a new enumerated flag cannot ship without completion.
func TestEnumeratedFlagsComplete(t *testing.T) {
	root := newRoot()
	checked := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			m := enumerated.FindStringSubmatch(fl.Usage)
			if m == nil || fl.Hidden {
				return
			}
			want := append(strings.Split(m[1], ", "), m[2])
			got, directive := complete(t, append(append([]string{}, path...), "--"+fl.Name, "")...)
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("%s --%s: completion %v lacks %q (help says %q)", c.CommandPath(), fl.Name, got, w, fl.Usage)
				}
			}
			if directive != ":4" {
				t.Errorf("%s --%s: directive %s, want :4 (no file names among the values)", c.CommandPath(), fl.Name, directive)
			}
			checked++
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if checked < 10 {
		t.Errorf("only %d enumerated flags found: has the help wording changed?", checked)
	}
}

func TestColorCompletes(t *testing.T) {
	// Fixed values come back whole; the shell keeps those that match.
	for _, args := range [][]string{{"--color", ""}, {"validate", "--color", ""}, {"fixtures", "show", "--color", "a"}} {
		got, _ := complete(t, args...)
		if want := []string{"auto", "always", "never"}; !slices.Equal(got, want) {
			t.Errorf("%v: %v, want %v", args, got, want)
		}
	}
}

func TestFixtureNamesCompleteByPrefix(t *testing.T) {
	tests := []struct {
		typed     string
		want      []string // exactly these, in this order; nil: see min
		min       int
		directive string
	}{
		{"", []string{"sinch/", "whatsapp/", "cloud/", "conversation/", "invalid/"}, 0, ":6"},
		{"wh", []string{"whatsapp/"}, 0, ":6"},
		{"nope", nil, 0, ":6"},
		{"sinch/te", []string{"sinch/text", "sinch/text-pt", "sinch/text-referral"}, 0, ":4"},
		{"cloud/", nil, 20, ":4"},
	}
	for _, tt := range tests {
		got, directive := complete(t, "fixtures", "show", tt.typed)
		if tt.want != nil && !slices.Equal(got, tt.want) || tt.min > 0 && len(got) < tt.min {
			t.Errorf("%q: %v", tt.typed, got)
		}
		for _, g := range got {
			if !strings.HasPrefix(g, tt.typed) {
				t.Errorf("%q: %q does not start with what was typed", tt.typed, g)
			}
		}
		if directive != tt.directive {
			t.Errorf("%q: directive %s, want %s", tt.typed, directive, tt.directive)
		}
	}
}
