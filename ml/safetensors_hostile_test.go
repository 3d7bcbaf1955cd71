package ml

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"testing"
)

// safetensorsFile builds a safetensors file from a literal JSON header and data.
func safetensorsFile(header string, data []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	out = append(out, header...)
	return append(out, data...)
}

func TestDecodeSafetensorsRefusesHostileFiles(t *testing.T) {
	eightBytes := make([]byte, 8)
	cases := []struct {
		name, header string
		data         []byte
		want         string
	}{
		{"dims whose product overflows int64 to zero", `{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, nil, "needs more than the 0 bytes"},
		{"dims whose product overflows to the declared size", `{"w":{"dtype":"F32","shape":[2,4611686018427387904],"data_offsets":[0,8]}}`, eightBytes, "needs more than the 8 bytes"},
		{"huge single dim", `{"w":{"dtype":"F32","shape":[9223372036854775807],"data_offsets":[0,8]}}`, eightBytes, "needs more than the 8 bytes"},
		{"dim beyond int64", `{"w":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,8]}}`, eightBytes, "corrupt header entry"},
		{"negative dim", `{"w":{"dtype":"F32","shape":[-2,-1],"data_offsets":[0,8]}}`, eightBytes, "negative dimension"},
		{"negative offset", `{"w":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}`, eightBytes, "0 <= begin <= end"},
		{"offsets reversed", `{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}`, eightBytes, "0 <= begin <= end"},
		{"end beyond the data", `{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, eightBytes, "truncated: tensor \"w\" needs bytes up to 16, the data section has 8"},
		{"end near int64 max", `{"w":{"dtype":"F32","shape":[2],"data_offsets":[9223372036854775800,9223372036854775807]}}`, eightBytes, "truncated"},
		{"shape smaller than offsets", `{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`, eightBytes, "hold 8 bytes, its shape [1] needs 4"},
		{"overlapping tensors", `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 16), "overlap"},
		{"gap between tensors", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, make([]byte, 12), "bytes 4 to 8 of the data section belong to no tensor"},
		{"trailing bytes", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, eightBytes, "cover 4 bytes of a 8-byte data section"},
		{"other dtype", `{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, eightBytes, "only F32"},
		{"entry not an object", `{"a":[1,2]}`, nil, "corrupt header entry \"a\""},
		{"header not JSON", `{"a":`, nil, "corrupt header"},
	}
	for _, c := range cases {
		_, err := decodeSafetensors(safetensorsFile(c.header, c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one containing %q", c.name, err, c.want)
		}
	}
	// The declared header length is checked against the file before it is read.
	for _, n := range []uint64{math.MaxUint64, math.MaxInt64 + 1, maxHeaderBytes + 1, 100} {
		file := binary.LittleEndian.AppendUint64(nil, n)
		file = append(file, `{}`...)
		if _, err := decodeSafetensors(file); err == nil || !strings.Contains(err.Error(), "header length") && !strings.Contains(err.Error(), "header needs") {
			t.Errorf("header length %d in a %d-byte file: %v", n, len(file), err)
		}
	}
}

func TestDecodeSafetensorsAcceptsWhatItShould(t *testing.T) {
	// Tensors listed out of file order, an empty tensor and a scalar all decode.
	data := binary.LittleEndian.AppendUint32(nil, math.Float32bits(1.5))
	data = binary.LittleEndian.AppendUint32(data, math.Float32bits(-2))
	data = binary.LittleEndian.AppendUint32(data, math.Float32bits(3))
	header := `{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2,1],"data_offsets":[4,12]},"empty":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`
	got, err := decodeSafetensors(safetensorsFile(header, data))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || fmt.Sprint(got["a"].data, got["b"].data, got["b"].shape, got["empty"].shape) != "[1.5] [-2 3] [2 1] [0 3]" {
		t.Fatalf("decoded %v", got)
	}
}

// FuzzDecodeSafetensors checks that no file makes the decoder panic or allocate
// more than the file holds, and that what it accepts tiles the data section.
func FuzzDecodeSafetensors(f *testing.F) {
	SetSeed(1)
	m := Sequential(Linear(3, 2), ReLU(), Linear(2, 1))
	good, err := encodeSafetensors(m.paramNames(), fileLayout(m, m.Parameters()))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(safetensorsFile(`{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, nil))
	f.Add(safetensorsFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 16)))
	f.Fuzz(func(t *testing.T, file []byte) {
		tensors, err := decodeSafetensors(file)
		if err != nil {
			return
		}
		headerLen := binary.LittleEndian.Uint64(file)
		var total int
		for name, tensor := range tensors {
			if n := checkShape(tensor.shape); n != len(tensor.data) {
				t.Fatalf("tensor %q has shape %v but %d values", name, tensor.shape, len(tensor.data))
			}
			total += 4 * len(tensor.data)
		}
		if want := len(file) - 8 - int(headerLen); total != want {
			t.Fatalf("accepted tensors hold %d bytes of a %d-byte data section", total, want)
		}
	})
}
