package ml

import (
	"fmt"
	"math"
)

// rnnWeights are one layer of a recurrent network, laid out as in PyTorch:
// WeightIH [gates*H, in], WeightHH [gates*H, H], BiasIH and BiasHH [gates*H].
type rnnWeights struct {
	in                 int
	wih, whh, bih, bhh *Tensor
	namesuffix         string
}

func newRNNWeights(gates, in, hidden, layer int) rnnWeights {
	w := rnnWeights{in: in, wih: Param(gates*hidden, in), whh: Param(gates*hidden, hidden),
		bih: Param(gates * hidden), bhh: Param(gates * hidden), namesuffix: fmt.Sprintf("_l%d", layer)}
	// PyTorch initialises every recurrent weight and bias uniformly in ±1/√hidden.
	bound := 1 / math.Sqrt(float64(hidden))
	for _, p := range []*Tensor{w.wih, w.whh, w.bih, w.bhh} {
		uniformInit(p, bound)
	}
	return w
}

func rnnParams(ws []rnnWeights) []*Tensor {
	var ps []*Tensor
	for _, w := range ws {
		ps = append(ps, w.wih, w.whh, w.bih, w.bhh)
	}
	return ps
}

func rnnParamNames(ws []rnnWeights) []string {
	var names []string
	for _, w := range ws {
		for _, n := range []string{"weight_ih", "weight_hh", "bias_ih", "bias_hh"} {
			names = append(names, n+w.namesuffix)
		}
	}
	return names
}

// toTimeMajor copies x [B, T, w] into dst [T, B, w]; toBatchMajor is its inverse.
func toTimeMajor(dst, x []float32, b, t, w int) {
	for i := 0; i < b; i++ {
		for s := 0; s < t; s++ {
			copy(dst[(s*b+i)*w:(s*b+i+1)*w], x[(i*t+s)*w:(i*t+s+1)*w])
		}
	}
}

func toBatchMajor(dst, x []float32, b, t, w int) {
	for i := 0; i < b; i++ {
		for s := 0; s < t; s++ {
			copy(dst[(i*t+s)*w:(i*t+s+1)*w], x[(s*b+i)*w:(s*b+i+1)*w])
		}
	}
}

// fillRows sets each of the rows of dst (width len(row)) to row.
func fillRows(dst, row []float32) {
	w := len(row)
	for r := 0; r+w <= len(dst); r += w {
		copy(dst[r:r+w], row)
	}
}

// addColumnSums adds the column sums of the matrix m (width len(dst)) into dst.
func addColumnSums(dst, m []float32) {
	w := len(dst)
	for r := 0; r+w <= len(m); r += w {
		addTo(dst, m[r:r+w])
	}
}

func checkRNNInput(layer fmt.Stringer, shape []int, in int) {
	if len(shape) != 3 || shape[2] != in {
		panic(fmt.Sprintf("ml: %s: input shape %s does not match [* * %d] (batch, steps, features)", layer, shapeString(shape), in))
	}
}

// ---------------------------------------------------------------- LSTM

// LSTMLayer is a (stacked) long short-term memory network over batch-first
// sequences: input [batch, steps, In], output [batch, steps, Hidden] (every step
// of the top layer). The gates follow PyTorch's nn.LSTM (order i, f, g, o) and
// the initial state is zero; State returns the final h and c.
type LSTMLayer struct {
	In, Hidden, NumLayers int // read-only: use Stacked to change the depth
	weights               []rnnWeights

	run          *lstmRun // fast-path state, reused across batches
	lastH, lastC *Tensor
}

// LSTM returns a one-layer LSTM from in features to hidden units; chain Stacked
// for more layers: ml.LSTM(32, 128).Stacked(2).
func LSTM(in, hidden int) *LSTMLayer {
	if in <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("ml: LSTM(%d, %d): sizes must be positive", in, hidden))
	}
	l := &LSTMLayer{In: in, Hidden: hidden, NumLayers: 1}
	l.weights = []rnnWeights{newRNNWeights(4, in, hidden, 0)}
	return l
}

// Stacked makes the LSTM n layers deep (each layer reading the previous one's
// outputs), initialising the added layers, and returns l.
func (l *LSTMLayer) Stacked(n int) *LSTMLayer {
	if n < 1 {
		panic(fmt.Sprintf("ml: %s.Stacked(%d): want at least 1 layer", l, n))
	}
	for len(l.weights) < n {
		l.weights = append(l.weights, newRNNWeights(4, l.Hidden, l.Hidden, len(l.weights)))
	}
	l.weights = l.weights[:n]
	l.NumLayers = n
	l.run = nil
	return l
}

// String returns e.g. "LSTM(32→128)" or "LSTM(32→128, layers=2)".
func (l *LSTMLayer) String() string {
	if l.NumLayers > 1 {
		return fmt.Sprintf("LSTM(%d→%d, layers=%d)", l.In, l.Hidden, l.NumLayers)
	}
	return fmt.Sprintf("LSTM(%d→%d)", l.In, l.Hidden)
}

// Parameters returns, per layer, weight_ih, weight_hh, bias_ih and bias_hh.
func (l *LSTMLayer) Parameters() []*Tensor { return rnnParams(l.weights) }

func (l *LSTMLayer) paramNames() []string { return rnnParamNames(l.weights) }

func (l *LSTMLayer) spec() LayerSpec {
	return LayerSpec{Type: "LSTM", In: l.In, Out: l.Hidden, NumLayers: l.NumLayers}
}

// OutputShape maps [batch, steps, In] to [batch, steps, Hidden].
func (l *LSTMLayer) OutputShape(in []int) []int {
	checkRNNInput(l, in, l.In)
	return []int{in[0], in[1], l.Hidden}
}

// State returns the final hidden and cell states of the last forward pass, each
// [NumLayers, batch, Hidden] (copies, outside the autograd graph).
func (l *LSTMLayer) State() (h, c *Tensor) { return l.lastH, l.lastC }

// lstmRun holds the activations of one forward pass, kept for the backward pass.
type lstmRun struct {
	b, t   int
	x      []float32 // input, time-major [T, B, In]
	layers []lstmLayerRun
	y, dx  buffer // batch-first output and input gradient
}

type lstmLayerRun struct {
	x, g, c, tc, h []float32 // input [T,B,in]; gates after activation [T,B,4H]; c, tanh(c), h [T,B,H]
	dg, dx, dh     []float32 // gradients: gates before activation, input, output
	dc, dhrec      []float32 // [B,H] carried backwards through time
	bias           []float32 // bias_ih + bias_hh
	zeros          []float32 // [H] of zeros: the state before the first step
}

func (r *lstmRun) prepare(l *LSTMLayer, b, t int) {
	r.b, r.t = b, t
	h := l.Hidden
	r.x = growFloats(r.x, t*b*l.In)
	if len(r.layers) != len(l.weights) {
		r.layers = make([]lstmLayerRun, len(l.weights))
	}
	for i := range r.layers {
		lr := &r.layers[i]
		in := l.weights[i].in
		lr.g = growFloats(lr.g, t*b*4*h)
		lr.c = growFloats(lr.c, t*b*h)
		lr.tc = growFloats(lr.tc, t*b*h)
		lr.h = growFloats(lr.h, t*b*h)
		lr.dg = growFloats(lr.dg, t*b*4*h)
		lr.dx = growFloats(lr.dx, t*b*in)
		lr.dh = growFloats(lr.dh, t*b*h)
		lr.dc = growFloats(lr.dc, b*h)
		lr.dhrec = growFloats(lr.dhrec, b*h)
		lr.bias = growFloats(lr.bias, 4*h)
		if len(lr.zeros) != h {
			lr.zeros = make([]float32, h)
		}
	}
}

// forward runs the network on x [B, T, In] and writes y [B, T, H].
func (l *LSTMLayer) forward(r *lstmRun, x, y []float32) {
	b, t, hid := r.b, r.t, l.Hidden
	toTimeMajor(r.x, x, b, t, l.In)
	in := r.x
	for i := range r.layers {
		w, lr := &l.weights[i], &r.layers[i]
		lr.x = in
		lstmLayerForward(w, lr, b, t, hid)
		in = lr.h
	}
	toBatchMajor(y, r.layers[len(r.layers)-1].h, b, t, hid)
	hN, cN := New(len(r.layers), b, hid), New(len(r.layers), b, hid)
	for i, lr := range r.layers {
		copy(hN.data[i*b*hid:], lr.h[(t-1)*b*hid:t*b*hid])
		copy(cN.data[i*b*hid:], lr.c[(t-1)*b*hid:t*b*hid])
	}
	l.lastH, l.lastC = hN, cN
}

func lstmLayerForward(w *rnnWeights, lr *lstmLayerRun, b, t, hid int) {
	g4 := 4 * hid
	for j := range lr.bias {
		lr.bias[j] = w.bih.data[j] + w.bhh.data[j]
	}
	// Input projections of every step in one product.
	fillRows(lr.g, lr.bias)
	sgemm(false, true, t*b, g4, w.in, 1, lr.x, w.in, w.wih.data, w.in, 1, lr.g, g4)
	for s := 0; s < t; s++ {
		gs := lr.g[s*b*g4 : (s+1)*b*g4]
		if s > 0 {
			sgemm(false, true, b, g4, hid, 1, lr.h[(s-1)*b*hid:s*b*hid], hid, w.whh.data, hid, 1, gs, g4)
		}
		for i := 0; i < b; i++ {
			row := gs[i*g4 : (i+1)*g4]
			off := (s*b + i) * hid
			var cprev []float32
			if s > 0 {
				cprev = lr.c[off-b*hid : off-b*hid+hid]
			}
			lstmCell(row, cprev, lr.c[off:off+hid], lr.tc[off:off+hid], lr.h[off:off+hid])
		}
	}
}

// lstmCell activates one row of gates in place and computes c, tanh(c) and h.
func lstmCell(g, cprev, c, tc, h []float32) {
	hid := len(c)
	gi, gf, gg, gO := g[:hid], g[hid:2*hid], g[2*hid:3*hid], g[3*hid:4*hid]
	sigmoidInto(gi, gi)
	sigmoidInto(gf, gf)
	tanhInto(gg, gg)
	sigmoidInto(gO, gO)
	for j := range c {
		v := gi[j] * gg[j]
		if cprev != nil {
			v += gf[j] * cprev[j]
		}
		c[j] = v
	}
	tanhInto(tc, c)
	for j := range h {
		h[j] = gO[j] * tc[j]
	}
}

// backward takes dy [B, T, H] and accumulates the weights' gradients; it writes
// the input gradient into dx [B, T, In] when dx is not nil.
func (l *LSTMLayer) backward(r *lstmRun, dy, dx []float32) {
	b, t, hid := r.b, r.t, l.Hidden
	top := len(r.layers) - 1
	toTimeMajor(r.layers[top].dh, dy, b, t, hid)
	for i := top; i >= 0; i-- {
		lr := &r.layers[i]
		needDx := i > 0 || dx != nil
		lstmLayerBackward(&l.weights[i], lr, b, t, hid, needDx)
		if i > 0 {
			copy(r.layers[i-1].dh, lr.dx)
		}
	}
	if dx != nil {
		toBatchMajor(dx, r.layers[0].dx, b, t, l.In)
	}
}

func lstmLayerBackward(w *rnnWeights, lr *lstmLayerRun, b, t, hid int, needDx bool) {
	g4 := 4 * hid
	clear(lr.dc)
	for s := t - 1; s >= 0; s-- {
		for i := 0; i < b; i++ {
			off := (s*b + i) * hid
			g := lr.g[(s*b+i)*g4 : (s*b+i+1)*g4]
			dg := lr.dg[(s*b+i)*g4 : (s*b+i+1)*g4]
			dh := lr.dh[off : off+hid]
			dc := lr.dc[i*hid : (i+1)*hid]
			tc := lr.tc[off : off+hid]
			rec, cprev := lr.zeros, lr.zeros
			if s < t-1 {
				rec = lr.dhrec[i*hid : (i+1)*hid]
			}
			if s > 0 {
				cprev = lr.c[off-b*hid : off-b*hid+hid]
			}
			lstmCellBackward(g, dg, dh, rec, dc, tc, cprev)
		}
		if s > 0 {
			// Gradient reaching h of the previous step through the recurrence.
			sgemm(false, false, b, hid, g4, 1, lr.dg[s*b*g4:(s+1)*b*g4], g4, w.whh.data, hid, 0, lr.dhrec, hid)
		}
	}
	if t > 1 {
		sgemm(true, false, g4, hid, (t-1)*b, 1, lr.dg[b*g4:t*b*g4], g4, lr.h[:(t-1)*b*hid], hid, 1, w.whh.gradBuf(), hid)
	}
	sgemm(true, false, g4, w.in, t*b, 1, lr.dg[:t*b*g4], g4, lr.x[:t*b*w.in], w.in, 1, w.wih.gradBuf(), w.in)
	bih, bhh := w.bih.gradBuf(), w.bhh.gradBuf()
	before := append([]float32(nil), bih...)
	addColumnSums(bih, lr.dg[:t*b*g4])
	for j := range bhh {
		bhh[j] += bih[j] - before[j]
	}
	if needDx {
		sgemm(false, false, t*b, w.in, g4, 1, lr.dg[:t*b*g4], g4, w.wih.data, w.in, 0, lr.dx[:t*b*w.in], w.in)
	}
}

func lstmCellBackward(g, dg, dhOut, rec, dc, tc, cprev []float32) {
	hid := len(dc)
	start := lstmCellBackwardVec(g, dg, dhOut, rec, dc, tc, cprev)
	gi, gf, gg, gO := g[:hid], g[hid:2*hid], g[2*hid:3*hid], g[3*hid:4*hid]
	di, df, dgg, do := dg[:hid], dg[hid:2*hid], dg[2*hid:3*hid], dg[3*hid:4*hid]
	for j := start; j < hid; j++ {
		dh := dhOut[j] + rec[j]
		o, tcj := gO[j], tc[j]
		dct := dc[j] + dh*o*(1-tcj*tcj)
		i, f, gj := gi[j], gf[j], gg[j]
		do[j] = dh * tcj * o * (1 - o)
		di[j] = dct * gj * i * (1 - i)
		dgg[j] = dct * i * (1 - gj*gj)
		df[j] = dct * cprev[j] * f * (1 - f)
		dc[j] = dct * f
	}
}

// Forward runs the LSTM, recording it for autograd as one operation.
func (l *LSTMLayer) Forward(x *Tensor) *Tensor {
	os := l.OutputShape(x.shape)
	r := &lstmRun{}
	r.prepare(l, x.shape[0], x.shape[1])
	y := New(os...)
	l.forward(r, x.data, y.data)
	y.attach("LSTM", append([]*Tensor{x}, l.Parameters()...), func(g []float32) {
		var dx []float32
		if x.needsGrad() {
			dx = make([]float32, len(x.data))
		}
		l.backward(r, g, dx)
		if dx != nil {
			addTo(x.gradBuf(), dx)
		}
	})
	return y
}

func (l *LSTMLayer) fastForward(x *Tensor, _ bool) *Tensor {
	os := l.OutputShape(x.shape)
	if l.run == nil {
		l.run = &lstmRun{}
	}
	l.run.prepare(l, x.shape[0], x.shape[1])
	y := l.run.y.get(os...)
	l.forward(l.run, x.data, y.data)
	return y
}

func (l *LSTMLayer) fastBackward(dy *Tensor, needDx bool) *Tensor {
	r := l.run
	if !needDx {
		l.backward(r, dy.data, nil)
		return nil
	}
	dx := r.dx.get(r.b, r.t, l.In)
	l.backward(r, dy.data, dx.data)
	return dx
}

// ---------------------------------------------------------------- GRU

// GRULayer is a (stacked) gated recurrent unit network over batch-first
// sequences: input [batch, steps, In], output [batch, steps, Hidden]. The gates
// follow PyTorch's nn.GRU (order r, z, n); the initial state is zero and State
// returns the final h.
type GRULayer struct {
	In, Hidden, NumLayers int // read-only: use Stacked to change the depth
	weights               []rnnWeights

	run   *gruRun
	lastH *Tensor
}

// GRU returns a one-layer GRU from in features to hidden units; chain Stacked for
// more layers.
func GRU(in, hidden int) *GRULayer {
	if in <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("ml: GRU(%d, %d): sizes must be positive", in, hidden))
	}
	return &GRULayer{In: in, Hidden: hidden, NumLayers: 1, weights: []rnnWeights{newRNNWeights(3, in, hidden, 0)}}
}

// Stacked makes the GRU n layers deep and returns l.
func (l *GRULayer) Stacked(n int) *GRULayer {
	if n < 1 {
		panic(fmt.Sprintf("ml: %s.Stacked(%d): want at least 1 layer", l, n))
	}
	for len(l.weights) < n {
		l.weights = append(l.weights, newRNNWeights(3, l.Hidden, l.Hidden, len(l.weights)))
	}
	l.weights = l.weights[:n]
	l.NumLayers = n
	l.run = nil
	return l
}

// String returns e.g. "GRU(32→128)".
func (l *GRULayer) String() string {
	if l.NumLayers > 1 {
		return fmt.Sprintf("GRU(%d→%d, layers=%d)", l.In, l.Hidden, l.NumLayers)
	}
	return fmt.Sprintf("GRU(%d→%d)", l.In, l.Hidden)
}

// Parameters returns, per layer, weight_ih, weight_hh, bias_ih and bias_hh.
func (l *GRULayer) Parameters() []*Tensor { return rnnParams(l.weights) }

func (l *GRULayer) paramNames() []string { return rnnParamNames(l.weights) }

func (l *GRULayer) spec() LayerSpec {
	return LayerSpec{Type: "GRU", In: l.In, Out: l.Hidden, NumLayers: l.NumLayers}
}

// OutputShape maps [batch, steps, In] to [batch, steps, Hidden].
func (l *GRULayer) OutputShape(in []int) []int {
	checkRNNInput(l, in, l.In)
	return []int{in[0], in[1], l.Hidden}
}

// State returns the final hidden state of the last forward pass,
// [NumLayers, batch, Hidden] (a copy, outside the autograd graph).
func (l *GRULayer) State() *Tensor { return l.lastH }

type gruRun struct {
	b, t   int
	x      []float32
	layers []gruLayerRun
	y, dx  buffer
}

type gruLayerRun struct {
	x        []float32 // input [T,B,in]
	gi       []float32 // [T,B,3H]: input projections; r, z, n after activation
	ghn      []float32 // [T,B,H]: W_hn·h + b_hn, needed by the backward pass
	gh       []float32 // [B,3H] scratch
	h        []float32 // [T,B,H]
	dgi, dgh []float32 // [T,B,3H]
	dx, dh   []float32
	dhrec    []float32 // [B,H]
}

func (r *gruRun) prepare(l *GRULayer, b, t int) {
	r.b, r.t = b, t
	h := l.Hidden
	r.x = growFloats(r.x, t*b*l.In)
	if len(r.layers) != len(l.weights) {
		r.layers = make([]gruLayerRun, len(l.weights))
	}
	for i := range r.layers {
		lr := &r.layers[i]
		in := l.weights[i].in
		lr.gi = growFloats(lr.gi, t*b*3*h)
		lr.ghn = growFloats(lr.ghn, t*b*h)
		lr.gh = growFloats(lr.gh, b*3*h)
		lr.h = growFloats(lr.h, t*b*h)
		lr.dgi = growFloats(lr.dgi, t*b*3*h)
		lr.dgh = growFloats(lr.dgh, t*b*3*h)
		lr.dx = growFloats(lr.dx, t*b*in)
		lr.dh = growFloats(lr.dh, t*b*h)
		lr.dhrec = growFloats(lr.dhrec, b*h)
	}
}

func (l *GRULayer) forward(r *gruRun, x, y []float32) {
	b, t, hid := r.b, r.t, l.Hidden
	toTimeMajor(r.x, x, b, t, l.In)
	in := r.x
	for i := range r.layers {
		lr := &r.layers[i]
		lr.x = in
		gruLayerForward(&l.weights[i], lr, b, t, hid)
		in = lr.h
	}
	toBatchMajor(y, r.layers[len(r.layers)-1].h, b, t, hid)
	hN := New(len(r.layers), b, hid)
	for i, lr := range r.layers {
		copy(hN.data[i*b*hid:], lr.h[(t-1)*b*hid:t*b*hid])
	}
	l.lastH = hN
}

func gruLayerForward(w *rnnWeights, lr *gruLayerRun, b, t, hid int) {
	g3 := 3 * hid
	fillRows(lr.gi, w.bih.data)
	sgemm(false, true, t*b, g3, w.in, 1, lr.x, w.in, w.wih.data, w.in, 1, lr.gi, g3)
	for s := 0; s < t; s++ {
		fillRows(lr.gh, w.bhh.data)
		if s > 0 {
			sgemm(false, true, b, g3, hid, 1, lr.h[(s-1)*b*hid:s*b*hid], hid, w.whh.data, hid, 1, lr.gh, g3)
		}
		for i := 0; i < b; i++ {
			gi := lr.gi[(s*b+i)*g3 : (s*b+i+1)*g3]
			gh := lr.gh[i*g3 : (i+1)*g3]
			off := (s*b + i) * hid
			h := lr.h[off : off+hid]
			ghn := lr.ghn[off : off+hid]
			rr, z, n := gi[:hid], gi[hid:2*hid], gi[2*hid:]
			for j := 0; j < hid; j++ {
				rj := sigmoid32(rr[j] + gh[j])
				zj := sigmoid32(z[j] + gh[hid+j])
				ghn[j] = gh[2*hid+j]
				nj := tanh32(n[j] + rj*ghn[j])
				rr[j], z[j], n[j] = rj, zj, nj
				var hp float32
				if s > 0 {
					hp = lr.h[off-b*hid+j]
				}
				h[j] = (1-zj)*nj + zj*hp
			}
		}
	}
}

func (l *GRULayer) backward(r *gruRun, dy, dx []float32) {
	b, t, hid := r.b, r.t, l.Hidden
	top := len(r.layers) - 1
	toTimeMajor(r.layers[top].dh, dy, b, t, hid)
	for i := top; i >= 0; i-- {
		lr := &r.layers[i]
		gruLayerBackward(&l.weights[i], lr, b, t, hid, i > 0 || dx != nil)
		if i > 0 {
			copy(r.layers[i-1].dh, lr.dx)
		}
	}
	if dx != nil {
		toBatchMajor(dx, r.layers[0].dx, b, t, l.In)
	}
}

func gruLayerBackward(w *rnnWeights, lr *gruLayerRun, b, t, hid int, needDx bool) {
	g3 := 3 * hid
	for s := t - 1; s >= 0; s-- {
		for i := 0; i < b; i++ {
			off := (s*b + i) * hid
			gi := lr.gi[(s*b+i)*g3 : (s*b+i+1)*g3]
			dgi := lr.dgi[(s*b+i)*g3 : (s*b+i+1)*g3]
			dgh := lr.dgh[(s*b+i)*g3 : (s*b+i+1)*g3]
			ghn := lr.ghn[off : off+hid]
			for j := 0; j < hid; j++ {
				dh := lr.dh[off+j]
				if s < t-1 {
					dh += lr.dhrec[i*hid+j]
				}
				rj, zj, nj := gi[j], gi[hid+j], gi[2*hid+j]
				var hp float32
				if s > 0 {
					hp = lr.h[off-b*hid+j]
				}
				dn := dh * (1 - zj) * (1 - nj*nj)
				dz := dh * (hp - nj) * zj * (1 - zj)
				dr := dn * ghn[j] * rj * (1 - rj)
				dgi[j], dgi[hid+j], dgi[2*hid+j] = dr, dz, dn
				dgh[j], dgh[hid+j], dgh[2*hid+j] = dr, dz, dn*rj
				// The direct path h_{t-1} -> h_t; the matrix path is added below.
				lr.dhrec[i*hid+j] = dh * zj
			}
		}
		if s > 0 {
			sgemm(false, false, b, hid, g3, 1, lr.dgh[s*b*g3:(s+1)*b*g3], g3, w.whh.data, hid, 1, lr.dhrec, hid)
		}
	}
	if t > 1 {
		sgemm(true, false, g3, hid, (t-1)*b, 1, lr.dgh[b*g3:t*b*g3], g3, lr.h[:(t-1)*b*hid], hid, 1, w.whh.gradBuf(), hid)
	}
	sgemm(true, false, g3, w.in, t*b, 1, lr.dgi[:t*b*g3], g3, lr.x[:t*b*w.in], w.in, 1, w.wih.gradBuf(), w.in)
	addColumnSums(w.bih.gradBuf(), lr.dgi[:t*b*g3])
	addColumnSums(w.bhh.gradBuf(), lr.dgh[:t*b*g3])
	if needDx {
		sgemm(false, false, t*b, w.in, g3, 1, lr.dgi[:t*b*g3], g3, w.wih.data, w.in, 0, lr.dx[:t*b*w.in], w.in)
	}
}

// Forward runs the GRU, recording it for autograd as one operation.
func (l *GRULayer) Forward(x *Tensor) *Tensor {
	os := l.OutputShape(x.shape)
	r := &gruRun{}
	r.prepare(l, x.shape[0], x.shape[1])
	y := New(os...)
	l.forward(r, x.data, y.data)
	y.attach("GRU", append([]*Tensor{x}, l.Parameters()...), func(g []float32) {
		var dx []float32
		if x.needsGrad() {
			dx = make([]float32, len(x.data))
		}
		l.backward(r, g, dx)
		if dx != nil {
			addTo(x.gradBuf(), dx)
		}
	})
	return y
}

func (l *GRULayer) fastForward(x *Tensor, _ bool) *Tensor {
	os := l.OutputShape(x.shape)
	if l.run == nil {
		l.run = &gruRun{}
	}
	l.run.prepare(l, x.shape[0], x.shape[1])
	y := l.run.y.get(os...)
	l.forward(l.run, x.data, y.data)
	return y
}

func (l *GRULayer) fastBackward(dy *Tensor, needDx bool) *Tensor {
	r := l.run
	if !needDx {
		l.backward(r, dy.data, nil)
		return nil
	}
	dx := r.dx.get(r.b, r.t, l.In)
	l.backward(r, dy.data, dx.data)
	return dx
}
