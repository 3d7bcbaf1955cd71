package ml

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

type torchArray struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

type torchRNNCase struct {
	Name   string                `json:"name"`
	Kind   string                `json:"kind"`
	In     int                   `json:"in"`
	Hidden int                   `json:"hidden"`
	Layers int                   `json:"layers"`
	Params map[string]torchArray `json:"params"`
	Grads  map[string]torchArray `json:"grads"`
	X      torchArray            `json:"x"`
	W      torchArray            `json:"w"`
	Y      torchArray            `json:"y"`
	DX     torchArray            `json:"dx"`
	HN     torchArray            `json:"h_n"`
	CN     *torchArray           `json:"c_n"`
}

func (a torchArray) tensor() *Tensor { return FromFloat64s(a.Data, a.Shape...) }

func closeTo(t *testing.T, what string, got *Tensor, want torchArray) {
	t.Helper()
	if !sameShape(got.shape, want.Shape) {
		t.Errorf("%s: shape %v, PyTorch %v", what, got.shape, want.Shape)
		return
	}
	for i, w := range want.Data {
		if g := float64(got.data[i]); math.Abs(g-w) > 1e-5+1e-4*math.Abs(w) {
			t.Errorf("%s[%d] = %.7g, PyTorch %.7g", what, i, g, w)
			return
		}
	}
}

// TestRNNMatchesPyTorch compares LSTM and GRU outputs, final states and
// gradients with fixtures that testdata/gen_torch_fixtures.py computed with
// PyTorch's nn.LSTM and nn.GRU.
func TestRNNMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_rnn_fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Cases []torchRNNCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) != 6 {
		t.Fatalf("fixtures hold %d cases, want 6", len(fx.Cases))
	}
	for _, c := range fx.Cases {
		var layer interface {
			Layer
			paramNames() []string
		}
		switch c.Kind {
		case "LSTM":
			layer = LSTM(c.In, c.Hidden).Stacked(c.Layers)
		case "GRU":
			layer = GRU(c.In, c.Hidden).Stacked(c.Layers)
		}
		names := layer.paramNames()
		params := layer.Parameters()
		if len(names) != len(c.Params) {
			t.Fatalf("%s: %d parameters, PyTorch has %d", c.Name, len(names), len(c.Params))
		}
		for i, n := range names {
			p, ok := c.Params[n]
			if !ok || !sameShape(p.Shape, params[i].shape) {
				t.Fatalf("%s: parameter %s %v has no PyTorch counterpart (%v)", c.Name, n, params[i].shape, p.Shape)
			}
			copy(params[i].data, p.tensor().data)
		}
		x := c.X.tensor().SetRequiresGrad(true)
		y := layer.Forward(x)
		closeTo(t, c.Name+" output", y, c.Y)
		y.BackwardWith(c.W.tensor())
		closeTo(t, c.Name+" input grad", x.Grad(), c.DX)
		for i, n := range names {
			closeTo(t, c.Name+" grad "+n, params[i].Grad(), c.Grads[n])
		}
		switch l := layer.(type) {
		case *LSTMLayer:
			h, cs := l.State()
			closeTo(t, c.Name+" h_n", h, c.HN)
			closeTo(t, c.Name+" c_n", cs, *c.CN)
		case *GRULayer:
			closeTo(t, c.Name+" h_n", l.State(), c.HN)
		}

		// The fused path used by Fit gives the same output and gradients.
		for _, p := range params {
			p.ZeroGrad()
		}
		fl := layer.(fastLayer)
		fy := fl.fastForward(c.X.tensor(), true)
		closeTo(t, c.Name+" fused output", fy, c.Y)
		dx := fl.fastBackward(c.W.tensor(), true)
		closeTo(t, c.Name+" fused input grad", dx, c.DX)
		for i, n := range names {
			closeTo(t, c.Name+" fused grad "+n, params[i].Grad(), c.Grads[n])
		}
	}
}
