package man_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmd/man"
	"github.com/wamo-dev/wamo/pkg/cmd/root"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

var opts = man.Options{Version: "1.2.3", Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}

func tree() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	return root.NewCmdRoot(cmdutil.NewFactory(ios, cmdutil.BuildInfo{Version: "1.2.3"}))
}

func write(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	names, err := man.Write(tree(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return dir, names
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sectionOf returns the roff between ".SH NAME" and the next .SH.
func sectionOf(page, name string) string {
	i := strings.Index(page, ".SH "+name+"\n")
	if i < 0 {
		i = strings.Index(page, ".SH \""+name+"\"\n")
	}
	if i < 0 {
		return ""
	}
	rest := page[i+1:]
	rest = rest[strings.Index(rest, "\n")+1:]
	if j := strings.Index(rest, "\n.SH "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestEveryCommandAndTopicHasAPage(t *testing.T) {
	dir, names := write(t)
	// Walk the tree the way the help command lists it, independently of
	// man.Commands.
	c := tree()
	c.InitDefaultCompletionCmd()
	var want []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		want = append(want, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1")
		for _, sub := range c.Commands() {
			if sub.Name() != "help" && !sub.Hidden {
				walk(sub)
			}
		}
	}
	walk(c)
	slices.Sort(want)
	got := slices.Clone(names)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("pages %v\nwant %v", got, want)
	}
	for _, must := range []string{"wamo.1", "wamo-validate.1", "wamo-fixtures-show.1", "wamo-version.1", "wamo-completion-zsh.1", "wamo-exit-codes.1", "wamo-environment.1"} {
		if !slices.Contains(names, must) {
			t.Errorf("no page %s", must)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(names) {
		t.Errorf("%d files for %d pages", len(entries), len(names))
	}
}

func TestPageContents(t *testing.T) {
	dir, names := write(t)
	for _, name := range names {
		page := read(t, dir, name)
		topic := name == "wamo-exit-codes.1" || name == "wamo-environment.1"
		title := strings.ToUpper(strings.TrimSuffix(name, ".1"))
		if !strings.Contains(page, `.TH "`+title+`" "1" "2026-01-02" "wamo 1.2.3" "wamo manual"`) {
			t.Errorf("%s: header %q", name, strings.SplitN(page, "\n", 3)[:2])
		}
		for _, s := range []string{"NAME", "DESCRIPTION", "SEE ALSO"} {
			if sectionOf(page, s) == "" {
				t.Errorf("%s: no %s section", name, s)
			}
		}
		for _, s := range []string{"SYNOPSIS", "EXIT STATUS", "ENVIRONMENT"} {
			if has := sectionOf(page, s) != ""; has == topic {
				t.Errorf("%s: %s section present = %v", name, s, has)
			}
		}
		if !topic && !strings.Contains(sectionOf(page, "EXIT STATUS"), "130") {
			t.Errorf("%s: EXIT STATUS lacks 130", name)
		}
	}
	// The synopsis keeps the placeholder that markdown would read as HTML.
	if syn := sectionOf(read(t, dir, "wamo.1"), "SYNOPSIS"); !strings.Contains(syn, `<command>`) {
		t.Errorf("wamo.1 synopsis %q lost <command>", syn)
	}
	// The environment a command reads, and only that.
	replay := sectionOf(read(t, dir, "wamo-replay.1"), "ENVIRONMENT")
	validate := sectionOf(read(t, dir, "wamo-validate.1"), "ENVIRONMENT")
	if !strings.Contains(replay, "WAMO_APP_SECRET") || !strings.Contains(validate, "NO_COLOR") || strings.Contains(validate, "WAMO_APP_SECRET") {
		t.Errorf("ENVIRONMENT sections: replay\n%s\nvalidate\n%s", replay, validate)
	}
	all := sectionOf(read(t, dir, "wamo.1"), "ENVIRONMENT")
	for _, e := range cmdutil.Environment {
		if !strings.Contains(all, strings.ReplaceAll(e.Names[0], "_", `\_`)) && !strings.Contains(all, e.Names[0]) {
			t.Errorf("wamo.1 ENVIRONMENT lacks %s", e.Names[0])
		}
	}
}

// TestIndentedBlocksStayBlocks: help text indented in the source (the exit
// code table, the layout of a finding) is a literal block in the page, one
// source line per output line.
func TestIndentedBlocksStayBlocks(t *testing.T) {
	dir, _ := write(t)
	exits := read(t, dir, "wamo-exit-codes.1")
	block := regexp.MustCompile(`(?s)\.EX\n(.*?)\.EE`).FindStringSubmatch(exits)
	if block == nil {
		t.Fatalf("no literal block in wamo-exit-codes.1:\n%s", exits)
	}
	lines := strings.Split(block[1], "\n")
	for _, want := range []string{"    0  ok:", "    2  usage:", "  130  interrupted"} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) }) {
			t.Errorf("block lacks a line starting %q:\n%s", want, block[1])
		}
	}
	if v := read(t, dir, "wamo-validate.1"); !strings.Contains(v, ".EX\n  FILE:LINE:COL: SEVERITY RULE\\-ID: MESSAGE (path JSON.PATH)\n.EE") &&
		!strings.Contains(v, ".EX\n  FILE:LINE:COL: SEVERITY RULE-ID: MESSAGE (path JSON.PATH)\n.EE") {
		t.Errorf("wamo-validate.1: the finding layout is not a block of its own")
	}
}

func TestReproducible(t *testing.T) {
	a, names := write(t)
	b, _ := write(t)
	for _, n := range names {
		if read(t, a, n) != read(t, b, n) {
			t.Errorf("%s differs between two runs", n)
		}
	}
	later := opts
	later.Date = opts.Date.Add(48 * time.Hour)
	c := t.TempDir()
	if _, err := man.Write(tree(), c, later); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(read(t, c, "wamo.1"), `"2026-01-04"`) {
		t.Errorf("the date does not come from Options.Date")
	}
}

// TestRendersWithGroff formats every page with groff, the formatter man(1)
// runs, as a terminal shows them and with all warnings on, and reads the
// synopsis and a block back.
func TestRendersWithGroff(t *testing.T) {
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("groff is not installed (apt-get install groff-base)")
	}
	dir, names := write(t)
	// One run for all pages, plain text: no bold, underline or colour codes.
	args := []string{"-man", "-Tutf8", "-ww", "-P-cbou"}
	for _, n := range names {
		args = append(args, filepath.Join(dir, n))
	}
	cmd := exec.Command("groff", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("groff: %v\n%s", err, stderr.String())
	}
	text := string(out)
	for _, n := range names {
		title := strings.ToUpper(strings.TrimSuffix(n, ".1")) + "(1)"
		if !strings.Contains(text, title) {
			t.Errorf("no page titled %s", title)
		}
	}
	if !regexp.MustCompile(`(?m)^SYNOPSIS\n +wamo <command> \[flags\]$`).MatchString(text) {
		t.Errorf("the synopsis of wamo(1) lost <command>")
	}
	if !regexp.MustCompile(`(?m)^ +2  usage: bad flags or arguments\n +3  unusable input`).MatchString(text) {
		t.Errorf("wamo-exit-codes(1): the table is not kept line by line")
	}
	if strings.Count(text, "\nEXIT STATUS\n") != len(names)-2 || strings.Count(text, "\nENVIRONMENT\n") != len(names)-2 {
		t.Errorf("EXIT STATUS and ENVIRONMENT should be on every page but the two topics")
	}
}
