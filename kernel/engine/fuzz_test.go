package engine

import "testing"

// FuzzPrepare checks that no cell text makes the front-end panic. Run longer
// with: go test ./kernel/engine/ -run XXX -fuzz FuzzPrepare -fuzztime 60s
func FuzzPrepare(f *testing.F) {
	for _, seed := range []string{
		"x := 1", "x + 1", "import \"fmt\"\nfmt.Println(1)", "func f() {}\nf()",
		"for i := range 10 { _ = i }", "v, ok := m[\"a\"]", "type T struct{}\nfunc (T) M() {}\nT.M",
		"select {}", "ch <- 1", "<-ch", "L:\nfor {}", "min(1, 2.5)", "slices.Sorted(maps.Keys(m))",
		"switch x := a.(type) {}", "package main\nfunc main() {}", "func(){}()", "var (\na = 1\n)",
		"if x := 1; x > 0 {} else if y := 2; y > 1 {}", "`raw\nstring`", "/* unterminated",
		"for v := range ch { _ = v }", "new(42)", "x, y := <-c, 1", "a, b := 1",
	} {
		f.Add(seed)
	}
	e, err := New(Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, code string) {
		e.seq++
		if _, perr := e.prepare(code); perr != nil && perr.Kind == "" {
			t.Fatalf("error without a kind: %+v", perr)
		}
	})
}
