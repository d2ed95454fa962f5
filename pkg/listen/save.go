package listen

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// saver writes bodies into a directory, one file per webhook, atomically
// and without ever overwriting a file.
//
// Names are made of the arrival time (UTC, millisecond) and the request's
// sequence number, 20261122T101500.123Z-000042.json, so that they sort in
// arrival order, say which request they hold, and never come from the
// payload. A body is written to a temporary file in the same directory
// (.wamo-*.tmp, which commands reading the directory skip) and then
// hard-linked to its name: link(2) fails rather than replacing an existing
// file, so that another wamo saving to the same directory, or a run started
// in the same millisecond, cannot overwrite it — on a clash the name gets a
// -2, -3… suffix. The file appears whole or not at all. On file systems
// without hard links the temporary file is renamed when the name is free.
//
// Files are not fsync'ed: the rename protects against wamo dying mid-write
// (the threat of a development tool), not against the machine losing
// power, and syncing would cost milliseconds per webhook.
type saver struct {
	dir string
}

func newSaver(dir string) (*saver, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, &SaveDirError{Dir: dir, Err: err}
	}
	// Fail now, not on the first webhook, when the directory is not writable.
	f, err := os.CreateTemp(dir, ".wamo-*.tmp")
	if err != nil {
		return nil, &SaveDirError{Dir: dir, Err: err}
	}
	f.Close()
	os.Remove(f.Name())
	return &saver{dir: dir}, nil
}

// fileTimeLayout is the time part of saved file names.
const fileTimeLayout = "20060102T150405.000Z"

// FileName is the name a body received at t as request seq is saved under
// (before any clash suffix).
func FileName(t time.Time, seq uint64) string {
	return t.UTC().Format(fileTimeLayout) + "-" + fmt.Sprintf("%06d", seq) + ".json"
}

// save writes body and returns the path of its file.
func (s *saver) save(body []byte, t time.Time, seq uint64) (string, error) {
	f, err := os.CreateTemp(s.dir, ".wamo-*.tmp")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	_, err = f.Write(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	name := FileName(t, seq)
	base := name[:len(name)-len(".json")]
	for i := 1; i <= 1000; i++ {
		if i > 1 {
			name = base + "-" + strconv.Itoa(i) + ".json"
		}
		final := filepath.Join(s.dir, name)
		err = os.Link(tmp, final)
		if err == nil {
			os.Remove(tmp)
			return final, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// No hard links here: rename onto a name that is free.
		_, serr := os.Lstat(final)
		if serr == nil {
			continue
		}
		if errors.Is(serr, fs.ErrNotExist) {
			if err = os.Rename(tmp, final); err == nil {
				return final, nil
			}
		}
		break
	}
	os.Remove(tmp)
	if err == nil {
		err = errors.New("no free file name")
	}
	return "", err
}
