//go:build openblas

package gemm

import "gopad.dev/gopad/ml/internal/gemm/openblas"

func init() { external = openblas.Sgemm }
