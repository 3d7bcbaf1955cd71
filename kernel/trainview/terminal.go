package trainview

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"gopad.dev/gopad/ml"
)

// Terminal returns a training view for terminals (gopad run, the CLI): a one-line
// progress bar redrawn in place with a carriage return, a summary line per epoch
// and one when training ends. It writes no escape sequences, so its output stays
// readable when redirected to a file. interrupted may be nil.
func Terminal(w io.Writer, interrupted func() bool) ml.Progress {
	return &terminalView{w: w, interrupted: interrupted}
}

// TerminalFactory returns a constructor of terminal views for ml.SetDefaultProgress.
func TerminalFactory(w io.Writer, interrupted func() bool) func() ml.Progress {
	return func() ml.Progress { return Terminal(w, interrupted) }
}

type terminalView struct {
	mu          sync.Mutex
	w           io.Writer
	interrupted func() bool
	run         run
	lineLen     int // length of the bar line currently shown, 0 if none
}

func (v *terminalView) Begin(info ml.FitInfo) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.run.begin(info)
	v.lineLen = 0
}

func (v *terminalView) Batch(s ml.BatchStats) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.run.batch(s) {
		done, total := v.run.steps()
		line := v.run.status("  ")
		if total > 0 {
			line = textBar(done, total, 24) + " " + line
		}
		v.drawBar(line)
	}
}

func (v *terminalView) Epoch(s ml.EpochStats) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.run.epochs = append(v.run.epochs, s)
	v.printLine(epochSummary(s, "  "))
}

func (v *terminalView) End(h *ml.History) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.printLine(v.run.endSummary(h, "  "))
}

func (v *terminalView) Stopped() bool {
	return v.interrupted != nil && v.interrupted()
}

// drawBar replaces the current bar line, padding with spaces over a longer
// previous one.
func (v *terminalView) drawBar(line string) {
	pad := ""
	if n := len([]rune(line)); n < v.lineLen {
		pad = strings.Repeat(" ", v.lineLen-n)
	}
	fmt.Fprintf(v.w, "\r%s%s", line, pad)
	v.lineLen = len([]rune(line))
}

// printLine writes a permanent line where the bar was.
func (v *terminalView) printLine(line string) {
	if v.lineLen > 0 {
		pad := ""
		if n := len([]rune(line)); n < v.lineLen {
			pad = strings.Repeat(" ", v.lineLen-n)
		}
		fmt.Fprintf(v.w, "\r%s%s\n", line, pad)
		v.lineLen = 0
		return
	}
	fmt.Fprintln(v.w, line)
}
