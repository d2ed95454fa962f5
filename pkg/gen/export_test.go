package gen

// Defaults reports how many values the format's writer had to invent
// (documented defaults such as the phone number 00000000000) since the
// generator was made: generated payloads hold none.
func Defaults(g *Generator) int { return g.defaults }
