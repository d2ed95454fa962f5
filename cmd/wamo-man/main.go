// Command wamo-man writes wamo's man pages, generated from the same command
// tree the wamo binary runs (release archives carry them under man/):
//
//	go run ./cmd/wamo-man -dir man
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/wamo-dev/wamo/pkg/cmd/man"
	"github.com/wamo-dev/wamo/pkg/cmd/root"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

func main() {
	dir := flag.String("dir", "man", "directory to write the pages into")
	version := flag.String("version", "", "version shown in the pages")
	flag.Parse()
	f := cmdutil.NewFactory(iostreams.System(), cmdutil.BuildInfo{Version: *version})
	if err := man.Write(root.NewCmdRoot(f), *dir); err != nil {
		fmt.Fprintln(os.Stderr, "wamo-man:", err)
		os.Exit(1)
	}
}
