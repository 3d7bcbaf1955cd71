package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
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

// saveAfterRun is how soon a notebook is saved after a cell finishes: short, so a
// finished cell is on disk quickly, but long enough to batch a "run all".
const saveAfterRun = 300 * time.Millisecond

// session is one open notebook: the live document, the browser connections
// attached to it, its kernel and its execution queue. All fields below mu are
// guarded by it; every broadcast happens under mu, so all tabs see changes in the
// same order.
type session struct {
	srv    *Server
	ctx    context.Context
	cancel context.CancelFunc
	wake   chan struct{} // nudges the executor
	saveMu sync.Mutex    // serialises saves and renames of the file

	mu    sync.Mutex
	rel   string // path relative to the root, slash-separated
	abs   string
	nb    *notebooks.Notebook
	conns map[*wsConn]struct{}

	kernel    *client.Kernel // nil when no kernel handle exists
	kGen      int            // bumped when the handle is replaced; stale callbacks compare it
	kState    string         // what browsers are told (Kernel* constants)
	kReason   string
	kStarted  time.Time
	kStarting chan struct{} // non-nil while a start or restart is in progress
	epoch     int           // bumped by restart/shutdown: a cell running across it ends quietly

	queue       []string
	running     *browserproto.RunningCell
	lastRanCell string // where output from leftover goroutines goes

	dirty       bool
	editGen     uint64
	conflict    bool
	conflictMsg string
	disk        diskStamp
	// untrusted holds the cells whose outputs were read from a file this user has
	// not trusted (notebooks.TrustStore): browsers draw them without script. A
	// cell's new outputs are the kernel's own, so clearing them trusts the cell.
	untrusted map[string]bool
	// signed is the digest this session last recorded as trusted for its file,
	// replaced at each save so the store keeps one entry per notebook.
	signed    notebooks.Digest
	saveTimer *time.Timer
	idleTimer *time.Timer
	closed    bool
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
		nb:     nb,
		conns:  map[*wsConn]struct{}{},
		kState: browserproto.KernelNone,
		disk:   stamp,
	}
	s.setTrustLocked(nb, stamp)
	go s.executor()
	return s, nil
}

// setTrustLocked decides which of nb's outputs are trusted, nb having just been
// read from the file stamped stamp.
func (s *session) setTrustLocked(nb *notebooks.Notebook, stamp diskStamp) {
	s.untrusted = map[string]bool{}
	s.signed = notebooks.Digest{}
	if s.srv.trust.Trusted(notebooks.Digest(stamp.hash)) {
		s.signed = notebooks.Digest(stamp.hash)
		return
	}
	for _, c := range nb.Cells {
		if len(c.Outputs) > 0 {
			s.untrusted[c.ID] = true
		}
	}
}

// untrustedIDsLocked lists the untrusted cells in document order.
func (s *session) untrustedIDsLocked() []string {
	var ids []string
	for _, c := range s.nb.Cells {
		if s.untrusted[c.ID] {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// trustLocked records the notebook's content of digest d as trusted.
func (s *session) trustLocked(d notebooks.Digest) {
	if err := s.srv.trust.Replace(s.signed, d); err != nil {
		// Not fatal: the notebook opens as untrusted next time, which is safe.
		s.srv.logf("gopad server: %s: %v", s.rel, err)
		return
	}
	s.signed = d
}

// ---- broadcasting ----

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

func (s *session) setKernelStateLocked(state, reason string) {
	if s.kState == state && s.kReason == reason {
		return
	}
	s.kState, s.kReason = state, reason
	s.broadcastLocked(browserproto.KernelStatusMsg{Type: browserproto.MsgKernelStatus, State: state, Reason: reason}, nil)
}

func (s *session) snapshotLocked() browserproto.SnapshotMsg {
	var running *browserproto.RunningCell
	if s.running != nil {
		r := *s.running
		running = &r
	}
	return browserproto.SnapshotMsg{
		Type:      browserproto.MsgSnapshot,
		Notebook:  wireNotebook(s.nb),
		Kernel:    browserproto.KernelState{State: s.kState, Reason: s.kReason},
		Running:   running,
		Queued:    append([]string{}, s.queue...),
		Dirty:     s.dirty,
		Untrusted: s.untrustedIDsLocked(),
	}
}

// ---- connections ----

var errSessionClosed = errors.New("the notebook session was closed")

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
	if s.conflict {
		c.sendLocked(browserproto.ConflictMsg{Type: browserproto.MsgConflict, Message: s.conflictMsg})
	}
	if s.kernel == nil && s.kStarting == nil && s.kState != browserproto.KernelDead {
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
	if s.running != nil || len(s.queue) > 0 || s.kStarting != nil {
		s.idleTimer = time.AfterFunc(s.srv.cfg.IdleTimeout, s.idleExpired)
		s.mu.Unlock()
		return
	}
	dirty := s.dirty
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
	dirty := s.dirty
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
	for _, t := range []*time.Timer{s.saveTimer, s.idleTimer} {
		if t != nil {
			t.Stop()
		}
	}
	for c := range s.conns {
		c.shutdown()
	}
	s.conns = map[*wsConn]struct{}{}
	k := s.kernel
	s.kernel = nil
	s.kGen++
	s.epoch++
	s.mu.Unlock()
	s.saveMu.Unlock()
	if k != nil {
		stopKernel(k)
	}
	s.cancel()
}

// stopKernel shuts a kernel process down, waiting at most a few seconds.
func stopKernel(k *client.Kernel) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = k.Shutdown(ctx)
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
	return cloneForSave(s.nb)
}

// ---- kernel lifecycle ----

// launchKernelLocked starts a kernel process (or restarts the dead one) in the
// background and returns a channel closed when that finished.
func (s *session) launchKernelLocked() chan struct{} {
	if s.kStarting != nil {
		return s.kStarting
	}
	done := make(chan struct{})
	s.kStarting = done
	k := s.kernel
	if k == nil {
		s.kGen++
		s.setKernelStateLocked(browserproto.KernelStarting, "")
	} else {
		s.setKernelStateLocked(browserproto.KernelRestarting, "")
	}
	gen := s.kGen
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
		s.kStarting = nil
		close(done)
		if gen != s.kGen || s.closed {
			// Shut down or closed while starting: this kernel is not wanted.
			if k != nil && k != s.kernel {
				go k.Shutdown(context.Background())
			}
			return
		}
		if err != nil {
			s.kernel = k // nil if Start failed; a dead handle if Restart failed
			s.setKernelStateLocked(browserproto.KernelDead, "the kernel failed to start: "+err.Error())
			s.abortQueueLocked()
			return
		}
		s.kernel = k
		s.kStarted = time.Now()
		if s.running != nil {
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
	if gen != s.kGen || s.closed || s.kStarting != nil {
		return
	}
	// State changes arrive asynchronously: act only if the kernel is still in the
	// reported state (a late "restarting" must not overwrite a later "idle").
	if s.kernel == nil || s.kernel.State() != st {
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
	if s.kState == browserproto.KernelDead {
		return
	}
	s.setKernelStateLocked(browserproto.KernelDead, reason)
	s.abortQueueLocked()
}

// onStrayOutput files output that arrives between cells (from a goroutine an
// earlier cell started) under the cell that ran last.
func (s *session) onStrayOutput(gen int, m protocol.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.kGen || s.closed {
		return
	}
	id := s.lastRanCell
	if s.running != nil {
		id = s.running.CellID
	}
	s.addOutputLocked(id, m)
}

// shutdownKernel stops the kernel (from the kernels list or an idle timeout); the
// session stays open and a later run starts a fresh kernel.
func (s *session) shutdownKernel(reason string) {
	s.mu.Lock()
	k := s.kernel
	s.kernel = nil
	s.kGen++
	s.epoch++
	s.abortQueueLocked()
	s.setKernelStateLocked(browserproto.KernelNone, reason)
	s.mu.Unlock()
	if k != nil {
		stopKernel(k)
	}
}

// restartLocked replaces the kernel with a fresh process; with runAll every code cell is
// queued once it is up.
func (s *session) restartLocked(runAll bool) {
	s.abortQueueLocked()
	s.epoch++
	s.launchKernelLocked() // a running cell's Execute ends when the old process stops
	if runAll {
		var ids []string
		for _, c := range s.nb.Cells {
			if c.Type == notebooks.CodeCell {
				ids = append(ids, c.ID)
			}
		}
		s.enqueueLocked(ids)
	}
}

// kernelInfo describes the session's kernel for the kernels list.
func (s *session) kernelInfo() (browserproto.KernelInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kernel == nil && s.kStarting == nil {
		return browserproto.KernelInfo{}, false
	}
	info := browserproto.KernelInfo{Path: s.rel, State: s.kState, Clients: len(s.conns)}
	if !s.kStarted.IsZero() {
		info.Started = s.kStarted.UnixMilli()
	}
	if s.kernel != nil {
		info.PID = s.kernel.PID()
	}
	return info, true
}

// ---- execution ----

func (s *session) wakeExecutor() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *session) enqueueLocked(ids []string) {
	for _, id := range ids {
		if slices.Contains(s.queue, id) {
			continue
		}
		s.queue = append(s.queue, id)
		s.broadcastLocked(browserproto.CellStateMsg{Type: browserproto.MsgCellState, CellID: id, State: browserproto.CellQueued}, nil)
	}
	if len(s.queue) > 0 {
		if s.kernel == nil || s.kState == browserproto.KernelDead {
			s.launchKernelLocked()
		}
		s.wakeExecutor()
	}
}

// abortQueueLocked drops every queued cell (after an error, interrupt, restart or death).
func (s *session) abortQueueLocked() {
	for _, id := range s.queue {
		s.broadcastLocked(browserproto.CellStateMsg{Type: browserproto.MsgCellState, CellID: id, State: browserproto.CellIdle}, nil)
	}
	s.queue = nil
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
	if s.closed || len(s.queue) == 0 {
		s.mu.Unlock()
		return false
	}
	if s.kernel == nil || s.kStarting != nil || s.kState == browserproto.KernelDead {
		wait := s.launchKernelLocked()
		s.mu.Unlock()
		select {
		case <-wait:
			return true
		case <-s.ctx.Done():
			return false
		}
	}
	id := s.queue[0]
	s.queue = s.queue[1:]
	cell := s.nb.Cell(id)
	if cell == nil || cell.Type != notebooks.CodeCell {
		s.broadcastLocked(browserproto.CellStateMsg{Type: browserproto.MsgCellState, CellID: id, State: browserproto.CellIdle}, nil)
		s.mu.Unlock()
		return true
	}
	k, epoch, code := s.kernel, s.epoch, cell.Source
	s.clearRunResultsLocked(cell)
	start := time.Now()
	s.running = &browserproto.RunningCell{CellID: id, StartedMS: start.UnixMilli()}
	s.lastRanCell = id
	s.broadcastLocked(browserproto.CellStateMsg{Type: browserproto.MsgCellState, CellID: id, State: browserproto.CellRunning, StartedMS: s.running.StartedMS}, nil)
	s.setKernelStateLocked(browserproto.KernelBusy, "")
	s.mu.Unlock()

	sawError := false
	reply, err := k.Execute(s.ctx, code, func(m protocol.Message) {
		if m.Type == protocol.Error {
			sawError = true
		}
		s.mu.Lock()
		if epoch == s.epoch {
			s.addOutputLocked(id, m)
		}
		s.mu.Unlock()
	})
	// Offsets from start use the monotonic clock, so the recorded times are in order.
	replyAfter := time.Since(start)
	elapsed := replyAfter.Milliseconds()

	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = nil
	idle := browserproto.CellStateMsg{Type: browserproto.MsgCellState, CellID: id, State: browserproto.CellIdle, ElapsedMS: &elapsed}
	if epoch != s.epoch || s.closed {
		// Restarted or shut down while the cell ran: the cell just stops.
		s.broadcastLocked(idle, nil)
		if !s.closed && s.kStarting == nil && len(s.queue) == 0 && s.kState == browserproto.KernelBusy {
			s.setKernelStateLocked(browserproto.KernelIdle, "")
		}
		return true
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
			s.kStarted = time.Now()
		} else {
			s.kernelDiedLocked(died.Summary())
		}
	case err != nil:
		s.appendOutputLocked(id, errorOutput("GopadError", "the cell could not be run: "+err.Error()))
		s.abortQueueLocked()
	default:
		c := s.nb.Cell(id)
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
			setExecutionTimingLocked(c, start, start, start.Add(replyAfter), start.Add(time.Since(start)))
		}
		if reply.Status == protocol.ReplyError && !sawError {
			s.appendOutputLocked(id, errorOutput(reply.EName, reply.EValue, reply.Traceback...))
		}
		if reply.Status != protocol.ReplyOK {
			s.abortQueueLocked() // stop on error, as Jupyter's "run all" does
		}
	}
	s.broadcastLocked(idle, nil)
	if len(s.queue) == 0 && (s.kState == browserproto.KernelBusy || s.kState == browserproto.KernelRestarting) {
		s.setKernelStateLocked(browserproto.KernelIdle, "")
	}
	s.markDirtyLocked(saveAfterRun)
	return true
}

// addOutputLocked applies one kernel message to cell id and tells the tabs.
func (s *session) addOutputLocked(id string, m protocol.Message) {
	out, dispID, ok, err := outputFromMessage(m)
	if err != nil {
		out, ok = errorOutput("GopadError", "the kernel sent an unreadable "+m.Type+" message: "+err.Error()), true
	}
	if !ok {
		return
	}
	if m.Type == protocol.UpdateDisplayData {
		if dispID == "" {
			return
		}
		changed := false
		for _, c := range s.nb.Cells {
			for i := range c.Outputs {
				if displayID(&c.Outputs[i]) == dispID {
					c.Outputs[i] = out
					changed = true
				}
			}
		}
		if changed {
			s.broadcastLocked(browserproto.UpdateDisplayMsg{Type: browserproto.MsgUpdateDisplay, DisplayID: dispID, Output: wireOutputJSON(&out)}, nil)
			s.markDirtyLocked(s.srv.cfg.AutosaveDelay)
		}
		return
	}
	s.appendOutputLocked(id, out)
}

// appendOutputLocked adds out to cell id (merging consecutive stream text) and
// broadcasts it.
func (s *session) appendOutputLocked(id string, out notebooks.Output) {
	cell := s.nb.Cell(id)
	if cell == nil || cell.Type != notebooks.CodeCell {
		return // the cell was deleted while it ran
	}
	// cloneForSave copies outputs by value into a fresh slice, so changing the live
	// slice in place never disturbs a save in progress.
	n := len(cell.Outputs)
	if out.Type == notebooks.StreamOutput && n > 0 && cell.Outputs[n-1].Type == notebooks.StreamOutput &&
		cell.Outputs[n-1].Name == out.Name && len(cell.Outputs[n-1].Text) < streamChunk {
		last := &cell.Outputs[n-1]
		last.Text = appendStream(last.Text, out.Text)
	} else {
		cell.Outputs = append(cell.Outputs, out)
	}
	if out.Type == notebooks.StreamOutput {
		cell.Outputs = capStreams(cell.Outputs)
	}
	s.broadcastLocked(browserproto.OutputMsg{Type: browserproto.MsgOutput, CellID: id, Output: wireOutputJSON(&out)}, nil)
	s.markDirtyLocked(s.srv.cfg.AutosaveDelay)
}

// Stream text is stored in outputs of about streamChunk bytes (appending to a
// string copies it, so one ever-growing string would make long prints quadratic),
// and a cell keeps at most maxCellStream bytes of stream text: the oldest chunks
// go first, as a terminal's scrollback does.
const (
	streamChunk   = 16 << 10
	maxCellStream = 8 << 20
)

// truncatedNote marks where a cell's oldest stream output was dropped.
const truncatedNote = "[... earlier output dropped: this cell printed more than 8 MB ...]\n"

func capStreams(outs []notebooks.Output) []notebooks.Output {
	total := 0
	for i := range outs {
		if outs[i].Type == notebooks.StreamOutput {
			total += len(outs[i].Text)
		}
	}
	if total <= maxCellStream {
		return outs
	}
	kept := make([]notebooks.Output, 0, len(outs))
	noted := false
	for _, o := range outs {
		if o.Type == notebooks.StreamOutput && total > maxCellStream && o.Text != truncatedNote {
			total -= len(o.Text)
			if !noted {
				kept = append(kept, notebooks.Output{Type: notebooks.StreamOutput, Name: "stderr", Text: truncatedNote})
				noted = true
			}
			continue
		}
		if o.Type == notebooks.StreamOutput && o.Text == truncatedNote {
			if noted {
				continue
			}
			noted = true
		}
		kept = append(kept, o)
	}
	return kept
}

// ---- saving ----

// markDirtyLocked records a change and makes sure a save follows within delay.
func (s *session) markDirtyLocked(delay time.Duration) {
	s.dirty = true
	s.editGen++
	if s.closed || s.conflict {
		return
	}
	if s.saveTimer != nil {
		return
	}
	s.saveTimer = time.AfterFunc(delay, func() {
		s.mu.Lock()
		s.saveTimer = nil
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
	if s.conflict && !force {
		s.mu.Unlock()
		return errConflict
	}
	nb := cloneForSave(s.nb)
	gen, rel, stamp := s.editGen, s.rel, s.disk
	// Only a file whose every output is this user's may be recorded as trusted.
	allTrusted := len(s.untrusted) == 0
	s.mu.Unlock()

	// Through the root: links swapped into the path since the notebook was opened
	// cannot make the save read or write outside it.
	root := s.srv.rootFS
	if !force {
		if changed, why := stamp.changedOnDisk(root, rel); changed {
			s.mu.Lock()
			s.conflict, s.conflictMsg = true, why+": choose reload (take the file's version) or overwrite (keep this version)"
			s.broadcastLocked(browserproto.ConflictMsg{Type: browserproto.MsgConflict, Message: s.conflictMsg}, nil)
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
	s.disk = newStamp
	if allTrusted {
		s.trustLocked(notebooks.Digest(newStamp.hash))
	}
	s.conflict, s.conflictMsg = false, ""
	if s.editGen == gen {
		s.dirty = false
	}
	s.broadcastLocked(browserproto.SavedMsg{Type: browserproto.MsgSaved, MTime: newStamp.mtime.UnixMilli()}, nil)
	return nil
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
	s.nb = nb
	s.disk = stamp
	s.setTrustLocked(nb, stamp)
	s.conflict, s.conflictMsg = false, ""
	s.dirty = false
	s.editGen++
	// Queued cells may not exist any more; the running one keeps running and its
	// output goes nowhere if its cell is gone.
	s.abortQueueLocked()
	snap := s.snapshotLocked()
	s.broadcastLocked(snap, nil)
	return nil
}

// ---- document edits (called with the browser's message) ----

// handle applies one browser message. The returned error is reported to that
// browser only.
func (s *session) handle(c *wsConn, m *browserproto.ClientMessage) error {
	switch m.Type {
	case browserproto.MsgSave:
		err := s.save(false)
		if errors.Is(err, errConflict) {
			s.mu.Lock()
			c.sendLocked(browserproto.ConflictMsg{Type: browserproto.MsgConflict, Message: s.conflictMsg})
			s.mu.Unlock()
			return nil
		}
		return err
	case browserproto.MsgResolveConflict:
		switch m.Choice {
		case "reload":
			return s.reload()
		case "overwrite":
			return s.save(true)
		default:
			return fmt.Errorf("resolve_conflict: choice must be \"reload\" or \"overwrite\", not %q", m.Choice)
		}
	case browserproto.MsgInterrupt:
		s.mu.Lock()
		s.abortQueueLocked()
		k, running := s.kernel, s.running != nil
		s.mu.Unlock()
		if k != nil && running {
			if err := k.Interrupt(); err != nil {
				return fmt.Errorf("interrupt: %w", err)
			}
		}
		return nil
	case browserproto.MsgComplete:
		return s.complete(c, m)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errSessionClosed
	}
	switch m.Type {
	case browserproto.MsgEditCell:
		cell, err := s.cellLocked(m.CellID)
		if err != nil {
			return err
		}
		if m.Source == nil {
			return errors.New("edit_cell needs \"source\"")
		}
		if cell.Source == *m.Source {
			return nil
		}
		cell.Source = *m.Source
		s.broadcastLocked(browserproto.CellSourceMsg{Type: browserproto.MsgCellSource, CellID: cell.ID, Source: cell.Source, Origin: c.id}, c)
		s.markDirtyLocked(s.srv.cfg.AutosaveDelay)
	case browserproto.MsgInsertCell:
		if m.Index == nil || *m.Index < 0 || *m.Index > len(s.nb.Cells) {
			return fmt.Errorf("insert_cell: index must be between 0 and %d", len(s.nb.Cells))
		}
		if err := checkCellType(m.CellType); err != nil {
			return fmt.Errorf("insert_cell: %w", err)
		}
		cell := notebooks.NewCell(m.CellType, "")
		if m.Source != nil {
			cell.Source = *m.Source
		}
		if m.CellID != "" {
			if !validCellID(m.CellID) {
				return fmt.Errorf("insert_cell: cell_id %q is not valid (1-64 letters, digits, - or _)", m.CellID)
			}
			if s.nb.Cell(m.CellID) != nil {
				return fmt.Errorf("insert_cell: a cell with id %q already exists", m.CellID)
			}
			cell.ID = m.CellID
		}
		cells := make([]*notebooks.Cell, 0, len(s.nb.Cells)+1)
		cells = append(cells, s.nb.Cells[:*m.Index]...)
		cells = append(cells, cell)
		s.nb.Cells = append(cells, s.nb.Cells[*m.Index:]...)
		s.broadcastLocked(browserproto.CellInsertedMsg{Type: browserproto.MsgCellInserted, Index: *m.Index, Cell: wireCellJSON(cell)}, nil)
		s.markDirtyLocked(s.srv.cfg.AutosaveDelay)
	case browserproto.MsgDeleteCell:
		i, err := s.cellIndexLocked(m.CellID)
		if err != nil {
			return err
		}
		s.deleteCellAtLocked(i)
		s.markDirtyLocked(s.srv.cfg.AutosaveDelay)
	case browserproto.MsgMoveCell:
		i, err := s.cellIndexLocked(m.CellID)
		if err != nil {
			return err
		}
		if m.Index == nil || *m.Index < 0 || *m.Index >= len(s.nb.Cells) {
			return fmt.Errorf("move_cell: index must be between 0 and %d", len(s.nb.Cells)-1)
		}
		cell := s.nb.Cells[i]
		cells := make([]*notebooks.Cell, 0, len(s.nb.Cells))
		cells = append(cells, s.nb.Cells[:i]...)
		cells = append(cells, s.nb.Cells[i+1:]...)
		j := *m.Index
		cells = append(cells[:j], append([]*notebooks.Cell{cell}, cells[j:]...)...)
		s.nb.Cells = cells
		s.broadcastLocked(browserproto.CellMovedMsg{Type: browserproto.MsgCellMoved, CellID: cell.ID, Index: j}, nil)
		s.markDirtyLocked(s.srv.cfg.AutosaveDelay)
	case browserproto.MsgSetCellType:
		cell, err := s.cellLocked(m.CellID)
		if err != nil {
			return err
		}
		if err := checkCellType(m.CellType); err != nil {
			return fmt.Errorf("set_cell_type: %w", err)
		}
		if cell.Type == m.CellType {
			return nil
		}
		cell.Type = m.CellType
		s.broadcastLocked(browserproto.CellTypeMsg{Type: browserproto.MsgCellType, CellID: cell.ID, CellType: cell.Type}, nil)
		if cell.Type != notebooks.CodeCell {
			s.clearRunResultsLocked(cell)
		}
		s.markDirtyLocked(s.srv.cfg.AutosaveDelay)
	case browserproto.MsgSplitCell:
		i, err := s.cellIndexLocked(m.CellID)
		if err != nil {
			return err
		}
		cell := s.nb.Cells[i]
		n := utf8.RuneCountInString(cell.Source)
		if m.Offset == nil || *m.Offset < 0 || *m.Offset > n {
			return fmt.Errorf("split_cell: offset must be between 0 and %d (code points)", n)
		}
		at := byteOffset(cell.Source, *m.Offset)
		first := strings.TrimSuffix(cell.Source[:at], "\n")
		second := strings.TrimPrefix(cell.Source[at:], "\n")
		cell.Source = first
		nc := notebooks.NewCell(cell.Type, second)
		s.nb.Cells = append(s.nb.Cells[:i+1], append([]*notebooks.Cell{nc}, s.nb.Cells[i+1:]...)...)
		s.broadcastLocked(browserproto.CellSourceMsg{Type: browserproto.MsgCellSource, CellID: cell.ID, Source: first}, nil)
		s.broadcastLocked(browserproto.CellInsertedMsg{Type: browserproto.MsgCellInserted, Index: i + 1, Cell: wireCellJSON(nc)}, nil)
		s.markDirtyLocked(s.srv.cfg.AutosaveDelay)
	case browserproto.MsgMergeCells:
		if len(m.CellIDs) < 2 {
			return errors.New("merge_cells needs at least two cell_ids")
		}
		want := map[string]bool{}
		for _, id := range m.CellIDs {
			if s.nb.Cell(id) == nil {
				return fmt.Errorf("merge_cells: no cell with id %q", id)
			}
			want[id] = true
		}
		var first *notebooks.Cell
		var parts []string
		var rest []string
		for _, cell := range s.nb.Cells {
			if !want[cell.ID] {
				continue
			}
			if first == nil {
				first = cell
			} else {
				rest = append(rest, cell.ID)
			}
			parts = append(parts, cell.Source)
		}
		first.Source = strings.Join(parts, "\n")
		s.broadcastLocked(browserproto.CellSourceMsg{Type: browserproto.MsgCellSource, CellID: first.ID, Source: first.Source}, nil)
		for _, id := range rest {
			if i, err := s.cellIndexLocked(id); err == nil {
				s.deleteCellAtLocked(i)
			}
		}
		s.markDirtyLocked(s.srv.cfg.AutosaveDelay)
	case browserproto.MsgExecute:
		if len(m.CellIDs) == 0 {
			return errors.New("execute needs cell_ids")
		}
		var ids []string
		var bad []string
		for _, id := range m.CellIDs {
			cell := s.nb.Cell(id)
			switch {
			case cell == nil:
				bad = append(bad, fmt.Sprintf("no cell with id %q", id))
			case cell.Type != notebooks.CodeCell:
				// Running a markdown cell renders it (browser side); nothing to do.
			default:
				ids = append(ids, id)
			}
		}
		s.enqueueLocked(ids)
		if len(bad) > 0 {
			return fmt.Errorf("execute: %s", strings.Join(bad, "; "))
		}
	case browserproto.MsgRestart:
		s.restartLocked(m.RunAll)
	case browserproto.MsgTrust:
		// The user vouches for every output shown, as Jupyter's "Trust Notebook".
		clear(s.untrusted)
		if !s.dirty && !s.conflict {
			s.trustLocked(notebooks.Digest(s.disk.hash))
		} // else the next save records the new content as trusted
		s.broadcastLocked(browserproto.TrustedMsg{Type: browserproto.MsgTrusted}, nil)
	case browserproto.MsgClearOutputs:
		var cells []*notebooks.Cell
		if len(m.CellIDs) == 0 {
			cells = s.nb.Cells
		} else {
			for _, id := range m.CellIDs {
				cell, err := s.cellLocked(id)
				if err != nil {
					return err
				}
				cells = append(cells, cell)
			}
		}
		for _, cell := range cells {
			s.clearRunResultsLocked(cell)
		}
		s.markDirtyLocked(s.srv.cfg.AutosaveDelay)
	case "":
		return errors.New("message has no \"type\"")
	default:
		return fmt.Errorf("unknown message type %q", describe(m.Type))
	}
	return nil
}

func (s *session) deleteCellAtLocked(i int) {
	cell := s.nb.Cells[i]
	s.nb.Cells = append(s.nb.Cells[:i:i], s.nb.Cells[i+1:]...)
	delete(s.untrusted, cell.ID)
	for j, q := range s.queue {
		if q == cell.ID {
			s.queue = append(s.queue[:j:j], s.queue[j+1:]...)
			break
		}
	}
	s.broadcastLocked(browserproto.CellDeletedMsg{Type: browserproto.MsgCellDeleted, CellID: cell.ID}, nil)
}

func (s *session) cellLocked(id string) (*notebooks.Cell, error) {
	i, err := s.cellIndexLocked(id)
	if err != nil {
		return nil, err
	}
	return s.nb.Cells[i], nil
}

func (s *session) cellIndexLocked(id string) (int, error) {
	if id == "" {
		return 0, errors.New("the message needs \"cell_id\"")
	}
	for i, c := range s.nb.Cells {
		if c.ID == id {
			return i, nil
		}
	}
	return 0, fmt.Errorf("no cell with id %q", describe(id))
}

func checkCellType(t string) error {
	switch t {
	case notebooks.CodeCell, notebooks.MarkdownCell, notebooks.RawCell:
		return nil
	}
	return fmt.Errorf("cell_type must be \"code\", \"markdown\" or \"raw\", not %q", describe(t))
}

// validCellID checks nbformat's cell id pattern.
func validCellID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// byteOffset converts an offset in code points into a byte offset in s.
func byteOffset(s string, runes int) int {
	for i := range s {
		if runes == 0 {
			return i
		}
		runes--
	}
	return len(s)
}

// complete asks the kernel for completions without holding the session lock.
func (s *session) complete(c *wsConn, m *browserproto.ClientMessage) error {
	if m.CursorPos == nil {
		return errors.New("complete needs \"cursor_pos\"")
	}
	code := m.Code
	s.mu.Lock()
	k := s.kernel
	if code == "" && m.CellID != "" {
		if cell := s.nb.Cell(m.CellID); cell != nil {
			code = cell.Source
		}
	}
	ready := k != nil && s.kStarting == nil && s.kState != browserproto.KernelDead
	s.mu.Unlock()
	n := utf8.RuneCountInString(code)
	if *m.CursorPos < 0 || *m.CursorPos > n {
		return fmt.Errorf("complete: cursor_pos must be between 0 and %d (code points)", n)
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
			s.srv.logf("gopad server: %s: completion failed: %v", s.rel, err)
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

// executionMetadataKey is the cell metadata key under which Jupyter (JupyterLab's
// "record timing" setting) keeps the timestamps of a cell's last run; gopad writes
// the same four, so the timing survives a reload and reads the same in Jupyter.
const executionMetadataKey = "execution"

// jupyterTimeLayout is RFC 3339 in UTC with milliseconds, as Jupyter writes times.
const jupyterTimeLayout = "2006-01-02T15:04:05.000Z"

// setExecutionTimingLocked records a run's timestamps in the cell's metadata. The
// map is replaced, never mutated: saves and exports read copies of it outside the lock.
func setExecutionTimingLocked(c *notebooks.Cell, busy, input, reply, idle time.Time) {
	meta := maps.Clone(c.Metadata)
	if meta == nil {
		meta = map[string]any{}
	}
	meta[executionMetadataKey] = map[string]any{
		"iopub.status.busy":   busy.UTC().Format(jupyterTimeLayout),
		"iopub.execute_input": input.UTC().Format(jupyterTimeLayout),
		"shell.execute_reply": reply.UTC().Format(jupyterTimeLayout),
		"iopub.status.idle":   idle.UTC().Format(jupyterTimeLayout),
	}
	c.Metadata = meta
}

// hasExecutionTiming reports whether the cell's metadata holds run timestamps.
func hasExecutionTiming(c *notebooks.Cell) bool {
	_, ok := c.Metadata[executionMetadataKey]
	return ok
}

// clearExecutionTimingLocked removes the run timestamps, as Jupyter does when it
// clears outputs (copy-on-write, like setExecutionTimingLocked).
func clearExecutionTimingLocked(c *notebooks.Cell) {
	if !hasExecutionTiming(c) {
		return
	}
	meta := maps.Clone(c.Metadata)
	delete(meta, executionMetadataKey)
	c.Metadata = meta
}

// clearRunResultsLocked drops a cell's outputs, execution count and run timing and
// tells the tabs, when there is anything to clear.
func (s *session) clearRunResultsLocked(c *notebooks.Cell) {
	delete(s.untrusted, c.ID)
	if len(c.Outputs) == 0 && c.ExecutionCount == nil && !hasExecutionTiming(c) {
		return
	}
	c.Outputs, c.ExecutionCount = nil, nil
	clearExecutionTimingLocked(c)
	s.broadcastLocked(browserproto.OutputsClearedMsg{Type: browserproto.MsgOutputsCleared, CellID: c.ID}, nil)
}
