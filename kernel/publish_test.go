package kernel

import (
	"testing"

	"gopad.dev/gopad/ml"
)

// TestModelHandlesAreStableAndBounded: a model shown twice has one handle;
// past maxHandles the oldest is forgotten (its button then says to run the
// cell again) and the newest resolve.
func TestModelHandlesAreStableAndBounded(t *testing.T) {
	p := newPublishing()
	first := ml.Sequential(ml.Linear(1, 1))
	h := p.handleFor(first)
	if again := p.handleFor(first); again != h {
		t.Fatalf("the same model got handles %q and %q", h, again)
	}
	var last *ml.Model
	var lastHandle string
	for i := 0; i < maxHandles; i++ {
		last = ml.Sequential(ml.Linear(1, 1))
		lastHandle = p.handleFor(last)
	}
	if p.handles[h] != nil {
		t.Errorf("the oldest of %d models is still kept", maxHandles+1)
	}
	if p.handles[lastHandle] != last || len(p.handles) != maxHandles || len(p.byModel) != maxHandles {
		t.Errorf("kept %d handles (%d models), want %d with the newest", len(p.handles), len(p.byModel), maxHandles)
	}
	if again := p.handleFor(first); again == h {
		t.Errorf("a forgotten model got its old handle back")
	}
}
