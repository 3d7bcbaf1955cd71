package trainview

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"gopad.dev/gopad/display"
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
				Value []float64 `json:"value"`
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
			}
			out[s.Name] = append(out[s.Name], point[1])
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

	// The loss chart: shown once after epoch 1, then updated after epochs 2 and 3.
	if len(charts) != epochs {
		t.Fatalf("%d chart outputs, want %d", len(charts), epochs)
	}
	if charts[0].update || !charts[1].update || charts[1].id != charts[0].id || charts[2].id != charts[0].id {
		t.Errorf("chart outputs should be one show and updates of the same id: %+v", charts)
	}
	for i, c := range charts {
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

func TestTerminalView(t *testing.T) {
	var out bytes.Buffer
	fakeFit(Terminal(&out, nil), 2, 5, time.Second, true)
	text := out.String()
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 2 epoch lines and a final one:\n%s", len(lines), text)
	}
	// Every line ends with the permanent text, after the bar redrawn with \r.
	final := func(line string) string {
		parts := strings.Split(line, "\r")
		return strings.TrimRight(parts[len(parts)-1], " ")
	}
	if got := final(lines[0]); got != "epoch 1/2  loss 1.0000  accuracy 0.6000  val_loss 1.5000  val_accuracy 0.5000  0:05" {
		t.Errorf("epoch line %q", got)
	}
	if got := final(lines[2]); got != "done: 2 epochs in 0:10  loss 0.5000  val_loss 0.7500  val_accuracy 0.6000" {
		t.Errorf("final line %q", got)
	}
	// Batches 1 s apart are all drawn; halfway (5 of 10 steps after 5 s) the ETA is 5 s.
	if !strings.Contains(lines[0], "\r[############............] epoch 1/2  batch 5/5  loss 0.2000  0:05  ETA 0:05") {
		t.Errorf("bar at half-way missing from %q", lines[0])
	}
	if strings.Contains(text, "\x1b") {
		t.Error("terminal output contains escape sequences")
	}
}

func TestTerminalViewInterrupted(t *testing.T) {
	var out bytes.Buffer
	stop := true
	h := fakeFit(Terminal(&out, func() bool { return stop }), 3, 4, time.Second, false)
	if !h.Stopped {
		t.Fatal("terminal view did not report the interrupt")
	}
	if !strings.Contains(out.String(), "stopped (interrupted) after 0 of 3 epochs, 0:01") {
		t.Errorf("output %q", out.String())
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
	if len(rec.all) > 12 {
		t.Errorf("%d outputs in all for 0.2 s of training, want at most 12", len(rec.all))
	}
}
