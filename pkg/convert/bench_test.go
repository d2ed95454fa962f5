package convert_test

import (
	"bytes"
	"testing"

	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/costcheck"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// benchConvert converts 16 MB of NDJSON made of the fixtures of from.
func benchConvert(b *testing.B, from, to payload.Format, compact bool) {
	benchConvertData(b, payloadtest.NDJSON(b, 16<<20, payloadtest.In(from)), to, compact, false)
}

// benchConvertData converts every payload of data (NDJSON); validated
// validates each first and converts only the valid ones, as a default
// (validating) `wamo convert` does, against --force's conversion alone.
func benchConvertData(b *testing.B, data []byte, to payload.Format, compact, validated bool) {
	c := convert.New(convert.Options{To: to, Compact: compact})
	var v *validate.Validator
	var tape jsontree.Tape // the payload as the validator read it
	if validated {
		v = validate.New(validate.Options{})
		v.Record(&tape)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := costcheck.CPUTime()
	n := 0
	for b.Loop() {
		n++
		rd := payload.NewReader(bytes.NewReader(data), "bench.ndjson", 0)
		rd.SetLineMode(true) // as wamo reads .ndjson files
		payloadtest.Each(b, rd, func(p *payload.Payload) {
			if v == nil {
				if _, err := c.Convert(p.Data); err != nil {
					b.Fatal(err)
				}
				return
			}
			res := v.Validate(p)
			if !res.Valid() {
				return
			}
			if _, err := c.ConvertTape(p.Data, &tape, res.Format); err != nil {
				b.Fatal(err)
			}
		})
	}
	// MB per second of CPU time: steadier than MB/s on a shared machine.
	if cpu := costcheck.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n*len(data))/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkConvertNDJSON measures native (On-Premises) → Sinch over 16 MB
// of NDJSON made of every whatsapp fixture, compact output.
func BenchmarkConvertNDJSON(b *testing.B) { benchConvert(b, payload.WhatsApp, payload.Sinch, true) }

// BenchmarkConvertNDJSONPretty is the same with indented output.
func BenchmarkConvertNDJSONPretty(b *testing.B) {
	benchConvert(b, payload.WhatsApp, payload.Sinch, false)
}

// BenchmarkConvertSinchToCloud converts Sinch batches to Cloud API envelopes.
func BenchmarkConvertSinchToCloud(b *testing.B) { benchConvert(b, payload.Sinch, payload.Cloud, true) }

// BenchmarkConvertCloudToWhatsApp converts Cloud API envelopes to On-Premises bodies.
func BenchmarkConvertCloudToWhatsApp(b *testing.B) {
	benchConvert(b, payload.Cloud, payload.WhatsApp, true)
}

// BenchmarkConvertNDJSONValidated is BenchmarkConvertNDJSON as a default
// `wamo convert` runs it: each payload validated, then converted. Its
// ratio to BenchmarkConvertNDJSON is what validation adds to --force.
func BenchmarkConvertNDJSONValidated(b *testing.B) {
	benchConvertData(b, payloadtest.NDJSON(b, 16<<20, payloadtest.In(payload.WhatsApp)), payload.Sinch, true, true)
}

// BenchmarkConvertFile converts the NDJSON file named by WAMO_BENCH_FILE
// (for example the bench kit's native NDJSON) to Sinch, with validation
// (validated) and without (force):
//
//	WAMO_BENCH_FILE=path/to/native-40MB.ndjson go test -run XXX -bench ConvertFile ./pkg/convert
func BenchmarkConvertFile(b *testing.B) {
	data := payloadtest.BenchFile(b)
	b.Run("force", func(b *testing.B) { benchConvertData(b, data, payload.Sinch, true, false) })
	b.Run("validated", func(b *testing.B) { benchConvertData(b, data, payload.Sinch, true, true) })
}
