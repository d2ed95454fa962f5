// Command wamo-man writes what release packages carry besides the binary,
// generated from the same command tree the wamo binary runs:
//
//	OUT/man/*.1           man pages (archives, Homebrew)
//	OUT/man-gz/*.1.gz     the same, compressed as Debian policy asks (deb, rpm)
//	OUT/completions/      wamo.bash, _wamo (zsh), wamo.fish, wamo.ps1
//
// goreleaser runs it as a before hook (hooks run without a shell, so a
// program writes the files rather than a redirect):
//
//	go run ./cmd/wamo-man -out release-assets -version 1.2.3 -date 1767323045
//
// The page date is -date (Unix seconds), else $SOURCE_DATE_EPOCH, else the
// time of the commit checked out: never the build time, so two builds of one
// commit give the same bytes.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wamo-dev/wamo/pkg/cmd/man"
	"github.com/wamo-dev/wamo/pkg/cmd/root"
	"github.com/wamo-dev/wamo/pkg/cmdutil"
	"github.com/wamo-dev/wamo/pkg/iostreams"
)

// Completions maps each shell to the file name its completion loader looks
// for: zsh autoloads functions named _wamo from $fpath.
var Completions = []struct{ Shell, File string }{
	{"bash", "wamo.bash"},
	{"zsh", "_wamo"},
	{"fish", "wamo.fish"},
	{"powershell", "wamo.ps1"},
}

func main() {
	out := flag.String("out", "release-assets", "directory to write man/, man-gz/ and completions/ into")
	version := flag.String("version", "", "version shown in the pages")
	date := flag.String("date", "", "page date as Unix seconds (default $SOURCE_DATE_EPOCH, else the commit's time)")
	flag.Parse()
	if err := run(*out, *version, *date); err != nil {
		fmt.Fprintln(os.Stderr, "wamo-man:", err)
		os.Exit(1)
	}
}

func run(out, version, date string) error {
	when, err := pageDate(date)
	if err != nil {
		return err
	}
	for _, d := range []string{"man", "man-gz", "completions"} {
		if err := os.RemoveAll(filepath.Join(out, d)); err != nil {
			return err
		}
	}
	f := cmdutil.NewFactory(iostreams.System(), cmdutil.BuildInfo{Version: version})
	names, err := man.Write(root.NewCmdRoot(f), filepath.Join(out, "man"), man.Options{Version: version, Date: when})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(out, "man-gz"), 0o755); err != nil {
		return err
	}
	for _, n := range names {
		if err := gzipFile(filepath.Join(out, "man", n), filepath.Join(out, "man-gz", n+".gz")); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(out, "completions"), 0o755); err != nil {
		return err
	}
	for _, c := range Completions {
		b, err := completion(c.Shell)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "completions", c.File), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// completion is exactly what `wamo completion SHELL` prints.
func completion(shell string) ([]byte, error) {
	ios, _, out, errOut := iostreams.Test()
	f := cmdutil.NewFactory(ios, cmdutil.BuildInfo{})
	if code := root.Run(context.Background(), []string{"completion", shell}, f); code != 0 {
		return nil, fmt.Errorf("wamo completion %s: exit %d: %s", shell, code, errOut)
	}
	return out.Bytes(), nil
}

// gzipFile compresses like gzip -9n: no file name and no time in the
// header, so the bytes depend on the content alone.
func gzipFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(b); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(dst, buf.Bytes(), 0o644)
}

func pageDate(flagValue string) (time.Time, error) {
	s, from := flagValue, "-date"
	if s == "" {
		s, from = os.Getenv("SOURCE_DATE_EPOCH"), "SOURCE_DATE_EPOCH"
	}
	if s == "" {
		b, err := exec.Command("git", "log", "-1", "--format=%ct").Output()
		if err != nil {
			return time.Time{}, fmt.Errorf("no -date, no SOURCE_DATE_EPOCH and no git commit to date the pages by: %v", err)
		}
		s, from = strings.TrimSpace(string(b)), "the commit"
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %q is not Unix seconds", from, s)
	}
	// goreleaser passes year 1 (negative seconds) when it could not read the
	// commit: no page should carry that date.
	if sec <= 0 {
		return time.Time{}, fmt.Errorf("%s: %d is not a commit's time", from, sec)
	}
	return time.Unix(sec, 0).UTC(), nil
}
