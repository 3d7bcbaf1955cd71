package ml

import (
	"fmt"
	"math"
)

// Pow returns t raised to the power p element-wise. As with math.Pow, a negative
// base with a non-integer power gives NaN.
func (t *Tensor) Pow(p float64) *Tensor {
	p32 := float32(p)
	return t.unary("Pow", func(x float32) float32 { return float32(math.Pow(float64(x), p)) },
		func(x, _, g float32) float32 {
			if p == 0 {
				return 0
			}
			return g * p32 * float32(math.Pow(float64(x), p-1))
		})
}

// Abs returns |t| element-wise. Its gradient at 0 is 0, as in PyTorch.
func (t *Tensor) Abs() *Tensor {
	return t.unary("Abs", func(x float32) float32 { return float32(math.Abs(float64(x))) },
		func(x, _, g float32) float32 {
			switch {
			case x > 0:
				return g
			case x < 0:
				return -g
			}
			return 0
		})
}

// Clamp limits every element to [lo, hi], like torch.clamp. The gradient passes
// where lo ≤ t ≤ hi and is 0 where a limit applied. It panics if lo > hi.
func (t *Tensor) Clamp(lo, hi float64) *Tensor {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		panic(fmt.Sprintf("ml: Clamp(%g, %g): a limit is NaN", lo, hi))
	}
	if lo > hi {
		panic(fmt.Sprintf("ml: Clamp(%g, %g): lower limit above upper limit", lo, hi))
	}
	return t.clamp32(float32(lo), float32(hi))
}

func (t *Tensor) clamp32(lo, hi float32) *Tensor {
	return t.unary("Clamp", func(x float32) float32 { return min(max(x, lo), hi) },
		func(x, _, g float32) float32 {
			if x < lo || x > hi {
				return 0
			}
			return g
		})
}

// Maximum returns the element-wise larger of t and b, broadcasting as Add does
// (like torch.maximum). Where the two are equal the gradient is split evenly.
func (t *Tensor) Maximum(b *Tensor) *Tensor {
	return t.binary("Maximum", b, func(x, y float32) float32 {
		if x >= y {
			return x
		}
		return y
	}, func(x, y, g float32) float32 { return pickGrad(x, y, g) },
		func(x, y, g float32) float32 { return pickGrad(y, x, g) })
}

// Minimum returns the element-wise smaller of t and b, broadcasting as Add does
// (like torch.minimum). Where the two are equal the gradient is split evenly.
func (t *Tensor) Minimum(b *Tensor) *Tensor {
	return t.binary("Minimum", b, func(x, y float32) float32 {
		if x <= y {
			return x
		}
		return y
	}, func(x, y, g float32) float32 { return pickGrad(y, x, g) },
		func(x, y, g float32) float32 { return pickGrad(x, y, g) })
}

// pickGrad is the share of g that goes to x when the larger of x and y was chosen.
func pickGrad(x, y, g float32) float32 {
	switch {
	case x > y:
		return g
	case x < y:
		return 0
	}
	return g / 2
}
