package serving

import (
	"bytes"
	"encoding/binary"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkInferDigitsJSON measures the handler's cost of one batch-1 JSON
// request, HTTP transport excluded.
func BenchmarkInferDigitsJSON(b *testing.B) {
	s, err := NewFromDir(digitsDir, "digits", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	body := digitsRequest(digitsImage)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/v2/models/digits/infer", strings.NewReader(body))
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code, w.Body.String())
			}
		}
	})
}

// BenchmarkInferDigitsBinary is the same request with the binary tensor
// extension for the input and the output.
func BenchmarkInferDigitsBinary(b *testing.B) {
	s, err := NewFromDir(digitsDir, "digits", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	header := `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","parameters":{"binary_data_size":256}}],"outputs":[{"name":"output","parameters":{"binary_data":true}}]}`
	body := []byte(header)
	for _, v := range digitsImage {
		body = binary.LittleEndian.AppendUint32(body, math.Float32bits(v))
	}
	hl := strconv.Itoa(len(header))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/v2/models/digits/infer", bytes.NewReader(body))
			req.Header.Set("Inference-Header-Content-Length", hl)
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code, w.Body.String())
			}
		}
	})
}
