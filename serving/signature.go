package serving

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving/oip"
)

// Metadata keys that serving reads from a model (set with Model.SetMeta
// before Save or Publish). They carry the preprocessing and labels that let an
// endpoint take raw inputs and answer with class names.
const (
	// MetaClasses holds the class names ([]string), output index i being
	// class i; "class_names" is read too.
	MetaClasses = "classes"
	// MetaVocabulary holds the *ml.Vocabulary (tokenizer included) of a text
	// model; "vocab" is read too.
	MetaVocabulary = "vocabulary"
	// MetaSequence holds the ml.SeqOptions (length, padding and truncation
	// sides) the text was encoded with in training; "seq" is read too.
	MetaSequence = "sequence"
	// MetaScaler holds the ml.Scaler that training inputs went through.
	MetaScaler = "scaler"
)

// Names of the tensors an endpoint takes and gives.
const (
	InputFeatures = "input"     // FP32 [-1, features...]: a tabular or image model's input
	InputIDs      = "input_ids" // INT64 [-1, len]: token ids for a model starting with an Embedding
	InputText     = "text"      // BYTES [-1]: raw text, through the model's vocabulary and padding
	OutputRaw     = "output"    // FP32 [-1, out...]: the model's output as it computes it
	OutputLabel   = "label"     // BYTES [-1]: the most likely class's name (classifiers)
	OutputProbs   = "probabilities"
	OutputTopK    = "top_k_labels"        // BYTES [-1, k], with the request parameter top_k
	OutputTopKP   = "top_k_probabilities" // FP32 [-1, k]
)

// MaxStringBytes is the longest string a BYTES input element may be.
const MaxStringBytes = 64 << 10

// architecture is what serving reads from model.json beside ml.Load.
type architecture struct {
	Architecture ml.LayerSpec `json:"architecture"`
}

// signature is what one version takes and gives, and how raw inputs become
// the tensor the model computes on.
type signature struct {
	inputs  []oip.TensorMetadata // in metadata order; inputs[0] is the primary
	outputs []oip.TensorMetadata

	kind       inputKind
	sample     []int // one sample's shape as the model takes it; -1: any length (ids, sequences)
	vocabSize  int   // ids must be in [0, vocabSize)
	vocab      *ml.Vocabulary
	seq        *ml.SeqOptions
	scaler     *ml.Scaler
	classes    []string
	outSample  []int // one sample's output shape (dims that vary with the input's length: -1)
	probsFrom  string
	acceptsIDs bool
}

type inputKind int

const (
	kindFeatures inputKind = iota // FP32 values, maybe scaled
	kindIDs                       // token ids for an Embedding
	kindSequence                  // FP32 [T, F] for a recurrent first layer
)

// readSignature derives the signature of a loaded model from its architecture
// (model.json in dir) and metadata.
func readSignature(dir string, m *ml.Model) (*signature, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		return nil, err
	}
	var arch architecture
	if err := json.Unmarshal(raw, &arch); err != nil {
		return nil, fmt.Errorf("model.json: %w", err)
	}
	first, last, ok := firstLastLayers(arch.Architecture)
	if !ok {
		return nil, errors.New("the model has no layers")
	}
	sig := &signature{}
	switch first.Type {
	case "Linear", "QuantLinear":
		sig.kind, sig.sample = kindFeatures, []int{first.In}
	case "Embedding", "QuantEmbedding":
		sig.kind, sig.sample, sig.vocabSize = kindIDs, []int{-1}, first.In
	case "LSTM", "GRU", "QuantLSTM", "QuantGRU":
		sig.kind, sig.sample = kindSequence, []int{-1, first.In}
	default:
		return nil, fmt.Errorf("the model's first layer is %s; serving takes models that start with Linear, Embedding, LSTM or GRU", first.Type)
	}
	switch last.Type {
	case "Softmax":
		sig.probsFrom = "softmax"
	case "LogSoftmax":
		sig.probsFrom = "logsoftmax"
	default:
		sig.probsFrom = "logits"
	}
	if err := readMeta(m, sig); err != nil {
		return nil, err
	}
	if sig.kind == kindIDs && sig.seq != nil {
		sig.sample = []int{sig.seq.MaxLen}
	}
	if err := sig.computeOutputs(m); err != nil {
		return nil, err
	}
	sig.buildMetadata()
	return sig, nil
}

func firstLastLayers(s ml.LayerSpec) (first, last ml.LayerSpec, ok bool) {
	if s.Type != "Sequential" {
		return s, s, true
	}
	var layers []ml.LayerSpec
	var flatten func(ml.LayerSpec)
	flatten = func(s ml.LayerSpec) {
		if s.Type == "Sequential" {
			for _, l := range s.Layers {
				flatten(l)
			}
			return
		}
		layers = append(layers, s)
	}
	flatten(s)
	for _, l := range layers {
		if l.Type != "Dropout" {
			first, ok = l, true
			break
		}
	}
	if len(layers) > 0 {
		last = layers[len(layers)-1]
	}
	return first, last, ok
}

// readMeta reads the preprocessing and labels the model carries, refusing
// metadata that is present but unusable (better than serving wrong answers).
func readMeta(m *ml.Model, sig *signature) error {
	keys := m.MetaKeys()
	find := func(names ...string) string {
		for _, n := range names {
			if slices.Contains(keys, n) {
				return n
			}
		}
		return ""
	}
	if k := find(MetaClasses, "class_names"); k != "" {
		if err := m.Meta(k, &sig.classes); err != nil {
			return fmt.Errorf("metadata %q must be a list of class names: %w", k, err)
		}
	}
	if k := find(MetaScaler); k != "" {
		var s ml.Scaler
		if err := m.Meta(k, &s); err != nil {
			return err
		}
		if err := s.Validate(); err != nil {
			return fmt.Errorf("metadata %q: %w", k, err)
		}
		if sig.kind == kindFeatures && len(s.Offset) != sig.sample[0] {
			return fmt.Errorf("metadata %q scales %d features, the model takes %d", k, len(s.Offset), sig.sample[0])
		}
		sig.scaler = &s
	}
	if k := find(MetaVocabulary, "vocab"); k != "" && sig.kind == kindIDs {
		v := &ml.Vocabulary{}
		if err := m.Meta(k, v); err != nil {
			return err
		}
		if v.Size() > sig.vocabSize {
			return fmt.Errorf("metadata %q has %d tokens, the model's Embedding takes %d", k, v.Size(), sig.vocabSize)
		}
		sig.vocab = v
	}
	if k := find(MetaSequence, "seq"); k != "" && sig.kind == kindIDs {
		var s ml.SeqOptions
		if err := m.Meta(k, &s); err != nil {
			return err
		}
		if s.MaxLen <= 0 || (s.Pad != "" && s.Pad != ml.Left && s.Pad != ml.Right) || (s.Truncate != "" && s.Truncate != ml.Left && s.Truncate != ml.Right) {
			return fmt.Errorf("metadata %q is not usable sequence options: %+v", k, s)
		}
		sig.seq = &s
	}
	return nil
}

// computeOutputs finds the output's shape by asking the model for two input
// lengths: dimensions that change with the length are variable (-1).
func (sig *signature) computeOutputs(m *ml.Model) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the model cannot compute its output shape: %v", r)
		}
	}()
	shapeFor := func(length int) []int {
		in := []int{1}
		for _, d := range sig.sample {
			if d == -1 {
				d = length
			}
			in = append(in, d)
		}
		return m.OutputShape(in)[1:]
	}
	a, b := shapeFor(3), shapeFor(5)
	if len(a) != len(b) {
		return fmt.Errorf("the model's output rank depends on its input length (%v, %v)", a, b)
	}
	sig.outSample = make([]int, len(a))
	for i := range a {
		sig.outSample[i] = a[i]
		if a[i] != b[i] {
			sig.outSample[i] = -1
		}
	}
	if sig.classes != nil {
		if len(sig.outSample) != 1 || sig.outSample[0] != len(sig.classes) {
			return fmt.Errorf("the model has %d class names but its output per sample has shape %v", len(sig.classes), sig.outSample)
		}
	}
	return nil
}

func dims(batch bool, sample []int) []int64 {
	out := []int64{}
	if batch {
		out = append(out, -1)
	}
	for _, d := range sample {
		out = append(out, int64(d))
	}
	return out
}

func (sig *signature) buildMetadata() {
	switch sig.kind {
	case kindFeatures:
		sig.inputs = []oip.TensorMetadata{{Name: InputFeatures, Datatype: oip.FP32, Shape: dims(true, sig.sample)}}
		if sig.scaler != nil {
			sig.inputs[0].Parameters = map[string]any{"scaled_by_server": sig.scaler.Kind}
		}
	case kindSequence:
		sig.inputs = []oip.TensorMetadata{{Name: InputFeatures, Datatype: oip.FP32, Shape: dims(true, sig.sample)}}
	case kindIDs:
		ids := oip.TensorMetadata{Name: InputIDs, Datatype: oip.INT64, Shape: dims(true, sig.sample)}
		sig.acceptsIDs = true
		if sig.vocab != nil && sig.seq != nil {
			text := oip.TensorMetadata{Name: InputText, Datatype: oip.BYTES, Shape: []int64{-1},
				Parameters: map[string]any{"tokenizer": sig.vocab.Tokenizer.Kind, "max_length": sig.seq.MaxLen}}
			sig.inputs = []oip.TensorMetadata{text, ids}
		} else {
			sig.inputs = []oip.TensorMetadata{ids}
		}
	}
	sig.outputs = []oip.TensorMetadata{{Name: OutputRaw, Datatype: oip.FP32, Shape: dims(true, sig.outSample)}}
	if sig.classes != nil {
		sig.outputs = append(sig.outputs,
			oip.TensorMetadata{Name: OutputLabel, Datatype: oip.BYTES, Shape: []int64{-1}},
			oip.TensorMetadata{Name: OutputProbs, Datatype: oip.FP32, Shape: []int64{-1, int64(len(sig.classes))},
				Parameters: map[string]any{"classes": sig.classes}})
	}
}

// textHint says how to make a text model take strings, for errors.
func (sig *signature) textHint() string {
	if sig.kind != kindIDs || (sig.vocab != nil && sig.seq != nil) {
		return ""
	}
	var missing []string
	if sig.vocab == nil {
		missing = append(missing, fmt.Sprintf("model.SetMeta(%q, vocab)", MetaVocabulary))
	}
	if sig.seq == nil {
		missing = append(missing, fmt.Sprintf("model.SetMeta(%q, ml.SeqOptions{...})", MetaSequence))
	}
	return "; to send text, publish the model with " + strings.Join(missing, " and ")
}

// prepared is a request's input as the model takes it.
type prepared struct {
	x      []float32
	n      int   // samples
	sample []int // one sample's shape
}

// prepare validates the request's inputs against the signature and turns them
// into the model's input (tokenizing text, scaling features).
func (sig *signature) prepare(inputs []oip.Tensor) (prepared, error) {
	if len(inputs) != 1 {
		names := make([]string, len(inputs))
		for i, in := range inputs {
			names[i] = in.Name
		}
		return prepared{}, fmt.Errorf("the model takes one input (%s); the request has %d: %s", sig.inputNames(), len(inputs), strings.Join(names, ", "))
	}
	in := &inputs[0]
	if len(sig.inputs) == 1 && in.Name != sig.inputs[0].Name && in.Name != InputText && in.Name != InputIDs && in.Name != InputFeatures {
		// A model with one input takes it under any name, as KServe's
		// servers do (clients often send "input-0" or "input0").
		renamed := *in
		renamed.Name = sig.inputs[0].Name
		in = &renamed
	}
	switch {
	case in.Name == InputText && sig.kind == kindIDs && sig.vocab != nil && sig.seq != nil:
		return sig.prepareText(in)
	case in.Name == InputIDs && sig.acceptsIDs:
		return sig.prepareIDs(in)
	case in.Name == InputFeatures && (sig.kind == kindFeatures || sig.kind == kindSequence):
		return sig.prepareFeatures(in)
	}
	return prepared{}, fmt.Errorf("unknown input %q: the model takes %s%s", in.Name, sig.inputNames(), sig.textHint())
}

func (sig *signature) inputNames() string {
	var s []string
	for _, in := range sig.inputs {
		s = append(s, fmt.Sprintf("%q (%s %v)", in.Name, in.Datatype, in.Shape))
	}
	return strings.Join(s, " or ")
}

// checkShape checks a tensor's shape against the sample shape (with a
// leading batch dimension) and returns the batch size and the sample shape
// with variable dimensions filled in.
func checkShape(in *oip.Tensor, sample []int) (int, []int, error) {
	if len(in.Shape) != len(sample)+1 {
		return 0, nil, fmt.Errorf("input %q has shape %v; the model takes %v (a batch of samples of shape %v)", in.Name, in.Shape, dims(true, sample), sample)
	}
	got := make([]int, len(sample))
	for i, d := range sample {
		s := in.Shape[i+1]
		if d != -1 && s != int64(d) {
			return 0, nil, fmt.Errorf("input %q has shape %v; the model takes %v (dimension %d must be %d)", in.Name, in.Shape, dims(true, sample), i+1, d)
		}
		if s <= 0 {
			return 0, nil, fmt.Errorf("input %q has shape %v: dimension %d must be positive", in.Name, in.Shape, i+1)
		}
		got[i] = int(s)
	}
	if in.Shape[0] <= 0 {
		return 0, nil, fmt.Errorf("input %q has shape %v: the batch is empty", in.Name, in.Shape)
	}
	return int(in.Shape[0]), got, nil
}

func (sig *signature) prepareFeatures(in *oip.Tensor) (prepared, error) {
	if in.Datatype != oip.FP32 {
		return prepared{}, fmt.Errorf("input %q has datatype %s; the model takes FP32", in.Name, in.Datatype)
	}
	n, sample, err := checkShape(in, sig.sample)
	if err != nil {
		return prepared{}, err
	}
	for i, v := range in.FP32 {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return prepared{}, fmt.Errorf("input %q element %d is %v; inputs must be finite", in.Name, i, v)
		}
	}
	x := in.FP32
	if sig.scaler != nil {
		w := len(sig.scaler.Offset)
		x = make([]float32, len(in.FP32))
		for i, v := range in.FP32 {
			j := i % w
			x[i] = float32((float64(v) - sig.scaler.Offset[j]) / sig.scaler.Scale[j])
		}
	}
	return prepared{x: x, n: n, sample: sample}, nil
}

func (sig *signature) prepareIDs(in *oip.Tensor) (prepared, error) {
	switch in.Datatype {
	case oip.INT64, oip.INT32, oip.INT16, oip.INT8, oip.UINT8, oip.UINT16, oip.UINT32, oip.UINT64:
	default:
		return prepared{}, fmt.Errorf("input %q has datatype %s; token ids are integers (INT64)", in.Name, in.Datatype)
	}
	n, sample, err := checkShape(in, sig.sample)
	if err != nil {
		return prepared{}, err
	}
	for i, v := range in.FP32 {
		if v < 0 || int(v) >= sig.vocabSize {
			return prepared{}, fmt.Errorf("input %q element %d is token id %v; the model's vocabulary has ids 0 to %d", in.Name, i, v, sig.vocabSize-1)
		}
	}
	return prepared{x: in.FP32, n: n, sample: sample}, nil
}

func (sig *signature) prepareText(in *oip.Tensor) (prepared, error) {
	if in.Datatype != oip.BYTES {
		return prepared{}, fmt.Errorf("input %q has datatype %s; text is BYTES", in.Name, in.Datatype)
	}
	if len(in.Shape) != 1 {
		return prepared{}, fmt.Errorf("input %q has shape %v; text is a batch of strings, shape [-1]", in.Name, in.Shape)
	}
	if len(in.Bytes) == 0 {
		return prepared{}, fmt.Errorf("input %q has shape %v: the batch is empty", in.Name, in.Shape)
	}
	L := sig.seq.MaxLen
	x := make([]float32, 0, len(in.Bytes)*L)
	for i, s := range in.Bytes {
		if len(s) > MaxStringBytes {
			return prepared{}, fmt.Errorf("input %q element %d is %d bytes long; the limit is %d", in.Name, i, len(s), MaxStringBytes)
		}
		if !utf8.Valid(s) {
			return prepared{}, fmt.Errorf("input %q element %d is not valid UTF-8", in.Name, i)
		}
		tokens := sig.vocab.Tokenizer.Tokenize(string(s))
		if len(tokens) == 0 {
			return prepared{}, fmt.Errorf("input %q element %d (%q) has no tokens", in.Name, i, s)
		}
		ids := make([]int, len(tokens))
		for j, tok := range tokens {
			id := sig.vocab.ID(tok)
			if id < 0 {
				return prepared{}, fmt.Errorf("input %q element %d (%q): token %q is not in the model's vocabulary, which has no unknown token", in.Name, i, s, tok)
			}
			ids[j] = id
		}
		for _, id := range ml.PadSequence(ids, *sig.seq) {
			x = append(x, float32(id))
		}
	}
	return prepared{x: x, n: len(in.Bytes), sample: []int{L}}, nil
}

// probabilities returns the class probabilities of one sample's output.
func (sig *signature) probabilities(out []float32, dst []float32) []float32 {
	switch sig.probsFrom {
	case "softmax":
		return append(dst, out...)
	case "logsoftmax":
		for _, v := range out {
			dst = append(dst, float32(math.Exp(float64(v))))
		}
		return dst
	}
	mx := out[0]
	for _, v := range out {
		mx = max(mx, v)
	}
	var sum float64
	start := len(dst)
	for _, v := range out {
		e := math.Exp(float64(v - mx))
		sum += e
		dst = append(dst, float32(e))
	}
	for i := start; i < len(dst); i++ {
		dst[i] = float32(float64(dst[i]) / sum)
	}
	return dst
}
