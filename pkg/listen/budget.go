package listen

import (
	"errors"
	"io"
	"sync/atomic"
)

// budget is a number of bytes shared by concurrent requests: memory is
// taken from it before it is allocated and given back when it is free, so
// that what all requests hold together stays under the limit whatever
// clients claim or send.
type budget struct {
	limit int64
	used  atomic.Int64
}

// take reserves n bytes and reports whether they were available.
func (b *budget) take(n int64) bool {
	if b.used.Add(n) > b.limit {
		b.used.Add(-n)
		return false
	}
	return true
}

// give returns n bytes taken earlier.
func (b *budget) give(n int64) { b.used.Add(-n) }

// errBusy is returned by readLimited when the shared budget is spent.
var errBusy = errors.New("too many bodies in memory at once")

// errTooLarge is returned by readLimited for more than limit bytes.
var errTooLarge = errors.New("over the limit")

// minRead is the first allocation for a body, and the least it grows by.
const minRead = 512

// readLimited reads r to its end into memory that grows with the bytes
// that actually arrive — never with what a header such as Content-Length
// claims — doubling at most, so that a body of n bytes holds less than 2n.
// Each growth is taken from b first. It returns the bytes read and how
// many bytes it took from b (the caller gives them back once done with
// the bytes, also on error); errTooLarge after more than limit bytes,
// errBusy when b is spent, or the reader's error.
func readLimited(r io.Reader, limit int64, b *budget) (data []byte, taken int64, err error) {
	var buf []byte
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf, taken, errTooLarge
			}
			// One byte over the limit tells a body of exactly limit bytes
			// from a longer one.
			newCap := min(max(2*int64(cap(buf)), minRead), limit+1)
			grow := newCap - int64(cap(buf))
			if !b.take(grow) {
				return buf, taken, errBusy
			}
			taken += grow
			nb := make([]byte, len(buf), newCap)
			copy(nb, buf)
			buf = nb
		}
		n, rerr := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if rerr == io.EOF {
			if int64(len(buf)) > limit {
				return buf, taken, errTooLarge
			}
			return buf, taken, nil
		}
		if rerr != nil {
			return buf, taken, rerr
		}
	}
}
