// Package qgemm multiplies 8-bit integer matrices for ml's quantized layers:
// unsigned 8-bit activations by signed 8-bit weights, accumulated exactly in
// int32 and turned into float32 outputs in the same pass.
//
// A linear layer y = x·Wᵀ + b with x quantized as (qx - zp)·sx and W as qw·sw
// (one sw per output, or one for all) computes, per output j,
//
//	y[i][j] = float32(Σ_p qx[i][p]·qw[j][p] - zp·Σ_p qw[j][p]) · mul[j] + bias[j]
//
// with mul[j] = sx·sw[j] rounded to float32. The integer part is exact; the
// float part is one conversion, one multiply and one add, as in PyTorch's
// dynamic quantized linear.
//
// Weights are packed once (Pack) into panels of 16 outputs by 4 inputs, so
// that the kernels broadcast four activation bytes and multiply-add them with
// 16 outputs' four weights in two instructions with AVX512-VNNI (VPDPBUSD,
// used when the CPU has it), or in the AVX2 kernel with
// VPMADDUBSW (u8·s8 pairs added into int16) and widens with VPMADDWD into
// eight int32 accumulators per register; there are no horizontal sums. VPMADDUBSW
// saturates a pair sum beyond int16; every pair fits when activations are at
// most 128 (128·(-128)·2 = -32768), which ml's dynamic quantization
// guarantees by using 7-bit activations as PyTorch does (reduce_range). Linear
// checks the bound and takes the exact pure-Go path otherwise, so no input
// gives a silently saturated result.
package qgemm

import (
	"fmt"

	"gopad.dev/gopad/ml/internal/gemm"
)

// Panel is the number of outputs in one packed panel.
const Panel = 16

// MaxFastActivation is the largest activation the AVX2 kernel takes exactly.
const MaxFastActivation = 128

// PadK rounds an activation row length up to a multiple of 4: activation
// rows passed to Linear have this stride, zero-padded.
func PadK(k int) int { return (k + 3) &^ 3 }

// PadN rounds an output count up to a multiple of Panel: the per-output
// vectors passed to Linear have this length.
func PadN(n int) int { return (n + Panel - 1) / Panel * Panel }

// Packed is a weight matrix [N, K] of int8 laid out for the kernels.
type Packed struct {
	N, K    int    // logical outputs and inputs
	KP      int    // K padded to a multiple of 4
	data    []int8 // panels of [KP/4][16][4]
	rowSums []int32
	scales  []float32 // per output, PadN(N) long
	bias    []float32 // per output, PadN(N) long
}

// Pack lays out w (row-major [n, k], one row per output) with its scales
// (one, or one per output) and bias (n values) for Linear, and computes each
// row's sum for the zero-point correction.
func Pack(w []int8, n, k int, scales, bias []float32) *Packed {
	if n <= 0 || k <= 0 || len(w) != n*k {
		panic(fmt.Sprintf("qgemm: Pack: %d weights for a %d×%d matrix", len(w), n, k))
	}
	if len(scales) != 1 && len(scales) != n || len(bias) != n {
		panic(fmt.Sprintf("qgemm: Pack: %d scales and %d biases for %d outputs", len(scales), len(bias), n))
	}
	np := PadN(n)
	p := &Packed{N: n, K: k, KP: PadK(k), rowSums: make([]int32, np), scales: make([]float32, np), bias: make([]float32, np)}
	for j := 0; j < n; j++ {
		p.scales[j] = scales[min(j, len(scales)-1)]
	}
	copy(p.bias, bias)
	kq := p.KP / 4
	p.data = make([]int8, PadN(n)*p.KP)
	for j := 0; j < n; j++ {
		panel, col := j/Panel, j%Panel
		base := panel * kq * Panel * 4
		var sum int32
		for q := 0; q < k; q++ {
			v := w[j*k+q]
			sum += int32(v)
			p.data[base+(q/4)*Panel*4+col*4+q%4] = v
		}
		p.rowSums[j] = sum
	}
	return p
}

// Bytes returns the size of the packed weights.
func (p *Packed) Bytes() int { return len(p.data) }

// Linear sets c[i*ldc+j] = float32(Σ_p a[i*lda+p]·W[j][p] - zp·Σ_p W[j][p]) ·
// float32(sx·scale[j]) + bias[j] for i < m, j < p.N: the layer's output for
// activations quantized with scale sx and zero point zp. a's rows hold p.K
// activations followed by zeros up to lda (a multiple of 4, at least p.KP).
// aMax is the largest activation (known from quantizing); above
// MaxFastActivation the pure-Go kernel runs.
func Linear(m int, a []uint8, lda int, p *Packed, zp int32, sx float32, c []float32, ldc int, aMax uint8) {
	switch {
	case m < 0:
		panic(fmt.Sprintf("qgemm: Linear: negative row count %d", m))
	case lda < p.KP || lda%4 != 0:
		panic(fmt.Sprintf("qgemm: Linear: activation stride %d, want a multiple of 4 of at least %d", lda, p.KP))
	case m > 0 && len(a) < (m-1)*lda+p.KP:
		panic(fmt.Sprintf("qgemm: Linear: %d activations for %d rows of stride %d", len(a), m, lda))
	case ldc < p.N || (m > 0 && len(c) < (m-1)*ldc+p.N):
		panic(fmt.Sprintf("qgemm: Linear: output has %d values with stride %d, want %d×%d", len(c), ldc, m, p.N))
	}
	if m == 0 {
		return
	}
	run := LinearGeneric
	if useAsm && (aMax <= MaxFastActivation || useVNNI) { // VPDPBUSD cannot saturate
		run = linearAsm
	}
	if m*p.N*p.KP < parallelMinWork || m < 8 {
		run(m, a, lda, p, zp, sx, c, ldc)
		return
	}
	// Eight chunks of whole 4-row tiles, shared with gemm's helper goroutine
	// (the second vCPU) when it is free.
	const chunks = 8
	rows := (m + chunks - 1) / chunks
	rows = (rows + 3) &^ 3
	gemm.RunChunks((m+rows-1)/rows, func(chunk int) {
		i0 := chunk * rows
		i1 := min(m, i0+rows)
		run(i1-i0, a[i0*lda:], lda, p, zp, sx, c[i0*ldc:], ldc)
	})
}

// parallelMinWork is the product size (m·n·k) from which Linear splits its
// rows across two goroutines: about 50 µs of work, well above the cost of
// handing chunks to a spinning helper.
const parallelMinWork = 1 << 21

// LinearGeneric is Linear in pure Go, exact for every input; tests compare
// the assembly kernel with it.
func LinearGeneric(m int, a []uint8, lda int, p *Packed, zp int32, sx float32, c []float32, ldc int) {
	kq := p.KP / 4
	var acc [Panel]int32
	for i := 0; i < m; i++ {
		ar := a[i*lda : i*lda+p.KP]
		for panel := 0; panel*Panel < p.N; panel++ {
			acc = [Panel]int32{}
			pd := p.data[panel*kq*Panel*4 : (panel+1)*kq*Panel*4]
			for q := 0; q < kq; q++ {
				a4 := (*[4]uint8)(ar[4*q:])
				if a4[0]|a4[1]|a4[2]|a4[3] == 0 {
					continue // common after ReLU: nothing to add
				}
				a0, a1, a2, a3 := int32(a4[0]), int32(a4[1]), int32(a4[2]), int32(a4[3])
				blk := (*[Panel * 4]int8)(pd[q*Panel*4:])
				for col := 0; col < Panel; col++ {
					acc[col] += a0*int32(blk[4*col]) + a1*int32(blk[4*col+1]) + a2*int32(blk[4*col+2]) + a3*int32(blk[4*col+3])
				}
			}
			for col := 0; col < Panel && panel*Panel+col < p.N; col++ {
				j := panel*Panel + col
				// The conversion after the product stops the compiler from fusing it into an
				// FMA: the assembly kernel multiplies and adds in two roundings too.
				c[i*ldc+j] = float32(float32(acc[col]-zp*p.rowSums[j])*(sx*p.scales[j])) + p.bias[j]
			}
		}
	}
}

// SetAsm turns the assembly kernel on or off (tests and benchmarks compare
// the two) and returns the previous setting; without AVX2 it stays off.
func SetAsm(on bool) bool {
	prev := useAsm
	useAsm = on && hasAsm
	return prev
}

// HasAsm reports whether this build and CPU run the AVX2 kernel.
func HasAsm() bool { return hasAsm }
