package integrations

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fixture reads one of the repository's fixtures.
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "fixtures", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	buildOnce sync.Once
	builtWamo string
	buildErr  error
)

// wamoBinary builds wamo once for the fake releases.
func wamoBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wamo-integrations-")
		if err != nil {
			buildErr = err
			return
		}
		builtWamo = filepath.Join(dir, "wamo")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", builtWamo, "./cmd/wamo")
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtWamo
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtWamo != "" {
		os.RemoveAll(filepath.Dir(builtWamo))
	}
	os.Exit(code)
}

// release serves a directory laid out like GitHub's release downloads,
// DIR/TAG/FILE, at /wamo-dev/wamo/releases/download/ on a loopback server.
func release(t *testing.T, dir string) string {
	t.Helper()
	srv := httptest.NewServer(http.StripPrefix("/wamo-dev/wamo/releases/download/", http.FileServer(http.Dir(dir))))
	t.Cleanup(srv.Close)
	return srv.URL
}

var (
	archiveOnce sync.Once
	archiveName string
	archiveBody []byte
)

// releaseArchive is the linux or darwin archive of v1.2.3 for the running
// platform as goreleaser lays it out (wrapped in a directory of its name),
// with wamoBinary inside; made once.
func releaseArchive(t *testing.T) (string, []byte) {
	t.Helper()
	bin := wamoBinary(t)
	archiveOnce.Do(func() {
		name := fmt.Sprintf("wamo_1.2.3_%s_%s", runtime.GOOS, runtime.GOARCH)
		b, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		tw := tar.NewWriter(zw)
		for _, e := range []struct {
			name string
			body []byte
			mode int64
		}{{name + "/wamo", b, 0o755}, {name + "/README.md", []byte("wamo\n"), 0o644}} {
			if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.body)), Typeflag: tar.TypeReg}); err != nil {
				t.Fatal(err)
			}
			if _, err := tw.Write(e.body); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		archiveName, archiveBody = name+".tar.gz", buf.Bytes()
	})
	if archiveBody == nil {
		t.Fatal("no release archive")
	}
	return archiveName, archiveBody
}

// fakeRelease serves the release v1.2.3: releaseArchive and a checksums.txt
// as goreleaser writes it, which tamper may change first.
func fakeRelease(t *testing.T, tamper func(sums string) string) string {
	t.Helper()
	name, body := releaseArchive(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "v1.2.3"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "v1.2.3", name), body, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	sums := fmt.Sprintf("%s  %s\n%s  wamo_1.2.3_windows_amd64.zip\n", hex.EncodeToString(sum[:]), name, strings.Repeat("0", 64))
	if tamper != nil {
		sums = tamper(sums)
	}
	if err := os.WriteFile(filepath.Join(dir, "v1.2.3", "checksums.txt"), []byte(sums), 0o644); err != nil {
		t.Fatal(err)
	}
	return release(t, dir)
}

// tagJob is a job that installs the fake release v1.2.3.
func tagJob(t *testing.T, inputs map[string]string, files map[string]string) *job {
	t.Helper()
	in := map[string]string{"version": "v1.2.3"}
	for k, v := range inputs {
		in[k] = v
	}
	j := newJob(t, in, files)
	j.serverURL = fakeRelease(t, nil)
	return j
}

// loopbackURL answers every request with status.
func loopbackURL(t *testing.T, status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
	t.Cleanup(srv.Close)
	return srv.URL + "/hook"
}

// closedURL is a loopback address nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/hook"
}

// TestActionRun runs the action's steps for passing and failing runs: the
// step fails with wamo's exit code and the exit-code output is written
// either way (GitHub's bash -e used to end the script before it was).
func TestActionRun(t *testing.T) {
	payloads := map[string]string{
		"hooks/sinch.json": fixture(t, "sinch/text.json"),
		"hooks/cloud.json": fixture(t, "cloud/text.json"),
	}
	with := func(extra map[string]string) map[string]string {
		files := map[string]string{}
		for k, v := range payloads {
			files[k] = v
		}
		for k, v := range extra {
			files[k] = v
		}
		return files
	}
	tests := []struct {
		name   string
		inputs map[string]string
		files  map[string]string
		code   int
		output []string // substrings of the run step's output
	}{
		{"valid payloads", map[string]string{"paths": "hooks"}, payloads, 0, nil},
		{"invalid payload", map[string]string{"paths": "hooks"},
			with(map[string]string{"hooks/bad.json": fixture(t, "invalid/sinch-total-mismatch.json")}), 1,
			[]string{"::error file=hooks/bad.json,line=2,col=12"}},
		{"unusable input", map[string]string{"paths": "hooks/sinch.json hooks/broken.json"},
			with(map[string]string{"hooks/broken.json": fixture(t, "invalid/syntax-truncated.json")}), 3, nil},
		{"args reach wamo", map[string]string{"paths": "hooks", "args": "--strict"},
			with(map[string]string{"hooks/warn.json": fixture(t, "invalid/cloud-field-account-update.json")}), 1, nil},
		{"unknown command", map[string]string{"command": "lint"}, payloads, 2, []string{"::error::command must be validate or replay"}},
		{"replay without url", map[string]string{"command": "replay", "paths": "hooks"}, payloads, 2, []string{"needs the url input"}},
		{"replay acknowledged", map[string]string{"command": "replay", "paths": "hooks", "url": loopbackURL(t, 200)}, payloads, 0, nil},
		{"replay answered 500", map[string]string{"command": "replay", "paths": "hooks", "url": loopbackURL(t, 500)}, payloads, 1, nil},
		{"replay unreachable", map[string]string{"command": "replay", "paths": "hooks", "url": closedURL(t)}, payloads, 4, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := tagJob(t, tt.inputs, tt.files)
			results, outputs := j.run()
			last := results[len(results)-1]
			if last.name != "Run wamo" {
				t.Fatalf("stopped at %q (exit %d):\n%s", last.name, last.code, last.output)
			}
			if last.code != tt.code {
				t.Errorf("step exit %d, want %d:\n%s", last.code, tt.code, last.output)
			}
			if got := outputs["exit-code"]; got != fmt.Sprint(tt.code) {
				t.Errorf("output exit-code = %q, want %q", got, fmt.Sprint(tt.code))
			}
			for _, s := range tt.output {
				if !strings.Contains(last.output, s) {
					t.Errorf("output lacks %q:\n%s", s, last.output)
				}
			}
		})
	}
}

// TestActionInstall covers the two ways of installing: a release binary
// checked against the release's checksums.txt, and a build of the action's
// checkout for version: source (the only case that sets up Go).
func TestActionInstall(t *testing.T) {
	files := map[string]string{"p/text.json": fixture(t, "sinch/text.json")}
	t.Run("release tag", func(t *testing.T) {
		j := tagJob(t, map[string]string{"paths": "p"}, files)
		results, outputs := j.run()
		if !results[0].skipped {
			t.Error("setup-go ran for a release tag")
		}
		if results[1].code != 0 || !strings.Contains(results[1].output, "wamo ") {
			t.Errorf("install: exit %d:\n%s", results[1].code, results[1].output)
		}
		if len(j.path) != 1 || j.path[0] != filepath.Join(j.temp, "wamo-bin") {
			t.Errorf("GITHUB_PATH gave %v", j.path)
		}
		if outputs["exit-code"] != "0" {
			t.Errorf("exit-code %q", outputs["exit-code"])
		}
	})
	t.Run("source", func(t *testing.T) {
		j := newJob(t, map[string]string{"paths": "p", "version": "source"}, files)
		results, outputs := j.run()
		if results[0].skipped {
			t.Error("setup-go skipped for a source build")
		}
		if results[1].code != 0 || outputs["exit-code"] != "0" {
			t.Errorf("install: exit %d, exit-code %q:\n%s", results[1].code, outputs["exit-code"], results[1].output)
		}
	})
	failures := []struct {
		name    string
		version string
		tamper  func(string) string
		code    int
		message string
	}{
		{"checksum mismatch", "v1.2.3", flipFirstDigit, 1, "but checksums.txt says"},
		{"archive missing from checksums.txt", "v1.2.3", func(s string) string { return s[strings.Index(s, "\n")+1:] }, 1, "has no line for"},
		{"no such release", "v9.9.9", nil, 22, "404"},
		{"not a tag", "latest", nil, 2, "version must be a release tag"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			j := newJob(t, map[string]string{"paths": "p", "version": tt.version}, files)
			j.serverURL = fakeRelease(t, tt.tamper)
			results, outputs := j.run()
			last := results[len(results)-1]
			if last.name != "Install wamo" || last.code != tt.code || !strings.Contains(last.output, tt.message) {
				t.Errorf("%s: exit %d, want %d with %q:\n%s", last.name, last.code, tt.code, tt.message, last.output)
			}
			if _, err := os.Stat(filepath.Join(j.temp, "wamo-bin", "wamo")); err == nil {
				t.Error("a binary was installed anyway")
			}
			if outputs["exit-code"] != "" {
				t.Errorf("exit-code %q without a run", outputs["exit-code"])
			}
		})
	}
}

// flipFirstDigit changes the first hex digit of checksums.txt, whatever it
// was: the archive is built afresh per run, so its sum may start with any
// digit (replacing it with a fixed one left the sum intact 1 run in 16).
func flipFirstDigit(s string) string {
	if s[0] == '0' {
		return "1" + s[1:]
	}
	return "0" + s[1:]
}

// TestActionInstallsSnapshotRelease serves the archives and checksums.txt
// of a goreleaser snapshot build (.ci/run sets WAMO_TEST_DIST to its dist/)
// to the action, so the names the action asks for are the names the
// release has.
func TestActionInstallsSnapshotRelease(t *testing.T) {
	dist := os.Getenv("WAMO_TEST_DIST")
	if dist == "" {
		t.Skip("WAMO_TEST_DIST is not set: .ci/run sets it to a goreleaser snapshot's dist/")
	}
	b, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &meta); err != nil || meta.Version == "" {
		t.Fatalf("metadata.json: %v %q", err, meta.Version)
	}
	tag := "v" + meta.Version
	dir := t.TempDir()
	if err := os.Symlink(dist, filepath.Join(dir, tag)); err != nil {
		t.Fatal(err)
	}
	j := newJob(t, map[string]string{"version": tag, "paths": "p"}, map[string]string{"p/text.json": fixture(t, "sinch/text.json")})
	j.serverURL = release(t, dir)
	results, outputs := j.run()
	install := results[1]
	if install.code != 0 || !strings.Contains(install.output, "wamo "+meta.Version) || outputs["exit-code"] != "0" {
		t.Errorf("install of %s: exit %d, exit-code %q:\n%s", tag, install.code, outputs["exit-code"], install.output)
	}
}

// ordinaryRepo is a repository as teams have them: a Node.js app with
// package.json, node_modules, a JSON Schema, an ignored capture and payload
// fixtures.
func ordinaryRepo(t *testing.T) map[string]string {
	return map[string]string{
		"package.json":                        `{"name":"webhook-app","version":"1.0.0","scripts":{"test":"jest"}}`,
		"package-lock.json":                   `{"name":"webhook-app","lockfileVersion":3,"packages":{}}`,
		"tsconfig.json":                       `{"compilerOptions":{"strict":true}}`,
		"node_modules/left-pad/package.json":  `{"name":"left-pad","version":"1.3.0"}`,
		"schemas/message.schema.json":         `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"}`,
		".gitignore":                          "captures/\n",
		"captures/raw.json":                   `{"not":"a payload"}`,
		"test/fixtures/sinch-text.json":       fixture(t, "sinch/text.json"),
		"test/fixtures/cloud-text.json":       fixture(t, "cloud/text.json"),
		"test/fixtures/whatsapp-status.json":  fixture(t, "whatsapp/status-delivered.json"),
		"test/fixtures/cloud-statuses.ndjson": strings.ReplaceAll(fixture(t, "cloud/status-read.json"), "\n", "") + "\n",
	}
}

// TestActionDefaultsOnOrdinaryRepo: with paths: "." (the default) the
// action passes on a repository that holds more JSON than payloads, and
// still fails on an invalid payload there.
func TestActionDefaultsOnOrdinaryRepo(t *testing.T) {
	j := tagJob(t, nil, ordinaryRepo(t))
	gitInit(t, j.workspace)
	results, outputs := j.run()
	if last := results[len(results)-1]; last.code != 0 || outputs["exit-code"] != "0" {
		t.Errorf("%s: exit %d, exit-code %q:\n%s", last.name, last.code, outputs["exit-code"], last.output)
	}

	files := ordinaryRepo(t)
	files["test/fixtures/bad.json"] = fixture(t, "invalid/sinch-total-mismatch.json")
	j = tagJob(t, nil, files)
	gitInit(t, j.workspace)
	results, outputs = j.run()
	if last := results[len(results)-1]; last.code != 1 || outputs["exit-code"] != "1" || !strings.Contains(last.output, "file=test/fixtures/bad.json") {
		t.Errorf("with an invalid payload: %s: exit %d, exit-code %q:\n%s", last.name, last.code, outputs["exit-code"], last.output)
	}
}

// gitInit makes dir a git repository with everything committed (what
// .gitignore ignores aside).
func gitInit(t *testing.T, dir string) {
	t.Helper()
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "-A"},
		{"-c", "user.name=wamo", "-c", "user.email=wamo@example.com", "commit", "-q", "-m", "fixtures"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// TestActionScriptsShellcheck lints the action's bash steps, which
// actionlint (run on the workflows by .ci/run) does not look into.
func TestActionScriptsShellcheck(t *testing.T) {
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Skip("shellcheck is not installed (.ci/run installs it: apt-get install shellcheck)")
	}
	for _, s := range loadAction(t).Runs.Steps {
		if s.Run == "" {
			continue
		}
		cmd := exec.Command("shellcheck", "--shell=bash", "--severity=style", "-")
		// Expressions are replaced before the shell sees the script.
		cmd.Stdin = strings.NewReader(exprRe.ReplaceAllString(s.Run, "expr"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: shellcheck: %v\n%s", s.Name, err, out)
		}
	}
}
