package replay

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wamo-dev/wamo/pkg/secret"
)

// stamps are the phase times of one attempt, in nanoseconds from its
// start plus one (zero means "never").
type stamps struct {
	start time.Time

	dnsStart, dnsDone, connStart, connDone, tlsStart, tlsDone, firstByte atomic.Int64
	gotConn, reused, tcpUp                                               atomic.Bool
}

// tracer times the phases of a worker's attempts through httptrace. Its
// ClientTrace is installed once in the worker's context (installing one
// per request costs a dozen allocations) and stamps the attempt under way.
//
// The transport may call hooks from a dial goroutine that outlives the
// attempt it was started for (a dial abandoned by a failed attempt can
// finish later, and its connection then serves another request), so the
// stamps are atomics behind an atomic pointer: nothing races, and such a
// late stamp lands on no attempt, or at worst on the worker's next one.
type tracer struct {
	now func() time.Time
	cur atomic.Pointer[stamps]
	ct  httptrace.ClientTrace
}

func newTracer(now func() time.Time) *tracer {
	t := &tracer{now: now}
	t.ct = httptrace.ClientTrace{
		DNSStart:          func(httptrace.DNSStartInfo) { t.stamp(func(s *stamps) *atomic.Int64 { return &s.dnsStart }) },
		DNSDone:           func(httptrace.DNSDoneInfo) { t.stamp(func(s *stamps) *atomic.Int64 { return &s.dnsDone }) },
		ConnectStart:      func(string, string) { t.stamp(func(s *stamps) *atomic.Int64 { return &s.connStart }) },
		TLSHandshakeStart: func() { t.stamp(func(s *stamps) *atomic.Int64 { return &s.tlsStart }) },
		TLSHandshakeDone:  func(tls.ConnectionState, error) { t.stamp(func(s *stamps) *atomic.Int64 { return &s.tlsDone }) },
		ConnectDone: func(_, _ string, err error) {
			if s := t.cur.Load(); s != nil {
				s.connDone.Store(int64(t.now().Sub(s.start)) + 1)
				if err == nil {
					s.tcpUp.Store(true)
				}
			}
		},
		GotConn: func(info httptrace.GotConnInfo) {
			if s := t.cur.Load(); s != nil {
				s.reused.Store(info.Reused)
				s.gotConn.Store(true)
			}
		},
		GotFirstResponseByte: func() { t.stamp(func(s *stamps) *atomic.Int64 { return &s.firstByte }) },
	}
	return t
}

// begin starts timing an attempt that starts at start.
func (t *tracer) begin(start time.Time) *stamps {
	s := &stamps{start: start}
	t.cur.Store(s)
	return s
}

// end stops timing the attempt: late hooks stamp nothing.
func (t *tracer) end() { t.cur.Store(nil) }

func (t *tracer) stamp(field func(*stamps) *atomic.Int64) {
	if s := t.cur.Load(); s != nil {
		field(s).Store(int64(t.now().Sub(s.start)) + 1)
	}
}

func span(from, to *atomic.Int64) time.Duration {
	a, b := from.Load(), to.Load()
	if a == 0 || b == 0 || b < a {
		return 0
	}
	return time.Duration(b - a)
}

// fill copies the phases seen so far into res.
func (s *stamps) fill(res *Result) {
	res.Reused = s.reused.Load()
	res.Connected = s.gotConn.Load() || s.tcpUp.Load()
	if !res.Reused {
		res.DNS = span(&s.dnsStart, &s.dnsDone)
		res.Connect = span(&s.connStart, &s.connDone)
		res.TLS = span(&s.tlsStart, &s.tlsDone)
	}
	if fb := s.firstByte.Load(); fb > 0 {
		res.TTFB = time.Duration(fb - 1)
	}
}

// errText is an error without the `Post "URL": ` prefix every attempt
// shares, with the credentials of any URL it still quotes (a redirect's)
// masked.
func errText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return secret.RedactText(err.Error())
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func timeoutCause(res *Result, inBody bool) string {
	switch {
	case inBody:
		return "body not complete in time"
	case res.Connected:
		return "no answer in time"
	}
	return "could not connect in time"
}

// networkCause names a transport failure in a few words, from the error's
// type (never its text): by DNS, system error, TLS, early end of the
// connection, in that order, else by the failed operation.
func networkCause(err error, inBody bool) string {
	if c := dnsCause(err); c != "" {
		return c
	}
	if c := matchCause(err, inBody, errnoCauses); c != "" {
		return c
	}
	if c := tlsCause(err); c != "" {
		return c
	}
	if c := matchCause(err, inBody, eofCauses); c != "" {
		return c
	}
	return opCause(err)
}

// causeRule names the failures that are any of errs.
type causeRule struct {
	errs    []error
	cause   string
	midBody string // the cause while the body was being read; "": cause
}

// errnoCauses name the system errors of a transport failure.
var errnoCauses = []causeRule{
	{errs: []error{syscall.ECONNREFUSED}, cause: "connection refused"},
	{errs: []error{syscall.ECONNRESET}, cause: "connection reset", midBody: "connection reset mid-body"},
	{errs: []error{syscall.EHOSTUNREACH, syscall.ENETUNREACH}, cause: "host unreachable"},
	{errs: []error{syscall.EMFILE, syscall.ENFILE}, cause: "too many open files (raise ulimit -n or lower the workers)"},
	{errs: []error{syscall.EADDRNOTAVAIL}, cause: "no local port left"},
	{errs: []error{syscall.EPIPE}, cause: "connection closed while sending"},
}

// eofCauses name a connection that ended early.
var eofCauses = []causeRule{
	{errs: []error{io.EOF, io.ErrUnexpectedEOF}, cause: "connection closed without an answer", midBody: "closed mid-body"},
}

// matchCause is the cause of the first rule err is one of the errors of,
// or "".
func matchCause(err error, inBody bool, rules []causeRule) string {
	for _, r := range rules {
		for _, e := range r.errs {
			if !errors.Is(err, e) {
				continue
			}
			if inBody && r.midBody != "" {
				return r.midBody
			}
			return r.cause
		}
	}
	return ""
}

func dnsCause(err error) string {
	var dnsErr *net.DNSError
	switch {
	case !errors.As(err, &dnsErr):
		return ""
	case dnsErr.IsNotFound:
		return "no such host"
	}
	return "DNS lookup failed"
}

func tlsCause(err error) string {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &invalidErr):
		return "TLS certificate not trusted"
	case errors.As(err, &recErr):
		return "not a TLS server"
	}
	return ""
}

// opCause names a failure no rule knows by its operation ("dial failed"),
// else by the last part of its message.
func opCause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op != "" {
		return oe.Op + " failed"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		msg = msg[i+2:]
	}
	return msg
}
