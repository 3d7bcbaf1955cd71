package engine

import (
	"strings"
	"testing"
)

// What Go 1.23-1.26 added to the standard library reaches cells through the
// tables extracted with the Go that builds gopad (kernel/symbols/stdsyms).
// Expected outputs are compiled Go's (go run).
func TestGo126StandardLibrary(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ code, want string }{
		{"for part := range strings.SplitSeq(\"a,b,c\", \",\") {\n\tfmt.Print(part, \";\")\n}\nfmt.Println()", "a;b;c;"},
		{"for f := range strings.FieldsSeq(\" p  q \") {\n\tfmt.Print(f)\n}\nfmt.Println(slices.Collect(strings.SplitSeq(\"1-2\", \"-\")))", "pq[1 2]"},
		{"for line := range bytes.Lines([]byte(\"x\\ny\\n\")) {\n\tfmt.Printf(\"%q \", line)\n}\nfmt.Println()", "\"x\\n\" \"y\\n\" "},
		{"import \"crypto/sha3\"\nfmt.Printf(\"%x\\n\", sha3.Sum256([]byte(\"abc\"))[:4])", "3a985da7"},
	} {
		h.out.Reset()
		h.run(c.code)
		if got := strings.TrimSuffix(h.out.String(), "\n"); got != c.want {
			t.Errorf("cell:\n%s\ngot  %q\nwant %q", c.code, got, c.want)
		}
	}
}

// A generic library function without a shim is named as such, with the
// ones gopad provides, instead of "undefined" or yaegi's "nil type".
func TestGenericLibraryFunctionsNamed(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ code, want string }{
		{"xs := slices.Insert([]int{1, 3}, 1, 2)", "slices.Insert is a generic function, which the interpreter cannot call from a cell (gopad provides slices.Collect"},
		{"import \"reflect\"\nreflect.TypeFor[int]()", "reflect.TypeFor is a generic function"},
	} {
		e := h.fail(c.code)
		if !strings.Contains(e.Message, c.want) || e.Line == 0 {
			t.Errorf("cell %q: %d %q, want a line and %q", c.code, e.Line, e.Message, c.want)
		}
	}
}
