package ml

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestPruneMethods(t *testing.T) {
	SetSeed(21)
	m := Sequential(Linear(10, 20), ReLU(), Linear(20, 5), LSTM(5, 4))
	before := map[*Tensor][]float32{}
	for _, p := range m.Parameters() {
		before[p] = append([]float32(nil), p.data...)
	}
	rep, err := Prune(m, L1Unstructured(0.3))
	if err != nil {
		t.Fatal(err)
	}
	// Each weight tensor loses round(0.3·n) weights: its smallest.
	if len(rep.Layers) != 4 {
		t.Fatalf("report rows %+v", rep.Layers)
	}
	for _, l := range rep.Layers {
		if want := int(math.RoundToEven(0.3 * float64(l.Weights))); l.Zeros != want || !l.Masked {
			t.Errorf("%s %s: %d zeros of %d, want %d", l.Layer, l.Tensor, l.Zeros, l.Weights, want)
		}
	}
	w := m.Layer(0).(*LinearLayer).Weight
	checkSmallestPruned(t, "layer 0", [][]float32{before[w]}, [][]float32{w.data})
	if b := m.Layer(0).(*LinearLayer).Bias; b.mask != nil || b.data[0] != before[b][0] {
		t.Error("a bias was pruned")
	}

	// Pruning again prunes the same fraction of what is left: 1-0.7·0.5.
	if _, err := Prune(m, L1Unstructured(0.5)); err != nil {
		t.Fatal(err)
	}
	if s := Sparsity(m).Layers[0].Sparsity(); math.Abs(s-0.65) > 0.01 {
		t.Errorf("two rounds of 0.3 and 0.5: sparsity %.3f, want 0.65", s)
	}

	// Global: the smallest 80% over all weights, so layers with small weights
	// lose more.
	SetSeed(22)
	g := Sequential(Linear(10, 20), ReLU(), Linear(20, 5))
	g.Layer(2).(*LinearLayer).Weight.Scale(0.1)
	w0, w2 := g.Layer(0).(*LinearLayer).Weight, g.Layer(2).(*LinearLayer).Weight
	b0, b2 := append([]float32(nil), w0.data...), append([]float32(nil), w2.data...)
	grep, err := Prune(g, GlobalL1(0.8))
	if err != nil {
		t.Fatal(err)
	}
	if grep.Zeros != 240 || grep.Layers[1].Sparsity() <= grep.Layers[0].Sparsity() {
		t.Errorf("global 0.8 of 300: %d zeros; sparsity per layer %.2f %.2f (the small layer should lose more)", grep.Zeros, grep.Layers[0].Sparsity(), grep.Layers[1].Sparsity())
	}
	checkSmallestPruned(t, "global", [][]float32{b0, b2}, [][]float32{w0.data, w2.data})

	// Random: exact counts, the same for the same seed.
	r1, r2 := Sequential(Linear(8, 8)), Sequential(Linear(8, 8))
	copy(r2.Layer(0).(*LinearLayer).Weight.data, r1.Layer(0).(*LinearLayer).Weight.data)
	Prune(r1, RandomUnstructured(0.25, 7))
	Prune(r2, RandomUnstructured(0.25, 7))
	if Sparsity(r1).Zeros != 16 || !sameBitsTensor(r1.Layer(0).(*LinearLayer).Weight, r2.Layer(0).(*LinearLayer).Weight) {
		t.Errorf("random pruning: %d zeros, same seed same mask: %v", Sparsity(r1).Zeros, sameBitsTensor(r1.Layer(0).(*LinearLayer).Weight, r2.Layer(0).(*LinearLayer).Weight))
	}
	if s := rep.String(); !strings.Contains(s, "sparsity") || !strings.Contains(s, "weight_hh_l0") {
		t.Errorf("report text:\n%s", s)
	}
}

// checkSmallestPruned: every pruned weight was no larger in magnitude than
// every kept one.
func checkSmallestPruned(t *testing.T, what string, before, after [][]float32) {
	t.Helper()
	maxPruned, minKept := 0.0, math.Inf(1)
	for i := range before {
		for j, v := range before[i] {
			a := math.Abs(float64(v))
			if after[i][j] == 0 {
				maxPruned = math.Max(maxPruned, a)
			} else {
				minKept = math.Min(minKept, a)
				if after[i][j] != v {
					t.Fatalf("%s: a kept weight changed", what)
				}
			}
		}
	}
	if maxPruned > minKept {
		t.Errorf("%s: pruned a weight of magnitude %g while keeping one of %g", what, maxPruned, minKept)
	}
}

// TestPrunedWeightsStayZeroWhileFineTuning: Fit with Adam and with SGD
// momentum, and a custom loop, leave pruned weights exactly zero; the
// optimizer state of pruned weights is zero too; the others do train.
func TestPrunedWeightsStayZeroWhileFineTuning(t *testing.T) {
	data := blobs(60, 3)
	for name, opt := range map[string]Optimizer{"adam": Adam(1e-2), "sgd": SGD(0.05).Momentum(0.9), "adamw": AdamW(1e-2).WeightDecay(0.1)} {
		SetSeed(23)
		m := Sequential(Linear(4, 16), ReLU(), Linear(16, 3))
		// Train first so the optimizer has state for every weight, then prune
		// and keep training with the same optimizer.
		m.Fit(data, FitConfig{Epochs: 2, Loss: CrossEntropy(), Optimizer: opt, Seed: 1})
		if _, err := Prune(m, GlobalL1(0.6)); err != nil {
			t.Fatal(err)
		}
		zeros := Sparsity(m).Zeros
		w := m.Layer(0).(*LinearLayer).Weight
		kept := append([]float32(nil), w.data...)
		m.Fit(data, FitConfig{Epochs: 3, Loss: CrossEntropy(), Optimizer: opt, Seed: 2})
		if got := Sparsity(m).Zeros; got != zeros {
			t.Errorf("%s: %d zeros after fine-tuning, %d before", name, got, zeros)
		}
		changed := 0
		for i, v := range w.data {
			if w.mask[i] == 0 && v != 0 {
				t.Fatalf("%s: pruned weight %d is %v", name, i, v)
			}
			if w.mask[i] != 0 && v != kept[i] {
				changed++
			}
		}
		if changed == 0 {
			t.Errorf("%s: fine-tuning changed no kept weight", name)
		}
		switch o := opt.(type) {
		case *AdamOptimizer:
			st := o.state[w]
			for i := range w.mask {
				if w.mask[i] == 0 && (st.m[i] != 0 || st.v[i] != 0) {
					t.Fatalf("%s: Adam moments of pruned weight %d are %v %v", name, i, st.m[i], st.v[i])
				}
			}
		case *SGDOptimizer:
			v := o.velocity[w]
			for i := range w.mask {
				if w.mask[i] == 0 && v[i] != 0 {
					t.Fatalf("%s: momentum of pruned weight %d is %v", name, i, v[i])
				}
			}
		}
		// RemovePruning lets them train again.
		m.RemovePruning()
		m.Fit(data, FitConfig{Epochs: 1, Loss: CrossEntropy(), Optimizer: Adam(1e-2), Seed: 3})
		if Sparsity(m).Zeros >= zeros/2 || m.IsPruned() {
			t.Errorf("%s: after RemovePruning and training, %d zeros remain (of %d)", name, Sparsity(m).Zeros, zeros)
		}
	}
}

// TestGradientsOfPrunedModel: finite differences still agree with the
// gradients of a pruned model (its pruned weights are plain zeros in the
// forward pass).
func TestGradientsOfPrunedModel(t *testing.T) {
	SetSeed(24)
	rng := rand.New(rand.NewPCG(7, 8))
	m := Sequential(Linear(5, 6), Tanh(), Linear(6, 2))
	if _, err := Prune(m, L1Unstructured(0.5)); err != nil {
		t.Fatal(err)
	}
	seq := randTensor(rng, -1, 1, 3, 5).SetRequiresGrad(true)
	gradCheck(t, "pruned Sequential", func() *Tensor { return m.Forward(seq) }, append([]*Tensor{seq}, m.Parameters()...)...)
	lstm := Sequential(LSTM(3, 4))
	if _, err := Prune(lstm, RandomUnstructured(0.5, 1)); err != nil {
		t.Fatal(err)
	}
	x := randTensor(rng, -1, 1, 2, 3, 3).SetRequiresGrad(true)
	gradCheck(t, "pruned LSTM", func() *Tensor { return lstm.Forward(x) }, append([]*Tensor{x}, lstm.Parameters()...)...)
}

// TestLnStructured: whole output units go, those with the smallest norm:
// columns of a Linear weight ([in, out]), rows of an LSTM's.
func TestLnStructured(t *testing.T) {
	SetSeed(25)
	m := Sequential(Linear(6, 10), ReLU(), LSTM(10, 3))
	w := m.Layer(0).(*LinearLayer).Weight
	before := append([]float32(nil), w.data...)
	if _, err := Prune(m, LnStructured(0.3, 2)); err != nil {
		t.Fatal(err)
	}
	norm := func(j int) float64 {
		s := 0.0
		for i := 0; i < 6; i++ {
			s += float64(before[i*10+j]) * float64(before[i*10+j])
		}
		return s
	}
	var pruned, kept []int
	for j := 0; j < 10; j++ {
		zeros := 0
		for i := 0; i < 6; i++ {
			if w.data[i*10+j] == 0 {
				zeros++
			}
		}
		switch zeros {
		case 6:
			pruned = append(pruned, j)
		case 0:
			kept = append(kept, j)
		default:
			t.Fatalf("output %d of the Linear is partly pruned (%d of 6 zeros)", j, zeros)
		}
	}
	if len(pruned) != 3 {
		t.Fatalf("pruned outputs %v, want 3 of 10", pruned)
	}
	for _, p := range pruned {
		for _, k := range kept {
			if norm(p) > norm(k) {
				t.Errorf("pruned output %d (norm² %g) while keeping %d (norm² %g)", p, norm(p), k, norm(k))
			}
		}
	}
	// LSTM weight_ih [12, 10]: round(0.3·12) = 4 whole rows.
	wih := m.Layer(2).(*LSTMLayer).weights[0].wih
	rows := 0
	for r := 0; r < 12; r++ {
		zero := true
		for c := 0; c < 10; c++ {
			zero = zero && wih.data[r*10+c] == 0
		}
		if zero {
			rows++
		}
	}
	if rows != 4 || Sparsity(m).Layers[1].Zeros != 40 {
		t.Errorf("LSTM weight_ih: %d zero rows (%d zeros), want 4 rows", rows, Sparsity(m).Layers[1].Zeros)
	}
	// Again: 30% of the 7 remaining outputs.
	if _, err := Prune(m, LnStructured(0.3, 1)); err != nil {
		t.Fatal(err)
	}
	if z := Sparsity(m).Layers[0].Zeros; z != 6*5 {
		t.Errorf("after a second round, %d zeros in the Linear, want 5 whole outputs (30)", z)
	}
}

func TestPruneBadInput(t *testing.T) {
	m := Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
	q, _, err := Quantize(m, QuantConfig{AllowUntrained: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		m    *Model
		cfg  PruneConfig
		want string
	}{
		{"amount 1", m, GlobalL1(1), "amount 1: want a fraction in [0, 1)"},
		{"negative amount", m, L1Unstructured(-0.1), "amount -0.1"},
		{"NaN amount", m, GlobalL1(math.NaN()), "amount NaN"},
		{"unknown method", m, PruneConfig{Method: "l2", Amount: 0.1}, `method "l2"`},
		{"norm order", m, LnStructured(0.2, 3), "ln_structured norm order 3: want 1 or 2"},
		{"layer without weights", m, PruneConfig{Method: "l1", Amount: 0.1, Layers: []int{1}}, "layer 1 (ReLU()) has no weights to prune"},
		{"layer out of range", m, PruneConfig{Method: "l1", Amount: 0.1, Layers: []int{5}}, "layer 5: the model has layers 0 to 2"},
		{"nothing to prune", Sequential(ReLU()), GlobalL1(0.5), "no Linear, LSTM or GRU weights"},
		{"quantized", q, GlobalL1(0.5), "the model is quantized"},
		{"nil", nil, GlobalL1(0.5), "nil model"},
	} {
		if _, err := Prune(c.m, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one containing %q", c.name, err, c.want)
		}
	}
	if m.IsPruned() || Sparsity(m).Zeros != 0 {
		t.Error("a refused Prune changed the model")
	}
}

// TestDigitsPruned90FineTuned is the target: the digits MLP, global
// L1 pruning of 90% of the weights, then 10 epochs of fine-tuning, reaches
// 97.0% test accuracy (PyTorch: 97.1%); median of three seeds.
func TestDigitsPruned90FineTuned(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models for 40 epochs")
	}
	train, test := loadDigits(t)
	var accs []float64
	for seed := int64(0); seed < 3; seed++ {
		SetSeed(seed)
		m := digitsMLP()
		m.Fit(train, FitConfig{Epochs: 30, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(1e-3), Seed: seed + 1})
		rep, err := Prune(m, GlobalL1(0.9))
		if err != nil {
			t.Fatal(err)
		}
		pruned := m.Evaluate(test, CrossEntropy(), "accuracy").Metrics["accuracy"]
		m.Fit(train, FitConfig{Epochs: 10, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(1e-3), Seed: seed + 100})
		acc := m.Evaluate(test, CrossEntropy(), "accuracy").Metrics["accuracy"]
		sp := Sparsity(m)
		t.Logf("seed %d: sparsity %.4f (pruned %d of %d); accuracy %.4f right after pruning, %.4f after 10 epochs", seed, sp.Sparsity(), rep.Zeros, rep.Weights, pruned, acc)
		if sp.Zeros != rep.Zeros {
			t.Errorf("fine-tuning changed the number of zeros: %d → %d", rep.Zeros, sp.Zeros)
		}
		accs = append(accs, acc)
	}
	sort.Float64s(accs)
	if accs[1] < 0.97 {
		t.Errorf("median accuracy %.4f after pruning 90%% and fine-tuning; want >= 0.970", accs[1])
	}
}

// TestPrunedModelSavesSparse: a 90%-pruned model is saved in CSR (the issue's
// target: the file at most 0.2x the dense one), loads back with identical
// predictions and its masks, so fine-tuning after Load keeps the zeros; a
// sparse tensor with a column out of range is refused.
func TestPrunedModelSavesSparse(t *testing.T) {
	SetSeed(26)
	m := digitsMLP()
	lstm := Sequential(Embedding(20, 8), LSTM(8, 16), LastStep(), Linear(16, 3))
	dir := t.TempDir()
	if err := m.Save(filepath.Join(dir, "dense")); err != nil {
		t.Fatal(err)
	}
	if _, err := Prune(m, GlobalL1(0.9)); err != nil {
		t.Fatal(err)
	}
	if _, err := Prune(lstm, L1Unstructured(0.7)); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		m *Model
		x *Tensor
	}{"mlp": {m, Rand(5, 64)}, "lstm": {lstm, FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)}} {
		path := filepath.Join(dir, name)
		if err := c.m.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if !sameBitsTensor(back.Predict(c.x), c.m.Predict(c.x)) {
			t.Errorf("%s: loaded pruned model predicts differently", name)
		}
		if !back.IsPruned() || Sparsity(back).Zeros != Sparsity(c.m).Zeros {
			t.Errorf("%s: loaded model pruned %v with %d zeros, saved %d", name, back.IsPruned(), Sparsity(back).Zeros, Sparsity(c.m).Zeros)
		}
		for i, p := range back.Parameters() {
			if q := c.m.Parameters()[i]; (p.mask == nil) != (q.mask == nil) || p.mask != nil && !sameBitsTensor(FromSlice(p.mask, len(p.mask)), FromSlice(q.mask, len(q.mask))) {
				t.Errorf("%s: parameter %d's mask did not survive Save/Load", name, i)
			}
		}
	}
	size := func(name string) int64 {
		info, err := os.Stat(filepath.Join(dir, name, "model.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	if r := float64(size("mlp")) / float64(size("dense")); r > 0.2 {
		t.Errorf("90%%-pruned file is %.3fx the dense one, want <= 0.2x", r)
	} else {
		t.Logf("90%%-pruned file %.3fx of dense", r)
	}
	back, _ := Load(filepath.Join(dir, "mlp"))
	zeros := Sparsity(back).Zeros
	train, _ := loadDigits(t)
	back.Fit(train.Slice(0, 200), FitConfig{Epochs: 1, Loss: CrossEntropy(), Seed: 1})
	if Sparsity(back).Zeros != zeros {
		t.Errorf("fine-tuning a loaded pruned model: %d zeros, %d before", Sparsity(back).Zeros, zeros)
	}

	// A hostile file: a column beyond the tensor's width.
	ts := m.storedTensors("")
	for i := range ts {
		if ts[i].name == "0.weight"+csrCols {
			ts[i].u16 = append([]uint16(nil), ts[i].u16...)
			ts[i].u16[0] = 64
		}
	}
	data, err := encodeStored(ts)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(bad, 0o755)
	man, _ := os.ReadFile(filepath.Join(dir, "mlp", "model.json"))
	var mj map[string]any
	json.Unmarshal(man, &mj)
	mj["weights_sha256"] = sha256Hex(data)
	man, _ = json.Marshal(mj)
	os.WriteFile(filepath.Join(bad, "model.json"), man, 0o644)
	os.WriteFile(filepath.Join(bad, "model.safetensors"), data, 0o644)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), `sparse tensor "0.weight": row 0 has column 64, the tensor has 64`) {
		t.Errorf("hostile CSR: %v", err)
	}
}
