// Package e2e drives gopad in a real headless Chromium (Debian's /usr/bin/chromium)
// through chromedp: the list page, notebooks, running cells, reconnecting.
//
// The tests build the gopad binary once, start `gopad serve` on a free loopback port
// with a fresh root directory and token per test, and keep a screenshot of each test
// in the artifacts directory ($GOPAD_ARTIFACTS, or a temporary directory printed in
// the log). They never skip: without Chromium they fail and say how to install it.
package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium; .ci/run installs it.
const chromiumPath = "/usr/bin/chromium"

var (
	gopadBin     string // built once in TestMain
	artifactsDir string // where screenshots go
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if bin := os.Getenv("GOPAD_E2E_BIN"); bin != "" {
		// A prebuilt binary that accepts `serve --addr DIR` and $GOPAD_TOKEN (e.g. a local build).
		gopadBin = bin
		return runWithArtifacts(m)
	}
	binDir, err := os.MkdirTemp("", "gopad-e2e-bin-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: make a directory for the gopad binary: %v\n", err)
		return 1
	}
	defer os.RemoveAll(binDir)
	gopadBin = filepath.Join(binDir, "gopad")
	build := exec.Command("go", "build", "-o", gopadBin, ".")
	build.Dir = ".." // the module root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build of gopad failed: %v\n%s", err, out)
		return 1
	}
	return runWithArtifacts(m)
}

func runWithArtifacts(m *testing.M) int {
	artifactsDir = os.Getenv("GOPAD_ARTIFACTS")
	if artifactsDir == "" {
		artifactsDir = filepath.Join(os.TempDir(), "gopad-e2e-artifacts")
	}
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: make artifacts directory %s: %v\n", artifactsDir, err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "e2e: screenshots go to %s\n", artifactsDir)
	return m.Run()
}

// gopadServer is one running `gopad serve`.
type gopadServer struct {
	Base     string // http://127.0.0.1:PORT
	Token    string
	Root     string
	cmd      *exec.Cmd
	stopOnce sync.Once
	logMu    sync.Mutex
	log      strings.Builder
}

var urlRE = regexp.MustCompile(`https?://[^\s]+`)

// startServer starts gopad on a free port over root (a fresh directory if empty).
func startServer(t *testing.T, root string) *gopadServer {
	t.Helper()
	var tok [12]byte
	if _, err := rand.Read(tok[:]); err != nil {
		t.Fatalf("make token: %v", err)
	}
	return startServerAt(t, root, "127.0.0.1:0", hex.EncodeToString(tok[:]))
}

// startServerAt starts gopad on addr with the given token over root.
func startServerAt(t *testing.T, root, addr, token string) *gopadServer {
	t.Helper()
	if root == "" {
		root = t.TempDir()
	}
	// The root is given as the positional DIR, which `gopad serve` takes today (issue 3
	// also names a --root flag).
	return startGopad(t, root, token, nil, "serve", "--addr", addr, root)
}

// startGopad starts `gopad ARGS`, which serves root, with token and env. The token
// travels in the environment (as people should pass it: the command line shows in
// ps). The server's own state (the trusted-notebook store) and its default
// workspace go to fresh directories, never the home of the person running the
// tests; env, added last, may name others.
func startGopad(t *testing.T, root, token string, env []string, args ...string) *gopadServer {
	t.Helper()
	s := &gopadServer{Token: token, Root: root}
	s.cmd = exec.Command(gopadBin, args...)
	stopWithTest(s.cmd)
	s.cmd.Env = append(os.Environ(), "GOPAD_TOKEN="+s.Token, "XDG_CONFIG_HOME="+t.TempDir(), "HOME="+t.TempDir())
	s.cmd.Env = append(s.cmd.Env, env...)
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("gopad stdout pipe: %v", err)
	}
	s.cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		s.logMu.Lock()
		defer s.logMu.Unlock()
		return s.log.Write(p)
	})
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s serve: %v", gopadBin, err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			s.logMu.Lock()
			t.Logf("gopad server log:\n%s", s.log.String())
			s.logMu.Unlock()
		}
	})
	found := make(chan string, 1)
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			s.logMu.Lock()
			s.log.WriteString(line + "\n")
			s.logMu.Unlock()
			if u := urlRE.FindString(line); u != "" && !sent {
				found <- u
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-found:
		i := strings.Index(u[len("http://"):], "/")
		if i < 0 {
			s.Base = u
		} else {
			s.Base = u[:len("http://")+i]
		}
	case <-exited:
		s.logMu.Lock()
		defer s.logMu.Unlock()
		t.Fatalf("gopad serve stopped before printing its URL; its output:\n%s", s.log.String())
	case <-time.After(60 * time.Second):
		s.logMu.Lock()
		defer s.logMu.Unlock()
		t.Fatalf("gopad serve printed no URL within 60 s; its output:\n%s", s.log.String())
	}
	return s
}

// Stop ends the server as Ctrl+C does (it saves open notebooks), killing it after 10 s.
func (s *gopadServer) Stop() {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	})
}

// URL is the address of an app path with the token, as a person's first visit has it.
func (s *gopadServer) URL(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return s.Base + path + sep + "token=" + s.Token
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// newBrowser starts a fresh headless Chromium (own profile) and returns its context.
// Cancelling the returned cancel func closes the browser.
func newBrowser(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("e2e: %s not found (%v): the browser tests need Debian's Chromium; install it with `apt-get install chromium` (.ci/run does). These tests never skip.", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithErrorf(func(string, ...any) {}))
	// A guard against a hung browser, not a performance bound: on a loaded CI
	// machine (the kernel tests run alongside) one long test has taken three
	// minutes while every wait inside it succeeded.
	ctx, cancelTimeout := context.WithTimeout(ctx, 8*time.Minute)
	var once sync.Once
	cancel := func() {
		once.Do(func() {
			cancelTimeout()
			cancelCtx()
			cancelAlloc()
		})
	}
	t.Cleanup(cancel)
	// Start the browser now so that start-up failures are reported here.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("e2e: start %s: %v", chromiumPath, err)
	}
	return ctx, cancel
}

// do runs chromedp actions and fails the test (with a screenshot) on error.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		failShot(t, ctx)
		t.Fatalf("%s: %v", what, err)
	}
}

// waitFor polls a JavaScript boolean expression until it is true or timeout passes.
func waitFor(t *testing.T, ctx context.Context, what, expr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			failShot(t, ctx)
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 4000) : ""`))
			t.Fatalf("timed out after %v waiting for %s (%s); last error: %v; page text:\n%s", timeout, what, expr, err, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// evalJS evaluates a JavaScript expression and decodes its value, failing the test on error.
func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		failShot(t, ctx)
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// evalAwait evaluates a JavaScript expression that yields a promise and decodes what
// it resolves to, failing the test on error.
func evalAwait[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		failShot(t, ctx)
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// screenshot keeps a PNG of the whole page as a test artifact. The viewport is
// grown to the page's height for the capture: a capture beyond the viewport leaves
// out the sandboxed output frames (they render in their own process) and draws the
// sticky toolbar where the page happens to be scrolled.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	height, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`(window.scrollTo(0, 0), Math.min(document.documentElement.scrollHeight, 8000))`))
	if err != nil || height < 900 {
		height = 900
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, height)); err == nil {
		time.Sleep(300 * time.Millisecond) // let frames and charts lay out at the new size
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	_ = chromedp.Do(ctx, chromedp.ResetViewport())
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(artifactsDir, name+".png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Errorf("write screenshot: %v", err)
		return
	}
	t.Logf("screenshot: %s", path)
}

func failShot(t *testing.T, ctx context.Context) {
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)); err == nil {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + "-FAILED.png"
		path := filepath.Join(artifactsDir, name)
		if os.WriteFile(path, png, 0o644) == nil {
			t.Logf("failure screenshot: %s", path)
		}
	}
}

// key presses one key with modifiers (chromedp.Modifier* bits), as a person does.
func key(keyName, code string, keyCode int64, mods chromedp.Modifier) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		m := int64(mods)
		text := ""
		switch {
		case keyName == "Enter" && m&int64(chromedp.ModifierAlt|chromedp.ModifierCtrl) == 0:
			text = "\r"
		case len(keyName) == 1 && m&int64(chromedp.ModifierCtrl|chromedp.ModifierAlt) == 0:
			text = keyName
		}
		down := input.DispatchKeyEventParams{
			Type: input.DispatchKeyEventTypeKeyDown, Key: keyName, Code: code, Modifiers: m,
			WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode, Text: text, UnmodifiedText: text,
		}
		if text == "" {
			down.Type = input.DispatchKeyEventTypeRawKeyDown
		}
		if _, err := cdp.Call(ctx, tgt, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := down
		up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		_, err := cdp.Call(ctx, tgt, input.DispatchKeyEvent, up)
		return err
	})
}

func shiftEnter() chromedp.Action[chromedp.Void] {
	return key("Enter", "Enter", 13, chromedp.ModifierShift)
}
func escape() chromedp.Action[chromedp.Void] { return key("Escape", "Escape", 27, 0) }

// letter presses a lower-case letter or digit key (command-mode shortcuts).
func letter(c byte) chromedp.Action[chromedp.Void] {
	s := string(c)
	code := "Key" + strings.ToUpper(s)
	kc := int64(strings.ToUpper(s)[0])
	if c >= '0' && c <= '9' {
		code = "Digit" + s
		kc = int64(c)
	}
	return key(s, code, kc, 0)
}

// insertText types text into the focused element in one go (as a paste or IME
// commit does), so editor auto-indent and bracket closing do not change it.
func insertText(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}

// jsString quotes s for use inside a JavaScript expression.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// nbCell is one cell of a notebook file written for a test.
type nbCell struct {
	Type    string // "code" or "markdown"
	Source  string
	Outputs []map[string]any
}

// writeNotebook writes an nbformat 4.5 notebook (gopad's .gonb) into dir.
func writeNotebook(t *testing.T, dir, name string, cells []nbCell) string {
	t.Helper()
	var out []map[string]any
	for i, c := range cells {
		m := map[string]any{
			"id":        fmt.Sprintf("cell-%03d", i),
			"cell_type": c.Type,
			"metadata":  map[string]any{},
			"source":    c.Source,
		}
		if c.Type == "code" {
			outs := c.Outputs
			if outs == nil {
				outs = []map[string]any{}
			}
			m["outputs"] = outs
			m["execution_count"] = nil
		}
		out = append(out, m)
	}
	nb := map[string]any{
		"nbformat":       4,
		"nbformat_minor": 5,
		"metadata": map[string]any{
			"kernelspec":    map[string]any{"name": "gopad", "display_name": "Go (gopad)", "language": "go"},
			"language_info": map[string]any{"name": "go", "file_extension": ".go"},
		},
		"cells": out,
	}
	data, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		t.Fatalf("encode notebook: %v", err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("write notebook: %v", err)
	}
	return name
}
