package ml

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// gonum is Go's numerics library (linear algebra, statistics, optimisation);
// these conversions let a tensor go to gonum and back in one call. gonum works in
// float64, tensors in float32: ToDense widens exactly, FromDense rounds to the
// nearest float32.

// ToDense copies a tensor into a new gonum matrix: a [rows, cols] tensor gives a
// rows×cols matrix, a vector [n] an n×1 column, a scalar a 1×1 matrix. Tensors
// of rank 3 or more panic: Reshape them to two dimensions first, choosing which
// dimensions become rows.
func ToDense(t *Tensor) *mat.Dense {
	if t == nil {
		panic("ml: ToDense: nil tensor")
	}
	rows, cols := 1, 1
	switch len(t.shape) {
	case 0:
	case 1:
		rows = t.shape[0]
	case 2:
		rows, cols = t.shape[0], t.shape[1]
	default:
		panic(fmt.Sprintf("ml: ToDense: a tensor of shape %v has %d dimensions; a matrix has 2 (Reshape it first)", t.shape, len(t.shape)))
	}
	if rows == 0 || cols == 0 {
		panic(fmt.Sprintf("ml: ToDense: a tensor of shape %v is empty; gonum matrices cannot be", t.shape))
	}
	return mat.NewDense(rows, cols, Float64s(t))
}

// ToVecDense copies a tensor holding one vector ([n], [n, 1] or [1, n]) into a
// new gonum vector; any other shape panics.
func ToVecDense(t *Tensor) *mat.VecDense {
	if t == nil {
		panic("ml: ToVecDense: nil tensor")
	}
	s := t.shape
	if !(len(s) == 1 || len(s) == 2 && (s[0] == 1 || s[1] == 1)) || t.Len() == 0 {
		panic(fmt.Sprintf("ml: ToVecDense: a tensor of shape %v is not a vector ([n], [n, 1] or [1, n])", s))
	}
	return mat.NewVecDense(t.Len(), Float64s(t))
}

// FromDense copies any gonum matrix (*mat.Dense, *mat.VecDense, a transpose, a
// symmetric matrix, ...) into a new [rows, cols] tensor, rounding to float32.
// A *mat.VecDense gives [n, 1]; FromVector gives [n].
func FromDense(m mat.Matrix) *Tensor {
	if m == nil {
		panic("ml: FromDense: nil matrix")
	}
	r, c := m.Dims()
	t := New(r, c)
	if d, ok := m.(*mat.Dense); ok {
		raw := d.RawMatrix()
		for i := 0; i < r; i++ {
			row := raw.Data[i*raw.Stride : i*raw.Stride+c]
			out := t.data[i*c : (i+1)*c]
			for j, v := range row {
				out[j] = float32(v)
			}
		}
		return t
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			t.data[i*c+j] = float32(m.At(i, j))
		}
	}
	return t
}

// FromVector copies a gonum vector into a new tensor of shape [n], rounding to
// float32: the shape of a Dataset's class labels or of one feature.
func FromVector(v mat.Vector) *Tensor {
	if v == nil {
		panic("ml: FromVector: nil vector")
	}
	n := v.Len()
	t := New(n)
	for i := 0; i < n; i++ {
		t.data[i] = float32(v.AtVec(i))
	}
	return t
}
