package engine

import (
	"strings"
	"testing"
)

// Each expected output is what compiled Go (1.26, go run) printed for the
// same code.
func TestSilentlyWrongLoopsAndSwitches(t *testing.T) {
	h := newHarness(t)
	h.run("import \"reflect\"")
	for _, c := range []struct{ code, want string }{
		// A switch whose init statement defines (and shadows) the switched
		// value took the default branch.
		{"func kinds(xs []any) {\n\tfor _, v := range xs {\n\t\tswitch v := reflect.ValueOf(v); v.Kind() {\n\t\tcase reflect.Int:\n\t\t\tfmt.Println(\"int\", v.Int())\n\t\tcase reflect.String:\n\t\t\tfmt.Println(\"string\", v.String())\n\t\tdefault:\n\t\t\tfmt.Println(\"other\", v.Kind())\n\t\t}\n\t}\n}\nkinds([]any{1, \"a\", 2.5})",
			"int 1\nstring a\nother float64"},
		{"func k(v any) string {\nL:\n\tswitch w := reflect.ValueOf(v); w.Kind() {\n\tcase reflect.Int:\n\t\tif w.Int() > 1 {\n\t\t\tbreak L\n\t\t}\n\t\treturn \"small\"\n\t}\n\treturn \"big or not int\"\n}\nfmt.Println(k(1), k(5))",
			"small big or not int"},
		// &v of a range variable: one variable per iteration (Go 1.22).
		{"var ps []*int\nfor _, v := range []int{1, 2, 3} { ps = append(ps, &v) }\nfmt.Println(*ps[0], *ps[1], *ps[2])", "1 2 3"},
		{"func ptrs() []*int { var ps []*int; for _, v := range []int{1, 2, 3} { ps = append(ps, &v) }; return ps }\nq := ptrs()\nfmt.Println(*q[0], *q[1], *q[2])", "1 2 3"},
		{"var is []*int\nfor i := 0; i < 3; i++ { is = append(is, &i) }\nfmt.Println(*is[0], *is[1], *is[2])", "0 1 2"},
		{"type T struct{ A int }\nvar fs []*int\nfor _, t := range []T{{1}, {2}} { fs = append(fs, &t.A) }\nfmt.Println(*fs[0], *fs[1])", "1 2"},
	} {
		h.out.Reset()
		h.run(c.code)
		if got := strings.TrimSuffix(h.out.String(), "\n"); got != c.want {
			t.Errorf("cell:\n%s\ngot  %q\nwant %q", c.code, got, c.want)
		}
	}
}
