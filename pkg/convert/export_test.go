package convert

// NoFastPath makes c find losses by converting back, always.
func NoFastPath(c *Converter) { c.noFast = true }

// RepeatsNames reports whether a JSON document has an object that repeats
// a member name.
func RepeatsNames(data []byte) bool {
	var t tape
	return t.parse(string(data)) && t.dups > 0
}
