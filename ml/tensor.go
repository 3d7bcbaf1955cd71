package ml

import (
	"fmt"
)

// Tensor is a dense, row-major float32 array with an explicit shape. Tensors that
// take part in a computation record how they were made so that Backward can
// compute gradients.
type Tensor struct {
	shape []int
	data  []float32
}

// New returns a zero tensor of the given shape.
func New(shape ...int) *Tensor {
	n := checkShape(shape)
	return &Tensor{shape: append([]int(nil), shape...), data: make([]float32, n)}
}

// FromSlice wraps data (not copied) as a tensor of the given shape. It panics if
// len(data) does not match the shape.
func FromSlice(data []float32, shape ...int) *Tensor {
	n := checkShape(shape)
	if len(data) != n {
		panic(fmt.Sprintf("ml: FromSlice: %d values do not fill shape %v (%d values)", len(data), shape, n))
	}
	return &Tensor{shape: append([]int(nil), shape...), data: data}
}

// Shape returns a copy of the tensor's shape.
func (t *Tensor) Shape() []int { return append([]int(nil), t.shape...) }

// Data returns the tensor's values in row-major order (not copied).
func (t *Tensor) Data() []float32 { return t.data }

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.data) }

func checkShape(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("ml: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}
