package traffic

import (
	"bufio"
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/conform"
	"github.com/wamo-dev/wamo/pkg/render"
)

// conformJUnit writes JUnit XML, one test suite per area and one test case
// per case:
//
//	<testsuites name="wamo conform cloud" tests= failures= skipped= time=>
//	  <testsuite name="Retries and duplicates" tests= failures= skipped= time=>
//	    <testcase classname="wamo.conform.dup" name="2.1 dup.redelivery" time=>
//	      <failure message="delivery 2 of 2: …: answered 409, not 2xx" type="required">one line per request</failure>
//	      <system-out>the expectation, then one line per request</system-out>
//
// A failed recommended case is a failure only under --strict; otherwise it
// passes with a "warning:" line in its system-out. Skipped cases carry the
// reason.
type conformJUnit struct {
	w    *bufio.Writer
	opts ConformOptions
}

func (j *conformJUnit) Case(*conform.Result) {}

// conformJUnitCounts are the attributes of <testsuites> and <testsuite>.
type conformJUnitCounts struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Time     string `xml:"time,attr"`
}

type conformJUnitSuite struct {
	XMLName xml.Name `xml:"testsuite"`
	conformJUnitCounts
	Cases []render.JUnitCase `xml:"testcase"`
}

type conformJUnitRoot struct {
	XMLName xml.Name `xml:"testsuites"`
	conformJUnitCounts
	Suites []conformJUnitSuite `xml:"testsuite"`
}

func (j *conformJUnit) Finish(rep *conform.Report, exitCode int) error {
	root := conformJUnitRoot{conformJUnitCounts: conformJUnitCounts{Name: "wamo conform " + rep.Profile.Name, Time: replaySeconds(rep.Elapsed)}}
	for _, a := range conform.Areas {
		suite := conformJUnitSuite{conformJUnitCounts: conformJUnitCounts{Name: a.Title()}}
		var elapsed float64
		for i := range rep.Results {
			r := &rep.Results[i]
			if r.Case.Area != a {
				continue
			}
			elapsed += r.Elapsed.Seconds()
			suite.Cases = append(suite.Cases, conformJUnitTestCase(r))
			suite.Tests++
			switch r.Verdict {
			case conform.Fail:
				suite.Failures++
			case conform.Skip:
				suite.Skipped++
			}
		}
		if suite.Tests == 0 {
			continue
		}
		suite.Time = strconv.FormatFloat(elapsed, 'f', 6, 64)
		root.Tests += suite.Tests
		root.Failures += suite.Failures
		root.Skipped += suite.Skipped
		root.Suites = append(root.Suites, suite)
	}
	j.w.WriteString(xml.Header)
	enc := xml.NewEncoder(j.w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	j.w.WriteByte('\n')
	return j.w.Flush()
}

func conformJUnitTestCase(r *conform.Result) render.JUnitCase {
	c := r.Case
	tc := render.JUnitCase{Classname: "wamo.conform." + string(c.Area), Name: c.Number + " " + c.ID, Time: replaySeconds(r.Elapsed)}
	var lines []string
	lines = append(lines, string(c.Level)+": "+c.Expect)
	for i := range r.Exchanges {
		lines = append(lines, conformExchangeLine(&r.Exchanges[i]))
	}
	switch r.Verdict {
	case conform.Skip:
		tc.Skipped = &render.JUnitSkipped{Message: r.Reason}
	case conform.Fail:
		tc.Failure = &render.JUnitProblem{Message: r.Reason, Type: string(c.Level), Text: strings.Join(lines[1:], "\n")}
	case conform.Warn:
		lines = append(lines, "warning (recommended): "+r.Reason)
	}
	tc.SystemOut = &render.JUnitOutput{Text: strings.Join(lines, "\n")}
	return tc
}

// conformExchangeLine is one request and its answer on one line:
// "POST a text message (cloud/text) → 409 in 0.52ms \"duplicate…\": answered 409, not 2xx".
func conformExchangeLine(ex *conform.Exchange) string {
	s := ex.Method + " " + ex.Label + " → " + conformAnswer(ex, 0) + " in " + render.Duration(ex.Latency)
	if a := strings.TrimSpace(ex.Answer); a != "" {
		s += " " + strconv.Quote(truncateCells(a, 80))
	}
	if ex.Problem != "" {
		s += ": " + ex.Problem
	}
	return s
}
