//go:build race

package root_test

// raceEnabled: the race detector slows the commands down many times, so
// the tests that read large inputs make them smaller.
const raceEnabled = true
