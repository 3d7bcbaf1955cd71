package ml

import (
	"fmt"
	"math"
)

// 4-bit grouped weight-only quantization (QuantConfig Scheme "int4_group"):
// each row of a Linear weight (PyTorch's [out, in]) or an Embedding table is
// cut into groups of GroupSize consecutive values, each group stored as
// signed 4-bit integers x̂ = round(x/s) clamped to [-8, 7] (rounding half to
// even) with its own float32 scale s = max|x|/7, two values to a byte.
// Weight-only: activations stay float32; the layer decodes its weights once
// (when built or loaded) and computes with the float32 kernels, so the gain
// is the size of the file and of what is shipped, not speed.

// q4 is a [rows, cols] matrix in grouped 4-bit form.
type q4 struct {
	rows, cols, group int
	packed            []uint8   // value k at byte k/2, low nibble for even k; nibble = x̂+8
	scales            []float32 // [rows, groupsPerRow]
}

func (q *q4) groupsPerRow() int { return (q.cols + q.group - 1) / q.group }

// quantizeQ4 quantizes w ([rows, cols] row-major) in groups.
func quantizeQ4(w []float32, rows, cols, group int) q4 {
	q := q4{rows: rows, cols: cols, group: group, packed: make([]uint8, (rows*cols+1)/2)}
	gpr := q.groupsPerRow()
	q.scales = make([]float32, rows*gpr)
	for r := 0; r < rows; r++ {
		for g := 0; g < gpr; g++ {
			lo, hi := r*cols+g*group, r*cols+min((g+1)*group, cols)
			var m float32
			for _, v := range w[lo:hi] {
				m = max(m, float32(math.Abs(float64(v))))
			}
			s := m / 7
			if !(s > 0) || math.IsInf(float64(s), 0) {
				s = 1 // an all-zero group (or one whose scale underflows): any scale gives zeros
			}
			q.scales[r*gpr+g] = s
			for k := lo; k < hi; k++ {
				x := math.RoundToEven(float64(w[k] / s))
				x = max(-8, min(7, x))
				q.packed[k/2] |= uint8(int(x)+8) << (4 * uint(k%2))
			}
		}
	}
	return q
}

// value returns the 4-bit integer of element k.
func (q *q4) value(k int) int { return int(q.packed[k/2]>>(4*uint(k%2))&0xf) - 8 }

// dequantized returns the matrix the layer computes with, [rows, cols].
func (q *q4) dequantized() []float32 {
	out := make([]float32, q.rows*q.cols)
	gpr := q.groupsPerRow()
	for r := 0; r < q.rows; r++ {
		for c := 0; c < q.cols; c++ {
			out[r*q.cols+c] = float32(q.value(r*q.cols+c)) * q.scales[r*gpr+c/q.group]
		}
	}
	return out
}

func (q *q4) store(prefix string) []storedTensor {
	return []storedTensor{
		{name: prefix + "_int4", dtype: "U8", shape: []int{len(q.packed)}, u8: q.packed},
		{name: prefix + "_scale", dtype: "F32", shape: []int{q.rows, q.groupsPerRow()}, f32: q.scales},
	}
}

// restoreQ4 reads a q4 of the given size back, checking its scales (the file
// may be hostile).
func restoreQ4(get tensorGetter, prefix string, rows, cols, group int) (q4, error) {
	q := q4{rows: rows, cols: cols, group: group}
	p, err := get(prefix+"_int4", "U8", (rows*cols+1)/2)
	if err != nil {
		return q, err
	}
	s, err := get(prefix+"_scale", "F32", rows, q.groupsPerRow())
	if err != nil {
		return q, err
	}
	for i, v := range s.f32 {
		if !(v > 0) || v-v != 0 {
			return q, fmt.Errorf("tensor %q: scale %d is %v; scales must be positive and finite", prefix+"_scale", i, v)
		}
	}
	q.packed, q.scales = p.u8, s.f32
	return q, nil
}

// ---------------------------------------------------------------- Linear

// QuantLinear4Layer is a Linear layer whose weights are stored in 4 bits per
// value in groups, made by Quantize with Int4Grouped: weight-only (inputs
// and outputs float32).
type QuantLinear4Layer struct {
	In, Out, GroupSize int     // read-only
	Bias               *Tensor // [Out], float32

	w   q4           // PyTorch's [Out, In]
	lin *LinearLayer // the decoded weights, for the float32 kernels
}

func newQuantLinear4(in, out, group int, w q4, bias *Tensor) *QuantLinear4Layer {
	l := &QuantLinear4Layer{In: in, Out: out, GroupSize: group, Bias: bias, w: w}
	dec := New(in, out)
	transpose(dec.data, w.dequantized(), out, in)
	l.lin = &LinearLayer{In: in, Out: out, Weight: dec, Bias: bias}
	return l
}

// String returns e.g. "QuantLinear(64→256, int4 groups of 32)".
func (l *QuantLinear4Layer) String() string {
	return fmt.Sprintf("QuantLinear(%d→%d, int4 groups of %d)", l.In, l.Out, l.GroupSize)
}

// Parameters returns nil: a quantized layer is not trained.
func (l *QuantLinear4Layer) Parameters() []*Tensor { return nil }

// Dequantized returns the weights the layer computes with, as float32 [In,
// Out] like LinearLayer.Weight.
func (l *QuantLinear4Layer) Dequantized() *Tensor { return l.lin.Weight.Clone() }

func (l *QuantLinear4Layer) spec() LayerSpec {
	return LayerSpec{Type: "QuantLinear", In: l.In, Out: l.Out, Quant: "int4_group", Group: l.GroupSize}
}

func (l *QuantLinear4Layer) paramNames() []string { return nil }

func (l *QuantLinear4Layer) storedValues() int { return l.In*l.Out + l.Out }

func (l *QuantLinear4Layer) storeTensors() []storedTensor {
	return append(l.w.store("weight"), storedTensor{name: "bias", dtype: "F32", shape: []int{l.Out}, f32: l.Bias.data})
}

func (l *QuantLinear4Layer) restoreTensors(get tensorGetter) error {
	w, err := restoreQ4(get, "weight", l.Out, l.In, l.GroupSize)
	if err != nil {
		return err
	}
	b, err := get("bias", "F32", l.Out)
	if err != nil {
		return err
	}
	*l = *newQuantLinear4(l.In, l.Out, l.GroupSize, w, FromSlice(b.f32, l.Out))
	return nil
}

// OutputShape replaces the last dimension In by Out.
func (l *QuantLinear4Layer) OutputShape(in []int) []int { return l.lin.OutputShape(in) }

// Forward applies the layer to x, outside the autograd graph.
func (l *QuantLinear4Layer) Forward(x *Tensor) *Tensor {
	y := New(l.OutputShape(x.shape)...)
	l.lin.forwardInto(x.data, y.data)
	return y
}

func (l *QuantLinear4Layer) fastForward(x *Tensor, _ bool) *Tensor {
	return l.lin.fastForward(x, false)
}

func (l *QuantLinear4Layer) fastBackward(*Tensor, bool) *Tensor { quantizedPanic(l); return nil }

// ---------------------------------------------------------------- Embedding

// QuantEmbedding4Layer is an Embedding whose table is stored in 4 bits per
// value in groups along each row, made by Quantize with Int4Grouped.
type QuantEmbedding4Layer struct {
	Vocab, Dim, GroupSize int // read-only
	PaddingIdx            int // -1 when there is none

	w   q4
	emb *EmbeddingLayer // the decoded table
}

func newQuantEmbedding4(vocab, dim, group, padding int, w q4) *QuantEmbedding4Layer {
	return &QuantEmbedding4Layer{Vocab: vocab, Dim: dim, GroupSize: group, PaddingIdx: padding, w: w,
		emb: &EmbeddingLayer{Vocab: vocab, Dim: dim, Weight: FromSlice(w.dequantized(), vocab, dim), PaddingIdx: padding}}
}

// String returns e.g. "QuantEmbedding(40, 32, int4 groups of 32)".
func (e *QuantEmbedding4Layer) String() string {
	if e.PaddingIdx >= 0 {
		return fmt.Sprintf("QuantEmbedding(%d, %d, padding=%d, int4 groups of %d)", e.Vocab, e.Dim, e.PaddingIdx, e.GroupSize)
	}
	return fmt.Sprintf("QuantEmbedding(%d, %d, int4 groups of %d)", e.Vocab, e.Dim, e.GroupSize)
}

// Parameters returns nil: a quantized layer is not trained.
func (e *QuantEmbedding4Layer) Parameters() []*Tensor { return nil }

// Dequantized returns the table the layer looks vectors up in, [Vocab, Dim].
func (e *QuantEmbedding4Layer) Dequantized() *Tensor { return e.emb.Weight.Clone() }

func (e *QuantEmbedding4Layer) spec() LayerSpec {
	s := LayerSpec{Type: "QuantEmbedding", In: e.Vocab, Out: e.Dim, Quant: "int4_group", Group: e.GroupSize}
	if e.PaddingIdx >= 0 {
		p := e.PaddingIdx
		s.PaddingIdx = &p
	}
	return s
}

func (e *QuantEmbedding4Layer) paramNames() []string { return nil }

func (e *QuantEmbedding4Layer) storedValues() int { return e.Vocab * e.Dim }

func (e *QuantEmbedding4Layer) storeTensors() []storedTensor { return e.w.store("weight") }

func (e *QuantEmbedding4Layer) restoreTensors(get tensorGetter) error {
	w, err := restoreQ4(get, "weight", e.Vocab, e.Dim, e.GroupSize)
	if err != nil {
		return err
	}
	*e = *newQuantEmbedding4(e.Vocab, e.Dim, e.GroupSize, e.PaddingIdx, w)
	return nil
}

// OutputShape appends Dim to the shape of the ids.
func (e *QuantEmbedding4Layer) OutputShape(in []int) []int { return e.emb.OutputShape(in) }

// Forward looks the ids of x up, outside the autograd graph.
func (e *QuantEmbedding4Layer) Forward(x *Tensor) *Tensor {
	y := New(e.OutputShape(x.shape)...)
	e.emb.lookup(x.data, y.data)
	return y
}

func (e *QuantEmbedding4Layer) fastForward(x *Tensor, _ bool) *Tensor {
	return e.emb.fastForward(x, false)
}

func (e *QuantEmbedding4Layer) fastBackward(*Tensor, bool) *Tensor { quantizedPanic(e); return nil }
