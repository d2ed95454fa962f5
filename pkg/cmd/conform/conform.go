// Package conform implements `wamo conform`: run the conformance catalogue
// of a provider against a webhook receiver and report case by case.
package conform

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/render/traffic"
	"github.com/wamo-dev/wamo/pkg/replay"
	"github.com/wamo-dev/wamo/pkg/signature"
)

// Environment variables read by `wamo conform`. Secrets are never taken
// from the command line, where they would land in shell history and
// process listings.
const (
	SecretEnv      = "WAMO_APP_SECRET"   // signs requests like the provider (Cloud API: X-Hub-Signature-256)
	SinchSecretEnv = "WAMO_SINCH_SECRET" // signs requests like Sinch (Conversation API: x-sinch-webhook-signature)
	VerifyTokenEnv = "WAMO_VERIFY_TOKEN" // the verify token of the handshake cases
)

// Options are the parsed flags of `wamo conform`.
type Options struct {
	IO         *iostreams.IOStreams
	Version    string
	Now        func() time.Time
	HTTPClient func() *http.Client
	Getenv     func(string) string

	URL      string
	Profile  *conform.Profile
	List     bool
	Cases    []string
	Skip     []string
	Deadline time.Duration
	Timeout  time.Duration
	Rate     float64
	Duration time.Duration
	Strict   bool
	Output   string
}

// NewCmdConform builds the command; runF replaces the run function in tests.
func NewCmdConform(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Version: f.Build.Version, Now: f.Now, HTTPClient: f.HTTPClient, Getenv: f.Getenv}
	var profile string
	cmd := &cobra.Command{
		Use:   "conform --profile PROFILE --url URL [--case ID,...] [--skip ID,...]",
		Short: "Run a conformance suite against a webhook receiver, case by case",
		Long: `Run a numbered catalogue of cases against a webhook receiver, the way
Autobahn|Testsuite tests WebSocket servers, and report each one. Every case
has a stable id, an area, a level (required: the provider's documented
contract; recommended: good practice) and a one-line expectation; --list
prints the catalogue of a profile, --case and --skip select by id, glob
(ack.*) or area.

Areas:
  ack     every message type and status of the profile, one delivery each,
          answered 2xx within --deadline; several messages and statuses at
          once; the largest batch the provider sends
  dup     the same delivery again, byte for byte, and a burst of copies
  order   statuses out of order: read before delivered, a status before
          the message's sent report, failed after sent
  compat  unknown members at every level, an unknown message type and
          status value, another webhook field or Conversation API
          trigger: answered 2xx, not 4xx
  wire    Content-Type with a charset, non-ASCII text in the provider's own
          encoding (the Cloud API's \uXXXX form), a body near its maximum
  auth    Cloud and Conversation API: signed requests accepted, unsigned
          and wrongly signed ones refused with 4xx (recommended; stale ones
          too for the Conversation API, whose signature covers a time), and
          the Cloud API's GET verification handshake (required when
          WAMO_VERIFY_TOKEN is set)
  load    --rate deliveries per second for --duration, p99 within the deadline

Payloads come from wamo's fixtures and generator, with fresh ids and
timestamps; nothing is sent anywhere but --url. Requests are signed as the
provider signs them when the secret is in the environment: the Cloud API
app secret in WAMO_APP_SECRET, the Conversation API webhook secret in
WAMO_SINCH_SECRET (Sinch's scheme, a new nonce and timestamp per request);
the verify token is read from WAMO_VERIFY_TOKEN. None is ever read from the
command line.

The conversation profile assumes what Sinch does not document: one event
per callback (the envelope holds one trigger) and bodies up to 1 MiB.

Output: a line per case as it completes, then a summary by area (text);
--output json (schema wamo.conform/v1), junit (a test case per case) or
html (a self-contained page: the case table with its evidence, latency over
time and the latency histogram).

Exit status: 0 every required case passed (failed recommended cases are
warnings unless --strict), 1 a required case failed, 2 usage error,
4 the receiver could not be reached at all, 130 interrupted (the report so
far is written).`,
		Example: `  wamo conform --profile sinch --url http://localhost:8080/hook
  wamo conform --profile cloud --list
  WAMO_APP_SECRET=… WAMO_VERIFY_TOKEN=… wamo conform -p cloud -u https://staging.example.com/webhook
  WAMO_SINCH_SECRET=… wamo conform -p conversation -u http://localhost:8080/hook
  wamo conform -p whatsapp -u http://localhost:8080/hook --case 'ack.*,dup' --skip ack.largest-batch
  wamo conform -p cloud -u http://localhost:8080/hook --output html > conform.html
  wamo conform -p sinch -u http://localhost:8080/hook --strict --output junit > conform.xml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.finish(cmd, profile); err != nil {
				return err
			}
			return cmdutil.Dispatch(cmd.Context(), runF, Run, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.URL, "url", "u", "", "the receiver's URL (http:// or https://; required unless --list)")
	fl.StringVarP(&profile, "profile", "p", "", "the provider to behave like (required): "+strings.Join(conform.ProfileNames(), ", "))
	fl.BoolVar(&opts.List, "list", false, "print the profile's catalogue and exit")
	fl.StringSliceVar(&opts.Cases, "case", nil, "run only these cases (comma-separated case ids, globs such as ack.*, areas)")
	fl.StringSliceVar(&opts.Skip, "skip", nil, "leave out these cases (comma-separated case ids, globs, areas)")
	fl.DurationVar(&opts.Deadline, "deadline", conform.DefaultDeadline, "the acknowledgement deadline: Sinch and Meta allow 200ms")
	fl.DurationVar(&opts.Timeout, "timeout", conform.DefaultTimeout, "give up a request without a complete answer after this long")
	fl.Float64Var(&opts.Rate, "rate", conform.DefaultRate, "load case: deliveries per second")
	fl.DurationVar(&opts.Duration, "duration", conform.DefaultDuration, "load case: how long to send")
	fl.BoolVar(&opts.Strict, "strict", false, "failed recommended cases fail the run too")
	fl.StringVarP(&opts.Output, "output", "o", "text", "output: text, json, junit or html")

	noFiles := cobra.ShellCompDirectiveNoFileComp
	_ = cmd.RegisterFlagCompletionFunc("profile", cobra.FixedCompletions(conform.ProfileNames(), noFiles))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(traffic.ConformOutputs, noFiles))
	_ = cmd.RegisterFlagCompletionFunc("url", cobra.NoFileCompletions)
	_ = cmd.RegisterFlagCompletionFunc("case", completeCases)
	_ = cmd.RegisterFlagCompletionFunc("skip", completeCases)
	return cmd
}

// completeCases completes the last entry of a comma-separated --case or
// --skip list with the areas and case ids of the --profile given (of every
// profile when none is).
func completeCases(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix := ""
	if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
		prefix = toComplete[:i+1]
	}
	profiles := conform.Profiles()
	if name, _ := cmd.Flags().GetString("profile"); conform.LookupProfile(name) != nil {
		profiles = []*conform.Profile{conform.LookupProfile(name)}
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] && strings.HasPrefix(prefix+s, toComplete) {
			seen[s] = true
			out = append(out, prefix+s)
		}
	}
	for _, a := range conform.Areas {
		add(string(a))
	}
	for _, p := range profiles {
		cat, err := conform.Build(p)
		if err != nil {
			continue
		}
		for _, c := range cat.Cases {
			add(c.ID)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// finish checks and completes the options from the flags.
func (opts *Options) finish(cmd *cobra.Command, profile string) error {
	if profile == "" {
		return cmdutil.Usagef("--profile is required: %s", strings.Join(conform.ProfileNames(), ", "))
	}
	if opts.Profile = conform.LookupProfile(profile); opts.Profile == nil {
		return cmdutil.Usagef("--profile %q: want %s", profile, strings.Join(conform.ProfileNames(), ", "))
	}
	if !slices.Contains(traffic.ConformOutputs, opts.Output) {
		return cmdutil.Usagef("--output %q: want %s", opts.Output, strings.Join(traffic.ConformOutputs, ", "))
	}
	if opts.List {
		if opts.Output != "text" && opts.Output != "json" {
			return cmdutil.Usagef("--list prints text or json, not %s", opts.Output)
		}
		return nil
	}
	if opts.URL == "" {
		return cmdutil.Usagef("--url is required: the receiver to test, e.g. --url http://localhost:8080/hook")
	}
	if _, err := replay.ParseURL(opts.URL); err != nil {
		return cmdutil.Usagef("--url: %v", err)
	}
	switch {
	case opts.Deadline <= 0:
		return cmdutil.Usagef("--deadline %s: want a positive duration", opts.Deadline)
	case opts.Timeout <= 0:
		return cmdutil.Usagef("--timeout %s: want a positive duration", opts.Timeout)
	case opts.Rate <= 0 || opts.Rate > 1e6:
		return cmdutil.Usagef("--rate %v: want a positive number of deliveries per second", opts.Rate)
	case opts.Duration <= 0:
		return cmdutil.Usagef("--duration %s: want a positive duration", opts.Duration)
	}
	return nil
}

// Run builds the catalogue, runs the selected cases, reports, and returns
// the verdict as an error carrying the exit code.
func Run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ios := opts.IO
	cat, err := conform.Build(opts.Profile)
	if err != nil {
		return err
	}
	cases, err := cat.Select(opts.Cases, opts.Skip)
	if err != nil {
		return cmdutil.Usagef("--case/--skip: %v", err)
	}
	if len(cases) == 0 {
		return cmdutil.Usagef("--case/--skip leave no case to run")
	}
	if opts.List {
		return traffic.ConformList(ios, cat, cases, opts.Output)
	}

	copts := opts.runOptions()
	rep, err := traffic.NewConformReporter(ios, traffic.ConformOptions{
		Output: opts.Output, Version: opts.Version, Catalogue: cat, Cases: cases, URL: opts.URL, Deadline: opts.Deadline,
		Signed: copts.Secret != nil && opts.Profile.Signer != nil, Handshake: copts.VerifyToken != "" && opts.Profile.Handshake != nil,
	})
	if err != nil {
		return cmdutil.Usagef("%v", err)
	}
	var progress *traffic.ConformProgress
	if opts.Output != "text" {
		progress = traffic.NewConformProgress(ios, len(cases))
	}
	report, err := conform.Run(ctx, cat, cases, copts, func(r *conform.Result) {
		if progress != nil {
			progress.Case(r)
		}
		rep.Case(r)
	})
	if progress != nil {
		progress.Clear()
	}
	if err != nil {
		return cmdutil.Usagef("%v", err)
	}

	code := verdictCode(ctx, report)
	if err := rep.Finish(report, code); err != nil {
		return err
	}
	return opts.verdictErr(report, code)
}

// runOptions is what the run needs from the options and the environment.
func (opts *Options) runOptions() conform.Options {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	v := opts.Version
	if v == "" {
		v = "dev"
	}
	secretEnv := SecretEnv
	if opts.Profile.Signer == signature.SinchScheme {
		secretEnv = SinchSecretEnv
	}
	copts := conform.Options{
		URL: opts.URL, Deadline: opts.Deadline, Timeout: opts.Timeout, Rate: opts.Rate, Duration: opts.Duration,
		Strict: opts.Strict, SecretEnv: secretEnv, VerifyTokenEnv: VerifyTokenEnv,
		Header: http.Header{"User-Agent": {"wamo-conform/" + strings.TrimPrefix(v, "v")}},
		Now:    opts.Now,
	}
	if s := getenv(secretEnv); s != "" {
		copts.Secret = []byte(s)
	}
	copts.VerifyToken = getenv(VerifyTokenEnv)
	if opts.HTTPClient != nil {
		copts.Client = opts.HTTPClient()
	}
	return copts
}

// verdictCode is the exit code of a finished run; an interrupted context
// marks the report interrupted.
func verdictCode(ctx context.Context, report *conform.Report) int {
	switch {
	case report.Interrupted || ctx.Err() != nil:
		report.Interrupted = true
		return cmdutil.ExitInterrupted
	case report.Unreachable:
		return cmdutil.ExitNetwork
	case !report.Pass():
		return cmdutil.ExitFindings
	}
	return cmdutil.ExitOK
}

// verdictErr is the error carrying the exit code, silent where the text
// report's verdict line already said why.
func (opts *Options) verdictErr(report *conform.Report, code int) error {
	switch code {
	case cmdutil.ExitInterrupted:
		return cmdutil.ErrInterrupted
	case cmdutil.ExitNetwork:
		return cmdutil.Networkf("could not reach %s: %s", opts.URL, report.UnreachableCause)
	case cmdutil.ExitFindings:
		if opts.Output == "text" {
			return cmdutil.Silent(code) // the verdict line said why
		}
		return &cmdutil.ExitError{Code: code, Err: errors.New("conform: " + strings.Join(report.FailedIDs(conform.Fail), ", ") + " failed")}
	}
	return nil
}
