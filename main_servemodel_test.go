package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/registry"
)

// servedModel is a `gopad serve-model` process: the test binary re-executed.
type servedModel struct {
	cmd   *exec.Cmd
	base  string   // http://127.0.0.1:PORT
	lines []string // stdout up to the keys line
	rest  *bufio.Scanner
	done  chan struct{} // closed when the process has exited, with err set
	err   error
}

func startServeModel(t *testing.T, env []string, args ...string) *servedModel {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve-model", "--host", "127.0.0.1"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	// An os.Pipe rather than StdoutPipe: Wait closes the latter, losing what
	// the process printed last.
	stdout, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = pw
	start := time.Now()
	err = cmd.Start()
	pw.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdout.Close() })
	sm := &servedModel{cmd: cmd, done: make(chan struct{})}
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-sm.done
	})
	sc := bufio.NewScanner(stdout)
	addr := regexp.MustCompile(`on http://(127\.0\.0\.1:\d+) `)
	for sc.Scan() {
		line := sc.Text()
		sm.lines = append(sm.lines, line)
		if m := addr.FindStringSubmatch(line); m != nil {
			sm.base = "http://" + m[1]
		}
		if strings.Contains(line, "API keys") {
			break
		}
	}
	sm.rest = sc
	go func() { sm.err = cmd.Wait(); close(sm.done) }()
	if sm.base == "" {
		t.Fatalf("serve-model did not say where it serves: %q", sm.lines)
	}
	// Ready as soon as it prints its address: the models are loaded first.
	resp, err := http.Get(sm.base + "/v2/health/ready")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("not ready once listening: %v %v", resp, err)
	}
	resp.Body.Close()
	t.Logf("serve-model ready %v after start (process start included)", time.Since(start).Round(time.Millisecond))
	return sm
}

func saveDigits(t *testing.T, dir string) *ml.Model {
	t.Helper()
	ml.SetSeed(5)
	m := ml.Sequential(ml.Linear(64, 32), ml.ReLU(), ml.Linear(32, 10))
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	return m
}

const digitsBody = `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":[0,0,0.4375,1,0.875,0.1875,0,0,0,0,0.5625,0.875,0.6875,0.9375,0,0,0,0,0.0625,0.3125,0,0.9375,0.3125,0,0,0,0,0,0,1,0.3125,0,0,0,0,0,0.1875,1,0.25,0,0,0,0,0.0625,0.75,0.875,0.0625,0,0,0,0.3125,0.75,1,1,0.875,0.0625,0,0,0.5,1,0.875,0.625,0.8125,0.1875]}]}`

func postInfer(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(digitsBody))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

// metric reads one series of /metrics.
func metric(t *testing.T, base, series string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		return ""
	}
	return string(m[1])
}

func TestServeModelServesASavedDirectoryAndDrainsOnSIGTERM(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "digits")
	saveDigits(t, dir)
	sm := startServeModel(t, nil, "--model_dir", dir, "--http_port", "0")
	if !strings.Contains(strings.Join(sm.lines, "\n"), `serving model "digits" from `) || !strings.Contains(sm.lines[len(sm.lines)-1], "no API keys: every request is served") {
		t.Fatalf("start message: %q", sm.lines)
	}
	if code, v := postInfer(t, sm.base+"/v2/models/digits/infer", ""); code != 200 || v["model_version"] != "1" {
		t.Fatalf("infer: %d %v", code, v)
	}

	// A request in flight when SIGTERM comes: its body is still being sent.
	conn, err := net.Dial("tcp", strings.TrimPrefix(sm.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v2/models/digits/infer HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(digitsBody))
	// Wait until the server counts it in flight (a condition, not a delay).
	deadline := time.Now().Add(30 * time.Second)
	for metric(t, sm.base, `gopad_inference_requests_in_flight{model="digits"}`) != "1" {
		if time.Now().After(deadline) {
			t.Fatal("the request never showed as in flight")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := sm.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !sm.rest.Scan() || !strings.Contains(sm.rest.Text(), "draining") {
		t.Fatalf("after SIGTERM: %q", sm.rest.Text())
	}
	// Draining: no new connections; the one in flight is answered.
	if c, err := net.Dial("tcp", strings.TrimPrefix(sm.base, "http://")); err == nil {
		c.Close()
		t.Fatal("a new connection was accepted while draining")
	}
	io.WriteString(conn, digitsBody)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight was dropped: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the request in flight: %d", resp.StatusCode)
	}
	if !sm.rest.Scan() || !strings.Contains(sm.rest.Text(), "stopped") {
		t.Fatalf("last words: %q", sm.rest.Text())
	}
	<-sm.done
	if sm.err != nil {
		t.Fatalf("serve-model exit after SIGTERM: %v", sm.err)
	}
}

func TestServeModelWithKeysFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "digits")
	saveDigits(t, dir)
	keysFile := filepath.Join(t.TempDir(), "keys.json")
	code, stdout, stderr := gopad(t, "serve-model", "keys", "create", "--keys_file", keysFile, "--models", "digits", "--name", "ci")
	if code != 0 || !strings.HasPrefix(stdout, "gpk_") || !strings.Contains(stderr, "shown only now") {
		t.Fatalf("keys create: %d %q %q", code, stdout, stderr)
	}
	token := strings.TrimSpace(stdout)
	if code, out, _ := gopad(t, "serve-model", "keys", "list", "--keys_file", keysFile); code != 0 || !strings.Contains(out, "ci") || strings.Contains(out, token[13:]) {
		t.Fatalf("keys list: %d %q", code, out)
	}
	sm := startServeModel(t, nil, "--model_dir", dir, "--http_port", "0", "--keys_file", keysFile)
	if !strings.Contains(sm.lines[len(sm.lines)-1], "API keys required") {
		t.Fatalf("start message: %q", sm.lines)
	}
	if code, _ := postInfer(t, sm.base+"/v2/models/digits/infer", ""); code != 401 {
		t.Fatalf("no key: %d", code)
	}
	if code, _ := postInfer(t, sm.base+"/v2/models/digits/infer", token); code != 200 {
		t.Fatalf("with key: %d", code)
	}
	if code, _, stderr := gopad(t, "serve-model", "keys", "revoke", "--keys_file", keysFile, "nothing"); code != 1 || !strings.Contains(stderr, "no such key") {
		t.Fatalf("revoke unknown: %d %q", code, stderr)
	}
	if code, _, stderr := gopad(t, "serve-model", "--model_dir", dir, "--keys_file", filepath.Join(t.TempDir(), "missing.json")); code != 1 || !strings.Contains(stderr, "keys create") {
		t.Fatalf("missing keys file: %d %q", code, stderr)
	}
}

func TestServeModelFollowsANotebookRootsRegistry(t *testing.T) {
	root := t.TempDir()
	reg, err := registry.Open(filepath.Join(root, serving.RegistrySubdir))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	m := saveDigits(t, filepath.Join(t.TempDir(), "d"))
	if _, err := reg.Publish("digits", m, registry.Lineage{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	// The port comes from $PORT, as on Cloud Run and Knative.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	sm := startServeModel(t, []string{fmt.Sprintf("PORT=%d", port)}, "--model_dir", root)
	if sm.base != fmt.Sprintf("http://127.0.0.1:%d", port) || !strings.Contains(sm.lines[0], "digits v1") {
		t.Fatalf("serving %s: %q", sm.base, sm.lines)
	}
	// Another process (this test) publishes version 2: serve-model picks it up.
	if _, err := reg.Publish("digits", m, registry.Lineage{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		code, v := postInfer(t, sm.base+"/v2/models/digits/infer", "")
		if code != 200 {
			t.Fatalf("infer during the switch: %d %v", code, v)
		}
		if v["model_version"] == "2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve-model never served version 2")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A canary set by another process: once serve-model names it in the
	// model's metadata, it answers exactly half of the requests.
	if err := reg.SetCanary("digits", 1, 50); err != nil {
		t.Fatal(err)
	}
	for {
		resp, err := http.Get(sm.base + "/v2/models/digits")
		if err != nil {
			t.Fatal(err)
		}
		var md struct {
			Parameters map[string]any `json:"parameters"`
		}
		err = json.NewDecoder(resp.Body).Decode(&md)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if md.Parameters["canary_version"] == "1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve-model never took the canary: %v", md.Parameters)
		}
		time.Sleep(20 * time.Millisecond)
	}
	byVersion := map[any]int{}
	for range 10 {
		code, v := postInfer(t, sm.base+"/v2/models/digits/infer", "")
		if code != 200 {
			t.Fatalf("infer with a canary: %d %v", code, v)
		}
		byVersion[v["model_version"]]++
	}
	if byVersion["1"] != 5 || byVersion["2"] != 5 {
		t.Fatalf("10 requests with version 1 as a 50%% canary: %v", byVersion)
	}
}

func TestServeModelBadArguments(t *testing.T) {
	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"serve-model", "--model_dir", filepath.Join(empty, "nope")}, 1, "no such file or directory"},
		{[]string{"serve-model", "--model_dir", empty}, 1, "holds no model"},
		{[]string{"serve-model", "--http_port", "70000"}, 2, "not a port number"},
		{[]string{"serve-model", "extra"}, 2, "unexpected arguments"},
		{[]string{"serve-model", "keys"}, 2, "needs an action"},
		{[]string{"serve-model", "keys", "create", "--models", "x"}, 2, "--keys_file is required"},
	} {
		code, _, stderr := gopad(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.says) {
			t.Errorf("gopad %q: exit %d %q; want %d saying %q", c.args, code, stderr, c.code, c.says)
		}
	}
	if code, _, stderr := gopad(t, "serve-model", "-h"); code != 0 || !strings.Contains(stderr, "--model_dir") && !strings.Contains(stderr, "-model_dir") {
		t.Fatalf("serve-model -h: %d %q", code, stderr)
	}
}
