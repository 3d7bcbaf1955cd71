package ml

import (
	"fmt"
	"math"
)

// Optimizer updates parameters from their gradients. Fit calls Step once per
// batch after the backward pass; custom loops do the same, then clear gradients.
type Optimizer interface {
	Step(params []*Tensor)
	LR() float64
	SetLR(lr float64)
	String() string
}

func checkLR(name string, lr float64) {
	if !(lr > 0) || math.IsInf(lr, 0) {
		panic(fmt.Sprintf("ml: %s: learning rate %v must be positive and finite", name, lr))
	}
}

// ---------------------------------------------------------------- SGD

// SGDOptimizer is stochastic gradient descent with optional momentum, Nesterov
// momentum and L2 weight decay, following PyTorch's update rule.
type SGDOptimizer struct {
	lr, momentum, weightDecay float64
	nesterov                  bool
	velocity                  map[*Tensor][]float32
}

// SGD returns plain stochastic gradient descent with learning rate lr. Chain
// Momentum, Nesterov and WeightDecay to configure it:
// ml.SGD(0.1).Momentum(0.9).Nesterov().
func SGD(lr float64) *SGDOptimizer {
	checkLR("SGD", lr)
	return &SGDOptimizer{lr: lr, velocity: map[*Tensor][]float32{}}
}

// Momentum sets the momentum factor (0 disables it) and returns o.
func (o *SGDOptimizer) Momentum(m float64) *SGDOptimizer {
	if m < 0 || m >= 1 {
		panic(fmt.Sprintf("ml: SGD.Momentum(%v): must be in [0, 1)", m))
	}
	o.momentum = m
	return o
}

// Nesterov switches to Nesterov momentum and returns o; it needs Momentum > 0.
func (o *SGDOptimizer) Nesterov() *SGDOptimizer {
	o.nesterov = true
	return o
}

// WeightDecay sets the L2 penalty added to the gradient and returns o.
func (o *SGDOptimizer) WeightDecay(wd float64) *SGDOptimizer {
	if wd < 0 {
		panic(fmt.Sprintf("ml: SGD.WeightDecay(%v): must not be negative", wd))
	}
	o.weightDecay = wd
	return o
}

// LR returns the current learning rate.
func (o *SGDOptimizer) LR() float64 { return o.lr }

// SetLR changes the learning rate (schedules call it).
func (o *SGDOptimizer) SetLR(lr float64) { o.lr = lr }

// String describes the optimiser, e.g. "SGD(lr=0.1, momentum=0.9, nesterov)".
func (o *SGDOptimizer) String() string {
	s := fmt.Sprintf("SGD(lr=%g", o.lr)
	if o.momentum > 0 {
		s += fmt.Sprintf(", momentum=%g", o.momentum)
	}
	if o.nesterov {
		s += ", nesterov"
	}
	if o.weightDecay > 0 {
		s += fmt.Sprintf(", weight_decay=%g", o.weightDecay)
	}
	return s + ")"
}

// Step applies one update to every parameter that has a gradient.
func (o *SGDOptimizer) Step(params []*Tensor) {
	if o.nesterov && o.momentum == 0 {
		panic("ml: SGD: Nesterov needs a momentum > 0")
	}
	lr, wd, mu := float32(o.lr), float32(o.weightDecay), float32(o.momentum)
	for _, p := range params {
		if p.grad == nil {
			continue
		}
		if p.mask != nil {
			maskInto(p.grad, p.mask)
		}
		w, g := p.data, p.grad
		var v []float32
		if mu != 0 {
			v = o.velocity[p]
			if v == nil {
				v = make([]float32, len(w))
				o.velocity[p] = v
				// PyTorch starts the buffer at the first gradient.
				for i := range v {
					v[i] = g[i] + wd*w[i]
				}
				v = v[:len(w)]
			} else {
				for i := range v {
					v[i] = mu*v[i] + g[i] + wd*w[i]
				}
			}
		}
		for i := range w {
			d := g[i] + wd*w[i]
			if mu != 0 {
				if o.nesterov {
					d += mu * v[i]
				} else {
					d = v[i]
				}
			}
			w[i] -= lr * d
		}
		if p.mask != nil {
			// Pruned weights and their momentum stay exactly zero.
			maskInto(w, p.mask)
			if v != nil {
				maskInto(v, p.mask)
			}
		}
	}
}

// ---------------------------------------------------------------- Adam / AdamW

// AdamOptimizer is Adam (Kingma & Ba) with PyTorch's update rule. With decoupled
// weight decay it is AdamW.
type AdamOptimizer struct {
	lr, beta1, beta2, eps, weightDecay float64
	decoupled                          bool
	state                              map[*Tensor]*adamState
}

type adamState struct {
	step int
	m, v []float32
}

// Adam returns the Adam optimiser with learning rate lr, betas (0.9, 0.999) and
// eps 1e-8.
func Adam(lr float64) *AdamOptimizer {
	checkLR("Adam", lr)
	return &AdamOptimizer{lr: lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, state: map[*Tensor]*adamState{}}
}

// AdamW returns Adam with decoupled weight decay 0.01 (PyTorch's default); change
// it with WeightDecay.
func AdamW(lr float64) *AdamOptimizer {
	checkLR("AdamW", lr)
	o := Adam(lr)
	o.decoupled, o.weightDecay = true, 0.01
	return o
}

// Betas sets the decay rates of the moment estimates and returns o.
func (o *AdamOptimizer) Betas(beta1, beta2 float64) *AdamOptimizer {
	if beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 {
		panic(fmt.Sprintf("ml: Adam.Betas(%v, %v): each must be in [0, 1)", beta1, beta2))
	}
	o.beta1, o.beta2 = beta1, beta2
	return o
}

// Eps sets the term added to the denominator and returns o.
func (o *AdamOptimizer) Eps(eps float64) *AdamOptimizer {
	if eps < 0 {
		panic(fmt.Sprintf("ml: Adam.Eps(%v): must not be negative", eps))
	}
	o.eps = eps
	return o
}

// WeightDecay sets the weight decay (an L2 term for Adam, decoupled for AdamW)
// and returns o.
func (o *AdamOptimizer) WeightDecay(wd float64) *AdamOptimizer {
	if wd < 0 {
		panic(fmt.Sprintf("ml: Adam.WeightDecay(%v): must not be negative", wd))
	}
	o.weightDecay = wd
	return o
}

// LR returns the current learning rate.
func (o *AdamOptimizer) LR() float64 { return o.lr }

// SetLR changes the learning rate (schedules call it).
func (o *AdamOptimizer) SetLR(lr float64) { o.lr = lr }

// String describes the optimiser, e.g. "Adam(lr=0.001)".
func (o *AdamOptimizer) String() string {
	name := "Adam"
	if o.decoupled {
		name = "AdamW"
	}
	s := fmt.Sprintf("%s(lr=%g", name, o.lr)
	if o.weightDecay > 0 {
		s += fmt.Sprintf(", weight_decay=%g", o.weightDecay)
	}
	return s + ")"
}

// Step applies one update to every parameter that has a gradient.
func (o *AdamOptimizer) Step(params []*Tensor) {
	for _, p := range params {
		if p.grad == nil {
			continue
		}
		st := o.state[p]
		if st == nil {
			st = &adamState{m: make([]float32, len(p.data)), v: make([]float32, len(p.data))}
			o.state[p] = st
		}
		st.step++
		bc1 := 1 - math.Pow(o.beta1, float64(st.step))
		bc2 := 1 - math.Pow(o.beta2, float64(st.step))
		stepSize := float32(o.lr / bc1)
		invSqrtBC2 := float32(1 / math.Sqrt(bc2))
		b1, b2 := float32(o.beta1), float32(o.beta2)
		eps, wd := float32(o.eps), float32(o.weightDecay)
		w, g, m, v := p.data, p.grad[:len(p.data)], st.m[:len(p.data)], st.v[:len(p.data)]
		if p.mask != nil {
			maskInto(g, p.mask)
		}
		if o.decoupled && wd != 0 {
			decay := 1 - float32(o.lr)*wd
			for i := range w {
				w[i] *= decay
			}
			wd = 0
		}
		adamUpdate(w, g, m, v, b1, b2, eps, wd, stepSize, invSqrtBC2)
		if p.mask != nil {
			// Pruned weights and their moments stay exactly zero.
			maskInto(w, p.mask)
			maskInto(m, p.mask)
			maskInto(v, p.mask)
		}
	}
}

// adamScalar is Adam's per-element rule (L2 weight decay wd folded into the gradient).
func adamScalar(w, g, m, v []float32, b1, b2, eps, wd, stepSize, invSqrtBC2 float32) {
	w = w[:len(g)]
	m = m[:len(g)]
	v = v[:len(g)]
	for i, gi := range g {
		gi += wd * w[i]
		mi := b1*m[i] + (1-b1)*gi
		vi := b2*v[i] + (1-b2)*gi*gi
		m[i], v[i] = mi, vi
		w[i] -= stepSize * mi / (sqrt32(vi)*invSqrtBC2 + eps)
	}
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// ---------------------------------------------------------------- clipping

// ClipGradNorm scales the gradients of params so that their joint L2 norm is at
// most maxNorm, and returns the norm before clipping.
func ClipGradNorm(params []*Tensor, maxNorm float64) float64 {
	var sum float64
	for _, p := range params {
		for _, g := range p.grad {
			sum += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sum)
	if norm > maxNorm && norm > 0 {
		s := float32(maxNorm / (norm + 1e-6))
		for _, p := range params {
			for i := range p.grad {
				p.grad[i] *= s
			}
		}
	}
	return norm
}

// ---------------------------------------------------------------- schedules

// Schedule sets the learning rate per epoch: LR returns the rate for the 0-based
// epoch given the optimiser's initial rate.
type Schedule interface {
	LR(epoch int, baseLR float64) float64
	String() string
}

// StepSchedule multiplies the rate by Gamma every Every epochs.
type StepSchedule struct {
	Every int
	Gamma float64
}

// StepLR returns a schedule that multiplies the learning rate by gamma every
// `every` epochs.
func StepLR(every int, gamma float64) *StepSchedule {
	if every <= 0 || gamma <= 0 {
		panic(fmt.Sprintf("ml: StepLR(%d, %v): want every > 0 and gamma > 0", every, gamma))
	}
	return &StepSchedule{Every: every, Gamma: gamma}
}

// LR returns baseLR * Gamma^(epoch/Every).
func (s *StepSchedule) LR(epoch int, baseLR float64) float64 {
	return baseLR * math.Pow(s.Gamma, float64(epoch/s.Every))
}

// String returns e.g. "StepLR(every=10, gamma=0.5)".
func (s *StepSchedule) String() string {
	return fmt.Sprintf("StepLR(every=%d, gamma=%g)", s.Every, s.Gamma)
}

// CosineSchedule anneals the rate from its initial value to Min over Epochs
// epochs along half a cosine.
type CosineSchedule struct {
	Epochs int
	Min    float64
}

// CosineLR returns a cosine annealing schedule over epochs, ending at minLR.
func CosineLR(epochs int, minLR float64) *CosineSchedule {
	if epochs <= 0 || minLR < 0 {
		panic(fmt.Sprintf("ml: CosineLR(%d, %v): want epochs > 0 and minLR >= 0", epochs, minLR))
	}
	return &CosineSchedule{Epochs: epochs, Min: minLR}
}

// LR returns Min + (baseLR-Min) * (1 + cos(π·epoch/Epochs)) / 2.
func (s *CosineSchedule) LR(epoch int, baseLR float64) float64 {
	e := math.Min(float64(epoch), float64(s.Epochs))
	return s.Min + (baseLR-s.Min)*(1+math.Cos(math.Pi*e/float64(s.Epochs)))/2
}

// String returns e.g. "CosineLR(epochs=30, min=0)".
func (s *CosineSchedule) String() string {
	return fmt.Sprintf("CosineLR(epochs=%d, min=%g)", s.Epochs, s.Min)
}
