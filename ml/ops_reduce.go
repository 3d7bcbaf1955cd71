package ml

import "fmt"

// axisSplit resolves axis (negative counts from the end) and returns the number of
// blocks before it, its length and the number of elements after it: element
// (o, j, k) of the view [outer, n, inner] is at o·n·inner + j·inner + k.
func axisSplit(t *Tensor, op string, axis int) (ax, outer, n, inner int) {
	ax = axis
	if ax < 0 {
		ax += len(t.shape)
	}
	if ax < 0 || ax >= len(t.shape) {
		panic(fmt.Sprintf("ml: %s(%d): axis out of range for shape %v", op, axis, t.shape))
	}
	outer, inner = 1, 1
	for _, d := range t.shape[:ax] {
		outer *= d
	}
	for _, d := range t.shape[ax+1:] {
		inner *= d
	}
	return ax, outer, t.shape[ax], inner
}

// reducedShape is shape with dimension ax removed, or set to 1 when keepDim is set.
func reducedShape(shape []int, ax int, keepDim bool) []int {
	out := append([]int(nil), shape[:ax]...)
	if keepDim {
		out = append(out, 1)
	}
	return append(out, shape[ax+1:]...)
}

// SumAxis returns the sums along axis (negative counts from the end), like
// torch.sum(t, dim, keepdim). The axis is removed from the shape, or kept with
// size 1 when keepDim is set, so that the result broadcasts back against t.
func (t *Tensor) SumAxis(axis int, keepDim bool) *Tensor {
	ax, outer, n, inner := axisSplit(t, "SumAxis", axis)
	out := New(reducedShape(t.shape, ax, keepDim)...)
	for o := 0; o < outer; o++ {
		dst := out.data[o*inner : (o+1)*inner]
		for j := 0; j < n; j++ {
			addTo(dst, t.data[(o*n+j)*inner:(o*n+j+1)*inner])
		}
	}
	if t.needsGrad() {
		out.attach("SumAxis", []*Tensor{t}, func(g []float32) {
			gt := t.gradBuf()
			for o := 0; o < outer; o++ {
				src := g[o*inner : (o+1)*inner]
				for j := 0; j < n; j++ {
					addTo(gt[(o*n+j)*inner:(o*n+j+1)*inner], src)
				}
			}
		})
	}
	return out
}

// MeanAxis returns the means along axis, shaped as SumAxis shapes its result.
// It panics if the axis is empty.
func (t *Tensor) MeanAxis(axis int, keepDim bool) *Tensor {
	_, _, n, _ := axisSplit(t, "MeanAxis", axis)
	if n == 0 {
		panic(fmt.Sprintf("ml: MeanAxis(%d) of shape %v: the axis is empty", axis, t.shape))
	}
	return t.SumAxis(axis, keepDim).scale32(1 / float32(n))
}

// MaxAxis returns the largest values along axis, shaped as SumAxis shapes its
// result (the values of torch.max(t, dim, keepdim)). The gradient flows to the
// position of each maximum, the first one when there are ties. It panics if the
// axis is empty.
func (t *Tensor) MaxAxis(axis int, keepDim bool) *Tensor {
	return t.extremeAxis("MaxAxis", axis, keepDim, func(a, b float32) bool { return a > b })
}

// MinAxis returns the smallest values along axis, as MaxAxis returns the largest.
func (t *Tensor) MinAxis(axis int, keepDim bool) *Tensor {
	return t.extremeAxis("MinAxis", axis, keepDim, func(a, b float32) bool { return a < b })
}

// ArgMaxAxis returns the index of the largest value along axis (the first one
// when there are ties) as a tensor of whole numbers shaped as SumAxis shapes its
// result, like torch.argmax(t, dim, keepdim). Indices are not differentiable, so
// the result is outside the graph.
func (t *Tensor) ArgMaxAxis(axis int, keepDim bool) *Tensor {
	ax, outer, n, inner := axisSplit(t, "ArgMaxAxis", axis)
	if n == 0 {
		panic(fmt.Sprintf("ml: ArgMaxAxis(%d) of shape %v: the axis is empty", axis, t.shape))
	}
	idx := extremeIndices(t.data, outer, n, inner, func(a, b float32) bool { return a > b })
	out := New(reducedShape(t.shape, ax, keepDim)...)
	for i, at := range idx {
		out.data[i] = float32((at / inner) % n)
	}
	return out
}

// extremeIndices returns, for every (o, k) of the view [outer, n, inner], the flat
// index of the element that wins better along the middle axis (the first on ties).
// NaN wins, so that a NaN in the input shows in the result.
func extremeIndices(data []float32, outer, n, inner int, better func(a, b float32) bool) []int {
	idx := make([]int, outer*inner)
	for o := 0; o < outer; o++ {
		for k := 0; k < inner; k++ {
			best := o*n*inner + k
			for j := 1; j < n; j++ {
				at := (o*n+j)*inner + k
				if v := data[at]; data[best] == data[best] && (v != v || better(v, data[best])) {
					best = at
				}
			}
			idx[o*inner+k] = best
		}
	}
	return idx
}

func (t *Tensor) extremeAxis(op string, axis int, keepDim bool, better func(a, b float32) bool) *Tensor {
	ax, outer, n, inner := axisSplit(t, op, axis)
	if n == 0 {
		panic(fmt.Sprintf("ml: %s(%d) of shape %v: the axis is empty", op, axis, t.shape))
	}
	idx := extremeIndices(t.data, outer, n, inner, better)
	out := New(reducedShape(t.shape, ax, keepDim)...)
	for i, at := range idx {
		out.data[i] = t.data[at]
	}
	if t.needsGrad() {
		out.attach(op, []*Tensor{t}, func(g []float32) {
			gt := t.gradBuf()
			for i, at := range idx {
				gt[at] += g[i]
			}
		})
	}
	return out
}

// Max returns the largest element as a tensor of shape []. The gradient flows to
// its position, the first one when there are ties. It panics if t is empty.
func (t *Tensor) Max() *Tensor {
	return t.extremeAll("Max", func(a, b float32) bool { return a > b })
}

// Min returns the smallest element as a tensor of shape [], as Max returns the largest.
func (t *Tensor) Min() *Tensor {
	return t.extremeAll("Min", func(a, b float32) bool { return a < b })
}

func (t *Tensor) extremeAll(op string, better func(a, b float32) bool) *Tensor {
	if len(t.data) == 0 {
		panic(fmt.Sprintf("ml: %s of an empty tensor of shape %v", op, t.shape))
	}
	at := extremeIndices(t.data, 1, len(t.data), 1, better)[0]
	out := scalar32(t.data[at])
	if t.needsGrad() {
		out.attach(op, []*Tensor{t}, func(g []float32) { t.gradBuf()[at] += g[0] })
	}
	return out
}
