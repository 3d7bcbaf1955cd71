package engine

import (
	"context"
	"go/build"
	"slices"
	"testing"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/kernel/celldisplay"
)

// withDisplay adds what the kernel passes for package display, so that tests
// see cell values as the kernel's renderer does.
func withDisplay(o Options) Options {
	o.Exports = celldisplay.Exports()
	o.MapTypes = celldisplay.MapTypes()
	o.RichInterfaces = celldisplay.RichInterfaces()
	return o
}

// TestEngineDoesNotImportDisplay keeps the interpreter apart from the
// cell-facing output API: what the engine needs of it comes through Options.
func TestEngineDoesNotImportDisplay(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(pkg.Imports, "gopad.dev/gopad/display") {
		t.Errorf("kernel/engine imports gopad.dev/gopad/display; pass what it needs through Options")
	}
}

// TestDisplayComesThroughOptions checks that what the kernel's renderer sees
// of cell values comes from the options: without them a cell type's
// RenderMIME does not survive the trip to compiled code and cells have no
// display.Update; with them both work.
func TestDisplayComesThroughOptions(t *testing.T) {
	const card = "import \"gopad/display\"\ntype Card struct{ Title string }\nfunc (c Card) RenderMIME() display.Bundle { return display.Bundle{\"text/plain\": c.Title} }"
	for _, tc := range []struct {
		name string
		opts Options
		with bool
	}{
		{"bare", Options{}, false},
		{"with display", withDisplay(Options{}), true},
	} {
		h := &harness{t: t, out: &syncBuffer{}, err: &syncBuffer{}}
		tc.opts.Stdout, tc.opts.Stderr = h.out, h.err
		e, err := New(tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		h.e = e
		h.run(card)
		_, isRenderer := h.run(`Card{"hi"}`).Value.Interface().(display.Renderer)
		if isRenderer != tc.with {
			t.Errorf("%s: a Card result is a display.Renderer: %v, want %v", tc.name, isRenderer, tc.with)
		}
		_, err = e.Execute(context.Background(), "update := display.Update\n_ = update")
		if (err == nil) != tc.with {
			t.Errorf("%s: display.Update in a cell gave %v", tc.name, err)
		}
	}
}
