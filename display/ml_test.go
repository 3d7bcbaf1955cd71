package display_test

import (
	"math"
	"regexp"
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

func TestHistoryRendersAsSummaryAndCurves(t *testing.T) {
	h := history()
	b := display.Render(h)
	if got := b.String(); got != h.String() {
		t.Errorf("text/plain is not the history's String:\n%s\nwant\n%s", got, h.String())
	}
	if !strings.HasPrefix(b.String(), "History: 4 epochs in 1.5s\n") {
		t.Errorf("text/plain starts %q", strings.SplitN(b.String(), "\n", 2)[0])
	}
	page, ok := b[display.MIMEHTML].(string)
	if !ok {
		t.Fatalf("no text/html in %v", b.MIMETypes())
	}
	if _, ok := b[display.MIMEECharts]; ok {
		t.Error("the history carries an ECharts chart: its curves are inline SVG")
	}
	for _, want := range []string{
		"History: 4 epochs in 1.5s",
		// Per quantity: final training value, final validation value, best validation value and its epoch.
		"<td>loss</td>", ">0.3000<", ">0.5500<", ">0.5000 <span style=\"opacity:0.6\">(epoch 3)</span>",
		"<td>accuracy</td>", ">0.9500<", ">0.8600<", ">0.8800 <span style=\"opacity:0.6\">(epoch 3)</span>",
		"training seed 77",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML lacks %q:\n%s", want, page)
		}
	}
	// One chart per quantity, each with a training and a validation curve of
	// one point per epoch; the y axis spans the values.
	charts := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1)
	if len(charts) != 2 {
		t.Fatalf("%d SVG charts, want 2 (loss, accuracy)", len(charts))
	}
	for i, c := range charts {
		title := []string{"loss", "accuracy"}[i]
		if !strings.Contains(c, "<title>"+title+" per epoch</title>") {
			t.Errorf("chart %d is not titled %s", i, title)
		}
		paths := regexp.MustCompile(`<path d="([^"]*)"`).FindAllStringSubmatch(c, -1)
		if len(paths) != 2 {
			t.Fatalf("chart %s has %d curves, want 2", title, len(paths))
		}
		for _, p := range paths {
			if n := strings.Count(p[1], "M") + strings.Count(p[1], "L"); n != 4 {
				t.Errorf("chart %s: a curve has %d points, want 4: %s", title, n, p[1])
			}
		}
		if !strings.Contains(c, `stroke-dasharray`) {
			t.Errorf("chart %s: the validation curve is not dashed", title)
		}
	}
	if !strings.Contains(charts[0], ">1.2<") || !strings.Contains(charts[0], ">0.3<") {
		t.Errorf("loss chart's y axis does not span 0.3 to 1.2:\n%s", charts[0])
	}

	// The falling loss is drawn downwards: its last point lies lower (a larger y).
	first := regexp.MustCompile(`<path d="M([0-9.]+) ([0-9.]+) [^"]*L([0-9.]+) ([0-9.]+)"`).FindStringSubmatch(charts[0])
	if first == nil || atof(t, first[4]) <= atof(t, first[2]) {
		t.Errorf("the loss curve does not fall on the chart: %v", first)
	}
}

func TestHistoryRendersGapsAndEdgeCases(t *testing.T) {
	// NaN breaks a curve, a single epoch is a point, a nil history is <nil>,
	// and a run stopped before its first epoch says so.
	h := history()
	h.Epochs[1].ValLoss = math.NaN()
	page := display.Render(h)[display.MIMEHTML].(string)
	if !regexp.MustCompile(`<path d="M[^"]*M[^"]*" fill="none" stroke="#91cc75"`).MatchString(page) {
		t.Errorf("a NaN does not break the validation loss curve:\n%s", page)
	}
	one := &ml.History{Epochs: history().Epochs[:1], Planned: 1}
	if page := display.Render(one)[display.MIMEHTML].(string); !strings.Contains(page, "<circle") {
		t.Errorf("a one-epoch history draws no point:\n%s", page)
	}
	var none *ml.History
	if got := display.Render(none).String(); got != "<nil>" {
		t.Errorf("nil history renders %q", got)
	}
	early := &ml.History{Stopped: true, StopReason: "interrupted", StepLoss: []float64{2, 1.5}, Planned: 3}
	b := display.Render(early)
	if page := b[display.MIMEHTML].(string); !strings.Contains(page, "stopped (interrupted) during the first epoch, after 2 steps") || strings.Contains(page, "<svg") {
		t.Errorf("a history without epochs renders:\n%s", page)
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
