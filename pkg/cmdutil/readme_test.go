package cmdutil

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestReadmeExitCodes keeps the README's exit-code table identical to
// ExitCodes (what `wamo help exit-codes` prints).
func TestReadmeExitCodes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## Exit codes\n")
	if !ok {
		t.Fatal("README has no Exit codes section")
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	var rows []string
	for _, l := range strings.Split(sec, "\n") {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| code") {
			rows = append(rows, l)
		}
	}
	if len(rows) != len(ExitCodes) {
		t.Fatalf("README lists %d exit codes, ExitCodes %d:\n%s", len(rows), len(ExitCodes), strings.Join(rows, "\n"))
	}
	for i, e := range ExitCodes {
		want := "| " + strconv.Itoa(e.Code) + " | " + e.Meaning + " |"
		if got := strings.ReplaceAll(rows[i], "`", ""); got != want {
			t.Errorf("README row %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
