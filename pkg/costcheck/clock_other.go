//go:build !linux

package costcheck

import "time"

// threadCPU is not measured here: Within falls back to the wall clock.
func threadCPU() (time.Duration, bool) { return 0, false }
