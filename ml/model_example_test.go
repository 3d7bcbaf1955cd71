package ml_test

import (
	"fmt"

	"gopad.dev/gopad/ml"
)

// A model is a stack of layers; Summary shows the shapes for a given input.
func ExampleSequential() {
	ml.SetSeed(0)
	model := ml.Sequential(ml.Linear(64, 256), ml.ReLU(), ml.Linear(256, 128), ml.ReLU(), ml.Linear(128, 10))
	fmt.Println(model.Summary(64))
	// Output:
	// #  Layer            Output shape  Params
	//    input            [* 64]
	// 0  Linear(64→256)   [* 256]       16,640
	// 1  ReLU()           [* 256]       0
	// 2  Linear(256→128)  [* 128]       32,896
	// 3  ReLU()           [* 128]       0
	// 4  Linear(128→10)   [* 10]        1,290
	// Total parameters: 50,826 (203,304 bytes as float32)
}

// Tensor operations record a graph; Backward fills in the gradients.
func ExampleTensor_Backward() {
	w := ml.FromSlice([]float32{1, 2, 3}, 3).SetRequiresGrad(true)
	x := ml.FromSlice([]float32{4, 5, 6}, 3)
	loss := w.Mul(x).Sum().Square() // (w·x)² = 32² = 1024
	loss.Backward()
	fmt.Println(loss.Item(), w.Grad().Data()) // d/dw = 2·(w·x)·x
	// Output: 1024 [256 320 384]
}

// A custom training loop: forward, loss, backward, optimiser step.
func ExampleModel_Forward() {
	ml.SetSeed(1)
	model := ml.Sequential(ml.Linear(2, 8), ml.Tanh(), ml.Linear(8, 1))
	x := ml.FromSlice([]float32{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2)
	y := ml.FromSlice([]float32{0, 1, 1, 0}, 4, 1) // XOR
	opt := ml.Adam(0.05)
	var loss *ml.Tensor
	for step := 0; step < 500; step++ {
		model.ZeroGrad()
		loss = ml.MeanSquaredError().Forward(model.Forward(x), y)
		loss.Backward()
		opt.Step(model.Parameters())
	}
	fmt.Printf("loss below 0.01: %v\n", loss.Item() < 0.01)
	// Output: loss below 0.01: true
}
