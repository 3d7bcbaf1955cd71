package ml_test

import (
	"fmt"
	"strings"

	"gopad.dev/gopad/ml"
)

func ExampleDataset_Split() {
	data := ml.Iris()
	train, test := data.Split(0.8, 0)
	fmt.Println(train)
	fmt.Println(train.ClassCounts(), test.ClassCounts())
	// Output:
	// Dataset: 120 samples, X [120 4], Y [120], 3 classes (setosa, versicolor, virginica)
	// [40 40 40] [10 10 10]
}

func ExampleFitStandardScaler() {
	train, test := ml.Iris().Split(0.8, 0)
	scaler := ml.FitStandardScaler(train) // learn from the training data only
	train, test = scaler.Transform(train), scaler.Transform(test)
	fmt.Println(scaler, train.Len(), test.Len())
	// Output: Scaler(standard, 4 features) 120 30
}

func ExampleReadCSVFrom() {
	src := "height,weight,kind\n1.2,30,dog\n0.3,4,cat\n"
	data, err := ml.ReadCSVFrom(strings.NewReader(src), "pets.csv", ml.CSVOptions{Header: true, Label: "kind"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(data.FeatureNames, data.ClassNames, data.Labels())

	_, err = ml.ReadCSVFrom(strings.NewReader("a,b\n1,x\n"), "bad.csv", ml.CSVOptions{Header: true})
	fmt.Println(err)
	// Output:
	// [height weight] [cat dog] [1 0]
	// ml: read CSV bad.csv: line 2, column 2 ("b"): cannot parse "x" as a number
}

func ExampleBuildVocabulary() {
	words := []string{"hello", "world"}
	vocab := ml.BuildVocabulary(words, ml.CharTokenizer(), ml.VocabOptions{})
	fmt.Println(vocab.Size(), vocab.Encode("low"))
	data := ml.TextDataset(words, []int{0, 1}, []string{"greeting", "place"}, vocab, ml.SeqOptions{MaxLen: 7})
	fmt.Println(data.X.Data()[:7])
	// Output:
	// 9 [5 6 8]
	// [0 0 4 3 5 5 6]
}

func ExampleNewConfusionMatrix() {
	// Class indices, as a Dataset's Y, and scores with one row per sample and
	// one column per class, as Predict returns them.
	truth := ml.FromSlice([]float32{0, 0, 1, 1, 2}, 5)
	scores := ml.FromSlice([]float32{
		0.9, 0.1, 0.0,
		0.2, 0.7, 0.1,
		0.1, 0.8, 0.1,
		0.3, 0.6, 0.1,
		0.0, 0.1, 0.9,
	}, 5, 3)
	m := ml.NewConfusionMatrix(scores, truth, []string{"cat", "dog", "emu"})
	fmt.Print(m)
	fmt.Printf("accuracy %.2f, macro F1 %.3f\n", ml.Accuracy(scores, truth), ml.F1(scores, truth))
	// The same metrics on class indices in plain slices:
	pred, labels := []int{0, 1, 1, 1, 2}, []int{0, 0, 1, 1, 2}
	fmt.Printf("accuracy %.2f, macro F1 %.3f\n", ml.AccuracyInts(pred, labels), ml.F1Ints(pred, labels))
	// Output:
	// true \ predicted  cat  dog  emu
	// -------------------------------
	// cat                 1    1    0
	// dog                 0    2    0
	// emu                 0    0    1
	// accuracy 0.80, macro F1 0.822
	// accuracy 0.80, macro F1 0.822
}

func ExampleGridSearch() {
	grid := ml.Grid{"k": {1, 2, 3}}
	result := ml.GridSearch(grid, ml.Iris(), 5, 0, func(p ml.Params, train, val ml.Dataset) float64 {
		// A stand-in for training a model with p and scoring it on val.
		return -float64((p.Int("k") - 2) * (p.Int("k") - 2))
	})
	fmt.Println(result.BestParams())
	// Output: k=2
}
