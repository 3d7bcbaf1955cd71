package server

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// postErr posts v and returns the status and the error message of the answer
// ("" for a success), failing the test if the message shows a server path.
func (e *testEnv) postErr(t *testing.T, path string, v any) (int, string) {
	t.Helper()
	raw, _ := json.Marshal(v)
	return e.answer(t, "POST "+path, e.do(http.MethodPost, path, strings.NewReader(string(raw))))
}

// answer reads resp and returns its status and error message ("" for a success),
// failing the test if the message shows a server path.
func (e *testEnv) answer(t *testing.T, what string, resp *http.Response) (int, string) {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode < 400 {
		return resp.StatusCode, ""
	}
	var m struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &m); err != nil || m.Error == "" {
		t.Fatalf("%s: status %d with body %q, not {\"error\": ...}", what, resp.StatusCode, body)
	}
	e.checkNoServerPath(t, what, m.Error)
	return resp.StatusCode, m.Error
}

func (e *testEnv) checkNoServerPath(t *testing.T, what, msg string) {
	t.Helper()
	if strings.Contains(msg, e.root) || strings.Contains(msg, os.TempDir()+"/") {
		t.Errorf("%s: the message %q shows a server path", what, msg)
	}
}

func TestNotebookNameLimitOverHTTP(t *testing.T) {
	if notebooks.MaxNameBytes != 241 {
		t.Fatalf("notebooks.MaxNameBytes = %d; 255 minus the 14 bytes of the temporary name is 241", notebooks.MaxNameBytes)
	}
	e := newEnv(t)
	longest := strings.Repeat("n", 241-len(".gonb")) + ".gonb"
	var created pathReply
	if st := e.postJSON("/api/contents/new", map[string]string{"name": strings.TrimSuffix(longest, ".gonb")}, &created); st != 200 || created.Path != longest {
		t.Fatalf("new with a 241-byte name: %d %q", st, created.Path)
	}
	// The longest name can really be saved: edit it and wait for the autosave.
	c := e.dial(longest)
	snap := c.snapshot()
	nb, _ := snap["notebook"].(map[string]any)
	cells, _ := nb["cells"].([]any)
	id, _ := cells[0].(map[string]any)["id"].(string)
	c.send(map[string]any{"type": "edit_cell", "cell_id": id, "source": "saved at the limit"})
	c.waitFor("saved", 15*time.Second, isType(browserproto.MsgSaved))
	onDisk, err := notebooks.Load(filepath.Join(e.root, longest))
	if err != nil || onDisk.Cells[0].Source != "saved at the limit" {
		t.Fatalf("the 241-byte notebook on disk: %v %+v", err, onDisk)
	}

	// 242 to 255 bytes used to be created and then never saved; 256 is beyond any name.
	for _, n := range []int{242, 248, 255, 256} {
		name := strings.Repeat("m", n-len(".gonb")) + ".gonb"
		st, msg := e.postErr(t, "/api/contents/new", map[string]string{"name": name})
		if st != http.StatusBadRequest || !strings.Contains(msg, "the limit is 241 bytes") {
			t.Errorf("new with a %d-byte name: %d %q; want 400 giving the limit", n, st, msg)
		}
		st, msg = e.postErr(t, "/api/contents/rename", map[string]string{"path": longest, "new_path": name})
		if st != http.StatusBadRequest || !strings.Contains(msg, "the limit is 241 bytes") {
			t.Errorf("rename to a %d-byte name: %d %q; want 400 giving the limit", n, st, msg)
		}
		resp := upload(e, name, []byte(`{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`))
		st, msg = e.answer(t, "upload", resp)
		if st != http.StatusBadRequest || !strings.Contains(msg, "the limit is 241 bytes") {
			t.Errorf("upload of a %d-byte name: %d %q; want 400 giving the limit", n, st, msg)
		}
	}
	// Copies and uploads of a notebook at the limit get names that fit.
	var dup pathReply
	if st := e.postJSON("/api/contents/duplicate", map[string]string{"path": longest}, &dup); st != 200 || len(dup.Path) > 241 || !strings.HasSuffix(dup.Path, "-Copy1.gonb") {
		t.Fatalf("duplicate of the 241-byte notebook: %d %q (%d bytes)", st, dup.Path, len(dup.Path))
	}
	raw, _ := os.ReadFile(filepath.Join(e.root, longest))
	resp := upload(e, longest, raw)
	var up pathReply
	if err := json.NewDecoder(resp.Body).Decode(&up); err != nil || resp.StatusCode != 200 || len(up.Path) > 241 || !strings.HasSuffix(up.Path, "-1.gonb") {
		t.Fatalf("second upload of the 241-byte name: %d %q %v", resp.StatusCode, up.Path, err)
	}
	for _, p := range []string{dup.Path, up.Path} {
		if _, err := notebooks.Load(filepath.Join(e.root, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	// Directories are never saved through a temporary file: they may use all 255 bytes.
	if err := os.Mkdir(filepath.Join(e.root, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("d", 255)
	if st, msg := e.postErr(t, "/api/contents/rename", map[string]string{"path": "dir", "new_path": long}); st != 200 {
		t.Fatalf("rename a directory to 255 bytes: %d %q", st, msg)
	}
	if st, msg := e.postErr(t, "/api/contents/rename", map[string]string{"path": long, "new_path": long + "d"}); st != http.StatusBadRequest || !strings.Contains(msg, "the limit is 255 bytes") {
		t.Fatalf("rename a directory to 256 bytes: %d %q", st, msg)
	}
}

func TestNamesWithControlCharactersRefused(t *testing.T) {
	e := newEnv(t)
	e.writeNotebook("x.gonb")
	for _, name := range []string{"two\nlines", "carriage\rreturn.gonb", "tab\there", "ansi\x1b[31mred", "bell\a.gonb", "del\x7f", "next-line\u0085.gonb"} {
		st, msg := e.postErr(t, "/api/contents/new", map[string]string{"name": name})
		if st != http.StatusBadRequest || !strings.Contains(msg, "control character") {
			t.Errorf("new %q: %d %q; want 400 about control characters", name, st, msg)
		}
		st, msg = e.postErr(t, "/api/contents/rename", map[string]string{"path": "x.gonb", "new_path": name})
		if st != http.StatusBadRequest || !strings.Contains(msg, "control character") {
			t.Errorf("rename to %q: %d %q; want 400 about control characters", name, st, msg)
		}
	}
	// A raw control character cannot travel in a multipart header, but an
	// RFC 2231 encoded file name can carry one.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="file"; filename*=UTF-8''bell%07.gonb`}})
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(`{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`))
	mw.Close()
	resp := e.do("POST", "/api/contents/upload?dir=", &body, "Content-Type", mw.FormDataContentType())
	if st, msg := e.answer(t, "upload", resp); st != http.StatusBadRequest || !strings.Contains(msg, "control character U+0007") {
		t.Errorf("upload of \"bell\\a.gonb\": %d %q", st, msg)
	}
	entries, err := os.ReadDir(e.root)
	if err != nil || len(entries) != 1 || entries[0].Name() != "x.gonb" {
		t.Fatalf("the root holds %v (%v); want x.gonb alone", entries, err)
	}
}

// TestContentsErrorsNeverShowServerPaths walks the contents API's error paths and
// checks that each answer names paths relative to the notebook root only.
func TestContentsErrorsNeverShowServerPaths(t *testing.T) {
	e := newEnv(t)
	e.writeNotebook("x.gonb")
	e.writeNotebook("y.gonb")
	if err := os.WriteFile(filepath.Join(e.root, "corrupt.gonb"), []byte(`{"cells": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(e.root, "full", "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	tooLong := strings.Repeat("z", 300)
	posts := []struct {
		path   string
		body   map[string]string
		status int
	}{
		{"/api/contents/new", map[string]string{"dir": "missing"}, http.StatusNotFound},
		{"/api/contents/new", map[string]string{"dir": "x.gonb"}, http.StatusBadRequest},
		{"/api/contents/new", map[string]string{"dir": tooLong}, http.StatusBadRequest},
		{"/api/contents/new", map[string]string{"name": "x"}, http.StatusConflict},
		{"/api/contents/rename", map[string]string{"path": "x.gonb", "new_path": "missing/x.gonb"}, http.StatusNotFound},
		{"/api/contents/rename", map[string]string{"path": "x.gonb", "new_path": "x.gonb/x.gonb"}, http.StatusBadRequest},
		{"/api/contents/rename", map[string]string{"path": "x.gonb", "new_path": "y.gonb"}, http.StatusConflict},
		{"/api/contents/rename", map[string]string{"path": "gone.gonb", "new_path": "z.gonb"}, http.StatusNotFound},
		{"/api/contents/delete", map[string]string{"path": "gone.gonb"}, http.StatusNotFound},
		{"/api/contents/delete", map[string]string{"path": "full"}, http.StatusConflict},
		{"/api/contents/delete", map[string]string{"path": "x.gonb/inner"}, http.StatusBadRequest},
		{"/api/contents/duplicate", map[string]string{"path": "corrupt.gonb"}, http.StatusUnprocessableEntity},
		{"/api/contents/duplicate", map[string]string{"path": "gone.gonb"}, http.StatusNotFound},
		{"/api/contents/duplicate", map[string]string{"path": "full/inner/../../x.gonb/a.gonb"}, http.StatusBadRequest},
	}
	for _, p := range posts {
		if st, msg := e.postErr(t, p.path, p.body); st != p.status {
			t.Errorf("POST %s %v: %d %q; want %d", p.path, p.body, st, msg, p.status)
		}
	}
	gets := []struct {
		path   string
		status int
	}{
		{"/api/contents?path=missing", http.StatusNotFound},
		{"/api/contents?path=x.gonb/inner", http.StatusBadRequest},
		{"/api/contents?path=" + tooLong, http.StatusBadRequest},
		{"/api/contents/download?path=corrupt.gonb", http.StatusUnprocessableEntity},
		{"/api/contents/download?path=gone.gonb", http.StatusNotFound},
		{"/api/contents/download?path=" + url.QueryEscape(tooLong+".gonb"), http.StatusBadRequest},
	}
	for _, g := range gets {
		if st, msg := e.answer(t, "GET "+g.path, e.do(http.MethodGet, g.path, nil)); st != g.status {
			t.Errorf("GET %s: %d %q; want %d", g.path, st, msg, g.status)
		}
	}

	// A save that fails tells the tabs why, naming the notebook as the root sees it.
	c := e.dial("x.gonb")
	c.snapshot()
	full := filepath.Join(e.root, "x.gonb")
	if err := os.Remove(full); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(full, 0o755); err != nil {
		t.Fatal(err)
	}
	c.send(map[string]any{"type": "resolve_conflict", "choice": "overwrite"})
	m, _ := c.waitFor("save error", 15*time.Second, isType(browserproto.MsgError))
	msg, _ := m["message"].(string)
	if !strings.Contains(msg, "x.gonb") || !strings.Contains(msg, "not a regular file") {
		t.Errorf("save error %q does not say which file and why", msg)
	}
	e.checkNoServerPath(t, "save error", msg)
	// The failed overwrite is also reported to the tab that asked for it.
	m, _ = c.waitFor("overwrite error", 15*time.Second, isType(browserproto.MsgError))
	msg, _ = m["message"].(string)
	if !strings.HasPrefix(msg, "resolve_conflict: ") || !strings.Contains(msg, "not a regular file") {
		t.Errorf("overwrite error %q", msg)
	}
	e.checkNoServerPath(t, "overwrite error", msg)
	c.send(map[string]any{"type": "resolve_conflict", "choice": "reload"})
	m, _ = c.waitFor("reload error", 15*time.Second, isType(browserproto.MsgError))
	msg, _ = m["message"].(string)
	if !strings.Contains(msg, `reload "x.gonb"`) {
		t.Errorf("reload error %q does not say which file", msg)
	}
	e.checkNoServerPath(t, "reload error", msg)
}
