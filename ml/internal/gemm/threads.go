package gemm

import "fmt"

// SetMaxThreads sets how many goroutines one product may use, 1 or 2, and
// returns the previous setting. It exists for benchmarks that compare with
// single-threaded libraries.
func SetMaxThreads(n int) (int, error) {
	if n < 1 || n > 2 {
		return maxWorkers, fmt.Errorf("gemm: SetMaxThreads(%d): want 1 or 2", n)
	}
	old := maxWorkers
	maxWorkers = n
	return old, nil
}
