package server

import (
	"path/filepath"
	"testing"
	"time"

	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

// executionKeys are the run timestamps Jupyter records, in the order they happen.
var executionKeys = []string{"iopub.status.busy", "iopub.execute_input", "shell.execute_reply", "iopub.status.idle"}

// executionTimes parses a cell's metadata.execution; ok is false when it is absent.
func executionTimes(t *testing.T, meta map[string]any) (times []time.Time, ok bool) {
	t.Helper()
	raw, present := meta[executionMetadataKey]
	if !present {
		return nil, false
	}
	exec, isMap := raw.(map[string]any)
	if !isMap {
		t.Fatalf("metadata.execution = %#v, want an object", raw)
	}
	if len(exec) != len(executionKeys) {
		t.Errorf("metadata.execution has %d keys, want %d: %v", len(exec), len(executionKeys), exec)
	}
	for _, k := range executionKeys {
		s, isString := exec[k].(string)
		if !isString {
			t.Fatalf("metadata.execution[%q] = %#v, want a string", k, exec[k])
		}
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("metadata.execution[%q] = %q is not RFC 3339: %v", k, s, err)
		}
		if _, err := time.Parse(jupyterTimeLayout, s); err != nil {
			t.Errorf("metadata.execution[%q] = %q is not UTC with milliseconds: %v", k, s, err)
		}
		times = append(times, tm)
	}
	return times, true
}

func TestRealKernelRunTimingSavedAndCleared(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("timing.gonb", `import "time"`, `time.Sleep(150 * time.Millisecond)`)
	file := filepath.Join(e.root, p)
	c := e.dial(p)
	c.waitFor("kernel idle", 60*time.Second, isKernel(browserproto.KernelIdle))
	c.runCell("cell0", 30*time.Second)
	before := time.Now()
	idle, _ := c.runCell("cell1", 30*time.Second)
	after := time.Now()
	c.waitFor("saved after run", 15*time.Second, isType(browserproto.MsgSaved))

	nb, err := notebooks.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	times, ok := executionTimes(t, nb.Cells[1].Metadata)
	if !ok {
		t.Fatalf("saved cell1 metadata has no execution timing: %v", nb.Cells[1].Metadata)
	}
	for i := 1; i < len(times); i++ {
		if times[i].Before(times[i-1]) {
			t.Errorf("%s (%v) is before %s (%v)", executionKeys[i], times[i], executionKeys[i-1], times[i-1])
		}
	}
	// The run started after the execute was sent and ended before idle arrived
	// (one millisecond of slack: the stored times are truncated to milliseconds).
	if times[0].Before(before.Add(-time.Millisecond)) || times[3].After(after) {
		t.Errorf("timing %v..%v outside the run %v..%v", times[0], times[3], before, after)
	}
	ran := times[2].Sub(times[1])
	if ran < 150*time.Millisecond {
		t.Errorf("execute_input to execute_reply = %v, but the cell slept 150ms", ran)
	}
	if ms, _ := idle["elapsed_ms"].(float64); ran.Milliseconds() > int64(ms)+1 || ran.Milliseconds() < int64(ms)-1 {
		t.Errorf("recorded run time %v differs from the live elapsed_ms %v", ran, ms)
	}
	if _, ok := executionTimes(t, nb.Cells[0].Metadata); !ok {
		t.Errorf("saved cell0 metadata has no execution timing: %v", nb.Cells[0].Metadata)
	}

	// A new tab's snapshot carries the timing too.
	snap := e.dial(p).snapshot()
	meta, _ := cellOf(t, snap, "cell1")["metadata"].(map[string]any)
	if _, ok := executionTimes(t, meta); !ok {
		t.Errorf("snapshot cell1 metadata has no execution timing: %v", meta)
	}

	c.send(map[string]any{"type": "clear_outputs", "cell_ids": []string{"cell1"}})
	c.waitFor("outputs cleared", 15*time.Second, isType(browserproto.MsgOutputsCleared))
	c.waitFor("saved after clear", 15*time.Second, isType(browserproto.MsgSaved))
	nb, err = notebooks.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := executionTimes(t, nb.Cells[1].Metadata); ok {
		t.Errorf("clear_outputs left the timing in cell1's metadata: %v", nb.Cells[1].Metadata)
	}
	if _, ok := executionTimes(t, nb.Cells[0].Metadata); !ok {
		t.Errorf("clearing cell1 removed cell0's timing: %v", nb.Cells[0].Metadata)
	}
	snap = e.dial(p).snapshot()
	meta, _ = cellOf(t, snap, "cell1")["metadata"].(map[string]any)
	if _, ok := executionTimes(t, meta); ok {
		t.Errorf("snapshot after clear_outputs still has timing: %v", meta)
	}
}
