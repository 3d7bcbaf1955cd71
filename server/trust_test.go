package server

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// receivedNotebook writes a notebook with outputs that this user did not produce.
func (e *testEnv) receivedNotebook(name string) string {
	e.t.Helper()
	nb := notebooks.New()
	nb.Cells = nil
	for i, html := range []string{"<script>alert(1)</script>", ""} {
		c := notebooks.NewCell(notebooks.CodeCell, fmt.Sprintf("%d + 1", i))
		c.ID = fmt.Sprintf("cell%d", i)
		if html != "" {
			c.Outputs = []notebooks.Output{{Type: notebooks.DisplayDataOutput, Data: map[string]any{"text/html": html}, Metadata: map[string]any{}}}
		}
		nb.Cells = append(nb.Cells, c)
	}
	if err := notebooks.Save(filepath.Join(e.root, name), nb); err != nil {
		e.t.Fatal(err)
	}
	return name
}

func untrustedOf(snap map[string]any) []string {
	var ids []string
	if l, ok := snap["untrusted"].([]any); ok {
		for _, v := range l {
			ids = append(ids, fmt.Sprint(v))
		}
	}
	return ids
}

// TestTrustFollowsJupyterModel: outputs read from a file this user did not produce
// are untrusted; a run makes a cell's outputs the user's; a file saved with only the
// user's outputs is recorded in the trust store and opens trusted next time (by
// another server with the same store); a change by another program makes it
// untrusted again; "trust" vouches for everything and tells every tab.
func TestTrustFollowsJupyterModel(t *testing.T) {
	store := filepath.Join(t.TempDir(), "trusted-notebooks")
	e := newEnv(t, func(c *Config) { c.TrustFile = store })
	p := e.receivedNotebook("received.gonb")

	a := e.dial(p)
	if got := untrustedOf(a.snapshot()); !slices.Equal(got, []string{"cell0"}) {
		t.Fatalf("untrusted in the first snapshot = %v, want [cell0] (the cell with outputs)", got)
	}
	b := e.dial(p)
	b.snapshot()

	// Running the cell replaces its outputs by the user's own.
	a.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	a.runCell("cell0", 20*time.Second)
	a.send(map[string]any{"type": "save"})
	a.waitFor("saved", 15*time.Second, isType(browserproto.MsgSaved))
	if got := untrustedOf(e.dial(p).snapshot()); len(got) != 0 {
		t.Fatalf("untrusted after running the only cell with outputs = %v, want none", got)
	}
	data, err := os.ReadFile(store)
	if err != nil {
		t.Fatalf("the trust store was not written after a save of trusted outputs: %v", err)
	}
	onDisk, err := os.ReadFile(filepath.Join(e.root, p))
	if err != nil {
		t.Fatal(err)
	}
	d := notebooks.DigestOf(onDisk)
	if !strings.Contains(string(data), fmt.Sprintf("%x", d[:])) {
		t.Fatalf("the trust store does not hold the saved file's digest:\n%s", data)
	}

	// Another server with the same store trusts the file it did not open before.
	e2 := newEnv(t, func(c *Config) { c.TrustFile = store; c.Root = e.root })
	if got := untrustedOf(e2.dial(p).snapshot()); len(got) != 0 {
		t.Fatalf("a second server sees untrusted cells %v in a file the first one recorded", got)
	}

	// A change by another program makes the outputs untrusted again.
	e.srv.Close()
	e2.srv.Close()
	if err := os.WriteFile(filepath.Join(e.root, p), append(onDisk, "\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	e3 := newEnv(t, func(c *Config) { c.TrustFile = store; c.Root = e.root })
	c := e3.dial(p)
	if got := untrustedOf(c.snapshot()); len(got) == 0 {
		t.Fatalf("a file changed on disk by another program is still trusted")
	}
	other := e3.dial(p)
	other.snapshot()
	c.send(map[string]any{"type": "trust"})
	for _, tab := range []*tab{c, other} {
		tab.waitFor("trusted on every tab", 15*time.Second, isType(browserproto.MsgTrusted))
	}
	e3.srv.Close()
	e4 := newEnv(t, func(c *Config) { c.TrustFile = store; c.Root = e.root })
	if got := untrustedOf(e4.dial(p).snapshot()); len(got) != 0 {
		t.Fatalf("after trust, a new server sees untrusted cells %v", got)
	}
}

// TestTrustStoreWithoutFileAndBadFile: an empty TrustFile keeps trust in memory;
// a store that is not gopad's is refused with a clear error.
func TestTrustStoreWithoutFileAndBadFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "trust")
	if err := os.WriteFile(bad, []byte("not a digest\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(Config{Root: t.TempDir(), Token: "x", TrustFile: bad})
	if err == nil || !strings.Contains(err.Error(), "line 1 is not a SHA-256 digest") {
		t.Fatalf("New with a corrupt trust store: err = %v", err)
	}
}

// TestSecurityHeaders: the app's pages run only gopad's scripts, the output frames
// are sandboxed with their own policies, API answers are inert, static assets are
// served without the token (the sandboxed frames have no cookie) and pages are not.
func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	get := func(path string, withToken bool) *http.Response {
		req, err := http.NewRequest("GET", e.ts.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if withToken {
			req.Header.Set("Authorization", "token "+testToken)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	directives := func(csp string) map[string]string {
		m := map[string]string{}
		for _, d := range strings.Split(csp, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
			m[name] = value
		}
		return m
	}
	for _, path := range []string{"/", "/nb/x.gonb"} {
		resp := get(path, true)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		d := directives(resp.Header.Get("Content-Security-Policy"))
		want := map[string]string{"script-src": "'self'", "object-src": "'none'", "frame-ancestors": "'none'", "base-uri": "'none'"}
		for k, v := range want {
			if d[k] != v {
				t.Errorf("GET %s: CSP %s = %q, want %q", path, k, d[k], v)
			}
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no X-Content-Type-Options: nosniff", path)
		}
		if get(path, false).StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without the token is not refused", path)
		}
	}
	for path, scripts := range map[string]string{"/static/output.html": "'self'", "/static/output-scripted.html": "'self' 'unsafe-inline' 'unsafe-eval' blob: data:"} {
		resp := get(path, false)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s without a token: %s (the sandboxed frames carry no cookie)", path, resp.Status)
		}
		d := directives(resp.Header.Get("Content-Security-Policy"))
		if !strings.HasPrefix(d["sandbox"], "allow-scripts") || strings.Contains(d["sandbox"], "allow-same-origin") {
			t.Errorf("GET %s: sandbox = %q, want scripts without the same origin", path, d["sandbox"])
		}
		if d["script-src"] != scripts || d["connect-src"] != "'none'" || d["frame-ancestors"] != "'self'" {
			t.Errorf("GET %s: CSP script-src %q connect-src %q frame-ancestors %q", path, d["script-src"], d["connect-src"], d["frame-ancestors"])
		}
	}
	resp := get("/api/contents", true)
	if d := directives(resp.Header.Get("Content-Security-Policy")); d["default-src"] != "'none'" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("API CSP = %q, want default-src 'none' and sandbox", resp.Header.Get("Content-Security-Policy"))
	}
	// Unchanged assets are revalidated, not sent again.
	first := get("/static/echarts.min.js", false)
	req, _ := http.NewRequest("GET", e.ts.URL+"/static/echarts.min.js", nil)
	req.Header.Set("If-None-Match", first.Header.Get("ETag"))
	again, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if first.Header.Get("ETag") == "" || again.StatusCode != http.StatusNotModified {
		t.Errorf("static ETag %q, revalidation answered %s, want 304", first.Header.Get("ETag"), again.Status)
	}
	// POST is never public.
	if r, err := http.Post(e.ts.URL+"/static/output.html", "text/plain", nil); err != nil || r.StatusCode == 200 {
		t.Errorf("POST /static/output.html: %v %v", r.Status, err)
	}
}
