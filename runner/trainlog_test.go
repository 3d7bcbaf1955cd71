package runner_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"gopad.dev/gopad/runner"
)

// trainingCell trains for three epochs and prints before, during (a callback
// after every epoch) and after training.
const trainingCell = `import ("fmt"; "gopad/ml")
fmt.Println("before training")
model := ml.Sequential(ml.Linear(4, 3))
hist := model.Fit(ml.Iris(), ml.FitConfig{Epochs: 3, BatchSize: 50, Loss: ml.CrossEntropy(), Metrics: []string{"accuracy"},
	Callbacks: []ml.Callback{func(s ml.EpochStats) (bool, string) { fmt.Println("callback after epoch", s.Epoch); return false, "" }}})
fmt.Println("after training:", len(hist.Epochs), "epochs")`

// TestRunLogsOneLinePerEpochInOrder checks issue 8 part 2 for output that is
// not a terminal: gopad run prints one line per epoch and the final line, in
// order with what the cell prints, without redraws or escape sequences, and
// the chart's summary once, when training is done.
func TestRunLogsOneLinePerEpochInOrder(t *testing.T) {
	path, _ := writeNotebook(t, trainingCell)
	stdout, stderr, err := run(t, runner.Options{Notebook: path})
	if err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, stderr)
	}
	t.Logf("stdout:\n%s", stdout)
	if strings.ContainsAny(stdout, "\r\x1b") {
		t.Errorf("output to a non-terminal holds a carriage return or an escape sequence: %q", stdout)
	}
	var want []string
	want = append(want, `^before training$`)
	for e := 1; e <= 3; e++ {
		want = append(want, fmt.Sprintf(`^epoch %d/3 · loss \d+\.\d{4} · accuracy \d\.\d{4} · 0:\d\d$`, e), fmt.Sprintf(`^callback after epoch %d$`, e))
	}
	want = append(want,
		`^\[#{30}\] done: 3 epochs in 0:\d\d · loss \d+\.\d{4} · accuracy \d\.\d{4}$`,
		`^line chart "loss and accuracy per epoch", 2 series$`,
		`^  train loss: 3 points, `,
		`^  train accuracy: 3 points, `,
		`^after training: 3 epochs$`,
	)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), stdout)
	}
	for i, w := range want {
		if !regexp.MustCompile(w).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want it to match %s", i+1, lines[i], w)
		}
	}
}

// TestRunFinishesTheBarOfAFitThatPanics checks that a Fit that panics (a model
// whose input size does not match the data) leaves gopad run a finished bar
// that says training failed, then the error, never a stale "starting" line.
func TestRunFinishesTheBarOfAFitThatPanics(t *testing.T) {
	path, _ := writeNotebook(t, `import "gopad/ml"
wrong := ml.Sequential(ml.Linear(5, 3)) // Iris has 4 features
wrong.Fit(ml.Iris(), ml.FitConfig{Epochs: 3, BatchSize: 50, Loss: ml.CrossEntropy()})`)
	stdout, stderr, err := run(t, runner.Options{Notebook: path})
	if err == nil || !strings.Contains(err.Error()+stderr, "does not match") {
		t.Fatalf("run = %v, stderr %q; want the shape error", err, stderr)
	}
	t.Logf("stdout:\n%s", stdout)
	if strings.Contains(stdout, "starting") {
		t.Errorf("gopad run printed a bar that never finished: %q", stdout)
	}
	if !regexp.MustCompile(`(?m)^\[\.{30}\] failed after 0 of 3 epochs, 0:\d\d$`).MatchString(stdout) {
		t.Errorf("no finished, failed bar in %q", stdout)
	}
}
