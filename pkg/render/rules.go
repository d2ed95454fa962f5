package render

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/wamo-dev/wamo/pkg/diag"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// Rules prints the rule catalogue: an aligned table for people (text), or
// a JSON array of {id, severity, formats, summary, source} for tools.
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
	tw := tabwriter.NewWriter(ios.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tSEVERITY\tFORMATS\tSUMMARY")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Formats, r.Summary)
	}
	return tw.Flush()
}
