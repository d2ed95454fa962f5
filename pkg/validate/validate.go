// Package validate checks webhook payloads against the documented formats:
// syntax first, then format detection, then the rule tables of the format
// packages, and finally it locates every finding by line and column.
package validate

import (
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/format"
	"github.com/wamo-dev/wamo/pkg/format/common"
	"github.com/wamo-dev/wamo/pkg/jsontree"
	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/spec"
)

// Rules for problems found before any format rule applies.
var (
	rules = diag.NewCatalogue("all")

	RuleSyntax        = rules.Add("json.syntax", diag.Error, "the payload is not valid JSON (position and a caret excerpt are shown); unusable input, exit 3", "RFC 8259 \"The JavaScript Object Notation (JSON) Data Interchange Format\", https://www.rfc-editor.org/rfc/rfc8259")
	RuleNotObject     = rules.Add("json.not-object", diag.Error, "the top-level JSON value is not an object; unusable input, exit 3", formatsSource)
	RuleUnknownFormat = rules.Add("format.unknown", diag.Error, "the payload matches none of sinch, whatsapp and cloud (look-alikes such as Sinch Conversation API callbacks are named); unusable input, exit 3", formatsSource)
	RuleCapped        = rules.Add("validate.findings-capped", diag.Info, "a payload has more findings than are listed (1,000 by default): the rest are counted in the totals, not listed", "wamo's own limit (Options.MaxFindings), https://github.com/wamo-dev/wamo#wamo-validate")
)

// formatsSource names the documents of the three formats: a payload of none
// of them is not checked.
const formatsSource = common.SinchMO + "; " + common.OnPremInbound + "; " + common.CloudMessages

// DefaultMaxFindings is how many findings of one payload are listed when
// Options.MaxFindings is 0.
const DefaultMaxFindings = 1000

// Options configure a Validator.
type Options struct {
	// Format forces the format; payload.Unknown means detect per payload.
	Format payload.Format
	// Strict turns warnings into errors.
	Strict bool
	// Ignore lists rule ids whose findings are dropped.
	Ignore map[string]bool
	// MaxFindings is how many findings of one payload are listed (0:
	// DefaultMaxFindings, negative: all). The others are counted, and one
	// validate.findings-capped finding says how many were left out.
	MaxFindings int
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
	// Errors and Warnings count every finding, listed or not.
	Errors, Warnings int
	// Omitted counts the findings not listed (over Options.MaxFindings).
	Omitted int
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
	c := spec.NewCtx()
	c.Policy = spec.Policy{Ignore: opts.Ignore, Strict: opts.Strict, Limit: opts.MaxFindings}
	switch {
	case opts.MaxFindings == 0:
		c.Policy.Limit = DefaultMaxFindings
	case opts.MaxFindings < 0:
		c.Policy.Limit = 0
	}
	return &Validator{opts: opts, ctx: c}
}

// Record makes Validate record each payload it reads into t, the tape
// jsontree.Tape.Parse would give, for a converter to take instead of
// parsing the payload again (nil stops). After a Validate, t holds the
// payload when it is usable and was read whole, and is empty otherwise.
func (v *Validator) Record(t *jsontree.Tape) { v.ctx.Record(t) }

// Validate checks one payload. The result does not refer to p.Data, so it
// stays valid after the reader moves on.
func (v *Validator) Validate(p *payload.Payload) Result {
	res := Result{Source: p.Source, Index: p.Index, Line: p.Line, Col: p.Col}
	c := v.ctx
	c.Reset()

	// The format walk checks syntax and UTF-8 as it reads (one pass over
	// the bytes); what it cannot take — too deep, not an object, no known
	// format — goes through the full syntax check first.
	if !payload.NestingOK(p) || firstByte(p.Data) != '{' {
		if v.syntax(p, &res) {
			return res
		}
	}
	s := p.String()
	root := gjson.Parse(s)
	if !root.IsObject() {
		res.Unusable = true
		res.Reason = "not an object"
		v.fail(RuleNotObject, "the payload must be a JSON object, got "+spec.Describe(root), 0)
		v.finish(p, &res, false)
		return res
	}
	res.Format = v.opts.Format
	var det payload.Detection
	if res.Format == payload.Unknown {
		det = payload.DetectString(s)
		res.Format, res.Reason, res.Detected = det.Format, det.Reason, true
		if det.LooksLike != payload.NoLookalike {
			res.Reason = "looks like " + det.LooksLike.String()
		}
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
		v.fail(RuleUnknownFormat, "format not recognised: "+det.Reason, 0)
	}
	if c.Invalid || !(c.Whole && c.UTF8 || utf8.Valid(p.Data)) {
		at := c.InvalidAt
		c.Reset()
		res = Result{Source: p.Source, Index: p.Index, Line: p.Line, Col: p.Col}
		if !v.syntax(p, &res) {
			// The walk is stricter than the full check only through a bug;
			// still report the text as unusable, where the walk stopped.
			res.Unusable, res.Reason = true, "not JSON"
			v.fail(RuleSyntax, "invalid JSON", at)
			v.finish(p, &res, true)
		}
		return res
	}
	res.Messages, res.Statuses = int(c.Messages), int(c.Statuses)
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
	v.fail(RuleSyntax, se.Msg, se.Offset)
	v.finish(p, res, true)
	return true
}

// fail records a finding that makes the payload unusable: never ignored,
// never past the limit.
func (v *Validator) fail(r *diag.Rule, msg string, offset int) {
	v.ctx.Findings = append(v.ctx.Findings, diag.Finding{Rule: r, Severity: diag.Error, Message: msg, Offset: offset, Item: -1})
	v.ctx.Errors++
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

// finish counts, orders and locates the findings collected in the
// context (the walk applied the policy as it went). Its cost is the
// payload's size plus the findings listed, never their product.
func (v *Validator) finish(p *payload.Payload, res *Result, excerpt bool) {
	c := v.ctx
	out := c.Final()
	res.Errors, res.Warnings, res.InvalidItems = int(c.Errors), int(c.Warnings), int(c.BadItems)
	res.Omitted = c.Omitted()
	if len(out) == 0 {
		return
	}
	out = append([]diag.Finding(nil), out...) // the result outlives the context's buffer
	sort.SliceStable(out, func(i, j int) bool { return out[i].Offset < out[j].Offset })
	cur := p.Cursor() // one forward pass places them all
	for i := range out {
		out[i].Line, out[i].Col = cur.Position(out[i].Offset)
	}
	if excerpt {
		for i := range out {
			out[i].Excerpt, out[i].Caret = p.Excerpt(out[i].Offset, 72)
		}
	}
	if res.Omitted > 0 {
		out = append(out, diag.Finding{Rule: RuleCapped, Severity: diag.Info, Item: -1, Line: p.Line, Col: p.Col,
			Message: fmt.Sprintf("… and %d more findings not listed (%d listed; the payload has %d errors and %d warnings in all)",
				res.Omitted, len(out), res.Errors, res.Warnings)})
	}
	res.Findings = out
	if res.Errors > 0 && res.InvalidItems == 0 && res.Items() > 0 {
		// An envelope error spoils every item it carries.
		res.InvalidItems = res.Items()
	}
}

// Rules returns every rule wamo checks, sorted by id.
func Rules() []*diag.Rule {
	all := rules.Rules()
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
