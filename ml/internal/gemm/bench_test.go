package gemm

import (
	"fmt"
	"math/rand"
	"testing"
)

// benchShape times one product shape and reports GFLOP/s (2*m*n*k per op).
func benchShape(b *testing.B, transA, transB bool, m, n, k int) {
	rng := rand.New(rand.NewSource(1))
	a := randSlice(rng, m*k)
	bm := randSlice(rng, k*n)
	c := make([]float32, m*n)
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	b.ResetTimer()
	for b.Loop() {
		Sgemm(transA, transB, m, n, k, 1, a, lda, bm, ldb, 0, c, n)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkSgemm measures square products, using up to all CPUs (default)
// and pinned to one goroutine (threads=1) for a like-for-like comparison
// with single-threaded OpenBLAS.
func BenchmarkSgemm(b *testing.B) {
	for _, n := range []int{128, 512, 1024} {
		for _, threads := range []int{0, 1} {
			name := fmt.Sprintf("n=%d", n)
			if threads == 1 {
				name += "/threads=1"
			}
			b.Run(name, func(b *testing.B) {
				if threads > 0 {
					old, _ := SetMaxThreads(threads)
					defer SetMaxThreads(old)
				}
				benchShape(b, false, false, n, n, n)
			})
		}
	}
}

// BenchmarkSgemmMLP measures the digits MLP's products (batch 32 forward,
// the two backward products per layer, batch-1 inference) in all four
// transposition combinations.
func BenchmarkSgemmMLP(b *testing.B) {
	shapes := [][3]int{{32, 256, 64}, {32, 128, 256}, {32, 10, 128}, {1, 256, 64}, {1, 128, 256}, {1, 10, 128},
		{64, 256, 32}, {256, 128, 32}, {32, 64, 256}}
	for _, s := range shapes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			name := fmt.Sprintf("%dx%dx%d/%s", s[0], s[1], s[2], transName(tr[0], tr[1]))
			b.Run(name, func(b *testing.B) { benchShape(b, tr[0], tr[1], s[0], s[1], s[2]) })
		}
	}
}

func transName(transA, transB bool) string {
	name := []byte("NN")
	if transA {
		name[0] = 'T'
	}
	if transB {
		name[1] = 'T'
	}
	return string(name)
}

// digitsStep lists the products of one training step of the digits MLP
// (64-256-128-10, batch 32) as gopad's ml package issues them, with
// PyTorch's weight layout (out×in): forward y = x·Wᵀ, backward dW = dyᵀ·x
// and dx = dy·W.
var digitsStep = []struct {
	transA, transB bool
	m, n, k        int
}{
	{false, true, 32, 256, 64}, {false, true, 32, 128, 256}, {false, true, 32, 10, 128},
	{true, false, 10, 128, 32}, {false, false, 32, 128, 10},
	{true, false, 128, 256, 32}, {false, false, 32, 256, 128},
	{true, false, 256, 64, 32},
}

// BenchmarkSgemmDigitsStep times all the products of one digits-MLP training
// step back to back, as a training loop issues them.
func BenchmarkSgemmDigitsStep(b *testing.B) {
	type operands struct{ a, b, c []float32 }
	rng := rand.New(rand.NewSource(1))
	ops := make([]operands, len(digitsStep))
	flops := 0.0
	for i, s := range digitsStep {
		ops[i] = operands{randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n), make([]float32, s.m*s.n)}
		flops += 2 * float64(s.m*s.n*s.k)
	}
	for b.Loop() {
		for i, s := range digitsStep {
			lda, ldb := s.k, s.n
			if s.transA {
				lda = s.m
			}
			if s.transB {
				ldb = s.k
			}
			Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, ops[i].a, lda, ops[i].b, ldb, 1, ops[i].c, s.n)
		}
	}
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
