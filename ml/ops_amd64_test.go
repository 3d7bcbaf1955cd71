//go:build amd64 && !purego

package ml

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSparseRowGemvAVX512MatchesAVX2 checks that the AVX-512 single-row kernels
// give bit-identical results to the AVX2 ones they replace, for widths that use
// the 256- and 128-column kernels alone and followed by the narrower ones, with
// input lengths that leave rows to the scalar packing and with negative zeros.
func TestSparseRowGemvAVX512MatchesAVX2(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 on this CPU")
	}
	defer func(saved bool) { useAVX512 = saved }(useAVX512)
	rng := rand.New(rand.NewPCG(5, 5))
	var s sparseRow
	for _, in := range []int{1, 16, 33, 40, 64, 256} {
		for _, n := range []int{128, 200, 256, 320, 384, 520} {
			w := randTensor(rng, -1, 1, in, n).data
			x := make([]float32, in)
			for i := range x {
				switch rng.IntN(4) {
				case 0:
					x[i] = float32(math.Copysign(0, -1)) // skipped like +0
				case 1, 2:
					x[i] = float32(rng.NormFloat64())
				}
			}
			y0 := make([]float32, n)
			for j := range y0 {
				y0[j] = float32(rng.NormFloat64())
			}
			got := append([]float32(nil), y0...)
			useAVX512 = true
			sparseRowGemv(got, x, w, n, &s)
			want := append([]float32(nil), y0...)
			useAVX512 = false
			sparseRowGemv(want, x, w, n, &s)
			if !sameBits(got, want) {
				t.Fatalf("in=%d n=%d: AVX-512 result %v differs from AVX2 %v", in, n, got[:4], want[:4])
			}
		}
	}
}
