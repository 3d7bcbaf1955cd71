package gemm

// gemv computes y = alpha*op(M)*x + beta*y, where M is rows×cols with row
// stride ldm and op(M) is M, or M^T when transM; x and y have strides incx
// and incy. It serves the products where m or n is 1 (batch-1 inference,
// single-output layers), where the tiled path would waste most of its tile.
func gemv(transM bool, rows, cols int, alpha float32, mat []float32, ldm int, x []float32, incx int, beta float32, y []float32, incy int) {
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	if !transM {
		// y[i] = alpha*dot(M row i, x) + beta*y[i]; the dot kernel wants x contiguous.
		if incx != 1 {
			s.vec = grow(s.vec, cols)
			for p := range s.vec {
				s.vec[p] = x[p*incx]
			}
			x = s.vec
		}
		s.out = grow(s.out, rows+3)
		dotRowsBlock(cols, x, mat, ldm, rows, s.out)
		for r, dot := range s.out[:rows] {
			v := alpha * dot
			if beta != 0 {
				v += beta * y[r*incy]
			}
			y[r*incy] = v
		}
		return
	}
	// y[j] = alpha*Σ_p x[p]*M[p][j] + beta*y[j]; the kernel wants y contiguous.
	yc := y
	if incy != 1 {
		s.vec = grow(s.vec, cols)
		yc = s.vec
		if beta != 0 {
			for j := range yc {
				yc[j] = y[j*incy]
			}
		}
	}
	axpyRowsBlock(rows, x, incx, mat, ldm, yc, cols, alpha, beta)
	if incy != 1 {
		for j, v := range yc {
			y[j*incy] = v
		}
	}
}

// dotRowsGeneric is the pure-Go dotRowsBlock.
func dotRowsGeneric(k int, x, m []float32, ldm, rows int, out []float32) {
	x = x[:k]
	for r := range rows {
		row := m[r*ldm : r*ldm+k]
		var sum float32
		for p, v := range x {
			sum += v * row[p]
		}
		out[r] = sum
	}
}

// axpyRowsGeneric is the pure-Go axpyRowsBlock.
func axpyRowsGeneric(k int, x []float32, incx int, m []float32, ldm int, y []float32, n int, alpha, beta float32) {
	var acc [64]float32
	for j0 := 0; j0 < n; j0 += len(acc) {
		w := min(len(acc), n-j0)
		sums := acc[:w]
		clear(sums)
		for p := 0; p < k; p++ {
			xv := x[p*incx]
			row := m[p*ldm+j0 : p*ldm+j0+w]
			for j, v := range row {
				sums[j] += xv * v
			}
		}
		out := y[j0 : j0+w]
		for j, v := range sums {
			if beta == 0 {
				out[j] = alpha * v
			} else {
				out[j] = alpha*v + beta*out[j]
			}
		}
	}
}
