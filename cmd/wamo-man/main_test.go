package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree reads every file under dir into a map of relative path → bytes.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestRun(t *testing.T) {
	out := t.TempDir()
	// A page of a command that no longer exists must not survive a run.
	if err := os.MkdirAll(filepath.Join(out, "man"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "man", "wamo-gone.1"), []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1767323045") // 2026-01-02
	if err := run(out, "1.2.3", ""); err != nil {
		t.Fatal(err)
	}
	files := tree(t, out)
	if _, ok := files["man/wamo-gone.1"]; ok {
		t.Error("a stale page survived")
	}
	page := string(files["man/wamo.1"])
	if !strings.Contains(page, `"2026-01-02" "wamo 1.2.3"`) {
		t.Errorf("SOURCE_DATE_EPOCH not used for the date:\n%.200s", page)
	}
	// Every page has its gzip twin with the same content.
	pages := 0
	for name, b := range files {
		if !strings.HasPrefix(name, "man/") {
			continue
		}
		pages++
		gz, ok := files["man-gz/"+strings.TrimPrefix(name, "man/")+".gz"]
		if !ok {
			t.Errorf("no man-gz twin of %s", name)
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(plain, b) {
			t.Errorf("%s.gz does not hold %s (%v)", name, name, err)
		}
		if zr.Name != "" || !zr.ModTime.IsZero() {
			t.Errorf("%s.gz carries a name or time", name)
		}
	}
	if pages < 15 {
		t.Errorf("only %d pages", pages)
	}
	// The completions are the committed ones: `wamo completion SHELL`, which
	// pkg/cmd/root's TestCompletionsUpToDate keeps in sync.
	for _, c := range Completions {
		committed, err := os.ReadFile(filepath.Join("..", "..", "completions", c.File))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files["completions/"+c.File], committed) {
			t.Errorf("completions/%s differs from the committed file", c.File)
		}
	}
	if !bytes.HasPrefix(files["completions/_wamo"], []byte("#compdef wamo")) {
		t.Error("_wamo does not start with #compdef wamo: zsh would not autoload it from $fpath")
	}

	// Same inputs, same bytes; -date wins over SOURCE_DATE_EPOCH.
	again := t.TempDir()
	if err := run(again, "1.2.3", ""); err != nil {
		t.Fatal(err)
	}
	for name, b := range tree(t, again) {
		if !bytes.Equal(b, files[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	dated := t.TempDir()
	if err := run(dated, "1.2.3", "1767495845"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dated, "man", "wamo.1")); !bytes.Contains(b, []byte(`"2026-01-04"`)) {
		t.Error("-date not used")
	}
	if err := run(t.TempDir(), "", "yesterday"); err == nil || !strings.Contains(err.Error(), "Unix seconds") {
		t.Errorf("bad -date: %v", err)
	}
	// What goreleaser passes when it could not read the commit.
	if err := run(t.TempDir(), "", "-62135596800"); err == nil || !strings.Contains(err.Error(), "not a commit's time") {
		t.Errorf("year-1 -date: %v", err)
	}
}
