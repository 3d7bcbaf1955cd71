package server

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/registry"
)

// apiModels are the two kinds of model the Models API is tested with.
func apiModels(t *testing.T) (text, tabular *ml.Model) {
	t.Helper()
	words := []string{"the", "which", "about", "und", "nicht", "schön", "bonjour", "merci", "château"}
	voc := ml.BuildVocabulary(words, ml.CharTokenizer(), ml.VocabOptions{})
	ml.SetSeed(1)
	text = ml.Sequential(ml.Embedding(voc.Size(), 8), ml.LSTM(8, 12), ml.LastStep(), ml.Linear(12, 3))
	for k, v := range map[string]any{serving.MetaVocabulary: voc, serving.MetaSequence: ml.SeqOptions{MaxLen: 12},
		serving.MetaClasses: []string{"English", "German", "French"}} {
		if err := text.SetMeta(k, v); err != nil {
			t.Fatal(err)
		}
	}
	iris := ml.Iris()
	tabular = ml.Sequential(ml.Linear(4, 8), ml.ReLU(), ml.Linear(8, 3))
	if err := tabular.SetMeta(serving.MetaClasses, iris.ClassNames); err != nil {
		t.Fatal(err)
	}
	if err := tabular.SetMeta(serving.MetaScaler, ml.FitStandardScaler(iris)); err != nil {
		t.Fatal(err)
	}
	return text, tabular
}

// apiJSON sends an authenticated request and decodes the answer, checking
// its status.
func (e *testEnv) apiJSON(method, path, body string, want int, hdr ...string) map[string]any {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	resp := e.do(method, path, rd, hdr...)
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		e.t.Fatalf("%s %s: answer is not a JSON object: %s", method, path, raw)
	}
	if want >= 400 {
		if msg, _ := v["error"].(string); msg == "" {
			e.t.Fatalf("%s %s: %d without an error message: %s", method, path, want, raw)
		}
	}
	return v
}

// inferVersion calls the model's OIP route with hdr and returns the status
// and the version that answered.
func (e *testEnv) inferVersion(model, body string, hdr ...string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+"/v2/models/"+model+"/infer", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Version string `json:"model_version"`
	}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out.Version
}

const irisRequest = `{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}`

// TestModelsAPI drives the Models API over real HTTP on a server with real
// files: list, detail with lineage and schema, pin (rollback) and unpin seen
// by the endpoint, keys created, used, listed without secrets and revoked,
// public only with confirmation, statistics, deleting, and bad input.
func TestModelsAPI(t *testing.T) {
	e := newEnv(t)
	// What the endpoint page's try-it box sends: the session cookie and the CSRF header.
	cookie := []string{"Cookie", cookiePrefix + "_" + e.port() + "=" + testToken, "X-Gopad-CSRF", "1"}
	text, tabular := apiModels(t)
	nb := e.writeNotebook("train.gonb", `fmt.Println("train")`)
	content, err := os.ReadFile(filepath.Join(e.root, nb))
	if err != nil {
		t.Fatal(err)
	}
	lin := registry.Lineage{Notebook: nb, Cell: "cell0", ContentHash: registry.ContentHash(content), Source: "cell",
		Metrics: registry.Metrics(map[string]float64{"accuracy": 0.93})}
	reg := e.srv.models.registry
	if _, err := reg.Publish("langid", text, lin); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Publish("iris", tabular, lin); err != nil {
		t.Fatal(err)
	}
	// Version 2 of iris from a notebook that has changed since.
	if _, err := reg.Publish("iris", tabular, registry.Lineage{Notebook: nb, Cell: "cell0", ContentHash: "sha256:old"}); err != nil {
		t.Fatal(err)
	}

	list := e.apiJSON("GET", "/api/models", "", 200)
	models := list["models"].([]any)
	if len(models) != 2 {
		t.Fatalf("list: %v", list)
	}
	byName := map[string]map[string]any{}
	for _, m := range models {
		byName[m.(map[string]any)["name"].(string)] = m.(map[string]any)
	}
	if m := byName["iris"]; m["default"] != 2.0 || m["versions"] != 2.0 || m["ready"] != true || m["input"] != "features" || m["classes"] != 3.0 || m["url"] != "/v2/models/iris/infer" {
		t.Errorf("iris in the list: %v", m)
	}
	if m := byName["langid"]; m["input"] != "text" || m["ready"] != true || m["notebook"] != nb {
		t.Errorf("langid in the list: %v", m)
	}

	d := e.apiJSON("GET", "/api/models/iris", "", 200)
	schema := d["schema"].(map[string]any)
	if schema["input"] != "features" || schema["features"] != 4.0 || schema["scaler"] != "standard" || len(schema["classes"].([]any)) != 3 || len(schema["inputs"].([]any)) != 1 || len(schema["outputs"].([]any)) != 3 {
		t.Errorf("iris schema: %v", schema)
	}
	// The try-it form starts from the training means (the standard scaler's offsets).
	iris := ml.Iris()
	means := ml.FitStandardScaler(iris).Offset
	example, _ := schema["example"].([]any)
	if len(example) != 4 {
		t.Fatalf("iris example: %v", schema["example"])
	}
	for i, v := range example {
		if v.(float64) != means[i] {
			t.Errorf("example feature %d: %v, want the training mean %v", i, v, means[i])
		}
	}
	vl := d["version_list"].([]any)
	if len(vl) != 2 {
		t.Fatalf("iris versions: %v", vl)
	}
	v2, v1 := vl[0].(map[string]any), vl[1].(map[string]any)
	if v2["version"] != 2.0 || v2["is_default"] != true || v2["notebook_exists"] != true || v2["notebook_unchanged"] != false {
		t.Errorf("iris version 2: %v", v2)
	}
	l1 := v1["lineage"].(map[string]any)
	if v1["is_default"] != false || v1["notebook_unchanged"] != true || l1["notebook"] != nb || l1["cell"] != "cell0" || l1["metrics"].(map[string]any)["accuracy"] != 0.93 {
		t.Errorf("iris version 1: %v", v1)
	}
	if ls := e.apiJSON("GET", "/api/models/langid", "", 200)["schema"].(map[string]any); ls["input"] != "text" || ls["max_length"] != 12.0 {
		t.Errorf("langid schema: %v", ls)
	}

	// Rollback: pin version 1, and the endpoint answers with it.
	if st, v := e.inferVersion("iris", irisRequest, cookie...); st != 200 || v != "2" {
		t.Fatalf("before the pin: %d, version %q", st, v)
	}
	d = e.apiJSON("POST", "/api/models/iris/pin", `{"version": 1}`, 200)
	if d["default"] != 1.0 || d["pinned"] != true {
		t.Errorf("after the pin: %v", d)
	}
	if st, v := e.inferVersion("iris", irisRequest, cookie...); st != 200 || v != "1" {
		t.Errorf("after the pin: %d, version %q, want 1", st, v)
	}
	e.apiJSON("POST", "/api/models/iris/versions/1/delete", "", 400) // the pinned default
	d = e.apiJSON("POST", "/api/models/iris/unpin", "", 200)
	if d["default"] != 2.0 || d["pinned"] != false {
		t.Errorf("after unpin: %v", d)
	}
	if st, v := e.inferVersion("iris", irisRequest, cookie...); st != 200 || v != "2" {
		t.Errorf("after unpin: %d, version %q, want 2", st, v)
	}

	// Canary: version 1 answers half of the requests, then none again.
	d = e.apiJSON("POST", "/api/models/iris/canary", `{"version": 1, "percent": 50}`, 200)
	if c, _ := d["canary"].(map[string]any); c["version"] != 1.0 || c["percent"] != 50.0 || d["default"] != 2.0 {
		t.Errorf("after starting a canary: %v", d)
	}
	answered := map[string]int{}
	for range 6 {
		st, v := e.inferVersion("iris", irisRequest, cookie...)
		if st != 200 {
			t.Fatalf("infer with a canary: %d", st)
		}
		answered[v]++
	}
	if answered["1"] != 3 || answered["2"] != 3 {
		t.Errorf("6 requests with v1 as a 50%% canary: %v", answered)
	}
	for _, m := range e.apiJSON("GET", "/api/models", "", 200)["models"].([]any) {
		if m := m.(map[string]any); m["name"] == "iris" && m["canary"] == nil {
			t.Errorf("the list does not show iris's canary: %v", m)
		}
	}
	if d = e.apiJSON("POST", "/api/models/iris/canary/clear", "", 200); d["canary"] != nil {
		t.Errorf("after clearing the canary: %v", d)
	}
	for range 3 {
		if st, v := e.inferVersion("iris", irisRequest, cookie...); st != 200 || v != "2" {
			t.Errorf("after clearing the canary: %d, version %q, want 2", st, v)
		}
	}

	// Keys: made, used, listed without the secret, revoked.
	created := e.apiJSON("POST", "/api/keys", `{"name": "ci job", "models": ["iris"]}`, 201)
	token, _ := created["token"].(string)
	id := created["key"].(map[string]any)["id"].(string)
	if !strings.HasPrefix(token, "gpk_") {
		t.Fatalf("created key: %v", created)
	}
	if st, _ := e.inferVersion("iris", irisRequest, "Authorization", "Bearer "+token); st != 200 {
		t.Errorf("iris with the new key: %d", st)
	}
	if st, _ := e.inferVersion("langid", `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["merci"]}]}`, "Authorization", "Bearer "+token); st != 403 {
		t.Errorf("langid with a key for iris only: %d, want 403", st)
	}
	resp := e.do("GET", "/api/keys", nil)
	raw, _ := io.ReadAll(resp.Body)
	secret := token[len("gpk_")+9:]
	if !strings.Contains(string(raw), `"ci job"`) || strings.Contains(string(raw), secret) || strings.Contains(string(raw), "sha256") {
		t.Errorf("key list shows the secret or its hash, or not the key: %s", raw)
	}
	e.apiJSON("POST", "/api/keys/"+id+"/revoke", "", 200)
	if st, _ := e.inferVersion("iris", irisRequest, "Authorization", "Bearer "+token); st != 401 {
		t.Errorf("iris with the revoked key: %d, want 401", st)
	}
	e.apiJSON("POST", "/api/keys/"+id+"/revoke", "", 404)

	// Public only when confirmed by name.
	if st, _ := e.inferVersion("iris", irisRequest); st != 401 {
		t.Errorf("iris without credentials: %d, want 401", st)
	}
	e.apiJSON("POST", "/api/models/iris/public", `{"public": true}`, 400)
	e.apiJSON("POST", "/api/models/iris/public", `{"public": true, "confirm": "langid"}`, 400)
	if d := e.apiJSON("POST", "/api/models/iris/public", `{"public": true, "confirm": "iris"}`, 200); d["public"] != true {
		t.Errorf("after making it public: %v", d)
	}
	if st, _ := e.inferVersion("iris", irisRequest); st != 200 {
		t.Errorf("public iris without credentials: %d, want 200", st)
	}
	e.apiJSON("POST", "/api/models/iris/public", `{"public": false}`, 200)
	if st, _ := e.inferVersion("iris", irisRequest); st != 401 {
		t.Errorf("private again, without credentials: %d, want 401", st)
	}

	// Statistics: the requests above, by version.
	st := e.apiJSON("GET", "/api/models/iris/stats?seconds=120", "", 200)
	var total float64
	for _, v := range st["versions"].([]any) {
		vs := v.(map[string]any)
		total += vs["requests"].(float64)
		if n := len(vs["points"].([]any)); n != 120 {
			t.Errorf("version %v: %d points, want 120", vs["version"], n)
		}
	}
	if total < 5 {
		t.Errorf("statistics count %v iris requests; at least 5 were answered or refused by the model: %v", total, st)
	}

	// A publish by another process (a kernel's ml.Publish) shows on the next list.
	other, err := registry.Open(filepath.Join(e.root, filepath.FromSlash(serving.RegistrySubdir)))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Publish("iris2", tabular, registry.Lineage{}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.apiJSON("GET", "/api/models", "", 200)["models"].([]any)); n != 3 {
		t.Errorf("after another process published: %d models, want 3", n)
	}
	if st, _ := e.inferVersion("iris2", irisRequest, cookie...); st != 200 {
		t.Errorf("the model another process published: %d", st)
	}

	// Deleting.
	if d := e.apiJSON("POST", "/api/models/iris/versions/2/delete", "", 200); d["default"] != 1.0 || d["versions"] != 1.0 {
		t.Errorf("after deleting version 2: %v", d)
	}
	e.apiJSON("POST", "/api/models/iris/delete", "", 200)
	e.apiJSON("GET", "/api/models/iris", "", 404)
	if st, _ := e.inferVersion("iris", irisRequest, cookie...); st != 404 {
		t.Errorf("deleted model: %d, want 404", st)
	}
}

// TestModelsAPIBadInput: every route refuses what is wrong with a 4xx and a
// message, and the token and CSRF rules of /api apply.
func TestModelsAPIBadInput(t *testing.T) {
	e := newEnv(t)
	_, tabular := apiModels(t)
	if _, err := e.srv.models.registry.Publish("iris", tabular, registry.Lineage{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		method, path, body string
		status             int
		says               string
	}{
		{"GET", "/api/models/nope", "", 404, `"nope"`},
		{"GET", "/api/models/bad%20name", "", 400, "model name"},
		{"GET", "/api/models/nope/stats", "", 404, `"nope"`},
		{"GET", "/api/models/iris/stats?seconds=0", "", 400, "seconds"},
		{"GET", "/api/models/iris/stats?seconds=abc", "", 400, "seconds"},
		{"POST", "/api/models/iris/pin", `{}`, 400, "version"},
		{"POST", "/api/models/iris/pin", `{"version": "1"}`, 400, "version"},
		{"POST", "/api/models/iris/pin", `{"version": 7}`, 404, "no version 7"},
		{"POST", "/api/models/iris/pin", `{"version": 1, "extra": 1}`, 400, "extra"},
		{"POST", "/api/models/nope/pin", `{"version": 1}`, 404, `"nope"`},
		{"POST", "/api/models/iris/canary", `{}`, 400, "percent"},
		{"POST", "/api/models/iris/canary", `{"version": 1}`, 400, "percent"},
		{"POST", "/api/models/iris/canary", `{"version": 1, "percent": 10}`, 400, "default already"},
		{"POST", "/api/models/iris/canary", `{"version": 9, "percent": 10}`, 404, "no version 9"},
		{"POST", "/api/models/nope/canary", `{"version": 1, "percent": 10}`, 404, `"nope"`},
		{"POST", "/api/models/nope/canary/clear", "", 404, `"nope"`},
		{"POST", "/api/models/iris/versions/x/delete", "", 400, "version"},
		{"POST", "/api/models/iris/versions/5/delete", "", 404, "no version 5"},
		{"POST", "/api/models/nope/delete", "", 404, `"nope"`},
		{"POST", "/api/models/iris/public", `{}`, 400, "public"},
		{"POST", "/api/models/nope/public", `{"public": true, "confirm": "nope"}`, 404, `"nope"`},
		{"POST", "/api/keys", `{"models": ["iris"]}`, 400, "name"},
		{"POST", "/api/keys", `{"name": "x"}`, 400, "models"},
		{"POST", "/api/keys", `{"name": "x", "models": ["*", "iris"]}`, 400, `"*"`},
		{"POST", "/api/keys", `{"name": "x", "models": ["../etc"]}`, 400, "model name"},
		{"POST", "/api/keys", `{"name": "x", "models": ["iris", "iris"]}`, 400, "twice"},
		{"POST", "/api/keys", `not json`, 400, "bad request body"},
		{"POST", "/api/keys/abc/revoke", "", 404, `"abc"`},
	} {
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		resp := e.do(c.method, c.path, body)
		if resp.StatusCode != c.status {
			t.Errorf("%s %s %s: status %d, want %d", c.method, c.path, c.body, resp.StatusCode, c.status)
		}
		if msg := errorMessage(t, resp); !strings.Contains(msg, c.says) {
			t.Errorf("%s %s %s: error %q does not say %q", c.method, c.path, c.body, msg, c.says)
		}
	}
	// Without the token, and a cookie POST without the CSRF header.
	if resp := e.rawRequest("GET", "/api/models", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("list without the token: %d", resp.StatusCode)
	}
	resp := e.do("POST", "/api/keys", strings.NewReader(`{"name": "x", "models": ["iris"]}`), "X-Gopad-CSRF", "")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("key creation without the CSRF header: %d, want 403", resp.StatusCode)
	}
	if len(e.srv.models.keys.List()) != 0 {
		t.Errorf("a refused request made a key: %v", e.srv.models.keys.List())
	}
	if resp := e.do("GET", "/models", nil); resp.Request.URL.Path != "/models/" || resp.StatusCode != 200 {
		t.Errorf("GET /models: %d at %s, want the list at /models/", resp.StatusCode, resp.Request.URL.Path)
	}
	// The pages themselves are the app.
	for _, p := range []string{"/models/", "/models/iris"} {
		resp := e.do("GET", p, nil)
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(raw), "/static/app.js") {
			t.Errorf("GET %s: %d %.200s", p, resp.StatusCode, raw)
		}
	}
}

// TestModelsAPISaysWhenTheCanaryIsNotServed: a canary whose files cannot be
// loaded is listed with the reason, not shown as if it took its share.
func TestModelsAPISaysWhenTheCanaryIsNotServed(t *testing.T) {
	e := newEnv(t)
	_, tabular := apiModels(t)
	// Version 2 is published under a pin, so it is never loaded before its
	// files break.
	reg := e.srv.models.registry
	if _, err := reg.Publish("iris", tabular, registry.Lineage{}); err != nil {
		t.Fatal(err)
	}
	if err := reg.Pin("iris", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Publish("iris", tabular, registry.Lineage{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(reg.Dir(), "iris", "v2", "model.safetensors"), []byte("broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := e.apiJSON("POST", "/api/models/iris/canary", `{"version": 2, "percent": 50}`, 200)
	if msg, _ := d["canary_error"].(string); !strings.Contains(msg, "canary version 2 is not served") {
		t.Fatalf("canary of a broken version: %v; want canary_error saying it is not served", d)
	}
	for range 2 {
		if st, v := e.inferVersion("iris", irisRequest, "Authorization", "Bearer "+testToken); st != 200 || v != "1" {
			t.Fatalf("with the broken canary: %d, version %q; want version 1", st, v)
		}
	}
	if d = e.apiJSON("POST", "/api/models/iris/canary/clear", "", 200); d["canary_error"] != nil {
		t.Fatalf("after clearing: %v", d)
	}
}
