package qgemm

import "math"

// Range returns the smallest and largest value of x, each extended to
// include 0 (as activation quantization wants), and whether every value is
// finite.
func Range(x []float32) (lo, hi float32, finite bool) {
	n := 0
	if useAsm && len(x) >= 8 {
		n = len(x) &^ 7
		var lanes [24]float32
		rangeAVX2(&x[0], n, &lanes)
		finite = true
		for i := 0; i < 8; i++ {
			lo, hi = min(lo, lanes[i]), max(hi, lanes[8+i])
			// The sums of v·0 are 0 for finite values and NaN otherwise.
			finite = finite && lanes[16+i] == 0
		}
	} else {
		finite = true
	}
	for _, v := range x[n:] {
		lo, hi = min(lo, v), max(hi, v)
		finite = finite && v-v == 0 // false for NaN and ±Inf
	}
	return lo, hi, finite
}

// Quantize sets dst[i*lda+p] = clamp(zp + round(x[i*k+p]·inv), 0, 255) for
// the m rows of k values of x, rounding half to even, and zeroes each row's
// padding up to lda. x must be finite.
func Quantize(x []float32, m, k int, inv float32, zp int32, dst []uint8, lda int) {
	if lda == k && useAsm {
		quantizeSpan(x[:m*k], inv, zp, dst[:m*k])
		return
	}
	for i := 0; i < m; i++ {
		quantizeSpan(x[i*k:(i+1)*k], inv, zp, dst[i*lda:i*lda+k])
		clear(dst[i*lda+k : (i+1)*lda])
	}
}

func quantizeSpan(x []float32, inv float32, zp int32, dst []uint8) {
	n := 0
	if useAsm && len(x) >= 32 {
		n = len(x) &^ 31
		quantizeAVX2(&x[0], n, inv, float32(zp), &dst[0])
	}
	lo, hi := float32(-zp), float32(255-zp)
	for p, v := range x[n:] {
		// Clamping before rounding gives the same as after (the bounds are
		// integers) and keeps |y| small enough for the 1.5·2²³ trick, which
		// rounds half to even in float32 arithmetic.
		y := min(max(v*inv, lo), hi)
		y = (y + roundMagic) - roundMagic
		dst[n+p] = uint8(int32(y) + zp)
	}
}

const roundMagic = float32(1 << 23 * 1.5)

// QuantizeValue is Quantize for one value (tests and the report use it).
func QuantizeValue(v, inv float32, zp int32) uint8 {
	q := float32(zp) + float32(math.RoundToEven(float64(v*inv)))
	return uint8(min(max(q, 0), 255))
}
