package input

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dustin/go-humanize/english"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// hasPayloadExt reports whether a file name ends in .json, .ndjson or
// .jsonl, the files read when walking a directory.
func hasPayloadExt(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json", ".ndjson", ".jsonl":
		return true
	}
	return false
}

// neverWalked reports whether a directory is one that holds other people's
// files, never payloads of one's own: hidden ones (.git…), node_modules and
// vendor.
func neverWalked(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor"
}

// compileExclude parses the --exclude patterns (an empty one matches nothing).
func compileExclude(patterns []string) []gitignore.Pattern {
	var ps []gitignore.Pattern
	for _, p := range patterns {
		ps = append(ps, gitignore.ParsePattern(filepath.ToSlash(p), nil))
	}
	return ps
}

// matches reports whether the patterns (in increasing priority, the last
// that matches deciding) exclude path.
func matches(ps []gitignore.Pattern, path []string, isDir bool) bool {
	return len(ps) > 0 && gitignore.NewMatcher(ps).Match(path, isDir)
}

// split turns a path into its elements for matching ("./a/b" → [a b]).
func split(p string) []string {
	p = filepath.ToSlash(filepath.Clean(p))
	if p == "." || p == "/" {
		return nil
	}
	return strings.Split(strings.TrimPrefix(p, "/"), "/")
}

// sources receives the sources expand finds, in input order: the
// sequential pipeline reads each at once, a parallel run queues it.
type sources interface {
	// source takes one source; d is the directory walk that found it,
	// nil for a source named on the command line.
	source(src Source, d *dirWalk) error
	// dirDone is called after a directory's walk: a directory none of
	// whose files counted (delivered a payload or failed) is itself
	// reported, with d.source(), unless the run was stopped.
	dirDone(d *dirWalk) error
	// stopped reports whether the run must stop.
	stopped() bool
}

// dirWalk counts what the walk of one directory named on the command line
// found.
type dirWalk struct {
	root       string
	candidates int // files with a payload extension seen
	counted    int // sources that delivered a payload or failed
}

// source is the source reporting a directory that holds no payload.
func (d *dirWalk) source() Source {
	why := "directory holds no .json, .ndjson or .jsonl file"
	if d.candidates > 0 {
		why = "directory holds no webhook payload (" + english.Plural(d.candidates, "file", "") + " skipped)"
	}
	return Source{Name: d.root, Path: d.root, Err: errors.New(why)}
}

// expandAll expands every argument in turn.
func expandAll(args []string, opts *Options, to sources) error {
	ex := compileExclude(opts.Exclude)
	named := Named
	if opts.NamedAsFound {
		named = Discovered
	}
	for _, a := range args {
		if to.stopped() {
			break
		}
		if err := expand(a, named, ex, to); err != nil {
			return err
		}
	}
	return nil
}

// expand turns one argument into sources and hands them over as they are
// found (a large tree is not listed before its first file is read). Files
// named are of kind named.
func expand(arg string, named Kind, exclude []gitignore.Pattern, to sources) error {
	if arg == "-" {
		return to.source(Source{Name: "-", Kind: Stdin}, nil)
	}
	st, err := os.Stat(arg)
	if err != nil {
		if strings.ContainsAny(arg, "*?[") {
			// A pattern the shell did not expand (Windows, or quoted).
			matches, gerr := filepath.Glob(arg)
			if gerr == nil && len(matches) > 0 {
				sort.Strings(matches)
				for _, m := range matches {
					if to.stopped() {
						return nil
					}
					if err := expand(m, named, exclude, to); err != nil {
						return err
					}
				}
				return nil
			}
			return to.source(Source{Name: arg, Path: arg, Err: fmt.Errorf("no file matches %q", arg)}, nil)
		}
		return to.source(Source{Name: arg, Path: arg, Err: describeOpenError(err)}, nil)
	}
	if !st.IsDir() {
		if matches(exclude, split(arg), false) {
			return nil
		}
		// Named: read whatever it is, a pipe too (wamo validate <(curl …)).
		return to.source(Source{Name: arg, Path: arg, Kind: named, wait: !st.Mode().IsRegular()}, nil)
	}
	w := walker{d: &dirWalk{root: arg}, exclude: exclude, to: to}
	if err := w.walk(); err != nil {
		return err
	}
	return to.dirDone(w.d)
}

// walker walks one directory named on the command line, reading the
// payload files it finds in lexical order. It does not enter hidden
// directories (.git…), node_modules or vendor, nor what .gitignore files
// ignore — those of the directories it walks and those above it up to the
// top of the work tree —, nor what --exclude matches.
type walker struct {
	d       *dirWalk
	exclude []gitignore.Pattern
	to      sources

	top []string // the root's path from the top of its work tree
}

func (w *walker) walk() error {
	ignore := w.ancestorPatterns()
	return w.dir(w.d.root, nil, ignore)
}

// dir walks the directory at path (rel: its elements below the root);
// ignore holds the .gitignore patterns in force above it.
func (w *walker) dir(path string, rel []string, ignore []gitignore.Pattern) error {
	entries, err := os.ReadDir(path)
	if err != nil && len(entries) == 0 {
		return w.to.source(Source{Name: path, Path: path, Err: describeOpenError(err)}, w.d)
	}
	full := append(append([]string(nil), w.top...), rel...)
	ignore = append(ignore[:len(ignore):len(ignore)], readGitignore(filepath.Join(path, ".gitignore"), full)...)
	for _, e := range entries {
		if w.to.stopped() {
			return nil
		}
		name := e.Name()
		p := filepath.Join(path, name)
		erel := append(rel[:len(rel):len(rel)], name)
		efull := append(full[:len(full):len(full)], name)
		if e.IsDir() {
			if neverWalked(name) ||
				matches(ignore, efull, true) || matches(w.exclude, erel, true) {
				continue
			}
			if err := w.dir(p, erel, ignore); err != nil {
				return err
			}
			continue
		}
		if !hasPayloadExt(name) || matches(ignore, efull, false) || matches(w.exclude, erel, false) {
			continue
		}
		w.d.candidates++
		src := Source{Name: p, Path: p, Kind: Discovered}
		if why := irregular(p, e.Type()); why != "" {
			src.skip = why
		}
		if err := w.to.source(src, w.d); err != nil {
			return err
		}
	}
	return nil
}

// irregular says why a file found in a directory is not read: only regular
// files are (a named pipe would block the walk until someone writes to it).
// A symbolic link is followed to what it names.
func irregular(path string, t fs.FileMode) string {
	if t.IsRegular() {
		return ""
	}
	if t&fs.ModeSymlink != 0 {
		st, err := os.Stat(path)
		if err != nil {
			return "a broken symbolic link"
		}
		t = st.Mode().Type()
		if t.IsRegular() {
			return ""
		}
	}
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "not a regular file (a named pipe)"
	case t&fs.ModeSocket != 0:
		return "not a regular file (a socket)"
	case t&fs.ModeDevice != 0:
		return "not a regular file (a device)"
	case t.IsDir():
		return "a link to a directory (not followed)"
	}
	return "not a regular file"
}

// ancestorPatterns finds the top of the work tree the root is in (the
// nearest directory above it holding .git) and returns the patterns of the
// .gitignore files from there down to the root's parent, and of
// .git/info/exclude. A root that these patterns ignore was named on purpose:
// then they are dropped, and only the .gitignore files inside it count.
func (w *walker) ancestorPatterns() []gitignore.Pattern {
	abs, err := filepath.Abs(w.d.root)
	if err != nil {
		return nil
	}
	var up []string // directory names from abs up to the top
	top := abs
	for {
		if _, err := os.Lstat(filepath.Join(top, ".git")); err == nil {
			break
		}
		parent := filepath.Dir(top)
		if parent == top {
			return nil // not in a work tree
		}
		up = append(up, filepath.Base(top))
		top = parent
	}
	var rel []string
	for i := len(up) - 1; i >= 0; i-- {
		rel = append(rel, up[i])
	}
	ps := readGitignore(filepath.Join(top, ".git", "info", "exclude"), nil)
	dir := top
	for i := range rel {
		ps = append(ps, readGitignore(filepath.Join(dir, ".gitignore"), rel[:i])...)
		if matches(ps, rel[:i+1], true) {
			return nil
		}
		dir = filepath.Join(dir, rel[i])
	}
	w.top = rel
	return ps
}

// readGitignore reads the patterns of one ignore file whose directory is
// domain (its path from the top of the work tree); a missing file has none.
func readGitignore(path string, domain []string) []gitignore.Pattern {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}
