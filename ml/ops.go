package ml

import (
	"fmt"
	"math"
)

// broadcastable reports whether b can be combined element-wise with a without
// broadcasting a: same shape, a single value, or a shape equal to the trailing
// dimensions of a (a bias row added to every row, for instance). These common
// cases take a fast path in binary.
func broadcastable(a, b []int) bool {
	if sameShape(a, b) {
		return true
	}
	if len(b) > len(a) {
		return false
	}
	return sameShape(a[len(a)-len(b):], b)
}

// broadcastShape returns the shape two tensors broadcast to under NumPy's rules:
// shapes are aligned at their last dimension, and each pair of sizes must be equal
// or include a 1 (missing leading dimensions count as 1).
func broadcastShape(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 1; i <= n; i++ {
		da, db := 1, 1
		if i <= len(a) {
			da = a[len(a)-i]
		}
		if i <= len(b) {
			db = b[len(b)-i]
		}
		switch {
		case da == db || db == 1:
			out[n-i] = da
		case da == 1:
			out[n-i] = db
		default:
			return nil, false
		}
	}
	return out, true
}

// broadcastIndex returns, for every element of the row-major shape out, the flat
// index of the element of a tensor of shape in (broadcast to out) that it reads.
func broadcastIndex(in, out []int) []int {
	// strides[d] is in's stride along out's dimension d, 0 where in is broadcast.
	strides := make([]int, len(out))
	stride := 1
	for i := 1; i <= len(in); i++ {
		if d := in[len(in)-i]; d != 1 {
			strides[len(out)-i] = stride
		}
		stride *= in[len(in)-i]
	}
	total := checkShape(out)
	idx := make([]int, total)
	coord := make([]int, len(out))
	at := 0
	for i := range idx {
		idx[i] = at
		// Advance the odometer coord and at together.
		for d := len(out) - 1; d >= 0; d-- {
			coord[d]++
			at += strides[d]
			if coord[d] < out[d] {
				break
			}
			at -= strides[d] * coord[d]
			coord[d] = 0
		}
	}
	return idx
}

func (t *Tensor) binary(op string, b *Tensor, f func(x, y float32) float32, da, db func(x, y, g float32) float32) *Tensor {
	nb := len(b.data)
	if !broadcastable(t.shape, b.shape) && nb != 1 {
		return t.binaryBroadcast(op, b, f, da, db)
	}
	out := New(t.shape...)
	a := t.data
	if nb == len(a) {
		for i := range out.data {
			out.data[i] = f(a[i], b.data[i])
		}
	} else {
		for i := range out.data {
			out.data[i] = f(a[i], b.data[i%nb])
		}
	}
	if anyNeedsGrad(t, b) {
		out.attach(op, []*Tensor{t, b}, func(g []float32) {
			if t.needsGrad() {
				ga := t.gradBuf()
				for i, gv := range g {
					ga[i] += da(a[i], b.data[i%nb], gv)
				}
			}
			if b.needsGrad() {
				gb := b.gradBuf()
				for i, gv := range g {
					gb[i%nb] += db(a[i], b.data[i%nb], gv)
				}
			}
		})
	}
	return out
}

// binaryBroadcast is binary's general case: both operands may be broadcast, and
// gradients are summed over the broadcast dimensions.
func (t *Tensor) binaryBroadcast(op string, b *Tensor, f func(x, y float32) float32, da, db func(x, y, g float32) float32) *Tensor {
	shape, ok := broadcastShape(t.shape, b.shape)
	if !ok {
		panic(fmt.Sprintf("ml: %s: shapes %v and %v cannot be broadcast together (aligned at the last dimension, each pair of sizes must be equal or include a 1)", op, t.shape, b.shape))
	}
	ia, ib := broadcastIndex(t.shape, shape), broadcastIndex(b.shape, shape)
	out := New(shape...)
	for i := range out.data {
		out.data[i] = f(t.data[ia[i]], b.data[ib[i]])
	}
	if anyNeedsGrad(t, b) {
		out.attach(op, []*Tensor{t, b}, func(g []float32) {
			if t.needsGrad() {
				ga := t.gradBuf()
				for i, gv := range g {
					ga[ia[i]] += da(t.data[ia[i]], b.data[ib[i]], gv)
				}
			}
			if b.needsGrad() {
				gb := b.gradBuf()
				for i, gv := range g {
					gb[ib[i]] += db(t.data[ia[i]], b.data[ib[i]], gv)
				}
			}
		})
	}
	return out
}

// Add returns t + b element-wise, broadcasting as PyTorch does: the shapes are
// aligned at their last dimension and each pair of sizes must be equal or include
// a 1, which is repeated to match (so a [n 1] column from SumAxis(1, true) or a
// bias row [k] combine with an [n k] matrix). It panics naming both shapes if they
// cannot be broadcast together.
func (t *Tensor) Add(b *Tensor) *Tensor {
	return t.binary("Add", b, func(x, y float32) float32 { return x + y },
		func(_, _, g float32) float32 { return g }, func(_, _, g float32) float32 { return g })
}

// Sub returns t - b element-wise, broadcasting as Add does.
func (t *Tensor) Sub(b *Tensor) *Tensor {
	return t.binary("Sub", b, func(x, y float32) float32 { return x - y },
		func(_, _, g float32) float32 { return g }, func(_, _, g float32) float32 { return -g })
}

// Mul returns t * b element-wise, broadcasting as Add does.
func (t *Tensor) Mul(b *Tensor) *Tensor {
	return t.binary("Mul", b, func(x, y float32) float32 { return x * y },
		func(_, y, g float32) float32 { return g * y }, func(x, _, g float32) float32 { return g * x })
}

// Div returns t / b element-wise, broadcasting as Add does.
func (t *Tensor) Div(b *Tensor) *Tensor {
	return t.binary("Div", b, func(x, y float32) float32 { return x / y },
		func(_, y, g float32) float32 { return g / y }, func(x, y, g float32) float32 { return -g * x / (y * y) })
}

func (t *Tensor) unary(op string, f func(x float32) float32, df func(x, y, g float32) float32) *Tensor {
	out := New(t.shape...)
	for i, x := range t.data {
		out.data[i] = f(x)
	}
	if t.needsGrad() {
		out.attach(op, []*Tensor{t}, func(g []float32) {
			gt := t.gradBuf()
			for i, gv := range g {
				gt[i] += df(t.data[i], out.data[i], gv)
			}
		})
	}
	return out
}

// Scale returns t * s element-wise (s rounded to float32, the tensor's element type).
func (t *Tensor) Scale(s float64) *Tensor { return t.scale32(float32(s)) }

func (t *Tensor) scale32(s float32) *Tensor {
	return t.unary("Scale", func(x float32) float32 { return x * s }, func(_, _, g float32) float32 { return g * s })
}

// AddScalar returns t + s element-wise (s rounded to float32).
func (t *Tensor) AddScalar(s float64) *Tensor {
	s32 := float32(s)
	return t.unary("AddScalar", func(x float32) float32 { return x + s32 }, func(_, _, g float32) float32 { return g })
}

// Neg returns -t.
func (t *Tensor) Neg() *Tensor { return t.scale32(-1) }

// ReLU returns max(t, 0) element-wise.
func (t *Tensor) ReLU() *Tensor {
	return t.unary("ReLU", func(x float32) float32 {
		if x > 0 {
			return x
		}
		return 0
	}, func(x, _, g float32) float32 {
		if x > 0 {
			return g
		}
		return 0
	})
}

// Tanh returns tanh(t) element-wise.
func (t *Tensor) Tanh() *Tensor {
	return t.unary("Tanh", tanh32, func(_, y, g float32) float32 { return g * (1 - y*y) })
}

// Sigmoid returns 1/(1+exp(-t)) element-wise.
func (t *Tensor) Sigmoid() *Tensor {
	return t.unary("Sigmoid", sigmoid32, func(_, y, g float32) float32 { return g * y * (1 - y) })
}

// Exp returns e^t element-wise.
func (t *Tensor) Exp() *Tensor {
	return t.unary("Exp", func(x float32) float32 { return float32(math.Exp(float64(x))) },
		func(_, y, g float32) float32 { return g * y })
}

// Log returns the natural logarithm of t element-wise.
func (t *Tensor) Log() *Tensor {
	return t.unary("Log", func(x float32) float32 { return float32(math.Log(float64(x))) },
		func(x, _, g float32) float32 { return g / x })
}

// Square returns t*t element-wise.
func (t *Tensor) Square() *Tensor {
	return t.unary("Square", func(x float32) float32 { return x * x }, func(x, _, g float32) float32 { return 2 * x * g })
}

// Sqrt returns the square root of t element-wise.
func (t *Tensor) Sqrt() *Tensor {
	return t.unary("Sqrt", func(x float32) float32 { return float32(math.Sqrt(float64(x))) },
		func(_, y, g float32) float32 { return g / (2 * y) })
}

// Sum returns the sum of all elements as a tensor of shape [].
func (t *Tensor) Sum() *Tensor {
	var s float64
	for _, v := range t.data {
		s += float64(v)
	}
	out := scalar32(float32(s))
	if t.needsGrad() {
		out.attach("Sum", []*Tensor{t}, func(g []float32) {
			gt := t.gradBuf()
			for i := range gt {
				gt[i] += g[0]
			}
		})
	}
	return out
}

// Mean returns the mean of all elements as a tensor of shape [].
func (t *Tensor) Mean() *Tensor {
	if len(t.data) == 0 {
		panic(fmt.Sprintf("ml: Mean of an empty tensor of shape %v", t.shape))
	}
	return t.Sum().scale32(1 / float32(len(t.data)))
}

// MatMul returns the matrix product of t [..., k] and b [k, n]: shape [..., n].
func (t *Tensor) MatMul(b *Tensor) *Tensor {
	if len(t.shape) < 2 || len(b.shape) != 2 || t.shape[len(t.shape)-1] != b.shape[0] {
		panic(fmt.Sprintf("ml: MatMul: shapes %v and %v do not match (want [... k] and [k n])", t.shape, b.shape))
	}
	k, n := b.shape[0], b.shape[1]
	m := len(t.data) / max(k, 1)
	if k == 0 {
		m = 1
		for _, d := range t.shape[:len(t.shape)-1] {
			m *= d
		}
	}
	shape := append(append([]int(nil), t.shape[:len(t.shape)-1]...), n)
	out := New(shape...)
	sgemm(false, false, m, n, k, 1, t.data, max(k, 1), b.data, max(n, 1), 0, out.data, max(n, 1))
	if anyNeedsGrad(t, b) {
		out.attach("MatMul", []*Tensor{t, b}, func(g []float32) {
			if t.needsGrad() {
				// dA = G · Bᵀ
				sgemm(false, true, m, k, n, 1, g, max(n, 1), b.data, max(n, 1), 1, t.gradBuf(), max(k, 1))
			}
			if b.needsGrad() {
				// dB = Aᵀ · G
				sgemm(true, false, k, n, m, 1, t.data, max(k, 1), g, max(n, 1), 1, b.gradBuf(), max(n, 1))
			}
		})
	}
	return out
}

// T returns the transpose of a matrix [m, n] as a new [n, m] tensor.
func (t *Tensor) T() *Tensor {
	if len(t.shape) != 2 {
		panic(fmt.Sprintf("ml: T wants a matrix, got shape %v", t.shape))
	}
	m, n := t.shape[0], t.shape[1]
	out := New(n, m)
	transpose(out.data, t.data, m, n)
	if t.needsGrad() {
		out.attach("T", []*Tensor{t}, func(g []float32) {
			gt := t.gradBuf()
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					gt[i*n+j] += g[j*m+i]
				}
			}
		})
	}
	return out
}

// transpose writes the [n, m] transpose of the [m, n] matrix src into dst.
func transpose(dst, src []float32, m, n int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			dst[j*m+i] = src[i*n+j]
		}
	}
}

// Softmax returns the softmax over the last dimension.
func (t *Tensor) Softmax() *Tensor {
	k := lastDim(t, "Softmax")
	out := New(t.shape...)
	softmaxRows(out.data, t.data, k)
	if t.needsGrad() {
		out.attach("Softmax", []*Tensor{t}, func(g []float32) {
			gt := t.gradBuf()
			for r := 0; r+k <= len(g); r += k {
				y, gy := out.data[r:r+k], g[r:r+k]
				var dot float32
				for j := range y {
					dot += y[j] * gy[j]
				}
				for j := range y {
					gt[r+j] += y[j] * (gy[j] - dot)
				}
			}
		})
	}
	return out
}

// LogSoftmax returns log(softmax(t)) over the last dimension, computed stably.
func (t *Tensor) LogSoftmax() *Tensor {
	k := lastDim(t, "LogSoftmax")
	out := New(t.shape...)
	logSoftmaxRows(out.data, t.data, k)
	if t.needsGrad() {
		out.attach("LogSoftmax", []*Tensor{t}, func(g []float32) {
			gt := t.gradBuf()
			for r := 0; r+k <= len(g); r += k {
				y, gy := out.data[r:r+k], g[r:r+k]
				var sum float32
				for _, v := range gy {
					sum += v
				}
				for j := range y {
					gt[r+j] += gy[j] - float32(math.Exp(float64(y[j])))*sum
				}
			}
		})
	}
	return out
}

func lastDim(t *Tensor, op string) int {
	if len(t.shape) == 0 || t.shape[len(t.shape)-1] == 0 {
		panic(fmt.Sprintf("ml: %s needs a non-empty last dimension, got shape %v", op, t.shape))
	}
	return t.shape[len(t.shape)-1]
}

func softmaxRows(dst, src []float32, k int) {
	for r := 0; r+k <= len(src); r += k {
		x, y := src[r:r+k], dst[r:r+k]
		mx := x[0]
		for _, v := range x[1:] {
			if v > mx {
				mx = v
			}
		}
		var sum float32
		for j, v := range x {
			e := exp32(v - mx)
			y[j] = e
			sum += e
		}
		inv := 1 / sum
		for j := range y {
			y[j] *= inv
		}
	}
}

func logSoftmaxRows(dst, src []float32, k int) {
	for r := 0; r+k <= len(src); r += k {
		x, y := src[r:r+k], dst[r:r+k]
		mx := x[0]
		for _, v := range x[1:] {
			if v > mx {
				mx = v
			}
		}
		var sum float32
		for _, v := range x {
			sum += exp32(v - mx)
		}
		lse := mx + float32(math.Log(float64(sum)))
		for j, v := range x {
			y[j] = v - lse
		}
	}
}
