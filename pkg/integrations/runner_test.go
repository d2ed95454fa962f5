package integrations

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// repoRoot is the repository root, where action.yml lives (the runner's
// GITHUB_ACTION_PATH for this action).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "action.yml")); err != nil {
		t.Fatal(err)
	}
	return root
}

// action is the part of action.yml the runner reads.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

type step struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
}

func loadAction(t *testing.T) action {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("action.yml: runs.using %q, want composite", a.Runs.Using)
	}
	return a
}

// job is one use of the action in a workflow job: the runner's files and
// directories, the action's inputs and the github context.
type job struct {
	t         *testing.T
	a         action
	inputs    map[string]string
	serverURL string // github.server_url
	workspace string // GITHUB_WORKSPACE, the steps' working directory
	temp      string // RUNNER_TEMP
	path      []string
	outputs   map[string]map[string]string // step id → outputs
}

// newJob prepares a job whose workspace holds files (name → content).
func newJob(t *testing.T, inputs map[string]string, files map[string]string) *job {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the action's steps are run with bash as on ubuntu-latest")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	j := &job{t: t, a: loadAction(t), inputs: map[string]string{}, serverURL: "https://github.com",
		workspace: t.TempDir(), temp: t.TempDir(), outputs: map[string]map[string]string{}}
	for name, in := range j.a.Inputs {
		j.inputs[name] = in.Default
	}
	for name, v := range inputs {
		if _, ok := j.a.Inputs[name]; !ok {
			t.Fatalf("action.yml has no input %q", name)
		}
		j.inputs[name] = v
	}
	writeFiles(t, j.workspace, files)
	return j
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var (
	exprRe    = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	compareRe = regexp.MustCompile(`^([\w.-]+)\s*(==|!=)\s*'([^']*)'$`)
)

// eval evaluates the expressions action.yml uses: context values
// (inputs.x, github.server_url, steps.id.outputs.x) and comparisons with a
// string literal. Anything else fails the test, so that the action cannot
// grow an expression this runner would get wrong.
func (j *job) eval(expr string) string {
	expr = strings.TrimSpace(expr)
	if m := compareRe.FindStringSubmatch(expr); m != nil {
		// Expressions compare strings case-insensitively.
		eq := strings.EqualFold(j.eval(m[1]), m[3])
		return fmt.Sprint(eq == (m[2] == "=="))
	}
	parts := strings.Split(expr, ".")
	switch {
	case len(parts) == 2 && parts[0] == "inputs":
		v, ok := j.inputs[parts[1]]
		if !ok {
			j.t.Fatalf("action.yml reads undeclared input %q", parts[1])
		}
		return v
	case expr == "github.server_url":
		return j.serverURL
	case len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs":
		return j.outputs[parts[1]][parts[3]]
	}
	j.t.Fatalf("action.yml: expression %q is not one this test runner knows", expr)
	return ""
}

func (j *job) expand(s string) string {
	return exprRe.ReplaceAllStringFunc(s, func(m string) string {
		return j.eval(exprRe.FindStringSubmatch(m)[1])
	})
}

// stepResult is what one step did.
type stepResult struct {
	name    string
	skipped bool
	code    int
	output  string // stdout and stderr
}

// run runs the action's steps in order as the runner does and returns the
// results and the action's outputs; it stops after the first failing step.
func (j *job) run() ([]stepResult, map[string]string) {
	t := j.t
	var results []stepResult
	for i, s := range j.a.Runs.Steps {
		r := stepResult{name: s.Name}
		if r.name == "" {
			r.name = fmt.Sprintf("step %d (%s)", i+1, s.Uses)
		}
		if s.If != "" && j.eval(exprRe.ReplaceAllString(s.If, "$1")) != "true" {
			r.skipped = true
			results = append(results, r)
			continue
		}
		if s.Uses != "" {
			// actions/setup-go: the Go running this test is on PATH already.
			if !strings.HasPrefix(s.Uses, "actions/setup-go@") {
				t.Fatalf("%s: uses %s, which this test runner cannot stand in for", r.name, s.Uses)
			}
			results = append(results, r)
			continue
		}
		if s.Shell != "bash" {
			t.Fatalf("%s: shell %q; the action's steps are bash steps", r.name, s.Shell)
		}
		r.code, r.output = j.bash(s)
		results = append(results, r)
		if r.code != 0 {
			break
		}
	}
	out := map[string]string{}
	for name, o := range j.a.Outputs {
		out[name] = j.expand(o.Value)
	}
	return results, out
}

// bash runs a step's script like the runner: the script in a file under
// RUNNER_TEMP, `bash --noprofile --norc -eo pipefail FILE`, the step's env
// on top of the job's, GITHUB_OUTPUT and GITHUB_PATH fresh files read back
// afterwards.
func (j *job) bash(s step) (int, string) {
	t := j.t
	script, err := os.CreateTemp(j.temp, "step-*.sh")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := script.WriteString(j.expand(s.Run)); err != nil {
		t.Fatal(err)
	}
	script.Close()
	outFile := filepath.Join(j.temp, "github_output_"+filepath.Base(script.Name()))
	pathFile := filepath.Join(j.temp, "github_path_"+filepath.Base(script.Name()))
	for _, f := range []string{outFile, pathFile} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script.Name())
	cmd.Dir = j.workspace
	env := []string{
		"PATH=" + strings.Join(append(slices.Clone(j.path), os.Getenv("PATH")), string(os.PathListSeparator)),
		"GITHUB_OUTPUT=" + outFile,
		"GITHUB_PATH=" + pathFile,
		"GITHUB_ACTION_PATH=" + repoRoot(t),
		"GITHUB_WORKSPACE=" + j.workspace,
		"GITHUB_ACTIONS=true",
		"RUNNER_TEMP=" + j.temp,
		"RUNNER_OS=Linux",
		"RUNNER_ARCH=" + map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH],
	}
	for _, kv := range os.Environ() {
		k := strings.SplitN(kv, "=", 2)[0]
		if k == "PATH" || strings.HasPrefix(k, "GITHUB_") || strings.HasPrefix(k, "RUNNER_") || strings.HasPrefix(k, "WAMO_") {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range s.Env {
		env = append(env, k+"="+j.expand(v))
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", s.Name, err)
		}
		code = ee.ExitCode()
	}
	if s.ID != "" {
		j.outputs[s.ID] = readOutputs(t, outFile)
	}
	// The runner prepends GITHUB_PATH entries for the following steps, the
	// last one added first.
	for _, p := range readLines(t, pathFile) {
		j.path = append([]string{p}, j.path...)
	}
	return code, string(out)
}

func readLines(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// readOutputs parses a GITHUB_OUTPUT file: name=value lines and
// name<<DELIMITER blocks.
func readOutputs(t *testing.T, file string) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := readLines(t, file)
	for i := 0; i < len(lines); i++ {
		if name, delim, ok := strings.Cut(lines[i], "<<"); ok && !strings.Contains(name, "=") {
			var v []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				v = append(v, lines[i])
			}
			out[name] = strings.Join(v, "\n")
			continue
		}
		name, v, ok := strings.Cut(lines[i], "=")
		if !ok {
			t.Fatalf("GITHUB_OUTPUT: bad line %q", lines[i])
		}
		out[name] = v
	}
	return out
}
