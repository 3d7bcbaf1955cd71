//go:build amd64 && !purego

package qgemm

import "golang.org/x/sys/cpu"

var hasAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

var useAsm = hasAsm

// hasVNNI selects the VPDPBUSD kernels (AVX512-VNNI on 256-bit registers).
var hasVNNI = hasAsm && cpu.X86.HasAVX512VNNI && cpu.X86.HasAVX512VL

var useVNNI = hasVNNI

// SetVNNI turns the AVX512-VNNI kernels on or off (tests and benchmarks
// compare them with the AVX2 ones) and returns the previous setting; without
// the instructions it stays off.
func SetVNNI(on bool) bool {
	prev := useVNNI
	useVNNI = on && hasVNNI
	return prev
}

// HasVNNI reports whether this CPU runs the AVX512-VNNI kernels.
func HasVNNI() bool { return hasVNNI }

// kernel4x16 computes a 4-row by 16-output tile of Linear: rows a, a+lda,
// a+2·lda, a+3·lda against one packed panel b (kq groups of 4 inputs), and
// writes float32 results to c, c+ldc, ... (16 values each).
//
// The epilogue takes the panel's row sums, scales and biases (16 each) and
// the call's activation zero point and scale.
//
//go:noescape
func kernel4x16(kq int, a *uint8, lda int, b *int8, c *float32, ldc int, epi *epilogue)

// kernel1x16 is kernel4x16 for one row.
//
//go:noescape
func kernel1x16(kq int, a *uint8, b *int8, c *float32, epi *epilogue)

// kernel4x16vnni is kernel4x16 with VPDPBUSD.
//
//go:noescape
func kernel4x16vnni(kq int, a *uint8, lda int, b *int8, c *float32, ldc int, epi *epilogue)

// kernel1x16vnni is kernel1x16 with VPDPBUSD.
//
//go:noescape
func kernel1x16vnni(kq int, a *uint8, b *int8, c *float32, epi *epilogue)

// epilogue is what the kernels need besides the operands, in the layout the
// assembly reads: pointers to one panel's 16 row sums, scales and biases,
// then the activations' zero point and scale.
type epilogue struct {
	rowSums *int32
	scales  *float32
	bias    *float32
	zp      int32
	sx      float32
}

// linearAsm walks the output in 4×16 tiles. A panel that is only partly
// inside the output (N not a multiple of 16) is written to a scratch tile and
// copied, so the kernels never store outside c. (The kernels are called
// directly, not through function values, so that epi stays on the stack.)
func linearAsm(m int, a []uint8, lda int, p *Packed, zp int32, sx float32, c []float32, ldc int) {
	kq := p.KP / 4
	panelBytes := kq * Panel * 4
	var scratch [4 * Panel]float32
	vnni := useVNNI
	var epi epilogue
	epi.zp, epi.sx = zp, sx
	for panel := 0; panel*Panel < p.N; panel++ {
		j := panel * Panel
		cols := min(Panel, p.N-j)
		b := &p.data[panel*panelBytes]
		epi.rowSums, epi.scales, epi.bias = &p.rowSums[j], &p.scales[j], &p.bias[j]
		i := 0
		for ; i+4 <= m; i += 4 {
			dst, ld := &c[i*ldc+j], ldc
			if cols < Panel {
				dst, ld = &scratch[0], Panel
			}
			if vnni {
				kernel4x16vnni(kq, &a[i*lda], lda, b, dst, ld, &epi)
			} else {
				kernel4x16(kq, &a[i*lda], lda, b, dst, ld, &epi)
			}
			if cols < Panel {
				for r := 0; r < 4; r++ {
					copy(c[(i+r)*ldc+j:(i+r)*ldc+j+cols], scratch[r*Panel:])
				}
			}
		}
		for ; i < m; i++ {
			dst := &c[i*ldc+j]
			if cols < Panel {
				dst = &scratch[0]
			}
			if vnni {
				kernel1x16vnni(kq, &a[i*lda], b, dst, &epi)
			} else {
				kernel1x16(kq, &a[i*lda], b, dst, &epi)
			}
			if cols < Panel {
				copy(c[i*ldc+j:i*ldc+j+cols], scratch[:cols])
			}
		}
	}
}

// rangeAVX2 writes the lane-wise minimum (with 0), maximum (with 0) and sum
// of v·0 of x[0:n] (n a multiple of 8) into lanes[0:8], [8:16], [16:24].
//
//go:noescape
func rangeAVX2(x *float32, n int, lanes *[24]float32)

// quantizeAVX2 sets dst[i] = clamp(zp + round(x[i]·inv), 0, 255) for i < n
// (a multiple of 32), rounding half to even.
//
//go:noescape
func quantizeAVX2(x *float32, n int, inv, zp float32, dst *uint8)
