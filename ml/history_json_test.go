package ml

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// divergedHistory trains a regression model with a learning rate far too
// large: its loss overflows to +Inf and then NaN within a few epochs, as a
// diverging run does. There is no validation data, so every ValLoss is NaN.
func divergedHistory(t *testing.T) (*Model, *History) {
	t.Helper()
	SetSeed(2)
	m := Sequential(Linear(10, 16), ReLU(), Linear(16, 1))
	h := m.Fit(Diabetes(), FitConfig{Epochs: 6, BatchSize: 32, Loss: MeanSquaredError(), Optimizer: SGD(5), Seed: 1, Metrics: []string{"mae"}})
	diverged := false
	for _, e := range h.Epochs {
		if !math.IsNaN(e.ValLoss) {
			t.Fatalf("epoch %d has a validation loss %v without validation data", e.Epoch, e.ValLoss)
		}
		if math.IsNaN(e.Loss) || math.IsInf(e.Loss, 0) {
			diverged = true
		}
	}
	if !diverged {
		t.Fatalf("the run did not diverge; losses %v", h.Curve("loss"))
	}
	return m, h
}

// sameFloat is equality that holds for NaN and the infinities.
func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func sameHistory(t *testing.T, what string, got, want *History, withSteps bool) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no history", what)
	}
	if len(got.Epochs) != len(want.Epochs) || got.Seed != want.Seed || got.Planned != want.Planned ||
		got.Stopped != want.Stopped || got.Elapsed != want.Elapsed || strings.Join(got.Metrics, ",") != strings.Join(want.Metrics, ",") {
		t.Fatalf("%s: history %+v, want %+v", what, got, want)
	}
	for _, name := range append(want.Names(), "lr") {
		g, w := got.Curve(name), want.Curve(name)
		for i := range w {
			if !sameFloat(g[i], w[i]) {
				t.Errorf("%s: %s[%d] = %v, want %v", what, name, i, g[i], w[i])
			}
		}
	}
	for i := range want.Epochs {
		if (got.Epochs[i].ValMetrics == nil) != (want.Epochs[i].ValMetrics == nil) || got.Epochs[i].Elapsed != want.Epochs[i].Elapsed {
			t.Errorf("%s: epoch %d %+v, want %+v", what, i+1, got.Epochs[i], want.Epochs[i])
		}
	}
	if withSteps {
		if len(got.StepLoss) != len(want.StepLoss) {
			t.Fatalf("%s: %d step losses, want %d", what, len(got.StepLoss), len(want.StepLoss))
		}
		for i := range want.StepLoss {
			if !sameFloat(got.StepLoss[i], want.StepLoss[i]) {
				t.Errorf("%s: step %d loss %v, want %v", what, i, got.StepLoss[i], want.StepLoss[i])
			}
		}
	}
}

// A history holding NaN and infinite values (a diverged loss, no validation)
// goes through SetMeta, Save and Load unchanged, and the model's own history is
// saved with it.
func TestHistoryWithNaNSavesAndLoads(t *testing.T) {
	m, h := divergedHistory(t)
	// A metric missing for one epoch reads as NaN too.
	delete(h.Epochs[0].Metrics, "mae")
	if err := m.SetMeta("history", h); err != nil {
		t.Fatalf("SetMeta of a history with NaN: %v", err)
	}
	if m.History() != h {
		t.Fatalf("Model.History is not what Fit returned")
	}
	dir := t.TempDir() + "/diverged"
	if err := m.Save(dir); err != nil {
		t.Fatalf("Save: %v", err)
	}
	back, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var meta History
	if err := back.Meta("history", &meta); err != nil {
		t.Fatalf("Meta: %v", err)
	}
	sameHistory(t, "Meta", &meta, h, true)
	sameHistory(t, "Load's History", back.History(), h, false)
	if back.History().StepLoss != nil {
		t.Errorf("Save kept %d step losses in model.json", len(back.History().StepLoss))
	}
	if v := meta.Curve("mae")[0]; !math.IsNaN(v) {
		t.Errorf("the missing metric reads back as %v, want NaN", v)
	}
	// A model never trained has no history, saved or not.
	fresh := Sequential(Linear(2, 1))
	if fresh.History() != nil {
		t.Errorf("an untrained model has a history")
	}
	if err := fresh.Save(t.TempDir() + "/fresh"); err != nil {
		t.Fatal(err)
	}
}

// The encoding: null for NaN, strings for the infinities, numbers otherwise;
// anything else is an error naming the value.
func TestHistoryJSONEncoding(t *testing.T) {
	h := &History{Epochs: []EpochStats{
		{Epoch: 1, Epochs: 2, Loss: math.Inf(1), ValLoss: math.NaN(), Metrics: map[string]float64{"accuracy": 0.5}},
		{Epoch: 2, Epochs: 2, Loss: 0.25, ValLoss: math.Inf(-1), Metrics: map[string]float64{"accuracy": math.NaN()}, ValMetrics: map[string]float64{"accuracy": 1}},
	}, StepLoss: []float64{1, math.NaN()}, Metrics: []string{"accuracy"}, Planned: 2}
	raw, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"Loss":"+Inf"`, `"ValLoss":null`, `"ValLoss":"-Inf"`, `"accuracy":null`, `"Loss":0.25`, `"StepLoss":[1,null]`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("encoding lacks %s:\n%s", want, raw)
		}
	}
	var back History
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	sameHistory(t, "round trip", &back, h, true)
	bad := strings.Replace(string(raw), `"+Inf"`, `"lots"`, 1)
	if err := json.Unmarshal([]byte(bad), &back); err == nil || !strings.Contains(err.Error(), `"lots"`) {
		t.Errorf("a bad value decodes with error %v", err)
	}
	// A history saved without ValLoss (an older writer) has no validation.
	var old History
	if err := json.Unmarshal([]byte(`{"Epochs":[{"Epoch":1,"Epochs":1,"Loss":0.5}]}`), &old); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(old.Epochs[0].ValLoss) || len(old.Names()) != 1 {
		t.Errorf("an epoch without ValLoss reads as %+v, names %v", old.Epochs[0], old.Names())
	}
}
