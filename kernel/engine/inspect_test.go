package engine

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

func TestInspect(t *testing.T) {
	h := newHarness(t)
	h.run(`import "gopad/ml"

// area returns the area of a w by h rectangle.
// It is used by the tests of Inspect.
func area(w, h float64) float64 { return w * h }

// point is a place on the plane.
type point struct {
	X, Y int // coordinates
}

// Norm is the taxicab norm.
func (p point) Norm() int { return p.X + p.Y }

model := ml.Sequential(ml.Linear(2, 2))
count := 3`)
	if d, err := h.e.Inspect("model.Fit", 7); err != nil || d.Symbol != "Model.Fit" || d.Package != "gopad/ml" {
		t.Errorf("a method of a variable is Model.Fit of ml's docs: %+v, %v", d, err)
	}
	cases := []struct {
		name, code string
		cursor     int
		kind       string
		decl, text []string // substrings
	}{
		{"ml function", "ml.Sequential", 5, "func", []string{"func Sequential(layers ...Layer) *Model"}, []string{"Sequential returns a model"}},
		{"cursor at the name's end", "x := ml.Sequential", 18, "func", []string{"Sequential("}, nil},
		{"stdlib function", "strings.Split(s, \",\")", 9, "func", []string{"func Split(s, sep string) []string"}, []string{"Split slices s into all substrings"}},
		{"in a call's arguments", "strings.Split(s, ", 17, "func", []string{"func Split(s, sep string)"}, nil},
		{"package", "strings", 3, "package", []string{`package strings // import "strings"`}, []string{"UTF-8"}},
		{"cell func with doc", "area(2, 3)", 2, "func", []string{"func area(w, h float64) float64"}, []string{"area returns the area of a w by h rectangle.", "used by the tests"}},
		{"cell type", "var p point", 8, "type", []string{"type point struct", "X, Y int"}, []string{"a place on the plane"}},
		{"cell method on a type", "point.Norm", 7, "method", []string{"func (p point) Norm() int"}, []string{"taxicab"}},
		{"method of a compiled value", "model.Fit(", 7, "method", []string{"func (m *Model) Fit(train Dataset, cfg FitConfig) *History"}, []string{"Fit trains the model"}},
		{"variable", "count + 1", 2, "var", []string{"var count int"}, nil},
		{"variable of a documented type", "model", 2, "var", []string{"var model *ml.Model"}, []string{"Model"}},
		{"builtin", "len(x)", 1, "func", []string{"func len(v Type) int"}, []string{"length"}},
		{"func of the cell being typed", "// twice doubles.\nfunc twice(x int) int { return 2 * x }\ntwice(4)", 59, "func", []string{"func twice(x int) int"}, []string{"twice doubles."}},
		{"func declared further down the cell", "later(1)\n// later comes last.\nfunc later(n int) {}", 2, "func", []string{"func later(n int)"}, []string{"later comes last."}},
		{"struct field", "ml.FitConfig{Epochs: 3}", 15, "field", []string{"Epochs int"}, nil},
	}
	for _, c := range cases {
		d, err := h.e.Inspect(c.code, c.cursor)
		if err != nil {
			t.Errorf("%s: Inspect(%q, %d): %v", c.name, c.code, c.cursor, err)
			continue
		}
		if d.Package != "" && d.Kind != "package" && d.Symbol == "" {
			t.Errorf("%s: no symbol name for the help page: %+v", c.name, d)
		}
		if d.Kind != c.kind {
			t.Errorf("%s: kind %q, want %q (%+v)", c.name, d.Kind, c.kind, d)
		}
		for _, s := range c.decl {
			if !strings.Contains(d.Decl, s) {
				t.Errorf("%s: decl %q lacks %q", c.name, d.Decl, s)
			}
		}
		for _, s := range c.text {
			if !strings.Contains(d.Text, s) {
				t.Errorf("%s: text %q lacks %q", c.name, d.Text, s)
			}
		}
	}
}

func TestInspectWithoutDocumentation(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		code   string
		cursor int
		says   string
	}{
		{"nosuchname + 1", 3, "no documentation for nosuchname: it is not a name"},
		{"strings.NoSuchFunc()", 10, "no documentation for strings.NoSuchFunc: package strings has no exported name NoSuchFunc"},
		{"x := 1 +  2", 8, "the cursor is not on a name"},
		{"for i := 0", 1, "no documentation for for: it is a Go keyword"},
		{"", 0, "the cursor is not on a name"},
	} {
		_, err := h.e.Inspect(c.code, c.cursor)
		var nd *NoDocError
		if !errors.As(err, &nd) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("Inspect(%q, %d) = %v; want a NoDocError saying %q", c.code, c.cursor, err, c.says)
		}
	}
	for _, c := range []struct {
		code   string
		cursor int
		says   string
	}{
		{"ml.Sequential", -1, "outside the code"},
		{"ml.Sequential", 14, "outside the code (0..13 bytes)"},
		{"s := \"é\"", 7, "inside a UTF-8 character"},
	} {
		_, err := h.e.Inspect(c.code, c.cursor)
		var nd *NoDocError
		if err == nil || errors.As(err, &nd) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("Inspect(%q, %d) = %v; want an error saying %q", c.code, c.cursor, err, c.says)
		}
	}
}

func TestCompleteCandidatesKinds(t *testing.T) {
	h := newHarness(t)
	h.run("import \"gopad/ml\"\n// helper helps.\nfunc helper(n int) string { return \"\" }\nmodel := ml.Sequential(ml.Linear(2, 2))\ntype box struct{ W int }")
	find := func(code string, text string) Candidate {
		t.Helper()
		cands, _, _ := h.e.CompleteCandidates(code, len(code))
		for _, c := range cands {
			if c.Text == text {
				return c
			}
		}
		t.Fatalf("CompleteCandidates(%q) has no %q: %+v", code, text, cands)
		return Candidate{}
	}
	for _, c := range []struct {
		code, text, kind, sig string
	}{
		{"ml.Seq", "Sequential", "func", "func Sequential(layers ...Layer) *Model"},
		{"ml.Mod", "Model", "type", "type Model struct"},
		{"ml.Fit", "FitConfig", "type", "type FitConfig struct"},
		{"strings.Spl", "Split", "func", "func Split(s, sep string) []string"},
		{"math.P", "Pi", "const", "Pi"},
		{"os.Std", "Stdout", "var", "Stdout"},
		{"model.Fi", "Fit", "method", "func (m *Model) Fit(train Dataset, cfg FitConfig) *History"},
		{"hel", "helper", "func", "func helper(n int) string"},
		{"mod", "model", "var", "var model *ml.Model"},
		{"bo", "box", "type", "type box struct{ W int }"},
		{"import \"strings\"\nstri", "strings", "package", `package strings // import "strings"`},
		{"ret", "return", "keyword", ""},
		{"le", "len", "func", "func len(v Type) int"},
		{"import \"gopad/m", "gopad/ml", "package", ""},
	} {
		got := find(c.code, c.text)
		if got.Kind != c.kind || !strings.Contains(got.Signature, c.sig) {
			t.Errorf("completion %q of %q: kind %q, signature %q; want %q and a signature containing %q", c.text, c.code, got.Kind, got.Signature, c.kind, c.sig)
		}
	}
}

// TestInspectWhileACellRuns: help answers while a cell holds the interpreter;
// a variable's type, which needs the interpreter, is said to come later.
func TestInspectWhileACellRuns(t *testing.T) {
	h := newHarness(t)
	h.run("count := 3")
	done := make(chan error, 1)
	go func() {
		_, err := h.e.Execute(context.Background(), "for {\n}")
		done <- err
	}()
	// The running cell holds e.mu; wait until it does.
	for h.e.mu.TryLock() {
		h.e.mu.Unlock()
		runtime.Gosched()
	}
	d, err := h.e.Inspect("count", 2)
	if err != nil || d.Decl != "var count" || !strings.Contains(d.Text, "when no cell is running") {
		t.Errorf("a variable while a cell runs: %+v, %v", d, err)
	}
	if d, err := h.e.Inspect("ml.Sequential", 5); err != nil || d.Decl != "func Sequential(layers ...Layer) *Model" {
		t.Errorf("a package function while a cell runs: %+v, %v", d, err)
	}
	h.e.Interrupt()
	if err := <-done; err == nil {
		t.Error("the endless cell ended without an error")
	}
	if d, err := h.e.Inspect("count", 2); err != nil || d.Decl != "var count int" {
		t.Errorf("a variable after the cell: %+v, %v", d, err)
	}
}
