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

// STORE(lo, hi, reg): reg[0:16] = float32(acc - zp)·mul + bias, with zp in
// Y8/Y9, mul in Y10/Y11 and bias in Y12/Y13 (multiply and add rounded apart,
// as the pure-Go kernel does).
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

#define EPILOGUE_LOAD \
	MOVQ    zp+48(FP), AX   \
	VMOVDQU (AX), Y8        \
	VMOVDQU 32(AX), Y9      \
	MOVQ    mul+56(FP), AX  \
	VMOVUPS (AX), Y10       \
	VMOVUPS 32(AX), Y11     \
	MOVQ    bias+64(FP), AX \
	VMOVUPS (AX), Y12       \
	VMOVUPS 32(AX), Y13

// func kernel4x16(kq int, a *uint8, lda int, b *int8, c *float32, ldc int, zp *int32, mul, bias *float32)
TEXT ·kernel4x16(SB), NOSPLIT, $0-72
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

	EPILOGUE_LOAD
	STORE(Y0, Y1, DX)
	ADDQ BX, DX
	STORE(Y2, Y3, DX)
	ADDQ BX, DX
	STORE(Y4, Y5, DX)
	ADDQ BX, DX
	STORE(Y6, Y7, DX)
	VZEROUPPER
	RET

// func kernel1x16(kq int, a *uint8, b *int8, c *float32, zp *int32, mul, bias *float32)
TEXT ·kernel1x16(SB), NOSPLIT, $0-56
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
	MOVQ   zp+32(FP), AX
	VMOVDQU (AX), Y8
	VMOVDQU 32(AX), Y9
	MOVQ   mul+40(FP), AX
	VMOVUPS (AX), Y10
	VMOVUPS 32(AX), Y11
	MOVQ   bias+48(FP), AX
	VMOVUPS (AX), Y12
	VMOVUPS 32(AX), Y13
	STORE(Y0, Y1, DX)
	VZEROUPPER
	RET
