//go:build amd64 && !purego

package qgemm

import "golang.org/x/sys/cpu"

var hasAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

var useAsm = hasAsm

// kernel4x16 computes a 4-row by 16-output tile of Linear: rows a, a+lda,
// a+2·lda, a+3·lda against one packed panel b (kq groups of 4 inputs), and
// writes float32 results to c, c+ldc, ... (16 values each).
//
//go:noescape
func kernel4x16(kq int, a *uint8, lda int, b *int8, c *float32, ldc int, zp *int32, mul, bias *float32)

// kernel1x16 is kernel4x16 for one row.
//
//go:noescape
func kernel1x16(kq int, a *uint8, b *int8, c *float32, zp *int32, mul, bias *float32)

// linearAsm walks the output in 4×16 tiles. A panel that is only partly
// inside the output (N not a multiple of 16) is written to a scratch tile and
// copied, so the kernels never store outside c.
func linearAsm(m int, a []uint8, lda int, p *Packed, zpRowSums []int32, mul, bias []float32, c []float32, ldc int) {
	kq := p.KP / 4
	panelBytes := kq * Panel * 4
	var scratch [4 * Panel]float32
	for panel := 0; panel*Panel < p.N; panel++ {
		j := panel * Panel
		cols := min(Panel, p.N-j)
		b := &p.data[panel*panelBytes]
		zp, mu, bi := &zpRowSums[j], &mul[j], &bias[j]
		i := 0
		for ; i+4 <= m; i += 4 {
			if cols == Panel {
				kernel4x16(kq, &a[i*lda], lda, b, &c[i*ldc+j], ldc, zp, mu, bi)
				continue
			}
			kernel4x16(kq, &a[i*lda], lda, b, &scratch[0], Panel, zp, mu, bi)
			for r := 0; r < 4; r++ {
				copy(c[(i+r)*ldc+j:(i+r)*ldc+j+cols], scratch[r*Panel:])
			}
		}
		for ; i < m; i++ {
			if cols == Panel {
				kernel1x16(kq, &a[i*lda], b, &c[i*ldc+j], zp, mu, bi)
				continue
			}
			kernel1x16(kq, &a[i*lda], b, &scratch[0], zp, mu, bi)
			copy(c[i*ldc+j:i*ldc+j+cols], scratch[:cols])
		}
	}
}
