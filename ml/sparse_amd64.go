//go:build amd64 && !purego

package ml

import "unsafe"

// useSparseKernels: the sparse Linear kernels are AVX-512 (16-wide gathers
// and masks); the automatic choice uses them only when they run.
var useSparseKernels = useAVX512

//go:noescape
func sellGemv16AVX512(x, y, b, vals *float32, idx, steps *uint8, slices, blocks, lastMask int)

//go:noescape
func transposeIn16AVX512(dst, src *float32, stride, n, laneMask int)

//go:noescape
func csrRows16AVX512(yt, xt, vals *float32, idx *uint16, rowEnd *int32, n int)

//go:noescape
func transposeOut16AVX512(dst *float32, stride int, src, b *float32, n, lanes, tailMask int)

// sparseGemvVec runs the AVX-512 SELL kernel; false when it cannot run. x
// holds whole blocks of 32 inputs (sparseGemv pads it), y and b Out values;
// buildSparseLinear made every index below 32 and the steps add up to the
// slots in sellVals and sellIdx.
func sparseGemvVec(y, x, b []float32, s *sparseLinear) bool {
	if !useSparseKernels {
		return false
	}
	_, _, _ = x[s.blocks*2*sellWidth-1], y[s.out-1], b[s.out-1]
	lastMask := 0xffff
	if r := s.out % sellWidth; r != 0 {
		lastMask = 1<<r - 1
	}
	sellGemv16AVX512(&x[0], &y[0], &b[0], unsafe.SliceData(s.sellVals), unsafe.SliceData(s.sellIdx),
		&s.steps[0], len(s.steps)/s.blocks, s.blocks, lastMask)
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
