package server

import (
	"encoding/json"
	"fmt"
	"maps"

	"gopad.dev/gopad/notebooks"
)

// This file is the document's JSON shape on the websocket (nbformat's, with
// one-string text) and the copy of it that is saved.

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

// cloneForSave copies a notebook deeply enough that saving or exporting the copy
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
