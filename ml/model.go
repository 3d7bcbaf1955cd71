package ml

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"text/tabwriter"
)

// LayerSpec describes a built-in layer's architecture (not its weights); model
// artifacts store one per layer so that Load can rebuild the model.
type LayerSpec struct {
	Type       string      `json:"type"`
	In         int         `json:"in,omitempty"`
	Out        int         `json:"out,omitempty"`
	NumLayers  int         `json:"num_layers,omitempty"`
	PaddingIdx *int        `json:"padding_idx,omitempty"`
	P          float64     `json:"p,omitempty"`
	Quant      string      `json:"quant,omitempty"` // quantized layers: "int8_per_tensor", "int8_per_channel", "uint8_per_row" or "int4_group"
	Group      int         `json:"group,omitempty"` // "int4_group": values per group
	Layers     []LayerSpec `json:"layers,omitempty"`
}

// Model is a stack of layers applied in order, made by Sequential. It trains with
// Fit, predicts with Predict and saves with Save. A Model is itself a Layer, so
// models nest.
//
// Built-in layers run a fused forward/backward path with reused buffers; a model
// that contains a cell-defined layer trains through the general autograd graph.
// Predict, Evaluate and Fit lock the model, so concurrent Predict calls are safe
// (they run one at a time).
type Model struct {
	layers []Layer
	meta   map[string]json.RawMessage

	mu      sync.Mutex
	fast    int8        // 0: not yet known, 1: every layer has the fused path, -1: not
	trained bool        // Fit has taken a step, or the model was loaded or cloned from a trained one
	record  modelRecord // what Publish records with it: last metrics, history, quantization report
}

// Trained reports whether the model has been trained: Fit has taken at least
// one optimisation step on it, or it was loaded with Load (a saved model is
// taken to be a trained one), or it is a copy (Clone, Quantize, Shrink) of a
// trained model. Quantize refuses untrained models.
func (m *Model) Trained() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.trained
}

// Sequential returns a model applying layers in order.
func Sequential(layers ...Layer) *Model {
	for i, l := range layers {
		if l == nil {
			panic(fmt.Sprintf("ml: Sequential: layer %d is nil", i))
		}
	}
	return &Model{layers: layers}
}

// Layers returns the model's layers (the slice is a copy; the layers are shared).
func (m *Model) Layers() []Layer { return append([]Layer(nil), m.layers...) }

// Layer returns layer i.
func (m *Model) Layer(i int) Layer {
	if i < 0 || i >= len(m.layers) {
		panic(fmt.Sprintf("ml: Model.Layer(%d): the model has %d layers", i, len(m.layers)))
	}
	return m.layers[i]
}

// Parameters returns every trainable tensor of every layer, in order.
func (m *Model) Parameters() []*Tensor {
	var ps []*Tensor
	for _, l := range m.layers {
		ps = append(ps, l.Parameters()...)
	}
	return ps
}

// NumParams returns the number of weights and biases: the trainable values,
// and the stored values of quantized layers.
func (m *Model) NumParams() int {
	n := 0
	for _, l := range m.layers {
		n += layerParamCount(l)
	}
	return n
}

func countParams(ps []*Tensor) int {
	n := 0
	for _, p := range ps {
		n += len(p.data)
	}
	return n
}

// OutputShape runs the shape check of every layer in turn.
func (m *Model) OutputShape(in []int) []int {
	s := append([]int(nil), in...)
	for _, l := range m.layers {
		s = l.OutputShape(s)
	}
	return s
}

// Forward applies the layers in order through autograd, so that Backward on a
// loss computed from the result reaches every parameter. Training and Predict
// use a faster path; Forward is for custom training loops and for models with
// cell-defined layers.
func (m *Model) Forward(x *Tensor) *Tensor {
	for _, l := range m.layers {
		x = l.Forward(x)
	}
	return x
}

// ZeroGrad clears the gradients of every parameter.
func (m *Model) ZeroGrad() {
	for _, p := range m.Parameters() {
		p.ZeroGrad()
	}
}

// SetTraining switches layers that behave differently in training (Dropout)
// between training and evaluation mode for Forward. Fit and Predict set the mode
// themselves.
func (m *Model) SetTraining(on bool) {
	for _, l := range m.layers {
		if t, ok := l.(interface{ SetTraining(bool) }); ok {
			t.SetTraining(on)
		}
	}
}

// isFast reports whether every layer (recursively) has the fused path. The
// layers of a model never change, so the answer is computed once.
func (m *Model) isFast() bool {
	if m.fast == 0 {
		m.fast = -1
		if m.computeFast() {
			m.fast = 1
		}
	}
	return m.fast == 1
}

func (m *Model) computeFast() bool {
	for _, l := range m.layers {
		if sub, ok := l.(*Model); ok {
			if !sub.isFast() {
				return false
			}
			continue
		}
		if _, ok := l.(fastLayer); !ok {
			return false
		}
	}
	return true
}

func (m *Model) fastForward(x *Tensor, train bool) *Tensor {
	for _, l := range m.layers {
		x = l.(fastLayer).fastForward(x, train)
	}
	return x
}

func (m *Model) fastBackward(dy *Tensor, needDx bool) *Tensor {
	for i := len(m.layers) - 1; i >= 0; i-- {
		dy = m.layers[i].(fastLayer).fastBackward(dy, needDx || i > 0)
	}
	return dy
}

func (m *Model) reseed(seed uint64) {
	for i, l := range m.layers {
		if r, ok := l.(interface{ reseed(uint64) }); ok {
			r.reseed(seed*1000003 + uint64(i))
		}
	}
}

// Predict returns the model's output for a batch x in evaluation mode (dropout
// off). The result is a new tensor.
//
// A single sample without the batch dimension is accepted too and gives a
// single prediction: for a model taking [N, 64], Predict of a [64] tensor
// returns [10] rather than [1, 10] (as model(x) would after x.Reshape(1, 64) in
// Keras). The model's first layer tells a sample's rank: a Linear or Embedding
// layer takes samples of rank 1, an LSTM or GRU of rank 2.
func (m *Model) Predict(x *Tensor) *Tensor {
	if x == nil {
		panic("ml: Predict: nil input")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.sampleRank(); r > 0 && len(x.shape) == r {
		batch := &Tensor{shape: append([]int{1}, x.shape...), data: x.data}
		y := m.predictLocked(batch)
		y.shape = y.shape[1:]
		return y
	}
	return m.predictLocked(x)
}

// sampleRank returns the rank of one sample as the model takes it (without the
// batch dimension), read from the first layer that fixes it, or 0 when no
// built-in layer does.
func (m *Model) sampleRank() int {
	for _, l := range m.layers {
		switch l := l.(type) {
		case *LinearLayer, *EmbeddingLayer, *QuantLinearLayer, *QuantEmbeddingLayer, *QuantLinear4Layer, *QuantEmbedding4Layer:
			return 1
		case *LSTMLayer, *GRULayer, *LastStepLayer, *QuantLSTMLayer, *QuantGRULayer:
			return 2
		case *ActivationLayer, *DropoutLayer, *SoftmaxLayer:
			// Element-wise: the next layer decides.
		case *Model:
			return l.sampleRank()
		default:
			return 0
		}
	}
	return 0
}

func (m *Model) predictLocked(x *Tensor) *Tensor {
	if !m.isFast() {
		m.SetTraining(false)
		y := m.Forward(x.Detach())
		return y.Detach()
	}
	y := m.fastForward(x, false)
	if len(y.data) <= smallResultLen && len(y.shape) <= 4 {
		// One allocation for the result's header, shape and values: single-sample
		// inference is fast enough for a second allocation to show.
		out := &struct {
			t     Tensor
			shape [4]int
			data  [smallResultLen]float32
		}{}
		out.t.shape = append(out.shape[:0], y.shape...)
		out.t.data = out.data[:copy(out.data[:], y.data):len(y.data)]
		return &out.t
	}
	// Two allocations: the result's header and shape, and its values.
	out := &struct {
		t     Tensor
		shape [4]int
	}{}
	out.t.shape = append(out.shape[:0], y.shape...)
	out.t.data = append([]float32(nil), y.data...)
	return &out.t
}

// smallResultLen is the largest Predict result stored in the same allocation as
// its header, enough for one sample's class scores in common classifiers.
const smallResultLen = 16

// PredictClasses returns the index of the largest output for each sample (one
// index for a single sample, see Predict).
func (m *Model) PredictClasses(x *Tensor) []int {
	y := m.Predict(x)
	k := y.shape[len(y.shape)-1]
	return y.Reshape(-1, k).ArgMax()
}

// String lists the layers and the number of parameters.
func (m *Model) String() string {
	var b strings.Builder
	b.WriteString("Sequential(\n")
	for i, l := range m.layers {
		s := strings.ReplaceAll(l.String(), "\n", "\n  ")
		fmt.Fprintf(&b, "  (%d) %s\n", i, s)
	}
	fmt.Fprintf(&b, ") %s parameters", groupDigits(m.NumParams()))
	return b.String()
}

// Summary returns a table of the layers with their output shapes and parameter
// counts for inputs of the given per-sample shape (without the batch dimension),
// e.g. model.Summary(64) for a model taking 64 features. The batch dimension is
// shown as *. It panics, naming the layer, if the shapes do not fit.
func (m *Model) Summary(inputShape ...int) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tLayer\tOutput shape\tParams")
	shape := append([]int{-1}, inputShape...)
	if len(inputShape) > 0 {
		fmt.Fprintf(tw, "\tinput\t%s\t\n", shapeString(shape))
	}
	for i, l := range m.layers {
		out := "?"
		if len(inputShape) > 0 {
			shape = l.OutputShape(shape)
			out = shapeString(shape)
		}
		name := l.String()
		if sub, ok := l.(*Model); ok {
			name = fmt.Sprintf("Sequential(%d layers)", len(sub.layers))
		}
		name = strings.ReplaceAll(name, "\n", " ")
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", i, name, out, groupDigits(layerParamCount(l)))
	}
	tw.Flush()
	// tabwriter pads every cell, including the last one of the input row.
	table := b.String()
	b.Reset()
	for _, line := range strings.SplitAfter(table, "\n") {
		b.WriteString(strings.TrimRight(line, " \n"))
		if strings.HasSuffix(line, "\n") {
			b.WriteByte('\n')
		}
	}
	if m.IsQuantized() {
		fmt.Fprintf(&b, "Total parameters: %s (%s bytes quantized, %s as float32)", groupDigits(m.NumParams()), groupDigits(m.StoredBytes()), groupDigits(4*m.NumParams()))
	} else {
		fmt.Fprintf(&b, "Total parameters: %s (%s bytes as float32)", groupDigits(m.NumParams()), groupDigits(4*m.NumParams()))
	}
	return b.String()
}

// groupDigits formats n with thousands separators: 50890 -> "50,890".
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + groupDigits(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// SetMeta attaches JSON-encodable metadata (a vocabulary, a scaler, class names)
// to the model; Save writes it and Load restores it.
func (m *Model) SetMeta(key string, value any) error {
	raw, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("ml: SetMeta(%q): %w", key, err)
	}
	if m.meta == nil {
		m.meta = map[string]json.RawMessage{}
	}
	m.meta[key] = raw
	return nil
}

// Meta decodes the metadata stored under key into dst. It reports an error if the
// key is absent or does not decode into dst.
func (m *Model) Meta(key string, dst any) error {
	raw, ok := m.meta[key]
	if !ok {
		return fmt.Errorf("ml: model has no metadata %q", key)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("ml: metadata %q: %w", key, err)
	}
	return nil
}

// MetaKeys returns the keys of the attached metadata.
func (m *Model) MetaKeys() []string {
	keys := make([]string, 0, len(m.meta))
	for k := range m.meta {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func (m *Model) paramNames() []string {
	var names []string
	for i, l := range m.layers {
		var sub []string
		if s, ok := l.(savable); ok {
			sub = s.paramNames()
		} else {
			for j := range l.Parameters() {
				sub = append(sub, fmt.Sprintf("p%d", j))
			}
		}
		for _, n := range sub {
			names = append(names, fmt.Sprintf("%d.%s", i, n))
		}
	}
	return names
}

func (m *Model) spec() LayerSpec {
	s := LayerSpec{Type: "Sequential"}
	for _, l := range m.layers {
		sv, ok := l.(savable)
		if !ok {
			s.Layers = append(s.Layers, LayerSpec{Type: "custom:" + l.String()})
			continue
		}
		s.Layers = append(s.Layers, sv.spec())
	}
	return s
}
