package engine

import (
	"context"
	"slices"
	"testing"
)

func TestComplete(t *testing.T) {
	h := newHarness(t)
	h.run("import \"strings\"\nmyVariable := 1\nfunc myFunc() {}")
	cases := []struct {
		code       string
		cursor     int
		want       string
		start, end int
	}{
		{"strings.ToU", 11, "ToUpper", 8, 11},
		{"x := strings.Has", 16, "HasPrefix", 13, 16},
		{"my", 2, "myVariable", 0, 2},
		{"my", 2, "myFunc", 0, 2},
		{"fmt.Println(myV)", 15, "myVariable", 12, 15},
		{"import \"fmt\"\nfmt.Spr", 20, "Sprintf", 17, 20},
		{"localThing := 3\nlocalT", 22, "localThing", 16, 22},
		{"import \"gopad/di", 16, "gopad/display", 8, 16},
		{"pri", 3, "println", 0, 3},
		// Packages a cell may use without importing them complete too.
		{"math.Sq", 7, "Sqrt", 5, 7},
		{"ml.Seq", 6, "Sequential", 3, 6},
		// A package whose name is not its path's last element, imported in this cell.
		{"import \"math/rand/v2\"\nrand.In", 29, "IntN", 27, 29},
	}
	for _, c := range cases {
		matches, start, end := h.e.Complete(c.code, c.cursor)
		if !slices.Contains(matches, c.want) || start != c.start || end != c.end {
			t.Errorf("Complete(%q, %d) = %v, %d, %d; want %q in matches, %d, %d", c.code, c.cursor, matches, start, end, c.want, c.start, c.end)
		}
	}
	h.run("import \"gopad/ml\"\nmodel := ml.Sequential(ml.Linear(2, 2))\ntype pt struct{ X, Y int }\nfunc (p pt) Norm() int { return p.X }\np := pt{1, 2}")
	if m, _, _ := h.e.Complete("model.Fi", 8); !slices.Contains(m, "Fit") {
		t.Errorf("methods of a compiled value: %v", m)
	}
	if m, _, _ := h.e.Complete("p.", 2); !slices.Contains(m, "X") || !slices.Contains(m, "Norm") {
		t.Errorf("fields and methods of a cell value: %v", m)
	}
	if m, _, _ := h.e.Complete("nosuchpkg.X", 11); len(m) != 0 {
		t.Errorf("completions for an unknown package: %v", m)
	}
	if m, _, _ := h.e.Complete("strings.ToUpper", 100); !slices.Contains(m, "ToUpper") || slices.Contains(m, "ToLower") {
		t.Errorf("cursor past the end: %v", m)
	}
}

// BenchmarkTrivialCell measures the kernel's trivial cell pair: x := 1, then
// x + 1 with its result.
func BenchmarkTrivialCell(b *testing.B) {
	e, err := New(Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Execute(ctx, "x := 1"); err != nil {
			b.Fatal(err)
		}
		res, err := e.Execute(ctx, "x + 1")
		if err != nil || !res.HasValue {
			b.Fatal(err, res)
		}
	}
}

// BenchmarkNewEngine measures starting an engine (interpreter, symbols, shims).
func BenchmarkNewEngine(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := New(Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInterpretedLoop measures an interpreted loop with the front-end's
// interrupt check in its body (1e5 iterations per op).
func BenchmarkInterpretedLoop(b *testing.B) {
	e, err := New(Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.Execute(ctx, "func loop() int { s := 0; for i := 0; i < 100000; i++ { s += i }; return s }"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Execute(ctx, "loop()"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHoistedDefinition measures a top-level definition that yaegi
// cannot type as written (an index into a compiled slice): the chunk fails to
// compile, then the definition is hoisted (hoist.go).
func BenchmarkHoistedDefinition(b *testing.B) {
	e, err := New(Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.Execute(ctx, `parts := strings.Split("a,b", ",")`); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Execute(ctx, "p := parts[1]"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChannelSends measures 1000 sends to a buffered channel of float64
// and 1000 to one of a compiled interface, each made interruptible by the
// front-end (a select), with the value converted to the element type first.
func BenchmarkChannelSends(b *testing.B) {
	e, err := New(Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.Execute(ctx, `import "fmt"
type Job struct{ id int }
func (j Job) String() string { return fmt.Sprint("job ", j.id) }
func produce() int {
	floats := make(chan float64, 1000)
	jobs := make(chan fmt.Stringer, 1000)
	for i := 0; i < 1000; i++ {
		floats <- float64(i)
		jobs <- Job{i}
	}
	return len(floats) + len(jobs)
}`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Execute(ctx, "produce()"); err != nil {
			b.Fatal(err)
		}
	}
}
