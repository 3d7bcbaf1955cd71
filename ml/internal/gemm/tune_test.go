package gemm

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkTune times the shape in GEMM_SHAPE ("m,n,k[,threads]"); a tuning aid.
func BenchmarkTune(b *testing.B) {
	spec := os.Getenv("GEMM_SHAPE")
	if spec == "" {
		b.Skip("GEMM_SHAPE not set")
	}
	var v []int
	for _, f := range strings.Split(spec, ",") {
		x, _ := strconv.Atoi(f)
		v = append(v, x)
	}
	if len(v) > 3 {
		old := maxWorkers
		maxWorkers = v[3]
		defer func() { maxWorkers = old }()
	}
	benchShape(b, false, false, v[0], v[1], v[2])
}
