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
		{"import \"math/rand/v2\"\nfmt.Println(rand.N(10))", "rand.N is a generic function, which the interpreter cannot call from a cell"},
		{"import \"reflect\"\nreflect.TypeFor[int]()", "reflect.TypeFor is a generic function"},
		// As a definition's value, in packages Go added after yaegi's
		// tables, and generic types (these said "undefined").
		{"n := rand.N(10)", "rand.N is a generic function"},
		{"import (\n\t\"crypto/hkdf\"\n\t\"crypto/sha256\"\n)\nk, err := hkdf.Key(sha256.New, []byte(\"s\"), nil, \"i\", 16)", "hkdf.Key is a generic function"},
		{"import \"unique\"\nh := unique.Make(\"x\")", "unique.Make is a generic function"},
		{"import \"sync/atomic\"\nvar p atomic.Pointer[int]", "atomic.Pointer is a generic type, which the interpreter cannot instantiate from a cell"},
		{"type W struct{ p atomic.Pointer[string] }", "atomic.Pointer is a generic type"},
	} {
		e := h.fail(c.code)
		if !strings.Contains(e.Message, c.want) || e.Line == 0 {
			t.Errorf("cell %q: %d %q, want a line and %q", c.code, e.Line, e.Message, c.want)
		}
	}
}

// Generic functions of slices and maps through the interpreted shims, as
// compiled Go prints them (go run).
func TestSlicesAndMapsShims(t *testing.T) {
	h := newHarness(t)
	h.out.Reset()
	h.run(`xs := []int{3, 1, 2, 2}
fmt.Println(slices.Equal(xs, []int{3, 1, 2, 2}), slices.Compare(xs, []int{3}), slices.IndexFunc(xs, func(v int) bool { return v < 2 }))
fmt.Println(slices.Insert(xs, 1, 9, 8), slices.Compact([]int{1, 1, 2, 2, 1}), slices.Repeat([]string{"a"}, 3))
fmt.Println(slices.BinarySearch([]int{1, 3, 5}, 3))
for i, v := range slices.All([]string{"a", "b"}) { fmt.Print(i, v, " ") }
for i, v := range slices.Backward(xs) { fmt.Print(i, v, " ") }
fmt.Println()
m := map[string]int{"a": 1}
m2 := maps.Clone(m)
m2["b"] = 2
fmt.Println(len(m), len(m2), maps.Equal(m, m2))
for k, v := range maps.All(m) { fmt.Println(k, v) }
ys := make([]int, 2, 5)
zs := slices.Insert(ys, 1, 7)
fmt.Println(zs, ys[:3])`)
	want := "true 1 1\n[3 9 8 1 2 2] [1 2 1] [a a a]\n1 true\n0a 1b 3 2 2 2 1 1 0 3 \n1 2 false\na 1\n[0 7 0] [0 7 0]\n"
	if got := h.out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// Iterator-taking shims and sync.OnceValue (expected output from go run).
func TestIteratorShims(t *testing.T) {
	h := newHarness(t)
	h.out.Reset()
	h.run(`m := map[string]int{"b": 2, "a": 1}
fmt.Println(slices.Sorted(maps.Keys(m)))
for c := range slices.Chunk([]int{1, 2, 3, 4, 5}, 2) { fmt.Print(c) }
c1 := []int{1}
fmt.Println(slices.Concat(c1, []int{2, 3}), slices.SortedFunc(slices.Values([]int{3, 1, 2}), func(a, b int) int { return b - a }))
m2 := maps.Collect(slices.All([]string{"x", "y"}))
fmt.Println(m2)
get := sync.OnceValue(func() int { fmt.Println("once"); return 7 })
fmt.Println(get(), get())
fmt.Println(slices.Sorted(slices.Values([]string{"b", "a"})), slices.AppendSeq([]int{0}, slices.Values([]int{1, 2})))`)
	want := "[a b]\n[1 2][3 4][5][1 2 3] [3 2 1]\nmap[0:x 1:y]\nonce\n7 7\n[a b] [0 1 2]\n"
	if got := h.out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Over values of slice and map types the cell declares (slices'
	// ExampleChunk): a chunk has the slice's own type.
	h.out.Reset()
	h.run(`type Person struct {
	Name string
	Age  int
}
type People []Person
type Ages map[string]int
people := People{{"Gopher", 13}, {"Alice", 20}, {"Bob", 5}}
for c := range slices.Chunk(people, 2) {
	fmt.Printf("%T %v\n", c, c)
}
ages := Ages{"a": 1}
for k, v := range maps.All(ages) {
	fmt.Println(k, v)
}`)
	want = "main.People [{Gopher 13} {Alice 20}]\nmain.People [{Bob 5}]\na 1\n"
	if got := h.out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Over variables of earlier cells and conversions (they fell to
	// yaegi's "nil type").
	h.out.Reset()
	h.run(`for i, p := range slices.All(people) {
	fmt.Print(i, p.Name, " ")
}
for p := range slices.Values([]Person(people)) {
	fmt.Print(p.Age, " ")
}
for k, v := range maps.All(ages) {
	fmt.Println(k, v)
}`)
	want = "0Gopher 1Alice 2Bob 13 20 5 a 1\n"
	if got := h.out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
