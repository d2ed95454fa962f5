package validate_test

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// mixedNDJSON builds about size bytes of NDJSON from every valid embedded
// fixture (all message types of the formats).
func mixedNDJSON(tb testing.TB, size int) []byte {
	tb.Helper()
	data, err := fixtures.NDJSON(size, func(fx fixtures.Fixture) bool { return !fx.Invalid })
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func benchValidate(b *testing.B, data []byte) {
	v := validate.New(validate.Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rd := payload.NewReader(bytes.NewReader(data), "bench.ndjson", 0)
		rd.SetLineMode(true) // as wamo reads .ndjson files
		for {
			p, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			res := v.Validate(&p)
			if res.Unusable {
				b.Fatalf("unusable payload at line %d", p.Line)
			}
		}
	}
}

// BenchmarkValidateMixedNDJSON measures validation throughput (MB/s) over
// 16 MB of mixed-format, mixed-type NDJSON.
func BenchmarkValidateMixedNDJSON(b *testing.B) {
	benchValidate(b, mixedNDJSON(b, 16<<20))
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
//	WAMO_BENCH_FILE=/tmp/wamo-bench-data/native-100MB.ndjson go test -run XXX -bench ValidateFile ./pkg/validate
func BenchmarkValidateFile(b *testing.B) {
	name := os.Getenv("WAMO_BENCH_FILE")
	if name == "" {
		b.Skip("set WAMO_BENCH_FILE to a payload file")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	benchValidate(b, data)
}
