package render

import (
	"bufio"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/charmbracelet/x/ansi"
	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/digest"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/jsonlex"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// ShowView is one of the outputs of `wamo show`.
type ShowView uint8

// Views of `wamo show`.
const (
	// ShowDefault prints, per payload, a header line and one line per
	// message, status or error (see showText).
	ShowDefault ShowView = iota
	// ShowTable prints one row per item across all payloads: a lipgloss
	// table on a terminal, tab-separated values otherwise (see showTable).
	ShowTable
	// ShowJSON prints each payload as JSON, indented like jq (or on one
	// line with ShowOptions.Compact), coloured like `jq -C` when colour is
	// enabled.
	ShowJSON
	// ShowField prints the value at a gjson path of each payload.
	ShowField
)

// Rule ids of the diagnostics show writes on stderr.
const (
	showRuleSyntax = "json.syntax"
	showRuleFormat = "format"
)

// ShowOptions configure a ShowPrinter.
type ShowOptions struct {
	View ShowView
	// Compact prints each payload on one line (ShowJSON).
	Compact bool
	// Field is the gjson path printed by ShowField.
	Field string
	// Location is the time zone of the times shown; nil means time.Local.
	Location *time.Location
}

// ShowStats counts what a ShowPrinter printed, for the exit status.
type ShowStats struct {
	Payloads     int // valid JSON payloads printed
	Items        int // messages, statuses and errors shown (default view and table)
	Unrecognised int // payloads whose format was not recognised (default view and table)
	FieldHits    int // payloads that had the --field path
}

// ShowPrinter writes the output of `wamo show` as payloads arrive: nothing
// is kept from one payload to the next but reusable buffers, so memory stays
// flat however long the input. Diagnostics go to stderr.
type ShowPrinter struct {
	opts  ShowOptions
	w     *bufio.Writer
	errW  io.Writer
	st    *showStyles // stdout
	est   *Styles     // stderr
	tty   bool
	width int
	loc   *time.Location

	jp     jsonPrinter
	buf    []byte
	table  showTableState
	parsed digest.Parsed
	stats  ShowStats
	err    error // first write error
}

// NewShowPrinter returns a printer writing to ios.
func NewShowPrinter(ios *iostreams.IOStreams, opts ShowOptions) *ShowPrinter {
	p := &ShowPrinter{
		opts:  opts,
		w:     bufio.NewWriterSize(ios.Out, 64<<10),
		errW:  ios.ErrOut,
		st:    newShowStyles(ios.ColorEnabled()),
		est:   NewStyles(ios.ColorEnabledErr()),
		tty:   ios.IsStdoutTTY(),
		width: ios.TerminalWidth(),
		loc:   opts.Location,
	}
	if p.loc == nil {
		p.loc = time.Local
	}
	p.jp.color = p.st.Enabled()
	p.jp.layout = jsonIndent
	if opts.Compact {
		p.jp.layout = jsonCompact
	}
	if opts.View == ShowField {
		p.jp.layout = jsonCompact
	}
	return p
}

// Stats returns the counts so far.
func (p *ShowPrinter) Stats() ShowStats { return p.stats }

// Payload prints one payload. It must be syntactically valid JSON (see
// payload.CheckSyntax); f is its format, payload.Unknown when it was not
// recognised. It returns the first error writing the output.
func (p *ShowPrinter) Payload(pl *payload.Payload, f payload.Format) error {
	p.stats.Payloads++
	switch p.opts.View {
	case ShowJSON:
		p.buf = p.jp.Append(p.buf[:0], pl.Data)
		p.buf = append(p.buf, '\n')
		p.write(p.buf)
	case ShowField:
		p.field(pl)
	case ShowTable:
		p.tablePayload(pl, f)
	default:
		p.textPayload(pl, f)
	}
	return p.err
}

func (p *ShowPrinter) write(b []byte) {
	if _, err := p.w.Write(b); err != nil && p.err == nil {
		p.err = err
	}
}

func (p *ShowPrinter) writeString(s string) {
	if _, err := p.w.WriteString(s); err != nil && p.err == nil {
		p.err = err
	}
}

// Flush writes what is buffered. The command calls it before reading more
// input, so that a live stream is shown as it comes.
func (p *ShowPrinter) Flush() error {
	if err := p.w.Flush(); err != nil && p.err == nil {
		p.err = err
	}
	return p.err
}

// Finish ends the output (the table's bottom border, the header of an empty
// TSV) and flushes it.
func (p *ShowPrinter) Finish() error {
	if p.opts.View == ShowTable {
		p.tableFinish()
	}
	return p.Flush()
}

// field prints the value at the --field path (of a key written twice, the
// last, which receivers read): a string raw (as jq -r
// does; control characters other than newline, tab and carriage return in
// caret notation, so that no payload can send escape sequences), a number
// or boolean as written, null as null, an object or array as compact JSON
// (coloured on a terminal), and an empty line when the path is missing, so
// that there is one line per payload.
func (p *ShowPrinter) field(pl *payload.Payload) {
	// Receivers keep the last of two equal keys; gjson finds the first.
	// LastWins hands back the payload itself when no key repeats.
	data := pl.Data
	if resolved, _, err := jsonlex.LastWins(data); err == nil {
		data = resolved
	}
	r := gjson.Get(viewString(data), p.opts.Field)
	b := p.buf[:0]
	if r.Exists() {
		p.stats.FieldHits++
		switch r.Type {
		case gjson.String:
			b = appendSanitized(b, r.Str, keepLines)
		case gjson.JSON:
			b = p.jp.Append(b, unsafe.Slice(unsafe.StringData(r.Raw), len(r.Raw)))
		default:
			b = append(b, r.Raw...)
		}
	}
	b = append(b, '\n')
	p.buf = b
	p.write(b)
}

// SyntaxError reports on stderr a payload that is not valid JSON:
// FILE:LINE:COL: error json.syntax: MESSAGE.
func (p *ShowPrinter) SyntaxError(pl *payload.Payload, se *payload.SyntaxError) {
	line, col := pl.Position(se.Offset)
	p.diagnostic(pl.Source, line, col, showRuleSyntax, se.Msg)
}

// diagnostic writes one error line on stderr, after what stdout holds so
// that both stay in order on a terminal.
func (p *ShowPrinter) diagnostic(file string, line, col int, rule, msg string) {
	p.Flush()
	io.WriteString(p.errW, errorLine(p.est, file, line, col, rule, msg))
}

// errorLine is the diagnostic line every command writes on stderr:
// FILE[:LINE[:COL]]: error RULE: MESSAGE, control characters neutralised.
func errorLine(st *Styles, file string, line, col int, rule, msg string) string {
	return st.Location(Location(Sanitize(file), line, col)+":") + " " + st.Severity(diag.Error) + " " +
		st.RuleID(rule) + ": " + Sanitize(msg) + "\n"
}

// viewString views b as a string without copying, for reading it while b
// is not modified.
func viewString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// payloadLocation is FILE:LINE for a payload, FILE:LINE:COL when it does
// not start a line (documents concatenated on one line).
func payloadLocation(pl *payload.Payload) string {
	return string(appendPayloadLocation(nil, pl))
}

// appendPayloadLocation appends payloadLocation(pl).
func appendPayloadLocation(dst []byte, pl *payload.Payload) []byte {
	dst = appendSanitized(dst, pl.Source, oneLine)
	if pl.Line <= 0 {
		return dst
	}
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(pl.Line), 10)
	if pl.Col > 1 {
		dst = append(dst, ':')
		dst = strconv.AppendInt(dst, int64(pl.Col), 10)
	}
	return dst
}

// cellWidth is the number of terminal cells s occupies.
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// appendPadded appends s and spaces up to width cells.
func appendPadded(dst []byte, s string, width int) []byte {
	dst = append(dst, s...)
	for n := cellWidth(s); n < width; n++ {
		dst = append(dst, ' ')
	}
	return dst
}

// showParty is the user an item is about, as shown in the FROM column: the
// sender of a message ("+" before a phone number, the BSUID when there is
// no number), "→ " and the recipient of a status, nothing for an error.
func showParty(it *digest.Item) string {
	var buf [48]byte
	return string(appendParty(buf[:0], it))
}

// appendParty appends showParty(it).
func appendParty(dst []byte, it *digest.Item) []byte {
	var v string
	switch it.Kind {
	case digest.KindError:
		return dst
	case digest.KindStatus:
		v = it.To
	default:
		v = it.From
	}
	phone := v != "" && jsonlex.Digits(v)
	if v == "" {
		v = it.UserID
	}
	if v == "" {
		return dst
	}
	if it.Kind == digest.KindStatus {
		dst = append(dst, "→ "...)
	}
	if phone {
		dst = append(dst, '+')
	}
	return append(dst, v...)
}

// showTimeLayout is the time column of the default view and the table:
// always with the date, so that lines read the same whatever the span of
// the input.
const showTimeLayout = "2006-01-02 15:04:05"

// appendShowTime appends an item's time in loc, or "-" when unknown.
func appendShowTime(dst []byte, t time.Time, loc *time.Location) []byte {
	if t.IsZero() {
		return append(dst, '-')
	}
	return t.In(loc).AppendFormat(dst, showTimeLayout)
}

// CountsPhrase is "2 messages, 1 status", or "no messages or statuses".
func CountsPhrase(msgs, stats, errs int) string {
	return string(appendCounts(nil, msgs, stats, errs))
}

// appendCounts appends CountsPhrase(msgs, stats, errs).
func appendCounts(dst []byte, msgs, stats, errs int) []byte {
	start := len(dst)
	for _, c := range [...]struct {
		n           int
		one, plural string
	}{{msgs, " message", " messages"}, {stats, " status", " statuses"}, {errs, " error", " errors"}} {
		if c.n == 0 {
			continue
		}
		if len(dst) > start {
			dst = append(dst, ", "...)
		}
		dst = strconv.AppendInt(dst, int64(c.n), 10)
		if c.n == 1 {
			dst = append(dst, c.one...)
		} else {
			dst = append(dst, c.plural...)
		}
	}
	if len(dst) == start {
		dst = append(dst, "no messages or statuses"...)
	}
	return dst
}
