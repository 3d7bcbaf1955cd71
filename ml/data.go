package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// Dataset is an in-memory table of samples: X holds the inputs with the sample
// index first ([n, features...]); Y holds the targets, either class indices stored
// as float32 ([n]) for classification or a target matrix ([n, k]) for regression.
//
// Dataset is a plain value: its methods never modify the receiver, they return new
// datasets. Datasets made by Slice and Batch share their tensors' memory with the
// original; all other methods copy.
type Dataset struct {
	X            *Tensor
	Y            *Tensor
	ClassNames   []string // name of each class index, optional
	FeatureNames []string // name of each feature column, optional
}

// NewDataset pairs inputs and targets. It panics if x and y disagree on the
// number of samples, as that is a programming error.
func NewDataset(x, y *Tensor) Dataset {
	d := Dataset{X: x, Y: y}
	d.mustValid("NewDataset")
	return d
}

// Len returns the number of samples.
func (d Dataset) Len() int {
	if d.X == nil {
		return 0
	}
	shape := d.X.Shape()
	if len(shape) == 0 {
		return 0
	}
	return shape[0]
}

// Features returns the number of input values per sample (the product of X's
// dimensions after the first).
func (d Dataset) Features() int {
	if d.X == nil {
		return 0
	}
	return rowWidth(d.X)
}

// IsClassification reports whether Y holds class indices: it is one-dimensional
// and every value is a non-negative integer.
func (d Dataset) IsClassification() bool {
	if d.Y == nil || len(d.Y.Shape()) != 1 {
		return false
	}
	for _, v := range d.Y.Data() {
		if v < 0 || v != float32(math.Trunc(float64(v))) {
			return false
		}
	}
	return true
}

// Labels returns Y as class indices. It panics if Y does not hold class indices.
func (d Dataset) Labels() []int {
	if !d.IsClassification() {
		panic(fmt.Sprintf("ml: Dataset.Labels: Y %v does not hold class indices (want shape [n] of non-negative integers)", shapeOf(d.Y)))
	}
	y := d.Y.Data()
	out := make([]int, len(y))
	for i, v := range y {
		out[i] = int(v)
	}
	return out
}

// Classes returns the number of classes: len(ClassNames) when names are set,
// otherwise the largest label plus one. It returns 0 for regression data.
func (d Dataset) Classes() int {
	if !d.IsClassification() {
		return 0
	}
	n := len(d.ClassNames)
	for _, v := range d.Y.Data() {
		if int(v)+1 > n {
			n = int(v) + 1
		}
	}
	return n
}

// ClassCounts returns how many samples carry each class index.
func (d Dataset) ClassCounts() []int {
	counts := make([]int, d.Classes())
	if len(counts) == 0 {
		return counts
	}
	for _, c := range d.Labels() {
		counts[c]++
	}
	return counts
}

// String summarises the dataset in one line, e.g.
// "Dataset: 150 samples, X [150 4], Y [150], 3 classes (setosa, versicolor, virginica)".
func (d Dataset) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Dataset: %d samples, X %v, Y %v", d.Len(), shapeOf(d.X), shapeOf(d.Y))
	if c := d.Classes(); c > 0 {
		fmt.Fprintf(&b, ", %d classes", c)
		if len(d.ClassNames) > 0 {
			names := d.ClassNames
			suffix := ""
			if len(names) > 10 {
				names, suffix = names[:10], ", ..."
			}
			fmt.Fprintf(&b, " (%s%s)", strings.Join(names, ", "), suffix)
		}
	}
	return b.String()
}

// Table returns the samples as columns and rows for a display table: one column
// per feature (named by FeatureNames when set) and, with targets, a "label" column
// (the class name when ClassNames has it) or one column per target.
func (d Dataset) Table() (columns []string, rows [][]any) {
	w := d.Features()
	for j := 0; j < w; j++ {
		if j < len(d.FeatureNames) && d.FeatureNames[j] != "" {
			columns = append(columns, d.FeatureNames[j])
		} else {
			columns = append(columns, fmt.Sprintf("x%d", j))
		}
	}
	classification := d.IsClassification()
	yw := 0
	if d.Y != nil {
		yw = rowWidth(d.Y)
		if classification {
			columns = append(columns, "label")
		} else {
			for j := 0; j < yw; j++ {
				columns = append(columns, fmt.Sprintf("y%d", j))
			}
		}
	}
	x := d.X.Data()
	for i := 0; i < d.Len(); i++ {
		row := make([]any, 0, len(columns))
		for _, v := range x[i*w : (i+1)*w] {
			row = append(row, float64(v))
		}
		if d.Y != nil {
			y := d.Y.Data()[i*yw : (i+1)*yw]
			switch {
			case classification && int(y[0]) < len(d.ClassNames):
				row = append(row, d.ClassNames[int(y[0])])
			case classification:
				row = append(row, int(y[0]))
			default:
				for _, v := range y {
					row = append(row, float64(v))
				}
			}
		}
		rows = append(rows, row)
	}
	return columns, rows
}

// Slice returns samples [start, end) sharing memory with d. It panics if the range
// is out of bounds.
func (d Dataset) Slice(start, end int) Dataset {
	n := d.Len()
	if start < 0 || end > n || start > end {
		panic(fmt.Sprintf("ml: Dataset.Slice: range [%d, %d) out of bounds for %d samples", start, end, n))
	}
	out := d.withMeta()
	out.X = sliceRows(d.X, start, end)
	if d.Y != nil {
		out.Y = sliceRows(d.Y, start, end)
	}
	return out
}

// Subset returns a copy of the samples at the given indices, in that order.
// Indices may repeat. It panics on an index out of range.
func (d Dataset) Subset(indices []int) Dataset {
	n := d.Len()
	for _, i := range indices {
		if i < 0 || i >= n {
			panic(fmt.Sprintf("ml: Dataset.Subset: index %d out of range for %d samples", i, n))
		}
	}
	out := d.withMeta()
	out.X = gatherRows(d.X, indices)
	if d.Y != nil {
		out.Y = gatherRows(d.Y, indices)
	}
	return out
}

// Shuffle returns a copy of d with its samples in a random order determined by seed.
func (d Dataset) Shuffle(seed int64) Dataset {
	return d.Subset(Permutation(d.Len(), seed))
}

// Split divides d into a training part holding about frac of the samples and a test
// part holding the rest, both shuffled by seed. For classification data
// (see IsClassification) the split is stratified: each class keeps its proportion
// in both parts. It panics unless 0 < frac < 1.
func (d Dataset) Split(frac float64, seed int64) (train, test Dataset) {
	if !(frac > 0 && frac < 1) {
		panic(fmt.Sprintf("ml: Dataset.Split: fraction %v must be between 0 and 1 (exclusive)", frac))
	}
	n := d.Len()
	nTrain := int(math.Round(frac * float64(n)))
	if n >= 2 {
		nTrain = clampInt(nTrain, 1, n-1)
	}
	rng := newRNG(seed)
	var trainIdx, testIdx []int
	if d.IsClassification() {
		trainIdx, testIdx = stratifiedSplit(d.Labels(), nTrain, rng)
	} else {
		perm := rng.Perm(n)
		trainIdx, testIdx = perm[:nTrain], perm[nTrain:]
	}
	return d.Subset(trainIdx), d.Subset(testIdx)
}

// stratifiedSplit chooses exactly nTrain indices for training so that every class
// contributes in proportion to its size; the rounding remainder goes to the classes
// with the largest fractional shares. Both results are shuffled.
func stratifiedSplit(labels []int, nTrain int, rng *rand.Rand) (train, test []int) {
	byClass := groupByClass(labels)
	n := len(labels)
	frac := float64(nTrain) / float64(n)
	take := make([]int, len(byClass))
	remainders := make([]float64, len(byClass))
	assigned := 0
	for c, idx := range byClass {
		exact := frac * float64(len(idx))
		take[c] = int(math.Floor(exact))
		remainders[c] = exact - float64(take[c])
		assigned += take[c]
	}
	order := rng.Perm(len(byClass)) // random tie-break among equal remainders
	sort.SliceStable(order, func(a, b int) bool { return remainders[order[a]] > remainders[order[b]] })
	for _, c := range order {
		if assigned >= nTrain {
			break
		}
		if take[c] < len(byClass[c]) {
			take[c]++
			assigned++
		}
	}
	for c, idx := range byClass {
		shuffled := append([]int(nil), idx...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		train = append(train, shuffled[:take[c]]...)
		test = append(test, shuffled[take[c]:]...)
	}
	rng.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	rng.Shuffle(len(test), func(i, j int) { test[i], test[j] = test[j], test[i] })
	return train, test
}

// groupByClass returns the sample indices of each class, indexed by class.
func groupByClass(labels []int) [][]int {
	classes := 0
	for _, c := range labels {
		if c+1 > classes {
			classes = c + 1
		}
	}
	byClass := make([][]int, classes)
	for i, c := range labels {
		byClass[c] = append(byClass[c], i)
	}
	return byClass
}

// Concat returns the samples of d followed by those of other. Both must have the
// same per-sample shapes.
func (d Dataset) Concat(other Dataset) Dataset {
	out := d.withMeta()
	out.X = concatRows(d.X, other.X, "X")
	if d.Y != nil || other.Y != nil {
		out.Y = concatRows(d.Y, other.Y, "Y")
	}
	return out
}

// NumBatches returns how many batches of the given size cover the dataset (the last
// one may be smaller).
func (d Dataset) NumBatches(size int) int {
	if size <= 0 {
		panic(fmt.Sprintf("ml: batch size %d must be positive", size))
	}
	return (d.Len() + size - 1) / size
}

// Batch returns the i-th batch (0-based) of the given size, in order, sharing
// memory with d. The last batch may be smaller.
func (d Dataset) Batch(i, size int) Dataset {
	nb := d.NumBatches(size)
	if i < 0 || i >= nb {
		panic(fmt.Sprintf("ml: Dataset.Batch: batch %d out of range (%d batches of %d)", i, nb, size))
	}
	end := (i + 1) * size
	if end > d.Len() {
		end = d.Len()
	}
	return d.Slice(i*size, end)
}

// Batches returns an iterator over batches of the given size. With shuffle, each
// pass (see BatchIter.Reset) visits the samples in a new order derived from seed.
//
//	it := data.Batches(32, true, 1)
//	for it.Next() {
//		b := it.Batch()
//		...
//	}
func (d Dataset) Batches(size int, shuffle bool, seed int64) *BatchIter {
	if size <= 0 {
		panic(fmt.Sprintf("ml: batch size %d must be positive", size))
	}
	it := &BatchIter{data: d, size: size, shuffle: shuffle, seed: seed, pass: -1}
	it.Reset()
	return it
}

// BatchIter walks a dataset batch by batch. It is not safe for concurrent use.
type BatchIter struct {
	data    Dataset
	size    int
	shuffle bool
	seed    int64
	pass    int
	order   []int
	next    int // index of the batch Next will produce
	current Dataset
}

// Next advances to the next batch and reports whether there is one.
func (it *BatchIter) Next() bool {
	n := it.data.Len()
	start := it.next * it.size
	if start >= n {
		it.current = Dataset{}
		return false
	}
	end := start + it.size
	if end > n {
		end = n
	}
	if it.order == nil {
		it.current = it.data.Slice(start, end)
	} else {
		it.current = it.data.Subset(it.order[start:end])
	}
	it.next++
	return true
}

// Batch returns the batch that the last successful Next produced.
func (it *BatchIter) Batch() Dataset { return it.current }

// Index returns the 0-based index of the current batch within the pass.
func (it *BatchIter) Index() int { return it.next - 1 }

// Len returns the number of batches in one pass.
func (it *BatchIter) Len() int { return it.data.NumBatches(it.size) }

// Reset starts a new pass; with shuffling, the new pass uses a new order that
// depends only on the seed and the pass number.
func (it *BatchIter) Reset() {
	it.pass++
	it.next = 0
	it.current = Dataset{}
	if it.shuffle {
		it.order = Permutation(it.data.Len(), it.seed+int64(it.pass)*1_000_003)
	}
}

// Permutation returns a random permutation of 0..n-1 determined by seed.
func Permutation(n int, seed int64) []int {
	return newRNG(seed).Perm(n)
}

// OneHot turns class indices y (shape [n]) into a [n, classes] matrix with a 1 in
// each row's class column. It panics on a label outside [0, classes).
func OneHot(y *Tensor, classes int) *Tensor {
	if y == nil || len(y.Shape()) != 1 {
		panic(fmt.Sprintf("ml: OneHot: labels must have shape [n], got %v", shapeOf(y)))
	}
	labels := y.Data()
	out := New(len(labels), classes)
	data := out.Data()
	for i, v := range labels {
		c := int(v)
		if float32(c) != v || c < 0 || c >= classes {
			panic(fmt.Sprintf("ml: OneHot: label %v at row %d is not a class index in [0, %d)", v, i, classes))
		}
		data[i*classes+c] = 1
	}
	return out
}

// OneHot returns a copy of d whose Y is the one-hot encoding of its class indices,
// with as many columns as d.Classes().
func (d Dataset) OneHot() Dataset {
	out := d.withMeta()
	out.X = d.X
	out.Y = OneHot(d.Y, d.Classes())
	return out
}

func (d Dataset) withMeta() Dataset {
	return Dataset{ClassNames: d.ClassNames, FeatureNames: d.FeatureNames}
}

func (d Dataset) mustValid(op string) {
	if d.X == nil {
		panic(fmt.Sprintf("ml: %s: X is nil", op))
	}
	xs := d.X.Shape()
	if len(xs) == 0 {
		panic(fmt.Sprintf("ml: %s: X must have a sample dimension, got shape %v", op, xs))
	}
	if d.Y != nil {
		ys := d.Y.Shape()
		if len(ys) == 0 || ys[0] != xs[0] {
			panic(fmt.Sprintf("ml: %s: X %v and Y %v disagree on the number of samples", op, xs, ys))
		}
	}
}

func newRNG(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

func shapeOf(t *Tensor) []int {
	if t == nil {
		return nil
	}
	return t.Shape()
}

// rowWidth is the number of values per sample of a tensor whose first dimension
// indexes samples.
func rowWidth(t *Tensor) int {
	shape := t.Shape()
	w := 1
	for _, s := range shape[1:] {
		w *= s
	}
	return w
}

func sliceRows(t *Tensor, start, end int) *Tensor {
	shape := t.Shape()
	w := rowWidth(t)
	shape[0] = end - start
	return FromSlice(t.Data()[start*w:end*w:end*w], shape...)
}

func gatherRows(t *Tensor, indices []int) *Tensor {
	shape := t.Shape()
	w := rowWidth(t)
	src := t.Data()
	shape[0] = len(indices)
	out := New(shape...)
	dst := out.Data()
	for k, i := range indices {
		copy(dst[k*w:(k+1)*w], src[i*w:(i+1)*w])
	}
	return out
}

func concatRows(a, b *Tensor, what string) *Tensor {
	if a == nil || b == nil {
		panic(fmt.Sprintf("ml: Dataset.Concat: %s is missing on one side", what))
	}
	as, bs := a.Shape(), b.Shape()
	if len(as) != len(bs) || len(as) == 0 {
		panic(fmt.Sprintf("ml: Dataset.Concat: %s shapes %v and %v differ", what, as, bs))
	}
	for i := 1; i < len(as); i++ {
		if as[i] != bs[i] {
			panic(fmt.Sprintf("ml: Dataset.Concat: %s shapes %v and %v differ", what, as, bs))
		}
	}
	shape := append([]int(nil), as...)
	shape[0] = as[0] + bs[0]
	data := make([]float32, 0, a.Len()+b.Len())
	data = append(data, a.Data()...)
	data = append(data, b.Data()...)
	return FromSlice(data, shape...)
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
