// Package costcheck helps tests and fuzz targets prove that a function's
// cost grows with its input, not faster: it builds large inputs of the
// shapes that hurt one-pass readers out of a small one, and times a call
// against a budget linear in the input's size. The budget is generous (a
// loaded two-core machine running -race stays far inside it) and a
// quadratic path on the amplified inputs is far outside it, so the check
// neither flakes nor lets such a path slip past. Only tests import it.
package costcheck

import (
	"bytes"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// Budget is the time an input of n bytes may take: 300 ms plus 2 µs a
// byte, a hundred times what the validator takes on a loaded machine, and
// twenty times that under -race.
func Budget(n int) time.Duration {
	return raceSlowdown * (300*time.Millisecond + time.Duration(n)*2*time.Microsecond)
}

// Scaled returns n, or a fraction of it under -race: the size of an input
// a test builds to hurt.
func Scaled(n int) int { return max(1, n/raceShrink) }

// Size is about how large Amplify makes its texts: large enough that a
// quadratic path blows the budget, small enough for a fuzz target's seeds.
const Size = 256 << 10

// Amplify builds large JSON texts from doc, a JSON value: an array of
// copies of doc, and an object whose members hold doc under keys each used
// twice, each about Size bytes (Scaled, at least 64 copies). wrap, when not empty,
// is a JSON text in which every %s is replaced by the amplified value (to
// put it where a schema reads it).
func Amplify(doc []byte, wrap string) [][]byte { return AmplifyTo(doc, wrap, Size) }

// AmplifyTo is Amplify to about size bytes instead of Size (Scaled).
func AmplifyTo(doc []byte, wrap string, size int) [][]byte {
	copies := max(64, Scaled(size)/(len(doc)+8))
	var arr, obj bytes.Buffer
	arr.WriteByte('[')
	obj.WriteByte('{')
	for i := range copies {
		if i > 0 {
			arr.WriteByte(',')
			obj.WriteByte(',')
		}
		arr.Write(doc)
		obj.WriteString(`"k` + strconv.Itoa(i/2) + `":`)
		obj.Write(doc)
	}
	arr.WriteByte(']')
	obj.WriteByte('}')
	out := [][]byte{arr.Bytes(), obj.Bytes()}
	if wrap != "" {
		for i, b := range out {
			out[i] = bytes.ReplaceAll([]byte(wrap), []byte("%s"), b)
		}
	}
	return out
}

// Within calls f on in and fails the test when it takes longer than
// Budget(len(in)). Where the OS tells a thread's CPU time (Linux), that is
// what counts, with the goroutine locked to its thread: a loaded machine
// stretches the wall clock, not the work, and a quadratic path is too much
// work on any machine. Elsewhere it is the wall clock.
func Within(t testing.TB, what string, in []byte, f func([]byte)) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := Now()
	f(in)
	if d := Now() - start; d > Budget(len(in)) {
		t.Fatalf("%s: %d bytes took %v, over the linear budget of %v", what, len(in), d, Budget(len(in)))
	}
}

// Now is the clock Within measures with: the calling thread's CPU time
// where the OS tells it, else the wall clock since an arbitrary start.
func Now() time.Duration {
	if d, ok := threadCPU(); ok {
		return d
	}
	return time.Since(epoch)
}

var epoch = time.Now()

// Race reports whether the race detector is on (budgets are looser then).
const Race = raceSlowdown > 1
