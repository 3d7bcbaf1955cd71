package engine

import (
	"strings"
	"testing"
)

// TestFailedCellKeepsState checks that a cell that fails to compile or stops
// part way does not replace what earlier cells defined (yaegi registers a
// chunk's names while compiling it, with zero values).
func TestFailedCellKeepsState(t *testing.T) {
	h := newHarness(t)
	h.run("x := 5\nfunc g() int { return 1 }")
	// A compile error: nothing of the cell runs, x keeps its value.
	if e := h.fail("x := 7\ny := nosuch"); e.Kind != "CompileError" || e.Line != 2 || !strings.Contains(e.Message, "undefined: nosuch") {
		t.Errorf("compile error: %+v", e)
	}
	h.expect("x", "5")
	if e := h.fail("y"); !strings.Contains(e.Message, "undefined: y") {
		t.Errorf("a name of a cell that did not compile is defined: %+v", e)
	}
	// A name used undefined is undefined afterwards too, not a placeholder type.
	h.fail("fresh := nosuch2")
	if e := h.fail("nosuch2 + 1"); !strings.Contains(e.Message, "undefined: nosuch2") {
		t.Errorf("used-undefined name: %+v", e)
	}
	h.expect("nosuch2 := 4\nnosuch2", "4")
	// A function redefined with an error keeps the old definition.
	h.fail("func g() int { return undefinedZ }")
	h.expect("g()", "1")
	// A panic: the statements before it ran, the definitions from its line
	// on keep their earlier values.
	h.run("func compute() int { panic(\"no\") }\nw := 2")
	if e := h.fail("x := 8\nw := compute()\nz := 9"); e.Kind != "Panic" {
		t.Errorf("panic: %+v", e)
	}
	h.expect("x", "8")
	h.expect("w", "2")
	if e := h.fail("z"); !strings.Contains(e.Message, "undefined: z") {
		t.Errorf("a name defined after the panic is defined: %+v", e)
	}
	// A hoisted definition that panics keeps the earlier value too.
	h.run(`parts := strings.Split("a,b", ",")`)
	h.run("p := parts[0]")
	h.fail("p := parts[7]")
	h.expect("p", "a")
}
