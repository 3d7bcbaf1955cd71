package ml

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Tensor is a dense, row-major float32 array with an explicit shape. Tensors that
// take part in a computation record how they were made so that Backward can
// compute gradients.
//
// Element-wise operations between two tensors (Add, Sub, Mul, Div, Maximum,
// Minimum) broadcast as PyTorch does; see Add. Operations that change the shape
// return new tensors rather than views, except Reshape and Detach, which share
// values with their input.
type Tensor struct {
	shape []int
	data  []float32

	requiresGrad bool
	grad         []float32 // same length as data; nil until a gradient arrives
	node         *node     // how this tensor was computed; nil for leaves
	mask         []float32 // pruning mask (1 keep, 0 pruned); nil when not pruned
	shared       bool      // data was handed out (Data, Detach, Reshape) and may change unseen
}

// node records one differentiable operation: its inputs and how to push the
// output's gradient back into them.
type node struct {
	op       string
	parents  []*Tensor
	backward func(grad []float32)
}

// New returns a zero tensor of the given shape.
func New(shape ...int) *Tensor {
	n := checkShape(shape)
	return &Tensor{shape: append([]int(nil), shape...), data: make([]float32, n)}
}

// FromSlice wraps data (not copied) as a tensor of the given shape. It panics if
// len(data) does not match the shape.
func FromSlice(data []float32, shape ...int) *Tensor {
	n := checkShape(shape)
	if len(data) != n {
		panic(fmt.Sprintf("ml: FromSlice: %d values do not fill shape %v (%d values)", len(data), shape, n))
	}
	return &Tensor{shape: append([]int(nil), shape...), data: data}
}

// FromFloat64s copies data into a new float32 tensor of the given shape.
func FromFloat64s(data []float64, shape ...int) *Tensor {
	t := New(shape...)
	if len(data) != len(t.data) {
		panic(fmt.Sprintf("ml: FromFloat64s: %d values do not fill shape %v (%d values)", len(data), shape, len(t.data)))
	}
	for i, v := range data {
		t.data[i] = float32(v)
	}
	return t
}

// Scalar returns a tensor of shape [] holding v (rounded to float32).
func Scalar(v float64) *Tensor { return scalar32(float32(v)) }

func scalar32(v float32) *Tensor { return &Tensor{shape: []int{}, data: []float32{v}} }

// Full returns a tensor of the given shape with every element set to v (rounded
// to float32).
func Full(v float64, shape ...int) *Tensor { return full32(float32(v), shape...) }

func full32(v float32, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.data {
		t.data[i] = v
	}
	return t
}

// Param returns a new zero tensor of the given shape that requires gradients:
// a trainable parameter.
func Param(shape ...int) *Tensor {
	t := New(shape...)
	t.requiresGrad = true
	return t
}

// Shape returns a copy of the tensor's shape.
func (t *Tensor) Shape() []int { return append([]int(nil), t.shape...) }

// Dim returns the size of dimension i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.shape)
	}
	if i < 0 || i >= len(t.shape) {
		panic(fmt.Sprintf("ml: Dim(%d) of a tensor of shape %v", i, t.shape))
	}
	return t.shape[i]
}

// Rank returns the number of dimensions.
func (t *Tensor) Rank() int { return len(t.shape) }

// Data returns the tensor's values in row-major order (not copied). A
// pruned Linear weight whose values were handed out this way (or through
// Detach or Reshape) is computed dense from then on, since writes to the
// slice cannot be seen; use Set to change single values of a pruned weight.
func (t *Tensor) Data() []float32 {
	t.markShared()
	return t.data
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.data) }

// At returns the element at the given index, one coordinate per dimension:
// t.At(i, j) of a matrix. Like every scalar of the API it is a float64.
func (t *Tensor) At(index ...int) float64 { return float64(t.data[t.offset("At", index)]) }

// Set stores v (rounded to float32) at the given index: t.Set(v, i, j) of a
// matrix. The value comes first because the index, as in At, is variadic and so
// must come last.
func (t *Tensor) Set(v float64, index ...int) {
	t.data[t.offset("Set", index)] = float32(v)
	if t.mask != nil {
		weightEdits.Add(1) // a sparse copy of this weight is stale
	}
}

// Item returns the single value of a one-element tensor, as float64.
func (t *Tensor) Item() float64 {
	if len(t.data) != 1 {
		panic(fmt.Sprintf("ml: Item of a tensor of shape %v (%d elements, want 1)", t.shape, len(t.data)))
	}
	return float64(t.data[0])
}

// offset returns the position in data of an index; op names the caller in panics.
func (t *Tensor) offset(op string, index []int) int {
	if len(index) != len(t.shape) {
		panic(fmt.Sprintf("ml: %s: index %v has %d coordinates, but the tensor of shape %v needs %d%s",
			op, index, len(index), t.shape, len(t.shape), setOrderHint(op)))
	}
	off := 0
	for i, x := range index {
		if x < 0 || x >= t.shape[i] {
			panic(fmt.Sprintf("ml: %s: index %v out of range for shape %v%s", op, index, t.shape, setOrderHint(op)))
		}
		off = off*t.shape[i] + x
	}
	return off
}

// setOrderHint reminds a Set caller of the argument order, the likely cause of
// a bad index when the value was written last.
func setOrderHint(op string) string {
	if op != "Set" {
		return ""
	}
	return " (Set takes the value first: t.Set(v, i, j))"
}

// Clone returns a deep copy of the values (not the gradient or graph).
func (t *Tensor) Clone() *Tensor {
	return &Tensor{shape: append([]int(nil), t.shape...), data: append([]float32(nil), t.data...), requiresGrad: t.requiresGrad}
}

// markShared records that t's values were handed out, so a pruned Linear
// layer stops using its sparse copy of them. Only parameters (and pruned
// tensors) are marked: inputs and datasets are shared between goroutines,
// and writing a flag on them would race.
func (t *Tensor) markShared() {
	if (t.requiresGrad || t.mask != nil) && !t.shared {
		t.shared = true
	}
}

// view is Detach for the package's own use: the view does not reach the
// user, so t's values are not marked as handed out.
func (t *Tensor) view() *Tensor {
	return &Tensor{shape: append([]int(nil), t.shape...), data: t.data}
}

// Detach returns a tensor sharing t's values but cut off from the graph.
func (t *Tensor) Detach() *Tensor {
	t.markShared()
	return &Tensor{shape: append([]int(nil), t.shape...), data: t.data, shared: true}
}

// RequiresGrad reports whether gradients flow into this tensor.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// SetRequiresGrad marks a leaf tensor as one whose gradient Backward computes.
// It returns t for chaining.
func (t *Tensor) SetRequiresGrad(on bool) *Tensor {
	t.requiresGrad = on
	return t
}

// Grad returns the accumulated gradient as a tensor of t's shape (sharing
// storage), or nil if none has been computed.
func (t *Tensor) Grad() *Tensor {
	if t.grad == nil {
		return nil
	}
	return &Tensor{shape: t.shape, data: t.grad}
}

// ZeroGrad resets the accumulated gradient to zero.
func (t *Tensor) ZeroGrad() {
	clear(t.grad)
}

// gradBuf returns t's gradient storage, allocating it on first use.
func (t *Tensor) gradBuf() []float32 {
	if t.grad == nil {
		t.grad = make([]float32, len(t.data))
	}
	return t.grad
}

// Reshape returns a tensor with the same values and a new shape; one dimension
// may be -1 to be inferred. Gradients flow through it.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	shape = append([]int(nil), shape...)
	infer, n := -1, 1
	for i, d := range shape {
		if d == -1 {
			if infer >= 0 {
				panic(fmt.Sprintf("ml: Reshape %v: more than one -1", shape))
			}
			infer = i
			continue
		}
		if d < 0 {
			panic(fmt.Sprintf("ml: Reshape: negative dimension in %v", shape))
		}
		n *= d
	}
	if infer >= 0 {
		if n == 0 || len(t.data)%n != 0 {
			panic(fmt.Sprintf("ml: cannot reshape %v into %v", t.shape, shape))
		}
		shape[infer] = len(t.data) / n
		n *= shape[infer]
	}
	if n != len(t.data) {
		panic(fmt.Sprintf("ml: cannot reshape %v (%d values) into %v (%d values)", t.shape, len(t.data), shape, n))
	}
	t.markShared()
	out := &Tensor{shape: shape, data: t.data, shared: true}
	if t.needsGrad() {
		out.attach("Reshape", []*Tensor{t}, func(g []float32) { addTo(t.gradBuf(), g) })
	}
	return out
}

// summariseOver is the number of elements above which String shows only the
// first and last few entries of each dimension, as PyTorch does.
const summariseOver = 1000

// String formats the tensor with its shape, one matrix row per line, values
// aligned. Tensors with more than 1000 elements are summarised PyTorch-style: only
// the first and last three entries of each long dimension are shown, with "..."
// between them.
func (t *Tensor) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor%v ", t.shape)
	if len(t.data) == 0 {
		b.WriteString("[]")
		return b.String()
	}
	if len(t.shape) == 0 {
		b.WriteString(strconv.FormatFloat(float64(t.data[0]), 'g', -1, 32))
		return b.String()
	}
	f := tensorFormatter{t: t, summarise: len(t.data) > summariseOver, indent: b.Len()}
	f.visit(0, 0, func(v float32) { f.width = max(f.width, len(formatValue(v))) })
	f.format(&b, 0, 0)
	return b.String()
}

// tensorFormatter holds what String needs while walking the dimensions.
type tensorFormatter struct {
	t         *Tensor
	summarise bool
	indent    int // column of the outermost '['
	width     int // widest value shown
}

// edgeItems is how many entries String shows at each end of a summarised dimension.
const edgeItems = 3

// shown lists the indices of a dimension of size n to print; -1 stands for "...".
func (f *tensorFormatter) shown(n int) []int {
	if !f.summarise || n <= 2*edgeItems+1 {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := []int{}
	for i := 0; i < edgeItems; i++ {
		idx = append(idx, i)
	}
	idx = append(idx, -1)
	for i := n - edgeItems; i < n; i++ {
		idx = append(idx, i)
	}
	return idx
}

// stride is the number of elements one step along dim skips.
func (f *tensorFormatter) stride(dim int) int {
	s := 1
	for _, d := range f.t.shape[dim+1:] {
		s *= d
	}
	return s
}

// visit calls fn with every value String shows.
func (f *tensorFormatter) visit(dim, off int, fn func(float32)) {
	last := dim == len(f.t.shape)-1
	stride := f.stride(dim)
	for _, i := range f.shown(f.t.shape[dim]) {
		switch {
		case i < 0:
		case last:
			fn(f.t.data[off+i])
		default:
			f.visit(dim+1, off+i*stride, fn)
		}
	}
}

func (f *tensorFormatter) format(b *strings.Builder, dim, off int) {
	rank := len(f.t.shape)
	stride := f.stride(dim)
	b.WriteByte('[')
	for k, i := range f.shown(f.t.shape[dim]) {
		if k > 0 {
			if dim == rank-1 {
				b.WriteByte(' ')
			} else {
				// One line per row; a blank line between the matrices of higher ranks.
				b.WriteString(strings.Repeat("\n", rank-dim-1))
				b.WriteString(strings.Repeat(" ", f.indent+dim+1))
			}
		}
		switch {
		case i < 0:
			b.WriteString("...")
		case dim == rank-1:
			fmt.Fprintf(b, "%*s", f.width, formatValue(f.t.data[off+i]))
		default:
			f.format(b, dim+1, off+i*stride)
		}
	}
	b.WriteByte(']')
}

// formatValue formats one element with four significant digits.
func formatValue(v float32) string { return strconv.FormatFloat(float64(v), 'g', 4, 32) }

// ArgMax returns, for each row of a tensor of shape [n, k] (logits or
// probabilities, say), the column of its largest value; the first one wins ties.
// A 1-D tensor [k] counts as a single row. For other ranks, or for the index as
// a tensor, use ArgMaxAxis.
func (t *Tensor) ArgMax() []int {
	var n, k int
	switch len(t.shape) {
	case 1:
		n, k = 1, t.shape[0]
	case 2:
		n, k = t.shape[0], t.shape[1]
	default:
		panic(fmt.Sprintf("ml: ArgMax wants shape [n k] or [k], got %v (use ArgMaxAxis for other ranks)", t.shape))
	}
	if k == 0 {
		panic(fmt.Sprintf("ml: ArgMax: no columns in shape %v", t.shape))
	}
	out := make([]int, n)
	for i := range out {
		out[i] = argmaxRow(t.data[i*k : (i+1)*k])
	}
	return out
}

// argmaxRow returns the index of the largest value of row, the first one on ties.
func argmaxRow(row []float32) int {
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	return best
}

// AllFinite reports whether every value is neither NaN nor infinite.
func (t *Tensor) AllFinite() bool {
	for _, v := range t.data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return false
		}
	}
	return true
}

func checkShape(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("ml: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}

func sameShape(a, b []int) bool {
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
