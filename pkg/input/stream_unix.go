//go:build unix

package input

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// readyCheck returns a function that reports whether a read of r would
// not wait — data or the end is there —, asking poll(2) without waiting:
// a stream fed faster than it is read (a large file piped in) is then
// read on the consumer's goroutine, sparing a handover between goroutines
// per read. It returns nil when r has no descriptor.
func readyCheck(r io.Reader) func() bool {
	fd := -1
	switch f := r.(type) {
	case *sourceFile:
		fd = f.fd
	case *os.File:
		if rc, err := f.SyscallConn(); err == nil {
			rc.Control(func(d uintptr) { fd = int(d) })
		}
	}
	if fd < 0 {
		return nil
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	return func() bool {
		n, err := unix.Poll(fds, 0)
		// POLLNVAL (macOS cannot poll a terminal) or an error: read on
		// the goroutine, which is always right.
		return err == nil && n > 0 && fds[0].Revents&(unix.POLLIN|unix.POLLHUP|unix.POLLERR) != 0
	}
}
