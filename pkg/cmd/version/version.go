// Package version implements `wamo version`, the command form of --version,
// and the version string both print.
package version

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
)

// NewCmdVersion builds `wamo version`.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print wamo's version (as --version does)",
		Long: `Print wamo's version, with the commit and the build date when the binary
carries them: stamped by the release build, or recorded by the Go toolchain
for go install and go build from a clone.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(f.IOStreams.Out, "wamo %s\n", Format(f.Build))
			return err
		},
	}
}

// Format renders the version with the commit and build date when stamped,
// or what the Go toolchain recorded for `go install` builds.
func Format(b cmdutil.BuildInfo) string {
	v, commit, date := b.Version, b.Commit, b.Date
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if commit == "" {
					commit = s.Value
				}
			case "vcs.time":
				if date == "" {
					date = s.Value
				}
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	v = strings.TrimPrefix(v, "v")
	var extra []string
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		extra = append(extra, "commit "+commit)
	}
	if date != "" {
		extra = append(extra, "built "+date)
	}
	if len(extra) > 0 {
		v += " (" + strings.Join(extra, ", ") + ")"
	}
	return v
}
