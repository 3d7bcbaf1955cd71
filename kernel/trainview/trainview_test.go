package trainview

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/internal/progress"
	"gopad.dev/gopad/ml"
)

// published is one Publish call.
type published struct {
	data   display.Bundle
	id     string
	update bool
}

// recorder is a display.Publisher that keeps everything published.
type recorder struct {
	mu  sync.Mutex
	all []published
}

func (r *recorder) Publish(data display.Bundle, _ map[string]any, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, published{data, id, update})
}

func record(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	display.SetPublisher(r)
	t.Cleanup(func() { display.SetPublisher(nil) })
	return r
}

// fakeFit drives a Progress the way ml.Fit does: Begin, a Batch per step with
// training time advancing by step, Stopped polled after each batch, an Epoch per
// epoch (with validation loss when withVal), and End with the history.
func fakeFit(p ml.Progress, epochs, batches int, step time.Duration, withVal bool) *ml.History {
	p.Begin(ml.FitInfo{Epochs: epochs, BatchesPerEpoch: batches, Samples: batches * 32, Metrics: []string{"accuracy"}})
	h := &ml.History{}
	elapsed := time.Duration(0)
	for e := 1; e <= epochs; e++ {
		for b := 1; b <= batches; b++ {
			elapsed += step
			loss := 2 / float64(e*batches+b)
			h.StepLoss = append(h.StepLoss, loss)
			p.Batch(ml.BatchStats{Epoch: e, Batch: b, Batches: batches, Loss: loss, Elapsed: elapsed})
			if p.Stopped() {
				h.Stopped, h.StopReason = true, "interrupted"
				p.End(h)
				return h
			}
		}
		s := ml.EpochStats{Epoch: e, Epochs: epochs, Loss: 1 / float64(e), ValLoss: math.NaN(), Elapsed: elapsed,
			Metrics: map[string]float64{"accuracy": 0.5 + 0.1*float64(e)}}
		if withVal {
			s.ValLoss = 1.5 / float64(e)
			s.ValMetrics = map[string]float64{"accuracy": 0.4 + 0.1*float64(e)}
		}
		h.Epochs = append(h.Epochs, s)
		p.Epoch(s)
	}
	p.End(h)
	return h
}

// chartSeries decodes the ECharts option of a bundle into series name -> y values.
func chartSeries(t *testing.T, b display.Bundle) map[string][]float64 {
	t.Helper()
	option, ok := b[display.MIMEECharts]
	if !ok {
		t.Fatalf("bundle has no %s entry: %v", display.MIMEECharts, b.MIMETypes())
	}
	raw, err := json.Marshal(option)
	if err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Series []struct {
			Name string `json:"name"`
			Type string `json:"type"`
			Data []struct {
				Value []any `json:"value"`
			} `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatalf("chart option %s: %v", raw, err)
	}
	out := map[string][]float64{}
	for _, s := range decoded.Series {
		if s.Type != "line" {
			t.Errorf("series %q has type %q, want line", s.Name, s.Type)
		}
		for i, item := range s.Data {
			point := item.Value
			if len(point) != 2 || point[0] != float64(i+1) {
				t.Errorf("series %q point %d = %v, want [epoch, value] with epoch %d", s.Name, i, point, i+1)
				continue
			}
			y, ok := point[1].(float64)
			if !ok {
				y = math.NaN() // ECharts' "-": no value
			}
			out[s.Name] = append(out[s.Name], y)
		}
	}
	return out
}

func TestNotebookViewPublishesBarAndGrowingCurve(t *testing.T) {
	rec := record(t)
	const epochs, batches = 3, 20
	step := 30 * time.Millisecond
	fakeFit(New(nil), epochs, batches, step, true)

	if len(rec.all) < 2 {
		t.Fatalf("only %d outputs published", len(rec.all))
	}
	barID := rec.all[0].id
	if rec.all[0].update {
		t.Fatal("the first output must be shown, not updated")
	}
	var barUpdates []published
	var charts []published
	for _, p := range rec.all[1:] {
		switch {
		case p.id == barID:
			if !p.update {
				t.Error("bar shown twice instead of updated")
			}
			barUpdates = append(barUpdates, p)
		default:
			charts = append(charts, p)
		}
	}
	// Throttling: 60 batches 30 ms apart (1.8 s of training) allow at most one
	// refresh per 100 ms plus the end of every epoch, the epoch summaries and End.
	maxUpdates := int(time.Duration(epochs*batches)*step/refreshInterval) + 2*epochs + 2
	if len(barUpdates) > maxUpdates || len(barUpdates) < epochs+1 {
		t.Errorf("%d bar updates, want between %d and %d", len(barUpdates), epochs+1, maxUpdates)
	}
	for _, p := range barUpdates {
		if _, ok := p.data[display.MIMEHTML].(string); !ok {
			t.Fatalf("bar update without HTML: %v", p.data.MIMETypes())
		}
	}
	mid := barUpdates[len(barUpdates)/2].data.String()
	if !strings.Contains(mid, "epoch 2/3") || !strings.Contains(mid, "ETA ") || !strings.Contains(mid, "[") {
		t.Errorf("mid-training bar text %q lacks epoch, ETA or bar", mid)
	}
	final := barUpdates[len(barUpdates)-1].data
	if !strings.Contains(final.String(), "done: 3 epochs in 0:02") || !strings.Contains(final.String(), "val_accuracy 0.7000") {
		t.Errorf("final bar text %q", final.String())
	}
	if !strings.Contains(final[display.MIMEHTML].(string), `value="60" max="60"`) {
		t.Errorf("final bar HTML %q is not full", final[display.MIMEHTML])
	}

	// The loss chart: shown once after epoch 1, updated after epochs 2 and 3,
	// and once more at the end with its text form.
	if len(charts) != epochs+1 {
		t.Fatalf("%d chart outputs, want %d", len(charts), epochs+1)
	}
	for i, c := range charts {
		if c.update != (i > 0) || c.id != charts[0].id {
			t.Errorf("chart outputs should be one show and updates of the same id: %+v", charts)
		}
		if text := c.data.String(); (text == "") != (i < epochs) {
			t.Errorf("chart %d has text %q; want it empty until training ends", i, text)
		}
	}
	if text := charts[epochs].data.String(); !strings.Contains(text, "train loss: 3 points") {
		t.Errorf("final chart text %q", text)
	}
	for i, c := range charts[:epochs] {
		series := chartSeries(t, c.data)
		train, val := series["train loss"], series["validation loss"]
		if len(train) != i+1 || len(val) != i+1 {
			t.Fatalf("chart %d: %d train and %d validation points, want %d", i, len(train), len(val), i+1)
		}
		for e := range train {
			if math.Abs(train[e]-1/float64(e+1)) > 1e-12 || math.Abs(val[e]-1.5/float64(e+1)) > 1e-12 {
				t.Errorf("chart %d epoch %d: train %v val %v", i, e+1, train[e], val[e])
			}
		}
	}
}

func TestNotebookViewWithoutValidationAndInterrupted(t *testing.T) {
	rec := record(t)
	stop := false
	view := New(func() bool { return stop })
	// Stop during the second epoch: the view must report it through Stopped.
	calls := 0
	wrapped := &batchHook{Progress: view, hook: func(s ml.BatchStats) {
		calls++
		if s.Epoch == 2 && s.Batch == 3 {
			stop = true
		}
	}}
	h := fakeFit(wrapped, 5, 4, time.Second, false)
	if !h.Stopped || calls != 7 {
		t.Fatalf("fake fit ran %d batches, stopped=%v; want it stopped after 7", calls, h.Stopped)
	}
	last := rec.all[len(rec.all)-1]
	if !strings.Contains(last.data.String(), "stopped (interrupted) after 1 of 5 epochs") {
		t.Errorf("final bar %q", last.data.String())
	}
	for _, p := range rec.all {
		if _, ok := p.data[display.MIMEECharts]; ok {
			series := chartSeries(t, p.data)
			if _, ok := series["validation loss"]; ok {
				t.Error("chart has a validation series without validation data")
			}
			if len(series["train loss"]) != 1 {
				t.Errorf("chart train points %v, want 1 epoch", series["train loss"])
			}
		}
	}
}

// batchHook lets a test act on every batch a Progress sees.
type batchHook struct {
	ml.Progress
	hook func(ml.BatchStats)
}

func (b *batchHook) Batch(s ml.BatchStats) {
	b.hook(s)
	b.Progress.Batch(s)
}

func TestFactoryInstallsDefaultProgress(t *testing.T) {
	record(t)
	interrupted := false
	ml.SetDefaultProgress(Factory(func() bool { return interrupted }))
	defer ml.SetDefaultProgress(nil)
	p := ml.DefaultProgress()
	if _, ok := p.(*notebookView); !ok {
		t.Fatalf("default progress is %T", p)
	}
	if p.Stopped() {
		t.Fatal("stopped before any interrupt")
	}
	interrupted = true
	if !p.Stopped() {
		t.Fatal("interrupt not reported")
	}
	if ml.DefaultProgress() == p {
		t.Error("factory returned the same view twice; each Fit needs its own")
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0:00", 1499 * time.Millisecond: "0:01", 75 * time.Second: "1:15", 3*time.Hour + 62*time.Second: "3:01:02",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestNotebookViewThrottlesManyShortEpochs(t *testing.T) {
	rec := record(t)
	const epochs = 200
	fakeFit(New(nil), epochs, 1, time.Millisecond, false) // 200 epochs in 0.2 s
	var charts []published
	for _, p := range rec.all {
		if _, ok := p.data[display.MIMEECharts]; ok {
			charts = append(charts, p)
		}
	}
	if len(charts) > 5 {
		t.Errorf("%d chart outputs for 0.2 s of training, want at most 5", len(charts))
	}
	if got := len(chartSeries(t, charts[len(charts)-1].data)["train loss"]); got != epochs {
		t.Errorf("final chart has %d points, want %d", got, epochs)
	}
	// The bar: shown, refreshed once per epoch (for its log line) and by at
	// most two batches in the run (the first, and one 100 ms later), and at the end.
	if bar := len(rec.all) - len(charts); bar > 1+epochs+2+1 {
		t.Errorf("%d bar messages for %d epochs of one batch in 0.2 s, want at most %d", bar, epochs, 1+epochs+3)
	}
}

// TestChartShowsTheMetricsAskedFor checks issue 8 part 2: the live chart
// shows the metrics of FitConfig.Metrics beside the loss, for training and
// validation, on an axis of their own.
func TestChartShowsTheMetricsAskedFor(t *testing.T) {
	rec := record(t)
	fakeFit(New(nil), 3, 2, 50*time.Millisecond, true)
	var last display.Bundle
	for _, p := range rec.all {
		if _, ok := p.data[display.MIMEECharts]; ok {
			last = p.data
		}
	}
	series := chartSeries(t, last)
	for name, want := range map[string][]float64{
		"train loss":          {1, 0.5, 1.0 / 3},
		"validation loss":     {1.5, 0.75, 0.5},
		"train accuracy":      {0.6, 0.7, 0.8},
		"validation accuracy": {0.5, 0.6, 0.7},
	} {
		got := series[name]
		if len(got) != len(want) {
			t.Errorf("series %q = %v, want %v", name, got, want)
			continue
		}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-9 {
				t.Errorf("series %q = %v, want %v", name, got, want)
				break
			}
		}
	}
	var option struct {
		Title  struct{ Text string }   `json:"title"`
		YAxis  []struct{ Name string } `json:"yAxis"`
		Series []struct {
			Name       string `json:"name"`
			YAxisIndex int    `json:"yAxisIndex"`
		} `json:"series"`
	}
	raw, _ := json.Marshal(last[display.MIMEECharts])
	if err := json.Unmarshal(raw, &option); err != nil {
		t.Fatal(err)
	}
	if option.Title.Text != "loss and accuracy per epoch" {
		t.Errorf("title %q", option.Title.Text)
	}
	if len(option.YAxis) != 2 || option.YAxis[0].Name != "loss" || option.YAxis[1].Name != "accuracy" {
		t.Errorf("y axes %+v, want loss and accuracy", option.YAxis)
	}
	for _, s := range option.Series {
		if wantRight := strings.Contains(s.Name, "accuracy"); (s.YAxisIndex == 1) != wantRight {
			t.Errorf("series %q on axis %d", s.Name, s.YAxisIndex)
		}
	}
	if text := last.String(); !strings.Contains(text, "train accuracy: 3 points") {
		t.Errorf("chart text %q does not name the metric series", text)
	}
}

// progressStates decodes the progress JSON of every message of the bar.
func progressStates(t *testing.T, rec *recorder) []progress.State {
	t.Helper()
	var states []progress.State
	for _, p := range rec.all {
		if p.id != rec.all[0].id {
			continue
		}
		s, err := progress.FromJSON(p.data[display.MIMEProgress])
		if err != nil {
			t.Fatalf("bar message without progress JSON: %v", err)
		}
		states = append(states, *s)
	}
	return states
}

// TestBarLogsEveryEpochOnce checks the progress JSON terminals read: every
// epoch's line comes in exactly one message, in order, even when epochs are
// too short for a refresh each, and only the last message is finished.
func TestBarLogsEveryEpochOnce(t *testing.T) {
	for _, step := range []time.Duration{time.Millisecond, 40 * time.Millisecond} {
		rec := record(t)
		const epochs = 30
		fakeFit(New(nil), epochs, 2, step, false)
		states := progressStates(t, rec)
		var lines []string
		for i, s := range states {
			lines = append(lines, s.Log...)
			if s.Logged != len(lines) {
				t.Errorf("step %v, message %d: logged %d, but %d lines so far", step, i, s.Logged, len(lines))
			}
			if s.Finished != (i == len(states)-1) {
				t.Errorf("step %v, message %d of %d: finished %v", step, i, len(states), s.Finished)
			}
		}
		if len(lines) != epochs {
			t.Fatalf("step %v: %d epoch lines, want %d: %q", step, len(lines), epochs, lines)
		}
		for i, line := range lines {
			if want := fmt.Sprintf("epoch %d/%d · loss ", i+1, epochs); !strings.HasPrefix(line, want) {
				t.Errorf("step %v: line %d = %q, want it to start %q", step, i, line, want)
			}
		}
		final := states[len(states)-1]
		if final.Done != final.Total || !strings.HasPrefix(final.Status, "done: 30 epochs") {
			t.Errorf("step %v: final state %+v", step, final)
		}
	}
}

// TestSweepShowsScorePerStep runs a real grid search with the notebook view
// installed: the bar counts combinations, the log gives each one's score, and
// the chart draws the score per combination with no loss (a sweep trains no
// one model, its loss would be NaN on every point).
func TestSweepShowsScorePerStep(t *testing.T) {
	rec := record(t)
	ml.SetDefaultProgress(Factory(nil))
	t.Cleanup(func() { ml.SetDefaultProgress(nil) })
	data := ml.Iris()
	search := ml.GridSearch(ml.Grid{"lr": {0.001, 0.01, 0.1}}, data, 3, 1, func(p ml.Params, tr, val ml.Dataset) float64 {
		m := ml.Sequential(ml.Linear(4, 3))
		m.Fit(tr, ml.FitConfig{Epochs: 2, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(p["lr"]), Seed: 1})
		return ml.Accuracy(m.Predict(val.X), val.Y)
	})
	if len(search.Trials) != 3 {
		t.Fatalf("%d trials, want 3", len(search.Trials))
	}

	states := progressStates(t, rec)
	var lines []string
	for _, s := range states {
		lines = append(lines, s.Log...)
	}
	if len(lines) != 3 {
		t.Fatalf("log lines %q, want one per combination", lines)
	}
	for i, line := range lines {
		want := fmt.Sprintf("combination %d/3 · score %.4f · ", i+1, search.Trials[i].CV.Mean)
		if !strings.HasPrefix(line, want) {
			t.Errorf("log line %d = %q, want it to start %q", i, line, want)
		}
	}
	final := states[len(states)-1]
	if !final.Finished || !strings.HasPrefix(final.Status, "done: 3 combinations in ") {
		t.Errorf("final bar: finished %v, status %q", final.Finished, final.Status)
	}
	for _, s := range states {
		if strings.Contains(s.Status, "loss") || strings.Contains(s.Status, "epoch") || strings.Contains(s.Status, "NaN") {
			t.Errorf("bar status %q speaks of training", s.Status)
		}
	}

	var chart display.Bundle
	for _, p := range rec.all {
		if _, ok := p.data[display.MIMEECharts]; ok {
			chart = p.data
		}
	}
	if chart == nil {
		t.Fatal("no chart published")
	}
	series := chartSeries(t, chart)
	if len(series) != 1 || len(series["score"]) != 3 {
		t.Fatalf("chart series %v, want only score with 3 points", series)
	}
	for i, y := range series["score"] {
		if y != search.Trials[i].CV.Mean {
			t.Errorf("score point %d = %v, want the trial's mean %v", i, y, search.Trials[i].CV.Mean)
		}
	}
	raw, _ := json.Marshal(chart[display.MIMEECharts])
	if !strings.Contains(string(raw), `"score per combination"`) {
		t.Errorf("chart title is not \"score per combination\": %s", raw)
	}
}
