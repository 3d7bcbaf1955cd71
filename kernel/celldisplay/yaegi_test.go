package celldisplay_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/kernel/celldisplay"
	"gopad.dev/gopad/kernel/symbols"
)

type recorder struct {
	mu  sync.Mutex
	got []display.Bundle
	ids []string
}

func (r *recorder) Publish(data display.Bundle, metadata map[string]any, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, data)
	r.ids = append(r.ids, id)
}

// newInterpreter sets up yaegi as the kernel's engine does: standard library,
// display under its short import path with this package's additions, and its
// MapTypes.
func newInterpreter(t *testing.T) *interp.Interpreter {
	t.Helper()
	i := interp.New(interp.Options{})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	// The kernel's generated tables, under both keys: cells import the short
	// path, and yaegi finds the interface wrappers (_Renderer) under the real one.
	if err := i.Use(symbols.Exports()); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(celldisplay.Exports()); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(interp.Exports{".": {"MapTypes": reflect.ValueOf(celldisplay.MapTypes())}}); err != nil {
		t.Fatal(err)
	}
	return i
}

func TestCellsUseDisplayThroughYaegi(t *testing.T) {
	r := &recorder{}
	display.SetPublisher(r)
	defer display.SetPublisher(nil)
	i := newInterpreter(t)
	cells := []string{
		`import (
			"gopad/display"
			"image"
			"image/color"
		)`,
		`type Card struct{ Title string }`,
		`func (c Card) RenderMIME() display.Bundle {
			return display.Bundle{"text/html": "<h1>" + c.Title + "</h1>", "text/plain": c.Title}
		}`,
		`type Named struct{ N int }`,
		`func (n Named) String() string { return "named" }`,
		`type Dot struct{}`,
		`func (Dot) ColorModel() color.Model { return color.GrayModel }`,
		`func (Dot) Bounds() image.Rectangle { return image.Rect(0, 0, 2, 3) }`,
		`func (Dot) At(x, y int) color.Color { return color.Gray{200} }`,
		`type Oops struct{ msg string }`,
		`func (e *Oops) Error() string { return "oops: " + e.msg }`,
		`display.Show(Card{"hello"})`,
		`display.Show(Named{1})`,
		`display.Show(Dot{})`,
		`h := display.Show(display.Table([]string{"a", "b"}, [][]any{{1, "x"}}))`,
		`display.Update(h, Card{"updated"})`,
		`h.Update(display.HTML("<i>direct</i>"))`,
		`display.Show(&Oops{"bad"})`,
		`p := display.NewProgress(4, "cells")`,
		`p.Set(2, "half")`,
	}
	for _, src := range cells {
		if _, err := i.Eval(src); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
	}
	v, err := i.Eval(`display.Render(Card{"result"})`)
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := v.Interface().(display.Bundle); !ok || b["text/html"] != "<h1>result</h1>" {
		t.Errorf("Render of a cell type = %#v", v.Interface())
	}

	want := []struct{ mime, data string }{
		{"text/html", "<h1>hello</h1>"},
		{"text/plain", "named"},
		{"text/plain", "<image 2x3>"},
		{"application/vnd.gopad.table+json", ""},
		{"text/html", "<h1>updated</h1>"},
		{"text/html", "<i>direct</i>"},
		{"text/plain", "oops: bad"},
		{"text/plain", "cells [..............................] 0/4 (0%)"},
		{"text/plain", "cells [###############...............] 2/4 (50%)"},
	}
	if len(r.got) != len(want) {
		t.Fatalf("published %d outputs, want %d: %v", len(r.got), len(want), r.got)
	}
	for k, w := range want {
		got, ok := r.got[k][w.mime]
		if !ok {
			t.Errorf("output %d lacks %s: %v", k, w.mime, r.got[k])
			continue
		}
		if s, _ := got.(string); w.data != "" && !strings.HasPrefix(s, w.data) {
			t.Errorf("output %d %s = %q, want %q", k, w.mime, s, w.data)
		}
	}
	if _, ok := r.got[2]["image/png"]; !ok {
		t.Errorf("a cell-defined image.Image was not drawn as PNG: %v", r.got[2])
	}
	if r.ids[3] != r.ids[4] || r.ids[4] != r.ids[5] {
		t.Errorf("updates did not target the shown output: ids %v", r.ids[3:6])
	}
}
