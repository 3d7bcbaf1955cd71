package server

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopad.dev/gopad/server/browserproto"
)

// TestRootDefaultsToWorkingDirectory checks issue 3 item 1: without a root the
// server serves the working directory.
func TestRootDefaultsToWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	s, err := New(Config{Token: "audit-token"})
	if err != nil {
		t.Fatalf("New without a root: %v", err)
	}
	defer s.Close()
	want, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Root() != want {
		t.Errorf("Root() = %q, want the working directory %q", s.Root(), want)
	}
}

// TestClosedNotebookStopsItsKernelProcess checks issue 3 item 6's "one kernel per
// open notebook, shut down on close or after an idle timeout" on a real kernel:
// once the last tab is gone and the idle timeout has passed, the kernel process
// itself has exited, not only the session.
func TestClosedNotebookStopsItsKernelProcess(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.IdleTimeout = 300 * time.Millisecond })
	p := e.writeNotebook("pid.gonb", "import (\"fmt\"; \"os\")\nfmt.Println(os.Getpid())")
	c := e.dial(p)
	c.waitFor("kernel idle", 60*time.Second, isKernel(browserproto.KernelIdle))
	c.runCell("cell0", 60*time.Second)
	out := strings.TrimSpace(streamText(cellOf(t, e.settledSnapshot(p, 20*time.Second), "cell0"), "stdout"))
	pid, err := strconv.Atoi(out)
	if err != nil || pid <= 0 {
		t.Fatalf("kernel printed %q, want its pid", out)
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("kernel %d not running while its notebook is open: %v", pid, err)
	}
	exited, closed := e.kernelExited(p), e.sessionClosed(p)
	c.ws.Close()
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		t.Fatalf("kernel process %d still alive 15 s after its notebook's last tab closed", pid)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("kernel process %d exists after its exit was reported: kill(0) = %v", pid, err)
	}
	select {
	case <-closed:
	case <-time.After(15 * time.Second):
		t.Fatal("session still open 15 s after its kernel stopped")
	}
	if e.srv.lookupSession(p) != nil {
		t.Error("the closed session is still registered")
	}
}
