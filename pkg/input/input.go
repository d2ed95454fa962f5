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
}

// Work is what a command does with the payloads. Only Payload is required.
// The functions are called from the goroutine that called Run, one at a
// time, sources and payloads in input order.
type Work struct {
	// Begin is called before the first payload of a source, or before End
	// when a source that is not skipped delivers none.
	Begin func(src *Source)
	// Payload does the command's work on one payload. p.Data is only valid
	// during the call (copy it to keep it). A non-nil error — an output
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

// pipeline reads sources one after another, reusing one payload.Reader.
//
// Where -j would plug in: sources() yields the sources in input order and
// read() handles one of them with its own reader; with jobs, workers would
// each own a reader and run read() on sources taken from a channel, the
// work's Payload would run in the workers (commands then give each worker
// its own validator, converter…, which keep no shared mutable state), and
// what each source produced (its rendered output, its Outcome) would be
// handed back to this goroutine in input order through a bounded reorder
// window — so that at most that many sources (or chunks of a large NDJSON
// file, split at line ends) are in flight.
type pipeline struct {
	ctx  context.Context
	opts Options
	work Work
	rd   *payload.Reader
	tot  Totals
}

// Run reads the sources named by args ("-" is stdin; directories are
// walked; glob patterns the shell did not expand are expanded) and hands
// every payload to w.Payload. It returns the totals, and the first error
// of w.Payload. When ctx is cancelled it stops at the next payload, reports
// the source in progress as interrupted, and returns with
// Totals.Interrupted set.
func Run(ctx context.Context, args []string, opts Options, w Work) (Totals, error) {
	p := &pipeline{ctx: ctx, opts: opts, work: w}
	ex := compileExclude(opts.Exclude)
	named := Named
	if opts.NamedAsFound {
		named = Discovered
	}
	for _, a := range args {
		if p.stopped() {
			break
		}
		if err := expand(a, named, ex, p.read, p.stopped); err != nil {
			return p.tot, err
		}
	}
	return p.tot, nil
}

// stopped reports (and records) whether the context was cancelled.
func (p *pipeline) stopped() bool {
	if p.ctx.Err() != nil {
		p.tot.Interrupted = true
		return true
	}
	return false
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
	r, size, err := open(&o.Source, p.opts.Stdin)
	if err != nil {
		o.Err = err
		return false, nil
	}
	defer r.Close()
	src := &counter{ctx: p.ctx, r: r, before: p.work.BeforeRead}
	if p.rd == nil {
		p.rd = payload.NewReader(src, o.Name, p.opts.MaxSize)
	} else {
		p.rd.Reset(src, o.Name)
	}
	p.rd.SetLineMode(payload.IsLineFormat(o.Name))
	p.rd.SetSizeHint(size)
	if p.work.Progress != nil {
		p.work.Progress(o.Name, 0, 0)
	}
	for {
		pl, rerr := p.rd.Next()
		o.Bytes = src.n
		if p.ctx.Err() != nil {
			// Checked after reading too: a document cut short by the
			// interruption (the writer of a pipe killed by the same
			// Ctrl-C) is not a syntax error.
			o.Interrupted = true
			p.tot.Interrupted = true
			return begun, nil
		}
		if errors.Is(rerr, io.EOF) {
			if o.Payloads == 0 {
				o.Err = emptyError(&o.Source, src.n)
			}
			return begun, nil
		}
		if rerr != nil {
			if o.Kind == Discovered && o.Payloads == 0 && errors.Is(rerr, payload.ErrNotJSON) {
				o.Skipped = rerr.Error()
				if se := (*payload.SourceError)(nil); errors.As(rerr, &se) {
					o.Skipped = se.Err.Error() // "not JSON: the input starts with…", without name and position
				}
				return false, nil
			}
			o.Err = rerr
			return begun, nil
		}
		if o.Payloads == 0 && o.Kind == Discovered {
			if why := notAPayload(&pl); why != "" {
				o.Skipped = why
				return false, nil
			}
		}
		if !begun {
			begun = true
			if p.work.Begin != nil {
				p.work.Begin(&o.Source)
			}
		}
		o.Payloads++
		p.tot.Payloads++
		if err := p.work.Payload(&pl); err != nil {
			return begun, err
		}
		if p.work.Progress != nil && o.Payloads%progressEvery == 0 {
			p.work.Progress(o.Name, src.n, o.Payloads)
		}
	}
}

// end reports an outcome.
func (p *pipeline) end(o *Outcome, begun bool) {
	p.tot.Sources++
	switch {
	case o.Skipped != "":
		p.tot.Skipped++
	case o.Err != nil:
		p.tot.Failed++
	}
	if !begun && o.Skipped == "" && p.work.Begin != nil {
		p.work.Begin(&o.Source)
	}
	if p.work.End != nil {
		p.work.End(o)
	}
}

// open opens a source and returns its size when it is a regular file
// (else -1).
func open(src *Source, stdin io.Reader) (io.ReadCloser, int64, error) {
	if src.Kind == Stdin {
		if stdin == nil {
			stdin = eofReader{}
		}
		return io.NopCloser(stdin), stdinSize(stdin), nil
	}
	f, err := os.Open(src.Path)
	if err != nil {
		return nil, -1, describeOpenError(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, -1, describeOpenError(err)
	}
	if st.IsDir() {
		f.Close()
		return nil, -1, errors.New("is a directory")
	}
	size := int64(-1)
	if st.Mode().IsRegular() {
		size = st.Size()
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
