package ml

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestResultForms checks the text and table forms of the types a cell shows as
// its result (the History's are tested in habits_test.go).
func TestResultForms(t *testing.T) {
	e := EpochStats{Epoch: 3, Epochs: 30, Loss: 0.12345, Metrics: map[string]float64{"f1": 0.5, "accuracy": 0.96},
		ValLoss: math.NaN(), LR: 0.001, Elapsed: 1234 * time.Millisecond}
	if got, want := e.String(), "epoch 3/30: loss 0.1235  accuracy 0.9600  f1 0.5000  lr 0.001  1.23s"; got != want {
		t.Errorf("EpochStats.String() = %q, want %q (metrics in MetricNames order, no validation)", got, want)
	}
	e.ValLoss, e.ValMetrics = 0.2, map[string]float64{"accuracy": 0.9}
	if got := e.String(); !strings.Contains(got, "  val_loss 0.2000  val_accuracy 0.9000  lr") {
		t.Errorf("EpochStats.String() with validation = %q", got)
	}

	ev := Evaluation{Loss: 0.25, Metrics: map[string]float64{"recall": 0.5, "accuracy": 0.75}}
	if got, want := ev.String(), "loss 0.2500  accuracy 0.7500  recall 0.5000"; got != want {
		t.Errorf("Evaluation.String() = %q, want %q", got, want)
	}
	cols, rows := ev.Table()
	if strings.Join(cols, ",") != "metric,value" || len(rows) != 3 || rows[0][0] != "loss" || rows[1][0] != "accuracy" || rows[2][1] != 0.5 {
		t.Errorf("Evaluation.Table() = %v %v", cols, rows)
	}

	m := Sequential(Linear(4, 8), ReLU(), Sequential(Linear(8, 2)))
	cols, rows = m.Table()
	if strings.Join(cols, ",") != "#,layer,parameters" || len(rows) != 4 ||
		rows[0][1] != "Linear(4→8)" || rows[0][2] != 40 || rows[2][1] != "Sequential(1 layers)" || rows[3][1] != "total" || rows[3][2] != 58 {
		t.Errorf("Model.Table() = %v %v", cols, rows)
	}

	s := TextSamples{Texts: []string{"hola", "hello", "salut"}, Labels: []int{0, 1, 2}, ClassNames: []string{"es", "en", "fr"}}
	if got, want := s.String(), "TextSamples: 3 texts, 3 classes (es, en, fr)"; got != want {
		t.Errorf("TextSamples.String() = %q, want %q", got, want)
	}
	if _, rows := s.Table(); len(rows) != 3 || rows[1][0] != "hello" || rows[1][1] != "en" {
		t.Errorf("TextSamples.Table() rows %v", rows)
	}

	it := Iris().Batches(32, true, 1)
	it.Next()
	if got, want := it.String(), "BatchIter: batch 1 of 5 (batches of 32, shuffled)"; got != want {
		t.Errorf("BatchIter.String() = %q, want %q", got, want)
	}
	c := NewConfusionMatrixInts([]int{0, 1, 1}, []int{0, 0, 1}, nil).Class(1)
	if got, want := c.String(), "precision 0.5000  recall 1.0000  f1 0.6667  support 1  predicted 2"; got != want {
		t.Errorf("ClassStats.String() = %q, want %q", got, want)
	}
}
