//go:build !unix

package input

import "os"

// sourceFile is a file opened for reading (see open_unix.go).
type sourceFile struct{ *os.File }

// openFile opens a file for reading.
func openFile(path string) (*sourceFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &sourceFile{f}, nil
}

// stat returns the file's size and whether it is a regular file or a
// directory.
func (f *sourceFile) stat() (size int64, regular, dir bool, err error) {
	st, err := f.Stat()
	if err != nil {
		return 0, false, false, err
	}
	return st.Size(), st.Mode().IsRegular(), st.IsDir(), nil
}

// endAt is a no-op here: reading ends at the end of the file.
func (f *sourceFile) endAt(int64) {}
