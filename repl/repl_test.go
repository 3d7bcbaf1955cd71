package repl_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/repl"
)

// roleEnv makes the re-executed test binary run the REPL on its terminal.
const roleEnv = "GOPAD_REPL_TEST_ROLE"

func TestMain(m *testing.M) {
	kerneltest.RunIfKernel()
	if os.Getenv(roleEnv) == "repl" {
		opts := kerneltest.Options()
		opts.Env = withoutEnv(opts.Env, roleEnv)
		err := repl.Run(context.Background(), repl.Options{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Kernel: opts})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func withoutEnv(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

func TestIncomplete(t *testing.T) {
	cases := map[string]bool{
		"x := 1":                        false,
		"f := func() {":                 true,
		"f := func() {\n}":              false,
		"xs := []int{1,\n2,":            true,
		"fmt.Println(\"(\")":            false,
		"s := `raw\nstill raw":          true,
		"s := `raw\ndone`":              false,
		"/* open comment":               true,
		"x := '{'":                      false,
		"if x > 1 {\n\tfmt.Println(x)":  true,
		"m := map[string]int{\"}\": 1}": false,
	}
	for src, want := range cases {
		if got := repl.Incomplete(src); got != want {
			t.Errorf("Incomplete(%q) = %v, want %v", src, got, want)
		}
	}
}

// TestPipedSession drives the REPL through a pipe with an injected Ctrl-C.
func TestPipedSession(t *testing.T) {
	inR, inW := io.Pipe()
	var out syncBuffer
	interrupts := make(chan os.Signal, 1)
	done := make(chan error, 1)
	go func() {
		done <- repl.Run(context.Background(), repl.Options{In: inR, Out: &out, Err: &out, Kernel: kerneltest.Options(), Interrupts: interrupts})
	}()
	send := func(s string) { io.WriteString(inW, s) }
	out.waitFor(t, repl.Prompt)
	send("x := 20\n")
	send("double := func(v int) int {\n")
	send("\treturn 2 * v\n")
	send("}\n")
	send("double(x) + 2\n")
	out.waitFor(t, "42\n")
	send(`import ("fmt"; "time")` + "\n")
	// The cell says when it runs; the output is built so that it differs from
	// the source.
	send(`fmt.Println("sleep" + "ing"); time.Sleep(time.Hour)` + "\n")
	out.waitFor(t, "sleeping\n")
	interrupts <- os.Interrupt
	out.waitFor(t, "nterrupt")
	send("x + 1\n")
	out.waitFor(t, "21\n")
	// A dying kernel is reported and replaced.
	send(`import "os"` + "\n")
	send("os.Exit(4)\n")
	out.waitFor(t, "kernel died: exit status 4")
	out.waitFor(t, "restarting the kernel")
	send("6 * 7\n")
	out.waitFor(t, "42\n")
	inW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("REPL did not exit at end of input")
	}
	if !strings.Contains(out.String(), repl.ContinuePrompt) {
		t.Errorf("no continuation prompt for the multi-line function:\n%s", out.String())
	}
}

// TestTerminalSession runs the REPL on a real pseudo-terminal: Ctrl-C is a
// character the terminal turns into SIGINT, Ctrl-D is end of input.
func TestTerminalSession(t *testing.T) {
	cmd, out, send, typeAtPrompt := startTerminalREPL(t)

	typeAtPrompt("x := 20\n")
	typeAtPrompt("x * 2\n")
	out.waitFor(t, "40")
	// Up arrow recalls the previous line from the history.
	typeAtPrompt("x = 21\n")
	typeAtPrompt("\x1b[A\x1b[A\r")
	out.waitFor(t, "42")
	// Tab completes from the kernel: "Prin" has Print, Printf and Println in common.
	typeAtPrompt(`import "fmt"` + "\n")
	typeAtPrompt("fmt.Prin\t")
	send(`ln("completed")` + "\n")
	out.waitFor(t, "completed\r\n")
	// Ctrl-C while a cell runs interrupts it; state survives. The cell prints
	// once it runs, when the terminal is back in the mode where Ctrl-C sends
	// SIGINT (the echo of the source reads "loop" + "ing", not looping).
	typeAtPrompt(`fmt.Println("loop" + "ing"); for { x = x + 0 }` + "\n")
	out.waitFor(t, "looping\r\n")
	send("\x03")
	out.waitFor(t, "nterrupt")
	// Ctrl-C while typing discards the line; the editor's echo of the text
	// shows it has read it.
	typeAtPrompt("this is not Go")
	out.waitFor(t, "this is not Go")
	send("\x03")
	out.waitFor(t, "^C")
	typeAtPrompt("x + 1\n")
	out.waitFor(t, "22")
	if strings.Contains(out.String(), "not Go") && strings.Contains(out.String(), "expected") {
		t.Errorf("the discarded line was executed:\n%s", out.String())
	}
	t.Logf("terminal output:\n%s", out.String())
	typeAtPrompt("\x04") // Ctrl-D at an empty prompt
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Fatalf("repl exited with %v\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("repl did not exit on Ctrl-D\n%s", out.String())
	}
}

// startTerminalREPL runs the REPL in a child process on a pseudo-terminal. It
// returns the process, the terminal's output, a function that types keys, and
// one that types them once the REPL shows its prompt.
func startTerminalREPL(t *testing.T) (cmd *exec.Cmd, out *syncBuffer, send, typeAtPrompt func(string)) {
	t.Helper()
	master, slave := openPTY(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), roleEnv+"=repl")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	out = &syncBuffer{}
	go io.Copy(out, master)
	send = func(s string) { master.WriteString(s) }
	// A line is typed once the REPL shows its prompt, as a person would: the
	// line editor has put the terminal in raw mode by then. While a cell runs the
	// terminal is in its normal mode, which echoes and edits typed keys itself
	// and can lose a Ctrl-D typed then.
	typeAtPrompt = func(s string) {
		out.waitFor(t, repl.Prompt)
		send(s)
	}
	return cmd, out, send, typeAtPrompt
}

// openPTY opens a pseudo-terminal pair.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("the terminal session needs a pseudo-terminal (/dev/ptmx): %v", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, s
}

// syncBuffer is a buffer written by one goroutine and watched by the test.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	seen    int           // offset after the last waitFor match
	written chan struct{} // closed (and replaced) by every Write
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.written != nil {
		close(b.written)
		b.written = nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until s appears after the previous match, looking again after
// every write.
func (b *syncBuffer) waitFor(t *testing.T, s string) {
	t.Helper()
	timeout := time.NewTimer(15 * time.Second)
	defer timeout.Stop()
	for {
		b.mu.Lock()
		rest := b.buf.String()[b.seen:]
		if i := strings.Index(rest, s); i >= 0 {
			b.seen += i + len(s)
			b.mu.Unlock()
			return
		}
		if b.written == nil {
			b.written = make(chan struct{})
		}
		written := b.written
		b.mu.Unlock()
		select {
		case <-written:
		case <-timeout.C:
			t.Fatalf("timed out waiting for %q; output so far:\n%s", s, b.String())
		}
	}
}
