//go:build !amd64 || purego

package gemm

// useAsm is false: this build has no assembly micro-kernel.
var useAsm = false

// microKernel computes the rows×cols tile C = alpha*A*B + beta*C; see kernelGeneric.
func microKernel(k int, a []float32, rsA, csA int, b []float32, rsB int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	kernelGeneric(k, a, rsA, csA, b, rsB, c, ldc, alpha, beta, rows, cols)
}

// dotRowsBlock sets out[r] = Σ_{p<k} x[p]*m[r*ldm+p] for r < rows.
func dotRowsBlock(k int, x, m []float32, ldm, rows int, out []float32) {
	dotRowsGeneric(k, x, m, ldm, rows, out)
}

// axpyRowsBlock sets y[j] = alpha*Σ_{p<k} x[p*incx]*m[p*ldm+j] + beta*y[j] for j < n.
func axpyRowsBlock(k int, x []float32, incx int, m []float32, ldm int, y []float32, n int, alpha, beta float32) {
	axpyRowsGeneric(k, x, incx, m, ldm, y, n, alpha, beta)
}

// packTransposedPanel16 has no fast version in this build: it leaves all of
// the panel to the caller.
func packTransposedPanel16(k int, b []float32, ldb int, dst []float32) int { return 0 }
