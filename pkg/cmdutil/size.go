package cmdutil

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// sizeUnits are the suffixes ParseSize accepts, longest first so that
// "MB" is not read as "B". K, M and G are binary (1 KB = 1024 bytes), as
// in the rest of wamo's messages.
var sizeUnits = []struct {
	suffix string
	mult   int
}{
	{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10},
	{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
	{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1},
}

// ParseSize parses sizes such as 64MB, 10MiB, 512k or 1048576. The number
// is a positive decimal integer written without sign or leading zeros; a
// size that does not fit in an int is an error, never a wrapped value.
func ParseSize(s string) (int, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := 1
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.Atoi(t)
	if errors.Is(err, strconv.ErrRange) && t[0] >= '0' && t[0] <= '9' {
		return 0, fmt.Errorf("size %q is too large (the largest is %s bytes)", s, strconv.Itoa(math.MaxInt))
	}
	if err != nil || n <= 0 || strconv.Itoa(n) != t {
		return 0, fmt.Errorf("invalid size %q (examples: 64MB, 512KB, 1048576)", s)
	}
	if n > math.MaxInt/mult {
		return 0, fmt.Errorf("size %q is too large (the largest is %s bytes)", s, strconv.Itoa(math.MaxInt))
	}
	return n * mult, nil
}

// FormatSize renders n bytes the way ParseSize reads them back: 64MB,
// 512KB, or a plain number of bytes.
func FormatSize(n int) string {
	for _, u := range []struct {
		unit string
		mult int
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if n >= u.mult && n%u.mult == 0 {
			return strconv.Itoa(n/u.mult) + u.unit
		}
	}
	return strconv.Itoa(n)
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
	return FormatSize(*v.p)
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
