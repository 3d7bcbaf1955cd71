package server

import (
	"encoding/json"
	"maps"
	"strings"
	"time"

	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// This file turns what a kernel sends into a cell's outputs: message conversion,
// stream merging and capping, display updates, and the run timing kept in a cell's
// metadata.

// appendOutput adds out to cell id (merging consecutive stream text). A cell that
// was deleted or stopped being code while it ran gets nothing.
func (d *document) appendOutput(id string, out notebooks.Output) []event {
	cell := d.nb.Cell(id)
	if cell == nil || cell.Type != notebooks.CodeCell {
		return nil
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
	return []event{browserproto.OutputMsg{Type: browserproto.MsgOutput, CellID: id, Output: wireOutputJSON(&out)}}
}

// updateDisplay replaces every output, in any cell, whose display id is dispID.
func (d *document) updateDisplay(dispID string, out notebooks.Output) []event {
	if dispID == "" {
		return nil
	}
	changed := false
	for _, c := range d.nb.Cells {
		for i := range c.Outputs {
			if displayID(&c.Outputs[i]) == dispID {
				c.Outputs[i] = out
				changed = true
			}
		}
	}
	if !changed {
		return nil
	}
	return []event{browserproto.UpdateDisplayMsg{Type: browserproto.MsgUpdateDisplay, DisplayID: dispID, Output: wireOutputJSON(&out)}}
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

// appendStream adds text to a stream's stored text, resolving carriage returns so
// that a progress line rewritten thousands of times is stored once.
func appendStream(stored, text string) string {
	combined := stored + text
	if !strings.Contains(combined, "\r") {
		return combined
	}
	lines := strings.SplitAfter(combined, "\n")
	var b strings.Builder
	b.Grow(len(combined))
	for _, line := range lines {
		body, nl := strings.CutSuffix(line, "\n")
		if i := strings.LastIndex(body, "\r"); i >= 0 {
			if i == len(body)-1 {
				// The line ends in \r: keep the last complete version and the \r,
				// so the next write replaces it.
				prev := body[:i]
				if j := strings.LastIndex(prev, "\r"); j >= 0 {
					prev = prev[j+1:]
				}
				body = prev + "\r"
			} else {
				body = body[i+1:]
			}
		}
		b.WriteString(body)
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// displayID returns the transient display id of a live output, or "".
func displayID(o *notebooks.Output) string {
	raw, ok := o.Extra[transientKey]
	if !ok {
		return ""
	}
	var t protocol.Transient
	if json.Unmarshal(raw, &t) != nil {
		return ""
	}
	return t.DisplayID
}

// outputFromMessage converts a kernel output message into an nbformat output.
// ok is false for messages that are not outputs (status, replies).
func outputFromMessage(m protocol.Message) (out notebooks.Output, dispID string, ok bool, err error) {
	switch m.Type {
	case protocol.Stream:
		var c protocol.StreamContent
		if err := m.Decode(&c); err != nil {
			return out, "", false, err
		}
		name := c.Name
		if name != "stderr" {
			name = "stdout"
		}
		return notebooks.Output{Type: notebooks.StreamOutput, Name: name, Text: c.Text}, "", true, nil
	case protocol.DisplayData, protocol.UpdateDisplayData:
		var c protocol.DisplayDataContent
		if err := m.Decode(&c); err != nil {
			return out, "", false, err
		}
		out = notebooks.Output{Type: notebooks.DisplayDataOutput, Data: map[string]any(c.Data), Metadata: c.Metadata}
		if c.Transient.DisplayID != "" {
			raw, _ := json.Marshal(protocol.Transient{DisplayID: c.Transient.DisplayID})
			out.Extra = map[string]json.RawMessage{transientKey: raw}
		}
		return out, c.Transient.DisplayID, true, nil
	case protocol.ExecuteResult:
		var c protocol.ExecuteResultContent
		if err := m.Decode(&c); err != nil {
			return out, "", false, err
		}
		n := c.ExecutionCount
		return notebooks.Output{Type: notebooks.ExecuteResultOutput, Data: map[string]any(c.Data), Metadata: c.Metadata, ExecutionCount: &n}, "", true, nil
	case protocol.Error:
		var c protocol.ErrorContent
		if err := m.Decode(&c); err != nil {
			return out, "", false, err
		}
		return notebooks.Output{Type: notebooks.ErrorOutput, EName: c.EName, EValue: c.EValue, Traceback: c.Traceback}, "", true, nil
	}
	return out, "", false, nil
}

// errorOutput builds an error output the server itself reports in a cell.
func errorOutput(ename, evalue string, traceback ...string) notebooks.Output {
	if traceback == nil {
		traceback = []string{}
	}
	return notebooks.Output{Type: notebooks.ErrorOutput, EName: ename, EValue: evalue, Traceback: traceback}
}

// executionMetadataKey is the cell metadata key under which Jupyter (JupyterLab's
// "record timing" setting) keeps the timestamps of a cell's last run; gopad writes
// the same four, so the timing survives a reload and reads the same in Jupyter.
const executionMetadataKey = "execution"

// jupyterTimeLayout is RFC 3339 in UTC with milliseconds, as Jupyter writes times.
const jupyterTimeLayout = "2006-01-02T15:04:05.000Z"

// setExecutionTiming records a run's timestamps in the cell's metadata. The map
// is replaced, never mutated: saves and exports read copies of it outside the
// session's lock.
func setExecutionTiming(c *notebooks.Cell, busy, input, reply, idle time.Time) {
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

// clearExecutionTiming removes the run timestamps, as Jupyter does when it clears
// outputs (copy-on-write, like setExecutionTiming).
func clearExecutionTiming(c *notebooks.Cell) {
	if !hasExecutionTiming(c) {
		return
	}
	meta := maps.Clone(c.Metadata)
	delete(meta, executionMetadataKey)
	c.Metadata = meta
}
