package ml

import (
	"math"
	"sort"
	"strings"
	"testing"
)

func checkPartition(t *testing.T, folds []Fold, n int) {
	t.Helper()
	seenVal := make([]int, n)
	for f, fold := range folds {
		if len(fold.Train)+len(fold.Val) != n {
			t.Fatalf("fold %d: %d train + %d val != %d", f, len(fold.Train), len(fold.Val), n)
		}
		inVal := map[int]bool{}
		for _, i := range fold.Val {
			seenVal[i]++
			inVal[i] = true
		}
		for _, i := range fold.Train {
			if inVal[i] {
				t.Fatalf("fold %d: sample %d is in both train and val", f, i)
			}
		}
	}
	for i, c := range seenVal {
		if c != 1 {
			t.Fatalf("sample %d validated %d times, want once", i, c)
		}
	}
	sizes := []int{}
	for _, f := range folds {
		sizes = append(sizes, len(f.Val))
	}
	sort.Ints(sizes)
	if sizes[len(sizes)-1]-sizes[0] > 1 {
		t.Errorf("fold sizes %v differ by more than one", sizes)
	}
}

func TestKFoldPartitions(t *testing.T) {
	folds := KFold(23, 5, 3)
	if len(folds) != 5 {
		t.Fatalf("%d folds", len(folds))
	}
	checkPartition(t, folds, 23)
	again := KFold(23, 5, 3)
	for f := range folds {
		if !equalInts(folds[f].Val, again[f].Val) {
			t.Fatal("same seed gave different folds")
		}
	}
	other := KFold(23, 5, 4)
	same := true
	for f := range folds {
		same = same && equalInts(folds[f].Val, other[f].Val)
	}
	if same {
		t.Error("different seeds gave the same folds")
	}
}

func TestStratifiedKFold(t *testing.T) {
	var labels []int
	for c, count := range []int{40, 17, 9} {
		for i := 0; i < count; i++ {
			labels = append(labels, c)
		}
	}
	folds := StratifiedKFold(labels, 4, 1)
	checkPartition(t, folds, len(labels))
	for c, count := range []int{40, 17, 9} {
		for f, fold := range folds {
			got := 0
			for _, i := range fold.Val {
				if labels[i] == c {
					got++
				}
			}
			share := float64(count) / 4
			if float64(got) < math.Floor(share) || float64(got) > math.Ceil(share) {
				t.Errorf("class %d in fold %d: %d samples, want %.2f rounded", c, f, got, share)
			}
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "need at least 2 folds") {
			t.Fatalf("k=1 panic %v", r)
		}
	}()
	KFold(10, 1, 0)
}

// nearestMeanScore trains a nearest-class-mean classifier and returns its
// validation accuracy: a real, cheap model for exercising cross-validation.
func nearestMeanScore(train, val Dataset) float64 {
	w := train.Features()
	k := train.Classes()
	means := make([]float64, k*w)
	counts := make([]int, k)
	x := train.X.Data()
	for i, c := range train.Labels() {
		counts[c]++
		for j := 0; j < w; j++ {
			means[c*w+j] += float64(x[i*w+j])
		}
	}
	for c := 0; c < k; c++ {
		for j := 0; j < w; j++ {
			means[c*w+j] /= float64(counts[c])
		}
	}
	vx := val.X.Data()
	pred := make([]int, val.Len())
	for i := range pred {
		best := math.Inf(1)
		for c := 0; c < k; c++ {
			d := 0.0
			for j := 0; j < w; j++ {
				diff := float64(vx[i*w+j]) - means[c*w+j]
				d += diff * diff
			}
			if d < best {
				best, pred[i] = d, c
			}
		}
	}
	return AccuracyInts(pred, val.Labels())
}

func TestCrossValidateIris(t *testing.T) {
	var valSizes []int
	r := CrossValidate(Iris(), 5, 0, func(train, val Dataset) float64 {
		valSizes = append(valSizes, val.Len())
		if train.Len()+val.Len() != 150 {
			t.Errorf("train %d + val %d != 150", train.Len(), val.Len())
		}
		if !equalInts(val.ClassCounts(), []int{10, 10, 10}) {
			t.Errorf("validation fold class counts %v, want 10 each (stratified)", val.ClassCounts())
		}
		return nearestMeanScore(train, val)
	})
	if len(r.Scores) != 5 || r.Stopped || !equalInts(valSizes, []int{30, 30, 30, 30, 30}) {
		t.Fatalf("CV result %+v, val sizes %v", r, valSizes)
	}
	mean, sq := 0.0, 0.0
	for _, s := range r.Scores {
		mean += s / 5
	}
	for _, s := range r.Scores {
		sq += (s - mean) * (s - mean)
	}
	if !near(r.Mean, mean) || !near(r.Std, math.Sqrt(sq/5)) {
		t.Errorf("mean/std %v/%v, want %v/%v", r.Mean, r.Std, mean, math.Sqrt(sq/5))
	}
	// Nearest class mean reaches about 92% on iris.
	if r.Mean < 0.85 || r.Mean > 1 {
		t.Errorf("nearest-mean CV accuracy %.4f, want about 0.92", r.Mean)
	}
	if s := r.String(); !strings.HasPrefix(s, "5-fold CV: ") || !strings.Contains(s, "±") {
		t.Errorf("String() = %q", s)
	}
	cols, rows := r.Table()
	if len(cols) != 2 || len(rows) != 7 || rows[5][0] != "mean" {
		t.Errorf("Table() = %v %v", cols, rows)
	}
}

func TestGridSearch(t *testing.T) {
	grid := Grid{"lr": {0.1, 0.01, 0.001}, "hidden": {32, 64}}
	if n := len(grid.Combinations()); n != 6 {
		t.Fatalf("%d combinations, want 6", n)
	}
	first := grid.Combinations()[0]
	if first.String() != "hidden=32 lr=0.1" {
		t.Errorf("first combination %q", first.String())
	}
	data := rowsDataset([]int{0, 1, 0, 1, 0, 1, 0, 1, 0, 1})
	calls := 0
	r := GridSearch(grid, data, 2, 9, func(p Params, train, val Dataset) float64 {
		calls++
		// Peak at lr=0.01, hidden=64; the fold adds a small, fold-dependent term.
		return -math.Abs(math.Log10(p.Get("lr"))+2) - math.Abs(float64(p.Int("hidden")-64))/32 + float64(rowIDs(t, val)[0])/1000
	})
	if calls != 12 || len(r.Trials) != 6 {
		t.Fatalf("%d calls, %d trials; want 12 and 6", calls, len(r.Trials))
	}
	if got := r.BestParams().String(); got != "hidden=64 lr=0.01" {
		t.Errorf("best %q, want hidden=64 lr=0.01", got)
	}
	cols, rows := r.Table()
	if strings.Join(cols, ",") != "hidden,lr,fold 1,fold 2,mean,std,best" {
		t.Errorf("columns %v", cols)
	}
	if len(rows) != 6 || rows[r.Best][6] != "*" || rows[0][6] != "" {
		t.Errorf("rows %v", rows)
	}
	if s := r.String(); !strings.Contains(s, "best: hidden=64 lr=0.01 (mean ") {
		t.Errorf("String() =\n%s", s)
	}
	defer func() {
		if rec := recover(); rec == nil || !strings.Contains(rec.(string), `no parameter "momentum" (have hidden, lr)`) {
			t.Fatalf("missing parameter panic %v", rec)
		}
	}()
	first.Get("momentum")
}

// recordingStop is a Progress whose Stopped reports a shared flag.
type recordingStop struct{ flag *bool }

func (recordingStop) Begin(FitInfo)    {}
func (recordingStop) Batch(BatchStats) {}
func (recordingStop) Epoch(EpochStats) {}
func (recordingStop) End(*History)     {}
func (r recordingStop) Stopped() bool  { return *r.flag }

func TestCrossValidateQuietsProgressAndHonoursInterrupt(t *testing.T) {
	interrupted := false
	SetDefaultProgress(func() Progress { return recordingStop{&interrupted} })
	defer SetDefaultProgress(nil)
	folds := 0
	r := CrossValidate(Iris(), 5, 0, func(train, val Dataset) float64 {
		folds++
		inner := DefaultProgress()
		if _, ok := inner.(quietProgress); !ok {
			t.Errorf("inside CrossValidate the default progress is %T, want the quiet one", inner)
		}
		if folds == 3 {
			interrupted = true // as if the user pressed stop during the third fold
			if !inner.Stopped() {
				t.Error("quiet progress does not forward Stopped")
			}
		}
		return 1
	})
	if !r.Stopped || len(r.Scores) != 2 || folds != 3 {
		t.Errorf("after an interrupt in fold 3: %+v, %d folds run", r, folds)
	}
	if !strings.Contains(r.String(), "interrupted after 2 of 5 folds") {
		t.Errorf("String() = %q", r.String())
	}
	if _, ok := DefaultProgress().(recordingStop); !ok {
		t.Errorf("default progress not restored: %T", DefaultProgress())
	}
}

// TestGridSearchWithFit chooses a learning rate for a real model on iris by
// cross-validation: with ten short epochs, 1e-5 barely moves the weights while
// 3e-2 fits the data, so the search must pick 3e-2.
func TestGridSearchWithFit(t *testing.T) {
	data := FitStandardScaler(Iris()).Transform(Iris())
	r := GridSearch(Grid{"lr": {1e-5, 3e-2}}, data, 3, 1, func(p Params, train, val Dataset) float64 {
		model := Sequential(Linear(4, 16), ReLU(), Linear(16, 3))
		model.Fit(train, FitConfig{Epochs: 10, BatchSize: 16, Loss: CrossEntropy(), Optimizer: Adam(p.Get("lr")), Seed: 2})
		return Accuracy(model.Predict(val.X), val.Y)
	})
	t.Logf("\n%s", r)
	if got := r.BestParams().Get("lr"); got != 3e-2 {
		t.Errorf("best lr %v, want 0.03\n%s", got, r)
	}
	if r.BestScore() < 0.85 {
		t.Errorf("best mean accuracy %.3f, want at least 0.85\n%s", r.BestScore(), r)
	}
}
