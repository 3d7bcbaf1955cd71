package ml

import (
	"fmt"
	"math"
	"strings"
)

// LabelsOf converts a tensor of class indices (shape [n] or [n, 1], stored as
// float32) to ints. It panics on a value that is not a non-negative integer.
func LabelsOf(t *Tensor) []int {
	if t == nil {
		panic("ml: LabelsOf: nil tensor")
	}
	if !(len(t.shape) == 1 || (len(t.shape) == 2 && t.shape[1] == 1)) {
		panic(fmt.Sprintf("ml: LabelsOf: want class indices of shape [n] or [n, 1], got %v (use t.ArgMax() for scores)", t.shape))
	}
	return classIndices("LabelsOf", "", t)
}

// classIndices converts the values of t, of any shape, to class indices; op and
// what name the caller and the argument in panics.
func classIndices(op, what string, t *Tensor) []int {
	out := make([]int, len(t.data))
	for i, v := range t.data {
		if v < 0 || v != float32(math.Trunc(float64(v))) {
			if what == "" {
				panic(fmt.Sprintf("ml: %s: value %v at row %d is not a class index", op, v, i))
			}
			panic(fmt.Sprintf("ml: %s: %s holds %v at position %d, not a class index (a non-negative whole number)", op, what, v, i))
		}
		out[i] = int(v)
	}
	return out
}

// classPairs turns the tensor arguments of a classification metric into
// predicted and true class indices: pred holds either class indices shaped like
// truth or scores with one column per class.
func classPairs(op string, pred, truth *Tensor) (p, t []int) {
	if pred == nil || truth == nil {
		panic(fmt.Sprintf("ml: %s: nil tensor", op))
	}
	if k := columns(truth); len(truth.shape) >= 2 && k > 1 {
		// One-hot targets (Dataset.OneHot): one column per class, for scores alike.
		if !sameShape(pred.shape, truth.shape) {
			panic(fmt.Sprintf("ml: %s: pred of shape %v does not fit one-hot truth of shape %v: want scores of the same shape", op, pred.shape, truth.shape))
		}
		return pred.Reshape(-1, k).ArgMax(), truth.Reshape(-1, k).ArgMax()
	}
	t = classIndices(op, "truth", truth)
	switch k := columns(pred); {
	case len(pred.data) == len(truth.data):
		for i, v := range pred.data {
			if v < 0 || v != float32(math.Trunc(float64(v))) {
				panic(fmt.Sprintf("ml: %s: pred holds %v at position %d, not a class index: pass scores with one column per class "+
					"([n, classes], of which the metric takes the ArgMax), or class indices (threshold one-output scores first)", op, v, i))
			}
		}
		p = classIndices(op, "pred", pred)
	case k > 1 && len(pred.data) == k*len(truth.data):
		p = pred.Reshape(-1, k).ArgMax()
	default:
		panic(fmt.Sprintf("ml: %s: pred of shape %v does not fit truth of shape %v: want class indices shaped like truth, "+
			"or scores [n, classes] for n true labels", op, pred.shape, truth.shape))
	}
	return p, t
}

// columns returns the size of t's last dimension, or 0 for a scalar.
func columns(t *Tensor) int {
	if len(t.shape) == 0 {
		return 0
	}
	return t.shape[len(t.shape)-1]
}

func checkPairs(op string, pred, truth []int) {
	if len(pred) != len(truth) {
		panic(fmt.Sprintf("ml: %s: %d predictions but %d true labels", op, len(pred), len(truth)))
	}
	if len(pred) == 0 {
		panic(fmt.Sprintf("ml: %s: no samples", op))
	}
	for i := range pred {
		if pred[i] < 0 || truth[i] < 0 {
			panic(fmt.Sprintf("ml: %s: negative class index at sample %d (predicted %d, true %d)", op, i, pred[i], truth[i]))
		}
	}
}

// Accuracy returns the fraction of predictions equal to the true labels. pred
// holds class indices shaped like truth, or scores [n, classes] of which it
// takes the row-wise ArgMax; truth holds class indices ([n] or [n, 1]) or
// one-hot rows [n, classes] (see "Rules of the API" in the package
// documentation for the metrics' names and forms).
func Accuracy(pred, truth *Tensor) float64 { return AccuracyInts(classPairs("Accuracy", pred, truth)) }

// AccuracyInts is Accuracy on class indices.
func AccuracyInts(pred, truth []int) float64 {
	checkPairs("Accuracy", pred, truth)
	correct := 0
	for i := range pred {
		if pred[i] == truth[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(pred))
}

// Precision returns the macro-averaged precision: the mean over classes of
// true positives / predicted positives. Classes are those that occur in pred or
// truth; a class never predicted scores 0. pred is as for Accuracy.
func Precision(pred, truth *Tensor) float64 {
	return PrecisionInts(classPairs("Precision", pred, truth))
}

// PrecisionInts is Precision on class indices.
func PrecisionInts(pred, truth []int) float64 {
	return NewConfusionMatrixInts(pred, truth, nil).MacroPrecision()
}

// Recall returns the macro-averaged recall: the mean over classes of true
// positives / actual positives, over classes that occur in pred or truth. pred
// is as for Accuracy.
func Recall(pred, truth *Tensor) float64 { return RecallInts(classPairs("Recall", pred, truth)) }

// RecallInts is Recall on class indices.
func RecallInts(pred, truth []int) float64 {
	return NewConfusionMatrixInts(pred, truth, nil).MacroRecall()
}

// F1 returns the macro-averaged F1 score: the mean over classes of the harmonic
// mean of each class's precision and recall. pred is as for Accuracy.
func F1(pred, truth *Tensor) float64 { return F1Ints(classPairs("F1", pred, truth)) }

// F1Ints is F1 on class indices.
func F1Ints(pred, truth []int) float64 {
	return NewConfusionMatrixInts(pred, truth, nil).MacroF1()
}

// ConfusionMatrix counts predictions per (true class, predicted class):
// Counts[t][p] samples of class t were predicted as p.
type ConfusionMatrix struct {
	Counts     [][]int
	ClassNames []string // optional labels for the rows and columns
}

// NewConfusionMatrix tabulates predictions against true labels. pred holds class
// indices shaped like truth, or scores [n, classes] of which it takes the
// ArgMax. The matrix has one row and column per class index up to the largest
// seen (or len(classNames), if larger).
func NewConfusionMatrix(pred, truth *Tensor, classNames []string) ConfusionMatrix {
	p, t := classPairs("NewConfusionMatrix", pred, truth)
	return NewConfusionMatrixInts(p, t, classNames)
}

// NewConfusionMatrixInts is NewConfusionMatrix on class indices.
func NewConfusionMatrixInts(pred, truth []int, classNames []string) ConfusionMatrix {
	checkPairs("NewConfusionMatrix", pred, truth)
	k := len(classNames)
	for i := range pred {
		if pred[i]+1 > k {
			k = pred[i] + 1
		}
		if truth[i]+1 > k {
			k = truth[i] + 1
		}
	}
	counts := make([][]int, k)
	for i := range counts {
		counts[i] = make([]int, k)
	}
	for i := range pred {
		counts[truth[i]][pred[i]]++
	}
	return ConfusionMatrix{Counts: counts, ClassNames: classNames}
}

// Classes returns the number of rows (and columns).
func (m ConfusionMatrix) Classes() int { return len(m.Counts) }

// Total returns the number of samples counted.
func (m ConfusionMatrix) Total() int {
	total := 0
	for _, row := range m.Counts {
		for _, c := range row {
			total += c
		}
	}
	return total
}

// Accuracy returns the fraction of samples on the diagonal.
func (m ConfusionMatrix) Accuracy() float64 {
	correct := 0
	for i := range m.Counts {
		correct += m.Counts[i][i]
	}
	return float64(correct) / float64(m.Total())
}

// ClassStats holds one class's scores.
type ClassStats struct {
	Precision, Recall, F1 float64
	Support               int // true samples of the class
	Predicted             int // samples predicted as the class
}

// Class returns the precision, recall, F1 and support of class c. A ratio with a
// zero denominator is 0.
func (m ConfusionMatrix) Class(c int) ClassStats {
	var s ClassStats
	for j := range m.Counts {
		s.Support += m.Counts[c][j]
		s.Predicted += m.Counts[j][c]
	}
	tp := float64(m.Counts[c][c])
	if s.Predicted > 0 {
		s.Precision = tp / float64(s.Predicted)
	}
	if s.Support > 0 {
		s.Recall = tp / float64(s.Support)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}

// present reports the classes that occur as a true label or a prediction; macro
// averages run over these (as scikit-learn's do).
func (m ConfusionMatrix) present() []int {
	var out []int
	for c := range m.Counts {
		s := m.Class(c)
		if s.Support > 0 || s.Predicted > 0 {
			out = append(out, c)
		}
	}
	return out
}

func (m ConfusionMatrix) macro(score func(ClassStats) float64) float64 {
	classes := m.present()
	if len(classes) == 0 {
		return 0
	}
	sum := 0.0
	for _, c := range classes {
		sum += score(m.Class(c))
	}
	return sum / float64(len(classes))
}

// MacroPrecision returns the unweighted mean of the per-class precisions.
func (m ConfusionMatrix) MacroPrecision() float64 {
	return m.macro(func(s ClassStats) float64 { return s.Precision })
}

// MacroRecall returns the unweighted mean of the per-class recalls.
func (m ConfusionMatrix) MacroRecall() float64 {
	return m.macro(func(s ClassStats) float64 { return s.Recall })
}

// MacroF1 returns the unweighted mean of the per-class F1 scores.
func (m ConfusionMatrix) MacroF1() float64 {
	return m.macro(func(s ClassStats) float64 { return s.F1 })
}

func (m ConfusionMatrix) className(c int) string {
	if c < len(m.ClassNames) && m.ClassNames[c] != "" {
		return m.ClassNames[c]
	}
	return fmt.Sprint(c)
}

// Table returns the matrix as columns and rows for a display table: the first
// column names the true class, the others count each predicted class.
func (m ConfusionMatrix) Table() (columns []string, rows [][]any) {
	columns = append(columns, "true \\ predicted")
	for c := range m.Counts {
		columns = append(columns, m.className(c))
	}
	for t, counts := range m.Counts {
		row := []any{m.className(t)}
		for _, n := range counts {
			row = append(row, n)
		}
		rows = append(rows, row)
	}
	return columns, rows
}

// String renders the matrix as an aligned text table with true classes as rows.
func (m ConfusionMatrix) String() string {
	columns, rows := m.Table()
	cells := make([][]string, 0, len(rows)+1)
	cells = append(cells, columns)
	for _, r := range rows {
		line := make([]string, len(r))
		for i, v := range r {
			line[i] = fmt.Sprint(v)
		}
		cells = append(cells, line)
	}
	return formatTextTable(cells, 1)
}

// Report returns per-class precision, recall, F1 and support with macro averages,
// as columns and rows for a display table.
func (m ConfusionMatrix) Report() (columns []string, rows [][]any) {
	columns = []string{"class", "precision", "recall", "f1", "support"}
	for c := range m.Counts {
		s := m.Class(c)
		rows = append(rows, []any{m.className(c), round4(s.Precision), round4(s.Recall), round4(s.F1), s.Support})
	}
	rows = append(rows, []any{"macro avg", round4(m.MacroPrecision()), round4(m.MacroRecall()), round4(m.MacroF1()), m.Total()})
	return columns, rows
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// formatTextTable aligns cells in columns separated by two spaces; the first
// leftCols columns are left-aligned, the rest right-aligned (numbers). The first
// row is a header, underlined.
func formatTextTable(cells [][]string, leftCols int) string {
	return formatPlainTable(cells, leftCols, -1)
}

// formatPlainTable is formatTextTable with the columns from leftFrom on (when
// leftFrom >= 0) left-aligned too.
func formatPlainTable(cells [][]string, leftCols, leftFrom int) string {
	widths := map[int]int{}
	for _, row := range cells {
		for i, c := range row {
			if n := len([]rune(c)); n > widths[i] {
				widths[i] = n
			}
		}
	}
	left := func(i int) bool { return i < leftCols || (leftFrom >= 0 && i >= leftFrom) }
	var b strings.Builder
	for r, row := range cells {
		var line strings.Builder
		for i, c := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if left(i) {
				line.WriteString(c + pad)
			} else {
				line.WriteString(pad + c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteString("\n")
		if r == 0 {
			total := 0
			for i := range row {
				total += widths[i]
			}
			b.WriteString(strings.Repeat("-", total+2*(len(row)-1)))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// checkRegression panics unless predictions and targets pair up element by element.
func checkRegression(op string, pred, truth []float64) {
	if len(pred) != len(truth) {
		panic(fmt.Sprintf("ml: %s: %d predictions but %d targets", op, len(pred), len(truth)))
	}
	if len(pred) == 0 {
		panic(fmt.Sprintf("ml: %s: no samples", op))
	}
}

// MSE returns the mean squared error between two tensors of the same shape (a
// size-1 dimension may be missing from one: [n] and [n, 1] pair up).
func MSE(pred, truth *Tensor) float64 { return MSEFloat64s(valuePairs("MSE", pred, truth)) }

// MSEFloat64s is MSE on plain values.
func MSEFloat64s(pred, truth []float64) float64 {
	checkRegression("MSE", pred, truth)
	sum := 0.0
	for i := range pred {
		d := pred[i] - truth[i]
		sum += d * d
	}
	return sum / float64(len(pred))
}

// MAE returns the mean absolute error between two tensors of the same shape (a
// size-1 dimension may be missing from one).
func MAE(pred, truth *Tensor) float64 { return MAEFloat64s(valuePairs("MAE", pred, truth)) }

// MAEFloat64s is MAE on plain values.
func MAEFloat64s(pred, truth []float64) float64 {
	checkRegression("MAE", pred, truth)
	sum := 0.0
	for i := range pred {
		sum += math.Abs(pred[i] - truth[i])
	}
	return sum / float64(len(pred))
}

// R2 returns the coefficient of determination, 1 - SS_res / SS_tot, over all
// elements of two tensors of the same shape (a size-1 dimension may be missing
// from one). When the targets are constant it returns 1 for a perfect
// prediction and 0 otherwise.
func R2(pred, truth *Tensor) float64 { return R2Float64s(valuePairs("R2", pred, truth)) }

// R2Float64s is R2 on plain values.
func R2Float64s(pred, truth []float64) float64 {
	checkRegression("R2", pred, truth)
	mean := 0.0
	for _, v := range truth {
		mean += v
	}
	mean /= float64(len(truth))
	var ssRes, ssTot float64
	for i := range truth {
		ssRes += (truth[i] - pred[i]) * (truth[i] - pred[i])
		ssTot += (truth[i] - mean) * (truth[i] - mean)
	}
	return r2FromSums(ssRes, ssTot)
}

// r2FromSums is 1 - ssRes/ssTot, with R2's rule for constant targets.
func r2FromSums(ssRes, ssTot float64) float64 {
	if ssTot == 0 {
		if ssRes == 0 {
			return 1
		}
		return 0
	}
	return 1 - ssRes/ssTot
}

// Float64s converts a tensor's values to float64, e.g. to use them with gonum.
func Float64s(t *Tensor) []float64 {
	out := make([]float64, t.Len())
	for i, v := range t.Data() {
		out[i] = float64(v)
	}
	return out
}

// valuePairs returns the values of two tensors whose shapes agree once their
// size-1 dimensions are dropped, so that [n] and [n, 1] pair up but [n, 2] and
// [2, n] do not.
func valuePairs(op string, a, b *Tensor) ([]float64, []float64) {
	if a == nil || b == nil {
		panic(fmt.Sprintf("ml: %s: nil tensor", op))
	}
	if !sameShape(squeezed(a.shape), squeezed(b.shape)) {
		panic(fmt.Sprintf("ml: %s: pred of shape %v and truth of shape %v differ", op, a.shape, b.shape))
	}
	return Float64s(a), Float64s(b)
}

// squeezed returns shape without its size-1 dimensions.
func squeezed(shape []int) []int {
	out := make([]int, 0, len(shape))
	for _, d := range shape {
		if d != 1 {
			out = append(out, d)
		}
	}
	return out
}
