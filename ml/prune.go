package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// PruneConfig says which weights Prune zeroes. L1Unstructured, GlobalL1 and
// RandomUnstructured give the methods of torch.nn.utils.prune.
type PruneConfig struct {
	// Method is "l1" (the smallest |w| of each weight tensor), "global_l1"
	// (the smallest |w| over all the chosen tensors together), "random", or
	// "ln_structured" (whole output units of each tensor, those with the
	// smallest Ln norm of their weights, N the norm's order).
	Method string
	// N is the order of the norm of "ln_structured" (1 or 2).
	N int
	// Amount is the fraction, in [0, 1), of the still unpruned weights to
	// prune: as in PyTorch, pruning twice by 0.5 leaves a quarter.
	Amount float64
	// Seed drives the "random" method.
	Seed int64
	// Layers lists the indices of the top-level layers to prune; empty means
	// every Linear, LSTM and GRU layer (their weights, not biases; Embedding
	// tables are left alone unless listed).
	Layers []int
}

// L1Unstructured prunes, in each weight tensor, the given fraction of its
// weights with the smallest magnitude (torch.nn.utils.prune.l1_unstructured).
func L1Unstructured(amount float64) PruneConfig { return PruneConfig{Method: "l1", Amount: amount} }

// GlobalL1 prunes the given fraction of the weights with the smallest
// magnitude across all pruned layers together
// (torch.nn.utils.prune.global_unstructured with L1Unstructured): layers whose
// weights are small lose more of them.
func GlobalL1(amount float64) PruneConfig { return PruneConfig{Method: "global_l1", Amount: amount} }

// RandomUnstructured prunes the given fraction of each weight tensor's
// weights chosen at random with seed.
func RandomUnstructured(amount float64, seed int64) PruneConfig {
	return PruneConfig{Method: "random", Amount: amount, Seed: seed}
}

// LnStructured prunes, in each weight tensor, the given fraction of its
// output units (a Linear layer's outputs, an LSTM's gate rows) with the
// smallest Ln norm of their weights: whole units become zero
// (torch.nn.utils.prune.ln_structured with dim 0 of PyTorch's layout).
func LnStructured(amount float64, n int) PruneConfig {
	return PruneConfig{Method: "ln_structured", Amount: amount, N: n}
}

// prunable is one weight tensor that pruning may mask.
type prunable struct {
	index  int    // the layer's index in the model
	layer  string // e.g. "2 Linear(256→128)"
	name   string // "weight", "weight_ih_l0", ...
	t      *Tensor
	linear bool // a Linear weight, stored [in, out]: output units are columns
}

// Prune zeroes weights of m in place and keeps them zero from then on: every
// pruned tensor carries a mask that Fit and the built-in optimizers apply
// (the gradient, the optimizer's state and the weight are masked at each
// step), so prune-then-fine-tune is Prune followed by Fit. It returns the
// sparsity of each pruned layer after this call. Pruning again prunes a
// fraction of what is left; RemovePruning drops the masks.
//
// It returns an error, naming the layer or value, for an amount outside
// [0, 1), an unknown method, a listed layer without weights, or a quantized
// model.
func Prune(m *Model, cfg PruneConfig) (*PruneReport, error) {
	if m == nil {
		return nil, fmt.Errorf("ml: Prune: nil model")
	}
	if !(cfg.Amount >= 0 && cfg.Amount < 1) {
		return nil, fmt.Errorf("ml: Prune: amount %v: want a fraction in [0, 1)", cfg.Amount)
	}
	switch cfg.Method {
	case "l1", "global_l1", "random":
	case "ln_structured":
		if cfg.N != 1 && cfg.N != 2 {
			return nil, fmt.Errorf("ml: Prune: ln_structured norm order %d: want 1 or 2", cfg.N)
		}
	default:
		return nil, fmt.Errorf("ml: Prune: method %q: want \"l1\", \"global_l1\", \"random\" or \"ln_structured\" (ml.L1Unstructured, ml.GlobalL1, ml.RandomUnstructured, ml.LnStructured)", cfg.Method)
	}
	if m.IsQuantized() {
		return nil, fmt.Errorf("ml: Prune: the model is quantized; prune the float model, fine-tune it, then quantize")
	}
	targets, err := pruneTargets(m, cfg.Layers)
	if err != nil {
		return nil, fmt.Errorf("ml: Prune: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch cfg.Method {
	case "global_l1":
		pruneByMagnitude(targets, cfg.Amount)
	case "l1":
		for _, p := range targets {
			pruneByMagnitude([]prunable{p}, cfg.Amount)
		}
	case "random":
		rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x9a11))
		for _, p := range targets {
			pruneRandom(p, cfg.Amount, rng)
		}
	case "ln_structured":
		for _, p := range targets {
			pruneUnits(p, cfg.Amount, cfg.N)
		}
	}
	return sparsityReport(m, targets), nil
}

// pruneTargets lists the weight tensors of the chosen layers.
func pruneTargets(m *Model, layers []int) ([]prunable, error) {
	var out []prunable
	add := func(i int, l Layer, explicit bool) error {
		name := fmt.Sprintf("%d %s", i, l)
		switch l := l.(type) {
		case *LinearLayer:
			out = append(out, prunable{i, name, "weight", l.Weight, true})
		case *LSTMLayer:
			for _, w := range l.weights {
				out = append(out, prunable{i, name, "weight_ih" + w.namesuffix, w.wih, false}, prunable{i, name, "weight_hh" + w.namesuffix, w.whh, false})
			}
		case *GRULayer:
			for _, w := range l.weights {
				out = append(out, prunable{i, name, "weight_ih" + w.namesuffix, w.wih, false}, prunable{i, name, "weight_hh" + w.namesuffix, w.whh, false})
			}
		case *EmbeddingLayer:
			if explicit {
				out = append(out, prunable{i, name, "weight", l.Weight, false})
			}
		default:
			if explicit {
				return fmt.Errorf("layer %d (%s) has no weights to prune", i, l)
			}
		}
		return nil
	}
	if len(layers) == 0 {
		for i, l := range m.layers {
			if err := add(i, l, false); err != nil {
				return nil, err
			}
		}
	}
	seen := map[int]bool{}
	for _, i := range layers {
		if i < 0 || i >= len(m.layers) {
			return nil, fmt.Errorf("layer %d: the model has layers 0 to %d", i, len(m.layers)-1)
		}
		if seen[i] {
			return nil, fmt.Errorf("layer %d is listed twice", i)
		}
		seen[i] = true
		if err := add(i, m.layers[i], true); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the model has no Linear, LSTM or GRU weights to prune")
	}
	return out, nil
}

// ensureMask gives t a mask of ones if it has none.
func ensureMask(t *Tensor) {
	if t.mask == nil {
		t.mask = make([]float32, len(t.data))
		for i := range t.mask {
			t.mask[i] = 1
		}
	}
}

// pruneByMagnitude masks round(amount·unpruned) of the unpruned weights of ps
// with the smallest |w| (ties broken by position, so the result is the same
// every time).
func pruneByMagnitude(ps []prunable, amount float64) {
	alive := 0
	for _, p := range ps {
		ensureMask(p.t)
		for _, m := range p.t.mask {
			if m != 0 {
				alive++
			}
		}
	}
	pruneSmallest(ps, int(math.RoundToEven(amount*float64(alive))))
}

// pruneSmallest masks the k unpruned weights of ps with the smallest |w|
// (ties broken by position).
func pruneSmallest(ps []prunable, k int) {
	type ref struct {
		p   int
		i   int
		abs float32
	}
	var alive []ref
	for pi, p := range ps {
		ensureMask(p.t)
		for i, v := range p.t.data {
			if p.t.mask[i] != 0 {
				alive = append(alive, ref{pi, i, float32(math.Abs(float64(v)))})
			}
		}
	}
	k = max(0, min(k, len(alive)))
	sort.SliceStable(alive, func(a, b int) bool { return alive[a].abs < alive[b].abs })
	for _, r := range alive[:k] {
		ps[r.p].t.mask[r.i] = 0
	}
	for _, p := range ps {
		applyMask(p.t)
	}
}

// maskedCount returns how many weights of ps are masked (pruned).
func maskedCount(ps []prunable) (masked, total int) {
	for _, p := range ps {
		total += len(p.t.data)
		for _, m := range p.t.mask {
			if m == 0 {
				masked++
			}
		}
	}
	return masked, total
}

// pruneToSparsity prunes ps by magnitude until the fraction target of their
// weights is masked (never unmasking any), together when global is set and
// tensor by tensor otherwise.
func pruneToSparsity(ps []prunable, target float64, global bool) {
	groups := [][]prunable{ps}
	if !global {
		groups = groups[:0]
		for _, p := range ps {
			groups = append(groups, []prunable{p})
		}
	}
	for _, g := range groups {
		masked, total := maskedCount(g)
		pruneSmallest(g, int(math.RoundToEven(target*float64(total)))-masked)
	}
}

func pruneRandom(p prunable, amount float64, rng *rand.Rand) {
	ensureMask(p.t)
	var alive []int
	for i, m := range p.t.mask {
		if m != 0 {
			alive = append(alive, i)
		}
	}
	k := int(math.RoundToEven(amount * float64(len(alive))))
	rng.Shuffle(len(alive), func(a, b int) { alive[a], alive[b] = alive[b], alive[a] })
	for _, i := range alive[:k] {
		p.t.mask[i] = 0
	}
	applyMask(p.t)
}

// pruneUnits masks round(amount·alive units) whole output units of p with
// the smallest Ln norm. Units are columns of a Linear weight ([in, out] in
// gopad) and rows of the others ([out, in] as PyTorch).
func pruneUnits(p prunable, amount float64, n int) {
	ensureMask(p.t)
	rows, cols := p.t.shape[0], p.t.shape[1]
	units, per := rows, cols
	at := func(u, k int) int { return u*cols + k }
	if p.linear {
		units, per = cols, rows
		at = func(u, k int) int { return k*cols + u }
	}
	type unit struct {
		u    int
		norm float64
	}
	var alive []unit
	for u := 0; u < units; u++ {
		if p.t.mask[at(u, 0)] == 0 && unitPruned(p.t.mask, u, per, at) {
			continue
		}
		var s float64
		for k := 0; k < per; k++ {
			v := math.Abs(float64(p.t.data[at(u, k)]))
			if n == 2 {
				v *= v
			}
			s += v
		}
		alive = append(alive, unit{u, s})
	}
	k := int(math.RoundToEven(amount * float64(len(alive))))
	sort.SliceStable(alive, func(a, b int) bool { return alive[a].norm < alive[b].norm })
	for _, x := range alive[:k] {
		for j := 0; j < per; j++ {
			p.t.mask[at(x.u, j)] = 0
		}
	}
	applyMask(p.t)
}

func unitPruned(mask []float32, u, per int, at func(u, k int) int) bool {
	for k := 0; k < per; k++ {
		if mask[at(u, k)] != 0 {
			return false
		}
	}
	return true
}

// applyMask zeroes the masked values of t.
func applyMask(t *Tensor) {
	weightEdits.Add(1) // the mask may have changed: sparse inference rebuilds
	if t.mask != nil {
		maskInto(t.data, t.mask)
	}
}

// maskInto zeroes the masked values of v. The optimizers and Fit call it
// after every change of a masked weight, so it counts one in weightEdits
// (sparse inference then copies the weights again).
func maskInto(v, mask []float32) {
	weightEdits.Add(1)
	for i, m := range mask[:len(v)] {
		if m == 0 {
			v[i] = 0
		}
	}
}

// RemovePruning drops the masks of every pruned tensor (as
// torch.nn.utils.prune.remove): the pruned weights stay zero but training may
// change them again.
func (m *Model) RemovePruning() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range m.Parameters() {
		p.mask = nil
	}
}

// IsPruned reports whether any weight of the model carries a pruning mask.
func (m *Model) IsPruned() bool {
	for _, p := range m.Parameters() {
		if p.mask != nil {
			return true
		}
	}
	return false
}

// PruneReport gives the sparsity (fraction of zero weights) of each prunable
// layer and of the model. It prints as a table (String) and shows as one in
// a notebook (Table).
type PruneReport struct {
	Layers []PruneLayerReport
	// Weights and Zeros count the weights of the reported layers.
	Weights, Zeros int
}

// PruneLayerReport is one weight tensor's row of a PruneReport.
type PruneLayerReport struct {
	Layer   string // index and layer, e.g. "2 Linear(256→128)"
	Tensor  string // "weight", "weight_ih_l0", ...
	Weights int
	Zeros   int
	Masked  bool // the tensor carries a pruning mask
}

// Sparsity returns Zeros / Weights.
func (r PruneLayerReport) Sparsity() float64 { return float64(r.Zeros) / float64(r.Weights) }

// Sparsity returns the fraction of zero weights over the reported layers.
func (r *PruneReport) Sparsity() float64 { return float64(r.Zeros) / float64(r.Weights) }

// Sparsity reports the fraction of zero weights of every Linear, LSTM and GRU
// weight tensor of m (pruned or not, float or quantized), e.g. to check that
// fine-tuning kept pruned weights at zero.
func Sparsity(m *Model) *PruneReport {
	var targets []prunable
	for i, l := range m.layers {
		name := fmt.Sprintf("%d %s", i, l)
		switch l := l.(type) {
		case *QuantLinearLayer:
			targets = append(targets, prunable{0, name, "weight", FromSlice(l.w.dequantized(), l.Out, l.In), false})
		case *QuantLinear4Layer:
			targets = append(targets, prunable{0, name, "weight", l.lin.Weight, false})
		case *QuantLSTMLayer:
			targets = append(targets, quantRNNTargets(name, l.weights)...)
		case *QuantGRULayer:
			targets = append(targets, quantRNNTargets(name, l.weights)...)
		case *LinearLayer, *LSTMLayer, *GRULayer:
			ts, _ := pruneTargets(Sequential(l), nil)
			for _, t := range ts {
				t.layer = name
				targets = append(targets, t)
			}
		}
	}
	return sparsityReport(m, targets)
}

func quantRNNTargets(name string, ws []qrnnWeights) []prunable {
	var out []prunable
	for _, w := range ws {
		out = append(out, prunable{0, name, "weight_ih" + w.suffix, FromSlice(w.ih.dequantized(), w.ih.out, w.ih.in), false},
			prunable{0, name, "weight_hh" + w.suffix, FromSlice(w.hh.dequantized(), w.hh.out, w.hh.in), false})
	}
	return out
}

func sparsityReport(_ *Model, ps []prunable) *PruneReport {
	r := &PruneReport{}
	for _, p := range ps {
		zeros := 0
		for _, v := range p.t.data {
			if v == 0 {
				zeros++
			}
		}
		r.Layers = append(r.Layers, PruneLayerReport{Layer: p.layer, Tensor: p.name, Weights: len(p.t.data), Zeros: zeros, Masked: p.t.mask != nil})
		r.Weights += len(p.t.data)
		r.Zeros += zeros
	}
	return r
}

// Table returns one row per weight tensor and a total row, for a display
// table.
func (r *PruneReport) Table() (columns []string, rows [][]any) {
	columns = []string{"layer", "tensor", "weights", "zeros", "sparsity", "masked"}
	for _, l := range r.Layers {
		rows = append(rows, []any{l.Layer, l.Tensor, groupDigits(l.Weights), groupDigits(l.Zeros), fmt.Sprintf("%.1f%%", 100*l.Sparsity()), l.Masked})
	}
	rows = append(rows, []any{"total", "", groupDigits(r.Weights), groupDigits(r.Zeros), fmt.Sprintf("%.1f%%", 100*r.Sparsity()), ""})
	return columns, rows
}

// String prints the report as an aligned table.
func (r *PruneReport) String() string {
	cols, rows := r.Table()
	cells := [][]string{cols}
	for _, row := range rows {
		line := make([]string, len(row))
		for i, v := range row {
			line[i] = fmt.Sprint(v)
		}
		cells = append(cells, line)
	}
	return strings.TrimRight(formatTextTable(cells, 0), "\n")
}

// maskGrads zeroes the gradients of pruned weights.
func maskGrads(params []*Tensor) {
	for _, p := range params {
		if p.mask != nil && p.grad != nil {
			maskInto(p.grad, p.mask)
		}
	}
}
