// Command wamo checks, shows, converts and replays WhatsApp MO webhook
// payloads (Sinch, WhatsApp On-Premises and Cloud API).
package main

import (
	"os"

	"github.com/wamo-dev/wamo/pkg/cmd/root"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// Stamped at release time with -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var (
	version = ""
	commit  = ""
	date    = ""
)

func main() {
	os.Exit(root.Main(os.Args[1:], iostreams.System(), cmdutil.BuildInfo{Version: version, Commit: commit, Date: date}))
}
