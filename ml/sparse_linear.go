package ml

import (
	"slices"
	"sync/atomic"
)

// Sparse inference for pruned Linear layers. A pruned weight carries a mask,
// and while it does the masked weights are zero (Prune, Fit and the
// optimizers keep them so). For inference such a layer keeps a compressed
// copy of its kept weights, output by output (the CSR form of Wᵀ, [Out, In],
// with 16-bit input indices), so that a 90%-pruned layer's weights take about
// a sixth of the bytes of the dense [In, Out] matrix and stay in L1, where
// the dense kernels stream the whole matrix from L2.
//
// Two kernels read it, each in assembly for AVX-512 and for AVX2 (chosen by
// what the CPU has; sparseKernels) with a pure-Go fallback:
//
//   - one sample (sparseGemv): SELL in blocks of inputs. Outputs are taken
//     a register's width at a time (a slice: 16 with AVX-512, 8 with AVX2)
//     and inputs a block at a time (32 with AVX-512, 16 with AVX2); for each
//     slice and block the kernel holds the block's inputs in two registers,
//     and each step picks, for each output of the slice, the input of its
//     next kept weight in the block (AVX-512: one VPERMI2PS, a gather from
//     registers with 5-bit indices; AVX2: two VPERMPS and a VBLENDVPS on the
//     index's sign bit) and adds weight times input with one FMA; the sums
//     stay in a register until the slice ends. Outputs with fewer weights in
//     the block than the slice's longest get zero weights. The previous
//     designs were 5-20 times slower: a scalar CSR loop adding into y[c] one
//     weight at a time, and a VGATHERDPS from memory, which Zen 4 runs at
//     about one element a cycle.
//   - a batch (sparseGemm): 16 samples at a time are transposed into
//     [In, 16] (16x16 tiles transposed in registers), then each output's 16
//     sums are Σ_k w_k · Xᵀ[i_k, :], a broadcast and one FMA (two with AVX2)
//     per kept weight for all 16 samples, and the [Out, 16] result is
//     transposed back into the samples' rows with the bias added.
//
// The copy must follow the weights. A layer rebuilds it when its mask or
// weight slice is another one, or when weightEdits changed: every change of
// a mask (applyMask) and of masked weights inside the package (the
// optimizers and Fit through maskInto, Set on a masked tensor, Load, early
// stopping's restore, re-initialisation) counts there. A tensor whose values
// were handed out (Data, Detach, Reshape share them) can change behind the
// package's back: such a layer runs dense (tensor.shared).

// weightEdits counts the changes of any pruning mask or masked weight.
var weightEdits atomic.Uint64

// maxSellWidth is the most outputs a SELL slice holds: one ZMM register.
// The batch kernel takes 16 samples at a time (tile).
const (
	maxSellWidth = 16
	tile         = 16
)

// sparseLinear is the compressed copy of a masked Linear weight.
type sparseLinear struct {
	mask   *float32 // the mask it was built from
	weight *float32 // the weight values it copied
	edits  uint64   // weightEdits when it was built

	isa     sparseISA // the kernels it was laid out for
	in, out int
	nnz     int
	density float64
	use     bool    // batch of one row: sparse is faster at this density
	gemm    float64 // batches of 16 rows or more: the batch kernel up to this density

	// CSR of Wᵀ: output j's kept weights are vals[rowEnd[j-1]:rowEnd[j]]
	// (rowEnd[-1] = 0), of inputs idx[...].
	vals   []float32
	idx    []uint16
	rowEnd []int32

	// SELL-width in blocks of block inputs: slice sl covers outputs
	// width·sl..width·sl+width-1; for slice sl and input block bk,
	// steps[sl*blocks+bk] steps of width slots follow in sellVals and
	// sellIdx: slot (step, lane) holds a kept weight of output
	// width·sl+lane and its input minus block·bk (zero weight, input 0 past
	// the lane's weights in the block). The AVX2 kernel reads the indices as
	// sellIdx32: the low 3 bits for VPERMPS, bit 3 in the sign for VBLENDVPS.
	width, block int
	blocks       int
	steps        []uint8
	sellVals     []float32
	sellIdx      []uint8
	sellIdx32    []int32
	xpad         []float32 // the input padded to whole blocks

	// a batch's scratch: transposed inputs [In↑16, 16] and sums [Out↑16,
	// 16] (↑16: rounded up to whole 16x16 tiles), and the rows of a last
	// group of fewer than 16 samples padded to 16.
	xt, yt       []float32
	xrows, yrows []float32
}

// sparseISA names a set of sparse kernels.
type sparseISA int

const (
	sparseGo     sparseISA = iota // pure Go
	sparseAVX2                    // AVX2 + FMA
	sparseAVX512                  // AVX-512F
)

func (k sparseISA) String() string {
	return [...]string{"go", "avx2", "avx512"}[k]
}

// sparseKernels is the best set this CPU runs (sparse_amd64.go); tests
// lower it to run the others.
var sparseKernels = sparseKernelsDetected

// sparseCrossover gives, for each set of kernels, the densities (kept
// fraction of the weights) up to which they beat the dense kernels, measured
// with BenchmarkSparseLinearCrossover (the trained digits MLP with every
// layer L1-pruned to the same sparsity, dense and sparse alternating on the
// same inputs, medians of 3 runs; AMD EPYC Zen 4, the AVX2 kernels forced on
// it; figures in docs/acceptance.md). A layer runs the one-sample kernel
// (for up to sparseGemvMaxRows rows, row by row) when at most gemv of its
// weights are kept, and the batch kernel (16 rows or more; fewer, see
// sparsePlan) when at most gemm are. Dense/sparse time:
//
//   - AVX-512, one sample: 0.98 at 70% density, 1.03 at 60%, 1.14 at 50%
//     (kept at 0.5, with margin). Whole 450-sample test set: 1.65 at 70%
//     density, 1.80 at 60%, and noisy above (0.90-2.6 at 90%), so 0.7.
//   - AVX2, one sample: 0.97 at 20% density, 1.12 at 15%, 1.32 at 10%, so
//     0.15. Whole test set: 1.06 at 70% density (0.99-1.59), 1.33 at 60%
//     (1.23-1.34), so 0.6.
//   - pure Go: slower than the dense assembly, so the automatic choice stays
//     dense (sparseMode > 0 still runs them).
var sparseCrossover = [...]struct{ gemv, gemm float64 }{
	sparseGo:     {0, 0},
	sparseAVX2:   {0.15, 0.6},
	sparseAVX512: {0.5, 0.7},
}

const sparseGemvMaxRows = 4

// sparseMode forces the choice for tests and benchmarks: 0 automatic, 1
// always sparse (when masked), -1 never.
var sparseMode int

// sparsePlan returns the layer's compressed weight if inference on rows
// samples should use it.
func (l *LinearLayer) sparsePlan(rows int) *sparseLinear {
	w := l.Weight
	mask := w.mask
	if mask == nil || sparseMode < 0 || w.shared || l.In > 1<<16 || rows < 1 {
		return nil
	}
	edits := weightEdits.Load()
	s := l.sp
	if s == nil || s.mask != &mask[0] || s.weight != &w.data[0] || s.edits != edits || s.in != l.In || s.out != l.Out || s.isa != sparseKernels {
		s = buildSparseLinear(w.data, mask, l.In, l.Out, sparseKernels)
		s.edits = edits
		l.sp = s
	}
	// The batch kernel works on whole tiles of 16 rows: with fewer rows the
	// padded tile costs 16/rows as much a row, so the crossover density
	// measured on large batches shrinks pro rata.
	gemm := rows > 1 && s.density <= s.gemm*float64(min(rows, tile))/tile
	if sparseMode > 0 || (rows <= sparseGemvMaxRows && s.use) || gemm {
		return s
	}
	return nil
}

// buildSparseLinear compresses the kept weights of w ([in, out], kept where
// mask is nonzero).
func buildSparseLinear(w, mask []float32, in, out int, isa sparseISA) *sparseLinear {
	s := &sparseLinear{mask: &mask[0], weight: &w[0], isa: isa, in: in, out: out, rowEnd: make([]int32, out)}
	counts := make([]int32, out)
	for i := 0; i < in; i++ {
		for j, k := range mask[i*out : (i+1)*out] {
			if k != 0 {
				counts[j]++
				s.nnz++
			}
		}
	}
	s.vals, s.idx = make([]float32, s.nnz), make([]uint16, s.nnz)
	start := make([]int32, out)
	var at int32
	for j, c := range counts {
		start[j] = at
		at += c
		s.rowEnd[j] = at
	}
	fill := slices.Clone(start)
	for i := 0; i < in; i++ {
		row := i * out
		for j, k := range mask[row : row+out] {
			if k != 0 {
				s.vals[fill[j]], s.idx[fill[j]] = w[row+j], uint16(i)
				fill[j]++
			}
		}
	}
	s.density = float64(s.nnz) / float64(in*out)
	s.use = s.density <= sparseCrossover[isa].gemv
	s.gemm = sparseCrossover[isa].gemm

	s.width, s.block = 16, 32
	if isa == sparseAVX2 {
		// 16 inputs a block (two VPERMPS and a blend a step) beat 8 (one
		// VPERMPS, more padding slots): 90% pruned digits MLP batch-1
		// 1.35-1.43x dense against 1.20-1.26x.
		s.width, s.block = 8, 16
	}
	s.buildSell(start)
	if isa == sparseAVX2 {
		s.sellIdx32 = make([]int32, len(s.sellIdx))
		for i, v := range s.sellIdx {
			s.sellIdx32[i] = int32(v&7) | int32(uint32(v&8)<<28)
		}
	}
	return s
}

// buildSell lays out the SELL blocks from the CSR arrays (start[j] is
// output j's first weight).
func (s *sparseLinear) buildSell(start []int32) {
	sellWidth, block := s.width, s.block
	nslices := (s.out + sellWidth - 1) / sellWidth
	s.blocks = (s.in + block - 1) / block
	s.steps = make([]uint8, nslices*s.blocks)
	s.xpad = make([]float32, s.blocks*block)
	var next [maxSellWidth]int32 // each lane's next weight in the CSR arrays
	for sl := range nslices {
		lanes := min(sellWidth, s.out-sl*sellWidth)
		for lane := range lanes {
			next[lane] = start[sl*sellWidth+lane]
		}
		for bk := range s.blocks {
			limit := uint16(min((bk+1)*block, s.in))
			var ends [maxSellWidth]int32
			steps := 0
			for lane := range lanes {
				j := sl*sellWidth + lane
				e := next[lane]
				for e < s.rowEnd[j] && s.idx[e] < limit {
					e++
				}
				ends[lane] = e
				steps = max(steps, int(e-next[lane]))
			}
			s.steps[sl*s.blocks+bk] = uint8(steps)
			base := len(s.sellVals)
			s.sellVals = append(s.sellVals, make([]float32, steps*sellWidth)...)
			s.sellIdx = append(s.sellIdx, make([]uint8, steps*sellWidth)...)
			for lane := range lanes {
				for k := next[lane]; k < ends[lane]; k++ {
					slot := base + int(k-next[lane])*sellWidth + lane
					s.sellVals[slot], s.sellIdx[slot] = s.vals[k], uint8(int(s.idx[k])-bk*block)
				}
				next[lane] = ends[lane]
			}
		}
	}
}

// sparseGemv sets y = b + x·W for one sample.
func (s *sparseLinear) sparseGemv(y, x, b []float32) {
	y, x, b = y[:s.out], x[:s.in], b[:s.out]
	if s.in%s.block != 0 {
		copy(s.xpad, x)
		x = s.xpad
	}
	if sparseGemvVec(y, x, b, s) {
		return
	}
	g, w := 0, s.width
	for sl := range len(s.steps) / s.blocks {
		var acc [maxSellWidth]float32
		for bk, steps := range s.steps[sl*s.blocks : (sl+1)*s.blocks] {
			xb := x[bk*s.block : (bk+1)*s.block]
			for range steps {
				vals := s.sellVals[g*w : (g+1)*w]
				idx := s.sellIdx[g*w : (g+1)*w]
				for lane, v := range vals {
					acc[lane] += v * xb[int(idx[lane])%len(xb)]
				}
				g++
			}
		}
		for lane := range min(w, s.out-sl*w) {
			y[sl*w+lane] = b[sl*w+lane] + acc[lane]
		}
	}
}

// sparseGemm sets y = b + x·W for the rows of x ([rows, In]), 16 rows at a
// time through the transposed scratch xt ([In↑16, 16]) and yt ([Out↑16,
// 16]).
func (s *sparseLinear) sparseGemm(y, x, b []float32, rows int) {
	if s.xt == nil {
		inT, outT := (s.in+tile-1)/tile*tile, (s.out+tile-1)/tile*tile
		s.xt, s.yt = make([]float32, inT*tile), make([]float32, outT*tile)
		s.xrows, s.yrows = make([]float32, tile*s.in), make([]float32, tile*s.out)
	}
	for r0 := 0; r0 < rows; r0 += tile {
		lanes := min(tile, rows-r0)
		xs := x[r0*s.in : (r0+lanes)*s.in]
		ys := y[r0*s.out : (r0+lanes)*s.out]
		if lanes < tile { // the kernels take whole tiles of rows
			copy(s.xrows, xs)
			clear(s.xrows[len(xs):])
			xs, ys = s.xrows, s.yrows
		}
		s.transposeIn(xs)
		s.csrRows()
		s.transposeOut(ys, b)
		if lanes < tile {
			copy(y[r0*s.out:(r0+lanes)*s.out], ys)
		}
	}
}

// transposeIn sets xt[16i+l] = xs[l·In+i] for the 16 rows l of xs.
func (s *sparseLinear) transposeIn(xs []float32) {
	if sparseTransposeInVec(s, xs) {
		return
	}
	xs = xs[:tile*s.in]
	for l := range tile {
		for i, v := range xs[l*s.in : (l+1)*s.in] {
			s.xt[i*tile+l] = v
		}
	}
}

// csrRows sets yt[16j+l] = Σ_k vals[k]·xt[16·idx[k]+l] over output j's kept
// weights.
func (s *sparseLinear) csrRows() {
	if sparseCSRRowsVec(s) {
		return
	}
	var k int32
	for j, end := range s.rowEnd {
		var acc [tile]float32
		for ; k < end; k++ {
			w := s.vals[k]
			col := s.xt[int(s.idx[k])*tile : int(s.idx[k])*tile+tile]
			for l, v := range col {
				acc[l] += w * v
			}
		}
		copy(s.yt[j*tile:(j+1)*tile], acc[:])
	}
}

// transposeOut sets ys[l·Out+j] = b[j] + yt[16j+l] for the 16 rows l of ys.
func (s *sparseLinear) transposeOut(ys, b []float32) {
	if sparseTransposeOutVec(s, ys, b) {
		return
	}
	ys, b = ys[:tile*s.out], b[:s.out]
	for l := range tile {
		for j := range ys[l*s.out : (l+1)*s.out] {
			ys[l*s.out+j] = b[j] + s.yt[j*tile+l]
		}
	}
}
