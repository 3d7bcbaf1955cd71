package ml

import (
	"strings"
	"testing"
)

// TestPruneSensitivity: on the digits MLP, pruning any layer by 0% keeps the
// score, pruning a layer by 99% loses more than by 30%, and the model itself
// is untouched.
func TestPruneSensitivity(t *testing.T) {
	train, test := loadDigits(t)
	SetSeed(7)
	m := Sequential(Linear(64, 64), ReLU(), Linear(64, 10))
	m.Fit(train, FitConfig{Epochs: 6, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(3e-3), Seed: 1})
	acc := func(m *Model, val Dataset) float64 {
		return m.Evaluate(val, CrossEntropy(), "accuracy").Metrics["accuracy"]
	}
	res, err := PruneSensitivity(m, test, []float64{0, 0.3, 0.99}, acc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", res)
	if len(res.Layers) != 2 || !strings.HasPrefix(res.Layers[1], "2 Linear(64→10)") {
		t.Fatalf("layers %v", res.Layers)
	}
	for i, row := range res.Scores {
		if row[0] != res.Base || !(row[2] < row[1]) {
			t.Errorf("layer %s: scores %v (unpruned %v): want the base at 0%% and a loss at 99%%", res.Layers[i], row, res.Base)
		}
	}
	if m.IsPruned() || acc(m, test) != res.Base {
		t.Error("PruneSensitivity changed the model")
	}
	if _, err := PruneSensitivity(m, test, []float64{1}, acc); err == nil || !strings.Contains(err.Error(), "ratio 1") {
		t.Errorf("ratio 1: %v", err)
	}
	if cols, rows := res.Table(); len(cols) != 4 || len(rows) != 2 || cols[3] != "99%" {
		t.Errorf("table %v %v", cols, rows)
	}
}
