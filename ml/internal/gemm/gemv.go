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
		var out [4]float32
		store := func(r int, dot float32) {
			v := alpha * dot
			if beta != 0 {
				v += beta * y[r*incy]
			}
			y[r*incy] = v
		}
		if rows < 4 {
			// Too few rows for the 4-row kernel: give it row i four times.
			for i := 0; i < rows; i++ {
				dotRows4(cols, x, mat[i*ldm:], 0, &out)
				store(i, out[0])
			}
			return
		}
		for i := 0; i < rows; i += 4 {
			// The last group starts at rows-4, recomputing a few rows rather
			// than reading past M.
			start := min(i, rows-4)
			dotRows4(cols, x, mat[start*ldm:], ldm, &out)
			for r := i; r < start+4; r++ {
				store(r, out[r-start])
			}
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

// dotRows4Generic is the pure-Go dotRows4.
func dotRows4Generic(k int, x, m []float32, ldm int, out *[4]float32) {
	x = x[:k]
	for r := range out {
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
