package ml

import (
	"sync"
	"time"
)

// Progress receives training progress from Fit. A notebook kernel implements it as a
// live progress bar and loss curve, the CLI as a terminal bar; tests can record it.
//
// Stopped is polled after every batch: when it returns true, Fit finishes the current
// batch, leaves the model usable and returns the history so far with
// History.Stopped set. This is how an interrupt reaches compiled training loops.
//
// End is called once for every Begin, also when training panics (a model that does
// not fit the data, a panicking callback): it then gets the history so far with
// History.Failed set, while the panic goes on to Fit's caller. A progress display
// can so say that training failed instead of showing a run that never ends.
type Progress interface {
	Begin(info FitInfo)
	Batch(s BatchStats)
	Epoch(s EpochStats)
	End(h *History)
	Stopped() bool
}

// FitInfo describes a training run before it starts.
type FitInfo struct {
	Epochs          int
	BatchesPerEpoch int
	Samples         int
	ValSamples      int      // 0 without validation data
	Metrics         []string // names of the metrics reported per epoch, e.g. "accuracy"
	// Step is empty for training. A sweep (GridSearch's combinations,
	// PruneSensitivity's pruned copies) names what it counts instead: its
	// "epochs" are such steps, it reports no loss (NaN), and its one metric is
	// each step's score.
	Step string
}

// BatchStats is reported after each optimisation step.
type BatchStats struct {
	Epoch   int // 1-based
	Batch   int // 1-based within the epoch
	Batches int // batches per epoch
	Loss    float64
	Elapsed time.Duration // since training began
}

// EpochStats is reported after each epoch. ValLoss is NaN and ValMetrics nil when
// there is no validation data.
type EpochStats struct {
	Epoch      int // 1-based
	Epochs     int
	Loss       float64
	Metrics    map[string]float64
	ValLoss    float64
	ValMetrics map[string]float64
	LR         float64
	Elapsed    time.Duration
	Sparsity   float64 // with FitConfig.Pruning: fraction of the pruned layers' weights masked at the epoch's end
}

// History is what Fit returns: the loss and metrics per epoch and the loss per
// step. As a notebook cell's result it draws its curves as a chart; String
// is the summary as text, Curve and Best read it as Keras's history.history does.
type History struct {
	Epochs     []EpochStats
	StepLoss   []float64
	Stopped    bool          // training ended before the last epoch
	StopReason string        // "interrupted", "early stopping", or a callback's reason
	Failed     bool          // training panicked; only Progress.End sees such a history
	Planned    int           // epochs requested (FitConfig.Epochs)
	Metrics    []string      // metrics reported per epoch (FitConfig.Metrics, in lower case)
	Seed       int64         // the training seed used: FitConfig.Seed, or the one drawn for it
	Elapsed    time.Duration // training time, from the first batch to the end
}

var (
	defaultProgressMu sync.Mutex
	defaultProgress   func() Progress
)

// SetDefaultProgress installs the factory Fit uses when FitConfig.Progress is nil.
// The notebook kernel installs a live view; nil restores silent training.
func SetDefaultProgress(newProgress func() Progress) {
	defaultProgressMu.Lock()
	defaultProgress = newProgress
	defaultProgressMu.Unlock()
}

// DefaultProgress returns a new Progress from the installed factory, or nil.
func DefaultProgress() Progress {
	defaultProgressMu.Lock()
	f := defaultProgress
	defaultProgressMu.Unlock()
	if f == nil {
		return nil
	}
	return f()
}
