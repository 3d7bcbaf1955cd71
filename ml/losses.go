package ml

import (
	"fmt"
	"math"
)

// Loss measures how far predictions are from targets. Forward returns a scalar
// tensor that Backward can differentiate with respect to pred. A cell can
// implement Loss with Tensor operations.
type Loss interface {
	Forward(pred, target *Tensor) *Tensor
	String() string
}

// fastLoss is implemented by the built-in losses: the mean loss and its gradient
// with respect to pred in one pass, without building a graph.
type fastLoss interface {
	lossGrad(pred, target *Tensor, grad []float32) float64
}

// lossFromGrad wraps a fused loss as an autograd operation.
func lossFromGrad(name string, l fastLoss, pred, target *Tensor) *Tensor {
	grad := make([]float32, len(pred.data))
	v := l.lossGrad(pred, target, grad)
	out := scalar32(float32(v))
	if pred.needsGrad() {
		out.attach(name, []*Tensor{pred}, func(g []float32) {
			gp := pred.gradBuf()
			for i, d := range grad {
				gp[i] += g[0] * d
			}
		})
	}
	return out
}

// ---------------------------------------------------------------- cross entropy

// CrossEntropyLoss is softmax cross entropy from logits [n, classes] (or
// [..., classes]) and integer class labels [n] stored as float32, averaged over
// samples. It is computed stably through log-sum-exp.
type CrossEntropyLoss struct{}

// CrossEntropy returns the softmax cross-entropy loss for classification.
func CrossEntropy() *CrossEntropyLoss { return &CrossEntropyLoss{} }

// String returns "CrossEntropy".
func (*CrossEntropyLoss) String() string { return "CrossEntropy" }

// Forward returns the mean cross entropy, differentiable with respect to pred.
func (c *CrossEntropyLoss) Forward(pred, target *Tensor) *Tensor {
	return lossFromGrad("CrossEntropy", c, pred, target)
}

func (*CrossEntropyLoss) lossGrad(pred, target *Tensor, grad []float32) float64 {
	if len(pred.shape) < 1 || pred.shape[len(pred.shape)-1] == 0 {
		panic(fmt.Sprintf("ml: CrossEntropy: logits shape %v has no class dimension", pred.shape))
	}
	k := pred.shape[len(pred.shape)-1]
	n := len(pred.data) / k
	if len(target.data) != n {
		panic(fmt.Sprintf("ml: CrossEntropy: logits shape %v does not match labels shape %v (want %d labels)", pred.shape, target.shape, n))
	}
	var total float64
	inv := 1 / float32(n)
	for r := 0; r < n; r++ {
		x := pred.data[r*k : (r+1)*k]
		label := int(target.data[r])
		if float32(label) != target.data[r] || label < 0 || label >= k {
			panic(fmt.Sprintf("ml: CrossEntropy: label %v of sample %d is not a class index in [0, %d)", target.data[r], r, k))
		}
		mx := x[0]
		for _, v := range x[1:] {
			if v > mx {
				mx = v
			}
		}
		var sum float32
		g := grad[r*k : (r+1)*k]
		for j, v := range x {
			e := exp32(v - mx)
			g[j] = e
			sum += e
		}
		total += float64(mx) + math.Log(float64(sum)) - float64(x[label])
		s := inv / sum
		for j := range g {
			g[j] *= s
		}
		g[label] -= inv
	}
	return total / float64(n)
}

// ---------------------------------------------------------------- MSE

// MSELoss is the mean squared error over all elements.
type MSELoss struct{}

// MeanSquaredError returns the mean-squared-error loss for regression. (MSE, the
// metric, computes the same value outside the autograd graph, as a float64.)
func MeanSquaredError() *MSELoss { return &MSELoss{} }

// String returns "MSE".
func (*MSELoss) String() string { return "MSE" }

// Forward returns the mean squared error, differentiable with respect to pred.
func (l *MSELoss) Forward(pred, target *Tensor) *Tensor { return lossFromGrad("MSE", l, pred, target) }

func (*MSELoss) lossGrad(pred, target *Tensor, grad []float32) float64 {
	checkSameCount("MSE", pred, target)
	n := len(pred.data)
	var total float64
	s := 2 / float32(n)
	for i, p := range pred.data {
		d := p - target.data[i]
		total += float64(d) * float64(d)
		grad[i] = s * d
	}
	return total / float64(n)
}

func checkSameCount(name string, pred, target *Tensor) {
	if len(pred.data) != len(target.data) || len(pred.data) == 0 {
		panic(fmt.Sprintf("ml: %s: prediction shape %v does not match target shape %v", name, pred.shape, target.shape))
	}
}

// ---------------------------------------------------------------- BCE

// BCELoss is binary cross entropy averaged over elements. With Logits set it
// takes raw scores and applies the sigmoid itself, stably; otherwise it takes
// probabilities in (0, 1).
type BCELoss struct{ Logits bool }

// BCE returns binary cross entropy on probabilities (the output of a Sigmoid).
func BCE() *BCELoss { return &BCELoss{} }

// BCEWithLogits returns binary cross entropy on raw scores; prefer it to
// Sigmoid followed by BCE, it is stable for large scores.
func BCEWithLogits() *BCELoss { return &BCELoss{Logits: true} }

// String returns "BCE" or "BCEWithLogits".
func (l *BCELoss) String() string {
	if l.Logits {
		return "BCEWithLogits"
	}
	return "BCE"
}

// Forward returns the mean binary cross entropy, differentiable with respect to pred.
func (l *BCELoss) Forward(pred, target *Tensor) *Tensor {
	return lossFromGrad(l.String(), l, pred, target)
}

func (l *BCELoss) lossGrad(pred, target *Tensor, grad []float32) float64 {
	checkSameCount(l.String(), pred, target)
	n := len(pred.data)
	inv := 1 / float64(n)
	var total float64
	for i, p := range pred.data {
		y := float64(target.data[i])
		x := float64(p)
		if l.Logits {
			// loss = max(x,0) - x*y + log(1+e^-|x|)
			total += math.Max(x, 0) - x*y + math.Log1p(math.Exp(-math.Abs(x)))
			grad[i] = float32((float64(sigmoid32(p)) - y) * inv)
			continue
		}
		const eps = 1e-7
		q := math.Min(math.Max(x, eps), 1-eps)
		total += -(y*math.Log(q) + (1-y)*math.Log(1-q))
		grad[i] = float32((q - y) / (q * (1 - q)) * inv)
	}
	return total * inv
}
