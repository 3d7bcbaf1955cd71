// Package kerneltest lets tests run real kernel processes without building the
// gopad binary: the test binary re-executes itself as a kernel.
//
// In the package's test file:
//
//	func TestMain(m *testing.M) { kerneltest.Main(m) }
//
// and start kernels with client.Start(ctx, kerneltest.Options()).
package kerneltest

import (
	"fmt"
	"os"
	"testing"

	"gopad.dev/gopad/kernel"
	"gopad.dev/gopad/kernel/client"
)

// roleEnv tells a re-executed test binary to act as a kernel.
const roleEnv = "GOPAD_KERNELTEST_ROLE"

// Main runs the kernel when this process was started by Options, and the tests
// otherwise. It does not return.
func Main(m *testing.M) {
	RunIfKernel()
	os.Exit(m.Run())
}

// RunIfKernel runs the kernel and exits when this process was started by Options;
// otherwise it returns at once. TestMain functions with roles of their own call it
// first.
func RunIfKernel() {
	if os.Getenv(roleEnv) != "kernel" {
		return
	}
	if err := kernel.Main(); err != nil {
		fmt.Fprintln(os.Stderr, "gopad kernel:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Options returns client options that start the running test binary as a kernel.
// The test binary's TestMain must call Main.
func Options() client.Options {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return client.Options{
		Command: exe,
		Args:    []string{"-test.run=^$"},
		Env:     append(os.Environ(), roleEnv+"=kernel"),
	}
}
