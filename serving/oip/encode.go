package oip

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"unsafe"
)

func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// TensorMetadata describes an input or output in model metadata; -1 in Shape
// is a dimension of any size.
type TensorMetadata struct {
	Name     string  `json:"name"`
	Datatype string  `json:"datatype"`
	Shape    []int64 `json:"shape"`
	// Parameters carry gopad's extras, e.g. an output's class names.
	Parameters map[string]any `json:"parameters,omitempty"`
}

// ModelMetadata is the answer to GET /v2/models/{name}[/versions/{v}].
type ModelMetadata struct {
	Name       string           `json:"name"`
	Versions   []string         `json:"versions,omitempty"`
	Platform   string           `json:"platform"`
	Inputs     []TensorMetadata `json:"inputs"`
	Outputs    []TensorMetadata `json:"outputs"`
	Parameters map[string]any   `json:"parameters,omitempty"`
}

// ServerMetadata is the answer to GET /v2.
type ServerMetadata struct {
	Name       string   `json:"name"`
	Version    string   `json:"version"`
	Extensions []string `json:"extensions"`
}

// Response is an inference response.
type Response struct {
	ModelName    string
	ModelVersion string
	ID           string
	Outputs      []Tensor
}

// ErrorBody returns the protocol's error body {"error": msg}.
func ErrorBody(msg string) []byte {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	return append(b, '\n')
}

// AppendResponse appends the encoded response to dst. When some output is
// binary, the JSON part is followed by the outputs' binary data and
// headerLength is the JSON part's length (for the
// Inference-Header-Content-Length header); otherwise headerLength is -1.
func AppendResponse(dst []byte, r *Response) (out []byte, headerLength int) {
	start := len(dst)
	dst = append(dst, `{"model_name":`...)
	dst = appendString(dst, r.ModelName)
	if r.ModelVersion != "" {
		dst = append(dst, `,"model_version":`...)
		dst = appendString(dst, r.ModelVersion)
	}
	if r.ID != "" {
		dst = append(dst, `,"id":`...)
		dst = appendString(dst, r.ID)
	}
	dst = append(dst, `,"outputs":[`...)
	anyBinary := false
	for i := range r.Outputs {
		o := &r.Outputs[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"name":`...)
		dst = appendString(dst, o.Name)
		dst = append(dst, `,"datatype":`...)
		dst = appendString(dst, o.Datatype)
		dst = append(dst, `,"shape":[`...)
		for j, d := range o.Shape {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendInt(dst, d, 10)
		}
		dst = append(dst, ']')
		if o.Binary {
			anyBinary = true
			dst = append(dst, `,"parameters":{"binary_data_size":`...)
			dst = strconv.AppendInt(dst, int64(binarySize(o)), 10)
			dst = append(dst, "}}"...)
			continue
		}
		dst = append(dst, `,"data":[`...)
		if o.Datatype == BYTES {
			for j, s := range o.Bytes {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = appendString(dst, unsafeString(s))
			}
		} else {
			for j, v := range o.FP32 {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = appendFloat(dst, v)
			}
		}
		dst = append(dst, "]}"...)
	}
	dst = append(dst, "]}"...)
	if !anyBinary {
		return append(dst, '\n'), -1
	}
	headerLength = len(dst) - start
	for i := range r.Outputs {
		o := &r.Outputs[i]
		if !o.Binary {
			continue
		}
		if o.Datatype == BYTES {
			for _, s := range o.Bytes {
				dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s)))
				dst = append(dst, s...)
			}
			continue
		}
		for _, v := range o.FP32 {
			dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
		}
	}
	return dst, headerLength
}

func binarySize(o *Tensor) int {
	if o.Datatype == BYTES {
		n := 0
		for _, s := range o.Bytes {
			n += 4 + len(s)
		}
		return n
	}
	return 4 * len(o.FP32)
}

// appendFloat writes v as the shortest decimal that reads back as the same
// float32; NaN and infinities, which JSON cannot carry, as null.
func appendFloat(dst []byte, v float32) []byte {
	if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, float64(v), 'g', -1, 32)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping what JSON requires and
// replacing invalid UTF-8 as encoding/json does.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x80 {
			i++
			continue
		}
		if c < 0x80 {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		// Non-ASCII: let encoding/json handle validity for this rune's run.
		j := i
		for j < len(s) && s[j] >= 0x80 {
			j++
		}
		dst = append(dst, s[start:i]...)
		enc, _ := json.Marshal(s[i:j])
		dst = append(dst, enc[1:len(enc)-1]...)
		i, start = j, j
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
