// Package root assembles the wamo command tree, runs it, prints the one
// error line a failed command produces and turns errors into exit codes.
package root

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	conformcmd "github.com/wamo-dev/wamo/pkg/cmd/conform"
	convertcmd "github.com/wamo-dev/wamo/pkg/cmd/convert"
	fixturescmd "github.com/wamo-dev/wamo/pkg/cmd/fixtures"
	gencmd "github.com/wamo-dev/wamo/pkg/cmd/gen"
	listencmd "github.com/wamo-dev/wamo/pkg/cmd/listen"
	redactcmd "github.com/wamo-dev/wamo/pkg/cmd/redact"
	replaycmd "github.com/wamo-dev/wamo/pkg/cmd/replay"
	schemacmd "github.com/wamo-dev/wamo/pkg/cmd/schema"
	showcmd "github.com/wamo-dev/wamo/pkg/cmd/show"
	validatecmd "github.com/wamo-dev/wamo/pkg/cmd/validate"
	versioncmd "github.com/wamo-dev/wamo/pkg/cmd/version"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/render"
)

// Main runs wamo with args and returns the process exit code.
func Main(args []string, ios *iostreams.IOStreams, build cmdutil.BuildInfo) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Ctrl-C handling starts a signal thread, a tenth of start-up time: a
	// command that is done within 50 ms never needs it (an interrupt then
	// ends the process at once, with the same status 130). Longer work gets
	// it: the first Ctrl-C cancels the context, so the command stops and
	// reports what it did; a second one ends the process at once.
	timer := time.AfterFunc(50*time.Millisecond, func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		go func() {
			<-sig
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			cancel()
		}()
	})
	defer timer.Stop()
	return Run(ctx, args, cmdutil.NewFactory(ios, build))
}

// Run executes the command tree with a prepared factory (tests use it with
// in-memory streams) and returns the exit code.
func Run(ctx context.Context, args []string, f *cmdutil.Factory) int {
	return run(ctx, args, f, needed(args))
}

// run executes args with a root holding the commands cs.
func run(ctx context.Context, args []string, f *cmdutil.Factory, cs []command) int {
	cmd := newCmdRoot(f, cs)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	if ctx.Err() != nil && !errors.Is(err, cmdutil.ErrInterrupted) && cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
		err = cmdutil.ErrInterrupted
	}
	printError(f.IOStreams, cmd, args, err)
	return cmdutil.ExitCode(err)
}

func printError(ios *iostreams.IOStreams, root *cobra.Command, args []string, err error) {
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) && ee.Silent {
		return
	}
	msg := err.Error()
	render.Error(ios, msg)
	if cmdutil.ExitCode(err) == cmdutil.ExitUsage {
		name := "wamo"
		if c, _, ferr := root.Find(args); ferr == nil && c != nil {
			name = c.CommandPath()
		}
		if !strings.Contains(msg, "--help") {
			render.UsageHint(ios, name)
		}
	}
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	return newCmdRoot(f, commands)
}

// command builds one of wamo's commands; name is the name it gets.
type command struct {
	name  string
	build func(*cmdutil.Factory) *cobra.Command
}

// commands are wamo's commands in the order help lists them.
var commands = []command{
	{"validate", func(f *cmdutil.Factory) *cobra.Command { return validatecmd.NewCmdValidate(f, nil) }},
	{"show", func(f *cmdutil.Factory) *cobra.Command { return showcmd.NewCmdShow(f, nil) }},
	{"convert", func(f *cmdutil.Factory) *cobra.Command { return convertcmd.NewCmdConvert(f, nil) }},
	{"replay", func(f *cmdutil.Factory) *cobra.Command { return replaycmd.NewCmdReplay(f, nil) }},
	{"fixtures", fixturescmd.NewCmdFixtures},
	{"listen", func(f *cmdutil.Factory) *cobra.Command { return listencmd.NewCmdListen(f, nil) }},
	{"redact", func(f *cmdutil.Factory) *cobra.Command { return redactcmd.NewCmdRedact(f, nil) }},
	{"schema", func(f *cmdutil.Factory) *cobra.Command { return schemacmd.NewCmdSchema(f, nil) }},
	{"gen", func(f *cmdutil.Factory) *cobra.Command { return gencmd.NewCmdGen(f, nil) }},
	{"version", versioncmd.NewCmdVersion},
	{"conform", func(f *cmdutil.Factory) *cobra.Command { return conformcmd.NewCmdConform(f, nil) }},
	{"exit-codes", func(*cmdutil.Factory) *cobra.Command { return newExitCodesTopic() }},
	{"environment", func(*cmdutil.Factory) *cobra.Command { return newEnvironmentTopic() }},
}

// needed returns the commands a run with args can reach. Building the whole
// tree costs about a tenth of start-up, so the common runs build less:
// `wamo NAME …` only NAME (its help, errors and exit code are the same in
// either tree), and `wamo --version` none. Anything else — help, completion,
// an unknown or abbreviated name, flags before the name — gets them all.
func needed(args []string) []command {
	if len(args) == 0 {
		return commands
	}
	for _, c := range commands {
		if args[0] == c.name {
			return []command{c}
		}
	}
	version := false
	for _, a := range args {
		switch {
		case a == "--version":
			version = true
		case a == "-h" || a == "--help" || !strings.HasPrefix(a, "-"):
			return commands
		}
	}
	if version {
		return nil
	}
	return commands
}

// newCmdRoot builds the root command with the commands cs.
func newCmdRoot(f *cmdutil.Factory, cs []command) *cobra.Command {
	ios := f.IOStreams
	var colorFlag string
	cmd := &cobra.Command{
		Use:   "wamo <command>",
		Short: "Validate, show, convert and replay WhatsApp MO webhook payloads",
		Long: `wamo works with the webhooks that carry WhatsApp inbound (MO) messages:
Sinch (formerly Wavy) MO callbacks, WhatsApp On-Premises notifications and
Cloud API envelopes. It checks them against the documented formats, prints
them, converts between the formats and replays them against a webhook.`,
		Example: `  wamo validate fixtures/
  curl -s https://example.com/last-webhook | wamo validate -
  wamo validate --output github payloads/*.json`,
		Version:       versioncmd.Format(f.Build),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.Usagef("unknown command %q for wamo", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			mode, err := iostreams.ParseColorMode(colorFlag)
			if err != nil {
				return cmdutil.Usagef("%v", err)
			}
			ios.SetColorMode(mode)
			return nil
		},
	}
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SetVersionTemplate("wamo {{.Version}}\n")
	cmd.SetFlagErrorFunc(cmdutil.FlagError)
	// --version is long-only: -v means --verbose wherever it exists, so one
	// short flag has one meaning across commands (cobra would add -v here).
	cmd.Flags().Bool("version", false, "print wamo's version and exit (also: wamo version)")
	cmd.PersistentFlags().StringVar(&colorFlag, "color", "auto", "colour output: auto, always or never (see wamo help environment)")
	_ = cmd.RegisterFlagCompletionFunc("color", cobra.FixedCompletions(iostreams.ColorModes, cobra.ShellCompDirectiveNoFileComp))
	cmd.CompletionOptions.HiddenDefaultCmd = false

	for _, c := range cs {
		cmd.AddCommand(c.build(f))
	}
	cmd.SetHelpCommand(newHelpCmd())
	usageErrors(cmd)
	return cmd
}

// usageErrors makes every argument error of the tree a usage error (exit 2)
// and makes command groups reject unknown subcommands instead of printing
// help with success.
func usageErrors(c *cobra.Command) {
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			if err := args(cmd, a); err != nil {
				var ee *cmdutil.ExitError
				if errors.As(err, &ee) {
					return err
				}
				return cmdutil.Usagef("%s: %v", cmd.CommandPath(), err)
			}
			return nil
		}
	}
	if c.HasSubCommands() && c.Run == nil && c.RunE == nil && c.Parent() != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			if len(a) > 0 {
				return cmdutil.Usagef("unknown command %q for %q", a[0], cmd.CommandPath())
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	for _, sub := range c.Commands() {
		usageErrors(sub)
	}
}

// newHelpCmd replaces cobra's help command, which succeeds on unknown topics.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help provides help for any command, and for the topics exit-codes and environment.",
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				return cmdutil.Usagef("unknown help topic %q (see wamo help)", strings.Join(args, " "))
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, sub := range c.Root().Commands() {
				if sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

func newExitCodesTopic() *cobra.Command {
	var b strings.Builder
	b.WriteString("Every wamo command exits with one of these codes:\n\n")
	for _, e := range cmdutil.ExitCodes {
		b.WriteString(hanging(fmt.Sprintf("  %3d ", e.Code), e.Meaning))
	}
	b.WriteString("\nWhen several inputs end differently, the most serious code wins\n(unusable input over findings).")
	return &cobra.Command{
		Use:   "exit-codes",
		Short: "The exit codes of every wamo command",
		Long:  b.String(),
	}
}

func newEnvironmentTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "environment",
		Short: "The environment variables wamo reads",
		Long:  EnvironmentHelp(cmdutil.Environment),
	}
}

// hanging wraps text at 78 columns after prefix, continuation lines
// indented to the prefix's width, so help topics read in 80 columns.
func hanging(prefix, text string) string {
	var b strings.Builder
	indent := strings.Repeat(" ", len(prefix))
	line := prefix
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 78 && line != prefix {
			b.WriteString(line + "\n")
			line = indent
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
	return b.String()
}

// EnvironmentHelp renders the environment table as the text of `wamo help
// environment`.
func EnvironmentHelp(vars []cmdutil.EnvVar) string {
	var b strings.Builder
	b.WriteString("wamo reads these environment variables; the secrets (app secret, redaction\nkey) only from here, never from the command line. Commands in brackets are\nthe only ones that read a variable.\n")
	for _, e := range vars {
		b.WriteString("\n  " + strings.Join(e.Names, ", "))
		if len(e.Commands) > 0 {
			b.WriteString("  (" + strings.Join(e.Commands, ", ") + ")")
		}
		b.WriteString("\n" + hanging("     ", e.Meaning))
	}
	b.WriteString("\nColour: --color=always or never decides alone; with --color=auto (the default)\nNO_COLOR, then CLICOLOR_FORCE, then CLICOLOR and TERM decide, and otherwise\ncolour is used on terminals only.")
	return b.String()
}
