package ml

import (
	"testing"
	"time"
)

// The benchmarks mirror ../shared/bench/torch_reference.py on the same data:
//
//	go test ./ml -run '^$' -bench 'Digits|LangID' -benchtime 3x
//	/usr/bin/python3 ../shared/bench/torch_reference.py mlp   (and lstm)
//
// Each iteration of a training benchmark is one epoch.

func BenchmarkDigitsMLPTrain(b *testing.B) {
	train, _ := loadDigits(b)
	SetSeed(0)
	m := digitsMLP()
	cfg := FitConfig{Epochs: 1, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(1e-3)}
	m.Fit(train, cfg) // warm up buffers
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		cfg.Seed = int64(i + 1) // non-zero: an explicit seed, not one drawn from SetSeed's generator
		m.Fit(train, cfg)
	}
	b.ReportMetric(float64(b.N*train.Len())/time.Since(start).Seconds(), "samples/s")
}

func BenchmarkDigitsMLPInferBatch1(b *testing.B) {
	train, test := loadDigits(b)
	SetSeed(0)
	m := digitsMLP()
	// Trained as the reference trains before timing: the first test sample's
	// sparsity after ReLU depends on the weights.
	m.Fit(train, FitConfig{Epochs: 30, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(1e-3)})
	x := FromSlice(test.X.data[:64], 1, 64)
	m.Predict(x)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		m.Predict(x)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N), "µs/sample")
}

func BenchmarkDigitsMLPInferFull(b *testing.B) {
	_, test := loadDigits(b)
	SetSeed(0)
	m := digitsMLP()
	m.Predict(test.X)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		m.Predict(test.X)
	}
	b.ReportMetric(float64(b.N*test.Len())/time.Since(start).Seconds(), "samples/s")
}

func langIDModel(vocab int) *Model {
	return Sequential(Embedding(vocab, 32), LSTM(32, 128), LastStep(), Linear(128, 6))
}

func BenchmarkLangIDLSTMTrain(b *testing.B) {
	train, _, vocab := loadLangID(b)
	SetSeed(0)
	m := langIDModel(vocab)
	cfg := FitConfig{Epochs: 1, BatchSize: 64, Loss: CrossEntropy(), Optimizer: Adam(3e-3)}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		cfg.Seed = int64(i + 1) // non-zero: an explicit seed, not one drawn from SetSeed's generator
		m.Fit(train, cfg)
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N*train.Len())/secs, "seq/s")
	b.ReportMetric(float64(b.N*train.Len()*16)/secs, "tokens/s")
}

func BenchmarkLangIDLSTMInfer(b *testing.B) {
	_, test, vocab := loadLangID(b)
	SetSeed(0)
	m := langIDModel(vocab)
	m.Predict(test.X)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		m.Predict(test.X)
	}
	b.ReportMetric(float64(b.N*test.Len())/time.Since(start).Seconds(), "seq/s")
}
