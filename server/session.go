package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// session is one open notebook: the live document, the browser tabs attached to
// it, its kernel, its run queue and its file. Each part keeps its own state and
// code (document.go, kernelslot.go, executor.go, saving.go); the session ties them
// together under one lock. All fields below mu are guarded by it, and every
// broadcast happens under it, so all tabs see changes in the same order.
type session struct {
	srv    *Server
	ctx    context.Context
	cancel context.CancelFunc
	wake   chan struct{} // nudges the executor
	saveMu sync.Mutex    // serialises saves and renames of the file

	mu        sync.Mutex
	rel       string // path relative to the root, slash-separated
	abs       string
	doc       *document
	conns     map[*wsConn]struct{}
	kernel    kernelSlot
	run       runQueue
	file      fileState
	idleTimer *time.Timer
	closed    bool
}

var errSessionClosed = errors.New("the notebook session was closed")

func openSession(srv *Server, rel, abs string) (*session, error) {
	stamp, data, err := readStamp(srv.rootFS, rel)
	if err != nil {
		return nil, notFound(rel, err)
	}
	nb, err := notebooks.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	ctx, cancel := context.WithCancel(srv.baseCtx)
	s := &session{
		srv:    srv,
		ctx:    ctx,
		cancel: cancel,
		wake:   make(chan struct{}, 1),
		rel:    rel,
		abs:    abs,
		conns:  map[*wsConn]struct{}{},
		kernel: kernelSlot{state: browserproto.KernelNone},
	}
	s.loadLocked(nb, stamp) // nothing else can see s yet
	go s.executor()
	return s, nil
}

// ---- telling the tabs ----

func (s *session) broadcastLocked(v any, except *wsConn) {
	b, err := json.Marshal(v)
	if err != nil {
		s.srv.logf("gopad server: encode %T: %v", v, err)
		return
	}
	for c := range s.conns {
		if c != except {
			c.enqueue(b)
		}
	}
}

// publishLocked sends a change's events to every tab in order, except that the
// tab that typed a source edit (from) is not sent its own edit back.
func (s *session) publishLocked(events []event, from *wsConn) {
	for _, ev := range events {
		var except *wsConn
		if src, ok := ev.(browserproto.CellSourceMsg); ok && from != nil && src.Origin == from.id {
			except = from
		}
		s.broadcastLocked(ev, except)
	}
}

// changedLocked publishes a change of the document and schedules a save within
// delay; no events means nothing changed.
func (s *session) changedLocked(events []event, from *wsConn, delay time.Duration) {
	if len(events) == 0 {
		return
	}
	s.publishLocked(events, from)
	s.markDirtyLocked(delay)
}

func (s *session) snapshotLocked() browserproto.SnapshotMsg {
	var running *browserproto.RunningCell
	if s.run.running != nil {
		r := *s.run.running
		running = &r
	}
	return browserproto.SnapshotMsg{
		Type:      browserproto.MsgSnapshot,
		Notebook:  wireNotebook(s.doc.nb),
		Kernel:    browserproto.KernelState{State: s.kernel.state, Reason: s.kernel.reason},
		Running:   running,
		Queued:    append([]string{}, s.run.queued...),
		Dirty:     s.file.dirty,
		Untrusted: s.doc.untrustedIDs(),
	}
}

// ---- editing ----

// edit applies a browser's operation to the document, tells every tab and
// schedules a save. A deleted cell also leaves the run queue.
func (s *session) edit(from *wsConn, op operation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errSessionClosed
	}
	events, err := op.apply(s.doc)
	if err != nil {
		return err
	}
	for _, ev := range events {
		if del, ok := ev.(browserproto.CellDeletedMsg); ok {
			s.unqueueLocked(del.CellID)
		}
	}
	s.changedLocked(events, from, s.srv.cfg.AutosaveDelay)
	return nil
}

// ---- tabs and lifetime ----

// attach registers c and sends it the hello and the snapshot, then starts the
// kernel if the notebook has none yet.
func (s *session) attach(c *wsConn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errSessionClosed
	}
	if s.idleTimer != nil {
		s.idleTimer.Stop()
		s.idleTimer = nil
	}
	s.conns[c] = struct{}{}
	c.sendLocked(browserproto.HelloMsg{Type: browserproto.MsgHello, ConnID: c.id})
	c.sendLocked(s.snapshotLocked())
	if s.file.conflict != "" {
		c.sendLocked(browserproto.ConflictMsg{Type: browserproto.MsgConflict, Message: s.file.conflict})
	}
	if s.kernel.handle == nil && s.kernel.starting == nil && s.kernel.state != browserproto.KernelDead {
		s.launchKernelLocked()
	}
	return nil
}

// detach forgets c; the last tab leaving starts the idle timer.
func (s *session) detach(c *wsConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if len(s.conns) == 0 && !s.closed && s.srv.cfg.IdleTimeout > 0 && s.idleTimer == nil {
		s.idleTimer = time.AfterFunc(s.srv.cfg.IdleTimeout, s.idleExpired)
	}
}

// idleExpired closes the session when no tab came back and nothing runs. A
// document that cannot be saved stays open (only its kernel stops) so it is not lost.
func (s *session) idleExpired() {
	s.mu.Lock()
	s.idleTimer = nil
	if s.closed || len(s.conns) > 0 {
		s.mu.Unlock()
		return
	}
	if s.run.running != nil || len(s.run.queued) > 0 || s.kernel.starting != nil {
		s.idleTimer = time.AfterFunc(s.srv.cfg.IdleTimeout, s.idleExpired)
		s.mu.Unlock()
		return
	}
	dirty := s.file.dirty
	s.mu.Unlock()
	if dirty {
		if err := s.save(false); err != nil {
			s.srv.logf("gopad server: %s: not closing the idle notebook, it could not be saved: %v", s.rel, err)
			s.shutdownKernel("the notebook was idle")
			return
		}
	}
	s.srv.dropSession(s)
	s.close(false)
}

// close ends the session: connections are closed and the kernel is shut down.
// With save, unsaved changes are saved first (when the file allows it).
func (s *session) close(save bool) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	dirty := s.file.dirty
	s.mu.Unlock()
	if save && dirty {
		if err := s.save(false); err != nil {
			s.srv.logf("gopad server: %s: unsaved changes lost on close: %v", s.rel, err)
		}
	}
	// An autosave whose timer fired before the Stop below may be writing: wait
	// for it, and keep later saves out, so nothing writes the file once close
	// returns.
	s.saveMu.Lock()
	s.mu.Lock()
	s.closed = true
	for _, t := range []*time.Timer{s.file.saveTimer, s.idleTimer} {
		if t != nil {
			t.Stop()
		}
	}
	for c := range s.conns {
		c.shutdown()
	}
	s.conns = map[*wsConn]struct{}{}
	k := s.kernel.handle
	s.kernel.handle = nil
	s.kernel.gen++
	s.kernel.epoch++
	s.mu.Unlock()
	s.saveMu.Unlock()
	if k != nil {
		stopKernel(k)
	}
	s.cancel()
}

// setPath records that the notebook file was renamed.
func (s *session) setPath(rel, abs string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rel, s.abs = rel, abs
}

// cloneDocument returns a copy of the live document, fit for saving or exporting.
func (s *session) cloneDocument() *notebooks.Notebook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneForSave(s.doc.nb)
}
