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

// ArtifactVersion is the newest version of the model artifact format: Save
// writes version 1 for float models (so that older gopads read them) and
// version 2 for models with quantized layers (int8/uint8 tensors with their
// scales). Load reads this version and older ones and refuses newer ones.
const ArtifactVersion = 2

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
	History       *History                   `json:"history,omitempty"` // of the model's last training, see Model.History
}

type artifactParam struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
	DType string `json:"dtype,omitempty"` // F32 when empty
}

// storedTensor is one tensor of an artifact: float32 values, or the int8 /
// uint8 values of a quantized layer.
type storedTensor struct {
	name  string
	dtype string // "F32", "I8", "U8", and "U16", "I32" for sparse indices
	shape []int
	f32   []float32
	i8    []int8
	u8    []uint8
	u16   []uint16
	i32   []int32
}

func (t storedTensor) len() int {
	switch t.dtype {
	case "I8":
		return len(t.i8)
	case "U8":
		return len(t.u8)
	case "U16":
		return len(t.u16)
	case "I32":
		return len(t.i32)
	}
	return len(t.f32)
}

// elemSize is the size in bytes of one value of a dtype gopad stores.
func elemSize(dtype string) int {
	switch dtype {
	case "F32", "I32":
		return 4
	case "U16":
		return 2
	}
	return 1
}

// Pruned weights are saved sparse, in compressed sparse rows (CSR) of
// PyTorch's layout: NAME.csr_values (F32, the kept weights row by row),
// NAME.csr_cols (U16, their columns) and NAME.csr_rowptr (I32, where each
// row starts, rows+1 values). Kept means unmasked, so the pruning mask comes
// back with Load. A tensor is saved this way when it is pruned, at least half
// zero, and narrow enough for 16-bit columns.
const (
	csrValues = ".csr_values"
	csrCols   = ".csr_cols"
	csrRowPtr = ".csr_rowptr"
)

// sparseStored returns the CSR tensors of the weight t ([rows, cols] in file
// layout, with its mask in the same layout), or nil when t is kept dense.
func sparseStored(name string, t *Tensor, mask []float32) []storedTensor {
	if mask == nil || len(t.shape) != 2 || t.shape[1] > 1<<16 {
		return nil
	}
	rows, cols := t.shape[0], t.shape[1]
	kept := 0
	for _, m := range mask {
		if m != 0 {
			kept++
		}
	}
	if 2*kept > len(mask) {
		return nil
	}
	vals := make([]float32, 0, kept)
	idx := make([]uint16, 0, kept)
	ptr := make([]int32, 1, rows+1)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if mask[r*cols+c] != 0 {
				vals = append(vals, t.data[r*cols+c])
				idx = append(idx, uint16(c))
			}
		}
		ptr = append(ptr, int32(len(vals)))
	}
	return []storedTensor{
		{name: name + csrValues, dtype: "F32", shape: []int{len(vals)}, f32: vals},
		{name: name + csrCols, dtype: "U16", shape: []int{len(idx)}, u16: idx},
		{name: name + csrRowPtr, dtype: "I32", shape: []int{rows + 1}, i32: ptr},
	}
}

// errNoTensor marks a missing tensor in the errors of a tensorGetter (its
// text is empty, so the message names only the tensor).
var errNoTensor = errors.New("")

// denseFromCSR rebuilds a [rows, cols] tensor and its mask from the CSR
// tensors of name, checking every index (the file may be hostile).
func denseFromCSR(name string, vals, cols, ptr *storedTensor, rows, ncols int) (data, mask []float32, err error) {
	if vals.dtype != "F32" {
		return nil, nil, fmt.Errorf("sparse tensor %q has values of dtype %s; want F32", name, vals.dtype)
	}
	err = walkCSR(name, len(vals.f32), cols, ptr, rows, ncols, func(k, at int) {
		if data == nil {
			data, mask = make([]float32, rows*ncols), make([]float32, rows*ncols)
		}
		data[at] = vals.f32[k]
		mask[at] = 1
	})
	if err != nil {
		return nil, nil, err
	}
	if data == nil {
		data, mask = make([]float32, rows*ncols), make([]float32, rows*ncols)
	}
	return data, mask, nil
}

// walkCSR checks the CSR index tensors of name (columns U8 or U16, row
// pointers U16 or I32) for n values of a [rows, ncols] tensor and calls put
// with each value's index and position.
func walkCSR(name string, n int, cols, ptr *storedTensor, rows, ncols int, put func(k, at int)) error {
	var col func(k int) int
	switch cols.dtype {
	case "U8":
		col = func(k int) int { return int(cols.u8[k]) }
	case "U16":
		col = func(k int) int { return int(cols.u16[k]) }
	default:
		return fmt.Errorf("sparse tensor %q has columns of dtype %s; want U8 or U16", name, cols.dtype)
	}
	var at func(r int) int
	switch ptr.dtype {
	case "U16":
		at = func(r int) int { return int(ptr.u16[r]) }
	case "I32":
		at = func(r int) int { return int(ptr.i32[r]) }
	default:
		return fmt.Errorf("sparse tensor %q has row pointers of dtype %s; want U16 or I32", name, ptr.dtype)
	}
	if ptr.len() != rows+1 || at(0) != 0 || at(rows) != n || cols.len() != n {
		return fmt.Errorf("sparse tensor %q: %d row pointers for %d rows, %d values, %d columns: inconsistent", name, ptr.len(), rows, n, cols.len())
	}
	for r := 0; r < rows; r++ {
		a, b := at(r), at(r+1)
		if a > b {
			return fmt.Errorf("sparse tensor %q: row %d starts at %d after its end %d", name, r, a, b)
		}
		for k := a; k < b; k++ {
			c := col(k)
			if c >= ncols {
				return fmt.Errorf("sparse tensor %q: row %d has column %d, the tensor has %d", name, r, c, ncols)
			}
			put(k, r*ncols+c)
		}
	}
	return nil
}

// csrIndexTensors returns the column and row-pointer tensors of name for
// the given columns and row starts, in the smallest dtypes that hold them:
// 8-bit columns for tensors at most 256 wide, 16-bit row pointers for at
// most 65,535 values.
func csrIndexTensors(name string, cols []int, rowPtr []int, ncols int) []storedTensor {
	ct := storedTensor{name: name + csrCols, shape: []int{len(cols)}}
	if ncols <= 1<<8 {
		ct.dtype, ct.u8 = "U8", make([]uint8, len(cols))
		for i, c := range cols {
			ct.u8[i] = uint8(c)
		}
	} else {
		ct.dtype, ct.u16 = "U16", make([]uint16, len(cols))
		for i, c := range cols {
			ct.u16[i] = uint16(c)
		}
	}
	pt := storedTensor{name: name + csrRowPtr, shape: []int{len(rowPtr)}}
	if len(cols) < 1<<16 {
		pt.dtype, pt.u16 = "U16", make([]uint16, len(rowPtr))
		for i, p := range rowPtr {
			pt.u16[i] = uint16(p)
		}
	} else {
		pt.dtype, pt.i32 = "I32", make([]int32, len(rowPtr))
		for i, p := range rowPtr {
			pt.i32[i] = int32(p)
		}
	}
	return []storedTensor{ct, pt}
}

func (t storedTensor) bytes() int { return t.len() * elemSize(t.dtype) }

// storedTensors lists the tensors Save writes, named "layer.name" (Linear
// weights transposed to PyTorch's [out, in]).
func (m *Model) storedTensors(prefix string) []storedTensor {
	var out []storedTensor
	for i, l := range m.layers {
		p := fmt.Sprintf("%s%d.", prefix, i)
		switch l := l.(type) {
		case quantizedLayer:
			for _, t := range l.storeTensors() {
				t.name = p + t.name
				out = append(out, t)
			}
		case *Model:
			out = append(out, l.storedTensors(p)...)
		default:
			var names []string
			if s, ok := l.(savable); ok {
				names = s.paramNames()
			}
			for j, t := range l.Parameters() {
				name := fmt.Sprintf("p%d", j)
				if j < len(names) {
					name = names[j]
				}
				mask := t.mask
				if lin, ok := l.(*LinearLayer); ok && t == lin.Weight {
					if mask != nil {
						mt := make([]float32, len(mask))
						transpose(mt, mask, t.shape[0], t.shape[1])
						mask = mt
					}
					t = t.view().T()
				}
				if sp := sparseStored(p+name, t, mask); sp != nil {
					out = append(out, sp...)
					continue
				}
				out = append(out, storedTensor{name: p + name, dtype: "F32", shape: t.Shape(), f32: t.data})
			}
		}
	}
	return out
}

// restoreTensors fills the layers of a model built from its spec with the
// tensors of an artifact, marking each one used.
func (m *Model) restoreTensors(prefix string, tensors map[string]*storedTensor, used map[string]bool) error {
	for i, l := range m.layers {
		p := fmt.Sprintf("%s%d.", prefix, i)
		get := func(name, dtype string, shape ...int) (*storedTensor, error) {
			full := p + name
			t, ok := tensors[full]
			if !ok {
				return nil, fmt.Errorf("has no tensor %q%w", full, errNoTensor)
			}
			if !slices.Contains(strings.Split(dtype, "|"), t.dtype) {
				return nil, fmt.Errorf("tensor %q has dtype %s, the architecture needs %s", full, t.dtype, dtype)
			}
			if !(len(shape) == 1 && shape[0] == -1) && !sameShape(t.shape, shape) {
				return nil, fmt.Errorf("tensor %q has shape %v, the architecture needs %v", full, t.shape, shape)
			}
			if len(shape) == 1 && shape[0] == -1 && len(t.shape) != 1 {
				return nil, fmt.Errorf("tensor %q has shape %v, the architecture needs one dimension", full, t.shape)
			}
			used[full] = true
			return t, nil
		}
		switch l := l.(type) {
		case quantizedLayer:
			if err := l.restoreTensors(get); err != nil {
				return fmt.Errorf("layer %s%d (%s): %w", prefix, i, strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", l), "*ml."), "Layer"), err)
			}
		case *Model:
			if err := l.restoreTensors(p, tensors, used); err != nil {
				return err
			}
		default:
			var names []string
			if s, ok := l.(savable); ok {
				names = s.paramNames()
			}
			for j, param := range l.Parameters() {
				name := fmt.Sprintf("p%d", j)
				if j < len(names) {
					name = names[j]
				}
				lin, isLin := l.(*LinearLayer)
				transposed := isLin && param == lin.Weight
				want := param.shape
				if transposed {
					want = []int{param.shape[1], param.shape[0]}
				}
				var values, mask []float32
				if vals, ok := tensors[p+name+csrValues]; ok && len(want) == 2 {
					cols, okc := tensors[p+name+csrCols]
					ptr, okp := tensors[p+name+csrRowPtr]
					if !okc || !okp {
						return fmt.Errorf("sparse tensor %q lacks its columns or row pointers", p+name)
					}
					var err error
					if values, mask, err = denseFromCSR(p+name, vals, cols, ptr, want[0], want[1]); err != nil {
						return err
					}
					used[p+name+csrValues], used[p+name+csrCols], used[p+name+csrRowPtr] = true, true, true
				} else {
					t, err := get(name, "F32", want...)
					if err != nil {
						return err
					}
					values = t.f32
				}
				if transposed {
					transpose(param.data, values, want[0], want[1])
					if mask != nil {
						param.mask = make([]float32, len(mask))
						transpose(param.mask, mask, want[0], want[1])
					}
				} else {
					copy(param.data, values)
					param.mask = mask
				}
				weightEdits.Add(1)
			}
		}
	}
	return nil
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
// architecture, the metadata set with SetMeta, the history of the model's last
// training (see History; its per-epoch figures, not the loss of every step)
// and a checksum of the weights.
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
	tensors := m.storedTensors("")
	weights, err := encodeStored(tensors)
	if err != nil {
		return fmt.Errorf("ml: save %s: %w", dir, err)
	}
	sum := sha256.Sum256(weights)
	version := 1
	for _, t := range tensors {
		if t.dtype != "F32" || strings.HasSuffix(t.name, csrValues) {
			version = 2 // quantized or sparse: older gopads cannot read it
		}
	}
	man := artifactManifest{Format: artifactFormat, Version: version, Architecture: spec,
		Weights: weightsFileName, WeightsSHA256: hex.EncodeToString(sum[:]), Metadata: m.meta, History: savedHistory(m.record.history)}
	for _, t := range tensors {
		p := artifactParam{Name: t.name, Shape: t.shape}
		if t.dtype != "F32" {
			p.DType = t.dtype
		}
		man.Params = append(man.Params, p)
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

// encodeSafetensors lays float32 tensors out in the safetensors format.
func encodeSafetensors(names []string, params []*Tensor) ([]byte, error) {
	ts := make([]storedTensor, len(params))
	for i, p := range params {
		ts[i] = storedTensor{name: names[i], dtype: "F32", shape: p.Shape(), f32: p.data}
	}
	return encodeStored(ts)
}

// encodeStored lays the tensors out in the safetensors format (int8 as I8,
// uint8 as U8, float32 as F32, all little-endian).
func encodeStored(ts []storedTensor) ([]byte, error) {
	var header bytes.Buffer
	header.WriteString(`{"__metadata__":{"format":"pt","producer":"gopad"}`)
	var offset int64
	for _, t := range ts {
		size := int64(t.bytes())
		entry, err := json.Marshal(safetensorsEntry{DType: t.dtype, Shape: t.shape, DataOffsets: [2]int64{offset, offset + size}})
		if err != nil {
			return nil, err
		}
		name, _ := json.Marshal(t.name)
		fmt.Fprintf(&header, ",%s:%s", name, entry)
		offset += size
	}
	header.WriteByte('}')
	// Pad the header with spaces so that the data starts 8-byte aligned.
	for header.Len()%8 != 0 {
		header.WriteByte(' ')
	}
	out := make([]byte, 8, 8+header.Len()+int(offset))
	binary.LittleEndian.PutUint64(out, uint64(header.Len()))
	out = append(out, header.Bytes()...)
	for _, t := range ts {
		switch t.dtype {
		case "F32":
			for _, v := range t.f32 {
				out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
			}
		case "I8":
			for _, v := range t.i8 {
				out = append(out, byte(v))
			}
		case "U8":
			out = append(out, t.u8...)
		case "U16":
			for _, v := range t.u16 {
				out = binary.LittleEndian.AppendUint16(out, v)
			}
		case "I32":
			for _, v := range t.i32 {
				out = binary.LittleEndian.AppendUint32(out, uint32(v))
			}
		default:
			return nil, fmt.Errorf("tensor %q: dtype %s cannot be stored", t.name, t.dtype)
		}
	}
	return out, nil
}

// decodeSafetensors parses a safetensors file holding float32 tensors only.
func decodeSafetensors(data []byte) (map[string]*Tensor, error) {
	ts, err := decodeStored(data)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Tensor, len(ts))
	for name, t := range ts {
		if t.dtype != "F32" {
			return nil, fmt.Errorf("tensor %q has dtype %s; only F32 is supported here", name, t.dtype)
		}
		out[name] = &Tensor{shape: t.shape, data: t.f32}
	}
	return out, nil
}

// decodeStored parses a safetensors file holding F32, I8 and U8 tensors. The file
// may be hostile (model.json's checksum is no protection: whoever wrote one wrote
// both), so every size is checked against the bytes actually present before
// anything is allocated, with arithmetic that cannot overflow, and the tensors
// must tile the data section exactly: no overlaps, no gaps (as the format requires).
func decodeStored(data []byte) (map[string]*storedTensor, error) {
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
		dtype      string
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
		if e.DType != "F32" && e.DType != "I8" && e.DType != "U8" && e.DType != "U16" && e.DType != "I32" {
			return nil, fmt.Errorf("tensor %q has dtype %s; only F32 is supported (and I8, U8 for quantized layers, U16, I32 for sparse indices)", name, e.DType)
		}
		size := int64(elemSize(e.DType))
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if begin < 0 || end < begin {
			return nil, fmt.Errorf("corrupt header: tensor %q has data offsets %v; want 0 <= begin <= end", name, e.DataOffsets)
		}
		if end > int64(len(body)) {
			return nil, fmt.Errorf("truncated: tensor %q needs bytes up to %d, the data section has %d", name, end, len(body))
		}
		count, err := shapeElements(e.Shape, end-begin, size)
		if err != nil {
			return nil, fmt.Errorf("corrupt header: tensor %q: %w", name, err)
		}
		if end-begin != size*count {
			return nil, fmt.Errorf("corrupt header: tensor %q offsets %v hold %d bytes, its shape %v needs %d", name, e.DataOffsets, end-begin, e.Shape, size*count)
		}
		spans = append(spans, span{name, e.DType, e.Shape, begin, end})
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
	out := make(map[string]*storedTensor, len(spans))
	for _, sp := range spans {
		raw := body[sp.begin:sp.end]
		t := &storedTensor{name: sp.name, dtype: sp.dtype, shape: sp.shape}
		switch sp.dtype {
		case "F32":
			t.f32 = make([]float32, len(raw)/4)
			for i := range t.f32 {
				t.f32[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		case "I8":
			t.i8 = make([]int8, len(raw))
			for i, v := range raw {
				t.i8[i] = int8(v)
			}
		case "U8":
			t.u8 = append([]uint8(nil), raw...)
		case "U16":
			t.u16 = make([]uint16, len(raw)/2)
			for i := range t.u16 {
				t.u16[i] = binary.LittleEndian.Uint16(raw[2*i:])
			}
		case "I32":
			t.i32 = make([]int32, len(raw)/4)
			for i := range t.i32 {
				t.i32[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		}
		out[sp.name] = t
	}
	return out, nil
}

// shapeElements returns how many elements of the given size shape holds,
// refusing negative dimensions and any count that needs more than the given
// bytes (checked before each multiplication, so it cannot overflow).
func shapeElements(shape []int, bytes, size int64) (int64, error) {
	limit := bytes / size
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
	tensors, err := decodeStored(weights)
	if err != nil {
		return nil, fmt.Errorf("ml: load %s: %s: %w", dir, man.Weights, err)
	}
	model, err := buildModel(man.Architecture)
	if err != nil {
		return nil, fmt.Errorf("ml: load %s: architecture: %w", dir, err)
	}
	used := map[string]bool{}
	if err := model.restoreTensors("", tensors, used); err != nil {
		return nil, fmt.Errorf("ml: load %s: %s %w", dir, man.Weights, err)
	}
	if len(used) != len(tensors) {
		return nil, fmt.Errorf("ml: load %s: %s holds %d tensors, the architecture has %d", dir, man.Weights, len(tensors), len(used))
	}
	model.meta = man.Metadata
	model.record.history = man.History
	model.trained = true // a saved model is taken to be a trained one
	return model, nil
}

// buildModel constructs an untrained model from its spec (quantized layers
// empty until restoreTensors fills them), leaving the package's random
// generator as it was.
func buildModel(spec LayerSpec) (*Model, error) {
	initMu.Lock()
	saved := initRNG
	initRNG = rand.New(rand.NewPCG(0, 0))
	initMu.Unlock()
	layer, err := buildLayer(spec)
	initMu.Lock()
	initRNG = saved
	initMu.Unlock()
	if err != nil {
		return nil, err
	}
	model, ok := layer.(*Model)
	if !ok {
		return nil, fmt.Errorf("architecture is a %s, want Sequential", spec.Type)
	}
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
	case "QuantLinear", "QuantEmbedding", "QuantLSTM", "QuantGRU":
		return buildQuantLayer(s)
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
			out[i] = p.view().T()
		}
	}
	return out
}

// Clone returns an independent copy of the model (architecture, weights,
// pruning masks, metadata such as class names and a scaler, the training
// History, the last evaluation and a quantization report) without optimiser
// state, e.g. to train variants of one starting point. Models with cell-defined layers cannot be cloned.
func (m *Model) Clone() (*Model, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	spec := m.spec()
	if err := checkSavable(spec, "model"); err != nil {
		return nil, fmt.Errorf("ml: Clone: %w", err)
	}
	c, err := buildModel(spec)
	if err != nil {
		return nil, fmt.Errorf("ml: Clone: %w", err)
	}
	tensors := map[string]*storedTensor{}
	for _, t := range m.storedTensors("") {
		t.f32 = append([]float32(nil), t.f32...)
		t.i8 = append([]int8(nil), t.i8...)
		t.u8 = append([]uint8(nil), t.u8...)
		t.u16 = append([]uint16(nil), t.u16...)
		t.i32 = append([]int32(nil), t.i32...)
		tensors[t.name] = &t
	}
	if err := c.restoreTensors("", tensors, map[string]bool{}); err != nil {
		return nil, fmt.Errorf("ml: Clone: %w", err)
	}
	// Pruning masks go with the weights, so that a clone fine-tunes as the
	// original would.
	for i, p := range m.Parameters() {
		if p.mask != nil {
			c.Parameters()[i].mask = append([]float32(nil), p.mask...)
		}
	}
	c.trained = m.trained
	if m.meta != nil {
		c.meta = make(map[string]json.RawMessage, len(m.meta))
		for k, v := range m.meta {
			c.meta[k] = append(json.RawMessage(nil), v...)
		}
	}
	// What the model knows of itself goes with it (its History, what Publish
	// records), as copies: a clone is the same trained model, and changing one
	// record must not change the other's.
	c.record = m.record.clone()
	return c, nil
}

// clone is a deep copy of a model's record.
func (r modelRecord) clone() modelRecord {
	var c modelRecord
	if r.eval != nil {
		c.eval = make(map[string]float64, len(r.eval))
		for k, v := range r.eval {
			c.eval[k] = v
		}
	}
	c.history = r.history.clone()
	if r.quant != nil {
		q := *r.quant
		q.Layers = append([]QuantLayerReport(nil), r.quant.Layers...)
		c.quant = &q
	}
	return c
}
