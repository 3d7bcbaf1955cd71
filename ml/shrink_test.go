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

// TestShrinkRecurrentUnits: hidden units of a one-layer LSTM or GRU that
// nothing reads (zero recurrent column and zero row in the Linear after
// LastStep) are removed with their gate rows; a unit still read by the
// Linear layer stays; predictions are unchanged.
func TestShrinkRecurrentUnits(t *testing.T) {
	ids := FromSlice([]float32{1, 3, 5, 7, 2, 2, 19, 4, 0, 11, 12, 13}, 3, 4)
	for _, kind := range []string{"LSTM", "GRU"} {
		SetSeed(61)
		var rnn Layer
		var w rnnWeights
		gates := 4
		if kind == "LSTM" {
			l := LSTM(8, 16)
			rnn, w = l, l.weights[0]
		} else {
			l := GRU(8, 16)
			rnn, w, gates = l, l.weights[0], 3
		}
		m := Sequential(Embedding(20, 8), rnn, LastStep(), Linear(16, 3))
		m.Fit(Dataset{X: ids, Y: FromSlice([]float32{0, 2, 1}, 3)}, FitConfig{Epochs: 2, Loss: CrossEntropy(), Seed: 1})
		if _, err := Prune(m, L1Unstructured(0.3)); err != nil { // masks must follow the kept weights
			t.Fatal(err)
		}
		lin := m.Layer(3).(*LinearLayer)
		for _, j := range []int{2, 5, 7, 9} {
			for q := 0; q < gates*16; q++ {
				w.whh.data[q*16+j] = 0
			}
			if j != 9 { // unit 9 is still read by the Linear layer
				clear(lin.Weight.data[j*3 : (j+1)*3])
			}
		}
		before := m.Predict(ids)
		s, rep, err := Shrink(m)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Layer(1).String()+" "+s.Layer(3).String(), kind+"(8→13) Linear(13→3)"; got != want {
			t.Errorf("%s: shrunk to %s; want %s", kind, got, want)
		}
		if rep.Layers[0].Removed != 3 {
			t.Errorf("%s: report %+v", kind, rep.Layers)
		}
		after := s.Predict(ids)
		for i, v := range after.data {
			if math.Abs(float64(v-before.data[i])) > 1e-5 {
				t.Fatalf("%s: output %d: %v after shrinking, %v before", kind, i, v, before.data[i])
			}
		}
		if !s.IsPruned() || Sparsity(s).Zeros == 0 {
			t.Errorf("%s: the shrunk model lost its masks", kind)
		}
		// Fine-tuning the shrunk model keeps its masked weights at zero.
		s.Fit(Dataset{X: ids, Y: FromSlice([]float32{0, 2, 1}, 3)}, FitConfig{Epochs: 1, Loss: CrossEntropy(), Seed: 2})
		for _, p := range s.Parameters() {
			for k, mk := range p.mask {
				if mk == 0 && p.data[k] != 0 {
					t.Fatalf("%s: a masked weight of the shrunk model became %v", kind, p.data[k])
				}
			}
		}
	}
}
