package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// FitConfig configures Model.Fit. Zero values choose defaults: 1 epoch, batches of
// 32, Adam(1e-3), a new shuffle every epoch with a seed drawn from the generator
// SetSeed controls, no validation, no metrics besides the loss.
type FitConfig struct {
	Epochs    int
	BatchSize int
	Loss      Loss      // required, e.g. ml.CrossEntropy()
	Optimizer Optimizer // default ml.Adam(1e-3)
	Schedule  Schedule  // optional per-epoch learning-rate schedule
	ClipNorm  float64   // if > 0, clip the gradients' joint L2 norm to this before each step

	// Validation data is evaluated after every epoch. Alternatively
	// ValidationSplit (0 < f < 1) holds out that fraction of the training data
	// (stratified for classification, chosen with Seed).
	Validation      Dataset
	ValidationSplit float64

	// The training data is reshuffled every epoch (as Keras does) unless
	// NoShuffle keeps its order.
	NoShuffle bool
	// Seed seeds what is random in training: shuffling, the validation split and
	// dropout. A non-zero Seed wins over SetSeed for this call; 0 draws the seed
	// from the generator SetSeed controls (History.Seed tells which was used).
	Seed int64

	EarlyStopping *EarlyStopping
	Callbacks     []Callback
	// Metrics names what to report per epoch besides the loss, from MetricNames:
	// "accuracy", "precision", "recall", "f1", "mse", "mae", "r2".
	Metrics []string

	// Pruning, if set, prunes gradually while training (the AGP schedule):
	// see GradualPruning. EpochStats.Sparsity reports the sparsity reached.
	Pruning *GradualPruning

	// Progress receives live progress; nil means ml.DefaultProgress() (which may
	// itself be nil: silent training).
	Progress Progress
}

// EarlyStopping stops training when the monitored loss (the validation loss if
// there is validation data, else the training loss) has not improved by more than
// MinDelta for Patience epochs. With RestoreBest the model ends with the weights
// of its best epoch.
type EarlyStopping struct {
	Patience    int
	MinDelta    float64
	RestoreBest bool
}

// Callback is called after every epoch, in order, with the epoch's statistics.
// Returning stop true ends training after this epoch: History.Stopped is set and
// History.StopReason is reason (or "stopped by a callback" when reason is
// empty). With stop false, reason is ignored. For example:
//
//	func(s ml.EpochStats) (bool, string) {
//		return s.ValMetrics["accuracy"] >= 0.97, "reached 97% validation accuracy"
//	}
type Callback func(s EpochStats) (stop bool, reason string)

// Evaluation is the result of Model.Evaluate.
type Evaluation struct {
	Loss    float64
	Metrics map[string]float64
}

// String formats the loss and metrics on one line, e.g.
// "loss 0.0912  accuracy 0.9733".
func (e Evaluation) String() string {
	s := fmt.Sprintf("loss %.4f", e.Loss)
	for _, k := range sortedKeys(e.Metrics) {
		s += fmt.Sprintf("  %s %.4f", k, e.Metrics[k])
	}
	return s
}

// Table returns the loss and each metric as a row of a two-column table, for a
// display table.
func (e Evaluation) Table() (columns []string, rows [][]any) {
	rows = append(rows, []any{"loss", round4(e.Loss)})
	for _, k := range sortedKeys(e.Metrics) {
		rows = append(rows, []any{k, round4(e.Metrics[k])})
	}
	return []string{"metric", "value"}, rows
}

// sortedKeys returns the metric names of m in the order of MetricNames (other
// names after them, alphabetically).
func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	var known, other []string
	for _, d := range metricDefs {
		if _, ok := m[d.name]; ok {
			known = append(known, d.name)
		}
	}
	for _, k := range keys {
		if _, ok := metricDefOf(k); !ok {
			other = append(other, k)
		}
	}
	return append(known, other...)
}

// trainer holds the reusable state of one Fit or Evaluate call.
type trainer struct {
	m       *Model
	loss    Loss
	fast    bool // model has the fused path
	fastL   fastLoss
	params  []*Tensor
	xb, yb  buffer
	grad    []float32
	metrics []string
}

// newTrainer prepares training or evaluation; metrics are canonical names (see
// canonicalMetrics).
func newTrainer(m *Model, loss Loss, metrics []string) *trainer {
	t := &trainer{m: m, loss: loss, fast: m.isFast(), params: m.Parameters(), metrics: metrics}
	t.fastL, _ = loss.(fastLoss)
	return t
}

// gather copies the rows idx of d into the trainer's batch buffers.
func (t *trainer) gather(d Dataset, idx []int) (x, y *Tensor) {
	xs, ys := d.X.shape, d.Y.shape
	xw, yw := len(d.X.data)/xs[0], len(d.Y.data)/ys[0]
	x = t.xb.get(append([]int{len(idx)}, xs[1:]...)...)
	y = t.yb.get(append([]int{len(idx)}, ys[1:]...)...)
	for i, r := range idx {
		copy(x.data[i*xw:(i+1)*xw], d.X.data[r*xw:(r+1)*xw])
		copy(y.data[i*yw:(i+1)*yw], d.Y.data[r*yw:(r+1)*yw])
	}
	return x, y
}

// forward computes the model's output for x; with train set it prepares a
// backward pass.
func (t *trainer) forward(x *Tensor, train bool) *Tensor {
	if t.fast {
		return t.m.fastForward(x, train)
	}
	t.m.SetTraining(train)
	return t.m.Forward(x)
}

// lossAndBackward computes the loss of out against y and, if backward is set,
// accumulates the parameters' gradients.
func (t *trainer) lossAndBackward(out, y *Tensor, backward bool) float64 {
	if !backward {
		if t.fastL != nil {
			t.grad = growFloats(t.grad, len(out.data))
			return t.fastL.lossGrad(out, y, t.grad)
		}
		return t.loss.Forward(out.view(), y).Item()
	}
	if t.fast {
		// Fused model: get dLoss/dout, then run the layers' backward.
		var v float64
		t.grad = growFloats(t.grad, len(out.data))
		if t.fastL != nil {
			v = t.fastL.lossGrad(out, y, t.grad)
		} else {
			leaf := out.view().SetRequiresGrad(true)
			l := t.loss.Forward(leaf, y)
			l.Backward()
			v = l.Item()
			copy(t.grad, leaf.grad)
		}
		t.m.fastBackward(&Tensor{shape: out.shape, data: t.grad}, false)
		return v
	}
	l := t.loss.Forward(out, y)
	l.Backward()
	return l.Item()
}

func growFloats(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// evaluate computes the mean loss and metrics over d in evaluation mode; op
// names the caller in panics.
func (t *trainer) evaluate(op string, d Dataset, batch int) Evaluation {
	n := d.Len()
	acc := newMetricAcc(op, t.metrics, t.loss)
	var total float64
	idx := make([]int, 0, batch)
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		idx = idx[:0]
		for i := start; i < end; i++ {
			idx = append(idx, i)
		}
		x, y := t.gather(d, idx)
		out := t.forward(x, false)
		total += t.lossAndBackward(out, y, false) * float64(end-start)
		acc.add(out, y)
	}
	return Evaluation{Loss: total / math.Max(float64(n), 1), Metrics: acc.values()}
}

// Evaluate returns the mean loss and the named metrics of the model on data, in
// evaluation mode. The metrics are those of MetricNames ("accuracy",
// "precision", "recall", "f1", "mse", "mae", "r2"; case does not matter); an
// unknown name panics with the list.
func (m *Model) Evaluate(data Dataset, loss Loss, metrics ...string) Evaluation {
	if loss == nil {
		panic("ml: Evaluate: loss is nil (use e.g. ml.CrossEntropy())")
	}
	metrics = canonicalMetrics("Evaluate", metrics)
	checkDataset("Evaluate", data)
	m.mu.Lock()
	defer m.mu.Unlock()
	ev := newTrainer(m, loss, metrics).evaluate("Evaluate", data, 256)
	m.record.eval = map[string]float64{"loss": ev.Loss}
	for k, v := range ev.Metrics {
		m.record.eval[k] = v
	}
	return ev
}

func checkDataset(op string, d Dataset) {
	if d.X == nil || d.Y == nil {
		panic(fmt.Sprintf("ml: %s: dataset needs both X and Y", op))
	}
	if len(d.X.shape) == 0 || len(d.Y.shape) == 0 || d.X.shape[0] != d.Y.shape[0] {
		panic(fmt.Sprintf("ml: %s: X shape %v and Y shape %v disagree on the number of samples", op, d.X.shape, d.Y.shape))
	}
	if d.X.shape[0] == 0 {
		panic(fmt.Sprintf("ml: %s: dataset is empty", op))
	}
}

// Fit trains the model on train and returns the history of losses and metrics.
// The same model, data, configuration and seed give the same history, bit for
// bit: the seed is FitConfig.Seed, or when that is 0 one drawn from the
// generator SetSeed controls, so that after SetSeed a notebook run from the top
// trains the same way every time. Training stops early when Progress.Stopped
// reports true (after the current batch: History.StopReason "interrupted"),
// when EarlyStopping triggers or when a callback asks; the model stays usable
// in every case.
func (m *Model) Fit(train Dataset, cfg FitConfig) *History {
	checkDataset("Fit", train)
	for _, l := range m.layers {
		if q, ok := l.(quantizedLayer); ok {
			quantizedPanic(q)
		}
	}
	if cfg.Loss == nil {
		panic("ml: Fit: FitConfig.Loss is nil (use e.g. ml.CrossEntropy() or ml.MeanSquaredError())")
	}
	if cfg.Epochs < 0 || cfg.BatchSize < 0 {
		panic(fmt.Sprintf("ml: Fit: Epochs (%d) and BatchSize (%d) must not be negative", cfg.Epochs, cfg.BatchSize))
	}
	cfg.Metrics = canonicalMetrics("Fit", cfg.Metrics)
	if cfg.Epochs == 0 {
		cfg.Epochs = 1
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 32
	}
	if cfg.Optimizer == nil {
		cfg.Optimizer = Adam(1e-3)
	}
	if cfg.Seed == 0 {
		cfg.Seed = drawSeed()
	}
	val := cfg.Validation
	if cfg.ValidationSplit != 0 {
		if cfg.ValidationSplit < 0 || cfg.ValidationSplit >= 1 {
			panic(fmt.Sprintf("ml: Fit: ValidationSplit %v must be in (0, 1)", cfg.ValidationSplit))
		}
		if val.X != nil {
			panic("ml: Fit: set Validation or ValidationSplit, not both")
		}
		train, val = train.Split(1-cfg.ValidationSplit, cfg.Seed)
	}
	hasVal := val.X != nil
	if hasVal {
		checkDataset("Fit (validation)", val)
	}
	progress := cfg.Progress
	if progress == nil {
		progress = DefaultProgress()
	}

	n := train.Len()
	bs := min(cfg.BatchSize, n)
	batches := (n + bs - 1) / bs
	var pruner *gradualPruner
	if cfg.Pruning != nil {
		var err error
		if pruner, err = newGradualPruner(m, *cfg.Pruning, cfg.Epochs, batches); err != nil {
			panic(fmt.Sprintf("ml: Fit: Pruning: %v", err))
		}
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	t := newTrainer(m, cfg.Loss, cfg.Metrics)
	m.reseed(uint64(cfg.Seed))
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed))

	info := FitInfo{Epochs: cfg.Epochs, BatchesPerEpoch: batches, Samples: n, Metrics: append([]string(nil), cfg.Metrics...)}
	if hasVal {
		info.ValSamples = val.Len()
	}
	ended := false // End was called; see the deferred call below
	hist := &History{StepLoss: make([]float64, 0, cfg.Epochs*batches), Seed: cfg.Seed, Planned: cfg.Epochs, Metrics: info.Metrics}
	start := time.Now()
	if progress != nil {
		progress.Begin(info)
		// A panic in training (a model that does not fit the data, a panicking
		// callback) still ends the progress display, with the history so far
		// marked failed; the panic itself goes on unrecovered, with its stack.
		defer func() {
			if !ended {
				hist.Failed, hist.Elapsed = true, time.Since(start)
				progress.End(hist)
			}
		}()
	}
	baseLR := cfg.Optimizer.LR()
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	best := math.Inf(1)
	var bestWeights [][]float32
	sinceBest := 0

epochs:
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		if cfg.Schedule != nil {
			cfg.Optimizer.SetLR(cfg.Schedule.LR(epoch, baseLR))
		}
		if !cfg.NoShuffle {
			rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		}
		acc := newMetricAcc("Fit", cfg.Metrics, cfg.Loss)
		var total float64
		for b := 0; b < batches; b++ {
			idx := perm[b*bs : min((b+1)*bs, n)]
			x, y := t.gather(train, idx)
			if pruner != nil {
				pruner.step(epoch*batches + b)
			}
			for _, p := range t.params {
				p.ZeroGrad()
			}
			out := t.forward(x, true)
			acc.add(out, y)
			loss := t.lossAndBackward(out, y, true)
			maskGrads(t.params)
			if cfg.ClipNorm > 0 {
				ClipGradNorm(t.params, cfg.ClipNorm)
			}
			cfg.Optimizer.Step(t.params)
			m.trained = true
			// The built-in optimizers keep pruned weights at zero themselves;
			// this covers optimizers defined elsewhere.
			for _, p := range t.params {
				if p.mask != nil {
					maskInto(p.data, p.mask)
				}
			}
			total += loss * float64(len(idx))
			hist.StepLoss = append(hist.StepLoss, loss)
			if progress != nil {
				progress.Batch(BatchStats{Epoch: epoch + 1, Batch: b + 1, Batches: batches, Loss: loss, Elapsed: time.Since(start)})
				if progress.Stopped() {
					hist.Stopped, hist.StopReason = true, "interrupted"
					break epochs
				}
			}
		}
		if pruner != nil && epoch == cfg.Epochs-1 {
			// A schedule ending with the run reaches Final after its last step.
			pruner.step(cfg.Epochs * batches)
		}
		es := EpochStats{Epoch: epoch + 1, Epochs: cfg.Epochs, Loss: total / float64(n),
			Metrics: acc.values(), ValLoss: math.NaN(), LR: cfg.Optimizer.LR()}
		if pruner != nil {
			es.Sparsity = pruner.sparsity()
		}
		if hasVal {
			ev := t.evaluate("Fit", val, 256)
			es.ValLoss, es.ValMetrics = ev.Loss, ev.Metrics
		}
		es.Elapsed = time.Since(start)
		hist.Epochs = append(hist.Epochs, es)
		if progress != nil {
			progress.Epoch(es)
		}
		if es := cfg.EarlyStopping; es != nil {
			monitored := hist.Epochs[len(hist.Epochs)-1].Loss
			if hasVal {
				monitored = hist.Epochs[len(hist.Epochs)-1].ValLoss
			}
			if monitored < best-es.MinDelta {
				best, sinceBest = monitored, 0
				if es.RestoreBest {
					bestWeights = snapshot(t.params, bestWeights)
				}
			} else {
				sinceBest++
				if sinceBest > es.Patience {
					hist.Stopped, hist.StopReason = true, "early stopping"
					if es.RestoreBest && bestWeights != nil {
						for i, p := range t.params {
							copy(p.data, bestWeights[i])
						}
						weightEdits.Add(1)
					}
					break
				}
			}
		}
		for _, cb := range cfg.Callbacks {
			if stop, reason := cb(hist.Epochs[len(hist.Epochs)-1]); stop {
				if reason == "" {
					reason = "stopped by a callback"
				}
				hist.Stopped, hist.StopReason = true, reason
				break epochs
			}
		}
	}
	hist.Elapsed = time.Since(start)
	ended = true
	m.record.history, m.record.eval = hist, nil // metrics of the model before this training no longer hold
	if progress != nil {
		progress.End(hist)
	}
	return hist
}

func snapshot(params []*Tensor, dst [][]float32) [][]float32 {
	if dst == nil {
		dst = make([][]float32, len(params))
	}
	for i, p := range params {
		dst[i] = append(dst[i][:0], p.data...)
	}
	return dst
}
