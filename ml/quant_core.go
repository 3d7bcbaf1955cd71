package ml

import (
	"fmt"
	"math"

	"gopad.dev/gopad/ml/internal/qgemm"
)

// The arithmetic of quantization, as PyTorch's eager-mode dynamic
// quantization does it (torch.ao.quantization.quantize_dynamic), so that the
// same float32 weights and inputs give the same int8 values and scales:
//
//   - weights, per tensor or per output row: scale = max|w| / 127.5 in float32
//     (MinMaxObserver, per_tensor_symmetric / per_channel_symmetric, int8 in
//     [-128, 127]), at least float32's epsilon; q = round(w · (1/scale)), ties
//     to even, clamped;
//   - activations, per call: an asymmetric uint8 scale and zero point from the
//     batch's min and max (extended to include 0) over [0, 127] (reduce_range,
//     which PyTorch's dynamic Linear and LSTM use on x86), chosen as
//     ChooseQuantizationParams does;
//   - embeddings, per row (float_qparams_weight_only_qconfig): uint8 with
//     scale = (max - min) / 255 and a float zero point -min/scale.

// float32Eps is torch.finfo(torch.float32).eps, the observers' smallest scale.
const float32Eps = 1.1920928955078125e-07

// smallScaleThreshold is ChooseQuantizationParams' SMALL_SCALE_THRESHOLD.
const smallScaleThreshold = float32(6.1e-5)

// roundEven rounds half to even, as std::nearbyint in the default mode.
func roundEven(x float32) float32 { return float32(math.RoundToEven(float64(x))) }

// symmetricScale returns the int8 scale of values whose largest magnitude is
// amax, as MinMaxObserver computes it in float32.
func symmetricScale(amax float32) float32 {
	s := amax / 127.5
	if s < float32Eps {
		s = float32Eps
	}
	return s
}

// quantizeInt8 returns round(v / scale) clamped to the int8 range. Like
// PyTorch's quantize_val it multiplies by the float32 reciprocal of the scale,
// which rounds ties (v/scale = k + 0.5) differently from a division.
func quantizeInt8(v, scale float32) int8 {
	q := roundEven(v * (1 / scale))
	switch {
	case q > 127:
		return 127
	case q < -128:
		return -128
	}
	return int8(q)
}

// quantizeRows quantizes w ([rows, cols]) to int8: one scale for the tensor,
// one per row (perRow), or the given step for everything (step > 0).
func quantizeRows(w []float32, rows, cols int, perRow bool, step float64) (q []int8, scales []float32) {
	q = make([]int8, len(w))
	switch {
	case step > 0:
		scales = []float32{float32(step)}
	case perRow:
		scales = make([]float32, rows)
		for r := range scales {
			scales[r] = symmetricScale(maxAbs(w[r*cols : (r+1)*cols]))
		}
	default:
		scales = []float32{symmetricScale(maxAbs(w))}
	}
	for r := 0; r < rows; r++ {
		s := scales[0]
		if len(scales) > 1 {
			s = scales[r]
		}
		for c := 0; c < cols; c++ {
			q[r*cols+c] = quantizeInt8(w[r*cols+c], s)
		}
	}
	return q, scales
}

func maxAbs(v []float32) float32 {
	var m float32
	for _, x := range v {
		if x < 0 {
			x = -x
		}
		if x > m {
			m = x
		}
	}
	return m
}

// activationParams chooses the uint8 scale and zero point of a batch whose
// values lie in [lo, hi], over [0, 127], as PyTorch's
// quant_utils::ChooseQuantizationParams with reduce_range.
func activationParams(lo, hi float32) (scale float32, zeroPoint int32) {
	const qmin, qmax = 0, 127
	lo, hi = min(lo, 0), max(hi, 0)
	s := (float64(hi) - float64(lo)) / (qmax - qmin)
	if float32(s) == 0 || math.IsInf(float64(1/float32(s)), 0) {
		s = 0.1
	}
	if s < float64(smallScaleThreshold) {
		org := s
		s = float64(smallScaleThreshold)
		switch {
		case lo == 0:
			hi = smallScaleThreshold * (qmax - qmin)
		case hi == 0:
			lo = -smallScaleThreshold * (qmax - qmin)
		default:
			amp := float32(float64(smallScaleThreshold) / org)
			lo *= amp
			hi *= amp
		}
	}
	fromMin := qmin - float64(lo)/s
	fromMax := qmax - float64(hi)/s
	errMin := math.Abs(qmin) - math.Abs(float64(lo)/s)
	errMax := math.Abs(qmax) - math.Abs(float64(hi)/s)
	initial := fromMax
	if errMin < errMax {
		initial = fromMin
	}
	var zp int32
	switch {
	case initial < qmin:
		zp = qmin
	case initial > qmax:
		zp = qmax
	default:
		zp = int32(math.RoundToEven(initial))
	}
	return float32(s), zp
}

// qlinear is an int8 weight matrix [out, in] applied as PyTorch's dynamic
// quantized linear: activations quantized per call, an exact int32 product,
// then scale and bias in float32.
type qlinear struct {
	out, in int
	q       []int8    // [out, in], as stored in artifacts
	scales  []float32 // one, or one per output
	bias    []float32
	packed  *qgemm.Packed

	xq []uint8 // per-call scratch: the quantized activations
}

func newQLinear(out, in int, q []int8, scales, bias []float32) *qlinear {
	return &qlinear{out: out, in: in, q: q, scales: scales, bias: bias, packed: qgemm.Pack(q, out, in, scales, bias)}
}

func (l *qlinear) scale(j int) float32 {
	if len(l.scales) == 1 {
		return l.scales[0]
	}
	return l.scales[j]
}

// apply computes y[i*ldy+j] = Σ_p x[i*in+p]·W[j][p] + bias[j] for the m rows
// of x, with x quantized as one tensor.
func (l *qlinear) apply(x []float32, m int, y []float32, ldy int) {
	lo, hi, finite := qgemm.Range(x[:m*l.in])
	if !finite {
		// A NaN or infinite input has no quantized form; let it poison the
		// output as it would in float32 rather than give a plausible number.
		for i := 0; i < m; i++ {
			for j := 0; j < l.out; j++ {
				y[i*ldy+j] = float32(math.NaN())
			}
		}
		return
	}
	sx, zp := activationParams(lo, hi)
	lda := qgemm.PadK(l.in)
	l.xq = growBytes(l.xq, m*lda)
	inv := 1 / sx // as PyTorch's quantize_val: multiply by the reciprocal
	qgemm.Quantize(x, m, l.in, inv, zp, l.xq, lda)
	// Quantizing is monotonic: the largest value quantizes to the largest byte.
	top := qgemm.QuantizeValue(hi, inv, zp)
	qgemm.Linear(m, l.xq, lda, l.packed, zp, sx, y, ldy, top)
}

// dequantized returns the weights as float32 [out, in].
func (l *qlinear) dequantized() []float32 {
	w := make([]float32, len(l.q))
	for j := 0; j < l.out; j++ {
		s := l.scale(j)
		for p := 0; p < l.in; p++ {
			w[j*l.in+p] = float32(l.q[j*l.in+p]) * s
		}
	}
	return w
}

func growBytes(b []uint8, n int) []uint8 {
	if cap(b) < n {
		return make([]uint8, n)
	}
	return b[:n]
}

func growInt32s(b []int32, n int) []int32 {
	if cap(b) < n {
		return make([]int32, n)
	}
	return b[:n]
}

// embeddingRowParams returns the uint8 scale and float zero point of one
// embedding row, as PyTorch's per_channel_affine_float_qparams observer.
func embeddingRowParams(row []float32) (scale, zeroPoint float32) {
	lo, hi := row[0], row[0]
	for _, v := range row {
		lo, hi = min(lo, v), max(hi, v)
	}
	scale = (hi - lo) / 255
	if scale <= float32Eps {
		scale = 1
	}
	return scale, -lo / scale
}

// checkStep refuses explicit quantization steps that cannot quantize.
func checkStep(step float64) error {
	if !(step > 0) || math.IsInf(step, 0) {
		return fmt.Errorf("quantization step %v: want a positive finite number (x̂ = round(x/step))", step)
	}
	return nil
}
