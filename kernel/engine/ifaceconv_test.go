package engine

import (
	"context"
	"strings"
	"testing"
)

// Values of cell types converted to compiled interfaces (error, fmt.Stringer)
// keep the value converted: in loops, after the variable converted changes,
// and when a composite literal is assigned straight to an interface variable.
// Each want is what compiled Go prints.
func TestInterfaceConversionsKeepTheirValue(t *testing.T) {
	h := newHarness(t)
	h.run("import \"fmt\"\ntype MyErr struct{ n int }\nfunc (e MyErr) Error() string { return fmt.Sprint(\"err \", e.n) }\n" +
		"type PErr struct{ n int }\nfunc (e *PErr) Error() string { return fmt.Sprint(\"perr \", e.n) }\n" +
		"type Code int\nfunc (c Code) Error() string { return fmt.Sprint(\"code \", int(c)) }\n" +
		"type S struct{ n int }\nfunc (s S) String() string { return fmt.Sprint(\"s\", s.n) }\n" +
		"type Res struct{ Err error }\n" +
		"type Coll struct{ errs []error }\nfunc (c *Coll) Add(e error) { c.errs = append(c.errs, e) }\n" +
		"func addTo(es *[]error, e error) { *es = append(*es, e) }")
	cases := []struct{ name, cell, want string }{
		{"append in a loop", "var errs []error\nfor i := 0; i < 3; i++ {\n\terrs = append(errs, MyErr{i})\n}\nfmt.Println(errs)", "[err 0 err 1 err 2]"},
		{"var in a loop body", "errs2 := []error{}\nfor i := 0; i < 3; i++ {\n\tvar e error = MyErr{i}\n\terrs2 = append(errs2, e)\n}\nfmt.Println(errs2)", "[err 0 err 1 err 2]"},
		{"pointers", "var es4 []error\nfor i := 0; i < 3; i++ { es4 = append(es4, &PErr{i}) }\nfmt.Println(es4)", "[perr 0 perr 1 perr 2]"},
		{"map values", "m := map[int]error{}\nfor i := 0; i < 3; i++ { m[i] = MyErr{i} }\nfmt.Println(m)", "map[0:err 0 1:err 1 2:err 2]"},
		{"Stringers", "var ss []fmt.Stringer\nfor i := 0; i < 3; i++ { ss = append(ss, S{i}) }\nfmt.Println(ss)", "[s0 s1 s2]"},
		{"index assignment", "es5 := make([]error, 3)\nfor i := range 3 { es5[i] = MyErr{i} }\nfmt.Println(es5)", "[err 0 err 1 err 2]"},
		{"non-struct type", "var cs []error\nfor i := 0; i < 3; i++ { cs = append(cs, Code(i)) }\nfmt.Println(cs)", "[code 0 code 1 code 2]"},
		{"loop in a function", "func coll() []error { var es []error; for i := 0; i < 3; i++ { es = append(es, MyErr{i}) }; return es }\nfmt.Println(coll())", "[err 0 err 1 err 2]"},
		{"range variable", "vals := []MyErr{{7}, {8}, {9}}\nvar es6 []error\nfor _, v := range vals { es6 = append(es6, v) }\nfmt.Println(es6)", "[err 7 err 8 err 9]"},
		{"range over an earlier cell's slice", "var es7 []error\nfor _, v := range vals { es7 = append(es7, v) }\nfmt.Println(es7)", "[err 7 err 8 err 9]"},
		{"struct field in a container", "var rs []Res\nfor i := 0; i < 3; i++ { rs = append(rs, Res{Err: MyErr{i}}) }\nfor _, r := range rs { fmt.Print(r.Err, \";\") }\nfmt.Println()", "err 0;err 1;err 2;"},
		{"method argument", "var co Coll\nfor i := 0; i < 3; i++ { co.Add(MyErr{i}) }\nfmt.Println(co.errs)", "[err 0 err 1 err 2]"},
		{"function argument", "var es8 []error\nfor i := 0; i < 3; i++ { addTo(&es8, MyErr{i}) }\nfmt.Println(es8)", "[err 0 err 1 err 2]"},
		{"concrete slice", "pts := []S{}\nfor i := 0; i < 3; i++ { pts = append(pts, S{i}) }\nfmt.Println(pts)", "[s0 s1 s2]"},
		{"conditional assignment", "var last error\nfor i := 0; i < 3; i++ { if i == 1 { last = MyErr{i} } }\nfmt.Println(last)", "err 1"},
		{"variable changed after", "x := MyErr{1}\nvar e error\ne = x\nx = MyErr{2}\nfmt.Println(e, x)", "err 1 err 2"},
		{"var changed after", "x3 := MyErr{1}\nvar e3 error = x3\nx3 = MyErr{2}\nfmt.Println(e3)", "err 1"},
		{"conversion changed after", "x4 := MyErr{1}\ne4 := error(x4)\nx4 = MyErr{2}\nfmt.Println(e4)", "err 1"},
		{"literal assigned", "var e9 error\ne9 = MyErr{9}\nfmt.Println(e9)", "err 9"},
		{"literal assigned in a function", "func() { var l error; l = MyErr{6}; fmt.Println(l.Error(), l) }()", "err 6 err 6"},
		{"var in a function", "func() { var e error = MyErr{6}; fmt.Println(e) }()", "err 6"},
		{"conversion of a literal", "func() { e := error(MyErr{1}); fmt.Println(e) }()", "err 1"},
		{"top-level conversion", "e8 := error(MyErr{8})\nfmt.Println(e8)", "err 8"},
		{"two values", "func() { var e error; e, n := MyErr{12}, 1; fmt.Println(e, n) }()", "err 12 1"},
		{"range over a literal", "var st []fmt.Stringer\nfor _, v := range []S{{4}, {5}} { st = append(st, v) }\nfmt.Println(st)", "[s4 s5]"},
		{"method value", "p := S{1}\nf := p.String\np = S{2}\nfmt.Println(f(), p)", "s1 s2"},
		{"method values in a loop", "var fs []func() string\nfor i := 0; i < 3; i++ { q := S{i}; fs = append(fs, q.String) }\nfor _, f := range fs { fmt.Print(f(), \" \") }\nfmt.Println()", "s0 s1 s2"},
		{"address and value", "func keep(p *MyErr, e error) string { p.n = 5; return e.Error() }\nfunc() { x := MyErr{3}; fmt.Println(keep(&x, x), x) }()", "err 3 err 5"},
	}
	for _, c := range cases {
		h.out.Reset()
		if _, err := h.e.Execute(context.Background(), c.cell); err != nil {
			t.Errorf("%s: %v\n%s", c.name, err, c.cell)
			continue
		}
		if got := strings.TrimSpace(h.out.String()); got != c.want {
			t.Errorf("%s: printed %q, want %q\n%s", c.name, got, c.want, c.cell)
		}
	}
}

// The rewrite leaves what cannot become a call alone: select cases and
// recover.
func TestInterfaceConversionsLeaveSelectAndRecover(t *testing.T) {
	h := newHarness(t)
	h.run("import \"fmt\"\ntype MyErr struct{ n int }\nfunc (e MyErr) Error() string { return fmt.Sprint(\"err \", e.n) }")
	h.out.Reset()
	h.run("var got []error\nfunc() {\n\tdefer func() {\n\t\tfor i := 0; i < 1; i++ {\n\t\t\tgot = append(got, MyErr{len(fmt.Sprint(recover()))})\n\t\t}\n\t}()\n\tpanic(\"boom\")\n}()\nfmt.Println(got)")
	if got := strings.TrimSpace(h.out.String()); got != "[err 4]" {
		t.Errorf("recover in a deferred append: printed %q, want [err 4]", got)
	}
	h.out.Reset()
	h.run("x := MyErr{4}\nch := make(chan MyErr, 1)\nselect {\ncase ch <- x:\n\tfmt.Println(\"sent\", <-ch)\n}")
	if got := strings.TrimSpace(h.out.String()); got != "sent err 4" {
		t.Errorf("select send: printed %q, want sent err 4", got)
	}
}

// BenchmarkErrorsInLoop measures the function literal that a conversion in a
// loop costs: appending cell errors to []error (converted in a literal)
// against appending the same values to their own slice type (left alone).
func BenchmarkErrorsInLoop(b *testing.B) {
	h := newHarness(&testing.T{})
	h.run("type MyErr struct{ n int }\nfunc (e MyErr) Error() string { return \"e\" }")
	for _, bc := range []struct{ name, cell string }{
		{"error", "var es []error\nfor i := 0; i < 1000; i++ { es = append(es, MyErr{i}) }"},
		{"concrete", "var ms []MyErr\nfor i := 0; i < 1000; i++ { ms = append(ms, MyErr{i}) }"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := h.e.Execute(context.Background(), bc.cell); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fmt prints values of cell types with String or Error methods by their
// methods also when they come from a call, a method, a conversion, a type
// assertion or a receive, and each result of a call with several.
func TestPrintedCallResultsUseTheirMethods(t *testing.T) {
	h := newHarness(t)
	h.run("import \"fmt\"\ntype MyErr struct{ n int }\nfunc (e MyErr) Error() string { return fmt.Sprint(\"err \", e.n) }\n" +
		"func (e MyErr) Next() MyErr { return MyErr{e.n + 1} }\n" +
		"func mk() MyErr { return MyErr{3} }\nfunc mk2() (MyErr, int) { return MyErr{7}, 1 }\n" +
		"type Temp float64\nfunc (t Temp) String() string { return fmt.Sprintf(\"%.1f°C\", float64(t)) }\nfunc warm() Temp { return 21.5 }\n" +
		"var a any = MyErr{5}")
	cases := []struct{ cell, want string }{
		{"fmt.Println(mk())", "err 3"},
		{"fmt.Println(mk2())", "err 7 1"},
		{"fmt.Println(MyErr{8}.Next())", "err 9"},
		{"fmt.Println(MyErr(MyErr{8}))", "err 8"},
		{"fmt.Println(func() MyErr { return MyErr{9} }())", "err 9"},
		{"fmt.Printf(\"%v %s\\n\", mk(), mk())", "err 3 err 3"},
		{"fmt.Println(a.(MyErr))", "err 5"},
		{"s := fmt.Sprint(\"got \", a.(MyErr))\nfmt.Println(s)", "got err 5"},
		{"ch := make(chan MyErr, 1)\nch <- MyErr{6}\nfmt.Println(\"got\", <-ch)", "got err 6"},
		{"fmt.Println(warm(), Temp(3))", "21.5°C 3.0°C"},
	}
	for _, c := range cases {
		h.out.Reset()
		if _, err := h.e.Execute(context.Background(), c.cell); err != nil {
			t.Errorf("%s: %v", c.cell, err)
			continue
		}
		if got := strings.TrimSpace(h.out.String()); got != c.want {
			t.Errorf("%s: printed %q, want %q", c.cell, got, c.want)
		}
	}
	h.expect("mk()", "err 3")
	h.expect("a.(MyErr)", "err 5")
}
