package gemm

// kernelGeneric computes the rows×cols tile C = alpha*A*B + beta*C in pure
// Go (rows <= mr, cols <= nr). A's element (i, p) is a[i*rsA+p*csA], B's
// element (p, j) is b[p*rsB+j] for j < nr (all nr columns are read) and C's
// element (i, j) is c[i*ldc+j]. When beta is zero C is not read.
func kernelGeneric(k int, a []float32, rsA, csA int, b []float32, rsB int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	var acc [mr][nr]float32
	for p := 0; p < k; p++ {
		brow := (*[nr]float32)(b[p*rsB : p*rsB+nr])
		for i := range rows {
			av := a[i*rsA+p*csA]
			row := &acc[i]
			for j := range nr {
				row[j] += av * brow[j]
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
