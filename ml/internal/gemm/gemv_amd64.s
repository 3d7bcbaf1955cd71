//go:build amd64 && !purego

#include "textflag.h"

// func dotRows(k int, x *float32, m *float32, ldm int, rows int, out *float32)
// out[r] = Σ_{p<k} x[p]*m[r*ldm+p] for r < rows; out must have room for
// rows+3 values (a lone row is computed four times and stored as four).
TEXT ·dotRows(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ m+16(FP), DI
	MOVQ ldm+24(FP), R8
	MOVQ rows+32(FP), R13
	MOVQ out+40(FP), DX
	SHLQ $2, R8

dotnext:
	TESTQ R13, R13
	JZ    dotdone
	CMPQ  R13, $4
	JLT   dotone
	LEAQ  (DI)(R8*1), R9
	LEAQ  (DI)(R8*2), R10
	LEAQ  (R9)(R8*2), R11
	MOVQ  $4, R14
	JMP   dotbody

dotone:
	MOVQ DI, R9
	MOVQ DI, R10
	MOVQ DI, R11
	MOVQ $1, R14

	// Four dot products of x with the rows at DI, R9, R10, R11 into X0.
dotbody:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS X10, X10, X10
	VXORPS X11, X11, X11
	VXORPS X12, X12, X12
	VXORPS X13, X13, X13
	XORQ   AX, AX
	MOVQ   CX, BX
	SHRQ   $4, BX
	JZ     dottail8

dotloop16:
	VMOVUPS     (SI)(AX*1), Y8
	VMOVUPS     32(SI)(AX*1), Y9
	VFMADD231PS (DI)(AX*1), Y8, Y0
	VFMADD231PS 32(DI)(AX*1), Y9, Y4
	VFMADD231PS (R9)(AX*1), Y8, Y1
	VFMADD231PS 32(R9)(AX*1), Y9, Y5
	VFMADD231PS (R10)(AX*1), Y8, Y2
	VFMADD231PS 32(R10)(AX*1), Y9, Y6
	VFMADD231PS (R11)(AX*1), Y8, Y3
	VFMADD231PS 32(R11)(AX*1), Y9, Y7
	ADDQ        $64, AX
	DECQ        BX
	JNZ         dotloop16

dottail8:
	TESTQ       $8, CX
	JZ          dottail1
	VMOVUPS     (SI)(AX*1), Y8
	VFMADD231PS (DI)(AX*1), Y8, Y0
	VFMADD231PS (R9)(AX*1), Y8, Y1
	VFMADD231PS (R10)(AX*1), Y8, Y2
	VFMADD231PS (R11)(AX*1), Y8, Y3
	ADDQ        $32, AX

dottail1:
	MOVQ CX, R12
	ANDQ $7, R12
	JZ   dotreduce

dotloop1:
	VMOVSS      (SI)(AX*1), X8
	VFMADD231SS (DI)(AX*1), X8, X10
	VFMADD231SS (R9)(AX*1), X8, X11
	VFMADD231SS (R10)(AX*1), X8, X12
	VFMADD231SS (R11)(AX*1), X8, X13
	ADDQ        $4, AX
	DECQ        R12
	JNZ         dotloop1

dotreduce:
	VADDPS       Y4, Y0, Y0
	VADDPS       Y5, Y1, Y1
	VADDPS       Y6, Y2, Y2
	VADDPS       Y7, Y3, Y3
	VHADDPS      Y1, Y0, Y0
	VHADDPS      Y3, Y2, Y2
	VHADDPS      Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VUNPCKLPS    X11, X10, X10
	VUNPCKLPS    X13, X12, X12
	VMOVLHPS     X12, X10, X10
	VADDPS       X10, X0, X0
	VMOVUPS      X0, (DX)

	// Advance by the R14 rows just done (4, or 1 for a lone row).
	LEAQ  (DX)(R14*4), DX
	MOVQ  R14, AX
	IMULQ R8, AX
	ADDQ  AX, DI
	SUBQ  R14, R13
	JMP   dotnext

dotdone:
	VZEROUPPER
	RET

// y = alpha*acc + beta*y for one 8-wide vector (Y9 = alpha, Y10 = beta).
#define AXSTOREBETA(acc, off) \
	VMULPS      off(DX), Y10, Y11; \
	VFMADD231PS acc, Y9, Y11; \
	VMOVUPS     Y11, off(DX)

#define AXSTOREZERO(acc, off) \
	VMULPS  acc, Y9, acc; \
	VMOVUPS acc, off(DX)

// func axpyRows(k int, x *float32, incx int, m *float32, ldm int, y *float32, n int, alpha, beta float32)
// y[j] = alpha*Σ_{p<k} x[p*incx]*m[p*ldm+j] + beta*y[j] for j < n, k > 0.
// When beta is zero y is not read.
TEXT ·axpyRows(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ incx+16(FP), R12
	MOVQ m+24(FP), DI
	MOVQ ldm+32(FP), R8
	MOVQ y+40(FP), DX
	MOVQ n+48(FP), BX
	SHLQ $2, R12
	SHLQ $2, R8
	VBROADCASTSS alpha+56(FP), Y9
	VBROADCASTSS beta+60(FP), Y10
	MOVL         beta+60(FP), AX
	ANDL         $0x7fffffff, AX

axchunk64:
	CMPQ   BX, $64
	JLT    axchunk8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   SI, R9
	MOVQ   DI, R10
	MOVQ   CX, R11

axloop64:
	VBROADCASTSS (R9), Y8
	VFMADD231PS  (R10), Y8, Y0
	VFMADD231PS  32(R10), Y8, Y1
	VFMADD231PS  64(R10), Y8, Y2
	VFMADD231PS  96(R10), Y8, Y3
	VFMADD231PS  128(R10), Y8, Y4
	VFMADD231PS  160(R10), Y8, Y5
	VFMADD231PS  192(R10), Y8, Y6
	VFMADD231PS  224(R10), Y8, Y7
	ADDQ         R12, R9
	ADDQ         R8, R10
	DECQ         R11
	JNZ          axloop64

	TESTL AX, AX
	JZ    axzero64
	AXSTOREBETA(Y0, 0)
	AXSTOREBETA(Y1, 32)
	AXSTOREBETA(Y2, 64)
	AXSTOREBETA(Y3, 96)
	AXSTOREBETA(Y4, 128)
	AXSTOREBETA(Y5, 160)
	AXSTOREBETA(Y6, 192)
	AXSTOREBETA(Y7, 224)
	JMP   axnext64

axzero64:
	AXSTOREZERO(Y0, 0)
	AXSTOREZERO(Y1, 32)
	AXSTOREZERO(Y2, 64)
	AXSTOREZERO(Y3, 96)
	AXSTOREZERO(Y4, 128)
	AXSTOREZERO(Y5, 160)
	AXSTOREZERO(Y6, 192)
	AXSTOREZERO(Y7, 224)

axnext64:
	ADDQ $256, DI
	ADDQ $256, DX
	SUBQ $64, BX
	JMP  axchunk64

axchunk8:
	CMPQ BX, $8
	JLT  axtail
	// Four accumulators over consecutive rows keep the FMA latency chains short.
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ   SI, R9
	MOVQ   DI, R10
	MOVQ   CX, R11
	SHRQ   $2, R11
	JZ     axn8rest

axn8loop4:
	VMOVUPS    (R10), Y13
	VBROADCASTSS (R9), Y8
	VFMADD231PS  Y13, Y8, Y0
	ADDQ         R12, R9
	ADDQ         R8, R10
	VMOVUPS    (R10), Y13
	VBROADCASTSS (R9), Y8
	VFMADD231PS  Y13, Y8, Y1
	ADDQ         R12, R9
	ADDQ         R8, R10
	VMOVUPS    (R10), Y13
	VBROADCASTSS (R9), Y8
	VFMADD231PS  Y13, Y8, Y2
	ADDQ         R12, R9
	ADDQ         R8, R10
	VMOVUPS    (R10), Y13
	VBROADCASTSS (R9), Y8
	VFMADD231PS  Y13, Y8, Y3
	ADDQ         R12, R9
	ADDQ         R8, R10
	DECQ R11
	JNZ  axn8loop4

axn8rest:
	MOVQ CX, R11
	ANDQ $3, R11
	JZ   axn8sum

axn8loop1:
	VMOVUPS    (R10), Y13
	VBROADCASTSS (R9), Y8
	VFMADD231PS  Y13, Y8, Y0
	ADDQ         R12, R9
	ADDQ         R8, R10
	DECQ         R11
	JNZ          axn8loop1

axn8sum:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	TESTL AX, AX
	JZ    axzero8
	AXSTOREBETA(Y0, 0)
	JMP   axnext8

axzero8:
	AXSTOREZERO(Y0, 0)

axnext8:
	ADDQ $32, DI
	ADDQ $32, DX
	SUBQ $8, BX
	JMP  axchunk8

	// The last n%8 columns: masked loads never touch memory past y or a row of m.
axtail:
	TESTQ   BX, BX
	JZ      axdone
	LEAQ    tailmask<>(SB), R13
	MOVQ    $8, R14
	SUBQ    BX, R14
	VMOVUPS (R13)(R14*4), Y12
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ   SI, R9
	MOVQ   DI, R10
	MOVQ   CX, R11
	SHRQ   $2, R11
	JZ     axtailrest

axtailloop4:
	VMASKMOVPS (R10), Y12, Y13
	VBROADCASTSS (R9), Y8
	VFMADD231PS  Y13, Y8, Y0
	ADDQ         R12, R9
	ADDQ         R8, R10
	VMASKMOVPS (R10), Y12, Y13
	VBROADCASTSS (R9), Y8
	VFMADD231PS  Y13, Y8, Y1
	ADDQ         R12, R9
	ADDQ         R8, R10
	VMASKMOVPS (R10), Y12, Y13
	VBROADCASTSS (R9), Y8
	VFMADD231PS  Y13, Y8, Y2
	ADDQ         R12, R9
	ADDQ         R8, R10
	VMASKMOVPS (R10), Y12, Y13
	VBROADCASTSS (R9), Y8
	VFMADD231PS  Y13, Y8, Y3
	ADDQ         R12, R9
	ADDQ         R8, R10
	DECQ R11
	JNZ  axtailloop4

axtailrest:
	MOVQ CX, R11
	ANDQ $3, R11
	JZ   axtailsum

axtailloop1:
	VMASKMOVPS (R10), Y12, Y13
	VBROADCASTSS (R9), Y8
	VFMADD231PS  Y13, Y8, Y0
	ADDQ         R12, R9
	ADDQ         R8, R10
	DECQ         R11
	JNZ          axtailloop1

axtailsum:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	TESTL       AX, AX
	JZ          axzerotail
	VMASKMOVPS  (DX), Y12, Y11
	VMULPS      Y11, Y10, Y11
	VFMADD231PS Y0, Y9, Y11
	VMASKMOVPS  Y11, Y12, (DX)
	JMP         axdone

axzerotail:
	VMULPS     Y0, Y9, Y0
	VMASKMOVPS Y0, Y12, (DX)

axdone:
	VZEROUPPER
	RET

// tailmask holds 8 all-ones lanes then 8 zero lanes; the 8 lanes starting at
// lane 8-r select the first r lanes.
DATA tailmask<>+0(SB)/4, $0xffffffff
DATA tailmask<>+4(SB)/4, $0xffffffff
DATA tailmask<>+8(SB)/4, $0xffffffff
DATA tailmask<>+12(SB)/4, $0xffffffff
DATA tailmask<>+16(SB)/4, $0xffffffff
DATA tailmask<>+20(SB)/4, $0xffffffff
DATA tailmask<>+24(SB)/4, $0xffffffff
DATA tailmask<>+28(SB)/4, $0xffffffff
DATA tailmask<>+32(SB)/4, $0
DATA tailmask<>+36(SB)/4, $0
DATA tailmask<>+40(SB)/4, $0
DATA tailmask<>+44(SB)/4, $0
DATA tailmask<>+48(SB)/4, $0
DATA tailmask<>+52(SB)/4, $0
DATA tailmask<>+56(SB)/4, $0
DATA tailmask<>+60(SB)/4, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $64
