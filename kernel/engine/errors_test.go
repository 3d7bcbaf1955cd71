package engine

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/display"
)

func TestCompileErrorPosition(t *testing.T) {
	h := newHarness(t)
	e := h.fail("x := 1\n\ny := x +\n  undefinedThing\n")
	if e.Kind != "CompileError" || e.Line != 4 || e.Col != 3 || !strings.Contains(e.Message, "undefinedThing") {
		t.Errorf("got %+v, want CompileError at 4:3 naming undefinedThing", e)
	}
	e = h.fail("func f() int {\n\treturn \"s\"\n}")
	if e.Kind != "CompileError" || e.Line != 2 {
		t.Errorf("got %+v, want CompileError at line 2", e)
	}
	e = h.fail("a := 1\nfor i := 0; i < 3; i++ {\n\tb := min(i, nope)\n}")
	if e.Kind != "CompileError" || e.Line != 3 || e.Col != 14 {
		t.Errorf("got %+v, want CompileError at 3:14 (after rewrites on the same line)", e)
	}
	e = h.fail("x := (1 +")
	if e.Kind != "CompileError" || e.Line != 1 {
		t.Errorf("syntax error: %+v", e)
	}
	if !strings.HasPrefix(e.Traceback[0], "cell line 1") {
		t.Errorf("traceback %q does not start with the cell line", e.Traceback)
	}
}

func TestPanicShowsValueAndLine(t *testing.T) {
	h := newHarness(t)
	h.run("func get(xs []int, i int) int {\n\treturn xs[i]\n}")
	e := h.fail("import \"fmt\"\nxs := []int{1, 2, 3}\nget(xs, 5)")
	if e.Kind != "Panic" || !strings.Contains(e.Message, "index out of range") {
		t.Fatalf("got %+v", e)
	}
	if e.Line != 3 || !strings.HasPrefix(e.Traceback[0], "cell line 3: panic: ") {
		t.Errorf("want the panic at cell line 3, got line %d, traceback %q", e.Line, e.Traceback)
	}
	if !strings.Contains(strings.Join(e.Traceback, "\n"), "line 2 of cell #1, in get") {
		t.Errorf("traceback %q does not name get's line in cell #1", e.Traceback)
	}
	e = h.fail("x := 1\nif x > 0 {\n\tpanic(\"boom\")\n}")
	if e.Kind != "Panic" || e.Message != "boom" || e.Line != 2 {
		// yaegi reports the position of the if statement, not of the panic call.
		t.Errorf("got %+v, want panic boom at line 2", e)
	}
	e = h.fail("y := 2\n\npanic(fmt.Sprint(\"y is \", y))")
	if e.Kind != "Panic" || e.Message != "y is 2" || e.Line != 3 {
		t.Errorf("got %+v, want panic 'y is 2' at line 3", e)
	}
	// State survives errors.
	h.expect("xs[1] + x", "3")
}

// TestUndefinedSelectorNamesTheExpression checks that a missing field or
// method reads as Go says it, naming the expression, at its line and at the
// column of the missing name (where go build reports it).
func TestUndefinedSelectorNamesTheExpression(t *testing.T) {
	h := newHarness(t)
	h.run("type T struct{ A int }\nfunc (t T) Get() int { return t.A }\nts := []T{{1}}")
	for _, c := range []struct {
		code, msg string
		line, col int
	}{
		{"x := 1\n\nts[0].Missing()", "ts[0].Missing undefined (ts[0] has no field or method Missing)", 3, 7},
		{"y := ts[0].Get() +\n\tts[0].B", "ts[0].B undefined (ts[0] has no field or method B)", 2, 8},
		{"func f(t T) int {\n\treturn t.Nope\n}", "t.Nope undefined (t has no field or method Nope)", 2, 11},
	} {
		e := h.fail(c.code)
		if e.Kind != "CompileError" || e.Message != c.msg || e.Line != c.line || e.Col != c.col {
			t.Errorf("%q: got %+v, want CompileError %q at %d:%d", c.code, e, c.msg, c.line, c.col)
		}
	}
	h.expect("ts[0].Get()", "1")
}

// TestNilPanicsReadAsGo checks that nil dereferences and failed type
// assertions read as the Go runtime's messages at the cell's line, not as
// reflect internals or the engine's encoded positions.
func TestNilPanicsReadAsGo(t *testing.T) {
	h := newHarness(t)
	h.run("type Node struct{ N int; Next *Node }\nfunc (n *Node) Get() int { return n.N }\nvar fn func()\nvar e error")
	for _, c := range []struct {
		code, msg string
		line      int
	}{
		{"var np *Node\n\nnp.N", nilDeref, 3},
		{"var np *Node\nnp.N = 3", nilDeref, 2},
		{"var np *Node\nnp.Get()", nilDeref, 2},
		{"n := &Node{N: 1}\nx := n.Next.N\n_ = x", nilDeref, 2},
		{"var ip *int\n*ip", nilDeref, 2},
		{"e.Error()", nilDeref, 1},
		{"fn()", nilDeref, 1},
		{"var a any = \"s\"\n\na.(int)", "interface conversion: interface {} is string, not int", 3},
		{"x := 1\nvar m map[string]int\nm[\"a\"] = x", "assignment to entry in nil map", 3},
		{"i := 7\npanic(i)", "7", 2},
	} {
		e := h.fail(c.code)
		if e.Kind != "Panic" || !strings.HasPrefix(e.Message, c.msg) || e.Line != c.line {
			t.Errorf("%q: got %+v, want Panic %q at line %d", c.code, e, c.msg, c.line)
		}
	}
	h.expect("(&Node{N: 4}).Get()", "4")
}

// TestGoroutinePanicIsReported checks that a panic in a goroutine started
// with a func literal reaches Options.GoroutinePanic with its value and the
// cell line of the go statement, and that goroutines ending normally or
// recovering themselves do not.
func TestGoroutinePanicIsReported(t *testing.T) {
	reports := make(chan string, 4)
	e, err := New(Options{Stdout: io.Discard, GoroutinePanic: func(r string) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	run := func(code string) {
		t.Helper()
		if _, err := e.Execute(context.Background(), code); err != nil {
			t.Fatalf("%q: %v", code, err)
		}
	}
	run("import \"sync\"\nvar wg sync.WaitGroup\nwg.Add(1)\ngo func() { defer wg.Done() }()\nwg.Wait()")
	run("wg.Add(1)\ngo func() {\n\tdefer wg.Done()\n\tdefer func() { recover() }()\n\tpanic(\"kept\")\n}()\nwg.Wait()")
	select {
	case r := <-reports:
		t.Fatalf("unexpected report %q", r)
	default:
	}
	run("var np *struct{ N int }\nwg.Add(1)\n\ngo func(k int) {\n\tdefer wg.Done()\n\t_ = np.N + k\n}(3)\nwg.Wait()")
	select {
	case r := <-reports:
		if !strings.HasPrefix(r, "panic: "+nilDeref) || !strings.Contains(r, "started at line 4 of cell #3") {
			t.Errorf("report %q; want the nil dereference and line 4 of cell #3", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no report of the goroutine's panic")
	}
}

func TestUnsupportedIsNamed(t *testing.T) {
	h := newHarness(t)
	h.run("func seq(yield func(int) bool) { yield(1) }")
	h.expect("total := 0\nfor v := range seq {\n\ttotal += v\n}\ntotal", "1")
	// A defer in a range-over-func body would run per iteration once the
	// body is a function literal: refused, naming it and its line.
	e := h.fail("func f() {\n\tfor v := range seq {\n\t\tdefer fmt.Println(v)\n\t}\n}")
	if e.Kind != "Unsupported" || e.Line != 3 || !strings.Contains(e.Message, "defer inside a range-over-function loop") {
		t.Errorf("defer in range over func: %+v", e)
	}
	h.expect("1 + 1", "2")
}

func TestResultKeepsInterfaces(t *testing.T) {
	h := newHarness(t)
	h.run(`
import "gopad/display"
type Temp float64
func (t Temp) String() string { return "warm" }
type Card struct{ Title string }
func (c Card) RenderMIME() display.Bundle { return display.Bundle{"text/html": "<b>" + c.Title + "</b>"} }`)
	res := h.run("Temp(21)")
	s, ok := res.Value.Interface().(interface{ String() string })
	if !ok || s.String() != "warm" {
		t.Errorf("Temp result %T does not keep String()", res.Value.Interface())
	}
	res = h.run(`Card{"hi"}`)
	r, ok := res.Value.Interface().(display.Renderer)
	if !ok {
		t.Fatalf("Card result %T is not a display.Renderer", res.Value.Interface())
	}
	if got := r.RenderMIME()["text/html"]; got != "<b>hi</b>" {
		t.Errorf("RenderMIME()[text/html] = %v", got)
	}
	h.expect("import \"gopad/ml\"\nml.FromSlice([]float32{1, 3, 2}, 1, 3).ArgMax()", "[1]")
	h.expect("import \"gopad.dev/gopad/ml\"\nml.New(2, 2).Shape()", "[2 2]")
}

// The kernel recognises os.Exit by this message and exits the process itself.
func TestOsExitIsAnExitRequest(t *testing.T) {
	h := newHarness(t)
	e := h.fail("import \"os\"\nos.Exit(3)")
	if e.Kind != "Exit" || e.ExitCode != 3 || e.Message != "os.Exit(3)" {
		t.Errorf("got %+v", e)
	}
	// A panic whose text looks like an exit is an ordinary panic.
	e = h.fail(`panic("os.Exit(4)")`)
	if e.Kind != "Panic" || e.ExitCode != 0 {
		t.Errorf("panic(\"os.Exit(4)\") gave %+v", e)
	}
}

func TestErrorsNameWhatTheCellWrote(t *testing.T) {
	h := newHarness(t)
	e := h.fail("x := max(\"a\", 1)")
	t.Logf("max(\"a\", 1): %s", e.Message)
	if strings.Contains(e.Message, "_gopad") {
		t.Errorf("message names a shim: %q", e.Message)
	}
	e = h.fail("import \"slices\"\nslices.Max([]int{})")
	if e.Kind != "Panic" || e.Message != "slices.Max: empty list" || e.Line != 2 {
		t.Errorf("got %+v", e)
	}
}

func TestResultPointerReceiverRenderer(t *testing.T) {
	h := newHarness(t)
	h.run("type Box struct{ W int }\nfunc (b *Box) RenderMIME() display.Bundle { return display.Bundle{\"text/plain\": fmt.Sprint(\"box \", b.W)} }")
	res := h.run("&Box{3}")
	r, ok := res.Value.Interface().(display.Renderer)
	if !ok {
		t.Fatalf("result %T is not a display.Renderer", res.Value.Interface())
	}
	if got := r.RenderMIME()["text/plain"]; got != "box 3" {
		t.Errorf("RenderMIME = %v", got)
	}
	// A plain cell struct arrives as itself.
	h.run("type Plain struct{ A int }")
	if v := h.run("Plain{7}").Value; v.Kind() != reflect.Struct || v.Field(0).Int() != 7 {
		t.Errorf("Plain result: %v (%v)", v, v.Kind())
	}
}

// TestIndexOutOfRangeWording checks the Go runtime's exact words, with index
// and length, for an index out of range in a top-level statement (verified
// with go run), and the plain words where the operands are gone.
func TestIndexOutOfRangeWording(t *testing.T) {
	h := newHarness(t)
	h.run("xs := []int{1, 2, 3}\ni := 5\nneg := -2")
	for code, want := range map[string]string{
		"_ = xs[i]":                      "runtime error: index out of range [5] with length 3",
		"_ = xs[neg]":                    "runtime error: index out of range [-2]",
		"_ = xs[1] + xs[i-4] + xs[i]":    "runtime error: index out of range [5] with length 3",
		"func() { k := 4; _ = xs[k] }()": "runtime error: index out of range",
		"_ = xs[1:i+4]":                  "runtime error: slice bounds out of range",
	} {
		_, err := h.e.Execute(context.Background(), code)
		var e *Error
		if !errors.As(err, &e) || e.Kind != "Panic" || e.Message != want {
			t.Errorf("%s: got %v, want Panic %q", code, err, want)
		}
	}
}

// TestIndexOutOfRangeInFunction checks an index out of range inside a cell
// function: the traceback names the failing line (not the function's first
// statement), and the message has the Go runtime's index and length (verified
// with go run) when the call's arguments can be read again.
func TestIndexOutOfRangeInFunction(t *testing.T) {
	h := newHarness(t)
	h.run("func get(xs []int, i int) int {\n\tx := 0\n\t_ = x\n\treturn xs[i]\n}")
	h.run("func sum(xs []int, n int) int {\n\ts := 0\n\tfor k := 0; k <= n; k++ {\n\t\ts += xs[k]\n\t}\n\treturn s\n}")
	h.run("func pick(m [][]int, r, c int) int {\n\tx := 0\n\tx += m[r][0]\n\treturn x + m[r][c]\n}")
	h.run("xs := []int{1, 2, 3}")
	for _, c := range []struct{ code, message, frame string }{
		{"get([]int{1, 2, 3}, 5)", "runtime error: index out of range [5] with length 3", "  at line 4 of cell #1, in get"},
		{"get(xs, -1)", "runtime error: index out of range [-1]", "  at line 4 of cell #1, in get"},
		{"v := get(xs, 3)\n_ = v", "runtime error: index out of range [3] with length 3", "  at line 4 of cell #1, in get"},
		// pick's other index expressions are in range: the failing one is named.
		{"pick([][]int{{1, 2}}, 0, 4)", "runtime error: index out of range [4] with length 2", "  at line 4 of cell #3, in pick"},
		// k is a local variable, gone after the panic: the line, without detail
		// (compiled Go says [2] with length 2).
		{"sum([]int{1, 2}, 2)", "runtime error: index out of range", "  at line 4 of cell #2, in sum"},
		// Called from a function literal, the arguments cannot be read again.
		{"func() { get(xs, 7) }()", "runtime error: index out of range", "  at line 4 of cell #1, in get"},
	} {
		_, err := h.e.Execute(context.Background(), c.code)
		var e *Error
		if !errors.As(err, &e) || e.Kind != "Panic" || e.Message != c.message {
			t.Errorf("%s: got %v, want Panic %q", c.code, err, c.message)
			continue
		}
		if len(e.Traceback) < 2 || e.Traceback[1] != c.frame {
			t.Errorf("%s: traceback %q, want second line %q", c.code, e.Traceback, c.frame)
		}
	}
}

// BenchmarkInterpretedIndexLoop measures a cell function's loop of index
// expressions, the code a per-index check would slow down: the function
// index panic handling costs nothing until a panic (funcindex.go).
func BenchmarkInterpretedIndexLoop(b *testing.B) {
	e, err := New(Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.Execute(ctx, "xs := make([]int, 1000)\nfunc sumAll(xs []int) int { s := 0; for r := 0; r < 100; r++ { for i := 0; i < len(xs); i++ { s += xs[i] } }; return s }"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Execute(ctx, "sumAll(xs)"); err != nil {
			b.Fatal(err)
		}
	}
}

// A type parameter yaegi cannot infer is named with the generic function
// called, not only as "undefined type for E".
func TestUninferableTypeParameterNamesTheFunction(t *testing.T) {
	h := newHarness(t)
	e := h.fail("import (\"cmp\"; \"maps\"; \"slices\"; \"strings\")\nm := map[string]int{\"b\": 1, \"a\": 2}\nfmt.Println(cmp.Or(1, 2), slices.SortedFunc(maps.Keys(m), strings.Compare))")
	if e.Kind != "CompileError" || !strings.Contains(e.Message, "type parameter E of slices.SortedFunc") {
		t.Errorf("got %+v, want a CompileError naming type parameter E of slices.SortedFunc (not cmp.Or, the first generic call)", e)
	}
}
