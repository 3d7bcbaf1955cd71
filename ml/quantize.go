package ml

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// QuantConfig says how Quantize stores a model's weights. Int8,
// Int8PerChannel and Int8Step give the common choices.
type QuantConfig struct {
	// Scheme is "per_tensor" (one scale per weight tensor, PyTorch's
	// quantize_dynamic default), "per_channel" (one per output unit) or "step"
	// (the explicit Step for every tensor). Empty means "per_tensor".
	Scheme string
	// "int4_group" stores Linear weights and Embedding tables in 4 bits per
	// value, in groups of GroupSize values along each row with one scale per
	// group (weight-only: the layers compute in float32 on the decoded
	// weights); LSTM and GRU layers then get int8 per tensor.
	//
	// Step is the quantization step of the "step" scheme: x̂ = round(x/Step),
	// clamped to [-128, 127]; a value a cross-validation can choose.
	Step float64
	// SkipEmbeddings keeps Embedding layers in float32 (PyTorch quantizes them
	// only when asked); by default they are stored as uint8 per row.
	SkipEmbeddings bool
	// GroupSize is the group of the "int4_group" scheme; 0 means 32.
	GroupSize int

	// Validation, when set, is evaluated before and after with Metric and Loss
	// for the report.
	Validation Dataset
	// Metric names the report's model-level metric (see MetricNames); default
	// "accuracy" for classification data, else "mse".
	Metric string
	// Loss for the evaluation; default CrossEntropy for classification data,
	// else MeanSquaredError.
	Loss Loss
	// AllowUntrained quantizes a model that Fit never trained (Model.Trained
	// false), e.g. one whose weights were set by hand; by default that is an
	// error, since quantizing random weights is almost always a mistake.
	AllowUntrained bool

	// Sample is the batch on which the report measures each layer's output
	// error and the latency; default the first 256 samples of Validation. With
	// neither, the report has no output errors or latencies.
	Sample *Tensor
}

// Int4Grouped stores Linear weights and Embedding tables in 4 bits per value
// with one scale per group of group values along each row (0: 32), packed
// two to a byte; weight-only, so the model computes in float32 and the gain
// is in size (about 0.16x of float32 for groups of 32).
func Int4Grouped(group int) QuantConfig { return QuantConfig{Scheme: "int4_group", GroupSize: group} }

// Int8 quantizes Linear, LSTM and GRU weights to int8 with one scale per
// tensor and Embedding tables to uint8 per row, as PyTorch's quantize_dynamic.
var Int8 = QuantConfig{Scheme: "per_tensor"}

// Int8PerChannel is Int8 with one scale per output unit (row) of each weight.
var Int8PerChannel = QuantConfig{Scheme: "per_channel"}

// Int8Step returns an int8 configuration with the explicit step q for every
// weight: x̂ = round(x/q), clamped to [-128, 127].
func Int8Step(q float64) QuantConfig { return QuantConfig{Scheme: "step", Step: q} }

// Quantize returns a copy of m whose Linear, LSTM, GRU and Embedding layers
// hold 8-bit weights (other layers stay float32), with a report of what it
// cost. The copy is an ordinary model: it predicts, evaluates, prints its
// summary and saves; it cannot be trained (fine-tune m and quantize again).
// m is unchanged.
//
// Linear, LSTM and GRU layers quantize their inputs per call (dynamic
// quantization) and multiply in int8 with AVX2 integer kernels; the weights,
// scales and outputs equal PyTorch's dynamic quantized modules on the same
// float32 weights (tested against fixtures PyTorch wrote).
//
// It returns an error, naming the layer or value, for an already quantized
// layer, a cell-defined layer, an unknown scheme or a step that is not a
// positive finite number.
func Quantize(m *Model, cfg QuantConfig) (*Model, *QuantReport, error) {
	if m == nil {
		return nil, nil, fmt.Errorf("ml: Quantize: nil model")
	}
	perChannel, step, group := false, 0.0, 0
	switch cfg.Scheme {
	case "int4_group":
		group = cfg.GroupSize
		if group == 0 {
			group = 32
		}
		if group < 0 {
			return nil, nil, fmt.Errorf("ml: Quantize: GroupSize %d: want a positive number of values per group (0: 32)", cfg.GroupSize)
		}
	case "", "per_tensor":
	case "per_channel":
		perChannel = true
	case "step":
		if err := checkStep(cfg.Step); err != nil {
			return nil, nil, fmt.Errorf("ml: Quantize: %w", err)
		}
		step = cfg.Step
	default:
		return nil, nil, fmt.Errorf("ml: Quantize: scheme %q: want \"per_tensor\", \"per_channel\", \"step\" or \"int4_group\" (ml.Int8, ml.Int8PerChannel, ml.Int8Step(q), ml.Int4Grouped(n))", cfg.Scheme)
	}
	if cfg.Scheme != "int4_group" && cfg.GroupSize != 0 {
		return nil, nil, fmt.Errorf("ml: Quantize: GroupSize %d is set but Scheme is %q; use ml.Int4Grouped(%d)", cfg.GroupSize, cfg.Scheme, cfg.GroupSize)
	}
	if cfg.Scheme != "step" && cfg.Step != 0 {
		return nil, nil, fmt.Errorf("ml: Quantize: Step %v is set but Scheme is %q; use ml.Int8Step(%v)", cfg.Step, cfg.Scheme, cfg.Step)
	}
	if err := checkQuantizable(m, "layer "); err != nil {
		return nil, nil, fmt.Errorf("ml: Quantize: %w", err)
	}
	float, err := m.Clone()
	if err != nil {
		return nil, nil, fmt.Errorf("ml: Quantize: %w", err)
	}
	if !m.Trained() && !cfg.AllowUntrained {
		return nil, nil, fmt.Errorf("ml: Quantize: the model has not been trained (no Fit step, not loaded with Load): its weights are the random initial ones; train it first, or set QuantConfig.AllowUntrained for weights set by hand")
	}
	q := quantizeModel(float, perChannel, step, group, cfg.SkipEmbeddings)
	q.meta = float.meta
	q.trained = true // as trained as its float model (or explicitly allowed)
	report, err := newQuantReport(m, q, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("ml: Quantize: %w", err)
	}
	m.mu.Lock()
	q.record = modelRecord{history: m.record.history, quant: report}
	m.mu.Unlock()
	return q, report, nil
}

// checkQuantizable refuses models that hold quantized layers already.
func checkQuantizable(m *Model, where string) error {
	for i, l := range m.layers {
		switch l := l.(type) {
		case quantizedLayer:
			return fmt.Errorf("%s%d (%s) is already quantized; quantize the float model it came from", where, i, l)
		case *Model:
			if err := checkQuantizable(l, fmt.Sprintf("%s%d, layer ", where, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// quantizeModel replaces the layers of m (a private clone) by quantized ones.
func quantizeModel(m *Model, perChannel bool, step float64, group int, skipEmb bool) *Model {
	out := make([]Layer, len(m.layers))
	for i, l := range m.layers {
		switch l := l.(type) {
		case *LinearLayer:
			if group > 0 {
				wt := make([]float32, len(l.Weight.data))
				transpose(wt, l.Weight.data, l.In, l.Out)
				out[i] = newQuantLinear4(l.In, l.Out, group, quantizeQ4(wt, l.Out, l.In, group), l.Bias.view().Clone())
				continue
			}
			wt := make([]float32, len(l.Weight.data)) // PyTorch's [out, in]
			transpose(wt, l.Weight.data, l.In, l.Out)
			qw, scales := quantizeRows(wt, l.Out, l.In, perChannel, step)
			bias := l.Bias.view().Clone()
			out[i] = &QuantLinearLayer{In: l.In, Out: l.Out, Bias: bias, w: newQLinear(l.Out, l.In, qw, scales, bias.data)}
		case *EmbeddingLayer:
			if skipEmb {
				out[i] = l
				continue
			}
			if group > 0 {
				out[i] = newQuantEmbedding4(l.Vocab, l.Dim, group, l.PaddingIdx, quantizeQ4(l.Weight.data, l.Vocab, l.Dim, group))
				continue
			}
			out[i] = quantizeEmbedding(l, step)
		case *LSTMLayer:
			out[i] = &QuantLSTMLayer{In: l.In, Hidden: l.Hidden, NumLayers: l.NumLayers, weights: quantizeRNN(l.weights, perChannel, step)}
		case *GRULayer:
			out[i] = &QuantGRULayer{In: l.In, Hidden: l.Hidden, NumLayers: l.NumLayers, weights: quantizeRNN(l.weights, perChannel, step)}
		case *Model:
			out[i] = quantizeModel(l, perChannel, step, group, skipEmb)
		default:
			out[i] = l
		}
	}
	return Sequential(out...)
}

// quantizeEmbedding stores each row as uint8 with its own scale and zero
// point; with an explicit step, every row has scale step and zero point 128
// (x̂ = round(x/step) clamped to [-128, 127], shifted into uint8).
func quantizeEmbedding(e *EmbeddingLayer, step float64) *QuantEmbeddingLayer {
	q := &QuantEmbeddingLayer{Vocab: e.Vocab, Dim: e.Dim, PaddingIdx: e.PaddingIdx,
		q: make([]uint8, e.Vocab*e.Dim), scales: make([]float32, e.Vocab), zeroPoints: make([]float32, e.Vocab)}
	for id := 0; id < e.Vocab; id++ {
		row := e.Weight.data[id*e.Dim : (id+1)*e.Dim]
		var s, z float32
		if step > 0 {
			s, z = float32(step), 128
		} else {
			s, z = embeddingRowParams(row)
		}
		q.scales[id], q.zeroPoints[id] = s, z
		for j, v := range row {
			var x float32
			if step > 0 {
				x = float32(quantizeInt8(v, s)) + 128
			} else {
				x = min(max(roundEven(v/s+z), 0), 255)
			}
			q.q[id*e.Dim+j] = uint8(x)
		}
	}
	return q
}

// QuantReport says what quantization did to a model: per layer its kind,
// parameters, bytes before and after, the largest and mean weight error and
// the output error on a sample batch; and for the model its size, the metric
// on the validation set and the prediction latency before and after. It
// prints as a table (String) and shows as one in a notebook (Table).
type QuantReport struct {
	Layers []QuantLayerReport
	// BytesBefore and BytesAfter are the sizes of the weights as stored
	// (float32: 4 bytes a value; int8: 1 byte a value plus float32 scales).
	BytesBefore, BytesAfter int
	// Metric is the name of MetricBefore and MetricAfter, "" without a
	// validation set.
	Metric                    string
	MetricBefore, MetricAfter float64
	// SampleSize is the number of samples in the batch the output errors and
	// the batch latency were measured on (0: none given).
	SampleSize int
	// OutputMaxError and OutputMeanError compare the final outputs of the float
	// and quantized models on the sample batch.
	OutputMaxError, OutputMeanError float64
	// LatencyBefore/After: median time to predict the sample batch;
	// Latency1Before/After: median time to predict one sample.
	LatencyBefore, LatencyAfter   time.Duration
	Latency1Before, Latency1After time.Duration
}

// QuantLayerReport is one row of a QuantReport.
type QuantLayerReport struct {
	Index                         string // "2", or "1.0" inside a nested model
	Kind                          string // the quantized layer, e.g. "QuantLinear(64→256, int8 per tensor)"
	Params                        int
	BytesBefore, BytesAfter       int
	MaxWeightError, MeanWeightErr float64 // |w - dequantized(w)| over the layer's weights
	OutputMaxError                float64 // largest |float - quantized| output of this layer on the sample batch (the float layer's input)
}

// SizeRatio returns BytesAfter / BytesBefore.
func (r *QuantReport) SizeRatio() float64 { return float64(r.BytesAfter) / float64(r.BytesBefore) }

// newQuantReport measures the report. A sample or validation set that does
// not fit the model, or an unknown metric, panics inside; that becomes the
// error.
func newQuantReport(float, q *Model, cfg QuantConfig) (r *QuantReport, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("report: %v", p)
		}
	}()
	r = &QuantReport{MetricBefore: math.NaN(), MetricAfter: math.NaN(), OutputMaxError: math.NaN(), OutputMeanError: math.NaN()}
	sample := cfg.Sample
	if sample == nil && cfg.Validation.X != nil {
		n := min(cfg.Validation.Len(), 256)
		sample = cfg.Validation.Slice(0, n).X
	}
	r.Layers = layerReports(float, q, sample, "")
	for _, l := range r.Layers {
		r.BytesBefore += l.BytesBefore
		r.BytesAfter += l.BytesAfter
	}
	if sample != nil {
		r.SampleSize = sample.shape[0]
		yf, yq := float.Predict(sample), q.Predict(sample)
		r.OutputMaxError, r.OutputMeanError = diffStats(yf.data, yq.data)
		r.LatencyBefore = medianTime(5, func() { float.Predict(sample) })
		r.LatencyAfter = medianTime(5, func() { q.Predict(sample) })
		one := sample.Rows(0, 1)
		r.Latency1Before = medianTime(51, func() { float.Predict(one) })
		r.Latency1After = medianTime(51, func() { q.Predict(one) })
	}
	if cfg.Validation.X != nil {
		checkDataset("Quantize (validation)", cfg.Validation)
		metric, loss := cfg.Metric, cfg.Loss
		cls := cfg.Validation.IsClassification()
		if metric == "" {
			metric = "mse"
			if cls {
				metric = "accuracy"
			}
		}
		if loss == nil {
			loss = MeanSquaredError()
			if cls {
				loss = CrossEntropy()
			}
		}
		metric = canonicalMetrics("Quantize", []string{metric})[0]
		r.Metric = metric
		r.MetricBefore = float.Evaluate(cfg.Validation, loss, metric).Metrics[metric]
		r.MetricAfter = q.Evaluate(cfg.Validation, loss, metric).Metrics[metric]
	}
	return r, nil
}

// layerReports compares float and quantized layer by layer, feeding both the
// float model's activations so that each row shows that layer's own error.
func layerReports(float, q *Model, x *Tensor, prefix string) []QuantLayerReport {
	var rows []QuantLayerReport
	for i, fl := range float.layers {
		ql := q.layers[i]
		idx := prefix + fmt.Sprint(i)
		if sub, ok := fl.(*Model); ok {
			rows = append(rows, layerReports(sub, ql.(*Model), x, idx+".")...)
			if x != nil {
				x = sub.Predict(x)
			}
			continue
		}
		before := layerStoredBytes(fl)
		if before == 0 {
			if x != nil {
				x = fl.Forward(x.Detach()).Detach()
			}
			continue
		}
		row := QuantLayerReport{Index: idx, Kind: ql.String(), Params: layerParamCount(fl), BytesBefore: before, BytesAfter: layerStoredBytes(ql),
			OutputMaxError: math.NaN()}
		row.MaxWeightError, row.MeanWeightErr = weightErrors(fl, ql)
		if x != nil {
			yf := fl.Forward(x.Detach()).Detach()
			yq := ql.Forward(x.Detach()).Detach()
			row.OutputMaxError, _ = diffStats(yf.data, yq.data)
			x = yf
		}
		rows = append(rows, row)
	}
	return rows
}

// weightErrors compares a float layer's weights (not biases) with the
// quantized layer's dequantized ones.
func weightErrors(fl, ql Layer) (maxErr, meanErr float64) {
	var a, b []float32
	switch fl := fl.(type) {
	case *LinearLayer:
		a, b = fl.Weight.data, ql.(interface{ Dequantized() *Tensor }).Dequantized().data
	case *EmbeddingLayer:
		a = fl.Weight.data
		if qe, ok := ql.(interface{ Dequantized() *Tensor }); ok {
			b = qe.Dequantized().data
		} else {
			b = a
		}
	case *LSTMLayer:
		a, b = rnnWeightsFlat(fl.weights), qrnnWeightsFlat(ql.(*QuantLSTMLayer).weights)
	case *GRULayer:
		a, b = rnnWeightsFlat(fl.weights), qrnnWeightsFlat(ql.(*QuantGRULayer).weights)
	default:
		return math.NaN(), math.NaN()
	}
	return diffStats(a, b)
}

func rnnWeightsFlat(ws []rnnWeights) []float32 {
	var out []float32
	for _, w := range ws {
		out = append(append(out, w.wih.data...), w.whh.data...)
	}
	return out
}

func qrnnWeightsFlat(ws []qrnnWeights) []float32 {
	var out []float32
	for _, w := range ws {
		out = append(append(out, w.ih.dequantized()...), w.hh.dequantized()...)
	}
	return out
}

func diffStats(a, b []float32) (maxErr, meanErr float64) {
	if len(a) == 0 {
		return 0, 0
	}
	var sum float64
	for i := range a {
		d := math.Abs(float64(a[i]) - float64(b[i]))
		maxErr = math.Max(maxErr, d)
		sum += d
	}
	return maxErr, sum / float64(len(a))
}

func medianTime(runs int, f func()) time.Duration {
	ts := make([]time.Duration, runs)
	for i := range ts {
		start := time.Now()
		f()
		ts[i] = time.Since(start)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	return ts[runs/2]
}

// layerParamCount counts a layer's weights and biases, float or quantized.
func layerParamCount(l Layer) int {
	switch l := l.(type) {
	case quantizedLayer:
		return l.storedValues()
	case *Model:
		return l.NumParams()
	}
	return countParams(l.Parameters())
}

// layerStoredBytes is the size of a layer's tensors as Save writes them.
func layerStoredBytes(l Layer) int {
	switch l := l.(type) {
	case quantizedLayer:
		n := 0
		for _, t := range l.storeTensors() {
			n += t.bytes()
		}
		return n
	case *Model:
		return l.StoredBytes()
	}
	n := 0
	for _, t := range Sequential(l).storedTensors("") {
		n += t.bytes()
	}
	return n
}

// StoredBytes returns the size of the model's weights as Save writes them:
// 4 bytes a float32 value, 1 byte a quantized one plus its scales, and for a
// pruned weight saved sparse 6 bytes a kept value plus 4 a row.
func (m *Model) StoredBytes() int {
	n := 0
	for _, l := range m.layers {
		n += layerStoredBytes(l)
	}
	return n
}

// IsQuantized reports whether any layer of the model (or of a nested model)
// was quantized by Quantize.
func (m *Model) IsQuantized() bool {
	for _, l := range m.layers {
		switch l := l.(type) {
		case quantizedLayer:
			return true
		case *Model:
			if l.IsQuantized() {
				return true
			}
		}
	}
	return false
}

// String prints the report as a table with a summary line, e.g.
//
//	#  layer                                  params  bytes before  bytes after  max |Δw|  mean |Δw|  max |Δy|
//	0  QuantLinear(64→256, int8 per tensor)   16,640  66,560        17,412       0.0019    0.00049    0.011
//	...
func (r *QuantReport) String() string {
	cols, rows := r.Table()
	var b strings.Builder
	widths := make([]int, len(cols))
	cells := make([][]string, len(rows)+1)
	cells[0] = cols
	for i, row := range rows {
		cells[i+1] = make([]string, len(row))
		for j, v := range row {
			cells[i+1][j] = fmt.Sprint(v)
		}
	}
	for _, row := range cells {
		for j, c := range row {
			widths[j] = max(widths[j], len([]rune(c)))
		}
	}
	for _, row := range cells {
		for j, c := range row {
			if j < len(row)-1 {
				c += strings.Repeat(" ", widths[j]-len([]rune(c))+2)
			}
			b.WriteString(c)
		}
		b.WriteString("\n")
	}
	b.WriteString(r.Headline())
	return b.String()
}

// Headline summarises the model-level figures on one line.
func (r *QuantReport) Headline() string {
	s := fmt.Sprintf("size %s → %s bytes (%.3fx)", groupDigits(r.BytesBefore), groupDigits(r.BytesAfter), r.SizeRatio())
	if r.Metric != "" {
		s += fmt.Sprintf("; %s %.4f → %.4f", r.Metric, r.MetricBefore, r.MetricAfter)
	}
	if r.SampleSize > 0 {
		s += fmt.Sprintf("; output max |Δ| %.3g; latency %d samples %s → %s, 1 sample %s → %s", r.OutputMaxError, r.SampleSize,
			roundDuration(r.LatencyBefore), roundDuration(r.LatencyAfter), roundDuration(r.Latency1Before), roundDuration(r.Latency1After))
	}
	return s
}

// Table returns one row per quantized layer and a total row, for a display
// table; the model-level figures follow as rows of their own.
func (r *QuantReport) Table() (columns []string, rows [][]any) {
	columns = []string{"#", "layer", "params", "bytes before", "bytes after", "max |Δw|", "mean |Δw|", "max |Δy|"}
	params := 0
	for _, l := range r.Layers {
		params += l.Params
		rows = append(rows, []any{l.Index, l.Kind, groupDigits(l.Params), groupDigits(l.BytesBefore), groupDigits(l.BytesAfter),
			sig3(l.MaxWeightError), sig3(l.MeanWeightErr), sig3(l.OutputMaxError)})
	}
	rows = append(rows, []any{"", fmt.Sprintf("total (%.3fx)", r.SizeRatio()), groupDigits(params), groupDigits(r.BytesBefore), groupDigits(r.BytesAfter), "", "", sig3(r.OutputMaxError)})
	if r.Metric != "" {
		rows = append(rows, []any{"", r.Metric + " before → after", "", sig4(r.MetricBefore), sig4(r.MetricAfter), "", "", ""})
	}
	if r.SampleSize > 0 {
		rows = append(rows,
			[]any{"", fmt.Sprintf("latency, %d samples", r.SampleSize), "", roundDuration(r.LatencyBefore).String(), roundDuration(r.LatencyAfter).String(), "", "", ""},
			[]any{"", "latency, 1 sample", "", roundDuration(r.Latency1Before).String(), roundDuration(r.Latency1After).String(), "", "", ""})
	}
	return columns, rows
}

func sig3(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3g", v)
}

func sig4(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.4f", v)
}
