package convert

import "github.com/wamo-dev/wamo/pkg/jsontree"

// RepeatsNames reports whether a JSON document has an object that repeats
// a member name.
func RepeatsNames(data []byte) bool {
	var t jsontree.Tape
	return t.Parse(string(data)) && t.Duplicates() > 0
}
