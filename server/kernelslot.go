package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"
	"unicode/utf8"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/server/browserproto"
)

// kernelSlot is where a session keeps its kernel process: the handle, the state
// the browsers are told, and the counters by which callbacks and runs that outlive
// a process recognise that it was replaced. It is guarded by session.mu; the
// session's methods in this file start, restart, interrupt and stop the process,
// and react to its death.
type kernelSlot struct {
	handle   *client.Kernel // nil when no process exists
	gen      int            // bumped when the handle is replaced; stale callbacks compare it
	state    string         // what browsers are told (browserproto.Kernel*)
	reason   string         // why it is in that state (a death, a restart), or ""
	started  time.Time
	starting chan struct{} // non-nil while a start or restart is in progress
	epoch    int           // bumped by restart/shutdown: a cell running across it ends quietly
}

// ready reports whether the kernel can take a request now.
func (k *kernelSlot) ready() bool {
	return k.handle != nil && k.starting == nil && k.state != browserproto.KernelDead
}

func (s *session) setKernelStateLocked(state, reason string) {
	if s.kernel.state == state && s.kernel.reason == reason {
		return
	}
	s.kernel.state, s.kernel.reason = state, reason
	s.broadcastLocked(browserproto.KernelStatusMsg{Type: browserproto.MsgKernelStatus, State: state, Reason: reason}, nil)
}

// launchKernelLocked starts a kernel process (or restarts the dead one) in the
// background and returns a channel closed when that finished.
func (s *session) launchKernelLocked() chan struct{} {
	if s.kernel.starting != nil {
		return s.kernel.starting
	}
	done := make(chan struct{})
	s.kernel.starting = done
	k := s.kernel.handle
	if k == nil {
		s.kernel.gen++
		s.setKernelStateLocked(browserproto.KernelStarting, "")
	} else {
		s.setKernelStateLocked(browserproto.KernelRestarting, "")
	}
	gen := s.kernel.gen
	dir := filepath.Dir(s.abs)
	go func() {
		var err error
		if k == nil {
			opts := s.srv.kernelOptions(dir)
			opts.OnState = func(st client.State, err error) { s.onKernelState(gen, st, err) }
			opts.OnOutput = func(m protocol.Message) { s.onStrayOutput(gen, m) }
			s.publishKernelOptions(&opts, gen)
			k, err = client.Start(s.ctx, opts)
		} else {
			err = k.Restart(s.ctx)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.kernel.starting = nil
		close(done)
		if gen != s.kernel.gen || s.closed {
			// Shut down or closed while starting: this kernel is not wanted.
			if k != nil && k != s.kernel.handle {
				go k.Shutdown(context.Background())
			}
			return
		}
		if err != nil {
			s.kernel.handle = k // nil if Start failed; a dead handle if Restart failed
			s.setKernelStateLocked(browserproto.KernelDead, "the kernel failed to start: "+err.Error())
			s.abortQueueLocked()
			return
		}
		s.kernel.handle = k
		s.kernel.started = time.Now()
		if s.run.running != nil {
			s.setKernelStateLocked(browserproto.KernelBusy, "")
		} else {
			s.setKernelStateLocked(browserproto.KernelIdle, "")
		}
		s.wakeExecutor()
	}()
	return done
}

// onKernelState reacts to deaths the client reports (between cells, or the
// client's own restart of a kernel that ignored an interrupt). Busy/idle are
// reported by the executor instead, in order with the outputs.
func (s *session) onKernelState(gen int, st client.State, err error) {
	var died *client.DiedError
	if !errors.As(err, &died) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.kernel.gen || s.closed || s.kernel.starting != nil {
		return
	}
	// State changes arrive asynchronously: act only if the kernel is still in the
	// reported state (a late "restarting" must not overwrite a later "idle").
	if s.kernel.handle == nil || s.kernel.handle.State() != st {
		return
	}
	switch st {
	case client.Dead:
		s.kernelDiedLocked(died.Summary())
	case client.Restarting:
		s.setKernelStateLocked(browserproto.KernelRestarting, died.Reason)
	}
}

func (s *session) kernelDiedLocked(reason string) {
	if s.kernel.state == browserproto.KernelDead {
		return
	}
	s.setKernelStateLocked(browserproto.KernelDead, reason)
	s.abortQueueLocked()
}

// shutdownKernel stops the kernel (from the kernels list or an idle timeout); the
// session stays open and a later run starts a fresh kernel.
func (s *session) shutdownKernel(reason string) {
	s.mu.Lock()
	k := s.kernel.handle
	s.kernel.handle = nil
	s.kernel.gen++
	s.kernel.epoch++
	s.abortQueueLocked()
	s.setKernelStateLocked(browserproto.KernelNone, reason)
	s.mu.Unlock()
	if k != nil {
		stopKernel(k)
	}
}

// stopKernel shuts a kernel process down, waiting at most a few seconds.
func stopKernel(k *client.Kernel) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = k.Shutdown(ctx)
}

// restart replaces the kernel with a fresh process; with runAll every code cell
// is queued to run once it is up.
func (s *session) restart(runAll bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errSessionClosed
	}
	s.abortQueueLocked()
	s.kernel.epoch++
	s.launchKernelLocked() // a running cell's Execute ends when the old process stops
	if runAll {
		s.enqueueLocked(s.doc.codeCellIDs())
	}
	return nil
}

// interrupt drops the queue and asks the kernel to stop the running cell.
func (s *session) interrupt() error {
	s.mu.Lock()
	s.abortQueueLocked()
	k, running := s.kernel.handle, s.run.running != nil
	s.mu.Unlock()
	if k != nil && running {
		if err := k.Interrupt(); err != nil {
			return fmt.Errorf("the kernel could not be interrupted: %w", err)
		}
	}
	return nil
}

// kernelInfo describes the session's kernel for the kernels list.
func (s *session) kernelInfo() (browserproto.KernelInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kernel.handle == nil && s.kernel.starting == nil {
		return browserproto.KernelInfo{}, false
	}
	info := browserproto.KernelInfo{Path: s.rel, State: s.kernel.state, Clients: len(s.conns)}
	if !s.kernel.started.IsZero() {
		info.Started = s.kernel.started.UnixMilli()
	}
	if s.kernel.handle != nil {
		info.PID = s.kernel.handle.PID()
	}
	return info, true
}

// complete asks the kernel for completions without holding the session lock; the
// reply goes to the asking tab only.
func (s *session) complete(c *wsConn, m *browserproto.ClientMessage) error {
	if m.CursorPos == nil {
		return needs("cursor_pos")
	}
	code, k, ready, rel := s.requestCode(m)
	n := utf8.RuneCountInString(code)
	if *m.CursorPos < 0 || *m.CursorPos > n {
		return fmt.Errorf("cursor_pos must be between 0 and %d (code points)", n)
	}
	reply := browserproto.CompleteReplyMsg{Type: browserproto.MsgCompleteReply, ReqID: m.ReqID, Matches: []string{}, CursorStart: *m.CursorPos, CursorEnd: *m.CursorPos}
	if !ready {
		c.send(reply)
		return nil
	}
	go func() {
		ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
		defer cancel()
		r, err := k.Complete(ctx, code, byteOffset(code, *m.CursorPos))
		if err != nil {
			// No completions is the answer; an error toast on every Tab would nag.
			s.srv.logf("gopad server: %s: completion failed: %v", rel, err)
			c.send(reply)
			return
		}
		if r.Matches != nil {
			reply.Matches = r.Matches
		}
		if len(r.Metadata.Types) == len(r.Matches) {
			for _, t := range r.Metadata.Types {
				reply.Types = append(reply.Types, browserproto.CompletionType{Text: t.Text, Kind: t.Type, Signature: t.Signature})
			}
		}
		if r.CursorStart >= 0 && r.CursorEnd >= r.CursorStart && r.CursorEnd <= len(code) {
			reply.CursorStart = utf8.RuneCountInString(code[:r.CursorStart])
			reply.CursorEnd = utf8.RuneCountInString(code[:r.CursorEnd])
		}
		c.send(reply)
	}()
	return nil
}

// inspect asks the kernel for the documentation of the name at the cursor, as
// complete does (without the session lock, reply to the asking tab only).
func (s *session) inspect(c *wsConn, m *browserproto.ClientMessage) error {
	if m.CursorPos == nil {
		return needs("cursor_pos")
	}
	code, k, ready, rel := s.requestCode(m)
	n := utf8.RuneCountInString(code)
	if *m.CursorPos < 0 || *m.CursorPos > n {
		return fmt.Errorf("cursor_pos must be between 0 and %d (code points)", n)
	}
	reply := browserproto.InspectReplyMsg{Type: browserproto.MsgInspectReply, ReqID: m.ReqID}
	if !ready {
		reply.Text = "No documentation: the kernel, which knows the names, is not running. Run a cell to start it."
		c.send(reply)
		return nil
	}
	go func() {
		ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
		defer cancel()
		r, err := k.Inspect(ctx, code, byteOffset(code, *m.CursorPos), 0)
		if err != nil {
			s.srv.logf("gopad server: %s: inspect failed: %v", rel, err)
			reply.Text = "No documentation: " + err.Error()
			if errors.Is(err, context.DeadlineExceeded) {
				// The kernel answers in turn, after the running cell.
				reply.Text = "No documentation yet: the kernel is busy running a cell; ask again when it finishes."
			}
			c.send(reply)
			return
		}
		reply.Found = r.Found
		reply.Text, _ = r.Data["text/plain"].(string)
		if raw, err := json.Marshal(r.Data[protocol.DocMIME]); err == nil && r.Found {
			var d protocol.DocData
			if json.Unmarshal(raw, &d) == nil {
				reply.Name, reply.Kind, reply.Signature, reply.Doc, reply.Package, reply.Symbol = d.Name, d.Kind, d.Signature, d.Doc, d.Package, d.Symbol
			}
		}
		c.send(reply)
	}()
	return nil
}

// requestCode returns the code a complete or inspect request is about (the
// cell's source when the request carries none) and the kernel to ask.
func (s *session) requestCode(m *browserproto.ClientMessage) (code string, k *client.Kernel, ready bool, rel string) {
	code = m.Code
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == "" && m.CellID != "" {
		if cell := s.doc.nb.Cell(m.CellID); cell != nil {
			code = cell.Source
		}
	}
	return code, s.kernel.handle, s.kernel.ready(), s.rel
}
