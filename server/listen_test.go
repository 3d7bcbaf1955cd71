package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// newListeningEnv starts a server the way ListenAndServe runs it (its http.Server
// with the connection timeouts, on the per-client connection cap) over real TCP,
// with real kernels. It also returns the capped listener.
func newListeningEnv(t *testing.T, adjust ...func(*Config)) (*testEnv, *connLimitListener) {
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
	ts := httptest.NewUnstartedServer(srv)
	ts.Config = srv.httpServer()
	limited := srv.limitConns(ts.Listener)
	ts.Listener = limited
	ts.Start()
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
	})
	return &testEnv{t: t, srv: srv, ts: ts, root: srv.Root()}, limited
}

// connect opens a raw TCP connection to the server from localIP ("" for the
// default, 127.0.0.1).
func (e *testEnv) connect(t *testing.T, localIP string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 30 * time.Second}
	if localIP != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(localIP)}
	}
	c, err := d.Dial("tcp", e.ts.Listener.Addr().String())
	if err != nil {
		t.Fatalf("connect from %q: %v", localIP, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// host is the Host header value that the server accepts.
func (e *testEnv) host() string { return e.ts.Listener.Addr().String() }

// dribble writes data one byte per tick until all is written, the connection
// fails or stop is closed, like a client on a hostile or hopeless link.
func dribble(c net.Conn, data []byte, tick time.Duration, stop <-chan struct{}) {
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	for i := range data {
		select {
		case <-stop:
			return
		case <-ticker.C:
		}
		if _, err := c.Write(data[i : i+1]); err != nil {
			return
		}
	}
}

// waitClosedByServer reads from c until the server closes it, and fails the test
// if that has not happened within limit. It returns what the server sent.
func waitClosedByServer(t *testing.T, c net.Conn, limit time.Duration, what string) []byte {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(limit)); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	switch {
	case err == nil, errors.Is(err, syscall.ECONNRESET):
		return got // EOF or reset: the server closed the connection
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.Fatalf("%s: the server still holds the connection after %v (it sent %q)", what, limit, got)
	default:
		t.Fatalf("%s: read: %v", what, err)
	}
	return nil
}

// getContents sends an authenticated GET /api/contents on c and checks the 200
// answer, leaving the connection open (keep-alive).
func (e *testEnv) getContents(t *testing.T, c net.Conn, br *bufio.Reader, who string) {
	t.Helper()
	fmt.Fprintf(c, "GET /api/contents HTTP/1.1\r\nHost: %s\r\nAuthorization: token %s\r\n\r\n", e.host(), testToken)
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("%s: no answer to GET /api/contents: %v", who, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: GET /api/contents: status %d %s", who, resp.StatusCode, body)
	}
}

// TestSlowHeadersAreCutOff: connections that dribble their headers (slowloris, 20
// of them here) are closed by the server once the header timeout has passed.
func TestSlowHeadersAreCutOff(t *testing.T) {
	e, _ := newListeningEnv(t, func(c *Config) { c.HeaderTimeout = 300 * time.Millisecond })
	// Headers that never end: the request is never complete.
	headers := []byte("GET /api/contents HTTP/1.1\r\nHost: " + e.host() + "\r\n" + strings.Repeat("X-Slow: a\r\n", 10000))
	stop := make(chan struct{})
	defer close(stop)
	const clients = 20
	conns := make([]net.Conn, clients)
	for i := range conns {
		conns[i] = e.connect(t, "")
		go dribble(conns[i], headers, 20*time.Millisecond, stop)
	}
	for i, c := range conns {
		// net/http closes silently or after a bare 400; never is the request served.
		if got := waitClosedByServer(t, c, 30*time.Second, fmt.Sprintf("slow headers, connection %d", i)); len(got) != 0 && !bytes.HasPrefix(got, []byte("HTTP/1.1 400 ")) {
			t.Errorf("connection %d: the server answered %q to a request whose headers never ended", i, got)
		}
	}
}

// TestDribbledBodyIsCutOff: a request body dribbled to an API route is cut off at
// the body timeout with a 408 that says why, and the connection is closed; the
// request has no effect. An unauthenticated dribbled body is cut off too (the
// server would otherwise wait for it to reuse the connection).
func TestDribbledBodyIsCutOff(t *testing.T) {
	e, _ := newListeningEnv(t, func(c *Config) { c.BodyTimeout = 300 * time.Millisecond })
	body := []byte(`{"dir": "` + strings.Repeat("a", 100000) + `"}`)
	for _, tc := range []struct {
		name, auth string
		status     int
		want       string
	}{
		{"authenticated", "Cookie: " + cookiePrefix + "_" + e.port() + "=" + testToken + "\r\nX-Gopad-CSRF: 1\r\n", http.StatusRequestTimeout, "timed out"},
		{"unauthenticated", "", http.StatusUnauthorized, "token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.connect(t, "")
			fmt.Fprintf(c, "POST /api/contents/new HTTP/1.1\r\nHost: %s\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", e.host(), tc.auth, len(body))
			stop := make(chan struct{})
			defer close(stop)
			go dribble(c, body, 20*time.Millisecond, stop)

			_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("no answer while the body dribbles (it would take %v): %v", time.Duration(len(body))*20*time.Millisecond, err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if msg := errorMessage(t, resp); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q does not say %q", msg, tc.want)
			}
			if rest := waitClosedByServer(t, c, 30*time.Second, "after the cut-off body"); len(rest) != 0 {
				t.Errorf("more after the answer: %q", rest)
			}
		})
	}
	if entries, _ := os.ReadDir(e.root); len(entries) != 0 {
		t.Errorf("the cut-off request created %d files", len(entries))
	}
}

// pacedBody yields one chunk per tick: an upload over a slow link.
type pacedBody struct {
	chunks [][]byte
	ticker *time.Ticker
}

func (p *pacedBody) Read(b []byte) (int, error) {
	if len(p.chunks) == 0 {
		return 0, io.EOF
	}
	<-p.ticker.C
	n := copy(b, p.chunks[0])
	if p.chunks[0] = p.chunks[0][n:]; len(p.chunks[0]) == 0 {
		p.chunks = p.chunks[1:]
	}
	return n, nil
}

// TestUploadGetsTransferTimeout: an upload may take longer than the body timeout of
// small API requests (its deadline is proportionate to its size limit), and is
// itself cut off at the transfer timeout.
func TestUploadGetsTransferTimeout(t *testing.T) {
	nb := notebooks.New()
	nb.Cells = append(nb.Cells, notebooks.NewCell(notebooks.MarkdownCell, "# Slow"))
	data, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "slow.gonb")
	fw.Write(data)
	mw.Close()

	t.Run("slow upload within the transfer timeout", func(t *testing.T) {
		e, _ := newListeningEnv(t, func(c *Config) { c.BodyTimeout = 200 * time.Millisecond })
		// 30 chunks, one every 50 ms: at least 1.45 s, well past the body timeout.
		var chunks [][]byte
		for raw := form.Bytes(); len(raw) > 0; {
			n := min(len(raw), form.Len()/30+1)
			chunks = append(chunks, raw[:n])
			raw = raw[n:]
		}
		ticker := time.NewTicker(50 * time.Millisecond)
		defer ticker.Stop()
		req, err := http.NewRequest("POST", e.ts.URL+"/api/contents/upload?dir=", &pacedBody{chunks: chunks, ticker: ticker})
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = int64(form.Len())
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "token "+testToken)
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("slow upload: %v", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("slow upload (%v): status %d: %s", time.Since(start), resp.StatusCode, errorMessage(t, resp))
		}
		if back, err := notebooks.Load(filepath.Join(e.root, "slow.gonb")); err != nil || back.Cells[0].Source != "# Slow" {
			t.Fatalf("uploaded notebook: %v", err)
		}
	})

	t.Run("dribbled upload cut off", func(t *testing.T) {
		e, _ := newListeningEnv(t, func(c *Config) { c.TransferTimeout = 300 * time.Millisecond })
		c := e.connect(t, "")
		fmt.Fprintf(c, "POST /api/contents/upload?dir= HTTP/1.1\r\nHost: %s\r\nAuthorization: token %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
			e.host(), testToken, mw.FormDataContentType(), form.Len())
		stop := make(chan struct{})
		defer close(stop)
		go dribble(c, form.Bytes(), 100*time.Millisecond, stop) // slow: the cut falls in the multipart boundary line
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("no answer while the upload dribbles: %v", err)
		}
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Fatalf("dribbled upload: status %d, want a 4xx", resp.StatusCode)
		}
		if msg := errorMessage(t, resp); !strings.Contains(msg, "timed out") {
			t.Errorf("dribbled upload: message %q does not say it timed out", msg)
		}
		waitClosedByServer(t, c, 30*time.Second, "after the cut-off upload")
		if _, err := os.Stat(filepath.Join(e.root, "slow.gonb")); err == nil {
			t.Error("the cut-off upload was stored")
		}
	})
}

// TestWebsocketOutlivesConnectionTimeouts: every connection timeout is 200 ms, yet
// a websocket stays open and usable while a cell runs for 1.5 s with no frames in
// between, and afterwards.
func TestWebsocketOutlivesConnectionTimeouts(t *testing.T) {
	const short = 200 * time.Millisecond
	e, _ := newListeningEnv(t, func(c *Config) {
		c.HeaderTimeout, c.BodyTimeout, c.TransferTimeout, c.WriteTimeout, c.KeepAliveTimeout = short, short, short, short, short
	})
	p := e.writeNotebook("long.gonb",
		"import (\"fmt\"; \"time\")\ntime.Sleep(1500 * time.Millisecond)\nfmt.Println(\"after the pause\")",
		`fmt.Println("still connected")`)
	c := e.dial(p)
	for _, cell := range []struct{ id, want string }{{"cell0", "after the pause"}, {"cell1", "still connected"}} {
		idle, frames := c.runCell(cell.id, 60*time.Second)
		if ms, _ := idle["elapsed_ms"].(float64); cell.id == "cell0" && ms < 1500 {
			t.Fatalf("cell0 ran %v ms, want at least the 1500 ms pause", ms)
		}
		var out strings.Builder
		for _, f := range frames {
			if f["type"] == browserproto.MsgOutput {
				raw, _ := json.Marshal(f)
				out.Write(raw)
			}
		}
		if !strings.Contains(out.String(), cell.want) {
			t.Fatalf("%s: output frames lack %q:\n%s", cell.id, cell.want, c.history())
		}
	}
}

// TestConnectionCapPerClient: one client address holds at most MaxConnsPerClient
// connections (websockets included); more are answered 503 and closed while another
// client is still served, and a closed connection frees its slot.
func TestConnectionCapPerClient(t *testing.T) {
	const maxConns = 4
	e, limited := newListeningEnv(t, func(c *Config) { c.MaxConnsPerClient = maxConns })
	p := e.writeNotebook("cap.gonb", `fmt.Println("x")`)

	tab := e.dial(p) // one websocket...
	for i := range maxConns - 1 {
		c := e.connect(t, "") // ...and three keep-alive HTTP connections
		e.getContents(t, c, bufio.NewReader(c), fmt.Sprintf("connection %d", i+1))
	}
	if n := limited.openConns("127.0.0.1"); n != maxConns {
		t.Fatalf("the listener counts %d connections from 127.0.0.1, want %d", n, maxConns)
	}

	over := e.connect(t, "")
	_ = over.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(over), nil)
	if err != nil {
		t.Fatalf("connection over the cap: no answer: %v", err)
	}
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(msg), "too many connections") || !strings.Contains(string(msg), fmt.Sprint(maxConns)) {
		t.Fatalf("connection over the cap: status %d %q, want 503 naming the limit", resp.StatusCode, msg)
	}
	waitClosedByServer(t, over, 30*time.Second, "connection over the cap")

	other := e.connect(t, "127.0.0.2")
	e.getContents(t, other, bufio.NewReader(other), "another client (127.0.0.2)")

	// Closing the websocket gives its slot back (the hijacked connection is released).
	tab.ws.Close()
	for deadline := time.Now().Add(30 * time.Second); limited.openConns("127.0.0.1") >= maxConns; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("closing the websocket did not free its slot: %d connections counted", limited.openConns("127.0.0.1"))
		}
	}
	again := e.connect(t, "")
	e.getContents(t, again, bufio.NewReader(again), "a new connection after the websocket closed")
}
