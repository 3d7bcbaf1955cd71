package ml

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSaveLoadPredictsBitIdentically(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	SetSeed(5)
	ids := New(8, 7)
	for i := range ids.data {
		ids.data[i] = float32(rng.IntN(12))
	}
	cases := []struct {
		name string
		m    *Model
		x    *Tensor
	}{
		{"mlp", Sequential(Linear(6, 16), ReLU(), Dropout(0.3), Linear(16, 8), Tanh(), Linear(8, 3), Softmax()), randTensor(rng, -1, 1, 5, 6)},
		{"lstm", Sequential(Embedding(12, 5).Padding(0), LSTM(5, 9).Stacked(2), LastStep(), Linear(9, 4), LogSoftmax()), ids},
		{"gru", Sequential(Embedding(12, 4), GRU(4, 6), Flatten(), Sequential(Linear(42, 3), Sigmoid())), ids},
	}
	for _, c := range cases {
		// Train a little so that the weights are not just the initial draw.
		y := New(c.x.shape[0])
		for i := range y.data {
			y.data[i] = float32(i % 3)
		}
		c.m.Fit(Dataset{X: c.x, Y: y}, FitConfig{Epochs: 2, BatchSize: 4, Loss: CrossEntropy(), Seed: 1})
		if err := c.m.SetMeta("vocab", []string{"a", "b"}); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), c.name)
		if err := c.m.Save(dir); err != nil {
			t.Fatalf("%s: Save: %v", c.name, err)
		}
		loaded, err := Load(dir)
		if err != nil {
			t.Fatalf("%s: Load: %v", c.name, err)
		}
		want, got := c.m.Predict(c.x), loaded.Predict(c.x)
		if !sameShape(want.shape, got.shape) || !sameBits(want.data, got.data) {
			t.Errorf("%s: loaded model predicts %v, saved one %v", c.name, got, want)
		}
		if loaded.String() != c.m.String() {
			t.Errorf("%s: loaded architecture\n%s\nwant\n%s", c.name, loaded, c.m)
		}
		var vocab []string
		if err := loaded.Meta("vocab", &vocab); err != nil || strings.Join(vocab, ",") != "a,b" {
			t.Errorf("%s: metadata vocab = %v, %v", c.name, vocab, err)
		}
	}
}

func TestSafetensorsLayout(t *testing.T) {
	SetSeed(1)
	m := Sequential(Linear(3, 2))
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(raw)
	var header map[string]struct {
		DType       string   `json:"dtype"`
		Shape       []int    `json:"shape"`
		DataOffsets [2]int64 `json:"data_offsets"`
	}
	if err := json.Unmarshal(raw[8:8+n], &header); err != nil {
		t.Fatalf("header is not JSON: %v", err)
	}
	w := header["0.weight"]
	if w.DType != "F32" || !sameShape(w.Shape, []int{2, 3}) || w.DataOffsets != [2]int64{0, 24} {
		t.Errorf("0.weight entry = %+v", w)
	}
	second := math.Float32frombits(binary.LittleEndian.Uint32(raw[8+n+4:]))
	if want := m.Layer(0).(*LinearLayer).Weight.At(1, 0); float64(second) != want {
		t.Errorf("second stored weight %v, want W[in=1][out=0] = %v (PyTorch layout)", second, want)
	}
	if b := header["0.bias"]; b.DataOffsets != [2]int64{24, 32} {
		t.Errorf("0.bias entry = %+v", b)
	}
	if (8+n)%8 != 0 || uint64(len(raw)) != 8+n+32 {
		t.Errorf("file is %d bytes with a %d-byte header; want aligned data of 32 bytes", len(raw), n)
	}
	first := binary.LittleEndian.Uint32(raw[8+n:])
	// Linear weights are stored as PyTorch's [out, in]: the first value is W[0][0] either way.
	if want := m.Layer(0).(*LinearLayer).Weight.data[0]; first != mathFloat32bits(want) {
		t.Errorf("first weight bits %x, want %x", first, mathFloat32bits(want))
	}
}

func TestLoadErrors(t *testing.T) {
	SetSeed(2)
	m := Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
	base := t.TempDir()
	fresh := func(name string) string {
		dir := filepath.Join(base, name)
		if err := m.Save(dir); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	rewriteManifest := func(dir string, edit func(map[string]any)) {
		raw, _ := os.ReadFile(filepath.Join(dir, "model.json"))
		var man map[string]any
		if err := json.Unmarshal(raw, &man); err != nil {
			t.Fatal(err)
		}
		edit(man)
		out, _ := json.Marshal(man)
		os.WriteFile(filepath.Join(dir, "model.json"), out, 0o644)
	}
	// writeWeights replaces the weights and fixes the checksum, so that the
	// safetensors parser itself must notice the damage.
	writeWeights := func(dir string, data []byte) {
		os.WriteFile(filepath.Join(dir, "model.safetensors"), data, 0o644)
		sum := sha256.Sum256(data)
		rewriteManifest(dir, func(man map[string]any) { man["weights_sha256"] = hex.EncodeToString(sum[:]) })
	}
	weightsOf := func(dir string) []byte {
		raw, _ := os.ReadFile(filepath.Join(dir, "model.safetensors"))
		return raw
	}
	cases := []struct {
		name, want string
		damage     func(dir string)
	}{
		{"missing", "no such file", func(dir string) { os.RemoveAll(dir) }},
		{"corrupt manifest", "model.json is corrupt", func(dir string) {
			os.WriteFile(filepath.Join(dir, "model.json"), []byte(`{"format": "gopad.ml.model", "vers`), 0o644)
		}},
		{"not a model", "not a gopad model", func(dir string) {
			rewriteManifest(dir, func(man map[string]any) { man["format"] = "something else" })
		}},
		{"newer version", "version 99 is newer", func(dir string) {
			rewriteManifest(dir, func(man map[string]any) { man["version"] = 99 })
		}},
		{"truncated weights", "corrupt or truncated", func(dir string) {
			raw := weightsOf(dir)
			os.WriteFile(filepath.Join(dir, "model.safetensors"), raw[:len(raw)-5], 0o644)
		}},
		{"flipped byte", "corrupt or truncated", func(dir string) {
			raw := weightsOf(dir)
			raw[len(raw)-1] ^= 0x40
			os.WriteFile(filepath.Join(dir, "model.safetensors"), raw, 0o644)
		}},
		{"truncated data section", "truncated", func(dir string) {
			raw := weightsOf(dir)
			writeWeights(dir, raw[:len(raw)-8])
		}},
		{"short file", "truncated", func(dir string) { writeWeights(dir, []byte{1, 2, 3}) }},
		{"huge header length", "implausible", func(dir string) {
			raw := weightsOf(dir)
			binary.LittleEndian.PutUint64(raw, 1<<40)
			writeWeights(dir, raw)
		}},
		{"garbled header", "corrupt header", func(dir string) {
			raw := weightsOf(dir)
			raw[9] = '!'
			writeWeights(dir, raw)
		}},
		{"architecture mismatch", "has shape", func(dir string) {
			rewriteManifest(dir, func(man map[string]any) {
				man["architecture"].(map[string]any)["layers"].([]any)[0].(map[string]any)["out"] = 5
				man["architecture"].(map[string]any)["layers"].([]any)[2].(map[string]any)["in"] = 5
			})
		}},
		{"unknown layer", "unknown layer type", func(dir string) {
			rewriteManifest(dir, func(man map[string]any) {
				man["architecture"].(map[string]any)["layers"].([]any)[1].(map[string]any)["type"] = "Conv9D"
			})
		}},
	}
	for _, c := range cases {
		dir := fresh(strings.ReplaceAll(c.name, " ", "_"))
		c.damage(dir)
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Load error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

// squareLayer is a cell-style layer built from Tensor operations.
type squareLayer struct{}

func (squareLayer) Forward(x *Tensor) *Tensor  { return x.Square() }
func (squareLayer) Parameters() []*Tensor      { return nil }
func (squareLayer) OutputShape(in []int) []int { return in }
func (squareLayer) String() string             { return "Square()" }

func TestSaveRejectsCustomLayers(t *testing.T) {
	m := Sequential(Linear(2, 2), squareLayer{})
	err := m.Save(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "cell-defined layer (Square())") {
		t.Errorf("Save of a model with a custom layer: %v", err)
	}
}

func mathFloat32bits(v float32) uint32 { return math.Float32bits(v) }

func TestClone(t *testing.T) {
	SetSeed(8)
	m := Sequential(Embedding(10, 4).Padding(0), GRU(4, 5), LastStep(), Linear(5, 3))
	x := FromSlice([]float32{0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3)
	c, err := m.Clone()
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(c.Predict(x).data, m.Predict(x).data) {
		t.Fatalf("clone predicts differently")
	}
	// Training the clone leaves the original alone.
	before := m.Predict(x).data
	c.Fit(Dataset{X: x, Y: FromSlice([]float32{0, 1, 2}, 3)}, FitConfig{Epochs: 3, BatchSize: 3, Loss: CrossEntropy(), Optimizer: Adam(0.1)})
	if !sameBits(m.Predict(x).data, before) || sameBits(c.Predict(x).data, before) {
		t.Errorf("clone shares weights with the original")
	}
	if _, err := Sequential(squareLayer{}).Clone(); err == nil {
		t.Errorf("Clone of a model with a cell-defined layer succeeded")
	}
}

func TestSaveReplacesFilesAtomically(t *testing.T) {
	SetSeed(3)
	m := Sequential(Linear(3, 2))
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The old Save wrote through the fixed names model.*.tmp, following links
	// planted there; the temporary files are now fresh names created exclusively.
	for _, name := range []string{"model.safetensors.tmp", "model.json.tmp"} {
		if err := os.Symlink(outside, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // create, then replace
		if err := m.Save(dir); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := os.ReadFile(outside); string(got) != "keep" {
		t.Fatalf("Save wrote through a planted link: the victim holds %q", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "model.json model.json.tmp model.safetensors model.safetensors.tmp" {
		t.Fatalf("the artifact directory holds %q; want the two files and the planted links, no temporary files", got)
	}
	if _, err := Load(dir); err != nil {
		t.Fatalf("the saved artifact does not load: %v", err)
	}
}

// A clone carries the original's training history, its last evaluation, its
// metadata (class names, a scaler) and a quantized model's report, as copies:
// changing or retraining the clone leaves the original's record alone.
func TestCloneKeepsHistoryAndRecord(t *testing.T) {
	SetSeed(4)
	d := Iris()
	sc := FitStandardScaler(d)
	d = sc.Transform(d)
	train, test := d.Split(0.7, 1)
	m := Sequential(Linear(4, 8), ReLU(), Linear(8, 3))
	hist := m.Fit(train, FitConfig{Epochs: 4, BatchSize: 16, Loss: CrossEntropy(), Optimizer: Adam(0.05), Validation: test, Metrics: []string{"accuracy"}, Seed: 1})
	if err := m.SetMeta("classes", d.ClassNames); err != nil {
		t.Fatal(err)
	}
	if err := m.SetMeta("scaler", sc); err != nil {
		t.Fatal(err)
	}
	c, err := m.Clone()
	if err != nil {
		t.Fatal(err)
	}
	ch := c.History()
	if ch == nil || ch == hist || len(ch.Epochs) != 4 || ch.Epochs[3].ValMetrics["accuracy"] != hist.Epochs[3].ValMetrics["accuracy"] ||
		len(ch.StepLoss) != len(hist.StepLoss) || ch.Seed != hist.Seed || ch.Planned != 4 {
		t.Fatalf("clone's history %+v, original's %+v", ch, hist)
	}
	if got, want := c.Record().Metrics, m.Record().Metrics; len(got) == 0 || got["val_accuracy"] != want["val_accuracy"] {
		t.Errorf("clone's published metrics %v, original's %v", got, want)
	}
	var classes []string
	if err := c.Meta("classes", &classes); err != nil || strings.Join(classes, ",") != strings.Join(d.ClassNames, ",") {
		t.Errorf("clone's classes %v (%v)", classes, err)
	}
	var csc Scaler
	if err := c.Meta("scaler", &csc); err != nil || len(csc.Offset) != 4 || csc.Offset[2] != sc.Offset[2] || csc.Scale[1] != sc.Scale[1] {
		t.Errorf("clone's scaler %+v (%v)", csc, err)
	}
	// Copies, not shared.
	ch.Epochs[0].Metrics["accuracy"] = -1
	ch.StepLoss[0] = -1
	if hist.Epochs[0].Metrics["accuracy"] == -1 || hist.StepLoss[0] == -1 {
		t.Errorf("the clone's history is the original's")
	}
	c.Fit(train, FitConfig{Epochs: 2, Loss: CrossEntropy(), Optimizer: Adam(0.05), Seed: 2})
	if m.History() != hist || len(m.History().Epochs) != 4 || len(c.History().Epochs) != 2 {
		t.Errorf("retraining the clone changed the original's history")
	}
	// The last evaluation goes with the clone.
	m.Evaluate(test, CrossEntropy(), "accuracy")
	e, err := m.Clone()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Record().Metrics, m.Record().Metrics; got["accuracy"] != want["accuracy"] || got["loss"] != want["loss"] || len(got) != len(want) {
		t.Errorf("clone's evaluation %v, original's %v", got, want)
	}
	// A quantized model's clone keeps the quantization report.
	q, report, err := Quantize(m, QuantConfig{})
	if err != nil {
		t.Fatal(err)
	}
	qc, err := q.Clone()
	if err != nil {
		t.Fatal(err)
	}
	r := qc.Record()
	if r.Quantization == nil || r.Quantization == report || r.Quantization.BytesAfter != report.BytesAfter || len(r.Quantization.Layers) != len(report.Layers) || r.History == nil {
		t.Errorf("quantized clone's record %+v, report %+v", r, report)
	}
}
