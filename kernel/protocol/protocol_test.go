package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
)

func TestWriterReaderRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	sent := []Message{}
	for i, content := range []any{
		ExecuteRequestContent{Code: "x := 1\nfmt.Println(\"é\")"},
		StreamContent{Name: "stdout", Text: strings.Repeat("line\n", 1000)},
		ExecuteReplyContent{Status: ReplyError, ExecutionCount: 3, EName: "Panic", StateLost: true},
	} {
		m, err := NewMessage([]string{ExecuteRequest, Stream, ExecuteReply}[i], "parent-1", content)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Send(m); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, m)
	}
	r := NewReader(&buf)
	for _, want := range sent {
		got, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != want.ID || got.Type != want.Type || got.ParentID != "parent-1" || !bytes.Equal(got.Content, want.Content) {
			t.Errorf("read %+v, want %+v", got, want)
		}
	}
	if _, err := r.Read(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last message: %v, want io.EOF", err)
	}
	var reply ExecuteReplyContent
	if err := sent[2].Decode(&reply); err != nil || !reply.StateLost || reply.ExecutionCount != 3 {
		t.Errorf("decoded reply %+v, %v", reply, err)
	}
}

func TestReaderRejectsMalformedLines(t *testing.T) {
	for input, want := range map[string]string{
		"not json\n":                         "malformed kernel message",
		`{"msg_id":"1","content":{}}` + "\n": "no msg_type",
	} {
		_, err := NewReader(strings.NewReader(input)).Read()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Read(%q) = %v, want an error with %q", input, err, want)
		}
	}
	// Blank lines are skipped.
	m, err := NewReader(strings.NewReader("\n\n" + `{"msg_id":"1","msg_type":"status","content":{}}` + "\n")).Read()
	if err != nil || m.Type != Status {
		t.Errorf("after blank lines: %+v, %v", m, err)
	}
}

func TestWriterIsSafeForConcurrentUse(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				m, _ := NewMessage(Stream, "", StreamContent{Name: "stdout", Text: strings.Repeat("x", g*100)})
				w.Send(m)
			}
		}()
	}
	wg.Wait()
	r := NewReader(&buf)
	n := 0
	for {
		if _, err := r.Read(); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("message %d: %v", n, err)
			}
			break
		}
		n++
	}
	if n != 800 {
		t.Errorf("read %d whole messages, want 800", n)
	}
}

func TestNewIDIsUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if seen[id] || len(id) != 24 {
			t.Fatalf("NewID returned %q (duplicate or wrong length)", id)
		}
		seen[id] = true
	}
}

// streamOfSize returns a stream message whose encoded line, newline included,
// is exactly size bytes.
func streamOfSize(t *testing.T, size int) Message {
	t.Helper()
	empty, err := NewMessage(Stream, "parent-1", StreamContent{Name: "stdout"})
	if err != nil {
		t.Fatal(err)
	}
	line, err := json.Marshal(empty)
	if err != nil {
		t.Fatal(err)
	}
	overhead := len(line) + 1
	m, err := NewMessage(Stream, "parent-1", StreamContent{Name: "stdout", Text: strings.Repeat("x", size-overhead)})
	if err != nil {
		t.Fatal(err)
	}
	m.ID = empty.ID
	return m
}

func TestWriterRefusesMessagesOverTheLimitAndReaderAcceptsUpToIt(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	atLimit := streamOfSize(t, MaxMessageSize)
	if err := w.Send(atLimit); err != nil {
		t.Fatalf("message of exactly MaxMessageSize: %v", err)
	}
	if buf.Len() != MaxMessageSize {
		t.Fatalf("wrote %d bytes, want exactly %d (the test's size arithmetic is off)", buf.Len(), MaxMessageSize)
	}
	err := w.Send(streamOfSize(t, MaxMessageSize+1))
	var tooLarge *TooLargeError
	if !errors.As(err, &tooLarge) || tooLarge.Size != MaxMessageSize+1 || tooLarge.Type != Stream {
		t.Fatalf("one byte over the limit: %v, want a *TooLargeError of %d bytes", err, MaxMessageSize+1)
	}
	if !strings.Contains(err.Error(), "(67108865 bytes)") || !strings.Contains(err.Error(), "64 MiB limit") {
		t.Errorf("error %q should name the size and the limit", err)
	}
	if buf.Len() != MaxMessageSize {
		t.Errorf("the refused message wrote %d bytes", buf.Len()-MaxMessageSize)
	}
	// The channel is intact after a refusal.
	small, _ := NewMessage(Status, "", StatusContent{ExecutionState: StateIdle})
	if err := w.Send(small); err != nil {
		t.Fatal(err)
	}
	r := NewReader(&buf)
	for _, want := range []Message{atLimit, small} {
		got, err := r.Read()
		if err != nil || got.ID != want.ID || !bytes.Equal(got.Content, want.Content) {
			t.Fatalf("read %s (%d bytes of content), %v; want message %s", got.Type, len(got.Content), err, want.Type)
		}
	}
}

func TestReaderFailsClearlyOnALineOverTheLimit(t *testing.T) {
	line := strings.Repeat("x", MaxMessageSize+10) + "\n"
	_, err := NewReader(strings.NewReader(line)).Read()
	if err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "longer than the 64 MiB limit") {
		t.Errorf("Read of an oversized line = %v, want an error naming the limit", err)
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int]string{
		0: "0 bytes", 1023: "1023 bytes", 1024: "1 KiB", 1536: "1.5 KiB",
		64 << 20: "64 MiB", 70<<20 + 300: "70.0 MiB", 3 << 30: "3 GiB",
	} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWriterKeepsOneMessagePerLine(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	spread := Message{ID: "1", Type: Status, Content: json.RawMessage("{\n\"execution_state\":\r\n \"idle\"\n}")}
	empty := Message{ID: "2", Type: InterruptReply}
	if err := w.Send(spread); err != nil {
		t.Fatal(err)
	}
	if err := w.Send(empty); err != nil {
		t.Fatal(err)
	}
	if err := w.Send(Message{ID: "3", Type: Status, Content: json.RawMessage(`{"a":`)}); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("invalid content: %v, want an error saying so", err)
	}
	if got, want := buf.String(), `{"msg_id":"1","msg_type":"status","content":{"execution_state":"idle"}}`+"\n"+
		`{"msg_id":"2","msg_type":"interrupt_reply","content":null}`+"\n"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
	r := NewReader(&buf)
	var st StatusContent
	if m, err := r.Read(); err != nil || m.Decode(&st) != nil || st.ExecutionState != StateIdle {
		t.Errorf("read back %+v %v (%+v)", m, err, st)
	}
}
