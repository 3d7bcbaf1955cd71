package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// rawGet sends a GET with exactly the given headers (no automatic auth).
func (e *testEnv) rawRequest(method, path string, hdr map[string]string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader("{}"))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func errorMessage(t *testing.T, resp *http.Response) string {
	t.Helper()
	var body struct {
		Error string `json:"error"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &body); err != nil || body.Error == "" {
		t.Fatalf("status %d: body %q is not {\"error\": ...}", resp.StatusCode, raw)
	}
	return body.Error
}

func TestAuth(t *testing.T) {
	e := newEnv(t)
	e.writeNotebook("a.gonb", `fmt.Println("x")`)

	// No token: the API answers 401 JSON, pages a 401 page.
	resp := e.rawRequest("GET", "/api/contents", nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(errorMessage(t, resp), "token") {
		t.Fatalf("no token: status %d", resp.StatusCode)
	}
	resp = e.rawRequest("GET", "/", nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("page without token: status %d", resp.StatusCode)
	}
	// Wrong token, in each place.
	for _, hdr := range []map[string]string{
		{"Authorization": "token nope"},
		{"Cookie": cookiePrefix + "_" + e.port() + "=nope"},
	} {
		if resp := e.rawRequest("GET", "/api/contents", hdr); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("wrong token %v: status %d", hdr, resp.StatusCode)
		}
	}
	if resp := e.rawRequest("GET", "/api/contents?token=nope", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong query token: status %d", resp.StatusCode)
	}
	// The right token in the query sets an HttpOnly SameSite cookie that then suffices.
	resp = e.rawRequest("GET", "/?token="+testToken, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("query token: status %d", resp.StatusCode)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, cookiePrefix) {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Value != testToken {
		t.Fatalf("cookie after query token = %+v", cookie)
	}
	resp = e.rawRequest("GET", "/api/contents", map[string]string{"Cookie": cookie.Name + "=" + cookie.Value})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("cookie: status %d", resp.StatusCode)
	}
	if resp := e.rawRequest("GET", "/api/contents", map[string]string{"Authorization": "token " + testToken}); resp.StatusCode != http.StatusOK {
		t.Fatalf("Authorization header: status %d", resp.StatusCode)
	}
	// A foreign Host (DNS rebinding) is refused even with the token.
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/contents", nil)
	req.Host = "evil.example:80"
	req.Header.Set("Authorization", "token "+testToken)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign Host: %v %v", resp.StatusCode, err)
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	cookie := map[string]string{"Cookie": cookiePrefix + "_" + e.port() + "=" + testToken, "Content-Type": "application/json"}
	// A cookie-authenticated POST without the custom header is refused...
	resp := e.rawRequest("POST", "/api/contents/new", cookie)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(errorMessage(t, resp), "X-Gopad-CSRF") {
		t.Fatalf("POST without CSRF header: status %d", resp.StatusCode)
	}
	// ...and so is one from another origin, even with the header.
	hdr := map[string]string{"X-Gopad-CSRF": "1", "Origin": "http://evil.example"}
	for k, v := range cookie {
		hdr[k] = v
	}
	resp = e.rawRequest("POST", "/api/contents/new", hdr)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(errorMessage(t, resp), "Origin") {
		t.Fatalf("cross-origin POST: status %d", resp.StatusCode)
	}
	entries, _ := os.ReadDir(e.root)
	if len(entries) != 0 {
		t.Fatalf("refused requests created %d files", len(entries))
	}
	hdr["Origin"] = e.ts.URL
	if resp := e.rawRequest("POST", "/api/contents/new", hdr); resp.StatusCode != http.StatusOK {
		t.Fatalf("same-origin POST with header: status %d", resp.StatusCode)
	}
}

func TestWebsocketAuthAndOrigin(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("ws.gonb", `fmt.Println("x")`)
	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/api/ws?path=" + url.QueryEscape(p)
	dial := func(hdr http.Header) int {
		ws, resp, err := websocket.DefaultDialer.Dial(u, hdr)
		if err == nil {
			ws.Close()
			return http.StatusSwitchingProtocols
		}
		if resp == nil {
			t.Fatalf("dial: %v", err)
		}
		return resp.StatusCode
	}
	if got := dial(http.Header{"Origin": {e.ts.URL}}); got != http.StatusUnauthorized {
		t.Errorf("websocket without token: %d", got)
	}
	if got := dial(http.Header{"Origin": {"http://evil.example"}, "Authorization": {"token " + testToken}}); got != http.StatusForbidden {
		t.Errorf("websocket from a foreign Origin: %d", got)
	}
	if got := dial(http.Header{"Origin": {e.ts.URL}, "Cookie": {cookiePrefix + "_" + e.port() + "=" + testToken}}); got != http.StatusSwitchingProtocols {
		t.Errorf("websocket with cookie and right Origin: %d", got)
	}
	u2 := strings.Replace(u, "ws.gonb", "missing.gonb", 1)
	if _, resp, err := websocket.DefaultDialer.Dial(u2, http.Header{"Authorization": {"token " + testToken}}); err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("websocket on a missing notebook: %v", err)
	}
}

func TestNonLoopbackWithoutTokenRefused(t *testing.T) {
	_, err := New(Config{Addr: "0.0.0.0:8888", NoToken: true, Root: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "without a token") {
		t.Fatalf("New(0.0.0.0, no token) = %v", err)
	}
	if _, err := New(Config{Addr: "0.0.0.0:8888", Root: t.TempDir()}); err != nil {
		t.Fatalf("non-loopback with a generated token: %v", err)
	}
	s, err := New(Config{Addr: "127.0.0.1:0", NoToken: true, Root: t.TempDir()})
	if err != nil || s.Token() != "" {
		t.Fatalf("loopback without token: %v", err)
	}
	s, err = New(Config{Root: t.TempDir()})
	if err != nil || len(s.Token()) < 32 {
		t.Fatalf("default token %q: %v", s.Token(), err)
	}
}

func TestPathTraversalRefused(t *testing.T) {
	e := newEnv(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.gonb")
	if err := notebooks.Save(secret, notebooks.New()); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(e.root, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(e.root, "direct.gonb")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../x.gonb", "a/../../x.gonb", "/etc/passwd", secret, "link/secret.gonb", "direct.gonb", "link"} {
		q := url.QueryEscape(p)
		for _, path := range []string{"/api/contents?path=" + q, "/api/contents/download?path=" + q} {
			resp := e.do("GET", path, nil)
			if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusForbidden {
				t.Errorf("GET %s: status %d, want 400 or 403", path, resp.StatusCode)
				continue
			}
			if msg := errorMessage(t, resp); !strings.Contains(msg, "root") && !strings.Contains(msg, "absolute") {
				t.Errorf("GET %s: message %q does not explain", path, msg)
			}
		}
		if status := e.postJSON("/api/contents/delete", map[string]string{"path": p}, nil); status != http.StatusBadRequest && status != http.StatusForbidden {
			t.Errorf("delete %q: status %d", p, status)
		}
		if status := e.postJSON("/api/contents/rename", map[string]string{"path": "x.gonb", "new_path": p}, nil); status < 400 || status >= 500 {
			t.Errorf("rename to %q: status %d", p, status)
		}
	}
	if _, err := os.Stat(secret); err != nil {
		t.Fatalf("the file outside the root was touched: %v", err)
	}
	// The listing hides the links that leave the root.
	var listing browserproto.ContentsListing
	resp := e.do("GET", "/api/contents", nil)
	if err := json.NewDecoder(resp.Body).Decode(&listing); err != nil {
		t.Fatal(err)
	}
	if len(listing.Entries) != 0 {
		t.Fatalf("listing shows %+v", listing.Entries)
	}
	// The websocket refuses it too.
	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/api/ws?path=" + url.QueryEscape("link/secret.gonb")
	if _, resp, err := websocket.DefaultDialer.Dial(u, http.Header{"Authorization": {"token " + testToken}}); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("websocket through a symlink out of the root: %v", err)
	}
}

func TestContentsLifecycle(t *testing.T) {
	e := newEnv(t)
	if err := os.Mkdir(filepath.Join(e.root, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	var created pathReply
	if st := e.postJSON("/api/contents/new", map[string]string{"dir": "sub"}, &created); st != 200 || created.Path != "sub/Untitled.gonb" {
		t.Fatalf("new: %d %+v", st, created)
	}
	if st := e.postJSON("/api/contents/new", map[string]string{"dir": "sub"}, &created); st != 200 || created.Path != "sub/Untitled1.gonb" {
		t.Fatalf("second new: %d %+v", st, created)
	}
	nb, err := notebooks.Load(filepath.Join(e.root, "sub", "Untitled.gonb"))
	if err != nil || len(nb.Cells) != 1 {
		t.Fatalf("new notebook: %v %+v", err, nb)
	}
	var dup pathReply
	if st := e.postJSON("/api/contents/duplicate", map[string]string{"path": "sub/Untitled.gonb"}, &dup); st != 200 || dup.Path != "sub/Untitled-Copy1.gonb" {
		t.Fatalf("duplicate: %d %+v", st, dup)
	}
	var renamed pathReply
	if st := e.postJSON("/api/contents/rename", map[string]string{"path": "sub/Untitled.gonb", "new_path": "sub/Mine.gonb"}, &renamed); st != 200 || renamed.Path != "sub/Mine.gonb" {
		t.Fatalf("rename: %d %+v", st, renamed)
	}
	if st := e.postJSON("/api/contents/rename", map[string]string{"path": "sub/Mine.gonb", "new_path": "sub/Untitled1.gonb"}, nil); st != http.StatusConflict {
		t.Fatalf("rename over an existing file: %d", st)
	}
	if st := e.postJSON("/api/contents/rename", map[string]string{"path": "sub/Mine.gonb", "new_path": "sub/Mine.txt"}, nil); st != http.StatusBadRequest {
		t.Fatalf("rename dropping the notebook extension: %d", st)
	}
	var listing browserproto.ContentsListing
	if err := json.NewDecoder(e.do("GET", "/api/contents?path=sub", nil).Body).Decode(&listing); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, en := range listing.Entries {
		names = append(names, en.Name+":"+en.Type)
	}
	if got := strings.Join(names, ","); got != "Mine.gonb:notebook,Untitled-Copy1.gonb:notebook,Untitled1.gonb:notebook" {
		t.Fatalf("listing = %s", got)
	}
	if st := e.postJSON("/api/contents/delete", map[string]string{"path": "sub"}, nil); st != http.StatusConflict {
		t.Fatalf("deleting a non-empty directory: %d", st)
	}
	if st := e.postJSON("/api/contents/delete", map[string]string{"path": "sub/Mine.gonb"}, nil); st != 200 {
		t.Fatalf("delete: %d", st)
	}
	if _, err := os.Stat(filepath.Join(e.root, "sub", "Mine.gonb")); !os.IsNotExist(err) {
		t.Fatalf("deleted file still there: %v", err)
	}
	if st := e.postJSON("/api/contents/delete", map[string]string{"path": "sub/Mine.gonb"}, nil); st != http.StatusNotFound {
		t.Fatalf("deleting a missing file: %d", st)
	}
	// Bad bodies get clear 4xx answers.
	resp := e.do("POST", "/api/contents/new", strings.NewReader(`{"dir": 3}`))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(errorMessage(t, resp), "bad request body") {
		t.Fatalf("bad body: %d", resp.StatusCode)
	}
	resp = e.do("POST", "/api/contents/new", strings.NewReader(`{"dir":"`+strings.Repeat("a", maxJSONBody)+`"}`))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(errorMessage(t, resp), "too large") {
		t.Fatalf("oversized body: %d", resp.StatusCode)
	}
}

func TestRenameOpenNotebookKeepsSession(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("open.gonb", `fmt.Println("x")`)
	c := e.dial(p)
	c.snapshot()
	if st := e.postJSON("/api/contents/rename", map[string]string{"path": p, "new_path": "moved.gonb"}, nil); st != 200 {
		t.Fatalf("rename: %d", st)
	}
	c.send(map[string]any{"type": "edit_cell", "cell_id": "cell0", "source": `fmt.Println("after rename")`})
	c.waitFor("saved", 15*time.Second, isType(browserproto.MsgSaved))
	nb, err := notebooks.Load(filepath.Join(e.root, "moved.gonb"))
	if err != nil || nb.Cells[0].Source != `fmt.Println("after rename")` {
		t.Fatalf("renamed file: %v %+v", err, nb)
	}
	if _, err := os.Stat(filepath.Join(e.root, p)); !os.IsNotExist(err) {
		t.Fatalf("old name came back: %v", err)
	}
}

func upload(e *testEnv, name string, content []byte) *http.Response {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	return e.do("POST", "/api/contents/upload?dir=", &body, "Content-Type", mw.FormDataContentType())
}

func TestUpload(t *testing.T) {
	e := newEnv(t)
	nb := notebooks.New()
	nb.Cells = append(nb.Cells, notebooks.NewCell(notebooks.MarkdownCell, "# Up"))
	good, _ := nb.Marshal()
	resp := upload(e, "up.ipynb", good)
	var got pathReply
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 || got.Path != "up.ipynb" {
		t.Fatalf("upload: %d %+v %v", resp.StatusCode, got, err)
	}
	if back, err := notebooks.Load(filepath.Join(e.root, "up.ipynb")); err != nil || back.Cells[0].Source != "# Up" {
		t.Fatalf("uploaded file: %v", err)
	}
	resp = upload(e, "up.ipynb", good)
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got.Path != "up-1.ipynb" {
		t.Fatalf("second upload with the same name: %+v %v", got, err)
	}
	for _, tc := range []struct {
		name    string
		content string
		status  int
		want    string
	}{
		{"corrupt.gonb", `{"cells": [`, http.StatusUnprocessableEntity, "not a valid notebook"},
		{"wrong.gonb", `{"nbformat": 3, "cells": []}`, http.StatusUnprocessableEntity, "not a valid notebook"},
		{"empty.gonb", ``, http.StatusUnprocessableEntity, "empty"},
		{"script.sh", `#!/bin/sh`, http.StatusUnsupportedMediaType, "only .gonb and .ipynb"},
		{".hidden.gonb", string(good), http.StatusBadRequest, "starts with a dot"},
	} {
		resp := upload(e, tc.name, []byte(tc.content))
		if resp.StatusCode != tc.status {
			t.Errorf("upload %s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
			continue
		}
		if msg := errorMessage(t, resp); !strings.Contains(msg, tc.want) {
			t.Errorf("upload %s: message %q, want %q", tc.name, msg, tc.want)
		}
		if _, err := os.Stat(filepath.Join(e.root, tc.name)); err == nil {
			t.Errorf("refused upload %s was stored", tc.name)
		}
	}
	big := bytes.Repeat([]byte("x"), maxUploadBody+1)
	if resp := upload(e, "big.gonb", big); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized upload: %d", resp.StatusCode)
	}
}

func TestDownloadFormats(t *testing.T) {
	e := newEnv(t)
	nb := notebooks.New()
	md := notebooks.NewCell(notebooks.MarkdownCell, "# Report\n\nSome **bold** text and a [link](https://go.dev).\n\n| a | b |\n|---|---|\n| 1 | 2 |")
	md.ID = "md"
	code := notebooks.NewCell(notebooks.CodeCell, `fmt.Println("hi")
display.Show(display.LineChart("trend", nil, map[string][]float64{"y": {1, 2}}))
"<b>"`)
	code.ID = "code"
	nb.Cells = append(nb.Cells, md, code)
	if err := notebooks.Save(filepath.Join(e.root, "report.gonb"), nb); err != nil {
		t.Fatal(err)
	}
	// Run the cell so the download carries real outputs, including a chart.
	c := e.dial("report.gonb")
	c.runCell("code", 20*time.Second)

	resp := e.do("GET", "/api/contents/download?path=report.gonb&format=ipynb", nil)
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), `report.ipynb`) {
		t.Fatalf("ipynb download: %d %v", resp.StatusCode, resp.Header)
	}
	back, err := notebooks.Parse(raw)
	if err != nil || len(back.Cell("code").Outputs) != 3 {
		t.Fatalf("ipynb re-read: %v %+v", err, back)
	}
	outs := back.Cell("code").Outputs
	if outs[0].Type != notebooks.StreamOutput || outs[1].Type != notebooks.DisplayDataOutput || outs[1].Data["application/vnd.gopad.echarts+json"] == nil ||
		outs[2].Type != notebooks.ExecuteResultOutput {
		t.Fatalf("ipynb outputs = %+v, want stream, chart, result", outs)
	}
	validateWithNbformat(t, raw)

	resp = e.do("GET", "/api/contents/download?path=report.gonb&format=html", nil)
	page, _ := io.ReadAll(resp.Body)
	html := string(page)
	for _, want := range []string{"<h1>Report</h1>", "<strong>bold</strong>", `<a href="https://go.dev">link</a>`, "<td>1</td>", "hi\n", `class="chart"`, "&lt;b&gt;"} {
		if !strings.Contains(html, want) {
			t.Errorf("html export lacks %q", want)
		}
	}
	if strings.Contains(html, "<b>") {
		t.Error("html export did not escape the cell's text output")
	}
	if strings.Contains(html, "src=\"http") || strings.Contains(html, "src=\"/") {
		t.Error("html export loads a script from somewhere: it must open offline")
	}
	if echarts, err := os.ReadFile(filepath.Join("..", "frontend", "dist", "echarts.min.js")); err == nil && len(echarts) > 1000 {
		if !strings.Contains(html, string(echarts[:200])) {
			t.Error("html export does not inline echarts.js")
		}
	}
	if resp := e.do("GET", "/api/contents/download?path=report.gonb&format=pdf", nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown format: %d", resp.StatusCode)
	}
}

// validateWithNbformat checks raw against the nbformat schema with Debian's
// python3-nbformat, the reference implementation. It lives with /usr/bin/python3
// (a pyenv or venv python3 earlier in PATH does not see it); .ci/run installs it.
// Without it the test fails: a download nobody validated is not a passing test.
func validateWithNbformat(t *testing.T, raw []byte) {
	t.Helper()
	const python = "/usr/bin/python3"
	cmd := exec.Command(python, "-c", "import sys, nbformat; nbformat.validate(nbformat.reads(sys.stdin.read(), as_version=4))")
	cmd.Stdin = bytes.NewReader(raw)
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) || bytes.Contains(out, []byte("No module named 'nbformat'")) {
		t.Fatalf("validating the download needs %s with Debian's python3-nbformat (apt-get install python3-nbformat; .ci/run does it): %v\n%s", python, err, out)
	}
	t.Fatalf("nbformat.validate rejects the download: %v\n%s", err, out)
}

func TestKernelsListAndShutdown(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("k.gonb", `fmt.Println("x")`)
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	var infos []browserproto.KernelInfo
	if err := json.NewDecoder(e.do("GET", "/api/kernels", nil).Body).Decode(&infos); err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Path != p || infos[0].PID <= 0 || infos[0].State != browserproto.KernelIdle {
		t.Fatalf("kernels = %+v", infos)
	}
	pid := infos[0].PID
	exited := e.kernelExited(p)
	if st := e.postJSON("/api/kernels/shutdown", map[string]string{"path": p}, nil); st != 200 {
		t.Fatalf("shutdown: %d", st)
	}
	c.waitFor("kernel none", 15*time.Second, isKernel(browserproto.KernelNone))
	if err := json.NewDecoder(e.do("GET", "/api/kernels", nil).Body).Decode(&infos); err != nil || len(infos) != 0 {
		t.Fatalf("kernels after shutdown = %+v %v", infos, err)
	}
	// The kernel process is gone.
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		t.Fatalf("kernel process %d still runs 15 s after shutdown", pid)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("kernel process %d exists after its exit was reported: kill(0) = %v", pid, err)
	}
	if st := e.postJSON("/api/kernels/shutdown", map[string]string{"path": "none.gonb"}, nil); st != http.StatusNotFound {
		t.Fatalf("shutdown of a notebook without kernel: %d", st)
	}
}

func TestIdleTimeoutClosesSession(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.IdleTimeout = 200 * time.Millisecond })
	p := e.writeNotebook("idle.gonb", `fmt.Println("x")`)
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	c.send(map[string]any{"type": "edit_cell", "cell_id": "cell0", "source": `fmt.Println("unsaved")`})
	closed := e.sessionClosed(p)
	c.ws.Close()
	select {
	case <-closed:
	case <-time.After(15 * time.Second):
		t.Fatal("session still open 15 s after its last tab left (idle timeout 200ms)")
	}
	if e.srv.lookupSession(p) != nil {
		t.Fatal("the closed session is still registered")
	}
	nb, err := notebooks.Load(filepath.Join(e.root, p))
	if err != nil || nb.Cells[0].Source != `fmt.Println("unsaved")` {
		t.Fatalf("closing saved %v %+v", err, nb)
	}
}

// TestExamplesOpenAsOneCopyInTheWorkspace: the bundled examples are listed with
// their own titles and descriptions; opening one copies it to examples/NAME in the
// workspace once, and opening it again opens that copy with the user's edits
// (never NAME-1); "fresh" makes a new copy of the original beside it.
func TestExamplesOpenAsOneCopyInTheWorkspace(t *testing.T) {
	e := newEnv(t)
	list := func() []browserproto.ExampleEntry {
		t.Helper()
		var listing browserproto.ContentsListing
		if err := json.NewDecoder(e.do("GET", "/api/contents", nil).Body).Decode(&listing); err != nil {
			t.Fatal(err)
		}
		return listing.Examples
	}
	examples := list()
	names := notebooks.ExampleNames()
	if len(names) == 0 || len(examples) != len(names) {
		t.Fatalf("examples listed %+v, bundled %v", examples, names)
	}
	if examples[0].Name != "welcome.gonb" {
		t.Errorf("the welcome tour is not listed first: %+v", examples)
	}
	for _, x := range examples {
		nb, err := notebooks.LoadExample(x.Name)
		if err != nil {
			t.Fatal(err)
		}
		want := notebooks.Summarize(nb)
		if x.Path != "examples/"+x.Name || x.Title != want.Title || x.Description != want.Description || x.Title == "" || x.Description == "" || x.Copy != "" {
			t.Errorf("example entry %+v; want title %q, description %q and no copy yet", x, want.Title, want.Description)
		}
	}

	open := func(req map[string]any) (int, browserproto.OpenExampleReply) {
		t.Helper()
		var reply browserproto.OpenExampleReply
		return e.postJSON("/api/examples/open", req, &reply), reply
	}
	const name = "welcome.gonb"
	st, first := open(map[string]any{"name": name})
	if st != 200 || first.Path != "examples/"+name || !first.Created {
		t.Fatalf("first open: %d %+v; want examples/%s, created", st, first, name)
	}
	want, _ := notebooks.LoadExample(name)
	got, err := notebooks.Load(filepath.Join(e.root, "examples", name))
	if err != nil || len(got.Cells) != len(want.Cells) || got.Cells[0].Source != want.Cells[0].Source {
		t.Fatalf("the copy differs from the example: %v", err)
	}
	// The copy is an ordinary, writable notebook.
	c := e.dial(first.Path)
	snap := c.snapshot()
	id := snap["notebook"].(map[string]any)["cells"].([]any)[0].(map[string]any)["id"].(string)
	c.send(map[string]any{"type": "edit_cell", "cell_id": id, "source": "my notes"})
	c.waitFor("saved", 15*time.Second, isType(browserproto.MsgSaved))

	// Again, by name or by the listed path: the same copy, edits kept, nothing new.
	for _, again := range []string{name, "examples/" + name} {
		st, reply := open(map[string]any{"name": again})
		if st != 200 || reply.Path != first.Path || reply.Created {
			t.Fatalf("opening %q again: %d %+v; want the existing %s", again, st, reply, first.Path)
		}
	}
	if got, err := notebooks.Load(filepath.Join(e.root, "examples", name)); err != nil || got.Cells[0].Source != "my notes" {
		t.Fatalf("the second open lost the edit: %v", err)
	}
	if entries, err := os.ReadDir(filepath.Join(e.root, "examples")); err != nil || len(entries) != 1 {
		t.Fatalf("examples/ holds %v (%v); want only %s", entries, err, name)
	}
	for _, x := range list() {
		if wantCopy := map[bool]string{true: first.Path}[x.Name == name]; x.Copy != wantCopy {
			t.Errorf("listed %s with copy %q, want %q", x.Name, x.Copy, wantCopy)
		}
	}

	// A fresh copy is asked for explicitly, and is the original.
	st, fresh := open(map[string]any{"name": name, "fresh": true})
	if st != 200 || fresh.Path != "examples/welcome-1.gonb" || !fresh.Created {
		t.Fatalf("fresh copy: %d %+v", st, fresh)
	}
	if got, err := notebooks.Load(filepath.Join(e.root, filepath.FromSlash(fresh.Path))); err != nil || got.Cells[0].Source != want.Cells[0].Source {
		t.Fatalf("the fresh copy is not the original: %v", err)
	}

	for _, bad := range []string{"nope.gonb", "../x.gonb", "", "examples/../../x.gonb"} {
		if st, _ := open(map[string]any{"name": bad}); st != http.StatusNotFound && st != http.StatusBadRequest {
			t.Errorf("open example %q: %d", bad, st)
		}
	}
}

// TestExampleCopyPlaceTaken: when examples/ or examples/NAME is not what a copy
// needs, opening says so and changes nothing.
func TestExampleCopyPlaceTaken(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(root string) error
		want  string
	}{
		{"examples is a file", func(root string) error {
			return os.WriteFile(filepath.Join(root, "examples"), []byte("mine"), 0o644)
		}, `"examples" is where the copies of the examples go, but it is not a folder`},
		{"the copy's name is a folder", func(root string) error {
			return os.MkdirAll(filepath.Join(root, "examples", "welcome.gonb"), 0o755)
		}, `"examples/welcome.gonb" is where the copy of the example goes, but it is not a notebook file`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if err := tc.setup(e.root); err != nil {
				t.Fatal(err)
			}
			var reply map[string]string
			if st := e.postJSON("/api/examples/open", map[string]any{"name": "welcome.gonb"}, &reply); st != http.StatusConflict || !strings.Contains(reply["error"], tc.want) {
				t.Fatalf("open: %d %v; want 409 saying %s", st, reply, tc.want)
			}
			if data, err := os.ReadFile(filepath.Join(e.root, "examples")); err == nil && string(data) != "mine" {
				t.Errorf("the file examples was changed to %q", data)
			}
		})
	}
}

func TestNewRejectsBadRoot(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := New(Config{Root: missing}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing root: %v", err)
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := New(Config{Root: file}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file as root: %v", err)
	}
	if _, err := New(Config{Root: t.TempDir(), Token: "t", NoToken: true}); err == nil {
		t.Error("token and no-token together accepted")
	}
}
