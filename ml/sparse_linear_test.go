package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"
)

// predictWith runs m.Predict with the sparse kernels forced on (mode 1) or
// off (-1), with the given set of sparse kernels.
func predictWith(m *Model, x *Tensor, mode int, isa sparseISA) *Tensor {
	defer func(mode int, isa sparseISA) { sparseMode, sparseKernels = mode, isa }(sparseMode, sparseKernels)
	sparseMode, sparseKernels = mode, isa
	return m.Predict(x)
}

// sparseISAs lists the sets of sparse kernels this CPU runs, best first:
// the tests check each against the definition and the dense path.
func sparseISAs() []sparseISA {
	var isas []sparseISA
	for k := sparseKernelsDetected; k >= sparseGo; k-- {
		isas = append(isas, k)
	}
	return isas
}

// closeOutputs fails unless got and want agree within float32 rounding of
// sums taken in another order.
func closeOutputs(t *testing.T, what string, got, want *Tensor) {
	t.Helper()
	if !slices.Equal(got.shape, want.shape) {
		t.Fatalf("%s: shape %v, want %v", what, got.shape, want.shape)
	}
	for i, v := range got.data {
		w := want.data[i]
		if d := math.Abs(float64(v - w)); !(d <= 1e-5*(1+math.Abs(float64(w)))) {
			t.Fatalf("%s: output %d is %v, dense gives %v", what, i, v, w)
		}
	}
}

// TestSparseLinearKernelsAgreeWithDefinition: on random shapes (input and
// output counts around the 16-lane width, empty and full rows, densities 0
// to 1) and batches of 1 to 35 rows, both sparse kernels, assembly and pure
// Go, give b + x·W computed in float64 over the kept weights.
func TestSparseLinearKernelsAgreeWithDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	shapes := [][2]int{{1, 1}, {1, 17}, {3, 10}, {16, 16}, {17, 33}, {64, 10}, {70, 40}, {128, 256}, {300, 5}}
	for _, sh := range shapes {
		for _, density := range []float64{0, 0.03, 0.1, 0.5, 1} {
			in, out := sh[0], sh[1]
			l := Linear(in, out)
			mask := make([]float32, in*out)
			for i := range mask {
				if rng.Float64() < density {
					mask[i] = 1
				}
			}
			if in > 4 && out > 2 {
				for i := range in { // one output keeps nothing, another everything
					mask[i*out+1] = 0
					mask[i*out+2] = 1
				}
			}
			l.Weight.mask = mask
			applyMask(l.Weight)
			for _, rows := range []int{1, 2, 15, 16, 17, 35} {
				x := make([]float32, rows*in)
				for i := range x {
					if rng.IntN(3) > 0 { // zero inputs, as after ReLU
						x[i] = float32(rng.NormFloat64())
					}
				}
				want := make([]float64, rows*out)
				for r := range rows {
					for j := range out {
						sum := float64(l.Bias.data[j])
						for i := range in {
							sum += float64(x[r*in+i]) * float64(l.Weight.data[i*out+j])
						}
						want[r*out+j] = sum
					}
				}
				for _, isa := range sparseISAs() {
					m := Sequential(l)
					got := predictWith(m, FromSlice(x, rows, in), 1, isa)
					for i, v := range got.data {
						if d := math.Abs(float64(v) - want[i]); d > 1e-5*(1+math.Abs(want[i])) {
							t.Fatalf("Linear(%d→%d) density %g, %d rows, %s kernels: output %d is %v, want %v",
								in, out, density, rows, isa, i, v, want[i])
						}
					}
				}
			}
		}
	}
}

// TestSparseLinearInference: a pruned model predicts, one sample at a time
// and for the whole test set, the same as with the dense kernels; the
// compressed copy follows later pruning, fine-tuning, Set, early stopping
// and Load, and a weight whose values were handed out runs dense.
func TestSparseLinearInference(t *testing.T) {
	train, test := loadDigits(t)
	SetSeed(21)
	m := digitsMLP()
	m.Fit(train, FitConfig{Epochs: 3, Loss: CrossEntropy(), Seed: 1})
	if _, err := Prune(m, GlobalL1(0.9)); err != nil {
		t.Fatal(err)
	}
	compare := func(what string, m *Model) {
		t.Helper()
		for i := 0; i < 50; i++ {
			x := FromSlice(test.X.data[i*64:(i+1)*64], 1, 64)
			dense := predictWith(m, x, -1, sparseKernelsDetected)
			for _, isa := range sparseISAs() {
				closeOutputs(t, fmt.Sprintf("%s, sample %d, %s kernels", what, i, isa), predictWith(m, x, 1, isa), dense)
			}
		}
		dense := predictWith(m, test.X, -1, sparseKernelsDetected)
		for _, isa := range sparseISAs() {
			sparse := predictWith(m, test.X, 1, isa)
			closeOutputs(t, fmt.Sprintf("%s, whole test set, %s kernels", what, isa), sparse, dense)
			if !slices.Equal(sparse.ArgMax(), dense.ArgMax()) {
				t.Fatalf("%s: sparse and dense predict different classes", what)
			}
		}
		for _, i := range []int{0, 2, 4} {
			l := m.Layer(i).(*LinearLayer)
			if l.sp == nil || l.sp.mask != &l.Weight.mask[0] || l.sp.edits != weightEdits.Load() {
				t.Errorf("%s: layer %d has no current sparse copy", what, i)
			}
		}
	}
	compare("90% pruned", m)
	l0 := m.Layer(0).(*LinearLayer)
	if got, want := l0.sp.density, 1-Sparsity(m).Layers[0].Sparsity(); math.Abs(got-want) > 1e-9 {
		t.Errorf("sparse copy density %v; the layer keeps %v", got, want)
	}
	// Pruning more changes the mask in place: the copy is rebuilt.
	if _, err := Prune(m, GlobalL1(0.5)); err != nil {
		t.Fatal(err)
	}
	compare("95% pruned", m)
	// Fine-tuning changes the kept weights in place.
	m.Fit(train.Slice(0, 300), FitConfig{Epochs: 1, Loss: CrossEntropy(), Seed: 2})
	compare("after fine-tuning", m)
	// Set on a kept weight.
	row := l0.sp.idx[0]
	col := 0
	for l0.Weight.mask[int(row)*l0.Out+col] == 0 {
		col++
	}
	l0.Weight.Set(3.5, int(row), col)
	compare("after Set", m)
	// Early stopping restores the best weights in place.
	val := test.Slice(0, 200)
	m.Fit(train.Slice(0, 300), FitConfig{Epochs: 6, Loss: CrossEntropy(), Seed: 3, Optimizer: SGD(0.5),
		Validation: val, EarlyStopping: &EarlyStopping{Patience: 0, RestoreBest: true}})
	compare("after early stopping", m)

	// Save and Load: the loaded model runs sparse and predicts bit for bit
	// what the saved one did.
	dir := filepath.Join(t.TempDir(), "pruned")
	before := predictWith(m, test.X, 1, sparseKernelsDetected)
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	after := predictWith(back, test.X, 1, sparseKernelsDetected)
	if !slices.Equal(before.data, after.data) {
		t.Error("the loaded pruned model predicts differently from the saved one")
	}
	compare("loaded", back)

	// Values handed out through Data may change unseen: that layer runs dense.
	w := back.Layer(2).(*LinearLayer).Weight.Data()
	for i, k := range back.Layer(2).(*LinearLayer).Weight.mask {
		if k != 0 {
			w[i] *= 2
		}
	}
	x := FromSlice(test.X.data[:64], 1, 64)
	closeOutputs(t, "after writing through Data", predictWith(back, x, 1, sparseKernelsDetected), predictWith(back, x, -1, sparseKernelsDetected))
	// sparsePlan with the sparse kernels forced: the layers it refuses are
	// refused on every CPU, not for their speed.
	defer func(mode int) { sparseMode = mode }(sparseMode)
	sparseMode = 1
	if back.Layer(2).(*LinearLayer).sparsePlan(1) != nil {
		t.Error("a weight handed out by Data still runs sparse")
	}
	back.Layer(0).(*LinearLayer).Weight.Detach()
	if back.Layer(0).(*LinearLayer).sparsePlan(1) != nil {
		t.Error("a weight shared through Detach still runs sparse")
	}
	if back.Layer(4).(*LinearLayer).sparsePlan(1) == nil {
		t.Error("a layer whose weight nobody took stopped running sparse")
	}

	// Without masks there is no sparse copy at all.
	m.RemovePruning()
	sparseMode = 1
	if m.Layer(0).(*LinearLayer).sparsePlan(1) != nil {
		t.Error("a model without masks still uses the sparse kernel")
	}
}

// TestSparseLinearAutomaticChoice: with each set of kernels this CPU runs,
// layers at most sparseCrossover's gemv density run the one-sample kernel,
// at most its gemm density the batch kernel, others dense; with the pure-Go
// kernels none does. The AVX2 kernels are forced on this CPU the way a CPU
// without AVX-512 picks them.
func TestSparseLinearAutomaticChoice(t *testing.T) {
	_, test := loadDigits(t)
	defer func(isa sparseISA) { sparseKernels = isa }(sparseKernels)
	for _, isa := range sparseISAs() {
		sparseKernels = isa
		cross := sparseCrossover[isa]
		for _, amount := range []float64{0.3, 0.55, 0.7, 0.9, 0.995} {
			SetSeed(22)
			pm := digitsMLP()
			if _, err := Prune(pm, L1Unstructured(amount)); err != nil {
				t.Fatal(err)
			}
			pm.Predict(FromSlice(test.X.data[:64], 1, 64))
			for _, i := range []int{0, 2, 4} {
				l := pm.Layer(i).(*LinearLayer)
				if l.sp == nil || l.sp.isa != isa {
					t.Fatalf("%s kernels, pruned %g: layer %d has no sparse copy for them", isa, amount, i)
				}
				d := l.sp.density
				one, few, many := l.sparsePlan(1) != nil, l.sparsePlan(sparseGemvMaxRows) != nil, l.sparsePlan(32) != nil
				if one != (d <= cross.gemv) || few != (one || d <= cross.gemm*sparseGemvMaxRows/tile) || many != (d <= cross.gemm) {
					t.Errorf("%s kernels, pruned %g: layer %d (density %.3f): sparse for one row %v, for %d rows %v, for 32 rows %v",
						isa, amount, i, d, one, sparseGemvMaxRows, few, many)
				}
				if isa == sparseGo && (one || many) {
					t.Errorf("pure-Go kernels chosen for layer %d pruned %g", i, amount)
				}
				if isa != sparseGo && amount == 0.9 && !one {
					t.Errorf("%s kernels: layer %d pruned 90%% does not run sparse for one row", isa, i)
				}
			}
		}
	}
}

// sparseBenchModels trains the digits MLP once and prunes copies of it
// (global L1) to each sparsity.
func sparseBenchModels(b *testing.B, sparsities []float64) (Dataset, []*Model) {
	train, test := loadDigits(b)
	SetSeed(0)
	trained := digitsMLP()
	trained.Fit(train, FitConfig{Epochs: 10, Loss: CrossEntropy(), Seed: 1})
	var models []*Model
	for _, sparsity := range sparsities {
		m, _ := trained.Clone()
		if _, err := Prune(m, GlobalL1(sparsity)); err != nil {
			b.Fatal(err)
		}
		models = append(models, m)
	}
	return test, models
}

var benchSparsities = []float64{0.5, 0.8, 0.9, 0.95, 0.97, 0.99}

// BenchmarkSparseLinear times single-row inference of the trained digits MLP
// pruned (global L1) to each sparsity with the dense and the sparse kernels,
// alternating sample by sample so that both see the same machine load; it
// reports the medians of 200-sample rounds and their ratio:
//
//	go test ./ml -run '^$' -bench 'SparseLinear$' -benchtime 100000x
func BenchmarkSparseLinear(b *testing.B) {
	test, models := sparseBenchModels(b, benchSparsities)
	for _, isa := range benchSparseISAs() {
		for k, m := range models {
			b.Run(isa.String()+"/"+fmtPercent(benchSparsities[k]), func(b *testing.B) {
				defer forceSparseKernels(isa)()
				n := test.Len()
				xs := make([]*Tensor, n)
				for i := range xs {
					xs[i] = FromSlice(test.X.data[i*64:(i+1)*64], 1, 64)
				}
				i := 0
				var dense, sparse []float64
				var dt, st time.Duration
				const round = 200
				for b.Loop() {
					x := xs[i]
					sparseMode = -1
					t0 := time.Now()
					m.Predict(x)
					t1 := time.Now()
					sparseMode = 1
					m.Predict(x)
					t2 := time.Now()
					dt += t1.Sub(t0)
					st += t2.Sub(t1)
					i = (i + 1) % n
					if i%round == 0 {
						dense, sparse = append(dense, float64(dt)/round), append(sparse, float64(st)/round)
						dt, st = 0, 0
					}
				}
				reportMedians(b, dense, sparse, 1)
			})
		}
	}
}

// BenchmarkSparseLinearBatch is BenchmarkSparseLinear for the whole test
// set at once (the dense path is the blocked GEMM):
//
//	go test ./ml -run '^$' -bench 'SparseLinearBatch' -benchtime 200x
func BenchmarkSparseLinearBatch(b *testing.B) {
	test, models := sparseBenchModels(b, benchSparsities)
	for _, isa := range benchSparseISAs() {
		for k, m := range models {
			b.Run(isa.String()+"/"+fmtPercent(benchSparsities[k]), func(b *testing.B) {
				defer forceSparseKernels(isa)()
				var dense, sparse []float64
				for b.Loop() {
					sparseMode = -1
					t0 := time.Now()
					m.Predict(test.X)
					t1 := time.Now()
					sparseMode = 1
					m.Predict(test.X)
					t2 := time.Now()
					dense, sparse = append(dense, float64(t1.Sub(t0))), append(sparse, float64(t2.Sub(t1)))
				}
				reportMedians(b, dense, sparse, test.Len())
			})
		}
	}
}

// benchSparseISAs lists the assembly kernel sets this CPU runs: the
// benchmarks time each (AVX2 forced on an AVX-512 CPU stands for a CPU
// without AVX-512).
func benchSparseISAs() []sparseISA {
	var isas []sparseISA
	for _, isa := range sparseISAs() {
		if isa != sparseGo {
			isas = append(isas, isa)
		}
	}
	return isas
}

// forceSparseKernels makes isa the sparse kernels until the returned
// function restores the detected ones and the automatic choice.
func forceSparseKernels(isa sparseISA) func() {
	sparseKernels = isa
	return func() { sparseKernels, sparseMode = sparseKernelsDetected, 0 }
}

// reportMedians reports the median dense and sparse times per sample and
// the ratio of the medians.
func reportMedians(b *testing.B, dense, sparse []float64, samples int) {
	if len(dense) == 0 {
		return
	}
	med := func(v []float64) float64 {
		v = slices.Clone(v)
		sort.Float64s(v)
		return v[len(v)/2]
	}
	d, s := med(dense)/float64(samples), med(sparse)/float64(samples)
	b.ReportMetric(d/1e3, "dense-µs/sample")
	b.ReportMetric(s/1e3, "sparse-µs/sample")
	b.ReportMetric(d/s, "speedup")
}

func fmtPercent(f float64) string { return fmt.Sprintf("%g%%", 100*f) }

// BenchmarkSparseLinearCrossover prunes every layer of the trained digits
// MLP to the same sparsity (L1 per layer) around the densities where the
// sparse kernels stop paying, for one sample and for the whole test set, to
// set sparseMaxDensity and sparseGemmMaxDensity:
//
//	go test ./ml -run '^$' -bench SparseLinearCrossover -benchtime 20000x
func BenchmarkSparseLinearCrossover(b *testing.B) {
	train, test := loadDigits(b)
	SetSeed(0)
	trained := digitsMLP()
	trained.Fit(train, FitConfig{Epochs: 10, Loss: CrossEntropy(), Seed: 1})
	for _, sparsity := range []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9} {
		m, _ := trained.Clone()
		if _, err := Prune(m, L1Unstructured(sparsity)); err != nil {
			b.Fatal(err)
		}
		for _, isa := range benchSparseISAs() {
			for _, batch := range []int{1, test.Len()} {
				b.Run(fmt.Sprintf("%s/%s/batch%d", isa, fmtPercent(sparsity), batch), func(b *testing.B) {
					defer forceSparseKernels(isa)()
					per := max(1, 20000/b.N) // whole-set rounds are long: time each
					if batch > 1 {
						per = 1
					}
					var dense, sparse []float64
					var dt, st time.Duration
					i, k := 0, 0
					for b.Loop() {
						x := test.X
						if batch == 1 {
							x = FromSlice(test.X.data[i*64:(i+1)*64], 1, 64)
							i = (i + 1) % test.Len()
						}
						sparseMode = -1
						t0 := time.Now()
						m.Predict(x)
						t1 := time.Now()
						sparseMode = 1
						m.Predict(x)
						t2 := time.Now()
						dt += t1.Sub(t0)
						st += t2.Sub(t1)
						if k++; batch > 1 || k%200 == 0 {
							n := 200
							if batch > 1 {
								n = 1
							}
							dense, sparse = append(dense, float64(dt)/float64(n)), append(sparse, float64(st)/float64(n))
							dt, st = 0, 0
						}
					}
					_ = per
					reportMedians(b, dense, sparse, batch)
				})
			}
		}
	}
}

// BenchmarkPrunedDigitsMLP measures the target: the digits MLP (30
// epochs, as the PyTorch reference trains it) pruned 90% with global L1 and
// fine-tuned 10 epochs, batch-1 and whole-test-set inference with the
// automatic (sparse) choice against the unpruned dense model and against the
// same pruned model on the dense kernels. The three run alternately on the
// same inputs; it reports medians of 200-sample rounds (batch 1) and of
// single passes (whole test set), with the CPU's best sparse kernels
// (batch1, full) and with each lesser set of assembly kernels (avx2/batch1,
// avx2/full: what a CPU without AVX-512 runs):
//
//	go test ./ml -run '^$' -bench PrunedDigitsMLP -benchtime 2s
func BenchmarkPrunedDigitsMLP(b *testing.B) {
	train, test := loadDigits(b)
	SetSeed(0)
	dense := digitsMLP()
	dense.Fit(train, FitConfig{Epochs: 30, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(1e-3), Seed: 1})
	pruned, _ := dense.Clone()
	if _, err := Prune(pruned, GlobalL1(0.9)); err != nil {
		b.Fatal(err)
	}
	pruned.Fit(train, FitConfig{Epochs: 10, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(1e-3), Seed: 101})
	acc := func(m *Model) float64 { return 100 * m.Evaluate(test, CrossEntropy(), "accuracy").Metrics["accuracy"] }
	denseAcc, prunedAcc := acc(dense), acc(pruned)
	prunedInt8, _, err := Quantize(pruned, QuantConfig{})
	if err != nil {
		b.Fatal(err)
	}
	denseFile, denseWeights := savedFileBytes(b, dense)
	prunedFile, prunedWeights := savedFileBytes(b, pruned)
	prunedInt8File, prunedInt8Weights := savedFileBytes(b, prunedInt8)
	prunedInt8Acc := acc(prunedInt8)
	for _, isa := range benchSparseISAs() {
		for _, batch := range []int{1, test.Len()} {
			name := "batch1"
			if batch > 1 {
				name = "full"
			}
			if isa != sparseKernelsDetected { // as on a CPU without AVX-512
				name = isa.String() + "/" + name
			}
			b.Run(name, func(b *testing.B) {
				defer forceSparseKernels(isa)()
				round := 200
				if batch > 1 {
					round = 1
				}
				var td, tp, ts []float64 // dense model, pruned on dense kernels, pruned automatic
				var d, p, s time.Duration
				i, k := 0, 0
				for b.Loop() {
					x := test.X
					if batch == 1 {
						x = FromSlice(test.X.data[i*64:(i+1)*64], 1, 64)
						i = (i + 1) % test.Len()
					}
					t0 := time.Now()
					dense.Predict(x)
					t1 := time.Now()
					sparseMode = -1
					pruned.Predict(x)
					t2 := time.Now()
					sparseMode = 0
					pruned.Predict(x)
					t3 := time.Now()
					d, p, s = d+t1.Sub(t0), p+t2.Sub(t1), s+t3.Sub(t2)
					if k++; k%round == 0 {
						n := float64(round * batch)
						td, tp, ts = append(td, float64(d)/n), append(tp, float64(p)/n), append(ts, float64(s)/n)
						d, p, s = 0, 0, 0
					}
				}
				if len(td) == 0 {
					return
				}
				med := func(v []float64) float64 {
					v = slices.Clone(v)
					sort.Float64s(v)
					return v[len(v)/2]
				}
				b.ReportMetric(med(td)/1e3, "dense-µs/sample")
				b.ReportMetric(med(tp)/1e3, "pruned-dense-kernels-µs/sample")
				b.ReportMetric(med(ts)/1e3, "pruned-sparse-µs/sample")
				b.ReportMetric(med(td)/med(ts), "speedup-vs-dense")
				b.ReportMetric(med(tp)/med(ts), "speedup-vs-dense-kernels")
				b.ReportMetric(denseAcc, "dense-acc%")
				b.ReportMetric(prunedAcc, "pruned-acc%")
				b.ReportMetric(prunedInt8Acc, "pruned-int8-acc%")
				b.ReportMetric(float64(denseFile), "dense-file-bytes")
				b.ReportMetric(float64(prunedFile), "pruned-file-bytes")
				b.ReportMetric(float64(prunedInt8File), "pruned-int8-file-bytes")
				b.ReportMetric(float64(denseWeights), "dense-weights-file-bytes")
				b.ReportMetric(float64(prunedWeights), "pruned-weights-file-bytes")
				b.ReportMetric(float64(prunedInt8Weights), "pruned-int8-weights-file-bytes")
			})
		}
	}
}
