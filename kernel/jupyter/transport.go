package jupyter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"

	"github.com/go-zeromq/zmq4"
	"golang.org/x/sys/unix"

	"gopad.dev/gopad/kernel/protocol"
)

// Jupyter message types that gopad's own protocol does not name.
const (
	executeInput      = "execute_input"
	isCompleteRequest = "is_complete_request"
	isCompleteReply   = "is_complete_reply"
	commInfoRequest   = "comm_info_request"
	commInfoReply     = "comm_info_reply"
	historyRequest    = "history_request"
	historyReply      = "history_reply"
	commOpen          = "comm_open"
	commMsg           = "comm_msg"
	commClose         = "comm_close"
)

// Transport connects a kernel to Jupyter front ends through the five sockets
// of a connection file. It implements kernel.MessageReader and
// kernel.MessageSender.
type Transport struct {
	signer  signer
	session string // the kernel's session id, in every header it sends
	log     *log.Logger

	ctx    context.Context
	cancel context.CancelFunc

	shell, control, stdin, iopub, hb zmq4.Socket

	in        chan protocol.Message // requests for the kernel
	closeOnce sync.Once
	stopSig   func()

	mu             sync.Mutex
	requests       map[string]*request // by msg_id, the most recent maxRequests
	order          []string
	executionCount int // mirrors the kernel's count for execute_input (see Send)
	// Shell requests go to the kernel one at a time, so that those still
	// waiting when a cell fails can be aborted (stop_on_error), as Jupyter
	// front ends expect when they run many cells at once.
	// waiting requests are remembered (for routing) only once forwarded, so
	// that however many wait, none is forgotten before it is answered.
	waiting  []waitingRequest
	inFlight string // the shell request the kernel has, "" if none
	// kernelInfo is the kernel_info_reply the kernel sent when it became
	// ready: kernel_info_request on the control channel is answered from it at
	// once, even while a cell runs.
	kernelInfo json.RawMessage
}

type waitingRequest struct {
	m protocol.Message
	r *request
}

// maxRequests bounds the request headers kept for routing. Outputs of a cell
// can arrive after its reply (a goroutine it started still prints), so headers
// are not dropped at idle but only when this many newer requests came.
const maxRequests = 1024

// request is a request the kernel has been given, with what its reply and
// outputs need: the socket and peer it came from, and its header.
type request struct {
	sock       zmq4.Socket
	identities [][]byte
	header     json.RawMessage
	msgType    string
	content    json.RawMessage
	// ownStatus: the kernel sends no busy/idle for it (interrupt, shutdown), so
	// the transport publishes idle after its reply, as Jupyter expects.
	ownStatus bool
}

// Open binds the sockets of conn. Messages that arrive are queued for Read;
// SIGINT becomes an interrupt, as kernels with interrupt_mode "signal" get it.
// Log lines (dropped messages, unknown requests) go to the process's stderr as
// it is now: a kernel later captures its stderr into cells' output.
func Open(conn ConnectionInfo) (*Transport, error) {
	if err := conn.check(); err != nil {
		return nil, err
	}
	logOut := io.Writer(os.Stderr)
	if fd, err := unix.Dup(2); err == nil {
		unix.CloseOnExec(fd)
		logOut = os.NewFile(uintptr(fd), "gopad-jupyter-log")
	}
	ctx, cancel := context.WithCancel(context.Background())
	t := &Transport{
		signer:   signer{key: []byte(conn.Key)},
		session:  protocol.NewID(),
		log:      log.New(logOut, "gopad kernel (jupyter): ", log.LstdFlags),
		ctx:      ctx,
		cancel:   cancel,
		in:       make(chan protocol.Message, 64),
		requests: map[string]*request{},
	}
	t.shell = zmq4.NewRouter(ctx, zmq4.WithLogger(t.log))
	t.control = zmq4.NewRouter(ctx, zmq4.WithLogger(t.log))
	t.stdin = zmq4.NewRouter(ctx, zmq4.WithLogger(t.log))
	t.iopub = zmq4.NewPub(ctx, zmq4.WithLogger(t.log))
	t.hb = zmq4.NewRep(ctx, zmq4.WithLogger(t.log))
	for _, s := range []struct {
		name string
		sock zmq4.Socket
		port int
	}{{"shell", t.shell, conn.ShellPort}, {"iopub", t.iopub, conn.IOPubPort}, {"stdin", t.stdin, conn.StdinPort}, {"control", t.control, conn.ControlPort}, {"heartbeat", t.hb, conn.HBPort}} {
		if err := s.sock.Listen(conn.endpoint(s.port)); err != nil {
			t.Close()
			return nil, fmt.Errorf("open the %s socket: %w", s.name, err)
		}
	}
	if len(conn.Key) == 0 {
		t.log.Print("the connection file has no key: messages are neither signed nor checked")
	}
	go t.receive("shell", t.shell)
	go t.receive("control", t.control)
	go t.receive("stdin", t.stdin)
	go t.heartbeat()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	t.stopSig = func() { signal.Stop(sig) }
	go func() {
		for {
			select {
			case <-sig:
				t.toKernel(protocol.Message{ID: "sigint-" + protocol.NewID(), Type: protocol.InterruptRequest, Content: json.RawMessage("{}")})
			case <-ctx.Done():
				return
			}
		}
	}()
	return t, nil
}

// Close closes the sockets; Read then returns io.EOF.
func (t *Transport) Close() error {
	t.closeOnce.Do(func() {
		if t.stopSig != nil {
			t.stopSig()
		}
		t.cancel()
		for _, s := range []zmq4.Socket{t.shell, t.control, t.stdin, t.iopub, t.hb} {
			if s != nil {
				_ = s.Close()
			}
		}
	})
	return nil
}

// Read returns the next request for the kernel, io.EOF once closed.
func (t *Transport) Read() (protocol.Message, error) {
	select {
	case m := <-t.in:
		return m, nil
	case <-t.ctx.Done():
		return protocol.Message{}, io.EOF
	}
}

func (t *Transport) toKernel(m protocol.Message) {
	select {
	case t.in <- m:
	case <-t.ctx.Done():
	}
}

// heartbeat echoes every ping, so front ends see the process is alive even
// while a cell runs.
func (t *Transport) heartbeat() {
	for {
		msg, err := t.hb.Recv()
		if err != nil {
			return
		}
		if err := t.hb.Send(msg); err != nil && t.ctx.Err() == nil {
			t.log.Printf("heartbeat: %v", err)
		}
	}
}

// receive reads one ROUTER socket. A message whose signature does not match is
// dropped and logged, as is one that cannot be read.
func (t *Transport) receive(channel string, sock zmq4.Socket) {
	for {
		msg, err := sock.Recv()
		if err != nil {
			if t.ctx.Err() == nil {
				t.log.Printf("%s socket: %v", channel, err)
			}
			return
		}
		wm, err := t.signer.decode(msg.Frames)
		if err != nil {
			t.log.Printf("dropped a message on the %s channel: %v", channel, err)
			continue
		}
		var h header
		if err := json.Unmarshal(wm.header, &h); err != nil || h.MsgType == "" {
			t.log.Printf("dropped a message on the %s channel: its header is not a Jupyter header (%s)", channel, clip(wm.header))
			continue
		}
		t.dispatch(sock, channel, wm, h)
	}
}

// dispatch hands a request to the kernel or answers it here.
func (t *Transport) dispatch(sock zmq4.Socket, channel string, wm wireMessage, h header) {
	if h.MsgID == "" {
		h.MsgID = protocol.NewID()
	}
	r := &request{sock: sock, identities: wm.identities, header: wm.header, msgType: h.MsgType, content: wm.content}
	t.mu.Lock()
	info := t.kernelInfo
	t.mu.Unlock()
	switch h.MsgType {
	case protocol.KernelInfoRequest:
		if channel == "control" && info != nil {
			t.answer(r, protocol.KernelInfoReply, func() any {
				var c map[string]any
				_ = json.Unmarshal(info, &c) // the kernel's own JSON
				addKernelInfo(c)
				return c
			})
			return
		}
		t.wait(h.MsgID, r)
	case protocol.ExecuteRequest, protocol.CompleteRequest, protocol.InspectRequest:
		// The kernel publishes busy and idle around these itself.
		t.wait(h.MsgID, r)
	case protocol.InterruptRequest, protocol.ShutdownRequest:
		r.ownStatus = true
		t.remember(h.MsgID, r)
		t.publish(protocol.Status, r.header, protocol.StatusContent{ExecutionState: protocol.StateBusy})
		t.toKernel(protocol.Message{ID: h.MsgID, Type: h.MsgType, Content: wm.content})
	case isCompleteRequest:
		t.answer(r, isCompleteReply, func() any {
			var req struct {
				Code string `json:"code"`
			}
			if err := json.Unmarshal(wm.content, &req); err != nil {
				return map[string]any{"status": "invalid"}
			}
			status, indent := isComplete(req.Code)
			reply := map[string]any{"status": status}
			if status == "incomplete" {
				reply["indent"] = indent
			}
			return reply
		})
	case commInfoRequest:
		// gopad's cells open no comms (widgets are not supported).
		t.answer(r, commInfoReply, func() any { return map[string]any{"status": protocol.ReplyOK, "comms": map[string]any{}} })
	case historyRequest:
		// gopad keeps no history across sessions; the notebook is the history.
		t.answer(r, historyReply, func() any { return map[string]any{"status": protocol.ReplyOK, "history": []any{}} })
	case commOpen:
		// No comm targets exist: close it at once, so the front end does not
		// wait on it (as ipykernel does for an unknown target).
		var req struct {
			CommID     string `json:"comm_id"`
			TargetName string `json:"target_name"`
		}
		_ = json.Unmarshal(wm.content, &req)
		t.log.Printf("no comm target %q in gopad: closing comm %s", req.TargetName, req.CommID)
		t.publish(commClose, r.header, map[string]any{"comm_id": req.CommID, "data": map[string]any{}})
	case protocol.InputReply:
		// The answer to the kernel's input_request, whose id is the parent's
		// (jupyter_client's input() sends none: the kernel then takes it for
		// the one request waiting).
		var parent header
		_ = json.Unmarshal(wm.parent, &parent)
		t.toKernel(protocol.Message{ID: h.MsgID, Type: protocol.InputReply, ParentID: parent.MsgID, Content: wm.content})
	case commMsg, commClose:
		// Comms are closed at once, so messages on them have no receiver.
	default:
		t.log.Printf("ignored a %s message on the %s channel: gopad does not handle it", h.MsgType, channel)
	}
}

// wait queues a shell request for the kernel.
func (t *Transport) wait(id string, r *request) {
	t.mu.Lock()
	t.waiting = append(t.waiting, waitingRequest{protocol.Message{ID: id, Type: r.msgType, Content: r.content}, r})
	t.mu.Unlock()
	t.forwardNext()
}

// forwardNext hands the kernel the next waiting shell request if it has none.
func (t *Transport) forwardNext() {
	t.mu.Lock()
	if t.inFlight != "" || len(t.waiting) == 0 {
		t.mu.Unlock()
		return
	}
	w := t.waiting[0]
	t.waiting = t.waiting[1:]
	t.inFlight = w.m.ID
	t.rememberLocked(w.m.ID, w.r)
	t.mu.Unlock()
	t.toKernel(w.m)
}

// replied notes the kernel's reply to a shell request. After a failed
// execute_request with stop_on_error (Jupyter's default), the execute_requests
// waiting behind it are aborted, not run, as ipykernel does: a front end that
// sent a whole notebook stops at the first failing cell.
func (t *Transport) replied(r *request, id string, content json.RawMessage) {
	t.mu.Lock()
	if t.inFlight != id {
		t.mu.Unlock()
		return
	}
	t.inFlight = ""
	var aborted []*request
	if r.msgType == protocol.ExecuteRequest && replyFailed(content) && stopOnError(r.content) {
		kept := t.waiting[:0]
		for _, w := range t.waiting {
			if w.m.Type == protocol.ExecuteRequest {
				aborted = append(aborted, w.r)
				continue
			}
			kept = append(kept, w)
		}
		t.waiting = kept
	}
	t.mu.Unlock()
	for _, a := range aborted {
		t.answer(a, protocol.ExecuteReply, func() any {
			return map[string]any{"status": protocol.ReplyAborted}
		})
	}
	t.forwardNext()
}

func replyFailed(content json.RawMessage) bool {
	var c struct {
		Status string `json:"status"`
	}
	return json.Unmarshal(content, &c) == nil && c.Status == protocol.ReplyError
}

// stopOnError reads an execute_request's stop_on_error, true when absent.
func stopOnError(content json.RawMessage) bool {
	var c struct {
		StopOnError *bool `json:"stop_on_error"`
	}
	if json.Unmarshal(content, &c) != nil || c.StopOnError == nil {
		return true
	}
	return *c.StopOnError
}

// answer replies to a request the transport handles itself, between busy and
// idle as the kernel would.
func (t *Transport) answer(r *request, replyType string, content func() any) {
	t.publish(protocol.Status, r.header, protocol.StatusContent{ExecutionState: protocol.StateBusy})
	t.reply(r, replyType, content())
	t.publish(protocol.Status, r.header, protocol.StatusContent{ExecutionState: protocol.StateIdle})
}

// remember keeps r's routing for the kernel's reply and outputs.
func (t *Transport) remember(id string, r *request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rememberLocked(id, r)
}

func (t *Transport) rememberLocked(id string, r *request) {
	if _, ok := t.requests[id]; !ok {
		t.order = append(t.order, id)
	}
	t.requests[id] = r
	if len(t.order) > maxRequests {
		delete(t.requests, t.order[0])
		t.order = t.order[1:]
	}
}

func (t *Transport) lookup(id string) *request {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.requests[id]
}

// Send delivers a kernel message: replies to the socket and peer that asked,
// everything else (status, streams, displays, results, errors) to IOPub with
// the request's header as parent.
func (t *Transport) Send(m protocol.Message) error {
	// The header and framing add well under 1 KiB.
	if size := len(m.Content) + 1024; size > protocol.MaxMessageSize {
		return &protocol.TooLargeError{Type: m.Type, Size: size}
	}
	content := m.Content
	if len(content) == 0 {
		content = json.RawMessage("{}")
	}
	r := t.lookup(m.ParentID)
	switch {
	case m.Type == protocol.InputRequest:
		// On the stdin socket, to the front end that sent the cell: its
		// stdin socket has the identity of its shell socket.
		if r == nil {
			return fmt.Errorf("input_request for %q: no such request", m.ParentID)
		}
		return t.sendRaw(t.stdin, r.identities, m.ID, m.Type, r.header, content)
	case m.Type == protocol.KernelInfoReply && m.ParentID == "":
		// The kernel says it is ready: Jupyter learns it from kernel_info_request.
		t.mu.Lock()
		t.kernelInfo = append(json.RawMessage(nil), content...)
		t.mu.Unlock()
		t.publishRaw(protocol.Status, nil, mustJSON(protocol.StatusContent{ExecutionState: protocol.StateIdle}))
		return nil
	case strings.HasSuffix(m.Type, "_reply"):
		if r == nil {
			// A reply to a request no front end sent: the interrupt that SIGINT made.
			return nil
		}
		content, err := t.completeReply(m.Type, r, content)
		if err != nil {
			return err
		}
		err = t.replyRaw(r, m.Type, content)
		t.replied(r, m.ParentID, content)
		if err != nil {
			return err
		}
		if r.ownStatus {
			t.publish(protocol.Status, r.header, protocol.StatusContent{ExecutionState: protocol.StateIdle})
		}
		return nil
	}
	var parent json.RawMessage
	if r != nil {
		parent = r.header
	}
	if err := t.publishRaw(m.Type, parent, content); err != nil {
		return err
	}
	if m.Type == protocol.Status && r != nil && r.msgType == protocol.ExecuteRequest && isBusy(content) {
		t.executeInput(r)
	}
	return nil
}

// executeInput publishes the code of an execute_request that starts, with its
// execution count. The kernel counts every execute_request that is not
// silent, as Jupyter does; the transport sees the same requests in the same
// order, so its count is the kernel's.
func (t *Transport) executeInput(r *request) {
	var req struct {
		Code   string `json:"code"`
		Silent bool   `json:"silent"`
	}
	decodeErr := json.Unmarshal(r.content, &req)
	if decodeErr == nil && req.Silent {
		return
	}
	t.mu.Lock()
	t.executionCount++
	count := t.executionCount
	t.mu.Unlock()
	t.publish(executeInput, r.header, map[string]any{"code": req.Code, "execution_count": count})
}

func isBusy(content json.RawMessage) bool {
	var s protocol.StatusContent
	return json.Unmarshal(content, &s) == nil && s.ExecutionState == protocol.StateBusy
}

// completeReply adds to a kernel reply what Jupyter's version of it has and
// gopad's pipe protocol leaves out.
func (t *Transport) completeReply(msgType string, r *request, content json.RawMessage) (json.RawMessage, error) {
	switch msgType {
	case protocol.KernelInfoReply:
		var c map[string]any
		if err := json.Unmarshal(content, &c); err != nil {
			return nil, fmt.Errorf("kernel_info_reply: %w", err)
		}
		addKernelInfo(c)
		return json.Marshal(c)
	case protocol.ExecuteReply:
		var c map[string]any
		if err := json.Unmarshal(content, &c); err != nil {
			return nil, fmt.Errorf("execute_reply: %w", err)
		}
		if c["status"] == protocol.ReplyOK {
			c["user_expressions"] = map[string]any{}
			c["payload"] = []any{}
		}
		return json.Marshal(c)
	case protocol.ShutdownReply:
		var req protocol.ShutdownRequestContent
		_ = json.Unmarshal(r.content, &req)
		return json.Marshal(map[string]any{"status": protocol.ReplyOK, "restart": req.Restart})
	}
	return content, nil
}

// addKernelInfo completes the kernel's kernel_info_reply with what Jupyter
// front ends show: a banner, help links and the language's highlighting modes.
func addKernelInfo(c map[string]any) {
	c["protocol_version"] = protocolVersion
	c["banner"] = fmt.Sprintf("gopad %v: Go %s in a notebook, with gopad/ml and gopad/display built in.\nCells are Go: declarations and statements may mix; the last expression is shown.",
		c["implementation_version"], strings.TrimPrefix(runtime.Version(), "go"))
	c["help_links"] = []map[string]string{
		{"text": "Go documentation", "url": "https://go.dev/doc/"},
		{"text": "Go standard library", "url": "https://pkg.go.dev/std"},
		{"text": "gonum", "url": "https://pkg.go.dev/gonum.org/v1/gonum"},
	}
	c["debugger"] = false
	li, _ := c["language_info"].(map[string]any)
	if li == nil {
		li = map[string]any{}
	}
	li["pygments_lexer"] = "go"
	li["codemirror_mode"] = "go"
	li["nbconvert_exporter"] = "script"
	c["language_info"] = li
}

// reply sends a reply to the peer that sent r, on r's socket.
func (t *Transport) reply(r *request, msgType string, content any) {
	if err := t.replyRaw(r, msgType, mustJSON(content)); err != nil {
		t.log.Printf("send %s: %v", msgType, err)
	}
}

func (t *Transport) replyRaw(r *request, msgType string, content json.RawMessage) error {
	return t.sendRaw(r.sock, r.identities, protocol.NewID(), msgType, r.header, content)
}

// sendRaw sends a message with id msgID to the peer identities on sock.
func (t *Transport) sendRaw(sock zmq4.Socket, identities [][]byte, msgID, msgType string, parent, content json.RawMessage) error {
	frames := t.signer.encode(wireMessage{
		identities: identities,
		header:     newHeader(msgID, t.session, msgType),
		parent:     parent,
		metadata:   json.RawMessage("{}"),
		content:    content,
	})
	if err := sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("send %s: %w", msgType, err)
	}
	return nil
}

// publish sends a message on IOPub; errors are logged (nobody else could see them).
func (t *Transport) publish(msgType string, parent json.RawMessage, content any) {
	if err := t.publishRaw(msgType, parent, mustJSON(content)); err != nil {
		t.log.Print(err)
	}
}

func (t *Transport) publishRaw(msgType string, parent, content json.RawMessage) error {
	if parent == nil {
		parent = json.RawMessage("{}")
	}
	frames := t.signer.encode(wireMessage{
		identities: [][]byte{[]byte("kernel." + t.session + "." + msgType)},
		header:     newHeader(protocol.NewID(), t.session, msgType),
		parent:     parent,
		metadata:   json.RawMessage("{}"),
		content:    content,
	})
	if err := t.iopub.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		if errors.Is(err, context.Canceled) {
			return os.ErrClosed
		}
		return fmt.Errorf("publish %s: %w", msgType, err)
	}
	return nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("jupyter: encode %T: %v", v, err)) // only the transport's own types come here
	}
	return b
}

// clip shortens b for a log line.
func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}
