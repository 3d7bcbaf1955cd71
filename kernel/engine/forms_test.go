package engine

import (
	"strings"
	"testing"
)

func TestReimportAndRerun(t *testing.T) {
	h := newHarness(t)
	cell := "import \"strings\"\nimport \"fmt\"\ns := strings.Repeat(\"ab\", 2)\nfmt.Sprint(s)"
	h.expect(cell, "abab")
	h.expect(cell, "abab")
	h.expect("import (\n\t\"strings\"\n\tm \"math\"\n)\nstrings.ToUpper(\"x\") + fmt.Sprint(m.Sqrt(4))", "X2")
	h.expect("import \"math\"\nmath.Abs(-3)", "3")
	e := h.fail("import \"nosuch/pkg\"")
	if !strings.Contains(e.Message, `"nosuch/pkg" is not available`) || e.Line != 1 {
		t.Errorf("unknown import: %+v", e)
	}
}

func TestRedefineFuncUpdatesCallers(t *testing.T) {
	h := newHarness(t)
	h.run("func g() int { return 1 }\nfunc f() int { return g() * 10 }")
	h.expect("f()", "10")
	h.run("func g() int { return 2 }")
	h.expect("f()", "20") // yaegi issue 1673: f would keep calling the old g
	h.run("func h() int { return f() + 1 }")
	h.run("func g() int { return 3 }")
	h.expect("h()", "31") // transitively
}

func TestRedefineTypeAndVar(t *testing.T) {
	h := newHarness(t)
	h.run("type T struct{ A int }\nfunc (t T) Sum() int { return t.A }")
	h.expect("T{A: 1}.Sum()", "1")
	h.run("type T struct{ A, B int }")
	h.expect("T{A: 1, B: 2}.B", "2")
	h.run("func (t T) Sum() int { return t.A + t.B }")
	h.expect("T{A: 1, B: 2}.Sum()", "3")

	h.run("x := 1\nfunc getX() int { return x }")
	h.expect("getX()", "1")
	h.run("x := 5")
	h.expect("getX()", "5")
	h.run("var y = \"a\"")
	h.run("var y = 2.5")
	h.expect("y * 2", "5")
}

func TestCommaOkAtTopLevel(t *testing.T) {
	h := newHarness(t)
	h.run("import \"fmt\"\nm := map[string]int{\"a\": 1}")
	h.run(`v, ok := m["a"]`)
	h.expect("fmt.Sprint(v, ok)", "1 true")
	h.run(`w, found := m["zz"]`)
	h.expect("fmt.Sprint(w, found)", "0 false")
	h.run("var a any = 3")
	h.run("n, isInt := a.(int)")
	h.expect("fmt.Sprint(n, isInt)", "3 true")
	h.run("s, isStr := a.(string)")
	h.expect("fmt.Sprintf(\"%q %v\", s, isStr)", `"" false`)
	h.run("ch := make(chan int, 1)\nch <- 42\nclose(ch)")
	h.run("r, open := <-ch")
	h.expect("fmt.Sprint(r, open)", "42 true")
	h.run("r2, open2 := <-ch")
	h.expect("fmt.Sprint(r2, open2)", "0 false")
	h.run(`if v, ok := m["a"]; ok { fmt.Println("found", v) }`)
	if !strings.Contains(h.out.String(), "found 1") {
		t.Errorf("if with comma-ok did not run: %q", h.out.String())
	}
}

func TestTypeSwitchOnCellTypes(t *testing.T) {
	h := newHarness(t)
	h.run(`
import "fmt"
type Shape interface{ Area() float64 }
type Sq struct{ W float64 }
func (q Sq) Area() float64 { return q.W * q.W }
var s Shape = Sq{3}
var a any = Sq{2}
kind := ""
switch v := a.(type) {
case Sq:
	kind = fmt.Sprint("Sq ", v.Area())
default:
	kind = "default"
}`)
	h.expect("kind", "Sq 4")
	h.run(`switch v := s.(type) { case Sq: kind = fmt.Sprint("Sq ", v.W); default: kind = "default" }`)
	h.expect("kind", "Sq 3")
}

func TestMethodExpressions(t *testing.T) {
	h := newHarness(t)
	h.run(`
type P struct{ A int }
func (p P) Get() int { return p.A }
func (p *P) Set(v int) { p.A = v }
func (p P) Add(d ...int) int { for _, x := range d { p.A += x }; return p.A }`)
	h.expect("get := P.Get\nget(P{4})", "4")
	h.run("set := (*P).Set\np := &P{}\nset(p, 9)")
	h.expect("p.A", "9")
	h.expect("add := P.Add\nadd(P{1}, 2, 3)", "6")
	h.expect("P.Get(P{7})", "7")
}

func TestFuncLiteralFirstRunsOnce(t *testing.T) {
	h := newHarness(t)
	h.run("count := 0")
	h.run("func() { count++ }()")
	h.run("x := 1")
	h.run("y := 2")
	h.expect("count", "1")
}

func TestPackageMainAndFuncMain(t *testing.T) {
	h := newHarness(t)
	h.expect("package main\n\nimport \"fmt\"\n\nfunc hello() string { return fmt.Sprint(\"hi\") }\nhello()", "hi")
	e := h.fail("package main\nfunc main() {\n\tprintln(1)\n}")
	if e.Kind != "Unsupported" || e.Line != 2 || !strings.Contains(e.Message, "func main") {
		t.Errorf("func main: %+v", e)
	}
	// A func value named main ran again as the entry point, with no
	// arguments: an index out of range inside it.
	e = h.fail("x := 1\nmain := func(args []string) { fmt.Println(args[1]) }\nmain([]string{\"a\", \"b\"})")
	if e.Kind != "Unsupported" || e.Line != 2 || e.Col != 1 || !strings.Contains(e.Message, "variable named main") {
		t.Errorf("main := func: %+v", e)
	}
}

func TestModernBuiltins(t *testing.T) {
	h := newHarness(t)
	h.expect("min(3, 1, 2)", "1")
	h.expect("max(2.5, 1)", "2.5")
	h.expect(`max("a", "c", "b")`, "c")
	h.run("f := 4.5")
	h.expect("min(f, 10)", "4.5")
	h.run(`import "fmt"
m := map[string]int{"a": 1, "b": 2}
s := []int{1, 2, 3}
clear(m)
clear(s)`)
	h.expect("fmt.Sprint(len(m), s)", "0 [0 0 0]")
	h.run("func min(a, b int) int { return 100 }")
	h.expect("min(1, 2)", "100") // a user's own min wins
}

func TestRangeOverInt(t *testing.T) {
	h := newHarness(t)
	h.run("sum := 0\nfor i := range 10 { sum += i }")
	h.expect("sum", "45")
	h.run("n := 4\ncount := 0\nfor range n { count++ }")
	h.expect("count", "4")
	h.run("xs := []string{\"a\", \"b\"}\nidx := 0\nfor i := range xs { idx += i }")
	h.expect("idx", "1")
	h.run("total := 0\nfor i := range len(xs) + 1 { total += i }")
	h.expect("total", "3")
	h.run("func tri(k int) int { t := 0; for i := range k { t += i }; return t }")
	h.expect("tri(5)", "10")
	h.run("var big int64 = 3\nvar acc int64\nfor i := range big { acc += i }")
	h.expect("acc", "3")
}

func TestPerIterationLoopVariables(t *testing.T) {
	h := newHarness(t)
	h.run(`import "fmt"
var fs []func() int
for i := 0; i < 3; i++ { fs = append(fs, func() int { return i }) }
out := ""
for _, f := range fs { out += fmt.Sprint(f()) }`)
	h.expect("out", "012")
	h.run(`var gs []func() string
for _, s := range []string{"a", "b", "c"} { gs = append(gs, func() string { return s }) }
out = ""
for _, g := range gs { out += g() }`)
	h.expect("out", "abc")
	h.run(`func collect() string {
	var hs []func() int
	for i := range 3 { hs = append(hs, func() int { return i * 10 }) }
	r := ""
	for _, h := range hs { r += fmt.Sprint(h(), " ") }
	return r
}`)
	h.expect("collect()", "0 10 20 ")
}

func TestGenericHelpers(t *testing.T) {
	h := newHarness(t)
	h.run("import \"slices\"\nimport \"maps\"")
	h.run("xs := []int{3, 1, 2}\nslices.Sort(xs)")
	h.expect("xs", "[1 2 3]")
	h.run(`type P struct{ N string; A int }
ps := []P{{"a", 3}, {"b", 1}, {"c", 2}}
slices.SortFunc(ps, func(x, y P) int { return x.A - y.A })`)
	h.expect("ps[0].N + ps[1].N + ps[2].N", "bca")
	h.expect("slices.Max(xs)", "3")
	h.expect("slices.Min([]float64{2.5, -1, 3})", "-1")
	h.expect("slices.Contains(xs, 2)", "true")
	h.expect("slices.Index(xs, 3)", "2")
	h.run("slices.Reverse(xs)")
	h.expect("xs", "[3 2 1]")
	h.run(`m := map[string]int{"b": 2, "a": 1, "c": 3}`)
	h.expect("slices.Sorted(maps.Keys(m))", "[a b c]")
	h.run("vals := slices.Collect(maps.Values(m))\nslices.Sort(vals)")
	h.expect("vals", "[1 2 3]")
	h.run("keys := \"\"\nfor k := range maps.Keys(m) { keys += k }")
	h.expect("len(keys)", "3")
	h.expect("type Scores []float64\nslices.Max(Scores{1, 7, 3})", "7")
}

func TestPartialCellKeepsEarlierDefinitions(t *testing.T) {
	h := newHarness(t)
	e := h.fail("a := 1\nfunc f() int { return a }\nb := undefinedX")
	if e.Line != 3 || !strings.Contains(e.Message, "undefinedX") {
		t.Errorf("got %+v", e)
	}
	h.expect("f()", "1")
	h.run("a := 2")
	h.expect("f()", "2")
}

func TestLocalNamesDoNotTriggerReevaluation(t *testing.T) {
	h := newHarness(t)
	h.run("func sum(xs []int) int { n := 0; for _, x := range xs { n += x }; return n }")
	h.run("n := 5")
	if d := h.e.decls["sum"]; d == nil || d.refs["n"] || d.refs["x"] || d.refs["xs"] {
		t.Errorf("sum's refs hold its locals: %v", d)
	}
	h.expect("sum([]int{1, 2}) + n", "8")
}

// A receive in an if's init (if v, ok := <-ch; ok) compiled to declarations
// an init cannot hold; expected output from go run.
func TestReceiveInIfInit(t *testing.T) {
	h := newHarness(t)
	h.out.Reset()
	h.run("errch := make(chan error, 1)\ngo func() { errch <- nil }()\nif err := <-errch; err != nil {\n\tfmt.Println(err)\n}\n" +
		"ch := make(chan int, 1)\nclose(ch)\nif v, ok := <-ch; ok {\n\tfmt.Println(\"got\", v)\n} else if w := 3; w > 2 {\n\tfmt.Println(\"closed\", v, ok, w)\n}\n" +
		"func g(c chan string) string { if s := <-c; s != \"\" { return s } else { return \"empty\" } }\ncs := make(chan string, 2)\ncs <- \"hi\"\ncs <- \"\"\nfmt.Println(g(cs), g(cs))")
	if got, want := h.out.String(), "closed 0 false 3\nhi empty\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
