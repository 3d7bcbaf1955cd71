package jupyter

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
)

// recordingConn records each write that reaches the connection.
type recordingConn struct {
	net.Conn
	writes [][]byte
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, append([]byte(nil), p...))
	return len(p), nil
}

func TestFramedConnSendsEachMessageWithOneWrite(t *testing.T) {
	rec := &recordingConn{}
	c := &framedConn{Conn: rec, greeting: zmtpGreeting}
	write := func(parts ...[]byte) {
		for _, p := range parts {
			if _, err := c.Write(p); err != nil {
				t.Fatal(err)
			}
		}
	}
	greeting := bytes.Repeat([]byte{0xff}, zmtpGreeting)
	write(greeting)
	if len(rec.writes) != 1 || !bytes.Equal(rec.writes[0], greeting) {
		t.Fatalf("the greeting went out as %d writes", len(rec.writes))
	}
	// A command frame (READY): no more flag, so sent at once.
	write([]byte{0x4, 5}, []byte("READY"))
	if len(rec.writes) != 2 {
		t.Fatalf("the command frame was not sent on its own: %d writes", len(rec.writes))
	}
	// A three-frame message written as zmq4 does, header and body apart: one write.
	long := bytes.Repeat([]byte("x"), 300)
	var longHeader [9]byte
	longHeader[0] = zmtpMore | zmtpLong
	binary.BigEndian.PutUint64(longHeader[1:], uint64(len(long)))
	message := [][]byte{{zmtpMore, 3}, []byte("abc"), longHeader[:], long, {0, 0}}
	write(message...)
	if len(rec.writes) != 3 || !bytes.Equal(rec.writes[2], bytes.Join(message, nil)) {
		t.Fatalf("the message went out as %d writes, want one holding all of it", len(rec.writes)-2)
	}
	// A frame with the more flag stays gathered until its message ends.
	write([]byte{zmtpMore, 1}, []byte("a"))
	if len(rec.writes) != 3 {
		t.Fatal("a frame with more to come was sent before its message ended")
	}
	write([]byte{0, 1}, []byte("b"))
	if len(rec.writes) != 4 || !bytes.Equal(rec.writes[3], []byte{zmtpMore, 1, 'a', 0, 1, 'b'}) {
		t.Fatalf("writes %q", rec.writes)
	}
}
