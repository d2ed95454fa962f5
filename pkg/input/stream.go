package input

import (
	"context"
	"io"
)

// streamRead is the most one read of a stream asks for: a pipe holds 64
// KiB unless enlarged, so larger reads would only make a larger buffer.
const streamRead = 256 << 10

// stream reads a source that is not a regular file — stdin from a pipe or
// a terminal, a named pipe — on a goroutine of its own, so that Ctrl-C
// ends a read that waits for a silent writer: read(2) on such a descriptor
// cannot be interrupted, so the consumer stops waiting for it instead, and
// the read is abandoned (the process exits right after). The reads are
// those the consumer asks for, one at a time, none ahead: a live stream is
// read as before. A read that would not wait is done at once, on the
// consumer's goroutine.
type stream struct {
	ctx   context.Context
	r     io.Reader
	c     io.Closer   // closed by the goroutine after its last read (nil: none)
	ready func() bool // reports that a read would not wait (nil: unknown)

	req  chan []byte // a read to do into the buffer given; closed by Close
	res  chan readResult
	buf  []byte // the goroutine's buffer: it reads into it, Read copies out
	gone bool   // a read was abandoned: its result is no one's
}

type readResult struct {
	n   int
	err error
}

// newStream reads r on a goroutine started at the first read; c, when
// not nil, is closed once reading is over.
func newStream(ctx context.Context, r io.Reader, c io.Closer) *stream {
	return &stream{ctx: ctx, r: r, c: c, ready: readyCheck(r)}
}

func (s *stream) Read(b []byte) (int, error) {
	if s.gone {
		return 0, s.ctx.Err()
	}
	if len(b) == 0 {
		return 0, nil
	}
	if s.ready != nil && s.ready() {
		return s.r.Read(b) // the goroutine, if started, waits for a request: no read under way
	}
	if s.req == nil {
		s.req, s.res = make(chan []byte), make(chan readResult, 1) // res buffered: an abandoned read's result is dropped there
		go s.serve()
	}
	n := min(len(b), streamRead)
	if cap(s.buf) < n {
		s.buf = make([]byte, n)
	}
	s.req <- s.buf[:n]
	select {
	case r := <-s.res:
		return copy(b, s.buf[:r.n]), r.err
	case <-s.ctx.Done():
		select {
		case r := <-s.res: // the read ended too: what it gave counts
			return copy(b, s.buf[:r.n]), r.err
		default:
		}
		s.gone = true
		return 0, s.ctx.Err()
	}
}

// serve does the reads asked for until Close, then closes the source: the
// descriptor is closed after the read that may still be under way on it
// ends, never under it.
func (s *stream) serve() {
	for b := range s.req {
		n, err := s.r.Read(b)
		s.res <- readResult{n, err}
	}
	if s.c != nil {
		s.c.Close()
	}
}

func (s *stream) Close() error {
	if s.req != nil {
		close(s.req)
		return nil
	}
	if s.c != nil {
		return s.c.Close()
	}
	return nil
}

// openWaiting opens a file that was not a regular file when its argument
// was expanded: opening a named pipe waits for a writer, so the open is
// done on a goroutine that Ctrl-C stops waiting for.
func openWaiting(ctx context.Context, path string) (*sourceFile, error) {
	type opened struct {
		f   *sourceFile
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := openFile(path)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		return o.f, o.err
	case <-ctx.Done():
		go func() {
			// Should a writer come after all, the file is closed.
			if o := <-ch; o.err == nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}
