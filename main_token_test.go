package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gopad.dev/gopad/notebooks"
)

// asGopadEnv makes the test binary run as the gopad command (its arguments are
// gopad's), so that a test can start a real `gopad serve` process, whose kernels
// are the same binary started as `gopad kernel`.
const asGopadEnv = "GOPAD_TEST_AS_GOPAD"

func init() {
	if os.Getenv(asGopadEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
}

// servedGopad is a `gopad serve` process.
type servedGopad struct {
	url    *url.URL // as printed, with ?token=
	mu     sync.Mutex
	log    bytes.Buffer // its stderr
	token  string       // from the printed URL
	banner []string     // what it printed up to and including the URL's line
}

// startGopad starts `gopad serve -addr 127.0.0.1:0 ARGS` (see startGopadCommand).
func startGopad(t *testing.T, env []string, args ...string) *servedGopad {
	t.Helper()
	return startGopadCommand(t, env, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...)...)
}

// startGopadCommand starts `gopad ARGS`, which must serve, and waits for the URL it
// prints. Its environment is this one without GOPAD_TOKEN, with HOME and
// XDG_CONFIG_HOME in fresh directories (the server keeps its trust records under
// the configuration directory, and serves ~/gopad without a folder: never the
// real ones of the person running the tests), and then env, whose entries win.
func startGopadCommand(t *testing.T, env []string, args ...string) *servedGopad {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, tokenEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, asGopadEnv+"=1", "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	g := &servedGopad{}
	cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.log.Write(p)
	})
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start gopad serve: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("gopad serve exited with %v after Ctrl-C\n%s", err, g.stderr())
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("gopad serve still running 30 s after Ctrl-C\n%s", g.stderr())
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			g.mu.Lock()
			g.banner = append(g.banner, sc.Text())
			g.mu.Unlock()
			if i := strings.Index(sc.Text(), "http://"); i >= 0 {
				lines <- sc.Text()[i:]
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout) // keep the pipe drained
	}()
	select {
	case line := <-lines:
		if g.url, err = url.Parse(line); err != nil {
			t.Fatalf("gopad serve printed %q: %v", line, err)
		}
		g.token = g.url.Query().Get("token")
	case err := <-exited:
		t.Fatalf("gopad serve exited before printing its URL: %v\n%s", err, g.stderr())
	case <-time.After(60 * time.Second):
		t.Fatalf("gopad serve printed no URL within 60 s\n%s", g.stderr())
	}
	return g
}

func (g *servedGopad) stderr() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.log.String()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// status sends GET /api/contents with "Authorization: token TOKEN".
func (g *servedGopad) status(t *testing.T, token string) int {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+g.url.Host+"/api/contents", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /api/contents: %v\n%s", err, g.stderr())
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeTokenFromEnvironment: `gopad serve` takes its token from $GOPAD_TOKEN
// (no token on the command line, where ps shows it), and the kernels, hence the
// notebooks' code, do not see the variable.
func TestServeTokenFromEnvironment(t *testing.T) {
	const envToken = "env-token-4711"
	root := t.TempDir()
	nb := notebooks.New()
	// The kernel process's real environment (the interpreter's os.Getenv has its own).
	cell := notebooks.NewCell(notebooks.CodeCell, `import ("fmt"; "os"; "strings")
environ, err := os.ReadFile("/proc/self/environ")
fmt.Printf("read=%v token=[%v]\n", err == nil && len(environ) > 0, strings.Contains(string(environ), "GOPAD_TOKEN="))`)
	cell.ID = "env"
	nb.Cells = append(nb.Cells, cell)
	if err := notebooks.Save(filepath.Join(root, "env.gonb"), nb); err != nil {
		t.Fatal(err)
	}

	g := startGopad(t, []string{tokenEnv + "=" + envToken}, root)
	if g.token != envToken {
		t.Fatalf("printed URL %s carries token %q, want $%s's %q", g.url, g.token, tokenEnv, envToken)
	}
	if st := g.status(t, envToken); st != http.StatusOK {
		t.Fatalf("the environment's token: status %d", st)
	}
	if st := g.status(t, "not-"+envToken); st != http.StatusUnauthorized {
		t.Fatalf("another token: status %d, want 401", st)
	}

	// A cell looks for the variable in its kernel's environment.
	wsURL := "ws://" + g.url.Host + "/api/ws?path=env.gonb"
	ws, resp, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Authorization": {"token " + envToken}, "Origin": {"http://" + g.url.Host}})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("websocket: %v (status %d)\n%s", err, status, g.stderr())
	}
	defer ws.Close()
	if err := ws.WriteJSON(map[string]any{"type": "execute", "cell_ids": []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(60 * time.Second))
	for {
		_, frame, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("no output from the cell: %v\n%s", err, g.stderr())
		}
		var m map[string]any
		if err := json.Unmarshal(frame, &m); err != nil {
			t.Fatalf("frame %q: %v", frame, err)
		}
		if m["type"] != "output" || !bytes.Contains(frame, []byte("token=[")) {
			continue
		}
		if !bytes.Contains(frame, []byte("read=true token=[false]")) {
			t.Fatalf("the kernel's environment holds $%s (or could not be read): %s", tokenEnv, frame)
		}
		break
	}
}

// TestServeTokenFromFile: -token-file gives the token (its first line, without
// surrounding space) and wins over $GOPAD_TOKEN.
func TestServeTokenFromFile(t *testing.T) {
	const fileToken = "file-token-0815"
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("  "+fileToken+"  \nsecond line is ignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	g := startGopad(t, []string{tokenEnv + "=env-token-ignored"}, "-token-file", path, t.TempDir())
	if g.token != fileToken {
		t.Fatalf("printed URL %s carries token %q, want the file's %q", g.url, g.token, fileToken)
	}
	if st := g.status(t, fileToken); st != http.StatusOK {
		t.Fatalf("the file's token: status %d", st)
	}
	if st := g.status(t, "env-token-ignored"); st != http.StatusUnauthorized {
		t.Fatalf("the environment's token next to -token-file: status %d, want 401", st)
	}
}

// TestServeTokenErrors: conflicting or unusable token sources are refused before
// anything listens, with a message that says what is wrong.
func TestServeTokenErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	spaced := filepath.Join(dir, "spaced")
	os.WriteFile(empty, []byte("\n\n"), 0o600)
	os.WriteFile(spaced, []byte("two words\n"), 0o600)
	for _, tc := range []struct {
		env  string
		args []string
		code int
		want string
	}{
		{"", []string{"-token", "a", "-token-file", empty}, 2, "give the token once"},
		{"", []string{"-no-token", "-token-file", empty}, 2, "-no-token excludes"},
		{"from-env", []string{"-no-token"}, 2, "$GOPAD_TOKEN is set"},
		{"", []string{"-token-file", filepath.Join(dir, "missing")}, 1, "missing"},
		{"", []string{"-token-file", empty}, 1, "is empty"},
		{"", []string{"-token-file", spaced}, 1, `contains " "`},
		{"", []string{"-token", "a&b"}, 1, `contains "&"`},
		{"bad token", nil, 1, "$GOPAD_TOKEN contains"},
	} {
		t.Setenv(tokenEnv, tc.env)
		args := append([]string{"serve", "-addr", "127.0.0.1:0"}, tc.args...)
		code, stdout, stderr := gopad(t, append(args, dir)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("GOPAD_TOKEN=%q gopad %q: exit %d, stderr %q; want exit %d and %q", tc.env, args, code, stderr, tc.code, tc.want)
		}
		if strings.Contains(stdout, "http://") {
			t.Errorf("gopad %q printed a URL although it must refuse: %q", args, stdout)
		}
	}
}

// TestHelpDocumentsTokenSources: gopad -h and gopad serve -h name both ways to give
// the token without the command line.
func TestHelpDocumentsTokenSources(t *testing.T) {
	if _, stdout, _ := gopad(t, "-h"); !strings.Contains(stdout, "GOPAD_TOKEN") {
		t.Errorf("gopad -h does not document GOPAD_TOKEN:\n%s", stdout)
	}
	_, _, stderr := gopad(t, "serve", "-h")
	for _, want := range []string{"-token-file", "GOPAD_TOKEN", "ps"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("gopad serve -h does not mention %q:\n%s", want, stderr)
		}
	}
}
