package serving

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving/registry"
)

// TestCanarySendsItsExactShareOfUnversionedRequests publishes two digits
// models that compute differently, makes version 1 the canary of version 2
// at 30%, and counts which version answers each request over real HTTP: 30
// of every 100 requests that name no version, by V2 and V1 alike, each
// answer the named version's own computation; requests naming a version are
// not routed and do not move the split; clearing the canary ends it.
func TestCanarySendsItsExactShareOfUnversionedRequests(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir})
	ml.SetSeed(8)
	other := ml.Sequential(ml.Linear(64, 256), ml.ReLU(), ml.Linear(256, 128), ml.ReLU(), ml.Linear(128, 10))
	otherDir := filepath.Join(t.TempDir(), "digits2")
	if err := other.Save(otherDir); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.PublishDir("digits", otherDir, registry.Lineage{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	_, ts := serveRegistry(t, reg, Options{})
	x := ml.FromSlice(slices.Clone(digitsImage), 1, 64)
	want := map[string][]float32{
		"1": loadModel(t, digitsDir).Predict(x).Data(),
		"2": other.Predict(x).Data(),
	}
	if slices.Equal(want["1"], want["2"]) {
		t.Fatal("the two versions compute the same: the test could not tell them apart")
	}
	body := `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":` + floatsJSON(digitsImage) + `}]}`
	answeredBy := func(path string) string {
		t.Helper()
		r := post(t, ts.URL+path, body)
		if r.status != 200 {
			t.Fatalf("POST %s: %d %s", path, r.status, r.body)
		}
		v := r.json(t)
		version := fmt.Sprint(v["model_version"])
		if got := floats(t, outputs(t, v)["output"]["data"]); !slices.Equal(got, want[version]) {
			t.Fatalf("POST %s answered as version %s with %v; that version computes %v", path, version, got, want[version])
		}
		return version
	}

	if err := reg.SetCanary("digits", 1, 30); err != nil {
		t.Fatal(err)
	}
	md := get(t, ts.URL+"/v2/models/digits").json(t)
	params, _ := md["parameters"].(map[string]any)
	if params["canary_version"] != "1" || params["canary_percent"] != float64(30) || params["default_version"] != "2" {
		t.Fatalf("model metadata parameters %v; want the canary named", params)
	}
	counts := map[string]int{}
	for i := range 200 {
		counts[answeredBy("/v2/models/digits/infer")]++
		if i%10 == 0 {
			// Named versions are served as named and do not take a turn.
			if v := answeredBy("/v2/models/digits/versions/2/infer"); v != "2" {
				t.Fatalf("versions/2 answered as version %s", v)
			}
		}
	}
	if counts["1"] != 60 || counts["2"] != 140 {
		t.Fatalf("200 requests without a version: %v; want 60 by the canary (v1) and 140 by the default (v2)", counts)
	}
	// V1's predict routes the same way (and shares the count).
	v1 := map[bool]int{}
	for range 10 {
		r := post(t, ts.URL+"/v1/models/digits:predict", `{"instances":[`+floatsJSON(digitsImage)+`]}`)
		if r.status != 200 {
			t.Fatalf("V1: %d %s", r.status, r.body)
		}
		v1[slices.Equal(floats(t, r.json(t)["predictions"].([]any)[0]), want["1"])]++
	}
	if v1[true] != 3 || v1[false] != 7 {
		t.Fatalf("10 V1 predictions: %d computed by the canary, %d by the default; want 3 and 7", v1[true], v1[false])
	}

	if err := reg.ClearCanary("digits"); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if v := answeredBy("/v2/models/digits/infer"); v != "2" {
			t.Fatalf("after ClearCanary a request was answered by version %s", v)
		}
	}
	md = get(t, ts.URL+"/v2/models/digits").json(t)
	if params, _ := md["parameters"].(map[string]any); params["canary_version"] != nil {
		t.Fatalf("metadata still names a canary: %v", params)
	}
}

// TestCanaryThatCannotLoadIsSaidNotSilentlyDropped: the registry names a
// canary whose files are broken. Every request goes to the default, the
// metadata names no canary, and CanaryError says why.
func TestCanaryThatCannotLoadIsSaidNotSilentlyDropped(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir})
	if _, err := reg.PublishDir("digits", digitsDir, registry.Lineage{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	s, ts := serveRegistry(t, reg, Options{})
	if err := os.WriteFile(filepath.Join(reg.Dir(), "digits", "v1", "model.safetensors"), []byte("broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := reg.SetCanary("digits", 1, 50); err != nil {
		t.Fatal(err)
	}
	err := s.CanaryError("digits")
	if err == nil || !strings.Contains(err.Error(), "canary version 1 is not served") {
		t.Fatalf("CanaryError = %v; want why version 1 is not served", err)
	}
	body := `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":` + floatsJSON(digitsImage) + `}]}`
	for range 4 {
		r := post(t, ts.URL+"/v2/models/digits/infer", body)
		if v := r.json(t)["model_version"]; r.status != 200 || v != "2" {
			t.Fatalf("with a broken canary: %d, version %v; want 200 from version 2", r.status, v)
		}
	}
	if params, _ := get(t, ts.URL+"/v2/models/digits").json(t)["parameters"].(map[string]any); params["canary_version"] != nil {
		t.Fatalf("metadata names a canary that is not served: %v", params)
	}
	if err := reg.ClearCanary("digits"); err != nil {
		t.Fatal(err)
	}
	if err := s.CanaryError("digits"); err != nil {
		t.Fatalf("CanaryError after clearing: %v", err)
	}
}
