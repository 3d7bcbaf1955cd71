package browserproto

import "encoding/json"

// MaxFrameSize bounds one browser -> server websocket frame.
const MaxFrameSize = 4 << 20

// Browser -> server message types.
const (
	MsgEditCell        = "edit_cell"
	MsgInsertCell      = "insert_cell"
	MsgDeleteCell      = "delete_cell"
	MsgMoveCell        = "move_cell"
	MsgSetCellType     = "set_cell_type"
	MsgSplitCell       = "split_cell"
	MsgMergeCells      = "merge_cells"
	MsgExecute         = "execute"
	MsgInterrupt       = "interrupt"
	MsgRestart         = "restart"
	MsgTrust           = "trust"
	MsgClearOutputs    = "clear_outputs"
	MsgComplete        = "complete"
	MsgInspect         = "inspect"
	MsgSave            = "save"
	MsgResolveConflict = "resolve_conflict"
	MsgPublishModel    = "publish_model" // the Publish button of a model result
)

// Server -> browser message types.
const (
	MsgHello          = "hello"
	MsgSnapshot       = "snapshot"
	MsgCellInserted   = "cell_inserted"
	MsgCellDeleted    = "cell_deleted"
	MsgCellMoved      = "cell_moved"
	MsgCellSource     = "cell_source"
	MsgCellType       = "cell_type"
	MsgCellState      = "cell_state"
	MsgOutput         = "output"
	MsgOutputsCleared = "outputs_cleared"
	MsgUpdateDisplay  = "update_display"
	MsgKernelStatus   = "kernel_status"
	MsgCompleteReply  = "complete_reply"
	MsgInspectReply   = "inspect_reply"
	MsgSaved          = "saved"
	MsgTrusted        = "trusted"
	MsgConflict       = "conflict"
	MsgError          = "error"
	MsgPublishResult  = "publish_result" // answers publish_model, to the tab that asked
)

// Kernel states reported in kernel_status and snapshot.kernel.
const (
	KernelNone       = "none"
	KernelStarting   = "starting"
	KernelIdle       = "idle"
	KernelBusy       = "busy"
	KernelDead       = "dead"
	KernelRestarting = "restarting"
)

// Cell run states reported in cell_state.
const (
	CellQueued  = "queued"
	CellRunning = "running"
	CellIdle    = "idle"
)

// ClientMessage is any browser -> server frame; which fields matter depends on Type.
type ClientMessage struct {
	Type      string   `json:"type"`
	CellID    string   `json:"cell_id,omitempty"`
	CellIDs   []string `json:"cell_ids,omitempty"`
	Source    *string  `json:"source,omitempty"`
	Index     *int     `json:"index,omitempty"`
	CellType  string   `json:"cell_type,omitempty"`
	Offset    *int     `json:"offset,omitempty"`
	RunAll    bool     `json:"run_all,omitempty"`
	ReqID     string   `json:"req_id,omitempty"`
	Code      string   `json:"code,omitempty"`
	CursorPos *int     `json:"cursor_pos,omitempty"`
	Choice    string   `json:"choice,omitempty"`
	Handle    string   `json:"handle,omitempty"` // publish_model: the model's handle (ModelMIME)
	Name      string   `json:"name,omitempty"`   // publish_model: the endpoint's name
}

// PublishResultMsg answers a publish_model: what was published, or why not.
// On success the cell also gets the endpoint's card as an output.
type PublishResultMsg struct {
	Type    string `json:"type"`
	ReqID   string `json:"req_id"`
	CellID  string `json:"cell_id"`
	Handle  string `json:"handle"`
	OK      bool   `json:"ok"`
	Error   string `json:"error,omitempty"`
	Name    string `json:"name,omitempty"`
	Version int    `json:"version,omitempty"`
	URL     string `json:"url,omitempty"`
	Curl    string `json:"curl,omitempty"`
	Note    string `json:"note,omitempty"`
}

// HelloMsg is the first frame on every connection.
type HelloMsg struct {
	Type   string `json:"type"`
	ConnID string `json:"conn_id"`
}

// KernelState is a kernel's state and, when dead, why.
type KernelState struct {
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

// RunningCell names the cell being executed and when it started (Unix ms).
type RunningCell struct {
	CellID    string `json:"cell_id"`
	StartedMS int64  `json:"started_ms"`
}

// SnapshotMsg carries the whole live document; it is the replay a reconnecting tab gets.
type SnapshotMsg struct {
	Type     string          `json:"type"`
	Notebook json.RawMessage `json:"notebook"`
	Kernel   KernelState     `json:"kernel"`
	Running  *RunningCell    `json:"running"`
	Queued   []string        `json:"queued"`
	Dirty    bool            `json:"dirty"`
	// Untrusted lists the cells whose outputs came from a file this user has not
	// trusted, in document order.
	Untrusted []string `json:"untrusted,omitempty"`
}

// CellInsertedMsg announces a new cell at Index.
type CellInsertedMsg struct {
	Type  string          `json:"type"`
	Index int             `json:"index"`
	Cell  json.RawMessage `json:"cell"`
}

// CellDeletedMsg announces a removed cell.
type CellDeletedMsg struct {
	Type   string `json:"type"`
	CellID string `json:"cell_id"`
}

// CellMovedMsg announces that a cell now sits at Index.
type CellMovedMsg struct {
	Type   string `json:"type"`
	CellID string `json:"cell_id"`
	Index  int    `json:"index"`
}

// CellSourceMsg carries a cell's new full source; Origin is the connection that
// changed it ("" when the server did).
type CellSourceMsg struct {
	Type   string `json:"type"`
	CellID string `json:"cell_id"`
	Source string `json:"source"`
	Origin string `json:"origin"`
}

// CellTypeMsg announces a cell's new type.
type CellTypeMsg struct {
	Type     string `json:"type"`
	CellID   string `json:"cell_id"`
	CellType string `json:"cell_type"`
}

// CellStateMsg reports a cell's run state.
type CellStateMsg struct {
	Type           string `json:"type"`
	CellID         string `json:"cell_id"`
	State          string `json:"state"`
	ExecutionCount *int   `json:"execution_count,omitempty"`
	ElapsedMS      *int64 `json:"elapsed_ms,omitempty"`
	StartedMS      int64  `json:"started_ms,omitempty"` // with "running": Unix ms
}

// OutputMsg appends one nbformat output to a cell.
type OutputMsg struct {
	Type   string          `json:"type"`
	CellID string          `json:"cell_id"`
	Output json.RawMessage `json:"output"`
}

// OutputsClearedMsg announces that a cell's outputs were removed.
type OutputsClearedMsg struct {
	Type   string `json:"type"`
	CellID string `json:"cell_id"`
}

// UpdateDisplayMsg replaces every output whose transient display_id is DisplayID.
type UpdateDisplayMsg struct {
	Type      string          `json:"type"`
	DisplayID string          `json:"display_id"`
	Output    json.RawMessage `json:"output"`
}

// KernelStatusMsg reports the kernel's state.
type KernelStatusMsg struct {
	Type   string `json:"type"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

// CompleteReplyMsg answers a complete request.
type CompleteReplyMsg struct {
	Type        string   `json:"type"`
	ReqID       string   `json:"req_id"`
	Matches     []string `json:"matches"`
	CursorStart int      `json:"cursor_start"`
	CursorEnd   int      `json:"cursor_end"`
	// Types describes Matches one by one (same order and length) when the
	// kernel knows them.
	Types []CompletionType `json:"types,omitempty"`
}

// CompletionType is what a completion names: its kind and signature.
type CompletionType struct {
	Text      string `json:"text"`
	Kind      string `json:"kind"` // func, type, var, const, method, field, package, keyword or ""
	Signature string `json:"signature,omitempty"`
}

// InspectReplyMsg answers an inspect request: the documentation of the name at the
// cursor when Found, else Text says why there is none.
type InspectReplyMsg struct {
	Type      string `json:"type"`
	ReqID     string `json:"req_id"`
	Found     bool   `json:"found"`
	Text      string `json:"text"`           // plain text: the signature and doc, or why there is none
	Name      string `json:"name,omitempty"` // as the cell writes it: "ml.Sequential"
	Kind      string `json:"kind,omitempty"`
	Signature string `json:"signature,omitempty"`
	Doc       string `json:"doc,omitempty"`
	Package   string `json:"package,omitempty"` // import path; "" for names cells declared
	Symbol    string `json:"symbol,omitempty"`  // its name on the package's help page (/help/<package>#<symbol>)
}

// TrustedMsg tells the tabs that every output of the notebook is trusted now.
type TrustedMsg struct {
	Type string `json:"type"`
}

// SavedMsg reports a successful save; MTime is Unix milliseconds.
type SavedMsg struct {
	Type  string `json:"type"`
	MTime int64  `json:"mtime"`
}

// ConflictMsg reports that the file changed on disk since it was loaded.
type ConflictMsg struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// ErrorMsg reports a problem with a request; the connection stays open.
type ErrorMsg struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}
