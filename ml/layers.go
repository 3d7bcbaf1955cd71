package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
)

// Layer is one stage of a model. Built-in layers are made by Linear, ReLU, LSTM
// and the other constructors; a cell can implement Layer itself, composing Tensor
// operations in Forward (autograd then provides the backward pass).
//
// OutputShape maps an input shape to the output shape (dimension 0 is the batch
// and may be -1 for "any"); it panics, naming both shapes, when the input does
// not fit the layer.
type Layer interface {
	Forward(x *Tensor) *Tensor
	Parameters() []*Tensor
	OutputShape(input []int) []int
	String() string
}

// fastLayer is implemented by the built-in layers: a forward/backward pair that
// reuses per-layer buffers so that training allocates nothing per batch. The
// tensors it returns are only valid until the next call.
type fastLayer interface {
	Layer
	fastForward(x *Tensor, train bool) *Tensor
	// fastBackward accumulates the parameters' gradients from dy (the gradient of
	// the last fastForward output) and returns dx when needDx is set.
	fastBackward(dy *Tensor, needDx bool) *Tensor
}

// savable is implemented by layers that can be written to and rebuilt from a model
// artifact.
type savable interface {
	spec() LayerSpec
	paramNames() []string
}

// initRNG is the package's generator: initial weights, Rand, Randn and the
// training seed of a Fit without one. It is seeded so that a program builds and
// trains the same model every time; SetSeed restarts it.
var (
	initMu  sync.Mutex
	initRNG = rand.New(rand.NewPCG(1, 0x9e3779b97f4a7c15))
)

// SetSeed restarts the package's random generator, which supplies every random
// choice that is not given a seed of its own: new layers' weights, Rand and
// Randn, and Fit's shuffling, validation split and dropout when FitConfig.Seed
// is 0. After SetSeed(s) the same sequence of calls gives the same results, as
// after torch.manual_seed. A non-zero FitConfig.Seed, and the seed argument of
// Split, Shuffle, KFold and the like, win over it and leave it untouched.
func SetSeed(seed int64) {
	initMu.Lock()
	initRNG = rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	initMu.Unlock()
}

// drawSeed draws a non-zero training seed from the package's generator, for a
// Fit whose FitConfig.Seed is 0.
func drawSeed() int64 {
	initMu.Lock()
	defer initMu.Unlock()
	for {
		if s := initRNG.Int64(); s != 0 {
			return s
		}
	}
}

// uniformInit fills t with values drawn uniformly from [-bound, bound).
func uniformInit(t *Tensor, bound float64) {
	initMu.Lock()
	for i := range t.data {
		t.data[i] = float32((initRNG.Float64()*2 - 1) * bound)
	}
	initMu.Unlock()
	applyMask(t) // a pruned weight stays pruned
}

// normalInit fills t with values drawn from N(0, std²).
func normalInit(t *Tensor, std float64) {
	initMu.Lock()
	for i := range t.data {
		t.data[i] = float32(initRNG.NormFloat64() * std)
	}
	initMu.Unlock()
	applyMask(t) // a pruned weight stays pruned
}

// buffer is a reusable tensor: its storage grows to the largest size asked for.
type buffer struct{ t Tensor }

// get returns the buffer's tensor reshaped to shape; its contents are arbitrary.
func (b *buffer) get(shape ...int) *Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if cap(b.t.data) < n {
		b.t.data = make([]float32, n)
	}
	b.t.data = b.t.data[:n]
	b.t.shape = append(b.t.shape[:0], shape...)
	return &b.t
}

// getLike returns the buffer reshaped like shape with its last dimension replaced by last.
func (b *buffer) getLast(shape []int, last int) *Tensor {
	n := last
	for _, d := range shape[:len(shape)-1] {
		n *= d
	}
	if cap(b.t.data) < n {
		b.t.data = make([]float32, n)
	}
	b.t.data = b.t.data[:n]
	b.t.shape = append(b.t.shape[:0], shape...)
	b.t.shape[len(shape)-1] = last
	return &b.t
}

// shapeString formats a shape with -1 shown as *, as in "[* 64]".
func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		if d < 0 {
			parts[i] = "*"
		} else {
			parts[i] = fmt.Sprint(d)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// checkLastDim panics unless shape has at least minRank dimensions and its last is want.
func checkLastDim(layer fmt.Stringer, shape []int, want, minRank int) {
	if len(shape) >= minRank && shape[len(shape)-1] == want {
		return
	}
	expect := make([]int, minRank)
	for i := range expect {
		expect[i] = -1
	}
	expect[minRank-1] = want
	panic(fmt.Sprintf("ml: %s: input shape %s does not match %s", layer, shapeString(shape), shapeString(expect)))
}

// ---------------------------------------------------------------- Linear

// LinearLayer is a fully connected layer y = x·W + b, applied to the last
// dimension of its input. Weight has shape [In, Out], so that a single input row
// combines whole weight rows (fast single-sample inference that skips zero
// inputs); artifacts store it transposed, as PyTorch's [out, in].
type LinearLayer struct {
	In, Out int     // read-only
	Weight  *Tensor // [In, Out]
	Bias    *Tensor // [Out]

	x     *Tensor // last fast-path input
	y, dx buffer
	nz    sparseRow     // scratch for single-row inference
	sp    *sparseLinear // CSR structure of a pruned weight, for inference
}

// Linear returns a fully connected layer from in to out features, initialised as
// PyTorch does: weights and bias uniform in ±1/√in.
func Linear(in, out int) *LinearLayer {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("ml: Linear(%d, %d): sizes must be positive", in, out))
	}
	l := &LinearLayer{In: in, Out: out, Weight: Param(in, out), Bias: Param(out)}
	bound := 1 / math.Sqrt(float64(in))
	uniformInit(l.Weight, bound)
	uniformInit(l.Bias, bound)
	return l
}

// Xavier re-initialises the weights with Glorot/Xavier uniform values (bound
// √(6/(in+out)), suited to tanh and sigmoid) and the bias with zeros, drawing from
// the generator SetSeed controls. It returns l: ml.Linear(64, 256).Xavier().
func (l *LinearLayer) Xavier() *LinearLayer {
	uniformInit(l.Weight, math.Sqrt(6/float64(l.In+l.Out)))
	clear(l.Bias.data)
	return l
}

// Kaiming re-initialises the weights with He/Kaiming uniform values for ReLU
// (bound √(6/in)) and the bias with zeros. It returns l.
func (l *LinearLayer) Kaiming() *LinearLayer {
	uniformInit(l.Weight, math.Sqrt(6/float64(l.In)))
	clear(l.Bias.data)
	return l
}

// String returns e.g. "Linear(64→256)".
func (l *LinearLayer) String() string { return fmt.Sprintf("Linear(%d→%d)", l.In, l.Out) }

// Parameters returns the weight and the bias.
func (l *LinearLayer) Parameters() []*Tensor { return []*Tensor{l.Weight, l.Bias} }

func (l *LinearLayer) paramNames() []string { return []string{"weight", "bias"} }

func (l *LinearLayer) spec() LayerSpec {
	return LayerSpec{Type: "Linear", In: l.In, Out: l.Out}
}

// OutputShape replaces the last dimension In by Out.
func (l *LinearLayer) OutputShape(in []int) []int {
	checkLastDim(l, in, l.In, 2)
	out := append([]int(nil), in...)
	out[len(out)-1] = l.Out
	return out
}

func (l *LinearLayer) forwardInto(x, y []float32) {
	m := len(x) / l.In
	b := l.Bias.data
	for r := 0; r < m; r++ {
		copy(y[r*l.Out:(r+1)*l.Out], b)
	}
	if m == 1 && sparseRowGemv(y[:l.Out], x[:l.In], l.Weight.data, l.Out, &l.nz) {
		return
	}
	sgemm(false, false, m, l.Out, l.In, 1, x, l.In, l.Weight.data, l.Out, 1, y, l.Out)
}

func (l *LinearLayer) backwardInto(x, dy, dx []float32) {
	m := len(x) / l.In
	// dW += xᵀ·dy, db += Σ rows of dy, dx = dy·Wᵀ.
	sgemm(true, false, l.In, l.Out, m, 1, x, l.In, dy, l.Out, 1, l.Weight.gradBuf(), l.Out)
	db := l.Bias.gradBuf()
	for r := 0; r < m; r++ {
		addTo(db, dy[r*l.Out:(r+1)*l.Out])
	}
	if dx != nil {
		sgemm(false, true, m, l.In, l.Out, 1, dy, l.Out, l.Weight.data, l.Out, 0, dx, l.In)
	}
}

// Forward applies the layer, recording the operation for autograd.
func (l *LinearLayer) Forward(x *Tensor) *Tensor {
	y := New(l.OutputShape(x.shape)...)
	l.forwardInto(x.data, y.data)
	y.attach("Linear", []*Tensor{x, l.Weight, l.Bias}, func(g []float32) {
		var dx []float32
		if x.needsGrad() {
			dx = make([]float32, len(x.data))
		}
		l.backwardInto(x.data, g, dx)
		if dx != nil {
			addTo(x.gradBuf(), dx)
		}
	})
	return y
}

func (l *LinearLayer) fastForward(x *Tensor, train bool) *Tensor {
	checkLastDim(l, x.shape, l.In, 2)
	l.x = x
	y := l.y.getLast(x.shape, l.Out)
	rows := len(x.data) / l.In
	if !train {
		if s := l.sparsePlan(rows); s != nil {
			if rows <= sparseGemvMaxRows && (s.use || sparseMode > 0) {
				for r := range rows {
					s.sparseGemv(y.data[r*l.Out:(r+1)*l.Out], x.data[r*l.In:(r+1)*l.In], l.Bias.data)
				}
			} else {
				s.sparseGemm(y.data, x.data, l.Bias.data, rows)
			}
			return y
		}
	}
	l.forwardInto(x.data, y.data)
	return y
}

func (l *LinearLayer) fastBackward(dy *Tensor, needDx bool) *Tensor {
	if !needDx {
		l.backwardInto(l.x.data, dy.data, nil)
		return nil
	}
	dx := l.dx.get(l.x.shape...)
	l.backwardInto(l.x.data, dy.data, dx.data)
	return dx
}

// ---------------------------------------------------------------- activations

// ActivationLayer applies a function element-wise: ReLU, Tanh or Sigmoid.
type ActivationLayer struct {
	Kind  string // "ReLU", "Tanh" or "Sigmoid"
	y, dx buffer
}

// ReLU returns a layer computing max(x, 0).
func ReLU() *ActivationLayer { return &ActivationLayer{Kind: "ReLU"} }

// Tanh returns a layer computing tanh(x).
func Tanh() *ActivationLayer { return &ActivationLayer{Kind: "Tanh"} }

// Sigmoid returns a layer computing 1/(1+e^-x).
func Sigmoid() *ActivationLayer { return &ActivationLayer{Kind: "Sigmoid"} }

// String returns the activation's name, e.g. "ReLU".
func (a *ActivationLayer) String() string { return a.Kind + "()" }

// Parameters returns nil: activations have none.
func (a *ActivationLayer) Parameters() []*Tensor { return nil }

func (a *ActivationLayer) paramNames() []string { return nil }

func (a *ActivationLayer) spec() LayerSpec { return LayerSpec{Type: a.Kind} }

// OutputShape returns the input shape.
func (a *ActivationLayer) OutputShape(in []int) []int { return append([]int(nil), in...) }

// Forward applies the activation, recording it for autograd.
func (a *ActivationLayer) Forward(x *Tensor) *Tensor {
	switch a.Kind {
	case "ReLU":
		return x.ReLU()
	case "Tanh":
		return x.Tanh()
	case "Sigmoid":
		return x.Sigmoid()
	}
	panic("ml: unknown activation " + a.Kind)
}

func (a *ActivationLayer) fastForward(x *Tensor, _ bool) *Tensor {
	y := a.y.get(x.shape...)
	switch a.Kind {
	case "ReLU":
		reluInto(y.data, x.data)
	case "Tanh":
		tanhInto(y.data, x.data)
	case "Sigmoid":
		sigmoidInto(y.data, x.data)
	}
	return y
}

func (a *ActivationLayer) fastBackward(dy *Tensor, needDx bool) *Tensor {
	if !needDx {
		return nil
	}
	y := a.y.t.data
	dx := a.dx.get(dy.shape...)
	g := dy.data
	d := dx.data[:len(g)]
	switch a.Kind {
	case "ReLU":
		reluBackInto(d, y, g)
	case "Tanh":
		for i, v := range y[:len(g)] {
			d[i] = g[i] * (1 - v*v)
		}
	case "Sigmoid":
		for i, v := range y[:len(g)] {
			d[i] = g[i] * v * (1 - v)
		}
	}
	return dx
}

// ---------------------------------------------------------------- softmax

// SoftmaxLayer applies softmax (or log-softmax) over the last dimension.
type SoftmaxLayer struct {
	Log   bool
	y, dx buffer
}

// Softmax returns a layer normalising the last dimension into probabilities.
func Softmax() *SoftmaxLayer { return &SoftmaxLayer{} }

// LogSoftmax returns a layer computing log(softmax(x)) stably.
func LogSoftmax() *SoftmaxLayer { return &SoftmaxLayer{Log: true} }

// String returns "Softmax()" or "LogSoftmax()".
func (s *SoftmaxLayer) String() string {
	if s.Log {
		return "LogSoftmax()"
	}
	return "Softmax()"
}

// Parameters returns nil.
func (s *SoftmaxLayer) Parameters() []*Tensor { return nil }

func (s *SoftmaxLayer) paramNames() []string { return nil }

func (s *SoftmaxLayer) spec() LayerSpec {
	if s.Log {
		return LayerSpec{Type: "LogSoftmax"}
	}
	return LayerSpec{Type: "Softmax"}
}

// OutputShape returns the input shape.
func (s *SoftmaxLayer) OutputShape(in []int) []int {
	if len(in) == 0 {
		panic(fmt.Sprintf("ml: %s: input shape %s has no dimension to normalise", s, shapeString(in)))
	}
	return append([]int(nil), in...)
}

// Forward applies the layer, recording it for autograd.
func (s *SoftmaxLayer) Forward(x *Tensor) *Tensor {
	if s.Log {
		return x.LogSoftmax()
	}
	return x.Softmax()
}

func (s *SoftmaxLayer) fastForward(x *Tensor, _ bool) *Tensor {
	k := lastDim(x, s.String())
	y := s.y.get(x.shape...)
	if s.Log {
		logSoftmaxRows(y.data, x.data, k)
	} else {
		softmaxRows(y.data, x.data, k)
	}
	return y
}

func (s *SoftmaxLayer) fastBackward(dy *Tensor, needDx bool) *Tensor {
	if !needDx {
		return nil
	}
	k := dy.shape[len(dy.shape)-1]
	dx := s.dx.get(dy.shape...)
	y := s.y.t.data
	for r := 0; r+k <= len(dy.data); r += k {
		yr, gr, dr := y[r:r+k], dy.data[r:r+k], dx.data[r:r+k]
		if s.Log {
			var sum float32
			for _, v := range gr {
				sum += v
			}
			for j := range yr {
				dr[j] = gr[j] - exp32(yr[j])*sum
			}
		} else {
			var dot float32
			for j := range yr {
				dot += yr[j] * gr[j]
			}
			for j := range yr {
				dr[j] = yr[j] * (gr[j] - dot)
			}
		}
	}
	return dx
}

// ---------------------------------------------------------------- dropout

// DropoutLayer zeroes each input with probability P during training and scales
// the rest by 1/(1-P); in evaluation it passes its input through.
type DropoutLayer struct {
	P        float64
	training bool
	rng      *rand.Rand
	mask     []float32
	y, dx    buffer
	applied  bool
}

// Dropout returns a dropout layer with drop probability p (0 <= p < 1).
func Dropout(p float64) *DropoutLayer {
	if p < 0 || p >= 1 || math.IsNaN(p) {
		panic(fmt.Sprintf("ml: Dropout(%v): probability must be in [0, 1)", p))
	}
	return &DropoutLayer{P: p, rng: rand.New(rand.NewPCG(0, 1))}
}

// String returns e.g. "Dropout(0.5)".
func (d *DropoutLayer) String() string { return fmt.Sprintf("Dropout(%g)", d.P) }

// Parameters returns nil.
func (d *DropoutLayer) Parameters() []*Tensor { return nil }

func (d *DropoutLayer) paramNames() []string { return nil }

func (d *DropoutLayer) spec() LayerSpec { return LayerSpec{Type: "Dropout", P: d.P} }

// OutputShape returns the input shape.
func (d *DropoutLayer) OutputShape(in []int) []int { return append([]int(nil), in...) }

// SetTraining switches between training (dropping) and evaluation (identity).
func (d *DropoutLayer) SetTraining(on bool) { d.training = on }

func (d *DropoutLayer) reseed(seed uint64) { d.rng = rand.New(rand.NewPCG(seed, 0xd0)) }

func (d *DropoutLayer) fillMask(n int) []float32 {
	if cap(d.mask) < n {
		d.mask = make([]float32, n)
	}
	m := d.mask[:n]
	scale := float32(1 / (1 - d.P))
	for i := range m {
		if d.rng.Float64() < d.P {
			m[i] = 0
		} else {
			m[i] = scale
		}
	}
	return m
}

// Forward applies dropout in training mode, recording it for autograd.
func (d *DropoutLayer) Forward(x *Tensor) *Tensor {
	if !d.training || d.P == 0 {
		return x
	}
	m := append([]float32(nil), d.fillMask(len(x.data))...)
	return x.Mul(FromSlice(m, x.shape...))
}

func (d *DropoutLayer) fastForward(x *Tensor, train bool) *Tensor {
	d.applied = train && d.P > 0
	if !d.applied {
		return x
	}
	m := d.fillMask(len(x.data))
	y := d.y.get(x.shape...)
	for i, v := range x.data {
		y.data[i] = v * m[i]
	}
	return y
}

func (d *DropoutLayer) fastBackward(dy *Tensor, needDx bool) *Tensor {
	if !needDx || !d.applied {
		return dy
	}
	dx := d.dx.get(dy.shape...)
	for i, g := range dy.data {
		dx.data[i] = g * d.mask[i]
	}
	return dx
}

// ---------------------------------------------------------------- flatten / last step

// FlattenLayer reshapes [batch, d1, d2, ...] to [batch, d1*d2*...].
type FlattenLayer struct{ y, dx Tensor }

// Flatten returns a layer that keeps the batch dimension and flattens the rest.
func Flatten() *FlattenLayer { return &FlattenLayer{} }

// String returns "Flatten()".
func (f *FlattenLayer) String() string { return "Flatten()" }

// Parameters returns nil.
func (f *FlattenLayer) Parameters() []*Tensor { return nil }

func (f *FlattenLayer) paramNames() []string { return nil }

func (f *FlattenLayer) spec() LayerSpec { return LayerSpec{Type: "Flatten"} }

// OutputShape returns [batch, product of the other dimensions].
func (f *FlattenLayer) OutputShape(in []int) []int {
	if len(in) < 1 {
		panic(fmt.Sprintf("ml: Flatten: input shape %s has no batch dimension", shapeString(in)))
	}
	n := 1
	for _, d := range in[1:] {
		n *= d
	}
	return []int{in[0], n}
}

// Forward reshapes x, recording it for autograd.
func (f *FlattenLayer) Forward(x *Tensor) *Tensor { return x.Reshape(f.OutputShape(x.shape)...) }

func (f *FlattenLayer) fastForward(x *Tensor, _ bool) *Tensor {
	f.dx.shape = append(f.dx.shape[:0], x.shape...)
	f.y.data = x.data
	f.y.shape = append(f.y.shape[:0], x.shape[0], len(x.data)/max(x.shape[0], 1))
	return &f.y
}

func (f *FlattenLayer) fastBackward(dy *Tensor, needDx bool) *Tensor {
	if !needDx {
		return nil
	}
	f.dx.data = dy.data
	return &f.dx
}

// LastStepLayer selects the last time step of a sequence: [batch, steps, features]
// to [batch, features]. Put it after an LSTM or GRU to classify whole sequences.
type LastStepLayer struct {
	inShape []int
	y, dx   buffer
}

// LastStep returns a layer that keeps only the last step of a sequence.
func LastStep() *LastStepLayer { return &LastStepLayer{} }

// String returns "LastStep()".
func (l *LastStepLayer) String() string { return "LastStep()" }

// Parameters returns nil.
func (l *LastStepLayer) Parameters() []*Tensor { return nil }

func (l *LastStepLayer) paramNames() []string { return nil }

func (l *LastStepLayer) spec() LayerSpec { return LayerSpec{Type: "LastStep"} }

// OutputShape maps [batch, steps, features] to [batch, features].
func (l *LastStepLayer) OutputShape(in []int) []int {
	if len(in) != 3 || in[1] == 0 {
		panic(fmt.Sprintf("ml: LastStep(): input shape %s does not match [* * *] (batch, steps, features)", shapeString(in)))
	}
	return []int{in[0], in[2]}
}

func lastStepInto(y, x []float32, b, t, h int) {
	for i := 0; i < b; i++ {
		copy(y[i*h:(i+1)*h], x[(i*t+t-1)*h:(i*t+t)*h])
	}
}

func lastStepBackInto(dx, dy []float32, b, t, h int) {
	clear(dx)
	for i := 0; i < b; i++ {
		copy(dx[(i*t+t-1)*h:(i*t+t)*h], dy[i*h:(i+1)*h])
	}
}

// Forward selects the last step, recording it for autograd.
func (l *LastStepLayer) Forward(x *Tensor) *Tensor {
	os := l.OutputShape(x.shape)
	b, t, h := x.shape[0], x.shape[1], x.shape[2]
	y := New(os...)
	lastStepInto(y.data, x.data, b, t, h)
	if x.needsGrad() {
		y.attach("LastStep", []*Tensor{x}, func(g []float32) {
			gx := x.gradBuf()
			for i := 0; i < b; i++ {
				addTo(gx[(i*t+t-1)*h:(i*t+t)*h], g[i*h:(i+1)*h])
			}
		})
	}
	return y
}

func (l *LastStepLayer) fastForward(x *Tensor, _ bool) *Tensor {
	l.OutputShape(x.shape)
	l.inShape = append(l.inShape[:0], x.shape...)
	b, t, h := x.shape[0], x.shape[1], x.shape[2]
	y := l.y.get(b, h)
	lastStepInto(y.data, x.data, b, t, h)
	return y
}

func (l *LastStepLayer) fastBackward(dy *Tensor, needDx bool) *Tensor {
	if !needDx {
		return nil
	}
	b, t, h := l.inShape[0], l.inShape[1], l.inShape[2]
	dx := l.dx.get(l.inShape...)
	lastStepBackInto(dx.data, dy.data, b, t, h)
	return dx
}

// ---------------------------------------------------------------- embedding

// EmbeddingLayer maps integer token ids ([batch, steps], stored as float32) to
// vectors ([batch, steps, Dim]). A padding id, when set, maps to a zero vector
// that never receives a gradient.
type EmbeddingLayer struct {
	Vocab, Dim int     // read-only
	Weight     *Tensor // [Vocab, Dim]
	PaddingIdx int     // -1 when there is none

	x *Tensor
	y buffer
}

// Embedding returns an embedding table of vocab vectors of size dim, initialised
// from N(0, 1) as in PyTorch.
func Embedding(vocab, dim int) *EmbeddingLayer {
	if vocab <= 0 || dim <= 0 {
		panic(fmt.Sprintf("ml: Embedding(%d, %d): sizes must be positive", vocab, dim))
	}
	e := &EmbeddingLayer{Vocab: vocab, Dim: dim, Weight: Param(vocab, dim), PaddingIdx: -1}
	normalInit(e.Weight, 1)
	return e
}

// Padding makes id the padding index: its vector is zeroed and stays zero. It
// returns e for chaining: ml.Embedding(v, 32).Padding(0).
func (e *EmbeddingLayer) Padding(id int) *EmbeddingLayer {
	if id < 0 || id >= e.Vocab {
		panic(fmt.Sprintf("ml: %s.Padding(%d): id out of range [0, %d)", e, id, e.Vocab))
	}
	e.PaddingIdx = id
	clear(e.Weight.data[id*e.Dim : (id+1)*e.Dim])
	return e
}

// String returns e.g. "Embedding(40, 32)".
func (e *EmbeddingLayer) String() string {
	if e.PaddingIdx >= 0 {
		return fmt.Sprintf("Embedding(%d, %d, padding=%d)", e.Vocab, e.Dim, e.PaddingIdx)
	}
	return fmt.Sprintf("Embedding(%d, %d)", e.Vocab, e.Dim)
}

// Parameters returns the embedding table.
func (e *EmbeddingLayer) Parameters() []*Tensor { return []*Tensor{e.Weight} }

func (e *EmbeddingLayer) paramNames() []string { return []string{"weight"} }

func (e *EmbeddingLayer) spec() LayerSpec {
	s := LayerSpec{Type: "Embedding", In: e.Vocab, Out: e.Dim}
	if e.PaddingIdx >= 0 {
		p := e.PaddingIdx
		s.PaddingIdx = &p
	}
	return s
}

// OutputShape appends Dim to the input shape.
func (e *EmbeddingLayer) OutputShape(in []int) []int {
	if len(in) < 1 {
		panic(fmt.Sprintf("ml: %s: input shape %s has no batch dimension", e, shapeString(in)))
	}
	return append(append([]int(nil), in...), e.Dim)
}

func (e *EmbeddingLayer) lookup(x, y []float32) {
	d := e.Dim
	for i, v := range x {
		id := int(v)
		if float32(id) != v || id < 0 || id >= e.Vocab {
			panic(fmt.Sprintf("ml: %s: input holds %v at position %d, want an integer id in [0, %d)", e, v, i, e.Vocab))
		}
		copy(y[i*d:(i+1)*d], e.Weight.data[id*d:(id+1)*d])
	}
}

func (e *EmbeddingLayer) scatterGrad(x, g []float32) {
	d := e.Dim
	gw := e.Weight.gradBuf()
	for i, v := range x {
		id := int(v)
		if id == e.PaddingIdx {
			continue
		}
		addTo(gw[id*d:(id+1)*d], g[i*d:(i+1)*d])
	}
}

// Forward looks the ids up, recording the operation for autograd (the ids get no
// gradient).
func (e *EmbeddingLayer) Forward(x *Tensor) *Tensor {
	y := New(e.OutputShape(x.shape)...)
	e.lookup(x.data, y.data)
	y.attach("Embedding", []*Tensor{e.Weight}, func(g []float32) { e.scatterGrad(x.data, g) })
	return y
}

func (e *EmbeddingLayer) fastForward(x *Tensor, _ bool) *Tensor {
	e.x = x
	y := e.y.get(e.OutputShape(x.shape)...)
	e.lookup(x.data, y.data)
	return y
}

func (e *EmbeddingLayer) fastBackward(dy *Tensor, _ bool) *Tensor {
	e.scatterGrad(e.x.data, dy.data)
	return nil
}
