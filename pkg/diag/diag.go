// Package diag is the vocabulary of diagnostics shared by format rules, the
// validator, the converter and the renderers: rules with stable ids,
// severities and findings located by JSON path and source position.
package diag

import (
	"fmt"
	"strconv"
)

// Severity of a finding. Errors make a payload invalid; warnings do not,
// unless the user asks for --strict.
type Severity uint8

// Severities, most serious first.
const (
	Error Severity = iota
	Warning
	Info
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	}
	return fmt.Sprintf("severity(%d)", uint8(s))
}

// MarshalText makes severities render as words in JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Rule is one documented check. ID is stable across releases: users filter
// on it, CI annotations carry it, and the README lists it.
type Rule struct {
	ID       string   // e.g. "sinch.total-mismatch"
	Severity Severity // default severity
	Summary  string   // one line, shown by --list-rules
	Formats  string   // which formats it applies to: "sinch", "whatsapp", "cloud", "whatsapp,cloud", "all"
	Source   string   // where the rule comes from: public documents, by title and URL
}

// Finding is one diagnostic about one payload.
type Finding struct {
	Rule     *Rule
	Severity Severity
	Message  string
	Path     string // JSON path inside the payload, e.g. data[0].message.type ("" = whole payload)
	Offset   int    // byte offset inside the payload of the value concerned
	Item     int    // index of the message/status/data item it belongs to, -1 for the envelope

	// Line and Col (1-based; Col counts characters) locate the finding in
	// its source file; filled in by the validator from Offset.
	Line, Col int

	// Excerpt is the source line around the finding (syntax errors only),
	// and Caret the 1-based character column in Excerpt to mark.
	Excerpt string
	Caret   int
}

// RuleID returns the finding's rule id, or "" when it has none.
func (f *Finding) RuleID() string {
	if f.Rule == nil {
		return ""
	}
	return f.Rule.ID
}

// AppendPathKey appends the member key to a JSON path as wamo writes them
// in findings: data[0].message.type, with keys that are not plain words
// quoted in brackets: ["a.b"], [""].
func AppendPathKey(b []byte, key string) []byte {
	if plainKey(key) {
		if len(b) > 0 {
			b = append(b, '.')
		}
		return append(b, key...)
	}
	b = append(b, '[')
	b = strconv.AppendQuote(b, key)
	return append(b, ']')
}

// AppendPathIndex appends the array index i to a JSON path: [i].
func AppendPathIndex(b []byte, i int) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, ']')
}

func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		ch := k[i]
		if !(ch == '_' || ch == '-' || ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z') {
			return false
		}
	}
	return true
}
