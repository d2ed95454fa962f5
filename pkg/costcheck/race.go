//go:build race

package costcheck

// The race detector slows code down five to twenty times: budgets grow
// and amplified inputs shrink by these factors, so that -race runs stay
// short and never near their budget (the runs without -race keep the
// tight check).
const (
	raceSlowdown = 20
	raceShrink   = 8
)
