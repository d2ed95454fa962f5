// Package man writes man pages for the wamo command tree: one page per
// command and per help topic (wamo-exit-codes(1), wamo-environment(1)), with
// EXIT STATUS and ENVIRONMENT sections from the tables in cmdutil. The pages
// are written as markdown and turned into roff by go-md2man, the renderer
// cobra/doc uses; wamo builds the markdown itself because cobra/doc's loses
// `<command>` from synopses (it reads as an HTML tag), reflows indented
// blocks into running text and has no way to add sections.
//
// It is linked only into the release helper cmd/wamo-man, so that wamo's
// start-up never pays for the markdown packages' initialisation.
package man

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
)

// Options say what goes into every page's header.
type Options struct {
	// Version is shown as "wamo VERSION" in the header (empty: just "wamo").
	Version string
	// Date is the page date; a fixed one (the commit's) keeps pages reproducible.
	Date time.Time
}

// Write writes the pages of root's tree into dir, which it creates, and
// returns their file names. Pages of commands that no longer exist are not
// removed: write into an empty directory.
func Write(root *cobra.Command, dir string, opts Options) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var names []string
	for _, c := range Commands(root) {
		name := PageName(c) + ".1"
		if err := os.WriteFile(filepath.Join(dir, name), Page(c, opts), 0o644); err != nil {
			return nil, fmt.Errorf("writing man pages: %w", err)
		}
		names = append(names, name)
	}
	return names, nil
}

// Commands lists the commands and help topics that get a page, root first.
// For the root it adds cobra's completion command first, which cobra
// otherwise adds only when the tree is executed.
func Commands(root *cobra.Command) []*cobra.Command {
	if !root.HasParent() {
		root.InitDefaultCompletionCmd()
	}
	out := []*cobra.Command{root}
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			out = append(out, Commands(c)...)
		}
	}
	return out
}

// PageName is the page's name: the command path joined with dashes (wamo-fixtures-show).
func PageName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

// Page renders one command's page as roff.
func Page(c *cobra.Command, opts Options) []byte {
	var md bytes.Buffer
	source := "wamo"
	if opts.Version != "" {
		source += " " + opts.Version
	}
	fmt.Fprintf(&md, "%% %q %q %q %q %q\n", strings.ToUpper(PageName(c)), "1", opts.Date.UTC().Format("2006-01-02"), source, "wamo manual")

	section(&md, "NAME")
	fmt.Fprintf(&md, "%s - %s\n", PageName(c), escape(c.Short))

	topic := c.IsAdditionalHelpTopicCommand()
	if !topic {
		section(&md, "SYNOPSIS")
		fmt.Fprintf(&md, "**%s**%s\n", escape(c.CommandPath()), escape(strings.TrimPrefix(c.UseLine(), c.CommandPath())))
	}

	section(&md, "DESCRIPTION")
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	text(&md, desc)

	if !topic {
		if c.HasAvailableSubCommands() {
			section(&md, "COMMANDS")
			for _, sub := range c.Commands() {
				if sub.IsAvailableCommand() {
					definition(&md, "**"+escape(sub.Name())+"**", escape(sub.Short)+" (see **"+escape(PageName(sub))+"**(1))")
				}
			}
		}
		flags(&md, "OPTIONS", c.NonInheritedFlags())
		flags(&md, "OPTIONS INHERITED FROM PARENT COMMANDS", c.InheritedFlags())
		if c.Example != "" {
			section(&md, "EXAMPLES")
			block(&md, strings.Split(strings.Trim(c.Example, "\n"), "\n"))
		}
		section(&md, "EXIT STATUS")
		for _, e := range cmdutil.ExitCodes {
			definition(&md, fmt.Sprintf("**%d**", e.Code), escape(e.Meaning))
		}
		md.WriteString("\nWhen inputs end differently, the most serious code wins (see **wamo-exit-codes**(1)).\n")
		section(&md, "ENVIRONMENT")
		env := cmdutil.Environment
		if c.HasParent() {
			env = cmdutil.EnvironmentFor(commandName(c))
		}
		for _, e := range env {
			definition(&md, "**"+escape(strings.Join(e.Names, "**, **"))+"**", escape(e.Meaning))
		}
		if c.HasParent() {
			md.WriteString("\nSee **wamo-environment**(1) for all of them.\n")
		}
	}

	section(&md, "SEE ALSO")
	md.WriteString(strings.Join(seeAlso(c), ", ") + "\n")
	return asciiRoff(md2man.Render(md.Bytes()))
}

// asciiRoff writes every non-ASCII character as a groff Unicode escape
// (… becomes \[u2026]), which groff and mandoc both read whatever the
// locale: man-db converts UTF-8 input with preconv, other man programs may not.
func asciiRoff(b []byte) []byte {
	var out bytes.Buffer
	for _, r := range string(b) {
		if r < 0x80 {
			out.WriteRune(r)
			continue
		}
		fmt.Fprintf(&out, "\\[u%04X]", r)
	}
	return out.Bytes()
}

// commandName is the name of c's top-level command under root ("" for root
// itself), the name the environment table uses.
func commandName(c *cobra.Command) string {
	for c.HasParent() && c.Parent().HasParent() {
		c = c.Parent()
	}
	if !c.HasParent() {
		return ""
	}
	return c.Name()
}

func seeAlso(c *cobra.Command) []string {
	var refs []string
	ref := func(x *cobra.Command) { refs = append(refs, "**"+escape(PageName(x))+"**(1)") }
	if c.HasParent() {
		ref(c.Parent())
	}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
			ref(sub)
		}
	}
	root := c.Root()
	for _, t := range root.Commands() {
		if t.IsAdditionalHelpTopicCommand() && t != c && c != root {
			ref(t)
		}
	}
	return refs
}

func section(md *bytes.Buffer, name string) { fmt.Fprintf(md, "\n# %s\n\n", name) }

func definition(md *bytes.Buffer, term, def string) {
	fmt.Fprintf(md, "\n%s\n: %s\n", term, def)
}

func flags(md *bytes.Buffer, title string, fs *pflag.FlagSet) {
	var list []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			list = append(list, f)
		}
	})
	if len(list) == 0 {
		return
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	section(md, title)
	for _, f := range list {
		varname, usage := pflag.UnquoteUsage(f)
		term := "**--" + escape(f.Name) + "**"
		if f.Shorthand != "" {
			term = "**-" + escape(f.Shorthand) + "**, " + term
		}
		if varname != "" {
			if f.NoOptDefVal != "" {
				term += "[=*" + escape(varname) + "*]"
			} else {
				term += "=*" + escape(varname) + "*"
			}
		}
		if d := f.DefValue; f.Value.Type() != "bool" && d != "" && d != "0" && d != "[]" && d != "0s" {
			usage += fmt.Sprintf(" (default %s)", d)
		}
		definition(md, term, escape(usage))
	}
}

// text converts help text to markdown: lines are prose, reflowed into
// paragraphs, except runs of indented lines, which stay blocks as written
// (tables, examples, finding layouts).
func text(md *bytes.Buffer, s string) {
	var run []string
	inBlock := false
	flush := func() {
		if len(run) == 0 {
			return
		}
		if inBlock {
			block(md, run)
		} else {
			md.WriteString("\n" + escape(strings.Join(run, "\n")) + "\n")
		}
		run = nil
	}
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		indented := strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")
		switch {
		case strings.TrimSpace(line) == "":
			if !inBlock {
				flush()
				continue
			}
			run = append(run, "") // a blank line inside a block stays in it
		case indented != inBlock:
			flush()
			inBlock = indented
			run = append(run, line)
		default:
			run = append(run, line)
		}
	}
	flush()
}

// block writes lines as a literal block, indentation kept (tabs as four
// spaces) and trailing blank lines dropped.
func block(md *bytes.Buffer, lines []string) {
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	md.WriteString("\n```\n")
	for _, l := range lines {
		md.WriteString(strings.ReplaceAll(l, "\t", "    ") + "\n")
	}
	md.WriteString("```\n")
}

// escape makes s literal markdown text: every character markdown could read
// as markup (emphasis, links, HTML such as <command>, list markers) is
// backslash-escaped.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_{}[]()#+-.!<>|&~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
