package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// Rules prints the rule catalogue: an aligned table for people (text), a
// Markdown table (the README's), or a JSON array of {id, severity, formats,
// summary, source} for tools.
func Rules(ios *iostreams.IOStreams, rules []*diag.Rule, output string) error {
	if output == "json" {
		type rule struct {
			ID       string `json:"id"`
			Severity string `json:"severity"`
			Formats  string `json:"formats"`
			Summary  string `json:"summary"`
			Source   string `json:"source,omitempty"`
		}
		out := make([]rule, 0, len(rules))
		for _, r := range rules {
			out = append(out, rule{r.ID, r.Severity.String(), r.Formats, r.Summary, r.Source})
		}
		enc := json.NewEncoder(ios.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if output == "markdown" {
		return RulesMarkdown(ios.Out, rules)
	}
	rows := make([][]string, 0, len(rules))
	for _, r := range rules {
		rows = append(rows, []string{r.ID, r.Severity.String(), r.Formats, r.Summary})
	}
	return Table(ios.Out, []string{"RULE", "SEVERITY", "FORMATS", "SUMMARY"}, rows)
}

// RulesMarkdown writes the rule catalogue as the Markdown table the README
// carries (a test keeps the two identical).
func RulesMarkdown(w io.Writer, rules []*diag.Rule) error {
	var b strings.Builder
	b.WriteString("| rule | severity | formats | what it reports |\n|---|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.ID, r.Severity, r.Formats, strings.ReplaceAll(r.Summary, "|", "\\|"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
