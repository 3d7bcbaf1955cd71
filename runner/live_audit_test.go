package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/runner"
)

// gateWriter collects output and creates a gate file as soon as a marker has
// been written, so that a cell waiting for the gate can only finish if its
// earlier output reached the writer while it was still running.
type gateWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker string
	gate   string
	opened bool
	err    error
}

func (w *gateWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.opened && strings.Contains(w.buf.String(), w.marker) {
		w.opened = true
		w.err = os.WriteFile(w.gate, []byte("open"), 0o644)
	}
	return len(p), nil
}

func (w *gateWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestRunStreamsOutputWhileTheCellRuns checks issue 2 item 10: `gopad run`
// streams cell output to the terminal as it comes, not when the cell ends.
func TestRunStreamsOutputWhileTheCellRuns(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "gate")
	path, _ := writeNotebook(t,
		`import ("fmt"; "os"; "time")`,
		fmt.Sprintf(`fmt.Println("before the gate")
opened := false
for i := 0; i < 200 && !opened; i++ {
	_, err := os.Stat(%q)
	opened = err == nil
	time.Sleep(50 * time.Millisecond)
}
fmt.Println("gate open:", opened)`, gate),
	)
	out := &gateWriter{marker: "before the gate\n", gate: gate}
	var errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := runner.Run(ctx, runner.Options{Notebook: path, Stdout: out, Stderr: &errOut, Kernel: kerneltest.Options()})
	if err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, errOut.String())
	}
	if out.err != nil {
		t.Fatalf("open the gate: %v", out.err)
	}
	if got := out.String(); !strings.Contains(got, "before the gate\ngate open: true\n") {
		t.Errorf("stdout = %q; the first line did not reach the terminal while the cell was running", got)
	}
}
