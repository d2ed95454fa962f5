package cmdutil

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// BuildInfo is stamped into the binary at link time (see cmd/wamo).
type BuildInfo struct {
	Version string
	Commit  string
	Date    string
}

// Factory carries what commands need from the outside world. Tests build one
// with in-memory streams, a fixed clock and a loopback HTTP client.
type Factory struct {
	IOStreams  *iostreams.IOStreams
	Now        func() time.Time
	HTTPClient func() *http.Client
	Getenv     func(string) string
	Build      BuildInfo
}

// NewFactory returns the production factory.
func NewFactory(ios *iostreams.IOStreams, build BuildInfo) *Factory {
	return &Factory{
		IOStreams:  ios,
		Now:        time.Now,
		HTTPClient: func() *http.Client { return &http.Client{} },
		Getenv:     os.Getenv,
		Build:      build,
	}
}

// Dispatch ends a command's RunE (gh style): the options go to runF when a
// test passed one in to see them, otherwise to the command's run.
func Dispatch[O any](ctx context.Context, runF, run func(context.Context, *O) error, opts *O) error {
	if runF != nil {
		return runF(ctx, opts)
	}
	return run(ctx, opts)
}
