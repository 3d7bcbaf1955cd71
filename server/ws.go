package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"gopad.dev/gopad/server/browserproto"
)

const (
	// hardFrameLimit closes a connection whose frame is absurdly large; frames
	// between browserproto.MaxFrameSize and this are read, discarded and answered with an error.
	hardFrameLimit = 64 << 20
	sendQueueLen   = 4096 // frames buffered per connection before it counts as stuck
	writeTimeout   = 10 * time.Second
	pingPeriod     = 30 * time.Second
	readTimeout    = 75 * time.Second
)

// wsConn is one browser tab's websocket. Frames to it go through send, drained by
// its writer goroutine, so a slow tab never blocks the session.
type wsConn struct {
	id   string
	ws   *websocket.Conn
	out  chan []byte
	done chan struct{}
	once sync.Once
}

// enqueue queues a frame; a tab too far behind is disconnected (it reconnects and
// gets a snapshot).
func (c *wsConn) enqueue(b []byte) {
	select {
	case <-c.done:
		return
	default:
	}
	select {
	case c.out <- b:
	default:
		c.shutdown()
	}
}

// sendLocked queues v for this connection only (the session lock is held, which
// keeps it in order with broadcasts).
func (c *wsConn) sendLocked(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	c.enqueue(b)
}

// send queues v for this connection only, outside the session lock.
func (c *wsConn) send(v any) { c.sendLocked(v) }

func (c *wsConn) shutdown() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// refuse tells a tab that could not be attached why, then closes the connection.
// The writer goroutine never ran for it, so the frames are written here, in order,
// before the close: the error is delivered, not raced by the close.
func (c *wsConn) refuse(message string) {
	deadline := time.Now().Add(writeTimeout)
	if b, err := json.Marshal(browserproto.ErrorMsg{Type: browserproto.MsgError, Message: message}); err == nil {
		_ = c.ws.SetWriteDeadline(deadline)
		_ = c.ws.WriteMessage(websocket.TextMessage, b)
	}
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "cannot open the notebook"), deadline)
	c.shutdown()
}

func (c *wsConn) writer() {
	ticker := time.NewTicker(pingPeriod)
	defer ticker.Stop()
	for {
		select {
		case b := <-c.out:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				c.shutdown()
				return
			}
		case <-ticker.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)); err != nil {
				c.shutdown()
				return
			}
		case <-c.done:
			return
		}
	}
}

var upgrader = websocket.Upgrader{
	ReadBufferSize:  32 << 10,
	WriteBufferSize: 32 << 10,
	// ServeHTTP has authenticated the handshake and refused a cross-origin one
	// (crossSiteProblem): that is the one origin check, so the upgrader's own,
	// on by default, is switched off rather than kept as a second opinion.
	CheckOrigin: func(*http.Request) bool { return true },
	Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
		writeError(w, status, "websocket: "+reason.Error())
	},
}

// handleWebsocket attaches a tab to a notebook's session. ServeHTTP has already
// authenticated the handshake and refused it if it came from another origin.
func (s *Server) handleWebsocket(w http.ResponseWriter, r *http.Request) {
	// An open notebook is attached to even if its file is gone for the moment
	// (the session holds the document and reports the conflict).
	rel, abs, err := s.resolvePath(r.URL.Query().Get("path"))
	if err == nil && s.lookupSession(rel) == nil {
		rel, abs, err = s.resolveNotebook(r.URL.Query().Get("path"))
	}
	if err != nil {
		s.writeErr(w, err)
		return
	}
	s.learnBaseURL(r)
	sess, err := s.sessionFor(rel, abs)
	if err != nil {
		var he *httpError
		if !errors.As(err, &he) {
			err = errorf(http.StatusUnprocessableEntity, "cannot open %q: %v", rel, err)
		}
		s.writeErr(w, err)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered
	}
	c := &wsConn{
		id:   "c" + strconv.FormatUint(atomic.AddUint64(&s.connSeq, 1), 10),
		ws:   ws,
		out:  make(chan []byte, sendQueueLen),
		done: make(chan struct{}),
	}
	// A session closing between lookup and attach (idle timeout) is replaced by a
	// fresh one. Frames that attach queues wait in c.out until the writer starts.
	for attempt := 0; ; attempt++ {
		err = sess.attach(c)
		if err == nil || attempt == 2 {
			break
		}
		if sess, err = s.sessionFor(rel, abs); err != nil {
			break
		}
	}
	if err != nil {
		c.refuse("cannot open the notebook: " + err.Error())
		return
	}
	go c.writer()
	defer sess.detach(c)
	defer c.shutdown()
	s.readLoop(sess, c)
}

// readLoop reads frames until the connection ends. Bad frames are answered with an
// error message; the connection carries on.
func (s *Server) readLoop(sess *session, c *wsConn) {
	c.ws.SetReadLimit(hardFrameLimit)
	_ = c.ws.SetReadDeadline(time.Now().Add(readTimeout))
	c.ws.SetPongHandler(func(string) error {
		return c.ws.SetReadDeadline(time.Now().Add(readTimeout))
	})
	for {
		kind, r, err := c.ws.NextReader()
		if err != nil {
			return
		}
		_ = c.ws.SetReadDeadline(time.Now().Add(readTimeout))
		data, err := io.ReadAll(io.LimitReader(r, browserproto.MaxFrameSize+1))
		if err != nil {
			return
		}
		if len(data) > browserproto.MaxFrameSize {
			if _, err := io.Copy(io.Discard, r); err != nil {
				return
			}
			c.send(browserproto.ErrorMsg{Type: browserproto.MsgError, Message: fmt.Sprintf("message too large: the limit is %d bytes; it was ignored", browserproto.MaxFrameSize)})
			continue
		}
		if kind != websocket.TextMessage {
			c.send(browserproto.ErrorMsg{Type: browserproto.MsgError, Message: "binary websocket frames are not understood; send JSON text frames"})
			continue
		}
		s.dispatch(sess, c, data)
	}
}
