package ml

import (
	"math"
	"slices"
	"testing"
)

// These tests check the rules of the API written in the package documentation
// where a cell meets them.

// TestEvaluateKnowsEveryMetric: Evaluate computes every metric of MetricNames,
// equal to the functions of the same names, in any case; an unknown name lists
// them all, and a metric of the wrong kind says which kind fits.
func TestEvaluateKnowsEveryMetric(t *testing.T) {
	SetSeed(5)
	data := blobs(90, 3)
	clf := Sequential(Linear(4, 3))
	clf.Fit(data, FitConfig{Epochs: 10, Loss: CrossEntropy(), Optimizer: Adam(0.05), Seed: 1})
	ev := clf.Evaluate(data, CrossEntropy(), "Accuracy", "precision", "RECALL", "f1")
	scores := clf.Predict(data.X)
	for name, want := range map[string]float64{
		"accuracy": Accuracy(scores, data.Y), "precision": Precision(scores, data.Y),
		"recall": Recall(scores, data.Y), "f1": F1(scores, data.Y),
	} {
		if got, ok := ev.Metrics[name]; !ok || math.Abs(got-want) > 1e-12 {
			t.Errorf("Evaluate %s = %v (present %v), the function gives %v", name, got, ok, want)
		}
	}
	if ev.Metrics["accuracy"] < 0.5 || ev.Metrics["f1"] <= 0 {
		t.Errorf("metrics %v: the model learned nothing, the comparison proves little", ev.Metrics)
	}
	// One-hot targets (as for an MSE-trained classifier) give the same classes.
	if got := clf.Evaluate(data.OneHot(), MeanSquaredError(), "accuracy", "f1").Metrics; math.Abs(got["accuracy"]-ev.Metrics["accuracy"]) > 1e-12 ||
		math.Abs(got["f1"]-ev.Metrics["f1"]) > 1e-12 {
		t.Errorf("Evaluate on one-hot targets %v, on class indices %v", got, ev.Metrics)
	}

	// Regression: a target that is a linear function of the inputs.
	x := Randn(64, 4)
	y := x.MatMul(FromSlice([]float32{1, -2, 0.5, 3}, 4, 1)).AddScalar(0.25)
	reg := Sequential(Linear(4, 1))
	reg.Fit(NewDataset(x, y), FitConfig{Epochs: 5, Loss: MeanSquaredError(), Optimizer: Adam(0.05), Seed: 1})
	ev = reg.Evaluate(NewDataset(x, y), MeanSquaredError(), "mse", "mae", "r2")
	pred := reg.Predict(x)
	for name, want := range map[string]float64{"mse": MSE(pred, y), "mae": MAE(pred, y), "r2": R2(pred, y)} {
		if got := ev.Metrics[name]; math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("Evaluate %s = %v, the function gives %v", name, got, want)
		}
	}
	if math.Abs(ev.Metrics["mse"]-ev.Loss) > 1e-6*ev.Loss {
		t.Errorf("mse %v differs from the MSE loss %v", ev.Metrics["mse"], ev.Loss)
	}

	// Binary classification with one output: the threshold follows the loss.
	bx := FromSlice([]float32{-2, -1, 1, 2}, 4, 1)
	by := FromSlice([]float32{0, 0, 1, 1}, 4, 1)
	logit := Sequential(Linear(1, 1))
	lin := logit.Layer(0).(*LinearLayer)
	lin.Weight.Set(1, 0, 0)
	lin.Bias.Set(0, 0)
	if got := logit.Evaluate(NewDataset(bx, by), BCEWithLogits(), "accuracy", "f1").Metrics; got["accuracy"] != 1 || got["f1"] != 1 {
		t.Errorf("binary metrics from logits %v, want 1 and 1", got)
	}

	all := `"accuracy", "precision", "recall", "f1", "mse", "mae" and "r2"`
	mustPanic(t, "unknown metric", func() { clf.Evaluate(data, CrossEntropy(), "acc") },
		`Evaluate: unknown metric "acc"`, `did you mean "accuracy"?`, all)
	mustPanic(t, "unknown metric in Fit", func() { clf.Fit(data, FitConfig{Loss: CrossEntropy(), Metrics: []string{"auc"}}) },
		`Fit: unknown metric "auc"`, all)
	mustPanic(t, "rmse", func() { reg.Evaluate(NewDataset(x, y), MeanSquaredError(), "rmse") }, `did you mean "mse"? RMSE is its square root`)
	mustPanic(t, "twice", func() { clf.Evaluate(data, CrossEntropy(), "f1", "F1") }, `metric "F1" asked for twice`)
	mustPanic(t, "mse on classes", func() { clf.Evaluate(data, CrossEntropy(), "mse") },
		`metric "mse" compares outputs with targets of the same shape`, "[90 3]", "[90]", `use "accuracy"`)
	mustPanic(t, "accuracy on regression", func() { reg.Evaluate(NewDataset(x, y), MeanSquaredError(), "accuracy") },
		`metric "accuracy" needs class labels`, `use "mse", "mae" or "r2"`)

	// Fit reports the same names per epoch, in lower case.
	h := clf.Fit(data, FitConfig{Epochs: 2, Loss: CrossEntropy(), Validation: data, Metrics: []string{"F1", "accuracy"}})
	if !slices.Equal(h.Metrics, []string{"f1", "accuracy"}) {
		t.Errorf("History.Metrics = %v", h.Metrics)
	}
	for _, e := range h.Epochs {
		if len(e.Metrics) != 2 || len(e.ValMetrics) != 2 || e.Metrics["f1"] <= 0 || e.ValMetrics["accuracy"] <= 0 {
			t.Errorf("epoch %d metrics %v, validation %v", e.Epoch, e.Metrics, e.ValMetrics)
		}
	}
}

// TestSeedingStory checks the one seeding rule: SetSeed seeds everything random
// that has no seed of its own, Fit's shuffling included; a non-zero
// FitConfig.Seed wins and leaves the generator alone; History.Seed repeats a run.
func TestSeedingStory(t *testing.T) {
	data := blobs(60, 4)
	cfg := FitConfig{Epochs: 2, BatchSize: 8, Loss: CrossEntropy(), Optimizer: SGD(0.1)}
	run := func(seed int64, cfg FitConfig) (*History, []float32) {
		SetSeed(seed)
		m := Sequential(Linear(4, 3))
		h := m.Fit(data, cfg)
		return h, slices.Clone(m.Layer(0).(*LinearLayer).Weight.Data())
	}
	h1, w1 := run(11, cfg)
	h2, w2 := run(11, cfg)
	if !slices.Equal(h1.StepLoss, h2.StepLoss) || !sameBits(w1, w2) || h1.Seed != h2.Seed || h1.Seed == 0 {
		t.Fatalf("the same SetSeed gave different runs (seeds %d, %d)", h1.Seed, h2.Seed)
	}

	// From the same starting weights, another SetSeed shuffles differently.
	SetSeed(11)
	start := Sequential(Linear(4, 3))
	train := func(global int64, cfg FitConfig) *History {
		m, err := start.Clone()
		if err != nil {
			t.Fatal(err)
		}
		SetSeed(global)
		return m.Fit(data, cfg)
	}
	a, b := train(1, cfg), train(2, cfg)
	if slices.Equal(a.StepLoss, b.StepLoss) || a.Seed == b.Seed {
		t.Error("SetSeed does not reach Fit's shuffling: two global seeds gave the same steps")
	}
	// An explicit seed wins over SetSeed...
	fixed := cfg
	fixed.Seed = 42
	c, d := train(1, fixed), train(2, fixed)
	if !slices.Equal(c.StepLoss, d.StepLoss) || c.Seed != 42 {
		t.Errorf("FitConfig.Seed did not win over SetSeed (History.Seed %d)", c.Seed)
	}
	// ...and leaves the generator where it was.
	SetSeed(3)
	want := Rand(4).Data()
	SetSeed(3)
	train(3, fixed)
	if got := Rand(4).Data(); !sameBits(got, want) {
		t.Errorf("a Fit with its own seed moved the global generator: %v, want %v", got, want)
	}
	// History.Seed, given back, repeats a run that drew its seed.
	again := cfg
	again.Seed = a.Seed
	if r := train(99, again); !slices.Equal(r.StepLoss, a.StepLoss) {
		t.Error("FitConfig.Seed = History.Seed did not repeat the run")
	}
}

// TestScalarsAreFloat64 checks the number rule where a cell meets it: a float64
// variable scales a tensor, At returns float64, and Set takes the value first.
func TestScalarsAreFloat64(t *testing.T) {
	lr := 0.5 // a float64, as a learning rate read from Params is
	x := FromSlice([]float32{1, 2, 3, 4}, 2, 2)
	wantValues(t, "Scale(lr)", x.Scale(lr), []int{2, 2}, 0.5, 1, 1.5, 2)
	wantValues(t, "AddScalar", x.AddScalar(lr), []int{2, 2}, 1.5, 2.5, 3.5, 4.5)
	wantValues(t, "Pow", x.Pow(lr*4), []int{2, 2}, 1, 4, 9, 16)
	wantValues(t, "Clamp", x.Clamp(lr*3, 3), []int{2, 2}, 1.5, 2, 3, 3)
	wantValues(t, "Full", Full(lr, 2), []int{2}, 0.5, 0.5)
	wantValues(t, "Arange", Arange(0, 1, lr/2), []int{4}, 0, 0.25, 0.5, 0.75)
	var v float64 = x.At(1, 0)
	x.Set(v*10, 0, 1)
	if got := x.At(0, 1); got != 30 {
		t.Errorf("after Set(30, 0, 1), At(0, 1) = %v", got)
	}
	// Index-first, as in gonum's Set(i, j, v): the index is out of range, and
	// the panic names the order.
	mustPanic(t, "Set index first", func() { x.Set(0, 1, 7) }, "Set: index [1 7] out of range for shape [2 2]", "Set takes the value first: t.Set(v, i, j)")
	mustPanic(t, "At rank", func() { x.At(1) }, "At: index [1] has 1 coordinates, but the tensor of shape [2 2] needs 2")
}
