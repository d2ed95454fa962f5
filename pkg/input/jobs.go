package input

import (
	"cmp"
	"context"
	"errors"
	"os"
	"sync"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// Stages is a command's work on payloads split in two, so that RunStages
// can spread the costly part over workers (-j) while what is written and
// counted still comes in input order.
type Stages[R any] struct {
	// New makes the costly part for one worker: the function it returns
	// does the work on one payload (validation, conversion, rendering into
	// a buffer…) and writes what Emit needs into *r. Each worker calls New
	// once and keeps what the function holds (its validator, converter…)
	// to itself: nothing mutable is shared between workers. *r holds what
	// an earlier payload left there (its buffers can be reused): the
	// function overwrites all of it.
	New func() func(p *payload.Payload, r *R)
	// Emit runs on the goroutine that called RunStages, one payload at a
	// time in input order, between the Work's Begin and End of its source:
	// it writes what the worker made of p and counts it. p.Data is valid
	// during the call. A non-nil error stops the run, as Work.Payload's.
	Emit func(p *payload.Payload, r *R) error
}

// RunStages is Run with the work on each payload given as Stages (w.Payload
// is not used). With opts.Jobs ≤ 1 it is Run itself, each payload's work
// done then emitted on the calling goroutine. With more jobs, that many
// workers do the work while the calling goroutine emits, in input order:
// sources, payloads, totals and errors are those of the sequential run.
//
// What is read ahead of what is emitted is bounded: a large file (and
// stdin) is read here and cut into chunks of whole payloads of about
// chunkSize bytes (a document larger than that travels alone, with no
// other chunk in flight); a small file is read whole by a worker; at most
// tasksPerJob×Jobs chunks and files are in flight. Reading a stream that
// is not a regular file (stdin from a pipe), the chunk read so far is
// handed over before each read, so that a live stream is not held back.
// w.BeforeRead is called whenever the emitting goroutine is about to wait
// for the workers or the reading, rather than before each read.
func RunStages[R any](ctx context.Context, args []string, opts Options, w Work, s Stages[R]) (Totals, error) {
	if opts.Jobs <= 1 {
		do := s.New()
		var r R
		w.Payload = func(p *payload.Payload) error {
			do(p, &r)
			return s.Emit(p, &r)
		}
		return Run(ctx, args, opts, w)
	}
	return newJobs(ctx, opts, w, s).run(args)
}

const (
	// chunkSize is how many bytes of payloads a chunk carries, and the
	// size up to which a file is read whole by a worker: large enough that
	// handing a chunk over costs nothing next to its work, small enough
	// that a few per worker keep memory flat.
	chunkSize = 256 << 10
	// tasksPerJob is how many chunks or batches of files per worker may
	// be in flight: enough that workers never wait for the emitting
	// goroutine to catch up with one slow payload.
	tasksPerJob = 4
	// batchFiles is the most small files one task carries: handing a task
	// over costs a few channel operations and goroutine wake-ups, as much
	// as validating a small payload, so a directory of one-payload files
	// goes over in batches (up to chunkSize bytes, or this many files).
	batchFiles = 64
)

// task is a unit of work handed to a worker: a chunk of payloads read by
// the producer, or a batch of small files the worker reads itself.
type task[R any] struct {
	files []wholeFile // the files the worker reads (none: a chunk)
	size  int64       // the files' size, as the producer saw it

	data []byte // the payloads' bytes
	pls  []payload.Payload
	ends []int   // files: where each payload ends in data
	at   []int64 // bytes read from the source when each payload was
	res  []R

	tokens int // tokens held (see jobs.tokens)
	done   chan struct{}
}

// wholeFile is a small file a worker reads whole.
type wholeFile struct {
	o      Outcome
	opened bool     // the source was opened (the progress starts)
	d      *dirWalk // the walk that found it
	n      int      // its payloads: the task's next n
}

// evKind says what an event tells the emitting goroutine.
type evKind uint8

const (
	evSource evKind = iota // a source not read at all (an error, a skipped file): o
	evOpen                 // the source the producer reads is open: src
	evChunk                // payloads of the source the producer reads: t
	evEnd                  // the end of the source the producer read: o
	evWhole                // sources a worker read: t
	evDir                  // the walk of a directory ended: d
)

// event is one step of the run, in input order.
type event[R any] struct {
	kind    evKind
	t       *task[R]
	o       *Outcome
	src     Source
	d       *dirWalk // the walk the source was found in (evDir: the walk that ended)
	stopped bool     // evDir: the run was stopped before the walk's end
}

// jobs is a parallel run. One goroutine (the producer) expands the
// arguments and reads large sources into chunks; workers do the stages'
// work on chunks and read small files whole; the goroutine that called
// RunStages (the emitter) takes the events in order, waits for each task,
// and calls the Work's functions and Emit as the sequential run would.
type jobs[R any] struct {
	ctx    context.Context
	opts   Options
	work   Work
	stages Stages[R]

	events chan event[R]
	tasks  chan *task[R]
	tokens chan struct{} // one sent per task in flight
	free   chan *task[R] // tasks to reuse
	halt   chan struct{} // closed when the emitter stops early
	once   sync.Once

	chunk int // chunkSize, or the tests' size

	// The producer's.
	rs          reading
	cur         *task[R] // the chunk being filled
	batch       *task[R] // the batch of small files being filled
	interrupted bool     // the context was cancelled (read after the producer ends)

	// The emitter's.
	tot     Totals
	err     error
	stop    bool   // stopped emitting: the rest is drained
	src     Source // the source the producer reads, as evOpen told
	begun   bool   // the source being emitted has begun
	emitted int    // payloads of that source emitted
}

func newJobs[R any](ctx context.Context, opts Options, w Work, s Stages[R]) *jobs[R] {
	n := tasksPerJob * opts.Jobs
	j := &jobs[R]{
		ctx: ctx, opts: opts, work: w, stages: s,
		events: make(chan event[R], 2*n),
		tasks:  make(chan *task[R], n),
		tokens: make(chan struct{}, n),
		free:   make(chan *task[R], n),
		halt:   make(chan struct{}),
	}
	j.rs = reading{ctx: ctx, opts: &j.opts}
	j.chunk = cmp.Or(opts.chunk, chunkSize)
	return j
}

func (j *jobs[R]) run(args []string) (Totals, error) {
	var workers sync.WaitGroup
	for range j.opts.Jobs {
		do := j.stages.New() // here, not in the worker: New need not be safe for concurrent use
		workers.Go(func() { j.worker(do) })
	}
	produced := make(chan struct{})
	go func() {
		defer close(produced)
		defer close(j.events)
		defer close(j.tasks)
		_ = expandAll(args, &j.opts, j) // the producer's sources never fail: errors are the emitter's
		j.flushBatch()
	}()
	j.emit()
	<-produced
	workers.Wait()
	if j.interrupted {
		j.tot.Interrupted = true
	}
	return j.tot, j.err
}

// halted reports whether the emitter stopped early.
func (j *jobs[R]) halted() bool {
	select {
	case <-j.halt:
		return true
	default:
		return false
	}
}

// ---- the producer ----

// errHalted ends the reading of a source once the emitter has stopped.
var errHalted = errors.New("halted")

func (j *jobs[R]) stopped() bool {
	if j.ctx.Err() != nil {
		j.interrupted = true
		return true
	}
	return j.halted()
}

// send queues an event, after the batch being filled: events keep the
// input order.
func (j *jobs[R]) send(ev event[R]) {
	j.flushBatch()
	j.events <- ev
}

// flushBatch hands the batch of small files being filled to the workers.
func (j *jobs[R]) flushBatch() { j.hand(&j.batch, evWhole) }

// flush hands the chunk being filled to the workers.
func (j *jobs[R]) flush() { j.hand(&j.cur, evChunk) }

// hand gives the task being filled in *slot, if any, to the workers and
// queues its event.
func (j *jobs[R]) hand(slot **task[R], kind evKind) {
	t := *slot
	if t == nil {
		return
	}
	*slot = nil
	j.tasks <- t
	j.send(event[R]{kind: kind, t: t})
}

// source queues one source: read whole by a worker when it is a small
// regular file, else read here into chunks.
func (j *jobs[R]) source(src Source, d *dirWalk) error {
	if src.Err != nil || src.skip != "" {
		j.send(event[R]{kind: evSource, o: &Outcome{Source: src, Err: src.Err, Skipped: src.skip}, d: d})
		return nil
	}
	regular := false
	if src.Kind == Stdin {
		regular = j.opts.Stdin != nil && stdinSize(j.opts.Stdin) >= 0
	} else if st, err := os.Stat(src.Path); err == nil && st.Mode().IsRegular() {
		regular = true
		if st.Size() <= int64(j.chunk) {
			if j.batch == nil {
				if j.batch = j.task(1, 0); j.batch == nil {
					return nil
				}
			}
			t := j.batch
			src.sized, src.size = true, st.Size()
			t.files = append(t.files, wholeFile{o: Outcome{Source: src}, d: d})
			if t.size += st.Size(); t.size >= int64(j.chunk) || len(t.files) >= batchFiles {
				j.flushBatch()
			}
			return nil
		}
	}
	o := &Outcome{Source: src}
	s := sink{
		opened:  func() { j.send(event[R]{kind: evOpen, src: src}) },
		payload: func(pl *payload.Payload) error { return j.add(pl, o.Bytes) },
	}
	if !regular {
		s.before = j.flush
	}
	err := j.rs.source(o, s)
	if errors.Is(err, errHalted) {
		return nil
	}
	j.flush()
	if o.Interrupted {
		j.interrupted = true
	}
	j.send(event[R]{kind: evEnd, o: o, d: d})
	return nil
}

// dirDone queues the check of a directory walk (the emitter counts what
// its files gave).
func (j *jobs[R]) dirDone(d *dirWalk) error {
	j.send(event[R]{kind: evDir, d: d, stopped: j.stopped()})
	return nil
}

// add copies a payload into the chunk being filled; at is the bytes read
// from the source so far.
func (j *jobs[R]) add(pl *payload.Payload, at int64) error {
	n := len(pl.Data)
	if t := j.cur; t != nil && len(t.data)+n > cap(t.data) {
		j.flush()
	}
	if j.cur == nil {
		tokens := 1
		if n > j.chunk {
			// A document larger than a chunk travels alone: memory stays
			// bounded by one document, as in the sequential run.
			tokens = cap(j.tokens)
		}
		if j.cur = j.task(tokens, n); j.cur == nil {
			return errHalted
		}
	}
	t := j.cur
	off := len(t.data)
	t.data = append(t.data, pl.Data...)
	q := *pl
	q.Data = t.data[off:len(t.data):len(t.data)] // the arena never grows while filled: slices stay put
	t.pls = append(t.pls, q)
	t.at = append(t.at, at)
	if n > j.chunk {
		j.flush()
	}
	return nil
}

// task takes tokens and returns an empty task whose arena holds at least
// size bytes, or nil when the emitter stopped.
func (j *jobs[R]) task(tokens, size int) *task[R] {
	for i := range tokens {
		select {
		case j.tokens <- struct{}{}:
		case <-j.halt:
			for range i {
				<-j.tokens
			}
			return nil
		}
	}
	var t *task[R]
	select {
	case t = <-j.free:
	default:
		t = &task[R]{done: make(chan struct{}, 1)}
	}
	t.tokens = tokens
	if size = max(size, j.chunk); cap(t.data) < size {
		t.data = make([]byte, 0, size)
	}
	return t
}

// ---- the workers ----

func (j *jobs[R]) worker(do func(*payload.Payload, *R)) {
	rs := reading{ctx: j.ctx, opts: &j.opts}
	for t := range j.tasks {
		if !j.halted() {
			if len(t.files) > 0 {
				j.readWhole(&rs, t)
			}
			if cap(t.res) < len(t.pls) {
				t.res = append(t.res[:cap(t.res)], make([]R, len(t.pls)-cap(t.res))...)
			}
			t.res = t.res[:len(t.pls)]
			for i := range t.pls {
				do(&t.pls[i], &t.res[i])
			}
		}
		t.done <- struct{}{}
	}
}

// readWhole reads the small files of a task into its arena. After an
// interrupted file it reads no more: the emitter stops there.
func (j *jobs[R]) readWhole(rs *reading, t *task[R]) {
	for i := range t.files {
		f := &t.files[i]
		before := len(t.pls)
		rs.source(&f.o, sink{
			opened: func() { f.opened = true },
			payload: func(pl *payload.Payload) error {
				t.data = append(t.data, pl.Data...)
				q := *pl
				q.Data = nil // set below: the arena may still move
				t.pls = append(t.pls, q)
				t.ends = append(t.ends, len(t.data))
				t.at = append(t.at, f.o.Bytes)
				return nil
			},
		})
		f.n = len(t.pls) - before
		if f.o.Interrupted || j.halted() {
			t.files = t.files[:i+1]
			break
		}
	}
	lo := 0
	for i, hi := range t.ends {
		t.pls[i].Data = t.data[lo:hi:hi]
		lo = hi
	}
}

// ---- the emitter ----

func (j *jobs[R]) emit() {
	for {
		ev, ok := j.next()
		if !ok {
			return
		}
		if j.stop {
			if ev.t != nil {
				<-ev.t.done
				j.release(ev.t)
			}
			continue
		}
		switch ev.kind {
		case evSource:
			j.end(ev.o, false, ev.d)
		case evOpen:
			j.src = ev.src
			if j.work.Progress != nil {
				j.work.Progress(ev.src.Name, 0, 0)
			}
		case evChunk:
			j.wait(ev.t)
			j.payloads(ev.t, 0, len(ev.t.pls), &j.src)
			j.release(ev.t)
		case evEnd:
			j.end(ev.o, j.begun, ev.d)
		case evWhole:
			t := ev.t
			j.wait(t)
			first := 0
			for i := range t.files {
				f := &t.files[i]
				if j.stop {
					break
				}
				if f.opened && j.work.Progress != nil {
					j.work.Progress(f.o.Name, 0, 0)
				}
				j.payloads(t, first, first+f.n, &f.o.Source)
				first += f.n
				if !j.stop {
					j.end(&f.o, j.begun, f.d)
				}
			}
			j.release(t)
		case evDir:
			if ev.d.counted == 0 && !ev.stopped {
				src := ev.d.source()
				j.end(&Outcome{Source: src, Err: src.Err}, false, nil)
			}
		}
	}
}

// next returns the next event, letting the work flush its output first
// when it would have to wait for one.
func (j *jobs[R]) next() (event[R], bool) {
	select {
	case ev, ok := <-j.events:
		return ev, ok
	default:
	}
	j.idle()
	ev, ok := <-j.events
	return ev, ok
}

// wait waits until a worker is done with t.
func (j *jobs[R]) wait(t *task[R]) {
	select {
	case <-t.done:
		return
	default:
	}
	j.idle()
	<-t.done
}

func (j *jobs[R]) idle() {
	if j.work.BeforeRead != nil {
		j.work.BeforeRead()
	}
}

// payloads emits the payloads lo to hi of a task, of source src.
func (j *jobs[R]) payloads(t *task[R], lo, hi int, src *Source) {
	w := &j.work
	for i := lo; i < hi; i++ {
		if !j.begun {
			j.begun = true
			if w.Begin != nil {
				w.Begin(src)
			}
		}
		j.emitted++
		j.tot.Payloads++
		if err := j.stages.Emit(&t.pls[i], &t.res[i]); err != nil {
			j.err = err
			j.halt1()
			return
		}
		if w.Progress != nil && j.emitted%progressEvery == 0 {
			w.Progress(src.Name, t.at[i], j.emitted)
		}
	}
}

// end reports an outcome, as pipeline.end does, and counts it for the
// directory walk that found its source. After an interrupted source
// nothing more is emitted: the sequential run would have stopped there.
func (j *jobs[R]) end(o *Outcome, begun bool, d *dirWalk) {
	if d != nil && o.counted() {
		d.counted++
	}
	j.tot.count(o)
	if !begun && o.Skipped == "" && j.work.Begin != nil {
		j.work.Begin(&o.Source)
	}
	if j.work.End != nil {
		j.work.End(o)
	}
	j.begun, j.emitted = false, 0
	if o.Interrupted {
		j.tot.Interrupted = true
		j.halt1()
	}
}

// halt1 stops emitting and tells the producer and the workers to stop.
func (j *jobs[R]) halt1() {
	j.stop = true
	j.once.Do(func() { close(j.halt) })
}

// release gives back the tokens of a task that was emitted (or drained)
// and keeps it for reuse.
func (j *jobs[R]) release(t *task[R]) {
	for range t.tokens {
		<-j.tokens
	}
	*t = task[R]{done: t.done, files: t.files[:0], data: t.data[:0], pls: t.pls[:0], ends: t.ends[:0], at: t.at[:0], res: t.res}
	if cap(t.data) > j.chunk {
		// The arena of one large document is not kept, nor the payloads
		// pointing into it.
		t.data, t.pls = nil, nil
	}
	select {
	case j.free <- t:
	default:
	}
}
