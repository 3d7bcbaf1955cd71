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

// TestSweepsShowProgressAndStop: PruneSensitivity and GridSearch show their
// steps on the notebook's progress view (one "epoch" per step, its score as
// the metric) and end it marked interrupted when the user stops them.
func TestSweepsShowProgressAndStop(t *testing.T) {
	var views []*recorder
	stopAfter := 0
	SetDefaultProgress(func() Progress {
		r := &recorder{stopAfter: stopAfter}
		views = append(views, r)
		return r
	})
	defer SetDefaultProgress(nil)
	train, test := loadDigits(t)
	SetSeed(41)
	m := digitsMLP()
	m.Fit(train.Slice(0, 300), FitConfig{Epochs: 1, Loss: CrossEntropy(), Seed: 1})
	views = nil
	score := func(m *Model, d Dataset) float64 {
		return m.Evaluate(d, CrossEntropy(), "accuracy").Metrics["accuracy"]
	}
	res, err := PruneSensitivity(m, test, []float64{0.2, 0.8}, score)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 1 {
		t.Fatalf("%d progress views for one analysis", len(views))
	}
	v := views[0]
	if v.begin.Epochs != 6 || len(v.epochs) != 6 || v.ended == nil || v.ended.Stopped {
		t.Fatalf("view: begin %+v, %d steps, end %+v; want 6 steps and a normal end", v.begin, len(v.epochs), v.ended)
	}
	for i, e := range v.epochs {
		if got, want := e.Metrics["score"], res.Scores[i/2][i%2]; got != want {
			t.Errorf("step %d: score %v shown, result has %v", i+1, got, want)
		}
	}

	// Stop during the analysis: the view's Stopped turns true after 3 steps.
	views, stopAfter = nil, 3
	res, err = PruneSensitivity(m, test, []float64{0.2, 0.8}, score)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Stopped || len(views) != 1 || views[0].ended == nil || !views[0].ended.Stopped || views[0].ended.StopReason != "interrupted" {
		t.Errorf("interrupted analysis: stopped %v, views %d", res.Stopped, len(views))
	}
	if n := len(views[0].epochs); n != 3 {
		t.Errorf("interrupted after 3 steps, the view shows %d", n)
	}

	// A grid search shows one step per combination.
	views, stopAfter = nil, 0
	gr := GridSearch(Grid{"a": {1, 2, 3}}, train.Slice(0, 90), 3, 1, func(p Params, tr, val Dataset) float64 { return p["a"] / 10 })
	if len(views) != 1 || len(views[0].epochs) != 3 || views[0].epochs[2].Metrics["score"] != gr.Trials[2].CV.Mean {
		t.Errorf("grid search view: %d views, steps %v", len(views), views)
	}
}
