package ml

import (
	"encoding/json"
	"math"
	"sort"
	"strings"
	"testing"
)

// rowsDataset makes a dataset whose sample i has features [i, 10*i] and label
// labels[i], so tests can tell which original row ended up where.
func rowsDataset(labels []int) Dataset {
	n := len(labels)
	x := make([]float32, 2*n)
	y := make([]float32, n)
	for i := 0; i < n; i++ {
		x[2*i] = float32(i)
		x[2*i+1] = float32(10 * i)
		y[i] = float32(labels[i])
	}
	return NewDataset(FromSlice(x, n, 2), FromSlice(y, n))
}

// rowIDs returns the original row index of every sample (see rowsDataset).
func rowIDs(t *testing.T, d Dataset) []int {
	t.Helper()
	x := d.X.Data()
	ids := make([]int, d.Len())
	for i := range ids {
		ids[i] = int(x[2*i])
		if x[2*i+1] != 10*x[2*i] {
			t.Fatalf("row %d features %v/%v are not from one original row", i, x[2*i], x[2*i+1])
		}
	}
	return ids
}

func TestDatasetSplitStratified(t *testing.T) {
	// 60 of class 0, 30 of class 1, 10 of class 2.
	var labels []int
	for c, count := range []int{60, 30, 10} {
		for i := 0; i < count; i++ {
			labels = append(labels, c)
		}
	}
	d := rowsDataset(labels)
	train, test := d.Split(0.8, 7)
	if train.Len() != 80 || test.Len() != 20 {
		t.Fatalf("split sizes %d/%d, want 80/20", train.Len(), test.Len())
	}
	if got, want := train.ClassCounts(), []int{48, 24, 8}; !equalInts(got, want) {
		t.Errorf("train class counts %v, want %v", got, want)
	}
	if got, want := test.ClassCounts(), []int{12, 6, 2}; !equalInts(got, want) {
		t.Errorf("test class counts %v, want %v", got, want)
	}
	// Disjoint and covering, and labels travel with their rows.
	all := append(rowIDs(t, train), rowIDs(t, test)...)
	sort.Ints(all)
	for i, id := range all {
		if id != i {
			t.Fatalf("train+test rows are not a partition: position %d holds row %d", i, id)
		}
	}
	for i, id := range rowIDs(t, train) {
		if train.Labels()[i] != labels[id] {
			t.Fatalf("train row %d (original %d) has label %d, want %d", i, id, train.Labels()[i], labels[id])
		}
	}
	// Same seed, same split; another seed, another order.
	train2, _ := d.Split(0.8, 7)
	if !equalInts(rowIDs(t, train), rowIDs(t, train2)) {
		t.Error("same seed gave different splits")
	}
	train3, _ := d.Split(0.8, 8)
	if equalInts(rowIDs(t, train), rowIDs(t, train3)) {
		t.Error("different seeds gave identical splits")
	}
}

func TestDatasetSplitUnevenProportions(t *testing.T) {
	// 7 + 5 + 3 = 15 samples, 0.75 -> 11 train; each class within one of its share.
	var labels []int
	for c, count := range []int{7, 5, 3} {
		for i := 0; i < count; i++ {
			labels = append(labels, c)
		}
	}
	train, test := rowsDataset(labels).Split(0.75, 1)
	if train.Len() != 11 || test.Len() != 4 {
		t.Fatalf("split sizes %d/%d, want 11/4", train.Len(), test.Len())
	}
	for c, count := range train.ClassCounts() {
		share := 0.75 * float64([]int{7, 5, 3}[c])
		if math.Abs(float64(count)-share) >= 1 {
			t.Errorf("class %d: %d in train, want within 1 of %.2f", c, count, share)
		}
	}
}

func TestDatasetSplitRegressionAndBadFraction(t *testing.T) {
	n := 10
	x := make([]float32, n)
	y := make([]float32, n)
	for i := range x {
		x[i] = float32(i)
		y[i] = float32(i) + 0.5 // not class indices
	}
	d := NewDataset(FromSlice(x, n, 1), FromSlice(y, n, 1))
	if d.IsClassification() {
		t.Fatal("[n,1] targets reported as classification")
	}
	train, test := d.Split(0.7, 3)
	if train.Len() != 7 || test.Len() != 3 {
		t.Fatalf("split sizes %d/%d, want 7/3", train.Len(), test.Len())
	}
	for i := 0; i < train.Len(); i++ {
		if train.Y.Data()[i] != train.X.Data()[i]+0.5 {
			t.Fatalf("row %d: target %v does not belong to input %v", i, train.Y.Data()[i], train.X.Data()[i])
		}
	}
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "fraction 1.5") {
			t.Fatalf("Split(1.5) panic = %v, want a message naming the fraction", r)
		}
	}()
	d.Split(1.5, 0)
}

func TestDatasetBatches(t *testing.T) {
	d := rowsDataset(make([]int, 10))
	if d.NumBatches(4) != 3 {
		t.Fatalf("NumBatches(4) = %d, want 3", d.NumBatches(4))
	}
	last := d.Batch(2, 4)
	if !equalInts(rowIDs(t, last), []int{8, 9}) {
		t.Errorf("last batch rows %v, want [8 9]", rowIDs(t, last))
	}
	// In order without shuffle.
	it := d.Batches(4, false, 0)
	var seen []int
	sizes := []int{}
	for it.Next() {
		sizes = append(sizes, it.Batch().Len())
		seen = append(seen, rowIDs(t, it.Batch())...)
	}
	if !equalInts(sizes, []int{4, 4, 2}) || !equalInts(seen, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("unshuffled batches: sizes %v rows %v", sizes, seen)
	}
	// Shuffled passes cover every row once, and differ from pass to pass.
	it = d.Batches(3, true, 5)
	pass := func() []int {
		var ids []int
		for it.Next() {
			ids = append(ids, rowIDs(t, it.Batch())...)
		}
		return ids
	}
	first := pass()
	it.Reset()
	second := pass()
	for _, ids := range [][]int{first, second} {
		sorted := append([]int(nil), ids...)
		sort.Ints(sorted)
		if !equalInts(sorted, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Fatalf("shuffled pass %v does not visit each row once", ids)
		}
	}
	if equalInts(first, second) {
		t.Error("two shuffled passes had the same order")
	}
	again := d.Batches(3, true, 5)
	var replay []int
	for again.Next() {
		replay = append(replay, rowIDs(t, again.Batch())...)
	}
	if !equalInts(replay, first) {
		t.Error("same seed gave a different first pass")
	}
}

func TestDatasetSubsetShuffleConcat(t *testing.T) {
	d := rowsDataset([]int{0, 1, 2, 0, 1})
	d.ClassNames = []string{"a", "b", "c"}
	s := d.Subset([]int{4, 0, 4})
	if !equalInts(rowIDs(t, s), []int{4, 0, 4}) || !equalInts(s.Labels(), []int{1, 0, 1}) {
		t.Fatalf("Subset rows %v labels %v", rowIDs(t, s), s.Labels())
	}
	if len(s.ClassNames) != 3 {
		t.Error("Subset dropped class names")
	}
	sh := d.Shuffle(2)
	ids := rowIDs(t, sh)
	sort.Ints(ids)
	if !equalInts(ids, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("Shuffle lost rows: %v", ids)
	}
	c := d.Slice(0, 2).Concat(d.Slice(3, 5))
	if !equalInts(rowIDs(t, c), []int{0, 1, 3, 4}) {
		t.Fatalf("Concat rows %v", rowIDs(t, c))
	}
	if got := d.String(); got != "Dataset: 5 samples, X [5 2], Y [5], 3 classes (a, b, c)" {
		t.Errorf("String() = %q", got)
	}
}

func TestOneHot(t *testing.T) {
	y := FromSlice([]float32{2, 0, 1}, 3)
	got := OneHot(y, 3).Data()
	want := []float32{0, 0, 1, 1, 0, 0, 0, 1, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("OneHot = %v, want %v", got, want)
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "label 2 at row 0") {
			t.Fatalf("OneHot with too few classes: panic %v", r)
		}
	}()
	OneHot(y, 2)
}

func TestScalers(t *testing.T) {
	train := NewDataset(FromSlice([]float32{1, 5, 3, 5, 5, 5}, 3, 2), FromSlice([]float32{0, 1, 0}, 3))
	std := FitStandardScaler(train)
	// Feature 0: mean 3, population std sqrt(8/3); feature 1 constant -> scale 1.
	if std.Offset[0] != 3 || math.Abs(std.Scale[0]-math.Sqrt(8.0/3)) > 1e-12 || std.Scale[1] != 1 {
		t.Fatalf("standard scaler %+v", std)
	}
	out := std.Transform(train).X.Data()
	if math.Abs(float64(out[0])+math.Sqrt(1.5)) > 1e-6 || out[2] != 0 || out[1] != 0 {
		t.Fatalf("standardised X = %v", out)
	}
	mm := FitMinMaxScaler(train)
	test := FromSlice([]float32{2, 5, 7, 6}, 2, 2)
	got := mm.TransformTensor(test).Data()
	if got[0] != 0.25 || got[1] != 0 || got[2] != 1.5 || got[3] != 1 {
		t.Fatalf("min-max on test data = %v, want [0.25 0 1.5 1]", got)
	}
	back := mm.InverseTransformTensor(mm.TransformTensor(test)).Data()
	for i, v := range test.Data() {
		if math.Abs(float64(back[i]-v)) > 1e-6 {
			t.Fatalf("inverse transform %v, want %v", back, test.Data())
		}
	}
	// JSON round trip keeps the transform.
	js, err := json.Marshal(mm)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseScaler(js)
	if err != nil {
		t.Fatal(err)
	}
	if got2 := parsed.TransformTensor(test).Data(); got2[2] != got[2] {
		t.Fatalf("parsed scaler transforms to %v, want %v", got2, got)
	}
	if _, err := ParseScaler([]byte(`{"kind":"zscore","offset":[0],"scale":[1]}`)); err == nil || !strings.Contains(err.Error(), `"zscore"`) {
		t.Errorf("bad kind error = %v", err)
	}
	if _, err := ParseScaler([]byte(`{"kind":"minmax","offset":[0],"scale":[0]}`)); err == nil || !strings.Contains(err.Error(), "feature 0") {
		t.Errorf("zero scale error = %v", err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDatasetTable(t *testing.T) {
	d := Iris().Subset([]int{0, 149})
	cols, rows := d.Table()
	if strings.Join(cols, ",") != "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label" {
		t.Errorf("columns %v", cols)
	}
	if len(rows) != 2 || rows[0][4] != "setosa" || rows[1][4] != "virginica" || rows[1][0] != float64(float32(5.9)) {
		t.Errorf("rows %v", rows)
	}
	reg := NewDataset(FromSlice([]float32{1, 2}, 2, 1), FromSlice([]float32{0.5, 1, 1.5, 2}, 2, 2))
	cols, rows = reg.Table()
	if strings.Join(cols, ",") != "x0,y0,y1" || rows[1][2] != 2.0 {
		t.Errorf("regression table %v %v", cols, rows)
	}
}

// A scaler and a vocabulary travel with a model as metadata and come back usable.
func TestPreprocessingAsModelMetadata(t *testing.T) {
	scaler := FitStandardScaler(Iris())
	vocab := BuildVocabulary([]string{"abc", "bcd"}, CharTokenizer(), VocabOptions{})
	m := Sequential(Linear(4, 3))
	if err := m.SetMeta("scaler", scaler); err != nil {
		t.Fatal(err)
	}
	if err := m.SetMeta("vocab", vocab); err != nil {
		t.Fatal(err)
	}
	var s2 Scaler
	var v2 Vocabulary
	if err := m.Meta("scaler", &s2); err != nil {
		t.Fatal(err)
	}
	if err := m.Meta("vocab", &v2); err != nil {
		t.Fatal(err)
	}
	x := Iris().X
	a, b := scaler.TransformTensor(x).Data(), s2.TransformTensor(x).Data()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("restored scaler differs at %d: %v vs %v", i, a[i], b[i])
		}
	}
	if !equalInts(v2.Encode("dcbax"), vocab.Encode("dcbax")) {
		t.Errorf("restored vocabulary encodes %v, want %v", v2.Encode("dcbax"), vocab.Encode("dcbax"))
	}
	if err := m.SetMeta("bad", map[string]any{"kind": "minmax", "offset": []float64{0}, "scale": []float64{0}}); err != nil {
		t.Fatal(err)
	}
	if err := m.Meta("bad", &s2); err == nil || !strings.Contains(err.Error(), "unusable scale") {
		t.Errorf("decoding an invalid scaler: %v", err)
	}
}
