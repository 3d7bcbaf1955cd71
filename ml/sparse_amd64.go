//go:build amd64 && !purego

package ml

import "unsafe"

// sparseKernelsDetected: AVX-512 when the CPU has it, else AVX2 (with FMA),
// else pure Go.
var sparseKernelsDetected = func() sparseISA {
	switch {
	case useAVX512:
		return sparseAVX512
	case useAVX2:
		return sparseAVX2
	}
	return sparseGo
}()

//go:noescape
func sellGemv16AVX512(x, y, b, vals *float32, idx, steps *uint8, slices, blocks, lastMask int)

//go:noescape
func sellGemv8AVX2(x, y, b, vals *float32, idx *int32, steps *uint8, slices, blocks, lastCount int)

//go:noescape
func transposeIn16AVX512(dst, src *float32, stride, tiles int)

//go:noescape
func transposeIn16AVX2(dst, src *float32, stride, tiles int)

//go:noescape
func csrRows16AVX512(yt, xt, vals *float32, idx *uint16, rowEnd *int32, n int)

//go:noescape
func csrRows16AVX2(yt, xt, vals *float32, idx *uint16, rowEnd *int32, n int)

//go:noescape
func transposeOut16AVX512(dst *float32, stride int, src, b *float32, tiles int)

//go:noescape
func transposeOut16AVX2(dst *float32, stride int, src, b *float32, tiles int)

// sparseGemvVec runs the SELL kernel the layout was built for; false when
// there is none (pure Go). x holds whole blocks of inputs (sparseGemv pads
// it), y and b Out values; buildSparseLinear made every index below the
// block size and the steps add up to the slots in sellVals and sellIdx.
func sparseGemvVec(y, x, b []float32, s *sparseLinear) bool {
	if len(s.sellVals) == 0 {
		return s.isa != sparseGo && clearToBias(y, b)
	}
	_, _, _ = x[s.blocks*s.block-1], y[s.out-1], b[s.out-1]
	nslices := len(s.steps) / s.blocks
	switch s.isa {
	case sparseAVX512:
		lastMask := 0xffff
		if r := s.out % 16; r != 0 {
			lastMask = 1<<r - 1
		}
		sellGemv16AVX512(&x[0], &y[0], &b[0], &s.sellVals[0], &s.sellIdx[0],
			&s.steps[0], nslices, s.blocks, lastMask)
	case sparseAVX2:
		_ = s.sellIdx32[len(s.sellVals)-1]
		sellGemv8AVX2(&x[0], &y[0], &b[0], &s.sellVals[0], &s.sellIdx32[0],
			&s.steps[0], nslices, s.blocks, s.out-(nslices-1)*8)
	default:
		return false
	}
	return true
}

// clearToBias sets y = b (a layer without kept weights).
func clearToBias(y, b []float32) bool {
	copy(y, b)
	return true
}

// sparseTransposeInVec transposes the whole tiles of inputs; the pure-Go
// loop finishes the columns past them.
func sparseTransposeInVec(s *sparseLinear, xs []float32) bool {
	_, _ = xs[tile*s.in-1], s.xt[s.in*tile-1]
	var done int
	switch s.isa {
	case sparseAVX512:
		if tiles := s.in / 16; tiles > 0 {
			transposeIn16AVX512(&s.xt[0], &xs[0], s.in, tiles)
			done = 16 * tiles
		}
	case sparseAVX2:
		if tiles := s.in / 8; tiles > 0 {
			transposeIn16AVX2(&s.xt[0], &xs[0], s.in, tiles)
			done = 8 * tiles
		}
	default:
		return false
	}
	for l := range tile {
		for i := done; i < s.in; i++ {
			s.xt[i*tile+l] = xs[l*s.in+i]
		}
	}
	return true
}

// sparseCSRRowsVec runs the batch kernel's sums.
func sparseCSRRowsVec(s *sparseLinear) bool {
	if s.nnz == 0 || s.isa == sparseGo {
		return false
	}
	_, _ = s.xt[s.in*tile-1], s.yt[s.out*tile-1]
	csr := csrRows16AVX2
	if s.isa == sparseAVX512 {
		csr = csrRows16AVX512
	}
	csr(&s.yt[0], &s.xt[0], unsafe.SliceData(s.vals), unsafe.SliceData(s.idx), &s.rowEnd[0], s.out)
	return true
}

// sparseTransposeOutVec transposes the whole tiles of sums back, adding the
// bias; the pure-Go loop finishes the outputs past them.
func sparseTransposeOutVec(s *sparseLinear, ys, b []float32) bool {
	_, _, _ = ys[tile*s.out-1], b[s.out-1], s.yt[s.out*tile-1]
	var done int
	switch s.isa {
	case sparseAVX512:
		if tiles := s.out / 16; tiles > 0 {
			transposeOut16AVX512(&ys[0], s.out, &s.yt[0], &b[0], tiles)
			done = 16 * tiles
		}
	case sparseAVX2:
		if tiles := s.out / 8; tiles > 0 {
			transposeOut16AVX2(&ys[0], s.out, &s.yt[0], &b[0], tiles)
			done = 8 * tiles
		}
	default:
		return false
	}
	for l := range tile {
		for j := done; j < s.out; j++ {
			ys[l*s.out+j] = b[j] + s.yt[j*tile+l]
		}
	}
	return true
}
