package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/runner"
)

// gateWriter collects output and closes reached as soon as a marker has been
// written, so that a cell waiting for it can only go on if its earlier output
// reached the writer while it was still running.
type gateWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	marker  string
	reached chan struct{}
	closed  bool
}

func (w *gateWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.closed && strings.Contains(w.buf.String(), w.marker) {
		w.closed = true
		close(w.reached)
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
// The cell prints a line, then asks the test over HTTP (the kernel is another
// process) whether that line has reached the terminal; the test answers once it
// has, or "false" after 30 s.
func TestRunStreamsOutputWhileTheCellRuns(t *testing.T) {
	out := &gateWriter{marker: "before the gate\n", reached: make(chan struct{})}
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-out.reached:
			_, _ = io.WriteString(w, "true")
		case <-time.After(30 * time.Second):
			_, _ = io.WriteString(w, "false")
		case <-r.Context().Done():
		}
	}))
	defer gate.Close()
	path, _ := writeNotebook(t,
		`import ("fmt"; "io"; "net/http")`,
		fmt.Sprintf(`fmt.Println("before the gate")
answer := "no answer"
if resp, err := http.Get(%q); err == nil {
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	answer = string(b)
}
fmt.Println("gate open:", answer)`, gate.URL),
	)
	var errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := runner.Run(ctx, runner.Options{Notebook: path, Stdout: out, Stderr: &errOut, Kernel: kerneltest.Options()})
	if err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, errOut.String())
	}
	if got := out.String(); !strings.Contains(got, "before the gate\ngate open: true\n") {
		t.Errorf("stdout = %q; the first line did not reach the terminal while the cell was running", got)
	}
}
