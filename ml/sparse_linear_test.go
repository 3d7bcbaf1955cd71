package ml

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// TestSparseLinearInference: a pruned Linear layer's single-row inference
// runs the CSR kernel and agrees with the dense kernel; the structure follows
// later pruning, RemovePruning and training; batches and training stay dense.
func TestSparseLinearInference(t *testing.T) {
	train, test := loadDigits(t)
	SetSeed(21)
	m := digitsMLP()
	m.Fit(train, FitConfig{Epochs: 3, Loss: CrossEntropy(), Seed: 1})
	if _, err := Prune(m, GlobalL1(0.9)); err != nil {
		t.Fatal(err)
	}
	defer func() { sparseMode = 0 }()
	compare := func(what string) {
		t.Helper()
		for i := 0; i < 50; i++ {
			x := FromSlice(test.X.data[i*64:(i+1)*64], 1, 64)
			sparseMode = -1
			dense := m.Predict(x)
			sparseMode = 1
			auto := m.Predict(x)
			for j, v := range auto.data {
				if d := math.Abs(float64(v - dense.data[j])); d > 1e-5*(1+math.Abs(float64(v))) {
					t.Fatalf("%s: sample %d output %d: sparse %v, dense %v", what, i, j, v, dense.data[j])
				}
			}
		}
		for _, i := range []int{0, 2, 4} {
			l := m.Layer(i).(*LinearLayer)
			if l.sp == nil || l.sp.mask != &l.Weight.mask[0] || l.sp.edits != maskEdits.Load() {
				t.Errorf("%s: layer %d has no current CSR structure", what, i)
			}
		}
	}
	compare("90% pruned")
	l0 := m.Layer(0).(*LinearLayer)
	if got, want := l0.sp.density, 1-Sparsity(m).Layers[0].Sparsity(); math.Abs(got-want) > 1e-9 {
		t.Errorf("CSR density %v; the layer keeps %v", got, want)
	}
	// Pruning more changes the mask in place: the structure is rebuilt.
	if _, err := Prune(m, GlobalL1(0.5)); err != nil {
		t.Fatal(err)
	}
	compare("95% pruned")
	// Training changes the kept weights; the kernel reads them from the weight.
	m.Fit(train.Slice(0, 300), FitConfig{Epochs: 1, Loss: CrossEntropy(), Seed: 2})
	compare("after fine-tuning")

	// Automatic choice: layers at most sparseMaxDensity dense run sparse,
	// the others dense.
	sparseMode = 0
	for _, amount := range []float64{0.3, 0.995} {
		SetSeed(22)
		pm := digitsMLP()
		if _, err := Prune(pm, L1Unstructured(amount)); err != nil {
			t.Fatal(err)
		}
		pm.Predict(FromSlice(test.X.data[:64], 1, 64))
		for _, i := range []int{0, 2, 4} {
			l := pm.Layer(i).(*LinearLayer)
			if l.sp == nil || l.sp.use != (l.sp.density <= sparseMaxDensity) {
				t.Errorf("pruned %g: layer %d: plan %+v; want sparse exactly when density <= %g", amount, i, l.sp, sparseMaxDensity)
			}
		}
		if amount > 0.99 && !pm.Layer(2).(*LinearLayer).sp.use {
			t.Errorf("a 99.5%%-pruned Linear(256→128) does not use the sparse kernel")
		}
	}
	// Without masks there is no sparse plan at all.
	m.RemovePruning()
	m.Predict(FromSlice(test.X.data[:64], 1, 64))
	if m.Layer(0).(*LinearLayer).sparsePlan() != nil {
		t.Error("a model without masks still uses the sparse kernel")
	}
}

// BenchmarkSparseLinear times single-row inference of the trained digits MLP
// pruned (global L1) to each sparsity with the dense and the sparse kernels,
// alternating sample by sample so that both see the same machine load, to
// find the crossover that sparseMaxDensity encodes:
//
//	go test ./ml -run '^$' -bench SparseLinear -benchtime 20000x
func BenchmarkSparseLinear(b *testing.B) {
	train, test := loadDigits(b)
	SetSeed(0)
	trained := digitsMLP()
	trained.Fit(train, FitConfig{Epochs: 10, Loss: CrossEntropy(), Seed: 1})
	for _, sparsity := range []float64{0.5, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99} {
		m, _ := trained.Clone()
		if _, err := Prune(m, GlobalL1(sparsity)); err != nil {
			b.Fatal(err)
		}
		b.Run(fmtPercent(sparsity), func(b *testing.B) {
			defer func() { sparseMode = 0 }()
			n := test.Len()
			i := 0
			var dense, sparse time.Duration
			for b.Loop() {
				x := FromSlice(test.X.data[i*64:(i+1)*64], 1, 64)
				sparseMode = -1
				t0 := time.Now()
				m.Predict(x)
				t1 := time.Now()
				sparseMode = 1
				m.Predict(x)
				t2 := time.Now()
				dense += t1.Sub(t0)
				sparse += t2.Sub(t1)
				i = (i + 1) % n
			}
			b.ReportMetric(float64(dense.Nanoseconds())/1e3/float64(b.N), "dense-µs")
			b.ReportMetric(float64(sparse.Nanoseconds())/1e3/float64(b.N), "sparse-µs")
			b.ReportMetric(float64(dense)/float64(sparse), "speedup")
		})
	}
}

func fmtPercent(f float64) string { return fmt.Sprintf("%g%%", 100*f) }
