package ml

import "fmt"

// needsGrad reports whether a gradient must flow into t: it is a parameter or
// was computed from one.
func (t *Tensor) needsGrad() bool { return t.requiresGrad || t.node != nil }

// attach records that t was computed by op from parents; backward receives t's
// gradient and must add the parents' gradients into their gradBuf.
func (t *Tensor) attach(op string, parents []*Tensor, backward func(grad []float32)) {
	t.node = &node{op: op, parents: parents, backward: backward}
}

// anyNeedsGrad reports whether any of ts needs a gradient.
func anyNeedsGrad(ts ...*Tensor) bool {
	for _, t := range ts {
		if t != nil && t.needsGrad() {
			return true
		}
	}
	return false
}

// Backward computes the gradient of the scalar t with respect to every tensor
// it was computed from, accumulating into their Grad. Call ZeroGrad on
// parameters (or an optimiser's ZeroGrad) between steps.
func (t *Tensor) Backward() {
	if len(t.data) != 1 {
		panic(fmt.Sprintf("ml: Backward of a tensor of shape %v: want a single value (use BackwardWith)", t.shape))
	}
	t.BackwardWith(full32(1, t.shape...))
}

// BackwardWith back-propagates grad, the gradient of some scalar with respect to
// t (same shape as t).
func (t *Tensor) BackwardWith(grad *Tensor) {
	if !sameShape(grad.shape, t.shape) {
		panic(fmt.Sprintf("ml: BackwardWith: gradient shape %v does not match tensor shape %v", grad.shape, t.shape))
	}
	if !t.needsGrad() {
		panic("ml: Backward of a tensor that does not depend on any parameter (no tensor requires grad)")
	}
	order := topoOrder(t)
	// Intermediate gradients are recomputed from scratch on every Backward.
	for _, n := range order {
		if n.node != nil {
			n.grad = nil
		}
	}
	addTo(t.gradBuf(), grad.data)
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if n.node == nil || n.grad == nil {
			continue
		}
		n.node.backward(n.grad)
	}
}

// topoOrder lists the tensors reachable from root, every tensor after its parents.
func topoOrder(root *Tensor) []*Tensor {
	type frame struct {
		t    *Tensor
		next int
	}
	var order []*Tensor
	seen := map[*Tensor]bool{root: true}
	stack := []frame{{t: root}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.t.node != nil && f.next < len(f.t.node.parents) {
			p := f.t.node.parents[f.next]
			f.next++
			if p != nil && p.needsGrad() && !seen[p] {
				seen[p] = true
				stack = append(stack, frame{t: p})
			}
			continue
		}
		order = append(order, f.t)
		stack = stack[:len(stack)-1]
	}
	return order
}

// addTo adds src into dst element-wise.
func addTo(dst, src []float32) {
	if len(src) == 0 {
		return
	}
	_ = dst[len(src)-1]
	for i, v := range src {
		dst[i] += v
	}
}
