package display_test

// These tests run cells that use gopad/ml in a real kernel process and check
// what a notebook receives for ml results: the execute_result bundles.

import (
	"context"
	"encoding/json"
	"fmt"
	"gopad.dev/gopad/display"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/kernel/protocol"
)

func TestMain(m *testing.M) { kerneltest.Main(m) }

// mlKernel is a kernel process for one test, working in a temporary directory.
type mlKernel struct {
	t *testing.T
	k *client.Kernel
}

func startKernel(t *testing.T) *mlKernel {
	t.Helper()
	opts := kerneltest.Options()
	opts.Dir = t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k, err := client.Start(ctx, opts)
	if err != nil {
		t.Fatalf("start kernel: %v", err)
	}
	t.Cleanup(func() { k.Shutdown(context.Background()) })
	return &mlKernel{t: t, k: k}
}

// run executes a cell that must succeed and returns its execute_result bundle
// (nil if it had none) and what it printed.
func (mk *mlKernel) run(code string) (protocol.MIMEBundle, string) {
	mk.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var result protocol.MIMEBundle
	var stdout strings.Builder
	reply, err := mk.k.Execute(ctx, code, func(m protocol.Message) {
		switch m.Type {
		case protocol.ExecuteResult:
			var c protocol.ExecuteResultContent
			if err := m.Decode(&c); err != nil {
				mk.t.Errorf("execute_result: %v", err)
			}
			result = c.Data
		case protocol.Stream:
			var s protocol.StreamContent
			if err := m.Decode(&s); err == nil && s.Name == "stdout" {
				stdout.WriteString(s.Text)
			}
		}
	})
	if err != nil {
		mk.t.Fatalf("cell %q: %v", code, err)
	}
	if reply.Status != protocol.ReplyOK {
		mk.t.Fatalf("cell failed: %s: %s\n%s\ncell:\n%s", reply.EName, reply.EValue, strings.Join(reply.Traceback, "\n"), code)
	}
	return result, stdout.String()
}

func text(b protocol.MIMEBundle) string {
	s, _ := b["text/plain"].(string)
	return s
}

// table returns the columns and rows of a bundle's table, or fails.
func table(t *testing.T, b protocol.MIMEBundle) (columns []string, rows [][]any) {
	t.Helper()
	raw, ok := b[protocol.MIMETable]
	if !ok {
		t.Fatalf("no table in the result: %v", b)
	}
	data, _ := json.Marshal(raw)
	var tab struct {
		Columns []string `json:"columns"`
		Rows    [][]any  `json:"rows"`
	}
	if err := json.Unmarshal(data, &tab); err != nil {
		t.Fatal(err)
	}
	return tab.Columns, tab.Rows
}

// TestFitHistoryIsASummaryInTheNotebook trains in a kernel and checks that the
// History that Fit returns, as the cell's result, is a short summary with its
// curves (HTML with SVG charts, and text for terminals), not a dump of the struct.
func TestFitHistoryIsASummaryInTheNotebook(t *testing.T) {
	mk := startKernel(t)
	mk.run("import (\n\t\"fmt\"\n\t\"gopad/ml\"\n)")
	mk.run(`ml.SetSeed(1)
train, test := ml.Iris().Split(0.8, 1)
scaler := ml.FitStandardScaler(train)
train, test = scaler.Transform(train), scaler.Transform(test)
model := ml.Sequential(ml.Linear(4, 16), ml.ReLU(), ml.Linear(16, 3))`)
	res, _ := mk.run(`hist := model.Fit(train, ml.FitConfig{Epochs: 8, BatchSize: 16, Loss: ml.CrossEntropy(),
	Optimizer: ml.Adam(0.02), Validation: test, Metrics: []string{"accuracy"}})
hist`)
	plain := text(res)
	lines := strings.Split(plain, "\n")
	if !strings.HasPrefix(lines[0], "History: 8 epochs in ") || len(lines) != 7 {
		t.Fatalf("text/plain is not the summary (headline, header, rule, 4 curves):\n%s", plain)
	}
	for i, name := range []string{"loss", "accuracy", "val_loss", "val_accuracy"} {
		if f := strings.Fields(lines[3+i]); len(f) != 5 || f[0] != name || len([]rune(f[4])) != 8 {
			t.Errorf("summary line %d = %q, want %s with final, best, epoch and an 8-point curve", 3+i, lines[3+i], name)
		}
	}
	// The rich form is the interactive chart of the four curves with a static
	// picture, not HTML (Jupyter would show HTML instead of the picture).
	opt, _ := res["application/vnd.gopad.echarts+json"].(map[string]any)
	series, _ := opt["series"].([]any)
	if len(series) != 4 {
		t.Fatalf("the result's chart has %d series, want 4 (loss, accuracy, val_loss, val_accuracy); MIME types %v", len(series), keys(res))
	}
	if _, ok := res["text/html"]; ok {
		t.Errorf("the result carries text/html beside its chart")
	}
	if p, _ := res["image/png"].(string); p == "" || res["image/svg+xml"] != nil {
		t.Errorf("the result has no static PNG picture (or also an SVG): %v", keys(res))
	} else {
		display.CheckDrawnPNG(t, p)
	}
	// A summary, not 10 KB of struct: small, and without the per-step losses.
	if len(plain) > 1500 {
		t.Errorf("the result is %d bytes of text; want a short summary", len(plain))
	}

	// The values agree with the history the cell holds.
	_, out := mk.run(`best, epoch := hist.Best("val_accuracy")
fmt.Printf("%.4f %d %.4f\n", best, epoch, hist.Curve("val_accuracy")[len(hist.Epochs)-1])`)
	var best, final float64
	var epoch int
	if _, err := fmt.Sscan(out, &best, &epoch, &final); err != nil {
		t.Fatalf("printed %q: %v", out, err)
	}
	if f := strings.Fields(lines[6]); f[1] != fmt.Sprintf("%.4f", final) || f[2] != fmt.Sprintf("%.4f", best) || f[3] != strconv.Itoa(epoch) {
		t.Errorf("val_accuracy line %q, the history says final %.4f, best %.4f at %d", lines[6], final, best, epoch)
	}

	// After the fact, from the saved model: the loaded model's History draws
	// the same curves.
	dir := filepath.Join(t.TempDir(), "iris-model")
	mk.run(fmt.Sprintf("if err := model.Save(%q); err != nil {\n\tpanic(err)\n}", dir))
	loaded, _ := mk.run(fmt.Sprintf("loaded, err := ml.Load(%q)\nif err != nil {\n\tpanic(err)\n}\nloaded.History()", dir))
	lopt, _ := loaded["application/vnd.gopad.echarts+json"].(map[string]any)
	lseries, _ := lopt["series"].([]any)
	if len(lseries) != len(series) {
		t.Fatalf("the loaded model's history chart has %d series, want %d: %v", len(lseries), len(series), keys(loaded))
	}
	for i := range series {
		got, _ := json.Marshal(lseries[i].(map[string]any)["data"])
		want, _ := json.Marshal(series[i].(map[string]any)["data"])
		if string(got) != string(want) {
			t.Errorf("series %d of the loaded model's history: %s, want %s", i, got, want)
		}
	}
	if got := text(loaded); got != plain {
		t.Errorf("the loaded model's history reads\n%s\nwant\n%s", got, plain)
	}
}

// TestMLResultsReadWellInTheNotebook checks the other ml values a cell
// typically ends with, and the API rules as a cell meets them: a float64
// learning rate scales a tensor, a callback returns (stop, reason), Predict
// takes a single sample, and Save names a directory.
func TestMLResultsReadWellInTheNotebook(t *testing.T) {
	mk := startKernel(t)
	mk.run("import (\n\t\"fmt\"\n\t\"gopad/ml\"\n)")
	mk.run(`ml.SetSeed(2)
data := ml.Iris()
train, test := data.Split(0.8, 1)
model := ml.Sequential(ml.Linear(4, 8), ml.ReLU(), ml.Linear(8, 3))
model.Fit(train, ml.FitConfig{Epochs: 20, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(0.05)})`)

	// t.Scale(lr) with lr a float64: the motivating case of the number rule.
	res, _ := mk.run("lr := 0.5\nml.Ones(2, 2).Scale(lr)")
	if got := text(res); got != "Tensor[2 2] [[0.5 0.5]\n             [0.5 0.5]]" {
		t.Errorf("scaled tensor result %q", got)
	}

	res, _ = mk.run(`model`)
	if cols, rows := table(t, res); strings.Join(cols, ",") != "#,layer,parameters" || len(rows) != 4 || rows[3][2] != float64(67) {
		t.Errorf("model table %v %v", cols, rows)
	}
	if got := text(res); !strings.HasPrefix(got, "Sequential(\n  (0) Linear(4→8)") || !strings.HasSuffix(got, ") 67 parameters") {
		t.Errorf("model text %q", got)
	}

	res, _ = mk.run(`model.Evaluate(test, ml.CrossEntropy(), "accuracy", "precision", "recall", "f1")`)
	cols, rows := table(t, res)
	if strings.Join(cols, ",") != "metric,value" || len(rows) != 5 || rows[0][0] != "loss" || rows[4][0] != "f1" {
		t.Errorf("evaluation table %v %v", cols, rows)
	}
	if got := text(res); !strings.HasPrefix(got, "loss ") || !strings.Contains(got, "  f1 ") {
		t.Errorf("evaluation text %q", got)
	}

	res, _ = mk.run(`ml.NewConfusionMatrix(model.Predict(test.X), test.Y, test.ClassNames)`)
	if cols, rows := table(t, res); len(cols) != 4 || cols[1] != "setosa" || len(rows) != 3 {
		t.Errorf("confusion matrix table %v %v", cols, rows)
	}

	// One sample without the batch dimension gives one prediction.
	res, _ = mk.run(`model.Predict(test.X.Row(0)).Shape()`)
	if got := text(res); got != "[3]" {
		t.Errorf("Predict of one sample has shape %s, want [3]", got)
	}

	// A callback written in a cell stops training with its reason.
	res, _ = mk.run(`h := model.Fit(train, ml.FitConfig{Epochs: 10, Loss: ml.CrossEntropy(), Callbacks: []ml.Callback{
	func(s ml.EpochStats) (bool, string) { return s.Epoch == 2, "two is enough" },
}})
h`)
	if got := text(res); !strings.HasPrefix(got, "History: stopped (two is enough) after 2 of 10 epochs in ") {
		t.Errorf("history of a run stopped by a cell's callback: %q", got)
	}
	res, _ = mk.run(`h.Epochs[1]`)
	if got := text(res); !strings.HasPrefix(got, "epoch 2/10: loss ") {
		t.Errorf("epoch statistics %q", got)
	}

	// Saving to a file name says that a model is a directory.
	_, out := mk.run(`err := model.Save("iris.safetensors")
fmt.Println(err)`)
	if !strings.Contains(out, `a model is saved as a directory`) || !strings.Contains(out, `Save("iris")`) {
		t.Errorf("Save to a file name printed %q", out)
	}
}
