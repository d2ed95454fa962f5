package validate_test

import (
	"bytes"
	"testing"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/validate"
)

func benchValidate(b *testing.B, data []byte) {
	v := validate.New(validate.Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rd := payload.NewReader(bytes.NewReader(data), "bench.ndjson", 0)
		rd.SetLineMode(true) // as wamo reads .ndjson files
		payloadtest.Each(b, rd, func(p *payload.Payload) {
			if res := v.Validate(p); res.Unusable {
				b.Fatalf("unusable payload at line %d", p.Line)
			}
		})
	}
}

// BenchmarkValidateMixedNDJSON measures validation throughput (MB/s) over
// 16 MB of mixed-format, mixed-type NDJSON.
func BenchmarkValidateMixedNDJSON(b *testing.B) {
	benchValidate(b, payloadtest.NDJSON(b, 16<<20, payloadtest.Valid))
}

// BenchmarkValidateOne isolates the per-payload cost on one native text message.
func BenchmarkValidateOne(b *testing.B) {
	data := []byte(`{"contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"16315551234"}],"messages":[{"from":"16315551234","id":"ABGGFlA5FpafAgo6tHcNmNjXmuSf","timestamp":"1518694235","text":{"body":"Hello this is an answer with a few more words to make it typical in length"},"type":"text"}]}`)
	v := validate.New(validate.Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p := payload.Payload{Data: data, Line: 1, Col: 1}
		if res := v.Validate(&p); !res.Valid() {
			b.Fatal(res.Findings)
		}
	}
}

// BenchmarkValidateFile validates a file named by WAMO_BENCH_FILE (for
// example the bench kit's 100 MB NDJSON) end to end through the reader:
//
//	WAMO_BENCH_FILE=path/to/native-100MB.ndjson go test -run XXX -bench ValidateFile ./pkg/validate
func BenchmarkValidateFile(b *testing.B) {
	benchValidate(b, payloadtest.BenchFile(b))
}
