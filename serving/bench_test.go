package serving

import (
	"net/http"
	"net/http/httptest"
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
