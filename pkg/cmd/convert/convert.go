// Package convert implements `wamo convert`.
package convert

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/format/conversation"
	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/render"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// Options are the parsed flags and arguments of `wamo convert`.
type Options struct {
	IO *iostreams.IOStreams
	// Options configure every conversion: the formats, --keep-extras,
	// --compact, the numbers and ids a target needs, the clock.
	convert.Options

	Paths   []string
	Strict  bool
	Force   bool
	Quiet   bool
	MaxSize int
	Exclude []string
	Jobs    int // -j: workers sharing the conversions (0: GOMAXPROCS)
}

// NewCmdConvert builds the command; runF replaces the run function in tests.
func NewCmdConvert(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Options: convert.Options{Now: f.Now}}
	var to, from string
	cmd := &cobra.Command{
		Use:   "convert --to FORMAT [FILE|DIR|-]...",
		Short: "Convert payloads between the Sinch, WhatsApp On-Premises and Cloud API formats",
		Long: `Convert webhook payloads between the three formats: sinch (Sinch/Wavy MO
callback batch), whatsapp (On-Premises notification) and cloud (Cloud API
envelope). Text, media, locations, contacts, buttons, interactive replies,
referrals, replies, senders, times, batches and statuses are carried where
the target has them.

Nothing is dropped silently: every field the target cannot carry is reported
on stderr as
  FILE:LINE: warning convert.loss: PATH has no counterpart in TARGET (REASON)
and values the target needs but the source lacks (the business number of an
On-Premises payload, a Cloud API phone number id…) come from --origin,
--display-phone-number, --phone-number-id, --waba-id and --media-base-url or
from documented defaults, reported as convert.default warnings.
--strict makes any loss an error: the payload is not written and the exit
status is 1. --keep-extras writes what the target cannot carry into an
"x_wamo_extras" member, so that converting back restores the input exactly.

Inputs are files, directories and - for stdin (see Inputs below); each JSON
document in them is one payload. Payloads are validated first and only
converted when valid, unless --force. Output is indented JSON, one document
after the other; --compact writes one document per line (NDJSON). Same
input, same bytes.

` + cmdutil.InputsHelp + `Exit status: 0 converted, 1 invalid payload or a loss under --strict, 2 usage
error, 3 unusable input (unreadable file, not JSON, format not recognised).`,
		Example: `  wamo convert --to cloud fixtures/sinch/text.json
  wamo convert --to sinch --origin 5511900000000 fixtures/whatsapp/
  cat captured.ndjson | wamo convert --to sinch --compact - > out.ndjson
  wamo convert --to whatsapp --keep-extras sinch.json | wamo convert --to sinch -
  wamo convert --to cloud --phone-number-id 109876543210987 --waba-id 102938475610293 onprem.json
  wamo convert --to sinch --strict -q payloads/ && echo lossless`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			var err error
			if to == "" {
				return cmdutil.Usagef("--to is required: %s", payload.FormatList())
			}
			if opts.To, err = payload.ParseFormat(to); err != nil || opts.To == payload.Unknown {
				return cmdutil.Usagef("--to %q: want %s", to, payload.FormatList())
			}
			if opts.From, err = payload.ParseFormat(from); err != nil {
				return cmdutil.Usagef("--from: %v", err)
			}
			for _, d := range []struct{ flag, v string }{
				{"--origin", opts.Origin}, {"--display-phone-number", opts.DisplayPhoneNumber},
				{"--phone-number-id", opts.PhoneNumberID}, {"--waba-id", opts.WABAID},
			} {
				if d.v != "" && !jsonlex.Digits(d.v) {
					return cmdutil.Usagef("%s %q: want digits only (country code included, no +)", d.flag, d.v)
				}
			}
			if opts.MediaBaseURL != "" {
				u, err := url.Parse(opts.MediaBaseURL)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return cmdutil.Usagef("--media-base-url %q: want an absolute http(s) URL", opts.MediaBaseURL)
				}
			}
			if opts.Paths, err = cmdutil.InputArgs(opts.IO.IsStdinTTY(), args); err != nil {
				return err
			}
			return cmdutil.Dispatch(cmd.Context(), runF, Run, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&to, "to", "t", "", "target format: "+payload.FormatList()+" (required)")
	fl.StringVarP(&from, "from", "f", "auto", "source format: auto, "+payload.FormatList())
	fl.BoolVar(&opts.KeepExtras, "keep-extras", false, `carry what the target cannot say in "x_wamo_extras", so that converting back restores it`)
	fl.BoolVar(&opts.Strict, "strict", false, "treat any loss as an error: do not write the payload, exit 1")
	fl.BoolVar(&opts.Force, "force", false, "convert without validating first (invalid payloads give invalid output)")
	fl.BoolVar(&opts.Compact, "compact", false, "write one document per line (NDJSON)")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "do not report losses and defaults (errors still are)")
	fl.StringVar(&opts.Origin, "origin", "", "business number written as Sinch origin when the source has none (default "+convert.DefaultBusinessNumber+")")
	fl.StringVar(&opts.DisplayPhoneNumber, "display-phone-number", "", "Cloud metadata.display_phone_number when the source has none (default --origin, else "+convert.DefaultBusinessNumber+")")
	fl.StringVar(&opts.PhoneNumberID, "phone-number-id", "", "Cloud metadata.phone_number_id (default "+convert.DefaultPhoneNumberID+")")
	fl.StringVar(&opts.WABAID, "waba-id", "", "Cloud entry[].id, the WhatsApp Business Account id (default "+convert.DefaultWABAID+")")
	fl.StringVar(&opts.AppID, "app-id", "", "Conversation API app_id when the source has none (default "+conversation.DefaultAppID+")")
	fl.StringVar(&opts.ProjectID, "project-id", "", "Conversation API project_id when the source has none (default "+conversation.DefaultProjectID+")")
	fl.StringVar(&opts.MediaBaseURL, "media-base-url", "", "prefix of the Sinch mediaUrl made for media that have only an id (default "+convert.DefaultMediaBaseURL+")")
	cmdutil.SizeVar(fl, &opts.MaxSize, "max-size", "64MB", "largest single document accepted")
	cmdutil.ExcludeVar(fl, &opts.Exclude)
	cmdutil.JobsVar(fl, &opts.Jobs)
	var names []string
	for _, f := range payload.Formats {
		names = append(names, f.String())
	}
	_ = cmd.RegisterFlagCompletionFunc("to", cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("from", cobra.FixedCompletions(append([]string{"auto"}, names...), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// Run converts every input, writing documents to stdout and diagnostics to stderr.
func Run(ctx context.Context, opts *Options) error {
	r := &runner{
		out:  bufio.NewWriterSize(opts.IO.Out, 256<<10),
		errw: bufio.NewWriterSize(opts.IO.ErrOut, 32<<10),
	}
	notes := render.NewInputNotes(opts.IO, func() { r.flush() })
	var werr error
	tot, err := input.RunStages(ctx, opts.Paths, input.Options{
		Stdin: opts.IO.In, MaxSize: opts.MaxSize, Exclude: opts.Exclude, Jobs: cmdutil.Jobs(opts.Jobs),
	}, input.Work{
		End: func(o *input.Outcome) {
			if notes.End(o) && !o.Interrupted {
				r.worst(cmdutil.ExitInput)
			}
			if err := r.flush(); err != nil && werr == nil {
				werr = err
			}
		},
	}, input.Stages[converted]{
		New: func() func(*payload.Payload, *converted) { return newWorker(opts).payload },
		Emit: func(_ *payload.Payload, c *converted) error {
			r.out.Write(c.out)
			r.errw.Write(c.diag)
			r.worst(c.code)
			return werr // an output that cannot be written stops the run
		},
	})
	if err != nil {
		return err
	}
	if err := r.flush(); err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	if tot.Interrupted {
		return cmdutil.ErrInterrupted
	}
	return cmdutil.Silent(r.code)
}

// runner writes what the workers made of the payloads, in input order.
type runner struct {
	out  *bufio.Writer
	errw *bufio.Writer
	code int
}

func (r *runner) worst(code int) { r.code = cmdutil.Worst(r.code, code) }

func (r *runner) flush() error {
	if err := r.out.Flush(); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return r.errw.Flush()
}

// converted is what converting one payload gave: the document for stdout,
// the diagnostics for stderr and the exit code they call for.
type converted struct {
	out, diag []byte
	code      int
}

func (c *converted) worst(code int) { c.code = cmdutil.Worst(c.code, code) }

// worker converts payloads with its own converter and validator (-j runs
// several).
type worker struct {
	opts  *Options
	conv  *convert.Converter
	val   *validate.Validator
	diags *render.ConvertDiagnostics // writes to diag
	diag  appender
	// tape is the payload as the validator read it, which the converter
	// takes instead of parsing the payload again.
	tape jsontree.Tape
}

// appender is an io.Writer appending to the payload's diagnostics, so that
// they reach stderr in input order.
type appender struct{ p *[]byte }

func (a appender) Write(b []byte) (int, error) {
	*a.p = append(*a.p, b...)
	return len(b), nil
}

func newWorker(opts *Options) *worker {
	w := &worker{
		opts: opts,
		conv: convert.New(opts.Options),
	}
	w.diag.p = new([]byte)
	w.diags = render.NewConvertDiagnostics(w.diag, render.ConvertDiagnosticsOptions{
		Target: opts.To, Strict: opts.Strict, Quiet: opts.Quiet, Flag: flagOf(opts.To)})
	if !opts.Force {
		w.val = validate.New(validate.Options{Format: opts.From})
		w.val.Record(&w.tape)
	}
	return w
}

func (w *worker) payload(p *payload.Payload, c *converted) {
	c.out, c.diag, c.code = c.out[:0], c.diag[:0], cmdutil.ExitOK
	*w.diag.p = c.diag
	defer func() { c.diag = *w.diag.p }()
	from := w.opts.From
	if w.val != nil {
		res := w.val.Validate(p)
		if res.Unusable {
			for _, f := range res.Findings {
				w.diags.Unusable(p.Source, f.Line, f.Col, f.Message)
				break
			}
			c.worst(cmdutil.ExitInput)
			return
		}
		if res.Errors > 0 {
			w.diags.Invalid(p, res.Format, res.Findings)
			c.worst(cmdutil.ExitFindings)
			return
		}
		from = res.Format // found once, by the validator
	}
	var tape *jsontree.Tape
	if w.val != nil {
		tape = &w.tape
	}
	res, err := w.conv.ConvertTape(p.Data, tape, from)
	if err != nil {
		var ie *convert.InputError
		if errors.As(err, &ie) {
			line, col := p.Position(ie.Offset)
			w.diags.Unusable(p.Source, line, col, ie.Msg)
			c.worst(cmdutil.ExitInput)
			return
		}
		w.diags.Unusable(p.Source, p.Line, p.Col, err.Error())
		c.worst(cmdutil.ExitFindings)
		return
	}
	if !w.diags.Result(p, &res) {
		if w.opts.Strict && res.Lossy() {
			c.worst(cmdutil.ExitFindings)
		}
		return
	}
	c.out = append(c.out, res.Output...)
}

// flagOf names the flag that sets the value a converter option stands for.
func flagOf(to payload.Format) func(message.Option) string {
	return func(o message.Option) string {
		switch o {
		case message.OptBusinessNumber:
			if to == payload.Cloud {
				return "--display-phone-number"
			}
			return "--origin"
		case message.OptPhoneNumberID:
			return "--phone-number-id"
		case message.OptAccountID:
			return "--waba-id"
		case message.OptMediaBaseURL:
			return "--media-base-url"
		case message.OptAppID:
			return "--app-id"
		case message.OptProjectID:
			return "--project-id"
		}
		return ""
	}
}
