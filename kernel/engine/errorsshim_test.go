package engine

import (
	"strings"
	"testing"
)

// errors and fmt.Errorf's %w with error types defined in cells. Expected
// outputs are compiled Go's (go run); where gopad cannot be right it must
// refuse, naming errors.As.
func TestCellErrorTypes(t *testing.T) {
	h := newHarness(t)
	h.run("import \"errors\"\ntype VErr struct{ Code int }\nfunc (e VErr) Error() string { return fmt.Sprint(\"verr \", e.Code) }\n" +
		"type PErr struct{ Msg string }\nfunc (e *PErr) Error() string { return \"perr \" + e.Msg }\nvar ErrBase = errors.New(\"base\")\n" +
		"func mk() error { return &PErr{\"direct\"} }\nfunc mkv() error { return VErr{5} }")
	for _, c := range []struct{ code, want string }{
		// A value-receiver Error method through %w printed %!w(struct...).
		{"fmt.Println(fmt.Errorf(\"wrap: %w\", VErr{3}))", "wrap: verr 3"},
		{"fmt.Println(fmt.Errorf(\"a %d: %w\", 1, &PErr{\"x\"}))", "a 1: perr x"},
		{"fmt.Println(errors.Is(fmt.Errorf(\"a: %w\", ErrBase), ErrBase), errors.Is(fmt.Errorf(\"a: %w, %w\", VErr{1}, ErrBase), ErrBase))", "true true"},
		{"fmt.Println(errors.Is(mkv(), VErr{5}), errors.Is(mkv(), VErr{6}))", "true false"},
		{"var pe *PErr\nfmt.Println(errors.As(mk(), &pe), pe.Msg)", "true direct"},
		{"fmt.Println(errors.Unwrap(fmt.Errorf(\"b: %w\", ErrBase)) == ErrBase)", "true"},
	} {
		h.out.Reset()
		h.run(c.code)
		if got := strings.TrimSuffix(h.out.String(), "\n"); got != c.want {
			t.Errorf("cell:\n%s\ngot  %q\nwant %q", c.code, got, c.want)
		}
	}
	// errors.As through wraps, value receivers, errors.Join, and a cell
	// error type with its own Unwrap (pointer receiver).
	h.run("type QErr struct{ Q string; Err error }\nfunc (e *QErr) Error() string { return e.Q + \": \" + e.Err.Error() }\n" +
		"func (e *QErr) Unwrap() error { return e.Err }\ntype TwoErr struct{ A, B string }\nfunc (e TwoErr) Error() string { return e.A + e.B }")
	for _, c := range []struct{ code, want string }{
		{"var pe2 *PErr\nfmt.Println(errors.As(fmt.Errorf(\"w: %w\", &PErr{\"k\"}), &pe2), pe2.Msg)", "true k"},
		{"var ve VErr\nfmt.Println(errors.As(mkv(), &ve), ve.Code)", "true 5"},
		{"var ve2 VErr\nfmt.Println(errors.As(fmt.Errorf(\"w: %w\", VErr{7}), &ve2), ve2.Code)", "true 7"},
		// yaegi kept the last field of a value-receiver struct: B.
		{"var te TwoErr\nfmt.Println(errors.As(fmt.Errorf(\"%d: %w\", 1, TwoErr{\"a\", \"b\"}), &te), te.A, te.B)", "true a b"},
		{"var pe3 *PErr\nj := errors.Join(errors.New(\"x\"), &PErr{\"j\"}, nil)\nfmt.Println(errors.As(j, &pe3), pe3.Msg)\nfmt.Println(j)", "true j\nx\nperr j"},
		{"fmt.Println(errors.Join(nil, nil) == nil)", "true"},
		{"j2 := errors.Join(errors.New(\"x\"), VErr{9})\nvar ve3 VErr\nfmt.Println(errors.As(j2, &ve3), ve3.Code, errors.Is(j2, VErr{9}), errors.Is(j2, VErr{8}))", "true 9 true false"},
		{"q := &QErr{\"select\", fmt.Errorf(\"db: %w\", VErr{42})}\nvar ve4 VErr\n" +
			"fmt.Println(errors.As(q, &ve4), ve4.Code, errors.Is(q, VErr{42}), errors.Is(q, VErr{41}))\n" +
			"var qe *QErr\nfmt.Println(errors.As(fmt.Errorf(\"top: %w\", q), &qe), qe.Q)", "true 42 true false\ntrue select"},
		{"w2 := fmt.Errorf(\"outer: %w\", fmt.Errorf(\"mid: %w, %w\", VErr{1}, &PErr{\"deep\"}))\nvar pe6 *PErr\n" +
			"fmt.Println(errors.As(w2, &pe6), pe6.Msg, w2)\nfmt.Println(errors.Unwrap(w2))\nfmt.Println(errors.Unwrap(errors.Unwrap(w2)))",
			"true deep outer: mid: verr 1, perr deep\nmid: verr 1, perr deep\n<nil>"},
		{"var pe5 *PErr\nfmt.Println(errors.As(errors.New(\"plain\"), &pe5), pe5 == nil)", "false true"},
		{"fmt.Println(fmt.Errorf(\"n: %w\", nil))", "n: %!w(<nil>)"},
	} {
		h.out.Reset()
		h.run(c.code)
		if got := strings.TrimSuffix(h.out.String(), "\n"); got != c.want {
			t.Errorf("cell:\n%s\ngot  %q\nwant %q", c.code, got, c.want)
		}
	}
}
