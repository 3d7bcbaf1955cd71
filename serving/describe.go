package serving

import (
	"fmt"
	"slices"

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
	Scaler  string               `json:"scaler,omitempty"`
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
		if sig.scaler != nil {
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
