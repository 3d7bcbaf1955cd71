package ml

import (
	"encoding/json"
	"fmt"
	"math"
)

// Scaler kinds.
const (
	ScalerStandard = "standard" // (x - mean) / standard deviation
	ScalerMinMax   = "minmax"   // (x - min) / (max - min), into [0, 1]
)

// Scaler maps each input feature x to (x - Offset[j]) / Scale[j]. Fit it on training
// data only (FitStandardScaler, FitMinMaxScaler) and apply the same Scaler to
// validation, test and inference inputs. It marshals to JSON so that a saved model
// can keep its preprocessing.
type Scaler struct {
	Kind   string    `json:"kind"`
	Offset []float64 `json:"offset"`
	Scale  []float64 `json:"scale"`
}

// FitStandardScaler learns each feature's mean and (population) standard deviation
// from d.X. Constant features get scale 1 so they map to 0 rather than NaN.
func FitStandardScaler(d Dataset) Scaler {
	n, w := scalerInput(d, "FitStandardScaler")
	x := d.X.Data()
	mean := make([]float64, w)
	for i := 0; i < n; i++ {
		row := x[i*w : (i+1)*w]
		for j, v := range row {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	scale := make([]float64, w)
	for i := 0; i < n; i++ {
		row := x[i*w : (i+1)*w]
		for j, v := range row {
			dv := float64(v) - mean[j]
			scale[j] += dv * dv
		}
	}
	for j := range scale {
		scale[j] = math.Sqrt(scale[j] / float64(n))
		if scale[j] == 0 {
			scale[j] = 1
		}
	}
	return Scaler{Kind: ScalerStandard, Offset: mean, Scale: scale}
}

// FitMinMaxScaler learns each feature's minimum and range from d.X so that the
// training data maps into [0, 1]. Constant features get scale 1.
func FitMinMaxScaler(d Dataset) Scaler {
	n, w := scalerInput(d, "FitMinMaxScaler")
	x := d.X.Data()
	lo := make([]float64, w)
	hi := make([]float64, w)
	for j := 0; j < w; j++ {
		lo[j], hi[j] = math.Inf(1), math.Inf(-1)
	}
	for i := 0; i < n; i++ {
		row := x[i*w : (i+1)*w]
		for j, v := range row {
			lo[j] = math.Min(lo[j], float64(v))
			hi[j] = math.Max(hi[j], float64(v))
		}
	}
	scale := make([]float64, w)
	for j := range scale {
		scale[j] = hi[j] - lo[j]
		if scale[j] == 0 {
			scale[j] = 1
		}
	}
	return Scaler{Kind: ScalerMinMax, Offset: lo, Scale: scale}
}

func scalerInput(d Dataset, op string) (n, w int) {
	if d.X == nil {
		panic(fmt.Sprintf("ml: %s: dataset has no X", op))
	}
	n, w = d.Len(), d.Features()
	if n == 0 {
		panic(fmt.Sprintf("ml: %s: dataset is empty", op))
	}
	return n, w
}

// Transform returns a copy of d with X scaled; Y and names are kept. It panics if
// d's feature count differs from the scaler's.
func (s Scaler) Transform(d Dataset) Dataset {
	out := d
	out.X = s.TransformTensor(d.X)
	return out
}

// TransformTensor returns a scaled copy of x (shape [n, features...]), e.g. an
// input about to be passed to Predict.
func (s Scaler) TransformTensor(x *Tensor) *Tensor {
	return s.apply(x, false, "Transform")
}

// InverseTransformTensor undoes TransformTensor.
func (s Scaler) InverseTransformTensor(x *Tensor) *Tensor {
	return s.apply(x, true, "InverseTransform")
}

func (s Scaler) apply(x *Tensor, inverse bool, op string) *Tensor {
	if err := s.Validate(); err != nil {
		panic(fmt.Sprintf("ml: Scaler.%s: %v", op, err))
	}
	if x == nil || len(x.Shape()) == 0 {
		panic(fmt.Sprintf("ml: Scaler.%s: input must have shape [n, features...], got %v", op, shapeOf(x)))
	}
	w := rowWidth(x)
	if w != len(s.Offset) {
		panic(fmt.Sprintf("ml: Scaler.%s: input %v has %d features, the scaler was fitted on %d", op, x.Shape(), w, len(s.Offset)))
	}
	out := New(x.Shape()...)
	src, dst := x.Data(), out.Data()
	for i, v := range src {
		j := i % w
		if inverse {
			dst[i] = float32(float64(v)*s.Scale[j] + s.Offset[j])
		} else {
			dst[i] = float32((float64(v) - s.Offset[j]) / s.Scale[j])
		}
	}
	return out
}

// Validate reports whether the scaler is usable: a known kind, matching lengths and
// finite, non-zero scales.
func (s Scaler) Validate() error {
	if s.Kind != ScalerStandard && s.Kind != ScalerMinMax {
		return fmt.Errorf("unknown scaler kind %q (want %q or %q)", s.Kind, ScalerStandard, ScalerMinMax)
	}
	if len(s.Offset) != len(s.Scale) {
		return fmt.Errorf("scaler has %d offsets but %d scales", len(s.Offset), len(s.Scale))
	}
	for j := range s.Scale {
		if s.Scale[j] == 0 || math.IsNaN(s.Scale[j]) || math.IsInf(s.Scale[j], 0) {
			return fmt.Errorf("scaler feature %d has unusable scale %v", j, s.Scale[j])
		}
		if math.IsNaN(s.Offset[j]) || math.IsInf(s.Offset[j], 0) {
			return fmt.Errorf("scaler feature %d has unusable offset %v", j, s.Offset[j])
		}
	}
	return nil
}

// ParseScaler decodes a scaler from its JSON form and validates it.
func ParseScaler(data []byte) (Scaler, error) {
	var s Scaler
	if err := json.Unmarshal(data, &s); err != nil {
		return Scaler{}, err
	}
	return s, nil
}

// UnmarshalJSON decodes a scaler and validates it, so that a scaler restored from
// a model's metadata is known to be usable.
func (s *Scaler) UnmarshalJSON(data []byte) error {
	type plain Scaler // no methods: avoids recursion
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("ml: parse scaler: %w", err)
	}
	if err := Scaler(p).Validate(); err != nil {
		return fmt.Errorf("ml: parse scaler: %w", err)
	}
	*s = Scaler(p)
	return nil
}

// String describes the scaler briefly.
func (s Scaler) String() string {
	return fmt.Sprintf("Scaler(%s, %d features)", s.Kind, len(s.Offset))
}
