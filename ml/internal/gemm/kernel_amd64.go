//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2/FMA micro-kernel; tests clear it to exercise the
// pure-Go kernel on machines that have AVX2.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:generate go run gen_kernels.go

// kernelRx16 (R = 1..6, in kernel_amd64.s) is the assembly version of
// kernelGeneric for rows = R, taking pointers to the first element of each
// operand.
//
//go:noescape
func kernel1x16(k int, a *float32, rsA, csA int, b *float32, rsB int, c *float32, ldc int, alpha, beta float32, cols int)

//go:noescape
func kernel2x16(k int, a *float32, rsA, csA int, b *float32, rsB int, c *float32, ldc int, alpha, beta float32, cols int)

//go:noescape
func kernel3x16(k int, a *float32, rsA, csA int, b *float32, rsB int, c *float32, ldc int, alpha, beta float32, cols int)

//go:noescape
func kernel4x16(k int, a *float32, rsA, csA int, b *float32, rsB int, c *float32, ldc int, alpha, beta float32, cols int)

//go:noescape
func kernel5x16(k int, a *float32, rsA, csA int, b *float32, rsB int, c *float32, ldc int, alpha, beta float32, cols int)

//go:noescape
func kernel6x16(k int, a *float32, rsA, csA int, b *float32, rsB int, c *float32, ldc int, alpha, beta float32, cols int)

// microKernel computes the rows×cols tile C = alpha*A*B + beta*C (rows <=
// mr, cols <= nr), where A's element (i, p) is a[i*rsA+p*csA], B's element
// (p, j) is b[p*rsB+j] for j < nr (all nr columns are read) and C's element
// (i, j) is c[i*ldc+j]; k must be positive. When beta is zero C is not
// read. Callers guarantee that every addressed element is in range.
func microKernel(k int, a []float32, rsA, csA int, b []float32, rsB int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	if !useAsm {
		kernelGeneric(k, a, rsA, csA, b, rsB, c, ldc, alpha, beta, rows, cols)
		return
	}
	pa, pb, pc := &a[0], &b[0], &c[0]
	switch rows {
	case 6:
		kernel6x16(k, pa, rsA, csA, pb, rsB, pc, ldc, alpha, beta, cols)
	case 5:
		kernel5x16(k, pa, rsA, csA, pb, rsB, pc, ldc, alpha, beta, cols)
	case 4:
		kernel4x16(k, pa, rsA, csA, pb, rsB, pc, ldc, alpha, beta, cols)
	case 3:
		kernel3x16(k, pa, rsA, csA, pb, rsB, pc, ldc, alpha, beta, cols)
	case 2:
		kernel2x16(k, pa, rsA, csA, pb, rsB, pc, ldc, alpha, beta, cols)
	case 1:
		kernel1x16(k, pa, rsA, csA, pb, rsB, pc, ldc, alpha, beta, cols)
	default:
		panic("gemm: micro-kernel tile with bad row count")
	}
}

// dotRows computes out[r] = Σ_{p<k} x[p]*m[r*ldm+p] for r < rows; out
// must have room for rows+3 values.
//
//go:noescape
func dotRows(k int, x *float32, m *float32, ldm int, rows int, out *float32)

// axpyRows computes y[j] = alpha*Σ_{p<k} x[p*incx]*m[p*ldm+j] + beta*y[j]
// for j < n; k must be positive.
//
//go:noescape
func axpyRows(k int, x *float32, incx int, m *float32, ldm int, y *float32, n int, alpha, beta float32)

// dotRowsBlock sets out[r] = Σ_{p<k} x[p]*m[r*ldm+p] for r < rows (k,
// rows > 0); out must have room for rows+3 values.
func dotRowsBlock(k int, x, m []float32, ldm, rows int, out []float32) {
	if useAsm {
		_ = x[k-1]
		_ = m[(rows-1)*ldm+k-1] // the kernel reads up to here
		_ = out[rows+2]
		dotRows(k, &x[0], &m[0], ldm, rows, &out[0])
		return
	}
	dotRowsGeneric(k, x, m, ldm, rows, out)
}

// axpyRowsBlock sets y[j] = alpha*Σ_{p<k} x[p*incx]*m[p*ldm+j] + beta*y[j]
// for j < n.
func axpyRowsBlock(k int, x []float32, incx int, m []float32, ldm int, y []float32, n int, alpha, beta float32) {
	if useAsm {
		_ = x[(k-1)*incx]
		_ = m[(k-1)*ldm+n-1]
		_ = y[n-1]
		axpyRows(k, &x[0], incx, &m[0], ldm, &y[0], n, alpha, beta)
		return
	}
	axpyRowsGeneric(k, x, incx, m, ldm, y, n, alpha, beta)
}

// packBT16 sets dst[p*16+j] = b[j*ldb+p] for j < 16 and p < k, a multiple of 8.
//
//go:noescape
func packBT16(k int, b *float32, ldb int, dst *float32)

// packTransposedPanel16 sets dst[p*nr+j] = b[j*ldb+p] for j < nr and p < k,
// returning how many leading values of p it handled (the rest are left to
// the caller).
func packTransposedPanel16(k int, b []float32, ldb int, dst []float32) int {
	k8 := k &^ 7
	if !useAsm || k8 == 0 {
		return 0
	}
	_ = b[(nr-1)*ldb+k8-1]
	_ = dst[k8*nr-1]
	packBT16(k8, &b[0], ldb, &dst[0])
	return k8
}
