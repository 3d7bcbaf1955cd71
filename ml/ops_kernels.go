package ml

import "math"

// exp32 is e^x in float32 precision.
func exp32(x float32) float32 { return float32(math.Exp(float64(x))) }

// sigmoid32 is 1/(1+e^-x), written to avoid overflow for large |x|.
func sigmoid32(x float32) float32 {
	if x >= 0 {
		return float32(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return float32(e / (1 + e))
}

// tanh32 is the hyperbolic tangent in float32 precision.
func tanh32(x float32) float32 { return float32(math.Tanh(float64(x))) }

func reluScalar(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		if !(v <= 0) { // NaN passes through, as in the vector kernel
			y[i] = v
		} else {
			y[i] = 0
		}
	}
}

func reluBackScalar(dx, y, dy []float32) {
	dx, y = dx[:len(dy)], y[:len(dy)]
	for i, g := range dy {
		if y[i] > 0 {
			dx[i] = g
		} else {
			dx[i] = 0
		}
	}
}
