//go:build unix

package input

import (
	"io"
	"io/fs"
	"syscall"
)

// sourceFile is a file read by its descriptor with plain system calls.
// os.Open would also try to register the descriptor with the network
// poller, which a regular file refuses (four fcntl calls and a failed
// epoll_ctl), and os.NewFile still asks whether it is non-blocking and
// sets a finalizer: on a virtual machine where a system call costs
// microseconds, a directory of small payloads spent a third of its time in
// calls that read nothing.
type sourceFile struct {
	fd   int
	path string
	left int64 // bytes to the size taken when opened (see endAt); 0: none
}

// openFile opens a file for reading.
func openFile(path string) (*sourceFile, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return &sourceFile{fd: fd, path: path}, nil
	}
}

// stat returns the file's size and whether it is a regular file or a
// directory.
func (f *sourceFile) stat() (size int64, regular, dir bool, err error) {
	var st syscall.Stat_t
	for {
		err = syscall.Fstat(f.fd, &st)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return 0, false, false, &fs.PathError{Op: "stat", Path: f.path, Err: err}
	}
	t := uint32(st.Mode) & syscall.S_IFMT
	return st.Size, t == syscall.S_IFREG, t == syscall.S_IFDIR, nil
}

// endAt makes the read that reaches n bytes, the size the file had when
// opened, return io.EOF with its bytes: the read that would only find the
// end is spared (one system call per small file). A file that grew since
// is read as it was.
func (f *sourceFile) endAt(n int64) { f.left = n }

func (f *sourceFile) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		n, err := syscall.Read(f.fd, b)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return 0, &fs.PathError{Op: "read", Path: f.path, Err: err}
		case n == 0:
			return 0, io.EOF
		}
		if f.left > 0 {
			if f.left -= int64(n); f.left <= 0 {
				return n, io.EOF
			}
		}
		return n, nil
	}
}

func (f *sourceFile) Close() error { return syscall.Close(f.fd) }
