package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/server/browserproto"
)

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestHelpPages serves the ml and display docs (and the standard library's) as
// HTML pages under the app's CSP, with no script.
func TestHelpPages(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/help/gopad/ml", []string{
			"<h1>package ml</h1>", `import "gopad/ml"`,
			`<section class="symbol func" id="Sequential"><h3>func Sequential</h3><pre>func Sequential(layers ...Layer) *Model</pre>`,
			`id="Model.Fit"`, "Fit trains the model",
			`<a href="#Model.Fit">func (m *Model) Fit(train Dataset, cfg FitConfig) *History</a>`,
		}},
		{"/help/gopad/display", []string{"<h1>package display</h1>", `import "gopad/display"`}},
		{"/help/strings", []string{"<h1>package strings</h1>", `id="Split"`, "func Split(s, sep string) []string",
			// Doc links resolve to anchors of the page.
			`<a href="#SplitN">SplitN</a>`}},
		{"/help/", []string{`<a href="/help/gopad/ml">gopad/ml</a>`, `<a href="/help/gopad/display">gopad/display</a>`, `<a href="/help/encoding/json">encoding/json</a>`}},
	} {
		resp := e.do("GET", c.path, nil)
		body := readBody(t, resp)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", c.path, resp.StatusCode, resp.Header.Get("Content-Type"))
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", c.path, w)
			}
		}
		if strings.Contains(body, "<script") {
			t.Errorf("%s has a script", c.path)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", c.path, csp)
		}
	}
	css := e.do("GET", "/help/doc.css", nil)
	if body := readBody(t, css); css.StatusCode != 200 || css.Header.Get("Content-Type") != "text/css; charset=utf-8" || !strings.Contains(body, "pre{") {
		t.Errorf("doc.css: %d %q", css.StatusCode, css.Header.Get("Content-Type"))
	}
	missing := e.do("GET", "/help/no/such/pkg", nil)
	if missing.StatusCode != 404 || !strings.Contains(errorMessage(t, missing), `no documentation for package "no/such/pkg"`) {
		t.Errorf("unknown package: %d", missing.StatusCode)
	}
	// Like every page, the help needs the token.
	if resp := e.rawRequest("GET", "/help/gopad/ml", nil); resp.StatusCode == 200 {
		t.Errorf("help without the token: %d", resp.StatusCode)
	}
}

// TestInspectOverWebsocket relays inspect requests to a real kernel and back.
func TestInspectOverWebsocket(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("insp.gonb", "// twice doubles n.\nfunc twice(n int) int { return 2 * n }", "")
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	c.runCell("cell0", 20*time.Second)
	// "é" is two bytes but one code point: cursor_pos counts code points.
	c.send(map[string]any{"type": "inspect", "req_id": "i1", "cell_id": "cell1", "code": "é := ml.Sequential(", "cursor_pos": 10})
	m, _ := c.waitFor("inspect_reply", 15*time.Second, isType(browserproto.MsgInspectReply))
	if m["req_id"] != "i1" || m["found"] != true || m["name"] != "ml.Sequential" || m["kind"] != "func" ||
		m["signature"] != "func Sequential(layers ...Layer) *Model" || !strings.Contains(m["doc"].(string), "Sequential returns a model") || m["package"] != "gopad/ml" || m["symbol"] != "Sequential" {
		t.Fatalf("inspect_reply = %v", m)
	}
	c.send(map[string]any{"type": "inspect", "req_id": "i2", "cell_id": "cell1", "code": "twice(3)", "cursor_pos": 2})
	m, _ = c.waitFor("inspect_reply", 15*time.Second, isType(browserproto.MsgInspectReply))
	if m["req_id"] != "i2" || m["signature"] != "func twice(n int) int" || m["doc"] != "twice doubles n." {
		t.Fatalf("inspect_reply of a cell's func = %v", m)
	}
	c.send(map[string]any{"type": "inspect", "req_id": "i3", "cell_id": "cell1", "code": "zork", "cursor_pos": 2})
	m, _ = c.waitFor("inspect_reply", 15*time.Second, isType(browserproto.MsgInspectReply))
	if m["found"] != false || !strings.HasPrefix(m["text"].(string), "No documentation for zork") {
		t.Fatalf("inspect_reply of an unknown name = %v", m)
	}
	// Completions carry each match's kind and signature.
	c.send(map[string]any{"type": "complete", "req_id": "c1", "cell_id": "cell1", "code": "twi", "cursor_pos": 3})
	m, _ = c.waitFor("complete_reply", 15*time.Second, isType(browserproto.MsgCompleteReply))
	types, _ := m["types"].([]any)
	if len(types) != 1 || types[0].(map[string]any)["text"] != "twice" || types[0].(map[string]any)["kind"] != "func" || types[0].(map[string]any)["signature"] != "func twice(n int) int" {
		t.Fatalf("complete_reply types = %v", m)
	}
	c.send(map[string]any{"type": "inspect", "req_id": "i4", "cell_id": "cell1", "code": "zork", "cursor_pos": 9})
	m, _ = c.waitFor("error", 15*time.Second, isType(browserproto.MsgError))
	if !strings.Contains(m["message"].(string), "cursor_pos must be between 0 and 4 (code points)") {
		t.Fatalf("bad cursor_pos: %v", m)
	}
}
