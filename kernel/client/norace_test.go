//go:build !race

package client_test

// raceEnabled reports whether the tests run under the race detector, which
// makes interpreted code several times slower.
const raceEnabled = false
