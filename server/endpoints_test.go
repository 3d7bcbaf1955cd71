package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving/registry"
)

// TestEndpointsServePublishedModelsWithKeys publishes a model into the root's
// registry and calls it over the notebook server's own address: with the
// notebook's token, with an API key for the model, with a key for another
// model, and with nothing; /metrics sits behind the notebook token.
func TestEndpointsServePublishedModelsWithKeys(t *testing.T) {
	e := newEnv(t)
	m := ml.Sequential(ml.Linear(2, 1))
	m.Layers()[0].(*ml.LinearLayer).Weight.Data()[0] = 2
	m.Layers()[0].(*ml.LinearLayer).Weight.Data()[1] = -1
	if _, err := e.srv.models.registry.Publish("double", m, registry.Lineage{Notebook: "a.gonb"}); err != nil {
		t.Fatal(err)
	}
	token, _, err := e.srv.models.keys.Create("ci", []string{"double"})
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := e.srv.models.keys.Create("other", []string{"langid"})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"id":"r1","inputs":[{"name":"input","shape":[1,2],"datatype":"FP32","data":[3,1]}]}`
	inferAt := func(query string, hdr ...string) *http.Response {
		req, _ := http.NewRequest("POST", e.ts.URL+"/v2/models/double/infer"+query, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	infer := func(hdr ...string) *http.Response { return inferAt("", hdr...) }
	check := func(what string, resp *http.Response) {
		t.Helper()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", what, resp.StatusCode, raw)
		}
		var out struct {
			ID      string `json:"id"`
			Outputs []struct {
				Data []float64 `json:"data"`
			} `json:"outputs"`
		}
		if err := json.Unmarshal(raw, &out); err != nil || out.ID != "r1" || len(out.Outputs) != 1 || len(out.Outputs[0].Data) != 1 {
			t.Fatalf("%s: answer %s (%v)", what, raw, err)
		}
		want := m.Predict(ml.FromSlice([]float32{3, 1}, 1, 2)).Data()[0]
		if got := float32(out.Outputs[0].Data[0]); got != want {
			t.Errorf("%s: output %v, want %v", what, got, want)
		}
	}
	check("notebook token", infer("Authorization", "Bearer "+testToken))
	cookie := cookiePrefix + "_" + e.port() + "=" + testToken
	check("notebook cookie from the page", infer("Cookie", cookie, "X-Gopad-CSRF", "1", "Sec-Fetch-Site", "same-origin"))
	// A form posted from another port of this host is the same site: the
	// SameSite=Strict cookie goes along, but without the page's header (or
	// from another origin) the cookie does not make it the notebook session.
	for what, hdr := range map[string][]string{
		"cookie without the CSRF header":      {"Cookie", cookie},
		"cookie from another port's page":     {"Cookie", cookie, "X-Gopad-CSRF", "1", "Sec-Fetch-Site", "same-site", "Origin", "http://127.0.0.1:1"},
		"cookie, header, foreign Origin only": {"Cookie", cookie, "X-Gopad-CSRF", "1", "Origin", "http://evil.example"},
	} {
		resp := infer(hdr...)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", what, resp.StatusCode)
		}
		if msg := errorMessage(t, resp); !strings.Contains(msg, "cross") && !strings.Contains(msg, "X-Gopad-CSRF") {
			t.Errorf("%s: error %q does not say why", what, msg)
		}
	}
	check("API key", infer("Authorization", "Bearer "+token))
	for what, hdr := range map[string][]string{
		"no credential":         nil,
		"key for another model": {"Authorization", "Bearer " + other},
		"wrong key":             {"Authorization", "Bearer gpk_nonsense"},
		"notebook token in URL": {"X-Query-Token", "1"},
	} {
		resp := infer(hdr...)
		if len(hdr) > 0 && hdr[0] == "X-Query-Token" {
			// A URL with the token could be replayed by whoever sees it.
			resp = inferAt("?token=" + testToken)
		}
		if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 401 or 403", what, resp.StatusCode)
		}
		if msg := errorMessage(t, resp); msg == "" {
			t.Errorf("%s: no error message", what)
		}
	}

	if resp := e.rawRequest("GET", "/metrics", nil); resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden && resp.StatusCode/100 != 3 {
		t.Errorf("/metrics without the token: status %d", resp.StatusCode)
	}
	resp := e.do("GET", "/metrics", nil)
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), `model="double"`) {
		t.Errorf("/metrics with the token: status %d, no series for the model:\n%.2000s", resp.StatusCode, raw)
	}
	if resp := e.do("GET", "/v2/health/ready", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("/v2/health/ready: status %d", resp.StatusCode)
	}
}
