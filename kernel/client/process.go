package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"gopad.dev/gopad/kernel/protocol"
)

// crashTailSize bounds how much of the process's own stderr is kept for DiedError.
const crashTailSize = 16 << 10

// process is one kernel process and its pipes.
type process struct {
	cmd      *exec.Cmd
	toKernel *os.File
	w        *protocol.Writer
	info     protocol.KernelInfoReplyContent
	tail     *tailBuffer
	position *os.File // shared with the kernel (protocol.PositionSize); nil if none

	// done is closed after the process exited, its messages were read and the
	// Kernel recorded the exit in its state (see spawn).
	done chan struct{}
	died *DiedError // set before done is closed

	mu          sync.Mutex
	subscribers map[string]*subscriber
	intentional string // reason set by kill/stop; the exit was our doing
	// failure is why the client killed a kernel it could no longer talk to
	// (see fail); unlike intentional, the exit is a death to report.
	failure string
	reaped  bool // Wait returned: the pid may belong to another process by now
}

type subscriber struct {
	inbox chan protocol.Message
	gone  chan struct{}
}

// spawn starts a kernel process and waits for its unsolicited kernel_info_reply.
// route receives every later message. exited is called once the process has
// ended, with p.died set; it must call closeDone, which closes p.done, so that
// the caller can record the exit under its own lock before anyone sees done
// closed.
func spawn(ctx context.Context, opts Options, route func(*process, protocol.Message), exited func(p *process, closeDone func())) (*process, error) {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start kernel: %w", err)
	}
	msgR, msgW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, fmt.Errorf("start kernel: %w", err)
	}
	// A kernel runs without a position file, reporting deaths less precisely,
	// so failing to make one is no reason not to start it.
	position, _ := newPositionFile()
	cmd := exec.Command(opts.Command, opts.Args...)
	cmd.Env = opts.Env
	cmd.Dir = opts.Dir
	// fd 3: requests in, fd 4: messages out, fd 5: the position file (if nil, closed).
	cmd.ExtraFiles = []*os.File{reqR, msgW, position}
	tail := &tailBuffer{max: crashTailSize}
	var out io.Writer = tail
	if opts.Stderr != nil {
		out = io.MultiWriter(tail, opts.Stderr)
	}
	cmd.Stdout = out
	cmd.Stderr = out
	// Own process group: a terminal's Ctrl-C goes to the CLI, which interrupts the
	// cell instead of killing the kernel, and a kill reaches what the cell started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Second

	if err := cmd.Start(); err != nil {
		reqR.Close()
		reqW.Close()
		msgR.Close()
		msgW.Close()
		if position != nil {
			position.Close()
		}
		return nil, fmt.Errorf("start kernel %s: %w", opts.Command, err)
	}
	reqR.Close()
	msgW.Close()

	p := &process{
		cmd:         cmd,
		toKernel:    reqW,
		w:           protocol.NewWriter(reqW),
		tail:        tail,
		position:    position,
		done:        make(chan struct{}),
		subscribers: map[string]*subscriber{},
	}
	readyCh := make(chan protocol.KernelInfoReplyContent, 1)
	waited := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.reaped = true
		p.mu.Unlock()
		waited <- err
	}()
	go func() {
		err := p.read(msgR, readyCh, route)
		msgR.Close()
		var waitErr error
		if errors.Is(err, io.EOF) {
			// A kernel closes its message channel by exiting: give it a moment
			// to finish, then stop one that runs on without a way to talk.
			timer := time.NewTimer(channelClosedGrace)
			select {
			case waitErr = <-waited:
			case <-timer.C:
				p.fail("it closed its message channel but kept running, so the client stopped it")
				waitErr = <-waited
			}
			timer.Stop()
		} else {
			// The framing is lost: nothing more can be read, so the kernel could
			// only hang its caller. Stop it and say why.
			p.fail(fmt.Sprintf("the client could no longer read its messages (%v), so it stopped the kernel", err))
			waitErr = <-waited
		}
		p.finish(waitErr)
		exited(p, func() { close(p.done) })
	}()

	select {
	case info := <-readyCh:
		p.info = info
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("start kernel: %w", p.died)
	case <-ctx.Done():
		p.kill("it did not become ready in time")
		<-p.done
		return nil, fmt.Errorf("start kernel: no kernel_info_reply: %w", ctx.Err())
	}
}

// channelClosedGrace is how long a kernel may run on after closing its message
// channel before the client stops it; a kernel closes it only by exiting.
const channelClosedGrace = 3 * time.Second

// read reads the kernel's messages until the channel ends (io.EOF) or breaks:
// the first kernel_info_reply goes to ready, everything else to route.
func (p *process) read(from io.Reader, ready chan<- protocol.KernelInfoReplyContent, route func(*process, protocol.Message)) error {
	r := protocol.NewReader(from)
	first := true
	for {
		m, err := r.Read()
		if err != nil {
			return err
		}
		if first && m.Type == protocol.KernelInfoReply {
			first = false
			var info protocol.KernelInfoReplyContent
			if err := m.Decode(&info); err != nil {
				return err
			}
			ready <- info
			continue
		}
		route(p, m)
	}
}

// finish records why the process ended.
func (p *process) finish(waitErr error) {
	p.mu.Lock()
	intentional, failure := p.intentional, p.failure
	p.mu.Unlock()
	st := p.cmd.ProcessState
	reason := exitReason(st, waitErr)
	switch {
	case intentional != "":
		reason = intentional
	case failure != "" && killedBy(st, syscall.SIGKILL):
		reason = failure
	case failure != "":
		// It ended on its own while the client was stopping it: its own exit
		// is the cause, what the client saw a symptom.
		reason += " (" + failure + ")"
	}
	output := p.tail.crashReport(crashReportLines)
	if intentional == "" && failure == "" {
		if goroutine, ok := stackOverflow(p.tail.crashText()); ok {
			// Go's report names only interpreter frames: say where instead.
			pos, known := p.lastPosition()
			reason, output = stackOverflowReason(pos, known, goroutine), ""
		}
	}
	p.toKernel.Close()
	if p.position != nil {
		p.position.Close()
	}
	p.died = &DiedError{Reason: reason, Output: output}
}

// newPositionFile makes the file the kernel keeps its position in, unlinked
// at once: only the two processes' descriptors keep it.
func newPositionFile() (*os.File, error) {
	f, err := os.CreateTemp("", "gopad-kernel-position-*")
	if err != nil {
		return nil, fmt.Errorf("create the kernel's position file: %w", err)
	}
	os.Remove(f.Name())
	if err := f.Truncate(protocol.PositionSize); err != nil {
		f.Close()
		return nil, fmt.Errorf("size the kernel's position file: %w", err)
	}
	return f, nil
}

// lastPosition returns what the ended process last stored in its position
// file; ok is false when there is no position to read.
func (p *process) lastPosition() (pos protocol.Position, ok bool) {
	if p.position == nil {
		return pos, false
	}
	b := make([]byte, protocol.PositionSize)
	if _, err := p.position.ReadAt(b, 0); err != nil {
		return pos, false
	}
	pos, err := protocol.DecodePosition(b)
	return pos, err == nil
}

// stackOverflowReason says where a stack overflow happened: in the running
// cell's own statement when the goroutine that overflowed is the one running
// it, else only what is known to be true. known is false when the kernel kept
// no position.
func stackOverflowReason(pos protocol.Position, known bool, goroutine int64) string {
	line := ""
	if pos.Line > 0 {
		line = fmt.Sprintf(", line %d", pos.Line)
	}
	var where string
	switch {
	case !known:
		where = "stack overflow"
	case pos.Cell == 0:
		where = "stack overflow in a goroutine, while no cell was running"
	case goroutine != 0 && goroutine == pos.Goroutine:
		where = fmt.Sprintf("stack overflow in cell %d%s", pos.Cell, line)
	case goroutine != 0 && pos.Goroutine != 0:
		where = fmt.Sprintf("stack overflow in a goroutine started by a cell, while cell %d ran%s", pos.Cell, line)
	default:
		where = fmt.Sprintf("stack overflow while cell %d ran%s", pos.Cell, line)
	}
	return where + fmt.Sprintf(": calls nested deeper than the %s of stack a goroutine may use (a recursion that never ends?)",
		protocol.FormatSize(protocol.StackLimit))
}

// killedBy reports whether the process ended by signal sig.
func killedBy(st *os.ProcessState, sig syscall.Signal) bool {
	if st == nil {
		return false
	}
	ws, ok := st.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == sig
}

// exitReason describes how a process ended.
func exitReason(st *os.ProcessState, waitErr error) string {
	if st == nil {
		if waitErr != nil {
			return waitErr.Error()
		}
		return "the process ended"
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return fmt.Sprintf("killed by signal %s", signalName(ws.Signal()))
	}
	return fmt.Sprintf("exit status %d", st.ExitCode())
}

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGSEGV:
		return "SIGSEGV"
	case syscall.SIGABRT:
		return "SIGABRT"
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGQUIT:
		return "SIGQUIT"
	case syscall.SIGBUS:
		return "SIGBUS"
	}
	return s.String()
}

// expectedExit reports whether the client ended the process on purpose.
func (p *process) expectedExit() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.intentional != ""
}

// send writes one request to the kernel. A request too large to send is
// refused (a *protocol.TooLargeError) with the channel intact; one that cannot
// be written means the channel is broken: the kernel is stopped (p.done
// follows) and the error says so. send does not wait for p.done, as its
// caller may be the one draining the messages that the exit waits behind.
func (p *process) send(m protocol.Message) error {
	select {
	case <-p.done:
		return p.died
	default:
	}
	err := p.w.Send(m)
	var tooLarge *protocol.TooLargeError
	if err == nil || errors.As(err, &tooLarge) {
		return err
	}
	p.fail(fmt.Sprintf("the client could no longer send it requests (%v), so it stopped the kernel", err))
	return fmt.Errorf("the kernel is being stopped: %w", err)
}

// subscribe routes messages whose ParentID is id to the returned channel.
func (p *process) subscribe(id string) <-chan protocol.Message {
	s := &subscriber{inbox: make(chan protocol.Message, 256), gone: make(chan struct{})}
	p.mu.Lock()
	p.subscribers[id] = s
	p.mu.Unlock()
	return s.inbox
}

func (p *process) unsubscribe(id string) {
	p.mu.Lock()
	s := p.subscribers[id]
	delete(p.subscribers, id)
	p.mu.Unlock()
	if s != nil {
		close(s.gone)
	}
}

// deliver passes m to its subscriber; false means nobody is waiting for it.
func (p *process) deliver(m protocol.Message) bool {
	p.mu.Lock()
	s := p.subscribers[m.ParentID]
	p.mu.Unlock()
	if s == nil {
		return false
	}
	select {
	case s.inbox <- m:
		return true
	case <-s.gone:
		return false
	}
}

// kill ends the process (and its process group) at once.
func (p *process) kill(reason string) {
	p.mu.Lock()
	if p.intentional == "" {
		p.intentional = reason
	}
	p.mu.Unlock()
	p.signalGroup()
}

// signalGroup sends SIGKILL to the process and its process group.
func (p *process) signalGroup() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reaped {
		return
	}
	if p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		_ = p.cmd.Process.Kill()
	}
}

// fail kills a process that the client can no longer talk to: unlike kill,
// the exit is reported as a death, with reason as its cause.
func (p *process) fail(reason string) {
	p.mu.Lock()
	if p.failure == "" {
		p.failure = reason
	}
	p.mu.Unlock()
	p.signalGroup()
}

// stop asks the process to shut down, and kills it if it has not exited soon.
func (p *process) stop(reason string) {
	p.mu.Lock()
	if p.intentional == "" {
		p.intentional = reason
	}
	p.mu.Unlock()
	if msg, err := protocol.NewMessage(protocol.ShutdownRequest, "", protocol.ShutdownRequestContent{}); err == nil {
		_ = p.send(msg)
	}
	select {
	case <-p.done:
		// The kernel exits on its own; make sure nothing it started lingers.
		if p.cmd.Process != nil {
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		}
		return
	case <-time.After(500 * time.Millisecond):
	}
	p.kill(reason)
	<-p.done
}

// tailBuffer keeps the last max bytes written to it and, separately, the start of
// a Go crash report (which a long goroutine trace could push out of the tail).
type tailBuffer struct {
	mu    sync.Mutex
	max   int
	buf   []byte
	crash []byte // from the first "panic: " or "fatal error: " line on, up to max bytes
}

// crashMarkers begin a Go runtime crash report. A fatal error's own line goes
// to file descriptor 2 only, which the kernel captures, so what reaches the
// crash output begins with "runtime stack:".
var crashMarkers = []string{"panic: ", "fatal error: ", "runtime stack:"}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	prev := len(t.buf)
	t.buf = append(t.buf, b...)
	if t.crash == nil {
		// Search the new bytes plus a few old ones, for a marker split across writes.
		from := max(prev-16, 0)
		for _, m := range crashMarkers {
			if i := indexLineStart(t.buf[from:], m); i >= 0 {
				t.crash = append([]byte{}, t.buf[from+i:]...)
				break
			}
		}
	} else if room := t.max - len(t.crash); room > 0 {
		t.crash = append(t.crash, b[:min(room, len(b))]...)
	}
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

// indexLineStart returns the index of the first occurrence of s at a line start.
func indexLineStart(b []byte, s string) int {
	for off := 0; ; {
		i := strings.Index(string(b[off:]), s)
		if i < 0 {
			return -1
		}
		if off+i == 0 || b[off+i-1] == '\n' {
			return off + i
		}
		off += i + 1
	}
}

// crashText returns the crash report from its first line, "" if there was none.
func (t *tailBuffer) crashText() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.crash)
}

// runningGoroutine matches the header of the goroutine a crash report is about.
var runningGoroutine = regexp.MustCompile(`^goroutine (\d+) .*\[running\]:$`)

// stackOverflow reports whether a crash report is the Go runtime's for a
// goroutine that outgrew the stack limit, and names that goroutine (0 if the
// report does not). The runtime says "fatal error: stack overflow" on file
// descriptor 2 only; its crash output shows the throw from runtime.newstack.
func stackOverflow(report string) (goroutine int64, ok bool) {
	lines := strings.Split(report, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "fatal error: stack overflow") || strings.Contains(line, "goroutine stack exceeds") {
			ok = true
		}
		if line == "runtime stack:" {
			// The first two frames: the function lines, each followed by its file line.
			var frames []string
			for _, l := range lines[i+1:] {
				if l == "" || len(frames) == 2 {
					break
				}
				if !strings.HasPrefix(l, "\t") {
					frames = append(frames, l)
				}
			}
			ok = ok || len(frames) == 2 && strings.HasPrefix(frames[0], "runtime.throw(") && strings.HasPrefix(frames[1], "runtime.newstack(")
		}
		if m := runningGoroutine.FindStringSubmatch(line); ok && m != nil {
			goroutine, _ = strconv.ParseInt(m[1], 10, 64)
			return goroutine, true
		}
	}
	return 0, ok
}

// crashReportLines bounds the lines of a crash report kept in DiedError.Output.
const crashReportLines = 40

// crashReport returns at most n lines: the start of the Go runtime's crash report
// if there was one (the reason comes first, then possibly long traces), else the
// last n lines the process wrote.
func (t *tailBuffer) crashReport(n int) string {
	t.mu.Lock()
	crash, tail := string(t.crash), string(t.buf)
	t.mu.Unlock()
	if crash != "" {
		lines := strings.Split(strings.TrimRight(crash, "\n"), "\n")
		if len(lines) > n {
			lines = append(lines[:n:n], "...")
		}
		return strings.TrimSpace(strings.Join(lines, "\n"))
	}
	lines := strings.Split(strings.TrimRight(tail, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
