package engine

import (
	"strings"
	"testing"
)

// Range over function iterators (Go 1.23) with break, continue, return and
// labels, and slices.Collect of a cell's iterator (it printed a function
// address). Each expected output is what compiled Go printed (go run).
func TestRangeOverFunc(t *testing.T) {
	h := newHarness(t)
	h.run("func count(n int) func(func(int) bool) {\n\treturn func(yield func(int) bool) {\n\t\tfor i := 0; i < n; i++ {\n\t\t\tif !yield(i) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}\n" +
		"func pairs(m []string) func(func(int, string) bool) {\n\treturn func(yield func(int, string) bool) {\n\t\tfor i, s := range m {\n\t\t\tif !yield(i, s) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}")
	for _, c := range []struct{ code, want string }{
		{"for x := range count(3) { fmt.Print(x, \" \") }\nfmt.Println()", "0 1 2 "},
		{"for range count(2) { fmt.Println(\"tick\") }", "tick\ntick"},
		{"func find(xs []string, want string) (int, bool) {\n\tfor i, s := range pairs(xs) {\n\t\tif s == want {\n\t\t\treturn i, true\n\t\t}\n\t}\n\treturn -1, false\n}\nfmt.Println(find([]string{\"a\", \"b\", \"c\"}, \"b\"))\nfmt.Println(find([]string{\"a\"}, \"z\"))",
			"1 true\n-1 false"},
		{"total := 0\nouter:\nfor i := range count(4) {\n\tfor j := range count(4) {\n\t\tif j > i {\n\t\t\tcontinue outer\n\t\t}\n\t\tif i == 3 {\n\t\t\tbreak outer\n\t\t}\n\t\tif j == 2 {\n\t\t\tbreak\n\t\t}\n\t\ttotal += 10*i + j\n\t}\n}\nfmt.Println(total)",
			"62"},
		{"it := count(5)\ns := 0\nfor v := range it {\n\tif v%2 == 0 {\n\t\tcontinue\n\t}\n\ts += v\n}\nfmt.Println(s)", "4"},
		{"func firstPair(n int) (int, int) {\n\tfor i := range count(n) {\n\t\tfor j := range count(n) {\n\t\t\tif i*j == 6 {\n\t\t\t\treturn i, j\n\t\t\t}\n\t\t}\n\t}\n\treturn -1, -1\n}\nfmt.Println(firstPair(5))", "2 3"},
		{"func named(n int) (r int) {\n\tfor i := range count(n) {\n\t\tr += i\n\t\tif r > 3 {\n\t\t\treturn\n\t\t}\n\t}\n\treturn -100\n}\nfmt.Println(named(10), named(2))", "6 -100"},
		{"var k int\nvar w string\nfor k, w = range pairs([]string{\"x\", \"y\"}) {\n}\nfmt.Println(k, w)", "1 y"},
		{"fmt.Println(slices.Collect(count(3)), len(slices.Collect(count(0))))", "[0 1 2] 0"},
		{"evens := func(yield func(int) bool) {\n\tfor i := 0; i < 10; i += 2 {\n\t\tif !yield(i) {\n\t\t\treturn\n\t\t}\n\t}\n}\nfor v := range evens {\n\tif v > 4 {\n\t\tbreak\n\t}\n\tfmt.Print(v)\n}\nfmt.Println()", "024"},
	} {
		h.out.Reset()
		h.run(c.code)
		if got := strings.TrimSuffix(h.out.String(), "\n"); got != c.want {
			t.Errorf("cell:\n%s\ngot  %q\nwant %q", c.code, got, c.want)
		}
	}
}
