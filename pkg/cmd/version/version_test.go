package version

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		build cmdutil.BuildInfo
		want  string
	}{
		{cmdutil.BuildInfo{Version: "1.2.3"}, "1.2.3"},
		{cmdutil.BuildInfo{Version: "v1.2.3"}, "1.2.3"},
		{cmdutil.BuildInfo{Version: "1.2.3", Commit: "0123456789abcdef0123", Date: "2026-01-02T03:04:05Z"},
			"1.2.3 (commit 0123456789ab, built 2026-01-02T03:04:05Z)"},
		{cmdutil.BuildInfo{Version: "(devel)"}, "dev"},
	}
	for _, tt := range tests {
		if got := Format(tt.build); got != tt.want {
			t.Errorf("Format(%+v) = %q, want %q", tt.build, got, tt.want)
		}
	}
}

func TestVersionCommand(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	cmd := NewCmdVersion(cmdutil.NewFactory(ios, cmdutil.BuildInfo{Version: "1.2.3", Commit: "abc"}))
	cmd.SetArgs(nil)
	cmd.SetOut(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "wamo 1.2.3 (commit abc") || !strings.HasSuffix(got, "\n") {
		t.Errorf("output %q", got)
	}
}
