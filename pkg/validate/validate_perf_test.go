package validate_test

import (
	"testing"

	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/gen"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
)

// generatedNDJSON returns about size bytes of NDJSON of format f written
// by wamo gen (every message type and statuses, one payload per line):
// the shape of real traffic, many small payloads, where the per-payload
// cost counts as much as the per-byte one.
func generatedNDJSON(tb testing.TB, f payload.Format, size int) []byte {
	tb.Helper()
	g, err := gen.New(gen.Options{Format: f, Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]byte, 0, size+64<<10)
	for len(out) < size {
		out = append(out, g.Next()...)
		out = append(out, '\n')
	}
	return out
}

// benchValidateCPU is benchValidate reporting MB per CPU second too: on a
// shared machine the wall time says how busy the others were, the CPU
// time what validating cost.
func benchValidateCPU(b *testing.B, data []byte) {
	cpu0 := costcheck.CPUTime()
	benchValidate(b, data)
	if cpu := costcheck.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(int64(b.N)*int64(len(data)))/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkValidateGenerated measures validation throughput over 8 MB of
// generated NDJSON per format.
func BenchmarkValidateGenerated(b *testing.B) {
	for _, f := range []payload.Format{payload.WhatsApp, payload.Cloud, payload.Sinch} {
		b.Run(f.String(), func(b *testing.B) {
			benchValidateCPU(b, generatedNDJSON(b, f, 8<<20))
		})
	}
}

// BenchmarkValidateFileCPU is BenchmarkValidateFile with MB/cpu-s:
//
//	WAMO_BENCH_FILE=path/to/native-40MB.ndjson go test -run XXX -bench ValidateFileCPU ./pkg/validate
func BenchmarkValidateFileCPU(b *testing.B) {
	benchValidateCPU(b, payloadtest.BenchFile(b))
}
