package display_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/ml"
)

// history is a hand-made training history: 4 epochs of a falling loss and a
// rising accuracy, with validation data, and the validation loss best at epoch 3.
func history() *ml.History {
	h := &ml.History{Planned: 4, Metrics: []string{"accuracy"}, Seed: 77, Elapsed: 1500 * time.Millisecond}
	loss := []float64{1.2, 0.6, 0.4, 0.3}
	acc := []float64{0.5, 0.8, 0.9, 0.95}
	valLoss := []float64{1.1, 0.7, 0.5, 0.55}
	valAcc := []float64{0.45, 0.75, 0.88, 0.86}
	for i := range loss {
		h.Epochs = append(h.Epochs, ml.EpochStats{Epoch: i + 1, Epochs: 4, Loss: loss[i], ValLoss: valLoss[i],
			Metrics: map[string]float64{"accuracy": acc[i]}, ValMetrics: map[string]float64{"accuracy": valAcc[i]},
			LR: 0.001, Elapsed: time.Duration(i+1) * 300 * time.Millisecond})
	}
	return h
}

// seriesData returns the [epoch, value] items of the named series of a chart.
func seriesData(t *testing.T, b display.Bundle, name string) []any {
	t.Helper()
	opt, ok := b[display.MIMEECharts].(map[string]any)
	if !ok {
		t.Fatalf("no chart in %v", b.MIMETypes())
	}
	for _, s := range opt["series"].([]any) {
		if m := s.(map[string]any); m["name"] == name {
			return m["data"].([]any)
		}
	}
	t.Fatalf("no series %q", name)
	return nil
}

func TestHistoryRendersAsChartAndSummary(t *testing.T) {
	h := history()
	b := display.Render(h)
	if got := b.String(); got != h.String() {
		t.Errorf("text/plain is not the history's String:\n%s\nwant\n%s", got, h.String())
	}
	if !strings.HasPrefix(b.String(), "History: 4 epochs in 1.5s\n") {
		t.Errorf("text/plain starts %q", strings.SplitN(b.String(), "\n", 2)[0])
	}
	opt, ok := b[display.MIMEECharts].(map[string]any)
	if !ok {
		t.Fatalf("no interactive chart in %v", b.MIMETypes())
	}
	if _, ok := b[display.MIMEHTML]; ok {
		t.Error("the bundle has text/html: Jupyter would show it instead of the static picture")
	}
	title := opt["title"].(map[string]any)
	if title["text"] != "Training history: 4 epochs in 1.5s" {
		t.Errorf("title %q", title["text"])
	}
	// Under the title: the best validation value of each quantity, and the seed.
	if sub := title["subtext"]; sub != "best val_loss 0.5000 (epoch 3) · best val_accuracy 0.8800 (epoch 3) · seed 77" {
		t.Errorf("subtitle %q", sub)
	}
	// Each curve's points are the history's values, epoch by epoch.
	for name, curve := range map[string]string{"train loss": "loss", "validation loss": "val_loss", "train accuracy": "accuracy", "validation accuracy": "val_accuracy"} {
		data := seriesData(t, b, name)
		want := h.Curve(curve)
		if len(data) != len(want) {
			t.Fatalf("%s: %d points, want %d", name, len(data), len(want))
		}
		for i, d := range data {
			p := d.([]any)
			if p[0] != float64(i+1) || p[1] != want[i] {
				t.Errorf("%s point %d = %v, want [%d %v]", name, i, p, i+1, want[i])
			}
		}
	}
	// Training and validation of a quantity share a colour, solid and dashed;
	// the loss and the metric differ.
	colors := map[string]string{}
	for _, sv := range opt["series"].([]any) {
		m := sv.(map[string]any)
		ls := m["lineStyle"].(map[string]any)
		colors[m["name"].(string)] = ls["color"].(string) + " " + ls["type"].(string)
	}
	if c := colors; c["train loss"] != strings.Replace(c["validation loss"], "dashed", "solid", 1) ||
		c["train accuracy"] != strings.Replace(c["validation accuracy"], "dashed", "solid", 1) || c["train loss"] == c["train accuracy"] {
		t.Errorf("curve colours and dashes: %v", colors)
	}
	x := opt["xAxis"].(map[string]any)
	ys := opt["yAxis"].([]any)
	if x["name"] != "epoch" || ys[0].(map[string]any)["name"] != "loss" || ys[1].(map[string]any)["name"] != "metric" {
		t.Errorf("axes %v %v", x, ys)
	}
	// The static picture for viewers without gopad, and the per-epoch table.
	svg, _ := display.PictureSVG(b)
	if !strings.Contains(svg, "<svg") || !strings.Contains(svg, "Training history: 4 epochs") || !strings.Contains(svg, "best val_loss 0.5000 (epoch 3)") {
		t.Errorf("the static picture lacks the chart's title and summary: %.300s", svg)
	}
	table, ok := b[display.MIMETable].(map[string]any)
	if !ok {
		t.Fatalf("no per-epoch table in %v", b.MIMETypes())
	}
	if rows := table["rows"].([]any); len(rows) != 4 {
		t.Errorf("table has %d rows, want 4 epochs", len(rows))
	}
}

func TestHistoryRendersGapsAndEdgeCases(t *testing.T) {
	// NaN (a missing value) is a gap in the chart, a single epoch is a point,
	// a nil history is <nil>, and a run stopped before its first epoch says so.
	h := history()
	h.Epochs[1].ValLoss = math.NaN()
	delete(h.Epochs[2].Metrics, "accuracy")
	b := display.Render(h)
	if p := seriesData(t, b, "validation loss")[1].([]any); p[1] != "-" {
		t.Errorf("a NaN validation loss is drawn as %v, want the gap marker \"-\"", p)
	}
	if p := seriesData(t, b, "train accuracy")[2].([]any); p[1] != "-" {
		t.Errorf("a missing metric is drawn as %v", p)
	}
	if _, ok := display.PictureSVG(b); !ok {
		t.Errorf("a history with gaps has no static picture: %v", b.MIMETypes())
	}
	one := &ml.History{Epochs: history().Epochs[:1], Planned: 1}
	if data := seriesData(t, display.Render(one), "train loss"); len(data) != 1 {
		t.Errorf("a one-epoch history draws %d points", len(data))
	}
	var none *ml.History
	if got := display.Render(none).String(); got != "<nil>" {
		t.Errorf("nil history renders %q", got)
	}
	// Stopped during the first epoch: the loss of each step it took.
	early := &ml.History{Stopped: true, StopReason: "interrupted", StepLoss: []float64{2, 1.5}, Planned: 3}
	eb := display.Render(early)
	if got := eb.String(); !strings.Contains(got, "stopped (interrupted) during the first epoch, after 2 steps") {
		t.Errorf("a history without epochs reads %q", got)
	}
	if data := seriesData(t, eb, "train loss per step"); fmt.Sprint(data) != "[[1 2] [2 1.5]]" {
		t.Errorf("step losses drawn as %v", data)
	}
	if _, ok := display.PictureSVG(eb); !ok {
		t.Errorf("the step-loss chart has no picture: %v", eb.MIMETypes())
	}
	if b := display.Render(&ml.History{Stopped: true, Planned: 3}); len(b) != 1 || !strings.HasPrefix(b.String(), "History: stopped") {
		t.Errorf("a history of nothing renders %v %q", b.MIMETypes(), b.String())
	}
}

// A history that diverged (NaN and infinite losses, no validation data) and was
// saved with its model draws from the loaded model: Model.History and the
// copy kept with SetMeta give the same chart as the history Fit returned.
func TestLoadedModelsHistoryDraws(t *testing.T) {
	ml.SetSeed(2)
	m := ml.Sequential(ml.Linear(10, 16), ml.ReLU(), ml.Linear(16, 1))
	h := m.Fit(ml.Diabetes(), ml.FitConfig{Epochs: 6, BatchSize: 32, Loss: ml.MeanSquaredError(), Optimizer: ml.SGD(5), Seed: 1, Metrics: []string{"mae"}})
	if err := m.SetMeta("history", h); err != nil {
		t.Fatalf("SetMeta: %v", err)
	}
	dir := t.TempDir() + "/model"
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, err := ml.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var meta ml.History
	if err := back.Meta("history", &meta); err != nil {
		t.Fatal(err)
	}
	want := display.Render(h)
	gaps := 0
	for _, p := range seriesData(t, want, "train loss") {
		if p.([]any)[1] == "-" {
			gaps++
		}
	}
	if gaps == 0 {
		t.Fatalf("the diverged run has no NaN or infinite loss: %v", h.Curve("loss"))
	}
	for what, got := range map[string]display.Bundle{"Model.History": display.Render(back.History()), "Meta": display.Render(&meta)} {
		for _, name := range []string{"train loss", "train mae"} {
			g, w := seriesData(t, got, name), seriesData(t, want, name)
			if fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("%s: %s = %v, want %v", what, name, g, w)
			}
		}
		if _, ok := display.PictureSVG(got); !ok {
			t.Errorf("%s: no static picture", what)
		}
	}
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
