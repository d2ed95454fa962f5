// Package cmdtest runs wamo commands in tests the way the binary does, so
// that each command's test states only its arguments and its world: the
// streams are in memory, the clock and the environment are the test's, and
// an error becomes the exit code and the message root.Run would print.
package cmdtest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/render"
)

// Version is the version the test binary reports.
const Version = "1.2.3-test"

// Env is the outside world of one run. The zero Env is an empty stdin, no
// terminal, an empty environment and the real clock.
type Env struct {
	Ctx       context.Context // nil: context.Background()
	Stdin     string
	Now       time.Time         // zero: the real clock
	Vars      map[string]string // the environment variables Getenv sees
	StdinTTY  bool
	StdoutTTY bool
	StderrTTY bool
	NoColor   bool                       // NO_COLOR is set
	Setup     func(*iostreams.IOStreams) // anything else, after the fields above
}

// Result is what a run leaves behind.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Factory returns a factory over in-memory streams set up as e says, and
// the buffers that collect stdout and stderr.
func Factory(e Env) (f *cmdutil.Factory, out, errOut *bytes.Buffer) {
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(e.Stdin)
	ios.SetStdinTTY(e.StdinTTY)
	ios.SetStdoutTTY(e.StdoutTTY)
	ios.SetStderrTTY(e.StderrTTY)
	ios.SetNoColorEnv(e.NoColor)
	if e.Setup != nil {
		e.Setup(ios)
	}
	now := time.Now
	if !e.Now.IsZero() {
		now = func() time.Time { return e.Now }
	}
	f = &cmdutil.Factory{
		IOStreams:  ios,
		Now:        now,
		HTTPClient: func() *http.Client { return &http.Client{} },
		Getenv:     func(k string) string { return e.Vars[k] },
		Build:      cmdutil.BuildInfo{Version: Version},
	}
	return f, out, errOut
}

// Run builds a command with its NewCmdX(f, runF) over a factory of e (a
// nil runF runs the command itself) and runs it with args as root.Run runs
// the tree: flag errors are usage errors, an error is printed once on
// stderr (unless it is silent) and gives the exit code.
func Run[O any](e Env, newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command, runF func(context.Context, *O) error, args ...string) Result {
	return RunTree(e, func(ctx context.Context, args []string, f *cmdutil.Factory) int {
		return cmdutil.ExitCode(Exec(ctx, newCmd(f, runF), f.IOStreams, args...))
	}, args...)
}

// RunTree runs args through run over a factory of e. The tests of the
// whole tree pass root.Run, which this package cannot import: every
// command's tests import it.
func RunTree(e Env, run func(context.Context, []string, *cmdutil.Factory) int, args ...string) Result {
	f, out, errOut := Factory(e)
	ctx := e.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	code := run(ctx, args, f)
	return Result{code, out.String(), errOut.String()}
}

// Exec runs cmd with args on the streams ios and returns its error, after
// printing it as root.Run does. A test that needs the streams while the
// command runs (a server, a pipe) calls it itself.
func Exec(ctx context.Context, cmd *cobra.Command, ios *iostreams.IOStreams, args ...string) error {
	cmd.SetArgs(args)
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(cmdutil.FlagError)
	err := cmd.ExecuteContext(ctx)
	var ee *cmdutil.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.Silent) {
		render.Error(ios, err.Error())
	}
	return err
}

// SyncBuffer is a bytes.Buffer safe to read while a command writes to it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
