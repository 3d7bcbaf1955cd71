package gemm

import (
	"runtime"
	"sync"
)

// Register tile of the micro-kernel: mr rows of C by nr columns.
const (
	mr = 6
	nr = 16
)

// Cache blocking, chosen for this machine's caches (AMD Zen 4: 32 KiB L1d and
// 1 MiB L2 per core, shared L3): a kc×nr panel of B (16 KiB) stays in L1
// while the micro-kernel sweeps the mc×kc block of A (144 KiB) held in L2;
// the kc×nc block of B lives in L3.
const (
	kcBlock = 256
	mcBlock = 144 // multiple of mr
	ncBlock = 2048
)

// directMaxWork is the largest m*n*k for which A and (untransposed) B are
// read in place rather than packed. Measured here, in-place reads win by
// up to 40% on small products (packing cannot be amortised over few reuses)
// and still break even at 512³; at 1024³ their long strides make packing
// 25% faster.
var directMaxWork = 1 << 27

// parallelMinWork is the smallest m*n*k (about 80µs of work) that is split
// between two goroutines: below it the hand-off, and on a busy machine the
// wait for the other thread, cost more than the split saves.
var parallelMinWork = 1 << 22

// maxWorkers caps the goroutines one product uses: 1 or 2 (tests and
// benchmarks lower it to 1).
var maxWorkers = 2

// scratch holds the packing buffers of one goroutine's share of a product.
type scratch struct {
	a     []float32 // mc×kc block of op(A), as mr-row panels
	b     []float32 // kc×nc block of op(B), as nr-column panels
	bEdge []float32 // last, partial nr-column panel of B when B is not packed
	tile  [mr * nr]float32
	vec   []float32 // a contiguous copy of a strided vector (gemv)
	out   []float32 // dot products before scaling (gemv)
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// grow returns buf with length n, reallocating only when it is too short.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// multiply computes C = alpha*op(A)*op(B) + beta*C with k > 0. Products
// with m or n equal to 1 go to gemv; big enough ones are cut along the
// larger of m and n into chunks that two goroutines share.
func multiply(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	switch {
	case m == 1:
		// c row = alpha * op(B)^T * (row of op(A)) + beta * c row.
		aInc := 1
		if transA {
			aInc = lda
		}
		if transB {
			gemv(false, n, k, alpha, b, ldb, a, aInc, beta, c, 1)
		} else {
			gemv(true, k, n, alpha, b, ldb, a, aInc, beta, c, 1)
		}
		return
	case n == 1:
		// c column = alpha * op(A) * (column of op(B)) + beta * c column.
		bInc := ldb
		if transB {
			bInc = 1
		}
		if transA {
			gemv(true, k, m, alpha, a, lda, b, bInc, beta, c, ldc)
		} else {
			gemv(false, m, k, alpha, a, lda, b, bInc, beta, c, ldc)
		}
		return
	}
	// Narrow products (n well below the tile width nr, e.g. a 10-class
	// output layer) are computed as Cᵀ = op(B)ᵀ·op(A)ᵀ, which fills the
	// register tiles better. The kernels have variants for every row count
	// but always compute nr columns, so the work is about m*roundUp(n, nr)
	// (or n*roundUp(m, nr)); writing Cᵀ costs a scatter per element, so a
	// clear saving is required. The choice is made once for the whole
	// product so that chunking cannot change a single bit of the result.
	cTrans := 5*n*roundUp(m, nr) < 4*m*roundUp(n, nr)
	if cTrans {
		transA, transB, m, n, a, lda, b, ldb = !transB, !transA, n, m, b, ldb, a, lda
	}
	// part computes rows [i0, i0+mb) and columns [j0, j0+nb) of the product.
	part := func(i0, mb, j0, nb int) {
		aOff, bOff, cOff := i0*lda, j0, i0*ldc+j0
		if transA {
			aOff = i0
		}
		if transB {
			bOff = j0 * ldb
		}
		if cTrans {
			cOff = j0*ldc + i0
		}
		blockedInto(transA, transB, mb, nb, k, alpha, a[aOff:], lda, b[bOff:], ldb, beta, c[cOff:], ldc, cTrans)
	}
	if min(runtime.GOMAXPROCS(0), maxWorkers) < 2 || m*n*k < parallelMinWork {
		part(0, m, 0, n)
		return
	}
	// Chunks are whole register tiles (the last one takes the remainder) so
	// that each element is computed exactly as it would be serially. In place,
	// chunks cost nothing extra and smaller ones balance the two threads
	// better; packed, each chunk repacks the shared operand, so there are
	// only two.
	splitN := n >= 2*nr && n >= m
	tile, size := mr, m
	if splitN {
		tile, size = nr, n
	}
	tiles := size / tile
	if tiles < 2 {
		part(0, m, 0, n)
		return
	}
	chunks := 2
	if work := m * n * k; work <= directMaxWork {
		// Each chunk gets at least 2M multiply-adds (~40µs) and 8 tiles: a
		// narrower chunk rereads the other operand from L3 too often.
		chunks = max(2, min(16, work/(1<<21), tiles/8))
	}
	chunks = min(chunks, tiles)
	per, extra := tiles/chunks, tiles%chunks
	run := func(idx int) {
		start := tile * (idx*per + min(idx, extra))
		length := tile * per
		if idx < extra {
			length += tile
		}
		if idx == chunks-1 {
			length += size % tile
		}
		if splitN {
			part(0, m, start, length)
		} else {
			part(start, length, 0, n)
		}
	}
	if !theHelper.tryRunChunks(chunks, run) {
		part(0, m, 0, n)
	}
}

func roundUp(x, to int) int { return (x + to - 1) / to * to }

// blockedInto computes C = alpha*op(A)*op(B) + beta*C, or when cTrans is set
// writes that product transposed into c (element (i, j) at c[j*ldc+i]), with
// the usual five loops around the micro-kernel: nc columns of B, kc of the
// inner dimension, mc rows of A, then nr and mr tiles.
func blockedInto(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, cTrans bool) {
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)

	packA := m*n*k > directMaxWork
	// Transposed B cannot be read in place: the kernel loads nr consecutive
	// columns of a row of op(B).
	packB := packA || transB
	kc := min(kcBlock, k)
	if packA {
		s.a = grow(s.a, roundUp(min(mcBlock, m), mr)*kc)
	}
	if packB {
		s.b = grow(s.b, roundUp(min(ncBlock, n), nr)*kc)
	} else {
		s.bEdge = grow(s.bEdge, nr*kc)
	}

	for jc := 0; jc < n; jc += ncBlock {
		nb := min(ncBlock, n-jc)
		for pc := 0; pc < k; pc += kcBlock {
			kb := min(kcBlock, k-pc)
			blockBeta := beta
			if pc > 0 {
				blockBeta = 1 // earlier kc blocks already applied beta
			}
			if packB {
				packBBlock(s.b, transB, b, ldb, pc, kb, jc, nb)
			} else if rem := nb % nr; rem != 0 {
				packBPanel(s.bEdge, false, b, ldb, pc, kb, jc+nb-rem, rem)
			}
			for ic := 0; ic < m; ic += mcBlock {
				mb := min(mcBlock, m-ic)
				if packA {
					packABlock(s.a, transA, a, lda, ic, mb, pc, kb)
				}
				for jr := 0; jr < nb; jr += nr {
					cols := min(nr, nb-jr)
					var bp []float32
					rsB := nr
					switch {
					case packB:
						bp = s.b[jr*kb:]
					case cols == nr:
						bp, rsB = b[pc*ldb+jc+jr:], ldb
					default:
						bp = s.bEdge
					}
					for ir := 0; ir < mb; ir += mr {
						rows := min(mr, mb-ir)
						var ap []float32
						rsA, csA := 1, mr
						switch {
						case packA:
							ap = s.a[ir*kb:]
						case transA:
							ap, csA = a[pc*lda+ic+ir:], lda
						default:
							ap, rsA, csA = a[(ic+ir)*lda+pc:], lda, 1
						}
						ci := (ic+ir)*ldc + jc + jr
						if !cTrans {
							microKernel(kb, ap, rsA, csA, bp, rsB, c[ci:], ldc, alpha, blockBeta, rows, cols)
							continue
						}
						// Transposed output: compute the tile aside, then scatter it.
						microKernel(kb, ap, rsA, csA, bp, rsB, s.tile[:], nr, alpha, 0, rows, nr)
						for i := 0; i < rows; i++ {
							base := (jc+jr)*ldc + ic + ir + i
							for j, t := range s.tile[i*nr : i*nr+cols] {
								p := &c[base+j*ldc]
								if blockBeta == 0 {
									*p = t
								} else {
									*p = t + blockBeta**p
								}
							}
						}
					}
				}
			}
		}
	}
}

// packABlock packs rows [i0, i0+mb) and columns [p0, p0+kb) of op(A) into
// consecutive mr-row panels, each stored column by column (mr values per
// column), zero-padding the last panel.
func packABlock(dst []float32, transA bool, a []float32, lda, i0, mb, p0, kb int) {
	for r := 0; r < mb; r += mr {
		packAPanel(dst[r*kb:], transA, a, lda, i0+r, min(mr, mb-r), p0, kb)
	}
}

// packAPanel packs rows [i0, i0+rows) (rows <= mr) and columns [p0, p0+kb)
// of op(A) into dst[:mr*kb] as dst[p*mr+i], zero-padding rows beyond rows.
func packAPanel(dst []float32, transA bool, a []float32, lda, i0, rows, p0, kb int) {
	dst = dst[:mr*kb]
	if transA {
		// op(A)[i][p] = a[p*lda+i]: each column of the panel is contiguous.
		for p := 0; p < kb; p++ {
			d := (*[mr]float32)(dst[p*mr:])
			src := a[(p0+p)*lda+i0:]
			if rows == mr {
				*d = *(*[mr]float32)(src)
				continue
			}
			*d = [mr]float32{}
			copy(d[:rows], src[:rows])
		}
		return
	}
	if rows == mr {
		r0 := a[i0*lda+p0:][:kb]
		r1 := a[(i0+1)*lda+p0:][:kb]
		r2 := a[(i0+2)*lda+p0:][:kb]
		r3 := a[(i0+3)*lda+p0:][:kb]
		r4 := a[(i0+4)*lda+p0:][:kb]
		r5 := a[(i0+5)*lda+p0:][:kb]
		for p := range r0 {
			d := (*[mr]float32)(dst[p*mr:])
			d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
		}
		return
	}
	clear(dst)
	for i := 0; i < rows; i++ {
		row := a[(i0+i)*lda+p0:][:kb]
		for p, v := range row {
			dst[p*mr+i] = v
		}
	}
}

// packBBlock packs rows [p0, p0+kb) and columns [j0, j0+nb) of op(B) into
// consecutive nr-column panels, each stored row by row, zero-padding the last.
func packBBlock(dst []float32, transB bool, b []float32, ldb, p0, kb, j0, nb int) {
	for j := 0; j < nb; j += nr {
		packBPanel(dst[j*kb:], transB, b, ldb, p0, kb, j0+j, min(nr, nb-j))
	}
}

// packBPanel packs rows [p0, p0+kb) and columns [j0, j0+cols) (cols <= nr)
// of op(B) into dst[:nr*kb] as dst[p*nr+j], zero-padding columns beyond cols.
func packBPanel(dst []float32, transB bool, b []float32, ldb, p0, kb, j0, cols int) {
	dst = dst[:nr*kb]
	if !transB {
		for p := 0; p < kb; p++ {
			d := (*[nr]float32)(dst[p*nr:])
			src := b[(p0+p)*ldb+j0:]
			if cols == nr {
				*d = *(*[nr]float32)(src)
				continue
			}
			*d = [nr]float32{}
			copy(d[:cols], src[:cols])
		}
		return
	}
	// op(B)[p][j] = b[j*ldb+p]: each column of the panel is a row of B.
	p0done := 0
	if cols == nr {
		p0done = packTransposedPanel16(kb, b[j0*ldb+p0:], ldb, dst)
	} else {
		clear(dst)
	}
	for j := 0; j < cols; j++ {
		col := b[(j0+j)*ldb+p0:][p0done:kb]
		for p, v := range col {
			dst[(p0done+p)*nr+j] = v
		}
	}
}
