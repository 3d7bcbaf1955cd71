package ml

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"sync"
)

// The bundled datasets; provenance and licences are in datasets/README.md.
//
//go:embed datasets/iris.csv datasets/digits.csv.gz datasets/diabetes.csv
var bundled embed.FS

var (
	irisOnce, digitsOnce, diabetesOnce sync.Once
	irisData, digitsData, diabetesData Dataset
)

// Iris returns Fisher's iris data: 150 samples of 4 measurements in centimetres
// (sepal length and width, petal length and width) and 3 classes (setosa,
// versicolor, virginica), in the original order. Each call returns a fresh copy.
func Iris() Dataset {
	irisOnce.Do(func() {
		irisData = mustLoadBundled("datasets/iris.csv", CSVOptions{Header: true, Label: "species"})
	})
	return copyDataset(irisData)
}

// DigitsRaw returns scikit-learn's digits: 1797 images of 8x8 pixels, flattened to
// 64 features counting 0..16, with labels 0..9, in the original order. Each call
// returns a fresh copy.
func DigitsRaw() Dataset {
	digitsOnce.Do(func() {
		digitsData = mustLoadBundled("datasets/digits.csv.gz", CSVOptions{Header: true, Label: "label"})
		digitsData.ClassNames = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	})
	return copyDataset(digitsData)
}

// Digits returns DigitsRaw with the pixels divided by 16 so that they lie in
// [0, 1], the scaling the PyTorch reference uses.
func Digits() Dataset {
	d := DigitsRaw()
	x := d.X.Data()
	for i := range x {
		x[i] /= 16
	}
	return d
}

// Diabetes returns the diabetes data of Efron, Hastie, Johnstone and Tibshirani
// (2004), as scikit-learn ships it, unscaled: 442 patients, 10 features (age in
// years, sex coded 1 or 2, body mass index, mean blood pressure, and six blood
// serum measurements s1..s6: total cholesterol, LDL, HDL, total/HDL, log of
// triglycerides, glucose) and a regression target of shape [442, 1], a measure of
// disease progression one year later (25..346). FeatureNames holds age, sex, bmi,
// bp, s1..s6. Each call returns a fresh copy.
func Diabetes() Dataset {
	diabetesOnce.Do(func() {
		diabetesData = mustLoadBundled("datasets/diabetes.csv", CSVOptions{Header: true, Label: "progression", Regression: true})
	})
	return copyDataset(diabetesData)
}

// mustLoadBundled parses an embedded CSV file; the files are part of the build,
// so a failure is a bug in the package, not bad input.
func mustLoadBundled(name string, opts CSVOptions) Dataset {
	raw, err := bundled.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("ml: bundled dataset %s: %v", name, err))
	}
	if bytes.HasSuffix([]byte(name), []byte(".gz")) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			panic(fmt.Sprintf("ml: bundled dataset %s: %v", name, err))
		}
		d, err := ReadCSVFrom(zr, name, opts)
		if err != nil {
			panic(fmt.Sprintf("ml: bundled dataset: %v", err))
		}
		return d
	}
	d, err := ReadCSVFrom(bytes.NewReader(raw), name, opts)
	if err != nil {
		panic(fmt.Sprintf("ml: bundled dataset: %v", err))
	}
	return d
}

// copyDataset deep-copies the tensors so that callers can modify their data.
func copyDataset(d Dataset) Dataset {
	out := d
	out.X = FromSlice(append([]float32(nil), d.X.Data()...), d.X.Shape()...)
	if d.Y != nil {
		out.Y = FromSlice(append([]float32(nil), d.Y.Data()...), d.Y.Shape()...)
	}
	out.ClassNames = append([]string(nil), d.ClassNames...)
	out.FeatureNames = append([]string(nil), d.FeatureNames...)
	return out
}
