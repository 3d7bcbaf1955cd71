package ml

import (
	"math"
	"strings"
	"testing"
)

// The expected values are scikit-learn's (roc_auc_score, average_precision_score,
// roc_curve) for the same inputs, worked by hand in the comments.
func TestROCAndPRBinary(t *testing.T) {
	// sklearn: roc_auc_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.75
	//          average_precision_score(...) = 0.8333333
	//          roc_curve fpr [0,0,0.5,0.5,1], tpr [0,0.5,0.5,1,1]
	scores := FromSlice([]float32{0.1, 0.4, 0.35, 0.8}, 4)
	truth := FromSlice([]float32{0, 0, 1, 1}, 4)
	roc := ROC(scores, truth, nil)
	if len(roc) != 1 || math.Abs(roc[0].AUC-0.75) > 1e-12 {
		t.Fatalf("ROC AUC %v, want 0.75", roc)
	}
	wantX, wantY := []float64{0, 0, 0.5, 0.5, 1}, []float64{0, 0.5, 0.5, 1, 1}
	for i := range wantX {
		if i >= len(roc[0].X) || roc[0].X[i] != wantX[i] || roc[0].Y[i] != wantY[i] {
			t.Fatalf("ROC points %v %v, want %v %v", roc[0].X, roc[0].Y, wantX, wantY)
		}
	}
	pr := PrecisionRecall(scores, truth, []string{"neg", "pos"})
	if math.Abs(pr[0].AUC-0.8333333333333333) > 1e-9 || pr[0].Label() != "pos" {
		t.Errorf("average precision %v (%s), want 0.8333", pr[0].AUC, pr[0].Label())
	}
	// Two score columns: the curve of class 1 from its column.
	two := FromSlice([]float32{0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8}, 4, 2)
	if r := ROC(two, truth, nil); len(r) != 1 || math.Abs(r[0].AUC-0.75) > 1e-12 {
		t.Errorf("ROC from [n,2] scores: %v", r)
	}
}

func TestROCOneVsRestAndTies(t *testing.T) {
	// Perfect separation of class 2, tied scores elsewhere.
	scores := FromSlice([]float32{
		0.8, 0.1, 0.1,
		0.5, 0.5, 0.0,
		0.5, 0.5, 0.0,
		0.0, 0.1, 0.9,
	}, 4, 3)
	truth := FromSlice([]float32{0, 1, 0, 2}, 4)
	roc := ROC(scores, truth, nil)
	if len(roc) != 3 {
		t.Fatalf("%d curves, want one per class", len(roc))
	}
	if roc[2].AUC != 1 {
		t.Errorf("class 2 AUC %v, want 1", roc[2].AUC)
	}
	// Class 1: scores .1 (neg), .5 (pos), .5 (neg), .1 (neg): sklearn gives 0.8333.
	if math.Abs(roc[1].AUC-5.0/6) > 1e-12 {
		t.Errorf("class 1 AUC %v, want 5/6 (ties count half)", roc[1].AUC)
	}
	if !strings.Contains(roc[2].String(), "AUC 1.0000") {
		t.Errorf("summary %q", roc[2].String())
	}
}

func TestCurvesRejectWhatCannotBeDrawn(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "positive") {
			t.Errorf("a class with no positives: panic %v", r)
		}
	}()
	ROC(FromSlice([]float32{0.1, 0.2}, 2), FromSlice([]float32{0, 0}, 2), nil)
}
