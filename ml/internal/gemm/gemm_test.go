package gemm

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
)

// refGemm computes alpha*op(A)*op(B) + beta*C in float64 and, for each
// element, the magnitude sum that bounds its float32 rounding error.
func refGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) (want, scale []float64) {
	want = make([]float64, m*n)
	scale = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var sum, mag float64
			for p := 0; p < k; p++ {
				var av, bv float64
				if transA {
					av = float64(a[p*lda+i])
				} else {
					av = float64(a[i*lda+p])
				}
				if transB {
					bv = float64(b[j*ldb+p])
				} else {
					bv = float64(b[p*ldb+j])
				}
				sum += av * bv
				mag += math.Abs(av * bv)
			}
			v := float64(alpha) * sum
			s := math.Abs(float64(alpha)) * mag
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
				s += math.Abs(float64(beta) * float64(c[i*ldc+j]))
			}
			want[i*n+j] = v
			scale[i*n+j] = s
		}
	}
	return want, scale
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}

// checkCase runs one Sgemm and compares every element of C (including the
// padding between rows, which must be untouched) with the float64 reference.
func checkCase(t *testing.T, rng *rand.Rand, transA, transB bool, m, n, k, pad int, alpha, beta float32, nanC bool) {
	t.Helper()
	if err := compareCase(rng, transA, transB, m, n, k, pad, alpha, beta, nanC); err != nil {
		t.Fatal(err)
	}
}

// compareCase is checkCase for any goroutine: it returns the first mismatch.
func compareCase(rng *rand.Rand, transA, transB bool, m, n, k, pad int, alpha, beta float32, nanC bool) error {
	aRows, aCols := m, k
	if transA {
		aRows, aCols = k, m
	}
	bRows, bCols := k, n
	if transB {
		bRows, bCols = n, k
	}
	lda, ldb, ldc := aCols+pad, bCols+pad, n+pad
	a := randSlice(rng, max(0, aRows*lda))
	b := randSlice(rng, max(0, bRows*ldb))
	// C is followed by guard values that must survive: an assembly kernel
	// that stores past the last row would change them.
	const guard = 32
	cFull := randSlice(rng, max(0, m*ldc)+guard)
	c := cFull[:max(0, m*ldc)]
	if nanC {
		for i := range c {
			if i%ldc < n {
				c[i] = float32(math.NaN())
			}
		}
	}
	orig := append([]float32(nil), cFull...)
	want, scale := refGemm(transA, transB, m, n, k, alpha, a, max(lda, 1), b, max(ldb, 1), beta, orig, max(ldc, 1))
	Sgemm(transA, transB, m, n, k, alpha, a, max(lda, 1), b, max(ldb, 1), beta, c, max(ldc, 1))
	const eps = 6e-8 // float32 unit roundoff
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			got := c[i*ldc+j]
			if j >= n {
				if math.Float32bits(got) != math.Float32bits(orig[i*ldc+j]) {
					return fmt.Errorf("tA=%v tB=%v m=%d n=%d k=%d pad=%d: padding C[%d][%d] changed from %v to %v", transA, transB, m, n, k, pad, i, j, orig[i*ldc+j], got)
				}
				continue
			}
			w := want[i*n+j]
			tol := 4*float64(k+2)*eps*scale[i*n+j] + 1e-30
			if math.IsNaN(float64(got)) || math.Abs(float64(got)-w) > tol {
				return fmt.Errorf("tA=%v tB=%v m=%d n=%d k=%d pad=%d alpha=%v beta=%v: C[%d][%d] = %v, want %v (tol %g)", transA, transB, m, n, k, pad, alpha, beta, i, j, got, w, tol)
			}
		}
	}
	for g := len(c); g < len(cFull); g++ {
		if math.Float32bits(cFull[g]) != math.Float32bits(orig[g]) {
			return fmt.Errorf("tA=%v tB=%v m=%d n=%d k=%d pad=%d: wrote past the end of C (guard %d)", transA, transB, m, n, k, pad, g-len(c))
		}
	}
	return nil
}

var edgeSizes = []int{1, 2, 3, 5, 6, 7, 13, 15, 16, 17, 31, 33, 65}

func runShapes(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for _, m := range edgeSizes {
				for _, n := range edgeSizes {
					k := edgeSizes[rng.Intn(len(edgeSizes))]
					pad := rng.Intn(3)
					checkCase(t, rng, tA, tB, m, n, k, pad, 1, 0, false)
				}
			}
		}
	}
}

func TestSgemmEdgeShapes(t *testing.T) { runShapes(t) }

func TestSgemmEdgeShapesGeneric(t *testing.T) {
	defer forceGeneric()()
	runShapes(t)
}

// forceGeneric switches to the pure-Go micro-kernel and returns a function
// that restores the previous choice.
func forceGeneric() func() {
	old := useAsm
	useAsm = false
	return func() { useAsm = old }
}

func TestSgemmAlphaBeta(t *testing.T) { runAlphaBeta(t) }

func TestSgemmAlphaBetaGeneric(t *testing.T) {
	defer forceGeneric()()
	runAlphaBeta(t)
}

func runAlphaBeta(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 0}, {2, -1.5}, {0, 0.5}, {0, 0}, {0.25, 1}} {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, shape := range [][3]int{{7, 17, 9}, {40, 50, 300}, {1, 33, 20}, {33, 1, 20}} {
					checkCase(t, rng, tA, tB, shape[0], shape[1], shape[2], 1, ab[0], ab[1], false)
				}
			}
		}
	}
}

func TestSgemmBetaZeroOverwritesNaN(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, useGeneric := range []bool{false, true} {
		restore := func() {}
		if useGeneric {
			restore = forceGeneric()
		}
		for _, shape := range [][3]int{{1, 1, 1}, {6, 16, 4}, {13, 35, 29}, {100, 70, 300}} {
			for _, tA := range []bool{false, true} {
				for _, tB := range []bool{false, true} {
					checkCase(t, rng, tA, tB, shape[0], shape[1], shape[2], 2, 1.5, 0, true)
				}
			}
		}
		// alpha == 0 and beta == 0 must also clear NaN.
		checkCase(t, rng, false, false, 5, 9, 3, 1, 0, 0, true)
		restore()
	}
}

// TestSgemmLarge covers shapes that cross the cache-blocking boundaries (kc,
// mc, nc) and the split between goroutines, with strides wider than rows.
func TestSgemmLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large shapes in -short mode")
	}
	rng := rand.New(rand.NewSource(4))
	shapes := [][3]int{{300, 301, 513}, {97, 1100, 130}, {1031, 40, 270}, {256, 256, 256}, {2, 700, 600}, {1, 1100, 300}, {700, 1, 300}}
	for _, s := range shapes {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				checkCase(t, rng, tA, tB, s[0], s[1], s[2], 3, 0.75, 0.5, false)
			}
		}
	}
	defer forceGeneric()()
	checkCase(t, rng, true, false, 300, 301, 513, 1, 1, 1, false)
}

func TestSgemmMLPShapes(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	shapes := [][3]int{{32, 256, 64}, {32, 128, 256}, {32, 10, 128}, {1, 256, 64}, {1, 128, 256}, {1, 10, 128},
		{64, 256, 32}, {256, 128, 32}, {128, 10, 32}, {32, 64, 256}, {32, 256, 128}, {32, 128, 10}}
	for _, s := range shapes {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				checkCase(t, rng, tA, tB, s[0], s[1], s[2], 0, 1, 0, false)
				checkCase(t, rng, tA, tB, s[0], s[1], s[2], 0, 1, 1, false)
			}
		}
	}
}

func TestSgemmZeroSizes(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	// k == 0 scales C by beta; m or n == 0 does nothing.
	checkCase(t, rng, false, false, 4, 5, 0, 0, 1, 0.5, false)
	checkCase(t, rng, true, true, 4, 5, 0, 1, 1, 0, true)
	Sgemm(false, false, 0, 5, 3, 1, nil, 3, make([]float32, 15), 5, 0, nil, 5)
	Sgemm(false, false, 5, 0, 3, 1, make([]float32, 15), 3, nil, 1, 0, nil, 1)
}

func TestSgemmBadArguments(t *testing.T) {
	cases := []struct {
		name string
		call func()
		want string
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 2, 1, nil, 2, nil, 2, 0, nil, 2) }, "negative dimension"},
		{"lda too small", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}, "lda=2"},
		{"ldb too small for transB", func() {
			Sgemm(false, true, 2, 4, 3, 1, make([]float32, 6), 3, make([]float32, 12), 2, 0, make([]float32, 8), 4)
		}, "ldb=2"},
		{"short A", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 5), 3, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}, "A has 5 elements, need at least 6"},
		{"short C", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 3, make([]float32, 6), 2, 0, make([]float32, 3), 2)
		}, "C has 3 elements"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatalf("no panic, want one mentioning %q", tc.want)
				}
				if msg := fmt.Sprint(r); !strings.Contains(msg, tc.want) {
					t.Fatalf("panic %q does not mention %q", msg, tc.want)
				}
			}()
			tc.call()
		})
	}
}

// TestSgemmConcurrent runs split products from several goroutines at once:
// one gets the helper, the others run serially, and all must be right.
func TestSgemmConcurrent(t *testing.T) {
	withTuning(t, directMaxWork, 0)
	errs := make(chan error)
	for g := range 4 {
		go func() {
			rng := rand.New(rand.NewSource(int64(10 + g)))
			for range 5 {
				if err := compareCase(rng, g%2 == 0, g/2 == 0, 120+g, 130, 140, 1, 1, 0.5, false); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// withTuning sets the packing and splitting thresholds for one test.
// Splitting is never suspended by a slow helper while it is in force.
func withTuning(t *testing.T, direct, parallel int) {
	oldDirect, oldParallel, oldCooldown := directMaxWork, parallelMinWork, cooldownProducts
	directMaxWork, parallelMinWork, cooldownProducts = direct, parallel, 0
	theHelper.cooldown.Store(0)
	t.Cleanup(func() { directMaxWork, parallelMinWork, cooldownProducts = oldDirect, oldParallel, oldCooldown })
}

// TestSgemmPacked forces the packed path, which by default only products
// beyond directMaxWork take.
func TestSgemmPacked(t *testing.T) {
	withTuning(t, 0, math.MaxInt)
	runShapes(t)
	rng := rand.New(rand.NewSource(7))
	for _, s := range [][3]int{{300, 301, 513}, {97, 2100, 130}, {13, 40, 700}} {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				checkCase(t, rng, tA, tB, s[0], s[1], s[2], 2, 1.25, 0.5, false)
			}
		}
	}
	defer forceGeneric()()
	checkCase(t, rng, true, true, 100, 70, 300, 1, 1, 0, true)
}

// TestSgemmSplit forces the two-goroutine split on every product, packed
// and in place, including shapes too small to split evenly.
func TestSgemmSplit(t *testing.T) {
	for _, direct := range []int{0, math.MaxInt} {
		withTuning(t, direct, 0)
		runShapes(t)
		rng := rand.New(rand.NewSource(8))
		for _, s := range [][3]int{{300, 20, 100}, {20, 300, 100}, {1000, 1000, 40}} {
			for _, tA := range []bool{false, true} {
				for _, tB := range []bool{false, true} {
					checkCase(t, rng, tA, tB, s[0], s[1], s[2], 1, 1, 1, false)
				}
			}
		}
	}
}

// TestSgemmBitwiseStable checks that the result does not depend on whether
// the operands were packed or the product split between goroutines: ml
// promises the same result for the same seed, whatever the machine's load.
func TestSgemmBitwiseStable(t *testing.T) {
	withTuning(t, directMaxWork, parallelMinWork) // restores the defaults afterwards
	rng := rand.New(rand.NewSource(9))
	for _, s := range [][3]int{{200, 300, 700}, {300, 20, 100}, {37, 530, 260}} {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			m, n, k := s[0], s[1], s[2]
			a, b := randSlice(rng, m*k), randSlice(rng, k*n)
			c0 := randSlice(rng, m*n)
			lda, ldb := k, n
			if tr[0] {
				lda = m
			}
			if tr[1] {
				ldb = k
			}
			var first []float32
			for _, tuning := range [][2]int{{math.MaxInt, math.MaxInt}, {0, math.MaxInt}, {math.MaxInt, 0}, {0, 0}} {
				directMaxWork, parallelMinWork = tuning[0], tuning[1]
				c := append([]float32(nil), c0...)
				Sgemm(tr[0], tr[1], m, n, k, 0.5, a, lda, b, ldb, 0.25, c, n)
				if first == nil {
					first = c
					continue
				}
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
						t.Fatalf("%v trans=%v tuning=%v: C[%d] = %v, unpacked serial gave %v", s, tr, tuning, i, c[i], first[i])
					}
				}
			}
		}
	}
}
