package notebooks

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashSaveEnv makes the test binary, re-executed as a child, save a large
// notebook to the path it names and stop half-way, so that the parent can kill it
// there.
const crashSaveEnv = "GOPAD_NOTEBOOKS_CRASH_SAVE"

// halfWayLine is what the child prints once half of the notebook is written.
const halfWayLine = "half-way\n"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashSaveEnv); path != "" {
		slowWriter = func(w io.Writer) io.Writer { return &halfWayWriter{w: w} }
		nb := New()
		c := NewCell(CodeCell, "fmt.Println(strings.Repeat(\"x\", 1<<21))")
		c.Outputs = []Output{{Type: StreamOutput, Name: "stdout", Text: strings.Repeat("new output line\n", 1<<17)}}
		nb.Cells = []*Cell{c}
		if err := Save(path, nb); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(2)
		}
		os.Exit(0) // the parent should have killed us long before this
	}
	os.Exit(m.Run())
}

// halfWayWriter writes the first half of what it is given, tells the parent on
// stdout, and then waits for the parent, which kills it, by reading stdin.
type halfWayWriter struct{ w io.Writer }

func (h *halfWayWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p[:len(p)/2])
	if err != nil {
		return n, err
	}
	if _, err := os.Stdout.WriteString(halfWayLine); err != nil {
		return n, err
	}
	_, _ = io.Copy(io.Discard, os.Stdin) // returns only if the parent went away
	return n, errors.New("the parent closed stdin instead of killing the save")
}

func TestSaveKilledHalfWayKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "work.gonb")
	if err := Save(path, sample()); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashSaveEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe() // held open: the child waits on it half-way
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child says it has written half of the temporary file.
	halfWay := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err == nil && line != halfWayLine {
			err = fmt.Errorf("the child printed %q", line)
		}
		halfWay <- err
	}()
	select {
	case err = <-halfWay:
	case <-time.After(20 * time.Second):
		err = errors.New("no word from the child within 20 s")
	}
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child did not get half-way through its save: %v; stderr: %s", err, stderr.String())
	}
	matches, _ := filepath.Glob(filepath.Join(dir, ".work.gonb.tmp-*"))
	if len(matches) != 1 {
		t.Fatalf("temporary files while the save is half-way: %v, want one", matches)
	}
	if info, err := os.Stat(matches[0]); err != nil || info.Size() < 64<<10 {
		t.Fatalf("the half-written temporary file: %v, %v; want at least 64 KiB", info, err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("child was not killed mid-save (finished with %v); stderr: %s", err, stderr.String())
	}

	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatalf("the notebook changed after a killed save (%d bytes before, %d after)", len(before), len(after))
	}
	if _, err := Load(path); err != nil {
		t.Fatalf("old notebook no longer loads: %v", err)
	}
	// The half-written data exists only under a hidden temporary name.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "work.gonb" && !strings.HasPrefix(e.Name(), ".work.gonb.tmp-") {
			t.Errorf("unexpected file %q after a killed save", e.Name())
		}
	}
	// And the next save still works and replaces the file.
	if err := Save(path, New()); err != nil {
		t.Fatal(err)
	}
	nb, err := Load(path)
	if err != nil || len(nb.Cells) != 0 {
		t.Fatalf("save after crash: %v, %v", nb, err)
	}
}
