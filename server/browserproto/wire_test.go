package browserproto

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestServerFramesOnTheWire pins the JSON of every server -> browser frame and
// HTTP body to the shapes the package documentation promises: the frontend reads
// these keys, so renaming a Go field or tag must fail here, not in a browser.
func TestServerFramesOnTheWire(t *testing.T) {
	count, elapsed := 3, int64(42)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{HelloMsg{Type: MsgHello, ConnID: "c3"}, `{"type":"hello","conn_id":"c3"}`},
		{SnapshotMsg{Type: MsgSnapshot, Notebook: json.RawMessage(`{"cells":[]}`), Kernel: KernelState{State: KernelIdle},
			Running: &RunningCell{CellID: "a", StartedMS: 7}, Queued: []string{"b"}, Dirty: true, Untrusted: []string{"a"}},
			`{"type":"snapshot","notebook":{"cells":[]},"kernel":{"state":"idle"},"running":{"cell_id":"a","started_ms":7},"queued":["b"],"dirty":true,"untrusted":["a"]}`},
		{SnapshotMsg{Type: MsgSnapshot, Notebook: json.RawMessage(`{}`), Kernel: KernelState{State: KernelDead, Reason: "oom"}, Queued: []string{}},
			`{"type":"snapshot","notebook":{},"kernel":{"state":"dead","reason":"oom"},"running":null,"queued":[],"dirty":false}`},
		{CellInsertedMsg{Type: MsgCellInserted, Index: 2, Cell: json.RawMessage(`{"id":"x"}`)}, `{"type":"cell_inserted","index":2,"cell":{"id":"x"}}`},
		{CellDeletedMsg{Type: MsgCellDeleted, CellID: "x"}, `{"type":"cell_deleted","cell_id":"x"}`},
		{CellMovedMsg{Type: MsgCellMoved, CellID: "x", Index: 0}, `{"type":"cell_moved","cell_id":"x","index":0}`},
		{CellSourceMsg{Type: MsgCellSource, CellID: "x", Source: "a\nb"}, `{"type":"cell_source","cell_id":"x","source":"a\nb","origin":""}`},
		{CellTypeMsg{Type: MsgCellType, CellID: "x", CellType: "raw"}, `{"type":"cell_type","cell_id":"x","cell_type":"raw"}`},
		{CellStateMsg{Type: MsgCellState, CellID: "x", State: CellRunning, StartedMS: 9}, `{"type":"cell_state","cell_id":"x","state":"running","started_ms":9}`},
		{CellStateMsg{Type: MsgCellState, CellID: "x", State: CellIdle, ExecutionCount: &count, ElapsedMS: &elapsed},
			`{"type":"cell_state","cell_id":"x","state":"idle","execution_count":3,"elapsed_ms":42}`},
		{CellStateMsg{Type: MsgCellState, CellID: "x", State: CellQueued}, `{"type":"cell_state","cell_id":"x","state":"queued"}`},
		{OutputMsg{Type: MsgOutput, CellID: "x", Output: json.RawMessage(`{"output_type":"stream"}`)}, `{"type":"output","cell_id":"x","output":{"output_type":"stream"}}`},
		{OutputsClearedMsg{Type: MsgOutputsCleared, CellID: "x"}, `{"type":"outputs_cleared","cell_id":"x"}`},
		{UpdateDisplayMsg{Type: MsgUpdateDisplay, DisplayID: "d", Output: json.RawMessage(`{}`)}, `{"type":"update_display","display_id":"d","output":{}}`},
		{KernelStatusMsg{Type: MsgKernelStatus, State: KernelRestarting}, `{"type":"kernel_status","state":"restarting"}`},
		{CompleteReplyMsg{Type: MsgCompleteReply, ReqID: "r1", Matches: []string{"Println"}, CursorStart: 4, CursorEnd: 6},
			`{"type":"complete_reply","req_id":"r1","matches":["Println"],"cursor_start":4,"cursor_end":6}`},
		{SavedMsg{Type: MsgSaved, MTime: 1700000000000}, `{"type":"saved","mtime":1700000000000}`},
		{TrustedMsg{Type: MsgTrusted}, `{"type":"trusted"}`},
		{ConflictMsg{Type: MsgConflict, Message: "m"}, `{"type":"conflict","message":"m"}`},
		{ErrorMsg{Type: MsgError, Message: "m"}, `{"type":"error","message":"m"}`},
		{ContentsListing{Path: "d", Entries: []ContentsEntry{{Name: "a.gonb", Path: "d/a.gonb", Type: "notebook", Size: 5, MTime: 6}},
			Examples: []ExampleEntry{{Name: "digits.gonb", Path: "examples/digits.gonb", Title: "T", Description: "D", Copy: "examples/digits.gonb"}, {Name: "w.gonb", Path: "examples/w.gonb", Title: "W"}}},
			`{"path":"d","entries":[{"name":"a.gonb","path":"d/a.gonb","type":"notebook","size":5,"mtime":6}],"examples":[{"name":"digits.gonb","path":"examples/digits.gonb","title":"T","description":"D","copy":"examples/digits.gonb"},{"name":"w.gonb","path":"examples/w.gonb","title":"W","description":""}]}`},
		{OpenExampleReply{Path: "examples/w.gonb", Created: true}, `{"path":"examples/w.gonb","created":true}`},
		{KernelInfo{Path: "a.gonb", State: KernelBusy, Started: 1, PID: 2, Clients: 3}, `{"path":"a.gonb","state":"busy","started":1,"pid":2,"clients":3}`},
	} {
		got, err := json.Marshal(tc.v)
		if err != nil {
			t.Errorf("%T: %v", tc.v, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("%T encodes as\n%s\nwant\n%s", tc.v, got, tc.want)
		}
	}
}

// TestBrowserFramesDecode reads the browser -> server frames as the package
// documentation writes them.
func TestBrowserFramesDecode(t *testing.T) {
	src, idx, off, pos := "x := 1", 2, 5, 3
	for _, tc := range []struct {
		frame string
		want  ClientMessage
	}{
		{`{"type":"edit_cell","cell_id":"a","source":"x := 1"}`, ClientMessage{Type: MsgEditCell, CellID: "a", Source: &src}},
		{`{"type":"insert_cell","index":2,"cell_type":"code","cell_id":"n1","source":"x := 1"}`, ClientMessage{Type: MsgInsertCell, Index: &idx, CellType: "code", CellID: "n1", Source: &src}},
		{`{"type":"move_cell","cell_id":"a","index":2}`, ClientMessage{Type: MsgMoveCell, CellID: "a", Index: &idx}},
		{`{"type":"split_cell","cell_id":"a","offset":5}`, ClientMessage{Type: MsgSplitCell, CellID: "a", Offset: &off}},
		{`{"type":"merge_cells","cell_ids":["a","b"]}`, ClientMessage{Type: MsgMergeCells, CellIDs: []string{"a", "b"}}},
		{`{"type":"restart","run_all":true}`, ClientMessage{Type: MsgRestart, RunAll: true}},
		{`{"type":"complete","req_id":"r","cell_id":"a","code":"fmt.","cursor_pos":3}`, ClientMessage{Type: MsgComplete, ReqID: "r", CellID: "a", Code: "fmt.", CursorPos: &pos}},
		{`{"type":"resolve_conflict","choice":"reload"}`, ClientMessage{Type: MsgResolveConflict, Choice: "reload"}},
		{`{"type":"trust"}`, ClientMessage{Type: MsgTrust}},
	} {
		var got ClientMessage
		if err := json.Unmarshal([]byte(tc.frame), &got); err != nil {
			t.Errorf("%s: %v", tc.frame, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s decodes as %+v, want %+v", tc.frame, got, tc.want)
		}
	}
}
