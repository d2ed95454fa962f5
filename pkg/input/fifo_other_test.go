//go:build !unix

package input_test

// mkfifo makes a named pipe; ok is false where there are none.
func mkfifo(string) (ok bool, err error) { return false, nil }
