package listen

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/secret"
)

// ForwardResult is what the app answered a forwarded request.
type ForwardResult struct {
	URL    string // where it was sent, credentials masked
	Status int    // the app's status; 0 when it did not answer
	// Latency runs from sending the request to the end of the app's
	// answer: what the webhook sender would have measured.
	Latency time.Duration
	// OverDeadline is set when Latency exceeds Config.Deadline, or when
	// the app did not answer at all.
	OverDeadline bool
	Deadline     time.Duration
	// Err is why the app could not be reached, did not answer, or
	// answered more than Config.MaxForwardAnswer bytes (ErrAnswerTooLarge).
	Err error
}

// ErrAnswerTooLarge is ForwardResult.Err for an app whose answer is over
// Config.MaxForwardAnswer: the sender gets a 502, never a truncated answer.
var ErrAnswerTooLarge = errors.New("the app's answer is over the limit")

// hopHeaders are connection-level headers a proxy does not pass on
// (RFC 9110 §7.6.1), plus those the client library computes itself.
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Accept-Encoding", "Host",
}

// copyHeaders copies the end-to-end headers of src into dst: not the
// hop-by-hop ones, nor those src's Connection header names (RFC 9110
// §7.6.1: they concern this connection only).
func copyHeaders(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = append([]string(nil), vs...)
	}
	for _, v := range src.Values("Connection") {
		for name := range strings.SplitSeq(v, ",") {
			if name = textproto.TrimString(name); name != "" {
				dst.Del(name)
			}
		}
	}
	for _, k := range hopHeaders {
		dst.Del(k)
	}
}

// forward sends the request (with body for a POST, the query for a GET) to
// the app and copies its answer to w; ev.Status takes the status answered.
// What the sender reads never says where the app is: the app's URL and the
// transport's errors stay in the event.
func (h *Handler) forward(w http.ResponseWriter, r *http.Request, body []byte, ev *Event) *ForwardResult {
	res := &ForwardResult{URL: secret.RedactURL(h.cfg.ForwardTo), Deadline: h.cfg.Deadline}
	ctx, cancel := contextWithoutCancel(r.Context(), h.cfg.ForwardTimeout)
	defer cancel()
	req, err := h.forwardRequest(ctx, r, body)
	if err != nil {
		res.Err = errors.New(secret.RedactText(err.Error()))
		ev.Status = http.StatusBadGateway
		textAnswer(w, ev.Status, "wamo listen: cannot forward the request to the app")
		return res
	}

	start := time.Now()
	resp, err := h.fwd.Do(req)
	var answerBody []byte
	if err == nil {
		var taken int64
		answerBody, taken, err = readLimited(resp.Body, h.cfg.MaxForwardAnswer, &h.inflight)
		defer h.inflight.give(taken)
		resp.Body.Close()
		if errors.Is(err, errTooLarge) {
			err = ErrAnswerTooLarge
		}
	}
	res.Latency = time.Since(start)
	if err != nil {
		h.forwardFailed(w, ev, res, resp, err)
		return res
	}
	res.Status = resp.StatusCode
	res.OverDeadline = res.Latency > h.cfg.Deadline
	copyHeaders(w.Header(), resp.Header)
	ev.Status = resp.StatusCode
	if bodyAllowed(resp.StatusCode) {
		w.Header().Set("Content-Length", strconv.Itoa(len(answerBody)))
	} else {
		answerBody = nil
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(answerBody)
	http.NewResponseController(w).Flush()
	return res
}

// forwardRequest is the request to the app: the sender's, with its query
// added to the app's URL, its end-to-end headers and X-Forwarded-*.
func (h *Handler) forwardRequest(ctx context.Context, r *http.Request, body []byte) (*http.Request, error) {
	target := *h.cfg.ForwardTo
	if r.URL.RawQuery != "" {
		if target.RawQuery != "" {
			target.RawQuery += "&" + r.URL.RawQuery
		} else {
			target.RawQuery = r.URL.RawQuery
		}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, target.String(), rd)
	if err != nil {
		return nil, err
	}
	copyHeaders(req.Header, r.Header)
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		req.Header.Set("X-Forwarded-For", ip)
	}
	req.Header.Set("X-Forwarded-Host", r.Host)
	req.Header.Set("X-Forwarded-Proto", "http")
	if _, ok := r.Header["User-Agent"]; !ok {
		req.Header["User-Agent"] = nil // do not add Go's
	}
	return req, nil
}

// forwardFailed answers the sender when the app gave no usable answer:
// 504 when it took too long, else 502, never saying where the app is.
func (h *Handler) forwardFailed(w http.ResponseWriter, ev *Event, res *ForwardResult, resp *http.Response, err error) {
	res.OverDeadline = true
	if resp != nil {
		res.Status = resp.StatusCode
	}
	ev.Status = http.StatusBadGateway
	msg := "wamo listen: the app did not answer"
	res.Err = errors.New(secret.RedactText(err.Error()))
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		ev.Status = http.StatusGatewayTimeout
		msg = "wamo listen: the app did not answer within " + h.cfg.ForwardTimeout.String()
	case errors.Is(err, ErrAnswerTooLarge):
		msg = "wamo listen: the app's answer is too large to pass on"
		res.Err = ErrAnswerTooLarge
	case errors.Is(err, errBusy):
		msg = "wamo listen: too busy to pass on the app's answer"
	}
	textAnswer(w, ev.Status, msg)
}
