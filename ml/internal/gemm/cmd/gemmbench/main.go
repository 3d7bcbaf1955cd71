// Command gemmbench times Sgemm on square row-major matrices the way
// ../shared/bench/gemm_openblas.c times OpenBLAS (same sizes, same repetition
// rule, one JSON line per size), so that the two can be run side by side.
//
//	go run ./ml/internal/gemm/cmd/gemmbench [-threads 1|2] [-sizes 128,256,512,1024]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"time"

	"gopad.dev/gopad/ml/internal/gemm"
)

func main() {
	threads := flag.Int("threads", 2, "goroutines per product (1 or 2)")
	sizes := flag.String("sizes", "128,256,512,1024", "comma-separated matrix sizes n")
	flag.Parse()
	if err := run(*threads, *sizes); err != nil {
		fmt.Fprintln(os.Stderr, "gemmbench:", err)
		os.Exit(2)
	}
}

func run(threads int, sizeList string) error {
	if _, err := gemm.SetMaxThreads(threads); err != nil {
		return err
	}
	var sizes []int
	for _, f := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return fmt.Errorf("bad size %q in -sizes: want positive integers", f)
		}
		sizes = append(sizes, n)
	}
	rng := rand.New(rand.NewSource(1))
	enc := json.NewEncoder(os.Stdout)
	for _, n := range sizes {
		a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
		for i := range a {
			a[i], b[i] = rng.Float32(), rng.Float32()
		}
		gemm.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
		reps := 1 + 2_000_000_000/(n*n*n)
		start := time.Now()
		for range reps {
			gemm.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
		}
		secs := time.Since(start).Seconds()
		line := map[string]any{"workload": "sgemm_go", "n": n, "threads": threads,
			"gflops": float64(reps) * 2 * float64(n) * float64(n) * float64(n) / secs / 1e9}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("writing result: %w", err)
		}
	}
	return nil
}
