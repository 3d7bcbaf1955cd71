package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"gopad.dev/gopad/ml"
)

// Lineage says where a published version came from: the notebook and cell that
// published it, a hash of the notebook's content at that moment, when, and what
// the model carried (metrics, training history, compression report). Every
// field is optional except Time, which Publish sets when it is zero.
type Lineage struct {
	// Notebook is the notebook's path relative to the notebook root.
	Notebook string `json:"notebook,omitempty"`
	// Cell is the id of the cell that published (nbformat 4.5 cell id).
	Cell string `json:"cell,omitempty"`
	// ContentHash is ContentHash of the notebook's content when it published.
	ContentHash string `json:"content_hash,omitempty"`
	// Source says how it was published: "cell", "button", "cli", ...
	Source string    `json:"source,omitempty"`
	Time   time.Time `json:"time"`
	// Metrics are the model's figures (e.g. "accuracy": 0.97).
	Metrics map[string]Float `json:"metrics,omitempty"`
	// History is the training history (RecordHistory of Fit's result).
	History *History `json:"history,omitempty"`
	// Compression is the quantization and pruning report, if any.
	Compression *Compression `json:"compression,omitempty"`
}

// ContentHash returns the hash recorded in Lineage.ContentHash for a
// notebook's bytes: "sha256:" and the hex digest.
func ContentHash(content []byte) string {
	sum := sha256.Sum256(content)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Float is a float64 that survives JSON: NaN and infinities (a metric with
// no validation set, a diverged loss) are written as null rather than making
// the whole record unwritable.
type Float float64

// MarshalJSON writes null for NaN and infinities.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON reads null as NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

// Metrics converts a metric map for Lineage.Metrics.
func Metrics(m map[string]float64) map[string]Float {
	if m == nil {
		return nil
	}
	out := make(map[string]Float, len(m))
	for k, v := range m {
		out[k] = Float(v)
	}
	return out
}

// History is the record of a training run kept with a version: per epoch the
// loss and metrics on the training and validation data.
type History struct {
	Epochs     []Epoch `json:"epochs"`
	Planned    int     `json:"planned,omitempty"`
	Stopped    bool    `json:"stopped,omitempty"`
	StopReason string  `json:"stop_reason,omitempty"`
	Seed       int64   `json:"seed,omitempty"`
	ElapsedMS  int64   `json:"elapsed_ms,omitempty"`
}

// Epoch is one epoch of a History.
type Epoch struct {
	Epoch      int              `json:"epoch"`
	Loss       Float            `json:"loss"`
	ValLoss    Float            `json:"val_loss"`
	Metrics    map[string]Float `json:"metrics,omitempty"`
	ValMetrics map[string]Float `json:"val_metrics,omitempty"`
	LR         Float            `json:"lr,omitempty"`
}

// RecordHistory converts Fit's result for Lineage.History (nil for nil).
func RecordHistory(h *ml.History) *History {
	if h == nil {
		return nil
	}
	out := &History{Planned: h.Planned, Stopped: h.Stopped, StopReason: h.StopReason, Seed: h.Seed, ElapsedMS: h.Elapsed.Milliseconds()}
	for _, e := range h.Epochs {
		out.Epochs = append(out.Epochs, Epoch{Epoch: e.Epoch, Loss: Float(e.Loss), ValLoss: Float(e.ValLoss),
			Metrics: Metrics(e.Metrics), ValMetrics: Metrics(e.ValMetrics), LR: Float(e.LR)})
	}
	return out
}

// Compression is the compression report kept with a version.
type Compression struct {
	Quantization *Quantization `json:"quantization,omitempty"`
	Pruning      *Pruning      `json:"pruning,omitempty"`
}

// Quantization summarises an ml.QuantReport.
type Quantization struct {
	BytesBefore     int          `json:"bytes_before"`
	BytesAfter      int          `json:"bytes_after"`
	Metric          string       `json:"metric,omitempty"`
	MetricBefore    Float        `json:"metric_before"`
	MetricAfter     Float        `json:"metric_after"`
	OutputMaxError  Float        `json:"output_max_error"`
	LatencyBeforeUS float64      `json:"latency_before_us,omitempty"`
	LatencyAfterUS  float64      `json:"latency_after_us,omitempty"`
	Layers          []QuantLayer `json:"layers,omitempty"`
}

// QuantLayer is one quantized layer of a Quantization.
type QuantLayer struct {
	Index      string `json:"index"`
	Kind       string `json:"kind"`
	Params     int    `json:"params"`
	BytesAfter int    `json:"bytes_after"`
}

// Pruning summarises an ml.PruneReport.
type Pruning struct {
	Weights  int   `json:"weights"`
	Zeros    int   `json:"zeros"`
	Sparsity Float `json:"sparsity"`
}

// RecordCompression converts the reports of ml.Quantize and ml.Prune (either
// may be nil) for Lineage.Compression; nil when both are.
func RecordCompression(q *ml.QuantReport, p *ml.PruneReport) *Compression {
	if q == nil && p == nil {
		return nil
	}
	c := &Compression{}
	if q != nil {
		qr := &Quantization{BytesBefore: q.BytesBefore, BytesAfter: q.BytesAfter, Metric: q.Metric,
			MetricBefore: Float(q.MetricBefore), MetricAfter: Float(q.MetricAfter), OutputMaxError: Float(q.OutputMaxError),
			LatencyBeforeUS: float64(q.LatencyBefore) / 1e3, LatencyAfterUS: float64(q.LatencyAfter) / 1e3}
		for _, l := range q.Layers {
			qr.Layers = append(qr.Layers, QuantLayer{l.Index, l.Kind, l.Params, l.BytesAfter})
		}
		c.Quantization = qr
	}
	if p != nil {
		c.Pruning = &Pruning{Weights: p.Weights, Zeros: p.Zeros}
		if p.Weights > 0 {
			c.Pruning.Sparsity = Float(p.Sparsity())
		}
	}
	return c
}
