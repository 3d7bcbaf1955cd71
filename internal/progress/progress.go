// Package progress is gopad's one model of a progress display: a bar, a status
// line and a log of permanent lines (one per training epoch, say), with one
// printer per output format: a line of text for terminals and text/plain, HTML
// for notebooks, and the JSON form that travels under [MIMEType].
//
// Package display (progress bars) and the kernel's training view build these
// displays and update them in place by display ID. The JSON form lets a terminal
// printer (gopad run, gopad repl) redraw the bar on one line and print the log
// in order with the cell's other output; notebooks show the HTML.
package progress

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
)

// MIMEType is the MIME type of the JSON form of a [State].
const MIMEType = "application/vnd.gopad.progress+json"

// BarWidth is the width of the text bar in the text/plain form.
const BarWidth = 30

// State is what a progress display shows at one moment.
type State struct {
	// Label names what progresses; it may be empty.
	Label string `json:"label,omitempty"`
	// Done of Total steps; a Total of 0 or less shows a count without a bar.
	Done  int `json:"done"`
	Total int `json:"total"`
	// Status is the line beside the bar: counts, time, the current loss...
	Status string `json:"status"`
	// Log holds the permanent lines added since the display's previous
	// message, oldest first: a reader that sees every message (a terminal
	// printer) prints each line once, in order. The HTML and text/plain forms
	// show the last one under the bar while the display is not finished.
	Log []string `json:"log,omitempty"`
	// Logged counts the permanent lines in all, those of Log included: a
	// reader that has printed fewer than Logged-len(Log) missed some.
	Logged int `json:"logged,omitempty"`
	// LastLog is the latest permanent line, in this message or an earlier one.
	LastLog string `json:"last_log,omitempty"`
	// Finished says the display will not change again.
	Finished bool `json:"finished,omitempty"`
}

// Line returns the display as one line of text: the label, a bar of barWidth
// cells when there is a total, and the status.
func (s *State) Line(barWidth int) string {
	var parts []string
	if s.Label != "" {
		parts = append(parts, s.Label)
	}
	if s.Total > 0 && barWidth > 0 {
		parts = append(parts, Bar(s.Done, s.Total, barWidth))
	}
	if s.Status != "" {
		parts = append(parts, s.Status)
	}
	return strings.Join(parts, " ")
}

// Bar draws [#####.....] for done of total in width cells.
func Bar(done, total, width int) string {
	if total <= 0 || width <= 0 {
		return ""
	}
	done = max(0, min(done, total))
	filled := done * width / total
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}

// Text returns the text/plain form: the line, and under it the latest log
// line while the display is not finished.
func (s *State) Text() string {
	text := s.Line(BarWidth)
	if !s.Finished && s.LastLog != "" {
		text += "\n" + s.LastLog
	}
	return text
}

// HTML returns the HTML form: a <progress> element when there is a total,
// the label and status beside it, and the latest log line under it while the
// display is not finished.
func (s *State) HTML() string {
	var b strings.Builder
	b.WriteString(`<div class="gopad-progress" style="font-family:monospace">`)
	b.WriteString(`<div style="display:flex;align-items:center;gap:8px">`)
	if s.Label != "" {
		fmt.Fprintf(&b, "<span>%s</span>", html.EscapeString(s.Label))
	}
	if s.Total > 0 {
		fmt.Fprintf(&b, `<progress value="%d" max="%d" style="width:240px"></progress>`, max(0, min(s.Done, s.Total)), s.Total)
	}
	fmt.Fprintf(&b, "<span>%s</span></div>", html.EscapeString(s.Status))
	if !s.Finished && s.LastLog != "" {
		fmt.Fprintf(&b, `<div style="opacity:0.75">%s</div>`, html.EscapeString(s.LastLog))
	}
	b.WriteString("</div>")
	return b.String()
}

// JSON returns the JSON form as a JSON value (maps and slices), as MIME
// bundles hold it.
func (s *State) JSON() map[string]any {
	raw, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("progress: encode %+v: %v", s, err)) // strings and ints always encode
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(fmt.Sprintf("progress: decode %s: %v", raw, err))
	}
	return m
}

// FromJSON reads the JSON form, as decoded by encoding/json.
func FromJSON(v any) (*State, error) {
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("progress: the JSON form is a %T, want an object", v)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	var s State
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("progress: read the JSON form: %w", err)
	}
	return &s, nil
}
