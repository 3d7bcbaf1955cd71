package client

import (
	"context"
	"fmt"

	"gopad.dev/gopad/kernel/protocol"
)

// PublishHandler publishes what a kernel asks to (a publish_request: ml.Publish
// in a cell, or the Publish button through PublishModel). parentID is the
// request the kernel was working for: the running cell's execute_request, or
// the publish_model_request. It runs on a goroutine of its own; its reply goes
// back to the kernel.
type PublishHandler func(parentID string, req protocol.PublishRequestContent) protocol.PublishReplyContent

// handlePublish answers a publish_request of process p with the Options'
// OnPublish, or with an error saying that this client cannot publish.
func (k *Kernel) handlePublish(p *process, m protocol.Message) {
	var reply protocol.PublishReplyContent
	var req protocol.PublishRequestContent
	switch err := m.Decode(&req); {
	case err != nil:
		reply = protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: "unreadable publish_request: " + err.Error()}
	case k.opts.OnPublish == nil:
		reply = protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: "this client of the kernel cannot publish models (only the notebook server and `gopad run` can)"}
	default:
		func() {
			defer func() {
				if r := recover(); r != nil {
					reply = protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: fmt.Sprintf("publishing failed: %v", r)}
				}
			}()
			reply = k.opts.OnPublish(m.ParentID, req)
		}()
	}
	out, err := protocol.NewMessage(protocol.PublishReply, m.ID, reply)
	if err == nil {
		_ = p.send(out) // a kernel that died meanwhile needs no answer
	}
}

// PublishModel asks the kernel to publish the model it showed under handle
// (protocol.ModelData) as it is now, under name: the Publish button. The
// kernel handles it after the running cell, if any, and publishes through
// ml.Publish's own path, so OnPublish receives it; the reply says what was
// published or why not.
func (k *Kernel) PublishModel(ctx context.Context, handle, name, cellID string) (protocol.PublishReplyContent, error) {
	var reply protocol.PublishReplyContent
	p, err := k.current(ctx)
	if err != nil {
		return reply, err
	}
	req, err := protocol.NewMessage(protocol.PublishModelRequest, "", protocol.PublishModelRequestContent{Handle: handle, Name: name, CellID: cellID})
	if err != nil {
		return reply, err
	}
	inbox := p.subscribe(req.ID)
	defer p.unsubscribe(req.ID)
	if err := p.send(req); err != nil {
		return reply, sendError(p, "publish", err)
	}
	for {
		select {
		case m := <-inbox:
			if m.Type != protocol.PublishModelReply {
				continue
			}
			if err := m.Decode(&reply); err != nil {
				return reply, fmt.Errorf("publish: the kernel's reply is unreadable: %w", err)
			}
			return reply, nil
		case <-p.done:
			return reply, p.died
		case <-ctx.Done():
			return reply, fmt.Errorf("publish: %w", ctx.Err())
		}
	}
}
