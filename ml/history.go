package ml

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Names returns the names of the curves the history holds, for Curve and Best:
// "loss", then each metric, then "val_loss" and "val_" plus each metric when
// there was validation data.
func (h *History) Names() []string {
	names := append([]string{"loss"}, h.metricNames()...)
	if h.hasValidation() {
		names = append(names, "val_loss")
		for _, m := range h.metricNames() {
			names = append(names, "val_"+m)
		}
	}
	return names
}

// metricNames returns the metrics of the history: History.Metrics, or for a
// History built by hand the names found in its epochs.
func (h *History) metricNames() []string {
	if len(h.Metrics) > 0 || len(h.Epochs) == 0 {
		return h.Metrics
	}
	return sortedKeys(h.Epochs[0].Metrics)
}

func (h *History) hasValidation() bool {
	for _, e := range h.Epochs {
		if !math.IsNaN(e.ValLoss) || e.ValMetrics != nil {
			return true
		}
	}
	return false
}

// Curve returns the named quantity per epoch (one of Names, or "lr" for the
// learning rate), as history.history["val_loss"] does in Keras. It panics,
// listing the names, on any other name.
func (h *History) Curve(name string) []float64 {
	value := h.reader(name)
	out := make([]float64, len(h.Epochs))
	for i, e := range h.Epochs {
		out[i] = value(e)
	}
	return out
}

// reader returns a function reading the named quantity from an epoch's
// statistics.
func (h *History) reader(name string) func(EpochStats) float64 {
	switch name {
	case "loss":
		return func(e EpochStats) float64 { return e.Loss }
	case "val_loss":
		return func(e EpochStats) float64 { return e.ValLoss }
	case "lr":
		return func(e EpochStats) float64 { return e.LR }
	}
	if slices.Contains(h.Names(), name) {
		if metric, ok := strings.CutPrefix(name, "val_"); ok {
			return func(e EpochStats) float64 { return mapValue(e.ValMetrics, metric) }
		}
		return func(e EpochStats) float64 { return mapValue(e.Metrics, name) }
	}
	panic(fmt.Sprintf("ml: History has no curve %q; it has %s and \"lr\"", name, strings.Join(quoteAll(h.Names()), ", ")))
}

func mapValue(m map[string]float64, key string) float64 {
	if v, ok := m[key]; ok {
		return v
	}
	return math.NaN()
}

// Best returns the best value of the named curve (see Curve) and its 1-based
// epoch: the lowest for losses, "mse" and "mae", the highest for "accuracy",
// "precision", "recall", "f1" and "r2". NaN values are skipped; with none left it
// returns NaN and epoch 0.
func (h *History) Best(name string) (value float64, epoch int) {
	higher := higherIsBetter(name)
	value = math.NaN()
	for i, v := range h.Curve(name) {
		if math.IsNaN(v) {
			continue
		}
		if epoch == 0 || (higher && v > value) || (!higher && v < value) {
			value, epoch = v, i+1
		}
	}
	return value, epoch
}

// Headline says in one line how training went, e.g. "30 epochs in 1.2s" or
// "stopped (early stopping) after 12 of 30 epochs in 0.8s".
func (h *History) Headline() string {
	done := len(h.Epochs)
	planned := h.Planned
	if planned == 0 && done > 0 {
		planned = h.Epochs[done-1].Epochs
	}
	elapsed := h.Elapsed
	if elapsed == 0 && done > 0 {
		elapsed = h.Epochs[done-1].Elapsed
	}
	took := roundDuration(elapsed).String()
	switch {
	case h.Stopped && done == 0:
		reason := h.StopReason
		if reason == "" {
			reason = "stopped"
		}
		return fmt.Sprintf("stopped (%s) during the first epoch, after %d steps in %s", reason, len(h.StepLoss), took)
	case h.Stopped:
		reason := h.StopReason
		if reason == "" {
			reason = "stopped"
		}
		return fmt.Sprintf("stopped (%s) after %d of %d epochs in %s", reason, done, planned, took)
	case done == 1:
		return "1 epoch in " + took
	}
	return fmt.Sprintf("%d epochs in %s", done, took)
}

// roundDuration keeps three significant digits or so: 1.23s, 45.6ms, 2m3s.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d
}

// sparkWidth is the most characters a curve takes in String.
const sparkWidth = 30

// String summarises the history: how training ended, then for each curve its
// final value, its best value and epoch, and the curve drawn with block
// characters, e.g.
//
//	History: 30 epochs in 1.21s
//	               final    best  epoch  curve
//	loss          0.0061  0.0061     30  █▅▃▂▂▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁
//	val_loss      0.0811  0.0779     21  █▄▃▂▂▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁
func (h *History) String() string {
	var b strings.Builder
	b.WriteString("History: " + h.Headline())
	if len(h.Epochs) == 0 {
		if n := len(h.StepLoss); n > 0 {
			fmt.Fprintf(&b, "\nlast step loss %s", formatMetric(h.StepLoss[n-1]))
		}
		return b.String()
	}
	cells := [][]string{{"", "final", "best", "epoch", "curve"}}
	for _, name := range h.Names() {
		curve := h.Curve(name)
		best, epoch := h.Best(name)
		cells = append(cells, []string{name, formatMetric(curve[len(curve)-1]), formatMetric(best), fmt.Sprint(epoch), sparkline(curve, sparkWidth)})
	}
	b.WriteByte('\n')
	b.WriteString(strings.TrimSuffix(formatPlainTable(cells, 1, 4), "\n"))
	return b.String()
}

// formatMetric writes a loss or metric with four decimals, or in exponent form
// when that would show nothing.
func formatMetric(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	if a := math.Abs(v); a != 0 && (a < 1e-3 || a >= 1e6) {
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.4f", v)
}

// Table returns one row per epoch (epoch, loss, the metrics, the validation loss
// and metrics, the learning rate and the time so far), for a display table:
// display.Table(hist.Table()).
func (h *History) Table() (columns []string, rows [][]any) {
	names := h.Names()
	columns = append([]string{"epoch"}, names...)
	columns = append(columns, "lr", "time")
	readers := make([]func(EpochStats) float64, len(names))
	for i, n := range names {
		readers[i] = h.reader(n)
	}
	for _, e := range h.Epochs {
		row := []any{e.Epoch}
		for _, read := range readers {
			row = append(row, round4(read(e)))
		}
		row = append(row, e.LR, roundDuration(e.Elapsed).String())
		rows = append(rows, row)
	}
	return columns, rows
}

// sparkLevels are the block characters of a sparkline, lowest first.
var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// sparkline draws values as a line of at most width block characters (▁ for the
// lowest, █ for the highest), averaging neighbours when there are more values
// than characters. NaN values are drawn as spaces.
func sparkline(values []float64, width int) string {
	if width <= 0 || len(values) == 0 {
		return ""
	}
	cols := min(width, len(values))
	points := make([]float64, cols)
	for c := range points {
		lo, hi := c*len(values)/cols, (c+1)*len(values)/cols
		sum, n := 0.0, 0
		for _, v := range values[lo:hi] {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				sum += v
				n++
			}
		}
		points[c] = math.NaN()
		if n > 0 {
			points[c] = sum / float64(n)
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range points {
		if !math.IsNaN(p) {
			lo, hi = math.Min(lo, p), math.Max(hi, p)
		}
	}
	var b strings.Builder
	for _, p := range points {
		switch {
		case math.IsNaN(p):
			b.WriteByte(' ')
		case hi == lo:
			b.WriteRune(sparkLevels[len(sparkLevels)/2])
		default:
			level := int(math.Round((p - lo) / (hi - lo) * float64(len(sparkLevels)-1)))
			b.WriteRune(sparkLevels[level])
		}
	}
	return b.String()
}
