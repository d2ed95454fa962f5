// Package payloadtest hands tests the payloads they read — the embedded
// fixtures, NDJSON made of them, the third-party corpus, a file named for
// a benchmark — and drains a payload.Reader, so that each package's tests
// do not carry their own copy of these loops. Only tests import it.
package payloadtest

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/wamo-dev/wamo/fixtures"
	"github.com/wamo-dev/wamo/pkg/payload"
)

// Fixture is an embedded fixture read.
type Fixture struct {
	fixtures.Fixture
	Data   []byte
	Format payload.Format // of its folder; Unknown for an invalid one
}

// Valid selects the valid fixtures.
func Valid(fx fixtures.Fixture) bool { return !fx.Invalid }

// In selects the fixtures of format f.
func In(f payload.Format) func(fixtures.Fixture) bool {
	return func(fx fixtures.Fixture) bool { return fx.Folder == f.String() }
}

// Fixtures reads the fixtures keep selects (all of them, the invalid ones
// included, when keep is nil), in fixtures.List order; none fails the
// test, which would otherwise pass having checked nothing.
func Fixtures(tb testing.TB, keep func(fixtures.Fixture) bool) []Fixture {
	tb.Helper()
	var out []Fixture
	for _, fx := range fixtures.List() {
		if keep != nil && !keep(fx) {
			continue
		}
		b, err := fixtures.Read(fx)
		if err != nil {
			tb.Fatal(err)
		}
		f := payload.Unknown
		if !fx.Invalid {
			if f, err = payload.ParseFormat(fx.Folder); err != nil {
				tb.Fatal(err)
			}
		}
		out = append(out, Fixture{fx, b, f})
	}
	if len(out) == 0 {
		tb.Fatal("no fixture selected")
	}
	return out
}

// Read returns the bytes of the fixture named name ("sinch/text").
func Read(tb testing.TB, name string) []byte {
	tb.Helper()
	fx, err := fixtures.Lookup(name)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := fixtures.Read(fx)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// NDJSON is about size bytes of NDJSON made of the fixtures keep selects
// (see fixtures.NDJSON).
func NDJSON(tb testing.TB, size int, keep func(fixtures.Fixture) bool) []byte {
	tb.Helper()
	data, err := fixtures.NDJSON(size, keep)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// Each calls fn with every payload rd reads, in order; a read error fails
// the test.
func Each(tb testing.TB, rd *payload.Reader, fn func(p *payload.Payload)) {
	tb.Helper()
	for {
		p, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			tb.Fatal(err)
		}
		fn(&p)
	}
}

// BenchFile returns the file named by WAMO_BENCH_FILE (a large payload
// file of one's own, such as the bench kit's NDJSON), and skips the
// benchmark when it is not set.
func BenchFile(b *testing.B) []byte {
	b.Helper()
	name := os.Getenv("WAMO_BENCH_FILE")
	if name == "" {
		b.Skip("set WAMO_BENCH_FILE to a payload file")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// CorpusDir returns the directory of the third-party corpus (not part of
// the repository; WAMO_CORPUS overrides where it is looked for, by default
// beside the checkout as seen from a pkg/<name> test), and skips the test
// when it is absent.
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("WAMO_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("corpus not present at %s (WAMO_CORPUS sets another place)", dir)
	}
	return dir
}
