package listen

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"time"
)

// DefaultAddr is where wamo listens unless told otherwise: the loopback
// interface only, so that nothing outside the machine can post to it.
const DefaultAddr = "127.0.0.1:8080"

// DefaultGrace is how long Serve lets requests in flight finish on shutdown.
const DefaultGrace = 5 * time.Second

// NormalizeAddr completes an address given on the command line: a bare
// port ("8080", ":8080" is left alone: it means every interface) listens on
// the loopback interface; a host without a port gets 8080.
func NormalizeAddr(addr string) string {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return DefaultAddr
	}
	if isDigits(addr) {
		return "127.0.0.1:" + addr
	}
	if _, _, err := net.SplitHostPort(addr); err == nil {
		return addr
	}
	// A host without a port: a name, an IPv4 or a (bracketed) IPv6 address.
	if h := strings.Trim(addr, "[]"); !strings.Contains(h, ":") || net.ParseIP(h) != nil {
		return net.JoinHostPort(h, "8080")
	}
	return addr
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// IsLoopback reports whether addr (host:port) only accepts connections
// from this machine: 127.0.0.0/8, ::1 or localhost. An empty host (":8080")
// means every interface.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Serve serves h on ln until ctx is done, then shuts down gracefully: it
// stops accepting connections, lets the requests in flight finish for up
// to grace (0: DefaultGrace) and then closes what remains. It returns nil
// after a shutdown, or why serving failed.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration) error {
	if grace <= 0 {
		grace = DefaultGrace
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // a 10 MB body on a slow link
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(io.Discard, "", 0), // a library does not print
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
