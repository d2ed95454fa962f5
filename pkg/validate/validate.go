// Package validate checks webhook payloads against the documented formats:
// syntax first, then format detection, then the rule tables of the format
// packages, and finally it locates every finding by line and column.
package validate

import (
	"slices"
	"sort"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// Rules for problems found before any format rule applies.
var (
	RuleSyntax = &diag.Rule{ID: "json.syntax", Severity: diag.Error, Formats: "all",
		Summary: "the payload is not valid JSON (position and a caret excerpt are shown); unusable input, exit 3"}
	RuleNotObject = &diag.Rule{ID: "json.not-object", Severity: diag.Error, Formats: "all",
		Summary: "the top-level JSON value is not an object; unusable input, exit 3"}
	RuleUnknownFormat = &diag.Rule{ID: "format.unknown", Severity: diag.Error, Formats: "all",
		Summary: "the payload matches none of sinch, whatsapp and cloud; unusable input, exit 3"}
)

// Options configure a Validator.
type Options struct {
	// Format forces the format; payload.Unknown means detect per payload.
	Format payload.Format
	// Strict turns warnings into errors.
	Strict bool
	// Ignore lists rule ids whose findings are dropped.
	Ignore map[string]bool
}

// Result is the verdict on one payload.
type Result struct {
	Source    string
	Index     int // ordinal of the payload in its source
	Line, Col int // where the payload starts in its source

	Format   payload.Format
	Detected bool   // the format was detected, not forced
	Reason   string // why this format (detection) or why none

	// Unusable payloads are not JSON, not an object or of no known format.
	Unusable bool

	// Findings in document order.
	Findings []diag.Finding

	Messages, Statuses int // notification items carried
	InvalidItems       int // items with at least one error
	Errors, Warnings   int
}

// Valid reports whether the payload is usable and has no error.
func (r *Result) Valid() bool { return !r.Unusable && r.Errors == 0 }

// Items returns the number of messages and statuses.
func (r *Result) Items() int { return r.Messages + r.Statuses }

// Validator checks payloads one at a time, reusing its buffers. It is not
// safe for concurrent use; create one per goroutine.
type Validator struct {
	opts Options
	ctx  *spec.Ctx
}

// New returns a Validator.
func New(opts Options) *Validator {
	return &Validator{opts: opts, ctx: spec.NewCtx()}
}

// Validate checks one payload. The result does not refer to p.Data, so it
// stays valid after the reader moves on.
func (v *Validator) Validate(p *payload.Payload) Result {
	res := Result{Source: p.Source, Index: p.Index, Line: p.Line, Col: p.Col}
	c := v.ctx
	c.Reset()

	// The format walk checks syntax as it reads (one pass over the bytes);
	// what it cannot take — too deep, not UTF-8, not an object, no known
	// format — goes through the full syntax check first.
	if !payload.NestingOK(p) || !utf8.Valid(p.Data) || firstByte(p.Data) != '{' {
		if v.syntax(p, &res) {
			return res
		}
	}
	s := p.String()
	root := gjson.Parse(s)
	if !root.IsObject() {
		res.Unusable = true
		res.Reason = "not an object"
		c.Findings = append(c.Findings, diag.Finding{Rule: RuleNotObject, Severity: diag.Error,
			Message: "the payload must be a JSON object, got " + spec.Describe(root), Offset: 0, Item: -1})
		v.finish(p, &res, false)
		return res
	}
	res.Format = v.opts.Format
	if res.Format == payload.Unknown {
		d := payload.DetectString(s)
		res.Format, res.Reason, res.Detected = d.Format, d.Reason, true
	} else {
		res.Reason = "forced by --format"
	}
	switch ft := format.Of(res.Format); {
	case ft != nil:
		ft.Check(c, root)
	default:
		if v.syntax(p, &res) {
			return res
		}
		res.Unusable = true
		c.Findings = append(c.Findings, diag.Finding{Rule: RuleUnknownFormat, Severity: diag.Error,
			Message: "format not recognised: " + res.Reason, Offset: 0, Item: -1})
	}
	if c.Invalid {
		at := c.InvalidAt
		c.Reset()
		res = Result{Source: p.Source, Index: p.Index, Line: p.Line, Col: p.Col}
		if !v.syntax(p, &res) {
			// The walk is stricter than the full check only through a bug;
			// still report the text as unusable, where the walk stopped.
			res.Unusable, res.Reason = true, "not JSON"
			c.Findings = append(c.Findings, diag.Finding{Rule: RuleSyntax, Severity: diag.Error,
				Message: "invalid JSON", Offset: at, Item: -1})
			v.finish(p, &res, true)
		}
		return res
	}
	res.Messages, res.Statuses = c.Messages, c.Statuses
	v.finish(p, &res, false)
	return res
}

// syntax runs the full syntax check; when the payload is not JSON it fills
// res with the syntax error and reports true.
func (v *Validator) syntax(p *payload.Payload, res *Result) bool {
	se := payload.CheckSyntax(p)
	if se == nil {
		return false
	}
	res.Unusable = true
	res.Reason = "not JSON"
	v.ctx.Findings = append(v.ctx.Findings, diag.Finding{Rule: RuleSyntax, Severity: diag.Error,
		Message: se.Msg, Offset: se.Offset, Item: -1})
	v.finish(p, res, true)
	return true
}

func firstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

// finish filters, counts, orders and locates the findings collected in the context.
func (v *Validator) finish(p *payload.Payload, res *Result, excerpt bool) {
	found := v.ctx.Final()
	if len(found) == 0 {
		return
	}
	out := make([]diag.Finding, 0, len(found))
	var bad []int // items with an error
	for _, f := range found {
		if v.opts.Ignore[f.RuleID()] {
			continue
		}
		if v.opts.Strict && f.Severity == diag.Warning {
			f.Severity = diag.Error
		}
		switch f.Severity {
		case diag.Error:
			res.Errors++
			if f.Item >= 0 && !slices.Contains(bad, f.Item) {
				bad = append(bad, f.Item)
			}
		case diag.Warning:
			res.Warnings++
		}
		f.Line, f.Col = p.Position(f.Offset)
		if excerpt {
			f.Excerpt, f.Caret = p.Excerpt(f.Offset, 72)
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Offset < out[j].Offset })
	res.Findings = out
	res.InvalidItems = len(bad)
	if res.Errors > 0 && res.InvalidItems == 0 && res.Items() > 0 {
		// An envelope error spoils every item it carries.
		res.InvalidItems = res.Items()
	}
}

// Rules returns every rule wamo checks, sorted by id.
func Rules() []*diag.Rule {
	all := []*diag.Rule{RuleSyntax, RuleNotObject, RuleUnknownFormat}
	all = append(all, spec.Rules()...)
	for _, f := range format.All() {
		all = append(all, f.Rules()...)
	}
	seen := map[string]bool{}
	out := all[:0]
	for _, r := range all {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
