package convert_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// ndjson builds about size bytes of NDJSON by cycling through the valid
// fixtures of one folder, compacted to one line each.
func ndjson(tb testing.TB, folder string, size int) []byte {
	tb.Helper()
	var lines [][]byte
	for _, fx := range fixtures.List() {
		if fx.Folder != folder {
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
	out := make([]byte, 0, size+4096)
	for i := 0; len(out) < size; i++ {
		out = append(out, lines[i%len(lines)]...)
	}
	return out
}

func benchConvert(b *testing.B, folder string, to payload.Format, compact bool) {
	data := ndjson(b, folder, 16<<20)
	c := convert.New(convert.Options{To: to, Compact: compact})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		n++
		rd := payload.NewReader(bytes.NewReader(data), "bench.ndjson", 0)
		for {
			p, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.Convert(p.Data); err != nil {
				b.Fatal(err)
			}
		}
	}
	// MB per second of CPU time: steadier than MB/s on a shared machine.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n*len(data))/1e6/cpu.Seconds(), "MB/cpu-s")
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

// BenchmarkConvertNDJSON measures native (On-Premises) → Sinch over 16 MB
// of NDJSON made of every whatsapp fixture, compact output.
func BenchmarkConvertNDJSON(b *testing.B) { benchConvert(b, "whatsapp", payload.Sinch, true) }

// BenchmarkConvertNDJSONPretty is the same with indented output.
func BenchmarkConvertNDJSONPretty(b *testing.B) { benchConvert(b, "whatsapp", payload.Sinch, false) }

// BenchmarkConvertSinchToCloud converts Sinch batches to Cloud API envelopes.
func BenchmarkConvertSinchToCloud(b *testing.B) { benchConvert(b, "sinch", payload.Cloud, true) }

// BenchmarkConvertCloudToWhatsApp converts Cloud API envelopes to On-Premises bodies.
func BenchmarkConvertCloudToWhatsApp(b *testing.B) { benchConvert(b, "cloud", payload.WhatsApp, true) }
