//go:build unix

package main

import (
	"os"
	"syscall"
)

// minorFaults is the minor page faults of a process that has ended.
func minorFaults(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Minflt)
	}
	return 0
}
