// Package listen implements `wamo listen`.
package listen

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/listen"
	"github.com/wamo-dev/wamo/pkg/redact"
	"github.com/wamo-dev/wamo/pkg/render/traffic"
	"github.com/wamo-dev/wamo/pkg/secret"
	"github.com/wamo-dev/wamo/pkg/signature"
)

// Environment variables read by `wamo listen`. Secrets are never taken
// from the command line, where other users of the machine can see them.
const (
	SecretEnv      = "WAMO_APP_SECRET"   // Cloud API app secret: checks X-Hub-Signature-256
	SinchSecretEnv = "WAMO_SINCH_SECRET" // Conversation API webhook secret: checks x-sinch-webhook-signature
	VerifyTokenEnv = "WAMO_VERIFY_TOKEN" // verify token of the handshake, unless --verify-token
)

// minDrain is the least time given to validating and printing what was
// received once the server has stopped, even when stopping it took the
// whole grace period.
const minDrain = 250 * time.Millisecond

// stalledWrite bounds the writing of the last report on stderr when the
// output has stalled: stderr may be the same pipe nobody reads.
const stalledWrite = time.Second

// Options are the parsed flags of `wamo listen`.
type Options struct {
	IO *iostreams.IOStreams

	Addr        string
	Path        string
	VerifyToken string
	AppSecret   []byte
	SinchSecret []byte
	// SignatureWindow bounds the age of a Sinch signature (negative: any).
	SignatureWindow time.Duration
	SaveDir         string
	ForwardTo       *url.URL
	ForwardTimeout  time.Duration
	Deadline        time.Duration
	Redact          string // "", "ids" or "text"
	RedactKey       []byte
	Delay           time.Duration
	Status          int
	MaxBody         int
	MaxBuffered     int
	MaxConns        int
	Quiet           bool
	Output          string

	Now        func() time.Time
	HTTPClient func() *http.Client
	Location   *time.Location
	// Grace bounds the wait for requests in flight on Ctrl-C.
	Grace time.Duration
	// Ready, when set, receives the bound address once listening (tests).
	Ready func(addr string)
}

// NewCmdListen builds the command; runF replaces the run function in tests.
func NewCmdListen(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Now: f.Now, HTTPClient: f.HTTPClient}
	getenv := f.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var forwardTo, keyEnv string
	cmd := &cobra.Command{
		Use:   "listen [--addr HOST:PORT] [--path /hook] [--save DIR] [--forward-to URL]",
		Short: "Receive webhooks locally: acknowledge, validate, print, save, forward",
		Long: `Run a local webhook endpoint. Every POST is answered at once, validated,
and printed one line per message as wamo show prints them, with wamo
validate's diagnostics when it is invalid.

wamo listens on the loopback interface (127.0.0.1:8080) unless --addr says
otherwise; an address such as 0.0.0.0:8080 or :8080 exposes the endpoint to
other machines (a tunnel such as ngrok or cloudflared is the usual way to
receive real webhooks). --path serves one path; the default serves every
path.

Answers:
  POST with a JSON body             --status (200), after --delay
  POST with a body that is not JSON 400, saying where the syntax error is
  POST over --max-body              413
  POST without X-Hub-Signature-256  401, wrong signature 403: checked only
                                    when WAMO_APP_SECRET is set
  POST without x-sinch-webhook-signature
                                    401, wrong or stale signature 403:
                                    checked only when WAMO_SINCH_SECRET is set
  POST that cannot be saved         500, so that the sender retries
  GET hub.mode=subscribe&hub.verify_token=…&hub.challenge=…
                                    the challenge when the token matches
                                    --verify-token (or WAMO_VERIFY_TOKEN), else 403
  GET without hub.* parameters      200 (a health check)
  other methods, other paths        405, 404
Bodies that are JSON but invalid, or of no known format, are still
answered --status: the endpoint acknowledges like a real one and reports.

--save DIR writes every JSON body, byte for byte, to its own file
DIR/<UTC time>-<request number>.json (for example
20261122T101500.123Z-000042.json), which wamo validate and wamo replay
read. Names never come from the payload; files are written to a temporary
file and linked into place, never overwrite one another and appear whole
or not at all; a body is saved before the sender gets its answer.

--forward-to URL sends every webhook, unchanged and with its end-to-end
headers (X-Hub-Signature-256 included; not the hop-by-hop ones, nor those
named in Connection), to your app and gives the sender the app's answer;
502 when the app cannot be reached or answers more than 10 MiB, 504 when it
does not answer within --forward-timeout (30s). The sender is never told
the app's address. The app's latency is printed against --deadline (200ms,
what Sinch allows): green within, red over. Handshakes are forwarded too
unless a verify token is set.

Signatures: with WAMO_APP_SECRET set, X-Hub-Signature-256 must be the
HMAC-SHA256 of the body as received, or of its escaped-unicode form (every
non-ASCII character as \uXXXX), which is what Meta signs. With
WAMO_SINCH_SECRET set, Sinch Conversation API callbacks must carry
x-sinch-webhook-signature: the Base64 HMAC-SHA256 of the body, ".", the
x-sinch-webhook-signature-nonce and ".", the
x-sinch-webhook-signature-timestamp (Unix seconds), which must be within
--signature-window (5m) of this machine's clock either way: a captured
request sent again later is refused as stale (0 accepts any time). With
both secrets set, a request may carry either signature and must carry one.

Under load and abuse: a body is held in memory as it arrives (never as
large as a Content-Length claims), --max-body per request and
--max-buffered for all requests together (503 with Retry-After above it);
at most --max-conns connections are served at once, headers must arrive
within 5s and a whole request within 30s. Bodies are validated after the
answer, with a budget of 2s and 100 findings each: a body built to be slow
to validate never delays another answer, and the summary counts the bodies
whose validation was cut short. When the output cannot keep up (a pipe
nobody reads), requests wait in a bounded queue and past it are answered,
saved and counted but not printed.

--redact pseudonymises what identifies people before printing and saving
(phone numbers and wa_ids keep their digit count, names, e-mail addresses,
message and media ids…; see wamo redact --help); --redact=text also replaces
free text. The pseudonyms are keyed with WAMO_REDACT_KEY (or the variable
--key-env names), else a public default key. A JSON body that is not a
payload of a format wamo knows cannot be redacted: it is neither saved nor
printed ("not saved"), only its verdict is. Forwarded bodies are never
redacted.

--output json prints one JSON object per request and a summary object at
the end (schema in the docs of pkg/render/traffic/listen_json.go). -q prints only
requests with a problem.

Ctrl-C stops the listener: requests in flight are finished and what was
received is validated and printed, all within 5s; a summary is printed
(requests by verdict, saved, the app's latency p50/p99/max and how many
missed the deadline, requests not printed) and wamo exits with 130. When
the output has stalled, the summary goes to stderr instead, with the
number of requests that were not printed.

Exit status: 130 when stopped by Ctrl-C, 2 usage error, 4 the address could
not be bound (in use, not permitted), 5 the --save directory cannot be
written.`,
		Example: `  wamo listen
  wamo listen --addr 127.0.0.1:9000 --path /webhook --save captures/
  wamo listen --forward-to http://localhost:3000/webhook --deadline 200ms
  WAMO_APP_SECRET=… wamo listen --verify-token my-token --redact --save captures/
  WAMO_SINCH_SECRET=… wamo listen --signature-window 2m --save captures/
  wamo listen --status 503 --delay 2s        # a failing endpoint, to test retries
  wamo listen --output json | jq 'select(.verdict == "invalid")'`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.Usagef("wamo listen takes no arguments, got %q (see --addr and --path)", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			changed := cmd.Flags().Changed
			if err := opts.complete(changed, getenv, forwardTo, keyEnv); err != nil {
				return err
			}
			if f.Now != nil {
				opts.Location = f.Now().Location()
			}
			return cmdutil.Dispatch(cmd.Context(), runF, Run, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", listen.DefaultAddr, "address to listen on (a non-loopback address exposes the endpoint to other machines)")
	fl.StringVar(&opts.Path, "path", "/", "path to serve (/ serves every path)")
	fl.DurationVar(&opts.SignatureWindow, "signature-window", signature.DefaultWindow, "refuse a Sinch signature timestamped further than this from now, either way (0: any time)")
	fl.StringVar(&opts.VerifyToken, "verify-token", "", "verify token of the Cloud API handshake (default $"+VerifyTokenEnv+")")
	fl.StringVar(&opts.SaveDir, "save", "", "save every JSON body as DIR/<time>-<n>.json")
	fl.StringVar(&forwardTo, "forward-to", "", "send every webhook on to this URL and answer with the app's answer")
	fl.DurationVar(&opts.ForwardTimeout, "forward-timeout", listen.DefaultForwardTimeout, "give up on the app after this long (504)")
	fl.DurationVar(&opts.Deadline, "deadline", listen.DefaultDeadline, "latency the app's answers are measured against")
	fl.StringVar(&opts.Redact, "redact", "", "pseudonymise what identifies people before printing and saving; =text: free text too")
	fl.Lookup("redact").NoOptDefVal = "ids"
	fl.StringVar(&keyEnv, "key-env", "", "environment variable holding the redaction key (default $"+cmdutil.RedactKeyEnv+")")
	fl.DurationVar(&opts.Delay, "delay", 0, "wait this long before answering each webhook")
	fl.IntVar(&opts.Status, "status", http.StatusOK, "HTTP status to answer webhooks with")
	cmdutil.SizeVar(fl, &opts.MaxBody, "max-body", "10MB", "largest body accepted (413 above)")
	cmdutil.SizeVar(fl, &opts.MaxBuffered, "max-buffered", cmdutil.FormatSize(listen.DefaultMaxBuffered), "bodies held in memory at once, all requests together (503 above; at least --max-body)")
	fl.IntVar(&opts.MaxConns, "max-conns", listen.DefaultMaxConns, "connections served at once (more wait)")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "print only requests with a problem")
	fl.StringVarP(&opts.Output, "output", "o", "text", "output: text or json (one object per line)")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(traffic.ListenOutputs, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("redact", cobra.FixedCompletions([]string{"ids", "text"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagDirname("save")
	return cmd
}

// complete checks the flags and fills in what comes from the environment;
// changed reports whether a flag was given.
func (opts *Options) complete(changed func(string) bool, getenv func(string) string, forwardTo, keyEnv string) error {
	if !changed("verify-token") {
		opts.VerifyToken = getenv(VerifyTokenEnv)
	}
	if s := getenv(SecretEnv); s != "" {
		opts.AppSecret = []byte(s)
	}
	if s := getenv(SinchSecretEnv); s != "" {
		opts.SinchSecret = []byte(s)
	}
	if err := opts.checkAddr(); err != nil {
		return err
	}
	if err := opts.checkSignatureWindow(changed); err != nil {
		return err
	}
	if err := opts.checkForward(changed, forwardTo); err != nil {
		return err
	}
	if err := opts.checkLimits(changed); err != nil {
		return err
	}
	if err := opts.checkAnswer(); err != nil {
		return err
	}
	if err := opts.checkRedact(getenv, keyEnv); err != nil {
		return err
	}
	return opts.checkOutput()
}

// checkSignatureWindow checks --signature-window, which applies to Sinch
// signatures only.
func (opts *Options) checkSignatureWindow(changed func(string) bool) error {
	switch {
	case opts.SignatureWindow < 0:
		return cmdutil.Usagef("--signature-window %s: want 0 (any time) or a positive duration", opts.SignatureWindow)
	case changed("signature-window") && opts.SinchSecret == nil:
		return cmdutil.Usagef("--signature-window applies only to Sinch signatures, checked when %s is set", SinchSecretEnv)
	case opts.SignatureWindow == 0:
		opts.SignatureWindow = -1 // listen.Config: any time
	}
	return nil
}

// checkAddr normalises --addr and --path.
func (opts *Options) checkAddr() error {
	opts.Addr = listen.NormalizeAddr(opts.Addr)
	_, port, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return cmdutil.Usagef("--addr %q: %v", opts.Addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return cmdutil.Usagef("--addr %q: the port must be a number from 0 to 65535", opts.Addr)
	}
	if opts.Path != "" && !strings.HasPrefix(opts.Path, "/") {
		opts.Path = "/" + opts.Path
	}
	return nil
}

// checkForward parses --forward-to and refuses the flags that only apply
// without it (or only with it).
func (opts *Options) checkForward(changed func(string) bool, forwardTo string) error {
	if forwardTo != "" {
		u, err := url.Parse(forwardTo)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cmdutil.Usagef("--forward-to %q: want an http:// or https:// URL", secret.RedactURLString(forwardTo))
		}
		opts.ForwardTo = u
		for _, fl := range []string{"status", "delay"} {
			if changed(fl) {
				return cmdutil.Usagef("--%s does not apply with --forward-to: the app answers", fl)
			}
		}
	}
	if opts.Deadline <= 0 {
		return cmdutil.Usagef("--deadline must be positive")
	}
	if opts.ForwardTimeout <= 0 {
		return cmdutil.Usagef("--forward-timeout must be positive")
	}
	if changed("forward-timeout") && opts.ForwardTo == nil {
		return cmdutil.Usagef("--forward-timeout applies only with --forward-to")
	}
	return nil
}

// checkLimits checks --max-conns and --max-buffered, which holds at least
// one body.
func (opts *Options) checkLimits(changed func(string) bool) error {
	if opts.MaxConns < 1 {
		return cmdutil.Usagef("--max-conns %d: want at least 1", opts.MaxConns)
	}
	if !changed("max-buffered") {
		opts.MaxBuffered = max(opts.MaxBuffered, opts.MaxBody)
	} else if opts.MaxBuffered < opts.MaxBody {
		return cmdutil.Usagef("--max-buffered %s is less than --max-body %s: one body must fit",
			cmdutil.FormatSize(opts.MaxBuffered), cmdutil.FormatSize(opts.MaxBody))
	}
	return nil
}

// checkAnswer checks --delay and --status.
func (opts *Options) checkAnswer() error {
	if opts.Delay < 0 {
		return cmdutil.Usagef("--delay must not be negative")
	}
	if opts.Status < 200 || opts.Status > 599 {
		return cmdutil.Usagef("--status %d: want an HTTP status between 200 and 599", opts.Status)
	}
	return nil
}

// redactModes maps what --redact accepts to the mode it means.
var redactModes = map[string]string{"": "", "off": "", "none": "", "ids": "ids", "on": "ids", "true": "ids", "text": "text"}

// checkRedact normalises --redact and reads the key from the environment.
func (opts *Options) checkRedact(getenv func(string) string, keyEnv string) error {
	mode, ok := redactModes[opts.Redact]
	if !ok {
		return cmdutil.Usagef("--redact=%q: want --redact (identifiers) or --redact=text (free text too)", opts.Redact)
	}
	opts.Redact = mode
	var err error
	opts.RedactKey, err = cmdutil.RedactKey(getenv, keyEnv)
	return err
}

// checkOutput checks --output.
func (opts *Options) checkOutput() error {
	if opts.Output != "text" && opts.Output != "json" {
		return cmdutil.Usagef("--output %q: want text or json", opts.Output)
	}
	return nil
}

// Run listens until ctx is done (Ctrl-C), then prints the summary and
// returns cmdutil.ErrInterrupted. From Ctrl-C on, everything — finishing
// the requests in flight, validating and printing what was received — is
// done within the grace period; output that has stalled is abandoned and
// the summary, with what was not printed, goes to stderr.
func Run(ctx context.Context, opts *Options) error {
	pr, err := traffic.NewListenPrinter(opts.IO, traffic.ListenOptions{Output: opts.Output, Quiet: opts.Quiet, Location: opts.Location})
	if err != nil {
		return cmdutil.Usagef("%v", err)
	}
	// Unbuffered: the Handler's queue bounds what waits to be printed.
	events := make(chan listen.Event)
	h, err := listen.NewHandler(opts.handlerConfig(), events)
	if err != nil {
		var sde *listen.SaveDirError
		if errors.As(err, &sde) {
			return cmdutil.Environmentf("--save: %v", err)
		}
		return cmdutil.Usagef("%v", err)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		h.Close()
		return cmdutil.Networkf("cannot listen on %s: %v", opts.Addr, bindCause(err))
	}
	addr := ln.Addr().String()
	pr.Banner(opts.banner(addr))
	if opts.Ready != nil {
		opts.Ready(addr)
	}

	var handled atomic.Int64 // events the printer took
	printed := make(chan error, 1)
	go func() {
		var first error
		for ev := range events {
			if err := pr.Event(&ev); err != nil && first == nil {
				first = err
			}
			handled.Add(1)
		}
		printed <- first
	}()
	grace := opts.Grace
	if grace <= 0 {
		grace = listen.DefaultGrace
	}
	stopped := make(chan time.Time, 1)
	defer context.AfterFunc(ctx, func() { stopped <- time.Now() })()
	serveErr := listen.Serve(ctx, ln, h, listen.ServeConfig{Grace: grace, MaxConns: opts.MaxConns})

	dctx, cancel := context.WithDeadline(context.Background(), drainDeadline(stopped, grace))
	defer cancel()
	h.Shutdown(dctx)
	close(events)
	if err := opts.summarise(dctx, pr, h, printed, &handled); err != nil {
		return err
	}
	if serveErr != nil {
		return cmdutil.Networkf("listening on %s: %v", addr, serveErr)
	}
	return cmdutil.ErrInterrupted
}

// handlerConfig is the listener's configuration from the options.
func (opts *Options) handlerConfig() listen.Config {
	cfg := listen.Config{
		Path: opts.Path, VerifyToken: opts.VerifyToken, AppSecret: opts.AppSecret, SaveDir: opts.SaveDir,
		SinchSecret: opts.SinchSecret, SignatureWindow: opts.SignatureWindow,
		ForwardTo: opts.ForwardTo, ForwardTimeout: opts.ForwardTimeout, Deadline: opts.Deadline, Delay: opts.Delay,
		Status: opts.Status, MaxBody: int64(opts.MaxBody), MaxBuffered: int64(opts.MaxBuffered), Now: opts.Now,
	}
	if opts.HTTPClient != nil && opts.ForwardTo != nil {
		cfg.ForwardClient = opts.HTTPClient()
	}
	if opts.Redact != "" {
		cfg.Redact = redact.New(redact.Options{Text: opts.Redact == "text", Key: opts.RedactKey})
	}
	return cfg
}

// banner describes the listener bound to addr.
func (opts *Options) banner(addr string) traffic.ListenBanner {
	path := opts.Path
	if path == "" {
		path = "/"
	}
	var fwd string
	if opts.ForwardTo != nil {
		fwd = secret.RedactURL(opts.ForwardTo)
	}
	return traffic.ListenBanner{
		URL: "http://" + displayAddr(opts.Addr, addr) + path, EveryPath: path == "/", Exposed: !listen.IsLoopback(addr),
		SaveDir: opts.SaveDir, ForwardTo: fwd, Deadline: opts.Deadline, Signature: len(opts.AppSecret) > 0,
		SinchSignature: len(opts.SinchSecret) > 0, SignatureWindow: opts.SignatureWindow,
		VerifyToken: opts.VerifyToken != "", Redact: opts.Redact, Status: opts.Status, Delay: opts.Delay,
	}
}

// drainDeadline is when what was received must be printed by: the grace
// period from Ctrl-C, and never less than minDrain from now.
func drainDeadline(stopped <-chan time.Time, grace time.Duration) time.Time {
	deadline := time.Now().Add(minDrain)
	select {
	case at := <-stopped:
		if end := at.Add(grace); end.After(deadline) {
			deadline = end
		}
	default:
	}
	return deadline
}

// summarise prints the summary once the printer has finished, or, when it
// is stuck writing by dctx's deadline, reports on stderr for as long as
// stderr takes it.
func (opts *Options) summarise(dctx context.Context, pr *traffic.ListenPrinter, h *listen.Handler, printed <-chan error, handled *atomic.Int64) error {
	select {
	case err := <-printed:
		if err != nil {
			return err
		}
		st := h.Stats()
		return pr.Summary(st, st.Requests-handled.Load())
	case <-dctx.Done():
		st := h.Stats()
		done := make(chan struct{})
		go func() {
			traffic.ListenStalled(opts.IO, st, st.Requests-handled.Load())
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(stalledWrite):
		}
		return nil
	}
}

// displayAddr is the address to show: the host asked for with the port
// bound (which differs for port 0); localhost when every interface was
// asked for ("0.0.0.0:8080", ":8080"), which the banner then warns about.
func displayAddr(asked, bound string) string {
	host, _, err := net.SplitHostPort(asked)
	_, port, perr := net.SplitHostPort(bound)
	if err != nil || perr != nil {
		return bound
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// bindCause shortens "listen tcp 127.0.0.1:8080: bind: address already in
// use" to what matters.
func bindCause(err error) string {
	var oe *net.OpError
	msg := err.Error()
	if errors.As(err, &oe) && oe.Err != nil {
		msg = oe.Err.Error()
	}
	msg = strings.TrimPrefix(msg, "bind: ")
	if strings.Contains(msg, "address already in use") {
		msg += " (another wamo listen or server? choose another --addr)"
	}
	return msg
}
