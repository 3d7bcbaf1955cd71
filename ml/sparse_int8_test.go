package ml

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrunedQuantizedSavesSparseInt8 is Deep Compression's storage: the
// digits MLP pruned to 90% (global L1), fine-tuned, then quantized to int8,
// is saved as CSR with int8 values and 8-bit columns, at most 0.08x the
// dense float32 file (the target); it loads back with bit-identical
// predictions, and a hostile column index is refused.
func TestPrunedQuantizedSavesSparseInt8(t *testing.T) {
	train, test := loadDigits(t)
	SetSeed(31)
	m := digitsMLP()
	m.Fit(train, FitConfig{Epochs: 10, Loss: CrossEntropy(), Seed: 1})
	dir := t.TempDir()
	if err := m.Save(filepath.Join(dir, "dense")); err != nil {
		t.Fatal(err)
	}
	if _, err := Prune(m, GlobalL1(0.9)); err != nil {
		t.Fatal(err)
	}
	m.Fit(train, FitConfig{Epochs: 3, Loss: CrossEntropy(), Seed: 2})
	q, rep, err := Quantize(m, QuantConfig{Scheme: "per_channel", Validation: test})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Save(filepath.Join(dir, "q")); err != nil {
		t.Fatal(err)
	}
	size := func(name string) int64 {
		info, err := os.Stat(filepath.Join(dir, name, "model.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	ratio := float64(size("q")) / float64(size("dense"))
	t.Logf("pruned 90%% + int8: file %d bytes, %.4fx of dense %d; accuracy %.4f → %.4f", size("q"), ratio, size("dense"), rep.MetricBefore, rep.MetricAfter)
	if ratio > 0.08 {
		t.Errorf("pruned and quantized file is %.4fx the dense one; want <= 0.08x", ratio)
	}
	if rep.MetricAfter < rep.MetricBefore-0.005 {
		t.Errorf("quantizing the pruned model lost accuracy: %.4f → %.4f", rep.MetricBefore, rep.MetricAfter)
	}
	ts := q.storedTensors("")
	var names []string
	for _, st := range ts {
		names = append(names, st.name+":"+st.dtype)
	}
	for _, want := range []string{"0.weight.csr_values:I8", "0.weight.csr_cols:U8", "0.weight.csr_rowptr:U16", "2.weight.csr_cols:U8"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("stored tensors %v lack %s", names, want)
		}
	}
	back, err := Load(filepath.Join(dir, "q"))
	if err != nil {
		t.Fatal(err)
	}
	if !sameBitsTensor(back.Predict(test.X), q.Predict(test.X)) {
		t.Error("the loaded pruned int8 model predicts differently")
	}
	if Sparsity(back).Zeros != Sparsity(q).Zeros {
		t.Errorf("loaded: %d zeros; saved %d", Sparsity(back).Zeros, Sparsity(q).Zeros)
	}

	// Hostile: a column beyond the layer's 64 inputs.
	for i := range ts {
		if ts[i].name == "0.weight"+csrCols {
			ts[i].u8 = append([]uint8(nil), ts[i].u8...)
			ts[i].u8[0] = 200
		}
	}
	data, err := encodeStored(ts)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(bad, 0o755)
	man, _ := os.ReadFile(filepath.Join(dir, "q", "model.json"))
	var mj map[string]any
	json.Unmarshal(man, &mj)
	mj["weights_sha256"] = sha256Hex(data)
	man, _ = json.Marshal(mj)
	os.WriteFile(filepath.Join(bad, "model.json"), man, 0o644)
	os.WriteFile(filepath.Join(bad, "model.safetensors"), data, 0o644)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), `sparse tensor "weight": row 0 has column 200, the tensor has 64`) {
		t.Errorf("hostile int8 CSR: %v", err)
	}
}
