// Package validate implements `wamo validate`.
package validate

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/render"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// Options are the parsed flags and arguments of `wamo validate`.
type Options struct {
	IO      *iostreams.IOStreams
	Version string

	Paths     []string
	Format    payload.Format
	Strict    bool
	Output    string
	Quiet     bool
	ListRules bool
	Ignore    []string
	MaxSize   int
	Verbose   bool
	Exclude   []string
	// Jobs is -j: workers sharing the validation (0: GOMAXPROCS).
	Jobs int
	// SkipOthers: named files that are not payloads are skipped, not failed.
	SkipOthers bool

	Now func() time.Time
}

// NewCmdValidate builds the command; runF replaces the run function in tests.
func NewCmdValidate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Version: f.Build.Version, Now: f.Now}
	var format string
	cmd := &cobra.Command{
		Use:   "validate [FILE|DIR|-]...",
		Short: "Check payloads against the documented Sinch, WhatsApp and Cloud API formats",
		Long: `Check webhook payloads against the documented formats: every message type,
field types, required fields, value formats (phone numbers, timestamps,
coordinates, MIME types, URLs) and cross-field rules.

Inputs are files, directories and - for stdin (see Inputs below). A file may
hold one JSON document, one document per line (NDJSON) or several documents
one after another; each is one payload. The format is detected per payload
unless --format forces it.

Each finding is printed as
  FILE:LINE:COL: SEVERITY RULE-ID: MESSAGE (path JSON.PATH)
Warnings (unknown fields, placeholders, implausible lengths…) do not make a
payload invalid unless --strict is given. --list-rules prints every rule.

` + cmdutil.InputsHelp + `Exit status: 0 all valid, 1 at least one invalid payload, 2 usage error,
3 unusable input (unreadable file, not JSON, format not recognised).`,
		Example: `  wamo validate fixtures/
  wamo validate webhook.json
  wamo convert --to cloud sinch.json | wamo validate -
  wamo validate --format sinch --strict captures/*.ndjson
  wamo validate --output github payloads/     # annotations in GitHub Actions
  wamo validate --output sarif payloads/ > wamo.sarif
  wamo validate --list-rules`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			var err error
			if opts.Format, err = payload.ParseFormat(format); err != nil {
				return cmdutil.Usagef("--format: %v", err)
			}
			switch opts.Output {
			case "text", "json", "github", "junit", "sarif":
			case "markdown":
				if !opts.ListRules {
					return cmdutil.Usagef("--output markdown is only for --list-rules")
				}
			default:
				return cmdutil.Usagef("--output %q: want text, json, github, junit or sarif", opts.Output)
			}
			if err := checkIgnore(opts.Ignore); err != nil {
				return err
			}
			if !opts.ListRules {
				var err error
				if opts.Paths, err = cmdutil.InputArgs(opts.IO.IsStdinTTY(), args); err != nil {
					return err
				}
			}
			return cmdutil.Dispatch(cmd.Context(), runF, Run, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "auto", "payload format: auto, "+payload.FormatList())
	fl.BoolVar(&opts.Strict, "strict", false, "treat warnings as errors")
	fl.StringVarP(&opts.Output, "output", "o", "text", "output: text, json, github, junit or sarif")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "print only problems (and the summary when there are some)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "text output: one line per payload with its format and why it was detected")
	fl.BoolVar(&opts.ListRules, "list-rules", false, "list every rule with its id, severity and formats, then exit")
	fl.StringSliceVar(&opts.Ignore, "ignore", nil, "drop findings of these rule ids (repeatable or comma-separated)")
	cmdutil.SizeVar(fl, &opts.MaxSize, "max-size", "64MB", "largest single document accepted")
	cmdutil.ExcludeVar(fl, &opts.Exclude)
	cmdutil.JobsVar(fl, &opts.Jobs)
	fl.BoolVar(&opts.SkipOthers, "skip-non-payloads", false, "skip named files that are not webhook payloads (package.json…) with a note, as in directories; for pre-commit hooks")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(append([]string{"auto"}, payload.Names()...), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json", "github", "junit", "sarif"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// Run validates every input and reports as it goes.
func Run(ctx context.Context, opts *Options) error {
	if opts.ListRules {
		return render.Rules(opts.IO, validate.Rules(), opts.Output)
	}
	rep, err := render.NewValidateReporter(opts.IO, render.ValidateOptions{
		Output: opts.Output, Quiet: opts.Quiet, Verbose: opts.Verbose, Rules: validate.Rules(), Version: opts.Version,
	})
	if err != nil {
		return cmdutil.Usagef("%v", err)
	}
	ignore := map[string]bool{}
	for _, id := range opts.Ignore {
		ignore[id] = true
	}
	vopts := validate.Options{Format: opts.Format, Strict: opts.Strict, Ignore: ignore}

	now := opts.Now
	if now == nil {
		now = time.Now
	}
	prog := render.NewProgress(opts.IO, now)
	defer prog.Done()
	notes := render.NewInputNotes(opts.IO, prog.Done)
	notes.Quiet = opts.Quiet
	var sum validate.Summary
	var src validate.Source
	tot, err := input.RunStages(ctx, opts.Paths, input.Options{
		Stdin: opts.IO.In, MaxSize: opts.MaxSize, Exclude: opts.Exclude, NamedAsFound: opts.SkipOthers,
		Jobs: cmdutil.Jobs(opts.Jobs),
	}, input.Work{
		Begin: func(s *input.Source) {
			src = validate.Source{Name: s.Name}
			rep.BeginSource(s.Name)
		},
		End: func(o *input.Outcome) {
			if o.Skipped != "" {
				notes.Skipped(o.Name, o.Skipped)
				return
			}
			src.Err, src.Interrupted = o.Err, o.Interrupted
			rep.EndSource(&src)
			sum.AddSource(&src)
		},
		Progress: prog.Update,
	}, input.Stages[validate.Result]{
		// Each worker its own validator; a Result per payload in flight,
		// reused: reporters do not keep it.
		New: func() func(*payload.Payload, *validate.Result) {
			v := validate.New(vopts)
			return func(p *payload.Payload, res *validate.Result) { *res = v.Validate(p) }
		},
		Emit: func(_ *payload.Payload, res *validate.Result) error {
			src.Add(res)
			rep.Payload(res)
			return nil
		},
	})
	if err != nil {
		return err
	}
	prog.Done()
	code := exitCode(&sum)
	if tot.Interrupted {
		code = cmdutil.ExitInterrupted
	}
	if err := rep.Finish(&sum, code); err != nil {
		return err
	}
	if tot.Interrupted {
		return cmdutil.ErrInterrupted
	}
	return cmdutil.Silent(code)
}

// checkIgnore refuses --ignore ids that name no rule or an unusable-input
// rule. Without --ignore it does nothing: listing the rules costs a run
// on one small file a few percent.
func checkIgnore(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, r := range validate.Rules() {
		known[r.ID] = true
	}
	for _, id := range ids {
		if !known[id] {
			return cmdutil.Usagef("--ignore %q: no such rule (see wamo validate --list-rules)", id)
		}
		if id == validate.RuleSyntax.ID || id == validate.RuleNotObject.ID || id == validate.RuleUnknownFormat.ID {
			return cmdutil.Usagef("--ignore %q: unusable input cannot be ignored", id)
		}
	}
	return nil
}

func exitCode(sum *validate.Summary) int {
	switch {
	case sum.FilesUnusable > 0 || sum.Unusable > 0:
		return cmdutil.ExitInput
	case sum.Invalid > 0:
		return cmdutil.ExitFindings
	}
	return cmdutil.ExitOK
}
