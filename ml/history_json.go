package ml

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// A history routinely holds values JSON has no numbers for: the validation loss
// is NaN when there was no validation data, a metric is NaN for epochs that did
// not report it, and a diverging loss becomes NaN or infinite. History and
// EpochStats therefore encode NaN as null and the infinities as the strings
// "+Inf" and "-Inf", and decode them back, so that SetMeta, Save and Load keep
// a history exactly and charts of it show the missing values as gaps.

// historyFloat is a float64 that encodes NaN as null and ±Inf as strings.
type historyFloat float64

func (f historyFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte("null"), nil
	case math.IsInf(v, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

func (f *historyFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null", `"NaN"`:
		*f = historyFloat(math.NaN())
		return nil
	case `"+Inf"`, `"Inf"`:
		*f = historyFloat(math.Inf(1))
		return nil
	case `"-Inf"`:
		*f = historyFloat(math.Inf(-1))
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("history value %s: want a number, null (missing) or \"+Inf\"/\"-Inf\"", b)
	}
	*f = historyFloat(v)
	return nil
}

func toHistoryFloats(m map[string]float64) map[string]historyFloat {
	if m == nil {
		return nil
	}
	out := make(map[string]historyFloat, len(m))
	for k, v := range m {
		out[k] = historyFloat(v)
	}
	return out
}

func fromHistoryFloats(m map[string]historyFloat) map[string]float64 {
	if m == nil {
		return nil
	}
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = float64(v)
	}
	return out
}

// epochStatsJSON is EpochStats as JSON: the same field names, so that histories
// saved before this encoding (without NaN) still decode.
type epochStatsJSON struct {
	Epoch      int
	Epochs     int
	Loss       historyFloat
	Metrics    map[string]historyFloat
	ValLoss    historyFloat
	ValMetrics map[string]historyFloat
	LR         historyFloat
	Elapsed    time.Duration
	Sparsity   historyFloat
}

// MarshalJSON encodes the epoch's figures with NaN as null and infinities as
// "+Inf"/"-Inf" (JSON has no numbers for them).
func (e EpochStats) MarshalJSON() ([]byte, error) {
	return json.Marshal(epochStatsJSON{Epoch: e.Epoch, Epochs: e.Epochs, Loss: historyFloat(e.Loss),
		Metrics: toHistoryFloats(e.Metrics), ValLoss: historyFloat(e.ValLoss), ValMetrics: toHistoryFloats(e.ValMetrics),
		LR: historyFloat(e.LR), Elapsed: e.Elapsed, Sparsity: historyFloat(e.Sparsity)})
}

// UnmarshalJSON decodes what MarshalJSON writes. A missing ValLoss reads as
// NaN (no validation), as Fit reports it.
func (e *EpochStats) UnmarshalJSON(b []byte) error {
	j := epochStatsJSON{ValLoss: historyFloat(math.NaN())}
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("ml: epoch statistics: %w", err)
	}
	*e = EpochStats{Epoch: j.Epoch, Epochs: j.Epochs, Loss: float64(j.Loss),
		Metrics: fromHistoryFloats(j.Metrics), ValLoss: float64(j.ValLoss), ValMetrics: fromHistoryFloats(j.ValMetrics),
		LR: float64(j.LR), Elapsed: j.Elapsed, Sparsity: float64(j.Sparsity)}
	return nil
}

// historyJSON is History as JSON, with the same field names.
type historyJSON struct {
	Epochs     []EpochStats
	StepLoss   []historyFloat
	Stopped    bool
	StopReason string
	Failed     bool
	Planned    int
	Metrics    []string
	Seed       int64
	Elapsed    time.Duration
}

// MarshalJSON encodes the history with NaN as null and infinities as
// "+Inf"/"-Inf", so that model.SetMeta("history", hist) and Save keep a history
// whose loss diverged or that had no validation data.
func (h History) MarshalJSON() ([]byte, error) {
	j := historyJSON{Epochs: h.Epochs, Stopped: h.Stopped, StopReason: h.StopReason, Failed: h.Failed,
		Planned: h.Planned, Metrics: h.Metrics, Seed: h.Seed, Elapsed: h.Elapsed}
	if h.StepLoss != nil {
		j.StepLoss = make([]historyFloat, len(h.StepLoss))
		for i, v := range h.StepLoss {
			j.StepLoss[i] = historyFloat(v)
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON writes.
func (h *History) UnmarshalJSON(b []byte) error {
	var j historyJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("ml: history: %w", err)
	}
	*h = History{Epochs: j.Epochs, Stopped: j.Stopped, StopReason: j.StopReason, Failed: j.Failed,
		Planned: j.Planned, Metrics: j.Metrics, Seed: j.Seed, Elapsed: j.Elapsed}
	if j.StepLoss != nil {
		h.StepLoss = make([]float64, len(j.StepLoss))
		for i, v := range j.StepLoss {
			h.StepLoss[i] = float64(v)
		}
	}
	return nil
}

// savedHistory is the part of a history Save writes into model.json: all but
// the loss of every step, which can run to hundreds of thousands of values.
func savedHistory(h *History) *History {
	if h == nil {
		return nil
	}
	c := *h
	c.StepLoss = nil
	return &c
}

// clone is a deep copy of h (nil for nil).
func (h *History) clone() *History {
	if h == nil {
		return nil
	}
	c := *h
	c.StepLoss = append([]float64(nil), h.StepLoss...)
	c.Metrics = append([]string(nil), h.Metrics...)
	c.Epochs = make([]EpochStats, len(h.Epochs))
	for i, e := range h.Epochs {
		e.Metrics = copyMetrics(e.Metrics)
		e.ValMetrics = copyMetrics(e.ValMetrics)
		c.Epochs[i] = e
	}
	return &c
}

func copyMetrics(m map[string]float64) map[string]float64 {
	if m == nil {
		return nil
	}
	c := make(map[string]float64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// History returns the history of the model's last training: what its last Fit
// returned, or for a loaded model the one saved with it (without the loss of
// every step). It is nil for a model that was never trained, or that was saved
// by a gopad that did not save histories. As a cell's result it draws the loss
// and metric curves.
func (m *Model) History() *History {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.record.history
}
