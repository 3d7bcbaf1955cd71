package notebooks

import (
	"bytes"
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
// notebook slowly to the path it names, so that the parent can kill it half-way.
const crashSaveEnv = "GOPAD_NOTEBOOKS_CRASH_SAVE"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashSaveEnv); path != "" {
		slowWriter = func(w io.Writer) io.Writer { return &trickleWriter{w: w} }
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

// trickleWriter writes in small chunks with pauses, like a save on a slow disk.
type trickleWriter struct{ w io.Writer }

func (t *trickleWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		chunk := min(len(p), 4096)
		k, err := t.w.Write(p[:chunk])
		n += k
		if err != nil {
			return n, err
		}
		p = p[chunk:]
		time.Sleep(2 * time.Millisecond)
	}
	return n, nil
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
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child has written a good part of the temporary file.
	deadline := time.Now().Add(20 * time.Second)
	var tmpSize int64
	for tmpSize < 64<<10 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the child never wrote a temporary file; stderr: %s", stderr.String())
		}
		matches, _ := filepath.Glob(filepath.Join(dir, ".work.gonb.tmp-*"))
		for _, m := range matches {
			if info, err := os.Stat(m); err == nil {
				tmpSize = info.Size()
			}
		}
		time.Sleep(5 * time.Millisecond)
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
