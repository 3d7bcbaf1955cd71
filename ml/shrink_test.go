package ml

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestShrinkRemovesPrunedUnits: after LnStructured pruning of half the units
// of the digits MLP's hidden layers, Shrink returns a really smaller model
// (Linear(64→128), Linear(128→64)) that predicts as the pruned one, saves
// and loads smaller, and keeps the masks of the weights it kept.
func TestShrinkRemovesPrunedUnits(t *testing.T) {
	train, test := loadDigits(t)
	SetSeed(11)
	m := digitsMLP()
	m.Fit(train, FitConfig{Epochs: 5, Loss: CrossEntropy(), Seed: 1})
	if _, err := Prune(m, PruneConfig{Method: "ln_structured", N: 2, Amount: 0.5, Layers: []int{0, 2}}); err != nil {
		t.Fatal(err)
	}
	// Also leave one unit of the second hidden layer unread: zero its row of
	// the last layer.
	last := m.Layer(4).(*LinearLayer)
	var unread int
	for u := 0; u < 128; u++ {
		if m.Layer(2).(*LinearLayer).Weight.data[u] != 0 { // a kept unit
			unread = u
			break
		}
	}
	clear(last.Weight.data[unread*10 : (unread+1)*10])
	before := m.Predict(test.X)
	params := m.NumParams()

	s, rep, err := Shrink(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{s.Layer(0).String(), s.Layer(2).String(), s.Layer(4).String()}; strings.Join(got, " ") != "Linear(64→128) Linear(128→63) Linear(63→10)" {
		t.Errorf("shrunk layers %v; want Linear(64→128) Linear(128→63) Linear(63→10)", got)
	}
	if m.NumParams() != params || m.Layer(0).(*LinearLayer).Out != 256 {
		t.Error("Shrink changed the original model")
	}
	if rep.Before != params || rep.After != s.NumParams() || rep.After >= params/2 {
		t.Errorf("report says %d → %d parameters; models have %d → %d", rep.Before, rep.After, params, s.NumParams())
	}
	if rep.Layers[0].Removed != 128 || rep.Layers[0].Folded != 128 || rep.Layers[1].Removed != 65 || rep.Layers[1].Folded != 64 {
		t.Errorf("report rows %+v", rep.Layers)
	}
	after := s.Predict(test.X)
	worst := 0.0
	for i, v := range after.data {
		worst = math.Max(worst, math.Abs(float64(v-before.data[i])))
	}
	if worst > 1e-4 {
		t.Errorf("shrunk model's outputs differ by up to %g", worst)
	}
	bc, ac := before.ArgMax(), after.ArgMax()
	for i := range bc {
		if bc[i] != ac[i] {
			t.Fatalf("sample %d: class %d before shrinking, %d after", i, bc[i], ac[i])
		}
	}
	t.Logf("%s\nlargest output difference %g", rep, worst)
	if !strings.Contains(rep.String(), "Linear(256→128)") || !strings.Contains(rep.String(), "Linear(128→63)") {
		t.Errorf("report:\n%s", rep)
	}

	dir := t.TempDir()
	if err := s.Save(filepath.Join(dir, "small")); err != nil {
		t.Fatal(err)
	}
	back, err := Load(filepath.Join(dir, "small"))
	if err != nil {
		t.Fatal(err)
	}
	if !sameBitsTensor(back.Predict(test.X), after) {
		t.Error("loaded shrunk model predicts differently")
	}
	// The remaining unstructured masks (the kept units' weights are all kept
	// here) came along: fine-tuning keeps the model's zeros.
	if !s.IsPruned() {
		t.Error("the shrunk model lost its masks")
	}
}

// TestShrinkUnprunedAndBad: an unpruned model shrinks to itself; a quantized
// model is refused.
func TestShrinkUnprunedAndBad(t *testing.T) {
	SetSeed(12)
	m := digitsMLP()
	s, rep, err := Shrink(m)
	if err != nil {
		t.Fatal(err)
	}
	if s.NumParams() != m.NumParams() || rep.After != rep.Before {
		t.Errorf("unpruned model shrank: %d → %d", m.NumParams(), s.NumParams())
	}
	x := Rand(4, 64)
	if !sameBitsTensor(s.Predict(x), m.Predict(x)) {
		t.Error("an unchanged model predicts differently after Shrink")
	}
	train, _ := loadDigits(t)
	m.Fit(train.Slice(0, 128), FitConfig{Epochs: 1, Loss: CrossEntropy(), Seed: 1})
	q, _, err := Quantize(m, QuantConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Shrink(q); err == nil || !strings.Contains(err.Error(), "quantized") {
		t.Errorf("quantized: %v", err)
	}
}
