package engine

import (
	"strings"
	"testing"
)

// TestDesignNotebook runs the cells of DESIGN.md's user path through the engine.
func TestDesignNotebook(t *testing.T) {
	h := newHarness(t)
	h.run(`import "gopad/ml"

train, test := ml.Digits().Split(0.75, 0)
model := ml.Sequential(
	ml.Linear(64, 32), ml.ReLU(),
	ml.Linear(32, 10),
)`)
	res := h.run(`hist := model.Fit(train, ml.FitConfig{Epochs: 1, BatchSize: 64,
	Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-3), Validation: test})
hist`)
	if !res.HasValue || res.Value.IsNil() {
		t.Fatalf("Fit result: %+v", res)
	}
	h.run(`import "fmt"
ev := model.Evaluate(test, ml.CrossEntropy(), "accuracy")
fmt.Printf("accuracy %.2f\n", ev.Metrics["accuracy"])
if v, ok := ev.Metrics["accuracy"]; ok && v > 0 { fmt.Println("ok") }`)
	if !strings.HasPrefix(h.out.String(), "accuracy 0.") {
		t.Errorf("stdout = %q", h.out.String())
	}
}
