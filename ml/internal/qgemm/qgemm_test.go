package qgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

type problem struct {
	m, n, k      int
	a            []uint8
	lda          int
	w            []int8
	p            *Packed
	zp           int32
	sx           float32
	scales, bias []float32
}

// newProblem makes random operands with activations up to aMax and weights
// over the whole int8 range (so -128 and 127 occur).
func newProblem(rng *rand.Rand, m, n, k, aMax int) problem {
	pr := problem{m: m, n: n, k: k, lda: PadK(k)}
	pr.a = make([]uint8, m*pr.lda)
	for i := 0; i < m; i++ {
		for q := 0; q < k; q++ {
			pr.a[i*pr.lda+q] = uint8(rng.IntN(aMax + 1))
		}
	}
	pr.w = make([]int8, n*k)
	for i := range pr.w {
		pr.w[i] = int8(rng.IntN(256) - 128)
	}
	pr.zp = int32(rng.IntN(128))
	pr.sx = float32(rng.Float64() * 0.1)
	pr.scales, pr.bias = make([]float32, n), make([]float32, n)
	for j := 0; j < n; j++ {
		pr.scales[j] = float32(rng.Float64() * 1e-2)
		pr.bias[j] = float32(rng.NormFloat64())
	}
	if n%2 == 1 {
		pr.scales = pr.scales[:1] // one scale for the whole tensor
	}
	pr.p = Pack(pr.w, n, k, pr.scales, pr.bias)
	return pr
}

// want computes the result from the unpacked weights in float64 after exact
// integer sums, independently of both kernels.
func (pr problem) want() []float32 {
	out := make([]float32, pr.m*pr.n)
	for i := 0; i < pr.m; i++ {
		for j := 0; j < pr.n; j++ {
			var s int64
			for q := 0; q < pr.k; q++ {
				s += int64(pr.a[i*pr.lda+q]) * int64(pr.w[j*pr.k+q])
			}
			var rowSum int64
			for q := 0; q < pr.k; q++ {
				rowSum += int64(pr.w[j*pr.k+q])
			}
			mul := float32(float64(pr.sx) * float64(pr.scales[min(j, len(pr.scales)-1)]))
			prod := float32(float32(s-int64(pr.zp)*rowSum) * mul)
			out[i*pr.n+j] = prod + pr.bias[j]
		}
	}
	return out
}

// kernel modes: pure Go, AVX2, AVX512-VNNI.
const (
	modeGo = iota
	modeAVX2
	modeVNNI
)

func (pr problem) run(mode int, aMax uint8) []float32 {
	prevAsm, prevVNNI := SetAsm(mode != modeGo), SetVNNI(mode == modeVNNI)
	defer func() { SetAsm(prevAsm); SetVNNI(prevVNNI) }()
	c := make([]float32, pr.m*pr.n)
	Linear(pr.m, pr.a, pr.lda, pr.p, pr.zp, pr.sx, c, pr.n, aMax)
	return c
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func TestLinearKernelsAgreeWithDefinition(t *testing.T) {
	if !HasAsm() {
		t.Fatal("this machine lacks AVX2/FMA: the assembly kernel cannot be compared")
	}
	if !HasVNNI() {
		// The VNNI kernels never run on such a CPU (Linear dispatches on the
		// CPU's features), so there is nothing of theirs to get wrong here.
		t.Log("no AVX512-VNNI on this CPU: comparing the pure-Go and AVX2 kernels only")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, m := range []int{1, 2, 3, 4, 5, 9, 70} { // 70 rows by 256 outputs run in parallel chunks
		for _, n := range []int{1, 3, 15, 16, 17, 33, 256} {
			for _, k := range []int{1, 3, 4, 5, 8, 63, 64, 130} {
				pr := newProblem(rng, m, n, k, MaxFastActivation)
				want := pr.want()
				for _, mode := range []int{modeGo, modeAVX2, modeVNNI} {
					if got := pr.run(mode, MaxFastActivation); !sameBits(got, want) {
						t.Fatalf("m=%d n=%d k=%d mode=%d:\n got %v\nwant %v", m, n, k, mode, got, want)
					}
				}
			}
		}
	}
}

// TestLinearExtremes: the pair sums closest to VPMADDUBSW's int16 saturation
// (128·(-128)·2 = -32768 fits) go through the kernel; activations above 128
// would saturate and must take the exact path.
func TestLinearExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, top := range []int{128, 255} {
		pr := newProblem(rng, 5, 20, 64, 0)
		for i := range pr.a {
			if i%pr.lda < pr.k {
				pr.a[i] = uint8(top)
			}
		}
		for i := range pr.w {
			pr.w[i] = -128
			if i%3 == 0 {
				pr.w[i] = 127
			}
		}
		pr.zp, pr.sx = 0, 1
		for j := range pr.bias {
			pr.bias[j] = 0
		}
		pr.scales = []float32{1}
		pr.p = Pack(pr.w, pr.n, pr.k, pr.scales, pr.bias)
		want := pr.want()
		for _, mode := range []int{modeAVX2, modeVNNI} {
			if got := pr.run(mode, uint8(top)); !sameBits(got, want) {
				t.Fatalf("activations %d, mode %d: got %v, want %v", top, mode, got[:4], want[:4])
			}
		}
	}
}

func TestLinearStrideAndBadArguments(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pr := newProblem(rng, 6, 20, 40, 100)
	want := pr.want()
	const ldc = 23
	c := make([]float32, 6*ldc)
	for i := range c {
		c[i] = -7
	}
	Linear(pr.m, pr.a, pr.lda, pr.p, pr.zp, pr.sx, c, ldc, 100)
	for i := 0; i < 6; i++ {
		for j := 0; j < ldc; j++ {
			got := c[i*ldc+j]
			if j < 20 && got != want[i*20+j] || j >= 20 && got != -7 {
				t.Fatalf("C[%d][%d] = %v: stride %d must leave columns 20..22 alone", i, j, got, ldc)
			}
		}
	}
	for name, f := range map[string]func(){
		"stride not a multiple of 4": func() { Linear(1, pr.a, 42, pr.p, pr.zp, pr.sx, c, 20, 0) },
		"short activations":          func() { Linear(7, pr.a, pr.lda, pr.p, pr.zp, pr.sx, make([]float32, 7*20), 20, 0) },
		"short output":               func() { Linear(6, pr.a, pr.lda, pr.p, pr.zp, pr.sx, c[:100], 20, 0) },
		"pack size":                  func() { Pack(make([]int8, 10), 3, 4, []float32{1}, make([]float32, 3)) },
		"pack scales":                func() { Pack(make([]int8, 12), 3, 4, []float32{1, 2}, make([]float32, 3)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func BenchmarkLinear(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, s := range []struct{ m, n, k int }{{1, 256, 64}, {32, 256, 64}, {450, 256, 64}, {450, 128, 256}, {450, 10, 128}} {
		pr := newProblem(rng, s.m, s.n, s.k, 127)
		c := make([]float32, s.m*s.n)
		for mode, name := range []string{"go", "avx2", "vnni"} {
			b.Run(fmt.Sprintf("%dx%dx%d/%s", s.m, s.n, s.k, name), func(b *testing.B) {
				prevAsm, prevVNNI := SetAsm(mode != modeGo), SetVNNI(mode == modeVNNI)
				defer func() { SetAsm(prevAsm); SetVNNI(prevVNNI) }()
				for b.Loop() {
					Linear(pr.m, pr.a, pr.lda, pr.p, pr.zp, pr.sx, c, pr.n, 127)
				}
				b.ReportMetric(float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
			})
		}
	}
}

func TestRangeAndQuantize(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 7, 8, 31, 32, 33, 100, 257} {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 3)
		}
		// Exact ties, and values far outside the range (clamped).
		if n > 10 {
			x[3], x[4], x[5], x[6] = 0.5*0.1, 1.5*0.1, -2.5*0.1, 1e9
			x[7] = -1e9
		}
		for _, asm := range []bool{false, true} {
			prev := SetAsm(asm)
			lo, hi, finite := Range(x)
			wlo, whi := float32(0), float32(0)
			for _, v := range x {
				wlo, whi = min(wlo, v), max(whi, v)
			}
			if lo != wlo || hi != whi || !finite {
				t.Fatalf("n=%d asm=%v: Range = %v %v %v, want %v %v true", n, asm, lo, hi, finite, wlo, whi)
			}
			const inv, zp = 10, 60
			for _, lda := range []int{n, PadK(n) + 4} {
				m := 1
				dst := make([]uint8, lda)
				for i := range dst {
					dst[i] = 99
				}
				Quantize(x, m, n, inv, zp, dst, lda)
				for p := 0; p < lda; p++ {
					want := uint8(0)
					if p < n {
						want = QuantizeValue(x[p], inv, zp)
					}
					if dst[p] != want {
						t.Fatalf("n=%d lda=%d asm=%v: value %d (%v) quantized to %d, want %d", n, lda, asm, p, x[p], dst[p], want)
					}
				}
			}
			SetAsm(prev)
		}
	}
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		for _, pos := range []int{0, 9, 40} {
			x := make([]float32, 41)
			x[pos] = bad
			for _, asm := range []bool{false, true} {
				prev := SetAsm(asm)
				if _, _, finite := Range(x); finite {
					t.Errorf("asm=%v: %v at %d reported finite", asm, bad, pos)
				}
				SetAsm(prev)
			}
		}
	}
}
