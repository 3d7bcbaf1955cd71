//go:build amd64 && !purego

#include "textflag.h"

// TRANSPOSE8 transposes the 8×8 block whose rows are in Y0..Y7, leaving
// column q in Y(8+q). Y0..Y7 are clobbered.
#define TRANSPOSE8 \
	VUNPCKLPS  Y1, Y0, Y8; \
	VUNPCKHPS  Y1, Y0, Y9; \
	VUNPCKLPS  Y3, Y2, Y10; \
	VUNPCKHPS  Y3, Y2, Y11; \
	VUNPCKLPS  Y5, Y4, Y12; \
	VUNPCKHPS  Y5, Y4, Y13; \
	VUNPCKLPS  Y7, Y6, Y14; \
	VUNPCKHPS  Y7, Y6, Y15; \
	VSHUFPS    $0x44, Y10, Y8, Y0; \
	VSHUFPS    $0xEE, Y10, Y8, Y1; \
	VSHUFPS    $0x44, Y11, Y9, Y2; \
	VSHUFPS    $0xEE, Y11, Y9, Y3; \
	VSHUFPS    $0x44, Y14, Y12, Y4; \
	VSHUFPS    $0xEE, Y14, Y12, Y5; \
	VSHUFPS    $0x44, Y15, Y13, Y6; \
	VSHUFPS    $0xEE, Y15, Y13, Y7; \
	VPERM2F128 $0x20, Y4, Y0, Y8; \
	VPERM2F128 $0x20, Y5, Y1, Y9; \
	VPERM2F128 $0x20, Y6, Y2, Y10; \
	VPERM2F128 $0x20, Y7, Y3, Y11; \
	VPERM2F128 $0x31, Y4, Y0, Y12; \
	VPERM2F128 $0x31, Y5, Y1, Y13; \
	VPERM2F128 $0x31, Y6, Y2, Y14; \
	VPERM2F128 $0x31, Y7, Y3, Y15

// LOADROWS loads 8 floats from each of the 8 rows starting at base.
#define LOADROWS(base) \
	VMOVUPS (base), Y0; \
	VMOVUPS (base)(R8*1), Y1; \
	VMOVUPS (base)(R8*2), Y2; \
	VMOVUPS (base)(R9*1), Y3; \
	VMOVUPS (base)(R8*4), Y4; \
	VMOVUPS (base)(R10*1), Y5; \
	VMOVUPS (base)(R9*2), Y6; \
	VMOVUPS (base)(R11*1), Y7

// STORECOLS stores the 8 transposed columns as half-rows (8 floats at byte
// offset off) of 8 consecutive 16-float rows of the panel at DI.
#define STORECOLS(off) \
	VMOVUPS Y8, off(DI); \
	VMOVUPS Y9, (64+off)(DI); \
	VMOVUPS Y10, (128+off)(DI); \
	VMOVUPS Y11, (192+off)(DI); \
	VMOVUPS Y12, (256+off)(DI); \
	VMOVUPS Y13, (320+off)(DI); \
	VMOVUPS Y14, (384+off)(DI); \
	VMOVUPS Y15, (448+off)(DI)

// func packBT16(k int, b *float32, ldb int, dst *float32)
// dst[p*16+j] = b[j*ldb+p] for j < 16, p < k; k must be a multiple of 8.
TEXT ·packBT16(SB), NOSPLIT, $0-32
	MOVQ k+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), R8
	MOVQ dst+24(FP), DI
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9
	LEAQ (R8)(R8*4), R10
	LEAQ (R9)(R8*4), R11
	LEAQ (SI)(R8*8), BX
	SHRQ $3, CX
	JZ   packdone

packloop:
	LOADROWS(SI)
	TRANSPOSE8
	STORECOLS(0)
	LOADROWS(BX)
	TRANSPOSE8
	STORECOLS(32)
	ADDQ $32, SI
	ADDQ $32, BX
	ADDQ $512, DI
	DECQ CX
	JNZ  packloop

packdone:
	VZEROUPPER
	RET
