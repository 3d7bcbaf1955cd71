// Command mkdigits trains the serving benchmark's model, the digits MLP
// 64-256-128-10 of ../shared/bench/serve_reference.py (3 epochs, batch 32,
// Adam 1e-3, seed 0), and saves it with ml.Save to the directory given.
package main

import (
	"fmt"
	"os"

	"gopad.dev/gopad/ml"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkdigits DIR")
		os.Exit(2)
	}
	train, test := ml.Digits().Split(0.75, 0)
	ml.SetSeed(0)
	m := ml.Sequential(ml.Linear(64, 256), ml.ReLU(), ml.Linear(256, 128), ml.ReLU(), ml.Linear(128, 10))
	m.Fit(train, ml.FitConfig{Epochs: 3, BatchSize: 32, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-3), Seed: 1})
	if err := m.Save(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "mkdigits: saved to %s (test accuracy %.3f)\n", os.Args[1], m.Evaluate(test, ml.CrossEntropy(), "accuracy").Metrics["accuracy"])
}
