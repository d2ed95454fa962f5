package integrations

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// hook is an entry of .pre-commit-hooks.yaml.
type hook struct {
	ID            string   `yaml:"id"`
	Entry         string   `yaml:"entry"`
	Args          []string `yaml:"args"`
	Language      string   `yaml:"language"`
	Files         string   `yaml:"files"`
	Exclude       string   `yaml:"exclude"`
	PassFilenames *bool    `yaml:"pass_filenames"`
	MinVersion    string   `yaml:"minimum_pre_commit_version"`
}

func loadHooks(t *testing.T) map[string]hook {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var list []hook
	if err := yaml.Unmarshal(b, &list); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	hooks := map[string]hook{}
	for _, h := range list {
		if h.MinVersion == "" {
			t.Errorf("hook %s declares no minimum_pre_commit_version", h.ID)
		}
		if h.Language != "golang" {
			t.Errorf("hook %s: language %q", h.ID, h.Language)
		}
		hooks[h.ID] = h
	}
	return hooks
}

// runHook runs a hook in the git repository dir as pre-commit run
// --all-files does: nothing when no tracked file matches files/exclude,
// else entry + args (+ the matching files when pass_filenames), with the
// hook's Go binaries (wamo) first on PATH.
func runHook(t *testing.T, h hook, dir string) (ran bool, code int, out string) {
	t.Helper()
	ls := exec.Command("git", "ls-files")
	ls.Dir = dir
	b, err := ls.Output()
	if err != nil {
		t.Fatal(err)
	}
	files := regexp.MustCompile(h.Files)
	var matched []string
	for _, f := range strings.Fields(string(b)) {
		if files.MatchString(f) && (h.Exclude == "" || !regexp.MustCompile(h.Exclude).MatchString(f)) {
			matched = append(matched, f)
		}
	}
	if len(matched) == 0 {
		return false, 0, ""
	}
	argv := append(strings.Fields(h.Entry), h.Args...)
	if h.PassFilenames == nil || *h.PassFilenames {
		argv = append(argv, matched...)
	}
	// The hook environment's bin directory holds what `go install ./...`
	// built: wamo.
	bin := filepath.Dir(wamoBinary(t))
	if _, err := os.Stat(filepath.Join(bin, argv[0])); err == nil {
		argv[0] = filepath.Join(bin, argv[0])
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	o, err := cmd.CombinedOutput()
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	return true, code, string(o)
}

func TestPreCommitHooks(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	hooks := loadHooks(t)
	valid := map[string]string{
		"webhooks/fixtures/sinch.json":  fixture(t, "sinch/text.json"),
		"webhooks/fixtures/cloud.json":  fixture(t, "cloud/text.json"),
		"webhooks/fixtures/status.json": fixture(t, "whatsapp/status-delivered.json"),
		"README.md":                     "# app\n",
	}
	with := func(name, content string) map[string]string {
		files := map[string]string{name: content}
		for k, v := range valid {
			files[k] = v
		}
		return files
	}
	tests := []struct {
		name  string
		hook  string
		files map[string]string
		ran   bool
		code  int
	}{
		{"valid payloads", "wamo-validate", valid, true, 0},
		{"an invalid payload", "wamo-validate", with("webhooks/fixtures/bad.json", fixture(t, "invalid/sinch-total-mismatch.json")), true, 1},
		{"no JSON in the repository", "wamo-validate", map[string]string{"README.md": "# app\n"}, false, 0},
		{"strict: a warning fails", "wamo-validate-strict", with("webhooks/fixtures/warn.json", fixture(t, "invalid/cloud-field-account-update.json")), true, 1},
		{"not strict: a warning passes", "wamo-validate", with("webhooks/fixtures/warn.json", fixture(t, "invalid/cloud-field-account-update.json")), true, 0},
		{"an ordinary repository (package.json, node_modules, schemas)", "wamo-validate", ordinaryRepo(t), true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := hooks[tt.hook]
			if !ok {
				t.Fatalf("no hook %s", tt.hook)
			}
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			gitInit(t, dir)
			ran, code, out := runHook(t, h, dir)
			if ran != tt.ran || code != tt.code {
				t.Errorf("ran %v exit %d, want ran %v exit %d:\n%s", ran, code, tt.ran, tt.code, out)
			}
		})
	}
}
