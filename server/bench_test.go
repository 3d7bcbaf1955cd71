package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

func TestListenAndServePrintsURL(t *testing.T) {
	root := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- ListenAndServe(ctx, Config{Addr: "127.0.0.1:0", Root: root, Logf: t.Logf}, pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("read banner: %v", err)
	}
	m := regexp.MustCompile(`^gopad serving notebooks in (.+) at (http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]{48}))\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("banner %q", line)
	}
	if port, _ := strconv.Atoi(m[3]); port == 0 {
		t.Fatalf("banner shows port 0: %q", line)
	}
	resp, err := http.Get(m[2])
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET the printed URL: %v %v", err, resp)
	}
	resp.Body.Close()
	resp, err = http.Get(strings.Replace(m[2], m[4], "wrong", 1))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET with a wrong token: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ListenAndServe returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServe did not return after cancel")
	}
}

func TestListenAndServeBadAddress(t *testing.T) {
	err := ListenAndServe(context.Background(), Config{Addr: "no-port", Root: t.TempDir()}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Fatalf("bad address: %v", err)
	}
}

// benchTrivialCell measures, over the websocket, the time from sending "execute"
// for a trivial cell to receiving kernel_status idle.
func benchTrivialCell(b *testing.B, e *testEnv, source string) {
	p := e.writeNotebook("bench.gonb", source)
	c := e.dial(p)
	c.waitFor("kernel idle", 60*time.Second, isKernel(browserproto.KernelIdle))
	run := func() time.Duration {
		start := time.Now()
		c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell0"}})
		_, frames := c.waitFor("idle", 30*time.Second, isKernel(browserproto.KernelIdle))
		d := time.Since(start)
		for _, m := range frames {
			if m["type"] == browserproto.MsgOutput && m["output"].(map[string]any)["output_type"] == "error" {
				b.Fatalf("the benchmark cell failed: %v", m)
			}
		}
		c.mu.Lock()
		c.seen = c.seen[:0]
		c.mu.Unlock()
		return d
	}
	for i := 0; i < 5; i++ {
		run() // warm up
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		times = append(times, run())
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	pct := func(q float64) float64 {
		return float64(times[int(q*float64(len(times)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkServerIdleRSS builds the gopad binary, starts `gopad serve` on an empty
// root, makes one request and reports the server process's resident memory.
//
//	go test ./server -run '^$' -bench ServerIdleRSS -benchtime 1x
func BenchmarkServerIdleRSS(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "gopad")
	build := exec.Command("go", "build", "-o", bin, "..")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--no-token", b.TempDir())
		b.ReportMetric(idleRSS(b, cmd), "RSS-MB")
	}
}

// BenchmarkServerOnlyIdleRSS is BenchmarkServerIdleRSS for this package alone (the
// test binary re-executed as a server), without the kernel, ml and display code
// that the gopad binary also links.
//
//	go test ./server -run '^$' -bench ServerOnlyIdleRSS -benchtime 1x
func BenchmarkServerOnlyIdleRSS(b *testing.B) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(exe, "-test.run=^$", b.TempDir())
		cmd.Env = append(os.Environ(), roleEnv+"=serve")
		b.ReportMetric(idleRSS(b, cmd), "RSS-MB")
	}
}

func idleRSS(b *testing.B, cmd *exec.Cmd) float64 {
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("read banner: %v", err)
	}
	u := regexp.MustCompile(`http://\S+`).FindString(line)
	for _, path := range []string{"", "api/contents", "static/app.js"} {
		resp, err := http.Get(strings.TrimSuffix(u, "/") + "/" + path)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// Part of the measurement, not synchronisation: idle RSS is read one second
	// after the last request, once the server has nothing left to do.
	time.Sleep(time.Second)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	m := regexp.MustCompile(`VmRSS:\s+(\d+) kB`).FindSubmatch(status)
	if m == nil {
		b.Fatalf("no VmRSS in %s", status)
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return float64(kb) / 1024
}

// BenchmarkSnapshot100Cells measures opening a websocket on a 100-cell notebook
// with outputs (a stream, a table and a chart per cell) until its snapshot arrived.
func BenchmarkSnapshot100Cells(b *testing.B) {
	e := newEnv(b)
	nb := notebooks.New()
	for i := 0; i < 100; i++ {
		c := notebooks.NewCell(notebooks.CodeCell, fmt.Sprintf("x%d := %d\nfmt.Println(x%d)", i, i, i))
		n := i + 1
		c.ExecutionCount = &n
		rows := make([]any, 20)
		for r := range rows {
			rows[r] = []any{r, float64(r) / 3, "label"}
		}
		c.Outputs = []notebooks.Output{
			{Type: notebooks.StreamOutput, Name: "stdout", Text: strings.Repeat("line of output\n", 20)},
			{Type: notebooks.DisplayDataOutput, Data: map[string]any{"application/vnd.gopad.table+json": map[string]any{"columns": []any{"i", "v", "s"}, "rows": rows}, "text/plain": "table"}, Metadata: map[string]any{}},
			{Type: notebooks.DisplayDataOutput, Data: map[string]any{"application/vnd.gopad.echarts+json": map[string]any{"series": []any{map[string]any{"type": "line", "data": rows}}}, "text/plain": "chart"}, Metadata: map[string]any{}},
		}
		nb.Cells = append(nb.Cells, c)
	}
	if err := notebooks.Save(filepath.Join(e.root, "big.gonb"), nb); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := e.dial("big.gonb")
		c.snapshot()
		c.ws.Close()
	}
}
