package interop

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// wamoBin is the wamo binary built from this tree for the whole test
// binary (TestMain), run as users run it.
var wamoBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wamo-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	wamoBin = filepath.Join(dir, "wamo")
	build := exec.Command("go", "build", "-o", wamoBin, "./cmd/wamo")
	build.Dir = filepath.Join("..", "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building wamo: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the wamo binary.
type result struct {
	code           int
	stdout, stderr string
}

// wamo runs the binary with args, the variables of vars added to the
// environment (and every WAMO_*SECRET variable of the test's own
// environment removed), stdin as its input.
func wamo(t *testing.T, vars map[string]string, stdin io.Reader, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, wamoBin, args...)
	cmd.Env = environ(vars)
	cmd.Stdin = stdin
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("wamo %v: %v", args, err)
	}
	return result{code, out.String(), errb.String()}
}

func environ(vars map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "WAMO_") && strings.HasSuffix(k, "SECRET") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "NO_COLOR=1")
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

var listenURL = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)/`)

// startListen runs `wamo listen --addr 127.0.0.1:0 ARGS` until the test
// ends and returns its URL.
func startListen(t *testing.T, vars map[string]string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), wamoBin, append([]string{"listen", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = environ(vars)
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	u, err := startCmd(t, cmd, stderr, 30*time.Second, func(line string) string {
		if m := listenURL.FindStringSubmatch(line); m != nil {
			return m[1]
		}
		return ""
	})
	if err != nil {
		t.Fatalf("wamo listen %s without saying where it listens", err)
	}
	return u
}

// startCmd starts cmd, made with the test's context so that it ends with
// the test, and returns the first non-empty value that find takes from a
// line of out, one of cmd's pipes, which it then reads to its end. It
// says why it returns none: cmd ended, or within passed.
func startCmd(t *testing.T, cmd *exec.Cmd, out io.Reader, within time.Duration, find func(line string) string) (string, error) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			if v := find(sc.Text()); v != "" && !sent {
				found <- v
				sent = true
			}
		}
		close(found)
		io.Copy(io.Discard, out)
	}()
	select {
	case v, ok := <-found:
		if !ok {
			cmd.Wait() // its output complete, for the caller to show
			return "", errors.New("ended")
		}
		return v, nil
	case <-time.After(within):
		return "", fmt.Errorf("did not answer within %v", within)
	}
}

// npm packages are installed once per directory per test binary.
var npmMu sync.Mutex

// npmDir returns a directory whose node_modules holds the packages of
// testdata/NAME/package.json, with the other files of testdata/NAME
// beside them: the directory named by envVar (.ci/run installs there), or
// one in the user's cache directory, installed now when needed. It skips
// the test where node is not installed.
func npmDir(t *testing.T, name, envVar, probe string, extraEnv ...string) (node, dir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("node is not installed: this test runs %s (npm) under Node.js", probe)
	}
	src := filepath.Join("testdata", name)
	pkg, err := os.ReadFile(filepath.Join(src, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	npmMu.Lock()
	defer npmMu.Unlock()
	dir = os.Getenv(envVar)
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		sum := sha256.Sum256(pkg)
		dir = filepath.Join(cache, "wamo-interop", name+"-"+hex.EncodeToString(sum[:8]))
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", probe, "package.json")); err != nil {
		if os.Getenv(envVar) != "" {
			t.Fatalf("%s=%s holds no %s: install it there (as .ci/run does) or unset it", envVar, dir, probe)
		}
		install(t, dir, pkg, probe, envVar, extraEnv)
	}
	// The scripts sit beside node_modules so that their imports resolve there.
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "package.json" || e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return node, dir
}

// startNode runs `node SCRIPT` in dir until the test ends, with vars in its
// environment, and returns the port it prints on its first line.
func startNode(t *testing.T, node, dir, script string, vars map[string]string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), node, script)
	cmd.Dir = dir
	cmd.Env = environ(vars)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	port, err := startCmd(t, cmd, stdout, 60*time.Second, strings.TrimSpace)
	if err != nil {
		t.Fatalf("%s %s without printing its port: %s", script, err, stderr.String())
	}
	return port
}

// install runs npm install for package.json pkg in a scratch directory
// beside dir and moves it to dir only once npm succeeded: an install cut
// short (a test timeout, a killed run) or one racing another process never
// leaves a half-filled dir that the probe would take for a good one.
func install(t *testing.T, dir string, pkg []byte, probe, envVar string, extraEnv []string) {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("node is installed but npm is not: cannot install %s (or set %s)", probe, envVar)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	scratch, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".tmp-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(scratch) // gone once renamed
	if err := os.WriteFile(filepath.Join(scratch, "package.json"), pkg, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("installing %s into %s (set %s to reuse an install)", probe, dir, envVar)
	cmd := exec.Command(npm, "install", "--no-package-lock", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
	cmd.Dir = scratch
	cmd.Env = append(os.Environ(), extraEnv...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install of %s: %v\n%s", probe, err, out)
	}
	// A broken earlier install (from before installs were atomic) is
	// replaced; if another process renamed its own install first, the
	// rename fails and theirs serves.
	if _, err := os.Stat(filepath.Join(dir, "node_modules", probe, "package.json")); err != nil {
		os.RemoveAll(dir)
	}
	if err := os.Rename(scratch, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "node_modules", probe, "package.json")); serr != nil {
			t.Fatalf("installing %s: %v", probe, err)
		}
	}
}
