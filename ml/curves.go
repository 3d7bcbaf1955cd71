package ml

import (
	"fmt"
	"math"
	"sort"
)

// Curve is a threshold curve of a binary decision (class Class against the
// rest): ROC (X = false positive rate, Y = true positive rate) or
// precision-recall (X = recall, Y = precision), one point per distinct score
// threshold, with the area under it.
type Curve struct {
	Kind       string    // "roc" or "pr"
	Class      int       // the positive class
	ClassName  string    // its name, when the caller gave class names
	X, Y       []float64 // FPR and TPR (roc), or recall and precision (pr)
	Thresholds []float64 // score at or above which a sample is called positive; +Inf for the first ROC point
	AUC        float64   // area under the ROC curve, or average precision for pr
	Positives  int       // samples of the class
	Negatives  int       // samples of the other classes
}

// ROC returns the ROC curve of each class against the rest (one-vs-rest), as
// scikit-learn's roc_curve and roc_auc_score compute them. scores holds one
// column per class ([n, k], probabilities or logits) or, for a binary problem,
// the score of class 1 ([n] or [n, 1]), which gives the one curve of class 1.
// truth holds class indices. AUC is the trapezoidal area.
func ROC(scores, truth *Tensor, classNames []string) []Curve {
	return curves("ROC", "roc", scores, truth, classNames)
}

// PrecisionRecall returns the precision-recall curve of each class against the
// rest, shaped like ROC's argument, as scikit-learn's precision_recall_curve;
// AUC is the average precision (sum of precision times recall increments, as
// average_precision_score).
func PrecisionRecall(scores, truth *Tensor, classNames []string) []Curve {
	return curves("PrecisionRecall", "pr", scores, truth, classNames)
}

func curves(op, kind string, scores, truth *Tensor, classNames []string) []Curve {
	if scores == nil || truth == nil {
		panic(fmt.Sprintf("ml: %s: nil tensor", op))
	}
	labels := classIndices(op, "truth", truth)
	n := len(labels)
	s := scores.shape
	var classes []int
	var col func(c, i int) float64
	switch {
	case len(s) == 1 || len(s) == 2 && s[1] == 1:
		if scores.Len() != n {
			panic(fmt.Sprintf("ml: %s: %d scores for %d labels", op, scores.Len(), n))
		}
		classes = []int{1}
		col = func(_, i int) float64 { return float64(scores.data[i]) }
	case len(s) == 2:
		if s[0] != n {
			panic(fmt.Sprintf("ml: %s: scores of shape %v for %d labels", op, s, n))
		}
		k := s[1]
		if k == 2 {
			classes = []int{1}
		} else {
			for c := 0; c < k; c++ {
				classes = append(classes, c)
			}
		}
		col = func(c, i int) float64 { return float64(scores.data[i*k+c]) }
	default:
		panic(fmt.Sprintf("ml: %s: scores of shape %v: want [n], [n, 1] or [n, classes]", op, s))
	}
	out := make([]Curve, 0, len(classes))
	for _, c := range classes {
		pos := make([]bool, n)
		sc := make([]float64, n)
		for i := range labels {
			pos[i] = labels[i] == c
			sc[i] = col(c, i)
		}
		cv := binaryCurve(kind, sc, pos)
		cv.Class = c
		if c < len(classNames) {
			cv.ClassName = classNames[c]
		}
		if cv.Positives == 0 || (kind == "roc" && cv.Negatives == 0) {
			panic(fmt.Sprintf("ml: %s: class %d has %d positive and %d negative samples; a curve needs both", op, c, cv.Positives, cv.Negatives))
		}
		out = append(out, cv)
	}
	return out
}

// binaryCurve computes one curve from scores and whether each sample is positive.
func binaryCurve(kind string, scores []float64, pos []bool) Curve {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	var P, N int
	for _, p := range pos {
		if p {
			P++
		} else {
			N++
		}
	}
	cv := Curve{Kind: kind, Positives: P, Negatives: N}
	if kind == "roc" {
		cv.X, cv.Y, cv.Thresholds = []float64{0}, []float64{0}, []float64{math.Inf(1)}
	}
	tp, fp := 0, 0
	prevRecall := 0.0
	for k := 0; k < len(idx); k++ {
		i := idx[k]
		if pos[i] {
			tp++
		} else {
			fp++
		}
		// Only at the last sample of a run of equal scores is a threshold.
		if k+1 < len(idx) && scores[idx[k+1]] == scores[i] {
			continue
		}
		switch kind {
		case "roc":
			cv.X = append(cv.X, float64(fp)/float64(max(N, 1)))
			cv.Y = append(cv.Y, float64(tp)/float64(max(P, 1)))
		case "pr":
			recall := float64(tp) / float64(max(P, 1))
			precision := float64(tp) / float64(tp+fp)
			cv.X = append(cv.X, recall)
			cv.Y = append(cv.Y, precision)
			cv.AUC += (recall - prevRecall) * precision
			prevRecall = recall
		}
		cv.Thresholds = append(cv.Thresholds, scores[i])
	}
	if kind == "roc" {
		for j := 1; j < len(cv.X); j++ {
			cv.AUC += (cv.X[j] - cv.X[j-1]) * (cv.Y[j] + cv.Y[j-1]) / 2
		}
	}
	return cv
}

// Label is the curve's name in a legend: the class name, or "class N".
func (c Curve) Label() string {
	if c.ClassName != "" {
		return c.ClassName
	}
	return fmt.Sprintf("class %d", c.Class)
}

// String is a one-line summary, e.g. "ROC of class 3: AUC 0.9912 (45 positives, 405 negatives)".
func (c Curve) String() string {
	name := "ROC"
	area := "AUC"
	if c.Kind == "pr" {
		name, area = "precision-recall", "average precision"
	}
	return fmt.Sprintf("%s of %s: %s %.4f (%d positives, %d negatives)", name, c.Label(), area, c.AUC, c.Positives, c.Negatives)
}
