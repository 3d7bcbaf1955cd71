package ml

import "gopad.dev/gopad/ml/internal/gemm"

// sgemm is the one place the package multiplies matrices: C = alpha*op(A)*op(B) + beta*C,
// row-major, op(X) = X or X^T.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
