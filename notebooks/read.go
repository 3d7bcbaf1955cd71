package notebooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// FormatError reports a file that is not a notebook gopad can read: not JSON,
// JSON that is not a notebook, an unsupported nbformat version, or a field of the
// wrong type. Path is empty when the notebook was read from a stream.
type FormatError struct {
	Path   string
	Where  string // e.g. `cell 3 output 2 field "text"`; empty for the whole file
	Reason string
}

func (e *FormatError) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString("not a valid notebook: ")
	if e.Where != "" {
		b.WriteString(e.Where)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Load reads the notebook file at path. Errors name the file.
func Load(path string) (*Notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load notebook: %w", err)
	}
	nb, err := Parse(data)
	if err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			fe.Path = path
			return nil, fe
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return nb, nil
}

// Read parses a notebook from r.
func Read(r io.Reader) (*Notebook, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read notebook: %w", err)
	}
	return Parse(data)
}

// Parse parses a notebook from its file content. It accepts nbformat 4.0 to 4.x;
// cells without an id (before 4.5) get a fresh one.
func Parse(data []byte) (*Notebook, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FormatError{Reason: "the file is empty"}
	}
	var top map[string]json.RawMessage
	if err := unmarshal(data, &top); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, &FormatError{Reason: "the JSON document is " + typeErr.Value + ", not an object"}
		}
		return nil, &FormatError{Reason: "not JSON: " + describeSyntaxError(data, err)}
	}
	if top == nil {
		return nil, &FormatError{Reason: "the JSON document is null, not an object"}
	}

	rawMajor, ok := top["nbformat"]
	if !ok {
		return nil, &FormatError{Reason: `no "nbformat" field: this JSON file is not a Jupyter notebook`}
	}
	var major int
	if err := unmarshal(rawMajor, &major); err != nil {
		return nil, &FormatError{Where: `field "nbformat"`, Reason: "want an integer, got " + jsonKind(rawMajor)}
	}
	if major != FormatMajor {
		return nil, &FormatError{Reason: fmt.Sprintf("nbformat %d is not supported (gopad reads nbformat 4; convert it with `jupyter nbconvert --to notebook`)", major)}
	}
	nb := &Notebook{Extra: map[string]json.RawMessage{}}
	if raw, ok := top["nbformat_minor"]; ok {
		if err := unmarshal(raw, &nb.FormatMinor); err != nil || nb.FormatMinor < 0 {
			return nil, &FormatError{Where: `field "nbformat_minor"`, Reason: "want a non-negative integer, got " + jsonKind(raw)}
		}
	} else {
		return nil, &FormatError{Reason: `no "nbformat_minor" field`}
	}
	if raw, ok := top["metadata"]; ok {
		if err := decodeObject(raw, &nb.Metadata); err != nil {
			return nil, &FormatError{Where: "notebook metadata", Reason: err.Error()}
		}
	} else {
		nb.Metadata = map[string]any{}
	}
	rawCells, ok := top["cells"]
	if !ok {
		return nil, &FormatError{Reason: `no "cells" field`}
	}
	var cells []json.RawMessage
	if err := unmarshal(rawCells, &cells); err != nil || cells == nil {
		return nil, &FormatError{Where: `field "cells"`, Reason: "want a list of cells, got " + jsonKind(rawCells)}
	}
	for k, v := range top {
		switch k {
		case "nbformat", "nbformat_minor", "metadata", "cells":
		default:
			nb.Extra[k] = v
		}
	}
	seen := map[string]bool{}
	for i, raw := range cells {
		c, err := parseCell(raw, i+1)
		if err != nil {
			return nil, err
		}
		if c.ID == "" || seen[c.ID] {
			c.ID = NewCellID() // nbformat < 4.5 has no ids; a duplicate would fail validation
		}
		seen[c.ID] = true
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

func parseCell(raw json.RawMessage, n int) (*Cell, error) {
	where := fmt.Sprintf("cell %d", n)
	var fields map[string]json.RawMessage
	if err := unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, &FormatError{Where: where, Reason: "want an object, got " + jsonKind(raw)}
	}
	c := &Cell{Extra: map[string]json.RawMessage{}}
	if err := stringField(fields, "cell_type", &c.Type, true); err != nil {
		return nil, &FormatError{Where: where, Reason: err.Error()}
	}
	switch c.Type {
	case CodeCell, MarkdownCell, RawCell:
	default:
		return nil, &FormatError{Where: where, Reason: fmt.Sprintf("unknown cell_type %q (want code, markdown or raw)", c.Type)}
	}
	if err := stringField(fields, "id", &c.ID, false); err != nil {
		return nil, &FormatError{Where: where, Reason: err.Error()}
	}
	if c.ID != "" && !validCellID(c.ID) {
		return nil, &FormatError{Where: where, Reason: fmt.Sprintf("invalid id %q (want 1-64 letters, digits, '-' or '_')", c.ID)}
	}
	if raw, ok := fields["source"]; ok {
		s, err := multiline(raw)
		if err != nil {
			return nil, &FormatError{Where: where + ` field "source"`, Reason: err.Error()}
		}
		c.Source = s
	} else {
		return nil, &FormatError{Where: where, Reason: `no "source" field`}
	}
	if raw, ok := fields["metadata"]; ok {
		if err := decodeObject(raw, &c.Metadata); err != nil {
			return nil, &FormatError{Where: where + " metadata", Reason: err.Error()}
		}
	} else {
		c.Metadata = map[string]any{}
	}
	known := map[string]bool{"cell_type": true, "id": true, "source": true, "metadata": true}
	if c.Type == CodeCell {
		known["outputs"], known["execution_count"] = true, true
		if raw, ok := fields["execution_count"]; ok {
			if err := unmarshal(raw, &c.ExecutionCount); err != nil {
				return nil, &FormatError{Where: where + ` field "execution_count"`, Reason: "want an integer or null, got " + jsonKind(raw)}
			}
		}
		if raw, ok := fields["outputs"]; ok {
			var outs []json.RawMessage
			if err := unmarshal(raw, &outs); err != nil {
				return nil, &FormatError{Where: where + ` field "outputs"`, Reason: "want a list, got " + jsonKind(raw)}
			}
			for j, rawOut := range outs {
				o, err := parseOutput(rawOut, fmt.Sprintf("%s output %d", where, j+1))
				if err != nil {
					return nil, err
				}
				c.Outputs = append(c.Outputs, o)
			}
		}
	} else if raw, ok := fields["attachments"]; ok {
		known["attachments"] = true
		var att map[string]json.RawMessage
		if err := unmarshal(raw, &att); err != nil {
			return nil, &FormatError{Where: where + ` field "attachments"`, Reason: "want an object, got " + jsonKind(raw)}
		}
		c.Attachments = map[string]map[string]any{}
		for _, name := range sortedKeys(att) {
			bundle, err := parseBundle(att[name])
			if err != nil {
				return nil, &FormatError{Where: fmt.Sprintf("%s attachment %q", where, name), Reason: err.Error()}
			}
			c.Attachments[name] = bundle
		}
	}
	for k, v := range fields {
		if !known[k] {
			c.Extra[k] = v
		}
	}
	return c, nil
}

func parseOutput(raw json.RawMessage, where string) (Output, error) {
	var fields map[string]json.RawMessage
	if err := unmarshal(raw, &fields); err != nil || fields == nil {
		return Output{}, &FormatError{Where: where, Reason: "want an object, got " + jsonKind(raw)}
	}
	o := Output{Extra: map[string]json.RawMessage{}}
	if err := stringField(fields, "output_type", &o.Type, true); err != nil {
		return Output{}, &FormatError{Where: where, Reason: err.Error()}
	}
	known := map[string]bool{"output_type": true}
	fail := func(field string, err error) (Output, error) {
		return Output{}, &FormatError{Where: fmt.Sprintf("%s field %q", where, field), Reason: err.Error()}
	}
	switch o.Type {
	case StreamOutput:
		known["name"], known["text"] = true, true
		if err := stringField(fields, "name", &o.Name, true); err != nil {
			return Output{}, &FormatError{Where: where, Reason: err.Error()}
		}
		raw, ok := fields["text"]
		if !ok {
			return Output{}, &FormatError{Where: where, Reason: `no "text" field`}
		}
		s, err := multiline(raw)
		if err != nil {
			return fail("text", err)
		}
		o.Text = s
	case DisplayDataOutput, ExecuteResultOutput:
		known["data"], known["metadata"] = true, true
		raw, ok := fields["data"]
		if !ok {
			return Output{}, &FormatError{Where: where, Reason: `no "data" field`}
		}
		data, err := parseBundle(raw)
		if err != nil {
			return fail("data", err)
		}
		o.Data = data
		if raw, ok := fields["metadata"]; ok {
			if err := decodeObject(raw, &o.Metadata); err != nil {
				return fail("metadata", err)
			}
		}
		if o.Type == ExecuteResultOutput {
			known["execution_count"] = true
			if raw, ok := fields["execution_count"]; ok {
				if err := unmarshal(raw, &o.ExecutionCount); err != nil {
					return fail("execution_count", errors.New("want an integer or null, got "+jsonKind(raw)))
				}
			}
		}
	case ErrorOutput:
		known["ename"], known["evalue"], known["traceback"] = true, true, true
		for _, f := range []struct {
			name string
			dst  *string
		}{{"ename", &o.EName}, {"evalue", &o.EValue}} {
			if err := stringField(fields, f.name, f.dst, true); err != nil {
				return Output{}, &FormatError{Where: where, Reason: err.Error()}
			}
		}
		if raw, ok := fields["traceback"]; ok {
			if err := unmarshal(raw, &o.Traceback); err != nil {
				return fail("traceback", errors.New("want a list of strings, got "+jsonKind(raw)))
			}
		}
	default:
		return Output{}, &FormatError{Where: where, Reason: fmt.Sprintf("unknown output_type %q (want stream, display_data, execute_result or error)", o.Type)}
	}
	for k, v := range fields {
		if !known[k] {
			o.Extra[k] = v
		}
	}
	return o, nil
}

// parseBundle decodes a MIME bundle, joining text values stored as lists of lines.
// JSON MIME types keep their JSON value.
func parseBundle(raw json.RawMessage) (map[string]any, error) {
	var fields map[string]json.RawMessage
	if err := unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, errors.New("want an object mapping MIME types to data, got " + jsonKind(raw))
	}
	out := make(map[string]any, len(fields))
	for _, mime := range sortedKeys(fields) {
		v := fields[mime]
		if isJSONMIME(mime) {
			var val any
			if err := unmarshal(v, &val); err != nil {
				return nil, fmt.Errorf("%s: %w", mime, err)
			}
			out[mime] = val
			continue
		}
		s, err := multiline(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", mime, err)
		}
		out[mime] = s
	}
	return out, nil
}

// multiline decodes nbformat's multi-line string: a string or a list of strings.
func multiline(raw json.RawMessage) (string, error) {
	var s string
	if err := unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var lines []string
	if err := unmarshal(raw, &lines); err != nil || lines == nil {
		return "", errors.New("want a string or a list of strings, got " + jsonKind(raw))
	}
	return strings.Join(lines, ""), nil
}

// stringField decodes fields[name] into dst; a missing field is an error only when required.
func stringField(fields map[string]json.RawMessage, name string, dst *string, required bool) error {
	raw, ok := fields[name]
	if !ok {
		if required {
			return fmt.Errorf("no %q field", name)
		}
		return nil
	}
	if err := unmarshal(raw, dst); err != nil {
		return fmt.Errorf("field %q: want a string, got %s", name, jsonKind(raw))
	}
	return nil
}

// decodeObject decodes a JSON object keeping numbers exact (as json.Number).
func decodeObject(raw json.RawMessage, dst *map[string]any) error {
	if err := unmarshal(raw, dst); err != nil || *dst == nil {
		return errors.New("want an object, got " + jsonKind(raw))
	}
	return nil
}

// unmarshal decodes with UseNumber so that numbers in metadata and JSON outputs
// survive a round trip exactly.
func unmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// jsonKind names the kind of a JSON value for error messages.
func jsonKind(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// describeSyntaxError adds the line and column to a JSON syntax error.
func describeSyntaxError(data []byte, err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return "the JSON ends early (truncated file?)"
		}
		return err.Error()
	}
	// Offset counts the bytes read including the offending one.
	off := int(se.Offset) - 1
	off = max(0, min(off, len(data)))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Sprintf("line %d column %d: %v", line, col, se)
}
