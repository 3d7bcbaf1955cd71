package protocol

import (
	"bytes"
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
