package ml

import (
	"sync/atomic"
	"unsafe"
)

// Sparse inference for pruned Linear layers. A pruned weight carries a mask,
// and while it does the masked weights are zero (Prune, Fit and the
// optimizers keep them so). For inference the layer then lists, per input
// row of its [In, Out] weight, the columns of the unmasked weights (CSR
// structure without values: the values are read from the weight itself, so
// training never leaves the list stale) and computes y += x[i]·W[i, c] only
// over them and over the nonzero inputs.
//
// The structure depends only on the mask; masks change in place only
// through applyMask, which counts every change in maskEdits, so a layer
// rebuilds its list when that count or its mask slice differ.

// maskEdits counts the changes of any pruning mask.
var maskEdits atomic.Uint64

// sparseLinear is the CSR structure of a masked Linear weight.
type sparseLinear struct {
	mask    *float32 // the mask it was built from
	edits   uint64   // maskEdits when it was built
	use     bool     // sparse is faster at this density (see useSparse)
	rowPtr  []int32  // In+1 row starts into cols
	cols    []uint16 // columns of the unmasked weights, row by row
	density float64
}

// Measured crossover (BenchmarkSparseLinear: the trained digits MLP, global
// L1, dense and sparse alternating sample by sample, AMD EPYC with
// AVX-512): the dense single-row kernel, which already skips zero inputs
// and keeps 128-256 outputs in vector registers, does some 20 multiply-adds
// per nanosecond, the scalar CSR loop about one, so CSR wins only when a
// layer keeps about 1% of its weights (speedup 0.39 at 90% sparsity, 0.68
// at 95%, 0.80 at 97%, 0.85 at 99%, kernel time alone 1.2x at 99%). Layers
// at most sparseMaxDensity dense use it. Batches of more than sparseMaxRows
// rows go to the dense GEMM, whose blocking wins there.
const (
	sparseMaxDensity = 0.01
	sparseMaxRows    = 1
)

// sparseMode forces the choice for tests and benchmarks: 0 automatic, 1
// always sparse (when masked), -1 never.
var sparseMode int

// sparsePlan returns the layer's CSR structure if inference should use it.
func (l *LinearLayer) sparsePlan() *sparseLinear {
	mask := l.Weight.mask
	if mask == nil || sparseMode < 0 || l.Out > 1<<16 {
		return nil
	}
	edits := maskEdits.Load()
	s := l.sp
	if s == nil || s.mask != &mask[0] || s.edits != edits {
		s = &sparseLinear{mask: &mask[0], edits: edits, rowPtr: make([]int32, 1, l.In+1)}
		for i := 0; i < l.In; i++ {
			for c, k := range mask[i*l.Out : (i+1)*l.Out] {
				if k != 0 {
					s.cols = append(s.cols, uint16(c))
				}
			}
			s.rowPtr = append(s.rowPtr, int32(len(s.cols)))
		}
		s.density = float64(len(s.cols)) / float64(len(mask))
		s.use = s.density <= sparseMaxDensity
		l.sp = s
	}
	if s.use || sparseMode > 0 {
		return s
	}
	return nil
}

// csrRowGemv adds Σ x[i]·W[i,c] to y over the nonzero x[i] and the columns c
// of row i in s. W is [len(x), n]; every column in s is below n (checked when
// s was built from the mask), which lets the loop index without bounds
// checks.
func csrRowGemv(y, x, w []float32, n int, s *sparseLinear) {
	_ = y[n-1]
	_ = w[len(x)*n-1]
	yp := unsafe.Pointer(unsafe.SliceData(y))
	for i, v := range x {
		if v == 0 {
			continue
		}
		cols := s.cols[s.rowPtr[i]:s.rowPtr[i+1]]
		row := unsafe.Pointer(unsafe.SliceData(w[i*n:]))
		k := 0
		for ; k+4 <= len(cols); k += 4 {
			c0, c1, c2, c3 := uintptr(cols[k])*4, uintptr(cols[k+1])*4, uintptr(cols[k+2])*4, uintptr(cols[k+3])*4
			w0, w1, w2, w3 := *(*float32)(unsafe.Add(row, c0)), *(*float32)(unsafe.Add(row, c1)), *(*float32)(unsafe.Add(row, c2)), *(*float32)(unsafe.Add(row, c3))
			*(*float32)(unsafe.Add(yp, c0)) += v * w0
			*(*float32)(unsafe.Add(yp, c1)) += v * w1
			*(*float32)(unsafe.Add(yp, c2)) += v * w2
			*(*float32)(unsafe.Add(yp, c3)) += v * w3
		}
		for ; k < len(cols); k++ {
			c := uintptr(cols[k]) * 4
			*(*float32)(unsafe.Add(yp, c)) += v * *(*float32)(unsafe.Add(row, c))
		}
	}
}
