package validate_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/payload"
	"github.com/wamo-dev/wamo/pkg/payloadtest"
	"github.com/wamo-dev/wamo/pkg/validate"
)

// disagreements lists the corpus files whose MANIFEST verdict wamo does not
// share, with the reason; README.md "Notes on the formats" repeats them.
var disagreements = map[string]string{
	"cloud/courier-wac-error-msg.json": "type unsupported but a text object is present: `type` must name the only message-type object (wamo: invalid, schema.type-object)",
}

type manifestRow struct {
	file, format, verdict string
}

var rowRE = regexp.MustCompile("^\\| `([^`]+)` \\| (\\w+) \\|.*\\| (valid|INVALID|NOT JSON)[^|]*\\|")

func readManifest(t *testing.T, dir string) []manifestRow {
	f, err := os.Open(filepath.Join(dir, "MANIFEST.md"))
	if err != nil {
		t.Fatalf("corpus without MANIFEST.md: %v", err)
	}
	defer f.Close()
	var rows []manifestRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if m := rowRE.FindStringSubmatch(sc.Text()); m != nil {
			rows = append(rows, manifestRow{file: m[1], format: m[2], verdict: m[3]})
		}
	}
	return rows
}

func TestCorpus(t *testing.T) {
	dir := payloadtest.CorpusDir(t)
	rows := readManifest(t, dir)
	if len(rows) < 90 {
		t.Fatalf("MANIFEST.md: parsed only %d rows", len(rows))
	}
	v := validate.New(validate.Options{})
	for _, row := range rows {
		t.Run(row.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, row.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rd := payload.NewReader(f, row.file, 0)
			p, err := rd.Next()
			if err != nil {
				if row.verdict == "NOT JSON" {
					return // rejected as a whole source, with its position
				}
				t.Fatalf("read: %v", err)
			}
			res := v.Validate(&p)
			folder := strings.Split(row.file, "/")[0]
			if folder == "broken" {
				if !res.Unusable || len(res.Findings) == 0 || res.Findings[0].RuleID() != "json.syntax" {
					t.Fatalf("broken file not reported as a syntax error: %+v", res)
				}
				if f := res.Findings[0]; f.Line < 1 || f.Col < 1 {
					t.Fatalf("syntax error without position: %+v", f)
				}
				return
			}
			if res.Unusable {
				t.Fatalf("unusable: %+v", res.Findings)
			}
			if got := res.Format.String(); got != folder {
				t.Errorf("detected %s, folder says %s (%s)", got, folder, res.Reason)
			}
			want := row.verdict == "valid"
			if why, ok := disagreements[row.file]; ok {
				t.Logf("MANIFEST says %s; wamo disagrees: %s", row.verdict, why)
				want = !want
			}
			for _, f := range res.Findings {
				t.Logf("%d:%d %s %s: %s", f.Line, f.Col, f.Severity, f.RuleID(), f.Message)
			}
			if res.Valid() != want {
				t.Errorf("valid=%v, MANIFEST verdict %q; findings:", res.Valid(), row.verdict)
				for _, f := range res.Findings {
					t.Errorf("  %d:%d %s %s: %s (path %s)", f.Line, f.Col, f.Severity, f.RuleID(), f.Message, f.Path)
				}
			}
		})
	}
}
