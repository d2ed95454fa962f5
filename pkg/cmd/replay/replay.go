// Package replay implements `wamo replay`: send payloads to a webhook the
// way Sinch or Meta deliver them and judge whether it acknowledges every
// one in time.
package replay

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/render"
	"github.com/wamo-dev/wamo/pkg/render/traffic"
	"github.com/wamo-dev/wamo/pkg/replay"
	"github.com/wamo-dev/wamo/pkg/signature"
)

// The environment variables holding the secrets --sign signs with. They
// are never accepted on the command line, where they would land in shell
// history and process listings.
const (
	// SecretEnv holds the Cloud API app secret (Meta's X-Hub-Signature-256).
	SecretEnv = "WAMO_APP_SECRET"
	// SinchSecretEnv holds the secret of a Sinch Conversation API webhook
	// (X-Sinch-Webhook-Signature): another provider's secret, so another
	// variable, and a run that replays both formats signs each right.
	SinchSecretEnv = "WAMO_SINCH_SECRET"
)

// secretEnv names the variable holding the secret of a signature scheme.
func secretEnv(scheme signature.Scheme) string {
	if scheme == signature.SinchScheme {
		return SinchSecretEnv
	}
	return SecretEnv
}

// progressEvery is how often the live progress line is redrawn.
const progressEvery = 200 * time.Millisecond

// Options are the parsed flags and arguments of `wamo replay`.
type Options struct {
	IO         *iostreams.IOStreams
	Version    string
	Now        func() time.Time
	HTTPClient func() *http.Client
	Getenv     func(string) string

	URL      string
	Paths    []string
	Fixtures []string
	Method   string
	Header   http.Header
	// As is the format --as converts every payload to (Unknown: none);
	// Transform is the conversion itself.
	As        payload.Format
	Transform func([]byte) ([]byte, error)
	Fresh     bool
	Sign      bool
	RawBytes  bool

	Repeat      int
	Concurrency int
	Rate        float64
	Duration    time.Duration
	MaxWorkers  int
	Deadline    time.Duration
	Timeout     time.Duration
	Retries     int
	RetryDelay  time.Duration

	Insecure        bool
	FollowRedirects bool

	// Export, when set, writes the replay for another engine (vegeta,
	// artillery) to ExportTo instead of sending it.
	Export   string
	ExportTo string

	Output     string
	Verbose    bool
	Thresholds replay.Thresholds
	MaxSize    int
	Exclude    []string
}

// NewCmdReplay builds the command; runF replaces the run function in tests.
func NewCmdReplay(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Version: f.Build.Version, Now: f.Now, HTTPClient: f.HTTPClient, Getenv: f.Getenv}
	var (
		headers                []string
		as, rate, maxErrorRate string
	)
	cmd := &cobra.Command{
		Use:   "replay --url URL [FILE|DIR|-]... [--fixtures NAME,...]",
		Short: "Send payloads to a webhook and check it acknowledges each within 200 ms",
		Long: `Send webhook payloads to a URL the way Sinch and Meta deliver them, and
check that every one is acknowledged with a 2xx within the deadline.
Providers count a callback as failed unless it is answered 200 OK within
200 ms, and retry it later.

Each payload is POSTed as one request with Content-Type: application/json:
the bytes of the file (or of the NDJSON line, or of the embedded fixture
named by --fixtures; see wamo fixtures list). Cloud API payloads (--as cloud,
or files detected as Cloud) are sent the way Meta puts them on the wire:
ASCII-only JSON with every other character escaped (é as \u00e9, emoji as
a surrogate pair \ud83d\ude00); --raw-bytes sends the file's bytes
untouched instead. Payloads that are not valid JSON are sent too, with a
warning. -H adds headers. --fresh gives each send new message ids (and ids in the
payload that refer to them the same) and sets every time to now in its own
encoding, so that receivers that drop duplicates process every send.
--sign signs every request over exactly the bytes sent, as its provider
does: Conversation API callbacks (--as conversation, or files detected as
such) like Sinch, with x-sinch-webhook-signature and its timestamp, nonce
and algorithm headers, a new nonce and the current time on every request,
keyed with the webhook secret in WAMO_SINCH_SECRET; every other payload
like Meta, with X-Hub-Signature-256 keyed with the app secret in
WAMO_APP_SECRET. Secrets are read from the environment only, never from
the command line.

Load:
  closed model   -c N workers, each sending the next payload once the previous
                 one is answered; -n repeats the payload list, --duration bounds it
  open model     --rate R sends R requests per second on a fixed schedule for
                 --duration (or -n rounds), whatever the server does; latency
                 counts from each request's scheduled time whenever the server
                 held the workers up, so queueing is never hidden
Connections are kept alive as providers do. --retries re-sends what failed or
missed the deadline, like a provider, and the report says on which attempt
each payload was delivered.

Each request is classified ok (2xx within --deadline), slow (2xx later),
http-error (any other status; redirects are reported, not followed unless
--follow-redirects), network-error (refused, reset, closed mid-body, DNS,
TLS) or timeout (no complete answer within --timeout). The report gives the
counts, latency percentiles, a histogram with the deadline marked and the
slowest payloads; --output json gives every request too (schema
wamo.replay/v1), --output junit one test case per payload, --output html a
self-contained page with latency over time and the histogram. A live progress
line is shown on stderr when it is a terminal. Ctrl-C stops sending and
reports what was measured.

The verdict passes when every request was answered 2xx within the deadline;
--max-p95, --max-p99 and --max-error-rate replace that rule with an SLO.

Load beyond one machine: --export vegeta writes the payloads as vegeta's
JSON targets (one line each: method, URL, headers and the base64 body,
signature included) to --export-to FILE (default stdout), for
vegeta attack -format=json -rate=R from as many hosts as needed; the
signatures are computed at export time, so a Sinch signature goes stale
after the receiver's window (5 minutes by default) and every send of a
target reuses its nonce: export right before the attack. --export
artillery writes an Artillery script to --export-to DIR (wamo-replay.yml,
the payloads, --rate as an arrival phase, --timeout, and the deadline and
--max-p95/--max-p99/--max-error-rate as ensure checks) and its processor
(wamo-replay.js), which signs every request when it is sent with the
secrets of the machine that runs it: artillery run on one machine,
artillery run-fargate or run-lambda on many. Nothing is sent by wamo.

` + cmdutil.InputsHelp + `Exit status: 0 pass, 1 a request was not ok or a threshold was missed,
2 usage error, 3 unusable input, 4 nothing could be reached at all
(connection refused, unknown host), 130 interrupted.`,
		Example: `  wamo replay --url http://localhost:8080/hook fixtures/
  wamo replay --url http://localhost:8080/hook --fixtures all
  wamo replay --url http://localhost:8080/hook --fixtures sinch/text -c 8 -n 100
  wamo replay --url https://staging.example.com/hook --rate 50 --duration 30s --fresh captures.ndjson
  WAMO_APP_SECRET=… wamo replay --url http://localhost:8080/hook --sign --fixtures cloud
  WAMO_SINCH_SECRET=… wamo replay --url http://localhost:8080/hook --sign --fixtures conversation
  wamo replay --url http://localhost:8080/hook --fixtures sinch --retries 3 --retry-delay 1s
  wamo replay --url http://localhost:8080/hook --fixtures all --max-p99 150ms --max-error-rate 0
  wamo replay --url http://localhost:8080/hook --fixtures all --output junit > replay.xml
  WAMO_APP_SECRET=… wamo replay --url https://staging.example.com/hook --sign --export vegeta captures/ > targets.jsonl
  wamo replay --url https://staging.example.com/hook --sign --rate 500 --duration 5m --max-p99 200ms --export artillery --export-to load/ captures/`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if err := opts.finish(cmd, headers, as, rate, maxErrorRate); err != nil {
				return err
			}
			return cmdutil.Dispatch(cmd.Context(), runF, Run, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.URL, "url", "u", "", "webhook URL to send to (http:// or https://; required)")
	fl.StringSliceVar(&opts.Fixtures, "fixtures", nil, "embedded fixtures to send: all, a folder (sinch, whatsapp, cloud, invalid) or names like sinch/text (comma-separated)")
	fl.StringVarP(&opts.Method, "method", "X", "POST", "HTTP method")
	fl.StringArrayVarP(&headers, "header", "H", nil, `add a header "Name: value" to every request (repeatable)`)
	fl.StringVar(&as, "as", "", "convert every payload to this format before sending: "+payload.FormatList())
	fl.BoolVar(&opts.Fresh, "fresh", false, "give each send new message ids and current timestamps")
	fl.BoolVar(&opts.Sign, "sign", false, "sign requests as their provider does: Conversation API callbacks like Sinch with the secret in "+SinchSecretEnv+", others like Meta (X-Hub-Signature-256) with the app secret in "+SecretEnv)
	fl.BoolVar(&opts.RawBytes, "raw-bytes", false, "send each payload's bytes untouched (Cloud API payloads are otherwise escaped to ASCII, as Meta sends them)")
	fl.IntVarP(&opts.Repeat, "repeat", "n", 0, "send the payload list this many times (default once, or until --duration ends)")
	fl.IntVarP(&opts.Concurrency, "concurrency", "c", 1, "workers (connections) of the closed model; with --rate, workers started up front")
	fl.StringVar(&rate, "rate", "", "open model: requests per second on a fixed schedule (e.g. 100, 100/s, 6000/m); needs --duration or -n")
	fl.DurationVar(&opts.Duration, "duration", 0, "stop scheduling new requests after this long (e.g. 30s)")
	fl.IntVar(&opts.MaxWorkers, "max-workers", replay.DefaultMaxWorkers, "open model: most requests in flight at once")
	fl.DurationVar(&opts.Deadline, "deadline", replay.DefaultDeadline, "a 2xx answered later than this is slow; Sinch and Meta allow 200ms")
	fl.DurationVar(&opts.Timeout, "timeout", replay.DefaultTimeout, "give up a request without a complete answer after this long")
	fl.IntVar(&opts.Retries, "retries", 0, "re-send a payload whose request was not ok up to this many times")
	fl.DurationVar(&opts.RetryDelay, "retry-delay", replay.DefaultRetryDelay, "wait this long before each retry")
	fl.BoolVarP(&opts.Insecure, "insecure", "k", false, "do not verify TLS certificates")
	fl.BoolVar(&opts.FollowRedirects, "follow-redirects", false, "follow 3xx answers (by default a redirect is an http-error)")
	fl.StringVarP(&opts.Output, "output", "o", "text", "output: text, json, junit or html")
	fl.StringVar(&opts.Export, "export", "", "send nothing; write the replay for another engine: "+strings.Join(replay.ExportFormats, " or "))
	fl.StringVar(&opts.ExportTo, "export-to", "", "where --export writes: a file for vegeta (default stdout), a directory for artillery")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "text output: one line per request as it completes")
	fl.DurationVar(&opts.Thresholds.MaxP95, "max-p95", 0, "SLO: fail when the 95th percentile latency is over this")
	fl.DurationVar(&opts.Thresholds.MaxP99, "max-p99", 0, "SLO: fail when the 99th percentile latency is over this")
	fl.StringVar(&maxErrorRate, "max-error-rate", "", "SLO: fail when more than this fraction of requests is not ok (0..1, or a percentage like 1%)")
	cmdutil.SizeVar(fl, &opts.MaxSize, "max-size", "64MB", "largest single payload accepted")
	cmdutil.ExcludeVar(fl, &opts.Exclude)

	noFiles := cobra.ShellCompDirectiveNoFileComp
	_ = cmd.RegisterFlagCompletionFunc("as", cobra.FixedCompletions(payload.Names(), noFiles))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(traffic.ReplayOutputs, noFiles))
	_ = cmd.RegisterFlagCompletionFunc("method", cobra.FixedCompletions([]string{"POST", "PUT"}, noFiles))
	_ = cmd.RegisterFlagCompletionFunc("export", cobra.FixedCompletions(replay.ExportFormats, noFiles))
	_ = cmd.RegisterFlagCompletionFunc("fixtures", completeFixtures)
	_ = cmd.RegisterFlagCompletionFunc("url", cobra.NoFileCompletions)
	return cmd
}

// completeFixtures completes the last name of a comma-separated --fixtures
// list with "all", the folders and every fixture name.
func completeFixtures(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix := ""
	if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
		prefix = toComplete[:i+1]
	}
	names := append([]string{"all"}, fixtures.Folders...)
	for _, f := range fixtures.List() {
		names = append(names, f.Name)
	}
	var out []string
	for _, n := range names {
		if strings.HasPrefix(prefix+n, toComplete) {
			out = append(out, prefix+n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// finish checks and completes the options from the flags, one step
// after the other: the first that fails is the usage error.
func (opts *Options) finish(cmd *cobra.Command, headers []string, as, rate, maxErrorRate string) error {
	repeatSet := cmd.Flags().Changed("repeat")
	steps := []func() error{
		opts.checkRequest,
		func() error { return opts.parseHeaders(headers) },
		func() error { return opts.checkLimits(repeatSet) },
		func() error { return opts.parseRate(rate) },
		func() error { return opts.parseMaxErrorRate(maxErrorRate) },
		opts.checkOutput,
		func() error { return opts.parseAs(as) },
		opts.checkExport,
		opts.checkSign,
		opts.defaultInputs,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// usageCheck is one rule of a flag check: when bad, msg is the usage error.
type usageCheck struct {
	bad bool
	msg string
}

// firstUsage returns the usage error of the first check that is bad.
func firstUsage(checks ...usageCheck) error {
	for _, c := range checks {
		if c.bad {
			return cmdutil.Usagef("%s", c.msg)
		}
	}
	return nil
}

// checkRequest checks --url and normalises --method.
func (opts *Options) checkRequest() error {
	if opts.URL == "" {
		return cmdutil.Usagef("--url is required: the webhook to send to, e.g. --url http://localhost:8080/hook")
	}
	if _, err := replay.ParseURL(opts.URL); err != nil {
		return cmdutil.Usagef("--url: %v", err)
	}
	opts.Method = strings.ToUpper(strings.TrimSpace(opts.Method))
	return firstUsage(usageCheck{opts.Method == "" || strings.ContainsAny(opts.Method, " \t\r\n"),
		fmt.Sprintf("--method %q: want an HTTP method such as POST", opts.Method)})
}

// parseHeaders turns the -H flags into opts.Header, with wamo's
// User-Agent unless one was given.
func (opts *Options) parseHeaders(headers []string) error {
	opts.Header = http.Header{}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if err := firstUsage(
			usageCheck{!ok || name == "" || strings.ContainsAny(name, " \t\r\n\"(),/;<=>?@[\\]{}"), fmt.Sprintf("--header %q: want \"Name: value\"", h)},
			usageCheck{strings.ContainsAny(value, "\r\n"), fmt.Sprintf("--header %q: a value cannot hold a line break", h)},
		); err != nil {
			return err
		}
		opts.Header.Add(name, strings.TrimSpace(value))
	}
	if opts.Header.Get("User-Agent") == "" {
		v := cmp.Or(opts.Version, "dev")
		opts.Header.Set("User-Agent", "wamo-replay/"+strings.TrimPrefix(v, "v"))
	}
	return nil
}

// checkLimits checks the numbers of the load flags; repeatSet says
// whether -n was given (-n 0 is refused, not the default).
func (opts *Options) checkLimits(repeatSet bool) error {
	return firstUsage(
		usageCheck{opts.Concurrency < 1, fmt.Sprintf("--concurrency %d: want at least 1", opts.Concurrency)},
		usageCheck{opts.Repeat < 0, fmt.Sprintf("--repeat %d: want at least 1", opts.Repeat)},
		usageCheck{repeatSet && opts.Repeat == 0, "--repeat 0: want at least 1"},
		usageCheck{opts.Duration < 0, fmt.Sprintf("--duration %s: want a positive duration", opts.Duration)},
		usageCheck{opts.Deadline <= 0, fmt.Sprintf("--deadline %s: want a positive duration", opts.Deadline)},
		usageCheck{opts.Timeout <= 0, fmt.Sprintf("--timeout %s: want a positive duration", opts.Timeout)},
		usageCheck{opts.Retries < 0, fmt.Sprintf("--retries %d: want 0 or more", opts.Retries)},
		usageCheck{opts.RetryDelay < 0, fmt.Sprintf("--retry-delay %s: want 0 or more", opts.RetryDelay)},
		usageCheck{opts.MaxWorkers < 1, fmt.Sprintf("--max-workers %d: want at least 1", opts.MaxWorkers)},
		usageCheck{opts.Thresholds.MaxP95 < 0 || opts.Thresholds.MaxP99 < 0, "--max-p95/--max-p99: want a positive duration"},
	)
}

// parseRate reads --rate, which needs a length for its schedule.
func (opts *Options) parseRate(rate string) error {
	if rate == "" {
		return nil
	}
	r, err := parseRate(rate)
	if err != nil {
		return cmdutil.Usagef("--rate: %v", err)
	}
	opts.Rate = r
	return firstUsage(usageCheck{opts.Duration == 0 && opts.Repeat == 0,
		"--rate needs --duration or -n/--repeat: how long should the schedule run?"})
}

// parseMaxErrorRate reads --max-error-rate into the thresholds.
func (opts *Options) parseMaxErrorRate(maxErrorRate string) error {
	if maxErrorRate == "" {
		return nil
	}
	f, err := parseFraction(maxErrorRate)
	if err != nil {
		return cmdutil.Usagef("--max-error-rate: %v", err)
	}
	opts.Thresholds.MaxErrorRate, opts.Thresholds.CheckErrorRate = f, true
	return nil
}

// checkOutput checks --output and what --verbose applies to.
func (opts *Options) checkOutput() error {
	return firstUsage(
		usageCheck{!contains(traffic.ReplayOutputs, opts.Output), fmt.Sprintf("--output %q: want %s", opts.Output, strings.Join(traffic.ReplayOutputs, ", "))},
		usageCheck{opts.Verbose && opts.Output != "text", "--verbose only applies to --output text (json already lists every request)"},
	)
}

// parseAs reads --as into the format every payload is converted to.
func (opts *Options) parseAs(as string) error {
	if as == "" {
		return nil
	}
	f, err := payload.ParseFormat(as)
	if err != nil || f == payload.Unknown {
		return cmdutil.Usagef("--as %q: want %s", as, payload.FormatList())
	}
	opts.As = f
	opts.Transform, err = convertFor(f)
	return err
}

// checkExport checks --export and --export-to against what the engines
// can carry.
func (opts *Options) checkExport() error {
	export, to := opts.Export, opts.ExportTo
	return firstUsage(
		usageCheck{export == "" && to != "", "--export-to applies only with --export"},
		usageCheck{export != "" && !contains(replay.ExportFormats, export), fmt.Sprintf("--export %q: want %s", export, strings.Join(replay.ExportFormats, " or "))},
		usageCheck{export == "artillery" && to == "", "--export artillery needs --export-to DIR: it writes a script and its processor"},
		usageCheck{export == "artillery" && opts.Rate == 0, "--export artillery needs --rate: Artillery's arrival phases are an open model"},
		usageCheck{export != "" && (opts.Fresh || opts.Retries > 0), "--export cannot carry --fresh or --retries: the engines send fixed bodies and do not retry like a provider"},
	)
}

// checkSign makes sure --sign has a secret to sign with, unless the
// signing happens elsewhere (an Artillery export's processor).
func (opts *Options) checkSign() error {
	noSecret := opts.Getenv(SecretEnv) == "" && opts.Getenv(SinchSecretEnv) == ""
	return firstUsage(usageCheck{opts.Sign && opts.Export != "artillery" && noSecret,
		fmt.Sprintf("--sign needs a secret in the environment: the Cloud API app secret in %s, the Conversation API webhook secret in %s (never read from the command line)", SecretEnv, SinchSecretEnv)})
}

// defaultInputs reads stdin when no input was named, unless stdin is a
// terminal (nobody is going to type payloads).
func (opts *Options) defaultInputs() error {
	if len(opts.Paths) > 0 || len(opts.Fixtures) > 0 {
		return nil
	}
	if opts.IO.IsStdinTTY() {
		return cmdutil.Usagef("nothing to send: give files, directories, - for stdin, or --fixtures NAME")
	}
	opts.Paths = []string{"-"}
	return nil
}

// parseRate parses "100", "100/s", "100/1s", "6000/m", "5/100ms" into
// requests per second.
func parseRate(s string) (float64, error) {
	num, per, hasPer := strings.Cut(strings.TrimSpace(s), "/")
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n <= 0 || n != n || n > 1e7 {
		return 0, fmt.Errorf("%q: want a positive number of requests per second, such as 100 or 100/s", s)
	}
	if !hasPer {
		return n, nil
	}
	per = strings.TrimSpace(per)
	switch per {
	case "s", "sec", "second":
		return n, nil
	case "m", "min", "minute":
		return n / 60, nil
	case "h", "hour":
		return n / 3600, nil
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q: want RATE or RATE/UNIT, such as 100/s, 6000/m or 5/100ms", s)
	}
	return n / d.Seconds(), nil
}

// parseFraction parses "0", "0.01" or "1%" into a fraction in [0, 1].
func parseFraction(s string) (float64, error) {
	t := strings.TrimSpace(s)
	scale := 1.0
	if strings.HasSuffix(t, "%") {
		t, scale = strings.TrimSpace(strings.TrimSuffix(t, "%")), 0.01
	}
	f, err := strconv.ParseFloat(t, 64)
	f *= scale
	if err != nil || f < 0 || f > 1 || f != f {
		return 0, fmt.Errorf("%q: want a fraction between 0 and 1, or a percentage such as 1%%", s)
	}
	return f, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Run sends the payloads, reports as requests complete, and returns the
// verdict as an error carrying the exit code.
func Run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	targets, err := loadInputs(ctx, opts)
	if err != nil {
		return err
	}
	cfg, err := opts.config(targets, now)
	if err != nil {
		return err
	}
	if opts.Export != "" {
		return export(opts, cfg, targets)
	}
	warnFresh(opts, targets, now())
	return send(ctx, opts, cfg, targets, now)
}

// loadInputs loads the payloads, writing the notes and warnings of the
// inputs; an unusable input is the error.
func loadInputs(ctx context.Context, opts *Options) ([]replay.Target, error) {
	ios := opts.IO
	in := loadTargets(ctx, opts)
	if in.interrupted {
		return nil, cmdutil.ErrInterrupted
	}
	notes := render.NewInputNotes(ios, nil)
	for i := range in.skipped {
		notes.End(&in.skipped[i])
	}
	for _, w := range in.warnings {
		traffic.ReplayWarning(ios, w)
	}
	if problems := in.problems; len(problems) > 0 {
		for _, p := range problems[:len(problems)-1] {
			render.Error(ios, p.String())
		}
		return nil, cmdutil.Inputf("%s", problems[len(problems)-1])
	}
	if len(in.targets) == 0 {
		return nil, cmdutil.Inputf("nothing to send: no payload found")
	}
	return in.targets, nil
}

// config is the library's configuration of the run the options ask for.
func (opts *Options) config(targets []replay.Target, now func() time.Time) (replay.Config, error) {
	cfg := replay.Config{
		URL: opts.URL, Method: opts.Method, Header: opts.Header,
		Deadline: opts.Deadline, Timeout: opts.Timeout,
		Concurrency: opts.Concurrency, Repeat: opts.Repeat, Rate: opts.Rate, Duration: opts.Duration,
		MaxWorkers: opts.MaxWorkers, Retries: opts.Retries, RetryDelay: opts.RetryDelay,
		Fresh: opts.Fresh, Transform: opts.Transform, RawBytes: opts.RawBytes,
		FollowRedirects: opts.FollowRedirects, Insecure: opts.Insecure,
		Now: now,
	}
	if opts.HTTPClient != nil {
		cfg.Client = opts.HTTPClient()
	}
	var err error
	cfg.Sign, err = opts.signer(targets)
	return cfg, err
}

// signer is the Config.Sign of --sign: each payload signed as its
// provider signs it, with the secret from the environment. An Artillery
// export's processor reads the secrets when the test runs, so there only
// the scheme of each payload matters.
func (opts *Options) signer(targets []replay.Target) (func(payload.Format) *signature.Signer, error) {
	switch {
	case !opts.Sign:
		return nil, nil
	case opts.Export == "artillery":
		return replay.SignByFormat(func(string) []byte { return []byte{} }), nil
	}
	if err := checkSecrets(opts, targets); err != nil {
		return nil, err
	}
	schemes := map[string]signature.Scheme{}
	for _, s := range []signature.Scheme{signature.MetaScheme, signature.SinchScheme} {
		schemes[s.Name()] = s
	}
	return replay.SignByFormat(func(scheme string) []byte {
		if s, ok := schemes[scheme]; ok {
			if v := opts.Getenv(secretEnv(s)); v != "" {
				return []byte(v)
			}
		}
		return nil
	}), nil
}

// warnFresh says which payloads --fresh has nothing to renew in (unless
// --as converts them: the converted bodies are renewed).
func warnFresh(opts *Options, targets []replay.Target, at time.Time) {
	if !opts.Fresh || opts.Transform != nil {
		return
	}
	for _, t := range targets {
		if _, paths := replay.Refresh(t.Body, at); len(paths) == 0 {
			traffic.ReplayWarning(opts.IO, fmt.Sprintf("--fresh: %s has no message ids or timestamps to renew (format %s); sent as is", t.Name, t.Format))
		}
	}
}

// send runs the replay, reporting each request as it completes, and
// returns the verdict as an error carrying the exit code.
func send(ctx context.Context, opts *Options, cfg replay.Config, targets []replay.Target, now func() time.Time) error {
	started := now()
	rep, err := traffic.NewReplayReporter(opts.IO, traffic.ReplayOptions{
		Output: opts.Output, Verbose: opts.Verbose, Thresholds: opts.Thresholds, Version: opts.Version, Started: started,
	})
	if err != nil {
		return cmdutil.Usagef("%v", err)
	}
	sum := replay.NewSummary(cfg, targets, started)
	var counter replay.Counter
	results := make(chan replay.Result, 4096)
	var runErr error
	go func() {
		runErr = replay.Run(ctx, cfg, targets, results)
		close(results)
	}()

	stopProgress := startProgress(opts, &counter, started, now)
	var r replay.Result // one variable: &r handed to the reporter would escape per result
	for r = range results {
		sum.Add(&r)
		counter.Add(&r)
		rep.Request(&r)
	}
	stopProgress()

	if err := libError(runErr, ""); err != nil {
		return err
	}
	interrupted := ctx.Err() != nil
	sum.Finish(now(), interrupted)
	verdict := sum.Verdict(opts.Thresholds)
	code := exitCode(sum, verdict, interrupted)
	if err := rep.Finish(sum, verdict, code); err != nil {
		return err
	}
	return exitError(opts, code, sum, verdict)
}

// libError is the command's error for the library's errors a run or an
// export can end with (a configuration it refuses, a payload it cannot
// send), prefix before a configuration error; nil for any other error.
func libError(err error, prefix string) error {
	var ce *replay.ConfigError
	var te *replay.TargetError
	switch {
	case errors.As(err, &ce):
		return cmdutil.Usagef("%s%v", prefix, ce)
	case errors.As(err, &te):
		return cmdutil.Inputf("%v", te)
	}
	return nil
}

// exitCode is the exit status of a finished run.
func exitCode(sum *replay.Summary, verdict replay.Verdict, interrupted bool) int {
	switch {
	case interrupted:
		return cmdutil.ExitInterrupted
	case sum.Unreachable():
		return cmdutil.ExitNetwork
	case !verdict.Pass:
		return cmdutil.ExitFindings
	}
	return cmdutil.ExitOK
}

// exitError is the error that ends a run with code, nil for success.
func exitError(opts *Options, code int, sum *replay.Summary, verdict replay.Verdict) error {
	switch code {
	case cmdutil.ExitInterrupted:
		return cmdutil.ErrInterrupted
	case cmdutil.ExitNetwork:
		cause := "no answer"
		if c := sum.TopCauses(); len(c) > 0 {
			cause = c[0]
		}
		return cmdutil.Networkf("could not reach %s: %s", sum.URL, cause)
	case cmdutil.ExitFindings:
		if opts.Output == "text" {
			return cmdutil.Silent(code) // the verdict line said why
		}
		return &cmdutil.ExitError{Code: code, Err: errors.New("replay failed: " + strings.Join(traffic.VerdictReasons(sum, verdict), "; "))}
	}
	return nil
}

// export writes the replay for another engine instead of sending it.
func export(opts *Options, cfg replay.Config, targets []replay.Target) error {
	var err error
	if opts.Export == "vegeta" {
		err = exportVegeta(opts, cfg, targets)
	} else {
		err = exportArtillery(opts, cfg, targets)
	}
	var exitErr *cmdutil.ExitError
	if err == nil || errors.As(err, &exitErr) {
		return err
	}
	if e := libError(err, "--export "+opts.Export+": "); e != nil {
		return e
	}
	return cmdutil.Environmentf("--export %s: %v", opts.Export, err)
}

// exportVegeta writes vegeta's targets to --export-to, or stdout.
func exportVegeta(opts *Options, cfg replay.Config, targets []replay.Target) error {
	w := opts.IO.Out
	if opts.ExportTo != "" && opts.ExportTo != "-" {
		f, err := os.Create(opts.ExportTo)
		if err != nil {
			return cmdutil.Environmentf("--export-to: %v", err)
		}
		defer f.Close()
		w = f
	}
	return replay.ExportVegeta(w, cfg, targets)
}

// exportArtillery writes the Artillery script and its processor into the
// --export-to directory.
func exportArtillery(opts *Options, cfg replay.Config, targets []replay.Target) error {
	var script, proc bytes.Buffer
	err := replay.ExportArtillery(&script, &proc, cfg, targets, replay.ArtilleryOptions{
		Processor:  artilleryProcessor,
		SecretEnv:  map[string]string{"meta": SecretEnv, "sinch": SinchSecretEnv},
		Thresholds: opts.Thresholds,
	})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(opts.ExportTo, 0o755); err != nil {
		return cmdutil.Environmentf("--export-to: %v", err)
	}
	for name, b := range map[string][]byte{artilleryScript: script.Bytes(), artilleryProcessor: proc.Bytes()} {
		if err := os.WriteFile(filepath.Join(opts.ExportTo, name), b, 0o644); err != nil {
			return cmdutil.Environmentf("--export-to: %v", err)
		}
	}
	yml := filepath.Join(opts.ExportTo, artilleryScript)
	render.Note(opts.IO, "wrote %s and %s (%d payloads); run: artillery run %s",
		yml, filepath.Join(opts.ExportTo, artilleryProcessor), len(targets), yml)
	return nil
}

// The files of an Artillery export.
const (
	artilleryScript    = "wamo-replay.yml"
	artilleryProcessor = "wamo-replay.js"
)

// checkSecrets makes sure --sign has the secret of every scheme the
// payloads are signed with (by their format, or the --as format), so that
// no payload goes out unsigned when signing was asked for.
func checkSecrets(opts *Options, targets []replay.Target) error {
	for _, t := range targets {
		f := t.Format
		if opts.As != payload.Unknown {
			f = opts.As
		}
		s := signature.For(f)
		if opts.Getenv(secretEnv(s)) == "" {
			what := "the Cloud API app secret"
			if s == signature.SinchScheme {
				what = "the Conversation API webhook secret"
			}
			return cmdutil.Usagef("--sign: %s is signed like %s, with %s in %s, which is not set", t.Name, map[string]string{"meta": "Meta", "sinch": "Sinch"}[s.Name()], what, secretEnv(s))
		}
	}
	return nil
}

// startProgress draws the live progress line on stderr while the run goes
// on, when stderr is a terminal (and verbose lines are not going to the
// same terminal). The returned function stops it and erases the line.
func startProgress(opts *Options, c *replay.Counter, started time.Time, now func() time.Time) func() {
	ios := opts.IO
	if !ios.IsStderrTTY() || (opts.Verbose && ios.IsStdoutTTY()) {
		return func() {}
	}
	p := traffic.NewReplayProgress(ios)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				p.Clear()
				return
			case <-t.C:
				p.Update(c.Snapshot(), now().Sub(started))
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}
