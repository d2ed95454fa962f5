// Package input is the one input pipeline of the commands that read
// payloads (validate, show, convert, redact, replay): it turns command-line
// arguments into sources — files named, files found by walking directories,
// stdin —, splits each source into payloads with payload.Reader, decides
// from the content whether a file found in a directory is a webhook payload
// at all, and hands every payload to the command's work, in input order.
//
// It never prints. What became of each source (read, skipped and why,
// unusable and why, interrupted) comes back as an Outcome for the command
// to render.
//
// Run does everything on the calling goroutine. RunStages takes the work
// split in two — the costly part for the payloads (Stages.New), and the
// part that writes and counts (Stages.Emit) — and with Options.Jobs > 1
// spreads the costly part over workers while everything else still happens
// on the calling goroutine in input order, so that -j changes nothing but
// the time (jobs.go).
package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/wamo-dev/wamo/pkg/payload"
)

// Kind says how a source came to be read.
type Kind uint8

// Kinds of sources.
const (
	// Named is a file named on the command line (or matched by a glob
	// pattern there): it must be a payload.
	Named Kind = iota
	// Discovered is a file found by walking a directory: one that is not
	// a webhook payload at all is skipped, not failed.
	Discovered
	// Stdin is "-", or no argument with something piped in.
	Stdin
)

// Source is one input to read.
type Source struct {
	// Name is the source as shown: the path as given or found, "-" for stdin.
	Name string
	// Path is the file to open; "" for stdin.
	Path string
	Kind Kind
	// Err is set when the source cannot be read at all (a missing file, a
	// glob matching nothing, an unreadable directory, a directory holding
	// no payload).
	Err error
	// skip, for a discovered file, says why it is not read at all (a named
	// pipe, a socket…).
	skip string
	// sized says that size is the size of a regular file a parallel run's
	// producer has just seen (os.Stat): its worker opens it without
	// asking again, a system call less per file of a large directory.
	sized bool
	size  int64
	// wait says that the file was not a regular file when its argument
	// was expanded: opening it may wait (a named pipe waits for a writer).
	wait bool
}

// Outcome is what became of one source.
type Outcome struct {
	Source
	// Payloads is the number of payloads handed to the work.
	Payloads int
	// Bytes is the number of bytes read from the source.
	Bytes int64
	// Err says why the source could not be read to the end: it could not
	// be opened, it is not JSON, a document is over the size limit (a
	// *payload.SourceError locates those), or it holds no document at all
	// (ErrEmpty). Payloads read before it still count.
	Err error
	// Skipped, when not empty, says why a discovered file was left alone:
	// it is not a webhook payload at all (package.json, a JSON Schema…), or
	// not a regular file. Nothing of it reached the work.
	Skipped string
	// Interrupted is set when the context was cancelled while the source
	// was being read: it was not read to the end, and is not "ok".
	Interrupted bool
}

// ErrEmpty is wrapped by the error of a source that holds no JSON document:
// an empty file, empty or whitespace-only stdin, NDJSON with no lines. There
// is nothing to check, so it must not pass.
var ErrEmpty = errors.New("no payload")

// Options configure the pipeline.
type Options struct {
	// Stdin is read for "-".
	Stdin io.Reader
	// MaxSize bounds one document (payload.NewReader); ≤ 0 means
	// payload.DefaultMaxSize.
	MaxSize int
	// Exclude holds patterns in .gitignore syntax (the --exclude flag):
	// files and directories they match are not read. A pattern without a
	// slash matches a name at any depth ("*.schema.json", "testdata"); one
	// with a slash matches from the directory named on the command line
	// ("fixtures/invalid/**").
	Exclude []string
	// NamedAsFound makes files named on the command line be treated as if
	// found in a directory: one that is not a webhook payload is skipped
	// with a note rather than failed. A pre-commit hook, which names every
	// staged .json file, package.json included, wants that.
	NamedAsFound bool
	// Jobs is how many workers RunStages spreads the payloads' work over
	// (-j); ≤ 1 does it all on the calling goroutine. Run ignores it.
	Jobs int

	// chunk replaces chunkSize in tests, so that small inputs are cut into
	// many chunks and read by workers or not.
	chunk int
}

// Work is what a command does with the payloads. Only Payload is required.
// The functions are called from the goroutine that called Run, one at a
// time, sources and payloads in input order.
type Work struct {
	// Begin is called before the first payload of a source, or before End
	// when a source that is not skipped delivers none.
	Begin func(src *Source)
	// Payload does the command's work on one payload. p and p.Data are
	// only valid during the call (copy them to keep them). A non-nil error — an output
	// that cannot be written — stops the run; Run returns it.
	Payload func(p *payload.Payload) error
	// End reports what became of a source: every source, skipped ones
	// included.
	End func(o *Outcome)
	// Progress, when set, is called when a source starts and then every
	// 256 payloads, with the bytes and payloads read from it so far.
	Progress func(name string, bytes int64, payloads int)
	// BeforeRead, when set, is called before each read of a source: show
	// flushes its output there, so that a live stream is printed before
	// the command waits for more.
	BeforeRead func()
}

// Totals count the sources of a run.
type Totals struct {
	Sources  int // sources with an outcome, skipped ones included
	Payloads int // payloads handed to the work
	Skipped  int // discovered files skipped
	Failed   int // sources with an error
	// Interrupted is set when the context was cancelled before every
	// source was read.
	Interrupted bool
}

// progressEvery is how many payloads pass between two Progress calls:
// reading the clock per payload would cost more than a small payload.
const progressEvery = 256

// pipeline reads sources one after another, reusing one payload.Reader:
// the sequential run (-j1), and the reference the parallel one (jobs.go)
// must match byte for byte.
type pipeline struct {
	ctx  context.Context
	opts Options
	work Work
	rs   reading
	tot  Totals
}

// Run reads the sources named by args ("-" is stdin; directories are
// walked; glob patterns the shell did not expand are expanded) and hands
// every payload to w.Payload. It returns the totals, and the first error
// of w.Payload. When ctx is cancelled it stops at the next payload, reports
// the source in progress as interrupted, and returns with
// Totals.Interrupted set.
//
// Run does everything on the calling goroutine, whatever opts.Jobs says:
// RunStages is the entry point that spreads the work over workers.
func Run(ctx context.Context, args []string, opts Options, w Work) (Totals, error) {
	p := &pipeline{ctx: ctx, opts: opts, work: w, rs: reading{ctx: ctx, opts: &opts}}
	err := expandAll(args, &opts, p)
	return p.tot, err
}

// stopped reports (and records) whether the context was cancelled.
func (p *pipeline) stopped() bool {
	if p.ctx.Err() != nil {
		p.tot.Interrupted = true
		return true
	}
	return false
}

// source reads one source found by expand; d is the directory walk that
// found it (nil for a source named).
func (p *pipeline) source(src Source, d *dirWalk) error {
	counted, err := p.read(src)
	if counted && d != nil {
		d.counted++
	}
	return err
}

// dirDone reports a directory none of whose files counted.
func (p *pipeline) dirDone(d *dirWalk) error {
	if d.counted > 0 || p.stopped() {
		return nil
	}
	_, err := p.read(d.source())
	return err
}

// read reads one source to its end and reports its outcome. It returns
// whether the source delivered a payload or failed (as opposed to being
// skipped), and the work's error.
func (p *pipeline) read(src Source) (counted bool, err error) {
	o := Outcome{Source: src}
	if src.Err != nil || src.skip != "" {
		o.Err, o.Skipped = src.Err, src.skip
		p.end(&o, false)
		return o.Err != nil, nil
	}
	begun, err := p.payloads(&o)
	p.end(&o, begun)
	return o.Payloads > 0 || o.Err != nil, err
}

// payloads hands the payloads of a source to the work and fills o.
func (p *pipeline) payloads(o *Outcome) (begun bool, err error) {
	w := &p.work
	err = p.rs.source(o, sink{
		opened: func() {
			if w.Progress != nil {
				w.Progress(o.Name, 0, 0)
			}
		},
		before: w.BeforeRead,
		payload: func(pl *payload.Payload) error {
			if !begun {
				begun = true
				if w.Begin != nil {
					w.Begin(&o.Source)
				}
			}
			p.tot.Payloads++
			if err := w.Payload(pl); err != nil {
				return err
			}
			if w.Progress != nil && o.Payloads%progressEvery == 0 {
				w.Progress(o.Name, o.Bytes, o.Payloads)
			}
			return nil
		},
	})
	if o.Interrupted {
		p.tot.Interrupted = true
	}
	return begun, err
}

// end reports an outcome.
func (p *pipeline) end(o *Outcome, begun bool) {
	p.tot.count(o)
	if !begun && o.Skipped == "" && p.work.Begin != nil {
		p.work.Begin(&o.Source)
	}
	if p.work.End != nil {
		p.work.End(o)
	}
}

// count counts an outcome.
func (t *Totals) count(o *Outcome) {
	t.Sources++
	switch {
	case o.Skipped != "":
		t.Skipped++
	case o.Err != nil:
		t.Failed++
	}
}

// counted reports whether a source delivered a payload or failed, as
// opposed to being skipped: a directory none of whose files counted is
// reported as holding no payload.
func (o *Outcome) counted() bool { return o.Payloads > 0 || o.Err != nil }

// reading reads sources into payloads: the sequential pipeline has one,
// and so has each worker of a parallel run.
type reading struct {
	ctx  context.Context
	opts *Options
	rd   *payload.Reader
}

// sink receives what reading one source gives.
type sink struct {
	// opened is called once the source is open, before its first read.
	opened func()
	// before, when set, is called before each read of the source.
	before func()
	// payload receives each payload that passed the checks, after it was
	// counted in the Outcome (Payloads and Bytes are up to date).
	payload func(pl *payload.Payload) error
}

// source reads the payloads of o's source, hands them to s and fills o.
// It returns the first error of s.payload.
func (rs *reading) source(o *Outcome, s sink) error {
	r, size, err := open(rs.ctx, &o.Source, rs.opts.Stdin)
	if err != nil {
		rs.openFailed(o, err)
		return nil
	}
	defer r.Close()
	src := &counter{ctx: rs.ctx, r: r, before: s.before}
	if rs.rd == nil {
		rs.rd = payload.NewReader(src, o.Name, rs.opts.MaxSize)
	} else {
		rs.rd.Reset(src, o.Name)
	}
	rd := rs.rd
	rd.SetLineMode(payload.IsLineFormat(o.Name))
	rd.SetSizeHint(size)
	if s.opened != nil {
		s.opened()
	}
	// One payload for the source, not one per document: handed to the
	// sink by pointer, a variable per document would be an allocation
	// per document.
	var pl payload.Payload
	for {
		var rerr error
		pl, rerr = rd.Next()
		o.Bytes = src.n
		if rs.ctx.Err() != nil {
			// Checked after reading too: a document cut short by the
			// interruption (the writer of a pipe killed by the same
			// Ctrl-C) is not a syntax error.
			o.Interrupted = true
			return nil
		}
		if errors.Is(rerr, io.EOF) {
			if o.Payloads == 0 {
				o.Err = emptyError(&o.Source, src.n)
			}
			return nil
		}
		if rerr != nil {
			if o.Kind == Discovered && o.Payloads == 0 && errors.Is(rerr, payload.ErrNotJSON) {
				o.Skipped = rerr.Error()
				if se := (*payload.SourceError)(nil); errors.As(rerr, &se) {
					o.Skipped = se.Err.Error() // "not JSON: the input starts with…", without name and position
				}
				return nil
			}
			o.Err = rerr
			return nil
		}
		if o.Payloads == 0 && o.Kind == Discovered {
			if why := notAPayload(&pl); why != "" {
				o.Skipped = why
				return nil
			}
		}
		o.Payloads++
		if err := s.payload(&pl); err != nil {
			return err
		}
	}
}

// openFailed records why a source could not be opened: an open that the
// cancelled context ended (the wait for a named pipe's writer) is an
// interruption.
func (rs *reading) openFailed(o *Outcome, err error) {
	if rs.ctx.Err() != nil {
		o.Interrupted = true
		return
	}
	o.Err = err
}

// open opens a source and returns its size when it is a regular file
// (else -1). A source that is not a regular file is read as a stream, so
// that cancelling ctx ends a wait for its writer.
func open(ctx context.Context, src *Source, stdin io.Reader) (io.ReadCloser, int64, error) {
	if src.Kind == Stdin {
		if stdin == nil {
			stdin = eofReader{}
		}
		size := stdinSize(stdin)
		if size < 0 {
			return newStream(ctx, stdin, nil), size, nil
		}
		return io.NopCloser(stdin), size, nil
	}
	var f *sourceFile
	var err error
	if src.wait {
		f, err = openWaiting(ctx, src.Path)
	} else {
		f, err = openFile(src.Path)
	}
	if err != nil {
		return nil, -1, describeOpenError(err)
	}
	size := src.size
	if !src.sized {
		sz, regular, dir, err := f.stat()
		switch {
		case err != nil:
			f.Close()
			return nil, -1, describeOpenError(err)
		case dir:
			f.Close()
			return nil, -1, errors.New("is a directory")
		case !regular:
			return newStream(ctx, f, f), -1, nil
		}
		size = sz
	}
	if size > 0 {
		// A size of 0 says nothing of files such as those of /proc.
		f.endAt(size)
	}
	return f, size, nil
}

// stdinSize is what is left to read of stdin when it is a regular file
// (wamo validate - < big.json), else -1.
func stdinSize(r io.Reader) int64 {
	f, ok := r.(*os.File)
	if !ok {
		return -1
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return -1
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return -1
	}
	return max(st.Size()-off, 0)
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// counter counts the bytes read from a source and stops reading once the
// context is cancelled, so that Ctrl-C also ends the reading of one large
// document.
type counter struct {
	ctx    context.Context
	r      io.Reader
	n      int64
	before func()
}

func (c *counter) Read(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if c.before != nil {
		c.before()
	}
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// emptyError says why a source without a document is unusable.
func emptyError(src *Source, n int64) error {
	switch {
	case n > 0:
		return fmt.Errorf("%w: the input holds only blank space, no JSON document", ErrEmpty)
	case src.Kind == Stdin:
		return fmt.Errorf("%w: nothing was read from stdin", ErrEmpty)
	}
	return fmt.Errorf("%w: the file is empty", ErrEmpty)
}

// describeOpenError turns an error of the file system into a short reason.
func describeOpenError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file or directory")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission denied")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
