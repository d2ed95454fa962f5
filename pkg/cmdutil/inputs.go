package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// ParseSize parses sizes such as 64MB, 10MiB, 512k or 1048576.
func ParseSize(s string) (int, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := 1
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
		{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	var n int
	if _, err := fmt.Sscanf(t, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != t {
		return 0, fmt.Errorf("invalid size %q (examples: 64MB, 512KB, 1048576)", s)
	}
	return n * mult, nil
}

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

// sizeValue is a pflag.Value for sizes such as 64MB.
type sizeValue struct{ p *int }

func (v sizeValue) Set(s string) error {
	n, err := ParseSize(s)
	if err != nil {
		return err
	}
	*v.p = n
	return nil
}

func (v sizeValue) Type() string { return "size" }

func (v sizeValue) String() string {
	if v.p == nil {
		return ""
	}
	n := *v.p
	for _, u := range []struct {
		unit string
		mult int
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if n >= u.mult && n%u.mult == 0 {
			return fmt.Sprintf("%d%s", n/u.mult, u.unit)
		}
	}
	return fmt.Sprint(n)
}

// SizeVar defines a size flag (64MB, 512KB, 1048576) stored in *p, with
// default def. A bad value fails flag parsing, which the root command turns
// into a usage error.
func SizeVar(fs *pflag.FlagSet, p *int, name, def, usage string) {
	n, err := ParseSize(def)
	if err != nil {
		panic("cmdutil.SizeVar: bad default " + def)
	}
	*p = n
	fs.Var(sizeValue{p}, name, usage)
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
