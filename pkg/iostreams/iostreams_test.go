package iostreams

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestReadColorEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want ColorEnv
	}{
		{"nothing set", nil, ColorEnvUnset},
		{"NO_COLOR=1", map[string]string{"NO_COLOR": "1"}, ColorEnvOff},
		{"NO_COLOR=0 is still set", map[string]string{"NO_COLOR": "0"}, ColorEnvOff},
		{"empty NO_COLOR is unset (no-color.org)", map[string]string{"NO_COLOR": ""}, ColorEnvUnset},
		{"CLICOLOR_FORCE=1", map[string]string{"CLICOLOR_FORCE": "1"}, ColorEnvForce},
		{"CLICOLOR_FORCE=0", map[string]string{"CLICOLOR_FORCE": "0"}, ColorEnvUnset},
		{"empty CLICOLOR_FORCE", map[string]string{"CLICOLOR_FORCE": ""}, ColorEnvUnset},
		{"NO_COLOR beats CLICOLOR_FORCE", map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, ColorEnvOff},
		{"empty NO_COLOR leaves CLICOLOR_FORCE", map[string]string{"NO_COLOR": "", "CLICOLOR_FORCE": "1"}, ColorEnvForce},
		{"CLICOLOR=0", map[string]string{"CLICOLOR": "0"}, ColorEnvOff},
		{"CLICOLOR=1", map[string]string{"CLICOLOR": "1"}, ColorEnvUnset},
		{"CLICOLOR_FORCE beats CLICOLOR=0", map[string]string{"CLICOLOR": "0", "CLICOLOR_FORCE": "1"}, ColorEnvForce},
		{"TERM=dumb", map[string]string{"TERM": "dumb"}, ColorEnvOff},
		{"TERM=xterm-256color", map[string]string{"TERM": "xterm-256color"}, ColorEnvUnset},
		{"CLICOLOR_FORCE beats TERM=dumb", map[string]string{"TERM": "dumb", "CLICOLOR_FORCE": "1"}, ColorEnvForce},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReadColorEnv(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("ReadColorEnv = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestColorEnabled(t *testing.T) {
	tests := []struct {
		mode ColorMode
		env  ColorEnv
		tty  bool
		want bool
	}{
		{ColorAuto, ColorEnvUnset, true, true},
		{ColorAuto, ColorEnvUnset, false, false},
		{ColorAuto, ColorEnvOff, true, false},
		{ColorAuto, ColorEnvForce, false, true},
		{ColorAlways, ColorEnvOff, false, true},
		{ColorNever, ColorEnvForce, true, false},
	}
	for _, tt := range tests {
		s, _, _, _ := Test()
		s.SetColorMode(tt.mode)
		s.SetColorEnv(tt.env)
		s.SetStdoutTTY(tt.tty)
		s.SetStderrTTY(!tt.tty)
		if got := s.ColorEnabled(); got != tt.want {
			t.Errorf("mode %d env %d tty %v: ColorEnabled = %v, want %v", tt.mode, tt.env, tt.tty, got, tt.want)
		}
		if got := s.ColorEnabledErr(); tt.mode == ColorAuto && tt.env == ColorEnvUnset && got == tt.want {
			t.Errorf("stderr decided by stdout's terminal")
		}
	}
}

// TestSystemReadsEnvironment runs this test binary again with a given
// environment and checks that System() takes the colour decision from the
// process's real environment (stdout is a pipe there, so colour is on only
// when forced).
func TestSystemReadsEnvironment(t *testing.T) {
	if os.Getenv("IOSTREAMS_TEST_CHILD") == "1" {
		fmt.Print(System().ColorEnabled())
		os.Exit(0)
	}
	tests := []struct {
		env  []string
		want string
	}{
		{nil, "false"},
		{[]string{"CLICOLOR_FORCE=1"}, "true"},
		{[]string{"CLICOLOR_FORCE=1", "NO_COLOR="}, "true"},
		{[]string{"CLICOLOR_FORCE=1", "NO_COLOR=1"}, "false"},
	}
	for _, tt := range tests {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSystemReadsEnvironment$")
		cmd.Env = append(cleanEnv(), append(tt.env, "IOSTREAMS_TEST_CHILD=1")...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", tt.env, err)
		}
		if got := strings.TrimSpace(string(out)); got != tt.want {
			t.Errorf("%v: ColorEnabled = %s, want %s", tt.env, got, tt.want)
		}
	}
}

// cleanEnv is the test's environment without the colour variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM":
			continue
		}
		env = append(env, kv)
	}
	return env
}
