//go:build !race

package costcheck

const (
	raceSlowdown = 1
	raceShrink   = 1
)
