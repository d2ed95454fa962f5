// Package replay sends webhook payloads to a URL the way a provider (Sinch,
// WhatsApp On-Premises, the Cloud API) delivers them, and measures how the
// receiver answers: status, latency phases and an outcome against the
// provider's deadline (200 ms).
//
// It is the library half of `wamo replay`: Run sends and streams one Result
// per HTTP attempt; Summary turns results into counts, percentiles (an HDR
// histogram), deliveries per payload and a verdict. Reporting is left to the
// caller. The HTTP client and the clock are injected through Config so that
// tests can drive them.
//
// Two load models are offered, as in vegeta and wrk2:
//
//   - closed (Rate 0): Concurrency workers each send, wait for the answer,
//     and send the next payload;
//   - open (Rate > 0): sends are released on a fixed schedule, whatever the
//     receiver is doing; workers are added as needed (up to MaxWorkers) so
//     that a slow receiver cannot slow the schedule down. When the workers
//     run out, the requests that wait for one are measured from the slot
//     they were scheduled for, so queueing shows in the latency instead of
//     being hidden (no coordinated omission).
package replay

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/wamo-dev/wamo/pkg/enum"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/secret"
	"github.com/wamo-dev/wamo/pkg/signature"
)

// Defaults applied by Run to zero Config fields.
const (
	DefaultDeadline   = 200 * time.Millisecond // Sinch's and Meta's acknowledgement deadline
	DefaultTimeout    = 10 * time.Second
	DefaultMaxWorkers = 10000
	DefaultMaxBody    = 1 << 20
	DefaultRetryDelay = time.Second // the command's default; Config's zero means "at once"
	// SignatureHeader carries the Cloud API signature: "sha256=" + hex(HMAC-SHA256(app secret, body sent)).
	SignatureHeader = signature.MetaHeader
)

// SignWith returns a Config.Sign that signs every request with s, whatever
// its format.
func SignWith(s *signature.Signer) func(payload.Format) *signature.Signer {
	return func(payload.Format) *signature.Signer { return s }
}

// SignByFormat returns a Config.Sign that signs each body with its
// provider's scheme (signature.For: Sinch's for Conversation API
// callbacks, Meta's for the others) and the secret secrets gives for that
// scheme's name; a scheme without a secret leaves the body unsigned.
func SignByFormat(secrets func(scheme string) []byte) func(payload.Format) *signature.Signer {
	return func(f payload.Format) *signature.Signer {
		s := signature.For(f)
		if k := secrets(s.Name()); k != nil {
			return &signature.Signer{Scheme: s, Secret: k}
		}
		return nil
	}
}

// Target is one payload to send.
type Target struct {
	// Name identifies the payload in reports: a file, "file:LINE" for a
	// document of an NDJSON file, or a fixture name such as "sinch/text".
	Name string
	// Body is sent as is (after Config.Transform, and refreshed per send
	// under Config.Fresh), except that a Cloud API payload is sent the way
	// Meta sends it (see Config.RawBytes). Invalid JSON is sent too: replay
	// tests receivers.
	Body []byte
	// Format is the detected format; Unknown when not recognised (or not
	// JSON). Run detects it again after a Transform.
	Format payload.Format
}

// Config says where and how to send. The zero value of a field means its
// default (see the constants above); only URL is required.
type Config struct {
	// URL is the absolute http(s) URL of the webhook.
	URL string
	// Method defaults to POST.
	Method string
	// Header is added to every request. Content-Type defaults to
	// application/json; a "Host" entry sets the request's Host.
	Header http.Header

	// Deadline splits 2xx answers into ok (within) and slow (over).
	Deadline time.Duration
	// Timeout bounds each attempt, from sending to the last body byte.
	Timeout time.Duration

	// Concurrency is the number of workers of the closed model (default
	// 1), or the number started up front in the open model.
	Concurrency int
	// Repeat sends the target list this many times. 0 means once, or
	// without limit while Duration runs.
	Repeat int
	// Rate selects the open model: sends per second on a fixed schedule.
	Rate float64
	// Duration stops scheduling new sends after this long (0: no limit;
	// then Repeat bounds the run). Attempts under way, and their retries,
	// still complete.
	Duration time.Duration
	// MaxWorkers bounds the workers of the open model.
	MaxWorkers int

	// Retries re-sends a payload whose attempt was not ok (slow, error,
	// timeout) up to this many times, RetryDelay after the failed attempt
	// (0: at once), with the same bytes — as providers retry undelivered
	// callbacks.
	Retries    int
	RetryDelay time.Duration

	// Fresh gives each send new message ids and current timestamps (see
	// Refresh), so that receivers that de-duplicate process every send.
	Fresh bool
	// Sign, when set, says how to sign each request: it is asked once per
	// target with the target's format (after Transform) and returns the
	// scheme and secret to sign its bodies with, or nil to leave them
	// unsigned (see SignWith and SignByFormat). The signature covers
	// exactly the bytes sent. A timed scheme (Sinch's) is signed anew for
	// every send, with a fresh nonce and the current time, as the provider
	// does; an untimed one (Meta's) once per body.
	Sign func(payload.Format) *signature.Signer
	// RawBytes sends every body byte for byte. By default the body of a
	// Cloud API payload (Target.Format, or the format after Transform) is
	// sent in Meta's wire form, ASCII-only JSON with every other character
	// escaped as \uXXXX (signature.MetaEscape), and Sign signs those
	// bytes: what Meta sends, and what SDKs that follow Meta's note verify.
	RawBytes bool
	// Transform, when set, converts each target's body once before
	// anything is sent (the hook for `--as FORMAT`).
	Transform func([]byte) ([]byte, error)

	// MaxBody bounds the response bytes read per attempt; a longer body is
	// abandoned (and its connection closed).
	MaxBody int64
	// FollowRedirects follows 3xx answers; by default they are reported as
	// http-error with their Location, since a webhook should answer itself.
	FollowRedirects bool
	// Insecure skips TLS certificate verification.
	Insecure bool

	// Client sends the requests (nil: a new one). Run works on a copy: the
	// redirect policy is set from FollowRedirects, and an *http.Transport
	// is cloned and tuned for keep-alive (idle connections per host ≥
	// workers, no transparent compression, Insecure).
	Client *http.Client
	// Now is the clock (nil: time.Now). It must advance like real time:
	// latencies and the schedule are measured with it.
	Now func() time.Time
}

// ConfigError reports an unusable Config.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return e.Msg }

// TargetError reports a target that could not be prepared (Transform failed).
type TargetError struct {
	Target string
	Err    error
}

func (e *TargetError) Error() string { return e.Target + ": " + e.Err.Error() }

func (e *TargetError) Unwrap() error { return e.Err }

// withDefaults returns cfg with its zero fields set, or an error.
func (cfg Config) withDefaults() (Config, *url.URL, error) {
	cfg.Method = cmp.Or(cfg.Method, http.MethodPost)
	cfg.Deadline = cmp.Or(cfg.Deadline, DefaultDeadline)
	cfg.Timeout = cmp.Or(cfg.Timeout, DefaultTimeout)
	cfg.Concurrency = cmp.Or(cfg.Concurrency, 1)
	cfg.MaxWorkers = cmp.Or(cfg.MaxWorkers, DefaultMaxWorkers)
	cfg.MaxBody = cmp.Or(cfg.MaxBody, DefaultMaxBody)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	u, err := ParseURL(cfg.URL)
	if err != nil {
		return cfg, nil, &ConfigError{Msg: err.Error()}
	}
	for _, c := range []struct {
		bad bool
		msg string
	}{
		{cfg.Deadline < 0 || cfg.Timeout < 0, "deadline and timeout must be positive"},
		{cfg.Concurrency < 0, "concurrency must be at least 1"},
		{cfg.Repeat < 0, "repeat must not be negative"},
		{cfg.Rate < 0, "rate must not be negative"},
		{cfg.Duration < 0, "duration must not be negative"},
		{cfg.Retries < 0 || cfg.RetryDelay < 0, "retries and retry delay must not be negative"},
		{cfg.MaxWorkers < 0, "max workers must be at least 1"},
		{cfg.MaxBody < 0, "max body must not be negative"},
	} {
		if c.bad {
			return cfg, nil, &ConfigError{Msg: c.msg}
		}
	}
	if cfg.Rate > 0 && cfg.MaxWorkers < cfg.Concurrency {
		cfg.MaxWorkers = cfg.Concurrency
	}
	return cfg, u, nil
}

// ParseURL checks that raw is an absolute http or https URL with a host.
// Its errors quote the URL with its credentials masked.
func ParseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("no URL")
	}
	shown := secret.RedactURLString(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %q: %v", shown, secret.RedactText(errors.Unwrap(err).Error()))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("URL %q: want an absolute http:// or https:// URL", shown)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("URL %q has no host", shown)
	}
	return u, nil
}

// Outcome classifies one attempt.
type Outcome uint8

// Outcomes, in report order.
const (
	OK           Outcome = iota // 2xx within the deadline
	Slow                        // 2xx over the deadline: the provider counts it failed
	HTTPError                   // answered, but not 2xx (3xx included)
	NetworkError                // no complete answer: refused, reset, closed mid-body, DNS, TLS…
	Timeout                     // no complete answer within Config.Timeout
	Canceled                    // cut short by the caller (Ctrl-C): not the receiver's doing
)

// Outcomes lists the outcomes a receiver can earn, in report order
// (Canceled is not one of them).
var Outcomes = []Outcome{OK, Slow, HTTPError, NetworkError, Timeout}

const numOutcomes = int(Canceled) + 1

var outcomeNames = []string{OK: "ok", Slow: "slow", HTTPError: "http-error", NetworkError: "network-error",
	Timeout: "timeout", Canceled: "canceled"}

func (o Outcome) String() string { return enum.Name(outcomeNames, o, "unknown") }

// MarshalText renders the outcome name in JSON.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// Result is one HTTP attempt.
type Result struct {
	// Target is the target's name; TargetIndex its index in Run's targets.
	Target      string
	TargetIndex int
	// Seq numbers the sends from 0; the attempts of one send share it.
	Seq int
	// Attempt is 1 for the first delivery of a send, 2 for its first retry…
	Attempt int
	// Final marks a send's last attempt: ok, out of retries, or stopped.
	Final bool

	// Scheduled is when the attempt was due; latency counts from it. It
	// equals Start unless the open model ran out of workers, in which case
	// it is the slot the schedule gave the send.
	Scheduled time.Time
	// Start is when the request was handed to the HTTP client.
	Start time.Time

	// Status is the HTTP status (0 without an answer).
	Status int
	// Bytes is the response body length read; BytesSent the request body's.
	Bytes, BytesSent int64
	// Connected reports that a connection was obtained; Reused that it
	// came from the keep-alive pool.
	Connected, Reused bool

	// DNS, Connect and TLS time the phases of a new connection (0 on a
	// reused one); TTFB runs from Start to the first response byte; Total
	// from Scheduled to the last body byte (or to the failure).
	DNS, Connect, TLS, TTFB, Total time.Duration

	Outcome Outcome
	// Cause names the failure of a network error or timeout in a few words
	// ("connection refused", "no such host", "connection reset",
	// "closed mid-body"…); Err is the full error text.
	Cause, Err string
	// Redirect is the Location of a 3xx answer.
	Redirect string
}

// Latency returns Total: the time from the scheduled send to the answer.
func (r *Result) Latency() time.Duration { return r.Total }

// Run sends every target (Repeat times, or at Rate for Duration…) to
// cfg.URL and delivers one Result per attempt on results, from several
// goroutines' worth of sends but through this one channel. The caller must
// keep receiving until Run returns; Run does not close results.
//
// Run returns a *ConfigError before sending anything when cfg is unusable,
// a *TargetError when cfg.Transform fails on a target, and ctx.Err() when
// ctx was cancelled: sending stops, attempts under way are abandoned
// (reported as Canceled) and Run returns once every result is delivered.
func Run(ctx context.Context, cfg Config, targets []Target, results chan<- Result) error {
	r, err := newRunner(cfg, targets)
	if err != nil {
		return err
	}
	defer r.close()
	r.run(ctx, results)
	return ctx.Err()
}
