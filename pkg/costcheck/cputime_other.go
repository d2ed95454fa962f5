//go:build !unix

package costcheck

import "time"

// CPUTime is not measured here: 0, which benchmarks take as unknown.
func CPUTime() time.Duration { return 0 }
