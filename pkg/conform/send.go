package conform

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wamo-dev/wamo/pkg/replay"
)

// MaxAnswer is how many bytes of an answer's body an Exchange keeps.
const MaxAnswer = 256

// maxExcerpt is how many bytes of a request body an Exchange keeps.
const maxExcerpt = 160

// request is what a case sends.
type request struct {
	label       string
	method      string // POST unless set
	query       string // appended to the URL (the handshake)
	body        []byte
	contentType string // application/json unless set
	sign        signMode
	at          time.Time // signing time (timed signatures); zero: now
}

type signMode uint8

const (
	signAsProvider signMode = iota // signed when the run has a secret
	signNone                       // the signature headers left out
	signWrong                      // signed with another secret
)

// capture keeps the status and the first bytes of the answer to the one
// request sent through it; replay measures everything else.
type capture struct {
	base http.RoundTripper
	mu   sync.Mutex
	head []byte
}

func (c *capture) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &captureBody{ReadCloser: resp.Body, c: c}
	return resp, nil
}

type captureBody struct {
	io.ReadCloser
	c *capture
}

func (b *captureBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.c.mu.Lock()
		if room := MaxAnswer - len(b.c.head); room > 0 {
			b.c.head = append(b.c.head, p[:min(n, room)]...)
		}
		b.c.mu.Unlock()
	}
	return n, err
}

func (c *capture) answer() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return validPrefix(c.head)
}

// validPrefix is b as a string, cut before a UTF-8 sequence split by a limit.
func validPrefix(b []byte) string {
	for i := 0; i < utf8.UTFMax && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return string(b)
}

// send delivers one request through replay (one target, one attempt) so
// that timing and the classification of failures are those of `wamo
// replay`, and returns the exchange with the raw result.
func (r *runner) send(ctx context.Context, q request) (Exchange, replay.Result) {
	method := q.method
	if method == "" {
		method = http.MethodPost
	}
	ct := q.contentType
	if ct == "" {
		ct = "application/json"
	}
	h := r.header.Clone()
	h.Set("Content-Type", ct)
	ex := Exchange{Label: q.label, Method: method, ContentType: ct, Bytes: len(q.body), Excerpt: validPrefix(q.body[:min(len(q.body), maxExcerpt)])}
	if p := r.cat.Profile; method == http.MethodPost && p.Signer != nil {
		at := q.at
		if at.IsZero() {
			at = r.now()
		}
		switch {
		case q.sign == signWrong:
			p.Signer.Sign(h, q.body, []byte("not-the-app-secret"), at)
			ex.Signed, ex.SignatureNote = true, "signed with a wrong secret"
		case q.sign == signNone:
			ex.SignatureNote = "no signature"
		case r.opts.Secret != nil:
			p.Signer.Sign(h, q.body, r.opts.Secret, at)
			ex.Signed = true
			if !q.at.IsZero() {
				ex.SignatureNote = "signed for " + q.at.UTC().Format(time.RFC3339)
			}
		}
	}
	u := r.opts.URL
	if q.query != "" {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + q.query
	}
	c := &capture{base: r.transport}
	cfg := replay.Config{
		URL: u, Method: method, Header: h,
		Deadline: r.opts.Deadline, Timeout: r.opts.Timeout,
		Client: &http.Client{Transport: c}, Now: r.now,
	}
	results := make(chan replay.Result, 2)
	err := replay.Run(ctx, cfg, []replay.Target{{Name: q.label, Body: q.body}}, results)
	var res replay.Result
	select {
	case res = <-results:
	default:
		res = replay.Result{Outcome: replay.NetworkError, Cause: "not sent"}
		if err != nil {
			res.Err = err.Error()
		}
	}
	ex.Start = res.Start.Sub(r.started)
	ex.Latency = res.Total
	ex.Status = res.Status
	ex.Answer = c.answer()
	ex.Outcome = res.Outcome
	ex.Cause = res.Cause
	ex.Connected = res.Connected || res.Status != 0
	return ex, res
}
