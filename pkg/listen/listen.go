// Package listen is a local webhook receiver for WhatsApp MO webhooks: an
// http.Handler that acknowledges each POST at once, checks the Cloud API
// or Sinch Conversation API signature, saves the body as a fixture, optionally forwards it to the
// user's app, validates it, and reports every request as an Event on a
// channel. It never prints: `wamo listen` renders the events.
//
// What a request is answered (the sender sees this):
//
//	POST, JSON body                 Config.Status (200), after Config.Delay
//	POST, body that is not JSON     400 and where the syntax error is
//	POST, body over Config.MaxBody  413
//	POST while Config.MaxBuffered   503 with Retry-After: too many bodies
//	bytes of bodies are in memory   arriving at once; the sender retries
//	POST, no X-Hub-Signature-256    401 (only when Config.AppSecret is set)
//	POST, wrong signature           403 (idem)
//	POST, no x-sinch-webhook-       401 (only when Config.SinchSecret is set;
//	signature                       with both secrets, either scheme will do)
//	POST, wrong Sinch signature, or 403 (idem)
//	signed outside SignatureWindow
//	POST, could not be saved        500, so that the sender retries
//	GET with hub.mode=subscribe     200 and hub.challenge when hub.verify_token
//	                                matches Config.VerifyToken, else 403
//	                                (400 when mode or challenge is missing)
//	GET without hub.* parameters    200 and a line saying wamo listens
//	other methods                   405 with Allow: GET, HEAD, POST
//	a path other than Config.Path   404
//
// With Config.ForwardTo, webhooks (and handshakes when no verify token is
// set) are sent on to the app and the sender gets the app's status, headers
// and body; 502 when the app cannot be reached or its answer is over
// Config.MaxForwardAnswer, 504 when it does not answer within
// Config.ForwardTimeout. The sender is never told where the app is.
//
// Under abuse: a body is read into memory that grows with the bytes that
// arrive, never with what Content-Length claims, within Config.MaxBody per
// request and Config.MaxBuffered for all requests together. Validation
// happens after the answer, on a few workers (Config.Validators) fed by a
// bounded queue, with a budget per body (Config.ValidateBudget,
// Config.MaxFindings): a body built to be slow to validate costs its
// worker's time, never another request's answer. Serve adds a cap on
// connections and timeouts.
package listen

import (
	"context"
	"crypto/subtle"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/wamo-dev/wamo/pkg/enum"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/redact"
	"github.com/wamo-dev/wamo/pkg/signature"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// Defaults of Config.
const (
	DefaultDeadline         = 200 * time.Millisecond // what Sinch allows a webhook endpoint
	DefaultMaxBody          = 10 << 20
	DefaultMaxBuffered      = 64 << 20
	DefaultForwardTimeout   = 30 * time.Second
	DefaultValidateBudget   = 2 * time.Second
	DefaultMaxFindings      = 100
	DefaultMaxForwardAnswer = 10 << 20
)

// queueLen bounds the requests waiting to be validated and reported.
const queueLen = 256

// SignatureHeader is the header Meta signs Cloud API webhooks with:
// "sha256=" and the hex HMAC-SHA256 of the body keyed with the app secret
// (see package signature for the bytes that are signed).
const SignatureHeader = signature.MetaHeader

// SinchSignatureHeader is the header Sinch signs Conversation API
// callbacks with, beside its timestamp, nonce and algorithm headers.
const SinchSignatureHeader = signature.SinchSignatureHeader

// Config configures a Handler. The zero value listens on every path,
// answers 200 at once and keeps nothing.
type Config struct {
	// Path is the only path served; "" or "/" serves every path.
	Path string
	// VerifyToken answers the Cloud API verification handshake; empty
	// refuses it (or forwards it, with ForwardTo).
	VerifyToken string
	// AppSecret, when set, makes every POST carry a valid X-Hub-Signature-256:
	// the HMAC of the body received or of its escaped-unicode form, which
	// is what Meta signs (signature.VerifyMeta).
	AppSecret []byte
	// SinchSecret, when set, makes every POST carry a valid Sinch
	// Conversation API signature (x-sinch-webhook-signature with its
	// nonce and timestamp, signature.VerifySinch) signed within
	// SignatureWindow of Now. With AppSecret as well, a request may carry
	// either provider's signature; it must carry one.
	SinchSecret []byte
	// SignatureWindow is how far a Sinch signature's timestamp may be from
	// Now, either way; 0 means signature.DefaultWindow (5 minutes), a
	// negative value accepts any time.
	SignatureWindow time.Duration
	// SaveDir, when set, receives every JSON body as a file (see Handler).
	SaveDir string
	// ForwardTo, when set, is the app every webhook is sent on to.
	ForwardTo *url.URL
	// ForwardClient sends to ForwardTo; nil means a default client.
	// Redirects are never followed: the sender gets them as they are.
	ForwardClient *http.Client
	// ForwardTimeout bounds a forwarded request, from sending it to the end
	// of the app's answer; 0 means DefaultForwardTimeout.
	ForwardTimeout time.Duration
	// MaxForwardAnswer bounds the app's answer passed on to the sender; a
	// longer one is a 502 (ErrAnswerTooLarge). 0 means DefaultMaxForwardAnswer.
	MaxForwardAnswer int64
	// Deadline is the latency the app is measured against; 0 means
	// DefaultDeadline.
	Deadline time.Duration
	// Delay is waited before answering a webhook (a slow endpoint).
	Delay time.Duration
	// Status answers webhooks; 0 means 200. It must be within 200–599.
	Status int
	// MaxBody is the largest body accepted; 0 means DefaultMaxBody.
	MaxBody int64
	// MaxBuffered bounds the bytes held in memory by the requests being
	// answered, all together: bodies as they arrive and the app's answers
	// when forwarding. A request that would go over is answered 503 with
	// Retry-After. 0 means DefaultMaxBuffered, or MaxBody when larger.
	// The bodies waiting to be validated and reported have a budget of
	// the same size of their own: over it, a webhook is still answered
	// and saved, but neither validated nor reported (Stats.Dropped).
	MaxBuffered int64
	// Validators is how many bodies are validated at once, off the
	// answering path; 0 means half the CPUs, at least one.
	Validators int
	// ValidateBudget is the time a body's validation may take; past it the
	// webhook is reported without a verdict (Event.Cut). 0 means
	// DefaultValidateBudget.
	ValidateBudget time.Duration
	// MaxFindings is the most findings reported per body; 0 means
	// DefaultMaxFindings.
	MaxFindings int
	// Redact, when set, pseudonymises bodies before they are saved and
	// before they are put in events. Forwarded bodies are never redacted.
	Redact *redact.Redactor
	// Validate configures the validation of each body.
	Validate validate.Options
	// Now stamps events and names saved files; nil means time.Now.
	Now func() time.Time

	// validate replaces the validation in tests, which need one that
	// takes as long as they say.
	validate func(*validate.Validator, *payload.Payload) validate.Result
}

// Kind says what a request was.
type Kind uint8

// Kinds of request.
const (
	KindWebhook   Kind = iota // a POST that was accepted (answered, saved, forwarded)
	KindHandshake             // a GET with hub.* parameters
	KindInfo                  // a GET without them (a health check, a browser)
	KindRejected              // refused: path, method, size, signature
)

var kindNames = []string{KindWebhook: "webhook", KindHandshake: "handshake", KindInfo: "info", KindRejected: "rejected"}

// String names the kind: webhook, handshake, info or rejected.
func (k Kind) String() string { return enum.Name(kindNames, k, "rejected") }

// MarshalText renders the kind in JSON.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Reason says why a request was refused.
type Reason string

// Reasons for refusing a request.
const (
	ReasonPath         Reason = "unknown path"
	ReasonMethod       Reason = "method not allowed"
	ReasonTooLarge     Reason = "body too large"
	ReasonBusy         Reason = "busy"
	ReasonReadError    Reason = "body not received"
	ReasonNoSignature  Reason = "missing signature"
	ReasonBadSignature Reason = "bad signature"
	ReasonStale        Reason = "stale signature"
	ReasonNoToken      Reason = "no verify token configured"
	ReasonBadToken     Reason = "wrong verify token"
	ReasonBadHandshake Reason = "malformed handshake"
)

// Event reports one request, after it was answered.
type Event struct {
	Seq        uint64    // 1 for the first request
	Time       time.Time // when it arrived (Config.Now)
	Kind       Kind
	Method     string
	Path       string // without the query, which may hold the verify token
	RemoteAddr string
	// Status is what the sender was answered; Ack how long answering took
	// from the request's arrival (the body read included).
	Status int
	Ack    time.Duration
	// Bytes is the size of the body received.
	Bytes int64
	// Rejected says why a request was refused (Kind KindRejected, or a
	// handshake that was refused).
	Rejected Reason
	// Detail completes Rejected or a failure in words ("limit 10 MiB").
	Detail string

	// Body is the body as saved and validated: redacted when Config.Redact
	// is set (then nil for a body that is not JSON, which cannot be
	// redacted). The event owns it.
	Body []byte
	// Result is the validation of Body (webhooks only). A body that is not
	// JSON has Result.Unusable set and one json.syntax finding that says
	// where.
	Result *validate.Result
	// SavedAs is the path of the saved file; SaveErr why saving failed.
	SavedAs string
	SaveErr error
	// Forward is the app's answer when forwarding.
	Forward *ForwardResult
	// ClientGone is set when the sender hung up before the answer.
	ClientGone bool
	// Cut says why the validation of a webhook was cut short, if it was.
	Cut Cut
}

// Cut says why a webhook's validation was cut short.
type Cut string

// Reasons to cut a validation short.
const (
	// CutTime: the validation took longer than Config.ValidateBudget;
	// Event.Result is nil.
	CutTime Cut = "time budget"
	// CutFindings: Event.Result holds the first Config.MaxFindings
	// findings; its counts (Errors, Warnings) are complete.
	CutFindings Cut = "findings budget"
	// CutBusy: too much was waiting to be validated; Event.Result is nil
	// (and Event.Body too).
	CutBusy Cut = "busy"
)

// SaveDirError reports a --save directory that cannot be created or
// written: a fault of the machine, not of the request.
type SaveDirError struct {
	Dir string
	Err error
}

func (e *SaveDirError) Error() string {
	err := e.Err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is said already
	}
	return "cannot write in " + e.Dir + ": " + err.Error()
}

func (e *SaveDirError) Unwrap() error { return e.Err }

// Handler is the webhook receiver. Create it with NewHandler; it is safe
// for concurrent use. Saving is synchronous: a body is in its file before
// the sender gets its answer, so that nothing acknowledged is lost, even
// if wamo is killed right after; validation and the event come after the
// answer, on the Handler's workers.
type Handler struct {
	cfg       Config
	events    chan<- Event
	seq       atomic.Uint64
	saver     *saver
	fwd       *http.Client
	validator sync.Pool
	stats     statsCollector

	inflight budget // bytes held by requests being answered
	backlog  budget // bytes held by requests waiting to be reported
	jobs     chan *job
	running  chan struct{} // one token per validation running
	workers  sync.WaitGroup
	stop     chan struct{} // closed when Shutdown gives up waiting
	jobsMu   sync.RWMutex  // guards closing against sends on jobs
	closing  bool          // no new jobs
	eventsMu sync.RWMutex  // guards closed against sends on events
	closed   bool          // no more events
	// validate checks one body (tests replace it to be slow).
	validate func(*validate.Validator, *payload.Payload) validate.Result
}

// NewHandler returns a Handler that sends an Event per request on events
// (nil: no events) and starts its workers; Shutdown (or Close) stops them.
// Events are sent from the workers and wait for the reader: while it is
// slow, requests wait in a bounded queue, and past it their events are
// dropped and counted in Stats.Dropped — the requests themselves are still
// answered, saved and forwarded. The channel's own buffer holds bodies
// outside the Handler's budgets: keep it small. SaveDir is created when
// missing and must be writable (else a *SaveDirError).
func NewHandler(cfg Config, events chan<- Event) (*Handler, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, events: events, jobs: make(chan *job, queueLen), stop: make(chan struct{}),
		running: make(chan struct{}, cfg.Validators)}
	h.inflight.limit, h.backlog.limit = cfg.MaxBuffered, cfg.MaxBuffered
	h.validator.New = func() any { return validate.New(cfg.Validate) }
	h.validate = (*validate.Validator).Validate
	if cfg.validate != nil {
		h.validate = cfg.validate
	}
	h.stats.init()
	if cfg.SaveDir != "" {
		s, err := newSaver(cfg.SaveDir)
		if err != nil {
			return nil, err
		}
		h.saver = s
	}
	if cfg.ForwardTo != nil {
		var c http.Client
		if cfg.ForwardClient != nil {
			c = *cfg.ForwardClient
		}
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		h.fwd = &c
	}
	// One worker per validator: a worker waits for one validation at a
	// time, within its budget.
	for range cfg.Validators {
		h.workers.Add(1)
		go h.work()
	}
	return h, nil
}

// withDefaults fills in what cfg leaves zero and refuses what cannot
// work.
func (cfg Config) withDefaults() (Config, error) {
	positive(&cfg.Status, http.StatusOK)
	positive(&cfg.MaxBody, DefaultMaxBody)
	positive(&cfg.MaxBuffered, max(DefaultMaxBuffered, cfg.MaxBody))
	positive(&cfg.Validators, max(1, runtime.GOMAXPROCS(0)/2))
	positive(&cfg.ValidateBudget, DefaultValidateBudget)
	positive(&cfg.MaxFindings, DefaultMaxFindings)
	positive(&cfg.Deadline, DefaultDeadline)
	positive(&cfg.ForwardTimeout, DefaultForwardTimeout)
	positive(&cfg.MaxForwardAnswer, DefaultMaxForwardAnswer)
	if cfg.SignatureWindow == 0 { // negative: any time
		cfg.SignatureWindow = signature.DefaultWindow
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Path == "/" {
		cfg.Path = ""
	}
	if cfg.Path != "" && !strings.HasPrefix(cfg.Path, "/") {
		cfg.Path = "/" + cfg.Path
	}
	switch {
	case cfg.Status < 200 || cfg.Status > 599:
		return cfg, errors.New("status must be between 200 and 599")
	case cfg.MaxBuffered < cfg.MaxBody:
		return cfg, errors.New("the memory for bodies (max buffered) must hold at least one body of the largest size (max body)")
	case cfg.Delay < 0:
		return cfg, errors.New("delay must not be negative")
	case cfg.ForwardTo != nil && (cfg.ForwardTo.Scheme != "http" && cfg.ForwardTo.Scheme != "https" || cfg.ForwardTo.Host == ""):
		return cfg, errors.New("forward URL must be an absolute http or https URL")
	}
	return cfg, nil
}

// positive sets *v to def unless it is positive.
func positive[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// ServeHTTP answers one request and reports it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ev := &Event{
		Seq: h.seq.Add(1), Time: h.cfg.Now(), Method: r.Method, Path: r.URL.Path, RemoteAddr: r.RemoteAddr,
	}
	if h.cfg.Path != "" && strings.TrimSuffix(r.URL.Path, "/") != strings.TrimSuffix(h.cfg.Path, "/") {
		h.refuse(w, ev, start, http.StatusNotFound, ReasonPath, "wamo listens on "+h.cfg.Path)
		return
	}
	switch r.Method {
	case http.MethodPost:
		h.post(w, r, ev, start)
	case http.MethodGet, http.MethodHead:
		h.get(w, r, ev, start)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		h.refuse(w, ev, start, http.StatusMethodNotAllowed, ReasonMethod, r.Method)
	}
}

// answer writes a complete answer with its length and flushes it, so that
// the sender has it before the handler goes on.
func answer(w http.ResponseWriter, status int, contentType string, body []byte) {
	hd := w.Header()
	if contentType != "" {
		hd.Set("Content-Type", contentType)
		hd.Set("X-Content-Type-Options", "nosniff")
	}
	if bodyAllowed(status) {
		hd.Set("Content-Length", strconv.Itoa(len(body)))
	} else {
		body = nil
	}
	w.WriteHeader(status)
	if len(body) > 0 {
		w.Write(body)
	}
	http.NewResponseController(w).Flush()
}

func bodyAllowed(status int) bool {
	return status != http.StatusNoContent && status != http.StatusNotModified && status >= 200
}

func textAnswer(w http.ResponseWriter, status int, msg string) {
	answer(w, status, "text/plain; charset=utf-8", []byte(msg+"\n"))
}

// refuse answers a refused request and reports it.
func (h *Handler) refuse(w http.ResponseWriter, ev *Event, start time.Time, status int, why Reason, detail string) {
	msg := "wamo listen: " + string(why)
	if detail != "" {
		msg += ": " + detail
	}
	textAnswer(w, status, msg)
	ev.Kind, ev.Status, ev.Rejected, ev.Detail, ev.Ack = KindRejected, status, why, detail, time.Since(start)
	h.report(ev, nil, false)
}

// get answers the Cloud API verification handshake (or says what this is).
func (h *Handler) get(w http.ResponseWriter, r *http.Request, ev *Event, start time.Time) {
	q := r.URL.Query()
	hub := false
	for k := range q {
		if strings.HasPrefix(k, "hub.") {
			hub = true
		}
	}
	if !hub {
		ev.Kind = KindInfo
		textAnswer(w, http.StatusOK, "wamo listen: POST webhooks here")
		ev.Status, ev.Ack = http.StatusOK, time.Since(start)
		h.report(ev, nil, false)
		return
	}
	ev.Kind = KindHandshake
	done := func(status int, why Reason, detail string) {
		ev.Status, ev.Rejected, ev.Detail, ev.Ack = status, why, detail, time.Since(start)
		h.report(ev, nil, false)
	}
	if h.cfg.VerifyToken == "" && h.fwd != nil {
		res := h.forward(w, r, nil, ev)
		ev.Forward = res
		done(ev.Status, "", "")
		return
	}
	mode, token, challenge := q.Get("hub.mode"), q.Get("hub.verify_token"), q.Get("hub.challenge")
	switch {
	case h.cfg.VerifyToken == "":
		msg := "start wamo listen with --verify-token or WAMO_VERIFY_TOKEN"
		textAnswer(w, http.StatusForbidden, "wamo listen: "+string(ReasonNoToken)+": "+msg)
		done(http.StatusForbidden, ReasonNoToken, msg)
	case mode != "subscribe":
		msg := "hub.mode is " + strconv.Quote(mode) + ", want subscribe"
		textAnswer(w, http.StatusBadRequest, "wamo listen: "+msg)
		done(http.StatusBadRequest, ReasonBadHandshake, msg)
	case challenge == "":
		msg := "no hub.challenge to echo"
		textAnswer(w, http.StatusBadRequest, "wamo listen: "+msg)
		done(http.StatusBadRequest, ReasonBadHandshake, msg)
	case subtle.ConstantTimeCompare([]byte(token), []byte(h.cfg.VerifyToken)) != 1:
		textAnswer(w, http.StatusForbidden, "wamo listen: "+string(ReasonBadToken))
		done(http.StatusForbidden, ReasonBadToken, "")
	default:
		// The challenge, exactly, as Meta expects it.
		answer(w, http.StatusOK, "text/plain; charset=utf-8", []byte(challenge))
		done(http.StatusOK, "", "")
	}
}

// verify checks the signature of a webhook with the schemes that have a
// secret: the one whose header the request carries (Meta's first), or
// ErrMissing naming every header that would do. Nil when no secret is set.
func (h *Handler) verify(hdr http.Header, body []byte) error {
	var schemes []signature.Scheme
	var secrets [][]byte
	if len(h.cfg.AppSecret) > 0 {
		schemes, secrets = append(schemes, signature.MetaScheme), append(secrets, h.cfg.AppSecret)
	}
	if len(h.cfg.SinchSecret) > 0 {
		schemes, secrets = append(schemes, signature.SinchScheme), append(secrets, h.cfg.SinchSecret)
	}
	if len(schemes) == 0 {
		return nil
	}
	for i, s := range schemes {
		if hdr.Get(s.Headers()[0]) != "" {
			return s.Verify(hdr, body, secrets[i], h.cfg.Now(), h.cfg.SignatureWindow)
		}
	}
	if len(schemes) == 1 {
		// The scheme's own words: "no X-Hub-Signature-256 header".
		return schemes[0].Verify(hdr, body, secrets[0], h.cfg.Now(), h.cfg.SignatureWindow)
	}
	return signature.Missing(schemes...)
}

// post receives a webhook.
func (h *Handler) post(w http.ResponseWriter, r *http.Request, ev *Event, start time.Time) {
	if r.ContentLength > h.cfg.MaxBody {
		h.tooLarge(w, r, ev, start)
		return
	}
	body, taken, err := readLimited(r.Body, h.cfg.MaxBody, &h.inflight)
	defer h.inflight.give(taken)
	ev.Bytes = int64(len(body))
	if !h.bodyRead(w, r, ev, start, err) || !h.signed(w, r, ev, start, body) {
		return
	}
	ev.Kind = KindWebhook

	pl := payload.Payload{Source: "body", Data: body, Line: 1, Col: 1}
	syntax := payload.CheckSyntax(&pl)
	stored := h.kept(body, syntax, ev)
	if syntax == nil && h.saver != nil && stored != nil {
		ev.SavedAs, ev.SaveErr = h.saver.save(stored, ev.Time, ev.Seq)
		if ev.SaveErr != nil {
			// Tell the sender to try again rather than acknowledge what is lost.
			textAnswer(w, http.StatusInternalServerError, "wamo listen: could not save the webhook")
			ev.Status, ev.Ack, ev.Detail = http.StatusInternalServerError, time.Since(start), ev.SaveErr.Error()
			h.reportWebhook(ev, stored, body)
			return
		}
	}
	if h.fwd != nil {
		ev.Forward = h.forward(w, r, body, ev)
	} else {
		h.wait(r, ev)
		h.answer(w, ev, &pl, syntax)
	}
	ev.Ack = time.Since(start)
	h.reportWebhook(ev, stored, body)
}

// tooLarge refuses a body over MaxBody.
func (h *Handler) tooLarge(w http.ResponseWriter, r *http.Request, ev *Event, start time.Time) {
	if r.ContentLength > 0 {
		ev.Bytes = r.ContentLength
	}
	// What is left of the body is not read: close the connection.
	w.Header().Set("Connection", "close")
	h.refuse(w, ev, start, http.StatusRequestEntityTooLarge, ReasonTooLarge, "limit "+humanize.IBytes(uint64(h.cfg.MaxBody)))
}

// bodyRead refuses the request when its body could not be read whole, and
// reports whether it was.
func (h *Handler) bodyRead(w http.ResponseWriter, r *http.Request, ev *Event, start time.Time, err error) bool {
	switch {
	case errors.Is(err, errTooLarge):
		h.tooLarge(w, r, ev, start)
	case errors.Is(err, errBusy):
		w.Header().Set("Connection", "close")
		w.Header().Set("Retry-After", "1")
		h.refuse(w, ev, start, http.StatusServiceUnavailable, ReasonBusy,
			"over "+humanize.IBytes(uint64(h.cfg.MaxBuffered))+" of bodies in memory at once")
	case err != nil:
		h.refuse(w, ev, start, http.StatusBadRequest, ReasonReadError, err.Error())
	default:
		return true
	}
	return false
}

// signed refuses the request when a secret is set and the body's
// signature is missing, wrong or stale, and reports whether it may go on.
func (h *Handler) signed(w http.ResponseWriter, r *http.Request, ev *Event, start time.Time, body []byte) bool {
	err := h.verify(r.Header, body)
	if err == nil {
		return true
	}
	status, why := http.StatusForbidden, ReasonBadSignature
	switch {
	case errors.Is(err, signature.ErrMissing):
		status, why = http.StatusUnauthorized, ReasonNoSignature
	case errors.Is(err, signature.ErrStale):
		why = ReasonStale
	}
	h.refuse(w, ev, start, status, why, err.Error())
	return false
}

// kept is what is saved and shown of a body: the body, or under Redact its
// redaction — nil for a body redact cannot read (not a payload of a format
// wamo knows), which is refused, not passed through: neither saved nor
// shown, only validated to say why (see reportWebhook).
func (h *Handler) kept(body []byte, syntax *payload.SyntaxError, ev *Event) []byte {
	if h.cfg.Redact == nil {
		return body
	}
	if syntax != nil {
		return nil
	}
	stored, err := h.cfg.Redact.Redact(body)
	if err != nil && h.saver != nil {
		ev.SaveErr = err
	}
	return stored
}

// wait waits Delay before answering, unless the client goes.
func (h *Handler) wait(r *http.Request, ev *Event) {
	if h.cfg.Delay <= 0 {
		return
	}
	t := time.NewTimer(h.cfg.Delay)
	select {
	case <-t.C:
	case <-r.Context().Done():
		t.Stop()
		ev.ClientGone = true
	}
}

// answer answers Status, or 400 saying where a body is not JSON (not
// quoting the body under Redact).
func (h *Handler) answer(w http.ResponseWriter, ev *Event, pl *payload.Payload, syntax *payload.SyntaxError) {
	if syntax == nil {
		ev.Status = h.cfg.Status
		textAnswer(w, ev.Status, http.StatusText(ev.Status))
		return
	}
	line, col := pl.Position(syntax.Offset)
	ev.Status = http.StatusBadRequest
	msg := "wamo listen: not JSON: line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col)
	if h.cfg.Redact == nil {
		msg += ": " + syntax.Msg
	}
	textAnswer(w, ev.Status, msg)
}

// reportWebhook hands an answered webhook to the workers: what was kept
// of it (stored) is validated and shown; a body that is not JSON under
// Redact is validated to say where, showing nothing of it.
func (h *Handler) reportWebhook(ev *Event, stored, raw []byte) {
	switch {
	case stored != nil:
		ev.Body = stored
		h.report(ev, stored, false)
	case h.cfg.Redact == nil:
		ev.Body = raw
		h.report(ev, raw, false)
	default:
		h.report(ev, raw, true)
	}
}

// contextWithoutCancel keeps the request's values but not its
// cancellation: a forwarded webhook reaches the app, and its latency is
// measured, even when the sender hangs up first.
func contextWithoutCancel(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), timeout)
}
