//go:build amd64 && !purego

package ml

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly kernels; every amd64 CPU since 2013 has them.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasPOPCNT

//go:noescape
func sigmoidAVX2(dst, src *float32, n int)

//go:noescape
func tanhAVX2(dst, src *float32, n int)

//go:noescape
func expAVX2(dst, src *float32, n int)

func sigmoidInto(y, x []float32) {
	y = y[:len(x)]
	i := 0
	if useAVX2 && len(x) >= 8 {
		i = len(x) &^ 7
		sigmoidAVX2(&y[0], &x[0], i)
	}
	for ; i < len(x); i++ {
		y[i] = sigmoid32(x[i])
	}
}

func tanhInto(y, x []float32) {
	y = y[:len(x)]
	i := 0
	if useAVX2 && len(x) >= 8 {
		i = len(x) &^ 7
		tanhAVX2(&y[0], &x[0], i)
	}
	for ; i < len(x); i++ {
		y[i] = tanh32(x[i])
	}
}

func expInto(y, x []float32) {
	y = y[:len(x)]
	i := 0
	if useAVX2 && len(x) >= 8 {
		i = len(x) &^ 7
		expAVX2(&y[0], &x[0], i)
	}
	for ; i < len(x); i++ {
		y[i] = exp32(x[i])
	}
}

//go:noescape
func reluAVX2(dst, src *float32, n int)

//go:noescape
func reluBackAVX2(dx, y, dy *float32, n int)

//go:noescape
func adamAVX2(w, grad, m, v *float32, n int, b1, b2, eps, wd, stepSize, invSqrtBC2 float32)

func reluInto(y, x []float32) {
	y = y[:len(x)]
	i := 0
	if useAVX2 && len(x) >= 8 {
		i = len(x) &^ 7
		reluAVX2(&y[0], &x[0], i)
	}
	reluScalar(y[i:], x[i:])
}

// reluBackInto sets dx = dy where y > 0 and 0 elsewhere.
func reluBackInto(dx, y, dy []float32) {
	dx, y = dx[:len(dy)], y[:len(dy)]
	i := 0
	if useAVX2 && len(dy) >= 8 {
		i = len(dy) &^ 7
		reluBackAVX2(&dx[0], &y[0], &dy[0], i)
	}
	reluBackScalar(dx[i:], y[i:], dy[i:])
}

func adamUpdate(w, g, m, v []float32, b1, b2, eps, wd, stepSize, invSqrtBC2 float32) {
	w, m, v = w[:len(g)], m[:len(g)], v[:len(g)]
	i := 0
	if useAVX2 && len(g) >= 8 {
		i = len(g) &^ 7
		adamAVX2(&w[0], &g[0], &m[0], &v[0], i, b1, b2, eps, wd, stepSize, invSqrtBC2)
	}
	adamScalar(w[i:], g[i:], m[i:], v[i:], b1, b2, eps, wd, stepSize, invSqrtBC2)
}

//go:noescape
func axpyRows64AVX2(y, w *float32, off *int32, val *float32, cnt int)

//go:noescape
func axpyRows8AVX2(y, w *float32, off *int32, val *float32, cnt int)

//go:noescape
func axpyRows256AVX512(y, w *float32, off *int32, val *float32, cnt int)

//go:noescape
func axpyRows128AVX512(y, w *float32, off *int32, val *float32, cnt int)

// useAVX512 selects the single-row kernels that keep 128 or 256 outputs in
// registers and so stream each weight row once.
var useAVX512 = useAVX2 && cpu.X86.HasAVX512F

func axpyRowsVec(y, w []float32, n int, s *sparseRow) int {
	if !useAVX2 {
		return 0
	}
	j := 0
	if useAVX512 {
		for ; j+256 <= n; j += 256 {
			axpyRows256AVX512(&y[j], &w[j], &s.off[0], &s.val[0], len(s.val))
		}
		for ; j+128 <= n; j += 128 {
			axpyRows128AVX512(&y[j], &w[j], &s.off[0], &s.val[0], len(s.val))
		}
	}
	const block = 32 // rows per block: 32 rows of a 128-wide layer fit in L1
	wide := j + (n-j)&^63
	for b := 0; b < len(s.val) && wide > j; b += block {
		e := min(b+block, len(s.val))
		for c := j; c < wide; c += 64 {
			axpyRows64AVX2(&y[c], &w[c], &s.off[b], &s.val[b], e-b)
		}
	}
	j = wide
	for ; j+8 <= n; j += 8 {
		axpyRows8AVX2(&y[j], &w[j], &s.off[0], &s.val[0], len(s.val))
	}
	return j
}

//go:noescape
func lstmCellBackAVX2(gates, dg, dh, rec, dc, tc, cprev *float32, hid, n int)

// lstmCellBackwardVec runs the vector kernel on the first units of a row and
// returns how many it did. rec and cprev must not be nil (pass zeros).
func lstmCellBackwardVec(g, dg, dh, rec, dc, tc, cprev []float32) int {
	hid := len(dc)
	n := hid &^ 7
	if !useAVX2 || n == 0 {
		return 0
	}
	_, _, _, _, _ = g[4*hid-1], dg[4*hid-1], dh[hid-1], rec[hid-1], tc[hid-1]
	_ = cprev[hid-1]
	lstmCellBackAVX2(&g[0], &dg[0], &dh[0], &rec[0], &dc[0], &tc[0], &cprev[0], hid, n)
	return n
}

//go:noescape
func compactAVX2(x *float32, n, rowBytes int, off *int32, val *float32) int

// compactVec packs the nonzero values among the first elements of x (a multiple
// of 8 of them) into s, returning how many elements it examined and how many
// it kept.
func compactVec(x []float32, rowBytes int, s *sparseRow) (done, kept int) {
	n := len(x) &^ 7
	if !useAVX2 || n == 0 {
		return 0, 0
	}
	_, _ = s.off[n+7], s.val[n+7]
	return n, compactAVX2(&x[0], n, rowBytes, &s.off[0], &s.val[0])
}
