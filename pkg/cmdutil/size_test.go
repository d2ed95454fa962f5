package cmdutil

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/wamo-dev/wamo/pkg/costcheck"
)

func TestParseSize(t *testing.T) {
	maxInt := strconv.Itoa(math.MaxInt)
	tests := []struct {
		in      string
		want    int
		wantErr string // "" when the size is valid
	}{
		{in: "1048576", want: 1 << 20},
		{in: "64MB", want: 64 << 20},
		{in: "10MiB", want: 10 << 20},
		{in: "512k", want: 512 << 10},
		{in: " 2 GB ", want: 2 << 30},
		{in: "7B", want: 7},
		{in: maxInt, want: math.MaxInt},
		{in: strconv.Itoa(math.MaxInt/1024) + "KB", want: math.MaxInt / 1024 * 1024},

		// Overflow: never a wrapped value.
		{in: "18014398509481985KB", wantErr: "too large"}, // (2^54+1) KiB wrapped to 1 KiB
		{in: strconv.Itoa(math.MaxInt/1024+1) + "KB", wantErr: "too large"},
		{in: "8589934592G", wantErr: "too large"}, // 2^33 GiB = 2^63
		{in: maxInt + "0", wantErr: "too large"},
		{in: "99999999999999999999999999MB", wantErr: "too large"},

		// Not a size.
		{in: "", wantErr: "invalid size"},
		{in: "MB", wantErr: "invalid size"},
		{in: "0", wantErr: "invalid size"},
		{in: "0KB", wantErr: "invalid size"},
		{in: "-1MB", wantErr: "invalid size"},
		{in: "-99999999999999999999999", wantErr: "invalid size"},
		{in: "+5", wantErr: "invalid size"},
		{in: "007", wantErr: "invalid size"},
		{in: "1.5MB", wantErr: "invalid size"},
		{in: "10 MBs", wantErr: "invalid size"},
		{in: "1e6", wantErr: "invalid size"},
		{in: "0x10", wantErr: "invalid size"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSize(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSize(%q) = %d, %v; want an error saying %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatSizeRoundTrips(t *testing.T) {
	for _, n := range []int{1, 1000, 1 << 10, 3 << 20, 64 << 20, 5 << 30, 1<<20 + 1, math.MaxInt} {
		s := FormatSize(n)
		back, err := ParseSize(s)
		if err != nil || back != n {
			t.Errorf("FormatSize(%d) = %q, which parses as %d, %v", n, s, back, err)
		}
	}
}

func TestSizeFlag(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	var n int
	SizeVar(fs, &n, "max-size", "64MB", "")
	if n != 64<<20 || fs.Lookup("max-size").DefValue != "64MB" {
		t.Fatalf("default: %d, %q", n, fs.Lookup("max-size").DefValue)
	}
	if err := fs.Parse([]string{"--max-size", "18014398509481985KB"}); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("an overflowing size was accepted: n = %d, err %v", n, err)
	}
	if n != 64<<20 {
		t.Errorf("a refused value changed the flag to %d", n)
	}
	if err := fs.Parse([]string{"--max-size", "1KB"}); err != nil || n != 1024 {
		t.Errorf("--max-size 1KB: %d, %v", n, err)
	}
}

// FuzzParseSize: any text either fails or gives a positive size that
// FormatSize writes back to the same size, in time linear in its length.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"64MB", "10MiB", "512k", "1048576", "18014398509481985KB", "0", "-1", " 2 GB ", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n int
		var err error
		costcheck.Within(t, "ParseSize", []byte(s), func([]byte) { n, err = ParseSize(s) })
		if err != nil {
			return
		}
		if n <= 0 {
			t.Fatalf("ParseSize(%q) = %d", s, n)
		}
		if back, err := ParseSize(FormatSize(n)); err != nil || back != n {
			t.Fatalf("ParseSize(%q) = %d, written %q, read back %d, %v", s, n, FormatSize(n), back, err)
		}
	})
}
