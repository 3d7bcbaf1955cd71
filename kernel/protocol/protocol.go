// Package protocol defines the messages exchanged with a gopad kernel process.
//
// The vocabulary is Jupyter's messaging protocol (execute_request, status, stream,
// display_data, update_display_data, execute_result, error, execute_reply,
// complete_request/complete_reply, interrupt_request, shutdown_request), so anyone
// who knows Jupyter knows gopad. The framing is simpler than Jupyter's: one JSON
// object per line over a pipe that is not the kernel's stdout or stderr.
//
// The server, the CLI (run, repl) and the tests all speak to kernels through these
// types; nothing else defines kernel messages.
package protocol

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// Message types, as named by Jupyter's messaging protocol.
const (
	KernelInfoRequest = "kernel_info_request"
	KernelInfoReply   = "kernel_info_reply"
	ExecuteRequest    = "execute_request"
	ExecuteReply      = "execute_reply"
	CompleteRequest   = "complete_request"
	CompleteReply     = "complete_reply"
	InterruptRequest  = "interrupt_request"
	InterruptReply    = "interrupt_reply"
	ShutdownRequest   = "shutdown_request"
	ShutdownReply     = "shutdown_reply"

	Status            = "status"
	Stream            = "stream"
	DisplayData       = "display_data"
	UpdateDisplayData = "update_display_data"
	ExecuteResult     = "execute_result"
	Error             = "error"
)

// Execution states carried by a Status message.
const (
	StateStarting = "starting"
	StateBusy     = "busy"
	StateIdle     = "idle"
)

// Reply statuses carried by ExecuteReply and other replies.
const (
	ReplyOK      = "ok"
	ReplyError   = "error"
	ReplyAborted = "aborted"
)

// MIME types gopad produces besides the usual text/plain, text/html, image/png...
const (
	// MIMEECharts carries an ECharts option object (JSON) that the browser renders
	// with a locally served echarts.js.
	MIMEECharts = "application/vnd.gopad.echarts+json"
	// MIMETable carries a table as {"columns": [...], "rows": [[...], ...]}.
	MIMETable = "application/vnd.gopad.table+json"
)

// Message is one protocol message. ParentID links every output and reply to the
// request that caused it, as Jupyter's parent_header does.
type Message struct {
	ID       string          `json:"msg_id"`
	Type     string          `json:"msg_type"`
	ParentID string          `json:"parent_id,omitempty"`
	Content  json.RawMessage `json:"content"`
}

// NewMessage builds a message with a fresh ID and the given content.
func NewMessage(msgType, parentID string, content any) (Message, error) {
	raw, err := json.Marshal(content)
	if err != nil {
		return Message{}, fmt.Errorf("encode %s content: %w", msgType, err)
	}
	return Message{ID: NewID(), Type: msgType, ParentID: parentID, Content: raw}, nil
}

// Decode unmarshals the message content into v.
func (m Message) Decode(v any) error {
	if err := json.Unmarshal(m.Content, v); err != nil {
		return fmt.Errorf("decode %s content: %w", m.Type, err)
	}
	return nil
}

// NewID returns a random message ID.
func NewID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// MIMEBundle maps a MIME type to its data: a string for text and base64 images,
// any JSON value for JSON MIME types (as in nbformat).
type MIMEBundle map[string]any

// Transient holds data that is not saved in the notebook.
type Transient struct {
	DisplayID string `json:"display_id,omitempty"`
}

// ExecuteRequestContent asks the kernel to run a cell.
type ExecuteRequestContent struct {
	Code   string `json:"code"`
	Silent bool   `json:"silent,omitempty"`
}

// StatusContent reports the kernel's execution state.
type StatusContent struct {
	ExecutionState string `json:"execution_state"`
}

// StreamContent is text printed while a cell runs. Name is "stdout" or "stderr".
type StreamContent struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// DisplayDataContent is a rich output; with Transient.DisplayID set it can later be
// replaced in place by an update_display_data with the same ID.
type DisplayDataContent struct {
	Data      MIMEBundle     `json:"data"`
	Metadata  map[string]any `json:"metadata"`
	Transient Transient      `json:"transient,omitempty"`
}

// ExecuteResultContent is the value of a cell's final expression (Out[n]).
type ExecuteResultContent struct {
	ExecutionCount int            `json:"execution_count"`
	Data           MIMEBundle     `json:"data"`
	Metadata       map[string]any `json:"metadata"`
}

// ErrorContent describes a failed cell.
type ErrorContent struct {
	EName     string   `json:"ename"`
	EValue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// ExecuteReplyContent ends an execute_request. On error it repeats the error.
type ExecuteReplyContent struct {
	Status         string   `json:"status"`
	ExecutionCount int      `json:"execution_count"`
	EName          string   `json:"ename,omitempty"`
	EValue         string   `json:"evalue,omitempty"`
	Traceback      []string `json:"traceback,omitempty"`
	// StateLost (a gopad extension) is set when stopping the cell damaged the
	// interpreter: functions made by earlier cells may misbehave until a restart.
	StateLost bool `json:"state_lost,omitempty"`
}

// CompleteRequestContent asks for completions at CursorPos (a byte offset into Code).
type CompleteRequestContent struct {
	Code      string `json:"code"`
	CursorPos int    `json:"cursor_pos"`
}

// CompleteReplyContent lists completions that replace Code[CursorStart:CursorEnd].
type CompleteReplyContent struct {
	Status      string   `json:"status"`
	Matches     []string `json:"matches"`
	CursorStart int      `json:"cursor_start"`
	CursorEnd   int      `json:"cursor_end"`
}

// ShutdownRequestContent asks the kernel to exit.
type ShutdownRequestContent struct {
	Restart bool `json:"restart"`
}

// KernelInfoReplyContent answers kernel_info_request; the kernel also sends it
// unasked once it is ready to execute.
type KernelInfoReplyContent struct {
	Status                string       `json:"status"`
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          LanguageInfo `json:"language_info"`
}

// LanguageInfo describes the kernel's language, as in nbformat metadata.
type LanguageInfo struct {
	Name          string `json:"name"`
	Version       string `json:"version,omitempty"`
	FileExtension string `json:"file_extension"`
	MIMEType      string `json:"mimetype,omitempty"`
}

// Writer sends messages as JSON lines. It is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	enc *json.Encoder
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{enc: json.NewEncoder(w)} }

// Send writes one message.
func (w *Writer) Send(m Message) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.enc.Encode(m); err != nil {
		return fmt.Errorf("send %s: %w", m.Type, err)
	}
	return nil
}

// Reader reads JSON-line messages.
type Reader struct {
	sc *bufio.Scanner
}

// MaxMessageSize bounds one message on the wire (a large image or chart fits).
const MaxMessageSize = 64 << 20

// NewReader returns a Reader that reads from r.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxMessageSize)
	return &Reader{sc: sc}
}

// Read returns the next message, or io.EOF when the stream ends.
func (r *Reader) Read() (Message, error) {
	for r.sc.Scan() {
		line := r.sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var m Message
		if err := json.Unmarshal(line, &m); err != nil {
			return Message{}, fmt.Errorf("malformed kernel message: %w", err)
		}
		if m.Type == "" {
			return Message{}, fmt.Errorf("malformed kernel message: no msg_type")
		}
		return m, nil
	}
	if err := r.sc.Err(); err != nil {
		return Message{}, fmt.Errorf("read kernel message: %w", err)
	}
	return Message{}, io.EOF
}
