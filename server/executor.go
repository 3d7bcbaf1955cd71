package server

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

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
