// Package man implements `wamo man`: man pages generated from the command
// tree, so they always match the binary.
package man

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/wamo-dev/wamo/pkg/cmdutil"
)

// NewCmdMan builds `wamo man`.
func NewCmdMan(f *cmdutil.Factory) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "man --dir DIR",
		Short: "Write man pages for every wamo command into a directory",
		Long: `Write one man page (section 1) per command, generated from the same command
tree the binary runs, into DIR. Release archives carry them under man/.`,
		Example: `  wamo man --dir ./man && man ./man/wamo-validate.1`,
		Args:    cobra.NoArgs,
		Hidden:  false,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return cmdutil.Usagef("--dir is required")
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return cmdutil.Inputf("--dir %s: %v", dir, err)
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true // reproducible pages: no generation date
			header := &doc.GenManHeader{Title: "WAMO", Section: "1", Source: "wamo " + root.Version, Manual: "wamo manual"}
			if err := doc.GenManTree(root, header, dir); err != nil {
				return fmt.Errorf("writing man pages: %w", err)
			}
			fmt.Fprintf(f.IOStreams.ErrOut, "man pages written to %s\n", dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "directory to write the pages into (created if missing)")
	_ = cmd.MarkFlagDirname("dir")
	return cmd
}
