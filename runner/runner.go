// Package runner executes a notebook headless (`gopad run`), the way
// `jupyter nbconvert --execute` does: every code cell in order, in a fresh kernel,
// with output streamed to the terminal as it comes and recorded into the notebook.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopad.dev/gopad/internal/console"
	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/notebooks"
)

// Options configures Run.
type Options struct {
	// Notebook is the path of the .gonb or .ipynb file to execute, or
	// "example:NAME" for a notebook bundled with gopad (see notebooks.ExampleNames).
	Notebook string
	// Output, if set, is where the executed notebook is written.
	Output string
	// InPlace writes the executed notebook back to Notebook. Without Output or
	// InPlace nothing is written; output only goes to the terminal.
	InPlace bool
	// Stdout receives what cells print to stdout, their results and outputs as
	// text, and progress bars (redrawn in place on a terminal; elsewhere, one
	// line per training epoch and the final line); see package internal/console.
	Stdout io.Writer
	// Stderr receives what cells print to stderr, errors, and the runner's own
	// lines ("[gopad run] cell 2/5").
	Stderr io.Writer
	// Kernel configures the kernel process; the zero value runs this executable
	// in the notebook's directory.
	Kernel client.Options
	// CellTimeout, if positive, bounds each cell's run time: a cell still running
	// then is interrupted and the run fails.
	CellTimeout time.Duration
}

// CellError reports the first cell that failed.
type CellError struct {
	Index  int    // 1-based position among all cells of the notebook
	CellID string // the cell's nbformat id
	EName  string
	EValue string
	Err    error // set when the kernel failed rather than the cell (e.g. kernel died)
}

func (e *CellError) Error() string {
	where := fmt.Sprintf("cell %d (id %s)", e.Index, e.CellID)
	if e.Err != nil {
		return where + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s failed: %s: %s", where, e.EName, e.EValue)
}

func (e *CellError) Unwrap() error { return e.Err }

// Run executes every code cell of the notebook in a fresh kernel and stops at the
// first failing cell with a *CellError. The executed notebook (with the outputs so
// far, also after a failure) is written to Output or, with InPlace, back to the
// notebook. Cancelling ctx interrupts the running cell.
func Run(ctx context.Context, opts Options) error {
	if opts.Notebook == "" {
		return errors.New("no notebook given")
	}
	if opts.Output != "" && opts.InPlace {
		return errors.New("give either an output file or in-place, not both")
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	nb, err := load(opts.Notebook)
	if err != nil {
		return err
	}
	dest := opts.Output
	if opts.InPlace {
		if strings.HasPrefix(opts.Notebook, ExamplePrefix) {
			return fmt.Errorf("%s is bundled with gopad and cannot be changed in place; use -o FILE", opts.Notebook)
		}
		dest = opts.Notebook
	}

	kopts := opts.Kernel
	if kopts.Dir == "" && !strings.HasPrefix(opts.Notebook, ExamplePrefix) {
		// Like the server (and Jupyter), run cells in the notebook's directory, so
		// relative paths in cells mean the same in both.
		kopts.Dir = filepath.Dir(opts.Notebook)
	}
	root := kopts.Dir
	if root == "" {
		if root, err = os.Getwd(); err != nil {
			return err
		}
	}
	rel := opts.Notebook
	if !strings.HasPrefix(rel, ExamplePrefix) {
		rel = filepath.Base(rel)
	}
	pub, err := NewPublisher(root, rel, nb)
	if err != nil {
		return err
	}
	defer pub.Close()
	pub.KernelOptions(&kopts)
	k, err := client.Start(ctx, kopts)
	if err != nil {
		return err
	}
	defer k.Shutdown(context.Background())

	runErr := executeCells(ctx, k, nb, opts.Stdout, opts.Stderr, opts.CellTimeout, pub.SetCell)
	if dest != "" {
		if err := notebooks.Save(dest, nb); err != nil {
			return errors.Join(runErr, fmt.Errorf("write executed notebook: %w", err))
		}
	}
	return runErr
}

// ExamplePrefix names a bundled example notebook instead of a file: "example:welcome".
const ExamplePrefix = "example:"

// load reads a notebook file or a bundled example.
func load(name string) (*notebooks.Notebook, error) {
	example, ok := strings.CutPrefix(name, ExamplePrefix)
	if !ok {
		return notebooks.Load(name)
	}
	if !strings.HasSuffix(example, ".gonb") {
		example += ".gonb"
	}
	return notebooks.LoadExample(example)
}

// ExecuteCells runs the code cells of nb in k in order, replacing their outputs and
// execution counts, and echoing output to stdout and stderr as it arrives. It stops
// at the first failing cell with a *CellError. A positive cellTimeout interrupts
// a cell that runs longer.
func ExecuteCells(ctx context.Context, k *client.Kernel, nb *notebooks.Notebook, stdout, stderr io.Writer, cellTimeout time.Duration) error {
	return executeCells(ctx, k, nb, stdout, stderr, cellTimeout, nil)
}

// executeCells is ExecuteCells telling onCell (if set) which cell runs.
func executeCells(ctx context.Context, k *client.Kernel, nb *notebooks.Notebook, stdout, stderr io.Writer, cellTimeout time.Duration, onCell func(id string)) error {
	codeCells := 0
	for _, c := range nb.Cells {
		if c.Type == notebooks.CodeCell {
			codeCells++
		}
	}
	rec := newRecorder(nb)
	printer := console.New(stdout, stderr)
	n := 0
	for i, c := range nb.Cells {
		if c.Type != notebooks.CodeCell {
			continue
		}
		n++
		c.Outputs = nil
		c.ExecutionCount = nil
		fmt.Fprintf(stderr, "[gopad run] cell %d/%d (id %s)\n", n, codeCells, c.ID)
		if onCell != nil {
			onCell(c.ID)
		}
		cellCtx, cancel := ctx, context.CancelFunc(func() {})
		if cellTimeout > 0 {
			cellCtx, cancel = context.WithTimeout(ctx, cellTimeout)
		}
		reply, err := k.Execute(cellCtx, c.Source, func(m protocol.Message) {
			rec.record(c, m)
			printer.Show(m)
		})
		timedOut := errors.Is(cellCtx.Err(), context.DeadlineExceeded)
		cancel()
		printer.Flush()
		switch {
		case err != nil && timedOut:
			err = fmt.Errorf("timed out after %s and was interrupted", cellTimeout)
		case err != nil && ctx.Err() != nil:
			err = fmt.Errorf("interrupted: %w", ctx.Err())
		}
		if err != nil {
			return &CellError{Index: i + 1, CellID: c.ID, Err: err}
		}
		count := reply.ExecutionCount
		c.ExecutionCount = &count
		if reply.Status != protocol.ReplyOK {
			return &CellError{Index: i + 1, CellID: c.ID, EName: reply.EName, EValue: reply.EValue}
		}
	}
	return nil
}

// recorder turns kernel messages into notebook outputs.
type recorder struct {
	nb *notebooks.Notebook
	// displays maps a display id to the outputs showing it, for update_display_data.
	displays map[string][]displayRef
}

type displayRef struct {
	cell  *notebooks.Cell
	index int
}

func newRecorder(nb *notebooks.Notebook) *recorder {
	return &recorder{nb: nb, displays: map[string][]displayRef{}}
}

func (r *recorder) record(c *notebooks.Cell, m protocol.Message) {
	switch m.Type {
	case protocol.Stream:
		var s protocol.StreamContent
		if m.Decode(&s) != nil {
			return
		}
		// Consecutive text on the same stream is one output, as Jupyter saves it.
		if n := len(c.Outputs); n > 0 && c.Outputs[n-1].Type == notebooks.StreamOutput && c.Outputs[n-1].Name == s.Name {
			c.Outputs[n-1].Text += s.Text
			return
		}
		c.Outputs = append(c.Outputs, notebooks.Output{Type: notebooks.StreamOutput, Name: s.Name, Text: s.Text})
	case protocol.DisplayData:
		var d protocol.DisplayDataContent
		if m.Decode(&d) != nil {
			return
		}
		c.Outputs = append(c.Outputs, notebooks.Output{Type: notebooks.DisplayDataOutput, Data: d.Data, Metadata: nonNil(d.Metadata)})
		if id := d.Transient.DisplayID; id != "" {
			r.displays[id] = append(r.displays[id], displayRef{cell: c, index: len(c.Outputs) - 1})
		}
	case protocol.UpdateDisplayData:
		var d protocol.DisplayDataContent
		if m.Decode(&d) != nil {
			return
		}
		for _, ref := range r.displays[d.Transient.DisplayID] {
			if ref.index < len(ref.cell.Outputs) {
				ref.cell.Outputs[ref.index].Data = d.Data
				ref.cell.Outputs[ref.index].Metadata = nonNil(d.Metadata)
			}
		}
	case protocol.ExecuteResult:
		var d protocol.ExecuteResultContent
		if m.Decode(&d) != nil {
			return
		}
		count := d.ExecutionCount
		c.Outputs = append(c.Outputs, notebooks.Output{Type: notebooks.ExecuteResultOutput, Data: d.Data, Metadata: nonNil(d.Metadata), ExecutionCount: &count})
	case protocol.Error:
		var e protocol.ErrorContent
		if m.Decode(&e) != nil {
			return
		}
		c.Outputs = append(c.Outputs, notebooks.Output{Type: notebooks.ErrorOutput, EName: e.EName, EValue: e.EValue, Traceback: e.Traceback})
	}
}

func nonNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
