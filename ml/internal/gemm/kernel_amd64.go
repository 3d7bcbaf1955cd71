//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2/FMA micro-kernel; tests clear it to exercise the
// pure-Go kernel on machines that have AVX2.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernel6x16 is the assembly version of kernelGeneric (same contract) taking
// pointers to the first element of each operand.
//
//go:noescape
func kernel6x16(k int, a *float32, rsA, csA int, b *float32, rsB int, c *float32, ldc int, alpha, beta float32)

// microKernel computes the mr×nr tile C = alpha*A*B + beta*C, where A's
// element (i, p) is a[i*rsA+p*csA], B's element (p, j) is b[p*rsB+j] and C's
// element (i, j) is c[i*ldc+j]; k must be positive. When beta is zero C is
// not read. Callers guarantee that every addressed element is in range.
func microKernel(k int, a []float32, rsA, csA int, b []float32, rsB int, c []float32, ldc int, alpha, beta float32) {
	if useAsm {
		kernel6x16(k, &a[0], rsA, csA, &b[0], rsB, &c[0], ldc, alpha, beta)
		return
	}
	kernelGeneric(k, a, rsA, csA, b, rsB, c, ldc, alpha, beta)
}
