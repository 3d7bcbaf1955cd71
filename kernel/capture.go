package kernel

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"gopad.dev/gopad/kernel/protocol"
)

const (
	// DefaultOutputLimit bounds what one cell may print; the rest is dropped with a note.
	DefaultOutputLimit = 1 << 20
	// coalesceDelay groups writes that follow each other closely into one stream
	// message, so a loop of small prints does not become thousands of messages.
	coalesceDelay = 4 * time.Millisecond
	// flushSize flushes a stream early once this much text is pending.
	flushSize = 32 << 10
	// syncTimeout bounds a wait for a sync marker; it only matters if a pipe is broken.
	syncTimeout = 5 * time.Second
)

// capture owns the kernel process's stdout and stderr. Both file descriptors are
// replaced by pipes, so fmt in cells, compiled code writing to os.Stdout and the
// log package all end up in the same place; a forwarder goroutine per pipe turns
// what it reads into stream messages parented to the running cell.
//
// Ordering: before a cell's result, error or a display message is sent, sync
// writes a unique marker through each pipe and waits until the forwarders have
// read it, so every byte printed earlier has been sent as a stream message first.
type capture struct {
	send   func(protocol.Message) error
	prefix []byte // marker prefix, random per process so output cannot fake it
	limit  int

	streams  [2]*stream
	crashOut *os.File // the process's original stderr

	mu        sync.Mutex
	parent    string
	cellBytes int // bytes of stream text accepted for the current parent
	truncated bool
	seq       uint64
	waiters   map[uint64]chan struct{}
}

// stream is one captured file descriptor.
type stream struct {
	name      string   // "stdout" or "stderr"
	r         *os.File // read end of the pipe
	w         *os.File // our own descriptor for the write end, for markers
	scan      markerScanner
	pending   []byte
	scheduled bool
}

// startCapture redirects file descriptors 1 and 2 into pipes and starts the
// forwarders. The original stderr stays reachable through crashOut, which
// receives Go's crash reports so that the parent can tell why a kernel died.
func startCapture(send func(protocol.Message) error, limit int) (*capture, error) {
	origStderr, err := unix.Dup(2)
	if err != nil {
		return nil, fmt.Errorf("capture output: dup stderr: %w", err)
	}
	unix.CloseOnExec(origStderr)
	crashOut := os.NewFile(uintptr(origStderr), "gopad-crash-output")
	if err := debug.SetCrashOutput(crashOut, debug.CrashOptions{}); err != nil {
		return nil, fmt.Errorf("capture output: set crash output: %w", err)
	}
	var token [8]byte
	_, _ = rand.Read(token[:])
	c := &capture{
		crashOut: crashOut,
		send:     send,
		prefix:   []byte("\x00gopad-sync-" + hex.EncodeToString(token[:]) + ":"),
		limit:    limit,
		waiters:  map[uint64]chan struct{}{},
	}
	for i, name := range []string{"stdout", "stderr"} {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("capture %s: %w", name, err)
		}
		if err := unix.Dup2(int(w.Fd()), i+1); err != nil {
			return nil, fmt.Errorf("capture %s: dup2: %w", name, err)
		}
		c.streams[i] = &stream{name: name, r: r, w: w, scan: markerScanner{prefix: c.prefix}}
	}
	for _, s := range c.streams {
		go c.forward(s)
	}
	return c, nil
}

// restoreStderr points file descriptor 2 back at the original stderr.
func (c *capture) restoreStderr() {
	_ = unix.Dup2(int(c.crashOut.Fd()), 2)
}

// forward reads one pipe until it breaks.
func (c *capture) forward(s *stream) {
	buf := make([]byte, 64<<10)
	for {
		n, err := s.r.Read(buf)
		if n > 0 {
			c.consume(s, buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// consume handles bytes read from a pipe: text is queued, markers release syncs.
func (c *capture) consume(s *stream, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ev := range s.scan.feed(data) {
		if ev.isMarker {
			c.flushLocked(s)
			if ch := c.waiters[ev.marker]; ch != nil {
				ch <- struct{}{}
			}
			continue
		}
		// Text switching streams ends the other stream's pending text first, so
		// interleaved stdout and stderr keep the order in which they were read.
		for _, other := range c.streams {
			if other != s {
				c.flushLocked(other)
			}
		}
		c.acceptLocked(s, ev.text)
	}
	switch {
	case len(s.pending) >= flushSize:
		c.flushLocked(s)
	case len(s.pending) > 0 && !s.scheduled:
		s.scheduled = true
		time.AfterFunc(coalesceDelay, func() {
			c.mu.Lock()
			s.scheduled = false
			c.flushLocked(s)
			c.mu.Unlock()
		})
	}
}

// acceptLocked queues text, enforcing the per-cell output limit.
func (c *capture) acceptLocked(s *stream, text []byte) {
	if c.truncated || len(text) == 0 {
		return
	}
	room := c.limit - c.cellBytes
	if len(text) > room {
		text = text[:max(room, 0)]
		c.truncated = true
	}
	c.cellBytes += len(text)
	s.pending = append(s.pending, text...)
	if c.truncated {
		s.pending = append(s.pending, fmt.Sprintf(
			"\n[gopad: output truncated: this cell printed more than %s; the rest of its output is discarded]\n",
			byteSize(c.limit))...)
		c.flushLocked(s)
	}
}

// flushLocked sends s's pending text as one stream message.
func (c *capture) flushLocked(s *stream) {
	if len(s.pending) == 0 {
		return
	}
	msg, err := protocol.NewMessage(protocol.Stream, c.parent, protocol.StreamContent{Name: s.name, Text: string(s.pending)})
	s.pending = s.pending[:0]
	if cap(s.pending) > 4*flushSize {
		s.pending = nil // give back the memory of a burst
	}
	if err == nil {
		_ = c.send(msg)
	}
}

// begin attributes output from now on to the request parent, with a fresh limit.
func (c *capture) begin(parent string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.streams {
		c.flushLocked(s)
	}
	c.parent = parent
	c.cellBytes = 0
	c.truncated = false
}

// currentParent returns the request that output is attributed to.
func (c *capture) currentParent() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.parent
}

// sync returns once everything written to stdout and stderr before the call has
// been sent as stream messages.
func (c *capture) sync() {
	c.mu.Lock()
	c.seq++
	seq := c.seq
	ch := make(chan struct{}, len(c.streams))
	c.waiters[seq] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiters, seq)
		c.mu.Unlock()
	}()

	marker := append(append([]byte{}, c.prefix...), strconv.FormatUint(seq, 10)+"\x00"...)
	expected := 0
	for _, s := range c.streams {
		if _, err := s.w.Write(marker); err == nil {
			expected++
		}
	}
	timeout := time.NewTimer(syncTimeout)
	defer timeout.Stop()
	for range expected {
		select {
		case <-ch:
		case <-timeout.C:
			return
		}
	}
}

// markerScanner splits a byte stream into text and sync markers. It holds back
// bytes that may be the start of a marker, or of a UTF-8 sequence, until the
// next read completes them.
type markerScanner struct {
	prefix []byte
	held   []byte
}

type scanEvent struct {
	text     []byte
	marker   uint64
	isMarker bool
}

// maxSeqDigits bounds the digits after a marker prefix.
const maxSeqDigits = 20

func (m *markerScanner) feed(data []byte) []scanEvent {
	buf := data
	if len(m.held) > 0 {
		buf = append(m.held, data...)
		m.held = nil
	}
	var evs []scanEvent
	text := func(b []byte) {
		if len(b) > 0 {
			evs = append(evs, scanEvent{text: b})
		}
	}
	for {
		i := bytes.Index(buf, m.prefix)
		if i < 0 {
			break
		}
		rest := buf[i+len(m.prefix):]
		j := bytes.IndexByte(rest, 0)
		if j < 0 && len(rest) <= maxSeqDigits {
			text(buf[:i])
			m.held = append([]byte(nil), buf[i:]...)
			return evs
		}
		seq, err := strconv.ParseUint(string(rest[:max(j, 0)]), 10, 64)
		if j < 0 || err != nil {
			// Looks like a marker but is not one: keep it as text.
			text(buf[:i+len(m.prefix)])
			buf = rest
			continue
		}
		text(buf[:i])
		evs = append(evs, scanEvent{marker: seq, isMarker: true})
		buf = rest[j+1:]
	}
	cut := len(buf) - partialPrefix(buf, m.prefix)
	cut = completeUTF8(buf[:cut])
	text(buf[:cut])
	if cut < len(buf) {
		m.held = append([]byte(nil), buf[cut:]...)
	}
	return evs
}

// partialPrefix returns the length of the longest suffix of b that is a proper
// prefix of prefix.
func partialPrefix(b, prefix []byte) int {
	for n := min(len(prefix)-1, len(b)); n > 0; n-- {
		if bytes.HasSuffix(b, prefix[:n]) {
			return n
		}
	}
	return 0
}

// completeUTF8 returns the length of b without a trailing incomplete UTF-8 sequence.
func completeUTF8(b []byte) int {
	for back := 1; back <= utf8.UTFMax && back <= len(b); back++ {
		start := len(b) - back
		if !utf8.RuneStart(b[start]) {
			continue
		}
		if utf8.FullRune(b[start:]) {
			return len(b)
		}
		return start
	}
	return len(b)
}

// byteSize formats n bytes for people.
func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
