package replay

import (
	"crypto/tls"
	"net/http"
)

// maxIdlePerHost caps the keep-alive pool of the open model, whose workers
// can grow to MaxWorkers.
const maxIdlePerHost = 4096

// prepareClient copies cfg.Client (or a new client) for one run: redirects
// follow FollowRedirects, and an *http.Transport (or the default one) is
// cloned and tuned for keep-alive — as many idle connections per host as
// there can be workers, so that every worker keeps its connection like a
// provider does, and no transparent gzip, so that bytes are counted as
// received. Other RoundTrippers (test doubles) are used as they are.
func prepareClient(cfg Config) (*http.Client, func()) {
	var c http.Client
	if cfg.Client != nil {
		c = *cfg.Client
	}
	var tr *http.Transport
	switch t := c.Transport.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		tr = t.Clone()
	}
	if tr != nil {
		conns := cfg.Concurrency
		if cfg.Rate > 0 {
			conns = max(conns, min(cfg.MaxWorkers, maxIdlePerHost))
		}
		tr.MaxIdleConns = 0
		tr.MaxIdleConnsPerHost = max(conns, 2)
		tr.DisableCompression = true
		if cfg.Insecure {
			if tr.TLSClientConfig == nil {
				tr.TLSClientConfig = &tls.Config{}
			}
			tr.TLSClientConfig.InsecureSkipVerify = true
		}
		c.Transport = tr
	}
	if cfg.FollowRedirects {
		c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errTooManyRedirects
			}
			return nil
		}
	} else {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	closeIdle := func() {}
	if tr != nil {
		closeIdle = tr.CloseIdleConnections
	}
	return &c, closeIdle
}
