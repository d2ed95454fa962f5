package cmdutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"testing"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"usage", Usagef("bad flag"), ExitUsage},
		{"input", Inputf("not JSON"), ExitInput},
		{"network", Networkf("refused"), ExitNetwork},
		{"environment", Environmentf("cannot write in captures/"), ExitEnvironment},
		{"interrupted", ErrInterrupted, ExitInterrupted},
		{"silent findings", Silent(ExitFindings), ExitFindings},
		{"full disk writing stdout", &fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}, ExitEnvironment},
		{"wrapped full disk", fmt.Errorf("writing the output: %w", &os.PathError{Op: "write", Path: "out", Err: syscall.ENOSPC}), ExitEnvironment},
		{"quota", fmt.Errorf("save: %w", syscall.EDQUOT), ExitEnvironment},
		{"out of memory", fmt.Errorf("mmap: %w", syscall.ENOMEM), ExitEnvironment},
		{"read-only file system", &fs.PathError{Op: "open", Path: "x", Err: syscall.EROFS}, ExitEnvironment},
		{"no file descriptors", fmt.Errorf("accept: %w", syscall.EMFILE), ExitEnvironment},
		// A code given by the command wins over the classification.
		{"input that says ENOSPC", &ExitError{Code: ExitInput, Err: fmt.Errorf("x: %w", syscall.ENOSPC)}, ExitInput},
		{"unexpected", errors.New("boom"), ExitFindings},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("%s: ExitCode(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestWorst(t *testing.T) {
	order := []int{ExitOK, ExitFindings, ExitInput, ExitUsage, ExitNetwork, ExitEnvironment, ExitInterrupted}
	for i, a := range order {
		for j, b := range order {
			want := a
			if j > i {
				want = b
			}
			if got := Worst(a, b); got != want {
				t.Errorf("Worst(%d, %d) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// TestExitCodesTable keeps the documented table in step with the codes.
func TestExitCodesTable(t *testing.T) {
	codes := []int{ExitOK, ExitFindings, ExitUsage, ExitInput, ExitNetwork, ExitEnvironment, ExitInterrupted}
	if len(ExitCodes) != len(codes) {
		t.Fatalf("ExitCodes documents %d codes, want %d", len(ExitCodes), len(codes))
	}
	for i, c := range codes {
		if ExitCodes[i].Code != c || ExitCodes[i].Meaning == "" {
			t.Errorf("ExitCodes[%d] = %+v, want code %d with a meaning", i, ExitCodes[i], c)
		}
	}
}
