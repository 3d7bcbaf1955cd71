package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randTensor returns a tensor of the given shape with values uniform in [lo, hi).
func randTensor(rng *rand.Rand, lo, hi float64, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.data {
		t.data[i] = float32(lo + (hi-lo)*rng.Float64())
	}
	return t
}

// gradCheck compares the gradients Backward computes for inputs with central
// finite differences of the scalar L = Σ w·f(inputs), accumulated in float64,
// where w is a fixed random weighting of f's outputs. Large tensors are checked
// on a sample of their elements.
func gradCheck(t *testing.T, name string, f func() *Tensor, inputs ...*Tensor) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	y := f()
	w := make([]float64, len(y.data))
	for i := range w {
		w[i] = rng.Float64()*2 - 1
	}
	weighted := func(y *Tensor) float64 {
		var s float64
		for i, v := range y.data {
			s += w[i] * float64(v)
		}
		return s
	}
	for _, in := range inputs {
		in.grad = nil
	}
	seed := New(y.shape...)
	for i := range w {
		seed.data[i] = float32(w[i])
	}
	y.BackwardWith(seed)
	const h = 1e-2
	for k, in := range inputs {
		if in.grad == nil {
			t.Errorf("%s: input %d %v got no gradient", name, k, in.shape)
			continue
		}
		analytic := append([]float32(nil), in.grad...)
		idx := make([]int, len(in.data))
		for i := range idx {
			idx[i] = i
		}
		if len(idx) > 60 {
			rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			idx = idx[:60]
		}
		bad := 0
		for _, i := range idx {
			orig := in.data[i]
			in.data[i] = orig + h
			plus := weighted(f())
			in.data[i] = orig - h
			minus := weighted(f())
			in.data[i] = orig
			numeric := (plus - minus) / (2 * h)
			a := float64(analytic[i])
			if math.Abs(a-numeric) > 2e-3+2e-2*math.Max(math.Abs(a), math.Abs(numeric)) {
				if bad < 3 {
					t.Errorf("%s: input %d %v element %d: analytic %.6g, numeric %.6g", name, k, in.shape, i, a, numeric)
				}
				bad++
			}
		}
	}
}

func TestGradOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := randTensor(rng, -1, 1, 3, 4).SetRequiresGrad(true)
	b := randTensor(rng, -1, 1, 3, 4).SetRequiresGrad(true)
	row := randTensor(rng, -1, 1, 4).SetRequiresGrad(true)
	pos := randTensor(rng, 0.5, 2, 3, 4).SetRequiresGrad(true)
	m := randTensor(rng, -1, 1, 4, 5).SetRequiresGrad(true)
	a3 := randTensor(rng, -1, 1, 2, 3, 4).SetRequiresGrad(true)
	// Keep ReLU inputs away from the kink, where finite differences are meaningless.
	r := randTensor(rng, 0.1, 1, 3, 4).SetRequiresGrad(true)
	for i := range r.data {
		if i%2 == 0 {
			r.data[i] = -r.data[i]
		}
	}
	cases := []struct {
		name   string
		f      func() *Tensor
		inputs []*Tensor
	}{
		{"Add", func() *Tensor { return a.Add(b) }, []*Tensor{a, b}},
		{"Add broadcast row", func() *Tensor { return a.Add(row) }, []*Tensor{a, row}},
		{"Sub", func() *Tensor { return a.Sub(b) }, []*Tensor{a, b}},
		{"Mul", func() *Tensor { return a.Mul(b) }, []*Tensor{a, b}},
		{"Mul broadcast row", func() *Tensor { return a.Mul(row) }, []*Tensor{a, row}},
		{"Div", func() *Tensor { return a.Div(pos) }, []*Tensor{a, pos}},
		{"Scale", func() *Tensor { return a.Scale(-2.5) }, []*Tensor{a}},
		{"AddScalar", func() *Tensor { return a.AddScalar(3) }, []*Tensor{a}},
		{"Neg", func() *Tensor { return a.Neg() }, []*Tensor{a}},
		{"ReLU", func() *Tensor { return r.ReLU() }, []*Tensor{r}},
		{"Tanh", func() *Tensor { return a.Tanh() }, []*Tensor{a}},
		{"Sigmoid", func() *Tensor { return a.Sigmoid() }, []*Tensor{a}},
		{"Exp", func() *Tensor { return a.Exp() }, []*Tensor{a}},
		{"Log", func() *Tensor { return pos.Log() }, []*Tensor{pos}},
		{"Square", func() *Tensor { return a.Square() }, []*Tensor{a}},
		{"Sqrt", func() *Tensor { return pos.Sqrt() }, []*Tensor{pos}},
		{"Sum", func() *Tensor { return a.Sum() }, []*Tensor{a}},
		{"Mean", func() *Tensor { return a.Mean() }, []*Tensor{a}},
		{"MatMul", func() *Tensor { return a.MatMul(m) }, []*Tensor{a, m}},
		{"MatMul 3D", func() *Tensor { return a3.MatMul(m) }, []*Tensor{a3, m}},
		{"T", func() *Tensor { return a.T() }, []*Tensor{a}},
		{"Reshape", func() *Tensor { return a.Reshape(2, -1).Square() }, []*Tensor{a}},
		{"Softmax", func() *Tensor { return a.Softmax() }, []*Tensor{a}},
		{"LogSoftmax", func() *Tensor { return a3.LogSoftmax() }, []*Tensor{a3}},
		{"composite", func() *Tensor { return a.MatMul(m).Tanh().Mul(a.MatMul(m).Sigmoid()).Sum() }, []*Tensor{a, m}},
	}
	for _, c := range cases {
		gradCheck(t, c.name, c.f, c.inputs...)
	}
}

func TestGradLosses(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	logits := randTensor(rng, -2, 2, 5, 4).SetRequiresGrad(true)
	labels := FromSlice([]float32{0, 3, 1, 1, 2}, 5)
	pred := randTensor(rng, -1, 1, 5, 2).SetRequiresGrad(true)
	target := randTensor(rng, -1, 1, 5, 2)
	probs := randTensor(rng, 0.1, 0.9, 6).SetRequiresGrad(true)
	scores := randTensor(rng, -3, 3, 6).SetRequiresGrad(true)
	bin := FromSlice([]float32{0, 1, 1, 0, 1, 0}, 6)
	gradCheck(t, "CrossEntropy", func() *Tensor { return CrossEntropy().Forward(logits, labels) }, logits)
	gradCheck(t, "MSE", func() *Tensor { return MeanSquaredError().Forward(pred, target) }, pred)
	gradCheck(t, "BCE", func() *Tensor { return BCE().Forward(probs, bin) }, probs)
	gradCheck(t, "BCEWithLogits", func() *Tensor { return BCEWithLogits().Forward(scores, bin) }, scores)

	// The fused losses agree with their definitions.
	ce := CrossEntropy().Forward(logits, labels).Item()
	ls := logits.LogSoftmax()
	var want float64
	for i, l := range labels.data {
		want -= float64(ls.At(i, int(l)))
	}
	if want /= 5; math.Abs(ce-want) > 1e-5 {
		t.Errorf("CrossEntropy = %v, want mean -log softmax = %v", ce, want)
	}
	bl := BCEWithLogits().Forward(scores, bin).Item()
	bp := BCE().Forward(scores.Sigmoid(), bin).Item()
	if math.Abs(bl-bp) > 1e-5 {
		t.Errorf("BCEWithLogits = %v, BCE(sigmoid) = %v", bl, bp)
	}
}

func TestCrossEntropyStableForHugeLogits(t *testing.T) {
	logits := FromSlice([]float32{1e4, -1e4, 0, 3e4, 3e4, -3e4}, 2, 3)
	v := CrossEntropy().Forward(logits, FromSlice([]float32{0, 2}, 2)).Item()
	if math.IsNaN(v) || math.IsInf(v, 0) {
		t.Fatalf("CrossEntropy of huge logits = %v", v)
	}
	if want := (0 + 6e4 + math.Log(2)) / 2; math.Abs(v-want) > 1 {
		t.Errorf("CrossEntropy = %v, want %v", v, want)
	}
}

func TestGradLayers(t *testing.T) {
	SetSeed(11)
	rng := rand.New(rand.NewPCG(5, 6))
	lin := Linear(4, 3)
	x := randTensor(rng, -1, 1, 2, 4).SetRequiresGrad(true)
	gradCheck(t, "Linear", func() *Tensor { return lin.Forward(x) }, append([]*Tensor{x}, lin.Parameters()...)...)
	x3 := randTensor(rng, -1, 1, 2, 3, 4).SetRequiresGrad(true)
	gradCheck(t, "Linear 3D", func() *Tensor { return lin.Forward(x3) }, append([]*Tensor{x3}, lin.Parameters()...)...)

	emb := Embedding(6, 3)
	ids := FromSlice([]float32{0, 2, 5, 2, 0, 1}, 2, 3)
	gradCheck(t, "Embedding", func() *Tensor { return emb.Forward(ids) }, emb.Weight)
	// With a padding index, that row is zero, stays out of the gradient, and the
	// other rows get the same gradient as without padding.
	padded := Embedding(6, 3).Padding(0)
	copy(padded.Weight.data[3:], emb.Weight.data[3:])
	emb.Weight.grad, padded.Weight.grad = nil, nil
	emb.Forward(ids).Sum().Backward()
	padded.Forward(ids).Sum().Backward()
	for j := range padded.Weight.data {
		want := emb.Weight.grad[j]
		if j < 3 {
			want = 0
			if padded.Weight.data[j] != 0 {
				t.Errorf("Embedding padding row weight %v, want zeros", padded.Weight.data[:3])
			}
		}
		if padded.Weight.grad[j] != want {
			t.Errorf("Embedding with padding: grad[%d] = %v, want %v", j, padded.Weight.grad[j], want)
		}
	}

	seq := randTensor(rng, -1, 1, 3, 4, 5).SetRequiresGrad(true)
	for _, layers := range []int{1, 2} {
		lstm := LSTM(5, 4).Stacked(layers)
		gradCheck(t, fmt.Sprintf("LSTM layers=%d", layers), func() *Tensor { return lstm.Forward(seq) }, append([]*Tensor{seq}, lstm.Parameters()...)...)
		gru := GRU(5, 4).Stacked(layers)
		gradCheck(t, fmt.Sprintf("GRU layers=%d", layers), func() *Tensor { return gru.Forward(seq) }, append([]*Tensor{seq}, gru.Parameters()...)...)
	}
	// 12 units: vector kernels for 8, scalar code for the rest.
	wide := LSTM(5, 12)
	gradCheck(t, "LSTM hidden=12", func() *Tensor { return wide.Forward(seq) }, append([]*Tensor{seq}, wide.Parameters()...)...)
	gradCheck(t, "LastStep", func() *Tensor { return LastStep().Forward(seq) }, seq)
	gradCheck(t, "Flatten", func() *Tensor { return Flatten().Forward(seq).Square() }, seq)
	gradCheck(t, "Softmax layer", func() *Tensor { return Softmax().Forward(seq) }, seq)
	gradCheck(t, "LogSoftmax layer", func() *Tensor { return LogSoftmax().Forward(seq) }, seq)
	gradCheck(t, "Tanh layer", func() *Tensor { return Tanh().Forward(seq) }, seq)
	gradCheck(t, "Sigmoid layer", func() *Tensor { return Sigmoid().Forward(seq) }, seq)
	model := Sequential(Linear(5, 6), Tanh(), Linear(6, 2))
	gradCheck(t, "Sequential", func() *Tensor { return model.Forward(seq) }, append([]*Tensor{seq}, model.Parameters()...)...)
}

// TestFastPathMatchesAutograd checks that the fused training path (used by Fit)
// computes the same outputs and gradients as the autograd graph.
func TestFastPathMatchesAutograd(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	SetSeed(3)
	ids := New(4, 6)
	for i := range ids.data {
		ids.data[i] = float32(rng.IntN(7))
	}
	models := []struct {
		name string
		m    *Model
		x    *Tensor
	}{
		{"mlp", Sequential(Linear(5, 8), ReLU(), Linear(8, 8), Tanh(), Linear(8, 6), Sigmoid(), Linear(6, 3)), randTensor(rng, -1, 1, 4, 5)},
		{"lstm", Sequential(Embedding(7, 5).Padding(0), LSTM(5, 6).Stacked(2), LastStep(), Linear(6, 3)), ids},
		{"gru", Sequential(Embedding(7, 5), GRU(5, 6), Flatten(), Linear(36, 3), LogSoftmax()), ids},
		{"nested", Sequential(Sequential(Linear(5, 4), ReLU()), Dropout(0), Linear(4, 3), Softmax()), randTensor(rng, -1, 1, 4, 5)},
	}
	labels := FromSlice([]float32{0, 2, 1, 2}, 4)
	for _, c := range models {
		// Autograd.
		c.m.ZeroGrad()
		out := c.m.Forward(c.x)
		loss := CrossEntropy().Forward(out, labels)
		loss.Backward()
		var want [][]float32
		for _, p := range c.m.Parameters() {
			want = append(want, append([]float32(nil), p.grad...))
		}
		// Fused path.
		c.m.ZeroGrad()
		tr := newTrainer(c.m, CrossEntropy(), nil)
		if !tr.fast {
			t.Fatalf("%s: built-in layers should use the fused path", c.name)
		}
		fout := tr.forward(c.x, true)
		for i := range out.data {
			if math.Abs(float64(out.data[i]-fout.data[i])) > 1e-6 {
				t.Fatalf("%s: output %d: autograd %v, fused %v", c.name, i, out.data[i], fout.data[i])
			}
		}
		fl := tr.lossAndBackward(fout, labels, true)
		if math.Abs(fl-loss.Item()) > 1e-6 {
			t.Errorf("%s: loss autograd %v, fused %v", c.name, loss.Item(), fl)
		}
		for k, p := range c.m.Parameters() {
			for i := range p.grad {
				if math.Abs(float64(p.grad[i]-want[k][i])) > 1e-5 {
					t.Errorf("%s: param %d %v grad[%d]: autograd %v, fused %v", c.name, k, p.shape, i, want[k][i], p.grad[i])
					break
				}
			}
		}
	}
}
