package programs_test

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
)

// A value type that satisfies several compiled interfaces, asserted back
// from each; a pointer type; a cell interface sent over channels.

type Token struct {
	text string
	pos  int
}

func (t Token) Read(p []byte) (int, error) { return 0, io.EOF }
func (t Token) String() string             { return "tok:" + t.text }
func (t Token) Len() int                   { return 0 }
func (t Token) Less(i, j int) bool         { return false }
func (t Token) Swap(i, j int)              {}

type Buffer struct{ name string }

func (b *Buffer) Read(p []byte) (int, error) { return 0, io.EOF }

type Areaer interface{ Area() float64 }

type Square struct{ W float64 }

func (s Square) Area() float64 { return s.W * s.W }

func describeReader(r io.Reader) string {
	switch v := r.(type) {
	case Token:
		return "Token " + v.text
	case *Buffer:
		return "Buffer " + v.name
	}
	return "other"
}

func sendSquare(out chan<- Areaer, w float64) { out <- Square{w} }

func Example_compiledInterfaces() {
	var r io.Reader = Token{"a", 1}
	v, ok := r.(Token)
	fmt.Println(v.text, v.pos, ok)
	var st fmt.Stringer = Token{"b", 2}
	w, ok := st.(Token)
	fmt.Println(w.text, ok, st.(Token).pos)
	var si sort.Interface = Token{"c", 3}
	_, isToken := si.(Token)
	fmt.Println(isToken)
	fmt.Println(describeReader(Token{"d", 4}), describeReader(&Buffer{"e"}), describeReader(strings.NewReader("x")))
	_, isBuffer := r.(*Buffer)
	fmt.Println(isBuffer)

	readers := make(chan io.Reader, 3)
	x := Token{"f", 5}
	readers <- x
	readers <- nil
	select {
	case readers <- Token{fmt.Sprint("g", 6), 6 + 1}:
	}
	first := <-readers
	fmt.Println(first.(Token).text, <-readers == nil, (<-readers).(Token).pos)

	shapes := make(chan Areaer, 3)
	for i := 0; i < 3; i++ {
		shapes <- Square{float64(i)}
	}
	close(shapes)
	for s := range shapes {
		fmt.Print(s.Area(), ";")
	}
	fmt.Println()
	out := make(chan Areaer, 2)
	sendSquare(out, 1)
	sendSquare(out, 3)
	fmt.Println((<-out).Area(), (<-out).Area())

	floats := make(chan float64, 2)
	floats <- 1
	select {
	case floats <- 2:
	}
	fmt.Println(<-floats, <-floats)
	tokens := make(chan Token, 3)
	for i := 0; i < 3; i++ {
		select {
		case tokens <- Token{fmt.Sprint(i), i + 1}:
		}
	}
	for i := 0; i < 3; i++ {
		t := <-tokens
		fmt.Print(t.text, t.pos)
	}
	fmt.Println()
	// Output:
	// a 1 true
	// b true 2
	// true
	// Token d Buffer e other
	// false
	// f true 7
	// 0;1;4;
	// 1 9
	// 1 2
	// 011223
}

func Example_genericLibrary() {
	names := []string{"bob", "Bob", "al", "AL", "bob"}
	names = slices.CompactFunc(names, strings.EqualFold)
	fmt.Println(names)
	fmt.Println(slices.EqualFunc([]int{1, 2}, []string{"1", "2"}, func(a int, b string) bool { return fmt.Sprint(a) == b }))
	fmt.Println(slices.CompareFunc([]string{"a"}, []string{"A", "b"}, strings.Compare), slices.CompareFunc([]int{1}, []int{1, 2}, cmp.Compare[int]))
	xs := []int{0, 1, 2, 3, 4}
	fmt.Println(slices.Replace(xs, 1, 3, 7), xs)
	fmt.Println(slices.Replace([]int{0, 1, 2}, 1, 2, 7, 8, 9))
	m := map[string][]int{"a": {1}}
	fmt.Println(maps.EqualFunc(m, map[string][]int{"a": {2}}, func(x, y []int) bool { return len(x) == len(y) }))
	fmt.Println(maps.EqualFunc(map[string]string{"a": "X"}, map[string]string{"a": "x"}, strings.EqualFold))
	name := ""
	fmt.Println(cmp.Or(name, "none"), cmp.Or(0, 0, 3))
	calls := 0
	once := sync.OnceValues(func() (int, error) { calls++; return 4, nil })
	once()
	n, err := once()
	fmt.Println(n, err, calls)
	fs := []float64{3, 1, 2}
	fmt.Println(slices.Index(fs, 2))
	// Output:
	// [bob al bob]
	// true
	// 1 -1
	// [0 7 3 4] [0 7 3 4 0]
	// [0 7 8 9 2]
	// true
	// true
	// none 3
	// 4 <nil> 1
	// 2
}
