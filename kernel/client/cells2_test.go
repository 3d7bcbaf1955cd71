package client_test

import (
	"strings"
	"testing"
)

// Cells of issue 12 run through a real kernel process; each expected output
// is what the same program prints compiled with go run (Go 1.26).

// runPrints runs cells in one kernel and checks what each prints.
func runPrints(t *testing.T, cells []struct{ code, want string }) {
	t.Helper()
	k := start(t)
	for _, c := range cells {
		r := mustRun(t, k, c.code)
		if got := strings.TrimSuffix(r.stream("stdout"), "\n"); got != c.want {
			t.Errorf("cell:\n%s\nprinted %q\nwant    %q", c.code, got, c.want)
		}
	}
}

func TestCellErrorTypesThroughRealKernel(t *testing.T) {
	runPrints(t, []struct{ code, want string }{
		{`import ("errors"; "fmt"; "io/fs")`, ""},
		{"type VErr struct{ Code int }\nfunc (e VErr) Error() string { return fmt.Sprint(\"verr \", e.Code) }\n" +
			"type PErr struct{ Msg string }\nfunc (e *PErr) Error() string { return \"perr \" + e.Msg }\n" +
			"type QErr struct{ Q string; Err error }\nfunc (e *QErr) Error() string { return e.Q + \": \" + e.Err.Error() }\n" +
			"func (e *QErr) Unwrap() error { return e.Err }\n" +
			"type TwoErr struct{ A, B string }\nfunc (e TwoErr) Error() string { return e.A + e.B }\n" +
			"type IsErr struct{ s string }\nfunc (e IsErr) Error() string { return e.s }\nfunc (e IsErr) Is(t error) bool { return t == fs.ErrPermission }\n" +
			"func find(name string) error { return fmt.Errorf(\"find %s: %w\", name, &QErr{\"db\", VErr{404}}) }", ""},
		// errors.As through fmt.Errorf's %w, value and pointer receivers.
		{"var pe *PErr\nfmt.Println(errors.As(fmt.Errorf(\"w: %w\", &PErr{\"k\"}), &pe), pe.Msg)", "true k"},
		{"var te TwoErr\nfmt.Println(errors.As(fmt.Errorf(\"%d: %w\", 1, TwoErr{\"a\", \"b\"}), &te), te.A, te.B)", "true a b"},
		// Through a cell type's own Unwrap, two levels deep.
		{"err := find(\"x\")\nvar ve VErr\nvar qe *QErr\nfmt.Println(err)\n" +
			"fmt.Println(errors.As(err, &ve), ve.Code, errors.As(err, &qe), qe.Q, errors.Is(err, VErr{404}), errors.Is(err, VErr{1}))",
			"find x: db: verr 404\ntrue 404 true db true false"},
		// errors.Join.
		{"j := errors.Join(errors.New(\"x\"), nil, TwoErr{\"c\", \"d\"})\nvar te2 TwoErr\nfmt.Println(j)\nfmt.Println(errors.As(j, &te2), te2.B, errors.Is(j, TwoErr{\"c\", \"d\"}))",
			"x\ncd\ntrue d true"},
		// An Is method, on a top-level var of type error (yaegi kept the
		// struct unconverted and compiled code failed on it).
		{"var perm error = IsErr{\"an error\"}\nfmt.Println(perm == fs.ErrPermission, errors.Is(perm, fs.ErrPermission))", "false true"},
		// No match: false, not a panic.
		{"var pe2 *PErr\nfmt.Println(errors.As(errors.New(\"plain\"), &pe2), pe2 == nil)", "false true"},
	})
}

func TestAsTypeAndIterPullThroughRealKernel(t *testing.T) {
	runPrints(t, []struct{ code, want string }{
		{`import ("errors"; "fmt"; "io/fs"; "iter"; "maps"; "os"; "slices")`, ""},
		{"type PErr struct{ Msg string }\nfunc (e *PErr) Error() string { return \"perr \" + e.Msg }", ""},
		// errors.AsType (Go 1.26), the standard library's own example.
		{"if _, err := os.Open(\"non-existing\"); err != nil {\n\tif pathError, ok := errors.AsType[*fs.PathError](err); ok {\n" +
			"\t\tfmt.Println(\"Failed at path:\", pathError.Path)\n\t} else {\n\t\tfmt.Println(err)\n\t}\n}", "Failed at path: non-existing"},
		{"pe, ok := errors.AsType[*PErr](fmt.Errorf(\"x: %w\", &PErr{\"m\"}))\nfmt.Println(pe.Msg, ok)\n" +
			"pe2, ok2 := errors.AsType[*PErr](errors.New(\"no\"))\nfmt.Println(pe2 == nil, ok2)", "m true\ntrue false"},
		// iter.Pull to the end, then stop.
		{"next, stop := iter.Pull(slices.Values([]int{1, 2, 3}))\nfor {\n\tv, ok := next()\n\tif !ok {\n\t\tbreak\n\t}\n\tfmt.Println(v)\n}\nstop()", "1\n2\n3"},
		// stop ends an endless iterator: its yield returns false.
		{"func count(yield func(int) bool) {\n\tfor i := 0; ; i++ {\n\t\tif !yield(i) {\n\t\t\tfmt.Println(\"stopped at\", i)\n\t\t\treturn\n\t\t}\n\t}\n}", ""},
		{"n2, s2 := iter.Pull(count)\na, _ := n2()\nb, _ := n2()\nfmt.Println(a, b)\ns2()\n_, ok3 := n2()\nfmt.Println(ok3)", "0 1\nstopped at 1\nfalse"},
		{"n3, s3 := iter.Pull2(maps.All(map[string]int{\"a\": 1}))\nk, v, ok4 := n3()\nfmt.Println(k, v, ok4)\n_, _, ok5 := n3()\nfmt.Println(ok5)\ns3()", "a 1 true\nfalse"},
	})
}

func TestGenericsThroughRealKernel(t *testing.T) {
	runPrints(t, []struct{ code, want string }{
		{`import "fmt"`, ""},
		// Generic types and methods.
		{"type Stack[T any] struct{ items []T }\nfunc (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }\n" +
			"func (s *Stack[T]) Pop() T { v := s.items[len(s.items)-1]; s.items = s.items[:len(s.items)-1]; return v }\n" +
			"func (s *Stack[T]) Len() int { return len(s.items) }", ""},
		{"s := &Stack[int]{}\ns.Push(1)\ns.Push(2)\nfmt.Println(s.Pop(), s.Len())\nvar s2 Stack[string]\ns2.Push(\"a\")\nfmt.Println(s2.Len(), s2.Pop())", "2 1\n1 a"},
		// Type arguments inferred from function literals.
		{"func Map[T, U any](xs []T, f func(T) U) []U { var r []U; for _, x := range xs { r = append(r, f(x)) }; return r }\n" +
			"func Reduce[T, A any](xs []T, init A, f func(A, T) A) A { a := init; for _, x := range xs { a = f(a, x) }; return a }", ""},
		{"fmt.Println(Map([]int{1, 2}, func(i int) string { return fmt.Sprint(i * 10) }))\n" +
			"xs := []int{1, 2, 3, 4}\nfmt.Println(Reduce(xs, 0, func(a, x int) int { return a + x }))", "[10 20]\n10"},
		// Variadic generic functions called with untyped constants (they
		// failed with "undefined type for T").
		{"type Number interface{ ~int | ~float64 }", ""},
		{"func Sum[T Number](xs ...T) T { var s T; for _, x := range xs { s += x }; return s }\n" +
			"func Max[T Number](first T, rest ...T) T { m := first; for _, x := range rest { if x > m { m = x } }; return m }", ""},
		{"fmt.Println(Sum(1, 2, 3), Sum(1.5, 2.5), Sum(1, 2.5), Sum(-1, -2))\nfmt.Println(Max(3, 9, 2), Max(1.5))", "6 4 3.5 -3\n9 1.5"},
	})
}

// fmt does not call the String method of a generic cell type: printing a
// value of it is refused, naming the method (it printed the bare fields).
func TestGenericStringMethodIsRefusedNotIgnored(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import "fmt"`)
	mustRun(t, k, "type Pair[K comparable, V any] struct{ Key K; Val V }\nfunc (p Pair[K, V]) String() string { return fmt.Sprintf(\"%v=%v\", p.Key, p.Val) }")
	if got := strings.TrimSpace(mustRun(t, k, "p := Pair[string, int]{\"a\", 1}\nfmt.Println(p.String())").stream("stdout")); got != "a=1" {
		t.Errorf("p.String() printed %q, want a=1", got)
	}
	for _, code := range []string{"fmt.Println(p)", "fmt.Println([]Pair[string, int]{p})", "fmt.Printf(\"%v\\n\", p)"} {
		e := failCell(t, execute(t, k, code))
		if text := e.EValue; !strings.Contains(text, "String method of Pair[string,int]") {
			t.Errorf("%s: error %q does not name the String method of Pair[string,int]", code, text)
		}
	}
}

// A type assertion or switch on an error holding a value-receiver cell
// struct: yaegi's wrapper held the struct's last field, so v, ok :=
// err.(VErr) was false (silently) and the switch took the default branch.
func TestTypeAssertionOnCellErrorThroughRealKernel(t *testing.T) {
	runPrints(t, []struct{ code, want string }{
		{`import "fmt"`, ""},
		{"type VErr struct{ Code int; S string }\nfunc (e VErr) Error() string { return fmt.Sprint(\"verr \", e.Code) }\n" +
			"func mkv() error { return VErr{5, \"a\"} }", ""},
		{"func f() {\n\terr := mkv()\n\tv, ok := err.(VErr)\n\tfmt.Println(v.Code, v.S, ok)\n" +
			"\tswitch x := err.(type) {\n\tcase VErr:\n\t\tfmt.Println(\"VErr\", x.Code, x.S)\n\tdefault:\n\t\tfmt.Println(\"default\")\n\t}\n" +
			"\tif e, ok := err.(VErr); ok {\n\t\tfmt.Println(e.S)\n\t}\n}", ""},
		{"f()", "5 a true\nVErr 5 a\na"},
	})
}
