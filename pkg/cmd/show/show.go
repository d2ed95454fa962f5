// Package show implements `wamo show`.
package show

import (
	"bufio"
	"bytes"
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/render"
)

// Options are the parsed flags and arguments of `wamo show`.
type Options struct {
	IO *iostreams.IOStreams

	Paths   []string
	Format  payload.Format // Unknown: detect per payload
	View    render.ShowView
	Compact bool   // --compact: --json on one line
	Field   string // --field PATH (View == render.ShowField)
	// Location is the zone times are shown in: UTC with --utc, else the
	// zone of the factory's clock (the local zone in production).
	Location *time.Location
	MaxSize  int
	Exclude  []string
	Jobs     int // -j: workers sharing the rendering (0: GOMAXPROCS)
}

// NewCmdShow builds the command; runF replaces the run function in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	var format string
	var asJSON, asTable, utc bool
	cmd := &cobra.Command{
		Use:   "show [FILE|DIR|-]...",
		Short: "Print payloads: one line per message, a table, JSON or one field",
		Long: `Print webhook payloads for people and for scripts, whatever their format
(Sinch, WhatsApp On-Premises or Cloud API).

Inputs are files, directories and - for stdin (see Inputs below), which is
read when no input is named and stdin is not a terminal. A file may hold one
JSON document, one per line (NDJSON) or several one after another; each is
one payload. Input is streamed: memory does not grow with its length.

Views (one at a time):
  (default)     per payload a header (FILE:LINE, format, counts) and one line
                per message, status or error:
                  TIME  FROM  NAME  TYPE  SUMMARY
                TIME is YYYY-MM-DD HH:MM:SS in the local zone (--utc for
                UTC); FROM the sender (for a status "→ " and the recipient);
                SUMMARY the content in brief: text, caption and MIME type,
                place and coordinates, contact names, the chosen button or
                list row, order items and total, system change, reaction,
                status with pricing category and error. On a terminal lines
                are cut to its width.
  --table       one row per item across all inputs. On a terminal a table
                TIME | FROM | NAME | TYPE | TEXT; piped, tab-separated values
                with the header row
                  time  from  name  type  text  to  source
                (RFC 3339 times, numbers as in the payload, \t \n \r \\
                escaped inside fields) for scripts.
  --json        each payload as JSON indented like jq, keys in their order,
                coloured like jq -C on a terminal; --compact: one line each.
  --field PATH  the value at a gjson path (https://github.com/tidwall/gjson
                syntax, e.g. messages.0.text.body or data.#.source) of each
                payload, one line per payload: strings raw (like jq -r),
                numbers and booleans as written, null as null, objects and
                arrays as compact JSON, an empty line when the payload has
                no such value. Of a key written twice in one object, the
                last value is printed: the one receivers read.

Payloads that are not valid JSON are never printed: each gets a line
  FILE:LINE:COL: error json.syntax: MESSAGE
on stderr and the others are still shown. Colour only on a terminal (see
--color, NO_COLOR); piped output carries no escape sequences.

` + cmdutil.InputsHelp + `Exit status: 0 ok; 1 with --field when no payload had the path; 2 usage
error; 3 unusable input (unreadable file, not JSON, or, in the default and
table views, a payload whose format is not recognised); 130 interrupted.`,
		Example: `  wamo show webhook.json
  wamo show captures/                      # every *.json, *.ndjson, *.jsonl
  tail -f webhooks.ndjson | wamo show
  wamo show --table captures/*.ndjson | sort | cut -f1,2,5
  wamo show --json --utc fixtures/cloud/order.json
  wamo show --json --compact big.ndjson > compacted.ndjson
  wamo show --field 'entry.0.changes.0.value.messages.0.text.body' cloud.json
  wamo show --field 'data.#.source' sinch.ndjson`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			var err error
			if opts.Format, err = payload.ParseFormat(format); err != nil {
				return cmdutil.Usagef("--format: %v", err)
			}
			if opts.View, err = view(asJSON, asTable, cmd.Flags().Changed("field"), opts); err != nil {
				return err
			}
			opts.Location = location(utc, f.Now)
			if opts.Paths, err = cmdutil.InputArgs(opts.IO.IsStdinTTY(), args); err != nil {
				return err
			}
			return cmdutil.Dispatch(cmd.Context(), runF, Run, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, "print each payload as indented JSON (coloured on a terminal)")
	fl.BoolVar(&opts.Compact, "compact", false, "with --json: one line per payload")
	fl.BoolVar(&asTable, "table", false, "one row per message across all inputs (tab-separated when piped)")
	fl.StringVar(&opts.Field, "field", "", "print the value at this gjson `PATH` of each payload")
	fl.BoolVar(&utc, "utc", false, "show times in UTC instead of the local time zone")
	fl.StringVarP(&format, "format", "f", "auto", "payload format: auto, "+payload.FormatList())
	cmdutil.SizeVar(fl, &opts.MaxSize, "max-size", "64MB", "largest single document accepted")
	cmdutil.ExcludeVar(fl, &opts.Exclude)
	cmdutil.JobsVar(fl, &opts.Jobs)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(append([]string{"auto"}, payload.Names()...), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("field", cobra.FixedCompletions([]string{
		"messages.0.text.body", "messages.0.from", "messages.0.type", "statuses.0.status",
		"entry.0.changes.0.value.messages.0.text.body", "entry.0.changes.0.value.messages.0.from",
		"data.0.message.messageText", "data.0.source",
	}, cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace))
	_ = cmd.RegisterFlagCompletionFunc("max-size", cobra.NoFileCompletions)
	return cmd
}

// view is the one view the flags ask for.
func view(asJSON, asTable, fieldSet bool, opts *Options) (render.ShowView, error) {
	if fieldSet && opts.Field == "" {
		return 0, cmdutil.Usagef("--field needs a path, e.g. --field messages.0.text.body")
	}
	n := 0
	for _, on := range []bool{asJSON, asTable, fieldSet} {
		if on {
			n++
		}
	}
	switch {
	case n > 1:
		return 0, cmdutil.Usagef("--json, --table and --field are mutually exclusive: choose one view")
	case opts.Compact && (asTable || fieldSet):
		return 0, cmdutil.Usagef("--compact only applies to --json")
	case asJSON || opts.Compact:
		return render.ShowJSON, nil
	case asTable:
		return render.ShowTable, nil
	case fieldSet:
		return render.ShowField, nil
	}
	return render.ShowDefault, nil
}

// location is the time zone times are shown in.
func location(utc bool, now func() time.Time) *time.Location {
	switch {
	case utc:
		return time.UTC
	case now != nil:
		return now().Location()
	}
	return time.Local
}

// Run prints every input as it is read.
func Run(ctx context.Context, opts *Options) error {
	sopts := render.ShowOptions{View: opts.View, Compact: opts.Compact, Field: opts.Field, Location: opts.Location}
	in := input.Options{Stdin: opts.IO.In, MaxSize: opts.MaxSize, Exclude: opts.Exclude, Jobs: cmdutil.Jobs(opts.Jobs)}
	// The table's rows share one layout (its header, its borders): it is
	// drawn by one printer, one payload at a time.
	if in.Jobs > 1 && opts.View != render.ShowTable {
		return runJobs(ctx, opts, sopts, in)
	}
	p := render.NewShowPrinter(opts.IO, sopts)
	notes := render.NewInputNotes(opts.IO, func() { p.Flush() })
	code := cmdutil.ExitOK
	tot, werr := input.Run(ctx, opts.Paths, in, input.Work{
		Payload: func(pl *payload.Payload) error {
			c, err := show(p, pl, opts)
			code = cmdutil.Worst(code, c)
			return err
		},
		End: func(o *input.Outcome) {
			if notes.End(o) && !o.Interrupted {
				code = cmdutil.Worst(code, cmdutil.ExitInput)
			}
		},
		// The output of what was read so far is on screen before the
		// command waits for more (a live stream), while reads of a file
		// leave it buffered between them.
		BeforeRead: func() { p.Flush() },
	})
	if err := p.Finish(); err != nil && werr == nil {
		werr = err
	}
	return exit(opts, tot, werr, p.Stats(), code)
}

// show prints one payload (or its syntax error) with p; it returns the
// exit code the payload calls for and the first error writing the output.
func show(p *render.ShowPrinter, pl *payload.Payload, opts *Options) (int, error) {
	if se := payload.CheckSyntax(pl); se != nil {
		p.SyntaxError(pl, se)
		return cmdutil.ExitInput, nil
	}
	f := opts.Format
	if f == payload.Unknown && opts.View != render.ShowJSON && opts.View != render.ShowField {
		f = payload.Detect(pl.Data).Format
	}
	return cmdutil.ExitOK, p.Payload(pl, f)
}

// exit is the outcome of a run.
func exit(opts *Options, tot input.Totals, werr error, st render.ShowStats, code int) error {
	if werr != nil {
		return werr
	}
	if tot.Interrupted {
		return cmdutil.ErrInterrupted
	}
	if st.Unrecognised > 0 && (opts.View == render.ShowDefault || opts.View == render.ShowTable) {
		code = cmdutil.Worst(code, cmdutil.ExitInput)
	}
	if opts.View == render.ShowField && st.FieldHits == 0 {
		code = cmdutil.Worst(code, cmdutil.ExitFindings)
	}
	return cmdutil.Silent(code)
}

// shown is what a worker's printer made of one payload.
type shown struct {
	out, diag []byte // for stdout, for stderr
	stats     render.ShowStats
	code      int
}

// runJobs is Run with the payloads rendered by several workers (-j), each
// with a printer of its own writing to memory; their output is copied out
// in input order.
func runJobs(ctx context.Context, opts *Options, sopts render.ShowOptions, in input.Options) error {
	out := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	flush := func() { out.Flush() }
	notes := render.NewInputNotes(opts.IO, flush)
	code := cmdutil.ExitOK
	var st render.ShowStats
	tot, werr := input.RunStages(ctx, opts.Paths, in, input.Work{
		End: func(o *input.Outcome) {
			if notes.End(o) && !o.Interrupted {
				code = cmdutil.Worst(code, cmdutil.ExitInput)
			}
		},
		BeforeRead: flush,
	}, input.Stages[shown]{
		New: func() func(*payload.Payload, *shown) {
			var wout, wdiag bytes.Buffer
			ios := *opts.IO // the same terminal, colours and width; output to memory
			ios.Out, ios.ErrOut = &wout, &wdiag
			p := render.NewShowPrinter(&ios, sopts)
			return func(pl *payload.Payload, r *shown) {
				before := p.Stats()
				r.code, _ = show(p, pl, opts) // writes to memory do not fail
				p.Flush()
				r.out = append(r.out[:0], wout.Bytes()...)
				r.diag = append(r.diag[:0], wdiag.Bytes()...)
				wout.Reset()
				wdiag.Reset()
				after := p.Stats()
				r.stats = render.ShowStats{Payloads: after.Payloads - before.Payloads, Items: after.Items - before.Items,
					Unrecognised: after.Unrecognised - before.Unrecognised, FieldHits: after.FieldHits - before.FieldHits}
			}
		},
		Emit: func(_ *payload.Payload, r *shown) error {
			if _, err := out.Write(r.out); err != nil {
				return err
			}
			if len(r.diag) > 0 {
				// After what stdout holds, as the printer's diagnostics are.
				if err := out.Flush(); err != nil {
					return err
				}
				opts.IO.ErrOut.Write(r.diag)
			}
			code = cmdutil.Worst(code, r.code)
			st.Payloads += r.stats.Payloads
			st.Items += r.stats.Items
			st.Unrecognised += r.stats.Unrecognised
			st.FieldHits += r.stats.FieldHits
			return nil
		},
	})
	if err := out.Flush(); err != nil && werr == nil {
		werr = err
	}
	return exit(opts, tot, werr, st, code)
}
