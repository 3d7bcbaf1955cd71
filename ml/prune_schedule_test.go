package ml

import (
	"math"
	"strings"
	"testing"
)

// TestGradualPruningFollowsAGP trains the digits MLP with AGP from 0 to 80%
// over epochs 1-4 of 6: at the end of each epoch the sparsity is the
// schedule's value at that epoch's start (Zhu and Gupta's cubic), fine-tuning
// epochs keep it, every pruned weight is zero, and the model still classifies
// well.
func TestGradualPruningFollowsAGP(t *testing.T) {
	train, test := loadDigits(t)
	SetSeed(3)
	m := digitsMLP()
	rec := &recorder{}
	h := m.Fit(train, FitConfig{Epochs: 6, Loss: CrossEntropy(), Seed: 5, Progress: rec,
		Pruning: &GradualPruning{Final: 0.8, StartEpoch: 1, EndEpoch: 5}})
	// Pruning steps at the starts of epochs 1..5 (0-based): s = 0.8(1 - (1-k/4)³).
	want := []float64{0, 0, 0.8 * (1 - 0.75*0.75*0.75), 0.8 * (1 - 0.125), 0.8 * (1 - 1.0/64), 0.8}
	total := Sparsity(m).Weights
	for i, e := range h.Epochs {
		if math.Abs(e.Sparsity-want[i]) > 1.0/float64(total) {
			t.Errorf("epoch %d: sparsity %.5f, AGP schedule says %.5f", i+1, e.Sparsity, want[i])
		}
		if rec.epochs[i].Sparsity != e.Sparsity {
			t.Errorf("epoch %d: Progress saw sparsity %v, History %v", i+1, rec.epochs[i].Sparsity, e.Sparsity)
		}
	}
	sp := Sparsity(m)
	if math.Abs(sp.Sparsity()-0.8) > 1.0/float64(total) {
		t.Errorf("final sparsity %.5f; want 0.8", sp.Sparsity())
	}
	for _, p := range m.Parameters() {
		for i, k := range p.mask {
			if k == 0 && p.data[i] != 0 {
				t.Fatalf("a pruned weight is %v after training", p.data[i])
			}
		}
	}
	if acc := m.Evaluate(test, CrossEntropy(), "accuracy").Metrics["accuracy"]; acc < 0.9 {
		t.Errorf("accuracy %.4f after AGP to 80%%; want >= 0.90", acc)
	}

	// A schedule ending with the run reaches Final after the last step; l1
	// prunes each tensor to the target.
	SetSeed(4)
	m = digitsMLP()
	m.Fit(train, FitConfig{Epochs: 2, Loss: CrossEntropy(), Seed: 6,
		Pruning: &GradualPruning{Initial: 0.1, Final: 0.5, Frequency: 7, Method: "l1"}})
	for _, l := range Sparsity(m).Layers {
		if math.Abs(l.Sparsity()-0.5) > 1.0/float64(l.Weights) {
			t.Errorf("%s %s: sparsity %.4f after l1 AGP to 50%%", l.Layer, l.Tensor, l.Sparsity())
		}
	}
}

func TestGradualPruningBadConfig(t *testing.T) {
	train, _ := loadDigits(t)
	train = train.Slice(0, 64)
	for _, c := range []struct {
		cfg  GradualPruning
		want string
	}{
		{GradualPruning{Final: 1}, "Final sparsity 1"},
		{GradualPruning{Final: math.NaN()}, "Final sparsity NaN"},
		{GradualPruning{Initial: 0.6, Final: 0.5}, "Initial sparsity 0.6"},
		{GradualPruning{Final: 0.5, StartEpoch: 2, EndEpoch: 2}, "StartEpoch 2 and EndEpoch 2"},
		{GradualPruning{Final: 0.5, EndEpoch: 4}, "EndEpoch 4"},
		{GradualPruning{Final: 0.5, Frequency: -1}, "Frequency -1"},
		{GradualPruning{Final: 0.5, Method: "random"}, `Method "random"`},
		{GradualPruning{Final: 0.5, Layers: []int{1}}, "layer 1 (ReLU()) has no weights"},
	} {
		m := digitsMLP()
		cfg := c.cfg
		mustPanic(t, c.want, func() {
			m.Fit(train, FitConfig{Epochs: 3, Loss: CrossEntropy(), Seed: 1, Pruning: &cfg})
		}, "ml: Fit: Pruning: ", c.want)
		if m.IsPruned() {
			t.Errorf("%s: a refused configuration pruned the model", c.want)
		}
	}
}

// TestPruneIteratively: three rounds to 90% (Han et al.'s schedule: each
// round prunes the same fraction of what is left), with per-layer targets,
// then the report, an interrupt, and bad configurations.
func TestPruneIteratively(t *testing.T) {
	train, test := loadDigits(t)
	SetSeed(7)
	m := digitsMLP()
	m.Fit(train, FitConfig{Epochs: 10, Loss: CrossEntropy(), Seed: 1})
	rep, err := PruneIteratively(m, train, IterativePruning{Rounds: 3, Final: 0.9,
		Fit: FitConfig{Epochs: 2, Loss: CrossEntropy(), Seed: 2, Validation: test, Metrics: []string{"accuracy"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rounds) != 3 || rep.Stopped {
		t.Fatalf("%d rounds, stopped %v; want 3 completed", len(rep.Rounds), rep.Stopped)
	}
	total := Sparsity(m).Weights
	for i, r := range rep.Rounds {
		want := 1 - math.Pow(0.1, float64(i+1)/3)
		if math.Abs(r.Sparsity-want) > 1.0/float64(total) {
			t.Errorf("round %d: sparsity %.5f; want %.5f", i+1, r.Sparsity, want)
		}
		if r.History == nil || len(r.History.Epochs) != 2 {
			t.Errorf("round %d: no retraining history of 2 epochs", i+1)
		}
	}
	last := rep.Rounds[2]
	if acc := last.Retrained.Metrics["accuracy"]; acc < 0.95 {
		t.Errorf("accuracy %.4f after iterative pruning to 90%%; want >= 0.95", acc)
	}
	if last.Retrained.Metrics["accuracy"] < last.Pruned.Metrics["accuracy"]-0.01 {
		t.Errorf("retraining lowered accuracy: %.4f after pruning, %.4f after retraining", last.Pruned.Metrics["accuracy"], last.Retrained.Metrics["accuracy"])
	}
	s := rep.String()
	for _, w := range []string{"round", "sparsity", "retrained accuracy", "90.0%"} {
		if !strings.Contains(s, w) {
			t.Errorf("report lacks %q:\n%s", w, s)
		}
	}

	// Per-layer targets (Han et al.'s LeNet-style split).
	SetSeed(8)
	m = digitsMLP()
	if _, err := PruneIteratively(m, train.Slice(0, 256), IterativePruning{Rounds: 2, Final: 0.5, PerLayer: map[int]float64{0: 0.9, 4: 0.2},
		Fit: FitConfig{Epochs: 1, Loss: CrossEntropy(), Seed: 3}}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{0.9, 0.5, 0.2} {
		l := Sparsity(m).Layers[i]
		if math.Abs(l.Sparsity()-want) > 1.0/float64(l.Weights) {
			t.Errorf("%s: sparsity %.4f; want %.2f", l.Layer, l.Sparsity(), want)
		}
	}

	// An interrupt during the first retraining ends after that round.
	m = digitsMLP()
	rep, err = PruneIteratively(m, train, IterativePruning{Rounds: 3, Final: 0.9,
		Fit: FitConfig{Epochs: 2, Loss: CrossEntropy(), Seed: 2, Progress: &recorder{stopAfter: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Stopped || len(rep.Rounds) != 1 || !strings.Contains(rep.String(), "interrupted after 1 rounds") {
		t.Errorf("interrupted: stopped %v after %d rounds:\n%s", rep.Stopped, len(rep.Rounds), rep)
	}

	for _, c := range []struct {
		cfg  IterativePruning
		want string
	}{
		{IterativePruning{Rounds: 0, Final: 0.5, Fit: FitConfig{Loss: CrossEntropy()}}, "Rounds 0"},
		{IterativePruning{Rounds: 2, Final: 1, Fit: FitConfig{Loss: CrossEntropy()}}, "Final sparsity 1"},
		{IterativePruning{Rounds: 2, Final: 0.5}, "Fit.Loss is nil"},
		{IterativePruning{Rounds: 2, Final: 0.5, Method: "random", Fit: FitConfig{Loss: CrossEntropy()}}, `Method "random"`},
		{IterativePruning{Rounds: 2, Final: 0.5, PerLayer: map[int]float64{1: 0.5}, Fit: FitConfig{Loss: CrossEntropy()}}, "PerLayer[1]: layer 1 is not among"},
		{IterativePruning{Rounds: 2, Final: 0.5, PerLayer: map[int]float64{0: -0.5}, Fit: FitConfig{Loss: CrossEntropy()}}, "PerLayer[0] sparsity -0.5"},
	} {
		m := digitsMLP()
		if _, err := PruneIteratively(m, train, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v", c.want, err)
		}
		if m.IsPruned() {
			t.Errorf("%s: a refused configuration pruned the model", c.want)
		}
	}
}
