package serving

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopad.dev/gopad/serving/keys"
)

func TestKeysAreEnforcedPerModel(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir, "langid": langidDir, "iris": irisDir})
	store, err := keys.Open(filepath.Join(t.TempDir(), "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	token, key, err := store.Create("ci", []string{"digits"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetPublic("iris", true); err != nil {
		t.Fatal(err)
	}
	_, ts := serveRegistry(t, reg, Options{Keys: store, Allow: func(r *http.Request) bool {
		c, err := r.Cookie("notebook-session")
		return err == nil && c.Value == "valid"
	}})
	digits := digitsRequest(digitsImage)
	iris := `{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}`
	text := `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["bonjour"]}]}`
	cases := []struct {
		name, path, body string
		header           []string
		want             int
		says             string
	}{
		{"no key", "/v2/models/digits/infer", digits, nil, 401, "needs an API key"},
		{"wrong key", "/v2/models/digits/infer", digits, []string{"Authorization", "Bearer gpk_12345678_nope"}, 401, "not valid"},
		{"basic auth", "/v2/models/digits/infer", digits, []string{"Authorization", "Basic dXNlcjpwYXNz"}, 401, `"Bearer <key>"`},
		{"its model", "/v2/models/digits/infer", digits, []string{"Authorization", "Bearer " + token}, 200, ""},
		{"lower-case scheme", "/v2/models/digits/infer", digits, []string{"Authorization", "bearer " + token}, 200, ""},
		{"another model", "/v2/models/langid/infer", text, []string{"Authorization", "Bearer " + token}, 403, `not allowed to call this model "langid"`},
		{"public model", "/v2/models/iris/infer", iris, nil, 200, ""},
		{"notebook session", "/v2/models/langid/infer", text, []string{"Cookie", "notebook-session=valid"}, 200, ""},
		{"metadata needs a key", "/v2/models/digits", "", nil, 401, "needs an API key"},
		{"unknown model needs a key first", "/v2/models/secret/infer", digits, nil, 401, "needs an API key"},
		{"V1 too", "/v1/models/digits:predict", `{"instances":[` + floatsJSON(digitsImage) + `]}`, nil, 401, "needs an API key"},
	}
	for _, c := range cases {
		method := "POST"
		var body []byte
		if c.body == "" {
			method = "GET"
		} else {
			body = []byte(c.body)
		}
		r := do(t, method, ts.URL+c.path, body, c.header...)
		if r.status != c.want {
			t.Errorf("%s: %d %s; want %d", c.name, r.status, r.body, c.want)
			continue
		}
		if c.want != 200 {
			if msg := r.errorText(t); !strings.Contains(msg, c.says) {
				t.Errorf("%s: %q; want it to say %q", c.name, msg, c.says)
			}
		}
		if c.want == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: 401 without WWW-Authenticate: Bearer", c.name)
		}
	}
	// Probes and server metadata stay open for Kubernetes.
	for _, p := range []string{"/v2/health/live", "/v2/health/ready", "/v2"} {
		if r := get(t, ts.URL+p); r.status != 200 {
			t.Errorf("GET %s with keys on: %d", p, r.status)
		}
	}
	if err := store.Revoke(key.ID); err != nil {
		t.Fatal(err)
	}
	if r := post(t, ts.URL+"/v2/models/digits/infer", digits, "Authorization", "Bearer "+token); r.status != 401 {
		t.Fatalf("revoked key: %d", r.status)
	}
}

func TestMetricsCountRequestsLatencyBatchesAndQueue(t *testing.T) {
	reg := testRegistry(t, map[string]string{"digits": digitsDir})
	_, ts := serveRegistry(t, reg, Options{})
	for range 3 {
		if r := post(t, ts.URL+"/v2/models/digits/infer", digitsRequest(digitsImage)); r.status != 200 {
			t.Fatal(r.status)
		}
	}
	post(t, ts.URL+"/v2/models/digits/infer", `{"inputs":[]}`)
	post(t, ts.URL+"/v1/models/digits:predict", `{"instances":[`+floatsJSON(digitsImage)+`,`+floatsJSON(digitsImage)+`]}`)
	r := get(t, ts.URL+"/metrics")
	if r.status != 200 {
		t.Fatal(r.status)
	}
	text := string(r.body)
	value := func(series string) float64 {
		t.Helper()
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("metrics lack %s:\n%s", series, text)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	for series, want := range map[string]float64{
		`gopad_inference_requests_total{model="digits",protocol="v2",status="200",version="1"}`: 3,
		`gopad_inference_requests_total{model="digits",protocol="v2",status="400",version="1"}`: 1,
		`gopad_inference_requests_total{model="digits",protocol="v1",status="200",version="1"}`: 1,
		`gopad_inference_request_duration_seconds_count{model="digits",version="1"}`:            4,
		`gopad_inference_batch_size_count{model="digits",version="1"}`:                          4,
		`gopad_inference_batch_size_sum{model="digits",version="1"}`:                            5,
		`gopad_inference_queue_depth{model="digits",version="1"}`:                               0,
		`gopad_inference_requests_in_flight{model="digits"}`:                                    0,
		`gopad_model_default_version{model="digits"}`:                                           1,
	} {
		if got := value(series); got != want {
			t.Errorf("%s = %v; want %v", series, got, want)
		}
	}
	if !strings.Contains(text, "process_resident_memory_bytes") {
		t.Error("metrics lack the process collector")
	}
}
