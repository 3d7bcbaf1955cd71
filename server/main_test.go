package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// roleEnv makes a re-executed test binary act as a server alone.
const roleEnv = "GOPAD_SERVERTEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "serve":
		// The server alone (see BenchmarkServerOnlyIdleRSS).
		cfg := Config{Addr: "127.0.0.1:0", NoToken: true, Root: os.Args[len(os.Args)-1]}
		ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
		defer cancel()
		if err := ListenAndServe(ctx, cfg, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// Runs the tests, or a real gopad kernel when started by kerneltest.Options.
	kerneltest.Main(m)
}

const testToken = "test-token-123"

// testEnv is a running server on a temporary root.
type testEnv struct {
	t    testing.TB
	srv  *Server
	ts   *httptest.Server
	root string
}

// newEnv starts a server whose kernels are real gopad kernel processes (the
// test binary re-executed through kerneltest).
func newEnv(t testing.TB, adjust ...func(*Config)) *testEnv {
	t.Helper()
	cfg := Config{
		Root:          t.TempDir(),
		Token:         testToken,
		AutosaveDelay: 50 * time.Millisecond,
		Logf:          t.Logf,
	}
	realKernel(&cfg)
	for _, f := range adjust {
		f(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
	})
	return &testEnv{t: t, srv: srv, ts: ts, root: srv.Root()}
}

// sessionClosed returns a channel closed once the open session of nbPath has
// ended (its kernel stopped, its tabs closed).
func (e *testEnv) sessionClosed(nbPath string) <-chan struct{} {
	e.t.Helper()
	sess := e.srv.lookupSession(nbPath)
	if sess == nil {
		e.t.Fatalf("no open session for %s", nbPath)
	}
	return sess.ctx.Done()
}

// kernelExited returns a channel closed once the process of the kernel that
// nbPath's session runs now has exited and been reaped.
func (e *testEnv) kernelExited(nbPath string) <-chan struct{} {
	e.t.Helper()
	sess := e.srv.lookupSession(nbPath)
	if sess == nil {
		e.t.Fatalf("no open session for %s", nbPath)
	}
	sess.mu.Lock()
	k := sess.kernel.handle
	sess.mu.Unlock()
	if k == nil {
		e.t.Fatalf("%s has no kernel", nbPath)
	}
	return k.Done()
}

// writeNotebook stores a notebook with the given code cells and returns its path.
func (e *testEnv) writeNotebook(name string, sources ...string) string {
	e.t.Helper()
	nb := notebooks.New()
	for i, src := range sources {
		c := notebooks.NewCell(notebooks.CodeCell, src)
		c.ID = fmt.Sprintf("cell%d", i)
		nb.Cells = append(nb.Cells, c)
	}
	if err := notebooks.Save(filepath.Join(e.root, name), nb); err != nil {
		e.t.Fatal(err)
	}
	return name
}

// do sends an authenticated request (with the CSRF header for POSTs).
func (e *testEnv) do(method, path string, body io.Reader, hdr ...string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Cookie", cookiePrefix+"_"+e.port()+"="+testToken)
	if method == http.MethodPost {
		req.Header.Set("X-Gopad-CSRF", "1")
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (e *testEnv) port() string {
	u, _ := url.Parse(e.ts.URL)
	return u.Port()
}

// postJSON posts v and decodes the JSON answer into out (if not nil); it returns the status.
func (e *testEnv) postJSON(path string, v any, out any) int {
	e.t.Helper()
	raw, _ := json.Marshal(v)
	resp := e.do(http.MethodPost, path, strings.NewReader(string(raw)))
	body, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			e.t.Fatalf("POST %s: answer %q: %v", path, body, err)
		}
	}
	return resp.StatusCode
}

// tab is a websocket connection as a browser tab would hold it.
type tab struct {
	t      testing.TB
	ws     *websocket.Conn
	connID string
	mu     sync.Mutex
	seen   []map[string]any
}

func (e *testEnv) dial(nbPath string) *tab {
	e.t.Helper()
	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/api/ws?path=" + url.QueryEscape(nbPath)
	hdr := http.Header{}
	hdr.Set("Authorization", "token "+testToken)
	hdr.Set("Origin", e.ts.URL)
	ws, resp, err := websocket.DefaultDialer.Dial(u, hdr)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		e.t.Fatalf("dial %s: %v (status %d)", u, err, status)
	}
	c := &tab{t: e.t, ws: ws}
	e.t.Cleanup(func() { ws.Close() })
	hello := c.next(15 * time.Second)
	if hello["type"] != browserproto.MsgHello {
		e.t.Fatalf("first frame is %v, want hello", hello)
	}
	c.connID, _ = hello["conn_id"].(string)
	return c
}

func (c *tab) send(v any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(v); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// next returns the next frame, failing the test after timeout.
func (c *tab) next(timeout time.Duration) map[string]any {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(timeout))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read frame: %v (seen so far: %s)", err, c.history())
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		c.t.Fatalf("frame %q is not JSON: %v", data, err)
	}
	c.mu.Lock()
	c.seen = append(c.seen, m)
	c.mu.Unlock()
	return m
}

func (c *tab) history() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var parts []string
	for _, m := range c.seen {
		raw, _ := json.Marshal(m)
		if len(raw) > 300 {
			raw = append(raw[:300], "..."...)
		}
		parts = append(parts, string(raw))
	}
	return strings.Join(parts, "\n")
}

// waitFor reads frames until one satisfies pred, returning it and everything read before.
func (c *tab) waitFor(what string, timeout time.Duration, pred func(map[string]any) bool) (map[string]any, []map[string]any) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	var before []map[string]any
	for {
		left := time.Until(deadline)
		if left <= 0 {
			c.t.Fatalf("timed out waiting for %s; frames:\n%s", what, c.history())
		}
		m := c.next(left)
		if pred(m) {
			return m, before
		}
		before = append(before, m)
	}
}

func isType(typ string) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["type"] == typ }
}

func isKernel(state string) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["type"] == browserproto.MsgKernelStatus && m["state"] == state }
}

func isCellIdle(id string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		return m["type"] == browserproto.MsgCellState && m["cell_id"] == id && m["state"] == browserproto.CellIdle
	}
}

// snapshot reads frames until a snapshot.
func (c *tab) snapshot() map[string]any {
	c.t.Helper()
	m, _ := c.waitFor("snapshot", 15*time.Second, isType(browserproto.MsgSnapshot))
	return m
}

// cellOf returns cell id of a snapshot's notebook.
func cellOf(t testing.TB, snap map[string]any, id string) map[string]any {
	t.Helper()
	nb, _ := snap["notebook"].(map[string]any)
	cells, _ := nb["cells"].([]any)
	for _, c := range cells {
		cm, _ := c.(map[string]any)
		if cm["id"] == id {
			return cm
		}
	}
	t.Fatalf("snapshot has no cell %q: %v", id, snap)
	return nil
}

// streamText joins the text of a cell's stdout stream outputs.
func streamText(cell map[string]any, name string) string {
	outs, _ := cell["outputs"].([]any)
	var b strings.Builder
	for _, o := range outs {
		om, _ := o.(map[string]any)
		if om["output_type"] == "stream" && om["name"] == name {
			b.WriteString(fmt.Sprint(om["text"]))
		}
	}
	return b.String()
}

// runCell executes a cell and returns the frames up to its idle cell_state.
func (c *tab) runCell(id string, timeout time.Duration) (idle map[string]any, frames []map[string]any) {
	c.t.Helper()
	c.send(map[string]any{"type": "execute", "cell_ids": []string{id}})
	return c.waitFor("cell "+id+" idle", timeout, func(m map[string]any) bool {
		return isCellIdle(id)(m) && m["elapsed_ms"] != nil
	})
}

// settledSnapshot returns the snapshot of a tab opened on nbPath once no cell is
// running or queued. When a tab's snapshot shows some, it waits on that tab for
// each of them to turn idle, then opens another tab.
func (e *testEnv) settledSnapshot(nbPath string, timeout time.Duration) map[string]any {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c := e.dial(nbPath)
		snap := c.snapshot()
		pending := map[string]bool{}
		if running, ok := snap["running"].(map[string]any); ok {
			pending[fmt.Sprint(running["cell_id"])] = true
		}
		queued, _ := snap["queued"].([]any)
		for _, id := range queued {
			pending[fmt.Sprint(id)] = true
		}
		for len(pending) > 0 {
			m, _ := c.waitFor(fmt.Sprintf("running and queued cells %v to turn idle", pending), time.Until(deadline), func(m map[string]any) bool {
				return m["type"] == browserproto.MsgCellState && m["state"] == browserproto.CellIdle && pending[fmt.Sprint(m["cell_id"])]
			})
			delete(pending, fmt.Sprint(m["cell_id"]))
		}
		c.ws.Close()
		if len(queued) == 0 && snap["running"] == nil {
			return snap
		}
	}
}
