package root

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// TestCommandNames checks that each command is listed under the name it
// gets, so that `wamo NAME` builds the command it runs.
func TestCommandNames(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := cmdutil.NewFactory(ios, cmdutil.BuildInfo{})
	for _, c := range commands {
		if got := c.build(f).Name(); got != c.name {
			t.Errorf("command listed as %q is named %q", c.name, got)
		}
	}
}

// TestPartialTreeSame checks that a run which builds only the commands it
// needs prints and exits as it would with the whole tree.
func TestPartialTreeSame(t *testing.T) {
	t.Chdir("../../..")
	cases := [][]string{
		{"--version"}, {"--version", "--color=never"}, {"--version", "--no-such-flag"},
		{"validate", "fixtures/cloud/text.json"}, {"validate", "--output", "json", "fixtures/sinch"},
		{"show", "fixtures/cloud/text.json"}, {"validate", "no-such-file.json"},
	}
	for _, c := range commands {
		cases = append(cases, []string{c.name, "--help"}, []string{c.name, "--no-such-flag"}, []string{c.name, "-h", "--color=always"})
	}
	for _, args := range cases {
		cs := needed(args)
		if len(cs) == len(commands) {
			t.Errorf("%q builds the whole tree", args)
			continue
		}
		whole, part := runTree(args, commands), runTree(args, cs)
		if whole != part {
			t.Errorf("%q with %d commands:\n%s\nwith all:\n%s", args, len(cs), part, whole)
		}
	}
}

// TestWholeTreeWhenUnsure checks the runs that need every command.
func TestWholeTreeWhenUnsure(t *testing.T) {
	for _, args := range [][]string{
		{}, {"--help"}, {"help", "validate"}, {"completion", "bash"}, {"__complete", "val"},
		{"--color", "never", "validate"}, {"valid"}, {"--version", "-h"}, {"--version", "validate"}, {"--color=never"},
	} {
		if cs := needed(args); !slices.Equal(names(cs), names(commands)) {
			t.Errorf("%q builds %v, want every command", args, names(cs))
		}
	}
}

func names(cs []command) []string {
	var n []string
	for _, c := range cs {
		n = append(n, c.name)
	}
	return n
}

// runTree runs args with a root holding cs and returns the exit code and
// what was printed.
func runTree(args []string, cs []command) string {
	ios, _, out, errOut := iostreams.Test()
	code := run(context.Background(), args, cmdutil.NewFactory(ios, cmdutil.BuildInfo{Version: "1.2.3-test"}), cs)
	return "exit " + strconv.Itoa(code) + "\nstdout:\n" + out.String() + "\nstderr:\n" + errOut.String()
}
