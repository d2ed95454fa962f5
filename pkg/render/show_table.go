package render

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"
	"github.com/charmbracelet/x/ansi"

	"github.com/wamo-dev/wamo/pkg/digest"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// The table view of `wamo show`: one row per message, status or error
// across all inputs.
//
// On a terminal it is a lipgloss table with the columns TIME, FROM, NAME,
// TYPE and TEXT (as in the default view; TEXT takes the rest of the
// terminal's width, every cell is cut with an ellipsis to its column). A
// table needs its column widths before its first row; rather than holding
// rows back to measure them, the widths are fixed from the terminal's
// width, so each row is drawn as soon as its payload is read — a live
// stream shows up row by row — and memory does not grow with the input.
// Each row is a one-row lipgloss table without top and bottom borders
// (the first carries the top border and the header); Finish draws the
// bottom border.
//
// Piped, it is tab-separated values, stable for scripts, with this header
// row (printed even when there are no rows):
//
//	time	from	name	type	text	to	source
//
// time is RFC 3339 in the chosen zone (2024-06-19T16:00:01Z with --utc),
// empty when unknown; from and to are the digits as in the payload (for a
// message from is the user and to the business number when known; for a
// status from is the business number when known and to the user); name is
// the profile name; type the normalised type ("status" and "error" for
// those items); text the summary; source is FILE:LINE of the payload.
// Backslash, tab, newline and carriage return inside fields are written
// \\, \t, \n and \r, other control characters \xHH.

// Column indexes of the terminal table.
const (
	showColTime = iota
	showColFrom
	showColName
	showColType
	showColText
	showNumCols
)

var showTableHeaders = [showNumCols]string{"TIME", "FROM", "NAME", "TYPE", "TEXT"}

// showTSVHeader is the header row of the piped table.
const showTSVHeader = "time\tfrom\tname\ttype\ttext\tto\tsource\n"

type showTableState struct {
	started  bool
	overflow bool             // the terminal is narrower than the table
	widths   [showNumCols]int // content widths, without padding
}

func (p *ShowPrinter) tablePayload(pl *payload.Payload, f payload.Format) {
	if f == payload.Unknown {
		p.stats.Unrecognised++
		line, col := pl.Line, pl.Col
		p.diagnostic(pl.Source, line, col, showRuleFormat, "format not recognised: "+payload.Detect(pl.Data).Reason)
		return
	}
	src := payloadLocation(pl)
	digest.Each(pl.Data, f, func(it *digest.Item) bool {
		p.stats.Items++
		if p.tty {
			p.tableRow(it)
		} else {
			p.tsvRow(it, src)
		}
		return true
	})
}

// tableOverhead is the cells a table row takes besides its contents: one
// border per column plus one, one space of padding each side of a cell.
const tableOverhead = showNumCols + 1 + 2*showNumCols

// tableWidths fixes the column widths from the terminal's width: TIME 19,
// FROM 16, NAME 16 and TYPE 12 cells, TEXT the rest (at least 16; NAME
// and TYPE give way first on narrow terminals).
func tableWidths(termWidth int) [showNumCols]int {
	w := [showNumCols]int{19, 16, 16, 12, 0}
	text := termWidth - tableOverhead - (w[0] + w[1] + w[2] + w[3])
	for _, c := range []int{showColName, showColType, showColFrom} {
		if text >= 16 {
			break
		}
		give := min(16-text, w[c]-8)
		if give > 0 {
			w[c] -= give
			text += give
		}
	}
	w[showColText] = max(text, 10)
	return w
}

// fitCell cuts s to width cells (with an ellipsis) and pads it to width.
func fitCell(s string, width int) string {
	if cellWidth(s) > width {
		s = ansi.Truncate(s, width, "…")
	}
	return s + spaces(width-cellWidth(s))
}

func (p *ShowPrinter) tableRow(it *digest.Item) {
	t := &p.table
	first := !t.started
	if first {
		t.started = true
		t.widths = tableWidths(p.width)
		total := tableOverhead
		for _, w := range t.widths {
			total += w
		}
		t.overflow = total > p.width
	}
	var cells [showNumCols]string
	cells[showColTime] = string(appendShowTime(nil, it.Time, p.loc))
	cells[showColFrom] = Sanitize(showParty(it))
	cells[showColName] = Sanitize(it.Name)
	cells[showColType] = Sanitize(it.Type)
	cells[showColText] = Sanitize(it.Summary)
	for i := range cells {
		cells[i] = fitCell(cells[i], t.widths[i])
	}
	kind, status := string(it.Kind), it.Status
	tb := table.New().
		Border(lipgloss.RoundedBorder()).
		BorderStyle(p.st.tableBorder()).
		BorderTop(first).
		BorderBottom(false).
		Wrap(false).
		StyleFunc(func(row, col int) lipgloss.Style {
			return p.st.tableCell(row == table.HeaderRow, col, kind, status)
		})
	if first {
		var hs [showNumCols]string
		for i, h := range showTableHeaders {
			hs[i] = fitCell(h, t.widths[i])
		}
		tb.Headers(hs[:]...)
	}
	tb.Row(cells[:]...)
	out := tb.Render()
	if t.overflow {
		// Narrower than the narrowest table: cut every line, borders and
		// all, rather than let the terminal wrap them.
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, p.width, "…")
		}
		out = strings.Join(lines, "\n")
	}
	p.writeString(out)
	p.writeString("\n")
}

// tableFinish closes the terminal table with its bottom border, or writes
// the header of a TSV that got no row.
func (p *ShowPrinter) tableFinish() {
	t := &p.table
	if !p.tty {
		if !t.started {
			t.started = true
			p.writeString(showTSVHeader)
		}
		return
	}
	if !t.started {
		return
	}
	b := lipgloss.RoundedBorder()
	var sb strings.Builder
	sb.WriteString(b.BottomLeft)
	for i, w := range t.widths {
		if i > 0 {
			sb.WriteString(b.MiddleBottom)
		}
		sb.WriteString(strings.Repeat(b.Bottom, w+2))
	}
	sb.WriteString(b.BottomRight)
	bottom := sb.String()
	if t.overflow {
		bottom = ansi.Truncate(bottom, p.width, "…")
	}
	p.writeString(p.st.tableBorder().Render(bottom))
	p.writeString("\n")
}

func (p *ShowPrinter) tsvRow(it *digest.Item, src string) {
	b := p.buf[:0]
	if !p.table.started {
		p.table.started = true
		b = append(b, showTSVHeader...)
	}
	if !it.Time.IsZero() {
		b = it.Time.In(p.loc).AppendFormat(b, time.RFC3339)
	}
	from := it.From
	if from == "" && it.Kind == digest.KindMessage {
		from = it.UserID
	}
	to := it.To
	if to == "" && it.Kind == digest.KindStatus {
		to = it.UserID
	}
	for _, f := range [...]string{from, it.Name, it.Type, it.Summary, to, src} {
		b = append(b, '\t')
		b = appendTSVField(b, f)
	}
	b = append(b, '\n')
	p.buf = b
	p.write(b)
}

// appendTSVField appends s with backslash, tab, newline and carriage
// return escaped (\\, \t, \n, \r), other C0 controls and DEL as \xHH, C1
// and bidi controls as \uHHHH and bytes that are not UTF-8 as \xHH: one
// field per column, and nothing a terminal acts on.
func appendTSVField(dst []byte, s string) []byte {
	if !needsSanitizing(s) && strings.IndexByte(s, '\\') < 0 {
		return append(dst, s...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c < 0x20 || c == 0x7f:
			dst = append(dst, '\\', 'x', lowerHex[c>>4], lowerHex[c&15])
		case c < utf8.RuneSelf:
			dst = append(dst, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && n == 1:
				dst = append(dst, '\\', 'x', lowerHex[c>>4], lowerHex[c&15])
			case unsafeRune(r):
				dst = append(dst, '\\', 'u', lowerHex[r>>12&15], lowerHex[r>>8&15], lowerHex[r>>4&15], lowerHex[r&15])
			default:
				dst = append(dst, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	return dst
}
