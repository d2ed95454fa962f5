//go:build !unix

package input

import "os"

// openFile opens a file for reading (see open_unix.go).
func openFile(path string) (*os.File, error) { return os.Open(path) }
