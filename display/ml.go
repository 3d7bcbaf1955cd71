package display

import (
	"fmt"
	"math"
	"strings"

	"gopad.dev/gopad/ml"
)

// The ml package cannot depend on this one, so the rich forms of its types that
// need more than their Table and String methods live here: a training History
// renders as its chart (HistoryChart).

// historyBundle renders a training history as a cell's result: the interactive
// chart of its curves with the best values under the title and a static
// picture, the history's String (headline and a line per curve) as text/plain,
// and the per-epoch table. A run stopped before its first epoch has no epoch
// curves: it draws the loss of each step it took, its text saying how far it got.
func historyBundle(h *ml.History) Bundle {
	if len(h.Epochs) == 0 {
		if len(h.StepLoss) == 0 {
			return Bundle{MIMEText: h.String()}
		}
		steps := make([]float64, len(h.StepLoss))
		for i := range steps {
			steps[i] = float64(i + 1)
		}
		o := baseOption("Training history: " + h.Headline())
		o["tooltip"] = map[string]any{"trigger": "axis"}
		o["xAxis"] = map[string]any{"type": "value", "name": "step", "nameLocation": "middle", "nameGap": 28, "minInterval": 1, "min": 1}
		o["yAxis"] = valueAxis("loss")
		o["series"] = []any{map[string]any{"type": "line", "name": "train loss per step", "showSymbol": len(steps) <= 50,
			"data": pairs(steps, h.StepLoss)}}
		b := chartBundle(optionJSON(o))
		b[MIMEText] = h.String()
		return b
	}
	return HistoryChart(h)
}

// historySummary is the line under a history chart's title: the best value of
// each quantity and its epoch (of the validation curve when there is one), and
// the training seed.
func historySummary(h *ml.History) string {
	names := h.Names()
	var parts []string
	for _, name := range names {
		if strings.HasPrefix(name, "val_") {
			continue
		}
		of := name
		if containsName(names, "val_"+name) {
			of = "val_" + name
		}
		best, epoch := h.Best(of)
		if epoch == 0 {
			parts = append(parts, fmt.Sprintf("%s: no value", of))
			continue
		}
		parts = append(parts, fmt.Sprintf("best %s %s (epoch %d)", of, metricText(best), epoch))
	}
	if h.Seed != 0 {
		parts = append(parts, fmt.Sprintf("seed %d", h.Seed))
	}
	return strings.Join(parts, " · ")
}

func containsName(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// metricText writes a loss or metric as the history's text form does.
func metricText(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	if a := math.Abs(v); a != 0 && (a < 1e-3 || a >= 1e6) {
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.4f", v)
}
