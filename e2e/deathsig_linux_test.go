package e2e

import (
	"os/exec"
	"syscall"
)

// stopWithTest makes the kernel send cmd SIGTERM when the test binary dies,
// so that a test binary killed by go test's timeout leaves no server (and,
// through it, no kernel) running.
func stopWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
