// Package oip reads and writes the messages of the Open Inference Protocol v2
// over REST (KServe's "V2" protocol, Triton's HTTP protocol): inference
// requests with flattened or nested tensor data, responses, errors, and
// Triton's binary tensor data extension. It knows nothing of models: the
// serving package validates tensors against a model's signature.
//
// Spec: https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/
// Binary extension: Triton's docs/protocol/extension_binary_data.md.
package oip

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Datatypes of the protocol.
const (
	BOOL   = "BOOL"
	UINT8  = "UINT8"
	UINT16 = "UINT16"
	UINT32 = "UINT32"
	UINT64 = "UINT64"
	INT8   = "INT8"
	INT16  = "INT16"
	INT32  = "INT32"
	INT64  = "INT64"
	FP16   = "FP16"
	FP32   = "FP32"
	FP64   = "FP64"
	BYTES  = "BYTES"
)

// HeaderLength is the HTTP header of the binary extension giving the length of
// the JSON part of a body that carries binary tensors.
const HeaderLength = "Inference-Header-Content-Length"

// ErrBadRequest is wrapped by every decoding error: the request is malformed
// (HTTP 400).
var ErrBadRequest = errors.New("bad request")

func badf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadRequest, fmt.Sprintf(format, args...))
}

// Tensor is an input or output tensor. Numeric data of any datatype is held
// as float32 in FP32 (the models compute in float32; integer inputs are token
// ids and are checked to be exact), strings as BYTES.
type Tensor struct {
	Name     string
	Datatype string
	Shape    []int64
	FP32     []float32
	Bytes    [][]byte
	// Parameters are the tensor's parameters as sent.
	Parameters map[string]json.RawMessage
	// Binary asks for this output as binary data (responses only).
	Binary bool
}

// Elements returns the number of elements the shape holds, or an error for
// negative dimensions or an overflowing product.
func Elements(shape []int64) (int64, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
		if d != 0 && n > math.MaxInt32/d {
			return 0, fmt.Errorf("shape %v holds more than %d elements", shape, math.MaxInt32)
		}
		n *= d
	}
	return n, nil
}

// RequestedOutput is an entry of a request's "outputs".
type RequestedOutput struct {
	Name       string                     `json:"name"`
	Parameters map[string]json.RawMessage `json:"parameters,omitempty"`
}

// Request is a decoded inference request.
type Request struct {
	ID         string
	Parameters map[string]json.RawMessage
	Inputs     []Tensor
	Outputs    []RequestedOutput
	// BinaryOutput is the request parameter binary_data_output: every output
	// as binary data.
	BinaryOutput bool
}

type wireInput struct {
	Name       string                     `json:"name"`
	Shape      []int64                    `json:"shape"`
	Datatype   string                     `json:"datatype"`
	Parameters map[string]json.RawMessage `json:"parameters,omitempty"`
	Data       json.RawMessage            `json:"data"`
}

type wireRequest struct {
	ID         json.RawMessage            `json:"id"`
	Parameters map[string]json.RawMessage `json:"parameters"`
	Inputs     []wireInput                `json:"inputs"`
	Outputs    []RequestedOutput          `json:"outputs"`
}

// DecodeRequest decodes an inference request body. headerLength is the value
// of the Inference-Header-Content-Length header (-1 when absent): the body's
// first headerLength bytes are then the JSON request and the rest the binary
// data of the inputs that have a binary_data_size parameter, in order.
func DecodeRequest(body []byte, headerLength int) (*Request, error) {
	jsonPart, binPart := body, []byte(nil)
	if headerLength >= 0 {
		if headerLength > len(body) {
			return nil, badf("%s is %d but the body has %d bytes", HeaderLength, headerLength, len(body))
		}
		jsonPart, binPart = body[:headerLength], body[headerLength:]
	}
	w, err := decodeFast(jsonPart)
	if err != nil {
		w = wireRequest{}
		dec := json.NewDecoder(bytes.NewReader(jsonPart))
		if err := dec.Decode(&w); err != nil {
			return nil, badf("the body is not a JSON inference request: %v", jsonError(err))
		}
		if dec.More() {
			return nil, badf("the body has data after the JSON request")
		}
	}
	req := &Request{Parameters: w.Parameters, Outputs: w.Outputs}
	if len(w.ID) > 0 && string(w.ID) != "null" {
		if err := unmarshalString(w.ID, &req.ID); err != nil {
			return nil, badf(`"id" must be a string`)
		}
	}
	if raw, ok := w.Parameters["binary_data_output"]; ok {
		if err := UnmarshalBool(raw, &req.BinaryOutput); err != nil {
			return nil, badf(`parameter "binary_data_output" must be true or false`)
		}
	}
	if len(w.Inputs) == 0 {
		return nil, badf(`the request has no "inputs"`)
	}
	req.Inputs = make([]Tensor, 0, len(w.Inputs))
	repeat := firstRepeat(w.Inputs)
	for i, in := range w.Inputs {
		if in.Name == "" {
			return nil, badf("input %d has no name", i)
		}
		if i == repeat {
			return nil, badf("input %q is given twice", in.Name)
		}
		if in.Shape == nil {
			return nil, badf("input %q has no shape", in.Name)
		}
		n, err := Elements(in.Shape)
		if err != nil {
			return nil, badf("input %q: %v", in.Name, err)
		}
		if !knownDatatype(in.Datatype) {
			return nil, badf("input %q has datatype %q; want one of BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64, BYTES", in.Name, in.Datatype)
		}
		t := Tensor{Name: in.Name, Datatype: in.Datatype, Shape: in.Shape, Parameters: in.Parameters}
		if raw, ok := in.Parameters["binary_data_size"]; ok {
			var size int64
			if err := UnmarshalInt(raw, &size); err != nil || size < 0 {
				return nil, badf("input %q: binary_data_size must be a non-negative integer", in.Name)
			}
			if size > int64(len(binPart)) {
				return nil, badf("input %q: binary_data_size %d is more than the %d binary bytes left in the body", in.Name, size, len(binPart))
			}
			if len(in.Data) > 0 && string(in.Data) != "null" {
				return nil, badf("input %q has both binary_data_size and data", in.Name)
			}
			if err := decodeBinary(&t, binPart[:size], n); err != nil {
				return nil, err
			}
			binPart = binPart[size:]
		} else {
			if len(in.Data) == 0 {
				return nil, badf("input %q has no data", in.Name)
			}
			if err := decodeData(&t, in.Data, n); err != nil {
				return nil, err
			}
		}
		req.Inputs = append(req.Inputs, t)
	}
	if len(binPart) != 0 {
		return nil, badf("%d bytes of binary data belong to no input", len(binPart))
	}
	for i, o := range req.Outputs {
		if o.Name == "" {
			return nil, badf("requested output %d has no name", i)
		}
	}
	return req, nil
}

// firstRepeat returns the index of the first input whose name an earlier
// input has, or -1: a scan for the handful of inputs models take, a map for a
// body listing many.
func firstRepeat(inputs []wireInput) int {
	if len(inputs) <= 16 {
		for i := range inputs {
			for _, prev := range inputs[:i] {
				if prev.Name == inputs[i].Name {
					return i
				}
			}
		}
		return -1
	}
	seen := make(map[string]bool, len(inputs))
	for i, in := range inputs {
		if seen[in.Name] {
			return i
		}
		seen[in.Name] = true
	}
	return -1
}

func jsonError(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", err, se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q must be %s, not %s", te.Field, te.Type, te.Value)
	}
	return err.Error()
}

func knownDatatype(dt string) bool {
	switch dt {
	case BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES:
		return true
	}
	return false
}

func integerType(dt string) bool {
	switch dt {
	case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64:
		return true
	}
	return false
}

func intRange(dt string) (lo, hi float64) {
	switch dt {
	case UINT8:
		return 0, math.MaxUint8
	case UINT16:
		return 0, math.MaxUint16
	case UINT32:
		return 0, math.MaxUint32
	case UINT64:
		return 0, math.MaxUint64
	case INT8:
		return math.MinInt8, math.MaxInt8
	case INT16:
		return math.MinInt16, math.MaxInt16
	case INT32:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// decodeData reads a tensor's JSON "data": a flat array in row-major order, or
// arrays nested as the shape says.
func decodeData(t *Tensor, raw []byte, n int64) error {
	p := dataParser{buf: raw, t: t, want: n}
	if t.Datatype == BYTES {
		t.Bytes = make([][]byte, 0, n)
	} else {
		t.FP32 = make([]float32, 0, n)
	}
	p.skipSpace()
	if p.pos >= len(p.buf) || p.buf[p.pos] != '[' {
		// A lone scalar for a tensor of one element.
		if err := p.value(); err != nil {
			return err
		}
	} else {
		dims, err := p.array(0)
		if err != nil {
			return err
		}
		if len(dims) > 1 && !sameDims(dims, t.Shape) {
			return badf("input %q: nested data has shape %v, the input's shape is %v", t.Name, dims, t.Shape)
		}
	}
	p.skipSpace()
	if p.pos != len(p.buf) {
		return badf("input %q: unexpected %q after the data", t.Name, p.buf[p.pos])
	}
	got := int64(len(t.FP32) + len(t.Bytes))
	if got != n {
		return badf("input %q has %d elements of data; its shape %v needs %d", t.Name, got, t.Shape, n)
	}
	return nil
}

func sameDims(dims []int64, shape []int64) bool {
	if len(dims) != len(shape) {
		return false
	}
	for i := range dims {
		if dims[i] != shape[i] {
			return false
		}
	}
	return true
}

type dataParser struct {
	buf  []byte
	pos  int
	t    *Tensor
	want int64
}

func (p *dataParser) skipSpace() {
	for p.pos < len(p.buf) {
		switch p.buf[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// array parses an array at p.pos and returns its dimensions: [len] for a
// flat array, [len, inner...] for nested arrays of equal inner dimensions.
func (p *dataParser) array(depth int) ([]int64, error) {
	if depth > 32 {
		return nil, badf("input %q: data nested deeper than 32 levels", p.t.Name)
	}
	p.pos++ // '['
	var inner []int64
	var count int64
	nested := -1 // unknown until the first element
	for {
		p.skipSpace()
		if p.pos >= len(p.buf) {
			return nil, badf("input %q: data ends inside an array", p.t.Name)
		}
		if p.buf[p.pos] == ']' && count == 0 {
			p.pos++
			return []int64{0}, nil
		}
		isArr := p.buf[p.pos] == '['
		if nested == -1 {
			nested = 0
			if isArr {
				nested = 1
			}
		} else if (nested == 1) != isArr {
			return nil, badf("input %q: data mixes arrays and values at one level", p.t.Name)
		}
		if isArr {
			d, err := p.array(depth + 1)
			if err != nil {
				return nil, err
			}
			if inner == nil {
				inner = d
			} else if !sameDims(inner, d) {
				return nil, badf("input %q: nested data is ragged (%v and %v at one level)", p.t.Name, inner, d)
			}
		} else {
			if err := p.value(); err != nil {
				return nil, err
			}
		}
		count++
		p.skipSpace()
		if p.pos >= len(p.buf) {
			return nil, badf("input %q: data ends inside an array", p.t.Name)
		}
		switch p.buf[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return append([]int64{count}, inner...), nil
		default:
			return nil, badf("input %q: unexpected %q in the data", p.t.Name, p.buf[p.pos])
		}
	}
}

// value parses one element of the tensor's datatype.
func (p *dataParser) value() error {
	if int64(len(p.t.FP32)+len(p.t.Bytes)) >= p.want {
		return badf("input %q has more data than its shape %v holds (%d elements)", p.t.Name, p.t.Shape, p.want)
	}
	switch p.t.Datatype {
	case BYTES:
		if p.pos >= len(p.buf) || p.buf[p.pos] != '"' {
			return badf("input %q is BYTES: its data must be strings", p.t.Name)
		}
		end := p.pos + 1
		escaped := false
		for ; end < len(p.buf); end++ {
			c := p.buf[end]
			if c == '\\' {
				escaped = true
				end++
				continue
			}
			if c == '"' {
				break
			}
		}
		if end >= len(p.buf) {
			return badf("input %q: unterminated string in the data", p.t.Name)
		}
		lit := p.buf[p.pos : end+1]
		p.pos = end + 1
		if !escaped {
			p.t.Bytes = append(p.t.Bytes, lit[1:len(lit)-1])
			return nil
		}
		var s string
		if err := json.Unmarshal(lit, &s); err != nil {
			return badf("input %q: bad string %s in the data", p.t.Name, lit)
		}
		p.t.Bytes = append(p.t.Bytes, []byte(s))
		return nil
	case BOOL:
		switch {
		case bytes.HasPrefix(p.buf[p.pos:], []byte("true")):
			p.pos += 4
			p.t.FP32 = append(p.t.FP32, 1)
		case bytes.HasPrefix(p.buf[p.pos:], []byte("false")):
			p.pos += 5
			p.t.FP32 = append(p.t.FP32, 0)
		default:
			return badf("input %q is BOOL: its data must be true or false", p.t.Name)
		}
		return nil
	}
	start := p.pos
	for p.pos < len(p.buf) {
		c := p.buf[p.pos]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.pos++
			continue
		}
		break
	}
	lit := p.buf[start:p.pos]
	if len(lit) == 0 {
		if p.pos < len(p.buf) && (p.buf[p.pos] == '"' || p.buf[p.pos] == 'N' || p.buf[p.pos] == 'n' || p.buf[p.pos] == 'I') {
			return badf("input %q is %s: its data must be JSON numbers (NaN, Infinity and strings are not numbers)", p.t.Name, p.t.Datatype)
		}
		return badf("input %q: expected a number in the data", p.t.Name)
	}
	v, ok := simpleDecimal(lit)
	if !ok {
		var err error
		v, err = strconv.ParseFloat(unsafeString(lit), 64)
		if err != nil || !validJSONNumber(lit) {
			return badf("input %q: %q is not a number", p.t.Name, lit)
		}
	}
	if integerType(p.t.Datatype) {
		lo, hi := intRange(p.t.Datatype)
		if v != math.Trunc(v) || v < lo || v > hi {
			return badf("input %q is %s: %s is not a value of that type", p.t.Name, p.t.Datatype, lit)
		}
	}
	f := float32(v)
	if math.IsInf(float64(f), 0) {
		return badf("input %q: %s is out of range for %s", p.t.Name, lit, p.t.Datatype)
	}
	p.t.FP32 = append(p.t.FP32, f)
	return nil
}

// simpleDecimal parses the common number of a request, a JSON number without
// exponent and of at most 19 digits, whose digits make an integer m <= 2^53:
// m and 10^k (k <= 22) are then exact in float64, so m / 10^k is the correctly
// rounded value, the one strconv.ParseFloat returns (its own exact path).
// ok is false for every other literal, which then takes strconv's path.
func simpleDecimal(lit []byte) (v float64, ok bool) {
	i, neg := 0, false
	if len(lit) > 0 && lit[0] == '-' {
		i, neg = 1, true
	}
	if i >= len(lit) || len(lit)-i > 20 { // 19 digits and the point
		return 0, false
	}
	var m uint64
	if lit[i] == '0' {
		i++
	} else {
		s := i
		for i < len(lit) && lit[i] >= '0' && lit[i] <= '9' {
			m = m*10 + uint64(lit[i]-'0')
			i++
		}
		if i == s {
			return 0, false
		}
	}
	frac := 0
	if i < len(lit) && lit[i] == '.' {
		i++
		s := i
		for i < len(lit) && lit[i] >= '0' && lit[i] <= '9' {
			m = m*10 + uint64(lit[i]-'0')
			i++
		}
		frac = i - s
		if frac == 0 {
			return 0, false
		}
	}
	if i != len(lit) || m > 1<<53 || frac > 22 {
		return 0, false
	}
	v = float64(m) / exactPow10[frac]
	if neg {
		v = -v
	}
	return v, true
}

var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// validJSONNumber reports whether lit has JSON's number syntax (ParseFloat
// also takes "+1", "1.", ".5", hex and underscores).
func validJSONNumber(lit []byte) bool {
	i := 0
	if i < len(lit) && lit[i] == '-' {
		i++
	}
	digits := func() int {
		s := i
		for i < len(lit) && lit[i] >= '0' && lit[i] <= '9' {
			i++
		}
		return i - s
	}
	if i < len(lit) && lit[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(lit) && lit[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		i++
		if i < len(lit) && (lit[i] == '+' || lit[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(lit)
}

// decodeBinary reads a tensor's binary data: little-endian values, BYTES as a
// 4-byte little-endian length before each string.
func decodeBinary(t *Tensor, raw []byte, n int64) error {
	if t.Datatype == BYTES {
		for len(raw) > 0 {
			if len(raw) < 4 {
				return badf("input %q: binary BYTES data ends inside a length", t.Name)
			}
			l := binary.LittleEndian.Uint32(raw)
			raw = raw[4:]
			if uint64(l) > uint64(len(raw)) {
				return badf("input %q: binary string of %d bytes runs past its data", t.Name, l)
			}
			t.Bytes = append(t.Bytes, raw[:l])
			raw = raw[l:]
		}
		if int64(len(t.Bytes)) != n {
			return badf("input %q has %d strings of binary data; its shape %v needs %d", t.Name, len(t.Bytes), t.Shape, n)
		}
		return nil
	}
	size := 8
	switch t.Datatype {
	case BOOL, UINT8, INT8:
		size = 1
	case UINT16, INT16, FP16:
		size = 2
	case UINT32, INT32, FP32:
		size = 4
	}
	if int64(len(raw)) != n*int64(size) {
		return badf("input %q has %d bytes of binary data; %s of shape %v needs %d", t.Name, len(raw), t.Datatype, t.Shape, n*int64(size))
	}
	t.FP32 = make([]float32, n)
	for i := range t.FP32 {
		b := raw[i*size:]
		var v float64
		switch t.Datatype {
		case FP32:
			t.FP32[i] = math.Float32frombits(binary.LittleEndian.Uint32(b))
			continue
		case BOOL, UINT8:
			v = float64(b[0])
		case INT8:
			v = float64(int8(b[0]))
		case UINT16:
			v = float64(binary.LittleEndian.Uint16(b))
		case INT16:
			v = float64(int16(binary.LittleEndian.Uint16(b)))
		case FP16:
			v = float64(halfToFloat(binary.LittleEndian.Uint16(b)))
		case UINT32:
			v = float64(binary.LittleEndian.Uint32(b))
		case INT32:
			v = float64(int32(binary.LittleEndian.Uint32(b)))
		case UINT64:
			v = float64(binary.LittleEndian.Uint64(b))
		case INT64:
			v = float64(int64(binary.LittleEndian.Uint64(b)))
		case FP64:
			v = math.Float64frombits(binary.LittleEndian.Uint64(b))
		}
		t.FP32[i] = float32(v)
	}
	return nil
}

func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal
		f := float32(frac) / 1024 / 16384
		if sign != 0 {
			f = -f
		}
		return f
	case exp == 31:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}

// DecodeInstances reads the "instances" of a KServe V1 request: a list of
// instances, each a string (BYTES) or a number or array of numbers (FP32,
// or INT64 when intIDs is set and every value is an integer). The tensor's
// shape is the nesting's: [instances, dims...].
func DecodeInstances(name string, raw []byte, intIDs bool) (Tensor, error) {
	i := 0
	for i < len(raw) && (raw[i] == '[' || raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	if len(raw) == 0 || raw[0] != '[' {
		return Tensor{}, badf(`"instances" must be a list`)
	}
	t := Tensor{Name: name, Datatype: FP32}
	if i < len(raw) && raw[i] == '"' {
		t.Datatype = BYTES
	} else if intIDs {
		t.Datatype = INT64
	}
	p := dataParser{buf: raw, t: &t, want: math.MaxInt32}
	shape, err := p.array(0)
	if err != nil {
		return Tensor{}, err
	}
	p.skipSpace()
	if p.pos != len(p.buf) {
		return Tensor{}, badf(`unexpected %q after "instances"`, p.buf[p.pos])
	}
	t.Shape = shape
	return t, nil
}
