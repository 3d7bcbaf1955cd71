//go:build !amd64 || purego

package ml

func sigmoidInto(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = sigmoid32(v)
	}
}

func tanhInto(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = tanh32(v)
	}
}

func expInto(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = exp32(v)
	}
}

func reluInto(y, x []float32) { reluScalar(y, x) }

func reluBackInto(dx, y, dy []float32) { reluBackScalar(dx, y, dy) }

func adamUpdate(w, g, m, v []float32, b1, b2, eps, wd, stepSize, invSqrtBC2 float32) {
	adamScalar(w, g, m, v, b1, b2, eps, wd, stepSize, invSqrtBC2)
}

func axpyRowsVec(y, w []float32, n int, s *sparseRow) int { return 0 }

func lstmCellBackwardVec(g, dg, dh, rec, dc, tc, cprev []float32) int { return 0 }

func compactVec(x []float32, rowBytes int, s *sparseRow) (done, kept int) { return 0, 0 }
