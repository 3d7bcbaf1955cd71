package engine

import "testing"

func TestEdgeCells(t *testing.T) {
	h := newHarness(t)
	if res := h.run(""); res.HasValue {
		t.Error("empty cell has a value")
	}
	if res := h.run("// only a comment\n/* and another */"); res.HasValue {
		t.Error("comment cell has a value")
	}
	h.run("x := 2 // two")
	h.expect("x * 3 // six", "6")
	h.expect("x * 4 /* eight */", "8")
	h.expect("y := []int{\n\t1,\n\t2,\n}\nlen(y)", "2")
	h.expect("if x > 1 {\n\tx = 10\n} else {\n\tx = 0\n}\nx", "10")
	h.expect("s := \"a;b\"; len(s)", "3")
	h.expect("func() {}()\nx", "10")
	h.expect("var (\n\ta = 1\n\tb = 2\n)\na + b", "3")
	h.expect("const k = 7\nk", "7")
	h.expect("type pt struct{ X, Y int }\np := pt{1, 2}\np.X + p.Y", "3")
	h.expect("func (p pt) Sum() int { return p.X + p.Y }\npt{3, 4}.Sum()", "7")
	h.expect("switch {\ncase x > 5:\n\tx = 1\n}\nx", "1")
	h.expect("L:\nfor i := 0; i < 3; i++ {\n\tfor {\n\t\tcontinue L\n\t}\n}\nx", "1")
	h.expect("nil", "<nil>")
	h.expect("p42 := new(42)\n*p42", "42")
	h.expect("q := new(int)\n*q", "0")
	h.expect("func ptr() *string { return new(\"s\") }\n*ptr()", "s")
}
