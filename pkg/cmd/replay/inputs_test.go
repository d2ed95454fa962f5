package replay

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestInputs: replay reads its inputs through the same pipeline as the
// other commands (issue 9): a pretty document in a .ndjson file is one
// payload sent whole, files found in a directory that are not payloads are
// skipped with a note and not sent, and nothing to send is unusable input.
func TestInputs(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	url := server(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.Write([]byte(`{"ok":true}`))
	})
	pretty := "{\n  \"messages\": [\n    {\"id\": \"a\", \"timestamp\": \"1\"}\n  ]\n}\n"
	dir := t.TempDir()
	for name, content := range map[string]string{
		"hooks/pretty.ndjson": pretty,
		"hooks/package.json":  `{"name": "hooks"}`,
		"node_modules/x.json": `{"messages": []}`,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := run(env{}, "--url", url, "--deadline", "5s", dir)
	if code != 0 || !strings.Contains(stdout, "1 request, 1 payload") {
		t.Fatalf("exit %d:\n%s\n%s", code, stdout, stderr)
	}
	if len(bodies) != 1 || bodies[0] != strings.TrimSuffix(pretty, "\n") {
		t.Errorf("sent %q", bodies)
	}
	if !strings.Contains(stderr, filepath.Join(dir, "hooks", "package.json")+": info: skipped, not a webhook payload") {
		t.Errorf("no note for package.json:\n%s", stderr)
	}

	code, _, stderr = run(env{stdin: " \n"}, "--url", url)
	if code != 3 || !strings.Contains(stderr, "wamo: -: no payload: the input holds only blank space") {
		t.Errorf("blank stdin: exit %d, %s", code, stderr)
	}
}
