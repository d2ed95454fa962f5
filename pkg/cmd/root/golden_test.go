package root_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/golden"
)

// TestInvalidFixturesGolden pins the exact text output of
// `wamo validate fixtures/invalid/X.json` (not a terminal, no colour) in
// fixtures/invalid/X.golden, and its exit code to invalid/EXPECT.tsv.
// `go test ./pkg/cmd/root -run Golden -update` rewrites the golden files.
func TestInvalidFixturesGolden(t *testing.T) {
	repoRoot(t)
	expect := map[string]int{}
	tsv, err := os.Open("fixtures/invalid/EXPECT.tsv")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(tsv)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 3 {
			t.Fatalf("EXPECT.tsv: bad line %q", sc.Text())
		}
		code, err := strconv.Atoi(cols[1])
		if err != nil {
			t.Fatalf("EXPECT.tsv: bad line %q", sc.Text())
		}
		expect[cols[0]] = code
	}
	tsv.Close()

	files, err := filepath.Glob("fixtures/invalid/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid fixtures: %v", err)
	}
	goldens := map[string]bool{}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		goldenFile := strings.TrimSuffix(file, ".json") + ".golden"
		goldens[goldenFile] = true
		t.Run(name, func(t *testing.T) {
			got := run(context.Background(), env{}, "validate", filepath.ToSlash(file))
			if got.Stderr != "" {
				t.Errorf("stderr: %s", got.Stderr)
			}
			want, ok := expect[filepath.Base(file)]
			if !ok {
				t.Errorf("%s is not in EXPECT.tsv", file)
			} else if got.Code != want {
				t.Errorf("exit %d, EXPECT.tsv says %d", got.Code, want)
			}
			golden.Assert(t, goldenFile, []byte(got.Stdout))
		})
	}
	// No golden file outlives its fixture.
	stale, _ := filepath.Glob("fixtures/invalid/*.golden")
	for _, g := range stale {
		if !goldens[g] {
			t.Errorf("%s has no fixture", g)
		}
	}
}
