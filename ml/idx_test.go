package ml

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func idxBytes(typ byte, dims []uint32, values any) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, typ, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	binary.Write(&b, binary.BigEndian, values)
	return b.Bytes()
}

// TestReadIDX reads every IDX element type, plain and gzipped, and refuses
// malformed files with errors naming the problem.
func TestReadIDX(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gz := func(data []byte) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(data)
		w.Close()
		return b.Bytes()
	}
	for _, c := range []struct {
		name string
		data []byte
		want []float32
	}{
		{"ubyte", idxBytes(0x08, []uint32{2, 3}, []uint8{0, 1, 2, 200, 254, 255}), []float32{0, 1, 2, 200, 254, 255}},
		{"byte", idxBytes(0x09, []uint32{2, 1, 1}, []int8{-128, 127}), []float32{-128, 127}},
		{"int16", idxBytes(0x0B, []uint32{2}, []int16{-300, 300}), []float32{-300, 300}},
		{"int32", idxBytes(0x0C, []uint32{2}, []int32{-70000, 70000}), []float32{-70000, 70000}},
		{"float32", idxBytes(0x0D, []uint32{2}, []float32{1.5, -0.25}), []float32{1.5, -0.25}},
		{"float64", idxBytes(0x0E, []uint32{1, 2}, []float64{math.Pi, 1e10}), []float32{float32(math.Pi), 1e10}},
		{"gzipped", gz(idxBytes(0x08, []uint32{3}, []uint8{7, 8, 9})), []float32{7, 8, 9}},
	} {
		got, err := ReadIDX(write(c.name, c.data))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !sameBitsTensor(FromSlice(got.Data(), len(c.want)), FromSlice(c.want, len(c.want))) {
			t.Errorf("%s: read %v, want %v", c.name, got.Data(), c.want)
		}
	}
	if got, _ := ReadIDX(filepath.Join(dir, "ubyte")); got == nil || got.Dim(0) != 2 || got.Dim(1) != 3 {
		t.Errorf("ubyte shape: %v", got)
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "no IDX header"},
		{"magic", []byte{1, 0, 8, 1, 0, 0, 0, 1, 5}, "magic number 01000801"},
		{"type", []byte{0, 0, 0x0A, 1, 0, 0, 0, 1, 5}, "element type 0x0a"},
		{"rank0", []byte{0, 0, 8, 0}, "rank 0"},
		{"dims", []byte{0, 0, 8, 2, 0, 0, 0, 1}, "header ends within its 2 dimensions"},
		{"zero dim", idxBytes(0x08, []uint32{0}, []uint8{}), "dimensions [0]: empty"},
		{"huge", idxBytes(0x08, []uint32{1 << 20, 1 << 20}, []uint8{1}), "more than 2147483648 values"},
		{"short", idxBytes(0x0C, []uint32{3}, []int32{1, 2}), "2 values of 3 before the end"},
		{"long", idxBytes(0x08, []uint32{2}, []uint8{1, 2, 3}), "data goes on after the 2 values"},
		{"bad gzip", append([]byte{0x1f, 0x8b}, 1, 2, 3), "gzip"},
	} {
		_, err := ReadIDX(write(c.name, c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: error %v; want one naming the file and containing %q", c.name, err, c.want)
		}
	}
	if _, err := ReadIDX(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file read without error")
	}

	// LoadMNIST on a miniature of the four files.
	mdir := t.TempDir()
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"train-images-idx3-ubyte.gz", gz(idxBytes(0x08, []uint32{2, 2, 2}, []uint8{0, 255, 51, 0, 1, 2, 3, 4}))},
		{"train-labels-idx1-ubyte.gz", gz(idxBytes(0x08, []uint32{2}, []uint8{3, 9}))},
		{"t10k-images-idx3-ubyte", idxBytes(0x08, []uint32{1, 2, 2}, []uint8{255, 255, 0, 0})},
		{"t10k-labels-idx1-ubyte", idxBytes(0x08, []uint32{1}, []uint8{7})},
	} {
		os.WriteFile(filepath.Join(mdir, f.name), f.data, 0o644)
	}
	train, test, err := LoadMNIST(mdir)
	if err != nil {
		t.Fatal(err)
	}
	if train.X.Dim(1) != 4 || train.Len() != 2 || train.X.At(0, 1) != 1 || math.Abs(train.X.At(0, 2)-0.2) > 1e-7 || train.Y.At(1) != 9 || test.Y.At(0) != 7 {
		t.Errorf("LoadMNIST: train %v %v, test %v", train.X.Data(), train.Y.Data(), test.Y.Data())
	}
	os.WriteFile(filepath.Join(mdir, "t10k-labels-idx1-ubyte"), idxBytes(0x08, []uint32{1}, []uint8{12}), 0o644)
	if _, _, err := LoadMNIST(mdir); err == nil || !strings.Contains(err.Error(), "label 0 is 12, not a digit") {
		t.Errorf("bad label: %v", err)
	}
}
