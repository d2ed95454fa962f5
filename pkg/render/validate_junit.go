package render

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// validateJUnit writes JUnit XML, which CI servers (Jenkins, GitLab, Azure
// Pipelines, test-report actions) show as test results:
//
//	<testsuites name="wamo validate" tests= failures= errors=>
//	  <testsuite name=FILE tests= failures= errors= skipped="0">
//	    <testcase classname=FILE name="payload N (line L)">
//	      <failure message=… type=RULE-ID>every finding, one per line</failure>
//
// A payload with errors fails; an unusable payload, or a source that could
// not be read to the end (testcase "input"), is an <error>; warnings alone
// pass and are listed in <system-out>. The totals of <testsuites> and
// <testsuite> come before their content, so each source's test cases and
// then all suites wait in spools (memory, then a temporary file) until the
// counts are known.
type validateJUnit struct {
	w    *bufio.Writer
	opts ValidateOptions
	st   *Styles // plain: XML carries no colour

	tmp bytes.Buffer
	enc *xml.Encoder

	cur                        string
	curAttr                    string // cur, escaped for an attribute
	cases                      spool  // the current source's test cases
	suites                     spool  // finished suites
	tests, failures, errors    int    // current source
	nTests, nFailures, nErrors int    // all sources
	err                        error
}

func newValidateJUnit(w *bufio.Writer, opts ValidateOptions) *validateJUnit {
	j := &validateJUnit{w: w, opts: opts, st: NewStyles(false),
		cases: spool{limit: spoolLimit}, suites: spool{limit: spoolLimit}}
	j.enc = xml.NewEncoder(&j.tmp)
	j.enc.Indent("    ", "  ")
	return j
}

// writeCase encodes one test case into the current source's spool.
func (j *validateJUnit) writeCase(tc *JUnitCase) {
	j.tmp.Reset()
	if err := j.enc.Encode(tc); err != nil && j.err == nil {
		j.err = err
	}
	// The encoder starts every element after the first on a new line.
	j.cases.Write(bytes.TrimLeft(j.tmp.Bytes(), "\n"))
	j.cases.WriteString("\n")
	j.tests++
	switch {
	case tc.Error != nil:
		j.errors++
	case tc.Failure != nil:
		j.failures++
	}
}

func (j *validateJUnit) BeginSource(name string) {
	j.cur, j.curAttr = name, xmlAttr(Sanitize(name))
	j.tests, j.failures, j.errors = 0, 0, 0
}

func (j *validateJUnit) Payload(r *validate.Result) {
	file := resultSource(r, j.cur)
	if len(r.Findings) == 0 && !r.Unusable && file == j.cur {
		// Fast path for the common case, byte for byte what the encoder
		// writes, at a tenth of the cost.
		j.cases.WriteString("    <testcase classname=\"" + j.curAttr + "\" name=\"payload " +
			strconv.Itoa(r.Index+1) + " (line " + strconv.Itoa(r.Line) + ")\"></testcase>\n")
		j.tests++
		return
	}
	tc := JUnitCase{
		Classname: Sanitize(file),
		Name:      "payload " + strconv.Itoa(r.Index+1) + " (line " + strconv.Itoa(r.Line) + ")",
	}
	if len(r.Findings) > 0 {
		var text strings.Builder
		var first *diag.Finding
		for i := range r.Findings {
			f := &r.Findings[i]
			WriteFinding(&text, j.st, file, r, f)
			if f.Severity == diag.Error && first == nil {
				first = f
			}
		}
		switch {
		case first != nil || r.Unusable:
			p := &JUnitProblem{Text: text.String()}
			if first != nil {
				p.Message, p.Type = Sanitize(withPath(first.Message, first.Path)), FindingRule(first)
				if r.Errors > 1 { // every error, listed or not
					p.Message += fmt.Sprintf(" (and %d more)", r.Errors-1)
				}
			} else {
				p.Message, p.Type = "unusable: "+Sanitize(r.Reason), "unusable"
			}
			if r.Unusable {
				tc.Error = p
			} else {
				tc.Failure = p
			}
		default:
			tc.SystemOut = &JUnitOutput{CDATA: text.String()}
		}
	} else if r.Unusable {
		tc.Error = &JUnitProblem{Message: "unusable: " + Sanitize(r.Reason), Type: "unusable"}
	}
	j.writeCase(&tc)
}

func (j *validateJUnit) EndSource(s *validate.Source) {
	name := sourceName(s, j.cur)
	name = Sanitize(name)
	if sourceProblem(s) {
		msg, line, col := sourceError(s)
		msg = Sanitize(msg)
		tc := JUnitCase{Classname: name, Name: InputRuleID}
		if line > 0 {
			tc.Name += " (line " + strconv.Itoa(line) + ")"
		}
		tc.Error = &JUnitProblem{Message: msg, Type: InputRuleID,
			Text: Location(name, line, col) + ": error " + InputRuleID + ": " + msg + "\n"}
		j.writeCase(&tc)
	}
	fmt.Fprintf(&j.suites, "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\">\n",
		xmlAttr(name), j.tests, j.failures, j.errors)
	if err := j.cases.copyTo(&j.suites); err != nil && j.err == nil {
		j.err = err
	}
	j.suites.WriteString("  </testsuite>\n")
	j.nTests += j.tests
	j.nFailures += j.failures
	j.nErrors += j.errors
}

// xmlAttr escapes text for a double-quoted attribute value.
func xmlAttr(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // escapes quotes, newlines and invalid characters too
	return b.String()
}

func (j *validateJUnit) Finish(sum *validate.Summary, exitCode int) error {
	defer j.cases.close()
	defer j.suites.close()
	w := j.w
	w.WriteString(JUnitHeader("wamo validate", j.opts.Version))
	fmt.Fprintf(w, "<testsuites name=\"wamo validate\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n",
		j.nTests, j.nFailures, j.nErrors)
	if err := j.suites.copyTo(w); err != nil && j.err == nil {
		j.err = err
	}
	w.WriteString("</testsuites>\n")
	err := w.Flush()
	if j.err != nil {
		return j.err
	}
	return err
}
