package ml

import (
	"fmt"
	"math"
)

// Zeros returns a tensor of the given shape filled with zeros. It is the same as New.
func Zeros(shape ...int) *Tensor { return New(shape...) }

// Ones returns a tensor of the given shape filled with ones.
func Ones(shape ...int) *Tensor { return full32(1, shape...) }

// Rand returns a tensor of the given shape with values drawn uniformly from [0, 1).
//
// The values come from the same generator that initialises layer weights, so
// SetSeed makes both reproducible, as torch.manual_seed does: after SetSeed(s)
// the same sequence of Rand, Randn and layer constructors gives the same values.
func Rand(shape ...int) *Tensor {
	t := New(shape...)
	initMu.Lock()
	for i := range t.data {
		t.data[i] = float32(initRNG.Float64())
	}
	initMu.Unlock()
	return t
}

// Randn returns a tensor of the given shape with values drawn from the standard
// normal distribution (mean 0, variance 1). It uses the generator SetSeed
// controls, as Rand does.
func Randn(shape ...int) *Tensor {
	t := New(shape...)
	normalInit(t, 1)
	return t
}

// Arange returns the 1-D tensor [start, start+step, start+2·step, ...] of the values
// before stop (stop is excluded), like torch.arange. It panics if step is zero or
// points away from stop.
func Arange(start, stop, step float64) *Tensor {
	if step == 0 || math.IsNaN(step) {
		panic(fmt.Sprintf("ml: Arange(%g, %g, %g): step must be non-zero", start, stop, step))
	}
	span := (stop - start) / step
	if span < 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		panic(fmt.Sprintf("ml: Arange(%g, %g, %g): step %g does not lead from %g towards %g", start, stop, step, step, start, stop))
	}
	n := int(math.Ceil(span))
	t := New(n)
	for i := range t.data {
		// Computed in float64 so that long ranges do not accumulate rounding error.
		t.data[i] = float32(start + float64(i)*step)
	}
	return t
}

// Linspace returns a 1-D tensor of n values evenly spaced from start to stop,
// both included, like torch.linspace. Linspace(a, b, 1) is [a]. It panics if n is
// negative.
func Linspace(start, stop float64, n int) *Tensor {
	if n < 0 {
		panic(fmt.Sprintf("ml: Linspace(%g, %g, %d): negative count", start, stop, n))
	}
	t := New(n)
	if n == 1 {
		t.data[0] = float32(start)
		return t
	}
	stepSize := (stop - start) / float64(n-1)
	for i := range t.data {
		t.data[i] = float32(start + float64(i)*stepSize)
	}
	if n > 1 {
		t.data[n-1] = float32(stop)
	}
	return t
}

// Eye returns the n×n identity matrix.
func Eye(n int) *Tensor {
	if n < 0 {
		panic(fmt.Sprintf("ml: Eye(%d): negative size", n))
	}
	t := New(n, n)
	for i := 0; i < n; i++ {
		t.data[i*n+i] = 1
	}
	return t
}
