package costcheck_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/wamo-dev/wamo/pkg/costcheck"
)

// recorder is a testing.TB that records a failure instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

// TestWithinCatchesQuadratic tests the test: on an amplified input, a
// linear pass stays within the budget, and a quadratic one (comparing every
// byte with every other, stopped once past the budget so that the test
// stays short) does not.
func TestWithinCatchesQuadratic(t *testing.T) {
	if costcheck.Race {
		t.Skip("-race makes budgets twenty times looser; this test runs without it")
	}
	doc := []byte(`{"messages":[{"from":"16315551234","id":"a","type":"text","text":{"body":"hi"}}]}`)
	for _, in := range costcheck.Amplify(doc, "") {
		if !json.Valid(in) {
			t.Fatal("amplified input is not JSON")
		}
		linear := &recorder{TB: t}
		costcheck.Within(linear, "linear", in, func(b []byte) { bytes.Count(b, []byte{'"'}) })
		if linear.failed {
			t.Error("a linear pass exceeded the budget")
		}
		quadratic := &recorder{TB: t}
		costcheck.Within(quadratic, "quadratic", in, func(b []byte) {
			start, budget, same := costcheck.Now(), costcheck.Budget(len(b)), 0
			for i := range b {
				for j := range b {
					if b[i] == b[j] {
						same++
					}
				}
				if costcheck.Now()-start > budget+50*time.Millisecond {
					return
				}
			}
		})
		if !quadratic.failed {
			t.Errorf("a quadratic pass over %d bytes stayed within the budget", len(in))
		}
	}
}
