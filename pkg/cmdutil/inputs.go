package cmdutil

import (
	"fmt"
	"runtime"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// InputArgs returns the inputs a command reads: its arguments, or stdin
// ("-") when there are none and something is piped in. With no arguments
// and a terminal on stdin it is a usage error rather than a silent wait.
func InputArgs(stdinTTY bool, args []string) ([]string, error) {
	if len(args) > 0 {
		return args, nil
	}
	if stdinTTY {
		return nil, Usagef("no input: give files, directories or - to read stdin")
	}
	return []string{"-"}, nil
}

// NoArgs rejects positional arguments as a usage error (exit 2).
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return Usagef("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// OneFormat reads a --format that must name one format, not auto.
func OneFormat(name string) (payload.Format, error) {
	f, err := payload.ParseFormat(name)
	if err != nil {
		return payload.Unknown, Usagef("--format: %v", err)
	}
	if f == payload.Unknown {
		return payload.Unknown, Usagef("--format: name one format: %s", payload.FormatList())
	}
	return f, nil
}

// ExcludeVar defines the repeatable --exclude flag of the commands that
// read payloads (see input.Options.Exclude).
func ExcludeVar(fs *pflag.FlagSet, p *[]string) {
	fs.StringArrayVar(p, "exclude", nil, "skip files and directories matching this `GLOB` (.gitignore syntax; repeatable)")
}

// InputsHelp is the paragraph of the long help of every command that reads
// payloads (validate, show, convert, redact, replay) on how inputs are
// found and read.
const InputsHelp = `Inputs: a file named must be a payload; - reads stdin. Directories are
walked for *.json, *.ndjson and *.jsonl, leaving out hidden directories,
node_modules, vendor, what .gitignore files ignore and what --exclude GLOB
(.gitignore syntax, repeatable) matches; files found there that are not
webhook payloads (package.json, tsconfig.json, a JSON Schema…), not JSON or
not regular files are skipped with a note on stderr. The content decides,
not the extension: a .ndjson file holding one pretty-printed document is
that document. An input with no document (an empty file, empty stdin) is
unusable input (exit 3), and so is a directory without a payload.

`

// jobsValue is a pflag.Value for -j/--jobs: a number of workers ≥ 1, or
// auto (stored as 0).
type jobsValue struct{ p *int }

func (v jobsValue) Set(s string) error {
	if s == "auto" {
		*v.p = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return fmt.Errorf("invalid number of jobs %q: want a number ≥ 1, or auto", s)
	}
	*v.p = n
	return nil
}

func (v jobsValue) Type() string { return "N" }

func (v jobsValue) String() string {
	if v.p == nil || *v.p == 0 {
		return "auto"
	}
	return strconv.Itoa(*v.p)
}

// JobsVar defines the -j/--jobs flag of the commands that read payloads:
// how many workers share the payloads' work; 0 (auto, the default) is
// resolved by Jobs.
func JobsVar(fs *pflag.FlagSet, p *int) {
	fs.VarP(jobsValue{p}, "jobs", "j", "workers sharing the payloads' work, `N` or auto (as many as CPUs Go may use, GOMAXPROCS); output stays in input order; 1 reads one payload at a time")
}

// Jobs resolves the value of -j: auto (0) is GOMAXPROCS, the CPUs this
// process may use.
func Jobs(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}
