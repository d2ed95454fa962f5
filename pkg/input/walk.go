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

// readFunc reads one source; it reports whether the source counted (it
// delivered a payload or failed, as opposed to being skipped).
type readFunc func(Source) (counted bool, err error)

// expand turns one argument into sources and reads them as they are found
// (a large tree is not listed before its first file is read). Files named
// are of kind named.
func expand(arg string, named Kind, exclude []gitignore.Pattern, read readFunc, stopped func() bool) error {
	if arg == "-" {
		_, err := read(Source{Name: "-", Kind: Stdin})
		return err
	}
	st, err := os.Stat(arg)
	if err != nil {
		if strings.ContainsAny(arg, "*?[") {
			// A pattern the shell did not expand (Windows, or quoted).
			matches, gerr := filepath.Glob(arg)
			if gerr == nil && len(matches) > 0 {
				sort.Strings(matches)
				for _, m := range matches {
					if stopped() {
						return nil
					}
					if err := expand(m, named, exclude, read, stopped); err != nil {
						return err
					}
				}
				return nil
			}
			_, err := read(Source{Name: arg, Path: arg, Err: fmt.Errorf("no file matches %q", arg)})
			return err
		}
		_, err = read(Source{Name: arg, Path: arg, Err: describeOpenError(err)})
		return err
	}
	if !st.IsDir() {
		if matches(exclude, split(arg), false) {
			return nil
		}
		// Named: read whatever it is, a pipe too (wamo validate <(curl …)).
		_, err := read(Source{Name: arg, Path: arg, Kind: named})
		return err
	}
	w := walker{root: arg, exclude: exclude, read: read, stopped: stopped}
	if err := w.walk(); err != nil {
		return err
	}
	if w.counted == 0 && !stopped() {
		why := "directory holds no .json, .ndjson or .jsonl file"
		if w.candidates > 0 {
			why = "directory holds no webhook payload (" + english.Plural(w.candidates, "file", "") + " skipped)"
		}
		_, err := read(Source{Name: arg, Path: arg, Err: errors.New(why)})
		return err
	}
	return nil
}

// walker walks one directory named on the command line, reading the
// payload files it finds in lexical order. It does not enter hidden
// directories (.git…), node_modules or vendor, nor what .gitignore files
// ignore — those of the directories it walks and those above it up to the
// top of the work tree —, nor what --exclude matches.
type walker struct {
	root    string
	exclude []gitignore.Pattern
	read    readFunc
	stopped func() bool

	top        []string // the root's path from the top of its work tree
	candidates int      // files with a payload extension seen
	counted    int      // sources that delivered a payload or failed
}

func (w *walker) walk() error {
	ignore := w.ancestorPatterns()
	return w.dir(w.root, nil, ignore)
}

// dir walks the directory at path (rel: its elements below the root);
// ignore holds the .gitignore patterns in force above it.
func (w *walker) dir(path string, rel []string, ignore []gitignore.Pattern) error {
	entries, err := os.ReadDir(path)
	if err != nil && len(entries) == 0 {
		_, rerr := w.report(Source{Name: path, Path: path, Err: describeOpenError(err)})
		return rerr
	}
	full := append(append([]string(nil), w.top...), rel...)
	ignore = append(ignore[:len(ignore):len(ignore)], readGitignore(filepath.Join(path, ".gitignore"), full)...)
	for _, e := range entries {
		if w.stopped() {
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
		w.candidates++
		src := Source{Name: p, Path: p, Kind: Discovered}
		if why := irregular(p, e.Type()); why != "" {
			src.skip = why
		}
		if _, err := w.report(src); err != nil {
			return err
		}
	}
	return nil
}

// report reads a source found by the walk and counts it.
func (w *walker) report(src Source) (bool, error) {
	counted, err := w.read(src)
	if counted {
		w.counted++
	}
	return counted, err
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
	abs, err := filepath.Abs(w.root)
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
