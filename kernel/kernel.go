// Package kernel is what runs inside a gopad kernel process (`gopad kernel`).
//
// The process reads requests from file descriptor 3 and writes messages to file
// descriptor 4, as JSON lines of package protocol; its stdout and stderr are
// captured and sent as stream messages of the running cell; its standard input
// is a pipe the kernel feeds when a cell reads it (stdin.go). Cells run one at a
// time in a yaegi interpreter (package engine). Interrupts are handled while a
// cell runs: the engine is asked to stop cooperatively first, and the cell's
// context is cancelled if it has not returned shortly after. Package client starts
// and supervises these processes.
//
// Goroutine stacks are bounded to protocol.StackLimit, so that a recursion
// without end kills the process within a second, and the running cell's
// position is kept in the file the parent passes as descriptor 5 (position.go),
// so that the parent can say where.
package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/kernel/celldisplay"
	"gopad.dev/gopad/kernel/engine"
	"gopad.dev/gopad/kernel/protocol"
)

// File descriptors the parent passes with exec.Cmd.ExtraFiles.
const (
	requestFD = 3
	messageFD = 4
)

// cancelAfter is how long a cell may take to honour a cooperative interrupt before
// its context is cancelled. Cancelling stops any interpreted code but damages the
// interpreter (the client then replaces the kernel, losing its state), so it
// waits long enough for a compiled call of moderate length to return and the
// cell to notice the interrupt itself, yet stays within the 1 s users are
// promised. Interpreted loops, sleeps and channel operations stop cooperatively
// within a millisecond.
const cancelAfter = 800 * time.Millisecond

// Version returns gopad's version: the module version when built from a tagged
// module, else "devel" with the VCS revision if known.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}

// Main runs a kernel process until its parent closes the request pipe or asks it
// to shut down. It must be called only in a process started by package client.
func Main() error {
	in, out, err := protocolFiles()
	if err != nil {
		return err
	}
	return Serve(protocol.NewReader(in), protocol.NewWriter(out))
}

// MessageReader is where a kernel reads its requests: gopad's pipe
// (protocol.Reader) or another transport, such as Jupyter's wire protocol
// (package jupyter). Read returns io.EOF when nobody can send requests any more.
type MessageReader interface {
	Read() (protocol.Message, error)
}

// MessageSender is where a kernel sends its messages. Send returns a
// *protocol.TooLargeError, having sent nothing, for a message larger than
// protocol.MaxMessageSize.
type MessageSender interface {
	Send(protocol.Message) error
}

// Serve runs the kernel on a transport until the reader ends or a
// shutdown_request arrives. Every transport gets the same kernel: the same
// interpreter, output capture, display channel and interrupt handling. The
// first message sent is a kernel_info_reply with no parent, once the kernel
// can execute.
func Serve(r MessageReader, w MessageSender) (err error) {
	reserveHeap()
	// A recursion without end then fails within a second, not fifteen; the
	// parent names it from the runtime's report and the position slot.
	debug.SetMaxStack(protocol.StackLimit)
	position, err := openPositionSlot()
	if err != nil {
		return err
	}
	k := &kernel{w: w, position: position}
	k.capture, err = startCapture(k.send, DefaultOutputLimit)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			// Let the caller's report of err reach the real stderr, not the capture pipe.
			k.capture.restoreStderr()
		}
	}()
	k.stdin = openStdin()
	exports := celldisplay.Exports()
	maps.Copy(exports, k.passwordExports())
	k.eng, err = engine.New(engine.Options{Stdout: os.Stdout, Stderr: os.Stderr, GoroutinePanic: k.goroutinePanicked, Track: k.track,
		Exports: exports, MapTypes: celldisplay.MapTypes(), RichInterfaces: celldisplay.RichInterfaces()})
	if err != nil {
		return fmt.Errorf("start interpreter: %w", err)
	}
	display.SetPublisher(publisher{k})
	installProgress(k.eng)
	k.installPublish()

	if err := k.sendContent(protocol.KernelInfoReply, "", kernelInfo()); err != nil {
		return err
	}
	return k.serve(r)
}

// gcBallastSize is heap the kernel allocates and never touches, so that the
// garbage collector's target stays at least this large. A small interpreter heap
// would otherwise be collected every few hundred cells, and each collection adds
// milliseconds to the cell it overlaps. The pages are never written, so they
// cost address space, not resident memory.
const gcBallastSize = 64 << 20

var gcBallast []byte //lint:ignore U1000 held, never read: its size alone raises the GC target

func reserveHeap() {
	gcBallast = make([]byte, gcBallastSize)
}

// protocolFiles opens the request and message pipes, explaining what is wrong
// when the process was not started by gopad.
func protocolFiles() (in, out *os.File, err error) {
	for _, fd := range []int{requestFD, messageFD} {
		// The Go runtime may itself hold fds 3 and 4 (epoll) when the parent did
		// not pass them, so check that they are pipes or sockets.
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil || (st.Mode&unix.S_IFMT != unix.S_IFIFO && st.Mode&unix.S_IFMT != unix.S_IFSOCK) {
			return nil, nil, fmt.Errorf("gopad kernel is started by gopad itself (it talks over pipes on file descriptors 3 and 4, and fd %d is not one): run `gopad`, `gopad run` or `gopad repl` instead", fd)
		}
		unix.CloseOnExec(fd)
	}
	return os.NewFile(requestFD, "gopad-requests"), os.NewFile(messageFD, "gopad-messages"), nil
}

func kernelInfo() protocol.KernelInfoReplyContent {
	return protocol.KernelInfoReplyContent{
		Status:                protocol.ReplyOK,
		ProtocolVersion:       "5.3",
		Implementation:        "gopad",
		ImplementationVersion: Version(),
		LanguageInfo: protocol.LanguageInfo{
			Name:          "go",
			Version:       strings.TrimPrefix(runtime.Version(), "go"),
			FileExtension: ".go",
			MIMEType:      "text/x-go",
		},
	}
}

// kernel is the state of the kernel process.
type kernel struct {
	w        MessageSender
	capture  *capture
	eng      *engine.Engine
	position *positionSlot // nil when the parent shares no position file

	executionCount int

	pub   *publishing // ml.Publish and the Publish button (publish.go)
	stdin *stdinFeed  // cells' standard input (stdin.go); nil if fd 0 is /dev/null

	mu      sync.Mutex
	running *cell // the executing cell, nil when idle
	queued  []protocol.Message
	// interruptQueued holds the id of a queued execute_request that an
	// interrupt came for while no cell ran: it is interrupted before it starts.
	interruptQueued string
	current         atomic.Pointer[cell] // running, for the engine's Track hook
	button          *buttonPublish       // the Publish button's request being handled, if any
}

// cell is an executing execute_request.
type cell struct {
	id     string
	cancel context.CancelFunc // nil until its context exists
	// interrupted: an interrupt came for this cell. The engine forgets an
	// interrupt that comes before the cell starts in it, so the kernel
	// keeps it here and asks again once the engine has started the cell.
	interrupted atomic.Bool
}

func (k *kernel) send(m protocol.Message) error { return k.w.Send(m) }

func (k *kernel) sendContent(msgType, parent string, content any) error {
	m, err := protocol.NewMessage(msgType, parent, content)
	if err != nil {
		return err
	}
	return k.w.Send(m)
}

func (k *kernel) status(parent, state string) {
	_ = k.sendContent(protocol.Status, parent, protocol.StatusContent{ExecutionState: state})
}

// serve reads requests. Interrupt and shutdown are handled at once; everything
// else is queued and handled in order by one worker, as Jupyter's shell channel is.
func (k *kernel) serve(r MessageReader) error {
	// The queue is unbounded so that the reader never blocks behind a long cell:
	// it must stay free to take an interrupt.
	wake := make(chan struct{}, 1)
	go func() {
		for range wake {
			for {
				k.mu.Lock()
				if len(k.queued) == 0 {
					k.mu.Unlock()
					break
				}
				m := k.queued[0]
				k.queued = k.queued[1:]
				if m.Type == protocol.ExecuteRequest {
					// Running from the moment the worker takes it, so that an
					// interrupt from now on is this cell's.
					c := &cell{id: m.ID}
					if k.interruptQueued == m.ID {
						c.interrupted.Store(true)
						k.interruptQueued = ""
					}
					k.running = c
					k.current.Store(c)
				}
				k.mu.Unlock()
				k.handle(m)
			}
		}
	}()
	for {
		m, err := r.Read()
		if errors.Is(err, io.EOF) {
			// The parent is gone or closed the pipe: nobody can see our output.
			k.clientGone()
			return nil
		}
		if err != nil {
			k.clientGone()
			return fmt.Errorf("kernel: %w", err)
		}
		switch m.Type {
		case protocol.PublishReply:
			// Not queued: the worker is in the cell that waits for it.
			k.publishReplied(m)
		case protocol.InputReply:
			k.inputReplied(m)
		case protocol.InterruptRequest:
			k.interrupt(m)
		case protocol.ShutdownRequest:
			k.capture.sync()
			_ = k.sendContent(protocol.ShutdownReply, m.ID, protocol.ShutdownRequestContent{})
			return nil
		default:
			k.mu.Lock()
			k.queued = append(k.queued, m)
			k.mu.Unlock()
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	}
}

// handle runs one queued request.
func (k *kernel) handle(m protocol.Message) {
	switch m.Type {
	case protocol.ExecuteRequest:
		k.execute(m)
	case protocol.CompleteRequest:
		k.complete(m)
	case protocol.InspectRequest:
		k.inspect(m)
	case protocol.PublishModelRequest:
		k.publishModel(m)
	case protocol.KernelInfoRequest:
		k.status(m.ID, protocol.StateBusy)
		_ = k.sendContent(protocol.KernelInfoReply, m.ID, kernelInfo())
		k.status(m.ID, protocol.StateIdle)
	default:
		fmt.Fprintf(os.Stderr, "gopad kernel: ignoring unknown request type %q\n", m.Type)
	}
}

// execute runs one cell and sends its outputs, result or error, and reply.
func (k *kernel) execute(m protocol.Message) {
	k.status(m.ID, protocol.StateBusy)
	defer k.status(m.ID, protocol.StateIdle)

	var req protocol.ExecuteRequestContent
	if err := m.Decode(&req); err != nil {
		k.endCell()
		k.executionCount++
		k.reportError(m.ID, &engine.Error{Kind: "RequestError", Message: err.Error()})
		return
	}
	if !req.Silent {
		k.executionCount++
	}
	count := k.executionCount

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	k.capture.begin(m.ID)
	k.mu.Lock()
	c := k.running
	c.cancel = cancel
	k.mu.Unlock()

	var (
		res engine.Result
		err error
	)
	if c.interrupted.Load() {
		// Interrupted before it started: it does not run at all.
		k.endCell()
		err = &engine.Error{Kind: "Interrupted", Message: "interrupted before the cell started: nothing of it ran"}
	} else {
		stopStdin := k.watchStdin(m.ID, req.AllowStdin)
		res, err = k.run(ctx, req.Code)
		k.endCell() // before stdin is renewed for the next cell, which no interrupt of this one may cut
		stopStdin()
	}
	k.position.set(engine.Position{}) // no cell runs
	k.capture.sync()

	if code, ok := exitRequest(err); ok {
		// The cell called os.Exit: the kernel ends, as the program would. The
		// parent reports the death with this line from the original stderr.
		k.capture.sync()
		fmt.Fprintf(k.capture.crashOut, "the cell called os.Exit(%d)\n", code)
		os.Exit(code)
	}
	if err != nil {
		k.reportError(m.ID, err)
		return
	}
	if res.HasValue && !req.Silent && !isDisplayHandle(res.Value) {
		data := protocol.MIMEBundle(renderValue(res.Value))
		if md, ok := k.modelResult(res.Value, req.Code); ok {
			data[protocol.ModelMIME] = md // the notebook's Publish button
		}
		k.sendOutput(protocol.ExecuteResult, m.ID, "the cell's result", data, protocol.ExecuteResultContent{
			ExecutionCount: count,
			Data:           data,
			Metadata:       map[string]any{},
		})
	}
	_ = k.sendContent(protocol.ExecuteReply, m.ID, protocol.ExecuteReplyContent{
		Status:         protocol.ReplyOK,
		ExecutionCount: count,
	})
}

// endCell notes that no cell runs: an interrupt from now on is not this one's.
func (k *kernel) endCell() {
	k.mu.Lock()
	k.running = nil
	k.current.Store(nil)
	k.mu.Unlock()
}

// run executes code in the engine, containing any panic that escapes it.
func (k *kernel) run(ctx context.Context, code string) (res engine.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &engine.Error{
				Kind:      "InternalError",
				Message:   fmt.Sprintf("the interpreter panicked: %v", r),
				Traceback: strings.Split(strings.TrimSpace(string(debug.Stack())), "\n"),
			}
		}
	}()
	return k.eng.Execute(ctx, code)
}

// exitRequest reports whether the cell called os.Exit, and with which code.
func exitRequest(err error) (code int, ok bool) {
	var e *engine.Error
	if errors.As(err, &e) && e.Kind == "Exit" {
		return e.ExitCode, true
	}
	return 0, false
}

// sendOutput sends an output message (display_data, update_display_data,
// execute_result) of the cell parent. An output that cannot travel, because
// it is larger than a kernel message may be or cannot be encoded, is replaced
// by an error output that says so: the cell shows why its output is missing,
// and the channel, the kernel and its state carry on. what names the output
// for that message.
func (k *kernel) sendOutput(msgType, parent, what string, data protocol.MIMEBundle, content any) {
	tooLargeMsg := func(size string, n int) string {
		return fmt.Sprintf("%s was not shown: as a message it takes %s%s (%d bytes), more than the %s that one output may take; show a summary or a sample of the data instead",
			what, size, protocol.FormatSize(n), n, protocol.FormatSize(protocol.MaxMessageSize))
	}
	// Refuse what is surely too large without spending seconds encoding it.
	if n := encodedTextSize(data); n > protocol.MaxMessageSize {
		k.outputError(parent, "OutputTooLarge", tooLargeMsg("at least ", n))
		return
	}
	m, err := protocol.NewMessage(msgType, parent, content)
	if err == nil {
		err = k.w.Send(m)
	}
	var tooLarge *protocol.TooLargeError
	switch {
	case err == nil:
	case errors.As(err, &tooLarge):
		k.outputError(parent, "OutputTooLarge", tooLargeMsg("", tooLarge.Size))
	case errors.Is(err, os.ErrClosed) || errors.Is(err, unix.EPIPE):
		// The client is gone: nobody would see an error either.
	default:
		k.outputError(parent, "OutputError", fmt.Sprintf("%s was not shown: %v", what, err))
	}
}

// outputError sends an error output of the cell parent.
func (k *kernel) outputError(parent, name, msg string) {
	_ = k.sendContent(protocol.Error, parent, protocol.ErrorContent{EName: name, EValue: msg, Traceback: []string{msg}})
}

// encodedTextSize returns a lower bound of the bytes the bundle's text entries
// take in JSON: each byte at least one, and the escapes of the characters
// encoding/json always escapes ("<", ">" and "&" as \u003c, '"' and '\' with
// a backslash). strings.Count makes it cheap even for tens of megabytes.
func encodedTextSize(data protocol.MIMEBundle) int {
	n := 0
	for _, v := range data {
		s, ok := v.(string)
		if !ok {
			continue
		}
		n += len(s)
		for _, c := range []string{"<", ">", "&"} {
			n += 5 * strings.Count(s, c)
		}
		n += strings.Count(s, `"`) + strings.Count(s, `\`)
	}
	return n
}

// Bounds of the text of an error output: a panic value can be any size, and the
// error and the execute_reply both carry it.
const (
	maxErrorValue     = 64 << 10
	maxTracebackBytes = 256 << 10
)

// reportError sends an error output and an error execute_reply.
func (k *kernel) reportError(parent string, err error) {
	content := boundErrorContent(errorContent(err))
	var e *engine.Error
	stateLost := errors.As(err, &e) && e.StateLost
	_ = k.sendContent(protocol.Error, parent, content)
	_ = k.sendContent(protocol.ExecuteReply, parent, protocol.ExecuteReplyContent{
		Status:         protocol.ReplyError,
		ExecutionCount: k.executionCount,
		EName:          content.EName,
		EValue:         content.EValue,
		Traceback:      content.Traceback,
		StateLost:      stateLost,
	})
}

// errorContent describes err in Jupyter's terms.
func errorContent(err error) protocol.ErrorContent {
	var e *engine.Error
	if !errors.As(err, &e) {
		return protocol.ErrorContent{EName: "Error", EValue: err.Error(), Traceback: []string{err.Error()}}
	}
	c := protocol.ErrorContent{EName: e.Kind, EValue: e.Message, Traceback: e.Traceback}
	if c.EName == "" {
		c.EName = "Error"
	}
	if len(c.Traceback) == 0 {
		c.Traceback = []string{e.Error()}
	}
	// The engine knows a compile error's column but its traceback names only the
	// line; the issue asks for both, so name the column in the first line.
	if prefix := fmt.Sprintf("cell line %d: ", e.Line); e.Kind == "CompileError" && e.Line > 0 && e.Col > 0 && strings.HasPrefix(c.Traceback[0], prefix) {
		c.Traceback = append([]string{fmt.Sprintf("cell line %d, column %d: %s", e.Line, e.Col, c.Traceback[0][len(prefix):])}, c.Traceback[1:]...)
	}
	return c
}

// boundErrorContent cuts an error's value and traceback to sizes that travel.
func boundErrorContent(c protocol.ErrorContent) protocol.ErrorContent {
	c.EValue = truncateText(c.EValue, maxErrorValue)
	traceback := make([]string, 0, len(c.Traceback))
	total := 0
	for i, line := range c.Traceback {
		line = truncateText(line, maxErrorValue)
		if total+len(line) > maxTracebackBytes {
			traceback = append(traceback, fmt.Sprintf("[gopad: %d more traceback lines not shown]", len(c.Traceback)-i))
			break
		}
		total += len(line)
		traceback = append(traceback, line)
	}
	c.Traceback = traceback
	return c
}

// truncateText cuts s to at most limit bytes at a UTF-8 boundary, saying so.
func truncateText(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s [gopad: %s more not shown]", s[:cut], protocol.FormatSize(len(s)-cut))
}

// isDisplayHandle reports whether v is the handle display.Show returns: a cell
// ending with display.Show(x) has shown x already, so the handle is not shown as
// its result (as Jupyter's display() returns None).
func isDisplayHandle(v reflect.Value) bool {
	return v.IsValid() && v.Type() == reflect.TypeFor[*display.Handle]()
}

// renderValue renders a cell's result, falling back to its printed form if
// rendering panics (a broken String method must not kill the kernel).
func renderValue(v reflect.Value) (b display.Bundle) {
	defer func() {
		if r := recover(); r != nil {
			b = display.Bundle{"text/plain": fmt.Sprintf("%v (rendering failed: %v)", v.Type(), r)}
		}
	}()
	if !v.IsValid() {
		return display.Render(nil)
	}
	if !v.CanInterface() {
		return display.Bundle{"text/plain": v.String()}
	}
	return display.Render(v.Interface())
}

// interrupt stops the running cell: cooperatively at once, by cancelling its
// context if it is still running shortly after.
//
// An interrupt is for the cell running when it arrives, from the moment the
// worker took its request; with none running, for the first execute_request
// received and not yet taken. It never reaches a cell received after it:
// everything here holds k.mu, and the worker clears k.running under it
// before it takes the next request.
func (k *kernel) interrupt(m protocol.Message) {
	k.mu.Lock()
	c := k.running
	if c == nil {
		for _, q := range k.queued {
			if q.Type == protocol.ExecuteRequest {
				k.interruptQueued = q.ID
				break
			}
		}
	} else {
		c.interrupted.Store(true)
		k.eng.Interrupt()
		if k.stdin != nil {
			k.stdin.cut() // a read of standard input ends (end of file) at once
		}
		time.AfterFunc(cancelAfter, func() {
			k.mu.Lock()
			still := k.running == c
			cancel := c.cancel
			k.mu.Unlock()
			if still && cancel != nil {
				cancel()
			}
		})
	}
	k.mu.Unlock()
	_ = k.sendContent(protocol.InterruptReply, m.ID, struct {
		Status string `json:"status"`
	}{protocol.ReplyOK})
}

// track is the engine's Track hook: it keeps the running cell's position
// and, once the engine has started a cell (which clears the engine's
// interrupt flag), repeats an interrupt that came for it before.
func (k *kernel) track(p engine.Position) {
	k.position.set(p)
	if c := k.current.Load(); c != nil && c.interrupted.Load() && k.eng != nil && !k.eng.Interrupted() {
		k.eng.Interrupt()
	}
}

// complete answers a complete_request.
func (k *kernel) complete(m protocol.Message) {
	k.status(m.ID, protocol.StateBusy)
	defer k.status(m.ID, protocol.StateIdle)
	var req protocol.CompleteRequestContent
	reply := protocol.CompleteReplyContent{Status: protocol.ReplyOK, Matches: []string{}}
	if err := m.Decode(&req); err != nil || req.CursorPos < 0 || req.CursorPos > len(req.Code) {
		reply.Status = protocol.ReplyError
		_ = k.sendContent(protocol.CompleteReply, m.ID, reply)
		return
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				reply.Status = protocol.ReplyError
			}
		}()
		reply.CursorStart, reply.CursorEnd = req.CursorPos, req.CursorPos
		cands, start, end := k.eng.CompleteCandidates(req.Code, req.CursorPos)
		for _, c := range cands {
			reply.Matches = append(reply.Matches, c.Text)
			reply.Metadata.Types = append(reply.Metadata.Types, protocol.CompletionType{Start: start, End: end, Text: c.Text, Type: c.Kind, Signature: c.Signature})
		}
		reply.CursorStart, reply.CursorEnd = start, end
	}()
	_ = k.sendContent(protocol.CompleteReply, m.ID, reply)
}

// inspect answers an inspect_request with the documentation of the name at the
// cursor, or found=false and the reason in text/plain.
func (k *kernel) inspect(m protocol.Message) {
	k.status(m.ID, protocol.StateBusy)
	defer k.status(m.ID, protocol.StateIdle)
	reply := protocol.InspectReplyContent{Status: protocol.ReplyOK, Data: map[string]any{}, Metadata: map[string]any{}}
	fail := func(msg string) {
		reply.Status, reply.EName, reply.EValue = protocol.ReplyError, "InspectError", msg
	}
	var req protocol.InspectRequestContent
	if err := m.Decode(&req); err != nil {
		fail("unreadable inspect_request: " + err.Error())
		_ = k.sendContent(protocol.InspectReply, m.ID, reply)
		return
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				fail(fmt.Sprintf("inspecting failed: %v", r))
			}
		}()
		doc, err := k.eng.Inspect(req.Code, req.CursorPos)
		var noDoc *engine.NoDocError
		switch {
		case errors.As(err, &noDoc):
			reply.Data["text/plain"] = capitalize(noDoc.Error())
		case err != nil:
			fail(err.Error())
		default:
			reply.Found = true
			text := doc.Decl
			if doc.Text != "" {
				text += "\n\n" + doc.Text
			}
			reply.Data["text/plain"] = text
			reply.Data[protocol.DocMIME] = protocol.DocData{Name: doc.Name, Kind: doc.Kind, Signature: doc.Decl, Doc: doc.Text, Package: doc.Package, Symbol: doc.Symbol}
		}
	}()
	_ = k.sendContent(protocol.InspectReply, m.ID, reply)
}

// capitalize starts a message with a capital letter, for people to read.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// publisher sends display.Show and Handle.Update output as display messages.
type publisher struct{ k *kernel }

// Publish implements display.Publisher. Pending stream output is sent first, so a
// display appears after what the cell printed before it.
func (p publisher) Publish(data display.Bundle, metadata map[string]any, displayID string, update bool) {
	p.k.capture.sync()
	msgType := protocol.DisplayData
	if update {
		msgType = protocol.UpdateDisplayData
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	p.k.sendOutput(msgType, p.k.capture.currentParent(), "a display output", protocol.MIMEBundle(data), protocol.DisplayDataContent{
		Data:      protocol.MIMEBundle(data),
		Metadata:  metadata,
		Transient: protocol.Transient{DisplayID: displayID},
	})
}

// goroutinePanicked ends the kernel after a panic in a goroutine that a cell
// started, as the panic would end a Go program, with the engine's report
// (panic value and cell line) as the crash report the parent reads: Go's own
// would show only the interpreter's frames.
func (k *kernel) goroutinePanicked(report string) {
	fmt.Fprintln(k.capture.crashOut, report)
	os.Exit(2)
}
