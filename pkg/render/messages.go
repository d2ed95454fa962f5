package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// Error writes an error as every command ends with one: "wamo: MSG" on
// stderr. An error can quote a file name or a payload: it is neutralised.
func Error(ios *iostreams.IOStreams, msg string) {
	_, _ = io.WriteString(ios.ErrOut, "wamo: "+SanitizeLines(msg)+"\n")
}

// UsageHint follows a usage error: where to read how the command is used.
func UsageHint(ios *iostreams.IOStreams, command string) {
	_, _ = io.WriteString(ios.ErrOut, "Run '"+Sanitize(command)+" --help' for usage.\n")
}

// Note writes a line of information on stderr for a person at a
// terminal ("wrote schemas/sinch.json", the seed of a generation); nothing
// is written when stderr is not a terminal, so scripts see only data.
func Note(ios *iostreams.IOStreams, format string, args ...any) {
	if ios.IsStderrTTY() {
		_, _ = io.WriteString(ios.ErrOut, Sanitize(fmt.Sprintf(format, args...))+"\n")
	}
}

// Table writes rows in aligned columns under a header of capitals, two
// spaces apart, as `fixtures list` and `schema --rules` print them.
func Table(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	_, _ = io.WriteString(tw, strings.Join(header, "\t")+"\n")
	for _, r := range rows {
		for i := range r {
			r[i] = Sanitize(r[i])
		}
		_, _ = io.WriteString(tw, strings.Join(r, "\t")+"\n")
	}
	return tw.Flush()
}
