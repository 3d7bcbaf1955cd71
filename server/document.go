package server

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// document is a notebook as it is being edited: its cells, and which of them hold
// outputs this user has not vouched for. Every change is a plain function of the
// document and what is asked (an operation, or an output from the kernel) that
// returns the events announcing it, as Livebook's Session.Data applies operations.
// Nothing here knows of connections, kernels, files or locks: the session holds
// the lock, publishes the events and schedules the save.
type document struct {
	nb *notebooks.Notebook
	// untrusted holds the cells whose outputs were read from a file this user has
	// not trusted (notebooks.TrustStore): browsers draw them without script. A
	// cell's new outputs are the kernel's own, so clearing them trusts the cell.
	untrusted map[string]bool
}

// An event is a server -> browser message (a browserproto *Msg value) that
// announces a change of the document; every tab gets the events in order.
type event = any

// newDocument wraps nb, just read from a file. Unless the user trusts that file,
// the outputs of every cell that has some are untrusted.
func newDocument(nb *notebooks.Notebook, trusted bool) *document {
	d := &document{nb: nb, untrusted: map[string]bool{}}
	if trusted {
		return d
	}
	for _, c := range nb.Cells {
		if len(c.Outputs) > 0 {
			d.untrusted[c.ID] = true
		}
	}
	return d
}

// untrustedIDs lists the untrusted cells in document order.
func (d *document) untrustedIDs() []string {
	var ids []string
	for _, c := range d.nb.Cells {
		if d.untrusted[c.ID] {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// allTrusted reports whether every output in the document is this user's.
func (d *document) allTrusted() bool { return len(d.untrusted) == 0 }

// trustAll vouches for every output, as Jupyter's "Trust Notebook" does.
func (d *document) trustAll() []event {
	clear(d.untrusted)
	return []event{browserproto.TrustedMsg{Type: browserproto.MsgTrusted}}
}

// codeCellIDs lists the code cells in document order.
func (d *document) codeCellIDs() []string {
	var ids []string
	for _, c := range d.nb.Cells {
		if c.Type == notebooks.CodeCell {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// cell returns the cell with the given id, or an error that names it.
func (d *document) cell(id string) (*notebooks.Cell, error) {
	i, err := d.cellIndex(id)
	if err != nil {
		return nil, err
	}
	return d.nb.Cells[i], nil
}

func (d *document) cellIndex(id string) (int, error) {
	if id == "" {
		return 0, needs("cell_id")
	}
	for i, c := range d.nb.Cells {
		if c.ID == id {
			return i, nil
		}
	}
	return 0, fmt.Errorf("no cell with id %q", describe(id))
}

// needs reports a browser message without a field its type requires.
func needs(field string) error {
	return fmt.Errorf("the message needs %q", field)
}

// deleteCellAt removes the i-th cell.
func (d *document) deleteCellAt(i int) event {
	cell := d.nb.Cells[i]
	d.nb.Cells = append(d.nb.Cells[:i:i], d.nb.Cells[i+1:]...)
	delete(d.untrusted, cell.ID)
	return browserproto.CellDeletedMsg{Type: browserproto.MsgCellDeleted, CellID: cell.ID}
}

// An operation is one edit of the document that a browser asks for.
type operation interface {
	// apply changes d and returns the events that announce the change: none when
	// nothing changed. On error d is left as it was.
	apply(d *document) ([]event, error)
}

// editSource replaces a cell's source. origin is the connection that typed it,
// which is not sent its own edit back.
type editSource struct {
	cellID, source, origin string
}

func (op editSource) apply(d *document) ([]event, error) {
	cell, err := d.cell(op.cellID)
	if err != nil {
		return nil, err
	}
	if cell.Source == op.source {
		return nil, nil
	}
	cell.Source = op.source
	return []event{browserproto.CellSourceMsg{Type: browserproto.MsgCellSource, CellID: cell.ID, Source: cell.Source, Origin: op.origin}}, nil
}

// insertCell adds a cell at index (0 to the number of cells). cellID may be
// chosen by the browser (so it can focus the cell it asked for); empty means a
// fresh one.
type insertCell struct {
	index            int
	cellType, cellID string
	source           string
}

func (op insertCell) apply(d *document) ([]event, error) {
	if op.index < 0 || op.index > len(d.nb.Cells) {
		return nil, fmt.Errorf("index must be between 0 and %d", len(d.nb.Cells))
	}
	if err := checkCellType(op.cellType); err != nil {
		return nil, err
	}
	cell := notebooks.NewCell(op.cellType, op.source)
	if op.cellID != "" {
		if !validCellID(op.cellID) {
			return nil, fmt.Errorf("cell_id %q is not valid (1-64 letters, digits, - or _)", describe(op.cellID))
		}
		if d.nb.Cell(op.cellID) != nil {
			return nil, fmt.Errorf("a cell with id %q already exists", op.cellID)
		}
		cell.ID = op.cellID
	}
	cells := make([]*notebooks.Cell, 0, len(d.nb.Cells)+1)
	cells = append(cells, d.nb.Cells[:op.index]...)
	cells = append(cells, cell)
	d.nb.Cells = append(cells, d.nb.Cells[op.index:]...)
	return []event{browserproto.CellInsertedMsg{Type: browserproto.MsgCellInserted, Index: op.index, Cell: wireCellJSON(cell)}}, nil
}

// deleteCell removes a cell.
type deleteCell struct{ cellID string }

func (op deleteCell) apply(d *document) ([]event, error) {
	i, err := d.cellIndex(op.cellID)
	if err != nil {
		return nil, err
	}
	return []event{d.deleteCellAt(i)}, nil
}

// moveCell puts a cell at index, counted in the document without it.
type moveCell struct {
	cellID string
	index  int
}

func (op moveCell) apply(d *document) ([]event, error) {
	i, err := d.cellIndex(op.cellID)
	if err != nil {
		return nil, err
	}
	if op.index < 0 || op.index >= len(d.nb.Cells) {
		return nil, fmt.Errorf("index must be between 0 and %d", len(d.nb.Cells)-1)
	}
	cell := d.nb.Cells[i]
	cells := make([]*notebooks.Cell, 0, len(d.nb.Cells))
	cells = append(cells, d.nb.Cells[:i]...)
	cells = append(cells, d.nb.Cells[i+1:]...)
	j := op.index
	d.nb.Cells = append(cells[:j], append([]*notebooks.Cell{cell}, cells[j:]...)...)
	return []event{browserproto.CellMovedMsg{Type: browserproto.MsgCellMoved, CellID: cell.ID, Index: j}}, nil
}

// setCellType changes a cell's type; a cell that stops being code loses its
// outputs and run results.
type setCellType struct{ cellID, cellType string }

func (op setCellType) apply(d *document) ([]event, error) {
	cell, err := d.cell(op.cellID)
	if err != nil {
		return nil, err
	}
	if err := checkCellType(op.cellType); err != nil {
		return nil, err
	}
	if cell.Type == op.cellType {
		return nil, nil
	}
	cell.Type = op.cellType
	events := []event{browserproto.CellTypeMsg{Type: browserproto.MsgCellType, CellID: cell.ID, CellType: cell.Type}}
	if cell.Type != notebooks.CodeCell {
		events = append(events, d.clearRunResults(cell)...)
	}
	return events, nil
}

// splitCell cuts a cell in two at offset (in code points, 0 to the source's
// length): the text after it becomes a new cell of the same type below. The
// line break at the cut is dropped; the outputs stay with the first part.
type splitCell struct {
	cellID string
	offset int
}

func (op splitCell) apply(d *document) ([]event, error) {
	i, err := d.cellIndex(op.cellID)
	if err != nil {
		return nil, err
	}
	cell := d.nb.Cells[i]
	n := utf8.RuneCountInString(cell.Source)
	if op.offset < 0 || op.offset > n {
		return nil, fmt.Errorf("offset must be between 0 and %d (code points)", n)
	}
	at := byteOffset(cell.Source, op.offset)
	first := strings.TrimSuffix(cell.Source[:at], "\n")
	second := strings.TrimPrefix(cell.Source[at:], "\n")
	cell.Source = first
	nc := notebooks.NewCell(cell.Type, second)
	d.nb.Cells = append(d.nb.Cells[:i+1], append([]*notebooks.Cell{nc}, d.nb.Cells[i+1:]...)...)
	return []event{
		browserproto.CellSourceMsg{Type: browserproto.MsgCellSource, CellID: cell.ID, Source: first},
		browserproto.CellInsertedMsg{Type: browserproto.MsgCellInserted, Index: i + 1, Cell: wireCellJSON(nc)},
	}, nil
}

// mergeCells joins cells into the first of them in document order (sources joined
// by a line break; the first cell's outputs stay) and removes the others.
type mergeCells struct{ cellIDs []string }

func (op mergeCells) apply(d *document) ([]event, error) {
	if len(op.cellIDs) < 2 {
		return nil, errors.New("needs at least two cell_ids")
	}
	want := map[string]bool{}
	for _, id := range op.cellIDs {
		if d.nb.Cell(id) == nil {
			return nil, fmt.Errorf("no cell with id %q", describe(id))
		}
		want[id] = true
	}
	var first *notebooks.Cell
	var parts, rest []string
	for _, cell := range d.nb.Cells {
		if !want[cell.ID] {
			continue
		}
		if first == nil {
			first = cell
		} else {
			rest = append(rest, cell.ID)
		}
		parts = append(parts, cell.Source)
	}
	first.Source = strings.Join(parts, "\n")
	events := []event{browserproto.CellSourceMsg{Type: browserproto.MsgCellSource, CellID: first.ID, Source: first.Source}}
	for _, id := range rest {
		if i, err := d.cellIndex(id); err == nil {
			events = append(events, d.deleteCellAt(i))
		}
	}
	return events, nil
}

// clearOutputs drops the outputs and run results of the given cells, or of every
// cell when none is given.
type clearOutputs struct{ cellIDs []string }

func (op clearOutputs) apply(d *document) ([]event, error) {
	cells := d.nb.Cells
	if len(op.cellIDs) > 0 {
		cells = nil
		for _, id := range op.cellIDs {
			cell, err := d.cell(id)
			if err != nil {
				return nil, err
			}
			cells = append(cells, cell)
		}
	}
	var events []event
	for _, cell := range cells {
		events = append(events, d.clearRunResults(cell)...)
	}
	return events, nil
}

// clearRunResults drops a cell's outputs, execution count and run timing (which
// trusts the cell: what it shows next is the kernel's), announcing it when there
// was anything to clear.
func (d *document) clearRunResults(c *notebooks.Cell) []event {
	delete(d.untrusted, c.ID)
	if len(c.Outputs) == 0 && c.ExecutionCount == nil && !hasExecutionTiming(c) {
		return nil
	}
	c.Outputs, c.ExecutionCount = nil, nil
	clearExecutionTiming(c)
	return []event{browserproto.OutputsClearedMsg{Type: browserproto.MsgOutputsCleared, CellID: c.ID}}
}

func checkCellType(t string) error {
	switch t {
	case notebooks.CodeCell, notebooks.MarkdownCell, notebooks.RawCell:
		return nil
	}
	return fmt.Errorf("cell_type must be \"code\", \"markdown\" or \"raw\", not %q", describe(t))
}

// validCellID checks nbformat's cell id pattern.
func validCellID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// byteOffset converts an offset in code points into a byte offset in s.
func byteOffset(s string, runes int) int {
	for i := range s {
		if runes == 0 {
			return i
		}
		runes--
	}
	return len(s)
}
