package ml

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQ4Arithmetic: scale max|x|/7 per group, round half to even, two
// values per byte, a ragged last group.
func TestQ4Arithmetic(t *testing.T) {
	w := []float32{1.4, -0.7, 0.1, 0.3, 0, 0, 0, 0, 2.1, -1.05}
	q := quantizeQ4(w, 2, 5, 4) // rows [1.4 -0.7 0.1 0.3 0] [0 0 0 2.1 -1.05]
	if got := q.groupsPerRow(); got != 2 || len(q.scales) != 4 || len(q.packed) != 5 {
		t.Fatalf("groups %d, scales %d, bytes %d; want 2, 4, 5", got, len(q.scales), len(q.packed))
	}
	wantInts := []int{7, -4, 0, 2, 0, 0, 0, 0, 7, -7} // -3.5 → -4, 0.5 → 0, 1.5 → 2 (half to even)
	for k, want := range wantInts {
		if got := q.value(k); got != want {
			t.Errorf("value %d: %d, want %d", k, got, want)
		}
	}
	// Row 0: groups [1.4 -0.7 0.1 0.3] (scale 0.2) and [0] (all zero: scale 1).
	// Row 1: groups [0 0 0 2.1] (0.3) and [-1.05] (0.15).
	for i, want := range []float32{0.2, 1, 0.3, 0.15} {
		if math.Abs(float64(q.scales[i]-want)) > 1e-7 {
			t.Errorf("scale %d: %v, want %v", i, q.scales[i], want)
		}
	}
	d := q.dequantized()
	for k, want := range []float32{1.4, -0.8, 0, 0.4, 0, 0, 0, 0, 2.1, -1.05} {
		if math.Abs(float64(d[k]-want)) > 1e-6 {
			t.Errorf("dequantized %d: %v, want %v", k, d[k], want)
		}
	}
}

// TestInt4GroupedModels: the digits MLP and an Embedding-LSTM-Linear model
// quantized to 4-bit groups: accuracy close to float32, a file about a
// sixth of float32, bit-identical predictions after Save/Load, and bad
// settings refused.
func TestInt4GroupedModels(t *testing.T) {
	train, test := loadDigits(t)
	SetSeed(51)
	m := digitsMLP()
	m.Fit(train, FitConfig{Epochs: 10, Loss: CrossEntropy(), Seed: 1})
	q, rep, err := Quantize(m, QuantConfig{Scheme: "int4_group", GroupSize: 32, Validation: test})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
	if rep.MetricAfter < rep.MetricBefore-0.01 {
		t.Errorf("4-bit accuracy %.4f, float %.4f: more than a point lost", rep.MetricAfter, rep.MetricBefore)
	}
	if s := q.Layer(0).String(); s != "QuantLinear(64→256, int4 groups of 32)" {
		t.Errorf("layer 0 is %s", s)
	}
	for _, l := range rep.Layers {
		if !(l.MaxWeightError > 0) || l.MaxWeightError > 0.2 {
			t.Errorf("%s: max weight error %v", l.Kind, l.MaxWeightError)
		}
	}
	dir := t.TempDir()
	if err := m.Save(filepath.Join(dir, "f")); err != nil {
		t.Fatal(err)
	}
	if err := q.Save(filepath.Join(dir, "q")); err != nil {
		t.Fatal(err)
	}
	size := func(n string) float64 {
		info, err := os.Stat(filepath.Join(dir, n, "model.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		return float64(info.Size())
	}
	if r := size("q") / size("f"); r > 0.17 {
		t.Errorf("4-bit file %.3fx of float32; want <= 0.17x", r)
	} else {
		t.Logf("4-bit file %.3fx of float32", r)
	}
	back, err := Load(filepath.Join(dir, "q"))
	if err != nil {
		t.Fatal(err)
	}
	if !sameBitsTensor(back.Predict(test.X), q.Predict(test.X)) || back.Layer(2).String() != q.Layer(2).String() {
		t.Error("loaded 4-bit model differs")
	}
	if !strings.Contains(q.Summary(64), "QuantLinear(256→128, int4 groups of 32)") {
		t.Errorf("summary:\n%s", q.Summary(64))
	}

	// Embedding (groups of 8 along each row), LSTM int8, Linear 4-bit.
	SetSeed(52)
	lm := Sequential(Embedding(20, 16).Padding(0), LSTM(16, 8), LastStep(), Linear(8, 3))
	ids := FromSlice([]float32{0, 3, 5, 7, 1, 2, 19, 4}, 2, 4)
	lm.Fit(Dataset{X: ids, Y: FromSlice([]float32{0, 2}, 2)}, FitConfig{Epochs: 2, Loss: CrossEntropy(), Seed: 1})
	lq, _, err := Quantize(lm, Int4Grouped(8))
	if err != nil {
		t.Fatal(err)
	}
	if got := lq.Layer(0).String() + " " + lq.Layer(1).String(); got != "QuantEmbedding(20, 16, padding=0, int4 groups of 8) QuantLSTM(16→8, int8 per tensor)" {
		t.Errorf("layers %s", got)
	}
	emb := lm.Layer(0).(*EmbeddingLayer).Weight.data
	dq := lq.Layer(0).(*QuantEmbedding4Layer).Dequantized().data
	for i := range emb {
		if d := math.Abs(float64(emb[i] - dq[i])); d > 0.5*float64(lq.Layer(0).(*QuantEmbedding4Layer).w.scales[i/8])+1e-6 {
			t.Fatalf("embedding value %d: %v → %v, more than half a step", i, emb[i], dq[i])
		}
	}
	if err := lq.Save(filepath.Join(dir, "lm")); err != nil {
		t.Fatal(err)
	}
	lback, err := Load(filepath.Join(dir, "lm"))
	if err != nil {
		t.Fatal(err)
	}
	if !sameBitsTensor(lback.Predict(ids), lq.Predict(ids)) {
		t.Error("loaded 4-bit embedding model differs")
	}

	for _, c := range []struct {
		cfg  QuantConfig
		want string
	}{
		{QuantConfig{Scheme: "int4_group", GroupSize: -4}, "GroupSize -4"},
		{QuantConfig{GroupSize: 16}, "GroupSize 16 is set but Scheme is"},
	} {
		if _, _, err := Quantize(m, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v", c.want, err)
		}
	}
	// Hostile file: a zero scale.
	ts := q.storedTensors("")
	for i := range ts {
		if ts[i].name == "0.weight_scale" {
			ts[i].f32 = append([]float32(nil), ts[i].f32...)
			ts[i].f32[3] = 0
		}
	}
	if err := (&Model{layers: q.layers}).restoreTensors("", storedMap(ts), map[string]bool{}); err == nil || !strings.Contains(err.Error(), `tensor "weight_scale": scale 3 is 0`) {
		t.Errorf("zero scale: %v", err)
	}
}

func storedMap(ts []storedTensor) map[string]*storedTensor {
	out := map[string]*storedTensor{}
	for i := range ts {
		out[ts[i].name] = &ts[i]
	}
	return out
}
