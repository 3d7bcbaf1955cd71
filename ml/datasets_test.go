package ml

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
)

func TestIris(t *testing.T) {
	d := Iris()
	if d.Len() != 150 || d.Features() != 4 {
		t.Fatalf("iris: %v", d)
	}
	if !equalInts(d.ClassCounts(), []int{50, 50, 50}) {
		t.Errorf("class counts %v, want 50 each", d.ClassCounts())
	}
	if strings.Join(d.ClassNames, ",") != "setosa,versicolor,virginica" {
		t.Errorf("class names %v", d.ClassNames)
	}
	if d.FeatureNames[2] != "petal_length_cm" {
		t.Errorf("feature names %v", d.FeatureNames)
	}
	// First and last rows of Fisher's table.
	x := d.X.Data()
	first, last := x[:4], x[len(x)-4:]
	if fmt.Sprint(first) != "[5.1 3.5 1.4 0.2]" || fmt.Sprint(last) != "[5.9 3 5.1 1.8]" {
		t.Errorf("first row %v, last row %v", first, last)
	}
	// Well-known class means of petal length: 1.462, 4.26, 5.552.
	sums := make([]float64, 3)
	for i, c := range d.Labels() {
		sums[c] += float64(x[i*4+2])
	}
	for c, want := range []float64{1.462, 4.26, 5.552} {
		if got := sums[c] / 50; math.Abs(got-want) > 1e-4 {
			t.Errorf("class %d mean petal length %.4f, want %.3f", c, got, want)
		}
	}
	// Each call is an independent copy.
	x[0] = 99
	if Iris().X.Data()[0] != 5.1 {
		t.Error("modifying one Iris() result changed the next")
	}
}

func TestDigits(t *testing.T) {
	raw := DigitsRaw()
	if raw.Len() != 1797 || raw.Features() != 64 || raw.Classes() != 10 {
		t.Fatalf("digits: %v", raw)
	}
	scaled := Digits()
	maxRaw, maxScaled := float32(0), float32(0)
	for i, v := range raw.X.Data() {
		if v != float32(int(v)) || v < 0 || v > 16 {
			t.Fatalf("raw pixel %d = %v, want an integer in 0..16", i, v)
		}
		if s := scaled.X.Data()[i]; s != v/16 {
			t.Fatalf("scaled pixel %d = %v, want %v/16", i, s, v)
		}
		if v > maxRaw {
			maxRaw = v
		}
		if s := scaled.X.Data()[i]; s > maxScaled {
			maxScaled = s
		}
	}
	if maxRaw != 16 || maxScaled != 1 {
		t.Errorf("max pixel raw %v scaled %v, want 16 and 1", maxRaw, maxScaled)
	}
	counts := raw.ClassCounts()
	if counts[0] != 178 || counts[1] != 182 || counts[8] != 174 {
		t.Errorf("class counts %v (sklearn: 0->178, 1->182, 8->174)", counts)
	}
}

// The shared benchmark split was made from the same rows by sklearn: together the
// two files must hold exactly the bundled rows.
func TestDigitsMatchesSharedSplit(t *testing.T) {
	rowKeys := func(d Dataset) []string {
		keys := make([]string, d.Len())
		for i := range keys {
			keys[i] = fmt.Sprint(d.X.Data()[i*64:(i+1)*64], d.Labels()[i])
		}
		sort.Strings(keys)
		return keys
	}
	var shared Dataset
	for i, name := range []string{"digits_train.csv", "digits_test.csv"} {
		d, err := ReadCSV(sharedDataFile(t, name), CSVOptions{Header: true, Label: "label"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			shared = d
		} else {
			shared = shared.Concat(d)
		}
	}
	a, b := rowKeys(DigitsRaw()), rowKeys(shared)
	if len(a) != len(b) {
		t.Fatalf("bundled %d rows, shared %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("row multisets differ at sorted position %d", i)
		}
	}
}

// TestDiabetesIsScikitLearnsRawData checks the bundled regression data against
// values read from scikit-learn's files by hand: shape, first and last rows, and
// the target's range and mean (sklearn: load_diabetes(scaled=False)).
func TestDiabetesIsScikitLearnsRawData(t *testing.T) {
	d := Diabetes()
	if d.Len() != 442 || d.Features() != 10 || d.IsClassification() {
		t.Fatalf("Diabetes: %d rows, %d features, classification %v", d.Len(), d.Features(), d.IsClassification())
	}
	if s := d.Y.Shape(); len(s) != 2 || s[1] != 1 {
		t.Errorf("target shape %v, want [442 1]", s)
	}
	if got := strings.Join(d.FeatureNames, ","); got != "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6" {
		t.Errorf("feature names %s", got)
	}
	first := []float32{59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87}
	for j, v := range first {
		if d.X.At(0, j) != float64(v) {
			t.Errorf("row 0 feature %d = %v, want %v", j, d.X.At(0, j), v)
		}
	}
	if d.Y.At(0, 0) != 151 || d.Y.At(441, 0) != 57 {
		t.Errorf("targets of the first and last rows %v %v, want 151 57", d.Y.At(0, 0), d.Y.At(441, 0))
	}
	y := Float64s(d.Y)
	lo, hi, sum := y[0], y[0], 0.0
	for _, v := range y {
		lo, hi, sum = math.Min(lo, v), math.Max(hi, v), sum+v
	}
	if lo != 25 || hi != 346 || math.Abs(sum/442-152.13348416289594) > 1e-9 {
		t.Errorf("target range %v..%v mean %v, want 25..346 mean 152.1335", lo, hi, sum/442)
	}
	// A fresh copy every call.
	d.X.Data()[0] = -1
	if Diabetes().X.At(0, 0) != 59 {
		t.Errorf("Diabetes shares memory between calls")
	}
}
