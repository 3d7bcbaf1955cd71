package ml

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopad.dev/gopad/internal/atomicfile"
)

// ArtifactVersion is the version of the model artifact format that Save writes.
// Load reads this version and older ones and refuses newer ones.
const ArtifactVersion = 1

const (
	artifactFormat  = "gopad.ml.model"
	weightsFileName = "model.safetensors"
	modelFileName   = "model.json"
	maxHeaderBytes  = 64 << 20
)

// artifactManifest is model.json.
type artifactManifest struct {
	Format        string                     `json:"format"`
	Version       int                        `json:"version"`
	Architecture  LayerSpec                  `json:"architecture"`
	Params        []artifactParam            `json:"params"`
	Weights       string                     `json:"weights"`
	WeightsSHA256 string                     `json:"weights_sha256"`
	Metadata      map[string]json.RawMessage `json:"metadata,omitempty"`
}

type artifactParam struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

type safetensorsEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// Save writes the model to the directory dir (created if needed) as a versioned
// artifact: model.safetensors holds the weights in the safetensors layout (an
// 8-byte little-endian header length, a JSON header, raw little-endian float32
// tensors; readable by the Python safetensors package) and model.json the
// architecture, the metadata set with SetMeta, and a checksum of the weights.
// Models with cell-defined layers cannot be saved.
//
// dir names the directory, not a file: Save("digits-model") writes
// digits-model/model.safetensors and digits-model/model.json. A name with a
// file extension from other libraries (Save("model.safetensors"),
// "model.h5", "model.pt", ...) that is not an existing directory is refused with
// an error saying so, rather than making a directory that looks like a file.
func (m *Model) Save(dir string) error {
	if err := checkArtifactDirName(dir); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	spec := m.spec()
	if err := checkSavable(spec, "model"); err != nil {
		return fmt.Errorf("ml: save %s: %w", dir, err)
	}
	names := m.paramNames()
	params := fileLayout(m, m.Parameters())
	weights, err := encodeSafetensors(names, params)
	if err != nil {
		return fmt.Errorf("ml: save %s: %w", dir, err)
	}
	sum := sha256.Sum256(weights)
	man := artifactManifest{Format: artifactFormat, Version: ArtifactVersion, Architecture: spec,
		Weights: weightsFileName, WeightsSHA256: hex.EncodeToString(sum[:]), Metadata: m.meta}
	for i, p := range params {
		man.Params = append(man.Params, artifactParam{Name: names[i], Shape: p.Shape()})
	}
	manJSON, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return fmt.Errorf("ml: save %s: encode model.json: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("ml: save: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("ml: save: %w", err)
	}
	defer root.Close()
	// Each file is replaced atomically (temporary file, fsync, rename, directory
	// fsync). Weights first, manifest last: a directory with a manifest is complete.
	if err := atomicfile.WriteFile(root, weightsFileName, weights, 0o644); err != nil {
		return fmt.Errorf("ml: save %s: %w", dir, err)
	}
	if err := atomicfile.WriteFile(root, modelFileName, append(manJSON, '\n'), 0o644); err != nil {
		return fmt.Errorf("ml: save %s: %w", dir, err)
	}
	return nil
}

// foreignModelExtensions are file extensions of other libraries' model files,
// which people coming from them pass to Save.
var foreignModelExtensions = []string{".safetensors", ".json", ".h5", ".keras", ".pt", ".pth", ".pkl", ".onnx", ".bin", ".ckpt"}

// checkArtifactDirName refuses a Save destination that looks like a file name.
func checkArtifactDirName(dir string) error {
	if dir == "" {
		return errors.New("ml: save: empty directory name")
	}
	ext := strings.ToLower(filepath.Ext(dir))
	if !slices.Contains(foreignModelExtensions, ext) {
		return nil
	}
	if info, err := os.Stat(dir); err == nil && info.IsDir() {
		return nil // an existing directory with an odd name: the user's choice
	}
	stem := strings.TrimSuffix(dir, filepath.Ext(dir))
	return fmt.Errorf("ml: save %s: a model is saved as a directory holding %s and %s, not as one %s file; "+
		"pass a directory name, e.g. Save(%q), and ml.Load(%q) reads it back", dir, weightsFileName, modelFileName, ext, stem, stem)
}

func checkSavable(s LayerSpec, where string) error {
	if strings.HasPrefix(s.Type, "custom:") {
		return fmt.Errorf("%s is a cell-defined layer (%s); only built-in layers can be saved", where, strings.TrimPrefix(s.Type, "custom:"))
	}
	for i, sub := range s.Layers {
		if err := checkSavable(sub, fmt.Sprintf("%s layer %d", where, i)); err != nil {
			return err
		}
	}
	return nil
}

// encodeSafetensors lays the tensors out in the safetensors format.
func encodeSafetensors(names []string, params []*Tensor) ([]byte, error) {
	var header bytes.Buffer
	header.WriteString(`{"__metadata__":{"format":"pt","producer":"gopad"}`)
	var offset int64
	for i, p := range params {
		entry, err := json.Marshal(safetensorsEntry{DType: "F32", Shape: p.Shape(), DataOffsets: [2]int64{offset, offset + 4*int64(len(p.data))}})
		if err != nil {
			return nil, err
		}
		name, _ := json.Marshal(names[i])
		fmt.Fprintf(&header, ",%s:%s", name, entry)
		offset += 4 * int64(len(p.data))
	}
	header.WriteByte('}')
	// Pad the header with spaces so that the data starts 8-byte aligned.
	for header.Len()%8 != 0 {
		header.WriteByte(' ')
	}
	out := make([]byte, 8, 8+header.Len()+int(offset))
	binary.LittleEndian.PutUint64(out, uint64(header.Len()))
	out = append(out, header.Bytes()...)
	for _, p := range params {
		for _, v := range p.data {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
		}
	}
	return out, nil
}

// decodeSafetensors parses a safetensors file holding float32 tensors. The file
// may be hostile (model.json's checksum is no protection: whoever wrote one wrote
// both), so every size is checked against the bytes actually present before
// anything is allocated, with arithmetic that cannot overflow, and the tensors
// must tile the data section exactly: no overlaps, no gaps (as the format requires).
func decodeSafetensors(data []byte) (map[string]*Tensor, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("truncated: %d bytes, shorter than the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > maxHeaderBytes {
		return nil, fmt.Errorf("corrupt: header length %d is implausible (the limit is %d)", n, maxHeaderBytes)
	}
	if uint64(len(data)-8) < n {
		return nil, fmt.Errorf("truncated: header needs %d bytes, the file has %d after the length", n, len(data)-8)
	}
	var header map[string]json.RawMessage
	if err := json.Unmarshal(data[8:8+n], &header); err != nil {
		return nil, fmt.Errorf("corrupt header: %w", err)
	}
	body := data[8+n:]
	type span struct {
		name       string
		shape      []int
		begin, end int64
	}
	var spans []span
	for name, raw := range header {
		if name == "__metadata__" {
			continue
		}
		var e safetensorsEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("corrupt header entry %q: %w", name, err)
		}
		if e.DType != "F32" {
			return nil, fmt.Errorf("tensor %q has dtype %s; only F32 is supported", name, e.DType)
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if begin < 0 || end < begin {
			return nil, fmt.Errorf("corrupt header: tensor %q has data offsets %v; want 0 <= begin <= end", name, e.DataOffsets)
		}
		if end > int64(len(body)) {
			return nil, fmt.Errorf("truncated: tensor %q needs bytes up to %d, the data section has %d", name, end, len(body))
		}
		count, err := shapeElements(e.Shape, end-begin)
		if err != nil {
			return nil, fmt.Errorf("corrupt header: tensor %q: %w", name, err)
		}
		if end-begin != 4*count {
			return nil, fmt.Errorf("corrupt header: tensor %q offsets %v hold %d bytes, its shape %v needs %d", name, e.DataOffsets, end-begin, e.Shape, 4*count)
		}
		spans = append(spans, span{name, e.Shape, begin, end})
	}
	slices.SortFunc(spans, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end), strings.Compare(a.name, b.name))
	})
	var pos int64
	for i, sp := range spans {
		switch {
		case sp.begin < pos:
			return nil, fmt.Errorf("corrupt header: tensors %q and %q overlap in the data section", spans[i-1].name, sp.name)
		case sp.begin > pos:
			return nil, fmt.Errorf("corrupt header: bytes %d to %d of the data section belong to no tensor", pos, sp.begin)
		}
		pos = sp.end
	}
	if pos != int64(len(body)) {
		return nil, fmt.Errorf("corrupt: the tensors cover %d bytes of a %d-byte data section", pos, len(body))
	}
	out := make(map[string]*Tensor, len(spans))
	for _, sp := range spans {
		t := New(sp.shape...)
		for i := range t.data {
			t.data[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[sp.begin+4*int64(i):]))
		}
		out[sp.name] = t
	}
	return out, nil
}

// shapeElements returns how many float32 elements shape holds, refusing negative
// dimensions and any count that needs more than the given bytes (checked before
// each multiplication, so it cannot overflow).
func shapeElements(shape []int, bytes int64) (int64, error) {
	limit := bytes / 4
	count := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
	}
	if slices.Contains(shape, 0) {
		return 0, nil
	}
	for _, d := range shape {
		if int64(d) > limit/count {
			return 0, fmt.Errorf("shape %v needs more than the %d bytes its data offsets give it", shape, bytes)
		}
		count *= int64(d)
	}
	return count, nil
}

// Load reads a model artifact written by Save: the directory dir, or one of its
// two files (Load("digits-model/model.safetensors") reads digits-model). The
// loaded model predicts bit-identically to the saved one. Missing, corrupt,
// truncated or newer-version artifacts give an error that says which.
func Load(dir string) (*Model, error) {
	if base := filepath.Base(dir); base == weightsFileName || base == modelFileName {
		if info, err := os.Stat(dir); err == nil && !info.IsDir() {
			dir = filepath.Dir(dir)
		}
	}
	manJSON, err := os.ReadFile(filepath.Join(dir, modelFileName))
	if err != nil {
		if info, statErr := os.Stat(dir); statErr == nil && !info.IsDir() {
			return nil, fmt.Errorf("ml: load %s: it is a file; Load reads the directory that Save writes (model.json and model.safetensors)", dir)
		}
		return nil, fmt.Errorf("ml: load model: %w", err)
	}
	var probe struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(manJSON, &probe); err != nil {
		return nil, fmt.Errorf("ml: load %s: %s is corrupt: %w", dir, modelFileName, err)
	}
	if probe.Format != artifactFormat {
		return nil, fmt.Errorf("ml: load %s: %s is not a gopad model (format %q)", dir, modelFileName, probe.Format)
	}
	if probe.Version > ArtifactVersion {
		return nil, fmt.Errorf("ml: load %s: artifact version %d is newer than this gopad reads (%d); upgrade gopad", dir, probe.Version, ArtifactVersion)
	}
	if probe.Version < 1 {
		return nil, fmt.Errorf("ml: load %s: invalid artifact version %d", dir, probe.Version)
	}
	var man artifactManifest
	if err := json.Unmarshal(manJSON, &man); err != nil {
		return nil, fmt.Errorf("ml: load %s: %s is corrupt: %w", dir, modelFileName, err)
	}
	if man.Weights == "" || filepath.Base(man.Weights) != man.Weights {
		return nil, fmt.Errorf("ml: load %s: %s names weights file %q; want a file in the same directory", dir, modelFileName, man.Weights)
	}
	weights, err := os.ReadFile(filepath.Join(dir, man.Weights))
	if err != nil {
		return nil, fmt.Errorf("ml: load %s: %w", dir, err)
	}
	sum := sha256.Sum256(weights)
	if hex.EncodeToString(sum[:]) != man.WeightsSHA256 {
		return nil, fmt.Errorf("ml: load %s: %s is corrupt or truncated (checksum does not match model.json)", dir, man.Weights)
	}
	tensors, err := decodeSafetensors(weights)
	if err != nil {
		return nil, fmt.Errorf("ml: load %s: %s: %w", dir, man.Weights, err)
	}
	// Building layers draws initial weights; keep the user's seeded sequence intact.
	initMu.Lock()
	saved := initRNG
	initRNG = rand.New(rand.NewPCG(0, 0))
	initMu.Unlock()
	layer, err := buildLayer(man.Architecture)
	initMu.Lock()
	initRNG = saved
	initMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("ml: load %s: architecture: %w", dir, err)
	}
	model, ok := layer.(*Model)
	if !ok {
		return nil, fmt.Errorf("ml: load %s: architecture is a %s, want Sequential", dir, man.Architecture.Type)
	}
	names, params := model.paramNames(), model.Parameters()
	transposed := transposedParams(model, nil)
	if len(tensors) != len(params) {
		return nil, fmt.Errorf("ml: load %s: %s holds %d tensors, the architecture has %d parameters", dir, man.Weights, len(tensors), len(params))
	}
	for i, p := range params {
		t, ok := tensors[names[i]]
		if !ok {
			return nil, fmt.Errorf("ml: load %s: %s has no tensor %q", dir, man.Weights, names[i])
		}
		want := p.shape
		if transposed[p] {
			want = []int{p.shape[1], p.shape[0]}
		}
		if !sameShape(t.shape, want) {
			return nil, fmt.Errorf("ml: load %s: tensor %q has shape %v, the architecture needs %v", dir, names[i], t.shape, want)
		}
		if transposed[p] {
			transpose(p.data, t.data, want[0], want[1])
		} else {
			copy(p.data, t.data)
		}
	}
	model.meta = man.Metadata
	return model, nil
}

// buildLayer constructs an untrained layer from its spec.
func buildLayer(s LayerSpec) (Layer, error) {
	need := func(ok bool) error {
		if !ok {
			return fmt.Errorf("%s layer has invalid sizes in=%d out=%d layers=%d", s.Type, s.In, s.Out, s.NumLayers)
		}
		return nil
	}
	switch s.Type {
	case "Sequential":
		var layers []Layer
		for i, sub := range s.Layers {
			l, err := buildLayer(sub)
			if err != nil {
				return nil, fmt.Errorf("layer %d: %w", i, err)
			}
			layers = append(layers, l)
		}
		return Sequential(layers...), nil
	case "Linear":
		if err := need(s.In > 0 && s.Out > 0); err != nil {
			return nil, err
		}
		return Linear(s.In, s.Out), nil
	case "Embedding":
		if err := need(s.In > 0 && s.Out > 0); err != nil {
			return nil, err
		}
		e := Embedding(s.In, s.Out)
		if s.PaddingIdx != nil {
			if *s.PaddingIdx < 0 || *s.PaddingIdx >= s.In {
				return nil, fmt.Errorf("Embedding padding index %d out of range [0, %d)", *s.PaddingIdx, s.In)
			}
			e.Padding(*s.PaddingIdx)
		}
		return e, nil
	case "LSTM":
		if err := need(s.In > 0 && s.Out > 0 && s.NumLayers > 0); err != nil {
			return nil, err
		}
		return LSTM(s.In, s.Out).Stacked(s.NumLayers), nil
	case "GRU":
		if err := need(s.In > 0 && s.Out > 0 && s.NumLayers > 0); err != nil {
			return nil, err
		}
		return GRU(s.In, s.Out).Stacked(s.NumLayers), nil
	case "ReLU":
		return ReLU(), nil
	case "Tanh":
		return Tanh(), nil
	case "Sigmoid":
		return Sigmoid(), nil
	case "Softmax":
		return Softmax(), nil
	case "LogSoftmax":
		return LogSoftmax(), nil
	case "Dropout":
		if s.P < 0 || s.P >= 1 {
			return nil, fmt.Errorf("Dropout probability %v out of range [0, 1)", s.P)
		}
		return Dropout(s.P), nil
	case "Flatten":
		return Flatten(), nil
	case "LastStep":
		return LastStep(), nil
	}
	return nil, errors.New("unknown layer type " + fmt.Sprintf("%q", s.Type))
}

// transposedParams collects the parameters stored transposed in artifacts: Linear
// weights, kept as [in, out] in memory and written as PyTorch's [out, in].
func transposedParams(m *Model, set map[*Tensor]bool) map[*Tensor]bool {
	if set == nil {
		set = map[*Tensor]bool{}
	}
	for _, l := range m.layers {
		switch l := l.(type) {
		case *LinearLayer:
			set[l.Weight] = true
		case *Model:
			transposedParams(l, set)
		}
	}
	return set
}

// fileLayout returns params as they are written to an artifact.
func fileLayout(m *Model, params []*Tensor) []*Tensor {
	transposed := transposedParams(m, nil)
	out := make([]*Tensor, len(params))
	for i, p := range params {
		out[i] = p
		if transposed[p] {
			out[i] = p.Detach().T()
		}
	}
	return out
}

// Clone returns an independent copy of the model (architecture, weights and
// metadata) without optimiser state, e.g. to train variants of one starting
// point. Models with cell-defined layers cannot be cloned.
func (m *Model) Clone() (*Model, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	spec := m.spec()
	if err := checkSavable(spec, "model"); err != nil {
		return nil, fmt.Errorf("ml: Clone: %w", err)
	}
	initMu.Lock()
	saved := initRNG
	initRNG = rand.New(rand.NewPCG(0, 0))
	initMu.Unlock()
	layer, err := buildLayer(spec)
	initMu.Lock()
	initRNG = saved
	initMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("ml: Clone: %w", err)
	}
	c := layer.(*Model)
	for i, p := range c.Parameters() {
		copy(p.data, m.Parameters()[i].data)
	}
	if m.meta != nil {
		c.meta = make(map[string]json.RawMessage, len(m.meta))
		for k, v := range m.meta {
			c.meta[k] = v
		}
	}
	return c, nil
}
