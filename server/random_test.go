package server

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRandomFramesNeverBreakTheSession sends thousands of random, mostly wrong
// frames from two tabs and checks that the server never panics, both tabs end with
// the same document, and that document is well formed.
func TestRandomFramesNeverBreakTheSession(t *testing.T) {
	var mu sync.Mutex
	var panics []string
	e := newEnv(t, func(c *Config) {
		c.Logf = func(format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			if strings.Contains(msg, "panic") {
				mu.Lock()
				panics = append(panics, msg)
				mu.Unlock()
			}
		}
	})
	p := e.writeNotebook("fuzz.gonb", `fmt.Println("a")`, `fmt.Println("b")`, `fmt.Println("c")`)
	tabs := []*tab{e.dial(p), e.dial(p)}
	for _, c := range tabs {
		c.snapshot()
	}
	// Drain frames in the background so the tabs never fall behind; closing the
	// sockets at the end stops the readers. A tab's frames are handled in order,
	// so the answer to its last frame, an unknown type named endMarker, means the
	// server has handled all of them.
	const endMarker = "end-of-random-frames"
	var wg sync.WaitGroup
	handled := make([]chan struct{}, len(tabs))
	for i, c := range tabs {
		done := make(chan struct{})
		handled[i] = done
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.ws.SetReadDeadline(time.Time{})
			seen := false
			for {
				_, data, err := c.ws.ReadMessage()
				if err != nil {
					return
				}
				if !seen && strings.Contains(string(data), endMarker) {
					seen = true
					close(done)
				}
			}
		}()
	}
	types := []string{"edit_cell", "insert_cell", "delete_cell", "move_cell", "set_cell_type", "split_cell", "merge_cells",
		"execute", "clear_outputs", "complete", "save", "resolve_conflict", "bogus", "", "interrupt"}
	rng := rand.New(rand.NewPCG(1, 2))
	ids := []string{"cell0", "cell1", "cell2", "x", "", "cell0\x00", strings.Repeat("z", 100)}
	randValue := func() any {
		switch rng.IntN(8) {
		case 0:
			return nil
		case 1:
			return rng.IntN(10) - 3
		case 2:
			return ids[rng.IntN(len(ids))]
		case 3:
			return []any{ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]}
		case 4:
			return map[string]any{"a": 1}
		case 5:
			return "fmt.Println(\"héllo\")\nfmt.Println(\"世界\")"
		case 6:
			return []string{"code", "markdown", "raw", "python"}[rng.IntN(4)]
		default:
			return rng.Float64() * 1e12
		}
	}
	fields := []string{"cell_id", "cell_ids", "source", "index", "cell_type", "offset", "run_all", "req_id", "code", "cursor_pos", "choice"}
	for i := 0; i < 1500; i++ {
		m := map[string]any{"type": types[rng.IntN(len(types))]}
		for _, f := range fields {
			if rng.IntN(3) == 0 {
				m[f] = randValue()
			}
		}
		if m["type"] == "execute" && rng.IntN(4) != 0 {
			continue // keep the kernel mostly idle so the test stays quick
		}
		raw, _ := json.Marshal(m)
		if rng.IntN(20) == 0 {
			raw = raw[:rng.IntN(len(raw))] // truncated JSON
		}
		if err := tabs[rng.IntN(2)].ws.WriteMessage(1, raw); err != nil {
			t.Fatalf("frame %d: the server closed the connection: %v", i, err)
		}
	}
	// Let the server work through the last frames before the tabs go.
	for i, c := range tabs {
		if err := c.ws.WriteMessage(1, []byte(`{"type":"`+endMarker+`"}`)); err != nil {
			t.Fatalf("the server closed the connection: %v", err)
		}
		select {
		case <-handled[i]:
		case <-time.After(30 * time.Second):
			t.Fatalf("tab %d: no answer to its last frame within 30 s", i)
		}
	}
	for _, c := range tabs {
		c.ws.Close()
	}
	wg.Wait()
	mu.Lock()
	if len(panics) > 0 {
		t.Fatalf("the server panicked: %s", panics[0])
	}
	mu.Unlock()
	// Both tabs' state is the server's: a new tab gets a well-formed document.
	snap := e.dial(p).snapshot()
	cells := snap["notebook"].(map[string]any)["cells"].([]any)
	seen := map[string]bool{}
	for _, c := range cells {
		cm := c.(map[string]any)
		id, _ := cm["id"].(string)
		if !validCellID(id) || seen[id] {
			t.Fatalf("bad or duplicate cell id %q after random frames", id)
		}
		seen[id] = true
		switch cm["cell_type"] {
		case "code", "markdown", "raw":
		default:
			t.Fatalf("cell %s has type %v", id, cm["cell_type"])
		}
	}
	// The session still works end to end.
	c := e.dial(p)
	c.snapshot()
	c.send(map[string]any{"type": "insert_cell", "index": 0, "cell_type": "code", "cell_id": "final", "source": `fmt.Println("done")`})
	c.runCell("final", 20*time.Second)
	if got := streamText(cellOf(t, e.dial(p).snapshot(), "final"), "stdout"); got != "done\n" {
		t.Fatalf("after random frames a new cell printed %q", got)
	}
}
