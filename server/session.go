package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/protocol"
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

// ---- kernel slot ----

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
	code := m.Code
	s.mu.Lock()
	k := s.kernel.handle
	if code == "" && m.CellID != "" {
		if cell := s.doc.nb.Cell(m.CellID); cell != nil {
			code = cell.Source
		}
	}
	ready, rel := s.kernel.ready(), s.rel
	s.mu.Unlock()
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
		if r.CursorStart >= 0 && r.CursorEnd >= r.CursorStart && r.CursorEnd <= len(code) {
			reply.CursorStart = utf8.RuneCountInString(code[:r.CursorStart])
			reply.CursorEnd = utf8.RuneCountInString(code[:r.CursorEnd])
		}
		c.send(reply)
	}()
	return nil
}

// ---- executor ----

// saveAfterRun is how soon a notebook is saved after a cell finishes: short, so a
// finished cell is on disk quickly, but long enough to batch a "run all".
const saveAfterRun = 300 * time.Millisecond

// runQueue is the executor's state: the cells waiting to run, in order, the one
// running and the one that ran last. It is guarded by session.mu; the session's
// methods in this file queue cells, run them one at a time on the kernel and file
// what the kernel sends under the right cell.
type runQueue struct {
	queued  []string
	running *browserproto.RunningCell
	lastRan string // where output from goroutines a cell left running goes
}

func (s *session) wakeExecutor() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// execute queues the code cells among ids, in order. Markdown and raw cells are
// skipped (running one renders it, in the browser); unknown ids are reported once
// the known ones are queued.
func (s *session) execute(ids []string) error {
	if len(ids) == 0 {
		return needs("cell_ids")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errSessionClosed
	}
	var code, bad []string
	for _, id := range ids {
		cell := s.doc.nb.Cell(id)
		switch {
		case cell == nil:
			bad = append(bad, fmt.Sprintf("no cell with id %q", describe(id)))
		case cell.Type == notebooks.CodeCell:
			code = append(code, id)
		}
	}
	s.enqueueLocked(code)
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, "; "))
	}
	return nil
}

func (s *session) enqueueLocked(ids []string) {
	for _, id := range ids {
		if slices.Contains(s.run.queued, id) {
			continue
		}
		s.run.queued = append(s.run.queued, id)
		s.broadcastLocked(browserproto.CellStateMsg{Type: browserproto.MsgCellState, CellID: id, State: browserproto.CellQueued}, nil)
	}
	if len(s.run.queued) > 0 {
		if s.kernel.handle == nil || s.kernel.state == browserproto.KernelDead {
			s.launchKernelLocked()
		}
		s.wakeExecutor()
	}
}

// abortQueueLocked drops every queued cell (after an error, interrupt, restart or death).
func (s *session) abortQueueLocked() {
	for _, id := range s.run.queued {
		s.broadcastLocked(browserproto.CellStateMsg{Type: browserproto.MsgCellState, CellID: id, State: browserproto.CellIdle}, nil)
	}
	s.run.queued = nil
}

// unqueueLocked forgets a deleted cell that was waiting to run.
func (s *session) unqueueLocked(id string) {
	if i := slices.Index(s.run.queued, id); i >= 0 {
		s.run.queued = slices.Delete(s.run.queued, i, i+1)
	}
}

func (s *session) executor() {
	for {
		select {
		case <-s.wake:
		case <-s.ctx.Done():
			return
		}
		for s.step() {
		}
	}
}

// step runs the next queued cell; it returns false when there is nothing to do.
func (s *session) step() bool {
	s.mu.Lock()
	if s.closed || len(s.run.queued) == 0 {
		s.mu.Unlock()
		return false
	}
	if !s.kernel.ready() {
		wait := s.launchKernelLocked()
		s.mu.Unlock()
		select {
		case <-wait:
			return true
		case <-s.ctx.Done():
			return false
		}
	}
	id := s.run.queued[0]
	s.run.queued = s.run.queued[1:]
	cell := s.doc.nb.Cell(id)
	if cell == nil || cell.Type != notebooks.CodeCell {
		s.broadcastLocked(browserproto.CellStateMsg{Type: browserproto.MsgCellState, CellID: id, State: browserproto.CellIdle}, nil)
		s.mu.Unlock()
		return true
	}
	k, epoch, code := s.kernel.handle, s.kernel.epoch, cell.Source
	s.publishLocked(s.doc.clearRunResults(cell), nil)
	start := time.Now()
	s.run.running = &browserproto.RunningCell{CellID: id, StartedMS: start.UnixMilli()}
	s.run.lastRan = id
	s.broadcastLocked(browserproto.CellStateMsg{Type: browserproto.MsgCellState, CellID: id, State: browserproto.CellRunning, StartedMS: s.run.running.StartedMS}, nil)
	s.setKernelStateLocked(browserproto.KernelBusy, "")
	s.mu.Unlock()

	sawError := false
	reply, err := k.Execute(s.ctx, code, func(m protocol.Message) {
		if m.Type == protocol.Error {
			sawError = true
		}
		s.mu.Lock()
		if epoch == s.kernel.epoch {
			s.addOutputLocked(id, m)
		}
		s.mu.Unlock()
	})
	// Offsets from start use the monotonic clock, so the recorded times are in order.
	replyAfter := time.Since(start)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.finishRunLocked(id, epoch, start, replyAfter, reply, err, sawError)
	return true
}

// finishRunLocked records how cell id's run, started at start in the kernel epoch
// epoch, ended: the reply (or why there was none) came replyAfter later.
func (s *session) finishRunLocked(id string, epoch int, start time.Time, replyAfter time.Duration, reply protocol.ExecuteReplyContent, err error, sawError bool) {
	s.run.running = nil
	elapsed := replyAfter.Milliseconds()
	idle := browserproto.CellStateMsg{Type: browserproto.MsgCellState, CellID: id, State: browserproto.CellIdle, ElapsedMS: &elapsed}
	if epoch != s.kernel.epoch || s.closed {
		// Restarted or shut down while the cell ran: the cell just stops.
		s.broadcastLocked(idle, nil)
		if !s.closed && s.kernel.starting == nil && len(s.run.queued) == 0 && s.kernel.state == browserproto.KernelBusy {
			s.setKernelStateLocked(browserproto.KernelIdle, "")
		}
		return
	}
	var died *client.DiedError
	switch {
	case errors.As(err, &died):
		var tb []string
		if died.Output != "" {
			tb = strings.Split(strings.TrimRight(died.Output, "\n"), "\n")
		}
		msg := "the kernel died: " + died.Reason
		if died.Restarted {
			msg += "; a fresh kernel was started, so every variable, function and import of the old one is gone"
		}
		s.appendOutputLocked(id, errorOutput("KernelDied", msg, tb...))
		s.abortQueueLocked()
		if died.Restarted {
			s.kernel.started = time.Now()
		} else {
			s.kernelDiedLocked(died.Summary())
		}
	case err != nil:
		s.appendOutputLocked(id, errorOutput("GopadError", "the cell could not be run: "+err.Error()))
		s.abortQueueLocked()
	default:
		c := s.doc.nb.Cell(id)
		if reply.ExecutionCount > 0 {
			n := reply.ExecutionCount
			if c != nil {
				c.ExecutionCount = &n
			}
			idle.ExecutionCount = &n
		}
		if c != nil {
			// The request is sent as the cell turns busy, so busy and execute_input
			// coincide; idle is now, after the reply's outputs were applied.
			setExecutionTiming(c, start, start, start.Add(replyAfter), start.Add(time.Since(start)))
		}
		if reply.Status == protocol.ReplyError && !sawError {
			s.appendOutputLocked(id, errorOutput(reply.EName, reply.EValue, reply.Traceback...))
		}
		if reply.Status != protocol.ReplyOK {
			s.abortQueueLocked() // stop on error, as Jupyter's "run all" does
		}
	}
	s.broadcastLocked(idle, nil)
	if len(s.run.queued) == 0 && (s.kernel.state == browserproto.KernelBusy || s.kernel.state == browserproto.KernelRestarting) {
		s.setKernelStateLocked(browserproto.KernelIdle, "")
	}
	s.markDirtyLocked(saveAfterRun)
}

// addOutputLocked files one kernel message under cell id (an update of a display
// goes wherever that display is) and tells the tabs.
func (s *session) addOutputLocked(id string, m protocol.Message) {
	out, dispID, ok, err := outputFromMessage(m)
	if err != nil {
		out, ok = errorOutput("GopadError", "the kernel sent an unreadable "+m.Type+" message: "+err.Error()), true
	}
	if !ok {
		return
	}
	if m.Type == protocol.UpdateDisplayData {
		s.changedLocked(s.doc.updateDisplay(dispID, out), nil, s.srv.cfg.AutosaveDelay)
		return
	}
	s.appendOutputLocked(id, out)
}

// appendOutputLocked adds out to cell id and tells the tabs.
func (s *session) appendOutputLocked(id string, out notebooks.Output) {
	s.changedLocked(s.doc.appendOutput(id, out), nil, s.srv.cfg.AutosaveDelay)
}

// onStrayOutput files output that arrives between cells (from a goroutine an
// earlier cell started) under the cell that ran last.
func (s *session) onStrayOutput(gen int, m protocol.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.kernel.gen || s.closed {
		return
	}
	id := s.run.lastRan
	if s.run.running != nil {
		id = s.run.running.CellID
	}
	s.addOutputLocked(id, m)
}

// ---- saving ----

// fileState is what a session knows of its notebook file. It is guarded by
// session.mu; the session's methods in this file load, save and reload the
// document, detect changes made on disk by other programs and record which file
// contents the user trusts.
type fileState struct {
	stamp   diskStamp // the file content last loaded or saved
	dirty   bool      // the document has changes the file lacks
	editGen uint64    // bumped at every change: a save clears dirty only if none came meanwhile
	// conflict says why the file changed on disk under the document ("" when it did
	// not); saves then wait for the user to choose reload or overwrite.
	conflict string
	// signed is the digest this session last recorded as trusted for its file,
	// replaced at each save so the store keeps one entry per notebook.
	signed    notebooks.Digest
	saveTimer *time.Timer
}

// diskStamp identifies the file content the session last loaded or saved.
type diskStamp struct {
	size  int64
	mtime time.Time
	hash  [sha256.Size]byte
}

// readStamp reads the notebook rel through root (one open, so the stamp describes
// the data read).
func readStamp(root *os.Root, rel string) (diskStamp, []byte, error) {
	f, err := root.Open(osPath(rel))
	if err != nil {
		return diskStamp{}, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return diskStamp{}, nil, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return diskStamp{}, nil, err
	}
	return diskStamp{size: info.Size(), mtime: info.ModTime(), hash: sha256.Sum256(data)}, data, nil
}

// changedOnDisk reports whether the notebook rel in root differs from the stamp, and how.
func (d diskStamp) changedOnDisk(root *os.Root, rel string) (bool, string) {
	info, err := root.Stat(osPath(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return true, "the notebook file was deleted or moved on disk since it was opened"
	}
	if err != nil {
		return true, fmt.Sprintf("the notebook file cannot be checked: %s", bareError(err))
	}
	if info.Size() == d.size && info.ModTime().Equal(d.mtime) {
		return false, ""
	}
	data, err := root.ReadFile(osPath(rel))
	if err != nil {
		return true, fmt.Sprintf("the notebook file cannot be read: %s", bareError(err))
	}
	if sha256.Sum256(data) == d.hash {
		return false, ""
	}
	return true, "the notebook file was changed on disk by another program since gopad loaded it"
}

// loadLocked makes nb, just read from the file stamped stamp, the live document;
// its outputs are trusted if the user trusts that file content.
func (s *session) loadLocked(nb *notebooks.Notebook, stamp diskStamp) {
	digest := notebooks.Digest(stamp.hash)
	trusted := s.srv.trust.Trusted(digest)
	s.doc = newDocument(nb, trusted)
	s.file.stamp = stamp
	s.file.signed = notebooks.Digest{}
	if trusted {
		s.file.signed = digest
	}
}

// recordTrustLocked records the notebook's content of digest d as trusted.
func (s *session) recordTrustLocked(d notebooks.Digest) {
	if err := s.srv.trust.Replace(s.file.signed, d); err != nil {
		// Not fatal: the notebook opens as untrusted next time, which is safe.
		s.srv.logf("gopad server: %s: %v", s.rel, err)
		return
	}
	s.file.signed = d
}

// trust vouches for every output shown, as Jupyter's "Trust Notebook", and tells
// every tab. The file is recorded as trusted now if it holds what is shown, else
// by the next save.
func (s *session) trust() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errSessionClosed
	}
	events := s.doc.trustAll()
	if !s.file.dirty && s.file.conflict == "" {
		s.recordTrustLocked(notebooks.Digest(s.file.stamp.hash))
	}
	s.publishLocked(events, nil)
	return nil
}

// markDirtyLocked records a change and makes sure a save follows within delay.
func (s *session) markDirtyLocked(delay time.Duration) {
	s.file.dirty = true
	s.file.editGen++
	if s.closed || s.file.conflict != "" {
		return
	}
	if s.file.saveTimer != nil {
		return
	}
	s.file.saveTimer = time.AfterFunc(delay, func() {
		s.mu.Lock()
		s.file.saveTimer = nil
		closed := s.closed
		s.mu.Unlock()
		if !closed {
			_ = s.save(false)
		}
	})
}

var errConflict = errors.New("the notebook changed on disk; choose reload or overwrite")

// save writes the live document to its file atomically. Without force it refuses
// (and reports a conflict) when the file changed on disk since it was loaded or
// last saved. A failed save keeps the document and its dirty mark.
func (s *session) save(force bool) error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errSessionClosed
	}
	if s.file.conflict != "" && !force {
		s.mu.Unlock()
		return errConflict
	}
	nb := cloneForSave(s.doc.nb)
	gen, rel, stamp := s.file.editGen, s.rel, s.file.stamp
	// Only a file whose every output is this user's may be recorded as trusted.
	allTrusted := s.doc.allTrusted()
	s.mu.Unlock()

	// Through the root: links swapped into the path since the notebook was opened
	// cannot make the save read or write outside it.
	root := s.srv.rootFS
	if !force {
		if changed, why := stamp.changedOnDisk(root, rel); changed {
			s.mu.Lock()
			s.file.conflict = why + ": choose reload (take the file's version) or overwrite (keep this version)"
			s.broadcastLocked(browserproto.ConflictMsg{Type: browserproto.MsgConflict, Message: s.file.conflict}, nil)
			s.mu.Unlock()
			return errConflict
		}
	}
	err := notebooks.SaveIn(root, osPath(rel), nb)
	var newStamp diskStamp
	if err == nil {
		newStamp, _, err = readStamp(root, rel)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.srv.logf("gopad server: save %s: %v", s.rel, err)
		s.broadcastLocked(browserproto.ErrorMsg{Type: browserproto.MsgError, Message: "could not save the notebook (your changes are kept in the server; fix the problem and save again): " + err.Error()}, nil)
		return err
	}
	s.file.stamp = newStamp
	if allTrusted {
		s.recordTrustLocked(notebooks.Digest(newStamp.hash))
	}
	s.file.conflict = ""
	if s.file.editGen == gen {
		s.file.dirty = false
	}
	s.broadcastLocked(browserproto.SavedMsg{Type: browserproto.MsgSaved, MTime: newStamp.mtime.UnixMilli()}, nil)
	return nil
}

// saveRequested saves because tab c asked; a conflict is told to c, which asks
// the user to choose, rather than reported as an error.
func (s *session) saveRequested(c *wsConn) error {
	err := s.save(false)
	if errors.Is(err, errConflict) {
		s.mu.Lock()
		c.sendLocked(browserproto.ConflictMsg{Type: browserproto.MsgConflict, Message: s.file.conflict})
		s.mu.Unlock()
		return nil
	}
	return err
}

// resolveConflict carries out the user's choice after a conflict: "reload" takes
// the file's version, "overwrite" keeps the document's.
func (s *session) resolveConflict(choice string) error {
	switch choice {
	case "reload":
		return s.reload()
	case "overwrite":
		return s.save(true)
	}
	return fmt.Errorf("choice must be \"reload\" or \"overwrite\", not %q", describe(choice))
}

// reload replaces the live document with the file's content (resolving a conflict
// in the file's favour) and sends every tab a fresh snapshot.
func (s *session) reload() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	rel := s.rel
	s.mu.Unlock()
	stamp, data, err := readStamp(s.srv.rootFS, rel)
	if err != nil {
		return fsError("reload", rel, err)
	}
	nb, err := notebooks.Parse(data)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loadLocked(nb, stamp)
	s.file.conflict = ""
	s.file.dirty = false
	s.file.editGen++
	// Queued cells may not exist any more; the running one keeps running and its
	// output goes nowhere if its cell is gone.
	s.abortQueueLocked()
	s.broadcastLocked(s.snapshotLocked(), nil)
	return nil
}
