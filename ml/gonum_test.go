package ml

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestToDenseAndBack(t *testing.T) {
	x := FromSlice([]float32{1, 2.5, -3, 4, 5, 6}, 2, 3)
	d := ToDense(x)
	if r, c := d.Dims(); r != 2 || c != 3 {
		t.Fatalf("ToDense of [2 3] has dims %d×%d", r, c)
	}
	if d.At(0, 1) != 2.5 || d.At(1, 0) != 4 || d.At(0, 2) != -3 {
		t.Errorf("ToDense values %v", mat.Formatted(d))
	}
	// A gonum computation on it, then back: (x xᵀ) by gonum equals MatMul.
	var g mat.Dense
	g.Mul(d, d.T())
	back := FromDense(&g)
	want := x.MatMul(x.T())
	if !sameShape(back.Shape(), want.Shape()) {
		t.Fatalf("FromDense shape %v, MatMul shape %v", back.Shape(), want.Shape())
	}
	for i, v := range want.Data() {
		if back.Data()[i] != v {
			t.Errorf("element %d: gonum %v, ml %v", i, back.Data()[i], v)
		}
	}
	// A transposed view (not a *mat.Dense) converts through At.
	tr := FromDense(d.T())
	if s := tr.Shape(); s[0] != 3 || s[1] != 2 || tr.At(2, 0) != -3 {
		t.Errorf("FromDense(d.T()) = %v %v", s, tr.Data())
	}
	// A sub-matrix view with a stride wider than its columns.
	sub := d.Slice(0, 2, 1, 3).(*mat.Dense)
	if s := FromDense(sub); s.At(1, 1) != 6 || s.At(0, 0) != 2.5 || s.Len() != 4 {
		t.Errorf("FromDense of a slice view = %v", s.Data())
	}
}

func TestVectorsConvert(t *testing.T) {
	v := ToVecDense(FromSlice([]float32{1, 2, 3}, 3, 1))
	if v.Len() != 3 || v.AtVec(2) != 3 {
		t.Errorf("ToVecDense = %v", mat.Formatted(v))
	}
	back := FromVector(v)
	if s := back.Shape(); len(s) != 1 || s[0] != 3 || back.At(1) != 2 {
		t.Errorf("FromVector = %v %v", s, back.Data())
	}
	if s := FromDense(v).Shape(); s[0] != 3 || s[1] != 1 {
		t.Errorf("FromDense(VecDense) shape %v, want [3 1]", s)
	}
	if r, c := ToDense(FromSlice([]float32{1, 2}, 2)).Dims(); r != 2 || c != 1 {
		t.Errorf("ToDense of a vector: %d×%d, want a 2×1 column", r, c)
	}
}

func TestConversionsRejectWhatDoesNotFit(t *testing.T) {
	for name, f := range map[string]func(){
		"rank 3":        func() { ToDense(New(2, 2, 2)) },
		"empty":         func() { ToDense(New(0, 3)) },
		"matrix as vec": func() { ToVecDense(New(2, 2)) },
		"nil tensor":    func() { ToDense(nil) },
		"nil matrix":    func() { FromDense(nil) },
	} {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, "ml: ") {
					t.Errorf("%s: panic %v, want a message naming ml", name, r)
				}
			}()
			f()
		}()
	}
}
