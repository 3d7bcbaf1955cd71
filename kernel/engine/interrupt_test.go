package engine

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"
)

// interruptRunning runs code, interrupts it once it runs, and returns the error
// and how long the cell took to stop after the interrupt.
func (h *harness) interruptRunning(code string) (*Error, time.Duration) {
	h.t.Helper()
	running := h.nextCellRunning()
	done := make(chan error, 1)
	go func() {
		_, err := h.e.Execute(context.Background(), code)
		done <- err
	}()
	select {
	case <-running:
	case err := <-done:
		h.t.Fatalf("cell ended before it was interrupted: %v\n%s", err, code)
	}
	start := time.Now()
	h.e.Interrupt()
	select {
	case err := <-done:
		stopped := time.Since(start)
		var e *Error
		if !errors.As(err, &e) {
			h.t.Fatalf("cell ended with %v, want an *Error", err)
		}
		return e, stopped
	case <-time.After(5 * time.Second):
		h.t.Fatalf("cell did not stop within 5 s of the interrupt:\n%s", code)
	}
	return nil, 0
}

// checkInterrupted asserts a cooperative interrupt: Kind Interrupted, state kept.
func (h *harness) checkInterrupted(e *Error, stopped time.Duration) {
	h.t.Helper()
	if e.Kind != "Interrupted" || e.Message != "interrupted" || e.StateLost {
		h.t.Errorf("got %+v, want a cooperative interrupt", e)
	}
	h.t.Logf("stopped %v after the interrupt", stopped)
}

// defineState defines a variable, a func and a func literal that must survive.
func (h *harness) defineState() {
	h.run("kept := 41\nfunc inc(x int) int { return x + 1 }\nlit := func(x int) int { return x * 2 }")
}

func (h *harness) checkState() {
	h.t.Helper()
	h.expect("inc(kept)", "42")
	h.expect("lit(kept)", "82")
	h.expect("f := func() int { return inc(1) }\nf()", "2")
}

func TestInterruptInterpretedLoop(t *testing.T) {
	h := newHarness(t)
	h.defineState()
	e, stopped := h.interruptRunning("n := 0\nfor {\n\tn++\n}")
	h.checkInterrupted(e, stopped)
	h.checkState()
	// A loop inside a function called from the cell.
	h.run("func spin() { for i := 0; ; i++ { _ = i } }")
	e, stopped = h.interruptRunning("spin()")
	h.checkInterrupted(e, stopped)
	if e.Line != 1 {
		t.Errorf("interrupt at line %d", e.Line)
	}
	h.checkState()
}

func TestInterruptSleep(t *testing.T) {
	h := newHarness(t)
	h.defineState()
	e, stopped := h.interruptRunning("import \"time\"\ntime.Sleep(time.Hour)")
	h.checkInterrupted(e, stopped)
	h.checkState()
	// The next cell is not interrupted by the earlier request.
	h.run("time.Sleep(time.Millisecond)")
}

func TestInterruptChannelOperations(t *testing.T) {
	h := newHarness(t)
	h.defineState()
	h.run("ch := make(chan int)\nvar got int\nvar ok bool")
	for _, code := range []string{
		"<-ch",           // receive statement
		"got = <-ch",     // receive assignment
		"got, ok = <-ch", // comma-ok receive assignment
		"v, ok2 := <-ch", // comma-ok receive definition
		"ch <- 1",        // send
		"select {\ncase v := <-ch:\n\tgot = v\n}",     // select without default
		"func wait() int { return <-ch + 1 }\nwait()", // receive inside a function, as a cell result
		"func wait2() { <-ch }\nwait2()",
	} {
		e, stopped := h.interruptRunning(code)
		if e.Kind != "Interrupted" || e.StateLost {
			// Some forms may need the context cancel: report which.
			t.Errorf("%q: got %+v", code, e)
			continue
		}
		h.checkInterrupted(e, stopped)
		h.checkState()
	}
}

func TestCancelContextLosesStateVisibly(t *testing.T) {
	h := newHarness(t)
	h.run("import \"sync\"\nvar wg sync.WaitGroup\nwg.Add(1)")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	running := h.nextCellRunning()
	go func() {
		_, err := h.e.Execute(ctx, "wg.Wait()")
		done <- err
	}()
	<-running
	h.e.Interrupt()
	select {
	case <-done:
		t.Fatal("wg.Wait() stopped on a cooperative interrupt; this test expects it not to")
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("cancelling the context did not end the cell")
	}
	var e *Error
	if !errors.As(err, &e) || e.Kind != "Interrupted" || !e.StateLost {
		t.Fatalf("got %v, want Interrupted with StateLost", err)
	}
	// The interpreter may still run the cancelled cell: the engine refuses more.
	e = h.fail("1 + 2")
	if !e.StateLost || !strings.Contains(e.Message, "restart the kernel") {
		t.Errorf("cell after a cancel: %+v", e)
	}
}

func TestInterruptedFlag(t *testing.T) {
	h := newHarness(t)
	if h.e.Interrupted() {
		t.Fatal("Interrupted before any interrupt")
	}
	h.e.Interrupt()
	if !h.e.Interrupted() {
		t.Fatal("Interrupted false after Interrupt")
	}
	h.run("x := 1")
	if h.e.Interrupted() {
		t.Fatal("the interrupt flag survived into the next cell")
	}
}

func TestRangeOverChannel(t *testing.T) {
	h := newHarness(t)
	h.run("ch := make(chan int, 3)\nch <- 1\nch <- 2\nch <- 3\nclose(ch)\nsum := 0\nfor v := range ch { sum += v }")
	h.expect("sum", "6")
	h.run("ch2 := make(chan string)")
	e, stopped := h.interruptRunning("for s := range ch2 { println(s) }")
	h.checkInterrupted(e, stopped)
	h.run("func drain(c chan int) int { n := 0; for range c { n++ }; return n }\nc3 := make(chan int, 2)\nc3 <- 1\nc3 <- 1\nclose(c3)")
	h.expect("drain(c3)", "2")
}

func TestInterruptStopsCellAfterCompiledCodeReturns(t *testing.T) {
	h := newHarness(t)
	// A compiled function that stops early when interrupted and returns
	// normally, as ml.Fit does through its Progress.
	hook := map[string]reflect.Value{"Wait": reflect.ValueOf(func() {
		for !h.e.Interrupted() {
			time.Sleep(time.Millisecond)
		}
	})}
	h.e.exports["testhook/testhook"] = hook
	if err := h.e.interp.Use(interp.Exports{"testhook/testhook": hook}); err != nil {
		t.Fatal(err)
	}
	h.run("import \"testhook\"\nafter := 0")
	for _, code := range []string{"testhook.Wait()\nafter = 1", "testhook.Wait()"} {
		running := h.nextCellRunning()
		go func() {
			<-running
			h.e.Interrupt()
		}()
		_, err := h.e.Execute(context.Background(), code)
		var e *Error
		if !errors.As(err, &e) || e.Kind != "Interrupted" || e.StateLost {
			t.Fatalf("%q: got %v", code, err)
		}
	}
	h.expect("after", "0")
}

func TestCancelledContextBeforeStartKeepsState(t *testing.T) {
	h := newHarness(t)
	h.defineState()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.e.Execute(ctx, "kept = 0")
	var e *Error
	if !errors.As(err, &e) || e.Kind != "Interrupted" || e.StateLost {
		t.Fatalf("got %v", err)
	}
	h.checkState()
}
