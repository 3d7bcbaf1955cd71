package client_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/kernel/protocol"
)

// rawKernel is a kernel process spoken to over its pipes directly, so that a
// test decides the exact order in which the kernel receives requests.
type rawKernel struct {
	w   *protocol.Writer
	in  chan protocol.Message
	cmd *exec.Cmd
}

func startRaw(t *testing.T) *rawKernel {
	t.Helper()
	reqR, reqW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	msgR, msgW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	opts := kerneltest.Options()
	cmd := exec.Command(opts.Command, opts.Args...)
	cmd.Env = opts.Env
	cmd.ExtraFiles = []*os.File{reqR, msgW}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	reqR.Close()
	msgW.Close()
	k := &rawKernel{w: protocol.NewWriter(reqW), in: make(chan protocol.Message, 256), cmd: cmd}
	t.Cleanup(func() {
		reqW.Close() // the kernel ends when its request pipe closes
		_ = cmd.Wait()
		msgR.Close()
	})
	go func() {
		r := protocol.NewReader(msgR)
		for {
			m, err := r.Read()
			if err != nil {
				close(k.in)
				return
			}
			k.in <- m
		}
	}()
	if m := k.next(t); m.Type != protocol.KernelInfoReply {
		t.Fatalf("first message %s, want kernel_info_reply", m.Type)
	}
	return k
}

func (k *rawKernel) send(t *testing.T, msgType string, content any) protocol.Message {
	t.Helper()
	m, err := protocol.NewMessage(msgType, "", content)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.w.Send(m); err != nil {
		t.Fatal(err)
	}
	return m
}

func (k *rawKernel) next(t *testing.T) protocol.Message {
	t.Helper()
	select {
	case m, ok := <-k.in:
		if !ok {
			t.Fatal("the kernel closed its message pipe")
		}
		return m
	case <-time.After(60 * time.Second):
		t.Fatal("no message from the kernel within 60 s")
	}
	panic("unreachable")
}

// until returns the first message of type msgType with the given parent.
func (k *rawKernel) until(t *testing.T, msgType, parent string) protocol.Message {
	t.Helper()
	for {
		if m := k.next(t); m.Type == msgType && m.ParentID == parent {
			return m
		}
	}
}

func replyOf(t *testing.T, m protocol.Message) protocol.ExecuteReplyContent {
	t.Helper()
	var c protocol.ExecuteReplyContent
	if err := m.Decode(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

// An interrupt that reaches the kernel after a cell's execute_request but
// before the cell starts (the worker is still busy with an earlier request)
// is that cell's: it is not lost, and the cell does not run. An interrupt
// that reaches an idle kernel touches no later cell.
func TestInterruptBeforeTheCellStartsIsNotLostNorHitsTheNextCell(t *testing.T) {
	k := startRaw(t)
	// A model shown as a result gets a handle for the Publish button, whose
	// request keeps the worker busy until the test answers its publish_request.
	show := k.send(t, protocol.ExecuteRequest, protocol.ExecuteRequestContent{Code: `import "gopad/ml"
ml.SetSeed(1)
d := ml.NewDataset(ml.FromSlice([]float32{0, 0, 1, 1, 0, 1, 0, 1}, 4, 2), ml.FromSlice([]float32{0, 1, 1, 0}, 4))
m := ml.Sequential(ml.Linear(2, 4), ml.ReLU(), ml.Linear(4, 2))
m.Fit(d, ml.FitConfig{Epochs: 1, BatchSize: 4, Loss: ml.CrossEntropy(), Seed: 1})
m`})
	var handle string
	for handle == "" {
		m := k.next(t)
		if m.Type == protocol.ExecuteResult && m.ParentID == show.ID {
			var r struct {
				Data map[string]json.RawMessage `json:"data"`
			}
			var md protocol.ModelData
			if err := m.Decode(&r); err != nil || json.Unmarshal(r.Data[protocol.ModelMIME], &md) != nil || md.Handle == "" {
				t.Fatalf("the model result carries no handle: %s", m.Content)
			}
			handle = md.Handle
		}
	}
	k.until(t, protocol.ExecuteReply, show.ID)

	button := k.send(t, protocol.PublishModelRequest, protocol.PublishModelRequestContent{Handle: handle, Name: "racer"})
	pubReq := k.until(t, protocol.PublishRequest, button.ID) // the worker now waits for our answer
	cell := k.send(t, protocol.ExecuteRequest, protocol.ExecuteRequestContent{Code: "raced := 1"})
	intr := k.send(t, protocol.InterruptRequest, struct{}{})
	k.until(t, protocol.InterruptReply, intr.ID)
	if err := k.w.Send(protocol.Message{ID: protocol.NewID(), Type: protocol.PublishReply, ParentID: pubReq.ID,
		Content: json.RawMessage(`{"status":"error","evalue":"not now (the test's refusal)","served":false}`)}); err != nil {
		t.Fatal(err)
	}
	if r := replyOf(t, k.until(t, protocol.ExecuteReply, cell.ID)); r.Status != protocol.ReplyError || r.EName != "Interrupted" {
		t.Fatalf("the cell interrupted before it started: reply %+v, want Interrupted", r)
	}
	after := k.send(t, protocol.ExecuteRequest, protocol.ExecuteRequestContent{Code: "raced"})
	if r := replyOf(t, k.until(t, protocol.ExecuteReply, after.ID)); r.Status != protocol.ReplyError || r.EName == "Interrupted" {
		t.Fatalf("the interrupted cell ran (raced is defined) or the interrupt reached the next cell: %+v", r)
	}

	// Idle kernel: the interrupt is answered and no later cell feels it.
	intr = k.send(t, protocol.InterruptRequest, struct{}{})
	k.until(t, protocol.InterruptReply, intr.ID)
	next := k.send(t, protocol.ExecuteRequest, protocol.ExecuteRequestContent{Code: "n := 0\nfor i := 0; i < 1000; i++ {\n\tn += i\n}\nn"})
	if r := replyOf(t, k.until(t, protocol.ExecuteReply, next.ID)); r.Status != protocol.ReplyOK {
		t.Fatalf("a cell after an interrupt of an idle kernel: %+v", r)
	}
}
