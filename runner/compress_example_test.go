package runner_test

import (
	"os"
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
	// The reference language-ID data (../shared/data beside the checkout, as
	// ml's workload tests read it) next to the notebook, as a user would put it.
	for _, name := range []string{"langid_train.csv", "langid_test.csv"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", name))
		if err != nil {
			t.Fatalf("reference data: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out.gonb")
	stdout, stderr, err := runIn(t, dir, runner.Options{Notebook: "example:compress", Output: out})
	if err != nil {
		t.Fatalf("gopad run example:compress: %v\nstderr:\n%s", err, stderr)
	}
	for _, want := range []string{
		"QuantLinear(64→256, int8 per tensor)", "total (0.256x)", "QuantLinear(256→128, int4 groups of 32)", "accuracy before → after",
		"52,020 bytes quantized", "sparsity", "90.0%", "after 10 epochs of fine-tuning",
		"pareto front:", "unpruned:", "weights file: float32", "reloaded digits-int8 model: identical outputs on all 449 test images: true",
		"reloaded digits-pruned-int8 model: identical outputs on all 449 test images: true",
		"epoch 30: sparsity 0.900", "gradual pruning to 90%: test accuracy", "retrained accuracy", "Linear(64→128)", "folded into next bias",
		"reference data: 14400 training words, 3600 test words",
		"QuantEmbedding(", "uint8 per row", "QuantLSTM(32→128, int8 per tensor)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, stdout)
		}
	}
	nb, err := notebooks.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	tables, paretoCharts, sensitivityCharts := 0, 0, 0
	var reportTable, searchTable bool
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.Type == notebooks.ErrorOutput {
				t.Errorf("cell %s has an error output: %s: %s", c.ID, o.EName, o.EValue)
			}
			if option, ok := o.Data["application/vnd.gopad.echarts+json"].(map[string]any); ok {
				title, _ := option["title"].(map[string]any)
				if title == nil {
					if ts, _ := option["title"].([]any); len(ts) > 0 {
						title, _ = ts[0].(map[string]any)
					}
				}
				text, _ := title["text"].(string)
				switch text {
				case "Score against model size":
					paretoCharts++
				case "Pruning sensitivity per layer":
					sensitivityCharts++
				}
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
	// Two sensitivity charts (digits MLP, language model) and the
	// size/accuracy chart with its Pareto front.
	if paretoCharts != 1 || sensitivityCharts != 2 {
		t.Errorf("executed notebook holds %d size/accuracy charts and %d sensitivity charts, want 1 and 2", paretoCharts, sensitivityCharts)
	}

	// The float model then the int8 one as its next version: the endpoint
	// answers as version 2, which carries the quantization report.
	if version, outputs := endpointAnswer(t, stdout, "digits-compact"); version != "2" || len(outputs["label"]) != 1 {
		t.Errorf("the endpoint answered as version %s with %v, want version 2 with a label", version, outputs)
	}
	v2 := publishedVersion(t, dir, "digits-compact", 2)
	if c := v2.Lineage.Compression; c == nil || c.Quantization == nil || c.Quantization.BytesAfter >= c.Quantization.BytesBefore {
		t.Errorf("version 2 does not carry the quantization report: %+v", c)
	}
	if _, ok := v2.Lineage.Metrics["accuracy"]; !ok {
		t.Errorf("version 2 carries no accuracy: %v", v2.Lineage.Metrics)
	}
}
