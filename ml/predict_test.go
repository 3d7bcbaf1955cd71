package ml

import "testing"

// TestPredictResultsAreIndependent checks that single-sample Predict results
// (stored with their header in one allocation) are fresh tensors that later
// calls do not overwrite, with the right shape and the model's values.
func TestPredictResultsAreIndependent(t *testing.T) {
	SetSeed(3)
	m := Sequential(Linear(5, 7), ReLU(), Linear(7, 3))
	a := FromSlice([]float32{1, 0, -2, 0.5, 3}, 1, 5)
	b := FromSlice([]float32{-1, 2, 0, 0, 1}, 1, 5)
	ya := m.Predict(a)
	saved := append([]float32(nil), ya.data...)
	yb := m.Predict(b)
	if !sameBits(ya.data, saved) {
		t.Fatalf("second Predict changed the first result: %v, was %v", ya.data, saved)
	}
	if len(ya.shape) != 2 || ya.shape[0] != 1 || ya.shape[1] != 3 || len(ya.data) != 3 || cap(ya.data) != 3 {
		t.Fatalf("result shape %v len %d cap %d, want [1 3], 3, 3", ya.shape, len(ya.data), cap(ya.data))
	}
	m.SetTraining(false)
	if want := m.Forward(b).data; !sameBits(yb.data, want) {
		t.Errorf("Predict(b) = %v, Forward gives %v", yb.data, want)
	}
	if sameBits(ya.data, yb.data) {
		t.Errorf("different inputs gave the same result %v", ya.data)
	}
}
