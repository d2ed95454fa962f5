package render

import (
	"io"
	"strconv"

	"github.com/wamo-dev/wamo/pkg/convert"
	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/message"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// ConvertDiagnostics writes what `wamo convert` says about each payload on
// stderr: findings of an invalid payload, losses, defaults, and why a
// payload was not written. Every line is FILE:LINE[:COL]: SEVERITY RULE:
// text, with payload values neutralised.
type ConvertDiagnostics struct {
	w      io.Writer
	target string
	opts   ConvertDiagnosticsOptions
	buf    []byte // the line being written: one write, no string built per line
}

// ConvertDiagnosticsOptions configure ConvertDiagnostics.
type ConvertDiagnosticsOptions struct {
	Target payload.Format
	Strict bool // losses are errors
	Quiet  bool // only errors
	// Flag names the flag that sets the value an option stands for ("" =
	// none): the option names are the library's, the flags the CLI's.
	Flag func(message.Option) string
}

// NewConvertDiagnostics writes convert's diagnostics to w, neutralising
// what payloads put in them.
func NewConvertDiagnostics(w io.Writer, opts ConvertDiagnosticsOptions) *ConvertDiagnostics {
	return &ConvertDiagnostics{w: SafeWriter(w), target: opts.Target.String(), opts: opts}
}

func (d *ConvertDiagnostics) line(s string) {
	d.buf = append(d.buf[:0], s...)
	d.end()
}

// start begins a line with its location; end writes it.
func (d *ConvertDiagnostics) start(source string, line, col int) {
	d.buf = appendLocation(d.buf[:0], source, line, col)
}

func (d *ConvertDiagnostics) add(s ...string) {
	for _, x := range s {
		d.buf = append(d.buf, x...)
	}
}

func (d *ConvertDiagnostics) end() {
	d.buf = append(d.buf, '\n')
	_, _ = d.w.Write(d.buf)
}

// Unusable reports a payload convert cannot read at all.
func (d *ConvertDiagnostics) Unusable(source string, line, col int, msg string) {
	d.line(Location(source, line, col) + ": " + msg)
}

// Invalid reports the findings of a payload that does not validate, and
// that it was not converted.
func (d *ConvertDiagnostics) Invalid(p *payload.Payload, from payload.Format, findings []diag.Finding) {
	for i := range findings {
		f := &findings[i]
		if d.opts.Quiet && f.Severity != diag.Error {
			continue
		}
		line, col := f.Line, f.Col
		if line == 0 {
			line, col = p.Line, p.Col
		}
		s := Location(p.Source, line, col) + ": " + f.Severity.String() + " " + f.RuleID() + ": " + f.Message
		if f.Path != "" {
			s += " (path " + f.Path + ")"
		}
		d.line(s)
	}
	d.line(Location(p.Source, p.Line, p.Col) + ": payload not converted: it is not a valid " + from.String() +
		" payload (--force converts it anyway)")
}

// Result reports the losses and defaults of a conversion, and why nothing
// was written when nothing was; it reports whether the output may be
// written.
func (d *ConvertDiagnostics) Result(p *payload.Payload, res *convert.Result) bool {
	severity := "warning"
	if d.opts.Strict {
		severity = "error"
	}
	target := d.target
	// One forward pass places losses and defaults, which come in document
	// order: a position from the start for each made many quadratic.
	cur := p.Cursor()
	if !d.opts.Quiet || d.opts.Strict {
		for _, l := range res.Losses {
			line, _ := cur.Position(l.Offset)
			d.start(p.Source, line, 0)
			d.add(": ", severity, " convert.loss: ", lossPath(l.Path), " has no counterpart in ", target, " (", l.Reason, ")")
			d.end()
		}
	}
	if !d.opts.Quiet {
		for _, df := range res.Defaults {
			if df.FromOption {
				continue
			}
			line, _ := cur.Position(df.Offset)
			d.start(p.Source, line, 0)
			d.add(": warning convert.default: ", df.Path, " = ")
			d.buf = strconv.AppendQuote(d.buf, df.Value)
			d.add(" (", df.Reason)
			if f := d.flag(df.Option); f != "" {
				d.add("; set ", f)
			}
			d.add(")")
			d.end()
		}
	}
	line, col := p.Position(0)
	if d.opts.Strict && res.Lossy() {
		d.line(Location(p.Source, line, col) + ": error convert.strict: payload not written: the conversion to " + target +
			" loses " + Plural(len(res.Losses), "field"))
		return false
	}
	if res.Output == nil {
		d.line(Location(p.Source, line, col) + ": warning convert.empty: nothing written: no item of this " +
			res.From.String() + " payload has a counterpart in " + target)
		return false
	}
	return true
}

func (d *ConvertDiagnostics) flag(o message.Option) string {
	if d.opts.Flag == nil || o == message.NoOption {
		return ""
	}
	return d.opts.Flag(o)
}

// lossPath names the whole payload when a loss has no path.
func lossPath(p string) string {
	if p == "" {
		return "the payload"
	}
	return p
}
