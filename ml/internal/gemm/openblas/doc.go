// Package openblas wraps OpenBLAS's cblas_sgemm for comparison. It is built
// only with the openblas build tag (and cgo, and libopenblas-dev installed);
// with that tag, package gemm routes Sgemm through it, so that
//
//	go test -tags openblas -bench . ./ml/internal/gemm
//
// runs the same tests and benchmarks against OpenBLAS.
package openblas
