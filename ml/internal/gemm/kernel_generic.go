package gemm

// kernelGeneric computes the rows×cols tile C = alpha*A*B + beta*C in pure
// Go (rows <= mr, cols <= nr). A's element (i, p) is a[i*rsA+p*csA], B's
// element (p, j) is b[p*rsB+j] for j < nr (all nr columns are read) and C's
// element (i, j) is c[i*ldc+j]. When beta is zero C is not read.
func kernelGeneric(k int, a []float32, rsA, csA int, b []float32, rsB int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	// Two rows by four columns at a time: eight accumulators the compiler
	// keeps in registers.
	var acc [mr][nr]float32
	for i0 := 0; i0 < rows; i0 += 2 {
		r0, r1 := i0*rsA, i0*rsA
		if i0+1 < rows {
			r1 = (i0 + 1) * rsA
		}
		for j0 := 0; j0 < nr; j0 += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float32
			for p := 0; p < k; p++ {
				bq := (*[4]float32)(b[p*rsB+j0:])
				a0, a1 := a[r0+p*csA], a[r1+p*csA]
				c00 += a0 * bq[0]
				c01 += a0 * bq[1]
				c02 += a0 * bq[2]
				c03 += a0 * bq[3]
				c10 += a1 * bq[0]
				c11 += a1 * bq[1]
				c12 += a1 * bq[2]
				c13 += a1 * bq[3]
			}
			acc[i0][j0], acc[i0][j0+1], acc[i0][j0+2], acc[i0][j0+3] = c00, c01, c02, c03
			if i0+1 < rows {
				acc[i0+1][j0], acc[i0+1][j0+1], acc[i0+1][j0+2], acc[i0+1][j0+3] = c10, c11, c12, c13
			}
		}
	}
	for i := range rows {
		crow := c[i*ldc : i*ldc+cols]
		if beta == 0 {
			for j := range crow {
				crow[j] = alpha * acc[i][j]
			}
			continue
		}
		for j := range crow {
			crow[j] = alpha*acc[i][j] + beta*crow[j]
		}
	}
}
