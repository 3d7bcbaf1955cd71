// Package gemm implements single-precision general matrix multiplication
// (SGEMM) for row-major matrices, tuned for the ml package's needs: a blocked,
// packed algorithm with an AVX2/FMA assembly micro-kernel on amd64, a pure-Go
// kernel elsewhere (or with the purego build tag), and a direct path without
// packing for the small and skinny products that dominate small networks.
package gemm

import "fmt"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices,
// op(X) = X or X^T.
// op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are row strides.
//
// When beta is zero, C is overwritten without being read, so NaN or Inf
// values already in C do not propagate. Sgemm panics with a descriptive
// message when a dimension is negative, a stride is too small or a slice is
// too short for the dimensions and strides given.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	if external != nil {
		external(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// external, when set (by the openblas build tag), replaces the Go
// implementation for products with m, n, k > 0 and alpha != 0.
var external func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// checkArgs panics when the dimensions, strides or slice lengths are inconsistent.
func checkArgs(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	// Stored shapes: A is m×k (k×m when transposed), B is k×n (n×k when transposed).
	aRows, aCols := m, k
	if transA {
		aRows, aCols = k, m
	}
	bRows, bCols := k, n
	if transB {
		bRows, bCols = n, k
	}
	checkMatrix("A", aRows, aCols, a, lda)
	checkMatrix("B", bRows, bCols, b, ldb)
	checkMatrix("C", m, n, c, ldc)
}

// checkMatrix panics unless x can hold a rows×cols row-major matrix with row stride ld.
func checkMatrix(name string, rows, cols int, x []float32, ld int) {
	if ld < max(1, cols) {
		panic(fmt.Sprintf("gemm: ld%s=%d is less than the %d columns of %s", lowerName(name), ld, cols, name))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := (rows-1)*ld + cols; len(x) < need {
		panic(fmt.Sprintf("gemm: %s has %d elements, need at least %d for %d×%d with stride %d", name, len(x), need, rows, cols, ld))
	}
}

func lowerName(name string) string {
	switch name {
	case "A":
		return "a"
	case "B":
		return "b"
	}
	return "c"
}

// scaleC sets C = beta*C, writing zeros when beta is zero so that NaN or Inf
// in the old C cannot leak into the result.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
