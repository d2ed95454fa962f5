// Package listen is a local webhook receiver for WhatsApp MO webhooks: an
// http.Handler that acknowledges each POST at once, checks the Cloud API
// signature, saves the body as a fixture, optionally forwards it to the
// user's app, validates it, and reports every request as an Event on a
// channel. It never prints: `wamo listen` renders the events.
//
// What a request is answered (the sender sees this):
//
//	POST, JSON body                 Config.Status (200), after Config.Delay
//	POST, body that is not JSON     400 and where the syntax error is
//	POST, body over Config.MaxBody  413
//	POST, no X-Hub-Signature-256    401 (only when Config.AppSecret is set)
//	POST, wrong signature           403 (idem)
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
// and body; 502 when the app cannot be reached, 504 when it does not answer
// within Config.ForwardTimeout.
package listen

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/redact"
	"github.com/wamo-dev/wamo/pkg/signature"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// Defaults of Config.
const (
	DefaultDeadline       = 200 * time.Millisecond // what Sinch allows a webhook endpoint
	DefaultMaxBody        = 10 << 20
	DefaultForwardTimeout = 30 * time.Second
	// MaxForwardAnswer bounds the app's answer copied back to the sender.
	MaxForwardAnswer = 10 << 20
)

// SignatureHeader is the header Meta signs Cloud API webhooks with:
// "sha256=" and the hex HMAC-SHA256 of the body keyed with the app secret
// (see package signature for the bytes that are signed).
const SignatureHeader = signature.MetaHeader

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
	// SaveDir, when set, receives every JSON body as a file (see Handler).
	SaveDir string
	// ForwardTo, when set, is the app every webhook is sent on to.
	ForwardTo *url.URL
	// ForwardClient sends to ForwardTo; nil means a default client.
	// Redirects are never followed: the sender gets them as they are.
	ForwardClient *http.Client
	// ForwardTimeout bounds a forwarded request; 0 means DefaultForwardTimeout.
	ForwardTimeout time.Duration
	// Deadline is the latency the app is measured against; 0 means
	// DefaultDeadline.
	Deadline time.Duration
	// Delay is waited before answering a webhook (a slow endpoint).
	Delay time.Duration
	// Status answers webhooks; 0 means 200. It must be within 200–599.
	Status int
	// MaxBody is the largest body accepted; 0 means DefaultMaxBody.
	MaxBody int64
	// Redact, when set, pseudonymises bodies before they are saved and
	// before they are put in events. Forwarded bodies are never redacted.
	Redact *redact.Redactor
	// Validate configures the validation of each body.
	Validate validate.Options
	// Now stamps events and names saved files; nil means time.Now.
	Now func() time.Time
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

// String names the kind: webhook, handshake, info or rejected.
func (k Kind) String() string {
	switch k {
	case KindWebhook:
		return "webhook"
	case KindHandshake:
		return "handshake"
	case KindInfo:
		return "info"
	}
	return "rejected"
}

// MarshalText renders the kind in JSON.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Reason says why a request was refused.
type Reason string

// Reasons for refusing a request.
const (
	ReasonPath         Reason = "unknown path"
	ReasonMethod       Reason = "method not allowed"
	ReasonTooLarge     Reason = "body too large"
	ReasonReadError    Reason = "body not received"
	ReasonNoSignature  Reason = "missing signature"
	ReasonBadSignature Reason = "bad signature"
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
}

// Handler is the webhook receiver. Create it with NewHandler; it is safe
// for concurrent use. Saving is synchronous: a body is in its file before
// the sender gets its answer, so that nothing acknowledged is lost, even
// if wamo is killed right after; validation and the event come after the
// answer.
type Handler struct {
	cfg       Config
	events    chan<- Event
	mu        sync.RWMutex // guards closed against sends
	closed    bool
	seq       atomic.Uint64
	saver     *saver
	fwd       *http.Client
	validator sync.Pool
	stats     statsCollector
}

// NewHandler returns a Handler that sends an Event per request on events
// (nil: no events). Sends never block: when events is full (its reader is
// slow) the event is dropped and counted in Stats.Dropped — the request
// itself is still answered, saved and forwarded. SaveDir is created when
// missing and must be writable.
func NewHandler(cfg Config, events chan<- Event) (*Handler, error) {
	if cfg.Status == 0 {
		cfg.Status = http.StatusOK
	}
	if cfg.Status < 200 || cfg.Status > 599 {
		return nil, errors.New("status must be between 200 and 599")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = DefaultDeadline
	}
	if cfg.ForwardTimeout <= 0 {
		cfg.ForwardTimeout = DefaultForwardTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Delay < 0 {
		return nil, errors.New("delay must not be negative")
	}
	if cfg.Path == "/" {
		cfg.Path = ""
	}
	if cfg.Path != "" && !strings.HasPrefix(cfg.Path, "/") {
		cfg.Path = "/" + cfg.Path
	}
	h := &Handler{cfg: cfg, events: events}
	h.validator.New = func() any { return validate.New(cfg.Validate) }
	h.stats.init()
	if cfg.SaveDir != "" {
		s, err := newSaver(cfg.SaveDir)
		if err != nil {
			return nil, err
		}
		h.saver = s
	}
	if cfg.ForwardTo != nil {
		if cfg.ForwardTo.Scheme != "http" && cfg.ForwardTo.Scheme != "https" || cfg.ForwardTo.Host == "" {
			return nil, errors.New("forward URL must be an absolute http or https URL")
		}
		var c http.Client
		if cfg.ForwardClient != nil {
			c = *cfg.ForwardClient
		}
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		h.fwd = &c
	}
	return h, nil
}

// Close stops the events: after it returns the Handler never sends again
// (requests still in flight are answered but not reported), so the caller
// may close the channel.
func (h *Handler) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
}

func (h *Handler) emit(ev *Event) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.closed || h.events == nil {
		return
	}
	select {
	case h.events <- *ev:
	default:
		h.stats.drop()
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
	h.stats.request(ev)
	h.emit(ev)
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
		h.stats.request(ev)
		h.emit(ev)
		return
	}
	ev.Kind = KindHandshake
	done := func(status int, why Reason, detail string) {
		ev.Status, ev.Rejected, ev.Detail, ev.Ack = status, why, detail, time.Since(start)
		h.stats.request(ev)
		h.emit(ev)
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

// post receives a webhook.
func (h *Handler) post(w http.ResponseWriter, r *http.Request, ev *Event, start time.Time) {
	body, err := readBody(w, r, h.cfg.MaxBody)
	ev.Bytes = int64(len(body))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			if r.ContentLength > 0 {
				ev.Bytes = r.ContentLength
			}
			h.refuse(w, ev, start, http.StatusRequestEntityTooLarge, ReasonTooLarge, "limit "+humanBytes(h.cfg.MaxBody))
			return
		}
		h.refuse(w, ev, start, http.StatusBadRequest, ReasonReadError, err.Error())
		return
	}
	if len(h.cfg.AppSecret) > 0 {
		if err := signature.VerifyMeta(h.cfg.AppSecret, body, r.Header.Get(SignatureHeader)); err != nil {
			status, why := http.StatusForbidden, ReasonBadSignature
			if errors.Is(err, signature.ErrMissing) {
				status, why = http.StatusUnauthorized, ReasonNoSignature
			}
			h.refuse(w, ev, start, status, why, err.Error())
			return
		}
	}
	ev.Kind = KindWebhook

	pl := payload.Payload{Source: "body", Data: body, Line: 1, Col: 1}
	syntax := payload.CheckSyntax(&pl)
	stored := body
	if h.cfg.Redact != nil {
		stored = nil
		if syntax == nil {
			// Cannot fail on valid JSON; if it ever did, nothing unredacted
			// is kept.
			stored, _ = h.cfg.Redact.Redact(body)
		}
	}
	if syntax == nil && h.saver != nil && stored != nil {
		ev.SavedAs, ev.SaveErr = h.saver.save(stored, ev.Time, ev.Seq)
		if ev.SaveErr != nil {
			// Tell the sender to try again rather than acknowledge what is lost.
			textAnswer(w, http.StatusInternalServerError, "wamo listen: could not save the webhook")
			ev.Status, ev.Ack, ev.Detail = http.StatusInternalServerError, time.Since(start), ev.SaveErr.Error()
			h.finish(ev, stored, body)
			return
		}
	}

	switch {
	case h.fwd != nil:
		ev.Forward = h.forward(w, r, body, ev)
	default:
		if h.cfg.Delay > 0 {
			t := time.NewTimer(h.cfg.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				ev.ClientGone = true
			}
		}
		if syntax != nil {
			line, col := pl.Position(syntax.Offset)
			ev.Status = http.StatusBadRequest
			msg := "wamo listen: not JSON: line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col) + ": " + syntax.Msg
			if h.cfg.Redact != nil {
				msg = "wamo listen: not JSON: line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col)
			}
			textAnswer(w, ev.Status, msg)
		} else {
			ev.Status = h.cfg.Status
			textAnswer(w, ev.Status, http.StatusText(ev.Status))
		}
	}
	ev.Ack = time.Since(start)
	h.finish(ev, stored, body)
}

// finish validates what was kept of a webhook and reports it; it runs
// after the answer.
func (h *Handler) finish(ev *Event, stored, raw []byte) {
	v := h.validator.Get().(*validate.Validator)
	data := stored
	if data == nil && h.cfg.Redact == nil {
		data = raw
	}
	var res validate.Result
	if data != nil {
		res = v.Validate(&payload.Payload{Data: data, Line: 1, Col: 1})
	} else {
		// Not JSON and redacting: say where the syntax error is, but show
		// nothing of the body.
		res = v.Validate(&payload.Payload{Data: raw, Line: 1, Col: 1})
		for i := range res.Findings {
			f := &res.Findings[i]
			f.Excerpt, f.Caret = "", 0
			if q := strings.IndexByte(f.Message, '"'); q >= 0 {
				f.Message = f.Message[:q] + "(quoted text withheld by --redact)"
			}
		}
	}
	h.validator.Put(v)
	ev.Body = data
	ev.Result = &res
	h.stats.request(ev)
	h.emit(ev)
}

// readBody reads the whole body, refusing more than limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	rd := http.MaxBytesReader(w, r.Body, limit)
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(rd)
	return buf.Bytes(), err
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// drain discards what is left of a body so that the connection can be
// reused.
func drain(rc io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(rc, 1<<20))
	rc.Close()
}

// contextWithoutCancel keeps the request's values but not its
// cancellation: a forwarded webhook reaches the app, and its latency is
// measured, even when the sender hangs up first.
func contextWithoutCancel(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), timeout)
}
