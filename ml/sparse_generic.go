//go:build !amd64 || purego

package ml

// sparseKernelsDetected: without the assembly kernels the pure-Go sparse
// loops are slower than the dense ones, so the automatic choice stays dense
// (sparseCrossover).
var sparseKernelsDetected = sparseGo

func sparseGemvVec(y, x, b []float32, s *sparseLinear) bool { return false }

func sparseTransposeInVec(s *sparseLinear, xs []float32) bool { return false }

func sparseCSRRowsVec(s *sparseLinear) bool { return false }

func sparseTransposeOutVec(s *sparseLinear, ys, b []float32) bool { return false }
