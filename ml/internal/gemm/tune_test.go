package gemm

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkTune times the shape in GEMM_SHAPE ("m,n,k[,threads]"), a tuning
// aid; GEMM_DIRECT=0/1 forces packing on/off, GEMM_TA=1 and GEMM_TB=1
// transpose A and B.
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
	switch os.Getenv("GEMM_DIRECT") {
	case "0":
		defer func(old int) { directMaxWork = old }(directMaxWork)
		directMaxWork = 0
	case "1":
		defer func(old int) { directMaxWork = old }(directMaxWork)
		directMaxWork = math.MaxInt
	}
	tA, tB := os.Getenv("GEMM_TA") == "1", os.Getenv("GEMM_TB") == "1"
	benchShape(b, tA, tB, v[0], v[1], v[2])
}
