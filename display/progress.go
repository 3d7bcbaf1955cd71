package display

import (
	"fmt"
	"sync"
	"time"

	"gopad.dev/gopad/internal/progress"
)

// progressNoteInterval limits how often changes that do not move the whole
// percentage (a new note, a count without a total) republish a progress bar, so
// that a loop calling Set on every step does not flood the notebook.
const progressNoteInterval = 100 * time.Millisecond

// progressClock is the progress bars' clock; tests replace it to step time
// exactly instead of depending on how fast the machine runs.
var progressClock = time.Now

// ProgressBar is a progress bar shown in a cell's output and updated in place.
// It is safe for concurrent use.
type ProgressBar struct {
	mu        sync.Mutex
	handle    *Handle
	label     string
	total     int
	n         int
	note      string
	start     time.Time
	lastPct   int
	lastNote  string
	lastN     int
	lastShown time.Time
	finished  bool
}

// NewProgress shows a progress bar for total steps with the given label and
// returns it; Set moves it. A total of 0 or less shows a bar that only counts.
func NewProgress(total int, label string) *ProgressBar {
	p := &ProgressBar{handle: NewHandle(), label: label, total: total, start: progressClock(), lastPct: -1}
	p.lastShown, p.lastPct = p.start, p.percent()
	p.handle.Show(p.bundle())
	return p
}

// Set records that n steps are done, with an optional note (e.g. the current
// loss). The display is refreshed when the whole percentage changes, when the
// bar completes, and otherwise at most every 100 ms, so that calling Set on
// every step of a fast loop is cheap. Finish always shows the final state.
func (p *ProgressBar) Set(n int, note string) {
	p.mu.Lock()
	p.n, p.note = n, note
	pct := p.percent()
	now := progressClock()
	refresh := pct != p.lastPct || p.done() ||
		((note != p.lastNote || n != p.lastN) && now.Sub(p.lastShown) >= progressNoteInterval)
	if !refresh {
		p.mu.Unlock()
		return
	}
	p.lastPct, p.lastNote, p.lastN, p.lastShown = pct, note, n, now
	b := p.bundle()
	p.mu.Unlock()
	p.handle.Update(b)
}

// Add advances the bar by delta steps, keeping the note.
func (p *ProgressBar) Add(delta int) {
	p.mu.Lock()
	n, note := p.n+delta, p.note
	p.mu.Unlock()
	p.Set(n, note)
}

// Finish shows the bar's final state with the given note, whatever the
// throttle. A terminal (gopad run) prints a finished bar as a permanent line.
func (p *ProgressBar) Finish(note string) {
	p.mu.Lock()
	if p.total > 0 && p.n < p.total {
		p.n = p.total
	}
	p.note, p.finished = note, true
	p.lastPct, p.lastNote, p.lastShown = p.percent(), note, progressClock()
	b := p.bundle()
	p.mu.Unlock()
	p.handle.Update(b)
}

// Handle returns the display handle the bar updates.
func (p *ProgressBar) Handle() *Handle { return p.handle }

// RenderMIME renders the bar's current state.
func (p *ProgressBar) RenderMIME() Bundle {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bundle()
}

func (p *ProgressBar) done() bool { return p.total > 0 && p.n >= p.total }

// percent returns the whole percentage done, or -1 for a bar without a total.
func (p *ProgressBar) percent() int {
	if p.total <= 0 {
		return -1
	}
	return max(0, min(100, p.n*100/p.total))
}

func (p *ProgressBar) bundle() Bundle {
	elapsed := progressClock().Sub(p.start).Round(100 * time.Millisecond)
	pct := p.percent()
	var status string
	if pct >= 0 {
		status = fmt.Sprintf("%d/%d (%d%%) %s", p.n, p.total, pct, elapsed)
	} else {
		status = fmt.Sprintf("%d %s", p.n, elapsed)
	}
	if p.note != "" {
		status += "  " + p.note
	}
	s := progress.State{Label: p.label, Done: p.n, Total: p.total, Status: status, Finished: p.finished}
	return Bundle{MIMEHTML: s.HTML(), MIMEText: s.Text(), MIMEProgress: s.JSON()}
}
