package render

import (
	"bufio"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/iostreams"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// ValidateOutputs lists the values accepted by `wamo validate --output`,
// the default first.
var ValidateOutputs = []string{"text", "json", "github", "junit", "sarif"}

// InputRuleID labels problems with a source as a whole (unreadable, not
// JSON, a document over --max-size) where a rule id is expected.
const InputRuleID = "input"

// ValidateReporter receives results as validation streams through the
// inputs, and writes them to stdout in one output format. Calls must follow
// the order BeginSource, Payload…, EndSource (per source, in input order),
// then Finish once. The reporter owns ios.Out until Finish returns: it
// buffers its writes, and Finish flushes them.
type ValidateReporter interface {
	// BeginSource starts a source (file, "-" for stdin, fixture).
	BeginSource(name string)
	// Payload reports one payload, valid or not, in input order.
	Payload(r *validate.Result)
	// EndSource closes the source after its last payload; s.Err is set
	// when the source was unreadable, not JSON or too large.
	EndSource(s *validate.Source)
	// Finish writes what remains (summary, totals), flushes, and returns
	// the first write error, if any.
	Finish(sum *validate.Summary, exitCode int) error
}

// ValidateOptions configure a ValidateReporter.
type ValidateOptions struct {
	// Output is one of ValidateOutputs; "" means text.
	Output string
	// Quiet (text) prints only problems: no per-file "ok" lines, and the
	// summary line only when something was invalid or unusable.
	Quiet bool
	// Verbose (text) also prints one line per payload with its verdict,
	// detected format and why, before that payload's diagnostics.
	Verbose bool
	// Rules are every rule wamo checks: SARIF lists them in
	// tool.driver.rules; JSON describes those that fired.
	Rules []*diag.Rule
	// Version is wamo's version, recorded by the JSON, JUnit and SARIF outputs.
	Version string
}

// NewValidateReporter returns the reporter for opts.Output, writing to
// ios.Out. It returns an error for an unknown output format.
func NewValidateReporter(ios *iostreams.IOStreams, opts ValidateOptions) (ValidateReporter, error) {
	if opts.Version == "" {
		opts.Version = "dev"
	}
	w := bufio.NewWriterSize(ios.Out, 64<<10)
	switch opts.Output {
	case "", "text":
		return newValidateText(ios, w, opts), nil
	case "json":
		return newValidateJSON(w, opts), nil
	case "github":
		return newValidateGitHub(w, opts), nil
	case "junit":
		return newValidateJUnit(w, opts), nil
	case "sarif":
		return newValidateSARIF(w, opts), nil
	}
	return nil, fmt.Errorf("unknown output %q: want %s", opts.Output, strings.Join(ValidateOutputs, ", "))
}

// findingPos returns where a finding is, falling back on where its payload
// starts when the validator could not locate it.
func findingPos(r *validate.Result, f *diag.Finding) (line, col int) {
	if f.Line > 0 {
		return f.Line, f.Col
	}
	return r.Line, r.Col
}

// levelWord names a severity in a CI format: errors and warnings by their
// own words, anything milder by the format's word for it (GitHub's notice,
// SARIF's note).
func levelWord(sev diag.Severity, milder string) string {
	if sev > diag.Warning {
		return milder
	}
	return sev.String()
}

// eachFinding calls fn with each finding of r and where it is: the
// result's file (current when it names none), and the finding's line and
// column (its payload's when it has none).
func eachFinding(r *validate.Result, current string, fn func(f *diag.Finding, file string, line, col int)) {
	file := resultSource(r, current)
	for i := range r.Findings {
		f := &r.Findings[i]
		line, col := findingPos(r, f)
		fn(f, file, line, col)
	}
}

// FindingRule returns the finding's rule id, or "wamo" for a finding without rule.
func FindingRule(f *diag.Finding) string {
	if id := f.RuleID(); id != "" {
		return id
	}
	return "wamo"
}

// withPath appends " (path P)" to a message when the finding has a path.
func withPath(msg, path string) string {
	if path == "" {
		return msg
	}
	return msg + " (path " + path + ")"
}

// resultSource is the file a result belongs to: its own Source, else the
// name given to BeginSource.
func resultSource(r *validate.Result, current string) string {
	if r.Source != "" {
		return r.Source
	}
	return current
}

// sourceName is the name of a source, or the current one when the
// source does not say.
func sourceName(s *validate.Source, current string) string {
	if s.Name != "" {
		return s.Name
	}
	return current
}

// sourceError returns the message and position of a source's error, or of
// its interruption. A *payload.SourceError already names the source and
// position in its text; they are taken apart so that every output can place
// them itself.
func sourceError(s *validate.Source) (msg string, line, col int) {
	if s.Err == nil {
		return InterruptedText(s.Payloads), 0, 0
	}
	msg, line, col = SourceErrorParts(s.Err)
	if s.ErrLine > 0 {
		line, col = s.ErrLine, s.ErrCol
	}
	return msg, line, col
}

// sourceProblem reports whether a source as a whole has something to
// report: an error, or an interruption.
func sourceProblem(s *validate.Source) bool { return s.Err != nil || s.Interrupted }

// sourceUnusable reports whether a source counts as unusable (an error, or
// unusable payloads), as Summary.AddSource classes it.
func sourceUnusable(s *validate.Source) bool { return s.Err != nil || s.Unusable > 0 }

// formatNames lists a count's formats in the canonical order (sinch,
// whatsapp, cloud), then any other name alphabetically.
func formatNames(byFormat map[string]int) []string {
	names := make([]string, 0, len(byFormat))
	for _, f := range payload.Formats {
		if byFormat[f.String()] > 0 {
			names = append(names, f.String())
		}
	}
	var rest []string
	for k, n := range byFormat {
		known := false
		for _, f := range payload.Formats {
			known = known || k == f.String()
		}
		if !known && n > 0 {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(names, rest...)
}

// countsDetail describes a source's payloads: "sinch, 1 payload, 1 message"
// then, after "; ", its problems: "2 invalid, 3 errors, 1 warning".
func countsDetail(c *validate.Counts) string {
	var parts []string
	if names := formatNames(c.ByFormat); len(names) > 0 {
		parts = append(parts, strings.Join(names, "+"))
	}
	parts = append(parts, Plural(c.Payloads, "payload"))
	if c.Messages > 0 || c.Statuses == 0 {
		parts = append(parts, Plural(c.Messages, "message"))
	}
	if c.Statuses > 0 {
		parts = append(parts, Plural(c.Statuses, "status"))
	}
	var probs []string
	if c.Payloads > 1 {
		if c.Invalid > 0 {
			probs = append(probs, strconv.Itoa(c.Invalid)+" invalid")
		}
		if c.Unusable > 0 {
			probs = append(probs, strconv.Itoa(c.Unusable)+" unusable")
		}
	}
	if c.Errors > 0 {
		probs = append(probs, Plural(c.Errors, "error"))
	}
	if c.Warnings > 0 {
		probs = append(probs, Plural(c.Warnings, "warning"))
	}
	out := strings.Join(parts, ", ")
	if len(probs) > 0 {
		out += "; " + strings.Join(probs, ", ")
	}
	return out
}

// sourceDetail is the parenthesised part of a source's status line.
// firstReason is why its first unusable payload was unusable. A source error
// is told by its root cause only ("document too large", "no such file or
// directory"): the diagnostic line above the status line has the details.
func sourceDetail(s *validate.Source, firstReason string) string {
	if s.Interrupted && s.Err == nil {
		d := "interrupted"
		if s.Payloads > 0 {
			d += "; read before: " + countsDetail(&s.Counts)
		}
		return d
	}
	if s.Err != nil {
		d := "unusable: " + rootCause(s.Err).Error()
		if s.Payloads > 0 {
			d += "; read before: " + countsDetail(&s.Counts)
		}
		return d
	}
	if s.Unusable > 0 && s.Payloads == 1 {
		if firstReason == "" {
			firstReason = "no usable payload"
		}
		return "unusable: " + firstReason
	}
	return countsDetail(&s.Counts)
}

// rootCause unwraps err down to the error it was built on.
func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// SummaryLine is the one-line verdict over all inputs, e.g.
// "3 files (1 invalid, 1 unusable), 5 payloads: 4 valid, 1 invalid,
// 0 unusable; 7 messages (1 invalid); 2 errors, 1 warning".
func SummaryLine(sum *validate.Summary) string {
	var b strings.Builder
	b.WriteString(Plural(sum.Files, "file"))
	var bad []string
	if sum.FilesInvalid > 0 {
		bad = append(bad, strconv.Itoa(sum.FilesInvalid)+" invalid")
	}
	if sum.FilesUnusable > 0 {
		bad = append(bad, strconv.Itoa(sum.FilesUnusable)+" unusable")
	}
	if sum.FilesInterrupted > 0 {
		bad = append(bad, strconv.Itoa(sum.FilesInterrupted)+" interrupted")
	}
	if len(bad) > 0 {
		b.WriteString(" (" + strings.Join(bad, ", ") + ")")
	}
	fmt.Fprintf(&b, ", %s: %d valid, %d invalid, %d unusable; %s",
		Plural(sum.Payloads, "payload"), sum.Valid, sum.Invalid, sum.Unusable, Plural(sum.Messages, "message"))
	if sum.Statuses > 0 {
		b.WriteString(", " + Plural(sum.Statuses, "status"))
	}
	if sum.InvalidMessages > 0 {
		fmt.Fprintf(&b, " (%d invalid)", sum.InvalidMessages)
	}
	fmt.Fprintf(&b, "; %s, %s", Plural(sum.Errors, "error"), Plural(sum.Warnings, "warning"))
	return b.String()
}

// summaryTone is the mood of a summary.
func summaryTone(sum *validate.Summary, exitCode int) Tone {
	switch {
	case exitCode != 0 || sum.Invalid > 0 || sum.Unusable > 0 || sum.FilesUnusable > 0 || sum.FilesInvalid > 0 || sum.Errors > 0:
		return ToneError
	case sum.Warnings > 0:
		return ToneWarning
	}
	return ToneOK
}

// uriPath turns a file name into a relative, forward-slash path for CI
// annotations; ok is false for names that are not files (stdin, fixtures).
func uriPath(name string) (p string, ok bool) {
	if name == "" || name == "-" || strings.HasPrefix(name, "fixture:") {
		return "", false
	}
	return filepath.ToSlash(name), true
}
