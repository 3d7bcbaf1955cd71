package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// blobs returns a 3-class classification problem: Gaussian blobs in 4 dimensions.
func blobs(n int, seed uint64) Dataset {
	rng := rand.New(rand.NewPCG(seed, 1))
	x, y := New(n, 4), New(n)
	for i := 0; i < n; i++ {
		c := i % 3
		y.data[i] = float32(c)
		for j := 0; j < 4; j++ {
			center := 0.0
			if j == c {
				center = 2
			}
			x.data[i*4+j] = float32(center + rng.NormFloat64()*0.7)
		}
	}
	return Dataset{X: x, Y: y}
}

type recorder struct {
	begin     FitInfo
	batches   int
	epochs    []EpochStats
	ended     *History
	stopAfter int // report Stopped after this many batches (0: never)
}

func (r *recorder) Begin(info FitInfo) { r.begin = info }
func (r *recorder) Batch(s BatchStats) { r.batches++ }
func (r *recorder) Epoch(s EpochStats) { r.epochs = append(r.epochs, s) }
func (r *recorder) End(h *History)     { r.ended = h }
func (r *recorder) Stopped() bool      { return r.stopAfter > 0 && r.batches >= r.stopAfter }

func TestFitLearnsAndReports(t *testing.T) {
	SetSeed(1)
	train, val := blobs(300, 1), blobs(90, 2)
	m := Sequential(Linear(4, 16), ReLU(), Linear(16, 3))
	rec := &recorder{}
	h := m.Fit(train, FitConfig{Epochs: 5, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(0.01),
		Validation: val, Metrics: []string{"accuracy"}, Progress: rec})
	if rec.begin.Epochs != 5 || rec.begin.BatchesPerEpoch != 10 || rec.begin.Samples != 300 || rec.begin.ValSamples != 90 {
		t.Errorf("Begin got %+v", rec.begin)
	}
	if rec.batches != 50 || len(rec.epochs) != 5 || rec.ended != h || len(h.StepLoss) != 50 || len(h.Epochs) != 5 {
		t.Fatalf("progress: %d batches, %d epochs, end %v; history %d steps %d epochs", rec.batches, len(rec.epochs), rec.ended != nil, len(h.StepLoss), len(h.Epochs))
	}
	first, last := h.Epochs[0], h.Epochs[4]
	if !(last.Loss < first.Loss) || !(last.ValLoss < first.ValLoss) {
		t.Errorf("loss did not fall: %+v -> %+v", first, last)
	}
	if acc := last.ValMetrics["accuracy"]; acc < 0.9 {
		t.Errorf("validation accuracy %.3f, want >= 0.9", acc)
	}
	ev := m.Evaluate(val, CrossEntropy(), "accuracy")
	if math.Abs(ev.Loss-last.ValLoss) > 1e-9 || ev.Metrics["accuracy"] != last.ValMetrics["accuracy"] {
		t.Errorf("Evaluate %v disagrees with the last epoch's validation %v %v", ev, last.ValLoss, last.ValMetrics)
	}
	if h.Stopped {
		t.Errorf("history says stopped: %q", h.StopReason)
	}
}

func TestFitIsDeterministic(t *testing.T) {
	run := func() (*History, []float32) {
		SetSeed(42)
		m := Sequential(Linear(4, 8), Tanh(), Dropout(0.2), Linear(8, 3))
		h := m.Fit(blobs(200, 3), FitConfig{Epochs: 3, BatchSize: 16, Loss: CrossEntropy(), Optimizer: SGD(0.1).Momentum(0.9),
			ValidationSplit: 0.2, Seed: 7, Metrics: []string{"accuracy"}})
		return h, m.Predict(blobs(10, 4).X).data
	}
	h1, p1 := run()
	h2, p2 := run()
	for i := range h1.StepLoss {
		if h1.StepLoss[i] != h2.StepLoss[i] {
			t.Fatalf("step %d loss %v vs %v", i, h1.StepLoss[i], h2.StepLoss[i])
		}
	}
	for i := range h1.Epochs {
		a, b := h1.Epochs[i], h2.Epochs[i]
		if a.Loss != b.Loss || a.ValLoss != b.ValLoss || a.Metrics["accuracy"] != b.Metrics["accuracy"] {
			t.Fatalf("epoch %d differs: %+v vs %+v", i, a, b)
		}
	}
	if !sameBits(p1, p2) {
		t.Errorf("predictions differ between identical runs")
	}
	// A different seed gives a different run.
	SetSeed(42)
	m := Sequential(Linear(4, 8), Tanh(), Dropout(0.2), Linear(8, 3))
	h3 := m.Fit(blobs(200, 3), FitConfig{Epochs: 1, BatchSize: 16, Loss: CrossEntropy(), ValidationSplit: 0.2, Seed: 8})
	if h3.StepLoss[3] == h1.StepLoss[3] {
		t.Errorf("seed 8 reproduced seed 7's losses")
	}
}

func TestFitInterrupted(t *testing.T) {
	SetSeed(1)
	m := Sequential(Linear(4, 8), ReLU(), Linear(8, 3))
	rec := &recorder{stopAfter: 7}
	h := m.Fit(blobs(300, 1), FitConfig{Epochs: 10, BatchSize: 32, Loss: CrossEntropy(), Progress: rec})
	if !h.Stopped || h.StopReason != "interrupted" || len(h.StepLoss) != 7 || rec.ended != h {
		t.Fatalf("stopped=%v reason=%q steps=%d", h.Stopped, h.StopReason, len(h.StepLoss))
	}
	// The model is usable afterwards: it predicts and can keep training.
	if p := m.Predict(blobs(5, 9).X); !p.AllFinite() || p.shape[1] != 3 {
		t.Errorf("prediction after interrupt: %v", p)
	}
	h = m.Fit(blobs(300, 1), FitConfig{Epochs: 1, BatchSize: 32, Loss: CrossEntropy()})
	if h.Stopped || len(h.StepLoss) != 10 {
		t.Errorf("second Fit: stopped=%v steps=%d", h.Stopped, len(h.StepLoss))
	}
}

func TestFitDefaultProgress(t *testing.T) {
	rec := &recorder{stopAfter: 2}
	SetDefaultProgress(func() Progress { return rec })
	defer SetDefaultProgress(nil)
	m := Sequential(Linear(4, 3))
	h := m.Fit(blobs(60, 1), FitConfig{Epochs: 3, BatchSize: 10, Loss: CrossEntropy()})
	if rec.batches != 2 || !h.Stopped {
		t.Errorf("default progress saw %d batches, stopped=%v", rec.batches, h.Stopped)
	}
}

func TestEarlyStoppingRestoresBest(t *testing.T) {
	SetSeed(3)
	train, val := blobs(120, 5), blobs(60, 6)
	m := Sequential(Linear(4, 64), ReLU(), Linear(64, 3))
	// A large learning rate makes validation loss bounce, so training stops early.
	h := m.Fit(train, FitConfig{Epochs: 200, BatchSize: 8, Loss: CrossEntropy(), Optimizer: SGD(0.5),
		Validation: val, EarlyStopping: &EarlyStopping{Patience: 3, RestoreBest: true}})
	if !h.Stopped || h.StopReason != "early stopping" {
		t.Fatalf("stopped=%v reason=%q after %d epochs", h.Stopped, h.StopReason, len(h.Epochs))
	}
	best := math.Inf(1)
	for _, e := range h.Epochs {
		best = math.Min(best, e.ValLoss)
	}
	if got := m.Evaluate(val, CrossEntropy()).Loss; math.Abs(got-best) > 1e-9 {
		t.Errorf("after restoring, validation loss %v, best epoch had %v", got, best)
	}
	if last := h.Epochs[len(h.Epochs)-1].ValLoss; last == best {
		t.Errorf("the last epoch was the best (%v): test does not exercise restoring", last)
	}
}

func TestCallbacksAndSchedules(t *testing.T) {
	SetSeed(1)
	m := Sequential(Linear(4, 3))
	var lrs []float64
	h := m.Fit(blobs(60, 1), FitConfig{Epochs: 10, BatchSize: 20, Loss: CrossEntropy(), Optimizer: SGD(0.1),
		Schedule: StepLR(2, 0.5), Callbacks: []Callback{func(s EpochStats) (bool, string) {
			lrs = append(lrs, s.LR)
			// The reason of a callback that does not stop is ignored.
			return s.Epoch == 5, fmt.Sprintf("enough at epoch %d", s.Epoch)
		}}})
	if !h.Stopped || h.StopReason != "enough at epoch 5" || len(h.Epochs) != 5 {
		t.Fatalf("callback stop: stopped=%v reason=%q epochs=%d", h.Stopped, h.StopReason, len(h.Epochs))
	}
	// A callback that stops without a reason gets a default one.
	h = m.Fit(blobs(60, 1), FitConfig{Epochs: 4, Loss: CrossEntropy(), Callbacks: []Callback{
		func(s EpochStats) (bool, string) { return false, "" },
		func(s EpochStats) (bool, string) { return s.Epoch == 2, "" },
	}})
	if !h.Stopped || h.StopReason != "stopped by a callback" || len(h.Epochs) != 2 {
		t.Fatalf("callback stop without reason: stopped=%v reason=%q epochs=%d", h.Stopped, h.StopReason, len(h.Epochs))
	}
	want := []float64{0.1, 0.1, 0.05, 0.05, 0.025}
	for i, w := range want {
		if math.Abs(lrs[i]-w) > 1e-12 {
			t.Errorf("epoch %d LR %v, want %v", i+1, lrs[i], w)
		}
	}
	c := CosineLR(10, 0.01)
	if got := c.LR(0, 1); got != 1 {
		t.Errorf("cosine at 0 = %v", got)
	}
	if got := c.LR(5, 1); math.Abs(got-0.505) > 1e-12 {
		t.Errorf("cosine at half = %v, want 0.505", got)
	}
	if got := c.LR(10, 1); math.Abs(got-0.01) > 1e-12 {
		t.Errorf("cosine at end = %v", got)
	}
}

func TestFitCustomLayerAndLoss(t *testing.T) {
	// A cell-defined layer sends training through the autograd graph; a
	// cell-defined loss through a graph on top of the fused layers.
	SetSeed(4)
	data := blobs(150, 2)
	custom := Sequential(Linear(4, 8), squareLayer{}, Linear(8, 3))
	h := custom.Fit(data, FitConfig{Epochs: 20, BatchSize: 30, Loss: CrossEntropy(), Optimizer: Adam(0.01), Metrics: []string{"accuracy"}})
	if h.Epochs[19].Loss >= h.Epochs[0].Loss {
		t.Errorf("custom layer: loss %v -> %v", h.Epochs[0].Loss, h.Epochs[19].Loss)
	}
	SetSeed(4)
	a := Sequential(Linear(4, 3))
	SetSeed(4)
	b := Sequential(Linear(4, 3))
	// The same explicit seed, so that both shuffle alike.
	ha := a.Fit(data, FitConfig{Epochs: 3, BatchSize: 30, Loss: CrossEntropy(), Seed: 7})
	hb := b.Fit(data, FitConfig{Epochs: 3, BatchSize: 30, Loss: cellCrossEntropy{}, Seed: 7})
	for i := range ha.StepLoss {
		if math.Abs(ha.StepLoss[i]-hb.StepLoss[i]) > 1e-5 {
			t.Fatalf("step %d: built-in loss %v, cell loss %v", i, ha.StepLoss[i], hb.StepLoss[i])
		}
	}
}

// cellCrossEntropy is cross entropy written with Tensor operations, as a cell would.
type cellCrossEntropy struct{}

func (cellCrossEntropy) String() string { return "cellCE" }
func (cellCrossEntropy) Forward(pred, target *Tensor) *Tensor {
	onehot := New(pred.shape...)
	k := pred.shape[1]
	for i, c := range target.data {
		onehot.data[i*k+int(c)] = 1
	}
	return pred.LogSoftmax().Mul(onehot).Sum().Scale(-1 / float64(pred.shape[0]))
}

func TestOptimizersMatchPyTorchRules(t *testing.T) {
	// One parameter, gradient 1 then 2: compare with the update rules written out.
	step := func(o Optimizer, grads ...float32) float32 {
		p := Param(1)
		p.data[0] = 1
		for _, g := range grads {
			p.grad = []float32{g}
			o.Step([]*Tensor{p})
		}
		return p.data[0]
	}
	approx := func(name string, got, want float64) {
		if math.Abs(got-want) > 1e-6 {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	approx("SGD", float64(step(SGD(0.1), 1, 2)), 1-0.1-0.2)
	// momentum 0.9: v1 = 1, v2 = 0.9+2 = 2.9
	approx("SGD momentum", float64(step(SGD(0.1).Momentum(0.9), 1, 2)), 1-0.1-0.29)
	// nesterov: d1 = 1+0.9*1 = 1.9, d2 = 2+0.9*2.9 = 4.61
	approx("SGD nesterov", float64(step(SGD(0.1).Momentum(0.9).Nesterov(), 1, 2)), 1-0.19-0.461)
	// weight decay 0.5: g1 = 1+0.5 = 1.5 -> p = 0.85
	approx("SGD weight decay", float64(step(SGD(0.1).WeightDecay(0.5), 1)), 0.85)
	// Adam's first step moves by lr (times sign) whatever the gradient scale.
	approx("Adam first step", float64(step(Adam(0.01), 123)), 0.99)
	// AdamW decays the weight by lr*wd before the Adam step.
	approx("AdamW first step", float64(step(AdamW(0.01).WeightDecay(0.1), 5)), 1*(1-0.001)-0.01)
	// Adam second step: m = 0.9*0.1*1 + 0.1*2 ... computed in float64.
	m1, v1 := 0.1*1.0, 0.001*1.0
	m2, v2 := 0.9*m1+0.1*2, 0.999*v1+0.001*4
	p := 1 - 0.01*(m1/0.1)/(math.Sqrt(v1/0.001)+1e-8)
	p -= 0.01 * (m2 / (1 - 0.81)) / (math.Sqrt(v2/(1-0.999*0.999)) + 1e-8)
	approx("Adam two steps", float64(step(Adam(0.01), 1, 2)), p)

	p1, p2 := Param(2), Param(1)
	p1.grad, p2.grad = []float32{3, 0}, []float32{4}
	if norm := ClipGradNorm([]*Tensor{p1, p2}, 1); math.Abs(norm-5) > 1e-9 {
		t.Errorf("ClipGradNorm returned %v, want 5", norm)
	}
	approx("clipped", float64(p1.grad[0]), 0.6)
	approx("clipped", float64(p2.grad[0]), 0.8)
}

func TestSummaryAndShapeErrors(t *testing.T) {
	SetSeed(1)
	m := Sequential(Linear(64, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
	s := m.Summary(64)
	for _, want := range []string{"Linear(64→256)", "[* 256]", "16,640", "[* 10]", "Total parameters: 50,826"} {
		if !strings.Contains(s, want) {
			t.Errorf("Summary lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(m.String(), "(4) Linear(128→10)") || !strings.Contains(m.String(), "50,826 parameters") {
		t.Errorf("String:\n%s", m)
	}
	lstm := Sequential(Embedding(40, 32), LSTM(32, 128), LastStep(), Linear(128, 6))
	if s := lstm.Summary(16); !strings.Contains(s, "[* 16 128]") || !strings.Contains(s, "[* 6]") {
		t.Errorf("LSTM summary:\n%s", s)
	}
	nested := Sequential(Sequential(Linear(4, 8), ReLU()), Linear(8, 2))
	if s := nested.Summary(4); !strings.Contains(s, "0  Sequential(2 layers)  [* 8]         40") {
		t.Errorf("nested summary:\n%s", s)
	}
	expectPanic := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if r == nil || !strings.Contains(r.(string), want) {
				t.Errorf("%s: panic %v, want one containing %q", name, r, want)
			}
		}()
		f()
	}
	expectPanic("Linear", "ml: Linear(64→256): input shape [32 65] does not match [* 64]", func() { m.Predict(New(32, 65)) })
	expectPanic("Summary", "input shape [* 63] does not match [* 64]", func() { m.Summary(63) })
	expectPanic("LSTM", "LSTM(32→128): input shape [2 16 31]", func() { LSTM(32, 128).Forward(New(2, 16, 31)) })
	expectPanic("MatMul", "shapes [2 3] and [4 5]", func() { New(2, 3).MatMul(New(4, 5)) })
	expectPanic("Add", "shapes [2 3] and [2]", func() { New(2, 3).Add(New(2)) })
	expectPanic("CrossEntropy", "labels shape [3]", func() { CrossEntropy().Forward(New(2, 3), New(3)) })
	expectPanic("Embedding id", "want an integer id in [0, 40)", func() { lstm.Predict(Full(40, 1, 16)) })
	expectPanic("Fit without loss", "FitConfig.Loss is nil", func() { m.Fit(blobs(3, 1), FitConfig{}) })
}

func TestFitShufflesUnlessNoShuffle(t *testing.T) {
	// Without dropout or a validation split, the seed only chooses the batch order.
	stepLosses := func(seed int64, noShuffle bool) []float64 {
		SetSeed(5)
		m := Sequential(Linear(4, 8), Tanh(), Linear(8, 3))
		h := m.Fit(blobs(96, 3), FitConfig{Epochs: 2, BatchSize: 16, Loss: CrossEntropy(), Seed: seed, NoShuffle: noShuffle})
		return h.StepLoss
	}
	if a, b := stepLosses(1, false), stepLosses(2, false); a[0] == b[0] && a[7] == b[7] {
		t.Errorf("seeds 1 and 2 gave the same batches: training data was not shuffled by default")
	}
	if a, b := stepLosses(1, true), stepLosses(2, true); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("with NoShuffle the seed changed the batches:\n%v\n%v", a, b)
	}
}
