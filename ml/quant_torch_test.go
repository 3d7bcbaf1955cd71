package ml

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

type torchQWeight struct {
	Int        torchArray `json:"int"`
	Scales     torchArray `json:"scales"`
	ZeroPoints torchArray `json:"zero_points"`
}

type torchQuantCase struct {
	Name      string                  `json:"name"`
	Kind      string                  `json:"kind"`
	In        int                     `json:"in"`
	Hidden    int                     `json:"hidden"`
	Layers    int                     `json:"layers"`
	Params    map[string]torchArray   `json:"params"`
	Quantized map[string]torchQWeight `json:"quantized"`
	X         torchArray              `json:"x"`
	Y         torchArray              `json:"y"`
	PerLayer  []struct {
		X torchArray `json:"x"`
		Y torchArray `json:"y"`
	} `json:"per_layer"`
}

type torchQuantFixtures struct {
	Cases       []torchQuantCase `json:"cases"`
	Activations []struct {
		Min       float64 `json:"min"`
		Max       float64 `json:"max"`
		Scale     float64 `json:"scale"`
		ZeroPoint int32   `json:"zero_point"`
	} `json:"activations"`
}

func loadQuantFixtures(t *testing.T) torchQuantFixtures {
	t.Helper()
	raw, err := os.ReadFile("testdata/torch_quant_fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx torchQuantFixtures
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) != 6 || len(fx.Activations) < 8 {
		t.Fatalf("fixtures hold %d cases and %d activation records, want 6 and at least 8", len(fx.Cases), len(fx.Activations))
	}
	return fx
}

// closeAbs compares with an absolute tolerance (quantized outputs are
// multiples of a scale, so a relative one says little near zero).
func closeAbs(t *testing.T, what string, got []float32, want torchArray, tol float64) {
	t.Helper()
	if len(got) != len(want.Data) {
		t.Fatalf("%s: %d values, PyTorch %d", what, len(got), len(want.Data))
	}
	worst, at := 0.0, 0
	for i, w := range want.Data {
		if tol == 0 {
			w = float64(float32(w)) // the fixture holds float32 values in 9 digits
		}
		if d := math.Abs(float64(got[i]) - w); d > worst || math.IsNaN(d) {
			worst, at = d, i
		}
	}
	if !(worst <= tol) {
		t.Errorf("%s[%d] = %.8g, PyTorch %.8g (|Δ| %.3g > %.3g)", what, at, got[at], want.Data[at], worst, tol)
	}
}

// sameInts checks quantized values and scales for equality with PyTorch's.
func sameQuant(t *testing.T, what string, ints []int, scales []float32, want torchQWeight) {
	t.Helper()
	if len(ints) != len(want.Int.Data) {
		t.Fatalf("%s: %d values, PyTorch %d", what, len(ints), len(want.Int.Data))
	}
	diff := 0
	for i, w := range want.Int.Data {
		if float64(ints[i]) != w {
			if diff == 0 {
				t.Errorf("%s: value %d is %d, PyTorch %v", what, i, ints[i], w)
			}
			diff++
		}
	}
	if diff > 0 {
		t.Errorf("%s: %d of %d values differ from PyTorch's", what, diff, len(ints))
	}
	if len(scales) != len(want.Scales.Data) {
		t.Fatalf("%s: %d scales, PyTorch %d", what, len(scales), len(want.Scales.Data))
	}
	for i, w := range want.Scales.Data {
		if float32(w) != scales[i] {
			t.Errorf("%s: scale %d is %.9g, PyTorch %.9g", what, i, scales[i], w)
			break
		}
	}
	for i, z := range want.ZeroPoints.Data {
		if z != 0 {
			t.Errorf("%s: PyTorch zero point %d is %v; symmetric int8 weights have 0", what, i, z)
			break
		}
	}
}

func int8s(v []int8) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

// TestActivationParamsMatchPyTorch: the per-call activation scale and zero
// point equal torch._choose_qparams_per_tensor(x, reduce_range=True),
// including all-zero, tiny and lopsided ranges.
func TestActivationParamsMatchPyTorch(t *testing.T) {
	for _, a := range loadQuantFixtures(t).Activations {
		s, zp := activationParams(float32(a.Min), float32(a.Max))
		if s != float32(a.Scale) || zp != a.ZeroPoint {
			t.Errorf("range [%g, %g]: scale %.9g zero point %d, PyTorch %.9g %d", a.Min, a.Max, s, zp, a.Scale, a.ZeroPoint)
		}
	}
}

// TestQuantizeMatchesPyTorch builds gopad models with the float32 weights of
// PyTorch's, quantizes them, and checks that the int8 values and scales equal
// quantize_dynamic's and that outputs match the quantized PyTorch modules: per
// layer on PyTorch's own layer inputs (tight), and end to end.
func TestQuantizeMatchesPyTorch(t *testing.T) {
	for _, c := range loadQuantFixtures(t).Cases {
		t.Run(c.Name, func(t *testing.T) {
			cfg := Int8
			if c.Name == "mlp_per_channel" || c.Name == "lstm_per_channel" {
				cfg = Int8PerChannel
			}
			var m *Model
			switch c.Kind {
			case "mlp":
				m = Sequential(Linear(20, 48), ReLU(), Linear(48, 24), ReLU(), Linear(24, 10))
			case "LSTM":
				m = Sequential(LSTM(c.In, c.Hidden).Stacked(c.Layers))
			case "GRU":
				m = Sequential(GRU(c.In, c.Hidden).Stacked(c.Layers))
			case "Embedding":
				m = Sequential(Embedding(30, 12))
			}
			loadTorchParams(t, m, c)
			cfg.AllowUntrained = true // PyTorch's weights, set by hand
			q, rep, err := Quantize(m, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Layers) == 0 || rep.BytesAfter >= rep.BytesBefore {
				t.Errorf("report %+v: want layers and fewer bytes", rep)
			}
			switch c.Kind {
			case "mlp":
				for i, idx := range []int{0, 2, 4} {
					ql := q.Layer(idx).(*QuantLinearLayer)
					sameQuant(t, fmt.Sprintf("layer %d", idx), int8s(ql.WeightInt8()), ql.WeightScales().data, c.Quantized[fmt.Sprint(idx)])
					pl := c.PerLayer[i]
					closeAbs(t, fmt.Sprintf("layer %d output", idx), ql.Forward(pl.X.tensor()).data, pl.Y, 2e-6)
				}
				// End to end: one activation may round the other way after float
				// differences in an earlier layer, so allow a few quantization steps.
				closeAbs(t, "model output", q.Predict(c.X.tensor()).data, c.Y, 2e-3)
			case "LSTM", "GRU":
				var ws []qrnnWeights
				if l, ok := q.Layer(0).(*QuantLSTMLayer); ok {
					ws = l.weights
				} else {
					ws = q.Layer(0).(*QuantGRULayer).weights
				}
				for _, w := range ws {
					sameQuant(t, "weight_ih"+w.suffix, int8s(w.ih.q), w.ih.scales, c.Quantized["weight_ih"+w.suffix])
					sameQuant(t, "weight_hh"+w.suffix, int8s(w.hh.q), w.hh.scales, c.Quantized["weight_hh"+w.suffix])
				}
				closeAbs(t, "output", q.Predict(c.X.tensor()).data, c.Y, 1e-4)
			case "Embedding":
				e := q.Layer(0).(*QuantEmbeddingLayer)
				want := c.Quantized["weight"]
				u := e.WeightUint8()
				ints := make([]int, len(u))
				for i, v := range u {
					ints[i] = int(v)
				}
				sameQuant(t, "weight", ints, e.RowScales().data, torchQWeight{Int: want.Int, Scales: want.Scales})
				closeAbs(t, "zero points", e.RowZeroPoints().data, want.ZeroPoints, 0)
				closeAbs(t, "output", q.Predict(c.X.tensor()).data, c.Y, 1e-6)
			}
		})
	}
}

// loadTorchParams copies PyTorch's parameters into m's layers (Linear
// weights transposed to gopad's [in, out]).
func loadTorchParams(t *testing.T, m *Model, c torchQuantCase) {
	t.Helper()
	for i, l := range m.layers {
		switch l := l.(type) {
		case *LinearLayer:
			w, b := c.Params[fmt.Sprintf("%d.weight", i)], c.Params[fmt.Sprintf("%d.bias", i)]
			transpose(l.Weight.data, w.tensor().data, l.Out, l.In)
			copy(l.Bias.data, b.tensor().data)
		case *EmbeddingLayer:
			copy(l.Weight.data, c.Params["weight"].tensor().data)
		default:
			sv := l.(savable)
			for j, n := range sv.paramNames() {
				p, ok := c.Params[n]
				if !ok || !sameShape(p.Shape, l.Parameters()[j].shape) {
					t.Fatalf("parameter %s has no PyTorch counterpart", n)
				}
				copy(l.Parameters()[j].data, p.tensor().data)
			}
		}
	}
}
