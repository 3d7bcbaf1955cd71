package ml

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopad.dev/gopad/ml/internal/qgemm"
)

// trainedDigits trains the reference MLP briefly: enough for the weights to
// have the ranges of a trained model.
func trainedDigits(t *testing.T) (m *Model, train, test Dataset) {
	t.Helper()
	train, test = loadDigits(t)
	SetSeed(1)
	m = digitsMLP()
	m.Fit(train, FitConfig{Epochs: 8, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(1e-3), Seed: 1})
	return m, train, test
}

func sameBitsTensor(a, b *Tensor) bool {
	if !sameShape(a.shape, b.shape) {
		return false
	}
	for i := range a.data {
		if math.Float32bits(a.data[i]) != math.Float32bits(b.data[i]) {
			return false
		}
	}
	return true
}

func TestQuantizedDigitsMLP(t *testing.T) {
	m, _, test := trainedDigits(t)
	before := m.Predict(test.X)
	q, rep, err := Quantize(m, QuantConfig{Scheme: "per_tensor", Validation: test})
	if err != nil {
		t.Fatal(err)
	}
	if !sameBitsTensor(m.Predict(test.X), before) {
		t.Fatal("Quantize changed the float model")
	}
	// Accuracy: the target is within 0.3 points of float32.
	if d := rep.MetricBefore - rep.MetricAfter; rep.Metric != "accuracy" || d > 0.003 {
		t.Errorf("accuracy %.4f → %.4f (%s): more than 0.3 points lost", rep.MetricBefore, rep.MetricAfter, rep.Metric)
	}
	ev := q.Evaluate(test, CrossEntropy(), "accuracy")
	if ev.Metrics["accuracy"] != rep.MetricAfter {
		t.Errorf("Evaluate gives %v, the report %v", ev.Metrics["accuracy"], rep.MetricAfter)
	}
	// Sizes: int8 weights, float32 biases and one scale per tensor.
	wantAfter := (64*256 + 256*128 + 128*10) + 4*(256+128+10) + 4*3
	if rep.BytesBefore != 4*m.NumParams() || rep.BytesAfter != wantAfter || q.StoredBytes() != wantAfter {
		t.Errorf("bytes %d → %d (StoredBytes %d); want %d → %d", rep.BytesBefore, rep.BytesAfter, q.StoredBytes(), 4*m.NumParams(), wantAfter)
	}
	// The saved file: the target is at most 0.27x of float32's
	// (PyTorch: 0.272x).
	dir := t.TempDir()
	if err := m.Save(filepath.Join(dir, "f")); err != nil {
		t.Fatal(err)
	}
	if err := q.Save(filepath.Join(dir, "q")); err != nil {
		t.Fatal(err)
	}
	fsize := func(name string) int64 {
		info, err := os.Stat(filepath.Join(dir, name, "model.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	if ratio := float64(fsize("q")) / float64(fsize("f")); ratio > 0.27 {
		t.Errorf("quantized weights file is %.3fx the float32 one, want <= 0.27x", ratio)
	} else {
		t.Logf("weights file %.3fx of float32; accuracy %.4f → %.4f", ratio, rep.MetricBefore, rep.MetricAfter)
	}
	if len(rep.Layers) != 3 || rep.Layers[1].Index != "2" || rep.Layers[1].Params != 256*128+128 {
		t.Fatalf("report layers %+v", rep.Layers)
	}
	for _, l := range rep.Layers {
		// Rounding to the nearest step: no weight moves by more than half a step.
		ql := q.Layer(atoi(t, l.Index)).(*QuantLinearLayer)
		half := float64(ql.WeightScales().data[0]) / 2
		// 1e-4: float32 rounding of w and of q·scale.
		if !(l.MaxWeightError <= half*(1+1e-4)) || !(l.MeanWeightErr > 0 && l.MeanWeightErr < l.MaxWeightError) || !(l.OutputMaxError > 0 && l.OutputMaxError < 0.5) {
			t.Errorf("layer %s errors: max |Δw| %g (half step %g), mean %g, output %g", l.Index, l.MaxWeightError, half, l.MeanWeightErr, l.OutputMaxError)
		}
	}
	text := rep.String()
	for _, want := range []string{"QuantLinear(64→256, int8 per tensor)", "bytes before", "accuracy", "latency"} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q:\n%s", want, text)
		}
	}
	cols, rows := rep.Table()
	if len(cols) != 8 || len(rows) != 3+1+1+2 {
		t.Errorf("report table: %d columns, %d rows", len(cols), len(rows))
	}
	if s := q.Summary(64); !strings.Contains(s, "QuantLinear(256→128, int8 per tensor)") || !strings.Contains(s, "bytes quantized") {
		t.Errorf("summary:\n%s", s)
	}
	if q.NumParams() != m.NumParams() || !q.IsQuantized() || m.IsQuantized() {
		t.Errorf("NumParams %d vs %d, IsQuantized %v %v", q.NumParams(), m.NumParams(), q.IsQuantized(), m.IsQuantized())
	}

	// Activations are quantized per call over the whole batch (as in
	// PyTorch), so a sample alone may come out slightly differently than in a
	// batch, but close, and the same input always gives the same bits.
	all := q.Predict(test.X)
	one := q.Predict(test.X.Row(5))
	if again := q.Predict(test.X.Row(5)); !sameBitsTensor(one, again) {
		t.Error("the same sample predicts differently twice")
	}
	for j := 0; j < 10; j++ {
		if d := math.Abs(float64(one.data[j] - all.data[5*10+j])); d > 0.1 {
			t.Fatalf("single-sample prediction %v far from row 5 of the batch %v", one.data, all.data[50:60])
		}
	}
	prev := qgemm.SetAsm(false)
	generic := q.Predict(test.X)
	qgemm.SetAsm(prev)
	if !qgemm.HasAsm() {
		t.Fatal("no AVX2 kernel on this machine: the assembly path was not compared")
	}
	if !sameBitsTensor(generic, all) {
		t.Error("pure-Go and AVX2 kernels predict differently")
	}
}

func atoi(t *testing.T, s string) int {
	var n int
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestQuantizedRoundTrip saves quantized models (MLP per channel; Embedding,
// LSTM and Linear) and loads them back: the files hold int8/uint8 tensors
// with their scales, and predictions are bit-identical. Clone gives the same.
func TestQuantizedRoundTrip(t *testing.T) {
	SetSeed(3)
	lang := Sequential(Embedding(20, 8).Padding(0), LSTM(8, 16).Stacked(2), LastStep(), Linear(16, 4))
	gru := Sequential(Embedding(20, 8), GRU(8, 12), LastStep(), Dropout(0.2), Linear(12, 3), Softmax())
	mlp := Sequential(Linear(10, 32), ReLU(), Sequential(Linear(32, 16), Tanh()), Linear(16, 2))
	ids := New(5, 7)
	for i := range ids.data {
		ids.data[i] = float32(i * 7 % 20)
	}
	for name, c := range map[string]struct {
		m   *Model
		cfg QuantConfig
		x   *Tensor
	}{
		"lstm":  {lang, Int8, ids},
		"gru":   {gru, Int8PerChannel, ids},
		"mlp":   {mlp, Int8Step(0.01), Randn(6, 10)},
		"float": {mlp, QuantConfig{SkipEmbeddings: true}, Randn(3, 10)},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := c.cfg
			cfg.AllowUntrained = true // random weights do for a round trip
			q, _, err := Quantize(c.m, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := q.SetMeta("classes", []string{"a", "b"}); err != nil {
				t.Fatal(err)
			}
			want := q.Predict(c.x)
			dir := filepath.Join(t.TempDir(), "q")
			if err := q.Save(dir); err != nil {
				t.Fatal(err)
			}
			var man artifactManifest
			raw, err := os.ReadFile(filepath.Join(dir, "model.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &man); err != nil || man.Version != 2 {
				t.Fatalf("manifest version %d (%v); want 2 for a quantized model", man.Version, err)
			}
			weights, err := os.ReadFile(filepath.Join(dir, "model.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			n := binary.LittleEndian.Uint64(weights)
			if !strings.Contains(string(weights[8:8+n]), `"dtype":"I8"`) {
				t.Errorf("safetensors header has no I8 tensor: %s", weights[8:8+n])
			}
			back, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := back.Predict(c.x); !sameBitsTensor(got, want) {
				t.Errorf("loaded model predicts %v, saved one %v", got.data[:4], want.data[:4])
			}
			if back.String() != q.String() || back.StoredBytes() != q.StoredBytes() {
				t.Errorf("loaded model\n%s\n%d bytes; saved\n%s\n%d bytes", back, back.StoredBytes(), q, q.StoredBytes())
			}
			var classes []string
			if err := back.Meta("classes", &classes); err != nil || len(classes) != 2 {
				t.Errorf("metadata lost: %v %v", classes, err)
			}
			clone, err := q.Clone()
			if err != nil {
				t.Fatal(err)
			}
			if got := clone.Predict(c.x); !sameBitsTensor(got, want) {
				t.Error("clone predicts differently")
			}
		})
	}
	// A float model still saves as version 1, which older gopads read.
	dir := filepath.Join(t.TempDir(), "f")
	if err := mlp.Save(dir); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "model.json"))
	if !strings.Contains(string(raw), `"version": 1`) {
		t.Errorf("float model manifest: %s", raw)
	}
}

// TestQuantizeStep: with an explicit step every weight is round(w/step)
// clamped to the int8 range, and the dequantized weights are multiples of it.
func TestQuantizeStep(t *testing.T) {
	SetSeed(4)
	m := Sequential(Linear(6, 5), ReLU(), Linear(5, 3))
	m.Layer(0).(*LinearLayer).Weight.data[0] = 9 // beyond 127 steps: clamped
	const step = 0.03125                         // a power of two: w/step is exact
	cfg := Int8Step(step)
	cfg.AllowUntrained = true // weights set by hand
	q, rep, err := Quantize(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range []int{0, 2} {
		fl, ql := m.Layer(idx).(*LinearLayer), q.Layer(idx).(*QuantLinearLayer)
		w := ql.WeightInt8()
		for o := 0; o < fl.Out; o++ {
			for i := 0; i < fl.In; i++ {
				v := float64(fl.Weight.data[i*fl.Out+o]) / step
				want := math.Max(-128, math.Min(127, math.RoundToEven(v)))
				if float64(w[o*fl.In+i]) != want {
					t.Fatalf("layer %d weight [%d %d] = %d, want %v", idx, o, i, w[o*fl.In+i], want)
				}
			}
		}
		if s := ql.WeightScales().data; len(s) != 1 || s[0] != step {
			t.Errorf("scales %v", s)
		}
	}
	if rep.Layers[0].MaxWeightError < 9-127*step-1e-6 {
		t.Errorf("clamped weight: max error %g, want about %g", rep.Layers[0].MaxWeightError, 9-127*step)
	}
}

func TestQuantizeBadInput(t *testing.T) {
	SetSeed(5)
	m := Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
	if _, _, err := Quantize(m, Int8); err == nil || !strings.Contains(err.Error(), "ml: Quantize: the model has not been trained") {
		t.Errorf("untrained model: error %v", err)
	}
	m.Fit(Dataset{X: Randn(8, 4), Y: FromSlice([]float32{0, 1, 0, 1, 1, 0, 1, 0}, 8)}, FitConfig{Loss: CrossEntropy(), Seed: 1})
	if !m.Trained() {
		t.Fatal("Fit did not mark the model trained")
	}
	q, _, err := Quantize(m, Int8)
	if err != nil {
		t.Fatal(err)
	}
	if !q.Trained() {
		t.Error("the quantized copy of a trained model is not marked trained")
	}
	for _, c := range []struct {
		name string
		m    *Model
		cfg  QuantConfig
		want string
	}{
		{"untrained", Sequential(Linear(4, 3)), Int8, "the model has not been trained (no Fit step, not loaded with Load)"},
		{"step 0", m, Int8Step(0), "quantization step 0: want a positive finite number"},
		{"step NaN", m, Int8Step(math.NaN()), "quantization step NaN"},
		{"negative step", m, Int8Step(-0.1), "quantization step -0.1"},
		{"infinite step", m, Int8Step(math.Inf(1)), "quantization step +Inf"},
		{"unknown scheme", m, QuantConfig{Scheme: "int4"}, `scheme "int4"`},
		{"step without scheme", m, QuantConfig{Step: 0.1}, "Step 0.1 is set but Scheme is"},
		{"already quantized", q, Int8, "layer 0 (QuantLinear(4→3, int8 per tensor)) is already quantized"},
		{"nested quantized", Sequential(ReLU(), q), Int8, "layer 1, layer 0 (QuantLinear(4→3, int8 per tensor)) is already quantized"},
		{"cell-defined layer", Sequential(squareLayer{}), Int8, "cell-defined layer"},
		{"nil model", nil, Int8, "nil model"},
		{"unknown metric", m, QuantConfig{Validation: Dataset{X: Randn(3, 4), Y: FromSlice([]float32{0, 1, 0}, 3)}, Metric: "auc"}, "report: ml: Quantize: unknown metric"},
		{"sample that does not fit", m, QuantConfig{Sample: Randn(2, 5)}, "report: ml: Linear(4→3): input shape"},
	} {
		_, _, err := Quantize(c.m, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one containing %q", c.name, err, c.want)
		}
	}
	mustPanic(t, "Fit of a quantized model", func() {
		q.Fit(Dataset{X: Randn(4, 4), Y: FromSlice([]float32{0, 1, 0, 1}, 4)}, FitConfig{Loss: CrossEntropy()})
	}, "is quantized: it predicts but cannot be trained")

	// A NaN input gives NaN outputs, not numbers from a quantized NaN.
	x := FromSlice([]float32{1, float32(math.NaN()), 0, 2}, 1, 4)
	if y := q.Predict(x); !math.IsNaN(float64(y.data[0])) {
		t.Errorf("NaN input predicts %v", y.data)
	}

	// Tampered artifacts: a quantized tensor stored as float32, a missing
	// scale, a non-positive scale.
	dir := filepath.Join(t.TempDir(), "q")
	if err := q.Save(dir); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		edit func(ts []storedTensor) []storedTensor
		want string
	}{
		"dtype": {func(ts []storedTensor) []storedTensor {
			ts[0] = storedTensor{name: ts[0].name, dtype: "F32", shape: ts[0].shape, f32: make([]float32, len(ts[0].i8))}
			return ts
		}, `tensor "0.weight" has dtype F32, the architecture needs I8`},
		"missing scale": {func(ts []storedTensor) []storedTensor { return append(ts[:1], ts[2:]...) }, `has no tensor "0.weight_scale"`},
		"zero scale": {func(ts []storedTensor) []storedTensor {
			ts[1].f32 = []float32{0}
			return ts
		}, "scale 0 is 0; scales must be positive"},
		"extra tensor": {func(ts []storedTensor) []storedTensor {
			return append(ts, storedTensor{name: "9.x", dtype: "U8", shape: []int{1}, u8: []uint8{1}})
		}, "holds 7 tensors, the architecture has 6"},
	} {
		ts := q.storedTensors("")
		for i := range ts {
			ts[i].f32 = append([]float32(nil), ts[i].f32...)
		}
		data, err := encodeStored(c.edit(ts))
		if err != nil {
			t.Fatal(err)
		}
		bad := filepath.Join(t.TempDir(), name)
		if err := os.MkdirAll(bad, 0o755); err != nil {
			t.Fatal(err)
		}
		man, _ := os.ReadFile(filepath.Join(dir, "model.json"))
		var mj map[string]any
		if err := json.Unmarshal(man, &mj); err != nil {
			t.Fatal(err)
		}
		sum := sha256Hex(data)
		mj["weights_sha256"] = sum
		man, _ = json.Marshal(mj)
		os.WriteFile(filepath.Join(bad, "model.json"), man, 0o644)
		os.WriteFile(filepath.Join(bad, "model.safetensors"), data, 0o644)
		if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Load error %v; want one containing %q", name, err, c.want)
		}
	}
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
