package ml_test

import (
	"fmt"

	"gopad.dev/gopad/ml"
)

// A custom computation outside layers: fit y = 1 + 2x - 3x² by gradient descent
// written out by hand with tensor operations and Backward.
func ExampleTensor_custom() {
	ml.SetSeed(0)
	x := ml.Linspace(-1, 1, 21).Reshape(21, 1)                     // [21 1]
	features := ml.Concat(1, x, x.Pow(2))                          // [21 2]: x, x²
	noise := ml.Randn(21, 1).Scale(0.01)                           // reproducible after SetSeed
	y := x.Scale(2).Sub(x.Pow(2).Scale(3)).AddScalar(1).Add(noise) // [21 1]

	w := ml.Randn(2, 1).SetRequiresGrad(true)
	b := ml.Zeros(1).SetRequiresGrad(true)
	const lr = 0.5
	for step := 0; step < 500; step++ {
		w.ZeroGrad()
		b.ZeroGrad()
		pred := features.MatMul(w).Add(b) // [21 1]; b broadcasts over the rows
		loss := pred.Sub(y).Pow(2).Mean()
		loss.Backward()
		for _, p := range []*ml.Tensor{w, b} {
			grad := p.Grad().Data()
			for i := range p.Data() {
				p.Data()[i] -= lr * grad[i]
			}
		}
	}
	worst := features.MatMul(w).Add(b).Sub(y).Abs().Max()
	fmt.Printf("y ≈ %.2f %+.2fx %+.2fx²\n", b.Item(), w.At(0, 0), w.At(1, 0))
	fmt.Println("largest error below 0.05:", worst.Item() < 0.05)
	// Output:
	// y ≈ 1.00 +2.00x -3.00x²
	// largest error below 0.05: true
}
