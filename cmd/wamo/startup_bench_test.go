package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkStartup runs a wamo built as the release builds it (static,
// stripped) once per iteration: `--version` and the validation of one
// small file, the runs whose time is mostly start-up. Besides wall time it
// reports the child's CPU time (user+sys) and minor page faults, which a
// loaded machine disturbs less. WAMO_BENCH_ANCHOR names another binary to
// run with --version in the same benchmark (the bench kit's hello-world
// cobra CLI), so that ratios come from one run:
//
//	WAMO_BENCH_ANCHOR=path/to/cobrahello go test -run XXX -bench Startup -count 5 ./cmd/wamo
func BenchmarkStartup(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "wamo")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	fixture := filepath.Join("..", "..", "fixtures", "cloud", "text.json")
	b.Run("version", func(b *testing.B) { benchRun(b, bin, "--version") })
	b.Run("validate-one-file", func(b *testing.B) { benchRun(b, bin, "validate", fixture) })
	if anchor := os.Getenv("WAMO_BENCH_ANCHOR"); anchor != "" {
		b.Run("anchor-version", func(b *testing.B) { benchRun(b, anchor, "--version") })
	}
}

// benchRun runs bin with args b.N times and reports the child's CPU time
// and page faults per run.
func benchRun(b *testing.B, bin string, args ...string) {
	var cpu time.Duration
	var faults int64
	for b.Loop() {
		cmd := exec.Command(bin, args...)
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s %v: %v", bin, args, err)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		faults += minorFaults(cmd.ProcessState)
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(faults)/float64(b.N), "faults/op")
}
