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
// Two kernels read it:
//
//   - one sample (sparseGemv): SELL-16 in blocks of 32 inputs. Outputs are
//     taken 16 at a time (a slice) and inputs 32 at a time (a block); for
//     each slice and block the kernel holds the block's 32 inputs in two ZMM
//     registers, and each step picks, for each of the 16 outputs, the input
//     of its next kept weight in the block with one VPERMI2PS (a gather from
//     registers: 5-bit indices, one byte each) and adds weight times input
//     with one FMA; the 16 sums stay in a register until the slice ends.
//     Outputs with fewer weights in the block than the slice's longest get
//     zero weights. The previous designs were 5-20 times slower: a scalar
//     CSR loop adding into y[c] one weight at a time, and a 16-wide
//     VGATHERDPS from memory, which Zen 4 runs at about one element a cycle.
//   - a batch (sparseGemm): 16 samples at a time are transposed into
//     [In, 16] (one gather per input), then each output's 16 sums are
//     Σ_k w_k · Xᵀ[i_k, :], a broadcast and one FMA per kept weight for all
//     16 samples, and the [Out, 16] result is transposed back into the
//     samples' rows with the bias added.
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

// sellWidth is the number of outputs a SELL slice holds: one ZMM register.
const sellWidth = 16

// sparseLinear is the compressed copy of a masked Linear weight.
type sparseLinear struct {
	mask   *float32 // the mask it was built from
	weight *float32 // the weight values it copied
	edits  uint64   // weightEdits when it was built

	in, out int
	nnz     int
	density float64
	use     bool // batch of one row: sparse is faster at this density
	useGemm bool // batches: sparse is faster at this density

	// CSR of Wᵀ: output j's kept weights are vals[rowEnd[j-1]:rowEnd[j]]
	// (rowEnd[-1] = 0), of inputs idx[...].
	vals   []float32
	idx    []uint16
	rowEnd []int32

	// SELL-16 in blocks of 32 inputs: slice sl covers outputs 16sl..16sl+15;
	// for slice sl and input block bk, steps[sl*blocks+bk] steps of 16
	// slots follow in sellVals and sellIdx: slot (step, lane) holds a kept
	// weight of output 16sl+lane and its input minus 32bk (zero weight,
	// input 0 past the lane's weights in the block).
	blocks   int
	steps    []uint8
	sellVals []float32
	sellIdx  []uint8
	xpad     []float32 // the input padded to whole blocks

	scratch []float32 // [In+Out, 16]: a batch's transposed rows and sums
}

// Measured crossover (BenchmarkSparseLinearCrossover: the trained digits
// MLP with every layer L1-pruned to the same sparsity, dense and sparse
// alternating on the same inputs, AMD EPYC Zen 4 with AVX-512; figures in
// docs/acceptance.md): one sample, dense/sparse time 1.09 at 50% density,
// 1.02 at 60%, 0.93 at 70%; the whole 450-sample test set, 1.05 at 40%
// density, 0.90 at 50%. A layer runs the one-sample kernel (for up to sparseGemvMaxRows rows,
// row by row) when at most sparseMaxDensity of its weights are kept, and
// the batch kernel when at most sparseGemmMaxDensity are. The kernels are
// AVX-512; without it the pure-Go loops are slower than the dense assembly,
// so the automatic choice stays dense (sparseMode > 0 still runs them, for
// tests).
const (
	sparseMaxDensity     = 0.5
	sparseGemmMaxDensity = 0.35
	sparseGemvMaxRows    = 4
)

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
	if s == nil || s.mask != &mask[0] || s.weight != &w.data[0] || s.edits != edits || s.in != l.In || s.out != l.Out {
		s = buildSparseLinear(w.data, mask, l.In, l.Out)
		s.edits = edits
		l.sp = s
	}
	if sparseMode > 0 || (rows <= sparseGemvMaxRows && s.use) || (rows > 1 && s.useGemm) {
		return s
	}
	return nil
}

// buildSparseLinear compresses the kept weights of w ([in, out], kept where
// mask is nonzero).
func buildSparseLinear(w, mask []float32, in, out int) *sparseLinear {
	s := &sparseLinear{mask: &mask[0], weight: &w[0], in: in, out: out, rowEnd: make([]int32, out)}
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
	s.use = useSparseKernels && s.density <= sparseMaxDensity
	s.useGemm = useSparseKernels && s.density <= sparseGemmMaxDensity

	s.buildSell(start)
	return s
}

// buildSell lays out the SELL-16 blocks from the CSR arrays (start[j] is
// output j's first weight).
func (s *sparseLinear) buildSell(start []int32) {
	const block = 2 * sellWidth
	nslices := (s.out + sellWidth - 1) / sellWidth
	s.blocks = (s.in + block - 1) / block
	s.steps = make([]uint8, nslices*s.blocks)
	s.xpad = make([]float32, s.blocks*block)
	var next [sellWidth]int32 // each lane's next weight in the CSR arrays
	for sl := range nslices {
		lanes := min(sellWidth, s.out-sl*sellWidth)
		for lane := range lanes {
			next[lane] = start[sl*sellWidth+lane]
		}
		for bk := range s.blocks {
			limit := uint16(min((bk+1)*block, s.in))
			var ends [sellWidth]int32
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
	if s.in%(2*sellWidth) != 0 {
		copy(s.xpad, x)
		x = s.xpad
	}
	if sparseGemvVec(y, x, b, s) {
		return
	}
	g := 0
	for sl := range len(s.steps) / s.blocks {
		var acc [sellWidth]float32
		for bk, steps := range s.steps[sl*s.blocks : (sl+1)*s.blocks] {
			xb := x[bk*2*sellWidth : (bk+1)*2*sellWidth]
			for range steps {
				vals := s.sellVals[g*sellWidth : (g+1)*sellWidth]
				idx := s.sellIdx[g*sellWidth : (g+1)*sellWidth]
				for lane, v := range vals {
					acc[lane] += v * xb[idx[lane]&(2*sellWidth-1)]
				}
				g++
			}
		}
		for lane := range min(sellWidth, s.out-sl*sellWidth) {
			y[sl*sellWidth+lane] = b[sl*sellWidth+lane] + acc[lane]
		}
	}
}

// sparseGemm sets y = b + x·W for the rows of x ([rows, In]), 16 rows at a
// time through the transposed scratch xt ([In, 16]) and yt ([Out, 16]).
func (s *sparseLinear) sparseGemm(y, x, b []float32, rows int) {
	if s.scratch == nil {
		s.scratch = make([]float32, (s.in+s.out)*sellWidth)
	}
	xt, yt := s.scratch[:s.in*sellWidth], s.scratch[s.in*sellWidth:]
	for r0 := 0; r0 < rows; r0 += sellWidth {
		lanes := min(sellWidth, rows-r0)
		xs := x[r0*s.in : (r0+lanes)*s.in]
		ys := y[r0*s.out : (r0+lanes)*s.out]
		if sparseGemmVec(ys, xs, b, xt, yt, lanes, s) {
			continue
		}
		clear(xt)
		for l := range lanes {
			for i, v := range xs[l*s.in : (l+1)*s.in] {
				xt[i*sellWidth+l] = v
			}
		}
		var k int32
		for j, end := range s.rowEnd {
			var acc [sellWidth]float32
			for ; k < end; k++ {
				w := s.vals[k]
				col := xt[int(s.idx[k])*sellWidth : int(s.idx[k])*sellWidth+sellWidth]
				for l, v := range col {
					acc[l] += w * v
				}
			}
			for l := range lanes {
				ys[l*s.out+j] = b[j] + acc[l]
			}
		}
	}
}
