// Package cmdutil holds what every command shares: the exit-code table, the
// typed error that carries an exit code, and the Factory of injected
// dependencies. Command packages import it; it imports no command package.
package cmdutil

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes: one table for every wamo command (see `wamo help exit-codes`).
const (
	ExitOK          = 0   // everything checked out
	ExitFindings    = 1   // invalid payload, lossy conversion under --strict, slow or failed response
	ExitUsage       = 2   // bad flags or arguments
	ExitInput       = 3   // unusable input: unreadable file, not JSON, format not recognised
	ExitNetwork     = 4   // could not reach or bind the network at all
	ExitEnvironment = 5   // the machine refused: unwritable directory, full disk, out of memory
	ExitInterrupted = 130 // interrupted (Ctrl-C) after reporting what was done
)

// ExitCodes documents the table above; rendered by `wamo help exit-codes` and the README.
var ExitCodes = []struct {
	Code    int
	Meaning string
}{
	{ExitOK, "ok: every input valid, every request answered 2xx within the deadline"},
	{ExitFindings, "findings: an invalid payload, a lossy conversion under --strict, a response not 2xx or over the deadline, an SLO threshold missed"},
	{ExitUsage, "usage: bad flags or arguments"},
	{ExitInput, "unusable input: unreadable file, not JSON, format not recognised"},
	{ExitNetwork, "network: nothing could be reached (refused, DNS) or the listen address could not be bound"},
	{ExitEnvironment, "environment: the machine refused the work: a directory that cannot be written (--save), a full disk, out of memory"},
	{ExitInterrupted, "interrupted (Ctrl-C), after printing what was done"},
}

// ExitError is an error that knows the process exit code it maps to.
// Silent errors have already been reported (for example as diagnostics) and
// only set the exit code.
type ExitError struct {
	Code   int
	Err    error
	Silent bool
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Usagef returns a usage error (exit 2).
func Usagef(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// Inputf returns an unusable-input error (exit 3).
func Inputf(format string, a ...any) error {
	return &ExitError{Code: ExitInput, Err: fmt.Errorf(format, a...)}
}

// Networkf returns a network error (exit 4).
func Networkf(format string, a ...any) error {
	return &ExitError{Code: ExitNetwork, Err: fmt.Errorf(format, a...)}
}

// Environmentf returns an environment error (exit 5): the input and the
// flags were fine, the machine could not do the work.
func Environmentf(format string, a ...any) error {
	return &ExitError{Code: ExitEnvironment, Err: fmt.Errorf(format, a...)}
}

// environmentErrnos are the system errors that say the machine, not the
// input or the flags, is at fault.
var environmentErrnos = []error{syscall.ENOSPC, syscall.EDQUOT, syscall.ENOMEM, syscall.EROFS, syscall.EMFILE, syscall.ENFILE}

// IsEnvironment reports whether err comes from the machine: a full disk or
// quota, memory or file descriptors exhausted, a read-only file system.
func IsEnvironment(err error) bool {
	for _, e := range environmentErrnos {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Silent returns an error that sets the exit code without printing anything:
// the command has already reported why.
func Silent(code int) error {
	if code == ExitOK {
		return nil
	}
	return &ExitError{Code: code, Silent: true}
}

// ErrInterrupted is returned by commands stopped by Ctrl-C after they reported progress.
var ErrInterrupted = &ExitError{Code: ExitInterrupted, Err: errors.New("interrupted"), Silent: true}

// ExitCode maps any error to its exit code: ExitError's code; 5 for an
// error of the machine (see IsEnvironment), such as writing the output to a
// full disk; or 1 for the unexpected (an internal failure that still
// deserves a non-zero status).
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if IsEnvironment(err) {
		return ExitEnvironment
	}
	return ExitFindings
}

// Worst returns the exit code that should win when several inputs end
// differently: unusable input (3) outranks findings (1); interruption and
// network and environment failures outrank both.
func Worst(a, b int) int {
	rank := func(c int) int {
		switch c {
		case ExitOK:
			return 0
		case ExitFindings:
			return 1
		case ExitInput:
			return 2
		case ExitUsage:
			return 3
		case ExitNetwork:
			return 4
		case ExitEnvironment:
			return 5
		case ExitInterrupted:
			return 6
		}
		return 1
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// FlagError turns cobra's flag-parsing errors (unknown flag, bad value) into
// usage errors; the root command installs it, and command tests that run a
// command on its own install it too.
func FlagError(_ *cobra.Command, err error) error { return Usagef("%v", err) }
