package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// wantValues fails the test unless got has the given shape and values (to 1e-6).
func wantValues(t *testing.T, name string, got *Tensor, shape []int, values ...float32) {
	t.Helper()
	if !sameShape(got.shape, shape) {
		t.Errorf("%s: shape %v, want %v", name, got.shape, shape)
		return
	}
	if len(got.data) != len(values) {
		t.Errorf("%s: %d values, want %d", name, len(got.data), len(values))
		return
	}
	for i, v := range values {
		if math.Abs(float64(got.data[i]-v)) > 1e-6 {
			t.Errorf("%s: values %v, want %v", name, got.data, values)
			return
		}
	}
}

// mustPanic fails the test unless f panics with a message containing every one of wants.
func mustPanic(t *testing.T, name string, f func(), wants ...string) {
	t.Helper()
	msg := func() (msg string) {
		defer func() {
			if r := recover(); r != nil {
				msg = fmt.Sprint(r)
			}
		}()
		f()
		return ""
	}()
	if msg == "" {
		t.Errorf("%s: did not panic", name)
		return
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("%s: panic %q does not mention %q", name, msg, w)
		}
	}
}

func TestCreationOps(t *testing.T) {
	wantValues(t, "Zeros", Zeros(2, 2), []int{2, 2}, 0, 0, 0, 0)
	wantValues(t, "Ones", Ones(3), []int{3}, 1, 1, 1)
	wantValues(t, "Eye", Eye(3), []int{3, 3}, 1, 0, 0, 0, 1, 0, 0, 0, 1)
	wantValues(t, "Eye(0)", Eye(0), []int{0, 0})
	wantValues(t, "Arange", Arange(0, 1, 0.25), []int{4}, 0, 0.25, 0.5, 0.75)
	wantValues(t, "Arange uneven", Arange(1, 2.1, 0.5), []int{3}, 1, 1.5, 2)
	wantValues(t, "Arange down", Arange(5, 0, -2), []int{3}, 5, 3, 1)
	wantValues(t, "Arange empty", Arange(3, 3, 1), []int{0})
	wantValues(t, "Linspace", Linspace(0, 1, 5), []int{5}, 0, 0.25, 0.5, 0.75, 1)
	wantValues(t, "Linspace down", Linspace(2, -1, 4), []int{4}, 2, 1, 0, -1)
	wantValues(t, "Linspace 1", Linspace(7, 9, 1), []int{1}, 7)
	wantValues(t, "Linspace 0", Linspace(7, 9, 0), []int{0})

	mustPanic(t, "Arange zero step", func() { Arange(0, 1, 0) }, "step must be non-zero")
	mustPanic(t, "Arange wrong direction", func() { Arange(0, 1, -1) }, "Arange(0, 1, -1)", "towards 1")
	mustPanic(t, "Linspace negative", func() { Linspace(0, 1, -1) }, "negative count")
	mustPanic(t, "Eye negative", func() { Eye(-2) }, "Eye(-2)")
	mustPanic(t, "Ones negative", func() { Ones(2, -1) }, "[2 -1]")
}

func TestRandFollowsSetSeed(t *testing.T) {
	SetSeed(42)
	a, an := Rand(3, 4), Randn(5)
	layerAfter := Linear(2, 2).Parameters()[0].Clone()
	SetSeed(42)
	b, bn := Rand(3, 4), Randn(5)
	layerAgain := Linear(2, 2).Parameters()[0]
	wantValues(t, "Rand after the same seed", b, a.shape, a.data...)
	wantValues(t, "Randn after the same seed", bn, an.shape, an.data...)
	wantValues(t, "layer after Rand with the same seed", layerAgain, layerAfter.shape, layerAfter.data...)
	SetSeed(43)
	if c := Rand(3, 4); sameValues(c.data, a.data) {
		t.Errorf("Rand after SetSeed(43) repeats SetSeed(42)'s values %v", a.data)
	}

	// Distribution sanity on many draws: uniform [0, 1) has mean 1/2 and
	// variance 1/12; the standard normal has mean 0 and variance 1.
	u, z := Rand(20000), Randn(100, 200)
	for _, v := range u.data {
		if v < 0 || v >= 1 {
			t.Fatalf("Rand value %v outside [0, 1)", v)
		}
	}
	for _, c := range []struct {
		name           string
		x              *Tensor
		mean, variance float64
	}{{"Rand", u, 0.5, 1.0 / 12}, {"Randn", z, 0, 1}} {
		m, v := meanVar(c.x.data)
		if math.Abs(m-c.mean) > 0.03 || math.Abs(v-c.variance) > 0.05*c.variance {
			t.Errorf("%s: mean %.4f variance %.4f, want about %.4f and %.4f", c.name, m, v, c.mean, c.variance)
		}
	}
}

func sameValues(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func meanVar(xs []float32) (mean, variance float64) {
	for _, x := range xs {
		mean += float64(x)
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		variance += (float64(x) - mean) * (float64(x) - mean)
	}
	return mean, variance / float64(len(xs))
}

func TestAxisReductions(t *testing.T) {
	m := FromSlice([]float32{
		1, 5, 3,
		4, 2, 6,
	}, 2, 3)
	wantValues(t, "SumAxis(0)", m.SumAxis(0, false), []int{3}, 5, 7, 9)
	wantValues(t, "SumAxis(1)", m.SumAxis(1, false), []int{2}, 9, 12)
	wantValues(t, "SumAxis(-1, keep)", m.SumAxis(-1, true), []int{2, 1}, 9, 12)
	wantValues(t, "SumAxis(0, keep)", m.SumAxis(0, true), []int{1, 3}, 5, 7, 9)
	wantValues(t, "MeanAxis(1)", m.MeanAxis(1, false), []int{2}, 3, 4)
	wantValues(t, "MeanAxis(0)", m.MeanAxis(0, false), []int{3}, 2.5, 3.5, 4.5)
	wantValues(t, "MaxAxis(1)", m.MaxAxis(1, false), []int{2}, 5, 6)
	wantValues(t, "MaxAxis(0, keep)", m.MaxAxis(0, true), []int{1, 3}, 4, 5, 6)
	wantValues(t, "MinAxis(0)", m.MinAxis(0, false), []int{3}, 1, 2, 3)
	wantValues(t, "MinAxis(1)", m.MinAxis(1, false), []int{2}, 1, 2)
	wantValues(t, "ArgMaxAxis(1)", m.ArgMaxAxis(1, false), []int{2}, 1, 2)
	wantValues(t, "ArgMaxAxis(0, keep)", m.ArgMaxAxis(0, true), []int{1, 3}, 1, 0, 1)
	wantValues(t, "Max", m.Max(), []int{}, 6)
	wantValues(t, "Min", m.Min(), []int{}, 1)

	// [2 3 2]: the middle axis of a 3-D tensor.
	c := Arange(0, 12, 1).Reshape(2, 3, 2)
	wantValues(t, "SumAxis(1) of 3-D", c.SumAxis(1, false), []int{2, 2}, 0+2+4, 1+3+5, 6+8+10, 7+9+11)
	wantValues(t, "MaxAxis(2) of 3-D", c.MaxAxis(2, false), []int{2, 3}, 1, 3, 5, 7, 9, 11)
	wantValues(t, "ArgMaxAxis(1) of 3-D", c.ArgMaxAxis(1, false), []int{2, 2}, 2, 2, 2, 2)
	wantValues(t, "SumAxis of 1-D", Ones(4).SumAxis(0, false), []int{}, 4)

	// Ties: the gradient goes to the first maximum only.
	tie := FromSlice([]float32{3, 1, 3}, 3).SetRequiresGrad(true)
	tie.Max().Backward()
	wantValues(t, "Max tie gradient", tie.Grad(), []int{3}, 1, 0, 0)
	tie.ZeroGrad()
	tie.MaxAxis(0, false).Backward()
	wantValues(t, "MaxAxis tie gradient", tie.Grad(), []int{3}, 1, 0, 0)

	// A NaN is not hidden by Max.
	if v := FromSlice([]float32{1, float32(math.NaN()), 2}, 3).Max().Item(); !math.IsNaN(v) {
		t.Errorf("Max of a tensor holding NaN = %v, want NaN", v)
	}

	mustPanic(t, "SumAxis out of range", func() { m.SumAxis(2, false) }, "SumAxis(2)", "[2 3]")
	mustPanic(t, "MeanAxis out of range", func() { m.MeanAxis(-3, false) }, "MeanAxis(-3)", "[2 3]")
	mustPanic(t, "MaxAxis empty", func() { New(2, 0).MaxAxis(1, false) }, "MaxAxis(1)", "[2 0]", "empty")
	mustPanic(t, "MeanAxis empty", func() { New(0, 2).MeanAxis(0, false) }, "[0 2]", "empty")
	mustPanic(t, "Max empty", func() { New(0).Max() }, "Max", "[0]")
	mustPanic(t, "SumAxis of scalar", func() { Scalar(1).SumAxis(0, false) }, "[]")
}

func TestElementwiseOps(t *testing.T) {
	x := FromSlice([]float32{-2, -0.5, 0, 1.5, 4}, 5)
	wantValues(t, "Abs", x.Abs(), []int{5}, 2, 0.5, 0, 1.5, 4)
	wantValues(t, "Clamp", x.Clamp(-1, 2), []int{5}, -1, -0.5, 0, 1.5, 2)
	wantValues(t, "Pow 2", x.Pow(2), []int{5}, 4, 0.25, 0, 2.25, 16)
	wantValues(t, "Pow 0.5", FromSlice([]float32{4, 9, 0.25}, 3).Pow(0.5), []int{3}, 2, 3, 0.5)
	wantValues(t, "Pow -1", FromSlice([]float32{4, -0.5}, 2).Pow(-1), []int{2}, 0.25, -2)
	y := FromSlice([]float32{1, 1, 1, 1, 1}, 5)
	wantValues(t, "Maximum", x.Maximum(y), []int{5}, 1, 1, 1, 1.5, 4)
	wantValues(t, "Minimum", x.Minimum(y), []int{5}, -2, -0.5, 0, 1, 1)
	wantValues(t, "Maximum scalar", x.Maximum(Scalar(0)), []int{5}, 0, 0, 0, 1.5, 4)
	m := FromSlice([]float32{1, 5, 3, 4, 2, 6}, 2, 3)
	wantValues(t, "Minimum row", m.Minimum(FromSlice([]float32{2, 2, 4}, 3)), []int{2, 3}, 1, 2, 3, 2, 2, 4)

	// Gradients at the edges: Abs at 0 and Pow(0) are 0, Clamp passes at its limits,
	// Maximum splits a tie.
	e := FromSlice([]float32{0, 1, -1}, 3).SetRequiresGrad(true)
	e.Abs().Sum().Backward()
	wantValues(t, "Abs gradient", e.Grad(), []int{3}, 0, 1, -1)
	e.ZeroGrad()
	e.Clamp(-1, 0.5).Sum().Backward()
	wantValues(t, "Clamp gradient", e.Grad(), []int{3}, 1, 0, 1)
	e.ZeroGrad()
	e.Pow(0).Sum().Backward()
	wantValues(t, "Pow(0) gradient", e.Grad(), []int{3}, 0, 0, 0)
	a := FromSlice([]float32{2, 3}, 2).SetRequiresGrad(true)
	b := FromSlice([]float32{2, 1}, 2).SetRequiresGrad(true)
	a.Maximum(b).Sum().Backward()
	wantValues(t, "Maximum tie gradient a", a.Grad(), []int{2}, 0.5, 1)
	wantValues(t, "Maximum tie gradient b", b.Grad(), []int{2}, 0.5, 0)

	mustPanic(t, "Clamp bad limits", func() { x.Clamp(2, 1) }, "Clamp(2, 1)")
	mustPanic(t, "Maximum shapes", func() { m.Maximum(Ones(2)) }, "Maximum", "[2 3]", "[2]")
	mustPanic(t, "Minimum shapes", func() { Ones(3, 2).Minimum(m) }, "Minimum", "[3 2]", "[2 3]")
}

func TestBroadcasting(t *testing.T) {
	m := FromSlice([]float32{1, 5, 3, 4, 2, 6}, 2, 3)
	wantValues(t, "centre rows", m.Sub(m.MeanAxis(1, true)), []int{2, 3}, -2, 2, 0, 0, -2, 2)
	wantValues(t, "scale columns", m.Div(m.MaxAxis(0, true)), []int{2, 3}, 0.25, 1, 0.5, 1, 0.4, 1)
	col := FromSlice([]float32{10, 20}, 2, 1)
	wantValues(t, "column plus row", col.Add(FromSlice([]float32{1, 2, 3}, 3)), []int{2, 3}, 11, 12, 13, 21, 22, 23)
	wantValues(t, "row times matrix", FromSlice([]float32{1, 0, -1}, 3).Mul(m), []int{2, 3}, 1, 0, -3, 4, 0, -6)
	wantValues(t, "one value first", FromSlice([]float32{2}, 1).Sub(m), []int{2, 3}, 1, -3, -1, -2, 0, -4)
	wantValues(t, "3-D by 2-D", Ones(2, 1, 3).Mul(FromSlice([]float32{1, 2}, 2, 1)), []int{2, 2, 3},
		1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2)

	mustPanic(t, "incompatible", func() { m.Add(Ones(2)) }, "Add", "[2 3]", "[2]", "cannot be broadcast")
	mustPanic(t, "incompatible column", func() { m.Mul(Ones(3, 1)) }, "Mul", "[2 3]", "[3 1]")

	rng := rand.New(rand.NewPCG(31, 32))
	a := randTensor(rng, -1, 1, 3, 4).SetRequiresGrad(true)
	c := randTensor(rng, -1, 1, 3, 1).SetRequiresGrad(true)
	r := randTensor(rng, -1, 1, 1, 4).SetRequiresGrad(true)
	v := randTensor(rng, -1, 1, 4).SetRequiresGrad(true)
	p := randTensor(rng, 0.5, 2, 2, 1, 4).SetRequiresGrad(true)
	gradCheck(t, "Sub column", func() *Tensor { return a.Sub(c) }, a, c)
	gradCheck(t, "Add outer", func() *Tensor { return c.Add(r) }, c, r)
	gradCheck(t, "Mul vector first", func() *Tensor { return v.Mul(a) }, v, a)
	gradCheck(t, "Div 3-D", func() *Tensor { return c.Div(p) }, c, p)
	gradCheck(t, "Maximum outer", func() *Tensor { return c.Maximum(r) }, c, r)
	gradCheck(t, "standardise rows", func() *Tensor {
		centred := a.Sub(a.MeanAxis(1, true))
		return centred.Div(centred.Square().MeanAxis(1, true).AddScalar(1e-3).Sqrt())
	}, a)
}

func TestIndexingOps(t *testing.T) {
	m := Arange(0, 12, 1).Reshape(4, 3)
	wantValues(t, "Row(1)", m.Row(1), []int{3}, 3, 4, 5)
	wantValues(t, "Row(-1)", m.Row(-1), []int{3}, 9, 10, 11)
	wantValues(t, "Rows(1, 3)", m.Rows(1, 3), []int{2, 3}, 3, 4, 5, 6, 7, 8)
	wantValues(t, "Rows(2, 2)", m.Rows(2, 2), []int{0, 3})
	wantValues(t, "Row of 1-D", Arange(0, 3, 1).Row(2), []int{}, 2)
	wantValues(t, "IndexRows", m.IndexRows([]int{3, 0, 3}), []int{3, 3}, 9, 10, 11, 0, 1, 2, 9, 10, 11)
	wantValues(t, "IndexRows none", m.IndexRows(nil), []int{0, 3})

	// Rows copies: writing to the result leaves the source alone.
	r := m.Rows(0, 1)
	r.Set(100, 0, 0)
	if m.At(0, 0) != 0 {
		t.Errorf("writing to Rows' result changed the source: %v", m.At(0, 0))
	}

	a := FromSlice([]float32{1, 2, 3, 4}, 2, 2)
	b := FromSlice([]float32{5, 6}, 1, 2)
	c := FromSlice([]float32{7, 8}, 2, 1)
	wantValues(t, "Concat(0)", Concat(0, a, b), []int{3, 2}, 1, 2, 3, 4, 5, 6)
	wantValues(t, "Concat(1)", Concat(1, a, c), []int{2, 3}, 1, 2, 7, 3, 4, 8)
	wantValues(t, "Concat(-1, three)", Concat(-1, c, a, c), []int{2, 4}, 7, 1, 2, 7, 8, 3, 4, 8)
	wantValues(t, "Concat one", Concat(0, b), []int{1, 2}, 5, 6)
	wantValues(t, "Stack", Stack(Ones(2), Zeros(2), Full(3, 2)), []int{3, 2}, 1, 1, 0, 0, 3, 3)
	wantValues(t, "Stack scalars", Stack(Scalar(1), Scalar(2)), []int{2}, 1, 2)
	wantValues(t, "Stack matrices", Stack(a, a), []int{2, 2, 2}, 1, 2, 3, 4, 1, 2, 3, 4)

	// Gradient of a repeated row adds up.
	w := Arange(0, 6, 1).Reshape(3, 2).SetRequiresGrad(true)
	w.IndexRows([]int{2, 0, 2}).Sum().Backward()
	wantValues(t, "IndexRows gradient", w.Grad(), []int{3, 2}, 1, 1, 0, 0, 2, 2)

	mustPanic(t, "Row out of range", func() { m.Row(4) }, "Row(4)", "[4 3]")
	mustPanic(t, "Row of scalar", func() { Scalar(1).Row(0) }, "Row", "[]")
	mustPanic(t, "Rows backwards", func() { m.Rows(3, 2) }, "Rows(3, 2)", "[4 3]")
	mustPanic(t, "Rows past end", func() { m.Rows(0, 5) }, "Rows(0, 5)", "[4 3]")
	mustPanic(t, "IndexRows out of range", func() { m.IndexRows([]int{0, 4}) }, "ids[1] = 4", "[4 3]")
	mustPanic(t, "Concat shapes", func() { Concat(0, a, c) }, "[2 2]", "[2 1]")
	mustPanic(t, "Concat ranks", func() { Concat(0, a, Ones(2)) }, "[2 2]", "[2]")
	mustPanic(t, "Concat axis", func() { Concat(2, a, a) }, "Concat(2)", "[2 2]")
	mustPanic(t, "Concat none", func() { Concat(0) }, "no tensors")
	mustPanic(t, "Stack shapes", func() { Stack(a, b) }, "[2 2]", "[1 2]")
	mustPanic(t, "Stack nil", func() { Stack(a, nil) }, "tensor 1 is nil")
}

func TestGradNewOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	a3 := randTensor(rng, -1, 1, 2, 3, 4).SetRequiresGrad(true)
	a := randTensor(rng, -1, 1, 3, 4).SetRequiresGrad(true)
	b := randTensor(rng, -1, 1, 3, 4).SetRequiresGrad(true)
	row := randTensor(rng, -1, 1, 4).SetRequiresGrad(true)
	pos := randTensor(rng, 0.5, 2, 3, 4).SetRequiresGrad(true)
	c := randTensor(rng, -1, 1, 3, 2).SetRequiresGrad(true)
	d := randTensor(rng, -1, 1, 1, 4).SetRequiresGrad(true)
	// Keep Abs and Clamp inputs away from their kinks, and Maximum's inputs apart,
	// where finite differences are meaningless.
	away := randTensor(rng, 0.1, 0.4, 3, 4).SetRequiresGrad(true)
	for i := range away.data {
		switch i % 3 {
		case 0:
			away.data[i] = -away.data[i]
		case 1:
			away.data[i] += 0.6 // above Clamp's upper limit 0.5 and away from it
		}
	}
	for i := range b.data {
		if math.Abs(float64(a.data[i]-b.data[i])) < 0.05 {
			b.data[i] += 0.1
		}
	}
	cases := []struct {
		name   string
		f      func() *Tensor
		inputs []*Tensor
	}{
		{"SumAxis 0", func() *Tensor { return a3.SumAxis(0, false) }, []*Tensor{a3}},
		{"SumAxis 1 keep", func() *Tensor { return a3.SumAxis(1, true) }, []*Tensor{a3}},
		{"SumAxis -1", func() *Tensor { return a3.SumAxis(-1, false).Square() }, []*Tensor{a3}},
		{"MeanAxis 1", func() *Tensor { return a3.MeanAxis(1, false).Square() }, []*Tensor{a3}},
		{"MaxAxis 2", func() *Tensor { return a3.MaxAxis(2, false) }, []*Tensor{a3}},
		{"MaxAxis 0 keep", func() *Tensor { return a3.MaxAxis(0, true) }, []*Tensor{a3}},
		{"MinAxis 1", func() *Tensor { return a3.MinAxis(1, false) }, []*Tensor{a3}},
		{"Max", func() *Tensor { return a3.Max() }, []*Tensor{a3}},
		{"Min", func() *Tensor { return a3.Min() }, []*Tensor{a3}},
		{"Pow 3", func() *Tensor { return a.Pow(3) }, []*Tensor{a}},
		{"Pow 2.5", func() *Tensor { return pos.Pow(2.5) }, []*Tensor{pos}},
		{"Pow -1.5", func() *Tensor { return pos.Pow(-1.5) }, []*Tensor{pos}},
		{"Abs", func() *Tensor { return away.Abs() }, []*Tensor{away}},
		{"Clamp", func() *Tensor { return away.Clamp(-0.25, 0.5) }, []*Tensor{away}},
		{"Maximum", func() *Tensor { return a.Maximum(b) }, []*Tensor{a, b}},
		{"Minimum", func() *Tensor { return a.Minimum(b) }, []*Tensor{a, b}},
		{"Maximum row", func() *Tensor { return a.Maximum(row) }, []*Tensor{a, row}},
		{"Row", func() *Tensor { return a.Row(1).Square() }, []*Tensor{a}},
		{"Row -1", func() *Tensor { return a3.Row(-1) }, []*Tensor{a3}},
		{"Rows", func() *Tensor { return a.Rows(1, 3).Mul(a.Rows(0, 2)) }, []*Tensor{a}},
		{"IndexRows", func() *Tensor { return a.IndexRows([]int{2, 0, 2, 1}).Square() }, []*Tensor{a}},
		{"Concat 0", func() *Tensor { return Concat(0, a, d, a).Square() }, []*Tensor{a, d}},
		{"Concat 1", func() *Tensor { return Concat(1, c, a).Square() }, []*Tensor{c, a}},
		{"Concat -1 3-D", func() *Tensor { return Concat(-1, a3, a3).Tanh() }, []*Tensor{a3}},
		{"Stack", func() *Tensor { return Stack(a, b, a).Square() }, []*Tensor{a, b}},
		{"composite", func() *Tensor {
			return Stack(a.Row(0), b.Row(2)).SumAxis(0, false).Abs().Clamp(0, 1.5).Pow(2).Sum()
		}, []*Tensor{a, b}},
	}
	for _, c := range cases {
		gradCheck(t, c.name, c.f, c.inputs...)
	}
}
