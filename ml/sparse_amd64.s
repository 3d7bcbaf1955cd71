//go:build amd64 && !purego

#include "textflag.h"

// Lane numbers 0..15 for the gathers' index vectors.
DATA iota16<>+0(SB)/4, $0
DATA iota16<>+4(SB)/4, $1
DATA iota16<>+8(SB)/4, $2
DATA iota16<>+12(SB)/4, $3
DATA iota16<>+16(SB)/4, $4
DATA iota16<>+20(SB)/4, $5
DATA iota16<>+24(SB)/4, $6
DATA iota16<>+28(SB)/4, $7
DATA iota16<>+32(SB)/4, $8
DATA iota16<>+36(SB)/4, $9
DATA iota16<>+40(SB)/4, $10
DATA iota16<>+44(SB)/4, $11
DATA iota16<>+48(SB)/4, $12
DATA iota16<>+52(SB)/4, $13
DATA iota16<>+56(SB)/4, $14
DATA iota16<>+60(SB)/4, $15
GLOBL iota16<>(SB), RODATA|NOPTR, $64

// func sellGemv16AVX512(x, y, b, vals *float32, idx, steps *uint8, slices, blocks, lastMask int)
// For each slice sl: y[16sl+l] = b[16sl+l] + Σ over blocks bk and their
// steps[sl·blocks+bk] steps g of vals[16g+l]·x[32bk+idx[16g+l]] (idx < 32),
// for the lanes l in lastMask in the last slice and all 16 in the others.
// The 32 inputs of a block sit in Z30:Z31 and VPERMI2PS picks each lane's
// one: a gather from registers. x must hold 32·blocks values.
TEXT ·sellGemv16AVX512(SB), NOSPLIT, $0-72
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ b+16(FP), DX
	MOVQ vals+24(FP), R8
	MOVQ idx+32(FP), R9
	MOVQ steps+40(FP), R10
	MOVQ slices+48(FP), CX
	MOVQ blocks+56(FP), R11
	MOVQ lastMask+64(FP), R14

sellSlice:
	TESTQ  CX, CX
	JZ     sellDone
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	MOVQ   SI, R12
	MOVQ   R11, R13

sellBlock:
	MOVBQZX (R10), BX
	INCQ    R10
	TESTQ   BX, BX
	JZ      sellNextBlock
	VMOVUPS (R12), Z30
	VMOVUPS 64(R12), Z31

sellPair:
	CMPQ        BX, $2
	JLT         sellOne
	VPMOVZXBD   (R9), Z2
	VPMOVZXBD   16(R9), Z3
	VPERMI2PS   Z31, Z30, Z2
	VPERMI2PS   Z31, Z30, Z3
	VFMADD231PS (R8), Z2, Z0
	VFMADD231PS 64(R8), Z3, Z1
	ADDQ        $32, R9
	ADDQ        $128, R8
	SUBQ        $2, BX
	JMP         sellPair

sellOne:
	TESTQ       BX, BX
	JZ          sellNextBlock
	VPMOVZXBD   (R9), Z2
	VPERMI2PS   Z31, Z30, Z2
	VFMADD231PS (R8), Z2, Z0
	ADDQ        $16, R9
	ADDQ        $64, R8

sellNextBlock:
	ADDQ $128, R12
	DECQ R13
	JNZ  sellBlock
	VADDPS    Z1, Z0, Z0
	MOVQ      $0xffff, AX
	CMPQ      CX, $1
	CMOVQEQ   R14, AX
	KMOVW     AX, K1
	VMOVUPS.Z (DX), K1, Z1
	VADDPS    Z1, Z0, Z0
	VMOVUPS   Z0, K1, (DI)
	ADDQ      $64, DI
	ADDQ      $64, DX
	DECQ      CX
	JMP       sellSlice

sellDone:
	VZEROUPPER
	RET

// func transposeIn16AVX512(dst, src *float32, stride, n, laneMask int)
// dst[16i+l] = src[l·stride+i] for i < n and the lanes l set in laneMask
// (the low ones); 0 for the other lanes.
TEXT ·transposeIn16AVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ stride+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ laneMask+32(FP), R12
	VMOVDQU32    iota16<>(SB), Z31
	VPBROADCASTD DX, Z30
	VPMULLD      Z30, Z31, Z31

tinLoop:
	TESTQ      CX, CX
	JZ         tinDone
	KMOVW      R12, K1
	VXORPS     Z0, Z0, Z0
	VGATHERDPS (SI)(Z31*4), K1, Z0
	VMOVUPS    Z0, (DI)
	ADDQ       $4, SI
	ADDQ       $64, DI
	DECQ       CX
	JMP        tinLoop

tinDone:
	VZEROUPPER
	RET

// func csrRows16AVX512(yt, xt, vals *float32, idx *uint16, rowEnd *int32, n int)
// yt[16j:16j+16] = Σ_k vals[k]·xt[16·idx[k]:16·idx[k]+16] over k from
// rowEnd[j-1] (0 for j = 0) to rowEnd[j], for j < n.
TEXT ·csrRows16AVX512(SB), NOSPLIT, $0-48
	MOVQ yt+0(FP), DI
	MOVQ xt+8(FP), SI
	MOVQ vals+16(FP), R8
	MOVQ idx+24(FP), R9
	MOVQ rowEnd+32(FP), R11
	MOVQ n+40(FP), CX
	XORQ AX, AX

csrRow:
	TESTQ   CX, CX
	JZ      csrDone
	MOVLQSX (R11), BX
	VXORPS  Z0, Z0, Z0
	VXORPS  Z1, Z1, Z1
	VXORPS  Z2, Z2, Z2
	VXORPS  Z3, Z3, Z3

csrFour:
	LEAQ         4(AX), DX
	CMPQ         DX, BX
	JG           csrOne
	MOVWQZX      (R9)(AX*2), R12
	MOVWQZX      2(R9)(AX*2), R13
	MOVWQZX      4(R9)(AX*2), R14
	MOVWQZX      6(R9)(AX*2), R15
	SHLQ         $6, R12
	SHLQ         $6, R13
	SHLQ         $6, R14
	SHLQ         $6, R15
	VBROADCASTSS (R8)(AX*4), Z4
	VBROADCASTSS 4(R8)(AX*4), Z5
	VBROADCASTSS 8(R8)(AX*4), Z6
	VBROADCASTSS 12(R8)(AX*4), Z7
	VFMADD231PS  (SI)(R12*1), Z4, Z0
	VFMADD231PS  (SI)(R13*1), Z5, Z1
	VFMADD231PS  (SI)(R14*1), Z6, Z2
	VFMADD231PS  (SI)(R15*1), Z7, Z3
	MOVQ         DX, AX
	JMP          csrFour

csrOne:
	CMPQ         AX, BX
	JGE          csrStore
	MOVWQZX      (R9)(AX*2), R12
	SHLQ         $6, R12
	VBROADCASTSS (R8)(AX*4), Z4
	VFMADD231PS  (SI)(R12*1), Z4, Z0
	INCQ         AX
	JMP          csrOne

csrStore:
	VADDPS  Z1, Z0, Z0
	VADDPS  Z3, Z2, Z2
	VADDPS  Z2, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $4, R11
	DECQ    CX
	JMP     csrRow

csrDone:
	VZEROUPPER
	RET

// func transposeOut16AVX512(dst *float32, stride int, src, b *float32, n, lanes, tailMask int)
// dst[l·stride+j] = src[16j+l] + b[j] for j < n and l < lanes; tailMask has
// the low n%16 bits set (0xffff when 16 divides n).
TEXT ·transposeOut16AVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ stride+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ b+24(FP), R13
	MOVQ n+32(FP), CX
	MOVQ lanes+40(FP), R12
	MOVQ tailMask+48(FP), R14
	SHLQ $2, DX
	VMOVDQU32 iota16<>(SB), Z31
	VPSLLD    $4, Z31, Z31

toutLane:
	TESTQ R12, R12
	JZ    toutDone
	MOVQ  DI, R8
	MOVQ  SI, R9
	MOVQ  R13, R10
	MOVQ  CX, BX

toutBlock:
	TESTQ BX, BX
	JZ    toutNext
	MOVQ  $0xffff, AX
	CMPQ  BX, $16
	JGE   toutFull
	MOVQ  R14, AX

toutFull:
	KMOVW        AX, K1
	KMOVW        AX, K2
	VXORPS       Z0, Z0, Z0
	VGATHERDPS   (R9)(Z31*4), K1, Z0
	VMOVUPS.Z    (R10), K2, Z1
	VADDPS       Z1, Z0, Z0
	VMOVUPS      Z0, K2, (R8)
	ADDQ         $64, R8
	ADDQ         $1024, R9
	ADDQ         $64, R10
	SUBQ         $16, BX
	JG           toutBlock

toutNext:
	ADDQ DX, DI
	ADDQ $4, SI
	DECQ R12
	JMP  toutLane

toutDone:
	VZEROUPPER
	RET
