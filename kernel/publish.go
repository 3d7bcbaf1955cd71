package kernel

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"

	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving/registry"
)

// Publishing from the kernel (see protocol/publish.go). ml.Publish in a cell
// and the Publish button both end in publish: the model is saved into a fresh
// directory and the kernel's client (the notebook server, `gopad run`) is
// asked to publish it, with what the model carries for its lineage.

// publishTimeout bounds the wait for the client's answer: it copies the
// saved files into the registry and loads the version, which takes a second
// even for a large model; a client that never answers must not hang the cell.
const publishTimeout = 2 * time.Minute

// publishing is the kernel's side of publishing: the models it showed as
// results (by handle) and the publish_requests waiting for their reply.
type publishing struct {
	prefix string // distinguishes the handles of this process from another's

	mu      sync.Mutex
	handles map[string]*ml.Model
	byModel map[*ml.Model]string
	order   []string // handles, oldest first, for maxHandles
	seq     int
	pending map[string]chan protocol.PublishReplyContent
	gone    bool // the client closed the channel: no reply will come
}

func newPublishing() *publishing {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return &publishing{prefix: hex.EncodeToString(b[:]), handles: map[string]*ml.Model{}, byModel: map[*ml.Model]string{},
		pending: map[string]chan protocol.PublishReplyContent{}}
}

// installPublish makes ml.Publish ask this kernel's client to publish.
func (k *kernel) installPublish() {
	k.pub = newPublishing()
	ml.SetPublisher(func(m *ml.Model, name string) (*ml.Published, error) {
		k.mu.Lock()
		parent, source, cellID := "", "cell", ""
		switch {
		case k.button != nil:
			parent, source, cellID = k.button.parent, "button", k.button.cellID
		case k.running != nil:
			parent = k.running.id
		}
		k.mu.Unlock()
		return k.publish(parent, m, name, source, cellID)
	})
}

// buttonPublish is the publish_model_request being handled.
type buttonPublish struct{ parent, cellID string }

// handleFor returns the handle of a model shown as a result, the same for
// the same model every time.
func (p *publishing) handleFor(m *ml.Model) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if h, ok := p.byModel[m]; ok {
		return h
	}
	p.seq++
	h := fmt.Sprintf("%s-%d", p.prefix, p.seq)
	p.handles[h] = m
	p.byModel[m] = h
	p.order = append(p.order, h)
	if len(p.order) > maxHandles {
		// A model shown long ago and held by no variable must not stay in
		// memory for ever: its button then says to run the cell again.
		old := p.order[0]
		p.order = p.order[1:]
		delete(p.byModel, p.handles[old])
		delete(p.handles, old)
	}
	return h
}

// maxHandles bounds the models kept for Publish buttons.
const maxHandles = 128

// identifier matches a cell whose last line is a bare variable name.
var identifier = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// modelResult returns the ModelMIME entry for a cell result that is a model,
// offering the variable's name when the cell ends with a bare identifier.
func (k *kernel) modelResult(v reflect.Value, code string) (protocol.ModelData, bool) {
	if k.pub == nil || !v.IsValid() || !v.CanInterface() {
		return protocol.ModelData{}, false
	}
	if _, ok := k.w.(*protocol.Writer); !ok {
		return protocol.ModelData{}, false // a Jupyter client has no Publish button
	}
	m, ok := v.Interface().(*ml.Model)
	if !ok || m == nil {
		return protocol.ModelData{}, false
	}
	name := "model"
	lines := strings.Split(strings.TrimSpace(code), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); identifier.MatchString(last) && ml.CheckModelName(last) == nil {
		name = last
	}
	return protocol.ModelData{Handle: k.pub.handleFor(m), Name: name, Params: m.NumParams(), Trained: m.Trained()}, true
}

// publish saves m and asks the client to publish it under name; parent is
// the request the kernel works for (the running cell's, or the button's).
func (k *kernel) publish(parent string, m *ml.Model, name, source, cellID string) (*ml.Published, error) {
	if _, ok := k.w.(*protocol.Writer); !ok {
		return nil, errors.New("this kernel was started by a Jupyter client, which cannot publish; save the model with model.Save(dir) and serve it with `gopad serve-model --model_dir dir`")
	}
	dir, err := os.MkdirTemp("", "gopad-publish-")
	if err != nil {
		return nil, fmt.Errorf("save the model for publishing: %w", err)
	}
	defer os.RemoveAll(dir)
	artifact := dir + "/model"
	if err := m.Save(artifact); err != nil {
		return nil, fmt.Errorf("save the model for publishing: %w", err)
	}
	record, err := recordOf(m)
	if err != nil {
		return nil, err
	}
	req, err := protocol.NewMessage(protocol.PublishRequest, parent, protocol.PublishRequestContent{
		Name: name, Dir: artifact, Source: source, CellID: cellID, Record: record})
	if err != nil {
		return nil, err
	}
	wait := make(chan protocol.PublishReplyContent, 1)
	p := k.pub
	p.mu.Lock()
	if p.gone {
		p.mu.Unlock()
		return nil, errors.New("the notebook server is gone")
	}
	p.pending[req.ID] = wait
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.pending, req.ID)
		p.mu.Unlock()
	}()
	k.capture.sync() // what the cell printed before comes first
	if err := k.w.Send(req); err != nil {
		return nil, fmt.Errorf("ask the notebook server to publish: %w", err)
	}
	timeout := time.NewTimer(publishTimeout)
	defer timeout.Stop()
	tick := time.NewTicker(20 * time.Millisecond) // polls the interrupt flag
	defer tick.Stop()
	for {
		select {
		case reply, ok := <-wait:
			if !ok {
				return nil, errors.New("the notebook server went away before it answered")
			}
			if reply.Status != protocol.ReplyOK {
				return nil, errors.New(reply.EValue)
			}
			return &ml.Published{Name: reply.Name, Version: reply.Version, Default: reply.Default, DefaultVersion: reply.DefaultVersion,
				Served: reply.Served, URL: reply.URL, Registry: reply.Registry, Example: reply.Example, Note: reply.Note}, nil
		case <-tick.C:
			if k.eng.Interrupted() {
				return nil, errors.New("interrupted while waiting for the notebook server (the version may still appear in the registry)")
			}
		case <-timeout.C:
			return nil, fmt.Errorf("the notebook server did not answer within %v", publishTimeout)
		}
	}
}

// recordOf encodes what m carries in the registry's lineage terms.
func recordOf(m *ml.Model) (map[string]any, error) {
	rec := m.Record()
	lin := registry.Lineage{Metrics: registry.Metrics(rec.Metrics), History: registry.RecordHistory(rec.History),
		Compression: registry.RecordCompression(rec.Quantization, rec.Pruning)}
	raw, err := json.Marshal(lin)
	if err != nil {
		return nil, fmt.Errorf("record the model's metrics and history: %w", err)
	}
	var all map[string]any
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, fmt.Errorf("record the model's metrics and history: %w", err)
	}
	out := map[string]any{}
	for _, key := range []string{"metrics", "history", "compression"} {
		if v, ok := all[key]; ok {
			out[key] = v
		}
	}
	return out, nil
}

// publishReplied hands a publish_reply to the publish waiting for it.
func (k *kernel) publishReplied(m protocol.Message) {
	var reply protocol.PublishReplyContent
	if err := m.Decode(&reply); err != nil {
		reply = protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: "the notebook server's answer was unreadable: " + err.Error()}
	}
	k.pub.mu.Lock()
	wait := k.pub.pending[m.ParentID]
	k.pub.mu.Unlock()
	if wait != nil {
		select {
		case wait <- reply:
		default:
		}
	}
}

// clientGone fails every publish waiting for a reply.
func (k *kernel) clientGone() {
	k.stdin.clientGone()
	if k.pub == nil {
		return
	}
	k.pub.mu.Lock()
	defer k.pub.mu.Unlock()
	k.pub.gone = true
	for id, wait := range k.pub.pending {
		close(wait)
		delete(k.pub.pending, id)
	}
}

// publishModel answers the button's publish_model_request: the model shown
// under the handle is published as it is now, through the same path as
// ml.Publish.
func (k *kernel) publishModel(m protocol.Message) {
	fail := func(msg string) {
		_ = k.sendContent(protocol.PublishModelReply, m.ID, protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: msg})
	}
	var req protocol.PublishModelRequestContent
	if err := m.Decode(&req); err != nil {
		fail(err.Error())
		return
	}
	k.pub.mu.Lock()
	model := k.pub.handles[req.Handle]
	k.pub.mu.Unlock()
	if model == nil {
		fail(fmt.Sprintf("the model shown by that output is no longer in the kernel (it was restarted, or the output comes from an earlier session): run its cell again, then publish (handle %q)", req.Handle))
		return
	}
	var (
		pub *ml.Published
		err error
	)
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("publishing panicked: %v", r)
			}
		}()
		// The worker runs no cell now: the hook publishes for the button.
		k.mu.Lock()
		k.button = &buttonPublish{parent: m.ID, cellID: req.CellID}
		k.mu.Unlock()
		defer func() {
			k.mu.Lock()
			k.button = nil
			k.mu.Unlock()
		}()
		pub, err = ml.TryPublish(model, req.Name)
	}()
	if err != nil {
		fail(err.Error())
		return
	}
	_ = k.sendContent(protocol.PublishModelReply, m.ID, protocol.PublishReplyContent{Status: protocol.ReplyOK,
		Name: pub.Name, Version: pub.Version, Default: pub.Default, DefaultVersion: pub.DefaultVersion, Served: pub.Served,
		URL: pub.URL, Registry: pub.Registry, Example: pub.Example, Note: pub.Note})
}
