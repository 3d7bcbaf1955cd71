package trainview

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/ml"
)

// TestRealFitDrivesNotebookView trains a small model with ml.Fit using the view as
// the default progress, as the kernel installs it, and checks that the loss curve
// shows exactly the history Fit returns.
func TestRealFitDrivesNotebookView(t *testing.T) {
	rec := record(t)
	ml.SetDefaultProgress(Factory(nil))
	defer ml.SetDefaultProgress(nil)

	scaler := ml.FitStandardScaler(ml.Iris())
	train, val := scaler.Transform(ml.Iris()).Split(0.8, 1)
	model := ml.Sequential(ml.Linear(4, 16), ml.ReLU(), ml.Linear(16, 3))
	hist := model.Fit(train, ml.FitConfig{Epochs: 4, BatchSize: 16, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-2),
		Validation: val, Metrics: []string{"accuracy"}, Seed: 3})
	if len(hist.Epochs) != 4 {
		t.Fatalf("history has %d epochs", len(hist.Epochs))
	}
	var lastChart display.Bundle
	for _, p := range rec.all {
		if _, ok := p.data[display.MIMEECharts]; ok {
			lastChart = p.data
		}
	}
	if lastChart == nil {
		t.Fatal("no loss chart published")
	}
	series := chartSeries(t, lastChart)
	for i, e := range hist.Epochs {
		if series["train loss"][i] != e.Loss || series["validation loss"][i] != e.ValLoss {
			t.Errorf("epoch %d: chart %v/%v, history %v/%v", i+1, series["train loss"][i], series["validation loss"][i], e.Loss, e.ValLoss)
		}
	}
	var final string
	for _, p := range rec.all {
		if p.id == rec.all[0].id {
			final = p.data.String() // the progress bar's last state
		}
	}
	if !strings.Contains(final, "done: 4 epochs") || !strings.Contains(final, "val_accuracy") {
		t.Errorf("final bar %q", final)
	}
}

// TestRealFitStopsOnInterrupt checks that an interrupt reported by the view stops
// a real Fit after the current batch.
func TestRealFitStopsOnInterrupt(t *testing.T) {
	record(t)
	batches := 0
	view := &batchHook{Progress: New(func() bool { return batches >= 3 }), hook: func(ml.BatchStats) { batches++ }}
	model := ml.Sequential(ml.Linear(4, 3))
	hist := model.Fit(ml.Iris(), ml.FitConfig{Epochs: 10, BatchSize: 10, Loss: ml.CrossEntropy(), Progress: view})
	if !hist.Stopped || hist.StopReason != "interrupted" || batches != 3 || len(hist.StepLoss) != 3 {
		t.Errorf("after an interrupt at batch 3: stopped=%v reason=%q batches=%d steps=%d", hist.Stopped, hist.StopReason, batches, len(hist.StepLoss))
	}
}

// TestRealFitThatPanicsFinishesTheBar: when ml.Fit panics (a model that does not
// fit the data, in the first batch; a callback, after epoch 2), the bar's last
// message is finished and says training failed, never a stale "starting" or a
// live-looking line, and the chart keeps the epochs that did finish.
func TestRealFitThatPanicsFinishesTheBar(t *testing.T) {
	ml.SetDefaultProgress(Factory(nil))
	defer ml.SetDefaultProgress(nil)
	panics := func(fit func()) (v any) {
		defer func() { v = recover() }()
		fit()
		return nil
	}
	cases := []struct {
		name   string
		fit    func()
		status string
		epochs int
	}{
		{"shape mismatch", func() {
			ml.Sequential(ml.Linear(5, 3)).Fit(ml.Iris(), ml.FitConfig{Epochs: 3, BatchSize: 50, Loss: ml.CrossEntropy()})
		}, "failed after 0 of 3 epochs, 0:00", 0},
		{"panicking callback", func() {
			ml.Sequential(ml.Linear(4, 3)).Fit(ml.Iris(), ml.FitConfig{Epochs: 5, BatchSize: 50, Loss: ml.CrossEntropy(),
				Callbacks: []ml.Callback{func(s ml.EpochStats) (bool, string) {
					if s.Epoch == 2 {
						panic("callback broke")
					}
					return false, ""
				}}})
		}, "failed after 2 of 5 epochs, 0:00 · loss ", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := record(t)
			if v := panics(c.fit); v == nil {
				t.Fatal("Fit did not panic")
			}
			states := progressStates(t, rec)
			last := states[len(states)-1]
			if !last.Finished || !strings.HasPrefix(last.Status, c.status) {
				t.Errorf("last bar state: finished %v, status %q; want finished, %q...", last.Finished, last.Status, c.status)
			}
			if last.Done >= last.Total {
				t.Errorf("a failed bar is drawn full: %d of %d", last.Done, last.Total)
			}
			html := rec.all[len(rec.all)-1].data[display.MIMEHTML]
			if s := fmt.Sprint(html); strings.Contains(s, "starting") || strings.Contains(s, "ETA") {
				t.Errorf("the failed bar's HTML still looks live: %s", s)
			}
			var chart display.Bundle
			for _, p := range rec.all {
				if _, ok := p.data[display.MIMEECharts]; ok {
					chart = p.data
				}
			}
			if c.epochs == 0 {
				if chart != nil {
					t.Errorf("a chart was shown for a run without a finished epoch")
				}
				return
			}
			if chart == nil {
				t.Fatal("no chart for the finished epochs")
			}
			if got := len(chartSeries(t, chart)["train loss"]); got != c.epochs {
				t.Errorf("final chart has %d points, want %d", got, c.epochs)
			}
			// The axis of a run cut short ends with what it did, not at the plan.
			raw, err := json.Marshal(chart[display.MIMEECharts])
			if err != nil {
				t.Fatal(err)
			}
			var option struct {
				XAxis []struct {
					Max any `json:"max"`
				} `json:"xAxis"`
			}
			if err := json.Unmarshal(raw, &option); err != nil || len(option.XAxis) != 1 {
				t.Fatalf("chart option %s: %v", raw, err)
			}
			if option.XAxis[0].Max != nil {
				t.Errorf("the failed run's chart still spans the planned epochs: x max %v", option.XAxis[0].Max)
			}
		})
	}
}
