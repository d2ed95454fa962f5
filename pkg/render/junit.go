package render

import (
	"encoding/xml"
	"strings"
)

// JUnitCase is one <testcase> of the JUnit reports of validate, replay and
// conform.
type JUnitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr,omitempty"` // seconds; validate has none
	Failure   *JUnitProblem `xml:"failure,omitempty"`
	Error     *JUnitProblem `xml:"error,omitempty"`
	Skipped   *JUnitSkipped `xml:"skipped,omitempty"`
	SystemOut *JUnitOutput  `xml:"system-out,omitempty"`
}

// JUnitProblem is a <failure> or an <error>.
type JUnitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"` // CDATA keeps the lines readable
}

// JUnitSkipped is a <skipped>, with the reason when there is one.
type JUnitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// JUnitOutput is the text of a <system-out>: either escaped Text or CDATA,
// which keeps validate's findings readable. The empty one writes nothing.
type JUnitOutput struct {
	Text  string `xml:",chardata"`
	CDATA string `xml:",cdata"`
}

// JUnitHeader starts a JUnit report: the XML declaration, then a comment
// with the command and wamo's version ("--" may not stand in a comment).
func JUnitHeader(command, version string) string {
	return xml.Header + "<!-- " + command + " " + strings.ReplaceAll(version, "--", "- -") + " -->\n"
}
