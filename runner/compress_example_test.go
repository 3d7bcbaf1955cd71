package runner_test

import (
	"path/filepath"
	"strings"
	"testing"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/runner"
)

// TestCompressExampleRuns runs the compression example through a real kernel
// as `gopad run example:compress -o out.gonb` does: the quantization report,
// the pruning report, the search with its Pareto front, and a reloaded int8
// model that predicts exactly as the saved one, with no error output.
func TestCompressExampleRuns(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.gonb")
	stdout, stderr, err := runIn(t, dir, runner.Options{Notebook: "example:compress", Output: out})
	if err != nil {
		t.Fatalf("gopad run example:compress: %v\nstderr:\n%s", err, stderr)
	}
	for _, want := range []string{
		"QuantLinear(64→256, int8 per tensor)", "total (0.256x)", "accuracy before → after",
		"52,020 bytes quantized", "sparsity", "90.0%", "after 10 epochs of fine-tuning",
		"pareto front:", "unpruned:", "weights file: float32", "identical outputs on all 449 test images: true",
		"QuantEmbedding(", "uint8 per row", "QuantLSTM(16→32, int8 per tensor)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, stdout)
		}
	}
	nb, err := notebooks.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	tables := 0
	var reportTable, searchTable bool
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.Type == notebooks.ErrorOutput {
				t.Errorf("cell %s has an error output: %s: %s", c.ID, o.EName, o.EValue)
			}
			if html, _ := o.Data["text/html"].(string); strings.Contains(html, "<table") {
				tables++
				reportTable = reportTable || strings.Contains(html, "QuantLinear(64→256, int8 per tensor)")
				searchTable = searchTable || strings.Contains(html, "pareto")
			}
		}
	}
	// The quantization report, the sparsity report and the search render as
	// tables (the evaluations too).
	if tables < 3 || !reportTable || !searchTable {
		t.Errorf("executed notebook holds %d HTML tables (quantization report among them: %v, search: %v), want at least 3", tables, reportTable, searchTable)
	}
}
