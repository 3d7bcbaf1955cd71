// Package console prints what a kernel sends as text, for `gopad run` and
// `gopad repl`: stream text as printed, results and rich outputs as their
// text/plain form, errors as their traceback, all in the order they happened.
//
// Progress displays (a display.ProgressBar, the training bar) carry their
// state as JSON (package internal/progress). On a terminal the bar is one
// line redrawn in place below everything else, with each log line (one per
// training epoch) printed above it once; elsewhere (a file, a pipe) only the
// log lines and the final line are printed, one line each, with no escape
// sequences.
package console

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/term"

	"gopad.dev/gopad/internal/progress"
	"gopad.dev/gopad/internal/table"
	"gopad.dev/gopad/kernel/protocol"
)

// Printer shows a cell's messages as text. It is safe for concurrent use.
type Printer struct {
	Stdout, Stderr io.Writer
	// Terminal means Stdout is a terminal: a progress bar redraws in place,
	// and an update of the display printed last overwrites it. Otherwise
	// updates of other displays are held back and their final state printed
	// once, before the next output or when the cell ends (Flush), since a log
	// of every redraw would repeat the same output many times.
	Terminal bool
	// Width returns the terminal's width in columns, or 0 if unknown; the bar
	// line is cut to fit, since a wrapped line cannot be redrawn in place.
	Width func() int

	mu sync.Mutex
	// lastDisplay is the display id of the last thing printed, and how many
	// lines it took (terminals only).
	lastDisplay      string
	lastDisplayLines int
	// midLine is set when the last text printed did not end a line.
	midLine bool
	// updated holds the latest text of displays updated since they were
	// printed, in the order of their first update.
	updated      map[string]string
	updatedOrder []string
	// bars holds the progress displays of the cell by display id.
	bars map[string]*bar
	// live is the bar shown on the terminal's last line, or nil; liveDrawn
	// says it is drawn there now.
	live      *bar
	liveDrawn bool
}

// bar is what the printer knows of one progress display.
type bar struct {
	state   progress.State
	printed int  // log lines printed
	ended   bool // its final line is printed
}

// New returns a Printer that finds out whether stdout is a terminal, and its
// width.
func New(stdout, stderr io.Writer) *Printer {
	p := &Printer{Stdout: stdout, Stderr: stderr}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.Terminal = true
		p.Width = func() int {
			w, _, err := term.GetSize(int(f.Fd()))
			if err != nil {
				return 0
			}
			return w
		}
	}
	return p
}

// Show prints one message; messages without visible content are ignored.
func (p *Printer) Show(m protocol.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch m.Type {
	case protocol.Stream:
		var c protocol.StreamContent
		if m.Decode(&c) != nil || c.Text == "" {
			return
		}
		p.flushUpdated()
		w := p.Stdout
		if c.Name == "stderr" {
			w = p.Stderr
		}
		p.write(w, c.Text)
		p.lastDisplay = ""
	case protocol.ExecuteResult, protocol.DisplayData, protocol.UpdateDisplayData:
		var c struct {
			Data      protocol.MIMEBundle `json:"data"`
			Transient protocol.Transient  `json:"transient"`
		}
		if m.Decode(&c) != nil {
			return
		}
		id := c.Transient.DisplayID
		update := m.Type == protocol.UpdateDisplayData
		if s, err := progress.FromJSON(c.Data[progress.MIMEType]); err == nil && id != "" {
			if !update {
				p.flushUpdated()
			}
			p.showProgress(id, s)
			return
		}
		text := strings.TrimRight(PlainText(c.Data), "\n") + "\n"
		if update {
			if p.Terminal && id != "" && id == p.lastDisplay && text != "\n" {
				if p.liveDrawn {
					// The bar is drawn under the display: to the start of its line.
					io.WriteString(p.Stdout, "\r")
					p.liveDrawn = false
				}
				// Cursor up over the previous rendering, clear to the end of the screen.
				fmt.Fprintf(p.Stdout, "\x1b[%dA\x1b[J", p.lastDisplayLines)
				io.WriteString(p.Stdout, text)
				p.lastDisplayLines = strings.Count(text, "\n")
				p.drawLive()
				return
			}
			if p.updated == nil {
				p.updated = map[string]string{}
			}
			if _, seen := p.updated[id]; !seen {
				p.updatedOrder = append(p.updatedOrder, id)
			}
			p.updated[id] = text
			return
		}
		p.flushUpdated()
		if text == "\n" {
			return // nothing to print (a live chart shows its text when done)
		}
		p.write(p.Stdout, text)
		p.lastDisplay, p.lastDisplayLines = id, strings.Count(text, "\n")
	case protocol.Error:
		var c protocol.ErrorContent
		if m.Decode(&c) != nil {
			return
		}
		p.flushUpdated()
		p.write(p.Stderr, strings.Join(c.Traceback, "\n")+"\n")
		p.lastDisplay = ""
	}
}

// write prints permanent text: the bar on the terminal's last line is
// cleared first and drawn again under the text once the text ends a line.
func (p *Printer) write(w io.Writer, text string) {
	p.clearLive()
	io.WriteString(w, text)
	p.midLine = !strings.HasSuffix(text, "\n")
	if !p.midLine {
		p.drawLive()
	}
}

// showProgress prints what is new in a progress display: its log lines, and
// its last line when it is finished; on a terminal an unfinished bar becomes
// the live line.
func (p *Printer) showProgress(id string, s *progress.State) {
	if p.bars == nil {
		p.bars = map[string]*bar{}
	}
	b := p.bars[id]
	if b == nil {
		b = &bar{}
		p.bars[id] = b
	}
	b.state = *s
	var lines []string
	if first := s.Logged - len(s.Log); first > b.printed {
		lines = append(lines, fmt.Sprintf("(%d lines not shown)", first-b.printed))
	}
	for i, line := range s.Log {
		if s.Logged-len(s.Log)+i >= b.printed {
			lines = append(lines, line)
		}
	}
	b.printed = max(b.printed, s.Logged)
	if s.Finished && !b.ended {
		lines = append(lines, s.Line(progress.BarWidth))
		b.ended = true
	}
	if !p.Terminal {
		if len(lines) > 0 {
			p.write(p.Stdout, strings.Join(lines, "\n")+"\n")
		}
		return
	}
	if p.live != nil && p.live != b {
		// Another bar was live: it stays as it was drawn, and this one is live.
		p.endLive()
	}
	if !b.ended {
		p.live = b
	} else if p.live == b {
		p.clearLive()
		p.live = nil
	}
	p.lastDisplay = ""
	if len(lines) > 0 {
		p.write(p.Stdout, strings.Join(lines, "\n")+"\n")
	} else {
		p.drawLive()
	}
}

// liveLine is the live bar's line, cut to the terminal's width.
func (p *Printer) liveLine() string {
	s := &p.live.state
	line := s.Line(progress.BarWidth)
	width := 0
	if p.Width != nil {
		width = p.Width()
	}
	if width <= 0 {
		return line
	}
	if n := utf8.RuneCountInString(line); n >= width {
		// A shorter bar first, then the end of the status.
		line = s.Line(max(10, progress.BarWidth-(n-width+1)))
		if r := []rune(line); len(r) >= width {
			line = string(r[:width-2]) + "…"
		}
	}
	return line
}

// drawLive draws the live bar on the current line, after ending a line the
// cell left unfinished.
func (p *Printer) drawLive() {
	if p.live == nil || !p.Terminal {
		return
	}
	if p.midLine {
		io.WriteString(p.Stdout, "\n")
		p.midLine = false
	}
	io.WriteString(p.Stdout, "\r"+p.liveLine()+"\x1b[K")
	p.liveDrawn = true
}

// clearLive erases the live bar's line, leaving the cursor at its start.
func (p *Printer) clearLive() {
	if p.liveDrawn {
		io.WriteString(p.Stdout, "\r\x1b[K")
		p.liveDrawn = false
	}
}

// endLive leaves the live bar on the screen as it is and ends its line.
func (p *Printer) endLive() {
	if p.liveDrawn {
		io.WriteString(p.Stdout, "\n")
		p.liveDrawn = false
	}
	p.live = nil
}

// flushUpdated prints the final state of displays updated since they were
// printed, before anything else is printed.
func (p *Printer) flushUpdated() {
	order := p.updatedOrder
	p.updatedOrder = nil
	for _, id := range order {
		text := p.updated[id]
		delete(p.updated, id)
		if text == "\n" {
			continue
		}
		p.write(p.Stdout, text)
		p.lastDisplay, p.lastDisplayLines = id, strings.Count(text, "\n")
	}
}

// Flush prints what the cell left unprinted: the final state of updated
// displays, and the last line of progress displays that were never finished
// (on a terminal the live bar's line is ended). Call it when a cell has
// finished.
func (p *Printer) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushUpdated()
	if p.Terminal {
		p.endLive()
	} else {
		var ids []string
		for id, b := range p.bars {
			if !b.ended {
				ids = append(ids, id)
			}
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			p.write(p.Stdout, p.bars[id].state.Line(progress.BarWidth)+"\n")
		}
	}
	if p.Terminal && p.midLine {
		// The next prompt starts on a line of its own.
		io.WriteString(p.Stdout, "\n")
		p.midLine = false
	}
	p.bars, p.live, p.lastDisplay = nil, nil, ""
}

// PlainText returns a MIME bundle's text/plain form, a table's text when it
// has none, or a note naming its types.
func PlainText(b protocol.MIMEBundle) string {
	switch v := b["text/plain"].(type) {
	case string:
		return v
	case []any: // nbformat's list-of-lines form
		var sb strings.Builder
		for _, line := range v {
			if s, ok := line.(string); ok {
				sb.WriteString(s)
			}
		}
		return sb.String()
	}
	if t, err := table.FromJSON(b[table.MIMEType]); err == nil {
		return t.Text(textMaxRows)
	}
	types := make([]string, 0, len(b))
	for t := range b {
		types = append(types, t)
	}
	sort.Strings(types)
	return fmt.Sprintf("<output of type %s; open the notebook in gopad to see it>", strings.Join(types, ", "))
}

// textMaxRows is how many rows of a table are printed, as display prints them.
const textMaxRows = 40
