package ml

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// CompressionTrial is one configuration of a CompressionSearch: its
// cross-validated score, the size of the model it gives and whether no other
// configuration is both smaller and better (the Pareto front).
type CompressionTrial struct {
	Params   Params
	CV       CVResult
	Bytes    int     // StoredBytes of the model the configuration gives (mean over folds)
	Sparsity float64 // fraction of zero weights (Sparsity) of that model
	Pareto   bool
}

// CompressionResult is what CompressionSearch returns.
type CompressionResult struct {
	Names   []string // parameter names, in column order
	Trials  []CompressionTrial
	Best    int  // index of the highest mean score; -1 if none ran
	Stopped bool // interrupted before every configuration ran
}

// CompressionSearch cross-validates every combination of grid (k folds of d,
// the same folds for each) like GridSearch, and also records the size of the
// model each combination gives, so that accuracy can be weighed against
// size. build receives a combination and a training fold and returns the
// model to score, typically trained, pruned, fine-tuned and quantized
// according to the combination's values (say "lr", "prune", "step");
// score computes the validation score of that model (higher is better), e.g.
//
//	func(m *ml.Model, val ml.Dataset) float64 {
//		return m.Evaluate(val, ml.CrossEntropy(), "accuracy").Metrics["accuracy"]
//	}
//
// Training progress is quieted and an interrupt stops the search after the
// current fit, as in CrossValidate.
func CompressionSearch(grid Grid, d Dataset, k int, seed int64, build func(p Params, train Dataset) *Model, score func(m *Model, val Dataset) float64) CompressionResult {
	if build == nil || score == nil {
		panic("ml: CompressionSearch: nil build or score function")
	}
	type size struct {
		bytes, sparsity float64
		n               int
	}
	sizes := map[string]*size{}
	gr := GridSearch(grid, d, k, seed, func(p Params, tr, val Dataset) float64 {
		m := build(p, tr)
		if m == nil {
			panic(fmt.Sprintf("ml: CompressionSearch: build returned a nil model for %s", p))
		}
		key := p.String()
		s := sizes[key]
		if s == nil {
			s = &size{}
			sizes[key] = s
		}
		s.bytes += float64(m.StoredBytes())
		if sp := Sparsity(m); sp.Weights > 0 {
			s.sparsity += sp.Sparsity()
		}
		s.n++
		return score(m, val)
	})
	r := CompressionResult{Names: gr.Names, Best: gr.Best, Stopped: gr.Stopped}
	for _, t := range gr.Trials {
		s := sizes[t.Params.String()]
		r.Trials = append(r.Trials, CompressionTrial{Params: t.Params, CV: t.CV,
			Bytes: int(math.Round(s.bytes / float64(s.n))), Sparsity: s.sparsity / float64(s.n)})
	}
	markPareto(r.Trials)
	return r
}

// markPareto marks the trials that no other trial dominates (at most as
// large and at least as good, strictly better in one).
func markPareto(ts []CompressionTrial) {
	for i := range ts {
		ts[i].Pareto = true
		for j := range ts {
			a, b := ts[j], ts[i]
			if j != i && a.Bytes <= b.Bytes && a.CV.Mean >= b.CV.Mean && (a.Bytes < b.Bytes || a.CV.Mean > b.CV.Mean) {
				ts[i].Pareto = false
				break
			}
		}
	}
}

// BestParams returns the combination with the highest mean score, or nil.
func (r CompressionResult) BestParams() Params {
	if r.Best < 0 {
		return nil
	}
	return r.Trials[r.Best].Params
}

// Smallest returns the smallest configuration whose mean score is at least
// minScore (the best-scoring one among equally small), or nil if none is.
// res.Smallest(res.Trials[res.Best].CV.Mean - 0.005) picks the smallest
// model within half a point of the best.
func (r CompressionResult) Smallest(minScore float64) Params {
	best := -1
	for i, t := range r.Trials {
		if t.CV.Mean < minScore {
			continue
		}
		if best < 0 || t.Bytes < r.Trials[best].Bytes || t.Bytes == r.Trials[best].Bytes && t.CV.Mean > r.Trials[best].CV.Mean {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	return r.Trials[best].Params
}

// Front returns the Pareto-optimal trials from smallest to largest.
func (r CompressionResult) Front() []CompressionTrial {
	var out []CompressionTrial
	for _, t := range r.Trials {
		if t.Pareto {
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Bytes < out[b].Bytes })
	return out
}

// Table returns one row per configuration: parameters, mean and std of the
// score, bytes, sparsity, and markers for the Pareto front and the best
// score, for a display table.
func (r CompressionResult) Table() (columns []string, rows [][]any) {
	columns = append(append(columns, r.Names...), "mean", "std", "bytes", "sparsity", "pareto", "best")
	for i, t := range r.Trials {
		var row []any
		for _, n := range r.Names {
			row = append(row, t.Params[n])
		}
		pareto, best := "", ""
		if t.Pareto {
			pareto = "*"
		}
		if i == r.Best {
			best = "*"
		}
		row = append(row, round4(t.CV.Mean), round4(t.CV.Std), groupDigits(t.Bytes), fmt.Sprintf("%.1f%%", 100*t.Sparsity), pareto, best)
		rows = append(rows, row)
	}
	return columns, rows
}

// String renders the table followed by the Pareto front.
func (r CompressionResult) String() string {
	columns, rows := r.Table()
	cells := [][]string{columns}
	for _, row := range rows {
		line := make([]string, len(row))
		for i, v := range row {
			if x, ok := v.(float64); ok {
				line[i] = strconv.FormatFloat(x, 'g', -1, 64)
			} else {
				line[i] = fmt.Sprint(v)
			}
		}
		cells = append(cells, line)
	}
	var b strings.Builder
	b.WriteString(formatTextTable(cells, 0))
	var front []string
	for _, t := range r.Front() {
		front = append(front, fmt.Sprintf("%s (%.4f, %s bytes)", t.Params, t.CV.Mean, groupDigits(t.Bytes)))
	}
	fmt.Fprintf(&b, "pareto front: %s\n", strings.Join(front, "; "))
	if r.Stopped {
		fmt.Fprintf(&b, "interrupted: %d configurations completed\n", len(r.Trials))
	}
	return b.String()
}
