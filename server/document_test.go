package server

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// The document's operations are plain functions of the document and the
// operation: these tests apply them with no server, websocket or kernel.

// testDoc builds a document of cells "a" (code, with a stdout output, an
// execution count and run timing), "b" (markdown) and "c" (code, no outputs),
// read from a file the user does not trust.
func testDoc(t *testing.T) *document {
	t.Helper()
	nb := notebooks.New()
	one := 1
	a := notebooks.NewCell(notebooks.CodeCell, "x := 1\nfmt.Println(x)")
	a.ID = "a"
	a.Outputs = []notebooks.Output{{Type: notebooks.StreamOutput, Name: "stdout", Text: "1\n"}}
	a.ExecutionCount = &one
	now := time.Now()
	setExecutionTiming(a, now, now, now, now)
	b := notebooks.NewCell(notebooks.MarkdownCell, "# Title")
	b.ID = "b"
	c := notebooks.NewCell(notebooks.CodeCell, "y := 2")
	c.ID = "c"
	nb.Cells = []*notebooks.Cell{a, b, c}
	return newDocument(nb, false)
}

func cellIDs(d *document) []string {
	var ids []string
	for _, c := range d.nb.Cells {
		ids = append(ids, c.ID)
	}
	return ids
}

// snapshotOf is the document as a tab would receive it, trust flags included,
// to check that a refused operation changed nothing.
func snapshotOf(t *testing.T, d *document) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"notebook": wireNotebook(d.nb), "untrusted": d.untrustedIDs()})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// applyOK applies op and fails the test on an error.
func applyOK(t *testing.T, d *document, op operation) []event {
	t.Helper()
	events, err := op.apply(d)
	if err != nil {
		t.Fatalf("%#v: %v", op, err)
	}
	return events
}

// applyRefused applies op, wants an error mentioning want, and checks that the
// document did not change.
func applyRefused(t *testing.T, d *document, op operation, want string) {
	t.Helper()
	before := snapshotOf(t, d)
	events, err := op.apply(d)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%#v: error %v, want one mentioning %q", op, err, want)
	}
	if len(events) != 0 {
		t.Errorf("%#v: refused, yet announced %v", op, events)
	}
	if after := snapshotOf(t, d); after != before {
		t.Errorf("%#v: refused, yet the document changed:\n%s\nwas\n%s", op, after, before)
	}
}

// wireCellOf decodes the cell an insert announces.
func wireCellOf(t *testing.T, ev event) map[string]any {
	t.Helper()
	ins, ok := ev.(browserproto.CellInsertedMsg)
	if !ok {
		t.Fatalf("event %#v is not a cell_inserted", ev)
	}
	var cell map[string]any
	if err := json.Unmarshal(ins.Cell, &cell); err != nil {
		t.Fatal(err)
	}
	return cell
}

func TestEditSource(t *testing.T) {
	d := testDoc(t)
	events := applyOK(t, d, editSource{cellID: "c", source: "y := 3", origin: "c7"})
	want := []event{browserproto.CellSourceMsg{Type: browserproto.MsgCellSource, CellID: "c", Source: "y := 3", Origin: "c7"}}
	if !reflect.DeepEqual(events, want) {
		t.Errorf("events %#v, want %#v", events, want)
	}
	if got := d.nb.Cell("c").Source; got != "y := 3" {
		t.Errorf("source %q after the edit", got)
	}
	// The same text again changes nothing, so nothing is announced (or saved).
	if events := applyOK(t, d, editSource{cellID: "c", source: "y := 3"}); len(events) != 0 {
		t.Errorf("an edit to the same text announced %v", events)
	}
	applyRefused(t, d, editSource{cellID: "zz", source: "q"}, `no cell with id "zz"`)
	applyRefused(t, d, editSource{source: "q"}, `needs "cell_id"`)
}

func TestInsertCell(t *testing.T) {
	d := testDoc(t)
	events := applyOK(t, d, insertCell{index: 1, cellType: notebooks.RawCell, source: "raw text"})
	if len(events) != 1 || events[0].(browserproto.CellInsertedMsg).Index != 1 {
		t.Fatalf("events %#v, want one cell_inserted at 1", events)
	}
	cell := wireCellOf(t, events[0])
	newID := d.nb.Cells[1].ID
	if cell["id"] != newID || cell["cell_type"] != "raw" || cell["source"] != "raw text" || !validCellID(newID) {
		t.Errorf("announced cell %v; document's new cell %q", cell, newID)
	}
	if got := cellIDs(d); !slices.Equal(got, []string{"a", newID, "b", "c"}) {
		t.Errorf("cells %v", got)
	}

	// At the end, with the id the browser chose; a code cell is announced with
	// empty outputs, as nbformat has them.
	events = applyOK(t, d, insertCell{index: 4, cellType: notebooks.CodeCell, cellID: "mine_1"})
	cell = wireCellOf(t, events[0])
	if cell["id"] != "mine_1" || cell["source"] != "" || !reflect.DeepEqual(cell["outputs"], []any{}) || cell["execution_count"] != nil {
		t.Errorf("announced cell %v", cell)
	}
	if got := cellIDs(d); got[len(got)-1] != "mine_1" {
		t.Errorf("cells %v, want mine_1 last", got)
	}

	applyRefused(t, d, insertCell{index: 6, cellType: notebooks.CodeCell}, "index must be between 0 and 5")
	applyRefused(t, d, insertCell{index: -1, cellType: notebooks.CodeCell}, "index must be between 0 and 5")
	applyRefused(t, d, insertCell{index: 0, cellType: "python"}, `cell_type must be "code", "markdown" or "raw", not "python"`)
	applyRefused(t, d, insertCell{index: 0, cellType: notebooks.CodeCell, cellID: "has space"}, `cell_id "has space" is not valid`)
	applyRefused(t, d, insertCell{index: 0, cellType: notebooks.CodeCell, cellID: strings.Repeat("x", 65)}, "is not valid")
	applyRefused(t, d, insertCell{index: 0, cellType: notebooks.CodeCell, cellID: "b"}, `a cell with id "b" already exists`)
}

func TestDeleteCell(t *testing.T) {
	d := testDoc(t)
	events := applyOK(t, d, deleteCell{cellID: "a"})
	want := []event{browserproto.CellDeletedMsg{Type: browserproto.MsgCellDeleted, CellID: "a"}}
	if !reflect.DeepEqual(events, want) {
		t.Errorf("events %#v, want %#v", events, want)
	}
	if got := cellIDs(d); !slices.Equal(got, []string{"b", "c"}) {
		t.Errorf("cells %v", got)
	}
	// The deleted cell's trust flag goes with it.
	if !d.allTrusted() {
		t.Errorf("untrusted after deleting the only untrusted cell: %v", d.untrusted)
	}
	applyRefused(t, d, deleteCell{cellID: "a"}, `no cell with id "a"`)
	applyRefused(t, d, deleteCell{}, `needs "cell_id"`)
}

func TestMoveCell(t *testing.T) {
	d := testDoc(t)
	for _, tc := range []struct {
		id    string
		index int
		want  []string
	}{
		{"a", 2, []string{"b", "c", "a"}},
		{"a", 0, []string{"a", "b", "c"}},
		{"c", 1, []string{"a", "c", "b"}},
		{"c", 1, []string{"a", "c", "b"}}, // where it is: still announced
	} {
		events := applyOK(t, d, moveCell{cellID: tc.id, index: tc.index})
		want := []event{browserproto.CellMovedMsg{Type: browserproto.MsgCellMoved, CellID: tc.id, Index: tc.index}}
		if !reflect.DeepEqual(events, want) {
			t.Errorf("move %s to %d: events %#v", tc.id, tc.index, events)
		}
		if got := cellIDs(d); !slices.Equal(got, tc.want) {
			t.Errorf("move %s to %d: cells %v, want %v", tc.id, tc.index, got, tc.want)
		}
	}
	applyRefused(t, d, moveCell{cellID: "a", index: 3}, "index must be between 0 and 2")
	applyRefused(t, d, moveCell{cellID: "a", index: -1}, "index must be between 0 and 2")
	applyRefused(t, d, moveCell{cellID: "nope", index: 0}, `no cell with id "nope"`)
}

func TestSplitCell(t *testing.T) {
	d := testDoc(t)
	d.nb.Cell("a").Source = "héllo\nwörld"
	// Offsets count code points: 5 is after "héllo" although é takes two bytes.
	events := applyOK(t, d, splitCell{cellID: "a", offset: 5})
	if len(events) != 2 {
		t.Fatalf("events %#v, want cell_source then cell_inserted", events)
	}
	if src, ok := events[0].(browserproto.CellSourceMsg); !ok || src.CellID != "a" || src.Source != "héllo" || src.Origin != "" {
		t.Errorf("first event %#v", events[0])
	}
	cell := wireCellOf(t, events[1])
	if events[1].(browserproto.CellInsertedMsg).Index != 1 || cell["source"] != "wörld" || cell["cell_type"] != "code" {
		t.Errorf("second event %#v (cell %v)", events[1], cell)
	}
	a, second := d.nb.Cells[0], d.nb.Cells[1]
	// The line break at the cut is dropped; the outputs stay with the first part.
	if a.Source != "héllo" || second.Source != "wörld" || second.ID != cell["id"] || len(a.Outputs) != 1 || len(second.Outputs) != 0 {
		t.Errorf("after the split: %q (%d outputs), %q (%d outputs)", a.Source, len(a.Outputs), second.Source, len(second.Outputs))
	}
	if got := len(d.nb.Cells); got != 4 {
		t.Errorf("%d cells after the split, want 4", got)
	}

	// At the very start: the first part is empty; a markdown cell stays markdown.
	applyOK(t, d, splitCell{cellID: "b", offset: 0})
	if i, _ := d.cellIndex("b"); d.nb.Cells[i].Source != "" || d.nb.Cells[i+1].Source != "# Title" || d.nb.Cells[i+1].Type != notebooks.MarkdownCell {
		t.Errorf("split at 0: %q, %q (%s)", d.nb.Cells[i].Source, d.nb.Cells[i+1].Source, d.nb.Cells[i+1].Type)
	}
	applyRefused(t, d, splitCell{cellID: "c", offset: 7}, "offset must be between 0 and 6 (code points)")
	applyRefused(t, d, splitCell{cellID: "c", offset: -1}, "offset must be between 0 and 6")
	applyRefused(t, d, splitCell{cellID: "gone", offset: 0}, `no cell with id "gone"`)
}

func TestMergeCells(t *testing.T) {
	d := testDoc(t)
	// Asked in any order, cells merge in document order into the first.
	events := applyOK(t, d, mergeCells{cellIDs: []string{"c", "a"}})
	want := []event{
		browserproto.CellSourceMsg{Type: browserproto.MsgCellSource, CellID: "a", Source: "x := 1\nfmt.Println(x)\ny := 2"},
		browserproto.CellDeletedMsg{Type: browserproto.MsgCellDeleted, CellID: "c"},
	}
	if !reflect.DeepEqual(events, want) {
		t.Errorf("events %#v, want %#v", events, want)
	}
	if got := cellIDs(d); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("cells %v", got)
	}
	if len(d.nb.Cell("a").Outputs) != 1 {
		t.Errorf("the first cell lost its outputs in the merge")
	}
	applyRefused(t, d, mergeCells{cellIDs: []string{"a"}}, "needs at least two cell_ids")
	applyRefused(t, d, mergeCells{cellIDs: []string{"a", "b", "nope"}}, `no cell with id "nope"`)
}

func TestSetCellType(t *testing.T) {
	d := testDoc(t)
	// Code to markdown: the outputs, count, timing and trust flag go.
	events := applyOK(t, d, setCellType{cellID: "a", cellType: notebooks.MarkdownCell})
	want := []event{
		browserproto.CellTypeMsg{Type: browserproto.MsgCellType, CellID: "a", CellType: notebooks.MarkdownCell},
		browserproto.OutputsClearedMsg{Type: browserproto.MsgOutputsCleared, CellID: "a"},
	}
	if !reflect.DeepEqual(events, want) {
		t.Errorf("events %#v, want %#v", events, want)
	}
	a := d.nb.Cell("a")
	if a.Type != notebooks.MarkdownCell || a.Outputs != nil || a.ExecutionCount != nil || hasExecutionTiming(a) || !d.allTrusted() {
		t.Errorf("after code -> markdown: type %s, outputs %v, count %v, timing %v, untrusted %v", a.Type, a.Outputs, a.ExecutionCount, hasExecutionTiming(a), d.untrusted)
	}
	// Markdown to code has nothing to clear.
	events = applyOK(t, d, setCellType{cellID: "b", cellType: notebooks.CodeCell})
	if len(events) != 1 {
		t.Errorf("markdown -> code: events %#v, want only cell_type", events)
	}
	if events := applyOK(t, d, setCellType{cellID: "b", cellType: notebooks.CodeCell}); len(events) != 0 {
		t.Errorf("setting the type a cell has announced %v", events)
	}
	applyRefused(t, d, setCellType{cellID: "c", cellType: "sql"}, `cell_type must be "code", "markdown" or "raw", not "sql"`)
	applyRefused(t, d, setCellType{cellID: "x", cellType: notebooks.RawCell}, `no cell with id "x"`)
}

func TestClearOutputs(t *testing.T) {
	d := testDoc(t)
	// An unknown id refuses the whole request: nothing is cleared.
	applyRefused(t, d, clearOutputs{cellIDs: []string{"a", "ghost"}}, `no cell with id "ghost"`)
	// A cell with nothing to clear is not announced (and nothing is saved).
	if events := applyOK(t, d, clearOutputs{cellIDs: []string{"c"}}); len(events) != 0 {
		t.Errorf("clearing a cell without outputs announced %v", events)
	}
	d.nb.Cell("c").Outputs = []notebooks.Output{errorOutput("E", "boom")}
	// No ids: every cell.
	events := applyOK(t, d, clearOutputs{})
	want := []event{
		browserproto.OutputsClearedMsg{Type: browserproto.MsgOutputsCleared, CellID: "a"},
		browserproto.OutputsClearedMsg{Type: browserproto.MsgOutputsCleared, CellID: "c"},
	}
	if !reflect.DeepEqual(events, want) {
		t.Errorf("events %#v, want %#v", events, want)
	}
	for _, c := range d.nb.Cells {
		if len(c.Outputs) != 0 || c.ExecutionCount != nil || hasExecutionTiming(c) {
			t.Errorf("cell %s after clearing: outputs %v, count %v, timing %v", c.ID, c.Outputs, c.ExecutionCount, hasExecutionTiming(c))
		}
	}
	// Cleared outputs are trusted: whatever the cell shows next is the kernel's.
	if !d.allTrusted() {
		t.Errorf("untrusted after clearing: %v", d.untrusted)
	}
}

func TestTrustFlags(t *testing.T) {
	d := testDoc(t)
	d.nb.Cell("c").Outputs = []notebooks.Output{{Type: notebooks.StreamOutput, Name: "stdout", Text: "2\n"}}
	// Read from a file the user does not trust: every cell with outputs, in order.
	d = newDocument(d.nb, false)
	if got := d.untrustedIDs(); !slices.Equal(got, []string{"a", "c"}) || d.allTrusted() {
		t.Errorf("untrusted %v, want [a c]", got)
	}
	if got := newDocument(d.nb, true).untrustedIDs(); len(got) != 0 {
		t.Errorf("a trusted file's document has untrusted cells %v", got)
	}
	// A new run's outputs are the user's: clearing them trusts the cell alone.
	applyOK(t, d, clearOutputs{cellIDs: []string{"a"}})
	if got := d.untrustedIDs(); !slices.Equal(got, []string{"c"}) {
		t.Errorf("untrusted after clearing a: %v, want [c]", got)
	}
	events := d.trustAll()
	if !reflect.DeepEqual(events, []event{browserproto.TrustedMsg{Type: browserproto.MsgTrusted}}) {
		t.Errorf("trustAll announced %#v", events)
	}
	if !d.allTrusted() || len(d.untrustedIDs()) != 0 {
		t.Errorf("untrusted after trustAll: %v", d.untrusted)
	}
	if len(d.nb.Cell("c").Outputs) != 1 {
		t.Errorf("trusting dropped outputs")
	}
}

func TestOutputsFromTheKernel(t *testing.T) {
	d := testDoc(t)
	stream := func(text string) notebooks.Output {
		return notebooks.Output{Type: notebooks.StreamOutput, Name: "stdout", Text: text}
	}
	// Consecutive stream text merges into one output; each piece is announced.
	applyOK(t, d, clearOutputs{cellIDs: []string{"a"}})
	for _, text := range []string{"epoch 1 10%\r", "epoch 1 90%\r", "epoch 1 done\n"} {
		events := d.appendOutput("a", stream(text))
		if len(events) != 1 || events[0].(browserproto.OutputMsg).CellID != "a" {
			t.Fatalf("append %q: events %#v", text, events)
		}
	}
	if outs := d.nb.Cell("a").Outputs; len(outs) != 1 || outs[0].Text != "epoch 1 done\n" {
		t.Errorf("stream outputs %#v, want one with the last progress line", outs)
	}
	// A cell deleted, or turned to markdown, while it ran gets nothing.
	if events := d.appendOutput("b", stream("x")); len(events) != 0 || len(d.nb.Cell("b").Outputs) != 0 {
		t.Errorf("markdown cell took an output: %v", events)
	}
	if events := d.appendOutput("gone", stream("x")); len(events) != 0 {
		t.Errorf("missing cell announced %v", events)
	}

	// A display update replaces that display wherever it is, and nothing else.
	display := func(id, text string) (notebooks.Output, string) {
		m, err := protocol.NewMessage(protocol.DisplayData, "p", protocol.DisplayDataContent{
			Data: map[string]any{"text/plain": text}, Transient: protocol.Transient{DisplayID: id}})
		if err != nil {
			t.Fatal(err)
		}
		out, dispID, ok, err := outputFromMessage(m)
		if err != nil || !ok {
			t.Fatalf("outputFromMessage: %v %v", ok, err)
		}
		return out, dispID
	}
	bar, _ := display("bar", "0%")
	d.appendOutput("a", bar)
	d.appendOutput("c", bar)
	other, _ := display("other", "keep")
	d.appendOutput("c", other)
	update, dispID := display("bar", "100%")
	events := d.updateDisplay(dispID, update)
	if len(events) != 1 || events[0].(browserproto.UpdateDisplayMsg).DisplayID != "bar" {
		t.Fatalf("update events %#v", events)
	}
	if outs := d.nb.Cell("a").Outputs; outs[0].Text != "epoch 1 done\n" || outs[1].Data["text/plain"] != "100%" {
		t.Errorf("cell a's outputs %#v", outs)
	}
	if outs := d.nb.Cell("c").Outputs; outs[0].Data["text/plain"] != "100%" || outs[1].Data["text/plain"] != "keep" {
		t.Errorf("cell c's displays %v, %v", outs[0].Data, outs[1].Data)
	}
	if events := d.updateDisplay("nowhere", update); len(events) != 0 {
		t.Errorf("an update of an unknown display announced %v", events)
	}
	if events := d.updateDisplay("", update); len(events) != 0 {
		t.Errorf("an update without a display id announced %v", events)
	}
}

func TestStreamStorage(t *testing.T) {
	if got := appendStream("epoch 1 10%\r", "epoch 1 50%\r"); got != "epoch 1 50%\r" {
		t.Errorf("progress line: %q", got)
	}
	if got := appendStream("a\nb 1%\rb 2%", "\rb 3%\nc\n"); got != "a\nb 3%\nc\n" {
		t.Errorf("rewritten line: %q", got)
	}
	if got := appendStream("x\n", "y\n"); got != "x\ny\n" {
		t.Errorf("plain: %q", got)
	}

	// A long print is kept in bounded chunks and the oldest text goes first.
	d := testDoc(t)
	line := strings.Repeat("y", 1023) + "\n"
	for i := 0; i < 9*1024; i++ {
		d.appendOutput("c", notebooks.Output{Type: notebooks.StreamOutput, Name: "stdout", Text: line})
	}
	outs := d.nb.Cell("c").Outputs
	total := 0
	for i, o := range outs {
		if len(o.Text) > streamChunk+len(line) {
			t.Fatalf("output %d holds %d bytes", i, len(o.Text))
		}
		total += len(o.Text)
	}
	if total > maxCellStream+len(truncatedNote) || total < maxCellStream-2*streamChunk {
		t.Fatalf("stored %d bytes of stream text, want about %d", total, maxCellStream)
	}
	if outs[0].Text != truncatedNote {
		t.Fatalf("first output %q, want the truncation note", outs[0].Text[:40])
	}
}

// TestOperationFor: the dispatcher turns each editing message into its
// operation, and a message missing a field its type needs into an error naming
// the field.
func TestOperationFor(t *testing.T) {
	src, idx, off := "s", 2, 3
	for _, tc := range []struct {
		m    browserproto.ClientMessage
		want operation
		err  string
	}{
		{m: browserproto.ClientMessage{Type: browserproto.MsgEditCell, CellID: "a", Source: &src}, want: editSource{cellID: "a", source: "s", origin: "c1"}},
		{m: browserproto.ClientMessage{Type: browserproto.MsgEditCell, CellID: "a"}, err: `the message needs "source"`},
		{m: browserproto.ClientMessage{Type: browserproto.MsgInsertCell, Index: &idx, CellType: "code", CellID: "n", Source: &src}, want: insertCell{index: 2, cellType: "code", cellID: "n", source: "s"}},
		{m: browserproto.ClientMessage{Type: browserproto.MsgInsertCell, CellType: "code"}, err: `the message needs "index"`},
		{m: browserproto.ClientMessage{Type: browserproto.MsgDeleteCell, CellID: "a"}, want: deleteCell{cellID: "a"}},
		{m: browserproto.ClientMessage{Type: browserproto.MsgMoveCell, CellID: "a", Index: &idx}, want: moveCell{cellID: "a", index: 2}},
		{m: browserproto.ClientMessage{Type: browserproto.MsgMoveCell, CellID: "a"}, err: `the message needs "index"`},
		{m: browserproto.ClientMessage{Type: browserproto.MsgSetCellType, CellID: "a", CellType: "raw"}, want: setCellType{cellID: "a", cellType: "raw"}},
		{m: browserproto.ClientMessage{Type: browserproto.MsgSplitCell, CellID: "a", Offset: &off}, want: splitCell{cellID: "a", offset: 3}},
		{m: browserproto.ClientMessage{Type: browserproto.MsgSplitCell, CellID: "a"}, err: `the message needs "offset"`},
		{m: browserproto.ClientMessage{Type: browserproto.MsgMergeCells, CellIDs: []string{"a", "b"}}, want: mergeCells{cellIDs: []string{"a", "b"}}},
		{m: browserproto.ClientMessage{Type: browserproto.MsgClearOutputs}, want: clearOutputs{}},
		{m: browserproto.ClientMessage{Type: "launch_rockets"}, err: `unknown message type "launch_rockets"`},
		{m: browserproto.ClientMessage{}, err: `message has no "type"`},
	} {
		op, err := operationFor("c1", &tc.m)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%+v: error %v, want %q", tc.m, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(op, tc.want) {
			t.Errorf("%+v: %#v, %v; want %#v", tc.m, op, err, tc.want)
		}
	}
}
