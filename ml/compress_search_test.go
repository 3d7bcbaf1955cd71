package ml

import (
	"strings"
	"testing"
)

// TestCompressionSearch sweeps pruning amounts and quantization steps by
// 3-fold cross-validation on the digits training set: a coarse step must
// score worse than the automatic one, quantized models must be about a
// quarter of the float ones, pruned ones report their sparsity, and the
// smallest configuration within a point of the best is a quantized one.
func TestCompressionSearch(t *testing.T) {
	train, _ := loadDigits(t)
	grid := Grid{"step": {-1, 0, 0.5}, "prune": {0, 0.8}} // step -1: stay float32
	res := CompressionSearch(grid, train, 3, 1, func(p Params, tr Dataset) *Model {
		SetSeed(5)
		m := Sequential(Linear(64, 64), ReLU(), Linear(64, 10))
		cfg := FitConfig{Epochs: 6, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(3e-3), Seed: 1}
		m.Fit(tr, cfg)
		if a := p.Get("prune"); a > 0 {
			if _, err := Prune(m, GlobalL1(a)); err != nil {
				t.Fatal(err)
			}
			cfg.Epochs, cfg.Seed = 3, 2
			m.Fit(tr, cfg)
		}
		var qc QuantConfig
		switch step := p.Get("step"); {
		case step < 0:
			return m
		case step == 0:
			qc = Int8
		default:
			qc = Int8Step(step)
		}
		q, _, err := Quantize(m, qc)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}, func(m *Model, val Dataset) float64 {
		return m.Evaluate(val, CrossEntropy(), "accuracy").Metrics["accuracy"]
	})
	t.Logf("\n%s", res)
	if len(res.Trials) != 6 || res.Stopped {
		t.Fatalf("%d trials, stopped %v", len(res.Trials), res.Stopped)
	}
	get := func(step, prune float64) CompressionTrial {
		for _, tr := range res.Trials {
			if tr.Params["step"] == step && tr.Params["prune"] == prune {
				return tr
			}
		}
		t.Fatalf("no trial step=%v prune=%v", step, prune)
		return CompressionTrial{}
	}
	float, auto, coarse := get(-1, 0), get(0, 0), get(0.5, 0)
	if r := float64(auto.Bytes) / float64(float.Bytes); r > 0.3 || r < 0.2 {
		t.Errorf("int8 model is %.3fx the float one", r)
	}
	if coarse.CV.Mean >= auto.CV.Mean-0.05 {
		t.Errorf("step 0.5 scores %.4f, automatic %.4f: a step that rounds most weights to 0 should lose", coarse.CV.Mean, auto.CV.Mean)
	}
	if sp := get(-1, 0.8).Sparsity; sp < 0.79 || sp > 0.81 {
		t.Errorf("pruned float model sparsity %.3f, want 0.8", sp)
	}
	if sp := get(0, 0.8).Sparsity; sp < 0.79 {
		t.Errorf("pruned quantized model sparsity %.3f, want at least 0.8", sp)
	}
	// The front: no trial is dominated by another, every other one is.
	for i, a := range res.Trials {
		dominated := false
		for j, b := range res.Trials {
			if i != j && b.Bytes <= a.Bytes && b.CV.Mean >= a.CV.Mean && (b.Bytes < a.Bytes || b.CV.Mean > a.CV.Mean) {
				dominated = true
			}
		}
		if a.Pareto == dominated {
			t.Errorf("trial %s: pareto %v but dominated %v", a.Params, a.Pareto, dominated)
		}
	}
	pick := res.Smallest(res.Trials[res.Best].CV.Mean - 0.01)
	if pick == nil || pick.Get("step") < 0 {
		t.Errorf("smallest within a point of the best: %v; want a quantized configuration", pick)
	}
	if res.Smallest(2) != nil {
		t.Error("Smallest(2) found a configuration scoring above 2")
	}
	cols, rows := res.Table()
	if len(cols) != 8 || len(rows) != 6 || !strings.Contains(res.String(), "pareto front:") {
		t.Errorf("table %v with %d rows", cols, len(rows))
	}
}
