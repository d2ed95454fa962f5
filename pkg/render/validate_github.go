package render

import (
	"bufio"
	"strconv"
	"strings"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// validateGitHub writes GitHub Actions workflow commands, which the runner
// turns into annotations on the files of a pull request:
//
//	::error file=F,line=L,col=C,title=RULE-ID::MESSAGE (path P)
//	::warning file=F,line=L,col=C,title=RULE-ID::MESSAGE
//
// then the summary line of the text output. Stdin and fixtures are not
// repository files: their annotations carry no file property and their
// message starts with the name and position instead.
type validateGitHub struct {
	w   *bufio.Writer
	cur string
}

func newValidateGitHub(w *bufio.Writer, _ ValidateOptions) *validateGitHub {
	return &validateGitHub{w: w}
}

// ghEscapeData escapes a workflow command's message, as @actions/core does.
var ghEscapeData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// ghEscapeProperty escapes a workflow command's property value, which
// additionally must not contain the separators ":" and ",".
var ghEscapeProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

// annotate writes one workflow command. The runner's log and annotations
// render ANSI sequences, so text is made safe (newlines kept: the command
// escapes them) before it is escaped.
func (g *validateGitHub) annotate(sev diag.Severity, file string, line, col int, title, msg string) {
	w := g.w
	file, msg = Sanitize(file), string(appendSanitized(nil, msg, keepLines))
	w.WriteString("::" + levelWord(sev, "notice"))
	var props []string
	if p, ok := uriPath(file); ok {
		props = append(props, "file="+ghEscapeProperty.Replace(p))
		if line > 0 {
			props = append(props, "line="+strconv.Itoa(line))
			if col > 0 {
				props = append(props, "col="+strconv.Itoa(col))
			}
		}
	} else {
		msg = Location(file, line, col) + ": " + msg
	}
	if title != "" {
		props = append(props, "title="+ghEscapeProperty.Replace(title))
	}
	if len(props) > 0 {
		w.WriteString(" " + strings.Join(props, ","))
	}
	w.WriteString("::" + ghEscapeData.Replace(msg) + "\n")
}

func (g *validateGitHub) BeginSource(name string) { g.cur = name }

func (g *validateGitHub) Payload(r *validate.Result) {
	eachFinding(r, g.cur, func(f *diag.Finding, file string, line, col int) {
		g.annotate(f.Severity, file, line, col, FindingRule(f), withPath(f.Message, f.Path))
	})
}

func (g *validateGitHub) EndSource(s *validate.Source) {
	if !sourceProblem(s) {
		return
	}
	name := sourceName(s, g.cur)
	msg, line, col := sourceError(s)
	g.annotate(diag.Error, name, line, col, InputRuleID, msg)
}

func (g *validateGitHub) Finish(sum *validate.Summary, _ int) error {
	g.w.WriteString(SummaryLine(sum) + "\n")
	return g.w.Flush()
}
