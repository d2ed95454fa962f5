package input_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// benchLines is every valid embedded fixture compacted to one line.
func benchLines(tb testing.TB) [][]byte {
	tb.Helper()
	var lines [][]byte
	for _, fx := range fixtures.List() {
		if fx.Invalid {
			continue
		}
		b, err := fixtures.Read(fx)
		if err != nil {
			tb.Fatal(err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			tb.Fatal(err)
		}
		lines = append(lines, append(buf.Bytes(), '\n'))
	}
	return lines
}

// benchValidateStages validates args through RunStages with jobs workers,
// as `wamo validate -jN` does, and reports MB/s of wall time and of CPU
// time: on a shared machine the wall figure says what the cores gave, the
// CPU figure what the parallel run costs over the sequential one.
func benchValidateStages(b *testing.B, args []string, size int64, jobs int) {
	b.SetBytes(size)
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		n++
		valid := 0
		_, err := input.RunStages(context.Background(), args, input.Options{Jobs: jobs}, input.Work{},
			input.Stages[validate.Result]{
				New: func() func(*payload.Payload, *validate.Result) {
					v := validate.New(validate.Options{})
					return func(p *payload.Payload, r *validate.Result) { *r = v.Validate(p) }
				},
				Emit: func(_ *payload.Payload, r *validate.Result) error {
					if r.Valid() {
						valid++
					}
					return nil
				},
			})
		if err != nil || valid == 0 {
			b.Fatal(err, valid)
		}
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(int64(n)*size)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkValidateStagesNDJSON validates 16 MB of NDJSON (every valid
// fixture, cycled) with 1 and 2 workers.
func BenchmarkValidateStagesNDJSON(b *testing.B) {
	lines := benchLines(b)
	var data []byte
	for i := 0; len(data) < 16<<20; i++ {
		data = append(data, lines[i%len(lines)]...)
	}
	name := filepath.Join(b.TempDir(), "bench.ndjson")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		b.Fatal(err)
	}
	for _, jobs := range []int{1, 2} {
		b.Run(fmt.Sprintf("j%d", jobs), func(b *testing.B) {
			benchValidateStages(b, []string{name}, int64(len(data)), jobs)
		})
	}
}

// BenchmarkValidateStagesDir validates a directory of 2,000 files of one
// payload each with 1 and 2 workers.
func BenchmarkValidateStagesDir(b *testing.B) {
	lines := benchLines(b)
	dir := b.TempDir()
	size := int64(0)
	for i := range 2000 {
		l := lines[i%len(lines)]
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%05d.json", i)), l, 0o644); err != nil {
			b.Fatal(err)
		}
		size += int64(len(l))
	}
	for _, jobs := range []int{1, 2} {
		b.Run(fmt.Sprintf("j%d", jobs), func(b *testing.B) {
			benchValidateStages(b, []string{dir}, size, jobs)
		})
	}
}

// cpuTime is the CPU time (user + system) the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
