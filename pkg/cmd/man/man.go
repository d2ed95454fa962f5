// Package man writes man pages for the wamo command tree (cobra/doc). It is
// linked only into the release helper cmd/wamo-man: cobra/doc's markdown
// and YAML dependencies cost about 1 ms of package init, which every wamo
// start would otherwise pay.
package man

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// Write writes one man page (section 1) per command of root into dir.
func Write(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root.DisableAutoGenTag = true // reproducible pages: no generation date
	header := &doc.GenManHeader{Title: "WAMO", Section: "1", Source: "wamo " + root.Version, Manual: "wamo manual"}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("writing man pages: %w", err)
	}
	return nil
}
