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

func reluInto(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		if v > 0 {
			y[i] = v
		} else {
			y[i] = 0
		}
	}
}

func tanhInto(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = tanh32(v)
	}
}

func sigmoidInto(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = sigmoid32(v)
	}
}
