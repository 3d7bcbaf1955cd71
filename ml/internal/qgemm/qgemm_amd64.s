//go:build amd64 && !purego

#include "textflag.h"

// Y15 holds sixteen int16 ones: VPMADDWD with it adds neighbouring int16
// pairs into int32.
#define ONES \
	MOVQ         $0x0001000100010001, AX \
	MOVQ         AX, X15                 \
	VPBROADCASTQ X15, Y15

// ROW(aptr, lo, hi, t0, t1): the four activation bytes at aptr times the 16
// outputs' four weights in Y8 (outputs 0-7) and Y9 (8-15), added to lo, hi.
#define ROW(aptr, lo, hi, t0, t1) \
	VPBROADCASTD aptr, Y10  \
	VPMADDUBSW   Y8, Y10, t0 \
	VPMADDUBSW   Y9, Y10, t1 \
	VPMADDWD     Y15, t0, t0 \
	VPMADDWD     Y15, t1, t1 \
	VPADDD       t0, lo, lo  \
	VPADDD       t1, hi, hi

// STORE(lo, hi, reg): reg[0:16] = float32(acc - zp·rowSum)·(sx·scale) + bias,
// with zp·rowSum in Y8/Y9, sx·scale in Y10/Y11 and bias in Y12/Y13 (multiply
// and add rounded apart, as the pure-Go kernel does).
#define STORE(lo, hi, reg) \
	VPSUBD    Y8, lo, lo  \
	VPSUBD    Y9, hi, hi  \
	VCVTDQ2PS lo, lo      \
	VCVTDQ2PS hi, hi      \
	VMULPS    Y10, lo, lo \
	VMULPS    Y11, hi, hi \
	VADDPS    Y12, lo, lo \
	VADDPS    Y13, hi, hi \
	VMOVUPS   lo, (reg)   \
	VMOVUPS   hi, 32(reg)

// EPILOGUE_LOAD(epi) fills Y8..Y13 for STORE from the epilogue struct at epi:
// rowSums *int32 (0), scales *float32 (8), bias *float32 (16), zp int32 (24),
// sx float32 (28).
#define EPILOGUE_LOAD(epi) \
	VPBROADCASTD 24(epi), Y14 \
	VBROADCASTSS 28(epi), Y15 \
	MOVQ         0(epi), AX   \
	VPMULLD      (AX), Y14, Y8 \
	VPMULLD      32(AX), Y14, Y9 \
	MOVQ         8(epi), AX   \
	VMULPS       (AX), Y15, Y10 \
	VMULPS       32(AX), Y15, Y11 \
	MOVQ         16(epi), AX  \
	VMOVUPS      (AX), Y12    \
	VMOVUPS      32(AX), Y13

// func kernel4x16(kq int, a *uint8, lda int, b *int8, c *float32, ldc int, epi *epilogue)
TEXT ·kernel4x16(SB), NOSPLIT, $0-56
	MOVQ kq+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), BX
	SHLQ $2, BX
	LEAQ (SI)(R8*1), R9
	LEAQ (SI)(R8*2), R10
	LEAQ (R9)(R8*2), R11
	ONES
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7

loop4:
	VMOVDQU (DI), Y8
	VMOVDQU 32(DI), Y9
	ROW((SI), Y0, Y1, Y11, Y12)
	ROW((R9), Y2, Y3, Y13, Y14)
	ROW((R10), Y4, Y5, Y11, Y12)
	ROW((R11), Y6, Y7, Y13, Y14)
	ADDQ    $4, SI
	ADDQ    $4, R9
	ADDQ    $4, R10
	ADDQ    $4, R11
	ADDQ    $64, DI
	DECQ    CX
	JNZ     loop4

	MOVQ epi+48(FP), R13
	EPILOGUE_LOAD(R13)
	STORE(Y0, Y1, DX)
	ADDQ BX, DX
	STORE(Y2, Y3, DX)
	ADDQ BX, DX
	STORE(Y4, Y5, DX)
	ADDQ BX, DX
	STORE(Y6, Y7, DX)
	VZEROUPPER
	RET

// func kernel1x16(kq int, a *uint8, b *int8, c *float32, epi *epilogue)
TEXT ·kernel1x16(SB), NOSPLIT, $0-40
	MOVQ kq+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	ONES
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3

	// Two input groups per iteration into two accumulator pairs, to shorten
	// the dependency chain of batch-1 inference.
	CMPQ CX, $2
	JLT  tail1

loop1:
	VMOVDQU (DI), Y8
	VMOVDQU 32(DI), Y9
	ROW((SI), Y0, Y1, Y11, Y12)
	VMOVDQU 64(DI), Y8
	VMOVDQU 96(DI), Y9
	ROW(4(SI), Y2, Y3, Y13, Y14)
	ADDQ    $8, SI
	ADDQ    $128, DI
	SUBQ    $2, CX
	CMPQ    CX, $2
	JGE     loop1

tail1:
	TESTQ   CX, CX
	JZ      done1
	VMOVDQU (DI), Y8
	VMOVDQU 32(DI), Y9
	ROW((SI), Y0, Y1, Y11, Y12)

done1:
	VPADDD Y2, Y0, Y0
	VPADDD Y3, Y1, Y1
	MOVQ   epi+32(FP), R13
	EPILOGUE_LOAD(R13)
	STORE(Y0, Y1, DX)
	VZEROUPPER
	RET

// ROWV(aptr, lo, hi, t0, t1) is ROW with VPDPBUSD (t0, t1 unused).
#define ROWV(aptr, lo, hi, t0, t1) \
	VPBROADCASTD aptr, Y10   \
	VPDPBUSD     Y8, Y10, lo \
	VPDPBUSD     Y9, Y10, hi

// kernel4x16vnni and kernel1x16vnni are the kernels with AVX512-VNNI's
// VPDPBUSD (u8·s8 in groups of four straight into int32), which replaces
// VPMADDUBSW + VPMADDWD + VPADDD and cannot saturate.

// func kernel4x16vnni(kq int, a *uint8, lda int, b *int8, c *float32, ldc int, epi *epilogue)
TEXT ·kernel4x16vnni(SB), NOSPLIT, $0-56
	MOVQ kq+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), BX
	SHLQ $2, BX
	LEAQ (SI)(R8*1), R9
	LEAQ (SI)(R8*2), R10
	LEAQ (R9)(R8*2), R11
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7

loop4v:
	VMOVDQU (DI), Y8
	VMOVDQU 32(DI), Y9
	ROWV((SI), Y0, Y1, Y11, Y12)
	ROWV((R9), Y2, Y3, Y13, Y14)
	ROWV((R10), Y4, Y5, Y11, Y12)
	ROWV((R11), Y6, Y7, Y13, Y14)
	ADDQ    $4, SI
	ADDQ    $4, R9
	ADDQ    $4, R10
	ADDQ    $4, R11
	ADDQ    $64, DI
	DECQ    CX
	JNZ     loop4v

	MOVQ epi+48(FP), R13
	EPILOGUE_LOAD(R13)
	STORE(Y0, Y1, DX)
	ADDQ BX, DX
	STORE(Y2, Y3, DX)
	ADDQ BX, DX
	STORE(Y4, Y5, DX)
	ADDQ BX, DX
	STORE(Y6, Y7, DX)
	VZEROUPPER
	RET

// func kernel1x16vnni(kq int, a *uint8, b *int8, c *float32, epi *epilogue)
TEXT ·kernel1x16vnni(SB), NOSPLIT, $0-40
	MOVQ kq+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3

	// Two input groups per iteration into two accumulator pairs, to shorten
	// the dependency chain of batch-1 inference.
	CMPQ CX, $2
	JLT  tail1v

loop1v:
	VMOVDQU (DI), Y8
	VMOVDQU 32(DI), Y9
	ROWV((SI), Y0, Y1, Y11, Y12)
	VMOVDQU 64(DI), Y8
	VMOVDQU 96(DI), Y9
	ROWV(4(SI), Y2, Y3, Y13, Y14)
	ADDQ    $8, SI
	ADDQ    $128, DI
	SUBQ    $2, CX
	CMPQ    CX, $2
	JGE     loop1v

tail1v:
	TESTQ   CX, CX
	JZ      done1v
	VMOVDQU (DI), Y8
	VMOVDQU 32(DI), Y9
	ROWV((SI), Y0, Y1, Y11, Y12)

done1v:
	VPADDD Y2, Y0, Y0
	VPADDD Y3, Y1, Y1
	MOVQ   epi+32(FP), R13
	EPILOGUE_LOAD(R13)
	STORE(Y0, Y1, DX)
	VZEROUPPER
	RET

// func rangeAVX2(x *float32, n int, lanes *[24]float32)
TEXT ·rangeAVX2(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	MOVQ   lanes+16(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ   AX, AX

rangeloop:
	VMOVUPS (SI)(AX*4), Y4
	VMINPS  Y4, Y0, Y0
	VMAXPS  Y4, Y1, Y1
	VMULPS  Y3, Y4, Y5
	VADDPS  Y5, Y2, Y2
	ADDQ    $8, AX
	CMPQ    AX, CX
	JLT     rangeloop

	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VZEROUPPER
	RET

// Dword order that undoes the lane interleaving of VPACKSSDW + VPACKUSWB.
DATA packOrder<>+0(SB)/4, $0
DATA packOrder<>+4(SB)/4, $4
DATA packOrder<>+8(SB)/4, $1
DATA packOrder<>+12(SB)/4, $5
DATA packOrder<>+16(SB)/4, $2
DATA packOrder<>+20(SB)/4, $6
DATA packOrder<>+24(SB)/4, $3
DATA packOrder<>+28(SB)/4, $7
GLOBL packOrder<>(SB), RODATA|NOPTR, $32

DATA max255<>+0(SB)/4, $255.0
GLOBL max255<>(SB), RODATA|NOPTR, $4

#define QUANT(off, y) \
	VMULPS    off(SI), Y15, y \
	VROUNDPS  $0, y, y        \
	VADDPS    Y14, y, y       \
	VMAXPS    Y13, y, y       \
	VMINPS    Y12, y, y       \
	VCVTPS2DQ y, y

// func quantizeAVX2(x *float32, n int, inv, zp float32, dst *uint8)
TEXT ·quantizeAVX2(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	MOVQ         dst+24(FP), DI
	VBROADCASTSS inv+16(FP), Y15
	VBROADCASTSS zp+20(FP), Y14
	VXORPS       Y13, Y13, Y13
	VBROADCASTSS max255<>(SB), Y12
	VMOVDQU      packOrder<>(SB), Y11
	SHRQ         $5, CX

quantloop:
	QUANT(0, Y0)
	QUANT(32, Y1)
	QUANT(64, Y2)
	QUANT(96, Y3)
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKUSWB Y2, Y0, Y0
	VPERMD    Y0, Y11, Y0
	VMOVDQU   Y0, (DI)
	ADDQ      $128, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       quantloop

	VZEROUPPER
	RET
