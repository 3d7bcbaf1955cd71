//go:build !amd64 || purego

package ml

// useSparseKernels: without the AVX-512 kernels the pure-Go sparse loops are
// slower than the dense assembly, so the automatic choice stays dense.
var useSparseKernels = false

func sparseGemvVec(y, x, b []float32, s *sparseLinear) bool { return false }

func sparseGemmVec(ys, xs, b, xt, yt []float32, lanes int, s *sparseLinear) bool { return false }
