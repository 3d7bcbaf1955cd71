package ml

import (
	"fmt"
	"strings"
	"testing"
)

// endCounter records how often End was called and with what.
type endCounter struct {
	recorder
	ends int
}

func (c *endCounter) End(h *History) { c.ends++; c.recorder.End(h) }

// fitPanic runs fit and returns what it panicked with (nil if it did not).
func fitPanic(fit func()) (v any) {
	defer func() { v = recover() }()
	fit()
	return nil
}

// TestFitEndsProgressWhenTrainingPanics: a Fit that panics still calls
// Progress.End once, with the history so far marked Failed, and the panic
// reaches the caller unchanged.
func TestFitEndsProgressWhenTrainingPanics(t *testing.T) {
	SetSeed(1)
	// A model whose input size does not match the data panics in the first batch.
	rec := &endCounter{}
	v := fitPanic(func() {
		Sequential(Linear(5, 3)).Fit(blobs(60, 1), FitConfig{Epochs: 3, BatchSize: 20, Loss: CrossEntropy(), Progress: rec})
	})
	if v == nil {
		t.Fatal("Fit of a 5-input model on 4 features did not panic")
	}
	if msg := fmt.Sprint(v); !strings.Contains(msg, "5") || !strings.Contains(msg, "4") {
		t.Errorf("the panic does not name the sizes: %v", v)
	}
	if rec.ends != 1 || rec.ended == nil || !rec.ended.Failed || len(rec.ended.Epochs) != 0 {
		t.Fatalf("after a shape panic: End called %d times with %+v, want once with a failed history of no epochs", rec.ends, rec.ended)
	}

	// A callback that panics after epoch 2.
	rec = &endCounter{}
	v = fitPanic(func() {
		Sequential(Linear(4, 3)).Fit(blobs(60, 1), FitConfig{Epochs: 5, BatchSize: 20, Loss: CrossEntropy(), Progress: rec,
			Callbacks: []Callback{func(s EpochStats) (bool, string) {
				if s.Epoch == 2 {
					panic("callback broke")
				}
				return false, ""
			}}})
	})
	if v != "callback broke" {
		t.Fatalf("the callback's panic reached the caller as %v", v)
	}
	if rec.ends != 1 || !rec.ended.Failed || len(rec.ended.Epochs) != 2 || len(rec.ended.StepLoss) != 6 || rec.ended.Elapsed <= 0 {
		t.Fatalf("after a callback panic at epoch 2: End called %d times with %+v", rec.ends, rec.ended)
	}

	// Training that ends normally calls End once, not failed.
	rec = &endCounter{}
	h := Sequential(Linear(4, 3)).Fit(blobs(60, 1), FitConfig{Epochs: 2, BatchSize: 20, Loss: CrossEntropy(), Progress: rec})
	if rec.ends != 1 || rec.ended != h || h.Failed {
		t.Errorf("a normal Fit: End called %d times, failed %v", rec.ends, h.Failed)
	}
}
