package engine

import (
	"strings"
	"testing"
)

// TestHoistCompiledValues covers top-level definitions that read through
// values of compiled types, which yaegi's global analysis cannot type.
func TestHoistCompiledValues(t *testing.T) {
	h := newHarness(t)
	h.run(`parts := strings.Split("a,b", ",")`)
	h.run("p := parts[0]")
	h.expect("p", "a")
	h.expect("p + parts[1]", "ab")
	h.run("var q = parts[1]")
	h.expect("q", "b")
	h.run("h := ml.History{Epochs: []ml.EpochStats{{Epoch: 1, Loss: 0.5}, {Epoch: 2, Loss: 0.25}}}")
	h.run("y := h.Epochs[0].Loss")
	h.expect("y", "0.5")
	h.expect("fmt.Sprintf(\"%T\", y)", "float64")
	h.run("e0 := h.Epochs[1]")
	h.expect("e0.Epoch", "2")
	h.run("lp := &h.Epochs[0]\nlp.Loss = 0.75")
	h.expect("h.Epochs[0].Loss", "0.75")
	h.run("z, w := h.Epochs[0].Epoch+1, parts[len(parts)-1]")
	h.expect("fmt.Sprintln(z, w)", "2 b\n")
	h.run("f := h.Epochs[1].Loss * 2\ng := f + 1")
	h.expect("g", "1.5")
	// Unused names and blank identifiers.
	h.run("_, second := parts[0], parts[1]")
	h.expect("second", "b")
	// A tensor's shape.
	h.run("t := ml.New(2, 3)\nrows := t.Shape()[0]\ncols := t.Shape()[1]")
	h.expect("rows * cols", "6")
	// A definition that keeps an interface type.
	h.run("errs := []error{errors.New(\"boom\")}\nfirst := errs[0]")
	h.expect("fmt.Sprintf(\"%T\", &first)", "*error")
	h.run("first = nil")
	h.expect("first == nil", "true")
	// Loops over compiled values at top level.
	h.run("total := 0.0\nfor _, e := range h.Epochs { total += e.Loss }")
	h.expect("total", "1")
	// Redefining a hoisted name with another type.
	h.run("p := len(parts[0])")
	h.expect("p + 1", "2")
}

// TestHoistErrors checks that what hoisting cannot do is reported clearly and
// that genuine errors keep their names and lines.
func TestHoistErrors(t *testing.T) {
	h := newHarness(t)
	h.run(`parts := strings.Split("a,b", ",")`)
	e := h.fail("x := 1\np := parts[0] + nosuch")
	if e.Kind != "CompileError" || !strings.Contains(e.Message, "undefined: nosuch") || e.Line != 2 {
		t.Errorf("undefined name in a hoisted definition: %+v", e)
	}
	h.expect("x", "1") // the piece before the failing one ran
	e = h.fail("v := parts[5]")
	if e.Kind != "Panic" || !strings.Contains(e.Message, "index out of range") || e.Line != 1 {
		t.Errorf("panic in a hoisted definition: %+v", e)
	}
	// An anonymous struct type cannot be named by gopad.
	h.run("pts := []struct{ X int }{{1}}\nps := map[string][]struct{ X int }{\"a\": pts}")
	h.run("q := ps[\"a\"][0]") // interpreted types: compiles as written
	h.expect("q.X", "1")
	// A generic call yielding an anonymous struct: its type cannot be named.
	h.run("func Id[T any](x T) T { return x }")
	e = h.fail("a := 1\nanon := Id(struct{ X int }{1})")
	if e.Kind != "Unsupported" || !strings.Contains(e.Message, "anon := ...") || e.Line != 2 {
		t.Errorf("unnameable type: %+v", e)
	}
	h.expect("Id(3) + a", "4")
}
