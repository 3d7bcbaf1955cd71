package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"

	"gopad.dev/gopad/server/browserproto"
)

// dispatch decodes and carries out one frame from tab c, turning every failure
// (and, as a last resort, a panic) into an error message to that tab.
func (s *Server) dispatch(sess *session, c *wsConn, data []byte) {
	defer func() {
		if v := recover(); v != nil {
			s.logf("gopad server: panic handling a websocket message for %s: %v\n%s", sess.rel, v, debug.Stack())
			c.send(browserproto.ErrorMsg{Type: browserproto.MsgError, Message: "internal server error while handling the message (logged on the server)"})
		}
	}()
	var m browserproto.ClientMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		c.send(browserproto.ErrorMsg{Type: browserproto.MsgError, Message: "malformed message (want a JSON object with a \"type\"): " + err.Error()})
		return
	}
	if dec.More() {
		c.send(browserproto.ErrorMsg{Type: browserproto.MsgError, Message: "malformed message: more than one JSON value in one frame"})
		return
	}
	if err := sess.handle(c, &m); err != nil {
		msg := err.Error()
		if m.Type != "" {
			msg = describe(m.Type) + ": " + msg
		}
		c.send(browserproto.ErrorMsg{Type: browserproto.MsgError, Message: msg})
	}
}

// handle carries out one browser message: an edit becomes an operation applied to
// the document; the rest are calls on the executor, the kernel slot or the file.
// The returned error goes to that tab only, after the message's type.
func (s *session) handle(c *wsConn, m *browserproto.ClientMessage) error {
	switch m.Type {
	case browserproto.MsgExecute:
		return s.execute(m.CellIDs)
	case browserproto.MsgInterrupt:
		return s.interrupt()
	case browserproto.MsgRestart:
		return s.restart(m.RunAll)
	case browserproto.MsgComplete:
		return s.complete(c, m)
	case browserproto.MsgInspect:
		return s.inspect(c, m)
	case browserproto.MsgSave:
		return s.saveRequested(c)
	case browserproto.MsgResolveConflict:
		return s.resolveConflict(m.Choice)
	case browserproto.MsgTrust:
		return s.trust()
	case browserproto.MsgPublishModel:
		return s.publishModel(c, m)
	}
	op, err := operationFor(c.id, m)
	if err != nil {
		return err
	}
	return s.edit(c, op)
}

// operationFor turns a browser message into the document operation it asks for;
// origin is the id of the connection it came on.
func operationFor(origin string, m *browserproto.ClientMessage) (operation, error) {
	switch m.Type {
	case browserproto.MsgEditCell:
		if m.Source == nil {
			return nil, needs("source")
		}
		return editSource{cellID: m.CellID, source: *m.Source, origin: origin}, nil
	case browserproto.MsgInsertCell:
		if m.Index == nil {
			return nil, needs("index")
		}
		op := insertCell{index: *m.Index, cellType: m.CellType, cellID: m.CellID}
		if m.Source != nil {
			op.source = *m.Source
		}
		return op, nil
	case browserproto.MsgDeleteCell:
		return deleteCell{cellID: m.CellID}, nil
	case browserproto.MsgMoveCell:
		if m.Index == nil {
			return nil, needs("index")
		}
		return moveCell{cellID: m.CellID, index: *m.Index}, nil
	case browserproto.MsgSetCellType:
		return setCellType{cellID: m.CellID, cellType: m.CellType}, nil
	case browserproto.MsgSplitCell:
		if m.Offset == nil {
			return nil, needs("offset")
		}
		return splitCell{cellID: m.CellID, offset: *m.Offset}, nil
	case browserproto.MsgMergeCells:
		return mergeCells{cellIDs: m.CellIDs}, nil
	case browserproto.MsgClearOutputs:
		return clearOutputs{cellIDs: m.CellIDs}, nil
	case "":
		return nil, errors.New("message has no \"type\"")
	}
	return nil, fmt.Errorf("unknown message type %q", describe(m.Type))
}
