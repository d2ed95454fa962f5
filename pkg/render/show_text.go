package render

import (
	"github.com/charmbracelet/x/ansi"

	"github.com/wamo-dev/wamo/pkg/digest"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// The default view of `wamo show`: per payload a header line, then one line
// per message, status or error, indented by two spaces:
//
//	fixtures/sinch/batch-mixed.json:1  sinch  3 messages
//	  2024-06-19 16:00:01  +5511987650001    Mariana Costa   text          Bom dia! Vocês entregam em Campinas?
//	  2024-06-19 16:00:02  +5521998760002    Rafael Lima     image         Este modelo (image/jpeg)
//	fixtures/cloud/status-read.json:1  cloud  1 status
//	  2026-01-06 11:13:43  → +16505550147                    status        read
//	data.ndjson:7  (format not recognised: no top-level … member)
//
// Columns: TIME (YYYY-MM-DD HH:MM:SS in the chosen zone, "-" when unknown),
// FROM (16 cells: the sender, "+" before a phone number, the BSUID of a
// username-only user; "→ " and the recipient for a status), NAME (16
// cells), TYPE (12 cells), then the summary. Values longer than their
// column push the rest of their line instead of being cut. Control
// characters of the payload are made visible (newlines as ↵). On a
// terminal each line is cut to the terminal's width with an ellipsis;
// piped, lines are whole and carry no escape sequences.
const (
	showTextFromWidth = 16
	showTextNameWidth = 16
	showTextTypeWidth = 12
)

func (p *ShowPrinter) textPayload(pl *payload.Payload, f payload.Format) {
	st := p.st
	if f == payload.Unknown {
		p.stats.Unrecognised++
		reason := payload.Detect(pl.Data).Reason
		p.line(st.Location(payloadLocation(pl)) + "  " + st.Unusable("(format not recognised: "+reason+")"))
		return
	}
	// Two passes, so that the header can give the counts without keeping
	// the items: a payload of millions of items costs no more memory than
	// one of a few.
	p.parsed.Parse(pl.Data, f)
	msgs, stats, errs := p.parsed.Count()
	p.stats.Items += msgs + stats + errs
	if !st.Enabled() && !p.tty {
		b := appendPayloadLocation(p.buf[:0], pl)
		b = append(b, ' ', ' ')
		b = append(b, f.String()...)
		b = append(b, ' ', ' ')
		b = appendCounts(b, msgs, stats, errs)
		b = append(b, '\n')
		p.buf = b
		p.write(b)
	} else {
		p.line(st.Location(payloadLocation(pl)) + "  " + st.Format(f.String()) + "  " + st.Dim(CountsPhrase(msgs, stats, errs)))
	}
	p.parsed.Each(func(it *digest.Item) bool {
		p.textItem(it)
		return true
	})
}

// line writes one line, cut to the terminal's width on a terminal.
func (p *ShowPrinter) line(s string) {
	if p.tty && p.width > 0 && cellWidth(s) > p.width {
		s = ansi.Truncate(s, p.width, "…")
	}
	p.writeString(s)
	p.writeString("\n")
}

func (p *ShowPrinter) textItem(it *digest.Item) {
	st := p.st
	if !st.Enabled() && !p.tty {
		// The common piped case builds the line in place, without
		// intermediate strings.
		b := append(p.buf[:0], ' ', ' ')
		b = appendShowTime(b, it.Time, p.loc)
		if it.Time.IsZero() {
			b = append(b, "                  "...)
		}
		b = append(b, ' ', ' ')
		start := len(b)
		b = appendParty(b, it)
		if needsSanitizing(viewString(b[start:])) {
			party := string(b[start:])
			b = appendSanitized(b[:start], party, oneLine)
		}
		b = appendPadded(b, "", showTextFromWidth-cellWidth(viewString(b[start:])))
		b = append(b, ' ', ' ')
		b = appendSanitizedPadded(b, it.Name, showTextNameWidth)
		b = append(b, ' ', ' ')
		b = appendSanitizedPadded(b, it.Type, showTextTypeWidth)
		b = append(b, ' ', ' ')
		b = appendSanitized(b, it.Summary, oneLine)
		b = trimRightSpaces(b)
		b = append(b, '\n')
		p.buf = b
		p.write(b)
		return
	}
	b := appendShowTime(p.buf[:0], it.Time, p.loc)
	tm := string(b)
	b = appendPadded(b[:0], "", 19-len(tm))
	pad := string(b)
	b = appendSanitized(b[:0], it.Summary, oneLine)
	summary := string(b)
	p.buf = b
	switch it.Kind {
	case digest.KindStatus:
		summary = st.Status(it.Status, summary)
	case digest.KindError:
		summary = st.Error(summary)
	}
	party, name, typ := Sanitize(showParty(it)), Sanitize(it.Name), Sanitize(it.Type)
	s := "  " + st.Time(tm) + pad + "  " +
		party + spaces(showTextFromWidth-cellWidth(party)) + "  " +
		st.Name(name) + spaces(showTextNameWidth-cellWidth(name)) + "  " +
		st.Type(typ) + spaces(showTextTypeWidth-cellWidth(typ)) + "  " +
		summary
	p.line(trimRightSpacesString(s))
}

// appendSanitizedPadded appends s made safe and spaces up to width cells.
func appendSanitizedPadded(dst []byte, s string, width int) []byte {
	if needsSanitizing(s) {
		s = string(appendSanitized(nil, s, oneLine))
	}
	return appendPadded(dst, s, width)
}

// spaces returns n spaces (none when n ≤ 0).
func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	if n <= len(jsonSpaces) {
		return jsonSpaces[:n]
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

func trimRightSpaces(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}

func trimRightSpacesString(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}
