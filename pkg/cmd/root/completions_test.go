package root

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

var updateCompletions = flag.Bool("update-completions", false, "rewrite completions/")

// TestCompletionsUpToDate fails when completions/ no longer matches what
// `wamo completion SHELL` generates; -update-completions rewrites them.
func TestCompletionsUpToDate(t *testing.T) {
	for shell, file := range map[string]string{
		"bash": "wamo.bash", "zsh": "wamo.zsh", "fish": "wamo.fish", "powershell": "wamo.ps1",
	} {
		t.Run(shell, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			f := cmdutil.NewFactory(ios, cmdutil.BuildInfo{Version: "test"})
			if code := Run(context.Background(), []string{"completion", shell}, f); code != 0 {
				t.Fatalf("wamo completion %s: exit %d: %s", shell, code, errOut)
			}
			path := filepath.Join("..", "..", "..", "completions", file)
			if *updateCompletions {
				if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./pkg/cmd/root -run Completions -update-completions)", err)
			}
			if !bytes.Equal(want, out.Bytes()) {
				t.Errorf("completions/%s is out of date: run go test ./pkg/cmd/root -run Completions -update-completions", file)
			}
		})
	}
}
