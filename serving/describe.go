package serving

import (
	"fmt"
	"slices"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving/oip"
	"gopad.dev/gopad/serving/registry"
)

// Description is what a served version takes and gives, for the endpoint
// page: its protocol metadata and what a try-it form needs to know.
type Description struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
	// Input is the kind of input: "text" (strings through the model's
	// vocabulary), "ids" (token ids), "features" (FP32 rows of Features
	// values), "sequence" (FP32 [steps, Features] per sample).
	Input    string `json:"input"`
	Features int    `json:"features,omitempty"`
	// MaxLength is the padded length of a text or ids input, 0 if any.
	MaxLength int `json:"max_length,omitempty"`
	// Scaler names the scaler the server applies to features ("" = none).
	Scaler string `json:"scaler,omitempty"`
	// Example is a sample a try-it form can start from: for features, the
	// training mean when the model carries a standard scaler (the middle of
	// its range for min-max), else zeros.
	Example []float64            `json:"example,omitempty"`
	Classes []string             `json:"classes,omitempty"`
	Inputs  []oip.TensorMetadata `json:"inputs"`
	Outputs []oip.TensorMetadata `json:"outputs"`
}

// Describe returns what version v of the model takes and gives (v = 0: the
// version served by default), loading it if it is not loaded. The error wraps
// registry.ErrNotFound for an unknown model or version.
func (s *Server) Describe(name string, v int) (Description, error) {
	m := s.modelsMap()[name]
	if m == nil {
		return Description{}, fmt.Errorf("model %q is not served: %w", name, registry.ErrNotFound)
	}
	var ep *endpoint
	if v == 0 {
		if ep = m.def.Load(); ep == nil {
			return Description{}, fmt.Errorf("model %q is not ready: %v", name, s.loadError(name))
		}
	} else {
		if _, err := m.info.Load().Version(v); err != nil {
			return Description{}, err
		}
		var err error
		if ep, err = s.loadVersion(m, v); err != nil {
			return Description{}, err
		}
	}
	sig := ep.sig
	d := Description{Name: name, Version: ep.version, Classes: slices.Clone(sig.classes),
		Inputs: sig.inputs, Outputs: sig.outputs}
	switch sig.kind {
	case kindFeatures:
		d.Input, d.Features = "features", sig.sample[0]
		d.Example = make([]float64, d.Features)
		if sc := sig.scaler; sc != nil && len(sc.Offset) == d.Features && len(sc.Scale) == d.Features {
			d.Scaler = sc.Kind
			for i := range d.Example {
				switch sc.Kind {
				case ml.ScalerStandard:
					d.Example[i] = sc.Offset[i]
				case ml.ScalerMinMax:
					// x' = (x - offset) / scale maps the range to [0, 1].
					d.Example[i] = sc.Offset[i] + 0.5*sc.Scale[i]
				}
			}
		} else if sig.scaler != nil {
			d.Scaler = sig.scaler.Kind
		}
	case kindSequence:
		d.Input, d.Features = "sequence", sig.sample[1]
	case kindIDs:
		d.Input = "ids"
		if sig.vocab != nil && sig.seq != nil {
			d.Input = "text"
		}
		if sig.seq != nil {
			d.MaxLength = sig.seq.MaxLen
		}
	}
	return d, nil
}

// LoadError returns why the model's default version is not served, or nil.
func (s *Server) LoadError(name string) error {
	if err, ok := s.loadErrs.Load(name); ok {
		return err.(error)
	}
	return nil
}

// CanaryError returns why the model's canary is not served although the
// source names one, or nil.
func (s *Server) CanaryError(name string) error {
	if err, ok := s.canaryErrs.Load(name); ok {
		return err.(error)
	}
	return nil
}
