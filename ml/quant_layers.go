package ml

import (
	"errors"
	"fmt"
)

// quantizedLayer is implemented by the layers Quantize makes. They hold no
// trainable parameters (Parameters returns nil); their stored tensors (int8 or
// uint8 values, float32 scales and biases) go to artifacts through these
// methods.
type quantizedLayer interface {
	Layer
	savable
	storeTensors() []storedTensor
	restoreTensors(get tensorGetter) error
	// storedValues counts the weights and biases (the parameters of the float
	// layer it came from).
	storedValues() int
}

// tensorGetter returns the stored tensor name (relative to the layer) after
// checking its dtype and shape.
type tensorGetter func(name, dtype string, shape ...int) (*storedTensor, error)

func quantizedPanic(l Layer) {
	panic(fmt.Sprintf("ml: %s is quantized: it predicts but cannot be trained; fine-tune the float model and quantize it again", l))
}

func schemeOf(scales []float32) string {
	if len(scales) == 1 {
		return "int8_per_tensor"
	}
	return "int8_per_channel"
}

// getScales reads a weight's scales: one, or one per output row.
func getScales(get tensorGetter, name string, rows int) ([]float32, error) {
	t, err := get(name, "F32", -1)
	if err != nil {
		return nil, err
	}
	if len(t.f32) != 1 && len(t.f32) != rows {
		return nil, fmt.Errorf("tensor %q has %d scales; want 1 or %d (one per output)", name, len(t.f32), rows)
	}
	for i, s := range t.f32 {
		if !(s > 0) || s-s != 0 {
			return nil, fmt.Errorf("tensor %q: scale %d is %v; scales must be positive and finite", name, i, s)
		}
	}
	return t.f32, nil
}

// ---------------------------------------------------------------- Linear

// QuantLinearLayer is a Linear layer with int8 weights, made by Quantize: it
// quantizes its input per call (dynamic quantization, as PyTorch's
// nn.quantized.dynamic.Linear) and multiplies in integers.
type QuantLinearLayer struct {
	In, Out int     // read-only
	Bias    *Tensor // [Out], float32 as in PyTorch

	w *qlinear
	y buffer
}

// String returns e.g. "QuantLinear(64→256, int8 per tensor)".
func (l *QuantLinearLayer) String() string {
	return fmt.Sprintf("QuantLinear(%d→%d, %s)", l.In, l.Out, schemeText(l.w.scales))
}

func schemeText(scales []float32) string {
	if len(scales) == 1 {
		return "int8 per tensor"
	}
	return "int8 per channel"
}

// Parameters returns nil: a quantized layer is not trained.
func (l *QuantLinearLayer) Parameters() []*Tensor { return nil }

// WeightInt8 returns a copy of the int8 weights, [Out, In] row-major as in
// PyTorch (weight ≈ WeightInt8 · WeightScales).
func (l *QuantLinearLayer) WeightInt8() []int8 { return append([]int8(nil), l.w.q...) }

// WeightScales returns the weights' scales: one value ([1]) per tensor, or one
// per output ([Out]) per channel.
func (l *QuantLinearLayer) WeightScales() *Tensor {
	return FromSlice(append([]float32(nil), l.w.scales...), len(l.w.scales))
}

// Dequantized returns the weights the layer computes with, as float32 [In,
// Out] like LinearLayer.Weight.
func (l *QuantLinearLayer) Dequantized() *Tensor {
	t := New(l.In, l.Out)
	transpose(t.data, l.w.dequantized(), l.Out, l.In)
	return t
}

func (l *QuantLinearLayer) spec() LayerSpec {
	return LayerSpec{Type: "QuantLinear", In: l.In, Out: l.Out, Quant: schemeOf(l.w.scales)}
}

func (l *QuantLinearLayer) paramNames() []string { return nil }

func (l *QuantLinearLayer) storedValues() int { return len(l.w.q) + len(l.Bias.data) }

// storeTensors writes the int8 weight dense, or as CSR (int8 values with
// 8- or 16-bit columns, as Deep Compression stores pruned and quantized
// layers) when at least half of it is zero, as after pruning.
func (l *QuantLinearLayer) storeTensors() []storedTensor {
	rest := []storedTensor{
		{name: "weight_scale", dtype: "F32", shape: []int{len(l.w.scales)}, f32: l.w.scales},
		{name: "bias", dtype: "F32", shape: []int{l.Out}, f32: l.Bias.data},
	}
	zeros := 0
	for _, v := range l.w.q {
		if v == 0 {
			zeros++
		}
	}
	if 2*zeros < len(l.w.q) || l.In > 1<<16 {
		return append([]storedTensor{{name: "weight", dtype: "I8", shape: []int{l.Out, l.In}, i8: l.w.q}}, rest...)
	}
	vals := make([]int8, 0, len(l.w.q)-zeros)
	cols := make([]int, 0, len(l.w.q)-zeros)
	ptr := make([]int, 1, l.Out+1)
	for r := 0; r < l.Out; r++ {
		for c, v := range l.w.q[r*l.In : (r+1)*l.In] {
			if v != 0 {
				vals = append(vals, v)
				cols = append(cols, c)
			}
		}
		ptr = append(ptr, len(vals))
	}
	sparse := append([]storedTensor{{name: "weight" + csrValues, dtype: "I8", shape: []int{len(vals)}, i8: vals}},
		csrIndexTensors("weight", cols, ptr, l.In)...)
	return append(sparse, rest...)
}

func (l *QuantLinearLayer) restoreTensors(get tensorGetter) error {
	w, err := get("weight", "I8", l.Out, l.In)
	if errors.Is(err, errNoTensor) {
		w, err = sparseI8(get, "weight", l.Out, l.In)
	}
	if err != nil {
		return err
	}
	scales, err := getScales(get, "weight_scale", l.Out)
	if err != nil {
		return err
	}
	b, err := get("bias", "F32", l.Out)
	if err != nil {
		return err
	}
	l.Bias = FromSlice(b.f32, l.Out)
	l.w = newQLinear(l.Out, l.In, w.i8, scales, l.Bias.data)
	return nil
}

// sparseI8 reads the CSR tensors of an int8 weight [rows, cols] into a
// dense one.
func sparseI8(get tensorGetter, name string, rows, cols int) (*storedTensor, error) {
	vals, err := get(name+csrValues, "I8", -1)
	if errors.Is(err, errNoTensor) {
		return nil, fmt.Errorf("has neither %q nor its sparse form %q", name, name+csrValues)
	}
	if err != nil {
		return nil, err
	}
	ct, err := get(name+csrCols, "U8|U16", -1)
	if err != nil {
		return nil, err
	}
	pt, err := get(name+csrRowPtr, "U16|I32", -1)
	if err != nil {
		return nil, err
	}
	dense := &storedTensor{name: name, dtype: "I8", shape: []int{rows, cols}, i8: make([]int8, rows*cols)}
	err = walkCSR(name, len(vals.i8), ct, pt, rows, cols, func(k, at int) { dense.i8[at] = vals.i8[k] })
	if err != nil {
		return nil, err
	}
	return dense, nil
}

// OutputShape replaces the last dimension In by Out.
func (l *QuantLinearLayer) OutputShape(in []int) []int {
	checkLastDim(l, in, l.In, 2)
	out := append([]int(nil), in...)
	out[len(out)-1] = l.Out
	return out
}

// Forward applies the layer to x. The result is outside the autograd graph:
// a quantized layer has no gradient.
func (l *QuantLinearLayer) Forward(x *Tensor) *Tensor {
	y := New(l.OutputShape(x.shape)...)
	l.w.apply(x.data, len(x.data)/l.In, y.data, l.Out)
	return y
}

func (l *QuantLinearLayer) fastForward(x *Tensor, _ bool) *Tensor {
	checkLastDim(l, x.shape, l.In, 2)
	y := l.y.getLast(x.shape, l.Out)
	l.w.apply(x.data, len(x.data)/l.In, y.data, l.Out)
	return y
}

func (l *QuantLinearLayer) fastBackward(*Tensor, bool) *Tensor { quantizedPanic(l); return nil }

// ---------------------------------------------------------------- Embedding

// QuantEmbeddingLayer is an Embedding with uint8 rows, made by Quantize: each
// row has its own scale and zero point (PyTorch's
// float_qparams_weight_only_qconfig), vector = (q - zeroPoint)·scale.
type QuantEmbeddingLayer struct {
	Vocab, Dim int // read-only
	PaddingIdx int // -1 when there is none

	q                  []uint8 // [Vocab, Dim]
	scales, zeroPoints []float32
	y                  buffer
}

// String returns e.g. "QuantEmbedding(40, 32, uint8 per row)".
func (e *QuantEmbeddingLayer) String() string {
	if e.PaddingIdx >= 0 {
		return fmt.Sprintf("QuantEmbedding(%d, %d, padding=%d, uint8 per row)", e.Vocab, e.Dim, e.PaddingIdx)
	}
	return fmt.Sprintf("QuantEmbedding(%d, %d, uint8 per row)", e.Vocab, e.Dim)
}

// Parameters returns nil: a quantized layer is not trained.
func (e *QuantEmbeddingLayer) Parameters() []*Tensor { return nil }

// WeightUint8 returns a copy of the table's values, [Vocab, Dim] row-major.
func (e *QuantEmbeddingLayer) WeightUint8() []uint8 { return append([]uint8(nil), e.q...) }

// RowScales returns each row's scale ([Vocab]).
func (e *QuantEmbeddingLayer) RowScales() *Tensor {
	return FromSlice(append([]float32(nil), e.scales...), e.Vocab)
}

// RowZeroPoints returns each row's (float) zero point ([Vocab]).
func (e *QuantEmbeddingLayer) RowZeroPoints() *Tensor {
	return FromSlice(append([]float32(nil), e.zeroPoints...), e.Vocab)
}

// Dequantized returns the table the layer looks vectors up in, [Vocab, Dim].
func (e *QuantEmbeddingLayer) Dequantized() *Tensor {
	t := New(e.Vocab, e.Dim)
	for id := 0; id < e.Vocab; id++ {
		e.row(id, t.data[id*e.Dim:(id+1)*e.Dim])
	}
	return t
}

func (e *QuantEmbeddingLayer) row(id int, dst []float32) {
	s, z := e.scales[id], e.zeroPoints[id]
	for j, q := range e.q[id*e.Dim : (id+1)*e.Dim] {
		dst[j] = (float32(q) - z) * s
	}
}

func (e *QuantEmbeddingLayer) spec() LayerSpec {
	s := LayerSpec{Type: "QuantEmbedding", In: e.Vocab, Out: e.Dim, Quant: "uint8_per_row"}
	if e.PaddingIdx >= 0 {
		p := e.PaddingIdx
		s.PaddingIdx = &p
	}
	return s
}

func (e *QuantEmbeddingLayer) paramNames() []string { return nil }

func (e *QuantEmbeddingLayer) storedValues() int { return len(e.q) }

func (e *QuantEmbeddingLayer) storeTensors() []storedTensor {
	return []storedTensor{
		{name: "weight", dtype: "U8", shape: []int{e.Vocab, e.Dim}, u8: e.q},
		{name: "weight_scale", dtype: "F32", shape: []int{e.Vocab}, f32: e.scales},
		{name: "weight_zero_point", dtype: "F32", shape: []int{e.Vocab}, f32: e.zeroPoints},
	}
}

func (e *QuantEmbeddingLayer) restoreTensors(get tensorGetter) error {
	w, err := get("weight", "U8", e.Vocab, e.Dim)
	if err != nil {
		return err
	}
	s, err := get("weight_scale", "F32", e.Vocab)
	if err != nil {
		return err
	}
	z, err := get("weight_zero_point", "F32", e.Vocab)
	if err != nil {
		return err
	}
	for i := range s.f32 {
		if !(s.f32[i] > 0) || s.f32[i]-s.f32[i] != 0 || z.f32[i]-z.f32[i] != 0 {
			return fmt.Errorf("row %d has scale %v and zero point %v; want a positive finite scale and a finite zero point", i, s.f32[i], z.f32[i])
		}
	}
	e.q, e.scales, e.zeroPoints = w.u8, s.f32, z.f32
	return nil
}

// OutputShape appends Dim to the input shape.
func (e *QuantEmbeddingLayer) OutputShape(in []int) []int {
	if len(in) < 1 {
		panic(fmt.Sprintf("ml: %s: input shape %s has no batch dimension", e, shapeString(in)))
	}
	return append(append([]int(nil), in...), e.Dim)
}

func (e *QuantEmbeddingLayer) lookup(x, y []float32) {
	d := e.Dim
	for i, v := range x {
		id := int(v)
		if float32(id) != v || id < 0 || id >= e.Vocab {
			panic(fmt.Sprintf("ml: %s: input holds %v at position %d, want an integer id in [0, %d)", e, v, i, e.Vocab))
		}
		e.row(id, y[i*d:(i+1)*d])
	}
}

// Forward looks the ids up (outside the autograd graph).
func (e *QuantEmbeddingLayer) Forward(x *Tensor) *Tensor {
	y := New(e.OutputShape(x.shape)...)
	e.lookup(x.data, y.data)
	return y
}

func (e *QuantEmbeddingLayer) fastForward(x *Tensor, _ bool) *Tensor {
	y := e.y.get(e.OutputShape(x.shape)...)
	e.lookup(x.data, y.data)
	return y
}

func (e *QuantEmbeddingLayer) fastBackward(*Tensor, bool) *Tensor { quantizedPanic(e); return nil }

// ---------------------------------------------------------------- LSTM and GRU

// qrnnWeights are one layer of a quantized recurrent network: int8 input and
// recurrent weights (PyTorch's [gates·H, in] and [gates·H, H]) and float32
// biases.
type qrnnWeights struct {
	in       int
	ih, hh   *qlinear
	bih, bhh []float32
	suffix   string
}

func quantizeRNN(ws []rnnWeights, perChannel bool, step float64) []qrnnWeights {
	out := make([]qrnnWeights, len(ws))
	for i, w := range ws {
		gh, hid := w.wih.shape[0], w.whh.shape[1]
		qih, sih := quantizeRows(w.wih.data, gh, w.in, perChannel, step)
		qhh, shh := quantizeRows(w.whh.data, gh, hid, perChannel, step)
		bih, bhh := append([]float32(nil), w.bih.data...), append([]float32(nil), w.bhh.data...)
		out[i] = qrnnWeights{in: w.in, ih: newQLinear(gh, w.in, qih, sih, bih), hh: newQLinear(gh, hid, qhh, shh, bhh),
			bih: bih, bhh: bhh, suffix: w.namesuffix}
	}
	return out
}

func qrnnStore(ws []qrnnWeights) []storedTensor {
	var ts []storedTensor
	for _, w := range ws {
		ts = append(ts,
			storedTensor{name: "weight_ih" + w.suffix, dtype: "I8", shape: []int{w.ih.out, w.ih.in}, i8: w.ih.q},
			storedTensor{name: "weight_ih" + w.suffix + "_scale", dtype: "F32", shape: []int{len(w.ih.scales)}, f32: w.ih.scales},
			storedTensor{name: "weight_hh" + w.suffix, dtype: "I8", shape: []int{w.hh.out, w.hh.in}, i8: w.hh.q},
			storedTensor{name: "weight_hh" + w.suffix + "_scale", dtype: "F32", shape: []int{len(w.hh.scales)}, f32: w.hh.scales},
			storedTensor{name: "bias_ih" + w.suffix, dtype: "F32", shape: []int{w.ih.out}, f32: w.bih},
			storedTensor{name: "bias_hh" + w.suffix, dtype: "F32", shape: []int{w.hh.out}, f32: w.bhh},
		)
	}
	return ts
}

func qrnnRestore(get tensorGetter, gates, in, hidden, layers int) ([]qrnnWeights, error) {
	ws := make([]qrnnWeights, layers)
	for i := range ws {
		sfx := fmt.Sprintf("_l%d", i)
		lin := in
		if i > 0 {
			lin = hidden
		}
		wih, err := get("weight_ih"+sfx, "I8", gates*hidden, lin)
		if err != nil {
			return nil, err
		}
		sih, err := getScales(get, "weight_ih"+sfx+"_scale", gates*hidden)
		if err != nil {
			return nil, err
		}
		whh, err := get("weight_hh"+sfx, "I8", gates*hidden, hidden)
		if err != nil {
			return nil, err
		}
		shh, err := getScales(get, "weight_hh"+sfx+"_scale", gates*hidden)
		if err != nil {
			return nil, err
		}
		bih, err := get("bias_ih"+sfx, "F32", gates*hidden)
		if err != nil {
			return nil, err
		}
		bhh, err := get("bias_hh"+sfx, "F32", gates*hidden)
		if err != nil {
			return nil, err
		}
		ws[i] = qrnnWeights{in: lin, ih: newQLinear(gates*hidden, lin, wih.i8, sih, bih.f32), hh: newQLinear(gates*hidden, hidden, whh.i8, shh, bhh.f32),
			bih: bih.f32, bhh: bhh.f32, suffix: sfx}
	}
	return ws, nil
}

func qrnnValues(ws []qrnnWeights) int {
	n := 0
	for _, w := range ws {
		n += len(w.ih.q) + len(w.hh.q) + len(w.bih) + len(w.bhh)
	}
	return n
}

// qrnnRun is the scratch of a quantized recurrent forward pass.
type qrnnRun struct {
	x, y   buffer
	layers [][4][]float32 // per layer: gates [T,B,G·H], h [T,B,H], c or scratch [T,B,H], recurrent gates [B,G·H]
	tc     []float32
}

func (r *qrnnRun) prepare(layers, b, t, g, hid int) {
	if len(r.layers) != layers {
		r.layers = make([][4][]float32, layers)
	}
	for i := range r.layers {
		lr := &r.layers[i]
		lr[0] = growFloats(lr[0], t*b*g*hid)
		lr[1] = growFloats(lr[1], t*b*hid)
		lr[2] = growFloats(lr[2], t*b*hid)
		lr[3] = growFloats(lr[3], b*g*hid)
	}
	r.tc = growFloats(r.tc, hid)
}

// QuantLSTMLayer is an LSTM with int8 weights, made by Quantize; it computes
// as PyTorch's nn.quantized.dynamic.LSTM: the input projections of all steps
// in one quantized product, the recurrent one per step, gates in float32.
type QuantLSTMLayer struct {
	In, Hidden, NumLayers int // read-only
	weights               []qrnnWeights
	run                   qrnnRun
}

// String returns e.g. "QuantLSTM(32→128, int8 per tensor)".
func (l *QuantLSTMLayer) String() string {
	return quantRNNString("QuantLSTM", l.In, l.Hidden, l.NumLayers, l.weights)
}

func quantRNNString(kind string, in, hid, layers int, ws []qrnnWeights) string {
	if layers > 1 {
		return fmt.Sprintf("%s(%d→%d, layers=%d, %s)", kind, in, hid, layers, schemeText(ws[0].ih.scales))
	}
	return fmt.Sprintf("%s(%d→%d, %s)", kind, in, hid, schemeText(ws[0].ih.scales))
}

// Parameters returns nil: a quantized layer is not trained.
func (l *QuantLSTMLayer) Parameters() []*Tensor { return nil }

func (l *QuantLSTMLayer) spec() LayerSpec {
	return LayerSpec{Type: "QuantLSTM", In: l.In, Out: l.Hidden, NumLayers: l.NumLayers, Quant: schemeOf(l.weights[0].ih.scales)}
}

func (l *QuantLSTMLayer) paramNames() []string { return nil }

func (l *QuantLSTMLayer) storedValues() int { return qrnnValues(l.weights) }

func (l *QuantLSTMLayer) storeTensors() []storedTensor { return qrnnStore(l.weights) }

func (l *QuantLSTMLayer) restoreTensors(get tensorGetter) error {
	ws, err := qrnnRestore(get, 4, l.In, l.Hidden, l.NumLayers)
	if err == nil {
		l.weights = ws
	}
	return err
}

// OutputShape maps [batch, steps, In] to [batch, steps, Hidden].
func (l *QuantLSTMLayer) OutputShape(in []int) []int {
	checkRNNInput(l, in, l.In)
	return []int{in[0], in[1], l.Hidden}
}

// Forward runs the network (outside the autograd graph).
func (l *QuantLSTMLayer) Forward(x *Tensor) *Tensor {
	y := l.fastForward(x, false)
	return y.Clone()
}

func (l *QuantLSTMLayer) fastForward(x *Tensor, _ bool) *Tensor {
	os := l.OutputShape(x.shape)
	b, t, hid := x.shape[0], x.shape[1], l.Hidden
	r := &l.run
	r.prepare(len(l.weights), b, t, 4, hid)
	in := r.x.get(t, b, l.In).data
	toTimeMajor(in, x.data, b, t, l.In)
	g4 := 4 * hid
	for li := range l.weights {
		w, lr := &l.weights[li], &r.layers[li]
		g, h, c, gh := lr[0], lr[1], lr[2], lr[3]
		w.ih.apply(in, t*b, g, g4)
		for s := 0; s < t; s++ {
			gs := g[s*b*g4 : (s+1)*b*g4]
			if s == 0 {
				// PyTorch quantizes the zero state too, which gives exactly bias_hh.
				for i := 0; i < b; i++ {
					addTo(gs[i*g4:(i+1)*g4], w.bhh)
				}
			} else {
				w.hh.apply(h[(s-1)*b*hid:s*b*hid], b, gh, g4)
				addTo(gs, gh)
			}
			for i := 0; i < b; i++ {
				off := (s*b + i) * hid
				var cprev []float32
				if s > 0 {
					cprev = c[off-b*hid : off-b*hid+hid]
				}
				lstmCell(gs[i*g4:(i+1)*g4], cprev, c[off:off+hid], r.tc, h[off:off+hid])
			}
		}
		in = h
	}
	y := r.y.get(os...)
	toBatchMajor(y.data, in, b, t, hid)
	return y
}

func (l *QuantLSTMLayer) fastBackward(*Tensor, bool) *Tensor { quantizedPanic(l); return nil }

// QuantGRULayer is a GRU with int8 weights, made by Quantize; it computes as
// PyTorch's nn.quantized.dynamic.GRU.
type QuantGRULayer struct {
	In, Hidden, NumLayers int // read-only
	weights               []qrnnWeights
	run                   qrnnRun
}

// String returns e.g. "QuantGRU(32→128, int8 per tensor)".
func (l *QuantGRULayer) String() string {
	return quantRNNString("QuantGRU", l.In, l.Hidden, l.NumLayers, l.weights)
}

// Parameters returns nil: a quantized layer is not trained.
func (l *QuantGRULayer) Parameters() []*Tensor { return nil }

func (l *QuantGRULayer) spec() LayerSpec {
	return LayerSpec{Type: "QuantGRU", In: l.In, Out: l.Hidden, NumLayers: l.NumLayers, Quant: schemeOf(l.weights[0].ih.scales)}
}

func (l *QuantGRULayer) paramNames() []string { return nil }

func (l *QuantGRULayer) storedValues() int { return qrnnValues(l.weights) }

func (l *QuantGRULayer) storeTensors() []storedTensor { return qrnnStore(l.weights) }

func (l *QuantGRULayer) restoreTensors(get tensorGetter) error {
	ws, err := qrnnRestore(get, 3, l.In, l.Hidden, l.NumLayers)
	if err == nil {
		l.weights = ws
	}
	return err
}

// OutputShape maps [batch, steps, In] to [batch, steps, Hidden].
func (l *QuantGRULayer) OutputShape(in []int) []int {
	checkRNNInput(l, in, l.In)
	return []int{in[0], in[1], l.Hidden}
}

// Forward runs the network (outside the autograd graph).
func (l *QuantGRULayer) Forward(x *Tensor) *Tensor { return l.fastForward(x, false).Clone() }

func (l *QuantGRULayer) fastForward(x *Tensor, _ bool) *Tensor {
	os := l.OutputShape(x.shape)
	b, t, hid := x.shape[0], x.shape[1], l.Hidden
	r := &l.run
	r.prepare(len(l.weights), b, t, 3, hid)
	in := r.x.get(t, b, l.In).data
	toTimeMajor(in, x.data, b, t, l.In)
	g3 := 3 * hid
	for li := range l.weights {
		w, lr := &l.weights[li], &r.layers[li]
		gi, h, gh := lr[0], lr[1], lr[3]
		w.ih.apply(in, t*b, gi, g3)
		for s := 0; s < t; s++ {
			if s == 0 {
				fillRows(gh[:b*g3], w.bhh)
			} else {
				w.hh.apply(h[(s-1)*b*hid:s*b*hid], b, gh, g3)
			}
			for i := 0; i < b; i++ {
				gir := gi[(s*b+i)*g3 : (s*b+i+1)*g3]
				ghr := gh[i*g3 : (i+1)*g3]
				off := (s*b + i) * hid
				for j := 0; j < hid; j++ {
					rj := sigmoid32(gir[j] + ghr[j])
					zj := sigmoid32(gir[hid+j] + ghr[hid+j])
					nj := tanh32(gir[2*hid+j] + rj*ghr[2*hid+j])
					var hp float32
					if s > 0 {
						hp = h[off-b*hid+j]
					}
					h[off+j] = (1-zj)*nj + zj*hp
				}
			}
		}
		in = h
	}
	y := r.y.get(os...)
	toBatchMajor(y.data, in, b, t, hid)
	return y
}

func (l *QuantGRULayer) fastBackward(*Tensor, bool) *Tensor { quantizedPanic(l); return nil }

// buildQuantLayer makes an empty quantized layer from its spec, for Load to
// fill.
func buildQuantLayer(s LayerSpec) (Layer, error) {
	if s.In <= 0 || s.Out <= 0 || (s.Type == "QuantLSTM" || s.Type == "QuantGRU") && s.NumLayers <= 0 {
		return nil, fmt.Errorf("%s layer has invalid sizes in=%d out=%d layers=%d", s.Type, s.In, s.Out, s.NumLayers)
	}
	if s.Quant == "int4_group" && (s.Type == "QuantLinear" || s.Type == "QuantEmbedding") {
		if s.Group <= 0 {
			return nil, fmt.Errorf("%s layer has 4-bit groups of %d values; want a positive group size", s.Type, s.Group)
		}
		if s.Type == "QuantLinear" {
			return &QuantLinear4Layer{In: s.In, Out: s.Out, GroupSize: s.Group}, nil
		}
		padding := -1
		if s.PaddingIdx != nil {
			if *s.PaddingIdx < 0 || *s.PaddingIdx >= s.In {
				return nil, fmt.Errorf("QuantEmbedding padding index %d out of range [0, %d)", *s.PaddingIdx, s.In)
			}
			padding = *s.PaddingIdx
		}
		return &QuantEmbedding4Layer{Vocab: s.In, Dim: s.Out, GroupSize: s.Group, PaddingIdx: padding}, nil
	}
	wantQuant := "int8_per_tensor, int8_per_channel or int4_group"
	ok := s.Quant == "int8_per_tensor" || s.Quant == "int8_per_channel"
	if s.Type == "QuantEmbedding" {
		wantQuant, ok = "uint8_per_row or int4_group", s.Quant == "uint8_per_row"
	}
	if !ok {
		return nil, fmt.Errorf("%s layer has quantization %q; this gopad reads %s", s.Type, s.Quant, wantQuant)
	}
	switch s.Type {
	case "QuantLinear":
		return &QuantLinearLayer{In: s.In, Out: s.Out}, nil
	case "QuantEmbedding":
		e := &QuantEmbeddingLayer{Vocab: s.In, Dim: s.Out, PaddingIdx: -1}
		if s.PaddingIdx != nil {
			if *s.PaddingIdx < 0 || *s.PaddingIdx >= s.In {
				return nil, fmt.Errorf("QuantEmbedding padding index %d out of range [0, %d)", *s.PaddingIdx, s.In)
			}
			e.PaddingIdx = *s.PaddingIdx
		}
		return e, nil
	case "QuantLSTM":
		return &QuantLSTMLayer{In: s.In, Hidden: s.Out, NumLayers: s.NumLayers}, nil
	}
	return &QuantGRULayer{In: s.In, Hidden: s.Out, NumLayers: s.NumLayers}, nil
}
