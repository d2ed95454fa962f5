//go:build unix

package costcheck

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time (user and system) the process has used so far:
// benchmarks report throughput per CPU second with it, steadier than per
// wall second on a shared machine, and showing what running in parallel
// costs over running alone.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
