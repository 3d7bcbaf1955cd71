package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"gopad.dev/gopad/kernel/protocol"
)

// State is a kernel's execution state as the client sees it.
type State string

// Kernel states.
const (
	Starting   State = "starting"   // the process is starting and not yet ready
	Idle       State = "idle"       // ready, no cell running
	Busy       State = "busy"       // a request is being handled
	Restarting State = "restarting" // the old process is gone, a new one is starting
	Dead       State = "dead"       // the process exited; Restart starts a new one
)

// Defaults for Options.
const (
	DefaultInterruptGrace = 2 * time.Second
	DefaultStartTimeout   = 20 * time.Second
)

// ErrShutdown is returned by calls on a kernel after Shutdown.
var ErrShutdown = errors.New("kernel was shut down")

// Options configures Start.
type Options struct {
	// Command is the executable to run; empty means os.Executable().
	Command string
	// Args are the arguments after the command name; nil means {"kernel"}.
	Args []string
	// Env is the process environment; nil means os.Environ().
	Env []string
	// Dir is the process working directory; empty means the caller's.
	Dir string
	// InterruptGrace is how long a cell may ignore an interrupt before the kernel is
	// killed and restarted; zero means DefaultInterruptGrace.
	InterruptGrace time.Duration
	// StartTimeout bounds the wait for a new process to report ready when ctx has
	// no earlier deadline; zero means DefaultStartTimeout.
	StartTimeout time.Duration
	// Stderr, if set, receives a copy of the kernel process's own stdout and stderr:
	// what is printed before output capture starts and Go crash reports. Cell output
	// never goes there; it arrives as stream messages.
	Stderr io.Writer
	// OnOutput, if set, receives cell outputs (stream, display_data,
	// update_display_data, execute_result, error) that no Execute call is waiting
	// for, such as output of a goroutine left running by an earlier cell. It is called
	// from the client's reader goroutine and must not block for long.
	OnOutput func(protocol.Message)
	// OnState, if set, is called with every state change, in order, from a
	// goroutine of the client. err is the *DiedError when the state is Dead or
	// Restarting after a death, nil otherwise.
	OnState func(s State, err error)
	// OnPublish, if set, publishes the models the kernel asks to publish
	// (ml.Publish, the Publish button); without it they fail, saying so.
	OnPublish PublishHandler
}

// DiedError reports that the kernel process ended while a caller needed it.
type DiedError struct {
	// Reason says why the process ended: "exit status 2", "killed by signal
	// SIGKILL", or what the client did ("the kernel did not stop the cell within
	// 2s of an interrupt, so it was killed").
	Reason string
	// Output holds the last lines the process wrote to its own stderr, typically
	// the Go runtime's report of a panic in a goroutine.
	Output string
	// Restarted is true when the client started a fresh kernel itself (interrupt
	// escalation): the handle is usable, but every variable of the old kernel is gone.
	Restarted bool
}

// Summary is Reason followed by the first line of the crash report that names
// the cause ("panic: ...", "fatal error: ..."), short enough for a status line.
func (e *DiedError) Summary() string {
	for _, line := range strings.Split(e.Output, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			return e.Reason + " (" + line + ")"
		}
	}
	return e.Reason
}

func (e *DiedError) Error() string {
	msg := "kernel died: " + e.Reason
	if e.Restarted {
		msg += "; a fresh kernel was started and the previous state (variables, functions, imports) was lost"
	}
	if e.Output != "" {
		msg += "\n" + e.Output
	}
	return msg
}

// Kernel is a handle on a kernel process. It survives restarts. Its methods are
// safe for concurrent use.
type Kernel struct {
	opts Options

	// execSlot serialises Execute calls: one token, taken for a whole cell.
	execSlot chan struct{}
	// interruptMu is held by Interrupt from its look at the running cell until
	// its request is written, and by Execute to end a cell: an interrupt meant
	// for one cell is never sent after the next cell's request, which it
	// would stop.
	interruptMu sync.Mutex

	mu       sync.Mutex
	proc     *process      // current process; nil before the first start
	ready    chan struct{} // closed when proc is ready or failed to start
	state    State
	closed   bool
	running  *runningCell // the cell being executed, if any
	stateQ   *stateQueue
	lastInfo protocol.KernelInfoReplyContent
}

// runningCell identifies the Execute in progress, for interrupt escalation.
type runningCell struct {
	proc       *process
	escalating bool
	once       sync.Once // starts escalation at the first Interrupt
}

// Start spawns a kernel process and returns once it is ready to execute.
func Start(ctx context.Context, opts Options) (*Kernel, error) {
	if opts.Command == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("start kernel: find own executable: %w", err)
		}
		opts.Command = exe
	}
	if opts.Args == nil {
		opts.Args = []string{"kernel"}
	}
	if opts.InterruptGrace <= 0 {
		opts.InterruptGrace = DefaultInterruptGrace
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	k := &Kernel{opts: opts, execSlot: make(chan struct{}, 1), state: Starting}
	k.stateQ = newStateQueue(opts.OnState)
	k.execSlot <- struct{}{}
	if err := k.startProcess(ctx, Starting, nil); err != nil {
		k.stateQ.close()
		return nil, err
	}
	return k, nil
}

// startProcess spawns a process and makes it current; cause is why the previous
// process ended, if it died. Callers must not hold k.mu.
func (k *Kernel) startProcess(ctx context.Context, during State, cause error) error {
	ready := make(chan struct{})
	k.mu.Lock()
	k.ready = ready
	k.setStateLocked(during, cause)
	k.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, k.opts.StartTimeout)
	defer cancel()
	p, err := spawn(ctx, k.opts, k.route, k.processExited)

	k.mu.Lock()
	defer k.mu.Unlock()
	defer close(ready)
	if err != nil {
		k.proc = nil
		k.setStateLocked(Dead, err)
		return err
	}
	if old := k.proc; old != nil && old != p {
		// Two starts raced (a Restart during an escalation restart): keep one kernel.
		old.kill("the kernel was replaced by a newer one")
	}
	k.proc = p
	k.lastInfo = p.info
	if k.closed {
		p.kill("the kernel was shut down while starting")
		return ErrShutdown
	}
	select {
	case <-p.done:
		// It died after it became ready but before it was current, so
		// processExited did not record the death: do it here.
		k.setStateLocked(Dead, p.died)
		return fmt.Errorf("start kernel: %w", p.died)
	default:
	}
	k.setStateLocked(Idle, nil)
	return nil
}

// processExited records in the kernel's state why process p ended, then closes
// p.done (closeDone), both under k.mu: whoever sees Done closed and then asks
// State gets the state that the exit caused, never the one before it.
func (k *Kernel) processExited(p *process, closeDone func()) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.proc == p {
		switch {
		case k.closed:
			k.setStateLocked(Dead, nil)
		case p.expectedExit():
			// The client ended it to replace it (Restart, interrupt escalation).
			k.setStateLocked(Restarting, nil)
		default:
			k.setStateLocked(Dead, p.died)
		}
	}
	closeDone()
}

func (k *Kernel) setStateLocked(s State, err error) {
	if k.state == s && err == nil {
		return
	}
	k.state = s
	k.stateQ.push(s, err)
}

// route receives every message read from process p.
func (k *Kernel) route(p *process, m protocol.Message) {
	if m.Type == protocol.Status {
		var st protocol.StatusContent
		if m.Decode(&st) == nil {
			k.mu.Lock()
			if k.proc == p && (k.state == Idle || k.state == Busy) {
				switch st.ExecutionState {
				case protocol.StateBusy:
					k.setStateLocked(Busy, nil)
				case protocol.StateIdle:
					k.setStateLocked(Idle, nil)
				}
			}
			k.mu.Unlock()
		}
	}
	if m.Type == protocol.PublishRequest {
		// A request from the kernel, which waits for the answer: never block
		// the reader on it.
		go k.handlePublish(p, m)
		return
	}
	if p.deliver(m) {
		return
	}
	if k.opts.OnOutput != nil && isOutput(m.Type) {
		k.opts.OnOutput(m)
	}
}

// isOutput reports whether msgType is a cell output (what OnOutput receives);
// replies to requests whose caller gave up are dropped.
func isOutput(msgType string) bool {
	switch msgType {
	case protocol.Stream, protocol.DisplayData, protocol.UpdateDisplayData, protocol.ExecuteResult, protocol.Error:
		return true
	}
	return false
}

// current waits until no start is in progress and returns the live process.
func (k *Kernel) current(ctx context.Context) (*process, error) {
	for {
		k.mu.Lock()
		if k.closed {
			k.mu.Unlock()
			return nil, ErrShutdown
		}
		ready, p, state := k.ready, k.proc, k.state
		k.mu.Unlock()
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for kernel to start: %w", ctx.Err())
		}
		if p == nil {
			if state == Dead {
				return nil, &DiedError{Reason: "the kernel is not running (it failed to start or died); restart it"}
			}
			continue // a start finished between our reads; look again
		}
		select {
		case <-p.done:
			k.mu.Lock()
			same := k.proc == p
			k.mu.Unlock()
			if same {
				return nil, p.died
			}
			continue
		default:
		}
		return p, nil
	}
}

// Execute runs code as one cell and returns the kernel's execute_reply. onOutput
// (may be nil) receives every message of the cell in order: status, stream,
// display_data, update_display_data, execute_result, error and execute_reply.
// See the package documentation for the errors it returns.
func (k *Kernel) Execute(ctx context.Context, code string, onOutput func(protocol.Message)) (protocol.ExecuteReplyContent, error) {
	var zero protocol.ExecuteReplyContent
	select {
	case <-k.execSlot:
	case <-ctx.Done():
		return zero, fmt.Errorf("execute: %w", ctx.Err())
	}
	defer func() { k.execSlot <- struct{}{} }()

	p, err := k.current(ctx)
	if err != nil {
		return zero, err
	}
	req, err := protocol.NewMessage(protocol.ExecuteRequest, "", protocol.ExecuteRequestContent{Code: code})
	if err != nil {
		return zero, err
	}
	cell := &runningCell{proc: p}
	k.mu.Lock()
	k.running = cell
	k.mu.Unlock()
	defer func() {
		k.interruptMu.Lock()
		k.mu.Lock()
		k.running = nil
		k.mu.Unlock()
		k.interruptMu.Unlock()
	}()

	inbox := p.subscribe(req.ID)
	defer p.unsubscribe(req.ID)
	if err := p.send(req); err != nil {
		return zero, sendError(p, "execute", err)
	}

	var (
		reply    protocol.ExecuteReplyContent
		gotReply bool
		ctxDone  = ctx.Done()
		ctxErr   error
	)
	for {
		select {
		case m := <-inbox:
			if onOutput != nil {
				onOutput(m)
			}
			switch m.Type {
			case protocol.ExecuteReply:
				if err := m.Decode(&reply); err != nil {
					// The reply is the one word Execute waits for: without it the
					// cell would never end. Stop the kernel; p.done follows.
					p.fail(fmt.Sprintf("it sent an unreadable execute_reply (%v), so the client stopped it", err))
					continue
				}
				gotReply = true
				if reply.StateLost {
					// Stopping the cell cancelled the interpreter, which leaves it
					// unusable (and the cell possibly still running): replace the
					// process, as for a cell that ignored the interrupt.
					k.mu.Lock()
					cell.escalating = true
					k.mu.Unlock()
					p.kill("the cell could not be stopped cooperatively, so its interpreter had to be cancelled, which damages it")
				}
			case protocol.Status:
				var st protocol.StatusContent
				if m.Decode(&st) == nil && st.ExecutionState == protocol.StateIdle && gotReply && !reply.StateLost {
					if ctxErr != nil {
						return reply, fmt.Errorf("execute: %w", ctxErr)
					}
					return reply, nil
				}
			}
		case <-p.done:
			// Drain what arrived before the process ended, so the caller sees the
			// cell's last output before the death.
			for {
				select {
				case m := <-inbox:
					if onOutput != nil {
						onOutput(m)
					}
					continue
				default:
				}
				break
			}
			return zero, k.afterDeath(p, cell)
		case <-ctxDone:
			ctxErr = ctx.Err()
			ctxDone = nil
			_ = k.Interrupt()
		}
	}
}

// afterDeath turns the death of p during a cell into the error Execute returns,
// restarting the kernel first when the client killed it for ignoring an interrupt.
func (k *Kernel) afterDeath(p *process, cell *runningCell) error {
	<-p.done
	died := *p.died
	k.mu.Lock()
	escalated := cell.escalating
	k.mu.Unlock()
	if !escalated {
		return &died
	}
	ctx, cancel := context.WithTimeout(context.Background(), k.opts.StartTimeout)
	defer cancel()
	if err := k.startProcess(ctx, Restarting, &died); err != nil {
		died.Reason += "; starting a fresh kernel failed: " + err.Error()
		return &died
	}
	died.Restarted = true
	return &died
}

// sendError is the error of a call whose request to p could not be sent and
// that has no messages to drain: a request too large to send, wrapped, or
// else p's death, once it is recorded.
func sendError(p *process, call string, err error) error {
	var tooLarge *protocol.TooLargeError
	if errors.As(err, &tooLarge) {
		return fmt.Errorf("%s: %w", call, err)
	}
	<-p.done
	return p.died
}

// Interrupt asks the kernel to stop the running cell. It returns without waiting
// for the cell to stop; the Execute call running the cell returns an "Interrupted"
// error reply, or a *DiedError with Restarted set when the cell ignored the
// interrupt for Options.InterruptGrace. With no cell running it does nothing.
func (k *Kernel) Interrupt() error {
	k.interruptMu.Lock()
	defer k.interruptMu.Unlock()
	k.mu.Lock()
	cell := k.running
	closed := k.closed
	k.mu.Unlock()
	if closed {
		return ErrShutdown
	}
	if cell == nil {
		return nil
	}
	p := cell.proc
	msg, err := protocol.NewMessage(protocol.InterruptRequest, "", struct{}{})
	if err != nil {
		return err
	}
	if err := p.send(msg); err != nil {
		return fmt.Errorf("interrupt: %w", err)
	}
	cell.once.Do(func() {
		go k.escalate(cell)
	})
	return nil
}

// escalate kills the kernel if cell is still running after the grace period.
func (k *Kernel) escalate(cell *runningCell) {
	timer := time.NewTimer(k.opts.InterruptGrace)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-cell.proc.done:
		return
	}
	k.mu.Lock()
	still := k.running == cell
	if still {
		cell.escalating = true
	}
	k.mu.Unlock()
	if still {
		cell.proc.kill(fmt.Sprintf("the kernel did not stop the cell within %s of an interrupt, so it was killed", k.opts.InterruptGrace))
	}
}

// Complete asks the kernel for completions of code at byte offset cursorPos.
func (k *Kernel) Complete(ctx context.Context, code string, cursorPos int) (protocol.CompleteReplyContent, error) {
	var reply protocol.CompleteReplyContent
	if cursorPos < 0 || cursorPos > len(code) {
		return reply, fmt.Errorf("complete: cursor position %d is outside the code (0..%d)", cursorPos, len(code))
	}
	p, err := k.current(ctx)
	if err != nil {
		return reply, err
	}
	req, err := protocol.NewMessage(protocol.CompleteRequest, "", protocol.CompleteRequestContent{Code: code, CursorPos: cursorPos})
	if err != nil {
		return reply, err
	}
	inbox := p.subscribe(req.ID)
	defer p.unsubscribe(req.ID)
	if err := p.send(req); err != nil {
		return reply, sendError(p, "complete", err)
	}
	for {
		select {
		case m := <-inbox:
			if m.Type == protocol.CompleteReply {
				if err := m.Decode(&reply); err != nil {
					p.fail(fmt.Sprintf("it sent an unreadable complete_reply (%v), so the client stopped it", err))
					continue
				}
				return reply, nil
			}
		case <-p.done:
			return reply, p.died
		case <-ctx.Done():
			return reply, fmt.Errorf("complete: %w", ctx.Err())
		}
	}
}

// Inspect asks the kernel for the documentation of the name at byte offset
// cursorPos of code (Jupyter's inspect_request). A name without documentation is
// a reply with Found false; a request the kernel refuses (a position outside the
// code) is an error carrying the kernel's explanation.
func (k *Kernel) Inspect(ctx context.Context, code string, cursorPos, detailLevel int) (protocol.InspectReplyContent, error) {
	var reply protocol.InspectReplyContent
	p, err := k.current(ctx)
	if err != nil {
		return reply, err
	}
	req, err := protocol.NewMessage(protocol.InspectRequest, "", protocol.InspectRequestContent{Code: code, CursorPos: cursorPos, DetailLevel: detailLevel})
	if err != nil {
		return reply, err
	}
	inbox := p.subscribe(req.ID)
	defer p.unsubscribe(req.ID)
	if err := p.send(req); err != nil {
		return reply, sendError(p, "inspect", err)
	}
	for {
		select {
		case m := <-inbox:
			if m.Type != protocol.InspectReply {
				continue
			}
			if err := m.Decode(&reply); err != nil {
				p.fail(fmt.Sprintf("it sent an unreadable inspect_reply (%v), so the client stopped it", err))
				continue
			}
			if reply.Status != protocol.ReplyOK {
				return reply, fmt.Errorf("inspect: the kernel refused: %s", reply.EValue)
			}
			return reply, nil
		case <-p.done:
			return reply, p.died
		case <-ctx.Done():
			return reply, fmt.Errorf("inspect: %w", ctx.Err())
		}
	}
}

// Restart stops the current process (a running cell's Execute returns a
// *DiedError) and starts a fresh one.
func (k *Kernel) Restart(ctx context.Context) error {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return ErrShutdown
	}
	ready := k.ready
	k.mu.Unlock()
	select {
	case <-ready: // a start in progress finishes first
	case <-ctx.Done():
		return fmt.Errorf("restart: %w", ctx.Err())
	}
	k.mu.Lock()
	p := k.proc
	k.setStateLocked(Restarting, nil)
	k.mu.Unlock()
	if p != nil {
		p.stop("the kernel was restarted")
	}
	return k.startProcess(ctx, Restarting, nil)
}

// Shutdown stops the kernel for good. A running cell's Execute returns a *DiedError.
func (k *Kernel) Shutdown(ctx context.Context) error {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return nil
	}
	k.closed = true
	p := k.proc
	k.mu.Unlock()
	if p != nil {
		done := make(chan struct{})
		go func() { p.stop("the kernel was shut down"); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			p.kill("the kernel was shut down")
		}
	}
	k.mu.Lock()
	k.setStateLocked(Dead, nil)
	k.mu.Unlock()
	k.stateQ.close()
	return nil
}

// State returns the kernel's current state.
func (k *Kernel) State() State {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.state
}

// Done returns a channel closed when the current process exits (for any reason,
// including Restart and Shutdown). By the time it is closed, State reports the
// exit's outcome (Dead after a death or Shutdown, Restarting or later after a
// restart) and Err its reason. After a restart, call Done again for the new
// process.
func (k *Kernel) Done() <-chan struct{} {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.proc == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return k.proc.done
}

// Err returns why the current process exited (a *DiedError), or nil while it runs.
func (k *Kernel) Err() error {
	k.mu.Lock()
	p := k.proc
	k.mu.Unlock()
	if p == nil {
		return &DiedError{Reason: "the kernel is not running"}
	}
	select {
	case <-p.done:
		return p.died
	default:
		return nil
	}
}

// Info returns the kernel_info_reply the current process sent when it started.
func (k *Kernel) Info() protocol.KernelInfoReplyContent {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.lastInfo
}

// PID returns the operating-system process id of the current kernel process, or 0.
func (k *Kernel) PID() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.proc == nil || k.proc.cmd.Process == nil {
		return 0
	}
	return k.proc.cmd.Process.Pid
}

// stateQueue delivers state changes to a callback in order without blocking the
// caller.
type stateQueue struct {
	fn     func(State, error)
	mu     sync.Mutex
	cond   *sync.Cond
	items  []stateChange
	closed bool
}

type stateChange struct {
	s   State
	err error
}

func newStateQueue(fn func(State, error)) *stateQueue {
	q := &stateQueue{fn: fn}
	q.cond = sync.NewCond(&q.mu)
	if fn != nil {
		go q.run()
	}
	return q
}

func (q *stateQueue) push(s State, err error) {
	if q.fn == nil {
		return
	}
	q.mu.Lock()
	q.items = append(q.items, stateChange{s, err})
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *stateQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *stateQueue) run() {
	for {
		q.mu.Lock()
		for len(q.items) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.items) == 0 {
			q.mu.Unlock()
			return
		}
		c := q.items[0]
		q.items = q.items[1:]
		q.mu.Unlock()
		q.fn(c.s, c.err)
	}
}
