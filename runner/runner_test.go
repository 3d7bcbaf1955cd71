package runner_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/runner"
)

func TestMain(m *testing.M) { kerneltest.Main(m) }

// writeNotebook saves a notebook with the given code cells (and a markdown cell
// first) and returns its path.
func writeNotebook(t *testing.T, cells ...string) (string, *notebooks.Notebook) {
	t.Helper()
	nb := notebooks.New()
	nb.Cells = append(nb.Cells, notebooks.NewCell(notebooks.MarkdownCell, "# A test notebook"))
	for _, src := range cells {
		nb.Cells = append(nb.Cells, notebooks.NewCell(notebooks.CodeCell, src))
	}
	path := filepath.Join(t.TempDir(), "test.gonb")
	if err := notebooks.Save(path, nb); err != nil {
		t.Fatal(err)
	}
	return path, nb
}

func run(t *testing.T, opts runner.Options) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.Stdout, opts.Stderr = &out, &errOut
	opts.Kernel = kerneltest.Options()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = runner.Run(ctx, opts)
	return out.String(), errOut.String(), err
}

func TestRunWritesOutputs(t *testing.T) {
	path, _ := writeNotebook(t,
		`import "fmt"`,
		`x := 6`,
		`fmt.Println("hello from", x)`,
		`x * 7`,
	)
	out := filepath.Join(t.TempDir(), "out.gonb")
	stdout, stderr, err := run(t, runner.Options{Notebook: path, Output: out})
	if err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, stderr)
	}
	if !strings.Contains(stdout, "hello from 6\n") || !strings.Contains(stdout, "42") {
		t.Errorf("terminal output %q lacks the cell output", stdout)
	}
	nb, err := notebooks.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if nb.Cells[0].Type != notebooks.MarkdownCell || nb.Cells[0].ExecutionCount != nil {
		t.Errorf("markdown cell changed: %+v", nb.Cells[0])
	}
	printed := nb.Cells[3]
	if len(printed.Outputs) != 1 || printed.Outputs[0].Type != notebooks.StreamOutput || printed.Outputs[0].Text != "hello from 6\n" {
		t.Errorf("print cell outputs = %+v", printed.Outputs)
	}
	result := nb.Cells[4]
	if len(result.Outputs) != 1 || result.Outputs[0].Type != notebooks.ExecuteResultOutput || result.Outputs[0].Data["text/plain"] != "42" {
		t.Errorf("result cell outputs = %+v", result.Outputs)
	}
	for i, c := range nb.Cells[1:] {
		if c.ExecutionCount == nil || *c.ExecutionCount != i+1 {
			t.Errorf("code cell %d execution count = %v, want %d", i+1, c.ExecutionCount, i+1)
		}
	}
	// Without -o or --inplace the source notebook is untouched.
	orig, err := notebooks.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(orig.Cells[4].Outputs) != 0 {
		t.Error("the input notebook was modified")
	}
}

func TestRunStopsAtFailingCell(t *testing.T) {
	path, nb := writeNotebook(t,
		`a := 1`,
		`a + undefinedName`,
		`b := 2`,
	)
	_, stderr, err := run(t, runner.Options{Notebook: path, InPlace: true})
	var ce *runner.CellError
	if !errors.As(err, &ce) {
		t.Fatalf("run = %v, want a *runner.CellError", err)
	}
	if ce.Index != 3 || ce.CellID != nb.Cells[2].ID {
		t.Errorf("failing cell = %d (%s), want 3 (%s)", ce.Index, ce.CellID, nb.Cells[2].ID)
	}
	if !strings.Contains(err.Error(), "cell 3") || !strings.Contains(err.Error()+stderr, "undefinedName") {
		t.Errorf("error %q / stderr %q should name the cell and the problem", err, stderr)
	}
	saved, lerr := notebooks.Load(path)
	if lerr != nil {
		t.Fatal(lerr)
	}
	if outs := saved.Cells[2].Outputs; len(outs) != 1 || outs[0].Type != notebooks.ErrorOutput {
		t.Errorf("failing cell outputs in place = %+v, want one error", outs)
	}
	if saved.Cells[3].ExecutionCount != nil {
		t.Error("the cell after the failure was executed")
	}
}

func TestRunReportsKernelDeath(t *testing.T) {
	// The cell sleeps until the goroutine's panic ends the process.
	path, _ := writeNotebook(t, `import "time"`, `go func() { panic("died here") }(); time.Sleep(time.Hour)`)
	_, _, err := run(t, runner.Options{Notebook: path})
	var died *client.DiedError
	if !errors.As(err, &died) || !strings.Contains(err.Error(), "cell 3") || !strings.Contains(err.Error(), "died here") {
		t.Errorf("run = %v, want kernel died in cell 3 with the panic message", err)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	if _, _, err := run(t, runner.Options{Notebook: filepath.Join(t.TempDir(), "missing.gonb")}); err == nil || !strings.Contains(err.Error(), "missing.gonb") {
		t.Errorf("missing notebook: %v", err)
	}
	if _, _, err := run(t, runner.Options{Notebook: "x.gonb", Output: "y.gonb", InPlace: true}); err == nil {
		t.Error("-o with --inplace was accepted")
	}
}

func TestRunCellTimeout(t *testing.T) {
	path, _ := writeNotebook(t, `import "time"`, `time.Sleep(time.Hour)`)
	start := time.Now()
	_, _, err := run(t, runner.Options{Notebook: path, CellTimeout: 300 * time.Millisecond})
	var ce *runner.CellError
	if !errors.As(err, &ce) || ce.Index != 3 || !strings.Contains(err.Error(), "timed out after 300ms") {
		t.Fatalf("run = %v, want cell 3 timed out", err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the timed-out run took %v", took)
	}
}

func TestRunExecutesInTheNotebooksDirectory(t *testing.T) {
	path, _ := writeNotebook(t, `import ("fmt"; "os")`, `data, err := os.ReadFile("data.txt")
fmt.Println(string(data), err)`)
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "data.txt"), []byte("next to the notebook"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := run(t, runner.Options{Notebook: path})
	if err != nil || !strings.Contains(stdout, "next to the notebook <nil>") {
		t.Errorf("run = %v; stdout %q, stderr %q; want the file beside the notebook read", err, stdout, stderr)
	}
}
