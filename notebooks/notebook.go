// Package notebooks reads and writes gopad notebooks.
//
// A .gonb file is a Jupyter notebook in nbformat v4.5 JSON, so Jupyter tools and
// GitHub can open it; the kernelspec names the gopad kernel. The package reads any
// nbformat 4.x file (.gonb or .ipynb), accepts multi-line strings both as one
// string and as a list of lines, and writes files the way nbformat does (sorted keys,
// one-space indent, multi-line text split into lists of lines).
//
// Fields the package does not model (unknown top-level keys, notebook, cell and
// output metadata, unknown cell and output fields) are kept as they were read and
// written back unchanged, so a round trip through gopad loses nothing another tool
// stored in the file.
//
// Save replaces a file atomically: a crash in the middle of a save leaves the
// previous version intact.
package notebooks

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Format version written by this package.
const (
	FormatMajor = 4
	FormatMinor = 5
)

// Cell types.
const (
	CodeCell     = "code"
	MarkdownCell = "markdown"
	RawCell      = "raw"
)

// Output types, as named by nbformat.
const (
	StreamOutput        = "stream"
	DisplayDataOutput   = "display_data"
	ExecuteResultOutput = "execute_result"
	ErrorOutput         = "error"
)

// Kernel and language identification written into every notebook's metadata.
const (
	KernelName        = "gopad"
	KernelDisplayName = "Go (gopad)"
	Language          = "go"
	FileExtension     = ".go"
)

// Notebook is a parsed notebook.
type Notebook struct {
	// Metadata is the notebook metadata (kernelspec, language_info, and anything
	// else tools stored). Numbers read from a file are json.Number values.
	Metadata map[string]any
	Cells    []*Cell
	// FormatMinor is the nbformat minor version read from the file; files are
	// written with at least FormatMinor (4.5), since cells always carry ids.
	FormatMinor int
	// Extra holds top-level keys this package does not know, as read.
	Extra map[string]json.RawMessage
}

// Cell is one notebook cell.
type Cell struct {
	ID     string
	Type   string // CodeCell, MarkdownCell or RawCell
	Source string
	// Outputs and ExecutionCount are meaningful for code cells only.
	Outputs        []Output
	ExecutionCount *int
	Metadata       map[string]any
	// Attachments maps a file name to a MIME bundle (markdown and raw cells).
	Attachments map[string]map[string]any
	// Extra holds cell fields this package does not know, as read.
	Extra map[string]json.RawMessage
}

// Output is one output of a code cell. Which fields are set depends on Type:
// stream uses Name and Text; display_data uses Data and Metadata; execute_result
// uses Data, Metadata and ExecutionCount; error uses EName, EValue and Traceback.
type Output struct {
	Type string // StreamOutput, DisplayDataOutput, ExecuteResultOutput or ErrorOutput

	Name string // "stdout" or "stderr"
	Text string

	// Data maps a MIME type to its content: a string for text and base64 data,
	// any JSON value for JSON MIME types (application/json, application/*+json).
	Data           map[string]any
	Metadata       map[string]any
	ExecutionCount *int

	EName     string
	EValue    string
	Traceback []string

	// Extra holds output fields this package does not know, as read.
	Extra map[string]json.RawMessage
}

// New returns an empty notebook with gopad's kernelspec and language_info.
func New() *Notebook {
	nb := &Notebook{FormatMinor: FormatMinor}
	nb.ensureKernelMetadata()
	return nb
}

// NewCell returns a cell of the given type with a fresh ID and the given source.
func NewCell(cellType, source string) *Cell {
	return &Cell{ID: NewCellID(), Type: cellType, Source: source, Metadata: map[string]any{}}
}

// NewCellID returns a random cell ID that satisfies nbformat's cell id pattern.
func NewCellID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ensureKernelMetadata fills in gopad's kernelspec and language_info where they
// are missing, keeping whatever else the metadata holds.
func (nb *Notebook) ensureKernelMetadata() {
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	if _, ok := nb.Metadata["kernelspec"].(map[string]any); !ok {
		nb.Metadata["kernelspec"] = map[string]any{
			"name":         KernelName,
			"display_name": KernelDisplayName,
			"language":     Language,
		}
	}
	if _, ok := nb.Metadata["language_info"].(map[string]any); !ok {
		nb.Metadata["language_info"] = map[string]any{
			"name":           Language,
			"file_extension": FileExtension,
		}
	}
}

// ClearOutputs removes every output and execution count, as "clear all outputs" does.
func (nb *Notebook) ClearOutputs() {
	for _, c := range nb.Cells {
		c.Outputs = nil
		c.ExecutionCount = nil
	}
}

// Cell returns the cell with the given ID, or nil.
func (nb *Notebook) Cell(id string) *Cell {
	for _, c := range nb.Cells {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// Write encodes the notebook as nbformat v4.5 JSON, formatted as nbformat writes
// it. Cells without an ID get one; a notebook without kernel metadata gets gopad's.
func (nb *Notebook) Write(w io.Writer) error {
	data, err := nb.Marshal()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write notebook: %w", err)
	}
	return nil
}

// Marshal returns the notebook's file content (see Write).
func (nb *Notebook) Marshal() ([]byte, error) {
	if err := nb.prepare(); err != nil {
		return nil, err
	}
	top := map[string]any{}
	for k, v := range nb.Extra {
		top[k] = v
	}
	minor := max(nb.FormatMinor, FormatMinor)
	top["nbformat"] = FormatMajor
	top["nbformat_minor"] = minor
	top["metadata"] = nb.Metadata
	cells := make([]any, len(nb.Cells))
	for i, c := range nb.Cells {
		cells[i] = c.toJSON()
	}
	top["cells"] = cells

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(top); err != nil {
		return nil, fmt.Errorf("encode notebook: %w", err)
	}
	return buf.Bytes(), nil
}

// prepare checks what the schema requires and fills in what can be filled in.
func (nb *Notebook) prepare() error {
	nb.ensureKernelMetadata()
	seen := map[string]bool{}
	for i, c := range nb.Cells {
		if c == nil {
			return fmt.Errorf("encode notebook: cell %d is nil", i+1)
		}
		if c.ID == "" {
			c.ID = NewCellID()
		}
		if !validCellID(c.ID) {
			return fmt.Errorf("encode notebook: cell %d: invalid id %q (want 1-64 letters, digits, '-' or '_')", i+1, c.ID)
		}
		if seen[c.ID] {
			return fmt.Errorf("encode notebook: cell %d: duplicate id %q", i+1, c.ID)
		}
		seen[c.ID] = true
		switch c.Type {
		case CodeCell, MarkdownCell, RawCell:
		default:
			return fmt.Errorf("encode notebook: cell %d: unknown cell type %q", i+1, c.Type)
		}
		for j, o := range c.Outputs {
			switch o.Type {
			case StreamOutput, DisplayDataOutput, ExecuteResultOutput, ErrorOutput:
			default:
				return fmt.Errorf("encode notebook: cell %d output %d: unknown output type %q", i+1, j+1, o.Type)
			}
		}
	}
	return nil
}

func validCellID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

func (c *Cell) toJSON() map[string]any {
	m := map[string]any{}
	for k, v := range c.Extra {
		m[k] = v
	}
	m["id"] = c.ID
	m["cell_type"] = c.Type
	m["metadata"] = nonNilMap(c.Metadata)
	m["source"] = splitLines(c.Source)
	if c.Type == CodeCell {
		outs := make([]any, len(c.Outputs))
		for i := range c.Outputs {
			outs[i] = c.Outputs[i].toJSON()
		}
		m["outputs"] = outs
		m["execution_count"] = c.ExecutionCount // nil encodes as null, as required
	} else if c.Attachments != nil {
		att := map[string]any{}
		for name, bundle := range c.Attachments {
			att[name] = splitBundle(bundle)
		}
		m["attachments"] = att
	}
	return m
}

func (o *Output) toJSON() map[string]any {
	m := map[string]any{}
	for k, v := range o.Extra {
		m[k] = v
	}
	m["output_type"] = o.Type
	switch o.Type {
	case StreamOutput:
		m["name"] = o.Name
		m["text"] = splitLines(o.Text)
	case DisplayDataOutput, ExecuteResultOutput:
		m["data"] = splitBundle(o.Data)
		m["metadata"] = nonNilMap(o.Metadata)
		if o.Type == ExecuteResultOutput {
			m["execution_count"] = o.ExecutionCount
		}
	case ErrorOutput:
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

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// splitLines splits text into lines that keep their line endings, as nbformat
// stores multi-line strings.
func splitLines(s string) []string {
	lines := []string{}
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// splitBundle splits the text values of a MIME bundle into lines, as nbformat does
// for text/* types, JavaScript and SVG; other values are written as they are.
func splitBundle(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		if s, ok := v.(string); ok && (strings.HasPrefix(k, "text/") || k == "application/javascript" || k == "image/svg+xml") {
			out[k] = splitLines(s)
			continue
		}
		out[k] = v
	}
	return out
}

// isJSONMIME reports whether a MIME type carries a JSON value rather than a string.
func isJSONMIME(mime string) bool {
	return mime == "application/json" || strings.HasPrefix(mime, "application/") && strings.HasSuffix(mime, "+json")
}

// sortedKeys returns the keys of m in order, for deterministic error messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
