package jupyter

import (
	"bufio"
	"context"
	"net"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// go-zeromq/zmq4 writes a message to its connection in many small writes (a
// ROUTER socket's reply takes two per frame) and reads it in many small
// reads. On a connection with TCP_NODELAY each write is a packet the client
// must wake up for, which costs a Jupyter reply a good share of its round
// trip. The sockets here therefore listen through a transport whose
// connections read through a buffer and gather writes until a message's last
// frame is complete, then send it with one write. They speak plain ZMTP: only
// the kernel's side of the connection changes.
const (
	bufferedTCP = "gopad-buffered-tcp"
	bufferedIPC = "gopad-buffered-ipc"
)

func init() {
	// Registering fails only for a name already taken, and these are gopad's own.
	_ = zmq4.RegisterTransport(bufferedTCP, bufferedTransport{transport.New("tcp")})
	_ = zmq4.RegisterTransport(bufferedIPC, bufferedTransport{transport.New("unix")})
}

type bufferedTransport struct{ transport.Transport }

func (t bufferedTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := t.Transport.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	return bufferedListener{l}, nil
}

type bufferedListener struct{ net.Listener }

func (l bufferedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newFramedConn(c), nil
}

// ZMTP 3 framing: a 64-byte greeting, then frames of a flags byte, a size (one
// byte, or eight with the long flag) and the body.
const (
	zmtpGreeting = 64
	zmtpMore     = 0x1
	zmtpLong     = 0x2
	// largeWrite is written through at once rather than copied into the buffer.
	largeWrite = 64 << 10
	// flushAfter sends whatever is still gathered if no message end came: a
	// safety net should the framing ever be misread, never the normal path.
	flushAfter = 2 * time.Millisecond
)

type frameState int

const (
	readingFlags frameState = iota
	readingSize
	readingBody
)

// framedConn is a connection that reads through a buffer and gathers writes
// until a message ends (see above).
type framedConn struct {
	net.Conn
	r *bufio.Reader

	mu       sync.Mutex
	pending  []byte
	greeting int // greeting bytes still to come
	state    frameState
	flags    byte
	sizeLeft int
	bodyLeft uint64
	timer    *time.Timer
	writeErr error
}

func newFramedConn(c net.Conn) *framedConn {
	return &framedConn{Conn: c, r: bufio.NewReaderSize(c, 64<<10), greeting: zmtpGreeting}
}

func (c *framedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *framedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writeErr != nil {
		return 0, c.writeErr
	}
	ends := c.advance(p)
	if len(p) >= largeWrite {
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
		if _, err := c.Conn.Write(p); err != nil {
			c.writeErr = err
			return 0, err
		}
		return len(p), nil
	}
	c.pending = append(c.pending, p...)
	if ends {
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if c.timer == nil {
		c.timer = time.AfterFunc(flushAfter, func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			_ = c.flushLocked()
		})
	} else {
		c.timer.Reset(flushAfter)
	}
	return len(p), nil
}

func (c *framedConn) flushLocked() error {
	if len(c.pending) == 0 || c.writeErr != nil {
		return c.writeErr
	}
	_, err := c.Conn.Write(c.pending)
	c.pending = c.pending[:0]
	if err != nil {
		c.writeErr = err
	}
	return err
}

// advance follows the ZMTP framing through p and reports whether p completes
// the greeting or a frame without the more flag (a message or a command).
func (c *framedConn) advance(p []byte) (ends bool) {
	for i := 0; i < len(p); {
		if c.greeting > 0 {
			n := min(c.greeting, len(p)-i)
			c.greeting -= n
			i += n
			ends = ends || c.greeting == 0
			continue
		}
		switch c.state {
		case readingFlags:
			c.flags = p[i]
			i++
			c.sizeLeft, c.bodyLeft = 1, 0
			if c.flags&zmtpLong != 0 {
				c.sizeLeft = 8
			}
			c.state = readingSize
		case readingSize:
			c.bodyLeft = c.bodyLeft<<8 | uint64(p[i])
			i++
			c.sizeLeft--
			if c.sizeLeft == 0 {
				c.state = readingBody
				if c.bodyLeft == 0 {
					c.state = readingFlags
					ends = ends || c.flags&zmtpMore == 0
				}
			}
		case readingBody:
			n := min(c.bodyLeft, uint64(len(p)-i))
			i += int(n)
			c.bodyLeft -= n
			if c.bodyLeft == 0 {
				c.state = readingFlags
				ends = ends || c.flags&zmtpMore == 0
			}
		}
	}
	return ends
}

func (c *framedConn) Close() error {
	c.mu.Lock()
	if c.timer != nil {
		c.timer.Stop()
	}
	_ = c.flushLocked()
	c.mu.Unlock()
	return c.Conn.Close()
}
