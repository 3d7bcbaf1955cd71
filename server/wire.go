package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/notebooks"
)

// transientKey is where a live output keeps its display id (in Output.Extra). It is
// never saved: cloneForSave strips it, as Jupyter does not store transient data.
const transientKey = "transient"

// wireNotebook encodes the live document for a snapshot: nbformat's shape, with
// every multi-line string as one string (never a list of lines) and live outputs
// keeping their "transient" display ids.
func wireNotebook(nb *notebooks.Notebook) json.RawMessage {
	cells := make([]map[string]any, 0, len(nb.Cells))
	for _, c := range nb.Cells {
		cells = append(cells, wireCell(c))
	}
	meta := nb.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	raw, err := json.Marshal(map[string]any{
		"cells":          cells,
		"metadata":       meta,
		"nbformat":       notebooks.FormatMajor,
		"nbformat_minor": notebooks.FormatMinor,
	})
	if err != nil {
		// Only unencodable metadata (NaN read from a file?) gets here; send the cells.
		raw, _ = json.Marshal(map[string]any{"cells": cells, "metadata": map[string]any{}, "nbformat": notebooks.FormatMajor, "nbformat_minor": notebooks.FormatMinor})
	}
	return raw
}

func wireCell(c *notebooks.Cell) map[string]any {
	m := map[string]any{}
	for k, v := range c.Extra {
		m[k] = v
	}
	m["id"] = c.ID
	m["cell_type"] = c.Type
	m["source"] = c.Source
	m["metadata"] = nonNil(c.Metadata)
	if c.Type == notebooks.CodeCell {
		outs := make([]map[string]any, 0, len(c.Outputs))
		for i := range c.Outputs {
			outs = append(outs, wireOutput(&c.Outputs[i]))
		}
		m["outputs"] = outs
		if c.ExecutionCount != nil {
			m["execution_count"] = *c.ExecutionCount
		} else {
			m["execution_count"] = nil
		}
	}
	if len(c.Attachments) > 0 {
		m["attachments"] = c.Attachments
	}
	return m
}

func wireCellJSON(c *notebooks.Cell) json.RawMessage {
	raw, err := json.Marshal(wireCell(c))
	if err != nil {
		raw, _ = json.Marshal(map[string]any{"id": c.ID, "cell_type": c.Type, "source": c.Source, "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil})
	}
	return raw
}

func wireOutput(o *notebooks.Output) map[string]any {
	m := map[string]any{}
	for k, v := range o.Extra {
		m[k] = v
	}
	m["output_type"] = o.Type
	switch o.Type {
	case notebooks.StreamOutput:
		m["name"] = o.Name
		m["text"] = o.Text
	case notebooks.DisplayDataOutput, notebooks.ExecuteResultOutput:
		m["data"] = nonNil(o.Data)
		m["metadata"] = nonNil(o.Metadata)
		if o.Type == notebooks.ExecuteResultOutput {
			if o.ExecutionCount != nil {
				m["execution_count"] = *o.ExecutionCount
			} else {
				m["execution_count"] = nil
			}
		}
	case notebooks.ErrorOutput:
		m["ename"] = o.EName
		m["evalue"] = o.EValue
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["traceback"] = tb
	}
	return m
}

func wireOutputJSON(o *notebooks.Output) json.RawMessage {
	raw, err := json.Marshal(wireOutput(o))
	if err != nil {
		fallback := notebooks.Output{Type: notebooks.ErrorOutput, EName: "OutputError", EValue: "this output cannot be shown: " + err.Error()}
		raw, _ = json.Marshal(wireOutput(&fallback))
	}
	return raw
}

func nonNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
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

// cloneDocument copies a notebook deeply enough that saving or exporting the copy
// outside the session lock is safe: the session replaces outputs, sources and maps
// but never mutates a map or slice element it has handed out. Transient display ids
// are dropped.
func cloneForSave(nb *notebooks.Notebook) *notebooks.Notebook {
	cp := *nb
	cp.Metadata = maps.Clone(nb.Metadata)
	cp.Cells = make([]*notebooks.Cell, len(nb.Cells))
	for i, c := range nb.Cells {
		cc := *c
		cc.Outputs = make([]notebooks.Output, len(c.Outputs))
		for j, o := range c.Outputs {
			if _, ok := o.Extra[transientKey]; ok {
				o.Extra = maps.Clone(o.Extra)
				delete(o.Extra, transientKey)
				if len(o.Extra) == 0 {
					o.Extra = nil
				}
			}
			cc.Outputs[j] = o
		}
		cp.Cells[i] = &cc
	}
	return &cp
}

// describe returns a short description of v for error messages.
func describe(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
