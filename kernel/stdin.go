package kernel

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"gopad.dev/gopad/kernel/protocol"
)

// Standard input of cells. A cell reads it however Go programs do
// (fmt.Scanln, bufio.NewReader(os.Stdin), compiled code reading os.Stdin):
// every path ends in a read(2) of file descriptor 0. The kernel makes fd 0 a
// pipe whose write end it holds, and while a cell runs it looks every
// stdinCheckEvery for a thread of the process blocked reading fd 0 with
// nothing in the pipe. Then:
//   - if the cell's execute_request allows stdin (a Jupyter front end with an
//     input box), the kernel sends an input_request, parented to the cell,
//     and writes the input_reply's line into the pipe;
//   - otherwise (gopad's notebook, `gopad run`, a front end that set
//     allow_stdin false) the cell's stderr says why no input comes and the
//     read gets end of file, instead of waiting for ever.
//
// Linux names the system call a blocked thread is in, and its first
// argument, in /proc/self/task/TID/syscall. Where that cannot be read, fd 0
// stays /dev/null: reads get end of file at once.

// stdinCheckEvery is how often a running cell is checked for a blocked read
// of standard input: short for a person, and the check costs tens of
// microseconds.
const stdinCheckEvery = 50 * time.Millisecond

// stdinFeed owns file descriptor 0.
type stdinFeed struct {
	mu      sync.Mutex
	w       *os.File // write end of the pipe on fd 0; nil once closed
	dirty   bool     // the pipe was written or closed: the next cell gets a fresh one
	pending map[string]chan protocol.InputReplyContent
	gone    bool // the client is gone: no reply will come
	// password is set while a cell reads through term.ReadPassword: the
	// input_request then asks the front end to hide what is typed.
	password atomic.Bool
	// writing counts lines handed to feed and not yet in the pipe: until
	// they are, a reader waiting on the empty pipe is waiting for them, not
	// for more input.
	writing atomic.Int32
}

// openStdin points fd 0 (os.Stdin, which cells read) at a pipe the kernel
// feeds.
func openStdin() *stdinFeed {
	f := &stdinFeed{pending: map[string]chan protocol.InputReplyContent{}}
	if _, err := os.ReadFile("/proc/self/syscall"); err != nil {
		// No way to see a blocked read: end of file at once is better than a hang.
		if devNull, err := os.Open(os.DevNull); err == nil {
			_ = unix.Dup2(int(devNull.Fd()), 0)
			devNull.Close()
		}
		return nil
	}
	// os.Stdin stays the *os.File of fd 0 that it is: replacing it would let
	// the old one's finalizer close fd 0. The pipe is blocking, so a reader
	// blocks in read(2), which is what the kernel looks for.
	if err := f.fresh(); err != nil {
		return nil
	}
	return f
}

// fresh puts a new, empty pipe on fd 0 and closes the old write end (a
// goroutine still reading the old pipe gets end of file).
func (f *stdinFeed) fresh() error {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return fmt.Errorf("standard input pipe: %w", err)
	}
	if err := unix.Dup2(p[0], 0); err != nil {
		unix.Close(p[0])
		unix.Close(p[1])
		return fmt.Errorf("standard input pipe: %w", err)
	}
	unix.Close(p[0])
	f.mu.Lock()
	old := f.w
	f.w = os.NewFile(uintptr(p[1]), "gopad-stdin")
	f.dirty = false
	f.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

// cut closes the write end: a read of standard input, now or later in this
// cell, gets end of file.
func (f *stdinFeed) cut() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dirty = true
	if f.w != nil {
		f.w.Close()
		f.w = nil
	}
}

// feed writes a line for the reader.
func (f *stdinFeed) feed(line string) {
	f.mu.Lock()
	w := f.w
	f.dirty = true
	f.mu.Unlock()
	if w != nil {
		// Written apart from the watcher: a line longer than the pipe holds
		// waits for the reader, and a cell that stops reading half way must
		// not keep its end waiting. The write fails once the pipe is replaced.
		f.writing.Add(1)
		go func() {
			defer f.writing.Add(-1)
			_, _ = w.WriteString(line + "\n")
		}()
	}
}

// cellEnded gives the next cell an empty pipe if this one used it.
func (f *stdinFeed) cellEnded() {
	f.mu.Lock()
	dirty := f.dirty
	f.mu.Unlock()
	if dirty {
		_ = f.fresh()
	}
}

// unread returns the bytes in the pipe that nobody has read yet.
func unread() int {
	n, err := unix.IoctlGetInt(0, unix.TIOCINQ) // FIONREAD
	if err != nil {
		return 0
	}
	return n
}

// readingStdin reports whether a thread of this process is blocked reading
// file descriptor 0.
func readingStdin() bool {
	dir, err := os.Open("/proc/self/task")
	if err != nil {
		return false
	}
	tids, _ := dir.Readdirnames(-1)
	dir.Close()
	var buf [128]byte
	for _, tid := range tids {
		fd, err := unix.Open("/proc/self/task/"+tid+"/syscall", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		n, _ := unix.Read(fd, buf[:])
		unix.Close(fd)
		if n > 0 && readsFD0(buf[:n]) {
			return true
		}
	}
	return false
}

var (
	sysRead  = []byte(strconv.Itoa(unix.SYS_READ) + " 0x0 ")
	sysReadv = []byte(strconv.Itoa(unix.SYS_READV) + " 0x0 ")
)

// readsFD0 reports whether a /proc syscall line is a read or readv of fd 0.
func readsFD0(line []byte) bool {
	return hasPrefix(line, sysRead) || hasPrefix(line, sysReadv)
}

func hasPrefix(b, prefix []byte) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == string(prefix)
}

// noStdinNote is what a cell's stderr says when it reads standard input that
// its client does not provide.
const noStdinNote = "gopad: this cell reads standard input, but what runs it does not send input " +
	"(gopad's notebook and `gopad run` have none; a Jupyter front end sends it only when its execute_request has allow_stdin true): " +
	"the read gets end of file (io.EOF). Give the cell its data in the code or a file instead."

// watchStdin looks after standard input while the cell parent runs; the
// returned stop ends that when the cell has returned.
func (k *kernel) watchStdin(parent string, allow bool) (stop func()) {
	f := k.stdin
	if f == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	// The watcher starts only once the cell has run for stdinCheckEvery: a
	// short cell costs a timer, not a goroutine to wake and wait for.
	timer := time.AfterFunc(stdinCheckEvery, func() {
		defer close(finished)
		tick := time.NewTicker(stdinCheckEvery)
		defer tick.Stop()
		for first := true; ; first = false {
			if !first {
				select {
				case <-done:
					return
				case <-tick.C:
				}
			}
			if f.writing.Load() > 0 || unread() > 0 || !readingStdin() {
				continue
			}
			if !allow {
				k.capture.sync()
				fmt.Fprintln(os.Stderr, noStdinNote)
				k.capture.sync()
				f.cut()
				return // later reads in this cell get end of file at once
			}
			line, ok := k.askInput(parent, done)
			if !ok {
				f.cut() // interrupted, or the client is gone: end of file
				return
			}
			f.feed(line)
		}
	})
	return func() {
		if timer.Stop() {
			close(finished) // the watcher never started
		}
		close(done)
		<-finished
		f.cellEnded()
	}
}

// askInput sends an input_request for the cell parent and waits for its
// reply; ok is false if the cell was interrupted, ended or the client left.
func (k *kernel) askInput(parent string, done <-chan struct{}) (line string, ok bool) {
	f := k.stdin
	req, err := protocol.NewMessage(protocol.InputRequest, parent, protocol.InputRequestContent{Password: f.password.Load()})
	if err != nil {
		return "", false
	}
	wait := make(chan protocol.InputReplyContent, 1)
	f.mu.Lock()
	if f.gone {
		f.mu.Unlock()
		return "", false
	}
	f.pending[req.ID] = wait
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.pending, req.ID)
		f.mu.Unlock()
	}()
	k.capture.sync() // what the cell printed (its prompt) comes first
	if err := k.w.Send(req); err != nil {
		return "", false
	}
	tick := time.NewTicker(stdinCheckEvery) // polls the interrupt flag
	defer tick.Stop()
	for {
		select {
		case reply, ok := <-wait:
			return reply.Value, ok
		case <-done:
			return "", false
		case <-tick.C:
			if k.eng.Interrupted() {
				return "", false
			}
		}
	}
}

// inputReplied hands an input_reply to the cell waiting for it.
func (k *kernel) inputReplied(m protocol.Message) {
	f := k.stdin
	if f == nil {
		return
	}
	var reply protocol.InputReplyContent
	_ = m.Decode(&reply) // an unreadable reply is an empty line
	f.mu.Lock()
	wait := f.pending[m.ParentID]
	if wait == nil && len(f.pending) == 1 {
		// jupyter_client's input() sends its reply without a parent header
		// (ipykernel takes the next reply on its stdin socket): one cell runs
		// at a time, so one request at most waits.
		for _, w := range f.pending {
			wait = w
		}
	}
	f.mu.Unlock()
	if wait != nil {
		select {
		case wait <- reply:
		default:
		}
	}
}

// stdinClientGone ends every wait for input.
func (f *stdinFeed) clientGone() {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gone = true
	for id, wait := range f.pending {
		close(wait)
		delete(f.pending, id)
	}
}
