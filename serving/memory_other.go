//go:build !linux

package serving

import "runtime/debug"

// releaseStartupMemory returns the heap's start-up garbage; elsewhere than
// Linux the executable's pages are left to the system.
func releaseStartupMemory(bool) (int64, error) {
	debug.FreeOSMemory()
	return 0, nil
}
