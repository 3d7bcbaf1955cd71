package ml

import (
	"fmt"
	"strings"
)

// rowLen is the number of elements in one slice along the first axis.
func rowLen(t *Tensor, op string) int {
	if len(t.shape) == 0 {
		panic(fmt.Sprintf("ml: %s of a tensor of shape %v: it has no first axis", op, t.shape))
	}
	n := 1
	for _, d := range t.shape[1:] {
		n *= d
	}
	return n
}

// Row returns the i-th slice along the first axis (t[i] in PyTorch) as a new
// tensor of shape t.Shape()[1:]; negative i counts from the end. Gradients flow
// back into that slice of t.
func (t *Tensor) Row(i int) *Tensor {
	rowLen(t, "Row")
	at := i
	if at < 0 {
		at += t.shape[0]
	}
	if at < 0 || at >= t.shape[0] {
		panic(fmt.Sprintf("ml: Row(%d) out of range for shape %v", i, t.shape))
	}
	return t.Rows(at, at+1).Reshape(t.shape[1:]...)
}

// Rows returns the slices start to end-1 along the first axis (t[start:end] in
// PyTorch) as a new tensor; the bounds follow Go's slice rules, 0 ≤ start ≤ end ≤
// t.Dim(0). The values are copied. Gradients flow back into those slices of t.
func (t *Tensor) Rows(start, end int) *Tensor {
	k := rowLen(t, "Rows")
	if start < 0 || end < start || end > t.shape[0] {
		panic(fmt.Sprintf("ml: Rows(%d, %d) out of range for shape %v", start, end, t.shape))
	}
	shape := append([]int{end - start}, t.shape[1:]...)
	out := New(shape...)
	copy(out.data, t.data[start*k:end*k])
	if t.needsGrad() {
		out.attach("Rows", []*Tensor{t}, func(g []float32) { addTo(t.gradBuf()[start*k:end*k], g) })
	}
	return out
}

// IndexRows gathers the slices along the first axis named by ids, in that order
// and repeats allowed (t[ids] in PyTorch, or an embedding lookup): the result has
// shape [len(ids), t.Shape()[1:]...]. Gradients of repeated rows add up.
func (t *Tensor) IndexRows(ids []int) *Tensor {
	k := rowLen(t, "IndexRows")
	for p, id := range ids {
		if id < 0 || id >= t.shape[0] {
			panic(fmt.Sprintf("ml: IndexRows: ids[%d] = %d out of range for shape %v", p, id, t.shape))
		}
	}
	ids = append([]int(nil), ids...) // the caller may reuse its slice before Backward
	out := New(append([]int{len(ids)}, t.shape[1:]...)...)
	for p, id := range ids {
		copy(out.data[p*k:(p+1)*k], t.data[id*k:(id+1)*k])
	}
	if t.needsGrad() {
		out.attach("IndexRows", []*Tensor{t}, func(g []float32) {
			gt := t.gradBuf()
			for p, id := range ids {
				addTo(gt[id*k:(id+1)*k], g[p*k:(p+1)*k])
			}
		})
	}
	return out
}

// Concat joins tensors along axis (negative counts from the end), like
// torch.cat(ts, dim). Their shapes must agree everywhere except along axis.
// Gradients flow back into each input.
func Concat(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic("ml: Concat of no tensors")
	}
	for i, x := range ts {
		if x == nil {
			panic(fmt.Sprintf("ml: Concat: tensor %d is nil", i))
		}
	}
	first := ts[0]
	ax, _, _, inner := axisSplit(first, "Concat", axis)
	total := 0
	for _, x := range ts {
		ok := len(x.shape) == len(first.shape)
		for d := 0; ok && d < len(x.shape); d++ {
			ok = d == ax || x.shape[d] == first.shape[d]
		}
		if !ok {
			panic(fmt.Sprintf("ml: Concat along axis %d: shapes %s do not match except along that axis", axis, shapeList(ts)))
		}
		total += x.shape[ax]
	}
	outer := 1
	for _, d := range first.shape[:ax] {
		outer *= d
	}
	shape := append([]int(nil), first.shape...)
	shape[ax] = total
	out := New(shape...)
	// Each input contributes a block of shape[ax]·inner values to every outer row.
	at := 0
	for _, x := range ts {
		block := x.shape[ax] * inner
		for o := 0; o < outer; o++ {
			copy(out.data[o*total*inner+at:], x.data[o*block:(o+1)*block])
		}
		at += block
	}
	if anyNeedsGrad(ts...) {
		parents := append([]*Tensor(nil), ts...)
		out.attach("Concat", parents, func(g []float32) {
			at := 0
			for _, x := range parents {
				block := x.shape[ax] * inner
				if x.needsGrad() {
					gx := x.gradBuf()
					for o := 0; o < outer; o++ {
						addTo(gx[o*block:(o+1)*block], g[o*total*inner+at:o*total*inner+at+block])
					}
				}
				at += block
			}
		})
	}
	return out
}

// Stack joins tensors of the same shape along a new first axis, like
// torch.stack(ts): n tensors of shape s give one of shape [n, s...]. Gradients
// flow back into each input.
func Stack(ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic("ml: Stack of no tensors")
	}
	rows := make([]*Tensor, len(ts))
	for i, x := range ts {
		if x == nil {
			panic(fmt.Sprintf("ml: Stack: tensor %d is nil", i))
		}
		if !sameShape(x.shape, ts[0].shape) {
			panic(fmt.Sprintf("ml: Stack: shapes %s differ", shapeList(ts)))
		}
		rows[i] = x.Reshape(append([]int{1}, x.shape...)...)
	}
	return Concat(0, rows...)
}

// shapeList formats the shapes of ts for error messages.
func shapeList(ts []*Tensor) string {
	parts := make([]string, len(ts))
	for i, x := range ts {
		parts[i] = fmt.Sprint(x.shape)
	}
	return strings.Join(parts, ", ")
}
