package ml

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// These tests cover habits people bring from Python (NumPy, Keras, PyTorch):
// each either works as documented or fails with an error that says what to do.

// TestPredictOneSampleWithoutBatch: Predict of a [64] sample for a model taking
// [N, 64] returns the single prediction [10], equal to the batched one.
func TestPredictOneSampleWithoutBatch(t *testing.T) {
	SetSeed(2)
	mlp := Sequential(Dropout(0.1), Linear(6, 8), ReLU(), Linear(8, 3))
	x := Randn(4, 6)
	batch := mlp.Predict(x)
	for i := 0; i < 4; i++ {
		one := mlp.Predict(x.Row(i))
		if !sameShape(one.Shape(), []int{3}) {
			t.Fatalf("Predict of one [6] sample has shape %v, want [3]", one.Shape())
		}
		// Bit for bit what a batch of one gives (a batch of four runs another
		// kernel, equal to rounding).
		if want := mlp.Predict(x.Row(i).Reshape(1, 6)).Data(); !sameBits(one.Data(), want) {
			t.Errorf("sample %d: Predict alone %v, as a batch of one %v", i, one.Data(), want)
		}
		for j, v := range one.Data() {
			if w := batch.At(i, j); math.Abs(float64(v)-w) > 1e-5 {
				t.Errorf("sample %d: Predict alone %v, in the batch %v", i, one.Data(), batch.Row(i).Data())
				break
			}
		}
		if got := mlp.PredictClasses(x.Row(i)); !slices.Equal(got, batch.Row(i).Reshape(1, 3).ArgMax()) {
			t.Errorf("sample %d: PredictClasses alone %v", i, got)
		}
	}
	// A sequence model takes a sequence of ids [steps] as one sample.
	seq := Sequential(Embedding(10, 4), LSTM(4, 5), LastStep(), Linear(5, 2))
	ids := FromSlice([]float32{1, 2, 3, 0, 9, 4, 4, 1}, 2, 4)
	both := seq.Predict(ids)
	one := seq.Predict(ids.Row(1))
	if !sameShape(one.Shape(), []int{2}) || !sameBits(one.Data(), seq.Predict(ids.Rows(1, 2)).Data()) {
		t.Errorf("sequence alone: %v, as a batch of one %v", one, seq.Predict(ids.Rows(1, 2)))
	}
	if math.Abs(one.At(0)-both.At(1, 0)) > 1e-5 || math.Abs(one.At(1)-both.At(1, 1)) > 1e-5 {
		t.Errorf("sequence alone: %v, in the batch %v", one, both.Row(1))
	}
	// A sample of the wrong size still names the layer and both shapes.
	mustPanic(t, "wrong width", func() { mlp.Predict(New(7)) }, "Linear(6→8)", "[1 7]", "[* 6]")
	mustPanic(t, "nil input", func() { mlp.Predict(nil) }, "Predict: nil input")
}

func TestSaveWantsADirectoryName(t *testing.T) {
	dir := t.TempDir()
	m := Sequential(Linear(3, 2))
	for _, name := range []string{"model.safetensors", "model.h5", "net.pt", "model.KERAS"} {
		path := filepath.Join(dir, name)
		err := m.Save(path)
		if err == nil {
			t.Fatalf("Save(%q) succeeded", name)
		}
		stem := strings.TrimSuffix(path, filepath.Ext(path))
		for _, want := range []string{"saved as a directory", "model.safetensors and model.json", `Save("` + stem + `")`, `ml.Load("` + stem + `")`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Save(%q) error %q lacks %q", name, err, want)
			}
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("Save(%q) left something at the path: %v", name, err)
		}
	}
	// An existing directory is the user's choice, whatever its name.
	odd := filepath.Join(dir, "weights.json")
	if err := os.Mkdir(odd, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := m.Save(odd); err != nil {
		t.Fatalf("Save into the existing directory %s: %v", odd, err)
	}
	// Load takes the directory or either of its files, and says what a file is.
	good := filepath.Join(dir, "good")
	if err := m.Save(good); err != nil {
		t.Fatal(err)
	}
	x := Randn(2, 3)
	for _, p := range []string{good, filepath.Join(good, "model.safetensors"), filepath.Join(good, "model.json")} {
		loaded, err := Load(p)
		if err != nil {
			t.Fatalf("Load(%s): %v", p, err)
		}
		if !sameBits(loaded.Predict(x).Data(), m.Predict(x).Data()) {
			t.Errorf("Load(%s) predicts differently", p)
		}
	}
	plain := filepath.Join(dir, "plain.safetensors")
	if err := os.WriteFile(plain, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(plain); err == nil || !strings.Contains(err.Error(), "it is a file; Load reads the directory that Save writes") {
		t.Errorf("Load of a plain file: %v", err)
	}
}
