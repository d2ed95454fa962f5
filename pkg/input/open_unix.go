//go:build unix

package input

import (
	"io/fs"
	"os"
	"syscall"
)

// openFile opens a file for reading. os.Open would also try to register
// the descriptor with the network poller, which a regular file refuses:
// four fcntl calls and a failed epoll_ctl per file, a third of the system
// calls of validating a directory of small payloads. A descriptor made
// blocking and handed to os.NewFile is read with plain read calls, as
// os.Open's would be after the refusal.
func openFile(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}
