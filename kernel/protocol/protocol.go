// Package protocol defines the messages exchanged with a gopad kernel process.
//
// The vocabulary is Jupyter's messaging protocol (execute_request, status, stream,
// display_data, update_display_data, execute_result, error, execute_reply,
// complete_request/complete_reply, inspect_request/inspect_reply, interrupt_request,
// shutdown_request), so anyone
// who knows Jupyter knows gopad. The framing is simpler than Jupyter's: one JSON
// object per line over a pipe that is not the kernel's stdout or stderr.
//
// The server, the CLI (run, repl) and the tests all speak to kernels through these
// types; nothing else defines kernel messages.
package protocol

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
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
	InspectRequest    = "inspect_request"
	InspectReply      = "inspect_reply"
	InterruptRequest  = "interrupt_request"
	InterruptReply    = "interrupt_reply"
	ShutdownRequest   = "shutdown_request"
	ShutdownReply     = "shutdown_reply"
	// InputRequest goes from the kernel to its client while a cell waits
	// for a line of standard input; the client answers with InputReply.
	InputRequest = "input_request"
	InputReply   = "input_reply"

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
	// AllowStdin says the client answers input_request for this cell (a
	// Jupyter front end that shows an input box); without it a cell reading
	// standard input gets end of file and a note saying why.
	AllowStdin bool `json:"allow_stdin,omitempty"`
}

// InputRequestContent asks the client for a line of standard input for the
// running cell (the request's parent). Password asks the client to hide what
// is typed.
type InputRequestContent struct {
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
}

// InputReplyContent is the line typed, without its newline.
type InputReplyContent struct {
	Value string `json:"value"`
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
	Status      string           `json:"status"`
	Matches     []string         `json:"matches"`
	CursorStart int              `json:"cursor_start"`
	CursorEnd   int              `json:"cursor_end"`
	Metadata    CompleteMetadata `json:"metadata"`
}

// CompleteMetadata carries what Jupyter front-ends show beside the matches.
type CompleteMetadata struct {
	// Types describes each match, in the order of Matches (Jupyter's
	// experimental key, read by JupyterLab to show kinds and signatures).
	Types []CompletionType `json:"_jupyter_types_experimental,omitempty"`
}

// CompletionType describes one match: what it names and its signature.
type CompletionType struct {
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Text      string `json:"text"`
	Type      string `json:"type"`                // func, type, var, const, method, field, package or keyword ("" when unknown)
	Signature string `json:"signature,omitempty"` // the declaration without its body
}

// InspectRequestContent asks for the documentation of the name at CursorPos (a
// byte offset into Code), Jupyter's Shift+Tab.
type InspectRequestContent struct {
	Code        string `json:"code"`
	CursorPos   int    `json:"cursor_pos"`
	DetailLevel int    `json:"detail_level"`
}

// DocMIME is the MIME type of an inspect_reply's structured documentation, a DocData.
const DocMIME = "application/vnd.gopad.doc+json"

// InspectReplyContent answers an inspect_request. Found is false when the name
// has no documentation; Data's text/plain then says why. A bad request gets
// Status "error" with EName and EValue.
type InspectReplyContent struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
	EName    string         `json:"ename,omitempty"`
	EValue   string         `json:"evalue,omitempty"`
}

// DocData is the documentation of one name, under DocMIME in an inspect_reply.
type DocData struct {
	Name      string `json:"name"`              // as the cell writes it: "ml.Sequential"
	Kind      string `json:"kind"`              // func, type, var, const, method, field or package
	Signature string `json:"signature"`         // the declaration without its body
	Doc       string `json:"doc"`               // the doc comment as plain text
	Package   string `json:"package,omitempty"` // import path; "" for cells' own names
	Symbol    string `json:"symbol,omitempty"`  // its name in the package's docs ("Model.Fit")
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
	out io.Writer
	buf []byte // assembles small messages, written with one call
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{out: w} }

// MaxMessageSize bounds one message on the wire, its newline included (a
// large image or chart fits). Writer refuses larger messages and Reader fails
// on them, so both ends of a channel agree.
const MaxMessageSize = 64 << 20

// TooLargeError is what Writer.Send returns for a message larger than
// MaxMessageSize. Nothing was written: the channel is intact.
type TooLargeError struct {
	Type string // the message's msg_type
	Size int    // its encoded size in bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s message of %s (%d bytes) is larger than the %s limit of one kernel message",
		e.Type, FormatSize(e.Size), e.Size, FormatSize(MaxMessageSize))
}

// messageHeader is Message without its content, which Send writes as it is.
type messageHeader struct {
	ID       string `json:"msg_id"`
	Type     string `json:"msg_type"`
	ParentID string `json:"parent_id,omitempty"`
}

// smallMessage is the size up to which Send assembles a message before writing.
const smallMessage = 64 << 10

// Send writes one message, or returns a *TooLargeError without writing anything.
//
// The content is written as it is, not re-encoded: NewMessage made it compact
// JSON already, and re-encoding tens of megabytes takes seconds. Content that
// is not valid JSON is refused; content with line breaks between its tokens is
// compacted, as a line break would end the message early.
func (w *Writer) Send(m Message) error {
	header, err := json.Marshal(messageHeader{m.ID, m.Type, m.ParentID})
	if err != nil {
		return fmt.Errorf("send %s: %w", m.Type, err)
	}
	head := append(header[:len(header)-1], `,"content":`...)
	content := []byte(m.Content)
	switch {
	case len(content) == 0:
		content = []byte("null") // as encoding/json writes an empty RawMessage
	case bytes.IndexByte(content, '\n') >= 0:
		var compact bytes.Buffer
		if err := json.Compact(&compact, content); err != nil {
			return fmt.Errorf("send %s: content is not valid JSON: %w", m.Type, err)
		}
		content = compact.Bytes()
	}
	const tail = "}\n"
	if size := len(head) + len(content) + len(tail); size > MaxMessageSize {
		return &TooLargeError{Type: m.Type, Size: size}
	}
	if !json.Valid(content) {
		return fmt.Errorf("send %s: content is not valid JSON", m.Type)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(head)+len(content)+len(tail) <= smallMessage {
		w.buf = append(append(append(w.buf[:0], head...), content...), tail...)
		err = writeAll(w.out, w.buf)
	} else {
		// Not copied into one buffer: the reader sees one line all the same.
		err = writeAll(w.out, head, content, []byte(tail))
	}
	if err != nil {
		return fmt.Errorf("send %s: %w", m.Type, err)
	}
	return nil
}

// writeAll writes each part in turn.
func writeAll(w io.Writer, parts ...[]byte) error {
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// Reader reads JSON-line messages.
type Reader struct {
	sc *bufio.Scanner
}

// NewReader returns a Reader that reads from r.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxMessageSize)
	return &Reader{sc: sc}
}

// Read returns the next message, or io.EOF when the stream ends. Any other
// error leaves the stream unusable: its framing is lost.
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
	err := r.sc.Err()
	if errors.Is(err, bufio.ErrTooLong) {
		return Message{}, fmt.Errorf("read kernel message: a message is longer than the %s limit: %w", FormatSize(MaxMessageSize), err)
	}
	if err != nil {
		return Message{}, fmt.Errorf("read kernel message: %w", err)
	}
	return Message{}, io.EOF
}

// The position file. Some deaths leave the kernel no chance to say where it
// was: a Go fatal error such as a stack overflow ends the process at once, and
// the runtime's report names only interpreter frames. So the client gives the
// kernel a small file (its file descriptor 5) that the kernel maps into memory
// and keeps the running cell's position in; the client reads it after the
// process ended.
const (
	// PositionSize is the file's size: three native-endian int64s, the cell
	// number (0 while no cell runs), its line and its goroutine (see Position).
	PositionSize = 24
	// StackLimit bounds the stack of a goroutine in a kernel process
	// (runtime/debug.SetMaxStack): room for over 100,000 nested calls of
	// interpreted code, and a recursion without end fails in half a second
	// instead of the ~15 s it takes to reach Go's default of 1 GB.
	StackLimit = 64 << 20
)

// Position is the content of the position file.
type Position struct {
	Cell, Line int64
	// Goroutine runs the cell's top-level statement, 0 if not known.
	Goroutine int64
}

// DecodePosition reads a position file's content.
func DecodePosition(b []byte) (Position, error) {
	if len(b) != PositionSize {
		return Position{}, fmt.Errorf("position file has %d bytes, want %d", len(b), PositionSize)
	}
	word := func(i int) int64 { return int64(binary.NativeEndian.Uint64(b[8*i:])) }
	return Position{Cell: word(0), Line: word(1), Goroutine: word(2)}, nil
}

// FormatSize formats n bytes for people: "64 MiB", "70.3 MiB", "512 bytes".
func FormatSize(n int) string {
	for _, u := range []struct {
		size int
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size {
			if n%u.size == 0 {
				return fmt.Sprintf("%d %s", n/u.size, u.name)
			}
			return fmt.Sprintf("%.1f %s", float64(n)/float64(u.size), u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
