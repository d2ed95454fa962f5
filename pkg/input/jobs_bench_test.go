package input_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/input"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// benchValidateStages validates args through RunStages with jobs workers,
// as `wamo validate -jN` does, and reports MB/s of wall time and of CPU
// time: on a shared machine the wall figure says what the cores gave, the
// CPU figure what the parallel run costs over the sequential one.
func benchValidateStages(b *testing.B, args []string, size int64, jobs int) {
	b.SetBytes(size)
	b.ReportAllocs()
	cpu0 := costcheck.CPUTime()
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
	if cpu := costcheck.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(int64(n)*size)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkValidateStagesNDJSON validates 16 MB of NDJSON (every valid
// fixture, cycled) with 1 and 2 workers.
func BenchmarkValidateStagesNDJSON(b *testing.B) {
	data, err := fixtures.NDJSON(16<<20, func(fx fixtures.Fixture) bool { return !fx.Invalid })
	if err != nil {
		b.Fatal(err)
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
	data, err := fixtures.NDJSON(8<<20, func(fx fixtures.Fixture) bool { return !fx.Invalid })
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) < 2000 {
		b.Fatalf("%d lines", len(lines))
	}
	dir := b.TempDir()
	size := int64(0)
	for i, l := range lines[:2000] {
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
