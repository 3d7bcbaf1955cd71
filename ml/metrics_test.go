package ml

import (
	"fmt"
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Hand-computed: truth [0 0 0 1 1 2], pred [0 1 0 1 2 2].
// Rows (true): 0 -> [2 1 0], 1 -> [0 1 1], 2 -> [0 0 1].
// Precision per class 1, 1/2, 1/2; recall 2/3, 1/2, 1; F1 0.8, 0.5, 2/3.
func TestClassificationMetrics(t *testing.T) {
	truth := []int{0, 0, 0, 1, 1, 2}
	pred := []int{0, 1, 0, 1, 2, 2}
	// The same predictions as class indices and as scores (one column per class).
	predT := FromSlice([]float32{0, 1, 0, 1, 2, 2}, 6)
	scores := FromSlice([]float32{
		3, 1, 0,
		0, 2, 1,
		1, 0, 0,
		0, 5, 4,
		0, 1, 2,
		-1, -2, 0}, 6, 3)
	truthT := FromSlice([]float32{0, 0, 0, 1, 1, 2}, 6)
	truthColumn := truthT.Reshape(6, 1)
	for _, c := range []struct {
		name         string
		ints         func(p, t []int) float64
		tensors      func(p, t *Tensor) float64
		want         float64
		wantExplains string
	}{
		{"Accuracy", AccuracyInts, Accuracy, 4.0 / 6, "4/6"},
		{"Precision", PrecisionInts, Precision, 2.0 / 3, "(1+0.5+0.5)/3"},
		{"Recall", RecallInts, Recall, (2.0/3 + 0.5 + 1) / 3, "(2/3+1/2+1)/3"},
		{"F1", F1Ints, F1, (0.8 + 0.5 + 2.0/3) / 3, "(0.8+0.5+2/3)/3"},
	} {
		if got := c.ints(pred, truth); !near(got, c.want) {
			t.Errorf("%sInts = %v, want %s", c.name, got, c.wantExplains)
		}
		if got := c.tensors(predT, truthT); !near(got, c.want) {
			t.Errorf("%s(indices) = %v, want %s", c.name, got, c.wantExplains)
		}
		if got := c.tensors(scores, truthColumn); !near(got, c.want) {
			t.Errorf("%s(scores, [n 1] truth) = %v, want %s", c.name, got, c.wantExplains)
		}
		if got := c.tensors(scores, OneHot(truthT, 3)); !near(got, c.want) {
			t.Errorf("%s(scores, one-hot truth) = %v, want %s", c.name, got, c.wantExplains)
		}
	}
	if got := NewConfusionMatrix(scores, truthT, nil).Counts; fmt.Sprint(got) != "[[2 1 0] [0 1 1] [0 0 1]]" {
		t.Errorf("NewConfusionMatrix(scores) counts %v", got)
	}
	m := NewConfusionMatrixInts(pred, truth, []string{"cat", "dog", "emu"})
	want := [][]int{{2, 1, 0}, {0, 1, 1}, {0, 0, 1}}
	for i := range want {
		if !equalInts(m.Counts[i], want[i]) {
			t.Fatalf("confusion counts %v, want %v", m.Counts, want)
		}
	}
	s := m.Class(2)
	if s.Support != 1 || s.Predicted != 2 || !near(s.Precision, 0.5) || !near(s.Recall, 1) {
		t.Errorf("class 2 stats %+v", s)
	}
	wantText := "true \\ predicted  cat  dog  emu\n" +
		"-------------------------------\n" +
		"cat                 2    1    0\n" +
		"dog                 0    1    1\n" +
		"emu                 0    0    1\n"
	if got := m.String(); got != wantText {
		t.Errorf("String() =\n%s\nwant\n%s", got, wantText)
	}
	cols, rows := m.Report()
	if len(cols) != 5 || len(rows) != 4 || rows[3][0] != "macro avg" || rows[3][3] != 0.6556 || rows[0][4] != 3 {
		t.Errorf("Report() = %v %v", cols, rows)
	}
}

func TestMacroAveragesSkipAbsentClasses(t *testing.T) {
	// Class 1 occurs neither as truth nor as prediction: it must not drag the mean down.
	if got := F1Ints([]int{0, 2, 2}, []int{0, 2, 2}); got != 1 {
		t.Errorf("F1 with an absent class = %v, want 1", got)
	}
	// A class that is predicted but never true has precision 0 and counts.
	if got := PrecisionInts([]int{1, 1}, []int{0, 1}); !near(got, 0.25) {
		t.Errorf("Precision = %v, want (0 + 1/2)/2", got)
	}
}

func TestArgMaxAndMetricMisuse(t *testing.T) {
	logits := FromSlice([]float32{0.1, 2, -1, 5, 5, 1, -3, -2, -1}, 3, 3)
	if got := logits.ArgMax(); !equalInts(got, []int{1, 0, 2}) {
		t.Errorf("ArgMax = %v, want [1 0 2] (first of ties)", got)
	}
	if got := FromSlice([]float32{1, 7, 3}, 3).ArgMax(); !equalInts(got, []int{1}) {
		t.Errorf("ArgMax of a vector = %v, want [1] (one row)", got)
	}
	mustPanic(t, "ArgMax rank 3", func() { New(2, 2, 2).ArgMax() }, "ArgMax", "[2 2 2]", "ArgMaxAxis")
	y := FromSlice([]float32{1, 1, 2}, 3)
	if got := Accuracy(logits, y); !near(got, 2.0/3) {
		t.Errorf("Accuracy(scores) = %v, want 2/3", got)
	}
	mustPanic(t, "LabelsOf 1.5", func() { LabelsOf(FromSlice([]float32{1.5}, 1)) }, "value 1.5 at row 0")
	// Probabilities of one output per sample are not class indices: say what to pass.
	mustPanic(t, "Accuracy of probabilities", func() { Accuracy(FromSlice([]float32{0.7, 0.2}, 2, 1), FromSlice([]float32{1, 0}, 2)) },
		"Accuracy", "pred holds 0.7", "scores with one column per class")
	mustPanic(t, "Accuracy of non-labels", func() { Accuracy(FromSlice([]float32{1, 0}, 2), FromSlice([]float32{0.5, 0}, 2)) },
		"Accuracy", "truth holds 0.5", "not a class index")
	mustPanic(t, "F1 shapes", func() { F1(New(4, 3), New(3)) }, "F1", "[4 3]", "[3]")
	mustPanic(t, "one-hot shapes", func() { Recall(New(4, 2), New(4, 3)) }, "Recall", "one-hot truth of shape [4 3]")
}

func TestRegressionMetrics(t *testing.T) {
	pred, truth := []float64{1, 2, 3}, []float64{1, 3, 5}
	predT, truthT := FromFloat64s(pred, 3), FromFloat64s(truth, 3, 1) // [n] and [n 1] pair up
	for _, c := range []struct {
		name    string
		slices  func(p, t []float64) float64
		tensors func(p, t *Tensor) float64
		want    float64
	}{
		{"MSE", MSEFloat64s, MSE, 5.0 / 3},
		{"MAE", MAEFloat64s, MAE, 1},
		{"R2", R2Float64s, R2, 0.375},
	} {
		if got := c.slices(pred, truth); !near(got, c.want) {
			t.Errorf("%sFloat64s = %v, want %v", c.name, got, c.want)
		}
		if got := c.tensors(predT, truthT); !near(got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, got, c.want)
		}
	}
	if got := R2(FromSlice([]float32{1, 3, 5}, 3, 1), FromSlice([]float32{1, 3, 5}, 3, 1)); got != 1 {
		t.Errorf("R2 of a perfect prediction = %v", got)
	}
	mustPanic(t, "MSE lengths", func() { MSEFloat64s([]float64{1, 2}, truth) }, "2 predictions but 3 targets")
	// Same number of values, transposed: not the same shape.
	mustPanic(t, "MSE transposed", func() { MSE(New(2, 3), New(3, 2)) }, "MSE", "[2 3]", "[3 2]", "differ")
}
