package ml

import (
	"fmt"
	"strings"
)

// SensitivityResult is what PruneSensitivity returns: for each prunable layer,
// the score of the model with only that layer pruned at each ratio.
type SensitivityResult struct {
	Ratios  []float64
	Layers  []string    // index and layer, e.g. "2 Linear(256→128)"
	Scores  [][]float64 // Scores[layer][ratio]
	Base    float64     // the unpruned model's score
	Stopped bool        // interrupted before every layer ran
}

// PruneSensitivity prunes each Linear, LSTM and GRU layer of m alone (L1 per
// tensor, on a copy) at each ratio and scores the copy on val, as Distiller's
// sensitivity analysis does: layers whose score falls fast should be pruned
// less. m is unchanged. An interrupt (the notebook's stop button) ends the
// analysis after the current copy, with Stopped set.
func PruneSensitivity(m *Model, val Dataset, ratios []float64, score func(m *Model, val Dataset) float64) (SensitivityResult, error) {
	if m == nil || score == nil {
		return SensitivityResult{}, fmt.Errorf("ml: PruneSensitivity: nil model or score function")
	}
	for _, r := range ratios {
		if !(r >= 0 && r < 1) {
			return SensitivityResult{}, fmt.Errorf("ml: PruneSensitivity: ratio %v: want fractions in [0, 1)", r)
		}
	}
	quiet := beginQuietProgress()
	defer quiet.end()
	res := SensitivityResult{Ratios: append([]float64(nil), ratios...), Base: score(m, val)}
	layers := 0
	for _, l := range m.layers {
		switch l.(type) {
		case *LinearLayer, *LSTMLayer, *GRULayer:
			layers++
		}
	}
	quiet.beginSweep(layers*len(ratios), "pruned copy", "score")
	defer func() { quiet.endSweep(res.Stopped) }()
	for i, l := range m.layers {
		switch l.(type) {
		case *LinearLayer, *LSTMLayer, *GRULayer:
		default:
			continue
		}
		row := make([]float64, 0, len(ratios))
		for _, r := range ratios {
			if quiet.stopped() {
				res.Stopped = true
				return res, nil
			}
			c, err := m.Clone()
			if err != nil {
				return res, fmt.Errorf("ml: PruneSensitivity: %w", err)
			}
			if _, err := Prune(c, PruneConfig{Method: "l1", Amount: r, Layers: []int{i}}); err != nil {
				return res, fmt.Errorf("ml: PruneSensitivity: %w", err)
			}
			s := score(c, val)
			quiet.sweepStep(s)
			row = append(row, s)
		}
		res.Layers = append(res.Layers, fmt.Sprintf("%d %s", i, l))
		res.Scores = append(res.Scores, row)
	}
	return res, nil
}

// Table returns one row per layer and one column per ratio, for a display
// table.
func (r SensitivityResult) Table() (columns []string, rows [][]any) {
	columns = []string{"layer"}
	for _, x := range r.Ratios {
		columns = append(columns, fmt.Sprintf("%g%%", 100*x))
	}
	for i, l := range r.Layers {
		row := []any{l}
		for _, s := range r.Scores[i] {
			row = append(row, round4(s))
		}
		rows = append(rows, row)
	}
	return columns, rows
}

// String prints the table and the unpruned score.
func (r SensitivityResult) String() string {
	cols, rows := r.Table()
	cells := [][]string{cols}
	for _, row := range rows {
		line := make([]string, len(row))
		for i, v := range row {
			line[i] = fmt.Sprint(v)
		}
		cells = append(cells, line)
	}
	s := strings.TrimRight(formatTextTable(cells, 1), "\n") + fmt.Sprintf("\nunpruned: %.4f", r.Base)
	if r.Stopped {
		s += fmt.Sprintf("\ninterrupted after %d layers", len(r.Layers))
	}
	return s
}
