package ml

import (
	"fmt"
	"math"
	"strings"
)

// GradualPruning prunes while Fit trains, raising the sparsity of the chosen
// weights from Initial to Final on the automated gradual pruning (AGP)
// schedule of Zhu and Gupta (2017, "To prune, or not to prune"):
//
//	s(t) = Final + (Initial − Final)·(1 − (t − t0)/(n·Δt))³
//
// at the steps t = t0, t0+Δt, …, t0+n·Δt, where t0 is the first step of
// StartEpoch, t0+n·Δt the first step of EndEpoch and Δt is Frequency steps
// (batches). Pruning is fast at first, while the network has redundant
// weights, and slow near the end. Each pruning step masks the weights with
// the smallest magnitude (over all chosen tensors together with "global_l1",
// tensor by tensor with "l1"); masked weights stay zero for the rest of the
// training and after it, as after Prune. Set it as FitConfig.Pruning.
type GradualPruning struct {
	Initial, Final float64 // sparsity at the first and the last pruning step, 0 <= Initial <= Final < 1
	// StartEpoch (0-based) is the epoch whose first step prunes to Initial;
	// the first step of EndEpoch reaches Final (EndEpoch == Epochs: after the
	// last step). Zero EndEpoch means Epochs. Epochs from EndEpoch on fine-tune
	// the pruned model.
	StartEpoch, EndEpoch int
	// Frequency is Δt, the number of steps between pruning steps; 0 prunes at
	// the start of every epoch.
	Frequency int
	// Method is "global_l1" (the default) or "l1".
	Method string
	// Layers lists the layers to prune as in PruneConfig.Layers; empty means
	// every Linear, LSTM and GRU layer.
	Layers []int
}

// agpSparsity returns the AGP schedule's sparsity at step t.
func agpSparsity(initial, final float64, t, t0, span int) float64 {
	if span <= 0 || t >= t0+span {
		return final
	}
	f := 1 - float64(t-t0)/float64(span)
	return final + (initial-final)*f*f*f
}

// gradualPruner applies a GradualPruning during one Fit.
type gradualPruner struct {
	cfg        GradualPruning
	targets    []prunable
	global     bool
	t0, span   int // first pruning step and steps until Final
	freq       int
	lastTarget float64
}

// newGradualPruner checks cfg against the model and the run's length; op
// names the caller in errors.
func newGradualPruner(m *Model, cfg GradualPruning, epochs, batches int) (*gradualPruner, error) {
	if !(cfg.Final >= 0 && cfg.Final < 1) {
		return nil, fmt.Errorf("Final sparsity %v: want a fraction in [0, 1)", cfg.Final)
	}
	if !(cfg.Initial >= 0 && cfg.Initial <= cfg.Final) {
		return nil, fmt.Errorf("Initial sparsity %v: want a fraction in [0, Final=%v]", cfg.Initial, cfg.Final)
	}
	end := cfg.EndEpoch
	if end == 0 {
		end = epochs
	}
	if cfg.StartEpoch < 0 || cfg.StartEpoch >= end || end > epochs {
		return nil, fmt.Errorf("StartEpoch %d and EndEpoch %d: want 0 <= StartEpoch < EndEpoch <= Epochs (%d)", cfg.StartEpoch, cfg.EndEpoch, epochs)
	}
	if cfg.Frequency < 0 {
		return nil, fmt.Errorf("Frequency %d: want a positive number of steps (0: once per epoch)", cfg.Frequency)
	}
	global := true
	switch cfg.Method {
	case "", "global_l1":
	case "l1":
		global = false
	default:
		return nil, fmt.Errorf("Method %q: want \"global_l1\" or \"l1\"", cfg.Method)
	}
	targets, err := pruneTargets(m, cfg.Layers)
	if err != nil {
		return nil, err
	}
	freq := cfg.Frequency
	if freq == 0 {
		freq = batches
	}
	return &gradualPruner{cfg: cfg, targets: targets, global: global,
		t0: cfg.StartEpoch * batches, span: (end - cfg.StartEpoch) * batches, freq: freq, lastTarget: -1}, nil
}

// step prunes when step t is on the schedule.
func (g *gradualPruner) step(t int) {
	if t < g.t0 || t > g.t0+g.span {
		return
	}
	if (t-g.t0)%g.freq != 0 && t != g.t0+g.span {
		return
	}
	s := agpSparsity(g.cfg.Initial, g.cfg.Final, t, g.t0, g.span)
	if s == g.lastTarget {
		return
	}
	g.lastTarget = s
	pruneToSparsity(g.targets, s, g.global)
}

// sparsity returns the fraction of the targets' weights that are masked.
func (g *gradualPruner) sparsity() float64 {
	masked, total := maskedCount(g.targets)
	return float64(masked) / float64(total)
}

// IterativePruning configures PruneIteratively: Rounds rounds of pruning
// followed by retraining with Fit, as in Han et al. (2015, "Learning both
// Weights and Connections for Efficient Neural Networks"). Round r prunes to
// sparsity 1 − (1 − Final)^(r/Rounds), so that each round removes the same
// fraction of the weights still left and the last reaches Final.
type IterativePruning struct {
	Rounds int
	Final  float64 // sparsity after the last round, in [0, 1)
	// PerLayer sets the final sparsity of single layers (by index), e.g.
	// Han et al.'s LeNet-300-100 keeps 8%, 9% and 26% of its three layers'
	// weights: {0: 0.92, 2: 0.91, 4: 0.74}. Layers not listed get Final.
	// Setting it implies Method "l1".
	PerLayer map[int]float64
	// Method is "global_l1" (the default) or "l1" (each tensor to its own
	// target).
	Method string
	Layers []int // as PruneConfig.Layers; empty: every Linear, LSTM and GRU
	// Fit is the retraining of every round (its Validation, if set, is
	// evaluated after each pruning and each retraining).
	Fit FitConfig
}

// IterativeRound is one round of PruneIteratively: the sparsity it pruned to,
// the validation score right after pruning and after retraining, and the
// retraining's history.
type IterativeRound struct {
	Round     int
	Sparsity  float64 // fraction of the chosen weights pruned after this round
	Pruned    Evaluation
	Retrained Evaluation
	History   *History
}

// IterativeReport is what PruneIteratively returns.
type IterativeReport struct {
	Metrics []string // the metrics of FitConfig.Metrics, shown per round
	Rounds  []IterativeRound
	Stopped bool // interrupted before the last round ended
}

// PruneIteratively prunes m in rounds, retraining it after each (Han et al.
// 2015): see IterativePruning. The masks stay on m, so its pruned weights
// stay zero in any later Fit. An interrupt during a retraining stops after it
// with Stopped set. It returns an error, naming the value, for a bad
// configuration.
func PruneIteratively(m *Model, train Dataset, cfg IterativePruning) (*IterativeReport, error) {
	if m == nil {
		return nil, fmt.Errorf("ml: PruneIteratively: nil model")
	}
	if m.IsQuantized() {
		return nil, fmt.Errorf("ml: PruneIteratively: the model is quantized; prune the float model, then quantize")
	}
	if cfg.Rounds <= 0 {
		return nil, fmt.Errorf("ml: PruneIteratively: Rounds %d: want at least 1", cfg.Rounds)
	}
	if !(cfg.Final >= 0 && cfg.Final < 1) {
		return nil, fmt.Errorf("ml: PruneIteratively: Final sparsity %v: want a fraction in [0, 1)", cfg.Final)
	}
	if cfg.Fit.Loss == nil {
		return nil, fmt.Errorf("ml: PruneIteratively: Fit.Loss is nil (use e.g. ml.CrossEntropy())")
	}
	global := true
	switch cfg.Method {
	case "", "global_l1":
		global = len(cfg.PerLayer) == 0
	case "l1":
		global = false
	default:
		return nil, fmt.Errorf("ml: PruneIteratively: Method %q: want \"global_l1\" or \"l1\"", cfg.Method)
	}
	targets, err := pruneTargets(m, cfg.Layers)
	if err != nil {
		return nil, fmt.Errorf("ml: PruneIteratively: %w", err)
	}
	final := map[int]float64{}
	for i, s := range cfg.PerLayer {
		if !(s >= 0 && s < 1) {
			return nil, fmt.Errorf("ml: PruneIteratively: PerLayer[%d] sparsity %v: want a fraction in [0, 1)", i, s)
		}
		found := false
		for _, p := range targets {
			found = found || p.index == i
		}
		if !found {
			return nil, fmt.Errorf("ml: PruneIteratively: PerLayer[%d]: layer %d is not among the pruned layers", i, i)
		}
		final[i] = s
	}
	metrics := canonicalMetrics("PruneIteratively", cfg.Fit.Metrics)
	rep := &IterativeReport{Metrics: metrics}
	val := cfg.Fit.Validation
	evaluate := func() Evaluation {
		if val.X == nil {
			return Evaluation{Loss: math.NaN()}
		}
		return m.Evaluate(val, cfg.Fit.Loss, metrics...)
	}
	for r := 1; r <= cfg.Rounds; r++ {
		frac := float64(r) / float64(cfg.Rounds)
		m.mu.Lock()
		if global {
			pruneToSparsity(targets, 1-math.Pow(1-cfg.Final, frac), true)
		} else {
			for _, p := range targets {
				f, ok := final[p.index]
				if !ok {
					f = cfg.Final
				}
				pruneToSparsity([]prunable{p}, 1-math.Pow(1-f, frac), false)
			}
		}
		masked, total := maskedCount(targets)
		m.mu.Unlock()
		round := IterativeRound{Round: r, Sparsity: float64(masked) / float64(total), Pruned: evaluate()}
		fit := cfg.Fit
		if fit.Seed != 0 {
			fit.Seed += int64(r - 1)
		}
		round.History = m.Fit(train, fit)
		round.Retrained = evaluate()
		rep.Rounds = append(rep.Rounds, round)
		if round.History.Stopped && round.History.StopReason == "interrupted" {
			rep.Stopped = true
			break
		}
	}
	return rep, nil
}

// Table returns one row per round: sparsity, then the validation loss and
// metrics after pruning and after retraining, for a display table.
func (r *IterativeReport) Table() (columns []string, rows [][]any) {
	columns = []string{"round", "sparsity", "pruned loss"}
	for _, k := range r.Metrics {
		columns = append(columns, "pruned "+k)
	}
	columns = append(columns, "retrained loss")
	for _, k := range r.Metrics {
		columns = append(columns, "retrained "+k)
	}
	for _, x := range r.Rounds {
		row := []any{x.Round, fmt.Sprintf("%.1f%%", 100*x.Sparsity), round4(x.Pruned.Loss)}
		for _, k := range r.Metrics {
			row = append(row, round4(x.Pruned.Metrics[k]))
		}
		row = append(row, round4(x.Retrained.Loss))
		for _, k := range r.Metrics {
			row = append(row, round4(x.Retrained.Metrics[k]))
		}
		rows = append(rows, row)
	}
	return columns, rows
}

// String prints the rounds as an aligned table.
func (r *IterativeReport) String() string {
	cols, rows := r.Table()
	cells := [][]string{cols}
	for _, row := range rows {
		line := make([]string, len(row))
		for i, v := range row {
			line[i] = fmt.Sprint(v)
		}
		cells = append(cells, line)
	}
	s := strings.TrimRight(formatTextTable(cells, 0), "\n")
	if r.Stopped {
		s += fmt.Sprintf("\ninterrupted after %d rounds", len(r.Rounds))
	}
	return s
}
