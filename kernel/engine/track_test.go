package engine

import (
	"context"
	"sync"
	"testing"
)

func TestTrackFollowsCellLineAndGoroutine(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []Position
	)
	e, err := New(Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, Track: func(p Position) {
		mu.Lock()
		seen = append(seen, p)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.Execute(ctx, "func id(n int) int { return n }"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	seen = nil
	mu.Unlock()
	// The position where the cell stopped is its last report: a panic at
	// line 3 of cell 2, on a goroutine that Enter recorded.
	if _, err := e.Execute(ctx, "a := id(1)\n\nb := id(a)\nvar m map[int]int\nm[b] = 1"); err == nil {
		t.Fatal("the nil map assignment did not fail")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("Track was never called")
	}
	if first := seen[0]; first != (Position{Cell: 2}) {
		t.Errorf("first position %+v, want cell 2 before any statement", first)
	}
	last := seen[len(seen)-1]
	if last.Cell != 2 || last.Line != 5 || last.Goroutine == 0 {
		t.Errorf("last position %+v, want cell 2, line 5 and the cell's goroutine; all: %+v", last, seen)
	}
	lines := map[int]bool{}
	for _, p := range seen {
		lines[p.Line] = true
	}
	for _, l := range []int{1, 3, 4, 5} {
		if !lines[l] {
			t.Errorf("line %d of the cell was never reported: %+v", l, seen)
		}
	}
}
