package ml

import (
	"fmt"
	"math"
	"strings"
)

// metricDef describes a metric that Evaluate and Fit compute by name.
type metricDef struct {
	name           string
	classification bool // compares class indices (else values)
	higherIsBetter bool
}

// metricDefs lists every named metric, in the order MetricNames returns them.
var metricDefs = []metricDef{
	{"accuracy", true, true},
	{"precision", true, true},
	{"recall", true, true},
	{"f1", true, true},
	{"mse", false, false},
	{"mae", false, false},
	{"r2", false, true},
}

// metricAliases maps names people bring from Keras and scikit-learn to ml's
// own, to suggest them (only ml's names are accepted, so that a metric has one
// name in every History and chart).
var metricAliases = map[string]string{
	"acc":                  "accuracy",
	"categorical_accuracy": "accuracy",
	"f1_score":             "f1",
	"r2_score":             "r2",
	"mean_squared_error":   "mse",
	"mean_absolute_error":  "mae",
	"rmse":                 "mse",
}

// MetricNames returns the names of the metrics that Model.Evaluate and
// FitConfig.Metrics accept: "accuracy", "precision", "recall" and "f1" for
// classification (the last three macro-averaged over classes, as the functions
// of the same names compute them), "mse", "mae" and "r2" for regression.
func MetricNames() []string {
	names := make([]string, len(metricDefs))
	for i, d := range metricDefs {
		names[i] = d.name
	}
	return names
}

func metricDefOf(name string) (metricDef, bool) {
	for _, d := range metricDefs {
		if d.name == name {
			return d, true
		}
	}
	return metricDef{}, false
}

// higherIsBetter reports whether a larger value of the named quantity (a metric
// name, possibly with the prefix "val_", or a loss) is better.
func higherIsBetter(name string) bool {
	d, ok := metricDefOf(strings.TrimPrefix(name, "val_"))
	return ok && d.higherIsBetter
}

// canonicalMetrics checks the metric names a caller asked for and returns them
// in lower case. An unknown name panics with the list of known ones.
func canonicalMetrics(op string, names []string) []string {
	if len(names) == 0 {
		return nil
	}
	out := make([]string, len(names))
	for i, name := range names {
		lower := strings.ToLower(strings.TrimSpace(name))
		if _, ok := metricDefOf(lower); !ok {
			panic(fmt.Sprintf("ml: %s: unknown metric %q%s; the metrics are %s", op, name, metricHint(lower), quotedMetricNames()))
		}
		for _, seen := range out[:i] {
			if seen == lower {
				panic(fmt.Sprintf("ml: %s: metric %q asked for twice", op, name))
			}
		}
		out[i] = lower
	}
	return out
}

// metricHint suggests the metric an unknown name probably meant.
func metricHint(name string) string {
	if alias, ok := metricAliases[name]; ok {
		if name == "rmse" {
			return " (did you mean \"mse\"? RMSE is its square root)"
		}
		return fmt.Sprintf(" (did you mean %q?)", alias)
	}
	for _, d := range metricDefs {
		if len(name) >= 2 && (strings.HasPrefix(d.name, name) || strings.HasPrefix(name, d.name)) {
			return fmt.Sprintf(" (did you mean %q?)", d.name)
		}
	}
	return ""
}

func quotedMetricNames() string {
	var b strings.Builder
	for i, d := range metricDefs {
		switch {
		case i == len(metricDefs)-1:
			b.WriteString(" and ")
		case i > 0:
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", d.name)
	}
	return b.String()
}

// metricAcc accumulates the named metrics over batches of model outputs and
// targets, for Fit's per-epoch metrics and Evaluate.
type metricAcc struct {
	names                       []string
	op                          string // "Fit" or "Evaluate", for panics
	wantClasses, wantRegression bool
	threshold                   float32 // one output per value: class 1 above it

	// Classification: counts[t][p] samples of true class t predicted as p.
	counts [][]int
	// Regression: error sums and, for r2, the targets' running mean and sum of
	// squared deviations (Welford's method).
	n, sqErr, absErr float64
	yMean, yM2       float64
}

func newMetricAcc(op string, names []string, loss Loss) *metricAcc {
	a := &metricAcc{names: names, op: op, threshold: 0.5}
	if b, ok := loss.(*BCELoss); ok && b.Logits {
		a.threshold = 0 // raw scores: sigmoid(0) = 0.5
	}
	for _, name := range names {
		d, _ := metricDefOf(name)
		if d.classification {
			a.wantClasses = true
		} else {
			a.wantRegression = true
		}
	}
	return a
}

// count adds one (true, predicted) pair, growing the matrix as needed.
func (a *metricAcc) count(t, p int) {
	if k := max(t, p) + 1; k > len(a.counts) {
		for i := range a.counts {
			a.counts[i] = append(a.counts[i], make([]int, k-len(a.counts[i]))...)
		}
		for len(a.counts) < k {
			a.counts = append(a.counts, make([]int, k))
		}
	}
	a.counts[t][p]++
}

func (a *metricAcc) classificationMetric() string {
	for _, name := range a.names {
		if d, _ := metricDefOf(name); d.classification {
			return name
		}
	}
	return ""
}

func (a *metricAcc) regressionMetric() string {
	for _, name := range a.names {
		if d, _ := metricDefOf(name); !d.classification {
			return name
		}
	}
	return ""
}

func (a *metricAcc) add(out, y *Tensor) {
	if len(a.names) == 0 {
		return
	}
	if a.wantClasses {
		a.addClasses(out, y)
	}
	if a.wantRegression {
		if len(y.data) != len(out.data) {
			panic(fmt.Sprintf("ml: %s: metric %q compares outputs with targets of the same shape, but the model outputs %v for targets %v; "+
				"for class labels use \"accuracy\", \"precision\", \"recall\" or \"f1\"", a.op, a.regressionMetric(), out.shape, y.shape))
		}
		for i, p := range out.data {
			v := float64(y.data[i])
			d := float64(p) - v
			a.sqErr += d * d
			a.absErr += math.Abs(d)
			a.n++
			delta := v - a.yMean
			a.yMean += delta / a.n
			a.yM2 += delta * (v - a.yMean)
		}
	}
}

func (a *metricAcc) addClasses(out, y *Tensor) {
	k := columns(out)
	switch {
	case k > 1 && columns(y) == k && len(y.shape) >= 2 && len(y.data) == len(out.data):
		// One-hot targets (Dataset.OneHot): the class is the hot column.
		for r := 0; r < len(y.data)/k; r++ {
			a.count(argmaxRow(y.data[r*k:(r+1)*k]), argmaxRow(out.data[r*k:(r+1)*k]))
		}
	case k > 1 && len(y.data)*k == len(out.data):
		// One score per class: the prediction is the highest.
		for r, v := range y.data {
			a.count(a.trueClass(v, r, -1), argmaxRow(out.data[r*k:(r+1)*k]))
		}
	case len(y.data) == len(out.data):
		// One output per target (a sigmoid or BCEWithLogits): class 1 above the threshold.
		for i, v := range y.data {
			p := 0
			if out.data[i] > a.threshold {
				p = 1
			}
			a.count(a.trueClass(v, i, 1), p)
		}
	default:
		panic(fmt.Sprintf("ml: %s: metric %q needs one output per class or one per target, but the model outputs %v for targets %v",
			a.op, a.classificationMetric(), out.shape, y.shape))
	}
}

// trueClass checks that a target is a class index (at most maxClass, when that
// is not negative) and returns it.
func (a *metricAcc) trueClass(v float32, i, maxClass int) int {
	if v < 0 || v != float32(math.Trunc(float64(v))) || (maxClass >= 0 && int(v) > maxClass) {
		want := "a class index"
		if maxClass == 1 {
			want = "0 or 1 (one output per target is a binary classifier)"
		}
		panic(fmt.Sprintf("ml: %s: metric %q needs class labels, but target %d is %v, not %s; for regression use \"mse\", \"mae\" or \"r2\"",
			a.op, a.classificationMetric(), i, v, want))
	}
	return int(v)
}

// values returns the named metrics over everything added so far.
func (a *metricAcc) values() map[string]float64 {
	if len(a.names) == 0 {
		return nil
	}
	cm := ConfusionMatrix{Counts: a.counts}
	out := make(map[string]float64, len(a.names))
	for _, name := range a.names {
		var v float64
		switch name {
		case "accuracy":
			if total := cm.Total(); total > 0 {
				v = cm.Accuracy()
			}
		case "precision":
			v = cm.MacroPrecision()
		case "recall":
			v = cm.MacroRecall()
		case "f1":
			v = cm.MacroF1()
		case "mse":
			v = a.sqErr / math.Max(a.n, 1)
		case "mae":
			v = a.absErr / math.Max(a.n, 1)
		case "r2":
			v = r2FromSums(a.sqErr, a.yM2)
		}
		out[name] = v
	}
	return out
}
