//go:build amd64 && !purego

#include "textflag.h"

// One k step of the 6×16 tile: two 8-wide loads of B's row, six broadcasts of
// A's column, twelve FMAs into Y4..Y15 (row r in Y(4+2r), Y(5+2r)).
#define STEP \
	VMOVUPS (DI), Y0; \
	VMOVUPS 32(DI), Y1; \
	VBROADCASTSS (SI), Y2; \
	VFMADD231PS Y0, Y2, Y4; \
	VFMADD231PS Y1, Y2, Y5; \
	VBROADCASTSS (SI)(R9*1), Y3; \
	VFMADD231PS Y0, Y3, Y6; \
	VFMADD231PS Y1, Y3, Y7; \
	VBROADCASTSS (SI)(R9*2), Y2; \
	VFMADD231PS Y0, Y2, Y8; \
	VFMADD231PS Y1, Y2, Y9; \
	VBROADCASTSS (SI)(R10*1), Y3; \
	VFMADD231PS Y0, Y3, Y10; \
	VFMADD231PS Y1, Y3, Y11; \
	VBROADCASTSS (SI)(R9*4), Y2; \
	VFMADD231PS Y0, Y2, Y12; \
	VFMADD231PS Y1, Y2, Y13; \
	VBROADCASTSS (SI)(R11*1), Y3; \
	VFMADD231PS Y0, Y3, Y14; \
	VFMADD231PS Y1, Y3, Y15; \
	ADDQ R12, SI; \
	ADDQ R13, DI

// C row = alpha*acc + beta*C row (Y0 = alpha, Y1 = beta).
#define STOREBETA(lo, hi) \
	VMULPS (DX), Y1, Y2; \
	VFMADD231PS lo, Y0, Y2; \
	VMOVUPS Y2, (DX); \
	VMULPS 32(DX), Y1, Y3; \
	VFMADD231PS hi, Y0, Y3; \
	VMOVUPS Y3, 32(DX); \
	ADDQ R8, DX

// C row = alpha*acc, without reading C.
#define STOREZERO(lo, hi) \
	VMULPS lo, Y0, lo; \
	VMOVUPS lo, (DX); \
	VMULPS hi, Y0, hi; \
	VMOVUPS hi, 32(DX); \
	ADDQ R8, DX

// func kernel6x16(k int, a *float32, rsA, csA int, b *float32, rsB int, c *float32, ldc int, alpha, beta float32)
TEXT ·kernel6x16(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ rsA+16(FP), R9
	MOVQ csA+24(FP), R12
	MOVQ b+32(FP), DI
	MOVQ rsB+40(FP), R13
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R8
	SHLQ $2, R9
	SHLQ $2, R12
	SHLQ $2, R13
	SHLQ $2, R8
	LEAQ (R9)(R9*2), R10
	LEAQ (R9)(R9*4), R11

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

	MOVQ CX, BX
	SHRQ $2, BX
	JZ   tail

loop4:
	STEP
	STEP
	STEP
	STEP
	DECQ BX
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	STEP
	DECQ CX
	JNZ  loop1

store:
	VBROADCASTSS alpha+64(FP), Y0
	MOVL         beta+68(FP), AX
	ANDL         $0x7fffffff, AX
	JZ           storezero
	VBROADCASTSS beta+68(FP), Y1
	STOREBETA(Y4, Y5)
	STOREBETA(Y6, Y7)
	STOREBETA(Y8, Y9)
	STOREBETA(Y10, Y11)
	STOREBETA(Y12, Y13)
	STOREBETA(Y14, Y15)
	VZEROUPPER
	RET

storezero:
	STOREZERO(Y4, Y5)
	STOREZERO(Y6, Y7)
	STOREZERO(Y8, Y9)
	STOREZERO(Y10, Y11)
	STOREZERO(Y12, Y13)
	STOREZERO(Y14, Y15)
	VZEROUPPER
	RET
