package ml

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestHistoryReadsLikeKeras(t *testing.T) {
	SetSeed(6)
	data := blobs(90, 5)
	m := Sequential(Linear(4, 8), ReLU(), Linear(8, 3))
	h := m.Fit(data, FitConfig{Epochs: 6, BatchSize: 16, Loss: CrossEntropy(), Optimizer: Adam(0.02),
		ValidationSplit: 0.2, Metrics: []string{"accuracy"}, Seed: 3})
	wantNames := []string{"loss", "accuracy", "val_loss", "val_accuracy"}
	if !slices.Equal(h.Names(), wantNames) {
		t.Fatalf("Names = %v, want %v", h.Names(), wantNames)
	}
	loss := h.Curve("loss")
	valAcc := h.Curve("val_accuracy")
	for i, e := range h.Epochs {
		if loss[i] != e.Loss || valAcc[i] != e.ValMetrics["accuracy"] {
			t.Fatalf("epoch %d: curves %v %v, stats %+v", i+1, loss[i], valAcc[i], e)
		}
	}
	best, epoch := h.Best("loss")
	if best != slices.Min(loss) || loss[epoch-1] != best {
		t.Errorf("Best(loss) = %v at %d, curve %v", best, epoch, loss)
	}
	best, epoch = h.Best("val_accuracy")
	if best != slices.Max(valAcc) || valAcc[epoch-1] != best || epoch != slices.Index(valAcc, best)+1 {
		t.Errorf("Best(val_accuracy) = %v at %d, curve %v (want the first maximum)", best, epoch, valAcc)
	}
	mustPanic(t, "unknown curve", func() { h.Curve("acc") }, `History has no curve "acc"`, `"val_accuracy"`, `"lr"`)

	text := h.String()
	lines := strings.Split(text, "\n")
	if !strings.HasPrefix(lines[0], "History: 6 epochs in ") {
		t.Errorf("first line %q", lines[0])
	}
	if len(lines) != 3+len(wantNames) {
		t.Fatalf("String has %d lines, want a headline, a header, a rule and one line per curve:\n%s", len(lines), text)
	}
	for i, name := range wantNames {
		fields := strings.Fields(lines[3+i])
		curve := h.Curve(name)
		best, epoch := h.Best(name)
		if len(fields) != 5 || fields[0] != name || fields[1] != formatMetric(curve[len(curve)-1]) ||
			fields[2] != formatMetric(best) || fields[3] != strconv.Itoa(epoch) || len([]rune(fields[4])) != len(curve) {
			t.Errorf("line for %s = %q, want name, final, best, epoch and a %d-point curve", name, lines[3+i], len(curve))
		}
	}
	// The falling training loss draws from the highest block to the lowest.
	if spark := []rune(strings.Fields(lines[3])[4]); spark[0] != '█' || spark[len(spark)-1] != '▁' {
		t.Errorf("loss curve %q does not fall from █ to ▁", string(spark))
	}

	cols, rows := h.Table()
	if !slices.Equal(cols, []string{"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "time"}) || len(rows) != 6 {
		t.Errorf("Table columns %v, %d rows", cols, len(rows))
	}

	// Stopped runs say why and how far they got.
	stopped := m.Fit(data, FitConfig{Epochs: 5, Loss: CrossEntropy(), Callbacks: []Callback{
		func(s EpochStats) (bool, string) { return s.Epoch == 2, "enough" }}})
	if got := stopped.Headline(); !strings.HasPrefix(got, "stopped (enough) after 2 of 5 epochs in ") {
		t.Errorf("Headline of a stopped run = %q", got)
	}
	interrupted := m.Fit(data, FitConfig{Epochs: 5, BatchSize: 10, Loss: CrossEntropy(), Progress: &recorder{stopAfter: 3}})
	if got := interrupted.String(); !strings.HasPrefix(got, "History: stopped (interrupted) during the first epoch, after 3 steps in ") ||
		!strings.Contains(got, "last step loss ") {
		t.Errorf("String of a run interrupted in its first epoch = %q", got)
	}
}
