package server

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/kerneltest"
	"gopad.dev/gopad/server/browserproto"
)

// realKernel makes the server start real gopad kernels: the test binary
// re-executed through kerneltest (TestMain calls kerneltest.Main).
func realKernel(c *Config) {
	opts := kerneltest.Options()
	c.KernelCommand = append([]string{opts.Command}, opts.Args...)
	base := os.Environ()
	c.KernelEnv = nil
	for _, kv := range opts.Env {
		if !slices.Contains(base, kv) {
			c.KernelEnv = append(c.KernelEnv, kv)
		}
	}
}

func TestRealKernelExecute(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("real.gonb", `import "fmt"`, `x := 41
fmt.Println("hello from go")`, `x + 1`, `undefinedThing + 1`)
	c := e.dial(p)
	c.waitFor("kernel idle", 60*time.Second, isKernel(browserproto.KernelIdle))
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell0", "cell1", "cell2", "cell3"}})
	c.waitFor("cell3 idle", 60*time.Second, func(m map[string]any) bool { return isCellIdle("cell3")(m) && m["elapsed_ms"] != nil })
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	snap := e.dial(p).snapshot()
	if got := streamText(cellOf(t, snap, "cell1"), "stdout"); got != "hello from go\n" {
		t.Errorf("cell1 stdout = %q", got)
	}
	outs := cellOf(t, snap, "cell2")["outputs"].([]any)
	if len(outs) != 1 || outs[0].(map[string]any)["output_type"] != "execute_result" ||
		outs[0].(map[string]any)["data"].(map[string]any)["text/plain"] != "42" {
		t.Errorf("cell2 outputs = %v", outs)
	}
	errOuts := cellOf(t, snap, "cell3")["outputs"].([]any)
	if len(errOuts) != 1 || errOuts[0].(map[string]any)["output_type"] != "error" ||
		!strings.Contains(strings.ToLower(errOuts[0].(map[string]any)["evalue"].(string)), "undefined") {
		t.Errorf("cell3 outputs = %v", errOuts)
	}
	if n := cellOf(t, snap, "cell2")["execution_count"]; n != float64(3) {
		t.Errorf("cell2 execution_count = %v, want 3", n)
	}
}

func TestRealKernelDeathReported(t *testing.T) {
	e := newEnv(t)
	// The cell sleeps until the goroutine's panic ends the process.
	p := e.writeNotebook("crash.gonb", `import "time"`, `go func() { panic("boom in goroutine") }()
time.Sleep(time.Hour)`, `1 + 1`)
	c := e.dial(p)
	c.waitFor("kernel idle", 60*time.Second, isKernel(browserproto.KernelIdle))
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell0", "cell1", "cell2"}})
	_, frames := c.waitFor("cell1 idle", 60*time.Second, func(m map[string]any) bool { return isCellIdle("cell1")(m) && m["elapsed_ms"] != nil })
	var dead map[string]any
	for _, m := range frames {
		if isKernel(browserproto.KernelDead)(m) {
			dead = m
		}
	}
	if dead == nil {
		t.Fatalf("no kernel_status dead; frames:\n%s", c.history())
	}
	snap := e.dial(p).snapshot()
	outs := cellOf(t, snap, "cell1")["outputs"].([]any)
	last := outs[len(outs)-1].(map[string]any)
	if last["ename"] != "KernelDied" || !strings.Contains(strings.Join(toStrings(last["traceback"]), "\n"), "boom in goroutine") {
		t.Fatalf("crashed cell's error = %v", last)
	}
	// Running again starts a fresh kernel.
	idle, _ := c.runCell("cell2", 60*time.Second)
	if idle["execution_count"] != float64(1) {
		t.Fatalf("fresh kernel count = %v", idle["execution_count"])
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, s := range list {
		str, _ := s.(string)
		out = append(out, str)
	}
	return out
}

// BenchmarkTrivialCellRealKernel: a trivial cell over the websocket, from the
// "execute" frame to kernel_status idle, with a real gopad kernel.
//
//	go test ./server -run '^$' -bench TrivialCellRealKernel -benchtime 500x
func BenchmarkTrivialCellRealKernel(b *testing.B) {
	benchTrivialCell(b, newEnv(b), "1 + 1")
}

func TestRealKernelOutputReplayedAfterReconnect(t *testing.T) {
	e := newEnv(t)
	gate := newCellGate(t)
	p := e.writeNotebook("lid.gonb", `import ("fmt"; "net/http")`, `for i := 0; i < 4; i++ {
	fmt.Println("step", i)
	if i == 0 {
		`+gate.stop()+`
	}
}`)
	c := e.dial(p)
	c.waitFor("kernel idle", 60*time.Second, isKernel(browserproto.KernelIdle))
	c.runCell("cell0", 30*time.Second)
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell1"}})
	c.waitFor("first step", 20*time.Second, isType(browserproto.MsgOutput))
	gate.waitArrived(20 * time.Second)
	c.ws.Close() // the browser goes away while the cell runs

	gate.open() // the cell prints the rest with no tab open
	snap := e.settledSnapshot(p, 60*time.Second)
	if got := streamText(cellOf(t, snap, "cell1"), "stdout"); got != "step 0\nstep 1\nstep 2\nstep 3\n" {
		t.Fatalf("replayed output = %q", got)
	}
}

func TestRealKernelComplete(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("comp.gonb", `import "strings"`, ``)
	c := e.dial(p)
	c.waitFor("kernel idle", 60*time.Second, isKernel(browserproto.KernelIdle))
	c.runCell("cell0", 30*time.Second)
	c.send(map[string]any{"type": "complete", "req_id": "r1", "cell_id": "cell1", "code": "strings.ToU", "cursor_pos": 11})
	m, _ := c.waitFor("complete_reply", 20*time.Second, isType(browserproto.MsgCompleteReply))
	matches := toStrings(m["matches"])
	if !slices.Contains(matches, "ToUpper") || m["cursor_start"] != float64(8) || m["cursor_end"] != float64(11) || m["req_id"] != "r1" {
		t.Fatalf("complete_reply = %v", m)
	}
}

// TestRealKernelWelcomeRunAllAndExport opens the bundled welcome example as a copy,
// runs every cell with "restart + run all" in a real kernel, and exports the result.
func TestRealKernelWelcomeRunAllAndExport(t *testing.T) {
	e := newEnv(t)
	var opened browserproto.OpenExampleReply
	if st := e.postJSON("/api/examples/open", map[string]string{"name": "welcome.gonb"}, &opened); st != 200 {
		t.Fatalf("open example: %d", st)
	}
	c := e.dial(opened.Path)
	snap := c.snapshot()
	cells := snap["notebook"].(map[string]any)["cells"].([]any)
	lastCode := ""
	for _, cell := range cells {
		if cm := cell.(map[string]any); cm["cell_type"] == "code" {
			lastCode = cm["id"].(string)
		}
	}
	c.waitFor("kernel idle", 60*time.Second, isKernel(browserproto.KernelIdle))
	c.send(map[string]any{"type": "restart", "run_all": true})
	_, frames := c.waitFor("last cell idle", 120*time.Second, func(m map[string]any) bool {
		return isCellIdle(lastCode)(m) && m["elapsed_ms"] != nil
	})
	for _, m := range frames {
		if m["type"] == browserproto.MsgOutput && m["output"].(map[string]any)["output_type"] == "error" {
			t.Fatalf("a welcome cell failed: %v", m)
		}
	}
	c.waitFor("saved", 20*time.Second, isType(browserproto.MsgSaved))

	resp := e.do("GET", "/api/contents/download?path="+opened.Path+"&format=ipynb", nil)
	raw, _ := io.ReadAll(resp.Body)
	validateWithNbformat(t, raw)
	resp = e.do("GET", "/api/contents/download?path="+opened.Path+"&format=html", nil)
	page, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(page), "<h1>Welcome to gopad</h1>") {
		t.Error("html export lacks the rendered title")
	}
	if strings.Contains(string(page), `class="chart"`) && !strings.Contains(string(page), "echarts.init") {
		t.Error("html export has charts but no echarts")
	}
	if dir := os.Getenv("GOPAD_SERVER_EXPORT_DIR"); dir != "" {
		_ = os.WriteFile(dir+"/welcome.html", page, 0o644)
	}
	t.Logf("welcome export: %d bytes of HTML, charts: %v", len(page), strings.Count(string(page), `class="chart"`))
}

func TestRealKernelInterruptKeepsState(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("intr.gonb", `import ("fmt"; "time")
kept := 7`, `fmt.Println("sleeping")
time.Sleep(time.Hour)`, `kept * 6`)
	c := e.dial(p)
	c.waitFor("kernel idle", 60*time.Second, isKernel(browserproto.KernelIdle))
	c.runCell("cell0", 30*time.Second)
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell1"}})
	c.waitFor("sleeping", 20*time.Second, isType(browserproto.MsgOutput))
	c.send(map[string]any{"type": "interrupt"})
	_, frames := c.waitFor("cell1 idle", 30*time.Second, func(m map[string]any) bool { return isCellIdle("cell1")(m) && m["elapsed_ms"] != nil })
	interrupted := false
	for _, m := range frames {
		if m["type"] == browserproto.MsgOutput && m["output"].(map[string]any)["output_type"] == "error" {
			interrupted = !strings.Contains(fmt.Sprint(m["output"]), "KernelDied")
		}
	}
	if !interrupted {
		t.Fatalf("no cooperative interrupt error; frames:\n%s", c.history())
	}
	_, frames = c.runCell("cell2", 30*time.Second)
	got := ""
	for _, m := range frames {
		if m["type"] == browserproto.MsgOutput {
			got = fmt.Sprint(m["output"].(map[string]any)["data"])
		}
	}
	if !strings.Contains(got, "42") {
		t.Fatalf("state after interrupt: result %q, frames:\n%s", got, c.history())
	}
}
