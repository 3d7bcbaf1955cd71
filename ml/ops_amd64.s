//go:build amd64 && !purego

#include "textflag.h"

// Vectorised exp for sigmoid and tanh: Cody-Waite reduction by ln 2, a degree-7
// polynomial for e^r (Cephes expf coefficients), 2^n built in the exponent bits.
// Inputs are clamped to [-87, 88]; NaN propagates.

DATA log2e<>+0(SB)/4, $0x3fb8aa3b
DATA log2e<>+4(SB)/4, $0x3fb8aa3b
DATA log2e<>+8(SB)/4, $0x3fb8aa3b
DATA log2e<>+12(SB)/4, $0x3fb8aa3b
DATA log2e<>+16(SB)/4, $0x3fb8aa3b
DATA log2e<>+20(SB)/4, $0x3fb8aa3b
DATA log2e<>+24(SB)/4, $0x3fb8aa3b
DATA log2e<>+28(SB)/4, $0x3fb8aa3b
GLOBL log2e<>(SB), RODATA|NOPTR, $32

DATA ln2hi<>+0(SB)/4, $0x3f318000
DATA ln2hi<>+4(SB)/4, $0x3f318000
DATA ln2hi<>+8(SB)/4, $0x3f318000
DATA ln2hi<>+12(SB)/4, $0x3f318000
DATA ln2hi<>+16(SB)/4, $0x3f318000
DATA ln2hi<>+20(SB)/4, $0x3f318000
DATA ln2hi<>+24(SB)/4, $0x3f318000
DATA ln2hi<>+28(SB)/4, $0x3f318000
GLOBL ln2hi<>(SB), RODATA|NOPTR, $32

DATA ln2lo<>+0(SB)/4, $0xb95e8083
DATA ln2lo<>+4(SB)/4, $0xb95e8083
DATA ln2lo<>+8(SB)/4, $0xb95e8083
DATA ln2lo<>+12(SB)/4, $0xb95e8083
DATA ln2lo<>+16(SB)/4, $0xb95e8083
DATA ln2lo<>+20(SB)/4, $0xb95e8083
DATA ln2lo<>+24(SB)/4, $0xb95e8083
DATA ln2lo<>+28(SB)/4, $0xb95e8083
GLOBL ln2lo<>(SB), RODATA|NOPTR, $32

DATA p0<>+0(SB)/4, $0x39506967
DATA p0<>+4(SB)/4, $0x39506967
DATA p0<>+8(SB)/4, $0x39506967
DATA p0<>+12(SB)/4, $0x39506967
DATA p0<>+16(SB)/4, $0x39506967
DATA p0<>+20(SB)/4, $0x39506967
DATA p0<>+24(SB)/4, $0x39506967
DATA p0<>+28(SB)/4, $0x39506967
GLOBL p0<>(SB), RODATA|NOPTR, $32

DATA p1<>+0(SB)/4, $0x3ab743ce
DATA p1<>+4(SB)/4, $0x3ab743ce
DATA p1<>+8(SB)/4, $0x3ab743ce
DATA p1<>+12(SB)/4, $0x3ab743ce
DATA p1<>+16(SB)/4, $0x3ab743ce
DATA p1<>+20(SB)/4, $0x3ab743ce
DATA p1<>+24(SB)/4, $0x3ab743ce
DATA p1<>+28(SB)/4, $0x3ab743ce
GLOBL p1<>(SB), RODATA|NOPTR, $32

DATA p2<>+0(SB)/4, $0x3c088908
DATA p2<>+4(SB)/4, $0x3c088908
DATA p2<>+8(SB)/4, $0x3c088908
DATA p2<>+12(SB)/4, $0x3c088908
DATA p2<>+16(SB)/4, $0x3c088908
DATA p2<>+20(SB)/4, $0x3c088908
DATA p2<>+24(SB)/4, $0x3c088908
DATA p2<>+28(SB)/4, $0x3c088908
GLOBL p2<>(SB), RODATA|NOPTR, $32

DATA p3<>+0(SB)/4, $0x3d2aa9c1
DATA p3<>+4(SB)/4, $0x3d2aa9c1
DATA p3<>+8(SB)/4, $0x3d2aa9c1
DATA p3<>+12(SB)/4, $0x3d2aa9c1
DATA p3<>+16(SB)/4, $0x3d2aa9c1
DATA p3<>+20(SB)/4, $0x3d2aa9c1
DATA p3<>+24(SB)/4, $0x3d2aa9c1
DATA p3<>+28(SB)/4, $0x3d2aa9c1
GLOBL p3<>(SB), RODATA|NOPTR, $32

DATA p4<>+0(SB)/4, $0x3e2aaaaa
DATA p4<>+4(SB)/4, $0x3e2aaaaa
DATA p4<>+8(SB)/4, $0x3e2aaaaa
DATA p4<>+12(SB)/4, $0x3e2aaaaa
DATA p4<>+16(SB)/4, $0x3e2aaaaa
DATA p4<>+20(SB)/4, $0x3e2aaaaa
DATA p4<>+24(SB)/4, $0x3e2aaaaa
DATA p4<>+28(SB)/4, $0x3e2aaaaa
GLOBL p4<>(SB), RODATA|NOPTR, $32

DATA p5<>+0(SB)/4, $0x3f000000
DATA p5<>+4(SB)/4, $0x3f000000
DATA p5<>+8(SB)/4, $0x3f000000
DATA p5<>+12(SB)/4, $0x3f000000
DATA p5<>+16(SB)/4, $0x3f000000
DATA p5<>+20(SB)/4, $0x3f000000
DATA p5<>+24(SB)/4, $0x3f000000
DATA p5<>+28(SB)/4, $0x3f000000
GLOBL p5<>(SB), RODATA|NOPTR, $32

DATA one<>+0(SB)/4, $0x3f800000
DATA one<>+4(SB)/4, $0x3f800000
DATA one<>+8(SB)/4, $0x3f800000
DATA one<>+12(SB)/4, $0x3f800000
DATA one<>+16(SB)/4, $0x3f800000
DATA one<>+20(SB)/4, $0x3f800000
DATA one<>+24(SB)/4, $0x3f800000
DATA one<>+28(SB)/4, $0x3f800000
GLOBL one<>(SB), RODATA|NOPTR, $32

DATA two<>+0(SB)/4, $0x40000000
DATA two<>+4(SB)/4, $0x40000000
DATA two<>+8(SB)/4, $0x40000000
DATA two<>+12(SB)/4, $0x40000000
DATA two<>+16(SB)/4, $0x40000000
DATA two<>+20(SB)/4, $0x40000000
DATA two<>+24(SB)/4, $0x40000000
DATA two<>+28(SB)/4, $0x40000000
GLOBL two<>(SB), RODATA|NOPTR, $32

DATA maxc<>+0(SB)/4, $0x42b00000
DATA maxc<>+4(SB)/4, $0x42b00000
DATA maxc<>+8(SB)/4, $0x42b00000
DATA maxc<>+12(SB)/4, $0x42b00000
DATA maxc<>+16(SB)/4, $0x42b00000
DATA maxc<>+20(SB)/4, $0x42b00000
DATA maxc<>+24(SB)/4, $0x42b00000
DATA maxc<>+28(SB)/4, $0x42b00000
GLOBL maxc<>(SB), RODATA|NOPTR, $32

DATA minc<>+0(SB)/4, $0xc2ae0000
DATA minc<>+4(SB)/4, $0xc2ae0000
DATA minc<>+8(SB)/4, $0xc2ae0000
DATA minc<>+12(SB)/4, $0xc2ae0000
DATA minc<>+16(SB)/4, $0xc2ae0000
DATA minc<>+20(SB)/4, $0xc2ae0000
DATA minc<>+24(SB)/4, $0xc2ae0000
DATA minc<>+28(SB)/4, $0xc2ae0000
GLOBL minc<>(SB), RODATA|NOPTR, $32

DATA neg2<>+0(SB)/4, $0xc0000000
DATA neg2<>+4(SB)/4, $0xc0000000
DATA neg2<>+8(SB)/4, $0xc0000000
DATA neg2<>+12(SB)/4, $0xc0000000
DATA neg2<>+16(SB)/4, $0xc0000000
DATA neg2<>+20(SB)/4, $0xc0000000
DATA neg2<>+24(SB)/4, $0xc0000000
DATA neg2<>+28(SB)/4, $0xc0000000
GLOBL neg2<>(SB), RODATA|NOPTR, $32

DATA bias<>+0(SB)/4, $0x0000007f
DATA bias<>+4(SB)/4, $0x0000007f
DATA bias<>+8(SB)/4, $0x0000007f
DATA bias<>+12(SB)/4, $0x0000007f
DATA bias<>+16(SB)/4, $0x0000007f
DATA bias<>+20(SB)/4, $0x0000007f
DATA bias<>+24(SB)/4, $0x0000007f
DATA bias<>+28(SB)/4, $0x0000007f
GLOBL bias<>(SB), RODATA|NOPTR, $32

// func sigmoidAVX2(dst, src *float32, n int): dst[i] = 1/(1+e^-src[i]) for the first n&^7 elements.
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VMOVUPS maxc<>(SB), Y14
	VMOVUPS minc<>(SB), Y15
sigmoidAVX2_loop:
	CMPQ CX, $8
	JL sigmoidAVX2_done
	VMOVUPS (SI), Y0
	VXORPS Y5, Y5, Y5
	VSUBPS Y0, Y5, Y0
	VMINPS Y0, Y14, Y0
	VMAXPS Y0, Y15, Y0
	VMULPS log2e<>(SB), Y0, Y1
	VROUNDPS $0, Y1, Y1
	VFNMADD231PS ln2hi<>(SB), Y1, Y0
	VFNMADD231PS ln2lo<>(SB), Y1, Y0
	VMOVUPS p0<>(SB), Y2
	VFMADD213PS p1<>(SB), Y0, Y2
	VFMADD213PS p2<>(SB), Y0, Y2
	VFMADD213PS p3<>(SB), Y0, Y2
	VFMADD213PS p4<>(SB), Y0, Y2
	VFMADD213PS p5<>(SB), Y0, Y2
	VMULPS Y0, Y0, Y3
	VADDPS one<>(SB), Y0, Y4
	VFMADD231PS Y3, Y2, Y4
	VCVTPS2DQ Y1, Y1
	VPADDD bias<>(SB), Y1, Y1
	VPSLLD $23, Y1, Y1
	VMULPS Y1, Y4, Y0
	VADDPS one<>(SB), Y0, Y0
	VMOVUPS one<>(SB), Y1
	VDIVPS Y0, Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP sigmoidAVX2_loop
sigmoidAVX2_done:
	VZEROUPPER
	RET

// func tanhAVX2(dst, src *float32, n int): dst[i] = 2/(1+e^(-2 src[i])) - 1 for the first n&^7 elements.
TEXT ·tanhAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VMOVUPS maxc<>(SB), Y14
	VMOVUPS minc<>(SB), Y15
tanhAVX2_loop:
	CMPQ CX, $8
	JL tanhAVX2_done
	VMOVUPS (SI), Y0
	VMULPS neg2<>(SB), Y0, Y0
	VMINPS Y0, Y14, Y0
	VMAXPS Y0, Y15, Y0
	VMULPS log2e<>(SB), Y0, Y1
	VROUNDPS $0, Y1, Y1
	VFNMADD231PS ln2hi<>(SB), Y1, Y0
	VFNMADD231PS ln2lo<>(SB), Y1, Y0
	VMOVUPS p0<>(SB), Y2
	VFMADD213PS p1<>(SB), Y0, Y2
	VFMADD213PS p2<>(SB), Y0, Y2
	VFMADD213PS p3<>(SB), Y0, Y2
	VFMADD213PS p4<>(SB), Y0, Y2
	VFMADD213PS p5<>(SB), Y0, Y2
	VMULPS Y0, Y0, Y3
	VADDPS one<>(SB), Y0, Y4
	VFMADD231PS Y3, Y2, Y4
	VCVTPS2DQ Y1, Y1
	VPADDD bias<>(SB), Y1, Y1
	VPSLLD $23, Y1, Y1
	VMULPS Y1, Y4, Y0
	VADDPS one<>(SB), Y0, Y0
	VMOVUPS two<>(SB), Y1
	VDIVPS Y0, Y1, Y0
	VSUBPS one<>(SB), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP tanhAVX2_loop
tanhAVX2_done:
	VZEROUPPER
	RET

// func expAVX2(dst, src *float32, n int): dst[i] = e^src[i] for the first n&^7 elements.
TEXT ·expAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VMOVUPS maxc<>(SB), Y14
	VMOVUPS minc<>(SB), Y15
expAVX2_loop:
	CMPQ CX, $8
	JL expAVX2_done
	VMOVUPS (SI), Y0
	VMINPS Y0, Y14, Y0
	VMAXPS Y0, Y15, Y0
	VMULPS log2e<>(SB), Y0, Y1
	VROUNDPS $0, Y1, Y1
	VFNMADD231PS ln2hi<>(SB), Y1, Y0
	VFNMADD231PS ln2lo<>(SB), Y1, Y0
	VMOVUPS p0<>(SB), Y2
	VFMADD213PS p1<>(SB), Y0, Y2
	VFMADD213PS p2<>(SB), Y0, Y2
	VFMADD213PS p3<>(SB), Y0, Y2
	VFMADD213PS p4<>(SB), Y0, Y2
	VFMADD213PS p5<>(SB), Y0, Y2
	VMULPS Y0, Y0, Y3
	VADDPS one<>(SB), Y0, Y4
	VFMADD231PS Y3, Y2, Y4
	VCVTPS2DQ Y1, Y1
	VPADDD bias<>(SB), Y1, Y1
	VPSLLD $23, Y1, Y1
	VMULPS Y1, Y4, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP expAVX2_loop
expAVX2_done:
	VZEROUPPER
	RET

// func reluAVX2(dst, src *float32, n int): dst[i] = max(src[i], 0) for the first
// n&^7 elements (NaN propagates).
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VXORPS Y9, Y9, Y9
relu_loop:
	CMPQ CX, $8
	JL relu_done
	VMOVUPS (SI), Y0
	VMAXPS Y0, Y9, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP relu_loop
relu_done:
	VZEROUPPER
	RET

// func reluBackAVX2(dx, y, dy *float32, n int): dx[i] = dy[i] if y[i] > 0 else 0,
// for the first n&^7 elements.
TEXT ·reluBackAVX2(SB), NOSPLIT, $0-32
	MOVQ dx+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ dy+16(FP), DX
	MOVQ n+24(FP), CX
	VXORPS Y9, Y9, Y9
reluback_loop:
	CMPQ CX, $8
	JL reluback_done
	VMOVUPS (SI), Y0
	VCMPPS $0x1e, Y9, Y0, Y1
	VANDPS (DX), Y1, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	SUBQ $8, CX
	JMP reluback_loop
reluback_done:
	VZEROUPPER
	RET

// func adamAVX2(w, grad, m, v *float32, n int, b1, b2, eps, wd, stepSize, invSqrtBC2 float32)
// applies Adam's update to the first n&^7 elements (see adamUpdate).
TEXT ·adamAVX2(SB), NOSPLIT, $0-64
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSS b1+40(FP), Y8
	VMOVUPS one<>(SB), Y9
	VSUBPS Y8, Y9, Y9
	VBROADCASTSS b2+44(FP), Y10
	VMOVUPS one<>(SB), Y11
	VSUBPS Y10, Y11, Y11
	VBROADCASTSS eps+48(FP), Y12
	VBROADCASTSS wd+52(FP), Y13
	VBROADCASTSS stepSize+56(FP), Y14
	VBROADCASTSS invSqrtBC2+60(FP), Y15
adam_loop:
	CMPQ CX, $8
	JL adam_done
	VMOVUPS (SI), Y0
	VMOVUPS (DI), Y1
	VFMADD231PS Y1, Y13, Y0
	VMOVUPS (R8), Y2
	VMULPS Y8, Y2, Y2
	VFMADD231PS Y0, Y9, Y2
	VMOVUPS (R9), Y3
	VMULPS Y10, Y3, Y3
	VMULPS Y0, Y0, Y4
	VFMADD231PS Y4, Y11, Y3
	VMOVUPS Y2, (R8)
	VMOVUPS Y3, (R9)
	VSQRTPS Y3, Y5
	VFMADD213PS Y12, Y15, Y5
	VDIVPS Y5, Y2, Y6
	VFNMADD231PS Y6, Y14, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	SUBQ $8, CX
	JMP adam_loop
adam_done:
	VZEROUPPER
	RET

// func axpyRows64AVX2(y, w *float32, off *int, val *float32, cnt int) adds
// Σ_k val[k]·w[off[k]/4 : off[k]/4+64] to y[0:64] (off in bytes, cnt >= 1).
TEXT ·axpyRows64AVX2(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ off+16(FP), R8
	MOVQ val+24(FP), R9
	MOVQ cnt+32(FP), CX
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VMOVUPS 128(DI), Y4
	VMOVUPS 160(DI), Y5
	VMOVUPS 192(DI), Y6
	VMOVUPS 224(DI), Y7
axpy64_loop:
	MOVQ (R8), R10
	ADDQ SI, R10
	VBROADCASTSS (R9), Y15
	VFMADD231PS 0(R10), Y15, Y0
	VFMADD231PS 32(R10), Y15, Y1
	VFMADD231PS 64(R10), Y15, Y2
	VFMADD231PS 96(R10), Y15, Y3
	VFMADD231PS 128(R10), Y15, Y4
	VFMADD231PS 160(R10), Y15, Y5
	VFMADD231PS 192(R10), Y15, Y6
	VFMADD231PS 224(R10), Y15, Y7
	ADDQ $8, R8
	ADDQ $4, R9
	DECQ CX
	JNZ axpy64_loop
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VZEROUPPER
	RET

// func axpyRows8AVX2(y, w *float32, off *int, val *float32, cnt int) is
// axpyRows64AVX2 for 8 columns, with four accumulators so that consecutive
// rows do not wait on each other's FMA.
TEXT ·axpyRows8AVX2(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ off+16(FP), R8
	MOVQ val+24(FP), R9
	MOVQ cnt+32(FP), CX
	VMOVUPS 0(DI), Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
axpy8_loop4:
	CMPQ CX, $4
	JL axpy8_loop1
	MOVQ 0(R8), R10
	MOVQ 8(R8), R11
	MOVQ 16(R8), R12
	MOVQ 24(R8), R13
	VBROADCASTSS 0(R9), Y12
	VBROADCASTSS 4(R9), Y13
	VBROADCASTSS 8(R9), Y14
	VBROADCASTSS 12(R9), Y15
	VFMADD231PS (SI)(R10*1), Y12, Y0
	VFMADD231PS (SI)(R11*1), Y13, Y1
	VFMADD231PS (SI)(R12*1), Y14, Y2
	VFMADD231PS (SI)(R13*1), Y15, Y3
	ADDQ $32, R8
	ADDQ $16, R9
	SUBQ $4, CX
	JMP axpy8_loop4
axpy8_loop1:
	CMPQ CX, $0
	JE axpy8_done
	MOVQ (R8), R10
	VBROADCASTSS (R9), Y15
	VFMADD231PS (SI)(R10*1), Y15, Y0
	ADDQ $8, R8
	ADDQ $4, R9
	DECQ CX
	JMP axpy8_loop1
axpy8_done:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	VMOVUPS Y0, 0(DI)
	VZEROUPPER
	RET

// func lstmCellBackAVX2(gates, dg, dh, rec, dc, tc, cprev *float32, hid, n int)
// is lstmCellBackward for the first n (a multiple of 8) units of a row of hid
// units: g holds the activated gates i, f, g, o (hid each), dg receives the
// gate gradients before activation, dc is updated in place.
TEXT ·lstmCellBackAVX2(SB), NOSPLIT, $0-72
	MOVQ gates+0(FP), SI
	MOVQ dg+8(FP), DI
	MOVQ dh+16(FP), R8
	MOVQ rec+24(FP), R9
	MOVQ dc+32(FP), R10
	MOVQ tc+40(FP), R11
	MOVQ cprev+48(FP), R12
	MOVQ hid+56(FP), R13
	MOVQ n+64(FP), CX
	SHLQ $2, R13
	MOVQ R13, AX
	ADDQ R13, AX
	MOVQ AX, BX
	ADDQ R13, BX
	VMOVUPS one<>(SB), Y15
lstmback_loop:
	CMPQ CX, $8
	JL lstmback_done
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R13*1), Y1
	VMOVUPS (SI)(AX*1), Y2
	VMOVUPS (SI)(BX*1), Y3
	VMOVUPS (R8), Y4
	VADDPS (R9), Y4, Y4
	VMOVUPS (R11), Y5
	VMULPS Y5, Y5, Y6
	VSUBPS Y6, Y15, Y6
	VMULPS Y3, Y4, Y7
	VMOVUPS (R10), Y8
	VFMADD231PS Y6, Y7, Y8
	VSUBPS Y3, Y15, Y9
	VMULPS Y5, Y7, Y10
	VMULPS Y9, Y10, Y10
	VMOVUPS Y10, (DI)(BX*1)
	VSUBPS Y0, Y15, Y9
	VMULPS Y2, Y8, Y10
	VMULPS Y0, Y10, Y10
	VMULPS Y9, Y10, Y10
	VMOVUPS Y10, (DI)
	VMULPS Y2, Y2, Y9
	VSUBPS Y9, Y15, Y9
	VMULPS Y0, Y8, Y10
	VMULPS Y9, Y10, Y10
	VMOVUPS Y10, (DI)(AX*1)
	VSUBPS Y1, Y15, Y9
	VMULPS (R12), Y8, Y10
	VMULPS Y1, Y10, Y10
	VMULPS Y9, Y10, Y10
	VMOVUPS Y10, (DI)(R13*1)
	VMULPS Y1, Y8, Y8
	VMOVUPS Y8, (R10)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $32, R12
	SUBQ $8, CX
	JMP lstmback_loop
lstmback_done:
	VZEROUPPER
	RET
