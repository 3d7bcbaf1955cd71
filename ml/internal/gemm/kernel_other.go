//go:build !amd64 || purego

package gemm

// useAsm is false: this build has no assembly micro-kernel.
var useAsm = false

// microKernel computes the mr×nr tile C = alpha*A*B + beta*C; see kernelGeneric.
func microKernel(k int, a []float32, rsA, csA int, b []float32, rsB int, c []float32, ldc int, alpha, beta float32) {
	kernelGeneric(k, a, rsA, csA, b, rsB, c, ldc, alpha, beta)
}
