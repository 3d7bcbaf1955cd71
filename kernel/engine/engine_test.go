package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"sync"
	"testing"
)

// syncBuffer is a goroutine-safe output buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

type harness struct {
	t        *testing.T
	e        *Engine
	out, err *syncBuffer

	// running is closed when cell runningCell reports its first statement
	// through Options.Track: the cell is past its reset, so an interrupt sent
	// now is the cell's own and cannot be lost.
	trackMu     sync.Mutex
	runningCell int
	running     chan struct{}
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, out: &syncBuffer{}, err: &syncBuffer{}}
	e, err := New(withDisplay(Options{Stdout: h.out, Stderr: h.err, Track: h.track}))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.e = e
	return h
}

func (h *harness) track(p Position) {
	h.trackMu.Lock()
	defer h.trackMu.Unlock()
	if h.running != nil && p.Cell == h.runningCell && p.Line >= 1 {
		close(h.running)
		h.running = nil
	}
}

// nextCellRunning returns a channel closed once the next cell runs its first
// statement. Call it before starting the cell.
func (h *harness) nextCellRunning() <-chan struct{} {
	h.trackMu.Lock()
	defer h.trackMu.Unlock()
	h.runningCell = h.e.seq + 1 // cells run one at a time: no cell runs now
	h.running = make(chan struct{})
	return h.running
}

// run executes a cell that must succeed and returns its result.
func (h *harness) run(code string) Result {
	h.t.Helper()
	res, err := h.e.Execute(context.Background(), code)
	if err != nil {
		h.t.Fatalf("cell failed:\n%s\nerror: %v\ntraceback: %q", code, err, tracebackOf(err))
	}
	return res
}

// value executes a cell and returns its result printed with %v.
func (h *harness) value(code string) string {
	h.t.Helper()
	res := h.run(code)
	if !res.HasValue {
		h.t.Fatalf("cell has no value:\n%s", code)
	}
	if !res.Value.IsValid() {
		return "<nil>"
	}
	return fmt.Sprint(res.Value.Interface())
}

// expect checks that a cell evaluates to want.
func (h *harness) expect(code, want string) {
	h.t.Helper()
	if got := h.value(code); got != want {
		h.t.Errorf("cell:\n%s\ngot %q, want %q", code, got, want)
	}
}

// fail executes a cell that must fail and returns its error.
func (h *harness) fail(code string) *Error {
	h.t.Helper()
	_, err := h.e.Execute(context.Background(), code)
	if err == nil {
		h.t.Fatalf("cell succeeded, want an error:\n%s", code)
	}
	var e *Error
	if !errors.As(err, &e) {
		h.t.Fatalf("error %T is not *Error: %v", err, err)
	}
	return e
}

func tracebackOf(err error) []string {
	var e *Error
	if errors.As(err, &e) {
		return e.Traceback
	}
	return nil
}

func TestStateAcrossCells(t *testing.T) {
	h := newHarness(t)
	h.run("x := 1")
	h.expect("x + 1", "2")
	h.expect("x", "1")
}

func TestMixedCell(t *testing.T) {
	h := newHarness(t)
	h.expect(`
import "fmt"
n := 20
fmt.Println(double(n))
func double(v int) int { return v * 2 }
type pair struct{ a, b int }
var p = pair{n, double(n)}
p.b - p.a`, "20")
	if got := h.out.String(); got != "40\n" {
		t.Errorf("stdout = %q, want %q", got, "40\n")
	}
}

func TestNoValueForStatementsAndVoidCalls(t *testing.T) {
	h := newHarness(t)
	for _, code := range []string{
		"x := 5",
		"import \"fmt\"\nfmt.Println(\"hi\")",
		"func f() {}\nf()",
		"var y = 3",
		"for i := 0; i < 2; i++ {}",
		"m := map[string]int{}\ndelete(m, \"a\")",
	} {
		if res := h.run(code); res.HasValue {
			t.Errorf("cell %q has a value %v, want none", code, res.Value)
		}
	}
	h.expect("func g() int { return 7 }\ng()", "7")
	h.expect("import \"strings\"\nstrings.ToUpper(\"ab\")", "AB")
	h.expect("func() int { return 9 }()", "9")
}
