package server

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// cellGate holds a cell running in a real kernel at a known point until the test
// lets it go, so a test can act "while the cell runs" without guessing how long
// that lasts. The kernel is another process, so the cell calls the test over
// HTTP: the request tells the test the cell got there, the answer releases it.
type cellGate struct {
	t       testing.TB
	url     string
	arrived chan struct{} // closed when the cell's request comes in
	release chan struct{} // closed by open
	arrive  sync.Once
	opened  sync.Once
}

func newCellGate(t testing.TB) *cellGate {
	t.Helper()
	g := &cellGate{t: t, arrived: make(chan struct{}), release: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.arrive.Do(func() { close(g.arrived) })
		select {
		case <-g.release:
			_, _ = io.WriteString(w, "open")
		case <-r.Context().Done():
		}
	}))
	g.url = srv.URL
	// Open first so a cell still held lets go and the server can close.
	t.Cleanup(func() {
		g.open()
		srv.Close()
	})
	return g
}

// stop is the Go statement with which a cell stops at the gate; the cell must
// import "net/http".
func (g *cellGate) stop() string {
	return fmt.Sprintf("_, _ = http.Get(%q)", g.url)
}

// waitArrived returns once the cell is held at the gate.
func (g *cellGate) waitArrived(timeout time.Duration) {
	g.t.Helper()
	select {
	case <-g.arrived:
	case <-time.After(timeout):
		g.t.Fatalf("the cell did not reach its gate within %v", timeout)
	}
}

// open lets the cell go on.
func (g *cellGate) open() {
	g.opened.Do(func() { close(g.release) })
}
