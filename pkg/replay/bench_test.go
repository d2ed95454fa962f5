package replay

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// BenchmarkReplayLoopback measures the closed model against a loopback
// server that answers at once: b.N requests over 64 keep-alive
// connections. It reports requests per second and the p50/p99 wamo
// measured, which are the tool's own overhead plus the server's.
func BenchmarkReplayLoopback(b *testing.B) {
	for _, c := range []int{1, 64} {
		b.Run("c="+itoa(c), func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"ok":true}`))
			}))
			defer srv.Close()
			body := []byte(`{"contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"16315551234"}],"messages":[{"from":"16315551234","id":"ABGGFlA5FpafAgo6tHcNmNjXmuSf","timestamp":"1518694235","text":{"body":"` + strings.Repeat("x", 800) + `"},"type":"text"}]}`)
			targets := []Target{{Name: "body-1KB", Body: body}}
			cfg := Config{URL: srv.URL + "/webhook", Concurrency: c, Repeat: b.N, Deadline: 10 * time.Second}
			results := make(chan Result, 4096)
			sum := NewSummary(cfg, targets, time.Now())
			done := make(chan struct{})
			go func() {
				for r := range results {
					sum.Add(&r)
				}
				close(done)
			}()
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			if err := Run(context.Background(), cfg, targets, results); err != nil {
				b.Fatal(err)
			}
			close(results)
			<-done
			elapsed := time.Since(start)
			b.StopTimer()
			sum.Finish(time.Now(), false)
			if sum.Counts[OK] != b.N {
				b.Fatalf("%d of %d ok: %v", sum.Counts[OK], b.N, sum.Causes)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(sum.Latency.P50)/1e6, "p50-ms")
			b.ReportMetric(float64(sum.Latency.P99)/1e6, "p99-ms")
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
