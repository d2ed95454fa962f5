//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptSilentWriter runs the built wamo on inputs whose writer
// stays silent — stdin from a pipe, a named pipe with a writer, a named
// pipe nobody opened for writing — and sends it one SIGINT, as Ctrl-C
// does: it must stop at once, report the input interrupted with the
// payload read before it, and exit 130, instead of waiting for the writer.
func TestInterruptSilentWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wamo")
	}
	bin := filepath.Join(t.TempDir(), "wamo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	pretty, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "sinch", "text.json"))
	if err != nil {
		t.Fatal(err)
	}
	var line bytes.Buffer
	if err := json.Compact(&line, pretty); err != nil {
		t.Fatal(err)
	}
	doc := append(line.Bytes(), '\n')
	tests := []struct {
		name  string
		start func(t *testing.T, cmd *exec.Cmd, end <-chan struct{}) (arg string)
		want  string
	}{
		{"stdin from a pipe", func(t *testing.T, cmd *exec.Cmd, _ <-chan struct{}) string {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { w.Close() })
			if _, err := w.Write(doc); err != nil {
				t.Fatal(err)
			}
			cmd.Stdin = r
			t.Cleanup(func() { r.Close() })
			return "-"
		}, "-: error input: interrupted after 1 payload"},
		{"named pipe", func(t *testing.T, _ *exec.Cmd, end <-chan struct{}) string {
			fifo := mkfifo(t)
			go func() {
				f, err := os.OpenFile(fifo, os.O_WRONLY, 0) // waits for wamo to open it
				if err != nil {
					return
				}
				defer f.Close()
				f.Write(doc)
				<-end
			}()
			return fifo
		}, ": error input: interrupted after 1 payload"},
		{"named pipe without a writer", func(t *testing.T, _ *exec.Cmd, _ <-chan struct{}) string {
			return mkfifo(t)
		}, ": error input: interrupted before its first payload was read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end := make(chan struct{})
			defer close(end) // the writer is silent until then
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, "validate")
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Args = append(cmd.Args, tt.start(t, cmd, end))
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			// wamo handles Ctrl-C itself after 50 ms (before, the signal
			// just ends it); by then the payload has been read too.
			time.Sleep(time.Second)
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("still running 10 s after SIGINT, the writer silent\nstdout:\n%s", stdout.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(stdout.String(), tt.want) {
				t.Errorf("exit %d, want 130 and %q\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout.String(), stderr.String())
			}
		})
	}
}

// mkfifo makes a named pipe in a directory of the test's.
func mkfifo(t *testing.T) string {
	fifo := filepath.Join(t.TempDir(), "live.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	return fifo
}
