//go:build amd64 && !purego

package ml

import "unsafe"

// useSparseKernels: the sparse Linear kernels are AVX-512 (16-wide gathers
// and masks); the automatic choice uses them only when they run.
var useSparseKernels = useAVX512

//go:noescape
func sellGemv16AVX512(x, out, vals *float32, idx, steps *uint8, slices, blocks int)

//go:noescape
func transposeIn16AVX512(dst, src *float32, stride, n, laneMask int)

//go:noescape
func csrRows16AVX512(yt, xt, vals *float32, idx *uint16, rowEnd *int32, n int)

//go:noescape
func transposeOut16AVX512(dst *float32, stride int, src, b *float32, n, lanes, tailMask int)

// sparseGemvVec runs the AVX-512 SELL kernel on s.xpad into s.ypad; false
// when it cannot run. buildSparseLinear sized them and made every index
// below 32 and the steps add up to the slots in sellVals and sellIdx.
func sparseGemvVec(s *sparseLinear) bool {
	if !useSparseKernels {
		return false
	}
	sellGemv16AVX512(&s.xpad[0], &s.ypad[0], unsafe.SliceData(s.sellVals), unsafe.SliceData(s.sellIdx),
		&s.steps[0], len(s.ypad)/sellWidth, s.blocks)
	return true
}

// sparseGemmVec runs the AVX-512 batch kernels on lanes (1..16) rows.
func sparseGemmVec(ys, xs, b, xt, yt []float32, lanes int, s *sparseLinear) bool {
	if !useSparseKernels {
		return false
	}
	_, _ = ys[lanes*s.out-1], xs[lanes*s.in-1]
	_, _ = xt[s.in*sellWidth-1], yt[s.out*sellWidth-1]
	transposeIn16AVX512(&xt[0], &xs[0], s.in, s.in, 1<<lanes-1)
	csrRows16AVX512(&yt[0], &xt[0], unsafe.SliceData(s.vals), unsafe.SliceData(s.idx), &s.rowEnd[0], s.out)
	tail := 0xffff
	if r := s.out % sellWidth; r != 0 {
		tail = 1<<r - 1
	}
	transposeOut16AVX512(&ys[0], s.out, &yt[0], &b[0], s.out, lanes, tail)
	return true
}
