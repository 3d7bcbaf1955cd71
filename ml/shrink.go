package ml

import (
	"fmt"
	"math"
	"strings"
)

// ShrinkReport is what Shrink returns: the units removed from each Linear
// layer and the parameters before and after.
type ShrinkReport struct {
	Layers        []ShrinkLayer
	Before, After int // parameters of the whole model
}

// ShrinkLayer is one Linear layer's row of a ShrinkReport.
type ShrinkLayer struct {
	Index         int
	Before, After string // e.g. "Linear(256→128)" and "Linear(256→96)"
	Removed       int    // output units removed
	Folded        int    // of those, dead units whose constant output went into the next layer's bias
	ParamsBefore  int
	ParamsAfter   int
}

// Shrink makes structured pruning physical: it returns a copy of m whose
// Linear layers no longer have the output units that pruning emptied, and
// whose next Linear layer no longer has the matching inputs, so the model is
// really smaller (fewer parameters, a smaller file, faster inference) and
// predicts as m does, up to float32 rounding. m is unchanged.
//
// A unit of a Linear layer followed (through ReLU, Tanh, Sigmoid or Dropout
// layers only) by another Linear layer goes when either
//   - all its incoming weights are zero (a dead unit, as LnStructured leaves
//     it): its output is the constant act(bias), which Shrink adds, through
//     the next layer's weights, to that layer's bias; or
//   - all its outgoing weights (its input row of the next layer) are zero:
//     nothing reads it.
//
// A hidden unit of a one-layer LSTM or GRU goes when nothing reads it: its
// column of the recurrent weights is zero and so is its input row of the
// Linear layer that reads the sequence (through LastStep or Dropout); its
// rows of every gate go with it.
//
// The model's own inputs and outputs never change. Masks of the kept weights
// go with them. Units of LSTM and GRU layers, of layers followed by other
// kinds of layer, and of nested models are kept. It returns an error for a
// quantized model (shrink, then quantize) or one that cannot be copied.
func Shrink(m *Model) (*Model, *ShrinkReport, error) {
	if m == nil {
		return nil, nil, fmt.Errorf("ml: Shrink: nil model")
	}
	if m.IsQuantized() {
		return nil, nil, fmt.Errorf("ml: Shrink: the model is quantized; shrink the float model, then quantize it")
	}
	c, err := m.Clone()
	if err != nil {
		return nil, nil, fmt.Errorf("ml: Shrink: %w", err)
	}
	rep := &ShrinkReport{Before: c.NumParams()}
	for i, l := range c.layers {
		if rnn, ok := shrinkableRNN(l); ok {
			rep.Layers = append(rep.Layers, shrinkRNN(m, c, i, rnn))
			continue
		}
		lin, ok := l.(*LinearLayer)
		if !ok {
			continue
		}
		next, acts := nextLinear(c.layers, i)
		row := ShrinkLayer{Index: i, Before: m.layers[i].String(), ParamsBefore: layerParamCount(m.layers[i])}
		if next >= 0 {
			nl := c.layers[next].(*LinearLayer)
			keep, folded := shrinkPair(lin, nl, acts)
			if len(keep) < lin.Out {
				row.Removed, row.Folded = lin.Out-len(keep), folded
				c.layers[i], c.layers[next] = keepOutputs(lin, keep), keepInputs(nl, keep)
			}
		}
		row.After, row.ParamsAfter = c.layers[i].String(), layerParamCount(c.layers[i])
		rep.Layers = append(rep.Layers, row)
	}
	c.fast = 0
	rep.After = c.NumParams()
	return c, rep, nil
}

// nextLinear returns the index of the Linear layer reached from layer i
// through element-wise layers only, and those layers; -1 if there is none.
func nextLinear(layers []Layer, i int) (int, []Layer) {
	var acts []Layer
	for k := i + 1; k < len(layers); k++ {
		switch l := layers[k].(type) {
		case *LinearLayer:
			return k, acts
		case *ActivationLayer, *DropoutLayer:
			acts = append(acts, l)
		default:
			return -1, nil
		}
	}
	return -1, nil
}

// shrinkPair decides which outputs of a (input of b) to keep, folding the
// constant outputs of dead units into b's bias. It returns the kept units
// and how many dead units were folded.
func shrinkPair(a, b *LinearLayer, acts []Layer) (keep []int, folded int) {
	for u := 0; u < a.Out; u++ {
		dead := true
		for k := 0; k < a.In && dead; k++ {
			dead = a.Weight.data[k*a.Out+u] == 0
		}
		unread := true
		row := b.Weight.data[u*b.Out : (u+1)*b.Out]
		for _, w := range row {
			if w != 0 {
				unread = false
				break
			}
		}
		switch {
		case unread:
		case dead:
			v := constantThrough(float64(a.Bias.data[u]), acts)
			for j, w := range row {
				b.Bias.data[j] += float32(v * float64(w))
			}
			folded++
		default:
			keep = append(keep, u)
		}
	}
	return keep, folded
}

// constantThrough applies element-wise layers (in evaluation mode) to v.
func constantThrough(v float64, acts []Layer) float64 {
	for _, l := range acts {
		a, ok := l.(*ActivationLayer)
		if !ok {
			continue // Dropout is the identity in evaluation
		}
		x := float32(v)
		switch a.Kind {
		case "ReLU":
			x = max(x, 0)
		case "Tanh":
			x = float32(math.Tanh(float64(x)))
		case "Sigmoid":
			x = float32(1 / (1 + math.Exp(-float64(x))))
		}
		v = float64(x)
	}
	return v
}

// keepOutputs returns a Linear layer with only the output units keep of l.
func keepOutputs(l *LinearLayer, keep []int) *LinearLayer {
	n := &LinearLayer{In: l.In, Out: len(keep), Weight: Param(l.In, len(keep)), Bias: Param(len(keep))}
	if l.Weight.mask != nil {
		n.Weight.mask = make([]float32, l.In*len(keep))
	}
	for k := 0; k < l.In; k++ {
		for j, u := range keep {
			n.Weight.data[k*len(keep)+j] = l.Weight.data[k*l.Out+u]
			if n.Weight.mask != nil {
				n.Weight.mask[k*len(keep)+j] = l.Weight.mask[k*l.Out+u]
			}
		}
	}
	for j, u := range keep {
		n.Bias.data[j] = l.Bias.data[u]
	}
	return n
}

// keepInputs returns a Linear layer with only the inputs keep of l.
func keepInputs(l *LinearLayer, keep []int) *LinearLayer {
	n := &LinearLayer{In: len(keep), Out: l.Out, Weight: Param(len(keep), l.Out), Bias: Param(l.Out)}
	if l.Weight.mask != nil {
		n.Weight.mask = make([]float32, len(keep)*l.Out)
	}
	for j, u := range keep {
		copy(n.Weight.data[j*l.Out:(j+1)*l.Out], l.Weight.data[u*l.Out:(u+1)*l.Out])
		if n.Weight.mask != nil {
			copy(n.Weight.mask[j*l.Out:(j+1)*l.Out], l.Weight.mask[u*l.Out:(u+1)*l.Out])
		}
	}
	copy(n.Bias.data, l.Bias.data)
	return n
}

// Table returns one row per Linear layer and a total row, for a display
// table.
func (r *ShrinkReport) Table() (columns []string, rows [][]any) {
	columns = []string{"layer", "before", "after", "units removed", "folded into next bias", "params before", "params after"}
	for _, l := range r.Layers {
		rows = append(rows, []any{l.Index, l.Before, l.After, l.Removed, l.Folded, groupDigits(l.ParamsBefore), groupDigits(l.ParamsAfter)})
	}
	rows = append(rows, []any{"model", "", "", "", "", groupDigits(r.Before), groupDigits(r.After)})
	return columns, rows
}

// String prints the report as an aligned table.
func (r *ShrinkReport) String() string {
	cols, rows := r.Table()
	cells := [][]string{cols}
	for _, row := range rows {
		line := make([]string, len(row))
		for i, v := range row {
			line[i] = fmt.Sprint(v)
		}
		cells = append(cells, line)
	}
	return strings.TrimRight(formatTextTable(cells, 3), "\n")
}

// shrinkableRNN returns the weights, gate count and hidden size of a
// one-layer LSTM or GRU.
func shrinkableRNN(l Layer) (rnnShape, bool) {
	switch l := l.(type) {
	case *LSTMLayer:
		return rnnShape{w: l.weights[0], gates: 4, in: l.In, hidden: l.Hidden, lstm: true}, l.NumLayers == 1
	case *GRULayer:
		return rnnShape{w: l.weights[0], gates: 3, in: l.In, hidden: l.Hidden}, l.NumLayers == 1
	}
	return rnnShape{}, false
}

type rnnShape struct {
	w                 rnnWeights
	gates, in, hidden int
	lstm              bool
}

// shrinkRNN removes the unread hidden units of the recurrent layer i of c
// (a copy of m) and the matching inputs of the Linear layer reading it.
func shrinkRNN(m, c *Model, i int, r rnnShape) ShrinkLayer {
	row := ShrinkLayer{Index: i, Before: m.layers[i].String(), ParamsBefore: layerParamCount(m.layers[i])}
	next := -1
	for k := i + 1; k < len(c.layers) && next < 0; k++ {
		switch c.layers[k].(type) {
		case *LinearLayer:
			next = k
		case *LastStepLayer, *DropoutLayer:
		default:
			k = len(c.layers)
		}
	}
	if next >= 0 {
		nl := c.layers[next].(*LinearLayer)
		H := r.hidden
		var keep []int
		for j := 0; j < H; j++ {
			unread := true
			for q := 0; q < r.gates*H && unread; q++ {
				unread = r.w.whh.data[q*H+j] == 0
			}
			for _, v := range nl.Weight.data[j*nl.Out : (j+1)*nl.Out] {
				unread = unread && v == 0
			}
			if !unread {
				keep = append(keep, j)
			}
		}
		if len(keep) < H && len(keep) > 0 {
			nw := rnnWeights{in: r.in, namesuffix: r.w.namesuffix,
				wih: pickRows(r.w.wih, r.gates, H, keep, nil), whh: pickRows(r.w.whh, r.gates, H, keep, keep),
				bih: pickRows(r.w.bih, r.gates, H, keep, nil), bhh: pickRows(r.w.bhh, r.gates, H, keep, nil)}
			if r.lstm {
				c.layers[i] = &LSTMLayer{In: r.in, Hidden: len(keep), NumLayers: 1, weights: []rnnWeights{nw}}
			} else {
				c.layers[i] = &GRULayer{In: r.in, Hidden: len(keep), NumLayers: 1, weights: []rnnWeights{nw}}
			}
			c.layers[next] = keepInputs(nl, keep)
			row.Removed = H - len(keep)
		}
	}
	row.After, row.ParamsAfter = c.layers[i].String(), layerParamCount(c.layers[i])
	return row
}

// pickRows keeps, of a recurrent weight or bias with gates blocks of hidden
// rows, the rows keep of each block and (cols non-nil) the columns cols,
// with its mask.
func pickRows(t *Tensor, gates, hidden int, keep, cols []int) *Tensor {
	width := 1
	if len(t.shape) == 2 {
		width = t.shape[1]
	}
	newWidth := width
	if cols != nil {
		newWidth = len(cols)
	}
	rows := gates * len(keep)
	var out *Tensor
	if len(t.shape) == 2 {
		out = Param(rows, newWidth)
	} else {
		out = Param(rows)
	}
	if t.mask != nil {
		out.mask = make([]float32, len(out.data))
	}
	for g := 0; g < gates; g++ {
		for a, k := range keep {
			src, dst := (g*hidden+k)*width, (g*len(keep)+a)*newWidth
			for b := 0; b < newWidth; b++ {
				sc := b
				if cols != nil {
					sc = cols[b]
				}
				out.data[dst+b] = t.data[src+sc]
				if t.mask != nil {
					out.mask[dst+b] = t.mask[src+sc]
				}
			}
		}
	}
	return out
}
