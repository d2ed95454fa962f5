//go:build race

package listen

// raceEnabled: the race detector slows every goroutine several-fold.
const raceEnabled = true
