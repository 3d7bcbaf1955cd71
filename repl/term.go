package repl

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// termReader edits lines on a terminal in raw mode with golang.org/x/term:
// history, cursor keys and Tab completion. While a cell runs the terminal goes
// back to its normal mode, so output looks as usual and Ctrl-C sends SIGINT.
type termReader struct {
	fd       int
	saved    *term.State
	t        *term.Terminal
	sawCtrlC *atomic.Bool
	complete func(line string, pos int) (string, int, bool)
}

// ctrlCWatcher turns Ctrl-C into "end of line, erase line, Enter" on its way to
// x/term (whose ReadLine would report Ctrl-C like Ctrl-D, as io.EOF, and keep the
// typed text for the next line), and notes that it did.
type ctrlCWatcher struct {
	r    io.Reader
	saw  *atomic.Bool
	rest []byte // translated bytes not yet returned
}

// ctrlCKeys are Ctrl-E (end of line), Ctrl-U (erase to line start) and Enter.
const ctrlCKeys = "\x05\x15\r"

func (c *ctrlCWatcher) Read(b []byte) (int, error) {
	if len(c.rest) == 0 {
		n, err := c.r.Read(b)
		if bytes.IndexByte(b[:n], 3) < 0 {
			return n, err
		}
		c.saw.Store(true)
		c.rest = bytes.ReplaceAll(b[:n], []byte{3}, []byte(ctrlCKeys))
		if err != nil && n == 0 {
			return 0, err
		}
	}
	n := copy(b, c.rest)
	c.rest = c.rest[n:]
	return n, nil
}

// newTermReader returns a termReader if in and out are the same kind of
// terminal device, else false.
func newTermReader(in io.Reader, out io.Writer) (*termReader, bool) {
	inFile, ok1 := in.(*os.File)
	outFile, ok2 := out.(*os.File)
	if !ok1 || !ok2 || !term.IsTerminal(int(inFile.Fd())) || !term.IsTerminal(int(outFile.Fd())) {
		return nil, false
	}
	fd := int(inFile.Fd())
	saved, err := term.MakeRaw(fd)
	if err != nil {
		return nil, false
	}
	tr := &termReader{fd: fd, saved: saved, sawCtrlC: &atomic.Bool{}}
	tr.t = term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{&ctrlCWatcher{r: inFile, saw: tr.sawCtrlC}, outFile}, Prompt)
	if w, h, err := term.GetSize(fd); err == nil && w > 0 && h > 0 {
		tr.t.SetSize(w, h)
	}
	tr.t.AutoCompleteCallback = func(line string, pos int, key rune) (string, int, bool) {
		if key != '\t' || tr.complete == nil {
			return "", 0, false
		}
		return tr.complete(line, pos)
	}
	return tr, true
}

func (tr *termReader) readLine(prompt string) (string, error) {
	tr.t.SetPrompt(prompt)
	line, err := tr.t.ReadLine()
	if err == nil && line == "" && tr.sawCtrlC.Swap(false) {
		// Show the discarded line as "^C" on the line the prompt was on.
		tr.t.Write([]byte("\x1b[A\r" + prompt + "^C\n"))
		return "", errInterrupted
	}
	if errors.Is(err, io.EOF) {
		tr.t.Write([]byte("\n"))
	}
	return line, err
}

func (tr *termReader) beforeExecute() {
	_ = term.Restore(tr.fd, tr.saved)
}

func (tr *termReader) afterExecute() {
	_, _ = term.MakeRaw(tr.fd)
	tr.sawCtrlC.Store(false)
}

func (tr *termReader) close() { _ = term.Restore(tr.fd, tr.saved) }

// completeLine completes the word before pos in line, asking the kernel with the
// lines of the cell typed so far as context. With several matches it inserts their
// common prefix.
func (s *session) completeLine(ctx context.Context, pending []string, line string, pos int) (string, int, bool) {
	before := strings.Join(append(append([]string{}, pending...), ""), "\n")
	code := before + line
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	reply, err := s.k.Complete(ctx, code, len(before)+pos)
	if err != nil || len(reply.Matches) == 0 {
		return "", 0, false
	}
	start, end := reply.CursorStart-len(before), reply.CursorEnd-len(before)
	if start < 0 || end < start || end > len(line) {
		return "", 0, false
	}
	insert := commonPrefix(reply.Matches)
	if insert == "" {
		return "", 0, false
	}
	return line[:start] + insert + line[end:], start + len(insert), true
}

// commonPrefix returns the longest common prefix of words.
func commonPrefix(words []string) string {
	prefix := words[0]
	for _, w := range words[1:] {
		for !strings.HasPrefix(w, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	return prefix
}
