package ml

import (
	"math"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Hand-computed: truth [0 0 0 1 1 2], pred [0 1 0 1 2 2].
// Rows (true): 0 -> [2 1 0], 1 -> [0 1 1], 2 -> [0 0 1].
// Precision per class 1, 1/2, 1/2; recall 2/3, 1/2, 1; F1 0.8, 0.5, 2/3.
func TestClassificationMetrics(t *testing.T) {
	truth := []int{0, 0, 0, 1, 1, 2}
	pred := []int{0, 1, 0, 1, 2, 2}
	if got := Accuracy(pred, truth); !near(got, 4.0/6) {
		t.Errorf("Accuracy = %v, want 4/6", got)
	}
	if got := Precision(pred, truth); !near(got, 2.0/3) {
		t.Errorf("Precision = %v, want (1+0.5+0.5)/3", got)
	}
	if got := Recall(pred, truth); !near(got, (2.0/3+0.5+1)/3) {
		t.Errorf("Recall = %v, want (2/3+1/2+1)/3", got)
	}
	if got := F1(pred, truth); !near(got, (0.8+0.5+2.0/3)/3) {
		t.Errorf("F1 = %v, want (0.8+0.5+2/3)/3", got)
	}
	m := NewConfusionMatrix(pred, truth, []string{"cat", "dog", "emu"})
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
	if got := F1([]int{0, 2, 2}, []int{0, 2, 2}); got != 1 {
		t.Errorf("F1 with an absent class = %v, want 1", got)
	}
	// A class that is predicted but never true has precision 0 and counts.
	if got := Precision([]int{1, 1}, []int{0, 1}); !near(got, 0.25) {
		t.Errorf("Precision = %v, want (0 + 1/2)/2", got)
	}
}

func TestArgmaxAndTensorMetrics(t *testing.T) {
	logits := FromSlice([]float32{0.1, 2, -1, 5, 5, 1, -3, -2, -1}, 3, 3)
	if got := Argmax(logits); !equalInts(got, []int{1, 0, 2}) {
		t.Errorf("Argmax = %v, want [1 0 2] (first of ties)", got)
	}
	y := FromSlice([]float32{1, 1, 2}, 3)
	if got := AccuracyOf(logits, y); !near(got, 2.0/3) {
		t.Errorf("AccuracyOf = %v, want 2/3", got)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "value 1.5 at row 0") {
			t.Fatalf("LabelsOf(1.5) panic %v", r)
		}
	}()
	LabelsOf(FromSlice([]float32{1.5}, 1))
}

func TestRegressionMetrics(t *testing.T) {
	pred, truth := []float64{1, 2, 3}, []float64{1, 3, 5}
	if got := MSE(pred, truth); !near(got, 5.0/3) {
		t.Errorf("MSE = %v, want 5/3", got)
	}
	if got := MAE(pred, truth); !near(got, 1) {
		t.Errorf("MAE = %v, want 1", got)
	}
	if got := R2(pred, truth); !near(got, 0.375) {
		t.Errorf("R2 = %v, want 1 - 5/8", got)
	}
	if got := R2Of(FromSlice([]float32{1, 3, 5}, 3, 1), FromSlice([]float32{1, 3, 5}, 3, 1)); got != 1 {
		t.Errorf("R2 of a perfect prediction = %v", got)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "2 predictions but 3 targets") {
			t.Fatalf("length mismatch panic %v", r)
		}
	}()
	MSE([]float64{1, 2}, truth)
}
