package client_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/kernel/protocol"
)

func TestMain(m *testing.M) { kerneltest.Main(m) }

// start starts a kernel for one test and shuts it down at the end.
func start(t testing.TB, adjust ...func(*client.Options)) *client.Kernel {
	t.Helper()
	opts := kerneltest.Options()
	for _, f := range adjust {
		f(&opts)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	k, err := client.Start(ctx, opts)
	if err != nil {
		t.Fatalf("start kernel: %v", err)
	}
	t.Cleanup(func() { k.Shutdown(context.Background()) })
	return k
}

// timedMessage is a message and when the client handed it over.
type timedMessage struct {
	protocol.Message
	at time.Time
}

// cellRun is everything one Execute produced.
type cellRun struct {
	reply    protocol.ExecuteReplyContent
	err      error
	messages []timedMessage
	started  time.Time
	ended    time.Time
}

func (r *cellRun) stream(name string) string {
	var b strings.Builder
	for _, m := range r.messages {
		if m.Type != protocol.Stream {
			continue
		}
		var s protocol.StreamContent
		if err := m.Decode(&s); err == nil && s.Name == name {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// results returns the text/plain of every execute_result.
func (r *cellRun) results() []string {
	var out []string
	for _, m := range r.messages {
		if m.Type != protocol.ExecuteResult {
			continue
		}
		var c protocol.ExecuteResultContent
		if err := m.Decode(&c); err == nil {
			s, _ := c.Data["text/plain"].(string)
			out = append(out, s)
		}
	}
	return out
}

func (r *cellRun) types() []string {
	var out []string
	for _, m := range r.messages {
		out = append(out, m.Type)
	}
	return out
}

func execute(t testing.TB, k *client.Kernel, code string) *cellRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := &cellRun{started: time.Now()}
	r.reply, r.err = k.Execute(ctx, code, func(m protocol.Message) {
		r.messages = append(r.messages, timedMessage{m, time.Now()})
	})
	r.ended = time.Now()
	return r
}

// mustRun executes code and fails the test unless the cell succeeded.
func mustRun(t testing.TB, k *client.Kernel, code string) *cellRun {
	t.Helper()
	r := execute(t, k, code)
	if r.err != nil {
		t.Fatalf("cell %q: %v", code, r.err)
	}
	if r.reply.Status != protocol.ReplyOK {
		t.Fatalf("cell %q failed: %s: %s\nstderr: %s", code, r.reply.EName, r.reply.EValue, r.stream("stderr"))
	}
	return r
}

func TestStateAcrossCellsAndResult(t *testing.T) {
	k := start(t)
	if info := k.Info(); info.Implementation != "gopad" || info.LanguageInfo.Name != "go" {
		t.Errorf("kernel info = %+v, want gopad / go", info)
	}
	first := mustRun(t, k, "x := 41")
	if got := first.results(); len(got) != 0 {
		t.Errorf("declaration produced results %q", got)
	}
	r := mustRun(t, k, "x + 1")
	if got := r.results(); len(got) != 1 || got[0] != "42" {
		t.Fatalf("x + 1 results = %q, want [\"42\"]", got)
	}
	if r.reply.ExecutionCount != first.reply.ExecutionCount+1 {
		t.Errorf("execution counts %d then %d, want consecutive", first.reply.ExecutionCount, r.reply.ExecutionCount)
	}
	// Jupyter's order: busy, outputs, result, reply, idle.
	want := []string{protocol.Status, protocol.ExecuteResult, protocol.ExecuteReply, protocol.Status}
	if got := r.types(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("message order = %v, want %v", got, want)
	}
	if k.State() != client.Idle {
		t.Errorf("state after cell = %s, want idle", k.State())
	}
}

func TestCellErrorKeepsState(t *testing.T) {
	k := start(t)
	mustRun(t, k, "y := 7")
	r := execute(t, k, "undefinedThing + 1")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.reply.Status != protocol.ReplyError || r.reply.EValue == "" {
		t.Fatalf("reply = %+v, want an error with a message", r.reply)
	}
	if !strings.Contains(r.reply.EValue+strings.Join(r.reply.Traceback, "\n"), "undefinedThing") {
		t.Errorf("error %q does not name the undefined identifier", r.reply.EValue)
	}
	sawError := false
	for _, m := range r.messages {
		sawError = sawError || m.Type == protocol.Error
	}
	if !sawError {
		t.Errorf("no error message among %v", r.types())
	}
	if got := mustRun(t, k, "y * 6").results(); len(got) != 1 || got[0] != "42" {
		t.Errorf("state after error: y*6 = %q, want 42", got)
	}
}

func TestOutputFromFmtOsStdoutAndLogInOrder(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import ("fmt"; "log"; "os")`)
	r := mustRun(t, k, `
fmt.Println("one")
os.Stdout.WriteString("two\n")
fmt.Fprintln(os.Stdout, "three")
os.Stderr.WriteString("err-a\n")
log.SetFlags(0)
log.Print("logged")
fmt.Println("four")
5`)
	if got, want := r.stream("stdout"), "one\ntwo\nthree\nfour\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if got, want := r.stream("stderr"), "err-a\nlogged\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	// The result comes after all the output it follows.
	lastStream, result := -1, -1
	for i, m := range r.messages {
		switch m.Type {
		case protocol.Stream:
			lastStream = i
		case protocol.ExecuteResult:
			result = i
		}
	}
	if result < lastStream {
		t.Errorf("execute_result at %d before stream output at %d: %v", result, lastStream, r.types())
	}
}

func TestManyLinesArriveInOrder(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import "fmt"`)
	r := mustRun(t, k, `for i := 0; i < 2000; i++ { fmt.Println(i) }`)
	var want strings.Builder
	for i := range 2000 {
		fmt.Fprintln(&want, i)
	}
	if got := r.stream("stdout"); got != want.String() {
		t.Errorf("stdout has %d bytes, want %d in order", len(got), want.Len())
	}
}

func TestStreamingIsLive(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import ("fmt"; "time")`)
	r := mustRun(t, k, `for i := 0; i < 3; i++ { fmt.Println("tick", i); time.Sleep(400 * time.Millisecond) }`)
	var arrivals []time.Time
	for _, m := range r.messages {
		if m.Type == protocol.Stream {
			arrivals = append(arrivals, m.at)
		}
	}
	if len(arrivals) != 3 {
		t.Fatalf("got %d stream messages (%q), want one per printed line", len(arrivals), r.stream("stdout"))
	}
	// Each line must be delivered while the cell is still sleeping after it.
	for i, at := range arrivals {
		if left := r.ended.Sub(at); left < time.Duration(2-i)*400*time.Millisecond {
			t.Errorf("line %d arrived %v before the cell ended; it was printed about %v before", i, left, time.Duration(3-i)*400*time.Millisecond)
		}
	}
}

func TestRunawayPrintIsBounded(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import ("fmt"; "strings")`)
	r := mustRun(t, k, `line := strings.Repeat("x", 999); for i := 0; i < 6000; i++ { fmt.Println(line) }`)
	out := r.stream("stdout")
	if !strings.Contains(out, "output truncated") {
		t.Fatalf("6 MB of output was not cut (got %d bytes, no truncation note)", len(out))
	}
	if len(out) > 1<<20+1024 {
		t.Errorf("got %d bytes of output, want at most the 1 MiB limit plus a note", len(out))
	}
	// The next cell has a fresh limit.
	if got := mustRun(t, k, `fmt.Println("after")`).stream("stdout"); got != "after\n" {
		t.Errorf("next cell stdout = %q, want %q", got, "after\n")
	}
}

func TestInterruptStopsLoopSleepAndChannelKeepingState(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import ("fmt"; "time")`)
	mustRun(t, k, "kept := 5\nfunc g() int { return 7 }\ndouble := func(a int) int { return a * 2 }")
	cells := map[string]string{
		"loop":                    `n := 0; for { n++ }`,
		"sleep":                   `time.Sleep(time.Hour)`,
		"channel":                 `ch := make(chan int); <-ch`,
		"receive into a variable": `ch2 := make(chan string); v := <-ch2; _ = v`,
		"select":                  `ch3 := make(chan int); select { case <-ch3: }`,
		"range":                   `ch4 := make(chan int); for x := range ch4 { _ = x }`,
	}
	for name, code := range cells {
		t.Run(name, func(t *testing.T) {
			done := runUntilStarted(t, k, code)
			asked := time.Now()
			if err := k.Interrupt(); err != nil {
				t.Fatal(err)
			}
			var r *cellRun
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("cell did not stop within 10s of the interrupt")
			}
			took := r.ended.Sub(asked)
			if r.err != nil {
				t.Fatalf("interrupted cell: %v (after %v)", r.err, took)
			}
			if r.reply.Status != protocol.ReplyError || !strings.Contains(strings.ToLower(r.reply.EName+r.reply.EValue), "interrupt") {
				t.Errorf("reply = %s: %s, want an interrupted error", r.reply.EName, r.reply.EValue)
			}
			t.Logf("stopped %v after the interrupt", took)
			// Variables, functions and closures defined before all still work.
			if got := mustRun(t, k, "double(kept) + g()").results(); len(got) != 1 || got[0] != "17" {
				t.Errorf("after interrupt, double(kept) + g() = %q, want 17", got)
			}
		})
	}
}

// startedLine is what cells given to runUntilStarted print once they reach
// the statement the test wants them in.
const startedLine = `fmt.Println("started")` + "\n"

// runUntil executes code in the background and returns once until accepted one
// of its messages (the real sign that the cell got where the test wants it);
// the channel yields the whole run when the cell ends.
func runUntil(t *testing.T, k *client.Kernel, code string, until func(protocol.Message) bool) <-chan *cellRun {
	t.Helper()
	reached := make(chan struct{})
	done := make(chan *cellRun, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var once sync.Once
		r := &cellRun{started: time.Now()}
		r.reply, r.err = k.Execute(ctx, code, func(m protocol.Message) {
			r.messages = append(r.messages, timedMessage{m, time.Now()})
			if until(m) {
				once.Do(func() { close(reached) })
			}
		})
		r.ended = time.Now()
		done <- r
	}()
	select {
	case <-reached:
		return done
	case r := <-done:
		t.Fatalf("cell %q ended before the awaited output: %+v, %v, messages %v", code, r.reply, r.err, r.types())
	case <-time.After(30 * time.Second):
		t.Fatalf("cell %q did not produce the awaited output within 30s", code)
	}
	return nil
}

// runUntilStarted runs startedLine + code and returns once "started" arrived.
func runUntilStarted(t *testing.T, k *client.Kernel, code string) <-chan *cellRun {
	t.Helper()
	return runUntil(t, k, startedLine+code, printedStarted)
}

// printedStarted accepts the output of startedLine.
func printedStarted(m protocol.Message) bool {
	var s protocol.StreamContent
	return m.Type == protocol.Stream && m.Decode(&s) == nil && strings.Contains(s.Text, "started\n")
}

func TestUnresponsiveKernelIsKilledAndRestarted(t *testing.T) {
	var (
		statesMu sync.Mutex
		states   []client.State
	)
	k := start(t, func(o *client.Options) {
		o.InterruptGrace = 500 * time.Millisecond
		o.OnState = func(s client.State, _ error) {
			statesMu.Lock()
			states = append(states, s)
			statesMu.Unlock()
		}
	})
	mustRun(t, k, `import ("fmt"; "time")`)
	mustRun(t, k, `lost := 1`)
	oldPID := k.PID()
	done := runUntilStarted(t, k, `time.Sleep(time.Hour)`)
	// A stopped process cannot honour the interrupt, like a cell stuck in a long
	// compiled call that never polls for interruption.
	if err := syscall.Kill(oldPID, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// kill returns before the process stops: until one of its threads is
	// scheduled and takes the signal, another can still read the interrupt
	// and answer it. Wait for the stop itself (WNOWAIT leaves the state for
	// the client's own wait).
	var info unix.Siginfo
	if err := unix.Waitid(unix.P_PID, oldPID, &info, unix.WSTOPPED|unix.WNOWAIT, nil); err != nil {
		t.Fatalf("waiting for the kernel to stop: %v", err)
	}
	if err := k.Interrupt(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	var died *client.DiedError
	if !errors.As(r.err, &died) || !died.Restarted {
		t.Fatalf("Execute = %+v, %v (messages %v, stdout %q, stderr %q); want a *DiedError with Restarted",
			r.reply, r.err, r.types(), r.stream("stdout"), r.stream("stderr"))
	}
	if !strings.Contains(died.Error(), "did not stop the cell within 500ms of an interrupt") || !strings.Contains(died.Error(), "state") {
		t.Errorf("error %q should say the interrupt went unanswered and state was lost", died.Error())
	}
	if k.PID() == oldPID || k.State() != client.Idle {
		t.Errorf("after escalation: pid %d (old %d), state %s; want a new idle kernel", k.PID(), oldPID, k.State())
	}
	r = execute(t, k, "lost")
	if r.err != nil || r.reply.Status != protocol.ReplyError {
		t.Errorf("variable of the killed kernel is still defined: %+v %v", r.reply, r.err)
	}
	mustRun(t, k, "1 + 1")
	statesMu.Lock()
	defer statesMu.Unlock()
	if !containsInOrder(states, client.Busy, client.Restarting, client.Idle) {
		t.Errorf("state changes %v do not include busy, restarting, idle in order", states)
	}
}

func containsInOrder(have []client.State, want ...client.State) bool {
	for _, s := range have {
		if len(want) > 0 && s == want[0] {
			want = want[1:]
		}
	}
	return len(want) == 0
}

func TestKernelDeathIsReportedAndRestartWorks(t *testing.T) {
	cases := map[string]struct {
		setup   string
		cell    string
		kill    bool   // the test sends SIGKILL while the cell runs
		reason  string // in DiedError.Reason
		output  string // in DiedError.Output
		summary string // in DiedError.Summary()
	}{
		"goroutine panic": {setup: `import "time"`, cell: `go func() { panic("boom in goroutine") }(); time.Sleep(time.Hour)`, reason: "exit status 2", output: "boom in goroutine", summary: "exit status 2 (panic: boom in goroutine"},
		"goroutine panic names its cell line": {setup: `import "time"`, cell: "x := 0\ngo func() {\n\tvar m map[int]int\n\tm[x] = 2\n}()\ntime.Sleep(time.Hour)",
			reason: "exit status 2", output: "in a goroutine started at line 2 of cell #", summary: "exit status 2 (panic: assignment to entry in nil map)"},
		"os.Exit": {setup: `import "os"`, cell: `os.Exit(3)`, reason: "exit status 3", output: "os.Exit(3)"},
		"sigkill": {setup: `import ("fmt"; "time")`, cell: `time.Sleep(time.Hour)`, kill: true, reason: "SIGKILL"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			k := start(t)
			mustRun(t, k, tc.setup)
			mustRun(t, k, `before := 1`)
			// Whoever waits on Done sees the death in State at once.
			stateAtDone := make(chan client.State, 1)
			exited := k.Done()
			go func() { <-exited; stateAtDone <- k.State() }()
			var done <-chan *cellRun
			if tc.kill {
				done = runUntilStarted(t, k, tc.cell)
				syscall.Kill(k.PID(), syscall.SIGKILL)
			} else {
				ch := make(chan *cellRun, 1)
				go func() { ch <- execute(t, k, tc.cell) }()
				done = ch
			}
			r := <-done
			var died *client.DiedError
			if !errors.As(r.err, &died) {
				t.Fatalf("Execute = %+v, %v; want a *DiedError", r.reply, r.err)
			}
			// Execute returns the death only once the state says so.
			if s := k.State(); s != client.Dead {
				t.Errorf("state %s as Execute returned the death, want dead", s)
			}
			if died.Restarted || !strings.Contains(died.Reason, tc.reason) || !strings.Contains(died.Output, tc.output) {
				t.Errorf("DiedError = {Reason %q, Restarted %v, Output %q}; want reason with %q and output with %q",
					died.Reason, died.Restarted, died.Output, tc.reason, tc.output)
			}
			if want := tc.summary; want == "" && died.Summary() != died.Reason || !strings.HasPrefix(died.Summary(), want) {
				t.Errorf("Summary() = %q; want it to start with %q (the reason plus the panic line)", died.Summary(), want)
			}
			if !strings.HasPrefix(died.Error(), "kernel died") {
				t.Errorf("error text %q does not start with \"kernel died\"", died.Error())
			}
			select {
			case s := <-stateAtDone:
				if s != client.Dead {
					t.Errorf("state %s as Done closed, want dead", s)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Done not closed after death")
			}
			if k.State() != client.Dead || k.Err() == nil {
				t.Errorf("state %s, Err %v; want dead with an error", k.State(), k.Err())
			}
			if _, err := k.Execute(context.Background(), "1", nil); !errors.As(err, &died) {
				t.Errorf("Execute on a dead kernel = %v, want *DiedError", err)
			}
			if err := k.Restart(context.Background()); err != nil {
				t.Fatal(err)
			}
			if r := execute(t, k, "before"); r.err != nil || r.reply.Status != protocol.ReplyError {
				t.Errorf("restarted kernel still knows `before`: %+v %v", r.reply, r.err)
			}
			if got := mustRun(t, k, "2 + 3").results(); len(got) != 1 || got[0] != "5" {
				t.Errorf("restarted kernel: 2 + 3 = %q", got)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import "fmt"`)
	code := "fmt.Pri"
	c, err := k.Complete(context.Background(), code, len(code))
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != protocol.ReplyOK || len(c.Matches) == 0 {
		t.Fatalf("complete = %+v, want matches", c)
	}
	for _, m := range c.Matches {
		if !strings.HasPrefix(m, "Pri") && !strings.HasPrefix(m, "fmt.Pri") {
			t.Errorf("match %q does not complete %q", m, code)
		}
	}
	if _, err := k.Complete(context.Background(), code, 99); err == nil {
		t.Error("cursor beyond the code was accepted")
	}
}

func TestStartFailsClearly(t *testing.T) {
	_, err := client.Start(context.Background(), client.Options{Command: "/nonexistent/gopad"})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/gopad") {
		t.Errorf("Start with a missing executable = %v, want an error naming it", err)
	}
	// A program that exits at once instead of speaking the protocol.
	_, err = client.Start(context.Background(), client.Options{Command: "/bin/sh", Args: []string{"-c", "echo not a kernel >&2; exit 3"}})
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "not a kernel") {
		t.Errorf("Start of a non-kernel = %v, want exit status 3 and its stderr", err)
	}
}

func TestShutdown(t *testing.T) {
	k := start(t)
	if err := k.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-k.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("process still running after Shutdown")
	}
	if s := k.State(); s != client.Dead {
		t.Errorf("state %s once Done is closed after Shutdown, want dead", s)
	}
	if _, err := k.Execute(context.Background(), "1", nil); !errors.Is(err, client.ErrShutdown) {
		t.Errorf("Execute after Shutdown = %v, want ErrShutdown", err)
	}
}

func TestDisplayAndUpdateInPlaceKeepOrderWithPrints(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import ("fmt"; "gopad/display")`)
	r := mustRun(t, k, `
fmt.Println("before")
h := display.Show(display.HTML("<b>step 0</b>"))
fmt.Println("between")
h.Update(display.HTML("<b>step 1</b>"))
fmt.Println("after")`)
	type event struct{ kind, text, id string }
	var events []event
	for _, m := range r.messages {
		switch m.Type {
		case protocol.Stream:
			var s protocol.StreamContent
			m.Decode(&s)
			events = append(events, event{"stream", s.Text, ""})
		case protocol.DisplayData, protocol.UpdateDisplayData:
			var d protocol.DisplayDataContent
			m.Decode(&d)
			html, _ := d.Data["text/html"].(string)
			events = append(events, event{m.Type, html, d.Transient.DisplayID})
		}
	}
	want := []event{
		{"stream", "before\n", ""},
		{protocol.DisplayData, "<b>step 0</b>", "*"},
		{"stream", "between\n", ""},
		{protocol.UpdateDisplayData, "<b>step 1</b>", "*"},
		{"stream", "after\n", ""},
	}
	if len(events) != len(want) {
		t.Fatalf("events = %+v, want %+v", events, want)
	}
	for i := range want {
		if events[i].kind != want[i].kind || events[i].text != want[i].text || (want[i].id == "*") != (events[i].id != "") {
			t.Errorf("event %d = %+v, want %+v", i, events[i], want[i])
		}
	}
	if events[1].id != events[3].id {
		t.Errorf("update has display id %q, the display had %q", events[3].id, events[1].id)
	}
	// A cell ending with display.Show shows the value once, not also its handle.
	shown := mustRun(t, k, `display.Show(display.HTML("<i>once</i>"))`)
	if got := shown.types(); strings.Join(got, ",") != "status,display_data,execute_reply,status" {
		t.Errorf("display.Show as the last expression produced %v, want only the display", got)
	}
	// A display from a later cell's goroutine-free code is parented to that cell.
	r2 := mustRun(t, k, `h.Update(display.HTML("<b>from cell 2</b>"))`)
	found := false
	for _, m := range r2.messages {
		found = found || m.Type == protocol.UpdateDisplayData
	}
	if !found {
		t.Errorf("update from a later cell not delivered to it: %v", r2.types())
	}
}

func TestOutputAfterTheCellEndedGoesToOnOutput(t *testing.T) {
	late := make(chan protocol.Message, 10)
	k := start(t, func(o *client.Options) { o.OnOutput = func(m protocol.Message) { late <- m } })
	// The goroutine prints once the test writes to this FIFO, after the cell ended.
	release := filepath.Join(t.TempDir(), "release")
	if err := syscall.Mkfifo(release, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, k, `import ("fmt"; "os")`)
	r := mustRun(t, k, fmt.Sprintf(`go func() { os.ReadFile(%q); fmt.Println("late line") }()`, release))
	// Opening the FIFO for writing waits for the goroutine to open it for reading.
	go os.WriteFile(release, []byte("go"), 0o600)
	select {
	case m := <-late:
		var s protocol.StreamContent
		if m.Type != protocol.Stream || m.Decode(&s) != nil || s.Text != "late line\n" {
			t.Fatalf("OnOutput got %s %s, want the late line", m.Type, m.Content)
		}
		if cellID := r.messages[0].ParentID; m.ParentID != cellID {
			t.Errorf("late output parented to %q, want the cell that started it (%q)", m.ParentID, cellID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("output printed after the cell ended never arrived")
	}
}

func TestInterruptThatMustCancelTheInterpreterRestartsTheKernel(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import ("fmt"; "sync")`)
	// Inside a function nothing polls for interrupts between the print and the
	// wait, so an interrupt sent once "started" arrived finds the cell blocked.
	mustRun(t, k, "n := 3\nfunc block() { var wg sync.WaitGroup; wg.Add(1); fmt.Println(\"started\"); wg.Wait() }")
	done := runUntil(t, k, `block()`, printedStarted)
	if err := k.Interrupt(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	var died *client.DiedError
	if !errors.As(r.err, &died) || !died.Restarted || !strings.Contains(died.Reason, "cancel") {
		t.Fatalf("Execute = %+v, %v; want a *DiedError with Restarted explaining the cancelled interpreter", r.reply, r.err)
	}
	// The kernel's own explanation arrived as the cell's error output.
	sawError := false
	for _, m := range r.messages {
		var e protocol.ErrorContent
		if m.Type == protocol.Error && m.Decode(&e) == nil && strings.Contains(e.EValue, "interrupt") {
			sawError = true
		}
	}
	if !sawError {
		t.Errorf("no error output explaining the interrupt among %v", r.types())
	}
	if k.State() != client.Idle {
		t.Errorf("state %s after the restart, want idle", k.State())
	}
	if r := execute(t, k, "n"); r.err != nil || r.reply.Status != protocol.ReplyError {
		t.Errorf("the fresh kernel still knows n: %+v %v", r.reply, r.err)
	}
	mustRun(t, k, "1 + 1")
}

func TestTrainingShowsLiveProgressAndStopsOnInterrupt(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import "gopad/ml"`)
	mustRun(t, k, `
train, test := ml.Digits().Split(0.75, 0)
model := ml.Sequential(ml.Linear(64, 32), ml.ReLU(), ml.Linear(32, 10))`)
	// Interrupt once the live view has been updated at least once.
	done := runUntil(t, k, `hist := model.Fit(train, ml.FitConfig{Epochs: 100000, BatchSize: 32,
	Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-3), Validation: test})`, func(m protocol.Message) bool {
		return m.Type == protocol.UpdateDisplayData
	})
	if err := k.Interrupt(); err != nil {
		t.Fatal(err)
	}
	var r *cellRun
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("training did not stop within 10s of the interrupt")
	}
	if r.err != nil {
		t.Fatalf("Execute: %v", r.err)
	}
	displays, updates := 0, 0
	for _, m := range r.messages {
		switch m.Type {
		case protocol.DisplayData:
			displays++
		case protocol.UpdateDisplayData:
			updates++
		}
	}
	if displays == 0 || updates == 0 {
		t.Errorf("training published %d displays and %d updates; want a live view (%v)", displays, updates, r.types())
	}
	// The model is usable after the interrupted training.
	if got := mustRun(t, k, `model != nil`).results(); len(got) != 1 || got[0] != "true" {
		t.Errorf("model after interrupted training: %q", got)
	}
	t.Logf("reply %s %s; %d displays, %d updates", r.reply.Status, r.reply.EName, displays, updates)
}

func TestInterleavedStdoutAndStderrKeepTheirOrder(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import ("fmt"; "log"; "time")`)
	r := mustRun(t, k, `log.SetFlags(0)
fmt.Println("a"); time.Sleep(20 * time.Millisecond)
log.Print("b"); time.Sleep(20 * time.Millisecond)
fmt.Println("c")`)
	var got []string
	for _, m := range r.messages {
		var s protocol.StreamContent
		if m.Type == protocol.Stream && m.Decode(&s) == nil {
			got = append(got, s.Name+":"+s.Text)
		}
	}
	want := []string{"stdout:a\n", "stderr:b\n", "stdout:c\n"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("stream messages %q, want %q", got, want)
	}
}

func TestKernelRunsInTheGivenDirectory(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k := start(t, func(o *client.Options) { o.Dir = dir })
	mustRun(t, k, `import "os"`)
	r := mustRun(t, k, `wd, _ := os.Getwd()
wd`)
	if got := r.results(); len(got) != 1 || got[0] != strconv.Quote(dir) && got[0] != dir {
		t.Errorf("working directory = %q, want %q", got, dir)
	}
}

func TestInterruptDuringAShortCompiledCallKeepsState(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import ("fmt"; "os")`)
	// readOne blocks in compiled code, where the interrupt cannot reach, until
	// the interrupt itself releases it: it ends the goroutine blocked on never,
	// whose deferred write ends the read, well within the 0.8 s the kernel
	// waits before it cancels the interpreter. In a function nothing polls for
	// interrupts between the print and the read.
	mustRun(t, k, `kept := 11
r, w, _ := os.Pipe()
never := make(chan int)
func readOne() {
	fmt.Println("started")
	r.Read(make([]byte, 1))
}`)
	done := runUntil(t, k, "go func() { defer w.Write([]byte(\"x\")); <-never }()\nreadOne()\nfor { }", printedStarted)
	if err := k.Interrupt(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("Execute: %v", r.err)
	}
	if r.reply.Status != protocol.ReplyError || r.reply.StateLost || !strings.Contains(strings.ToLower(r.reply.EName), "interrupt") {
		t.Errorf("reply = %+v, want a clean interrupted error without state loss", r.reply)
	}
	// The cell stopped at the first poll after the read, naming the statement
	// the interrupt came during.
	if len(r.reply.Traceback) == 0 || r.reply.Traceback[0] != "cell line 2: interrupted" {
		t.Errorf("traceback %q, want it to name line 2, readOne()", r.reply.Traceback)
	}
	if got := mustRun(t, k, "kept").results(); len(got) != 1 || got[0] != "11" {
		t.Errorf("kept = %q after the interrupt, want 11", got)
	}
}

func TestExecuteContextEndInterruptsTheCell(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import "time"`)
	mustRun(t, k, `v := 8`)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	reply, err := k.Execute(ctx, `time.Sleep(time.Hour)`, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Execute = %+v, %v; want the context's error", reply, err)
	}
	if reply.Status != protocol.ReplyError {
		t.Errorf("reply status %q, want error (the cell was interrupted)", reply.Status)
	}
	if got := mustRun(t, k, "v").results(); len(got) != 1 || got[0] != "8" {
		t.Errorf("v = %q after the interrupted cell, want 8", got)
	}
}

func TestInterruptWhileIdleDoesNotAffectTheNextCell(t *testing.T) {
	k := start(t)
	if err := k.Interrupt(); err != nil {
		t.Fatal(err)
	}
	mustRun(t, k, `import "time"`)
	if got := mustRun(t, k, "time.Sleep(50 * time.Millisecond); 1 + 2").results(); len(got) != 1 || got[0] != "3" {
		t.Errorf("cell after an idle interrupt = %q, want 3", got)
	}
}

// errorOutputs returns the error outputs of a cell run.
func (r *cellRun) errorOutputs() []protocol.ErrorContent {
	var out []protocol.ErrorContent
	for _, m := range r.messages {
		var e protocol.ErrorContent
		if m.Type == protocol.Error && m.Decode(&e) == nil {
			out = append(out, e)
		}
	}
	return out
}

func TestOutputsLargerThanAMessageAreRefusedKeepingState(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import ("fmt"; "strings"; "gopad/display")`)
	mustRun(t, k, `kept := 42`)

	for name, tc := range map[string]struct{ cell, want string }{
		// 70 MiB of HTML and the same as its text/plain form: refused before it is encoded.
		"html": {`display.Show(display.HTML(strings.Repeat("x", 70<<20)))`, "as a message it takes at least 140 MiB (146800640 bytes)"},
		// 11 MiB of text that JSON escapes six-fold ("<" is \u003c): refused before it is encoded.
		"escaped text": {`display.Show(display.Text(strings.Repeat("<", 11<<20)))`, "as a message it takes at least 66 MiB (69206016 bytes)"},
		// Text just under the limit, which the message's envelope takes over it:
		// refused by the protocol writer once encoded.
		"text at the limit": {`display.Show(display.Text(strings.Repeat("x", 64<<20-16)))`, "as a message it takes 64.0 MiB (671"},
	} {
		t.Run(name, func(t *testing.T) {
			r := mustRun(t, k, tc.cell+"\nfmt.Println(\"after the display\")")
			errs := r.errorOutputs()
			if len(errs) != 1 || errs[0].EName != "OutputTooLarge" {
				t.Fatalf("error outputs %+v (messages %v), want one OutputTooLarge", errs, r.types())
			}
			if msg := errs[0].EValue; !strings.HasPrefix(msg, "a display output was not shown") || !strings.Contains(msg, tc.want) || !strings.Contains(msg, "more than the 64 MiB") {
				t.Errorf("error %q should name the display, its size (%q) and the 64 MiB limit", msg, tc.want)
			}
			// The cell carries on after the refused display.
			if got := r.stream("stdout"); got != "after the display\n" {
				t.Errorf("stdout = %q, want the line printed after the refused display", got)
			}
			for _, m := range r.messages {
				if m.Type == protocol.DisplayData {
					t.Errorf("a display_data of %d bytes was sent", len(m.Content))
				}
			}
		})
	}

	// A result too large: the same, for the cell's value.
	r := mustRun(t, k, `strings.Repeat("y", 70<<20)`)
	if errs := r.errorOutputs(); len(errs) != 1 || !strings.Contains(errs[0].EValue, "the cell's result was not shown") {
		t.Errorf("oversized result: error outputs %+v, want one saying the result was not shown", errs)
	}
	if got := r.results(); len(got) != 0 {
		t.Errorf("an oversized result was sent (%d results)", len(got))
	}

	// A panic with a large value: the error arrives, cut to a size that travels.
	r = execute(t, k, `panic(strings.Repeat("z", 1<<20))`)
	if r.err != nil {
		t.Fatalf("huge panic: %v", r.err)
	}
	if r.reply.Status != protocol.ReplyError || !strings.Contains(r.reply.EValue, "more not shown]") || len(r.reply.EValue) > 100<<10 {
		t.Errorf("huge panic: reply status %q, evalue of %d bytes ending %q; want an error cut with a note",
			r.reply.Status, len(r.reply.EValue), r.reply.EValue[max(len(r.reply.EValue)-60, 0):])
	}

	// A request too large to send is refused by the client, channel intact.
	_, err := k.Execute(context.Background(), "// "+strings.Repeat("c", 65<<20), nil)
	if err == nil || !strings.Contains(err.Error(), "larger than the 64 MiB limit") {
		t.Errorf("Execute of 65 MiB of code = %v, want an error naming the limit", err)
	}

	if got := mustRun(t, k, "kept").results(); len(got) != 1 || got[0] != "42" {
		t.Errorf("kept = %q after the refused outputs, want 42", got)
	}
	if k.State() != client.Idle {
		t.Errorf("state %s, want idle", k.State())
	}
}

func TestBrokenMessageChannelKillsAndReportsTheKernel(t *testing.T) {
	// Each cell breaks the kernel's message channel (file descriptor 4) from
	// inside the real kernel process, bypassing its protocol writer.
	cases := map[string]struct {
		cell   string
		reason string
	}{
		"malformed line": {
			cell:   `os.NewFile(4, "messages").WriteString("this is not a message\n")`,
			reason: "could no longer read its messages (malformed kernel message",
		},
		"line over the limit": {
			cell:   `os.NewFile(4, "messages").Write(make([]byte, 65<<20))`,
			reason: "could no longer read its messages (read kernel message: a message is longer than the 64 MiB limit",
		},
		"channel closed": {
			cell:   "os.NewFile(4, \"messages\").Close()\nfor { time.Sleep(time.Second) }",
			reason: "closed its message channel but kept running",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			k := start(t)
			mustRun(t, k, `import ("os"; "time")`)
			mustRun(t, k, `before := 1`)
			r := execute(t, k, tc.cell)
			var died *client.DiedError
			if !errors.As(r.err, &died) {
				t.Fatalf("Execute = %+v, %v; want a *DiedError", r.reply, r.err)
			}
			if !strings.Contains(died.Reason, tc.reason) || died.Restarted {
				t.Errorf("DiedError{Reason %q, Restarted %v}; want a reason with %q", died.Reason, died.Restarted, tc.reason)
			}
			if s := k.State(); s != client.Dead {
				t.Errorf("state %s, want dead", s)
			}
			if err := k.Restart(context.Background()); err != nil {
				t.Fatal(err)
			}
			if r := execute(t, k, "before"); r.err != nil || r.reply.Status != protocol.ReplyError {
				t.Errorf("restarted kernel still knows `before`: %+v %v", r.reply, r.err)
			}
			if got := mustRun(t, k, "2 + 3").results(); len(got) != 1 || got[0] != "5" {
				t.Errorf("restarted kernel: 2 + 3 = %q", got)
			}
		})
	}
}

func TestStackOverflowIsReportedQuicklyWithItsCellAndLine(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import "time"`)
	mustRun(t, k, "func f(n int) int { return f(n+1) + 1 }")
	before := mustRun(t, k, `before := 1`)
	cell := before.reply.ExecutionCount + 1
	asked := time.Now()
	r := execute(t, k, "x := 2\nf(x)")
	took := time.Since(asked)
	var died *client.DiedError
	if !errors.As(r.err, &died) {
		t.Fatalf("Execute = %+v, %v; want a *DiedError", r.reply, r.err)
	}
	t.Logf("reported after %v: %s", took, died.Reason)
	want := fmt.Sprintf("stack overflow in cell %d, line 2: calls nested deeper than the 64 MiB of stack a goroutine may use", cell)
	if !strings.HasPrefix(died.Reason, want) || died.Restarted {
		t.Errorf("DiedError{Reason %q, Restarted %v}, want a reason starting %q", died.Reason, died.Restarted, want)
	}
	// The reason is the whole story: no runtime frames of the interpreter.
	if died.Output != "" || died.Summary() != died.Reason {
		t.Errorf("Output %q, Summary %q; want no crash trace and the reason as the summary", died.Output, died.Summary())
	}
	// Quickly is the stack limit's doing (64 MiB instead of Go's 1 GB, which
	// took 16 s): the limit is checked exactly below, the time only logged, as
	// a loaded machine can take any time.
	if s := k.State(); s != client.Dead {
		t.Errorf("state %s, want dead (a restart is offered)", s)
	}
	if err := k.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := execute(t, k, "before"); r.err != nil || r.reply.Status != protocol.ReplyError {
		t.Errorf("restarted kernel still knows `before`: %+v %v", r.reply, r.err)
	}
	// The fresh kernel bounds the stack too: read the limit back.
	mustRun(t, k, `import "runtime/debug"`)
	if got := mustRun(t, k, "limit := debug.SetMaxStack(1 << 30)\ndebug.SetMaxStack(limit)\nlimit").results(); len(got) != 1 || got[0] != "67108864" {
		t.Errorf("stack limit of the kernel = %q, want 67108864 (64 MiB)", got)
	}

	// An overflow in a goroutine the cell started is not the cell's statement.
	mustRun(t, k, "func g(n int) int { return g(n+1) + 1 }")
	r = execute(t, k, "go g(0)\ntime.Sleep(time.Minute)")
	if !errors.As(r.err, &died) {
		t.Fatalf("Execute = %+v, %v; want a *DiedError", r.reply, r.err)
	}
	if want := "stack overflow in a goroutine started by a cell, while cell "; !strings.HasPrefix(died.Reason, want) || !strings.Contains(died.Reason, ", line 2:") {
		t.Errorf("Reason %q, want it to start %q and name line 2", died.Reason, want)
	}
}
