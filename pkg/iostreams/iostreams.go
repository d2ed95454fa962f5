// Package iostreams is the only place that knows about file descriptors,
// terminals and the colour decision. Commands receive an *IOStreams and never
// touch os.Stdin/os.Stdout/os.Stderr directly, so tests can drive them.
package iostreams

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// ColorMode is the user's --color choice.
type ColorMode int

// Colour modes accepted by --color.
const (
	ColorAuto ColorMode = iota
	ColorAlways
	ColorNever
)

// ColorModes are the values --color takes (ParseColorMode also accepts a few
// synonyms, not offered by completion).
var ColorModes = []string{"auto", "always", "never"}

// ParseColorMode parses auto|always|never.
func ParseColorMode(s string) (ColorMode, error) {
	switch s {
	case "", "auto":
		return ColorAuto, nil
	case "always", "force":
		return ColorAlways, nil
	case "never", "none", "off":
		return ColorNever, nil
	}
	return ColorAuto, fmt.Errorf("invalid --color %q: want auto, always or never", s)
}

// ColorEnv is what the environment says about colour when --color is auto.
type ColorEnv int

// What the environment can say about colour.
const (
	ColorEnvUnset ColorEnv = iota // nothing: colour on terminals only
	ColorEnvOff                   // no colour, even on a terminal
	ColorEnvForce                 // colour, even when piped
)

// ReadColorEnv reads the colour conventions from the environment, in this
// order (the first that applies wins):
//
//   - NO_COLOR non-empty: off (no-color.org: an empty NO_COLOR is as if unset)
//   - CLICOLOR_FORCE non-empty and not "0": force (bixense.com/clicolors)
//   - CLICOLOR=0: off
//   - TERM=dumb: off (the terminal cannot show escape sequences)
func ReadColorEnv(getenv func(string) string) ColorEnv {
	if getenv("NO_COLOR") != "" {
		return ColorEnvOff
	}
	if v := getenv("CLICOLOR_FORCE"); v != "" && v != "0" {
		return ColorEnvForce
	}
	if getenv("CLICOLOR") == "0" || getenv("TERM") == "dumb" {
		return ColorEnvOff
	}
	return ColorEnvUnset
}

// IOStreams bundles the process's standard streams with what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool

	colorMode ColorMode
	colorEnv  ColorEnv

	termWidth func() int
}

// System returns streams bound to the process's stdin/stdout/stderr, with the
// colour environment (NO_COLOR, CLICOLOR_FORCE, CLICOLOR, TERM) read once here.
func System() *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	s.colorEnv = ReadColorEnv(os.Getenv)
	s.termWidth = func() int {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
			return w
		}
		if w, _, err := term.GetSize(int(os.Stderr.Fd())); err == nil && w > 0 {
			return w
		}
		if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 0 {
			return c
		}
		return 80
	}
	return s
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// Test returns streams over in-memory buffers; none is a TTY until told so.
func Test() (s *IOStreams, in *bytes.Buffer, out *bytes.Buffer, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	s = &IOStreams{In: in, Out: out, ErrOut: errOut, termWidth: func() int { return 80 }}
	return s, in, out, errOut
}

// SetStdinTTY, SetStdoutTTY and SetStderrTTY let tests pretend a stream is a terminal.
func (s *IOStreams) SetStdinTTY(v bool)  { s.stdinTTY = v }
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// SetNoColorEnv lets tests simulate a non-empty NO_COLOR.
func (s *IOStreams) SetNoColorEnv(v bool) {
	if v {
		s.colorEnv = ColorEnvOff
	} else {
		s.colorEnv = ColorEnvUnset
	}
}

// SetColorEnv records what the environment says about colour (tests; see ReadColorEnv).
func (s *IOStreams) SetColorEnv(e ColorEnv) { s.colorEnv = e }

// SetColorMode records the --color flag.
func (s *IOStreams) SetColorMode(m ColorMode) { s.colorMode = m }

// SetTerminalWidth fixes the width reported by TerminalWidth (tests, golden files).
func (s *IOStreams) SetTerminalWidth(w int) { s.termWidth = func() int { return w } }

// IsStdinTTY reports whether stdin is a terminal (nothing piped in).
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// ColorEnabled decides colour for stdout: the --color flag, then the
// environment (see ReadColorEnv), then whether stdout is a terminal.
func (s *IOStreams) ColorEnabled() bool { return s.colorFor(s.stdoutTTY) }

// ColorEnabledErr decides colour for stderr by the same precedence.
func (s *IOStreams) ColorEnabledErr() bool { return s.colorFor(s.stderrTTY) }

func (s *IOStreams) colorFor(tty bool) bool {
	switch s.colorMode {
	case ColorAlways:
		return true
	case ColorNever:
		return false
	}
	switch s.colorEnv {
	case ColorEnvOff:
		return false
	case ColorEnvForce:
		return true
	}
	return tty
}

// TerminalWidth is the width to lay out tables for; 80 when unknown.
func (s *IOStreams) TerminalWidth() int {
	if s.termWidth == nil {
		return 80
	}
	return s.termWidth()
}
