package render

import (
	"io"
	"unicode/utf8"
)

// Nothing from a payload controls the terminal. Payload values (and file
// names, server answers, error texts quoting them) reach every view of
// wamo; a string in a webhook can hold an escape sequence that recolours
// or clears the screen, BEL, C1 controls that some terminals take for
// CSI, bidirectional overrides that show text in another order than it
// is (U+202A–U+202E, U+2066–U+2069), or bytes that are not UTF-8. This
// file is the one mechanism that neutralises them: human views pass every
// foreign string through appendSanitized (or sanitized), on a terminal and
// when piped alike, and machine formats escape them as their syntax allows
// (appendJSONSafe for JSON, SARIF and show --json, appendTSVField for the
// TSV table, sanitized text for JUnit and GitHub workflow commands).

// sanitizeMode says what happens to newlines and tabs.
type sanitizeMode uint8

const (
	// oneLine: newlines (and CR, CRLF) become ↵ and tabs a space, so that
	// a value stays on its line.
	oneLine sanitizeMode = iota
	// keepLines: newlines and tabs are kept (a raw string printed by show
	// --field, as jq -r does); CRLF becomes a newline and a lone carriage
	// return, which would let text overwrite its own line, is shown as ↵.
	keepLines
	// oneCell: every character becomes exactly one character, so that a
	// caret drawn under an excerpt stays aligned: controls become U+FFFD,
	// tabs a space.
	oneCell
)

// unsafeRune reports whether a terminal could act on r: C0 controls, DEL,
// C1 controls, and the bidirectional embeddings, overrides and isolates.
func unsafeRune(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// needsSanitizing reports whether s holds anything appendSanitized would
// change: an unsafe character or a byte that is not UTF-8. ASCII text, the
// common case, is read one byte at a time without decoding.
func needsSanitizing(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || unsafeRune(r) {
			return true
		}
		i += n
	}
	return false
}

// appendSanitized appends s with what a terminal would act on made
// visible: newlines and tabs per mode; other C0 controls and DEL in caret
// notation (^[ for ESC, ^G for BEL, ^? for DEL), C1 controls, bidi
// controls and bytes that are not UTF-8 as U+FFFD. In oneCell mode every
// control is U+FFFD. Payload text is data, never terminal commands.
func appendSanitized(dst []byte, s string, mode sanitizeMode) []byte {
	if !needsSanitizing(s) {
		return append(dst, s...)
	}
	const replacement = "\uFFFD"
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			dst = append(dst, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch {
			case mode == keepLines && (c == '\n' || c == '\t'):
				dst = append(dst, c)
			case mode == keepLines && c == '\r' && i+1 < len(s) && s[i+1] == '\n':
				// CRLF: the newline that follows is kept.
			case c == '\t':
				dst = append(dst, ' ')
			case mode == oneCell:
				dst = append(dst, replacement...)
			case c == '\n':
				dst = append(dst, "↵"...)
			case c == '\r':
				dst = append(dst, "↵"...)
				if i+1 < len(s) && s[i+1] == '\n' {
					i++
				}
			case c == 0x7f:
				dst = append(dst, '^', '?')
			default:
				dst = append(dst, '^', c+'@')
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || unsafeRune(r) {
			dst = append(dst, replacement...)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}

// Sanitize makes a one-line string from a payload or a peer safe to
// print: controls and escape sequences become visible escapes.
func Sanitize(s string) string {
	if !needsSanitizing(s) {
		return s
	}
	return string(appendSanitized(nil, s, oneLine))
}

// SanitizeLines is Sanitize for text shown over several lines: newlines
// and tabs are kept.
func SanitizeLines(s string) string {
	return string(appendSanitized(nil, s, keepLines))
}

// SafeText returns s made safe to print on a terminal on one line, for
// the few places outside render that still print text from payloads
// themselves (convert's warnings): every view of render does this itself.
func SafeText(s string) string { return Sanitize(s) }

const lowerHex = "0123456789abcdef"

// appendJSONSafe appends the JSON text b (as encoding/json or a copy of
// payload bytes wrote it) with every unsafe character that may appear
// inside its strings — DEL, C1 controls, bidi controls, which JSON allows
// raw — written as a \u escape, and bytes that are not UTF-8 as \ufffd.
// These can only occur inside strings, where the escape means the same
// character, so the document keeps its value; C0 controls cannot occur
// raw in valid JSON. ASCII-only text, the common case, is copied at once.
func appendJSONSafe(dst, b []byte) []byte {
	start := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x7f {
			i++
			continue
		}
		var r rune
		n := 1
		if c == 0x7f {
			r = 0x7f
		} else {
			r, n = utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				r = utf8.RuneError
			} else if !unsafeRune(r) {
				i += n
				continue
			}
		}
		dst = append(dst, b[start:i]...)
		dst = append(dst, '\\', 'u', lowerHex[r>>12&15], lowerHex[r>>8&15], lowerHex[r>>4&15], lowerHex[r&15])
		i += n
		start = i
	}
	return append(dst, b[start:]...)
}

// JSONSafe is appendJSONSafe on its own buffer, for callers that write
// encoded documents: it returns b itself when nothing needs escaping.
func JSONSafe(b []byte) []byte {
	for _, c := range b {
		if c >= 0x7f {
			return appendJSONSafe(make([]byte, 0, len(b)+16), b)
		}
	}
	return b
}

// SafeWriter returns a writer that passes text on to w with what a
// terminal would act on made visible (newlines and tabs kept), for a
// command that still writes its diagnostics itself: convert's warnings
// quote paths and values of payloads. Text must carry no styling of its
// own. A character split between two writes is held back until the rest
// arrives.
func SafeWriter(w io.Writer) io.Writer { return &safeWriter{w: w} }

type safeWriter struct {
	w       io.Writer
	pending []byte // the start of a character the next write completes
	buf     []byte
}

func (s *safeWriter) Write(p []byte) (int, error) {
	data := p
	if len(s.pending) > 0 {
		data = append(s.pending, p...)
	}
	cut := len(data) - partialRune(data)
	s.buf = appendSanitized(s.buf[:0], viewString(data[:cut]), keepLines) // read, not kept
	s.pending = append(s.pending[:0:0], data[cut:]...)
	if _, err := s.w.Write(s.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// partialRune returns the length of an incomplete UTF-8 sequence ending b.
func partialRune(b []byte) int {
	for n := 1; n <= utf8.UTFMax-1 && n <= len(b); n++ {
		c := b[len(b)-n]
		if c < utf8.RuneSelf {
			return 0
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(b[len(b)-n:]) {
				return 0
			}
			return n
		}
	}
	return 0
}
