package root_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/fixtures"
)

// jobsInputs writes inputs of every shape into dir: NDJSON larger than
// the chunks -j cuts (valid, invalid and broken lines, blank lines),
// pretty documents one after another, a document larger than a chunk, a
// directory of one-payload files with some that are not payloads, not
// JSON or empty, and a directory with no payload at all. It returns the
// arguments naming them and what to pipe in.
func jobsInputs(t *testing.T, dir string) (args []string, stdin string) {
	t.Helper()
	var valid, invalid [][]byte
	for _, fx := range fixtures.List() {
		b, err := fixtures.Read(fx)
		if err != nil {
			t.Fatal(err)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, b); err != nil {
			continue // the fixtures that are not JSON on purpose
		}
		if fx.Invalid {
			invalid = append(invalid, c.Bytes())
		} else {
			valid = append(valid, c.Bytes())
		}
	}
	size, files := 700<<10, 150 // ≈ 3 chunks
	if raceEnabled {
		size, files = 270<<10, 40 // still more than a chunk
	}
	var nd bytes.Buffer
	for i := 0; nd.Len() < size; i++ {
		switch {
		case i%53 == 7:
			nd.WriteString(`{"total":1,"data":[{"id":"a",` + "\n") // a syntax error
		case i%29 == 3:
			nd.Write(invalid[i%len(invalid)])
			nd.WriteByte('\n')
		case i%41 == 11:
			nd.WriteString("\r\n\n")
		default:
			nd.Write(valid[i%len(valid)])
			nd.WriteByte('\n')
		}
	}
	var concat bytes.Buffer
	for i := range 60 {
		b, _ := fixtures.Read(fixtures.List()[i%len(valid)])
		concat.Write(b)
		concat.WriteString(" ")
	}
	huge := `{"total":1,"data":[{"id":"x","source":"5511987654321","origin":"5511900000000",` +
		`"message":{"type":"TEXT","messageText":"` + strings.Repeat("olá ", 80<<10) + `"},` +
		`"receivedAt":1513616971473,"receivedDate":"2017-12-18T17:09:31.473Z"}]}`
	tree := map[string][]byte{
		"big.ndjson":            nd.Bytes(),
		"concat.json":           concat.Bytes(),
		"huge.ndjson":           []byte(string(valid[0]) + "\n" + huge + "\n" + string(valid[1]) + "\n"),
		"many/package.json":     []byte(`{"name":"hooks","version":"1.0.0"}`),
		"many/sub/notes.json":   []byte("# notes\n"),
		"many/sub/empty.ndjson": nil,
		"none/schema.json":      []byte(`{"$schema":"https://json-schema.org/draft/2020-12/schema"}`),
	}
	for i := range files {
		b := valid[i%len(valid)]
		if i%17 == 4 {
			b = invalid[i%len(invalid)]
		}
		if i%37 == 9 {
			b = []byte(`{"messages":[{"from":"1","id":"x",` + "\n  " + `"type":}]}`)
		}
		tree[fmt.Sprintf("many/%03d.json", i)] = b
	}
	for name, b := range tree {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"big.ndjson", "concat.json", "huge.ndjson", "many", "missing.json", "none"} {
		args = append(args, filepath.Join(dir, n))
	}
	return append(args, "-"), string(valid[2]) + "\n" + string(invalid[0]) + "\n" + nd.String()[:20000]
}

// TestJobsAsSequential: with -j the commands that read payloads print
// exactly what they print one payload at a time — stdout, stderr and exit
// status, byte for byte — whatever the shape of the input.
func TestJobsAsSequential(t *testing.T) {
	dir := t.TempDir()
	inputs, stdin := jobsInputs(t, dir)
	t.Setenv("WAMO_REDACT_KEY", "")
	cases := []struct {
		name string
		args []string
		env  env
	}{
		{name: "validate", args: []string{"validate"}},
		{name: "validate quiet strict", args: []string{"validate", "-q", "--strict"}},
		{name: "validate verbose", args: []string{"validate", "-v"}},
		{name: "validate json", args: []string{"validate", "-o", "json"}},
		{name: "validate sarif", args: []string{"validate", "-o", "sarif"}},
		{name: "validate junit", args: []string{"validate", "-o", "junit"}},
		{name: "validate github", args: []string{"validate", "-o", "github"}},
		{name: "validate colour", args: []string{"validate"}, env: env{stdoutTTY: true}},
		{name: "show", args: []string{"show"}},
		{name: "show colour", args: []string{"show"}, env: env{stdoutTTY: true}},
		{name: "show json", args: []string{"show", "--json"}},
		{name: "show json colour", args: []string{"show", "--json"}, env: env{stdoutTTY: true}},
		{name: "show compact", args: []string{"show", "--json", "--compact"}},
		{name: "show field", args: []string{"show", "--field", "data.0.source"}},
		{name: "show table", args: []string{"show", "--table"}},
		{name: "convert", args: []string{"convert", "--to", "cloud"}},
		{name: "convert sinch compact", args: []string{"convert", "--to", "sinch", "--compact"}},
		{name: "convert force quiet", args: []string{"convert", "--to", "whatsapp", "--force", "-q"}},
		{name: "convert strict extras", args: []string{"convert", "--to", "conversation", "--strict", "--keep-extras"}},
		{name: "redact", args: []string{"redact"}},
		{name: "redact text", args: []string{"redact", "--text"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := c.env
			e.stdin = stdin
			args := append(append([]string(nil), c.args...), inputs...)
			want := run(context.Background(), e, append(args, "-j1")...)
			if want.Code == 0 || want.Stdout == "" || want.Stderr == "" && !strings.HasPrefix(c.name, "validate") {
				t.Fatalf("the inputs do not exercise the command: exit %d, %d bytes out, %d bytes err",
					want.Code, len(want.Stdout), len(want.Stderr))
			}
			jobs := []string{"-j2", "-j5"}
			if raceEnabled {
				jobs = []string{"-j3"}
			}
			for _, jobs := range jobs {
				got := run(context.Background(), e, append(args, jobs)...)
				if got.Code != want.Code {
					t.Errorf("%s: exit %d, -j1 %d", jobs, got.Code, want.Code)
				}
				if got.Stdout != want.Stdout {
					t.Errorf("%s: stdout differs from -j1's:\n%s", jobs, firstDiff(want.Stdout, got.Stdout))
				}
				if got.Stderr != want.Stderr {
					t.Errorf("%s: stderr differs from -j1's:\n%s", jobs, firstDiff(want.Stderr, got.Stderr))
				}
			}
		})
	}
}

// firstDiff shows where two outputs part.
func firstDiff(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	lo := max(0, i-200)
	return fmt.Sprintf("at byte %d:\n-j1: %q\n-jN: %q", i, want[lo:min(len(want), i+200)], got[lo:min(len(got), i+200)])
}
