package runner

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"golang.org/x/term"

	"gopad.dev/gopad/kernel/protocol"
)

// Printer shows a cell's messages as text: stream text as printed, results and
// rich outputs as their text/plain form, errors as their traceback. It is shared
// by `gopad run` and `gopad repl`. It is safe for concurrent use.
type Printer struct {
	Stdout, Stderr io.Writer
	// Terminal means Stdout is a terminal: an update of the display printed last
	// overwrites it in place (a progress bar redraws). Otherwise updates are held
	// back and Flush prints the final state of each updated display once, since a
	// log of every redraw would repeat the same output many times.
	Terminal bool

	mu sync.Mutex
	// lastDisplay is the display id of the last thing printed, and how many lines
	// it took.
	lastDisplay      string
	lastDisplayLines int
	// updated holds the latest text of displays updated since the last Flush, in
	// the order of their first update (non-terminals only).
	updated      map[string]string
	updatedOrder []string
}

// NewPrinter returns a Printer that detects whether stdout is a terminal.
func NewPrinter(stdout, stderr io.Writer) *Printer {
	return &Printer{Stdout: stdout, Stderr: stderr, Terminal: IsTerminal(stdout)}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Show prints one message; messages without visible content are ignored.
func (p *Printer) Show(m protocol.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch m.Type {
	case protocol.Stream:
		var c protocol.StreamContent
		if m.Decode(&c) != nil {
			return
		}
		p.lastDisplay = ""
		if c.Name == "stderr" {
			io.WriteString(p.Stderr, c.Text)
		} else {
			io.WriteString(p.Stdout, c.Text)
		}
	case protocol.ExecuteResult, protocol.DisplayData, protocol.UpdateDisplayData:
		var c struct {
			Data      protocol.MIMEBundle `json:"data"`
			Transient protocol.Transient  `json:"transient"`
		}
		if m.Decode(&c) != nil {
			return
		}
		text := strings.TrimRight(PlainText(c.Data), "\n") + "\n"
		id := c.Transient.DisplayID
		if m.Type == protocol.UpdateDisplayData {
			if !p.Terminal {
				if p.updated == nil {
					p.updated = map[string]string{}
				}
				if _, seen := p.updated[id]; !seen {
					p.updatedOrder = append(p.updatedOrder, id)
				}
				p.updated[id] = text
				return
			}
			if id != "" && id == p.lastDisplay {
				// Cursor up over the previous rendering, clear to the end of the screen.
				fmt.Fprintf(p.Stdout, "\x1b[%dA\x1b[J", p.lastDisplayLines)
			}
		}
		io.WriteString(p.Stdout, text)
		p.lastDisplay = id
		p.lastDisplayLines = strings.Count(text, "\n")
	case protocol.Error:
		var c protocol.ErrorContent
		if m.Decode(&c) != nil {
			return
		}
		p.lastDisplay = ""
		fmt.Fprintln(p.Stderr, strings.Join(c.Traceback, "\n"))
	}
}

// Flush prints the final state of displays that were updated since the last
// Flush and not printed (on a non-terminal). Call it when a cell has finished.
func (p *Printer) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, id := range p.updatedOrder {
		io.WriteString(p.Stdout, p.updated[id])
	}
	p.updated, p.updatedOrder = nil, nil
}

// PlainText returns a MIME bundle's text/plain form, or a note naming its types.
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
	types := make([]string, 0, len(b))
	for t := range b {
		types = append(types, t)
	}
	sort.Strings(types)
	return fmt.Sprintf("<output of type %s; open the notebook in gopad to see it>", strings.Join(types, ", "))
}
