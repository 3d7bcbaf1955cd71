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

// func axpyRows64AVX2(y, w *float32, off *int32, val *float32, cnt int) adds
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
	MOVLQSX (R8), R10
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
	ADDQ $4, R8
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

// func axpyRows8AVX2(y, w *float32, off *int32, val *float32, cnt int) is
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
	MOVLQSX 0(R8), R10
	MOVLQSX 4(R8), R11
	MOVLQSX 8(R8), R12
	MOVLQSX 12(R8), R13
	VBROADCASTSS 0(R9), Y12
	VBROADCASTSS 4(R9), Y13
	VBROADCASTSS 8(R9), Y14
	VBROADCASTSS 12(R9), Y15
	VFMADD231PS (SI)(R10*1), Y12, Y0
	VFMADD231PS (SI)(R11*1), Y13, Y1
	VFMADD231PS (SI)(R12*1), Y14, Y2
	VFMADD231PS (SI)(R13*1), Y15, Y3
	ADDQ $16, R8
	ADDQ $16, R9
	SUBQ $4, CX
	JMP axpy8_loop4
axpy8_loop1:
	CMPQ CX, $0
	JE axpy8_done
	MOVLQSX (R8), R10
	VBROADCASTSS (R9), Y15
	VFMADD231PS (SI)(R10*1), Y15, Y0
	ADDQ $4, R8
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

// packlut[m] lists the positions of the set bits of the 8-bit mask m, packed to
// the front: the permutation that moves the nonzero lanes of a vector together.
DATA packlut<>+0(SB)/4, $0
DATA packlut<>+4(SB)/4, $0
DATA packlut<>+8(SB)/4, $0
DATA packlut<>+12(SB)/4, $0
DATA packlut<>+16(SB)/4, $0
DATA packlut<>+20(SB)/4, $0
DATA packlut<>+24(SB)/4, $0
DATA packlut<>+28(SB)/4, $0
DATA packlut<>+32(SB)/4, $0
DATA packlut<>+36(SB)/4, $0
DATA packlut<>+40(SB)/4, $0
DATA packlut<>+44(SB)/4, $0
DATA packlut<>+48(SB)/4, $0
DATA packlut<>+52(SB)/4, $0
DATA packlut<>+56(SB)/4, $0
DATA packlut<>+60(SB)/4, $0
DATA packlut<>+64(SB)/4, $1
DATA packlut<>+68(SB)/4, $0
DATA packlut<>+72(SB)/4, $0
DATA packlut<>+76(SB)/4, $0
DATA packlut<>+80(SB)/4, $0
DATA packlut<>+84(SB)/4, $0
DATA packlut<>+88(SB)/4, $0
DATA packlut<>+92(SB)/4, $0
DATA packlut<>+96(SB)/4, $0
DATA packlut<>+100(SB)/4, $1
DATA packlut<>+104(SB)/4, $0
DATA packlut<>+108(SB)/4, $0
DATA packlut<>+112(SB)/4, $0
DATA packlut<>+116(SB)/4, $0
DATA packlut<>+120(SB)/4, $0
DATA packlut<>+124(SB)/4, $0
DATA packlut<>+128(SB)/4, $2
DATA packlut<>+132(SB)/4, $0
DATA packlut<>+136(SB)/4, $0
DATA packlut<>+140(SB)/4, $0
DATA packlut<>+144(SB)/4, $0
DATA packlut<>+148(SB)/4, $0
DATA packlut<>+152(SB)/4, $0
DATA packlut<>+156(SB)/4, $0
DATA packlut<>+160(SB)/4, $0
DATA packlut<>+164(SB)/4, $2
DATA packlut<>+168(SB)/4, $0
DATA packlut<>+172(SB)/4, $0
DATA packlut<>+176(SB)/4, $0
DATA packlut<>+180(SB)/4, $0
DATA packlut<>+184(SB)/4, $0
DATA packlut<>+188(SB)/4, $0
DATA packlut<>+192(SB)/4, $1
DATA packlut<>+196(SB)/4, $2
DATA packlut<>+200(SB)/4, $0
DATA packlut<>+204(SB)/4, $0
DATA packlut<>+208(SB)/4, $0
DATA packlut<>+212(SB)/4, $0
DATA packlut<>+216(SB)/4, $0
DATA packlut<>+220(SB)/4, $0
DATA packlut<>+224(SB)/4, $0
DATA packlut<>+228(SB)/4, $1
DATA packlut<>+232(SB)/4, $2
DATA packlut<>+236(SB)/4, $0
DATA packlut<>+240(SB)/4, $0
DATA packlut<>+244(SB)/4, $0
DATA packlut<>+248(SB)/4, $0
DATA packlut<>+252(SB)/4, $0
DATA packlut<>+256(SB)/4, $3
DATA packlut<>+260(SB)/4, $0
DATA packlut<>+264(SB)/4, $0
DATA packlut<>+268(SB)/4, $0
DATA packlut<>+272(SB)/4, $0
DATA packlut<>+276(SB)/4, $0
DATA packlut<>+280(SB)/4, $0
DATA packlut<>+284(SB)/4, $0
DATA packlut<>+288(SB)/4, $0
DATA packlut<>+292(SB)/4, $3
DATA packlut<>+296(SB)/4, $0
DATA packlut<>+300(SB)/4, $0
DATA packlut<>+304(SB)/4, $0
DATA packlut<>+308(SB)/4, $0
DATA packlut<>+312(SB)/4, $0
DATA packlut<>+316(SB)/4, $0
DATA packlut<>+320(SB)/4, $1
DATA packlut<>+324(SB)/4, $3
DATA packlut<>+328(SB)/4, $0
DATA packlut<>+332(SB)/4, $0
DATA packlut<>+336(SB)/4, $0
DATA packlut<>+340(SB)/4, $0
DATA packlut<>+344(SB)/4, $0
DATA packlut<>+348(SB)/4, $0
DATA packlut<>+352(SB)/4, $0
DATA packlut<>+356(SB)/4, $1
DATA packlut<>+360(SB)/4, $3
DATA packlut<>+364(SB)/4, $0
DATA packlut<>+368(SB)/4, $0
DATA packlut<>+372(SB)/4, $0
DATA packlut<>+376(SB)/4, $0
DATA packlut<>+380(SB)/4, $0
DATA packlut<>+384(SB)/4, $2
DATA packlut<>+388(SB)/4, $3
DATA packlut<>+392(SB)/4, $0
DATA packlut<>+396(SB)/4, $0
DATA packlut<>+400(SB)/4, $0
DATA packlut<>+404(SB)/4, $0
DATA packlut<>+408(SB)/4, $0
DATA packlut<>+412(SB)/4, $0
DATA packlut<>+416(SB)/4, $0
DATA packlut<>+420(SB)/4, $2
DATA packlut<>+424(SB)/4, $3
DATA packlut<>+428(SB)/4, $0
DATA packlut<>+432(SB)/4, $0
DATA packlut<>+436(SB)/4, $0
DATA packlut<>+440(SB)/4, $0
DATA packlut<>+444(SB)/4, $0
DATA packlut<>+448(SB)/4, $1
DATA packlut<>+452(SB)/4, $2
DATA packlut<>+456(SB)/4, $3
DATA packlut<>+460(SB)/4, $0
DATA packlut<>+464(SB)/4, $0
DATA packlut<>+468(SB)/4, $0
DATA packlut<>+472(SB)/4, $0
DATA packlut<>+476(SB)/4, $0
DATA packlut<>+480(SB)/4, $0
DATA packlut<>+484(SB)/4, $1
DATA packlut<>+488(SB)/4, $2
DATA packlut<>+492(SB)/4, $3
DATA packlut<>+496(SB)/4, $0
DATA packlut<>+500(SB)/4, $0
DATA packlut<>+504(SB)/4, $0
DATA packlut<>+508(SB)/4, $0
DATA packlut<>+512(SB)/4, $4
DATA packlut<>+516(SB)/4, $0
DATA packlut<>+520(SB)/4, $0
DATA packlut<>+524(SB)/4, $0
DATA packlut<>+528(SB)/4, $0
DATA packlut<>+532(SB)/4, $0
DATA packlut<>+536(SB)/4, $0
DATA packlut<>+540(SB)/4, $0
DATA packlut<>+544(SB)/4, $0
DATA packlut<>+548(SB)/4, $4
DATA packlut<>+552(SB)/4, $0
DATA packlut<>+556(SB)/4, $0
DATA packlut<>+560(SB)/4, $0
DATA packlut<>+564(SB)/4, $0
DATA packlut<>+568(SB)/4, $0
DATA packlut<>+572(SB)/4, $0
DATA packlut<>+576(SB)/4, $1
DATA packlut<>+580(SB)/4, $4
DATA packlut<>+584(SB)/4, $0
DATA packlut<>+588(SB)/4, $0
DATA packlut<>+592(SB)/4, $0
DATA packlut<>+596(SB)/4, $0
DATA packlut<>+600(SB)/4, $0
DATA packlut<>+604(SB)/4, $0
DATA packlut<>+608(SB)/4, $0
DATA packlut<>+612(SB)/4, $1
DATA packlut<>+616(SB)/4, $4
DATA packlut<>+620(SB)/4, $0
DATA packlut<>+624(SB)/4, $0
DATA packlut<>+628(SB)/4, $0
DATA packlut<>+632(SB)/4, $0
DATA packlut<>+636(SB)/4, $0
DATA packlut<>+640(SB)/4, $2
DATA packlut<>+644(SB)/4, $4
DATA packlut<>+648(SB)/4, $0
DATA packlut<>+652(SB)/4, $0
DATA packlut<>+656(SB)/4, $0
DATA packlut<>+660(SB)/4, $0
DATA packlut<>+664(SB)/4, $0
DATA packlut<>+668(SB)/4, $0
DATA packlut<>+672(SB)/4, $0
DATA packlut<>+676(SB)/4, $2
DATA packlut<>+680(SB)/4, $4
DATA packlut<>+684(SB)/4, $0
DATA packlut<>+688(SB)/4, $0
DATA packlut<>+692(SB)/4, $0
DATA packlut<>+696(SB)/4, $0
DATA packlut<>+700(SB)/4, $0
DATA packlut<>+704(SB)/4, $1
DATA packlut<>+708(SB)/4, $2
DATA packlut<>+712(SB)/4, $4
DATA packlut<>+716(SB)/4, $0
DATA packlut<>+720(SB)/4, $0
DATA packlut<>+724(SB)/4, $0
DATA packlut<>+728(SB)/4, $0
DATA packlut<>+732(SB)/4, $0
DATA packlut<>+736(SB)/4, $0
DATA packlut<>+740(SB)/4, $1
DATA packlut<>+744(SB)/4, $2
DATA packlut<>+748(SB)/4, $4
DATA packlut<>+752(SB)/4, $0
DATA packlut<>+756(SB)/4, $0
DATA packlut<>+760(SB)/4, $0
DATA packlut<>+764(SB)/4, $0
DATA packlut<>+768(SB)/4, $3
DATA packlut<>+772(SB)/4, $4
DATA packlut<>+776(SB)/4, $0
DATA packlut<>+780(SB)/4, $0
DATA packlut<>+784(SB)/4, $0
DATA packlut<>+788(SB)/4, $0
DATA packlut<>+792(SB)/4, $0
DATA packlut<>+796(SB)/4, $0
DATA packlut<>+800(SB)/4, $0
DATA packlut<>+804(SB)/4, $3
DATA packlut<>+808(SB)/4, $4
DATA packlut<>+812(SB)/4, $0
DATA packlut<>+816(SB)/4, $0
DATA packlut<>+820(SB)/4, $0
DATA packlut<>+824(SB)/4, $0
DATA packlut<>+828(SB)/4, $0
DATA packlut<>+832(SB)/4, $1
DATA packlut<>+836(SB)/4, $3
DATA packlut<>+840(SB)/4, $4
DATA packlut<>+844(SB)/4, $0
DATA packlut<>+848(SB)/4, $0
DATA packlut<>+852(SB)/4, $0
DATA packlut<>+856(SB)/4, $0
DATA packlut<>+860(SB)/4, $0
DATA packlut<>+864(SB)/4, $0
DATA packlut<>+868(SB)/4, $1
DATA packlut<>+872(SB)/4, $3
DATA packlut<>+876(SB)/4, $4
DATA packlut<>+880(SB)/4, $0
DATA packlut<>+884(SB)/4, $0
DATA packlut<>+888(SB)/4, $0
DATA packlut<>+892(SB)/4, $0
DATA packlut<>+896(SB)/4, $2
DATA packlut<>+900(SB)/4, $3
DATA packlut<>+904(SB)/4, $4
DATA packlut<>+908(SB)/4, $0
DATA packlut<>+912(SB)/4, $0
DATA packlut<>+916(SB)/4, $0
DATA packlut<>+920(SB)/4, $0
DATA packlut<>+924(SB)/4, $0
DATA packlut<>+928(SB)/4, $0
DATA packlut<>+932(SB)/4, $2
DATA packlut<>+936(SB)/4, $3
DATA packlut<>+940(SB)/4, $4
DATA packlut<>+944(SB)/4, $0
DATA packlut<>+948(SB)/4, $0
DATA packlut<>+952(SB)/4, $0
DATA packlut<>+956(SB)/4, $0
DATA packlut<>+960(SB)/4, $1
DATA packlut<>+964(SB)/4, $2
DATA packlut<>+968(SB)/4, $3
DATA packlut<>+972(SB)/4, $4
DATA packlut<>+976(SB)/4, $0
DATA packlut<>+980(SB)/4, $0
DATA packlut<>+984(SB)/4, $0
DATA packlut<>+988(SB)/4, $0
DATA packlut<>+992(SB)/4, $0
DATA packlut<>+996(SB)/4, $1
DATA packlut<>+1000(SB)/4, $2
DATA packlut<>+1004(SB)/4, $3
DATA packlut<>+1008(SB)/4, $4
DATA packlut<>+1012(SB)/4, $0
DATA packlut<>+1016(SB)/4, $0
DATA packlut<>+1020(SB)/4, $0
DATA packlut<>+1024(SB)/4, $5
DATA packlut<>+1028(SB)/4, $0
DATA packlut<>+1032(SB)/4, $0
DATA packlut<>+1036(SB)/4, $0
DATA packlut<>+1040(SB)/4, $0
DATA packlut<>+1044(SB)/4, $0
DATA packlut<>+1048(SB)/4, $0
DATA packlut<>+1052(SB)/4, $0
DATA packlut<>+1056(SB)/4, $0
DATA packlut<>+1060(SB)/4, $5
DATA packlut<>+1064(SB)/4, $0
DATA packlut<>+1068(SB)/4, $0
DATA packlut<>+1072(SB)/4, $0
DATA packlut<>+1076(SB)/4, $0
DATA packlut<>+1080(SB)/4, $0
DATA packlut<>+1084(SB)/4, $0
DATA packlut<>+1088(SB)/4, $1
DATA packlut<>+1092(SB)/4, $5
DATA packlut<>+1096(SB)/4, $0
DATA packlut<>+1100(SB)/4, $0
DATA packlut<>+1104(SB)/4, $0
DATA packlut<>+1108(SB)/4, $0
DATA packlut<>+1112(SB)/4, $0
DATA packlut<>+1116(SB)/4, $0
DATA packlut<>+1120(SB)/4, $0
DATA packlut<>+1124(SB)/4, $1
DATA packlut<>+1128(SB)/4, $5
DATA packlut<>+1132(SB)/4, $0
DATA packlut<>+1136(SB)/4, $0
DATA packlut<>+1140(SB)/4, $0
DATA packlut<>+1144(SB)/4, $0
DATA packlut<>+1148(SB)/4, $0
DATA packlut<>+1152(SB)/4, $2
DATA packlut<>+1156(SB)/4, $5
DATA packlut<>+1160(SB)/4, $0
DATA packlut<>+1164(SB)/4, $0
DATA packlut<>+1168(SB)/4, $0
DATA packlut<>+1172(SB)/4, $0
DATA packlut<>+1176(SB)/4, $0
DATA packlut<>+1180(SB)/4, $0
DATA packlut<>+1184(SB)/4, $0
DATA packlut<>+1188(SB)/4, $2
DATA packlut<>+1192(SB)/4, $5
DATA packlut<>+1196(SB)/4, $0
DATA packlut<>+1200(SB)/4, $0
DATA packlut<>+1204(SB)/4, $0
DATA packlut<>+1208(SB)/4, $0
DATA packlut<>+1212(SB)/4, $0
DATA packlut<>+1216(SB)/4, $1
DATA packlut<>+1220(SB)/4, $2
DATA packlut<>+1224(SB)/4, $5
DATA packlut<>+1228(SB)/4, $0
DATA packlut<>+1232(SB)/4, $0
DATA packlut<>+1236(SB)/4, $0
DATA packlut<>+1240(SB)/4, $0
DATA packlut<>+1244(SB)/4, $0
DATA packlut<>+1248(SB)/4, $0
DATA packlut<>+1252(SB)/4, $1
DATA packlut<>+1256(SB)/4, $2
DATA packlut<>+1260(SB)/4, $5
DATA packlut<>+1264(SB)/4, $0
DATA packlut<>+1268(SB)/4, $0
DATA packlut<>+1272(SB)/4, $0
DATA packlut<>+1276(SB)/4, $0
DATA packlut<>+1280(SB)/4, $3
DATA packlut<>+1284(SB)/4, $5
DATA packlut<>+1288(SB)/4, $0
DATA packlut<>+1292(SB)/4, $0
DATA packlut<>+1296(SB)/4, $0
DATA packlut<>+1300(SB)/4, $0
DATA packlut<>+1304(SB)/4, $0
DATA packlut<>+1308(SB)/4, $0
DATA packlut<>+1312(SB)/4, $0
DATA packlut<>+1316(SB)/4, $3
DATA packlut<>+1320(SB)/4, $5
DATA packlut<>+1324(SB)/4, $0
DATA packlut<>+1328(SB)/4, $0
DATA packlut<>+1332(SB)/4, $0
DATA packlut<>+1336(SB)/4, $0
DATA packlut<>+1340(SB)/4, $0
DATA packlut<>+1344(SB)/4, $1
DATA packlut<>+1348(SB)/4, $3
DATA packlut<>+1352(SB)/4, $5
DATA packlut<>+1356(SB)/4, $0
DATA packlut<>+1360(SB)/4, $0
DATA packlut<>+1364(SB)/4, $0
DATA packlut<>+1368(SB)/4, $0
DATA packlut<>+1372(SB)/4, $0
DATA packlut<>+1376(SB)/4, $0
DATA packlut<>+1380(SB)/4, $1
DATA packlut<>+1384(SB)/4, $3
DATA packlut<>+1388(SB)/4, $5
DATA packlut<>+1392(SB)/4, $0
DATA packlut<>+1396(SB)/4, $0
DATA packlut<>+1400(SB)/4, $0
DATA packlut<>+1404(SB)/4, $0
DATA packlut<>+1408(SB)/4, $2
DATA packlut<>+1412(SB)/4, $3
DATA packlut<>+1416(SB)/4, $5
DATA packlut<>+1420(SB)/4, $0
DATA packlut<>+1424(SB)/4, $0
DATA packlut<>+1428(SB)/4, $0
DATA packlut<>+1432(SB)/4, $0
DATA packlut<>+1436(SB)/4, $0
DATA packlut<>+1440(SB)/4, $0
DATA packlut<>+1444(SB)/4, $2
DATA packlut<>+1448(SB)/4, $3
DATA packlut<>+1452(SB)/4, $5
DATA packlut<>+1456(SB)/4, $0
DATA packlut<>+1460(SB)/4, $0
DATA packlut<>+1464(SB)/4, $0
DATA packlut<>+1468(SB)/4, $0
DATA packlut<>+1472(SB)/4, $1
DATA packlut<>+1476(SB)/4, $2
DATA packlut<>+1480(SB)/4, $3
DATA packlut<>+1484(SB)/4, $5
DATA packlut<>+1488(SB)/4, $0
DATA packlut<>+1492(SB)/4, $0
DATA packlut<>+1496(SB)/4, $0
DATA packlut<>+1500(SB)/4, $0
DATA packlut<>+1504(SB)/4, $0
DATA packlut<>+1508(SB)/4, $1
DATA packlut<>+1512(SB)/4, $2
DATA packlut<>+1516(SB)/4, $3
DATA packlut<>+1520(SB)/4, $5
DATA packlut<>+1524(SB)/4, $0
DATA packlut<>+1528(SB)/4, $0
DATA packlut<>+1532(SB)/4, $0
DATA packlut<>+1536(SB)/4, $4
DATA packlut<>+1540(SB)/4, $5
DATA packlut<>+1544(SB)/4, $0
DATA packlut<>+1548(SB)/4, $0
DATA packlut<>+1552(SB)/4, $0
DATA packlut<>+1556(SB)/4, $0
DATA packlut<>+1560(SB)/4, $0
DATA packlut<>+1564(SB)/4, $0
DATA packlut<>+1568(SB)/4, $0
DATA packlut<>+1572(SB)/4, $4
DATA packlut<>+1576(SB)/4, $5
DATA packlut<>+1580(SB)/4, $0
DATA packlut<>+1584(SB)/4, $0
DATA packlut<>+1588(SB)/4, $0
DATA packlut<>+1592(SB)/4, $0
DATA packlut<>+1596(SB)/4, $0
DATA packlut<>+1600(SB)/4, $1
DATA packlut<>+1604(SB)/4, $4
DATA packlut<>+1608(SB)/4, $5
DATA packlut<>+1612(SB)/4, $0
DATA packlut<>+1616(SB)/4, $0
DATA packlut<>+1620(SB)/4, $0
DATA packlut<>+1624(SB)/4, $0
DATA packlut<>+1628(SB)/4, $0
DATA packlut<>+1632(SB)/4, $0
DATA packlut<>+1636(SB)/4, $1
DATA packlut<>+1640(SB)/4, $4
DATA packlut<>+1644(SB)/4, $5
DATA packlut<>+1648(SB)/4, $0
DATA packlut<>+1652(SB)/4, $0
DATA packlut<>+1656(SB)/4, $0
DATA packlut<>+1660(SB)/4, $0
DATA packlut<>+1664(SB)/4, $2
DATA packlut<>+1668(SB)/4, $4
DATA packlut<>+1672(SB)/4, $5
DATA packlut<>+1676(SB)/4, $0
DATA packlut<>+1680(SB)/4, $0
DATA packlut<>+1684(SB)/4, $0
DATA packlut<>+1688(SB)/4, $0
DATA packlut<>+1692(SB)/4, $0
DATA packlut<>+1696(SB)/4, $0
DATA packlut<>+1700(SB)/4, $2
DATA packlut<>+1704(SB)/4, $4
DATA packlut<>+1708(SB)/4, $5
DATA packlut<>+1712(SB)/4, $0
DATA packlut<>+1716(SB)/4, $0
DATA packlut<>+1720(SB)/4, $0
DATA packlut<>+1724(SB)/4, $0
DATA packlut<>+1728(SB)/4, $1
DATA packlut<>+1732(SB)/4, $2
DATA packlut<>+1736(SB)/4, $4
DATA packlut<>+1740(SB)/4, $5
DATA packlut<>+1744(SB)/4, $0
DATA packlut<>+1748(SB)/4, $0
DATA packlut<>+1752(SB)/4, $0
DATA packlut<>+1756(SB)/4, $0
DATA packlut<>+1760(SB)/4, $0
DATA packlut<>+1764(SB)/4, $1
DATA packlut<>+1768(SB)/4, $2
DATA packlut<>+1772(SB)/4, $4
DATA packlut<>+1776(SB)/4, $5
DATA packlut<>+1780(SB)/4, $0
DATA packlut<>+1784(SB)/4, $0
DATA packlut<>+1788(SB)/4, $0
DATA packlut<>+1792(SB)/4, $3
DATA packlut<>+1796(SB)/4, $4
DATA packlut<>+1800(SB)/4, $5
DATA packlut<>+1804(SB)/4, $0
DATA packlut<>+1808(SB)/4, $0
DATA packlut<>+1812(SB)/4, $0
DATA packlut<>+1816(SB)/4, $0
DATA packlut<>+1820(SB)/4, $0
DATA packlut<>+1824(SB)/4, $0
DATA packlut<>+1828(SB)/4, $3
DATA packlut<>+1832(SB)/4, $4
DATA packlut<>+1836(SB)/4, $5
DATA packlut<>+1840(SB)/4, $0
DATA packlut<>+1844(SB)/4, $0
DATA packlut<>+1848(SB)/4, $0
DATA packlut<>+1852(SB)/4, $0
DATA packlut<>+1856(SB)/4, $1
DATA packlut<>+1860(SB)/4, $3
DATA packlut<>+1864(SB)/4, $4
DATA packlut<>+1868(SB)/4, $5
DATA packlut<>+1872(SB)/4, $0
DATA packlut<>+1876(SB)/4, $0
DATA packlut<>+1880(SB)/4, $0
DATA packlut<>+1884(SB)/4, $0
DATA packlut<>+1888(SB)/4, $0
DATA packlut<>+1892(SB)/4, $1
DATA packlut<>+1896(SB)/4, $3
DATA packlut<>+1900(SB)/4, $4
DATA packlut<>+1904(SB)/4, $5
DATA packlut<>+1908(SB)/4, $0
DATA packlut<>+1912(SB)/4, $0
DATA packlut<>+1916(SB)/4, $0
DATA packlut<>+1920(SB)/4, $2
DATA packlut<>+1924(SB)/4, $3
DATA packlut<>+1928(SB)/4, $4
DATA packlut<>+1932(SB)/4, $5
DATA packlut<>+1936(SB)/4, $0
DATA packlut<>+1940(SB)/4, $0
DATA packlut<>+1944(SB)/4, $0
DATA packlut<>+1948(SB)/4, $0
DATA packlut<>+1952(SB)/4, $0
DATA packlut<>+1956(SB)/4, $2
DATA packlut<>+1960(SB)/4, $3
DATA packlut<>+1964(SB)/4, $4
DATA packlut<>+1968(SB)/4, $5
DATA packlut<>+1972(SB)/4, $0
DATA packlut<>+1976(SB)/4, $0
DATA packlut<>+1980(SB)/4, $0
DATA packlut<>+1984(SB)/4, $1
DATA packlut<>+1988(SB)/4, $2
DATA packlut<>+1992(SB)/4, $3
DATA packlut<>+1996(SB)/4, $4
DATA packlut<>+2000(SB)/4, $5
DATA packlut<>+2004(SB)/4, $0
DATA packlut<>+2008(SB)/4, $0
DATA packlut<>+2012(SB)/4, $0
DATA packlut<>+2016(SB)/4, $0
DATA packlut<>+2020(SB)/4, $1
DATA packlut<>+2024(SB)/4, $2
DATA packlut<>+2028(SB)/4, $3
DATA packlut<>+2032(SB)/4, $4
DATA packlut<>+2036(SB)/4, $5
DATA packlut<>+2040(SB)/4, $0
DATA packlut<>+2044(SB)/4, $0
DATA packlut<>+2048(SB)/4, $6
DATA packlut<>+2052(SB)/4, $0
DATA packlut<>+2056(SB)/4, $0
DATA packlut<>+2060(SB)/4, $0
DATA packlut<>+2064(SB)/4, $0
DATA packlut<>+2068(SB)/4, $0
DATA packlut<>+2072(SB)/4, $0
DATA packlut<>+2076(SB)/4, $0
DATA packlut<>+2080(SB)/4, $0
DATA packlut<>+2084(SB)/4, $6
DATA packlut<>+2088(SB)/4, $0
DATA packlut<>+2092(SB)/4, $0
DATA packlut<>+2096(SB)/4, $0
DATA packlut<>+2100(SB)/4, $0
DATA packlut<>+2104(SB)/4, $0
DATA packlut<>+2108(SB)/4, $0
DATA packlut<>+2112(SB)/4, $1
DATA packlut<>+2116(SB)/4, $6
DATA packlut<>+2120(SB)/4, $0
DATA packlut<>+2124(SB)/4, $0
DATA packlut<>+2128(SB)/4, $0
DATA packlut<>+2132(SB)/4, $0
DATA packlut<>+2136(SB)/4, $0
DATA packlut<>+2140(SB)/4, $0
DATA packlut<>+2144(SB)/4, $0
DATA packlut<>+2148(SB)/4, $1
DATA packlut<>+2152(SB)/4, $6
DATA packlut<>+2156(SB)/4, $0
DATA packlut<>+2160(SB)/4, $0
DATA packlut<>+2164(SB)/4, $0
DATA packlut<>+2168(SB)/4, $0
DATA packlut<>+2172(SB)/4, $0
DATA packlut<>+2176(SB)/4, $2
DATA packlut<>+2180(SB)/4, $6
DATA packlut<>+2184(SB)/4, $0
DATA packlut<>+2188(SB)/4, $0
DATA packlut<>+2192(SB)/4, $0
DATA packlut<>+2196(SB)/4, $0
DATA packlut<>+2200(SB)/4, $0
DATA packlut<>+2204(SB)/4, $0
DATA packlut<>+2208(SB)/4, $0
DATA packlut<>+2212(SB)/4, $2
DATA packlut<>+2216(SB)/4, $6
DATA packlut<>+2220(SB)/4, $0
DATA packlut<>+2224(SB)/4, $0
DATA packlut<>+2228(SB)/4, $0
DATA packlut<>+2232(SB)/4, $0
DATA packlut<>+2236(SB)/4, $0
DATA packlut<>+2240(SB)/4, $1
DATA packlut<>+2244(SB)/4, $2
DATA packlut<>+2248(SB)/4, $6
DATA packlut<>+2252(SB)/4, $0
DATA packlut<>+2256(SB)/4, $0
DATA packlut<>+2260(SB)/4, $0
DATA packlut<>+2264(SB)/4, $0
DATA packlut<>+2268(SB)/4, $0
DATA packlut<>+2272(SB)/4, $0
DATA packlut<>+2276(SB)/4, $1
DATA packlut<>+2280(SB)/4, $2
DATA packlut<>+2284(SB)/4, $6
DATA packlut<>+2288(SB)/4, $0
DATA packlut<>+2292(SB)/4, $0
DATA packlut<>+2296(SB)/4, $0
DATA packlut<>+2300(SB)/4, $0
DATA packlut<>+2304(SB)/4, $3
DATA packlut<>+2308(SB)/4, $6
DATA packlut<>+2312(SB)/4, $0
DATA packlut<>+2316(SB)/4, $0
DATA packlut<>+2320(SB)/4, $0
DATA packlut<>+2324(SB)/4, $0
DATA packlut<>+2328(SB)/4, $0
DATA packlut<>+2332(SB)/4, $0
DATA packlut<>+2336(SB)/4, $0
DATA packlut<>+2340(SB)/4, $3
DATA packlut<>+2344(SB)/4, $6
DATA packlut<>+2348(SB)/4, $0
DATA packlut<>+2352(SB)/4, $0
DATA packlut<>+2356(SB)/4, $0
DATA packlut<>+2360(SB)/4, $0
DATA packlut<>+2364(SB)/4, $0
DATA packlut<>+2368(SB)/4, $1
DATA packlut<>+2372(SB)/4, $3
DATA packlut<>+2376(SB)/4, $6
DATA packlut<>+2380(SB)/4, $0
DATA packlut<>+2384(SB)/4, $0
DATA packlut<>+2388(SB)/4, $0
DATA packlut<>+2392(SB)/4, $0
DATA packlut<>+2396(SB)/4, $0
DATA packlut<>+2400(SB)/4, $0
DATA packlut<>+2404(SB)/4, $1
DATA packlut<>+2408(SB)/4, $3
DATA packlut<>+2412(SB)/4, $6
DATA packlut<>+2416(SB)/4, $0
DATA packlut<>+2420(SB)/4, $0
DATA packlut<>+2424(SB)/4, $0
DATA packlut<>+2428(SB)/4, $0
DATA packlut<>+2432(SB)/4, $2
DATA packlut<>+2436(SB)/4, $3
DATA packlut<>+2440(SB)/4, $6
DATA packlut<>+2444(SB)/4, $0
DATA packlut<>+2448(SB)/4, $0
DATA packlut<>+2452(SB)/4, $0
DATA packlut<>+2456(SB)/4, $0
DATA packlut<>+2460(SB)/4, $0
DATA packlut<>+2464(SB)/4, $0
DATA packlut<>+2468(SB)/4, $2
DATA packlut<>+2472(SB)/4, $3
DATA packlut<>+2476(SB)/4, $6
DATA packlut<>+2480(SB)/4, $0
DATA packlut<>+2484(SB)/4, $0
DATA packlut<>+2488(SB)/4, $0
DATA packlut<>+2492(SB)/4, $0
DATA packlut<>+2496(SB)/4, $1
DATA packlut<>+2500(SB)/4, $2
DATA packlut<>+2504(SB)/4, $3
DATA packlut<>+2508(SB)/4, $6
DATA packlut<>+2512(SB)/4, $0
DATA packlut<>+2516(SB)/4, $0
DATA packlut<>+2520(SB)/4, $0
DATA packlut<>+2524(SB)/4, $0
DATA packlut<>+2528(SB)/4, $0
DATA packlut<>+2532(SB)/4, $1
DATA packlut<>+2536(SB)/4, $2
DATA packlut<>+2540(SB)/4, $3
DATA packlut<>+2544(SB)/4, $6
DATA packlut<>+2548(SB)/4, $0
DATA packlut<>+2552(SB)/4, $0
DATA packlut<>+2556(SB)/4, $0
DATA packlut<>+2560(SB)/4, $4
DATA packlut<>+2564(SB)/4, $6
DATA packlut<>+2568(SB)/4, $0
DATA packlut<>+2572(SB)/4, $0
DATA packlut<>+2576(SB)/4, $0
DATA packlut<>+2580(SB)/4, $0
DATA packlut<>+2584(SB)/4, $0
DATA packlut<>+2588(SB)/4, $0
DATA packlut<>+2592(SB)/4, $0
DATA packlut<>+2596(SB)/4, $4
DATA packlut<>+2600(SB)/4, $6
DATA packlut<>+2604(SB)/4, $0
DATA packlut<>+2608(SB)/4, $0
DATA packlut<>+2612(SB)/4, $0
DATA packlut<>+2616(SB)/4, $0
DATA packlut<>+2620(SB)/4, $0
DATA packlut<>+2624(SB)/4, $1
DATA packlut<>+2628(SB)/4, $4
DATA packlut<>+2632(SB)/4, $6
DATA packlut<>+2636(SB)/4, $0
DATA packlut<>+2640(SB)/4, $0
DATA packlut<>+2644(SB)/4, $0
DATA packlut<>+2648(SB)/4, $0
DATA packlut<>+2652(SB)/4, $0
DATA packlut<>+2656(SB)/4, $0
DATA packlut<>+2660(SB)/4, $1
DATA packlut<>+2664(SB)/4, $4
DATA packlut<>+2668(SB)/4, $6
DATA packlut<>+2672(SB)/4, $0
DATA packlut<>+2676(SB)/4, $0
DATA packlut<>+2680(SB)/4, $0
DATA packlut<>+2684(SB)/4, $0
DATA packlut<>+2688(SB)/4, $2
DATA packlut<>+2692(SB)/4, $4
DATA packlut<>+2696(SB)/4, $6
DATA packlut<>+2700(SB)/4, $0
DATA packlut<>+2704(SB)/4, $0
DATA packlut<>+2708(SB)/4, $0
DATA packlut<>+2712(SB)/4, $0
DATA packlut<>+2716(SB)/4, $0
DATA packlut<>+2720(SB)/4, $0
DATA packlut<>+2724(SB)/4, $2
DATA packlut<>+2728(SB)/4, $4
DATA packlut<>+2732(SB)/4, $6
DATA packlut<>+2736(SB)/4, $0
DATA packlut<>+2740(SB)/4, $0
DATA packlut<>+2744(SB)/4, $0
DATA packlut<>+2748(SB)/4, $0
DATA packlut<>+2752(SB)/4, $1
DATA packlut<>+2756(SB)/4, $2
DATA packlut<>+2760(SB)/4, $4
DATA packlut<>+2764(SB)/4, $6
DATA packlut<>+2768(SB)/4, $0
DATA packlut<>+2772(SB)/4, $0
DATA packlut<>+2776(SB)/4, $0
DATA packlut<>+2780(SB)/4, $0
DATA packlut<>+2784(SB)/4, $0
DATA packlut<>+2788(SB)/4, $1
DATA packlut<>+2792(SB)/4, $2
DATA packlut<>+2796(SB)/4, $4
DATA packlut<>+2800(SB)/4, $6
DATA packlut<>+2804(SB)/4, $0
DATA packlut<>+2808(SB)/4, $0
DATA packlut<>+2812(SB)/4, $0
DATA packlut<>+2816(SB)/4, $3
DATA packlut<>+2820(SB)/4, $4
DATA packlut<>+2824(SB)/4, $6
DATA packlut<>+2828(SB)/4, $0
DATA packlut<>+2832(SB)/4, $0
DATA packlut<>+2836(SB)/4, $0
DATA packlut<>+2840(SB)/4, $0
DATA packlut<>+2844(SB)/4, $0
DATA packlut<>+2848(SB)/4, $0
DATA packlut<>+2852(SB)/4, $3
DATA packlut<>+2856(SB)/4, $4
DATA packlut<>+2860(SB)/4, $6
DATA packlut<>+2864(SB)/4, $0
DATA packlut<>+2868(SB)/4, $0
DATA packlut<>+2872(SB)/4, $0
DATA packlut<>+2876(SB)/4, $0
DATA packlut<>+2880(SB)/4, $1
DATA packlut<>+2884(SB)/4, $3
DATA packlut<>+2888(SB)/4, $4
DATA packlut<>+2892(SB)/4, $6
DATA packlut<>+2896(SB)/4, $0
DATA packlut<>+2900(SB)/4, $0
DATA packlut<>+2904(SB)/4, $0
DATA packlut<>+2908(SB)/4, $0
DATA packlut<>+2912(SB)/4, $0
DATA packlut<>+2916(SB)/4, $1
DATA packlut<>+2920(SB)/4, $3
DATA packlut<>+2924(SB)/4, $4
DATA packlut<>+2928(SB)/4, $6
DATA packlut<>+2932(SB)/4, $0
DATA packlut<>+2936(SB)/4, $0
DATA packlut<>+2940(SB)/4, $0
DATA packlut<>+2944(SB)/4, $2
DATA packlut<>+2948(SB)/4, $3
DATA packlut<>+2952(SB)/4, $4
DATA packlut<>+2956(SB)/4, $6
DATA packlut<>+2960(SB)/4, $0
DATA packlut<>+2964(SB)/4, $0
DATA packlut<>+2968(SB)/4, $0
DATA packlut<>+2972(SB)/4, $0
DATA packlut<>+2976(SB)/4, $0
DATA packlut<>+2980(SB)/4, $2
DATA packlut<>+2984(SB)/4, $3
DATA packlut<>+2988(SB)/4, $4
DATA packlut<>+2992(SB)/4, $6
DATA packlut<>+2996(SB)/4, $0
DATA packlut<>+3000(SB)/4, $0
DATA packlut<>+3004(SB)/4, $0
DATA packlut<>+3008(SB)/4, $1
DATA packlut<>+3012(SB)/4, $2
DATA packlut<>+3016(SB)/4, $3
DATA packlut<>+3020(SB)/4, $4
DATA packlut<>+3024(SB)/4, $6
DATA packlut<>+3028(SB)/4, $0
DATA packlut<>+3032(SB)/4, $0
DATA packlut<>+3036(SB)/4, $0
DATA packlut<>+3040(SB)/4, $0
DATA packlut<>+3044(SB)/4, $1
DATA packlut<>+3048(SB)/4, $2
DATA packlut<>+3052(SB)/4, $3
DATA packlut<>+3056(SB)/4, $4
DATA packlut<>+3060(SB)/4, $6
DATA packlut<>+3064(SB)/4, $0
DATA packlut<>+3068(SB)/4, $0
DATA packlut<>+3072(SB)/4, $5
DATA packlut<>+3076(SB)/4, $6
DATA packlut<>+3080(SB)/4, $0
DATA packlut<>+3084(SB)/4, $0
DATA packlut<>+3088(SB)/4, $0
DATA packlut<>+3092(SB)/4, $0
DATA packlut<>+3096(SB)/4, $0
DATA packlut<>+3100(SB)/4, $0
DATA packlut<>+3104(SB)/4, $0
DATA packlut<>+3108(SB)/4, $5
DATA packlut<>+3112(SB)/4, $6
DATA packlut<>+3116(SB)/4, $0
DATA packlut<>+3120(SB)/4, $0
DATA packlut<>+3124(SB)/4, $0
DATA packlut<>+3128(SB)/4, $0
DATA packlut<>+3132(SB)/4, $0
DATA packlut<>+3136(SB)/4, $1
DATA packlut<>+3140(SB)/4, $5
DATA packlut<>+3144(SB)/4, $6
DATA packlut<>+3148(SB)/4, $0
DATA packlut<>+3152(SB)/4, $0
DATA packlut<>+3156(SB)/4, $0
DATA packlut<>+3160(SB)/4, $0
DATA packlut<>+3164(SB)/4, $0
DATA packlut<>+3168(SB)/4, $0
DATA packlut<>+3172(SB)/4, $1
DATA packlut<>+3176(SB)/4, $5
DATA packlut<>+3180(SB)/4, $6
DATA packlut<>+3184(SB)/4, $0
DATA packlut<>+3188(SB)/4, $0
DATA packlut<>+3192(SB)/4, $0
DATA packlut<>+3196(SB)/4, $0
DATA packlut<>+3200(SB)/4, $2
DATA packlut<>+3204(SB)/4, $5
DATA packlut<>+3208(SB)/4, $6
DATA packlut<>+3212(SB)/4, $0
DATA packlut<>+3216(SB)/4, $0
DATA packlut<>+3220(SB)/4, $0
DATA packlut<>+3224(SB)/4, $0
DATA packlut<>+3228(SB)/4, $0
DATA packlut<>+3232(SB)/4, $0
DATA packlut<>+3236(SB)/4, $2
DATA packlut<>+3240(SB)/4, $5
DATA packlut<>+3244(SB)/4, $6
DATA packlut<>+3248(SB)/4, $0
DATA packlut<>+3252(SB)/4, $0
DATA packlut<>+3256(SB)/4, $0
DATA packlut<>+3260(SB)/4, $0
DATA packlut<>+3264(SB)/4, $1
DATA packlut<>+3268(SB)/4, $2
DATA packlut<>+3272(SB)/4, $5
DATA packlut<>+3276(SB)/4, $6
DATA packlut<>+3280(SB)/4, $0
DATA packlut<>+3284(SB)/4, $0
DATA packlut<>+3288(SB)/4, $0
DATA packlut<>+3292(SB)/4, $0
DATA packlut<>+3296(SB)/4, $0
DATA packlut<>+3300(SB)/4, $1
DATA packlut<>+3304(SB)/4, $2
DATA packlut<>+3308(SB)/4, $5
DATA packlut<>+3312(SB)/4, $6
DATA packlut<>+3316(SB)/4, $0
DATA packlut<>+3320(SB)/4, $0
DATA packlut<>+3324(SB)/4, $0
DATA packlut<>+3328(SB)/4, $3
DATA packlut<>+3332(SB)/4, $5
DATA packlut<>+3336(SB)/4, $6
DATA packlut<>+3340(SB)/4, $0
DATA packlut<>+3344(SB)/4, $0
DATA packlut<>+3348(SB)/4, $0
DATA packlut<>+3352(SB)/4, $0
DATA packlut<>+3356(SB)/4, $0
DATA packlut<>+3360(SB)/4, $0
DATA packlut<>+3364(SB)/4, $3
DATA packlut<>+3368(SB)/4, $5
DATA packlut<>+3372(SB)/4, $6
DATA packlut<>+3376(SB)/4, $0
DATA packlut<>+3380(SB)/4, $0
DATA packlut<>+3384(SB)/4, $0
DATA packlut<>+3388(SB)/4, $0
DATA packlut<>+3392(SB)/4, $1
DATA packlut<>+3396(SB)/4, $3
DATA packlut<>+3400(SB)/4, $5
DATA packlut<>+3404(SB)/4, $6
DATA packlut<>+3408(SB)/4, $0
DATA packlut<>+3412(SB)/4, $0
DATA packlut<>+3416(SB)/4, $0
DATA packlut<>+3420(SB)/4, $0
DATA packlut<>+3424(SB)/4, $0
DATA packlut<>+3428(SB)/4, $1
DATA packlut<>+3432(SB)/4, $3
DATA packlut<>+3436(SB)/4, $5
DATA packlut<>+3440(SB)/4, $6
DATA packlut<>+3444(SB)/4, $0
DATA packlut<>+3448(SB)/4, $0
DATA packlut<>+3452(SB)/4, $0
DATA packlut<>+3456(SB)/4, $2
DATA packlut<>+3460(SB)/4, $3
DATA packlut<>+3464(SB)/4, $5
DATA packlut<>+3468(SB)/4, $6
DATA packlut<>+3472(SB)/4, $0
DATA packlut<>+3476(SB)/4, $0
DATA packlut<>+3480(SB)/4, $0
DATA packlut<>+3484(SB)/4, $0
DATA packlut<>+3488(SB)/4, $0
DATA packlut<>+3492(SB)/4, $2
DATA packlut<>+3496(SB)/4, $3
DATA packlut<>+3500(SB)/4, $5
DATA packlut<>+3504(SB)/4, $6
DATA packlut<>+3508(SB)/4, $0
DATA packlut<>+3512(SB)/4, $0
DATA packlut<>+3516(SB)/4, $0
DATA packlut<>+3520(SB)/4, $1
DATA packlut<>+3524(SB)/4, $2
DATA packlut<>+3528(SB)/4, $3
DATA packlut<>+3532(SB)/4, $5
DATA packlut<>+3536(SB)/4, $6
DATA packlut<>+3540(SB)/4, $0
DATA packlut<>+3544(SB)/4, $0
DATA packlut<>+3548(SB)/4, $0
DATA packlut<>+3552(SB)/4, $0
DATA packlut<>+3556(SB)/4, $1
DATA packlut<>+3560(SB)/4, $2
DATA packlut<>+3564(SB)/4, $3
DATA packlut<>+3568(SB)/4, $5
DATA packlut<>+3572(SB)/4, $6
DATA packlut<>+3576(SB)/4, $0
DATA packlut<>+3580(SB)/4, $0
DATA packlut<>+3584(SB)/4, $4
DATA packlut<>+3588(SB)/4, $5
DATA packlut<>+3592(SB)/4, $6
DATA packlut<>+3596(SB)/4, $0
DATA packlut<>+3600(SB)/4, $0
DATA packlut<>+3604(SB)/4, $0
DATA packlut<>+3608(SB)/4, $0
DATA packlut<>+3612(SB)/4, $0
DATA packlut<>+3616(SB)/4, $0
DATA packlut<>+3620(SB)/4, $4
DATA packlut<>+3624(SB)/4, $5
DATA packlut<>+3628(SB)/4, $6
DATA packlut<>+3632(SB)/4, $0
DATA packlut<>+3636(SB)/4, $0
DATA packlut<>+3640(SB)/4, $0
DATA packlut<>+3644(SB)/4, $0
DATA packlut<>+3648(SB)/4, $1
DATA packlut<>+3652(SB)/4, $4
DATA packlut<>+3656(SB)/4, $5
DATA packlut<>+3660(SB)/4, $6
DATA packlut<>+3664(SB)/4, $0
DATA packlut<>+3668(SB)/4, $0
DATA packlut<>+3672(SB)/4, $0
DATA packlut<>+3676(SB)/4, $0
DATA packlut<>+3680(SB)/4, $0
DATA packlut<>+3684(SB)/4, $1
DATA packlut<>+3688(SB)/4, $4
DATA packlut<>+3692(SB)/4, $5
DATA packlut<>+3696(SB)/4, $6
DATA packlut<>+3700(SB)/4, $0
DATA packlut<>+3704(SB)/4, $0
DATA packlut<>+3708(SB)/4, $0
DATA packlut<>+3712(SB)/4, $2
DATA packlut<>+3716(SB)/4, $4
DATA packlut<>+3720(SB)/4, $5
DATA packlut<>+3724(SB)/4, $6
DATA packlut<>+3728(SB)/4, $0
DATA packlut<>+3732(SB)/4, $0
DATA packlut<>+3736(SB)/4, $0
DATA packlut<>+3740(SB)/4, $0
DATA packlut<>+3744(SB)/4, $0
DATA packlut<>+3748(SB)/4, $2
DATA packlut<>+3752(SB)/4, $4
DATA packlut<>+3756(SB)/4, $5
DATA packlut<>+3760(SB)/4, $6
DATA packlut<>+3764(SB)/4, $0
DATA packlut<>+3768(SB)/4, $0
DATA packlut<>+3772(SB)/4, $0
DATA packlut<>+3776(SB)/4, $1
DATA packlut<>+3780(SB)/4, $2
DATA packlut<>+3784(SB)/4, $4
DATA packlut<>+3788(SB)/4, $5
DATA packlut<>+3792(SB)/4, $6
DATA packlut<>+3796(SB)/4, $0
DATA packlut<>+3800(SB)/4, $0
DATA packlut<>+3804(SB)/4, $0
DATA packlut<>+3808(SB)/4, $0
DATA packlut<>+3812(SB)/4, $1
DATA packlut<>+3816(SB)/4, $2
DATA packlut<>+3820(SB)/4, $4
DATA packlut<>+3824(SB)/4, $5
DATA packlut<>+3828(SB)/4, $6
DATA packlut<>+3832(SB)/4, $0
DATA packlut<>+3836(SB)/4, $0
DATA packlut<>+3840(SB)/4, $3
DATA packlut<>+3844(SB)/4, $4
DATA packlut<>+3848(SB)/4, $5
DATA packlut<>+3852(SB)/4, $6
DATA packlut<>+3856(SB)/4, $0
DATA packlut<>+3860(SB)/4, $0
DATA packlut<>+3864(SB)/4, $0
DATA packlut<>+3868(SB)/4, $0
DATA packlut<>+3872(SB)/4, $0
DATA packlut<>+3876(SB)/4, $3
DATA packlut<>+3880(SB)/4, $4
DATA packlut<>+3884(SB)/4, $5
DATA packlut<>+3888(SB)/4, $6
DATA packlut<>+3892(SB)/4, $0
DATA packlut<>+3896(SB)/4, $0
DATA packlut<>+3900(SB)/4, $0
DATA packlut<>+3904(SB)/4, $1
DATA packlut<>+3908(SB)/4, $3
DATA packlut<>+3912(SB)/4, $4
DATA packlut<>+3916(SB)/4, $5
DATA packlut<>+3920(SB)/4, $6
DATA packlut<>+3924(SB)/4, $0
DATA packlut<>+3928(SB)/4, $0
DATA packlut<>+3932(SB)/4, $0
DATA packlut<>+3936(SB)/4, $0
DATA packlut<>+3940(SB)/4, $1
DATA packlut<>+3944(SB)/4, $3
DATA packlut<>+3948(SB)/4, $4
DATA packlut<>+3952(SB)/4, $5
DATA packlut<>+3956(SB)/4, $6
DATA packlut<>+3960(SB)/4, $0
DATA packlut<>+3964(SB)/4, $0
DATA packlut<>+3968(SB)/4, $2
DATA packlut<>+3972(SB)/4, $3
DATA packlut<>+3976(SB)/4, $4
DATA packlut<>+3980(SB)/4, $5
DATA packlut<>+3984(SB)/4, $6
DATA packlut<>+3988(SB)/4, $0
DATA packlut<>+3992(SB)/4, $0
DATA packlut<>+3996(SB)/4, $0
DATA packlut<>+4000(SB)/4, $0
DATA packlut<>+4004(SB)/4, $2
DATA packlut<>+4008(SB)/4, $3
DATA packlut<>+4012(SB)/4, $4
DATA packlut<>+4016(SB)/4, $5
DATA packlut<>+4020(SB)/4, $6
DATA packlut<>+4024(SB)/4, $0
DATA packlut<>+4028(SB)/4, $0
DATA packlut<>+4032(SB)/4, $1
DATA packlut<>+4036(SB)/4, $2
DATA packlut<>+4040(SB)/4, $3
DATA packlut<>+4044(SB)/4, $4
DATA packlut<>+4048(SB)/4, $5
DATA packlut<>+4052(SB)/4, $6
DATA packlut<>+4056(SB)/4, $0
DATA packlut<>+4060(SB)/4, $0
DATA packlut<>+4064(SB)/4, $0
DATA packlut<>+4068(SB)/4, $1
DATA packlut<>+4072(SB)/4, $2
DATA packlut<>+4076(SB)/4, $3
DATA packlut<>+4080(SB)/4, $4
DATA packlut<>+4084(SB)/4, $5
DATA packlut<>+4088(SB)/4, $6
DATA packlut<>+4092(SB)/4, $0
DATA packlut<>+4096(SB)/4, $7
DATA packlut<>+4100(SB)/4, $0
DATA packlut<>+4104(SB)/4, $0
DATA packlut<>+4108(SB)/4, $0
DATA packlut<>+4112(SB)/4, $0
DATA packlut<>+4116(SB)/4, $0
DATA packlut<>+4120(SB)/4, $0
DATA packlut<>+4124(SB)/4, $0
DATA packlut<>+4128(SB)/4, $0
DATA packlut<>+4132(SB)/4, $7
DATA packlut<>+4136(SB)/4, $0
DATA packlut<>+4140(SB)/4, $0
DATA packlut<>+4144(SB)/4, $0
DATA packlut<>+4148(SB)/4, $0
DATA packlut<>+4152(SB)/4, $0
DATA packlut<>+4156(SB)/4, $0
DATA packlut<>+4160(SB)/4, $1
DATA packlut<>+4164(SB)/4, $7
DATA packlut<>+4168(SB)/4, $0
DATA packlut<>+4172(SB)/4, $0
DATA packlut<>+4176(SB)/4, $0
DATA packlut<>+4180(SB)/4, $0
DATA packlut<>+4184(SB)/4, $0
DATA packlut<>+4188(SB)/4, $0
DATA packlut<>+4192(SB)/4, $0
DATA packlut<>+4196(SB)/4, $1
DATA packlut<>+4200(SB)/4, $7
DATA packlut<>+4204(SB)/4, $0
DATA packlut<>+4208(SB)/4, $0
DATA packlut<>+4212(SB)/4, $0
DATA packlut<>+4216(SB)/4, $0
DATA packlut<>+4220(SB)/4, $0
DATA packlut<>+4224(SB)/4, $2
DATA packlut<>+4228(SB)/4, $7
DATA packlut<>+4232(SB)/4, $0
DATA packlut<>+4236(SB)/4, $0
DATA packlut<>+4240(SB)/4, $0
DATA packlut<>+4244(SB)/4, $0
DATA packlut<>+4248(SB)/4, $0
DATA packlut<>+4252(SB)/4, $0
DATA packlut<>+4256(SB)/4, $0
DATA packlut<>+4260(SB)/4, $2
DATA packlut<>+4264(SB)/4, $7
DATA packlut<>+4268(SB)/4, $0
DATA packlut<>+4272(SB)/4, $0
DATA packlut<>+4276(SB)/4, $0
DATA packlut<>+4280(SB)/4, $0
DATA packlut<>+4284(SB)/4, $0
DATA packlut<>+4288(SB)/4, $1
DATA packlut<>+4292(SB)/4, $2
DATA packlut<>+4296(SB)/4, $7
DATA packlut<>+4300(SB)/4, $0
DATA packlut<>+4304(SB)/4, $0
DATA packlut<>+4308(SB)/4, $0
DATA packlut<>+4312(SB)/4, $0
DATA packlut<>+4316(SB)/4, $0
DATA packlut<>+4320(SB)/4, $0
DATA packlut<>+4324(SB)/4, $1
DATA packlut<>+4328(SB)/4, $2
DATA packlut<>+4332(SB)/4, $7
DATA packlut<>+4336(SB)/4, $0
DATA packlut<>+4340(SB)/4, $0
DATA packlut<>+4344(SB)/4, $0
DATA packlut<>+4348(SB)/4, $0
DATA packlut<>+4352(SB)/4, $3
DATA packlut<>+4356(SB)/4, $7
DATA packlut<>+4360(SB)/4, $0
DATA packlut<>+4364(SB)/4, $0
DATA packlut<>+4368(SB)/4, $0
DATA packlut<>+4372(SB)/4, $0
DATA packlut<>+4376(SB)/4, $0
DATA packlut<>+4380(SB)/4, $0
DATA packlut<>+4384(SB)/4, $0
DATA packlut<>+4388(SB)/4, $3
DATA packlut<>+4392(SB)/4, $7
DATA packlut<>+4396(SB)/4, $0
DATA packlut<>+4400(SB)/4, $0
DATA packlut<>+4404(SB)/4, $0
DATA packlut<>+4408(SB)/4, $0
DATA packlut<>+4412(SB)/4, $0
DATA packlut<>+4416(SB)/4, $1
DATA packlut<>+4420(SB)/4, $3
DATA packlut<>+4424(SB)/4, $7
DATA packlut<>+4428(SB)/4, $0
DATA packlut<>+4432(SB)/4, $0
DATA packlut<>+4436(SB)/4, $0
DATA packlut<>+4440(SB)/4, $0
DATA packlut<>+4444(SB)/4, $0
DATA packlut<>+4448(SB)/4, $0
DATA packlut<>+4452(SB)/4, $1
DATA packlut<>+4456(SB)/4, $3
DATA packlut<>+4460(SB)/4, $7
DATA packlut<>+4464(SB)/4, $0
DATA packlut<>+4468(SB)/4, $0
DATA packlut<>+4472(SB)/4, $0
DATA packlut<>+4476(SB)/4, $0
DATA packlut<>+4480(SB)/4, $2
DATA packlut<>+4484(SB)/4, $3
DATA packlut<>+4488(SB)/4, $7
DATA packlut<>+4492(SB)/4, $0
DATA packlut<>+4496(SB)/4, $0
DATA packlut<>+4500(SB)/4, $0
DATA packlut<>+4504(SB)/4, $0
DATA packlut<>+4508(SB)/4, $0
DATA packlut<>+4512(SB)/4, $0
DATA packlut<>+4516(SB)/4, $2
DATA packlut<>+4520(SB)/4, $3
DATA packlut<>+4524(SB)/4, $7
DATA packlut<>+4528(SB)/4, $0
DATA packlut<>+4532(SB)/4, $0
DATA packlut<>+4536(SB)/4, $0
DATA packlut<>+4540(SB)/4, $0
DATA packlut<>+4544(SB)/4, $1
DATA packlut<>+4548(SB)/4, $2
DATA packlut<>+4552(SB)/4, $3
DATA packlut<>+4556(SB)/4, $7
DATA packlut<>+4560(SB)/4, $0
DATA packlut<>+4564(SB)/4, $0
DATA packlut<>+4568(SB)/4, $0
DATA packlut<>+4572(SB)/4, $0
DATA packlut<>+4576(SB)/4, $0
DATA packlut<>+4580(SB)/4, $1
DATA packlut<>+4584(SB)/4, $2
DATA packlut<>+4588(SB)/4, $3
DATA packlut<>+4592(SB)/4, $7
DATA packlut<>+4596(SB)/4, $0
DATA packlut<>+4600(SB)/4, $0
DATA packlut<>+4604(SB)/4, $0
DATA packlut<>+4608(SB)/4, $4
DATA packlut<>+4612(SB)/4, $7
DATA packlut<>+4616(SB)/4, $0
DATA packlut<>+4620(SB)/4, $0
DATA packlut<>+4624(SB)/4, $0
DATA packlut<>+4628(SB)/4, $0
DATA packlut<>+4632(SB)/4, $0
DATA packlut<>+4636(SB)/4, $0
DATA packlut<>+4640(SB)/4, $0
DATA packlut<>+4644(SB)/4, $4
DATA packlut<>+4648(SB)/4, $7
DATA packlut<>+4652(SB)/4, $0
DATA packlut<>+4656(SB)/4, $0
DATA packlut<>+4660(SB)/4, $0
DATA packlut<>+4664(SB)/4, $0
DATA packlut<>+4668(SB)/4, $0
DATA packlut<>+4672(SB)/4, $1
DATA packlut<>+4676(SB)/4, $4
DATA packlut<>+4680(SB)/4, $7
DATA packlut<>+4684(SB)/4, $0
DATA packlut<>+4688(SB)/4, $0
DATA packlut<>+4692(SB)/4, $0
DATA packlut<>+4696(SB)/4, $0
DATA packlut<>+4700(SB)/4, $0
DATA packlut<>+4704(SB)/4, $0
DATA packlut<>+4708(SB)/4, $1
DATA packlut<>+4712(SB)/4, $4
DATA packlut<>+4716(SB)/4, $7
DATA packlut<>+4720(SB)/4, $0
DATA packlut<>+4724(SB)/4, $0
DATA packlut<>+4728(SB)/4, $0
DATA packlut<>+4732(SB)/4, $0
DATA packlut<>+4736(SB)/4, $2
DATA packlut<>+4740(SB)/4, $4
DATA packlut<>+4744(SB)/4, $7
DATA packlut<>+4748(SB)/4, $0
DATA packlut<>+4752(SB)/4, $0
DATA packlut<>+4756(SB)/4, $0
DATA packlut<>+4760(SB)/4, $0
DATA packlut<>+4764(SB)/4, $0
DATA packlut<>+4768(SB)/4, $0
DATA packlut<>+4772(SB)/4, $2
DATA packlut<>+4776(SB)/4, $4
DATA packlut<>+4780(SB)/4, $7
DATA packlut<>+4784(SB)/4, $0
DATA packlut<>+4788(SB)/4, $0
DATA packlut<>+4792(SB)/4, $0
DATA packlut<>+4796(SB)/4, $0
DATA packlut<>+4800(SB)/4, $1
DATA packlut<>+4804(SB)/4, $2
DATA packlut<>+4808(SB)/4, $4
DATA packlut<>+4812(SB)/4, $7
DATA packlut<>+4816(SB)/4, $0
DATA packlut<>+4820(SB)/4, $0
DATA packlut<>+4824(SB)/4, $0
DATA packlut<>+4828(SB)/4, $0
DATA packlut<>+4832(SB)/4, $0
DATA packlut<>+4836(SB)/4, $1
DATA packlut<>+4840(SB)/4, $2
DATA packlut<>+4844(SB)/4, $4
DATA packlut<>+4848(SB)/4, $7
DATA packlut<>+4852(SB)/4, $0
DATA packlut<>+4856(SB)/4, $0
DATA packlut<>+4860(SB)/4, $0
DATA packlut<>+4864(SB)/4, $3
DATA packlut<>+4868(SB)/4, $4
DATA packlut<>+4872(SB)/4, $7
DATA packlut<>+4876(SB)/4, $0
DATA packlut<>+4880(SB)/4, $0
DATA packlut<>+4884(SB)/4, $0
DATA packlut<>+4888(SB)/4, $0
DATA packlut<>+4892(SB)/4, $0
DATA packlut<>+4896(SB)/4, $0
DATA packlut<>+4900(SB)/4, $3
DATA packlut<>+4904(SB)/4, $4
DATA packlut<>+4908(SB)/4, $7
DATA packlut<>+4912(SB)/4, $0
DATA packlut<>+4916(SB)/4, $0
DATA packlut<>+4920(SB)/4, $0
DATA packlut<>+4924(SB)/4, $0
DATA packlut<>+4928(SB)/4, $1
DATA packlut<>+4932(SB)/4, $3
DATA packlut<>+4936(SB)/4, $4
DATA packlut<>+4940(SB)/4, $7
DATA packlut<>+4944(SB)/4, $0
DATA packlut<>+4948(SB)/4, $0
DATA packlut<>+4952(SB)/4, $0
DATA packlut<>+4956(SB)/4, $0
DATA packlut<>+4960(SB)/4, $0
DATA packlut<>+4964(SB)/4, $1
DATA packlut<>+4968(SB)/4, $3
DATA packlut<>+4972(SB)/4, $4
DATA packlut<>+4976(SB)/4, $7
DATA packlut<>+4980(SB)/4, $0
DATA packlut<>+4984(SB)/4, $0
DATA packlut<>+4988(SB)/4, $0
DATA packlut<>+4992(SB)/4, $2
DATA packlut<>+4996(SB)/4, $3
DATA packlut<>+5000(SB)/4, $4
DATA packlut<>+5004(SB)/4, $7
DATA packlut<>+5008(SB)/4, $0
DATA packlut<>+5012(SB)/4, $0
DATA packlut<>+5016(SB)/4, $0
DATA packlut<>+5020(SB)/4, $0
DATA packlut<>+5024(SB)/4, $0
DATA packlut<>+5028(SB)/4, $2
DATA packlut<>+5032(SB)/4, $3
DATA packlut<>+5036(SB)/4, $4
DATA packlut<>+5040(SB)/4, $7
DATA packlut<>+5044(SB)/4, $0
DATA packlut<>+5048(SB)/4, $0
DATA packlut<>+5052(SB)/4, $0
DATA packlut<>+5056(SB)/4, $1
DATA packlut<>+5060(SB)/4, $2
DATA packlut<>+5064(SB)/4, $3
DATA packlut<>+5068(SB)/4, $4
DATA packlut<>+5072(SB)/4, $7
DATA packlut<>+5076(SB)/4, $0
DATA packlut<>+5080(SB)/4, $0
DATA packlut<>+5084(SB)/4, $0
DATA packlut<>+5088(SB)/4, $0
DATA packlut<>+5092(SB)/4, $1
DATA packlut<>+5096(SB)/4, $2
DATA packlut<>+5100(SB)/4, $3
DATA packlut<>+5104(SB)/4, $4
DATA packlut<>+5108(SB)/4, $7
DATA packlut<>+5112(SB)/4, $0
DATA packlut<>+5116(SB)/4, $0
DATA packlut<>+5120(SB)/4, $5
DATA packlut<>+5124(SB)/4, $7
DATA packlut<>+5128(SB)/4, $0
DATA packlut<>+5132(SB)/4, $0
DATA packlut<>+5136(SB)/4, $0
DATA packlut<>+5140(SB)/4, $0
DATA packlut<>+5144(SB)/4, $0
DATA packlut<>+5148(SB)/4, $0
DATA packlut<>+5152(SB)/4, $0
DATA packlut<>+5156(SB)/4, $5
DATA packlut<>+5160(SB)/4, $7
DATA packlut<>+5164(SB)/4, $0
DATA packlut<>+5168(SB)/4, $0
DATA packlut<>+5172(SB)/4, $0
DATA packlut<>+5176(SB)/4, $0
DATA packlut<>+5180(SB)/4, $0
DATA packlut<>+5184(SB)/4, $1
DATA packlut<>+5188(SB)/4, $5
DATA packlut<>+5192(SB)/4, $7
DATA packlut<>+5196(SB)/4, $0
DATA packlut<>+5200(SB)/4, $0
DATA packlut<>+5204(SB)/4, $0
DATA packlut<>+5208(SB)/4, $0
DATA packlut<>+5212(SB)/4, $0
DATA packlut<>+5216(SB)/4, $0
DATA packlut<>+5220(SB)/4, $1
DATA packlut<>+5224(SB)/4, $5
DATA packlut<>+5228(SB)/4, $7
DATA packlut<>+5232(SB)/4, $0
DATA packlut<>+5236(SB)/4, $0
DATA packlut<>+5240(SB)/4, $0
DATA packlut<>+5244(SB)/4, $0
DATA packlut<>+5248(SB)/4, $2
DATA packlut<>+5252(SB)/4, $5
DATA packlut<>+5256(SB)/4, $7
DATA packlut<>+5260(SB)/4, $0
DATA packlut<>+5264(SB)/4, $0
DATA packlut<>+5268(SB)/4, $0
DATA packlut<>+5272(SB)/4, $0
DATA packlut<>+5276(SB)/4, $0
DATA packlut<>+5280(SB)/4, $0
DATA packlut<>+5284(SB)/4, $2
DATA packlut<>+5288(SB)/4, $5
DATA packlut<>+5292(SB)/4, $7
DATA packlut<>+5296(SB)/4, $0
DATA packlut<>+5300(SB)/4, $0
DATA packlut<>+5304(SB)/4, $0
DATA packlut<>+5308(SB)/4, $0
DATA packlut<>+5312(SB)/4, $1
DATA packlut<>+5316(SB)/4, $2
DATA packlut<>+5320(SB)/4, $5
DATA packlut<>+5324(SB)/4, $7
DATA packlut<>+5328(SB)/4, $0
DATA packlut<>+5332(SB)/4, $0
DATA packlut<>+5336(SB)/4, $0
DATA packlut<>+5340(SB)/4, $0
DATA packlut<>+5344(SB)/4, $0
DATA packlut<>+5348(SB)/4, $1
DATA packlut<>+5352(SB)/4, $2
DATA packlut<>+5356(SB)/4, $5
DATA packlut<>+5360(SB)/4, $7
DATA packlut<>+5364(SB)/4, $0
DATA packlut<>+5368(SB)/4, $0
DATA packlut<>+5372(SB)/4, $0
DATA packlut<>+5376(SB)/4, $3
DATA packlut<>+5380(SB)/4, $5
DATA packlut<>+5384(SB)/4, $7
DATA packlut<>+5388(SB)/4, $0
DATA packlut<>+5392(SB)/4, $0
DATA packlut<>+5396(SB)/4, $0
DATA packlut<>+5400(SB)/4, $0
DATA packlut<>+5404(SB)/4, $0
DATA packlut<>+5408(SB)/4, $0
DATA packlut<>+5412(SB)/4, $3
DATA packlut<>+5416(SB)/4, $5
DATA packlut<>+5420(SB)/4, $7
DATA packlut<>+5424(SB)/4, $0
DATA packlut<>+5428(SB)/4, $0
DATA packlut<>+5432(SB)/4, $0
DATA packlut<>+5436(SB)/4, $0
DATA packlut<>+5440(SB)/4, $1
DATA packlut<>+5444(SB)/4, $3
DATA packlut<>+5448(SB)/4, $5
DATA packlut<>+5452(SB)/4, $7
DATA packlut<>+5456(SB)/4, $0
DATA packlut<>+5460(SB)/4, $0
DATA packlut<>+5464(SB)/4, $0
DATA packlut<>+5468(SB)/4, $0
DATA packlut<>+5472(SB)/4, $0
DATA packlut<>+5476(SB)/4, $1
DATA packlut<>+5480(SB)/4, $3
DATA packlut<>+5484(SB)/4, $5
DATA packlut<>+5488(SB)/4, $7
DATA packlut<>+5492(SB)/4, $0
DATA packlut<>+5496(SB)/4, $0
DATA packlut<>+5500(SB)/4, $0
DATA packlut<>+5504(SB)/4, $2
DATA packlut<>+5508(SB)/4, $3
DATA packlut<>+5512(SB)/4, $5
DATA packlut<>+5516(SB)/4, $7
DATA packlut<>+5520(SB)/4, $0
DATA packlut<>+5524(SB)/4, $0
DATA packlut<>+5528(SB)/4, $0
DATA packlut<>+5532(SB)/4, $0
DATA packlut<>+5536(SB)/4, $0
DATA packlut<>+5540(SB)/4, $2
DATA packlut<>+5544(SB)/4, $3
DATA packlut<>+5548(SB)/4, $5
DATA packlut<>+5552(SB)/4, $7
DATA packlut<>+5556(SB)/4, $0
DATA packlut<>+5560(SB)/4, $0
DATA packlut<>+5564(SB)/4, $0
DATA packlut<>+5568(SB)/4, $1
DATA packlut<>+5572(SB)/4, $2
DATA packlut<>+5576(SB)/4, $3
DATA packlut<>+5580(SB)/4, $5
DATA packlut<>+5584(SB)/4, $7
DATA packlut<>+5588(SB)/4, $0
DATA packlut<>+5592(SB)/4, $0
DATA packlut<>+5596(SB)/4, $0
DATA packlut<>+5600(SB)/4, $0
DATA packlut<>+5604(SB)/4, $1
DATA packlut<>+5608(SB)/4, $2
DATA packlut<>+5612(SB)/4, $3
DATA packlut<>+5616(SB)/4, $5
DATA packlut<>+5620(SB)/4, $7
DATA packlut<>+5624(SB)/4, $0
DATA packlut<>+5628(SB)/4, $0
DATA packlut<>+5632(SB)/4, $4
DATA packlut<>+5636(SB)/4, $5
DATA packlut<>+5640(SB)/4, $7
DATA packlut<>+5644(SB)/4, $0
DATA packlut<>+5648(SB)/4, $0
DATA packlut<>+5652(SB)/4, $0
DATA packlut<>+5656(SB)/4, $0
DATA packlut<>+5660(SB)/4, $0
DATA packlut<>+5664(SB)/4, $0
DATA packlut<>+5668(SB)/4, $4
DATA packlut<>+5672(SB)/4, $5
DATA packlut<>+5676(SB)/4, $7
DATA packlut<>+5680(SB)/4, $0
DATA packlut<>+5684(SB)/4, $0
DATA packlut<>+5688(SB)/4, $0
DATA packlut<>+5692(SB)/4, $0
DATA packlut<>+5696(SB)/4, $1
DATA packlut<>+5700(SB)/4, $4
DATA packlut<>+5704(SB)/4, $5
DATA packlut<>+5708(SB)/4, $7
DATA packlut<>+5712(SB)/4, $0
DATA packlut<>+5716(SB)/4, $0
DATA packlut<>+5720(SB)/4, $0
DATA packlut<>+5724(SB)/4, $0
DATA packlut<>+5728(SB)/4, $0
DATA packlut<>+5732(SB)/4, $1
DATA packlut<>+5736(SB)/4, $4
DATA packlut<>+5740(SB)/4, $5
DATA packlut<>+5744(SB)/4, $7
DATA packlut<>+5748(SB)/4, $0
DATA packlut<>+5752(SB)/4, $0
DATA packlut<>+5756(SB)/4, $0
DATA packlut<>+5760(SB)/4, $2
DATA packlut<>+5764(SB)/4, $4
DATA packlut<>+5768(SB)/4, $5
DATA packlut<>+5772(SB)/4, $7
DATA packlut<>+5776(SB)/4, $0
DATA packlut<>+5780(SB)/4, $0
DATA packlut<>+5784(SB)/4, $0
DATA packlut<>+5788(SB)/4, $0
DATA packlut<>+5792(SB)/4, $0
DATA packlut<>+5796(SB)/4, $2
DATA packlut<>+5800(SB)/4, $4
DATA packlut<>+5804(SB)/4, $5
DATA packlut<>+5808(SB)/4, $7
DATA packlut<>+5812(SB)/4, $0
DATA packlut<>+5816(SB)/4, $0
DATA packlut<>+5820(SB)/4, $0
DATA packlut<>+5824(SB)/4, $1
DATA packlut<>+5828(SB)/4, $2
DATA packlut<>+5832(SB)/4, $4
DATA packlut<>+5836(SB)/4, $5
DATA packlut<>+5840(SB)/4, $7
DATA packlut<>+5844(SB)/4, $0
DATA packlut<>+5848(SB)/4, $0
DATA packlut<>+5852(SB)/4, $0
DATA packlut<>+5856(SB)/4, $0
DATA packlut<>+5860(SB)/4, $1
DATA packlut<>+5864(SB)/4, $2
DATA packlut<>+5868(SB)/4, $4
DATA packlut<>+5872(SB)/4, $5
DATA packlut<>+5876(SB)/4, $7
DATA packlut<>+5880(SB)/4, $0
DATA packlut<>+5884(SB)/4, $0
DATA packlut<>+5888(SB)/4, $3
DATA packlut<>+5892(SB)/4, $4
DATA packlut<>+5896(SB)/4, $5
DATA packlut<>+5900(SB)/4, $7
DATA packlut<>+5904(SB)/4, $0
DATA packlut<>+5908(SB)/4, $0
DATA packlut<>+5912(SB)/4, $0
DATA packlut<>+5916(SB)/4, $0
DATA packlut<>+5920(SB)/4, $0
DATA packlut<>+5924(SB)/4, $3
DATA packlut<>+5928(SB)/4, $4
DATA packlut<>+5932(SB)/4, $5
DATA packlut<>+5936(SB)/4, $7
DATA packlut<>+5940(SB)/4, $0
DATA packlut<>+5944(SB)/4, $0
DATA packlut<>+5948(SB)/4, $0
DATA packlut<>+5952(SB)/4, $1
DATA packlut<>+5956(SB)/4, $3
DATA packlut<>+5960(SB)/4, $4
DATA packlut<>+5964(SB)/4, $5
DATA packlut<>+5968(SB)/4, $7
DATA packlut<>+5972(SB)/4, $0
DATA packlut<>+5976(SB)/4, $0
DATA packlut<>+5980(SB)/4, $0
DATA packlut<>+5984(SB)/4, $0
DATA packlut<>+5988(SB)/4, $1
DATA packlut<>+5992(SB)/4, $3
DATA packlut<>+5996(SB)/4, $4
DATA packlut<>+6000(SB)/4, $5
DATA packlut<>+6004(SB)/4, $7
DATA packlut<>+6008(SB)/4, $0
DATA packlut<>+6012(SB)/4, $0
DATA packlut<>+6016(SB)/4, $2
DATA packlut<>+6020(SB)/4, $3
DATA packlut<>+6024(SB)/4, $4
DATA packlut<>+6028(SB)/4, $5
DATA packlut<>+6032(SB)/4, $7
DATA packlut<>+6036(SB)/4, $0
DATA packlut<>+6040(SB)/4, $0
DATA packlut<>+6044(SB)/4, $0
DATA packlut<>+6048(SB)/4, $0
DATA packlut<>+6052(SB)/4, $2
DATA packlut<>+6056(SB)/4, $3
DATA packlut<>+6060(SB)/4, $4
DATA packlut<>+6064(SB)/4, $5
DATA packlut<>+6068(SB)/4, $7
DATA packlut<>+6072(SB)/4, $0
DATA packlut<>+6076(SB)/4, $0
DATA packlut<>+6080(SB)/4, $1
DATA packlut<>+6084(SB)/4, $2
DATA packlut<>+6088(SB)/4, $3
DATA packlut<>+6092(SB)/4, $4
DATA packlut<>+6096(SB)/4, $5
DATA packlut<>+6100(SB)/4, $7
DATA packlut<>+6104(SB)/4, $0
DATA packlut<>+6108(SB)/4, $0
DATA packlut<>+6112(SB)/4, $0
DATA packlut<>+6116(SB)/4, $1
DATA packlut<>+6120(SB)/4, $2
DATA packlut<>+6124(SB)/4, $3
DATA packlut<>+6128(SB)/4, $4
DATA packlut<>+6132(SB)/4, $5
DATA packlut<>+6136(SB)/4, $7
DATA packlut<>+6140(SB)/4, $0
DATA packlut<>+6144(SB)/4, $6
DATA packlut<>+6148(SB)/4, $7
DATA packlut<>+6152(SB)/4, $0
DATA packlut<>+6156(SB)/4, $0
DATA packlut<>+6160(SB)/4, $0
DATA packlut<>+6164(SB)/4, $0
DATA packlut<>+6168(SB)/4, $0
DATA packlut<>+6172(SB)/4, $0
DATA packlut<>+6176(SB)/4, $0
DATA packlut<>+6180(SB)/4, $6
DATA packlut<>+6184(SB)/4, $7
DATA packlut<>+6188(SB)/4, $0
DATA packlut<>+6192(SB)/4, $0
DATA packlut<>+6196(SB)/4, $0
DATA packlut<>+6200(SB)/4, $0
DATA packlut<>+6204(SB)/4, $0
DATA packlut<>+6208(SB)/4, $1
DATA packlut<>+6212(SB)/4, $6
DATA packlut<>+6216(SB)/4, $7
DATA packlut<>+6220(SB)/4, $0
DATA packlut<>+6224(SB)/4, $0
DATA packlut<>+6228(SB)/4, $0
DATA packlut<>+6232(SB)/4, $0
DATA packlut<>+6236(SB)/4, $0
DATA packlut<>+6240(SB)/4, $0
DATA packlut<>+6244(SB)/4, $1
DATA packlut<>+6248(SB)/4, $6
DATA packlut<>+6252(SB)/4, $7
DATA packlut<>+6256(SB)/4, $0
DATA packlut<>+6260(SB)/4, $0
DATA packlut<>+6264(SB)/4, $0
DATA packlut<>+6268(SB)/4, $0
DATA packlut<>+6272(SB)/4, $2
DATA packlut<>+6276(SB)/4, $6
DATA packlut<>+6280(SB)/4, $7
DATA packlut<>+6284(SB)/4, $0
DATA packlut<>+6288(SB)/4, $0
DATA packlut<>+6292(SB)/4, $0
DATA packlut<>+6296(SB)/4, $0
DATA packlut<>+6300(SB)/4, $0
DATA packlut<>+6304(SB)/4, $0
DATA packlut<>+6308(SB)/4, $2
DATA packlut<>+6312(SB)/4, $6
DATA packlut<>+6316(SB)/4, $7
DATA packlut<>+6320(SB)/4, $0
DATA packlut<>+6324(SB)/4, $0
DATA packlut<>+6328(SB)/4, $0
DATA packlut<>+6332(SB)/4, $0
DATA packlut<>+6336(SB)/4, $1
DATA packlut<>+6340(SB)/4, $2
DATA packlut<>+6344(SB)/4, $6
DATA packlut<>+6348(SB)/4, $7
DATA packlut<>+6352(SB)/4, $0
DATA packlut<>+6356(SB)/4, $0
DATA packlut<>+6360(SB)/4, $0
DATA packlut<>+6364(SB)/4, $0
DATA packlut<>+6368(SB)/4, $0
DATA packlut<>+6372(SB)/4, $1
DATA packlut<>+6376(SB)/4, $2
DATA packlut<>+6380(SB)/4, $6
DATA packlut<>+6384(SB)/4, $7
DATA packlut<>+6388(SB)/4, $0
DATA packlut<>+6392(SB)/4, $0
DATA packlut<>+6396(SB)/4, $0
DATA packlut<>+6400(SB)/4, $3
DATA packlut<>+6404(SB)/4, $6
DATA packlut<>+6408(SB)/4, $7
DATA packlut<>+6412(SB)/4, $0
DATA packlut<>+6416(SB)/4, $0
DATA packlut<>+6420(SB)/4, $0
DATA packlut<>+6424(SB)/4, $0
DATA packlut<>+6428(SB)/4, $0
DATA packlut<>+6432(SB)/4, $0
DATA packlut<>+6436(SB)/4, $3
DATA packlut<>+6440(SB)/4, $6
DATA packlut<>+6444(SB)/4, $7
DATA packlut<>+6448(SB)/4, $0
DATA packlut<>+6452(SB)/4, $0
DATA packlut<>+6456(SB)/4, $0
DATA packlut<>+6460(SB)/4, $0
DATA packlut<>+6464(SB)/4, $1
DATA packlut<>+6468(SB)/4, $3
DATA packlut<>+6472(SB)/4, $6
DATA packlut<>+6476(SB)/4, $7
DATA packlut<>+6480(SB)/4, $0
DATA packlut<>+6484(SB)/4, $0
DATA packlut<>+6488(SB)/4, $0
DATA packlut<>+6492(SB)/4, $0
DATA packlut<>+6496(SB)/4, $0
DATA packlut<>+6500(SB)/4, $1
DATA packlut<>+6504(SB)/4, $3
DATA packlut<>+6508(SB)/4, $6
DATA packlut<>+6512(SB)/4, $7
DATA packlut<>+6516(SB)/4, $0
DATA packlut<>+6520(SB)/4, $0
DATA packlut<>+6524(SB)/4, $0
DATA packlut<>+6528(SB)/4, $2
DATA packlut<>+6532(SB)/4, $3
DATA packlut<>+6536(SB)/4, $6
DATA packlut<>+6540(SB)/4, $7
DATA packlut<>+6544(SB)/4, $0
DATA packlut<>+6548(SB)/4, $0
DATA packlut<>+6552(SB)/4, $0
DATA packlut<>+6556(SB)/4, $0
DATA packlut<>+6560(SB)/4, $0
DATA packlut<>+6564(SB)/4, $2
DATA packlut<>+6568(SB)/4, $3
DATA packlut<>+6572(SB)/4, $6
DATA packlut<>+6576(SB)/4, $7
DATA packlut<>+6580(SB)/4, $0
DATA packlut<>+6584(SB)/4, $0
DATA packlut<>+6588(SB)/4, $0
DATA packlut<>+6592(SB)/4, $1
DATA packlut<>+6596(SB)/4, $2
DATA packlut<>+6600(SB)/4, $3
DATA packlut<>+6604(SB)/4, $6
DATA packlut<>+6608(SB)/4, $7
DATA packlut<>+6612(SB)/4, $0
DATA packlut<>+6616(SB)/4, $0
DATA packlut<>+6620(SB)/4, $0
DATA packlut<>+6624(SB)/4, $0
DATA packlut<>+6628(SB)/4, $1
DATA packlut<>+6632(SB)/4, $2
DATA packlut<>+6636(SB)/4, $3
DATA packlut<>+6640(SB)/4, $6
DATA packlut<>+6644(SB)/4, $7
DATA packlut<>+6648(SB)/4, $0
DATA packlut<>+6652(SB)/4, $0
DATA packlut<>+6656(SB)/4, $4
DATA packlut<>+6660(SB)/4, $6
DATA packlut<>+6664(SB)/4, $7
DATA packlut<>+6668(SB)/4, $0
DATA packlut<>+6672(SB)/4, $0
DATA packlut<>+6676(SB)/4, $0
DATA packlut<>+6680(SB)/4, $0
DATA packlut<>+6684(SB)/4, $0
DATA packlut<>+6688(SB)/4, $0
DATA packlut<>+6692(SB)/4, $4
DATA packlut<>+6696(SB)/4, $6
DATA packlut<>+6700(SB)/4, $7
DATA packlut<>+6704(SB)/4, $0
DATA packlut<>+6708(SB)/4, $0
DATA packlut<>+6712(SB)/4, $0
DATA packlut<>+6716(SB)/4, $0
DATA packlut<>+6720(SB)/4, $1
DATA packlut<>+6724(SB)/4, $4
DATA packlut<>+6728(SB)/4, $6
DATA packlut<>+6732(SB)/4, $7
DATA packlut<>+6736(SB)/4, $0
DATA packlut<>+6740(SB)/4, $0
DATA packlut<>+6744(SB)/4, $0
DATA packlut<>+6748(SB)/4, $0
DATA packlut<>+6752(SB)/4, $0
DATA packlut<>+6756(SB)/4, $1
DATA packlut<>+6760(SB)/4, $4
DATA packlut<>+6764(SB)/4, $6
DATA packlut<>+6768(SB)/4, $7
DATA packlut<>+6772(SB)/4, $0
DATA packlut<>+6776(SB)/4, $0
DATA packlut<>+6780(SB)/4, $0
DATA packlut<>+6784(SB)/4, $2
DATA packlut<>+6788(SB)/4, $4
DATA packlut<>+6792(SB)/4, $6
DATA packlut<>+6796(SB)/4, $7
DATA packlut<>+6800(SB)/4, $0
DATA packlut<>+6804(SB)/4, $0
DATA packlut<>+6808(SB)/4, $0
DATA packlut<>+6812(SB)/4, $0
DATA packlut<>+6816(SB)/4, $0
DATA packlut<>+6820(SB)/4, $2
DATA packlut<>+6824(SB)/4, $4
DATA packlut<>+6828(SB)/4, $6
DATA packlut<>+6832(SB)/4, $7
DATA packlut<>+6836(SB)/4, $0
DATA packlut<>+6840(SB)/4, $0
DATA packlut<>+6844(SB)/4, $0
DATA packlut<>+6848(SB)/4, $1
DATA packlut<>+6852(SB)/4, $2
DATA packlut<>+6856(SB)/4, $4
DATA packlut<>+6860(SB)/4, $6
DATA packlut<>+6864(SB)/4, $7
DATA packlut<>+6868(SB)/4, $0
DATA packlut<>+6872(SB)/4, $0
DATA packlut<>+6876(SB)/4, $0
DATA packlut<>+6880(SB)/4, $0
DATA packlut<>+6884(SB)/4, $1
DATA packlut<>+6888(SB)/4, $2
DATA packlut<>+6892(SB)/4, $4
DATA packlut<>+6896(SB)/4, $6
DATA packlut<>+6900(SB)/4, $7
DATA packlut<>+6904(SB)/4, $0
DATA packlut<>+6908(SB)/4, $0
DATA packlut<>+6912(SB)/4, $3
DATA packlut<>+6916(SB)/4, $4
DATA packlut<>+6920(SB)/4, $6
DATA packlut<>+6924(SB)/4, $7
DATA packlut<>+6928(SB)/4, $0
DATA packlut<>+6932(SB)/4, $0
DATA packlut<>+6936(SB)/4, $0
DATA packlut<>+6940(SB)/4, $0
DATA packlut<>+6944(SB)/4, $0
DATA packlut<>+6948(SB)/4, $3
DATA packlut<>+6952(SB)/4, $4
DATA packlut<>+6956(SB)/4, $6
DATA packlut<>+6960(SB)/4, $7
DATA packlut<>+6964(SB)/4, $0
DATA packlut<>+6968(SB)/4, $0
DATA packlut<>+6972(SB)/4, $0
DATA packlut<>+6976(SB)/4, $1
DATA packlut<>+6980(SB)/4, $3
DATA packlut<>+6984(SB)/4, $4
DATA packlut<>+6988(SB)/4, $6
DATA packlut<>+6992(SB)/4, $7
DATA packlut<>+6996(SB)/4, $0
DATA packlut<>+7000(SB)/4, $0
DATA packlut<>+7004(SB)/4, $0
DATA packlut<>+7008(SB)/4, $0
DATA packlut<>+7012(SB)/4, $1
DATA packlut<>+7016(SB)/4, $3
DATA packlut<>+7020(SB)/4, $4
DATA packlut<>+7024(SB)/4, $6
DATA packlut<>+7028(SB)/4, $7
DATA packlut<>+7032(SB)/4, $0
DATA packlut<>+7036(SB)/4, $0
DATA packlut<>+7040(SB)/4, $2
DATA packlut<>+7044(SB)/4, $3
DATA packlut<>+7048(SB)/4, $4
DATA packlut<>+7052(SB)/4, $6
DATA packlut<>+7056(SB)/4, $7
DATA packlut<>+7060(SB)/4, $0
DATA packlut<>+7064(SB)/4, $0
DATA packlut<>+7068(SB)/4, $0
DATA packlut<>+7072(SB)/4, $0
DATA packlut<>+7076(SB)/4, $2
DATA packlut<>+7080(SB)/4, $3
DATA packlut<>+7084(SB)/4, $4
DATA packlut<>+7088(SB)/4, $6
DATA packlut<>+7092(SB)/4, $7
DATA packlut<>+7096(SB)/4, $0
DATA packlut<>+7100(SB)/4, $0
DATA packlut<>+7104(SB)/4, $1
DATA packlut<>+7108(SB)/4, $2
DATA packlut<>+7112(SB)/4, $3
DATA packlut<>+7116(SB)/4, $4
DATA packlut<>+7120(SB)/4, $6
DATA packlut<>+7124(SB)/4, $7
DATA packlut<>+7128(SB)/4, $0
DATA packlut<>+7132(SB)/4, $0
DATA packlut<>+7136(SB)/4, $0
DATA packlut<>+7140(SB)/4, $1
DATA packlut<>+7144(SB)/4, $2
DATA packlut<>+7148(SB)/4, $3
DATA packlut<>+7152(SB)/4, $4
DATA packlut<>+7156(SB)/4, $6
DATA packlut<>+7160(SB)/4, $7
DATA packlut<>+7164(SB)/4, $0
DATA packlut<>+7168(SB)/4, $5
DATA packlut<>+7172(SB)/4, $6
DATA packlut<>+7176(SB)/4, $7
DATA packlut<>+7180(SB)/4, $0
DATA packlut<>+7184(SB)/4, $0
DATA packlut<>+7188(SB)/4, $0
DATA packlut<>+7192(SB)/4, $0
DATA packlut<>+7196(SB)/4, $0
DATA packlut<>+7200(SB)/4, $0
DATA packlut<>+7204(SB)/4, $5
DATA packlut<>+7208(SB)/4, $6
DATA packlut<>+7212(SB)/4, $7
DATA packlut<>+7216(SB)/4, $0
DATA packlut<>+7220(SB)/4, $0
DATA packlut<>+7224(SB)/4, $0
DATA packlut<>+7228(SB)/4, $0
DATA packlut<>+7232(SB)/4, $1
DATA packlut<>+7236(SB)/4, $5
DATA packlut<>+7240(SB)/4, $6
DATA packlut<>+7244(SB)/4, $7
DATA packlut<>+7248(SB)/4, $0
DATA packlut<>+7252(SB)/4, $0
DATA packlut<>+7256(SB)/4, $0
DATA packlut<>+7260(SB)/4, $0
DATA packlut<>+7264(SB)/4, $0
DATA packlut<>+7268(SB)/4, $1
DATA packlut<>+7272(SB)/4, $5
DATA packlut<>+7276(SB)/4, $6
DATA packlut<>+7280(SB)/4, $7
DATA packlut<>+7284(SB)/4, $0
DATA packlut<>+7288(SB)/4, $0
DATA packlut<>+7292(SB)/4, $0
DATA packlut<>+7296(SB)/4, $2
DATA packlut<>+7300(SB)/4, $5
DATA packlut<>+7304(SB)/4, $6
DATA packlut<>+7308(SB)/4, $7
DATA packlut<>+7312(SB)/4, $0
DATA packlut<>+7316(SB)/4, $0
DATA packlut<>+7320(SB)/4, $0
DATA packlut<>+7324(SB)/4, $0
DATA packlut<>+7328(SB)/4, $0
DATA packlut<>+7332(SB)/4, $2
DATA packlut<>+7336(SB)/4, $5
DATA packlut<>+7340(SB)/4, $6
DATA packlut<>+7344(SB)/4, $7
DATA packlut<>+7348(SB)/4, $0
DATA packlut<>+7352(SB)/4, $0
DATA packlut<>+7356(SB)/4, $0
DATA packlut<>+7360(SB)/4, $1
DATA packlut<>+7364(SB)/4, $2
DATA packlut<>+7368(SB)/4, $5
DATA packlut<>+7372(SB)/4, $6
DATA packlut<>+7376(SB)/4, $7
DATA packlut<>+7380(SB)/4, $0
DATA packlut<>+7384(SB)/4, $0
DATA packlut<>+7388(SB)/4, $0
DATA packlut<>+7392(SB)/4, $0
DATA packlut<>+7396(SB)/4, $1
DATA packlut<>+7400(SB)/4, $2
DATA packlut<>+7404(SB)/4, $5
DATA packlut<>+7408(SB)/4, $6
DATA packlut<>+7412(SB)/4, $7
DATA packlut<>+7416(SB)/4, $0
DATA packlut<>+7420(SB)/4, $0
DATA packlut<>+7424(SB)/4, $3
DATA packlut<>+7428(SB)/4, $5
DATA packlut<>+7432(SB)/4, $6
DATA packlut<>+7436(SB)/4, $7
DATA packlut<>+7440(SB)/4, $0
DATA packlut<>+7444(SB)/4, $0
DATA packlut<>+7448(SB)/4, $0
DATA packlut<>+7452(SB)/4, $0
DATA packlut<>+7456(SB)/4, $0
DATA packlut<>+7460(SB)/4, $3
DATA packlut<>+7464(SB)/4, $5
DATA packlut<>+7468(SB)/4, $6
DATA packlut<>+7472(SB)/4, $7
DATA packlut<>+7476(SB)/4, $0
DATA packlut<>+7480(SB)/4, $0
DATA packlut<>+7484(SB)/4, $0
DATA packlut<>+7488(SB)/4, $1
DATA packlut<>+7492(SB)/4, $3
DATA packlut<>+7496(SB)/4, $5
DATA packlut<>+7500(SB)/4, $6
DATA packlut<>+7504(SB)/4, $7
DATA packlut<>+7508(SB)/4, $0
DATA packlut<>+7512(SB)/4, $0
DATA packlut<>+7516(SB)/4, $0
DATA packlut<>+7520(SB)/4, $0
DATA packlut<>+7524(SB)/4, $1
DATA packlut<>+7528(SB)/4, $3
DATA packlut<>+7532(SB)/4, $5
DATA packlut<>+7536(SB)/4, $6
DATA packlut<>+7540(SB)/4, $7
DATA packlut<>+7544(SB)/4, $0
DATA packlut<>+7548(SB)/4, $0
DATA packlut<>+7552(SB)/4, $2
DATA packlut<>+7556(SB)/4, $3
DATA packlut<>+7560(SB)/4, $5
DATA packlut<>+7564(SB)/4, $6
DATA packlut<>+7568(SB)/4, $7
DATA packlut<>+7572(SB)/4, $0
DATA packlut<>+7576(SB)/4, $0
DATA packlut<>+7580(SB)/4, $0
DATA packlut<>+7584(SB)/4, $0
DATA packlut<>+7588(SB)/4, $2
DATA packlut<>+7592(SB)/4, $3
DATA packlut<>+7596(SB)/4, $5
DATA packlut<>+7600(SB)/4, $6
DATA packlut<>+7604(SB)/4, $7
DATA packlut<>+7608(SB)/4, $0
DATA packlut<>+7612(SB)/4, $0
DATA packlut<>+7616(SB)/4, $1
DATA packlut<>+7620(SB)/4, $2
DATA packlut<>+7624(SB)/4, $3
DATA packlut<>+7628(SB)/4, $5
DATA packlut<>+7632(SB)/4, $6
DATA packlut<>+7636(SB)/4, $7
DATA packlut<>+7640(SB)/4, $0
DATA packlut<>+7644(SB)/4, $0
DATA packlut<>+7648(SB)/4, $0
DATA packlut<>+7652(SB)/4, $1
DATA packlut<>+7656(SB)/4, $2
DATA packlut<>+7660(SB)/4, $3
DATA packlut<>+7664(SB)/4, $5
DATA packlut<>+7668(SB)/4, $6
DATA packlut<>+7672(SB)/4, $7
DATA packlut<>+7676(SB)/4, $0
DATA packlut<>+7680(SB)/4, $4
DATA packlut<>+7684(SB)/4, $5
DATA packlut<>+7688(SB)/4, $6
DATA packlut<>+7692(SB)/4, $7
DATA packlut<>+7696(SB)/4, $0
DATA packlut<>+7700(SB)/4, $0
DATA packlut<>+7704(SB)/4, $0
DATA packlut<>+7708(SB)/4, $0
DATA packlut<>+7712(SB)/4, $0
DATA packlut<>+7716(SB)/4, $4
DATA packlut<>+7720(SB)/4, $5
DATA packlut<>+7724(SB)/4, $6
DATA packlut<>+7728(SB)/4, $7
DATA packlut<>+7732(SB)/4, $0
DATA packlut<>+7736(SB)/4, $0
DATA packlut<>+7740(SB)/4, $0
DATA packlut<>+7744(SB)/4, $1
DATA packlut<>+7748(SB)/4, $4
DATA packlut<>+7752(SB)/4, $5
DATA packlut<>+7756(SB)/4, $6
DATA packlut<>+7760(SB)/4, $7
DATA packlut<>+7764(SB)/4, $0
DATA packlut<>+7768(SB)/4, $0
DATA packlut<>+7772(SB)/4, $0
DATA packlut<>+7776(SB)/4, $0
DATA packlut<>+7780(SB)/4, $1
DATA packlut<>+7784(SB)/4, $4
DATA packlut<>+7788(SB)/4, $5
DATA packlut<>+7792(SB)/4, $6
DATA packlut<>+7796(SB)/4, $7
DATA packlut<>+7800(SB)/4, $0
DATA packlut<>+7804(SB)/4, $0
DATA packlut<>+7808(SB)/4, $2
DATA packlut<>+7812(SB)/4, $4
DATA packlut<>+7816(SB)/4, $5
DATA packlut<>+7820(SB)/4, $6
DATA packlut<>+7824(SB)/4, $7
DATA packlut<>+7828(SB)/4, $0
DATA packlut<>+7832(SB)/4, $0
DATA packlut<>+7836(SB)/4, $0
DATA packlut<>+7840(SB)/4, $0
DATA packlut<>+7844(SB)/4, $2
DATA packlut<>+7848(SB)/4, $4
DATA packlut<>+7852(SB)/4, $5
DATA packlut<>+7856(SB)/4, $6
DATA packlut<>+7860(SB)/4, $7
DATA packlut<>+7864(SB)/4, $0
DATA packlut<>+7868(SB)/4, $0
DATA packlut<>+7872(SB)/4, $1
DATA packlut<>+7876(SB)/4, $2
DATA packlut<>+7880(SB)/4, $4
DATA packlut<>+7884(SB)/4, $5
DATA packlut<>+7888(SB)/4, $6
DATA packlut<>+7892(SB)/4, $7
DATA packlut<>+7896(SB)/4, $0
DATA packlut<>+7900(SB)/4, $0
DATA packlut<>+7904(SB)/4, $0
DATA packlut<>+7908(SB)/4, $1
DATA packlut<>+7912(SB)/4, $2
DATA packlut<>+7916(SB)/4, $4
DATA packlut<>+7920(SB)/4, $5
DATA packlut<>+7924(SB)/4, $6
DATA packlut<>+7928(SB)/4, $7
DATA packlut<>+7932(SB)/4, $0
DATA packlut<>+7936(SB)/4, $3
DATA packlut<>+7940(SB)/4, $4
DATA packlut<>+7944(SB)/4, $5
DATA packlut<>+7948(SB)/4, $6
DATA packlut<>+7952(SB)/4, $7
DATA packlut<>+7956(SB)/4, $0
DATA packlut<>+7960(SB)/4, $0
DATA packlut<>+7964(SB)/4, $0
DATA packlut<>+7968(SB)/4, $0
DATA packlut<>+7972(SB)/4, $3
DATA packlut<>+7976(SB)/4, $4
DATA packlut<>+7980(SB)/4, $5
DATA packlut<>+7984(SB)/4, $6
DATA packlut<>+7988(SB)/4, $7
DATA packlut<>+7992(SB)/4, $0
DATA packlut<>+7996(SB)/4, $0
DATA packlut<>+8000(SB)/4, $1
DATA packlut<>+8004(SB)/4, $3
DATA packlut<>+8008(SB)/4, $4
DATA packlut<>+8012(SB)/4, $5
DATA packlut<>+8016(SB)/4, $6
DATA packlut<>+8020(SB)/4, $7
DATA packlut<>+8024(SB)/4, $0
DATA packlut<>+8028(SB)/4, $0
DATA packlut<>+8032(SB)/4, $0
DATA packlut<>+8036(SB)/4, $1
DATA packlut<>+8040(SB)/4, $3
DATA packlut<>+8044(SB)/4, $4
DATA packlut<>+8048(SB)/4, $5
DATA packlut<>+8052(SB)/4, $6
DATA packlut<>+8056(SB)/4, $7
DATA packlut<>+8060(SB)/4, $0
DATA packlut<>+8064(SB)/4, $2
DATA packlut<>+8068(SB)/4, $3
DATA packlut<>+8072(SB)/4, $4
DATA packlut<>+8076(SB)/4, $5
DATA packlut<>+8080(SB)/4, $6
DATA packlut<>+8084(SB)/4, $7
DATA packlut<>+8088(SB)/4, $0
DATA packlut<>+8092(SB)/4, $0
DATA packlut<>+8096(SB)/4, $0
DATA packlut<>+8100(SB)/4, $2
DATA packlut<>+8104(SB)/4, $3
DATA packlut<>+8108(SB)/4, $4
DATA packlut<>+8112(SB)/4, $5
DATA packlut<>+8116(SB)/4, $6
DATA packlut<>+8120(SB)/4, $7
DATA packlut<>+8124(SB)/4, $0
DATA packlut<>+8128(SB)/4, $1
DATA packlut<>+8132(SB)/4, $2
DATA packlut<>+8136(SB)/4, $3
DATA packlut<>+8140(SB)/4, $4
DATA packlut<>+8144(SB)/4, $5
DATA packlut<>+8148(SB)/4, $6
DATA packlut<>+8152(SB)/4, $7
DATA packlut<>+8156(SB)/4, $0
DATA packlut<>+8160(SB)/4, $0
DATA packlut<>+8164(SB)/4, $1
DATA packlut<>+8168(SB)/4, $2
DATA packlut<>+8172(SB)/4, $3
DATA packlut<>+8176(SB)/4, $4
DATA packlut<>+8180(SB)/4, $5
DATA packlut<>+8184(SB)/4, $6
DATA packlut<>+8188(SB)/4, $7
GLOBL packlut<>(SB), RODATA|NOPTR, $8192

DATA lanes<>+0(SB)/4, $0
DATA lanes<>+4(SB)/4, $1
DATA lanes<>+8(SB)/4, $2
DATA lanes<>+12(SB)/4, $3
DATA lanes<>+16(SB)/4, $4
DATA lanes<>+20(SB)/4, $5
DATA lanes<>+24(SB)/4, $6
DATA lanes<>+28(SB)/4, $7
GLOBL lanes<>(SB), RODATA|NOPTR, $32

// func compactAVX2(x *float32, n, rowBytes int, off *int32, val *float32) int
// writes the nonzero x[i] of the first n (a multiple of 8) elements to val and
// i*rowBytes to off, packed, and returns how many there were. off and val need
// room for 8 entries past the last one written.
TEXT ·compactAVX2(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ rowBytes+16(FP), DX
	MOVQ off+24(FP), R8
	MOVQ val+32(FP), R9
	XORQ AX, AX
	LEAQ packlut<>(SB), R11
	// Y2 = row offsets of the 8 current lanes; Y3 = step to the next 8 rows.
	VMOVDQU lanes<>(SB), Y2
	MOVQ DX, X4
	VPBROADCASTD X4, Y4
	VPMULLD Y4, Y2, Y2
	SHLQ $3, DX
	MOVQ DX, X3
	VPBROADCASTD X3, Y3
	VXORPS Y5, Y5, Y5
compact_loop:
	CMPQ CX, $8
	JL compact_done
	VMOVUPS (SI), Y0
	VCMPPS $4, Y5, Y0, Y1
	VMOVMSKPS Y1, BX
	MOVQ BX, R10
	SHLQ $5, R10
	VMOVDQU (R11)(R10*1), Y6
	VPERMPS Y0, Y6, Y7
	VPERMD Y2, Y6, Y8
	VMOVUPS Y7, (R9)(AX*4)
	VMOVDQU Y8, (R8)(AX*4)
	POPCNTQ BX, BX
	ADDQ BX, AX
	VPADDD Y3, Y2, Y2
	ADDQ $32, SI
	SUBQ $8, CX
	JMP compact_loop
compact_done:
	MOVQ AX, ret+40(FP)
	VZEROUPPER
	RET

// func axpyRows256AVX512(y, w *float32, off *int32, val *float32, cnt int) is
// axpyRows64AVX2 for 256 columns held in sixteen ZMM registers, so that each
// weight row is read once, front to back. Each y[j] receives the same FMAs in
// the same order as from the AVX2 kernel, so results are bit-identical.
TEXT ·axpyRows256AVX512(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ off+16(FP), R8
	MOVQ val+24(FP), R9
	MOVQ cnt+32(FP), CX
	VMOVUPS 0(DI), Z0
	VMOVUPS 64(DI), Z1
	VMOVUPS 128(DI), Z2
	VMOVUPS 192(DI), Z3
	VMOVUPS 256(DI), Z4
	VMOVUPS 320(DI), Z5
	VMOVUPS 384(DI), Z6
	VMOVUPS 448(DI), Z7
	VMOVUPS 512(DI), Z8
	VMOVUPS 576(DI), Z9
	VMOVUPS 640(DI), Z10
	VMOVUPS 704(DI), Z11
	VMOVUPS 768(DI), Z12
	VMOVUPS 832(DI), Z13
	VMOVUPS 896(DI), Z14
	VMOVUPS 960(DI), Z15
axpyRows256AVX512_loop:
	MOVLQSX (R8), R10
	ADDQ SI, R10
	VBROADCASTSS (R9), Z16
	VFMADD231PS 0(R10), Z16, Z0
	VFMADD231PS 64(R10), Z16, Z1
	VFMADD231PS 128(R10), Z16, Z2
	VFMADD231PS 192(R10), Z16, Z3
	VFMADD231PS 256(R10), Z16, Z4
	VFMADD231PS 320(R10), Z16, Z5
	VFMADD231PS 384(R10), Z16, Z6
	VFMADD231PS 448(R10), Z16, Z7
	VFMADD231PS 512(R10), Z16, Z8
	VFMADD231PS 576(R10), Z16, Z9
	VFMADD231PS 640(R10), Z16, Z10
	VFMADD231PS 704(R10), Z16, Z11
	VFMADD231PS 768(R10), Z16, Z12
	VFMADD231PS 832(R10), Z16, Z13
	VFMADD231PS 896(R10), Z16, Z14
	VFMADD231PS 960(R10), Z16, Z15
	ADDQ $4, R8
	ADDQ $4, R9
	DECQ CX
	JNZ axpyRows256AVX512_loop
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	VMOVUPS Z4, 256(DI)
	VMOVUPS Z5, 320(DI)
	VMOVUPS Z6, 384(DI)
	VMOVUPS Z7, 448(DI)
	VMOVUPS Z8, 512(DI)
	VMOVUPS Z9, 576(DI)
	VMOVUPS Z10, 640(DI)
	VMOVUPS Z11, 704(DI)
	VMOVUPS Z12, 768(DI)
	VMOVUPS Z13, 832(DI)
	VMOVUPS Z14, 896(DI)
	VMOVUPS Z15, 960(DI)
	VZEROUPPER
	RET

// func axpyRows128AVX512(y, w *float32, off *int32, val *float32, cnt int) is
// axpyRows256AVX512 for 128 columns.
TEXT ·axpyRows128AVX512(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ off+16(FP), R8
	MOVQ val+24(FP), R9
	MOVQ cnt+32(FP), CX
	VMOVUPS 0(DI), Z0
	VMOVUPS 64(DI), Z1
	VMOVUPS 128(DI), Z2
	VMOVUPS 192(DI), Z3
	VMOVUPS 256(DI), Z4
	VMOVUPS 320(DI), Z5
	VMOVUPS 384(DI), Z6
	VMOVUPS 448(DI), Z7
axpyRows128AVX512_loop:
	MOVLQSX (R8), R10
	ADDQ SI, R10
	VBROADCASTSS (R9), Z8
	VFMADD231PS 0(R10), Z8, Z0
	VFMADD231PS 64(R10), Z8, Z1
	VFMADD231PS 128(R10), Z8, Z2
	VFMADD231PS 192(R10), Z8, Z3
	VFMADD231PS 256(R10), Z8, Z4
	VFMADD231PS 320(R10), Z8, Z5
	VFMADD231PS 384(R10), Z8, Z6
	VFMADD231PS 448(R10), Z8, Z7
	ADDQ $4, R8
	ADDQ $4, R9
	DECQ CX
	JNZ axpyRows128AVX512_loop
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	VMOVUPS Z4, 256(DI)
	VMOVUPS Z5, 320(DI)
	VMOVUPS Z6, 384(DI)
	VMOVUPS Z7, 448(DI)
	VZEROUPPER
	RET
