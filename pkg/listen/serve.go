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

	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"golang.org/x/net/netutil"
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
	if jsonlex.Digits(addr) {
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

// Defaults of ServeConfig.
const (
	DefaultMaxConns          = 256
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second // a 10 MB body at 350 KB/s
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
)

// ServeConfig bounds what clients can hold of a server. Zero fields take
// the defaults above.
type ServeConfig struct {
	// Grace is how long requests in flight may finish on shutdown
	// (DefaultGrace).
	Grace time.Duration
	// MaxConns caps the connections open at once; past it new ones wait
	// in the kernel's backlog until one closes.
	MaxConns int
	// ReadHeaderTimeout bounds the reading of a request's headers,
	// ReadTimeout of the whole request (body included): a client that
	// trickles bytes loses its connection.
	ReadHeaderTimeout, ReadTimeout time.Duration
	// WriteTimeout bounds the time from a request's headers to the end of
	// its answer; 0 means ReadTimeout plus the longest a Handler may take
	// to answer (Config.Delay or Config.ForwardTimeout) plus a minute.
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections left unused.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the size of a request's headers.
	MaxHeaderBytes int
}

func (c ServeConfig) withDefaults(h http.Handler) ServeConfig {
	positive(&c.Grace, DefaultGrace)
	positive(&c.MaxConns, DefaultMaxConns)
	positive(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	positive(&c.ReadTimeout, DefaultReadTimeout)
	positive(&c.IdleTimeout, DefaultIdleTimeout)
	positive(&c.MaxHeaderBytes, DefaultMaxHeaderBytes)
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = c.ReadTimeout + time.Minute
		if wh, ok := h.(*Handler); ok {
			c.WriteTimeout += max(wh.cfg.Delay, wh.cfg.ForwardTimeout)
		}
	}
	return c
}

// Serve serves h on ln until ctx is done, then shuts down gracefully: it
// stops accepting connections, lets the requests in flight finish for up
// to cfg.Grace and then closes what remains. It returns nil after a
// shutdown, or why serving failed. At most cfg.MaxConns connections are
// served at once (netutil.LimitListener), each within the timeouts of cfg.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, cfg ServeConfig) error {
	cfg = cfg.withDefaults(h)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          log.New(io.Discard, "", 0), // a library does not print
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(netutil.LimitListener(ln, cfg.MaxConns)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.Grace)
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
