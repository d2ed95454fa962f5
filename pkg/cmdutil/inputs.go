package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// Input is one source named on the command line: a file, "-" for stdin, or
// a problem with what was named (reported per input; the others are still
// processed).
type Input struct {
	Name  string // as shown to the user
	Path  string // "" for stdin
	Stdin bool
	Err   error
}

// PayloadExtensions are the file extensions picked up when walking a directory.
var PayloadExtensions = []string{".json", ".ndjson", ".jsonl"}

// ExpandInputs turns arguments into inputs: directories are walked
// recursively for *.json, *.ndjson and *.jsonl (sorted; hidden directories
// skipped), unexpanded glob patterns are expanded, "-" is stdin.
func ExpandInputs(args []string) []Input {
	var out []Input
	for _, a := range args {
		if a == "-" {
			out = append(out, Input{Name: "-", Stdin: true})
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			if strings.ContainsAny(a, "*?[") {
				matches, gerr := filepath.Glob(a)
				if gerr == nil && len(matches) > 0 {
					sort.Strings(matches)
					out = append(out, ExpandInputs(matches)...)
					continue
				}
				out = append(out, Input{Name: a, Path: a, Err: fmt.Errorf("no file matches %q", a)})
				continue
			}
			out = append(out, Input{Name: a, Path: a, Err: describeOpenError(err)})
			continue
		}
		if !st.IsDir() {
			out = append(out, Input{Name: a, Path: a})
			continue
		}
		var found []Input
		werr := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				found = append(found, Input{Name: p, Path: p, Err: describeOpenError(err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if p != a && strings.HasPrefix(d.Name(), ".") {
					return fs.SkipDir
				}
				return nil
			}
			if hasPayloadExt(p) {
				found = append(found, Input{Name: p, Path: p})
			}
			return nil
		})
		if werr != nil {
			found = append(found, Input{Name: a, Path: a, Err: describeOpenError(werr)})
		}
		if len(found) == 0 {
			out = append(out, Input{Name: a, Path: a, Err: errors.New("directory holds no .json, .ndjson or .jsonl file")})
		}
		out = append(out, found...)
	}
	return out
}

func hasPayloadExt(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	for _, e := range PayloadExtensions {
		if ext == e {
			return true
		}
	}
	return false
}

func describeOpenError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file or directory")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission denied")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Open opens an input for reading; stdin is not closed by the returned closer.
func (in Input) Open(stdin io.Reader) (io.ReadCloser, error) {
	if in.Stdin {
		return io.NopCloser(stdin), nil
	}
	f, err := os.Open(in.Path)
	if err != nil {
		return nil, describeOpenError(err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, errors.New("is a directory")
	}
	return f, nil
}

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
