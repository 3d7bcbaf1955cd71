package ml

import "math"

// exp32 is e^x in float32 precision.
func exp32(x float32) float32 { return float32(math.Exp(float64(x))) }

// sigmoid32 is 1/(1+e^-x), written to avoid overflow for large |x|.
func sigmoid32(x float32) float32 {
	if x >= 0 {
		return float32(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return float32(e / (1 + e))
}

// tanh32 is the hyperbolic tangent in float32 precision.
func tanh32(x float32) float32 { return float32(math.Tanh(float64(x))) }

func reluScalar(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		if !(v <= 0) { // NaN passes through, as in the vector kernel
			y[i] = v
		} else {
			y[i] = 0
		}
	}
}

func reluBackScalar(dx, y, dy []float32) {
	dx, y = dx[:len(dy)], y[:len(dy)]
	for i, g := range dy {
		if y[i] > 0 {
			dx[i] = g
		} else {
			dx[i] = 0
		}
	}
}

// sparseRow lists the nonzero entries of one input row: byte offsets of the
// matching weight rows and the values.
type sparseRow struct {
	off []int32
	val []float32
}

// maxSparseBytes bounds the weight matrices the single-row path handles, so that
// byte offsets fit in an int32.
const maxSparseBytes = 1 << 30

// sparseRowGemv adds Σ x[i]·W[i,:] to y over the nonzero x[i], where W is
// [len(x), n] row-major. Skipping zeros (common after ReLU and in pixel data)
// makes single-sample inference faster; unlike a dense product it does not
// turn 0·Inf into NaN. It reports false, doing nothing, when W is too large.
func sparseRowGemv(y, x, w []float32, n int, s *sparseRow) bool {
	if len(x)*n*4 >= maxSparseBytes {
		return false
	}
	if cap(s.off) < len(x)+8 {
		s.off, s.val = make([]int32, len(x)+8), make([]float32, len(x)+8)
	}
	s.off, s.val = s.off[:len(x)+8], s.val[:len(x)+8]
	done, k := compactVec(x, n*4, s)
	for i := done; i < len(x); i++ {
		if v := x[i]; v != 0 {
			s.off[k], s.val[k] = int32(i*n*4), v
			k++
		}
	}
	if k == 0 {
		return true
	}
	s.off, s.val = s.off[:k], s.val[:k]
	_ = w[(len(x)-1)*n+n-1] // the kernels read rows 0..len(x)-1
	j := axpyRowsVec(y, w, n, s)
	if j < n && j >= 8 {
		// Columns past the last multiple of 8: run the 8-wide kernel on the last 8
		// columns in a scratch copy and keep only the new ones.
		var tmp [8]float32
		copy(tmp[:], y[n-8:n])
		if axpyRowsVec(tmp[:], w[n-8:], 8, s) == 8 {
			copy(y[j:n], tmp[8-(n-j):])
			return true
		}
	}
	for ; j < n; j++ {
		acc := y[j]
		for k, v := range s.val {
			acc += v * w[int(s.off[k])/4+j]
		}
		y[j] = acc
	}
	return true
}
