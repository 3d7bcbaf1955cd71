//go:build !linux

package e2e

import "os/exec"

// stopWithTest has no parent-death signal to use outside Linux.
func stopWithTest(cmd *exec.Cmd) {}
