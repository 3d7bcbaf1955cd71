package ml

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestVectorActivations compares the (possibly assembly) slice kernels with
// float64 math over a wide range, including the clamped extremes and NaN.
func TestVectorActivations(t *testing.T) {
	var xs []float32
	for v := -100.0; v <= 100; v += 0.0137 {
		xs = append(xs, float32(v))
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), 1e-8, -1e-8, 88.5, -87.5, 200, -200, float32(math.Inf(1)), float32(math.Inf(-1)))
	for len(xs)%8 != 3 { // exercise the scalar tail too
		xs = append(xs, 0.5)
	}
	ys := make([]float32, len(xs))
	check := func(name string, f func(float64) float64, tolAbs, tolRel float64) {
		for i, x := range xs {
			want := f(float64(x))
			got := float64(ys[i])
			if math.IsInf(want, 0) && math.IsInf(got, 0) && (want > 0) == (got > 0) {
				continue
			}
			if math.Abs(got-want) > tolAbs+tolRel*math.Abs(want) {
				t.Errorf("%s(%g) = %g, want %g", name, x, got, want)
				return
			}
		}
	}
	sigmoidInto(ys, xs)
	check("sigmoid", func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, 1e-7, 1e-6)
	tanhInto(ys, xs)
	check("tanh", math.Tanh, 2e-7, 1e-6)
	small := xs[:0:0]
	for _, x := range xs {
		if x > -80 && x < 80 {
			small = append(small, x)
		}
	}
	xs = small
	ys = ys[:len(xs)]
	expInto(ys, xs)
	check("exp", math.Exp, 0, 2e-6)

	nan := []float32{float32(math.NaN()), 1, 2, 3, 4, 5, 6, 7}
	out := make([]float32, 8)
	sigmoidInto(out, nan)
	if !math.IsNaN(float64(out[0])) {
		t.Errorf("sigmoid(NaN) = %v, want NaN", out[0])
	}
	tanhInto(out, nan)
	if !math.IsNaN(float64(out[0])) {
		t.Errorf("tanh(NaN) = %v, want NaN", out[0])
	}
}

// TestVectorReLUAndAdam compares the slice kernels with their scalar versions.
func TestVectorReLUAndAdam(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	n := 1003
	x, g := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
		g[i] = float32(rng.NormFloat64())
	}
	x[5] = float32(math.NaN())
	y, want := make([]float32, n), make([]float32, n)
	reluInto(y, x)
	reluScalar(want, x)
	for i := range y {
		if y[i] != want[i] && !(math.IsNaN(float64(y[i])) && math.IsNaN(float64(want[i]))) {
			t.Fatalf("relu[%d] = %v, want %v", i, y[i], want[i])
		}
	}
	x[5] = 1
	reluInto(y, x)
	dx, wantDx := make([]float32, n), make([]float32, n)
	reluBackInto(dx, y, g)
	reluBackScalar(wantDx, y, g)
	if !sameBits(dx, wantDx) {
		t.Errorf("reluBack differs from the scalar version")
	}
	w1, m1, v1 := append([]float32(nil), x...), make([]float32, n), make([]float32, n)
	w2, m2, v2 := append([]float32(nil), x...), make([]float32, n), make([]float32, n)
	for step := 0; step < 3; step++ {
		adamUpdate(w1, g, m1, v1, 0.9, 0.999, 1e-8, 0.01, 0.001, 1.3)
		adamScalar(w2, g, m2, v2, 0.9, 0.999, 1e-8, 0.01, 0.001, 1.3)
	}
	for i := range w1 {
		if math.Abs(float64(w1[i]-w2[i])) > 1e-6 || math.Abs(float64(m1[i]-m2[i])) > 1e-6 || math.Abs(float64(v1[i]-v2[i])) > 1e-6 {
			t.Fatalf("adam[%d]: vector w=%v m=%v v=%v, scalar w=%v m=%v v=%v", i, w1[i], m1[i], v1[i], w2[i], m2[i], v2[i])
		}
	}
	if w1[0] == x[0] {
		t.Errorf("adam did not move the weights")
	}
}

// TestSingleRowLinear checks the zero-skipping single-sample path against the
// batched GEMM path, for widths that exercise the 64-, 8- and 1-column kernels.
func TestSingleRowLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, out := range []int{1, 7, 8, 10, 64, 75, 256} {
		SetSeed(int64(out))
		l := Linear(70, out)
		x := randTensor(rng, -1, 1, 3, 70)
		for i := range x.data {
			if i%3 == 0 {
				x.data[i] = 0
			}
		}
		batch := l.Forward(x)
		for r := 0; r < 3; r++ {
			row := l.Forward(FromSlice(x.data[r*70:(r+1)*70], 1, 70))
			for j := 0; j < out; j++ {
				if d := math.Abs(float64(row.data[j] - batch.data[r*out+j])); d > 1e-5 {
					t.Fatalf("Linear(70→%d) row %d col %d: single %v, batched %v", out, r, j, row.data[j], batch.data[r*out+j])
				}
			}
		}
	}
	zero := Linear(4, 3)
	if y := zero.Forward(New(1, 4)); !sameBits(y.data, zero.Bias.data) {
		t.Errorf("all-zero input: %v, want the bias %v", y.data, zero.Bias.data)
	}
}

// TestSparseRowGemvPatterns checks the zero-skipping product against a float64
// reference for sparsity patterns that exercise every branch of the packing
// (empty, full and mixed 8-lane blocks, a ragged tail).
func TestSparseRowGemvPatterns(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	var s sparseRow
	for _, in := range []int{1, 7, 8, 9, 64, 131, 256} {
		for _, n := range []int{1, 8, 10, 64, 128, 130, 256, 300, 400} {
			w := randTensor(rng, -1, 1, in, n).data
			for pattern := 0; pattern < 5; pattern++ {
				x := make([]float32, in)
				for i := range x {
					keep := false
					switch pattern {
					case 0:
						keep = rng.IntN(2) == 0
					case 1:
						keep = true
					case 2:
						keep = i == in-1
					case 3:
						keep = (i/8)%2 == 1
					case 4:
						keep = rng.IntN(10) == 0
					}
					if keep {
						x[i] = float32(rng.NormFloat64())
					}
				}
				y := make([]float32, n)
				want := make([]float64, n)
				for j := range y {
					y[j] = float32(j)
					want[j] = float64(j)
					for i := range x {
						want[j] += float64(x[i]) * float64(w[i*n+j])
					}
				}
				if !sparseRowGemv(y, x, w, n, &s) {
					t.Fatalf("in=%d n=%d: refused", in, n)
				}
				for j := range y {
					if math.Abs(float64(y[j])-want[j]) > 1e-5*math.Max(10, math.Abs(want[j])) {
						t.Fatalf("in=%d n=%d pattern %d: y[%d] = %v, want %v", in, n, pattern, j, y[j], want[j])
					}
				}
			}
		}
	}
}
