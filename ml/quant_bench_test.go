package ml

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Quantized against float32 inference on the reference workloads, in one run
// (bench/compress/compare.sh adds PyTorch's int8 figures):
//
//	go test ./ml -run '^$' -bench 'Quant' -benchtime 2s
//
// Each sub-benchmark reports throughput (samples/s) or latency (µs/sample);
// the model is trained as the reference trains it before timing.

func BenchmarkQuantDigitsMLP(b *testing.B) {
	train, test := loadDigits(b)
	SetSeed(0)
	m := digitsMLP()
	m.Fit(train, FitConfig{Epochs: 30, BatchSize: 32, Loss: CrossEntropy(), Optimizer: Adam(1e-3), Seed: 1})
	q, rep, err := Quantize(m, QuantConfig{Validation: test})
	if err != nil {
		b.Fatal(err)
	}
	one := FromSlice(test.X.data[:64], 1, 64)
	for _, c := range []struct {
		name  string
		model *Model
		acc   float64
	}{{"float32", m, rep.MetricBefore}, {"int8", q, rep.MetricAfter}} {
		b.Run(c.name+"/full", func(b *testing.B) {
			c.model.Predict(test.X)
			start := time.Now()
			for b.Loop() {
				c.model.Predict(test.X)
			}
			b.ReportMetric(float64(b.N*test.Len())/time.Since(start).Seconds(), "samples/s")
			b.ReportMetric(100*c.acc, "acc%")
			b.ReportMetric(float64(c.model.StoredBytes()), "bytes")
			all, weights := savedFileBytes(b, c.model)
			b.ReportMetric(float64(all), "file-bytes")
			b.ReportMetric(float64(weights), "weights-file-bytes")
		})
		b.Run(c.name+"/batch1", func(b *testing.B) {
			c.model.Predict(one)
			start := time.Now()
			for b.Loop() {
				c.model.Predict(one)
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/1e3/float64(b.N), "µs/sample")
		})
	}
}

func BenchmarkQuantLangID(b *testing.B) {
	train, test, vocab := loadLangID(b)
	SetSeed(0)
	m := langIDModel(vocab)
	m.Fit(train, FitConfig{Epochs: 3, BatchSize: 64, Loss: CrossEntropy(), Optimizer: Adam(3e-3), Seed: 1})
	q, rep, err := Quantize(m, QuantConfig{Validation: test})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		model *Model
		acc   float64
	}{{"float32", m, rep.MetricBefore}, {"int8", q, rep.MetricAfter}} {
		b.Run(fmt.Sprint(c.name, "/full"), func(b *testing.B) {
			c.model.Predict(test.X)
			start := time.Now()
			for b.Loop() {
				c.model.Predict(test.X)
			}
			b.ReportMetric(float64(b.N*test.Len())/time.Since(start).Seconds(), "seq/s")
			b.ReportMetric(100*c.acc, "acc%")
			b.ReportMetric(float64(c.model.StoredBytes()), "bytes")
			all, weights := savedFileBytes(b, c.model)
			b.ReportMetric(float64(all), "file-bytes")
			b.ReportMetric(float64(weights), "weights-file-bytes")
		})
	}
}

// savedFileBytes saves m into a temporary directory and returns the size of
// the files Save wrote (model.safetensors, model.json with the training
// history) and of the weights file alone: the file ratios are of
// saved files; PyTorch's are of torch.save(state_dict), the weights alone.
func savedFileBytes(b *testing.B, m *Model) (all, weights int64) {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "model")
	if err := m.Save(dir); err != nil {
		b.Fatal(err)
	}
	files, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range files {
		info, err := f.Info()
		if err != nil {
			b.Fatal(err)
		}
		all += info.Size()
		if f.Name() == weightsFileName {
			weights = info.Size()
		}
	}
	if weights == 0 {
		b.Fatalf("Save wrote no %s in %s", weightsFileName, dir)
	}
	return all, weights
}
