package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/notebooks"
	"gopad.dev/gopad/server/browserproto"
)

func TestExecuteCellOverWebsocket(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("a.gonb", "fmt.Println(\"hello\")\n40 + 2")
	c := e.dial(p)
	snap := c.snapshot()
	if k := snap["kernel"].(map[string]any); k["state"] != browserproto.KernelNone && k["state"] != browserproto.KernelStarting {
		t.Fatalf("kernel state in first snapshot = %v", k)
	}
	c.waitFor("kernel idle after start", 20*time.Second, isKernel(browserproto.KernelIdle))

	idle, frames := c.runCell("cell0", 20*time.Second)
	var gotStream, gotResult, gotRunning, gotBusy bool
	for _, m := range frames {
		switch m["type"] {
		case browserproto.MsgOutput:
			o := m["output"].(map[string]any)
			switch o["output_type"] {
			case "stream":
				gotStream = o["text"] == "hello\n" && o["name"] == "stdout"
			case "execute_result":
				data := o["data"].(map[string]any)
				gotResult = data["text/plain"] == "42"
			}
		case browserproto.MsgCellState:
			gotRunning = gotRunning || m["state"] == browserproto.CellRunning
		case browserproto.MsgKernelStatus:
			gotBusy = gotBusy || m["state"] == browserproto.KernelBusy
		}
	}
	if !gotStream || !gotResult || !gotRunning || !gotBusy {
		t.Fatalf("stream=%v result=%v running=%v busy=%v; frames:\n%s", gotStream, gotResult, gotRunning, gotBusy, c.history())
	}
	if idle["execution_count"] != float64(1) {
		t.Errorf("execution_count = %v, want 1", idle["execution_count"])
	}
	c.waitFor("kernel idle after the cell", 15*time.Second, isKernel(browserproto.KernelIdle))
}

func TestOutputsReplayedAfterReconnect(t *testing.T) {
	e := newEnv(t)
	gate := newCellGate(t)
	p := e.writeNotebook("replay.gonb", `import "net/http"
fmt.Println("one")
`+gate.stop()+`
fmt.Println("two")
fmt.Println("three")`)
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell0"}})
	c.waitFor("first output", 15*time.Second, isType(browserproto.MsgOutput))
	gate.waitArrived(15 * time.Second)
	c.ws.Close() // the laptop lid closes while the cell runs

	gate.open() // the cell prints the rest with no tab open
	snap := e.settledSnapshot(p, 30*time.Second)
	cell := cellOf(t, snap, "cell0")
	if got := streamText(cell, "stdout"); got != "one\ntwo\nthree\n" {
		t.Fatalf("replayed stdout = %q, want all three lines", got)
	}
	if cell["execution_count"] != float64(1) {
		t.Errorf("replayed execution_count = %v", cell["execution_count"])
	}
}

func TestReconnectDuringRunSeesRunningCellAndLaterOutput(t *testing.T) {
	e := newEnv(t)
	gate := newCellGate(t)
	p := e.writeNotebook("live.gonb", `import "net/http"
fmt.Println("start")
`+gate.stop()+`
fmt.Println("end")`)
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell0"}})
	c.waitFor("first output", 15*time.Second, isType(browserproto.MsgOutput))
	gate.waitArrived(15 * time.Second) // the cell runs until the gate opens
	c2 := e.dial(p)
	snap := c2.snapshot()
	running, _ := snap["running"].(map[string]any)
	if running == nil || running["cell_id"] != "cell0" {
		t.Fatalf("snapshot.running = %v, want cell0", snap["running"])
	}
	if got := streamText(cellOf(t, snap, "cell0"), "stdout"); got != "start\n" {
		t.Fatalf("snapshot stdout = %q", got)
	}
	gate.open()
	m, _ := c2.waitFor("later output", 15*time.Second, isType(browserproto.MsgOutput))
	if o := m["output"].(map[string]any); o["text"] != "end\n" {
		t.Fatalf("later output = %v", o)
	}
}

func TestTwoConnectionsStayConsistent(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("two.gonb", `fmt.Println("a")`)
	a := e.dial(p)
	a.snapshot()
	b := e.dial(p)
	b.snapshot()

	a.send(map[string]any{"type": "edit_cell", "cell_id": "cell0", "source": `fmt.Println("edited")`})
	m, _ := b.waitFor("cell_source on the other tab", 15*time.Second, isType(browserproto.MsgCellSource))
	if m["source"] != `fmt.Println("edited")` || m["origin"] != a.connID {
		t.Fatalf("cell_source = %v (a is %s)", m, a.connID)
	}
	b.send(map[string]any{"type": "insert_cell", "index": 1, "cell_type": "markdown", "cell_id": "md1", "source": "# Title"})
	for _, c := range []*tab{a, b} {
		m, before := c.waitFor("cell_inserted", 15*time.Second, isType(browserproto.MsgCellInserted))
		cell := m["cell"].(map[string]any)
		if m["index"] != float64(1) || cell["id"] != "md1" || cell["source"] != "# Title" || cell["cell_type"] != "markdown" {
			t.Fatalf("cell_inserted = %v", m)
		}
		// Frames arrive in the order the session made them, and a's edit came
		// before b's insert: an echo of the edit to a would be among these.
		if c == a && slices.ContainsFunc(before, isType(browserproto.MsgCellSource)) {
			t.Fatalf("the tab that typed the edit was sent it back:\n%s", a.history())
		}
	}
	a.send(map[string]any{"type": "move_cell", "cell_id": "md1", "index": 0})
	b.waitFor("cell_moved", 15*time.Second, isType(browserproto.MsgCellMoved))
	a.send(map[string]any{"type": "execute", "cell_ids": []string{"cell0"}})
	b.waitFor("cell0 idle on the other tab", 20*time.Second, isCellIdle("cell0"))

	// A third tab's snapshot equals what both tabs were told.
	snap := e.dial(p).snapshot()
	cells := snap["notebook"].(map[string]any)["cells"].([]any)
	if len(cells) != 2 || cells[0].(map[string]any)["id"] != "md1" {
		t.Fatalf("cells after edits = %v", cells)
	}
	if got := streamText(cells[1].(map[string]any), "stdout"); got != "edited\n" {
		t.Fatalf("cell0 output = %q, want the edited source's output", got)
	}
}

// TestRefusedTabGetsTheErrorThenTheClose opens a tab on a notebook whose
// session is closed but still registered (the window in which an idle timeout or
// a shutdown closes it between lookup and attach), so attaching fails every
// time: the tab must receive the error frame, then a close frame, in that order.
func TestRefusedTabGetsTheErrorThenTheClose(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("refused.gonb", `fmt.Println("x")`)
	rel, abs, err := e.srv.resolveNotebook(p)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := e.srv.sessionFor(rel, abs)
	if err != nil {
		t.Fatal(err)
	}
	sess.close(false) // closed, yet sessionFor still hands it out
	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/api/ws?path=" + url.QueryEscape(p)
	ws, _, err := websocket.DefaultDialer.Dial(u, http.Header{"Authorization": {"token " + testToken}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(15 * time.Second))
	var first map[string]any
	if err := ws.ReadJSON(&first); err != nil {
		t.Fatalf("no frame before the connection ended: %v", err)
	}
	if first["type"] != browserproto.MsgError || !strings.Contains(fmt.Sprint(first["message"]), "cannot open the notebook: the notebook session was closed") {
		t.Fatalf("first frame = %v, want the error saying why the notebook cannot be opened", first)
	}
	_, _, err = ws.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
		t.Fatalf("after the error: %v, want a close frame with code %d", err, websocket.CloseTryAgainLater)
	}
}

// TestSaveAfterCloseWritesNothing is an autosave whose timer fired just before
// the session closed and that runs after close returned: it must not write the
// file (which its owner may be deleting, as a test's cleanup does).
func TestSaveAfterCloseWritesNothing(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("late.gonb", `fmt.Println("x")`)
	full := filepath.Join(e.root, p)
	before, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	c := e.dial(p)
	c.snapshot()
	sess := e.srv.lookupSession(p)
	sess.mu.Lock()
	sess.doc.nb.Cells[0].Source = `fmt.Println("edited")`
	sess.markDirtyLocked(time.Hour)
	sess.mu.Unlock()
	sess.close(false)
	if err := sess.save(false); !errors.Is(err, errSessionClosed) {
		t.Fatalf("save after close = %v, want %v", err, errSessionClosed)
	}
	after, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("a save after close wrote the file")
	}
	entries, _ := os.ReadDir(e.root)
	for _, de := range entries {
		if de.Name() != p {
			t.Errorf("unexpected file %q in the root after close", de.Name())
		}
	}
}

func TestAutosaveWritesFileAtomically(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("save.gonb", `fmt.Println("x")`)
	c := e.dial(p)
	c.snapshot()
	c.send(map[string]any{"type": "edit_cell", "cell_id": "cell0", "source": `fmt.Println("saved")`})
	m, _ := c.waitFor("saved", 15*time.Second, isType(browserproto.MsgSaved))
	if m["mtime"] == nil {
		t.Fatalf("saved without mtime: %v", m)
	}
	nb, err := notebooks.Load(filepath.Join(e.root, p))
	if err != nil {
		t.Fatal(err)
	}
	if nb.Cells[0].Source != `fmt.Println("saved")` {
		t.Fatalf("file source = %q", nb.Cells[0].Source)
	}
	// No temporary file is left next to the notebook.
	entries, _ := os.ReadDir(e.root)
	for _, de := range entries {
		if de.Name() != p {
			t.Errorf("unexpected file %q left in the root", de.Name())
		}
	}
	// Running a cell saves its outputs too.
	c.runCell("cell0", 20*time.Second)
	c.waitFor("saved after run", 15*time.Second, isType(browserproto.MsgSaved))
	nb, err = notebooks.Load(filepath.Join(e.root, p))
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells[0].Outputs) != 1 || nb.Cells[0].Outputs[0].Text != "saved\n" {
		t.Fatalf("saved outputs = %+v", nb.Cells[0].Outputs)
	}
}

func TestConflictWhenFileChangedOnDisk(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("conflict.gonb", `fmt.Println("x")`)
	c := e.dial(p)
	c.snapshot()
	// Another program rewrites the file.
	other := notebooks.New()
	oc := notebooks.NewCell(notebooks.CodeCell, `fmt.Println("from disk")`)
	oc.ID = "disk0"
	other.Cells = append(other.Cells, oc)
	// Its size differs from the session's file, so the change is seen whatever
	// the file system's timestamp granularity.
	if err := notebooks.Save(filepath.Join(e.root, p), other); err != nil {
		t.Fatal(err)
	}
	diskBefore, _ := os.ReadFile(filepath.Join(e.root, p))

	c.send(map[string]any{"type": "edit_cell", "cell_id": "cell0", "source": `fmt.Println("mine")`})
	m, _ := c.waitFor("conflict", 15*time.Second, isType(browserproto.MsgConflict))
	if !strings.Contains(m["message"].(string), "changed on disk") {
		t.Errorf("conflict message = %q", m["message"])
	}
	// Neither version is lost: an explicit save is refused too, and the file is
	// untouched...
	c.send(map[string]any{"type": "save"})
	c.waitFor("conflict answering the save", 15*time.Second, isType(browserproto.MsgConflict))
	diskAfter, _ := os.ReadFile(filepath.Join(e.root, p))
	if !bytes.Equal(diskBefore, diskAfter) {
		t.Fatal("the file was overwritten despite the conflict")
	}
	// ...and the live document still has the edit.
	snap := e.dial(p).snapshot()
	if cellOf(t, snap, "cell0")["source"] != `fmt.Println("mine")` {
		t.Fatal("live document lost the edit")
	}

	// Overwrite keeps the browser's version.
	c.send(map[string]any{"type": "resolve_conflict", "choice": "overwrite"})
	c.waitFor("saved after overwrite", 15*time.Second, isType(browserproto.MsgSaved))
	nb, _ := notebooks.Load(filepath.Join(e.root, p))
	if nb.Cell("cell0") == nil || nb.Cell("cell0").Source != `fmt.Println("mine")` {
		t.Fatalf("after overwrite the file has %+v", nb.Cells)
	}

	// A second external change (a different size again), resolved by reload,
	// takes the file's version.
	if err := notebooks.Save(filepath.Join(e.root, p), other); err != nil {
		t.Fatal(err)
	}
	c.send(map[string]any{"type": "save"})
	c.waitFor("second conflict", 15*time.Second, isType(browserproto.MsgConflict))
	c.send(map[string]any{"type": "resolve_conflict", "choice": "reload"})
	snap, _ = c.waitFor("snapshot after reload", 15*time.Second, isType(browserproto.MsgSnapshot))
	if cellOf(t, snap, "disk0")["source"] != `fmt.Println("from disk")` {
		t.Fatal("reload did not take the file's version")
	}
}

func TestBadWebsocketMessages(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("bad.gonb", `fmt.Println("ok")`)
	c := e.dial(p)
	c.snapshot()
	other := e.dial(e.writeNotebook("other.gonb", `fmt.Println("other")`))
	other.snapshot()

	cases := []struct {
		frame string
		want  string
	}{
		{`{not json`, "malformed message"},
		{`[1,2]`, "malformed message"},
		{`{"type":"launch_rockets"}`, "unknown message type"},
		{`{"cell_id":"x"}`, "no \"type\""},
		{`{"type":"edit_cell","cell_id":"nope","source":"x"}`, "no cell with id \"nope\""},
		{`{"type":"execute","cell_ids":["ghost"]}`, "no cell with id \"ghost\""},
		{`{"type":"insert_cell","index":99,"cell_type":"code"}`, "index must be between"},
		{`{"type":"insert_cell","index":0,"cell_type":"python"}`, "cell_type must be"},
		{`{"type":"split_cell","cell_id":"cell0","offset":1000}`, "offset must be between"},
		{`{"type":"resolve_conflict","choice":"maybe"}`, "choice must be"},
		{`{"type":"edit_cell","cell_id":"cell0","source":12}`, "malformed message"},
	}
	for _, tc := range cases {
		if err := c.ws.WriteMessage(1, []byte(tc.frame)); err != nil {
			t.Fatal(err)
		}
		m, _ := c.waitFor("error for "+tc.frame, 15*time.Second, isType(browserproto.MsgError))
		if msg, _ := m["message"].(string); !strings.Contains(msg, tc.want) {
			t.Errorf("frame %s: error %q, want it to mention %q", tc.frame, msg, tc.want)
		}
	}
	// An oversized frame is refused with an error and the connection carries on.
	big := `{"type":"edit_cell","cell_id":"cell0","source":"` + strings.Repeat("x", browserproto.MaxFrameSize) + `"}`
	if err := c.ws.WriteMessage(1, []byte(big)); err != nil {
		t.Fatal(err)
	}
	m, _ := c.waitFor("error for oversized frame", 20*time.Second, isType(browserproto.MsgError))
	if !strings.Contains(m["message"].(string), "too large") {
		t.Errorf("oversized frame error = %v", m)
	}
	// Binary frames are refused too.
	if err := c.ws.WriteMessage(2, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	c.waitFor("error for binary frame", 15*time.Second, isType(browserproto.MsgError))

	// The same connection still works, and so does the other session.
	_, _ = c.runCell("cell0", 20*time.Second)
	_, _ = other.runCell("cell0", 10*time.Second)
	snap := e.dial(p).snapshot()
	if got := streamText(cellOf(t, snap, "cell0"), "stdout"); got != "ok\n" {
		t.Fatalf("after bad frames the cell printed %q", got)
	}
}

func TestKernelDeathReported(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("die.gonb", `fmt.Println("bye")
os.Exit(3)`, `fmt.Println("after")`, `fmt.Println("again")`)
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell0", "cell1"}})
	_, frames := c.waitFor("cell0 idle", 20*time.Second, func(m map[string]any) bool { return isCellIdle("cell0")(m) && m["elapsed_ms"] != nil })
	var dead map[string]any
	aborted := false
	for _, m := range frames {
		if isKernel(browserproto.KernelDead)(m) {
			dead = m
		}
		aborted = aborted || isCellIdle("cell1")(m)
	}
	if dead == nil || !aborted {
		t.Fatalf("dead reported: %v, queued cell dropped: %v; frames:\n%s", dead, aborted, c.history())
	}
	if reason, _ := dead["reason"].(string); !strings.Contains(reason, "exit status 3") {
		t.Errorf("death reason = %q, want the exit status", reason)
	}
	snap := e.dial(p).snapshot()
	cell := cellOf(t, snap, "cell0")
	outs := cell["outputs"].([]any)
	last := outs[len(outs)-1].(map[string]any)
	// The traceback carries the end of the process's own stderr, where the kernel
	// notes the cell's os.Exit.
	if last["output_type"] != "error" || last["ename"] != "KernelDied" || !strings.Contains(last["evalue"].(string), "exit status 3") ||
		!strings.Contains(fmt.Sprint(last["traceback"]), "os.Exit(3)") {
		t.Fatalf("running cell's last output = %v", last)
	}
	if got := streamText(cell, "stdout"); got != "bye\n" {
		t.Errorf("output before the death = %q", got)
	}
	if snap["kernel"].(map[string]any)["state"] != browserproto.KernelDead {
		t.Errorf("snapshot kernel = %v", snap["kernel"])
	}
	// Running a cell again starts a fresh kernel.
	idle, _ := c.runCell("cell2", 15*time.Second)
	if idle["execution_count"] != float64(1) {
		t.Errorf("fresh kernel's execution_count = %v, want 1", idle["execution_count"])
	}
}

func TestInterruptAndRestart(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("intr.gonb", `fmt.Println("a")
time.Sleep(30 * time.Second)
fmt.Println("never")`, `fmt.Println("queued")`, `fmt.Println("b")`)
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell0", "cell1"}})
	c.waitFor("first output", 15*time.Second, isType(browserproto.MsgOutput))
	c.send(map[string]any{"type": "interrupt"})
	_, frames := c.waitFor("cell0 idle", 15*time.Second, func(m map[string]any) bool { return isCellIdle("cell0")(m) && m["elapsed_ms"] != nil })
	sawQueuedAbort, sawError := false, false
	for _, m := range frames {
		if isCellIdle("cell1")(m) {
			sawQueuedAbort = true
		}
		if m["type"] == browserproto.MsgOutput && m["output"].(map[string]any)["ename"] == "Interrupted" {
			sawError = true
		}
	}
	if !sawQueuedAbort || !sawError {
		t.Fatalf("queued cell aborted=%v error shown=%v; frames:\n%s", sawQueuedAbort, sawError, c.history())
	}

	// Restart + run all runs every cell in a fresh kernel; the first cell sleeps,
	// so interrupt it again and check the counts started over.
	c.send(map[string]any{"type": "restart", "run_all": true})
	c.waitFor("restarting", 15*time.Second, isKernel(browserproto.KernelRestarting))
	c.waitFor("cell0 running again", 15*time.Second, func(m map[string]any) bool {
		return m["type"] == browserproto.MsgCellState && m["cell_id"] == "cell0" && m["state"] == browserproto.CellRunning
	})
	c.send(map[string]any{"type": "restart", "run_all": false})
	c.waitFor("idle after second restart", 15*time.Second, isKernel(browserproto.KernelIdle))
	idle, _ := c.runCell("cell2", 20*time.Second)
	if idle["execution_count"] != float64(1) {
		t.Errorf("execution_count after restart = %v, want 1", idle["execution_count"])
	}
}

func TestCompleteOverWebsocket(t *testing.T) {
	e := newEnv(t)
	// The kernel completes members of imported packages only (not of the
	// packages a cell may use unimported), so import fmt first.
	p := e.writeNotebook("comp.gonb", `import "fmt"`, "")
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	c.runCell("cell0", 20*time.Second)
	// "é" is two bytes but one code point: the browser counts code points.
	c.send(map[string]any{"type": "complete", "req_id": "r1", "cell_id": "cell1", "code": "é fmt.Pr", "cursor_pos": 8})
	m, _ := c.waitFor("complete_reply", 15*time.Second, isType(browserproto.MsgCompleteReply))
	if m["req_id"] != "r1" || m["cursor_start"] != float64(6) || m["cursor_end"] != float64(8) {
		t.Fatalf("complete_reply = %v (positions must be code points)", m)
	}
	if got := strings.Join(toStrings(m["matches"]), ","); got != "Print,Printf,Println" {
		t.Fatalf("matches = %v, want fmt's Print, Printf, Println", m["matches"])
	}
}

func TestUpdateDisplayAndCellEdits(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("disp.gonb", `h := display.Show(display.Text("first"))
h.Update(display.Text("second"))`)
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	_, frames := c.runCell("cell0", 20*time.Second)
	displayID, sawUpdate := "", false
	for _, m := range frames {
		if m["type"] == browserproto.MsgOutput {
			o := m["output"].(map[string]any)
			if o["output_type"] == "display_data" && o["data"].(map[string]any)["text/plain"] == "first" {
				transient, _ := o["transient"].(map[string]any)
				displayID, _ = transient["display_id"].(string)
			}
		}
		if m["type"] == browserproto.MsgUpdateDisplay && displayID != "" && m["display_id"] == displayID {
			sawUpdate = m["output"].(map[string]any)["data"].(map[string]any)["text/plain"] == "second"
		}
	}
	if displayID == "" || !sawUpdate {
		t.Fatalf("no update_display; frames:\n%s", c.history())
	}
	snap := e.dial(p).snapshot()
	outs := cellOf(t, snap, "cell0")["outputs"].([]any)
	if len(outs) != 1 || outs[0].(map[string]any)["data"].(map[string]any)["text/plain"] != "second" {
		t.Fatalf("outputs after update = %v", outs)
	}

	// Split, merge, set type, clear outputs, delete.
	c.send(map[string]any{"type": "edit_cell", "cell_id": "cell0", "source": "héllo\nworld"})
	c.send(map[string]any{"type": "split_cell", "cell_id": "cell0", "offset": 6})
	m, _ := c.waitFor("split insert", 15*time.Second, isType(browserproto.MsgCellInserted))
	newID := m["cell"].(map[string]any)["id"].(string)
	if m["cell"].(map[string]any)["source"] != "world" {
		t.Fatalf("split second half = %v", m["cell"])
	}
	c.send(map[string]any{"type": "merge_cells", "cell_ids": []string{newID, "cell0"}})
	c.waitFor("merge deletes the second", 15*time.Second, isType(browserproto.MsgCellDeleted))
	c.send(map[string]any{"type": "clear_outputs", "cell_ids": []string{}})
	c.waitFor("outputs cleared", 15*time.Second, isType(browserproto.MsgOutputsCleared))
	c.send(map[string]any{"type": "set_cell_type", "cell_id": "cell0", "cell_type": "markdown"})
	c.waitFor("cell type", 15*time.Second, isType(browserproto.MsgCellType))
	snap = e.dial(p).snapshot()
	cell := cellOf(t, snap, "cell0")
	if cell["source"] != "héllo\nworld" || cell["cell_type"] != "markdown" {
		t.Fatalf("cell after split+merge+type = %v", cell)
	}
	c.send(map[string]any{"type": "delete_cell", "cell_id": "cell0"})
	c.waitFor("deleted", 15*time.Second, isType(browserproto.MsgCellDeleted))
}

func TestKernelThatCannotStart(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.KernelCommand = []string{filepath.Join(t.TempDir(), "no-such-gopad")} })
	p := e.writeNotebook("nokernel.gonb", `fmt.Println("x")`)
	c := e.dial(p)
	dead, _ := c.waitFor("kernel dead", 20*time.Second, isKernel(browserproto.KernelDead))
	if reason := dead["reason"].(string); !strings.Contains(reason, "failed to start") || !strings.Contains(reason, "no-such-gopad") {
		t.Fatalf("reason = %q", reason)
	}
	// Running a cell tries again, fails again, and the cell leaves the queue.
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell0"}})
	c.waitFor("kernel dead again", 20*time.Second, isKernel(browserproto.KernelDead))
	c.waitFor("cell dropped", 20*time.Second, isCellIdle("cell0"))
	// Editing still works and is saved.
	c.send(map[string]any{"type": "edit_cell", "cell_id": "cell0", "source": `fmt.Println("y")`})
	c.waitFor("saved", 15*time.Second, isType(browserproto.MsgSaved))
}

// TestInterruptIgnoredRestartsKernel blocks a cell in sync.WaitGroup.Wait, which
// the engine's cooperative interrupt cannot reach: the kernel cancels its
// interpreter, reports the state lost, and the client replaces the process. The
// user sees the cell's error say so, and the next cell runs in a fresh kernel
// that no longer knows the earlier variables.
func TestInterruptIgnoredRestartsKernel(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("hang.gonb", `kept := 7`, `fmt.Println("a")
var wg sync.WaitGroup
wg.Add(1)
wg.Wait()
fmt.Println("never")`, `fmt.Println("b")`, `kept`)
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	c.runCell("cell0", 20*time.Second)
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell1"}})
	c.waitFor("first output", 15*time.Second, isType(browserproto.MsgOutput))
	c.send(map[string]any{"type": "interrupt"})
	_, frames := c.waitFor("cell1 idle", 15*time.Second, func(m map[string]any) bool { return isCellIdle("cell1")(m) && m["elapsed_ms"] != nil })
	var interrupted, died map[string]any
	for _, m := range frames {
		if m["type"] != browserproto.MsgOutput {
			continue
		}
		switch o := m["output"].(map[string]any); o["ename"] {
		case "Interrupted":
			interrupted = o
		case "KernelDied":
			died = o
		}
	}
	// First the kernel's own error: the cell did not stop when asked...
	if interrupted == nil || !strings.Contains(interrupted["evalue"].(string), "did not stop") {
		t.Fatalf("no Interrupted error saying the cell did not stop; frames:\n%s", c.history())
	}
	// ...then the server's: the kernel was replaced and its state is gone.
	if died == nil || !strings.Contains(died["evalue"].(string), "fresh kernel") || !strings.Contains(died["evalue"].(string), "gone") {
		t.Fatalf("no KernelDied error saying a fresh kernel started and the old state is gone; frames:\n%s", c.history())
	}
	c.waitFor("kernel idle again", 20*time.Second, isKernel(browserproto.KernelIdle))
	idle, _ := c.runCell("cell2", 20*time.Second)
	if idle["execution_count"] != float64(1) {
		t.Fatalf("fresh kernel's count = %v", idle["execution_count"])
	}
	// The client delivers state changes asynchronously, so those of the replaced
	// process can reach the session late: deliver them now; they must not flip
	// the state of the kernel that runs.
	sess := e.srv.lookupSession(p)
	sess.mu.Lock()
	gen := sess.kernel.gen
	sess.mu.Unlock()
	late := &client.DiedError{Reason: "the kernel did not stop when interrupted", Restarted: true}
	sess.onKernelState(gen, client.Restarting, late)
	sess.onKernelState(gen, client.Dead, late)
	snap := e.dial(p).snapshot()
	if k := snap["kernel"].(map[string]any); k["state"] != browserproto.KernelIdle {
		t.Fatalf("kernel state after all = %v", k)
	}
	if got := streamText(cellOf(t, snap, "cell1"), "stdout"); got != "a\n" {
		t.Errorf("blocked cell's stdout = %q", got)
	}
	if got := streamText(cellOf(t, snap, "cell2"), "stdout"); got != "b\n" {
		t.Errorf("fresh kernel's cell printed %q", got)
	}
	// The variable defined before the restart is gone.
	c2 := e.dial(p)
	c2.snapshot()
	_, frames = c2.runCell("cell3", 20*time.Second)
	undefined := false
	for _, m := range frames {
		if m["type"] == browserproto.MsgOutput {
			o := m["output"].(map[string]any)
			undefined = undefined || o["output_type"] == "error" && strings.Contains(fmt.Sprint(o["evalue"]), "undefined")
		}
	}
	if !undefined {
		t.Fatalf("the fresh kernel still knows kept; frames:\n%s", c2.history())
	}
}

func TestFailedSaveKeepsDocument(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("fragile.gonb", `fmt.Println("x")`)
	c := e.dial(p)
	c.snapshot()
	// Something replaces the notebook file with a directory: saving cannot work.
	full := filepath.Join(e.root, p)
	if err := os.Remove(full); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(full, 0o755); err != nil {
		t.Fatal(err)
	}
	c.send(map[string]any{"type": "edit_cell", "cell_id": "cell0", "source": `fmt.Println("precious")`})
	c.waitFor("conflict", 15*time.Second, isType(browserproto.MsgConflict))
	c.send(map[string]any{"type": "resolve_conflict", "choice": "overwrite"})
	m, _ := c.waitFor("save error", 15*time.Second, isType(browserproto.MsgError))
	if !strings.Contains(m["message"].(string), "could not save") {
		t.Fatalf("error = %v", m)
	}
	snap := e.dial(p).snapshot()
	if cellOf(t, snap, "cell0")["source"] != `fmt.Println("precious")` || snap["dirty"] != true {
		t.Fatalf("after a failed save the document is %v (dirty %v)", cellOf(t, snap, "cell0"), snap["dirty"])
	}
	// Once the obstacle is gone, overwriting saves the kept document.
	if err := os.Remove(full); err != nil {
		t.Fatal(err)
	}
	c.send(map[string]any{"type": "resolve_conflict", "choice": "overwrite"})
	c.waitFor("saved", 15*time.Second, isType(browserproto.MsgSaved))
	nb, err := notebooks.Load(full)
	if err != nil || nb.Cells[0].Source != `fmt.Println("precious")` {
		t.Fatalf("saved file: %v %+v", err, nb)
	}
}

func TestRestartWhileRunningEndsIdle(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("rr.gonb", `fmt.Println("a")
time.Sleep(30 * time.Second)`)
	c := e.dial(p)
	c.waitFor("kernel idle", 20*time.Second, isKernel(browserproto.KernelIdle))
	c.send(map[string]any{"type": "execute", "cell_ids": []string{"cell0"}})
	c.waitFor("first output", 15*time.Second, isType(browserproto.MsgOutput))
	c.send(map[string]any{"type": "restart"})
	// The cell stopping and the fresh kernel coming up race: wait for both, in
	// either order, until the last kernel state after the restart is idle.
	cellStopped, restarted, kernel := false, false, ""
	c.waitFor("cell0 stopped and the restarted kernel idle", 20*time.Second, func(m map[string]any) bool {
		switch {
		case isCellIdle("cell0")(m) && m["elapsed_ms"] != nil:
			cellStopped = true
		case isKernel(browserproto.KernelRestarting)(m):
			restarted = true
		case m["type"] == browserproto.MsgKernelStatus && restarted:
			kernel = fmt.Sprint(m["state"])
		}
		return cellStopped && kernel == browserproto.KernelIdle
	})
	snap := e.dial(p).snapshot()
	if k := snap["kernel"].(map[string]any); k["state"] != browserproto.KernelIdle || snap["running"] != nil {
		t.Fatalf("after restarting a running cell the kernel is %v, running %v", k, snap["running"])
	}
}
