// Package receiver holds the reference webhook receivers that prove `wamo
// conform`: one that does everything a receiver should, and faulty ones
// that differ from it by exactly one planted fault each. They are written
// the way an application team would write a receiver — from the providers'
// documentation, with their own signature check (crypto/hmac, not wamo's),
// their own state — and use wamo's digest only to read what a payload holds.
//
// Run them on loopback: in tests with httptest, by hand with
//
//	go run ./pkg/conform/testdata/refserver -profile cloud
package receiver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/digest"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// Fault is one deliberate defect. The faults about content come with
// processing before answering, which is how such receivers answer errors.
type Fault string

// The faults. Each is a bug seen in real receivers.
const (
	None Fault = "" // does everything right

	// UnknownType500 answers 500 to a message type outside the documented list.
	UnknownType500 Fault = "500-on-unknown-type"
	// UnknownStatus400 answers 400 to a status value outside the documented list.
	UnknownStatus400 Fault = "400-on-unknown-status"
	// UnknownFields400 validates strictly and answers 400 to members it does not know.
	UnknownFields400 Fault = "400-on-unknown-fields"
	// OtherField400 answers 400 to a Cloud API change whose field is not messages.
	OtherField400 Fault = "400-on-other-webhook-field"
	// SlowMedia downloads media before answering: slow on media messages only.
	SlowMedia Fault = "slow-on-media"
	// Duplicate409 answers 409 to a message or status it has already seen.
	Duplicate409 Fault = "409-on-duplicate"
	// OutOfOrder409 runs a strict state machine (sent → delivered → read)
	// and answers 409 to a status that goes backwards.
	OutOfOrder409 Fault = "409-on-status-out-of-order"
	// CrashOnEarlyStatus inserts a message's record when its sent status
	// arrives and crashes (connection dropped) when a status came first.
	CrashOnEarlyStatus Fault = "crash-on-status-before-message"
	// FailedAfterSent409 treats sent as final and answers 409 to a later failed.
	FailedAfterSent409 Fault = "409-on-failed-after-sent"
	// Charset415 wants Content-Type exactly application/json.
	Charset415 Fault = "415-on-charset"
	// BodyLimit413 refuses bodies over two thirds of the provider's maximum.
	BodyLimit413 Fault = "413-on-large-body"
	// AcceptsUnsigned skips the signature check when the header is absent.
	AcceptsUnsigned Fault = "accepts-unsigned"
	// AcceptsAnySignature only checks that a signature is present.
	AcceptsAnySignature Fault = "accepts-any-signature"
	// AcceptsStale checks a timed signature but not its time, so that a
	// captured request can be sent again later.
	AcceptsStale Fault = "accepts-stale-signature"
	// ChallengeAsJSON answers the handshake with the challenge as a JSON string.
	ChallengeAsJSON Fault = "challenge-as-json"
	// IgnoresVerifyToken answers the handshake whatever the token.
	IgnoresVerifyToken Fault = "ignores-verify-token"
)

// Faults lists every fault, in the order of the catalogue areas.
var Faults = []Fault{
	UnknownType500, UnknownStatus400, UnknownFields400, OtherField400,
	SlowMedia, Duplicate409, OutOfOrder409, CrashOnEarlyStatus, FailedAfterSent409,
	Charset415, BodyLimit413,
	AcceptsUnsigned, AcceptsAnySignature, AcceptsStale, ChallengeAsJSON, IgnoresVerifyToken,
}

// processesFirst reports whether a receiver with fault f processes a
// delivery before answering it: the faults that answer an error about the
// content (and the slow one) do, as the receivers they stand for do; the
// right receiver and the others acknowledge at once and process afterwards.
func (f Fault) processesFirst() bool {
	switch f {
	case None, Charset415, BodyLimit413, AcceptsUnsigned, AcceptsAnySignature, AcceptsStale, ChallengeAsJSON, IgnoresVerifyToken:
		return false
	}
	return true
}

// Config configures a receiver.
type Config struct {
	Format payload.Format
	// Secret is the provider's secret: requests must carry a valid
	// signature when it is set — X-Hub-Signature-256, or for the Sinch
	// Conversation API x-sinch-webhook-signature, its nonce and a
	// timestamp within 5 minutes of Now.
	Secret []byte
	// Now is the receiver's clock (time.Now when nil), for the timestamps
	// of Sinch's signatures.
	Now func() time.Time
	// VerifyToken answers the handshake.
	VerifyToken string
	// MaxBody is the largest body accepted (the provider's maximum).
	MaxBody int
	// Slow is how long SlowMedia takes per delivery with media (400ms).
	Slow time.Duration
	// Sleep waits that long (time.Sleep when nil; tests pass a clock's
	// advance, so that slowness costs them no time).
	Sleep func(time.Duration)
	Fault Fault
}

// Receiver is an http.Handler.
type Receiver struct {
	cfg Config

	vmu       sync.Mutex // a Validator serves one payload at a time
	validator *validate.Validator

	mu       sync.Mutex
	seen     map[string]bool   // messages and statuses (id + status) processed
	statuses map[string]string // message id → last status
	records  map[string]bool   // message ids with a record (CrashOnEarlyStatus)
}

// New returns a receiver.
func New(cfg Config) *Receiver {
	if cfg.Slow == 0 {
		cfg.Slow = 400 * time.Millisecond
	}
	if cfg.Sleep == nil {
		cfg.Sleep = time.Sleep
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Receiver{cfg: cfg, seen: map[string]bool{}, statuses: map[string]string{}, records: map[string]bool{}}
	if cfg.Fault == UnknownFields400 {
		r.validator = validate.New(validate.Options{Format: cfg.Format})
	}
	return r
}

// Documented message types and status values (formats reference §2–4, §9),
// in the digest's names: the model's kinds (a documented type wamo models is
// one this receiver knows), and two wire names of earlier versions.
var (
	knownTypes = func() map[string]bool {
		m := set("interactive", "unknown")
		for _, k := range message.Kinds() {
			m[k.String()] = true
		}
		return m
	}()
	knownStatuses = set("sent", "delivered", "read", "played", "failed", "deleted", "warning",
		"switching_channel") // the Conversation API's SWITCHING_CHANNEL
	mediaTypes = set("image", "audio", "voice", "video", "document", "sticker")
	// The kinds of a Conversation API contact_message (Sinch's
	// reference), beside reply_to.
	conversationKinds = set("text_message", "media_message", "location_message", "contact_info_message",
		"choice_response_message", "media_card_message", "fallback_message", "product_response_message",
		"channel_specific_message", "reply_to")
	statusRank = map[string]int{"sent": 1, "delivered": 2, "read": 3, "played": 4}
)

func set(items ...string) map[string]bool {
	m := map[string]bool{}
	for _, s := range items {
		m[s] = true
	}
	return m
}

// ServeHTTP answers webhooks (POST) and the verification handshake (GET).
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	switch req.Method {
	case http.MethodGet:
		rc.handshake(w, req)
	case http.MethodPost:
		rc.webhook(w, req)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (rc *Receiver) handshake(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	if q.Get("hub.mode") == "" {
		io.WriteString(w, "webhook receiver\n")
		return
	}
	token := q.Get("hub.verify_token")
	tokenOK := rc.cfg.VerifyToken != "" && hmac.Equal([]byte(token), []byte(rc.cfg.VerifyToken))
	if rc.cfg.Fault == IgnoresVerifyToken {
		tokenOK = true
	}
	if q.Get("hub.mode") != "subscribe" || !tokenOK {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	challenge := q.Get("hub.challenge")
	if rc.cfg.Fault == ChallengeAsJSON {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(challenge)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, challenge)
}

func (rc *Receiver) webhook(w http.ResponseWriter, req *http.Request) {
	ct := req.Header.Get("Content-Type")
	if rc.cfg.Fault == Charset415 {
		if ct != "application/json" {
			http.Error(w, "want application/json", http.StatusUnsupportedMediaType)
			return
		}
	} else if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		http.Error(w, "want application/json", http.StatusUnsupportedMediaType)
		return
	}
	limit := rc.cfg.MaxBody
	if limit <= 0 {
		limit = 4 << 20
	}
	if rc.cfg.Fault == BodyLimit413 {
		limit = limit * 2 / 3
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, int64(limit)+1))
	if err != nil {
		http.Error(w, "read error", http.StatusBadRequest)
		return
	}
	if len(body) > limit {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if rc.cfg.Secret != nil {
		check := rc.checkSignature
		if rc.cfg.Format == payload.Conversation {
			check = rc.checkSinchSignature
		}
		if code := check(req.Header, body); code != 0 {
			http.Error(w, "bad signature", code)
			return
		}
	}
	if !gjson.ValidBytes(body) {
		http.Error(w, "not JSON", http.StatusBadRequest)
		return
	}
	if !rc.cfg.Fault.processesFirst() {
		// The right way: acknowledge at once, process afterwards.
		go rc.process(body)
	} else if code, msg := rc.process(body); code != 0 {
		http.Error(w, msg, code)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"status":"received"}`)
}

// beforeCheck decides what a signature check answers before any
// cryptography: an absent signature, or a fault that accepts it unread.
func (rc *Receiver) beforeCheck(sig string) (status int, decided bool) {
	switch {
	case sig == "" && rc.cfg.Fault == AcceptsUnsigned:
		return 0, true
	case sig == "":
		return http.StatusUnauthorized, true
	case rc.cfg.Fault == AcceptsAnySignature:
		return 0, true
	}
	return 0, false
}

// checkSignature returns 0 when the signature is right, else the status
// to answer.
func (rc *Receiver) checkSignature(h http.Header, body []byte) int {
	header := h.Get("X-Hub-Signature-256")
	if status, decided := rc.beforeCheck(header); decided {
		return status
	}
	got, ok := strings.CutPrefix(header, "sha256=")
	want := hmac.New(sha256.New, rc.cfg.Secret)
	want.Write(body)
	sum, err := hex.DecodeString(got)
	if !ok || err != nil || !hmac.Equal(sum, want.Sum(nil)) {
		return http.StatusForbidden
	}
	return 0
}

// sinchWindow is how far from its clock the receiver accepts Sinch's
// signed timestamps.
const sinchWindow = 5 * 60

// checkSinchSignature checks Sinch's Conversation API signature, as Sinch
// documents it: Base64(HMAC-SHA256(secret, body + "." + nonce + "." +
// timestamp)); 0 when it is right and recent, else the status to answer.
func (rc *Receiver) checkSinchSignature(h http.Header, body []byte) int {
	sig := h.Get("x-sinch-webhook-signature")
	nonce, ts := h.Get("x-sinch-webhook-signature-nonce"), h.Get("x-sinch-webhook-signature-timestamp")
	if status, decided := rc.beforeCheck(sig); decided {
		return status
	}
	mac := hmac.New(sha256.New, rc.cfg.Secret)
	mac.Write(body)
	mac.Write([]byte("." + nonce + "." + ts))
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac.Sum(nil)) {
		return http.StatusForbidden
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return http.StatusForbidden
	}
	if age := rc.cfg.Now().Unix() - secs; (age > sinchWindow || age < -sinchWindow) && rc.cfg.Fault != AcceptsStale {
		return http.StatusForbidden
	}
	return 0
}

// process applies a delivery to the receiver's state; it returns the
// status of an error answer, or 0.
func (rc *Receiver) process(body []byte) (int, string) {
	f := rc.cfg.Fault
	if f == OtherField400 && rc.cfg.Format == payload.Cloud {
		for _, field := range gjson.GetBytes(body, "entry.#.changes.#.field").Array() {
			for _, v := range field.Array() {
				if v.String() != "messages" {
					return http.StatusBadRequest, "unsupported field " + v.String()
				}
			}
		}
	}
	if f == UnknownType500 && rc.cfg.Format == payload.Conversation {
		// The digest calls a kind it does not know "unknown", a type the
		// Cloud API documents: look at the member itself.
		var unknown string
		gjson.GetBytes(body, "message.contact_message").ForEach(func(k, _ gjson.Result) bool {
			if !conversationKinds[k.String()] {
				unknown = k.String()
			}
			return unknown == ""
		})
		if unknown != "" {
			return http.StatusInternalServerError, "unhandled contact message " + unknown
		}
	}
	if f == OtherField400 && rc.cfg.Format == payload.Conversation {
		if !gjson.GetBytes(body, "message").Exists() && !gjson.GetBytes(body, "message_delivery_report").Exists() {
			return http.StatusBadRequest, "unsupported trigger"
		}
	}
	if f == UnknownFields400 {
		p := payload.Payload{Data: body}
		rc.vmu.Lock()
		res := rc.validator.Validate(&p)
		rc.vmu.Unlock()
		for i := range res.Findings {
			if res.Findings[i].RuleID() == "schema.unknown-field" {
				return http.StatusBadRequest, "unknown field at " + res.Findings[i].Path
			}
		}
	}
	items := digest.Items(body, rc.cfg.Format)
	code, msg, slow := rc.apply(items)
	if slow {
		// Fetching the media before answering: the bug.
		rc.cfg.Sleep(rc.cfg.Slow)
	}
	return code, msg
}

// apply updates the state with the items of a delivery.
func (rc *Receiver) apply(items []digest.Item) (code int, msg string, slow bool) {
	f := rc.cfg.Fault
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for i := range items {
		it := &items[i]
		switch it.Kind {
		case digest.KindMessage:
			if f == UnknownType500 && !knownTypes[it.Type] {
				return http.StatusInternalServerError, "unhandled message type " + it.Type, false
			}
			if f == Duplicate409 && rc.seen["m:"+it.ID] {
				return http.StatusConflict, "duplicate message " + it.ID, false
			}
			rc.seen["m:"+it.ID] = true
			slow = slow || (f == SlowMedia && mediaTypes[it.Type])
		case digest.KindStatus:
			if code, msg := rc.status(it); code != 0 {
				return code, msg, false
			}
		}
	}
	return 0, "", slow
}

func (rc *Receiver) status(it *digest.Item) (int, string) {
	f := rc.cfg.Fault
	if f == UnknownStatus400 && !knownStatuses[it.Status] {
		return http.StatusBadRequest, "unknown status " + it.Status
	}
	key := "s:" + it.ID + ":" + it.Status
	if f == Duplicate409 && rc.seen[key] {
		return http.StatusConflict, "duplicate status " + it.ID
	}
	rc.seen[key] = true
	prev := rc.statuses[it.ID]
	switch f {
	case OutOfOrder409:
		if prev != "" && statusRank[it.Status] != 0 && statusRank[it.Status] < statusRank[prev] {
			return http.StatusConflict, "status " + it.Status + " after " + prev
		}
	case CrashOnEarlyStatus:
		if it.Status == "sent" && rc.records[it.ID] {
			panic("receiver: duplicate key inserting message " + it.ID)
		}
		rc.records[it.ID] = true
	case FailedAfterSent409:
		if it.Status == "failed" && prev == "sent" {
			return http.StatusConflict, "message " + it.ID + " was already sent"
		}
	}
	rc.statuses[it.ID] = it.Status
	return 0, ""
}
