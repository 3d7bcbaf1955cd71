package client_test

import (
	"context"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/kernel/protocol"
)

// benchOptions runs the gopad binary named by GOPAD_BENCH_KERNEL (as `gopad
// kernel`) if set, else this test binary as the kernel.
func benchOptions() client.Options {
	if exe := os.Getenv("GOPAD_BENCH_KERNEL"); exe != "" {
		return client.Options{Command: exe}
	}
	return kerneltest.Options()
}

// BenchmarkTrivialCell measures `x + 1` from request to idle through a real kernel
// process, and reports the median and 99th percentile.
func BenchmarkTrivialCell(b *testing.B) {
	k, err := client.Start(context.Background(), benchOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer k.Shutdown(context.Background())
	ctx := context.Background()
	if _, err := k.Execute(ctx, "x := 1", nil); err != nil {
		b.Fatal(err)
	}
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		reply, err := k.Execute(ctx, "x + 1", nil)
		latencies = append(latencies, time.Since(start))
		if err != nil || reply.Status != protocol.ReplyOK {
			b.Fatalf("x + 1: %+v %v", reply, err)
		}
	}
	b.StopTimer()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkStartToFirstResult measures spawning a kernel until `1 + 1` has been
// answered, and the kernel's resident memory at that point.
func BenchmarkStartToFirstResult(b *testing.B) {
	ctx := context.Background()
	var (
		rssTotal                   float64
		resultTotal, shutdownTotal time.Duration
	)
	for range b.N {
		start := time.Now()
		k, err := client.Start(ctx, benchOptions())
		if err != nil {
			b.Fatal(err)
		}
		reply, err := k.Execute(ctx, "1 + 1", nil)
		elapsed := time.Since(start)
		if err != nil || reply.Status != protocol.ReplyOK {
			b.Fatalf("1 + 1: %+v %v", reply, err)
		}
		b.StopTimer()
		rssTotal += rssMB(b, k.PID())
		stopStart := time.Now()
		k.Shutdown(ctx)
		shutdownTotal += time.Since(stopStart)
		resultTotal += elapsed
		b.StartTimer()
	}
	b.ReportMetric(float64(resultTotal.Microseconds())/1000/float64(b.N), "ms-to-result")
	b.ReportMetric(float64(shutdownTotal.Microseconds())/1000/float64(b.N), "ms-shutdown")
	b.ReportMetric(rssTotal/float64(b.N), "rss-MB")
}

// rssMB reads a process's resident set size from /proc.
func rssMB(b *testing.B, pid int) float64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				b.Fatal(err)
			}
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmRSS in /proc status")
	return 0
}
