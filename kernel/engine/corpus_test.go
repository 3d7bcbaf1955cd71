package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// corpusCell is one cell of a corpus session and what compiled Go would make
// of it.
type corpusCell struct {
	code string
	out  string // expected stdout, exactly
	val  string // expected result printed with %v; "" means no result
	err  string // "Kind: text": the cell must fail with that kind and message text
}

// v expects a result and no output; o expects output and no result; ov both.
func v(code, val string) corpusCell       { return corpusCell{code: code, val: val} }
func o(code, out string) corpusCell       { return corpusCell{code: code, out: out} }
func ov(code, out, val string) corpusCell { return corpusCell{code: code, out: out, val: val} }
func fails(code, err string) corpusCell   { return corpusCell{code: code, err: err} }

// corpus holds notebook sessions written the way people type cells, each run
// in a fresh engine, cell after cell.
var corpus = []struct {
	name  string
	cells []corpusCell
}{
	{"words", []corpusCell{
		o("import \"strings\"\nwords := strings.Fields(\"the quick brown fox jumps over the lazy dog\")", ""),
		o("counts := map[string]int{}\nfor _, w := range words { counts[w]++ }", ""),
		v(`counts["the"]`, "2"),
		o("keys := make([]string, 0, len(counts))\nfor k := range counts { keys = append(keys, k) }\nsort.Strings(keys)\nfmt.Println(keys[0], keys[len(keys)-1])", "brown the\n"),
		o("first := words[0]\nupper := strings.ToUpper(first)\nfmt.Printf(\"%s -> %q\\n\", first, upper)", "the -> \"THE\"\n"),
		v("longest := \"\"\nfor _, w := range words {\n\tif len(w) > len(longest) {\n\t\tlongest = w\n\t}\n}\nlongest", "quick"),
		v("last := words[len(words)-1]\nlast", "dog"),
		v("pair := words[1] + \"/\" + words[2]\npair", "quick/brown"),
		v("var third = words[3]\nthird", "fox"),
	}},
	{"strconv and errors", []corpusCell{
		v("n, err := strconv.Atoi(\"123\")\nif err != nil {\n\tfmt.Println(\"error:\", err)\n}\nn * 2", "246"),
		o("_, err = strconv.Atoi(\"abc\")\nif err != nil {\n\tfmt.Println(\"error:\", err)\n}", "error: strconv.Atoi: parsing \"abc\": invalid syntax\n"),
		v("f, _ := strconv.ParseFloat(\"3.25\", 64)\nf", "3.25"),
		v("s := strconv.Itoa(42) + strconv.FormatFloat(1.5, 'f', 2, 64)\ns", "421.50"),
		o("b, err := strconv.ParseBool(\"true\")\nfmt.Println(b, err)", "true <nil>\n"),
		v("nums := strings.Split(\"4,5,6\", \",\")\nx, _ := strconv.Atoi(nums[1])\nx", "5"),
		v("q := strconv.Quote(nums[2])\nq", `"6"`),
	}},
	{"structs and sort", []corpusCell{
		o("type Point struct{ X, Y float64 }\nfunc (p Point) Norm() float64 { return math.Sqrt(p.X*p.X + p.Y*p.Y) }\npts := []Point{{3, 4}, {1, 0}, {0, 2}}", ""),
		o("sort.Slice(pts, func(i, j int) bool { return pts[i].Norm() < pts[j].Norm() })\nfmt.Println(pts)", "[{1 0} {0 2} {3 4}]\n"),
		v("p0 := pts[0]\np0.Norm()", "1"),
		v("byName := map[string][]Point{\"a\": pts[:2], \"b\": pts[2:]}\nlen(byName[\"a\"]) + len(byName[\"b\"])", "3"),
		o("fmt.Printf(\"%v %+v %.2f\\n\", pts[2], pts[2], pts[2].Norm())", "{3 4} {X:3 Y:4} 5.00\n"),
		o("pp := &pts[1]\npp.X = 9\nfmt.Printf(\"%v %T\\n\", pts[1], pp.X)", "{9 2} float64\n"),
		o("fmt.Printf(\"%v\\n\", &Point{1, 2})", "&{1 2}\n"),
	}},
	{"tensors", []corpusCell{
		o("t := ml.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)\nshape := t.Shape()\nfmt.Println(shape, t.Len())", "[2 3] 6\n"),
		v("rows, cols := shape[0], shape[1]\nrows * cols", "6"),
		v("d := t.Data()\nsum := float32(0)\nfor _, v := range d { sum += v }\nsum", "21"),
		v("v := t.At(1, 2)\nv", "6"),
		v("tt := t.T()\ntt.Shape()", "[3 2]"),
		v("m := t.MatMul(tt)\nm.Shape()[0]", "2"),
		v("d0 := t.Shape()[0]\nd1 := t.Data()[1]\nfloat32(d0) + d1", "4"),
		v("shapeOf := t.Shape\nshapeOf()", "[2 3]"),
		v("ts := map[string]*ml.Tensor{\"w\": t}\nw := ts[\"w\"]\nw.Len()", "6"),
		v("r := t.Reshape(6, 1).Shape()[0]\nr", "6"),
		v("x := float64(t.At(1, 1)) / 2\nx", "2.5"),
		v("ones := ml.Full(1, 2, 2)\ns := ones.Sum().Item()\ns", "4"),
	}},
	{"datasets", []corpusCell{
		o("ds := ml.Iris()\nn := ds.Len()\nfeats := ds.Features()\nfmt.Println(n, feats, ds.Classes())", "150 4 3\n"),
		v("train, test := ds.Split(0.8, 1)\ntrain.Len() + test.Len()", "150"),
		v("names := ds.ClassNames\nnames[0]", "setosa"),
		v("labels := ds.Labels()\nfirst := labels[0]\nfirst >= 0", "true"),
		v("counts := ds.ClassCounts()\ntotal := 0\nfor _, c := range counts { total += c }\ntotal", "150"),
		v("firstName := ds.FeatureNames[0]\nlen(firstName) > 0", "true"),
		v("batch := ds.Slice(0, 10)\nbx := batch.X.Shape()\nbx[0]", "10"),
	}},
	{"history", []corpusCell{
		o("h := ml.History{Epochs: []ml.EpochStats{{Epoch: 1, Loss: 0.9}, {Epoch: 2, Loss: 0.5}, {Epoch: 3, Loss: 0.2}}}", ""),
		o("last := h.Epochs[len(h.Epochs)-1]\nfmt.Printf(\"epoch %d loss %.2f\\n\", last.Epoch, last.Loss)", "epoch 3 loss 0.20\n"),
		v("losses := []float64{}\nfor _, e := range h.Epochs { losses = append(losses, e.Loss) }\nlosses", "[0.9 0.5 0.2]"),
		v("best := h.Epochs[0]\nfor _, e := range h.Epochs[1:] {\n\tif e.Loss < best.Loss {\n\t\tbest = e\n\t}\n}\nbest.Epoch", "3"),
		o("for i, e := range h.Epochs {\n\tif i == 1 { continue }\n\tfmt.Println(i, e.Epoch)\n}", "0 1\n2 3\n"),
		v("y := h.Epochs[0].Loss\ny", "0.9"),
		o("for _, e := range h.Epochs { _ = e.Loss }", ""),
		v("delta := h.Epochs[0].Loss - h.Epochs[2].Loss\nmath.Round(delta*10) / 10", "0.7"),
		v("ep := &h.Epochs[1]\nep.Loss = 0.4\nh.Epochs[1].Loss", "0.4"),
		v("cfg := ml.FitConfig{Epochs: 3, BatchSize: 8}\nepochs := cfg.Epochs\nepochs * cfg.BatchSize", "24"),
		o("type Run struct {\n\tCfg  ml.FitConfig\n\tHist ml.History\n}\nrun := Run{Cfg: ml.FitConfig{Epochs: 2}, Hist: h}", ""),
		v("l := run.Hist.Epochs[0].Loss\nl + float64(run.Cfg.Epochs)", "2.9"),
		v("runs := []Run{run}\nrl := runs[0].Hist.Epochs[2].Epoch\nrl", "3"),
	}},
	{"interfaces", []corpusCell{
		o("type Animal interface{ Sound() string }\ntype Dog struct{ Name string }\nfunc (d Dog) Sound() string { return d.Name + \" says woof\" }\ntype Cat struct{ Name string }\nfunc (c *Cat) Sound() string { return c.Name + \" says meow\" }", ""),
		o("zoo := []Animal{Dog{\"rex\"}, &Cat{\"tom\"}}\nfor _, a := range zoo { fmt.Println(a.Sound()) }", "rex says woof\ntom says meow\n"),
		v("a0 := zoo[0]\na0.Sound()", "rex says woof"),
		o("switch v := zoo[1].(type) {\ncase Dog:\n\tfmt.Println(\"dog\", v.Name)\ncase *Cat:\n\tfmt.Println(\"cat\", v.Name)\n}", "cat tom\n"),
		o("d, ok := zoo[0].(Dog)\nfmt.Println(d.Name, ok)", "rex true\n"),
		o("type Shape interface { Area() float64; Perimeter() float64 }\ntype Rect struct{ W, H float64 }\nfunc (r Rect) Area() float64 { return r.W * r.H }\nfunc (r Rect) Perimeter() float64 { return 2 * (r.W + r.H) }\nvar sh Shape = Rect{2, 3}\nfmt.Printf(\"%.1f %.1f\\n\", sh.Area(), sh.Perimeter())", "6.0 10.0\n"),
	}},
	{"generics", []corpusCell{
		o("type Stack[T any] struct{ items []T }\nfunc (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }\nfunc (s *Stack[T]) Pop() T { v := s.items[len(s.items)-1]; s.items = s.items[:len(s.items)-1]; return v }", ""),
		v("s := &Stack[int]{}\ns.Push(1); s.Push(2); s.Push(3)\ns.Pop()", "3"),
		o("func Map[T, U any](xs []T, f func(T) U) []U {\n\tout := make([]U, 0, len(xs))\n\tfor _, x := range xs { out = append(out, f(x)) }\n\treturn out\n}", ""),
		v("sq := Map([]int{1, 2, 3}, func(x int) int { return x * x })\nsq", "[1 4 9]"),
		v("strs := Map[int, string]([]int{1, 2}, func(x int) string { return strconv.Itoa(x) + \"!\" })\nstrings.Join(strs, \",\")", "1!,2!"),
		v("strs2 := Map([]int{1, 2}, func(x int) string { return strconv.Itoa(x) })\nstrs2", "[1 2]"),
		v("fs := []float64{1.5, 2}\nMap(fs, func(f float64) int { return int(f * 2) })", "[3 4]"),
		v("func Sum[T int | float64](xs []T) T { var s T; for _, x := range xs { s += x }; return s }\nSum([]float64{1.5, 2.5})", "4"),
		v("total := Sum([]int{1, 2, 3})\ntotal * 2", "12"),
		v("hi := max(3, 7, 5)\nlo := min(2.5, 1)\nfmt.Sprint(hi, lo)", "7 1"),
	}},
	{"constants", []corpusCell{
		o("const (\n\tRed = iota\n\tGreen\n\tBlue\n)\nfmt.Println(Red, Green, Blue)", "0 1 2\n"),
		o("type Weekday int\nconst (\n\tSunday Weekday = iota\n\tMonday\n\tTuesday\n)\nfunc (d Weekday) String() string { return [...]string{\"Sun\", \"Mon\", \"Tue\"}[d] }\nfmt.Println(Monday, Tuesday)", "Mon Tue\n"),
		v("fmt.Sprintf(\"%v|%s\", Tuesday, Sunday)", "Tue|Sun"),
		v("const KB = 1 << (10 * (iota + 1))\nKB", "1024"),
		v("const Pi2 = math.Pi * 2\nint(Pi2 * 100)", "628"),
	}},
	{"control flow", []corpusCell{
		o("outer:\nfor i := 0; i < 3; i++ {\n\tfor j := 0; j < 3; j++ {\n\t\tif j == 2 { continue outer }\n\t\tif i == 2 { break outer }\n\t\tfmt.Print(i, j, \" \")\n\t}\n}\nfmt.Println()", "0 0 0 1 1 0 1 1 \n"),
		o("switch x := 2; x {\ncase 1:\n\tfmt.Println(\"one\")\ncase 2:\n\tfmt.Println(\"two\")\n\tfallthrough\ncase 3:\n\tfmt.Println(\"three\")\ndefault:\n\tfmt.Println(\"other\")\n}", "two\nthree\n"),
		v("x := 1\n{\n\tx := 2\n\tx++\n\t_ = x\n}\nx", "1"),
		ov("if x := 5; x > 3 { fmt.Println(\"big\", x) } else { fmt.Println(\"small\") }\nx", "big 5\n", "1"),
		o("for i := range 3 { fmt.Print(i) }\nfmt.Println()", "012\n"),
		o("n := len(\"abcd\")\nfor i := range n { fmt.Print(i) }\nfmt.Println()", "0123\n"),
		o("k := strings.Count(\"a-b-c\", \"-\")\nfor i := range k { fmt.Print(i) }\nfmt.Println()", "01\n"),
		o("func three() int { return 3 }\nm := three()\nfor i := range m { fmt.Print(i) }\nfmt.Println()", "012\n"),
		o("type Bag struct{ items []string }\nfunc (b *Bag) Count() int { return len(b.items) }\nbag := &Bag{items: []string{\"a\", \"b\"}}\ncnt := bag.Count()\nfor i := range cnt { fmt.Print(i) }\nfmt.Println()", "01\n"),
		o("for i := range bag.Count() { fmt.Print(i) }\nfmt.Println()", "01\n"),
		o("type Box struct{ W int }\nb := Box{3}\nfor i := range b.W { fmt.Print(i) }\nfmt.Println()", "012\n"),
		o("ds := ml.Iris()\nrows := ds.Len() / 50\nfor i := range rows { fmt.Print(i) }\nfmt.Println()", "012\n"),
		o("f := func(yield func(int) bool) { for i := 0; i < 3 && yield(i); i++ {} }\nfor x := range f { fmt.Println(x) }", "0\n1\n2\n"),
		fails("var g func(func(int) bool)\nfor x := range g { fmt.Println(x) }", "Panic: nil pointer dereference"),
		o("grade := func(s int) string {\n\tswitch {\n\tcase s >= 90:\n\t\treturn \"A\"\n\tcase s >= 80:\n\t\treturn \"B\"\n\t}\n\treturn \"C\"\n}\nfmt.Println(grade(95), grade(85), grade(10))", "A B C\n"),
		v("i := 0\nfor {\n\ti++\n\tif i >= 5 { break }\n}\ni", "5"),
		v("a, b := 1, 2\na, b = b, a\nfmt.Sprint(a, b)", "2 1"),
	}},
	{"strings and runes", []corpusCell{
		o("for i, r := range \"héllo\" { fmt.Print(i, \":\", string(r), \" \") }\nfmt.Println()", "0:h 1:é 3:l 4:l 5:o \n"),
		o("s := \"héllo\"\nfmt.Println(len(s), utf8.RuneCountInString(s), s[1], []byte(s)[:2], []rune(s)[1])", "6 5 195 [104 195] 233\n"),
		v("bs := []byte(\"abc\")\nbs[0] = 'A'\nstring(bs)", "Abc"),
		o("r := 'x'\nfmt.Printf(\"%c %d %U %q\\n\", r, r, r, r)", "x 120 U+0078 'x'\n"),
		v("var sb strings.Builder\nfor i := 0; i < 3; i++ { fmt.Fprintf(&sb, \"[%d]\", i) }\nsb.String()", "[0][1][2]"),
		v("c := s[0]\nfmt.Sprintf(\"%c%T\", c, c)", "huint8"),
		v("rs := []rune(s)\nr1 := rs[1]\nstring(r1)", "é"),
		v("rev := func(s string) string { r := []rune(s); for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 { r[i], r[j] = r[j], r[i] }; return string(r) }\nrev(s)", "olléh"),
		o("fmt.Printf(\"%5.2f|%-4d|%04d|%x|%X|%o|%b|%e\\n\", 3.14159, 7, 42, 255, 255, 8, 5, 1234.5)", " 3.14|7   |0042|ff|FF|10|101|1.234500e+03\n"),
		o("fmt.Printf(\"%t %v %p\\n\", true, nil, nil)", "true <nil> %!p(<nil>)\n"),
		o("fmt.Printf(\"%s|%10s|%-10s|\\n\", \"go\", \"right\", \"left\")", "go|     right|left      |\n"),
		v("strings.Repeat(\"ab\", 3) + strings.TrimLeft(\"xxhi\", \"x\")", "abababhi"),
	}},
	{"closures", []corpusCell{
		o("var funcs []func() int\nfor i := 0; i < 3; i++ { funcs = append(funcs, func() int { return i * 10 }) }\nfor _, f := range funcs { fmt.Print(f(), \" \") }\nfmt.Println()", "0 10 20 \n"),
		v("counter := func() func() int { c := 0; return func() int { c++; return c } }()\ncounter(); counter()\ncounter()", "3"),
		v("add := func(a, b int) int { return a + b }\nadd(2, 3)", "5"),
		v("apply := func(f func(int) int, x int) int { return f(x) }\napply(func(x int) int { return x + 100 }, 1)", "101"),
		o("upper := strings.ToUpper\nfns := []func(string) string{strings.ToUpper, strings.ToLower, strings.TrimSpace}\nfmt.Println(upper(\"a\"), fns[1](\"B\"), fns[2](\"  c \"))", "A b c\n"),
		v("f0 := fns[0]\nf0(\"x\")", "X"),
	}},
	{"concurrency", []corpusCell{
		v("var wg sync.WaitGroup\nvar mu sync.Mutex\ntotal := 0\nfor i := 1; i <= 10; i++ {\n\twg.Add(1)\n\tgo func(n int) {\n\t\tdefer wg.Done()\n\t\tmu.Lock()\n\t\ttotal += n\n\t\tmu.Unlock()\n\t}(i)\n}\nwg.Wait()\ntotal", "55"),
		v("results := make(chan int, 3)\nfor i := 0; i < 3; i++ { go func() { results <- i * i }() }\ngot := []int{}\nfor i := 0; i < 3; i++ { got = append(got, <-results) }\nsort.Ints(got)\ngot", "[0 1 4]"),
		v("done := make(chan bool)\ngo func() { done <- true }()\n<-done", "true"),
		o("jobs := make(chan int)\ngo func() { for i := 1; i <= 3; i++ { jobs <- i }; close(jobs) }()\nfor j := range jobs { fmt.Print(j) }\nfmt.Println()", "123\n"),
	}},
	{"embedding", []corpusCell{
		v("type Base struct{ ID int }\nfunc (b Base) Describe() string { return fmt.Sprintf(\"id=%d\", b.ID) }\ntype User struct {\n\tBase\n\tName string\n}\nu := User{Base{7}, \"ann\"}\nu.Describe() + \" \" + u.Name", "id=7 ann"),
		v("u.ID", "7"),
		v("users := []User{u, {Base{8}, \"bob\"}}\nsecond := users[1]\nsecond.Describe()", "id=8"),
		o("fmt.Printf(\"%+v\\n\", users[0])", "{Base:{ID:7} Name:ann}\n"),
	}},
	{"json and time", []corpusCell{
		o("type Config struct {\n\tName   string            `json:\"name\"`\n\tLayers []int             `json:\"layers\"`\n\tOpts   map[string]string `json:\"opts,omitempty\"`\n}\nc := Config{Name: \"mlp\", Layers: []int{64, 10}}\ndata, err := json.Marshal(c)\nfmt.Println(string(data), err)", "{\"name\":\"mlp\",\"layers\":[64,10]} <nil>\n"),
		o("var back Config\nerr = json.Unmarshal([]byte(`{\"name\":\"x\",\"layers\":[1,2,3]}`), &back)\nfmt.Println(back.Name, back.Layers, err)", "x [1 2 3] <nil>\n"),
		o("var anyv map[string]any\njson.Unmarshal([]byte(`{\"a\": 1, \"b\": [true, \"x\"]}`), &anyv)\narr := anyv[\"b\"].([]any)\nfmt.Println(anyv[\"a\"], len(arr), arr[1])", "1 2 x\n"),
		v("pretty, _ := json.MarshalIndent(map[string]int{\"b\": 2, \"a\": 1}, \"\", \" \")\nstring(pretty)", "{\n \"a\": 1,\n \"b\": 2\n}"),
		v("l0 := back.Layers[0]\nl0 + back.Layers[2]", "4"),
		o("d := 1500 * time.Millisecond\nfmt.Println(d, d.Seconds())", "1.5s 1.5\n"),
		o("t0 := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)\nt1 := t0.Add(36 * time.Hour)\nfmt.Println(t1.Format(\"2006-01-02 15:04\"), t1.Sub(t0), t1.Weekday())", "2024-03-03 00:00 36h0m0s Sunday\n"),
		v("days := t1.Sub(t0).Hours() / 24\ndays", "1.5"),
		v("stamps := []time.Time{t0, t1}\nlater := stamps[1]\nlater.After(stamps[0])", "true"),
	}},
	{"errors", []corpusCell{
		o("var ErrNotFound = errors.New(\"not found\")\ntype ParseError struct{ Line int }\nfunc (e *ParseError) Error() string { return fmt.Sprintf(\"parse error at line %d\", e.Line) }\nfunc find(k string) error {\n\tif k == \"\" { return fmt.Errorf(\"find: %w\", ErrNotFound) }\n\tif k == \"bad\" { return &ParseError{3} }\n\treturn nil\n}", ""),
		o("err := find(\"\")\nfmt.Println(err, errors.Is(err, ErrNotFound))", "find: not found true\n"),
		o("if err := find(\"ok\"); err != nil { fmt.Println(\"unexpected\") } else { fmt.Println(\"ok\") }", "ok\n"),
		o("err2 := find(\"bad\")\nif pe, ok := err2.(*ParseError); ok { fmt.Println(\"line\", pe.Line) }", "line 3\n"),
		o("var pe *ParseError\nfmt.Println(errors.As(find(\"bad\"), &pe), pe.Line)", "true 3\n"),
		o("var ne *strconv.NumError\n_, err3 := strconv.Atoi(\"zz\")\nfmt.Println(errors.As(err3, &ne), ne.Func)", "true Atoi\n"),
		o("errs := []error{find(\"\"), find(\"bad\")}\nfirst := errs[0]\nfmt.Println(first)", "find: not found\n"),
		o("func safeDiv(a, b int) (q int, err error) {\n\tdefer func() {\n\t\tif r := recover(); r != nil { err = fmt.Errorf(\"recovered: %v\", r) }\n\t}()\n\treturn a / b, nil\n}\nq, err := safeDiv(7, 2)\nfmt.Println(q, err)", "3 <nil>\n"),
		o("_, err = safeDiv(1, 0)\nfmt.Println(err)", "recovered: runtime error: integer divide by zero\n"),
		v("func order() (out []string) {\n\tfor i := 0; i < 3; i++ { defer func(n int) { out = append(out, strconv.Itoa(n)) }(i) }\n\treturn nil\n}\norder()", "[2 1 0]"),
		fails("var m map[string]int\nm[\"a\"] = 1", "Panic: assignment to entry in nil map"),
		fails("xs := []int{1}\ni := 3\n_ = xs[i]", "Panic: runtime error: index out of range [3] with length 1"),
		fails("xs := []int{1, 2, 3}\ni := 5\nfmt.Println(xs[i])", "Panic: runtime error: index out of range [5] with length 3"),
		fails("m := [3]int{}\nj := -1\n_ = m[j+5]", "Panic: runtime error: index out of range [4] with length 3"),
		fails("s := \"abc\"\nk := 7\n_ = s[k]", "Panic: runtime error: index out of range [7] with length 3"),
		fails("ys := []int{1}\nk := -2\n_ = ys[k]", "Panic: runtime error: index out of range [-2]"),
		fails("zs := []int{1, 2, 3}\nn := 9\n_ = zs[1:n]", "Panic: runtime error: slice bounds out of range"),
		fails("func at(xs []int, i int) int { return xs[i] }\nat([]int{1}, 4)", "Panic: runtime error: index out of range [4] with length 1"),
	}},
	{"bytes", []corpusCell{
		o("var buf bytes.Buffer\nbuf.WriteString(\"hello \")\nbuf.Write([]byte(\"world\"))\nfmt.Println(buf.Len(), buf.String())", "11 hello world\n"),
		v("fields := bytes.Fields([]byte(\" a  b \"))\nlen(fields)", "2"),
		v("f1 := fields[1]\nstring(f1)", "b"),
		v("up := bytes.ToUpper([]byte(\"go\"))\nstring(up)", "GO"),
	}},
	{"maps of slices", []corpusCell{
		o("groups := map[string][]int{}\nfor i := 0; i < 10; i++ {\n\tk := \"odd\"\n\tif i%2 == 0 { k = \"even\" }\n\tgroups[k] = append(groups[k], i)\n}\nfmt.Println(groups)", "map[even:[0 2 4 6 8] odd:[1 3 5 7 9]]\n"),
		v("evens := groups[\"even\"]\nevens[len(evens)-1]", "8"),
		o("nested := map[string]map[string]int{\"a\": {\"x\": 1}}\nnested[\"a\"][\"y\"] = 2\nfmt.Println(nested)", "map[a:map[x:1 y:2]]\n"),
		v("matrix := [][]float64{{1, 2}, {3, 4}}\nmatrix[1][0] + matrix[0][1]", "5"),
		v("grid := [3][3]int{}\ngrid[1][1] = 5\ngrid", "[[0 0 0] [0 5 0] [0 0 0]]"),
		v("v, ok := groups[\"odd\"]\nfmt.Sprint(len(v), ok)", "5 true"),
		v("metrics := map[string]float64{\"acc\": 0.9}\nh := ml.EpochStats{Metrics: metrics}\nacc := h.Metrics[\"acc\"]\nacc", "0.9"),
		v("acc2, found := h.Metrics[\"f1\"]\nfmt.Sprint(acc2, found)", "0 false"),
		v("keys := slices.Sorted(maps.Keys(groups))\nkeys", "[even odd]"),
		v("top := slices.Max(groups[\"odd\"])\ntop", "9"),
	}},
	{"training", []corpusCell{
		v("ml.SetSeed(1)\nds := ml.Iris()\ntrain, test := ds.Split(0.8, 1)\nmodel := ml.Sequential(ml.Linear(4, 16), ml.ReLU(), ml.Linear(16, 3))\nhist := model.Fit(train, ml.FitConfig{Epochs: 3, BatchSize: 16, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-2), Metrics: []string{\"accuracy\"}})\nlen(hist.Epochs)", "3"),
		v("final := hist.Epochs[len(hist.Epochs)-1]\nfinal.Loss < hist.Epochs[0].Loss", "true"),
		v("acc := final.Metrics[\"accuracy\"]\nacc > 0.3", "true"),
		v("ev := model.Evaluate(test, ml.CrossEntropy(), \"accuracy\")\nev.Metrics[\"accuracy\"] > 0.3", "true"),
		v("var evAcc = ev.Metrics[\"accuracy\"]\nevAcc > 0", "true"),
		v("pred := model.Forward(test.X)\npred.Shape()", "[30 3]"),
		o("layers := model.Layers()\nl0 := layers[0]\nfmt.Printf(\"%d layers, %d params %v\\n\", len(layers), model.NumParams(), l0 != nil)", "3 layers, 131 params true\n"),
		v("type Lener interface{ Len() int }\nvar ln Lener = ds\nln.Len()", "150"),
		v("type Named struct {\n\tml.Dataset\n\tName string\n}\nnd := Named{ds, \"iris\"}\nnd.Len()", "150"),
		v("eps := hist.Epochs\nsort.Slice(eps, func(i, j int) bool { return eps[i].Loss < eps[j].Loss })\neps[0].Loss <= eps[len(eps)-1].Loss", "true"),
		v("f32 := float32(hist.Epochs[0].Loss)\nf32 > 0", "true"),
		o("n := test.Len()\ncorrect := 0\nfor i := range n { if pred.At(i, 0) == pred.At(i, 0) { correct++ } }\nfmt.Println(correct == n)", "true\n"),
	}},
	{"assignments from compiled values", []corpusCell{
		o("h := ml.History{Epochs: []ml.EpochStats{{Epoch: 1, Loss: 0.5, Metrics: map[string]float64{\"acc\": 0.7}}, {Epoch: 2, Loss: 0.25}}, StepLoss: []float64{1, 2}}", ""),
		v("total := 0.0\ntotal += h.Epochs[0].Loss\ntotal", "0.5"),
		v("m := map[string]float64{}\nm[\"a\"] = h.Epochs[1].Loss\nm[\"a\"]", "0.25"),
		v("best := h.Epochs[0]\nbest = h.Epochs[1]\nbest.Epoch", "2"),
		v("sl := h.StepLoss\nsl[0] = 9\nh.StepLoss[0]", "9"),
		v("a := []float64{}\na = append(a, h.Epochs[0].Loss, h.StepLoss[1])\na", "[0.5 2]"),
		v("n := 0\nn = len(h.Epochs) + h.Epochs[1].Epoch\nn", "4"),
		v("e1 := h.Epochs[1]\ne1.Loss = 3\ne1.Loss + h.Epochs[1].Loss", "3.25"),
		v("acc := h.Epochs[0].Metrics[\"acc\"]\nacc", "0.7"),
		v("cnt := map[int]int{}\ncnt[h.Epochs[1].Epoch]++\ncnt", "map[2:1]"),
		v("var x, y = h.Epochs[0].Loss, h.Epochs[1].Loss\nx + y", "0.75"),
		v("z := -h.Epochs[0].Loss\nz", "-0.5"),
		v("es := h.Epochs[:1]\nes[0].Loss", "0.5"),
		v("w := h.Epochs[0].Loss > 0.3 && h.StepLoss[0] > 1\nw", "true"),
		v("parts := strings.Split(\"a,b\", \",\")\nfunc show() string { return \"[\" + p + \"]\" }\np := parts[0]\nshow()", "[a]"),
		v("p := parts[1]\nshow()", "[b]"),
	}},
	{"misc", []corpusCell{
		v("pt := struct{ X, Y int }{1, 2}\npt.X + pt.Y", "3"),
		v("re := regexp.MustCompile(`\\d+`)\nnums := re.FindAllString(\"a1 b22 c333\", -1)\nnums[2]", "333"),
		o("fmt.Println(math.Inf(1), -math.Inf(1), math.NaN(), math.MaxInt64, math.Sqrt2)", "+Inf -Inf NaN 9223372036854775807 1.4142135623730951\n"),
		o("var nilSlice []int\nvar nilMap map[string]int\nfmt.Printf(\"%v %v %d %q %x %v\\n\", nilSlice, nilMap, len(nilMap), []string{\"a\", \"b\"}, \"hi\", nilSlice == nil)", "[] map[] 0 [\"a\" \"b\"] 6869 true\n"),
		o("timeout := time.After(2 * time.Second)\nch := make(chan int)\ngo func() { time.Sleep(5 * time.Millisecond); ch <- 7 }()\nselect {\ncase v := <-ch:\n\tfmt.Println(\"got\", v)\ncase <-timeout:\n\tfmt.Println(\"timeout\")\n}", "got 7\n"),
		v("type Counter struct{ n int }\nfunc (c *Counter) Inc() { c.n++ }\ncs := []*Counter{{}, {}}\nfor _, c := range cs { c.Inc(); c.Inc() }\ncs[0].n + cs[1].n", "4"),
		v("scores := map[string]Counter{\"a\": {1}}\nsc := scores[\"a\"]\nsc.n += 10\nscores[\"a\"] = sc\nscores[\"a\"].n", "11"),
		v("var err error\nfmt.Sprint(err)", "<nil>"),
		v("r := strings.NewReplacer(\"a\", \"1\", \"b\", \"2\")\nr.Replace(\"abc\")", "12c"),
		v("type Temp float64\nfunc (t Temp) F() Temp { return t*9/5 + 32 }\ntemps := []Temp{0, 100}\ntemps[1].F()", "212"),
		v("words := map[int][]string{3: {\"cat\", \"dog\"}}\nw := words[3][1]\nw", "dog"),
		o("x := []float64{3, 1, 2}\nslices.Sort(x)\nidx := slices.Index(x, 2)\nfmt.Println(x, idx, slices.Contains(x, 5))", "[1 2 3] 1 false\n"),
	}},
	{"compiled values II", []corpusCell{
		o("h := ml.History{Epochs: []ml.EpochStats{{Epoch: 1, Loss: 0.5}}}\nvar a any = h.Epochs[0]\nswitch v := a.(type) {\ncase ml.EpochStats:\n\tfmt.Println(\"stats\", v.Epoch)\ndefault:\n\tfmt.Println(\"other\")\n}", "stats 1\n"),
		o("es, ok := a.(ml.EpochStats)\nfmt.Println(es.Loss, ok)", "0.5 true\n"),
		v("tick := make(chan time.Duration, 1)\ntick <- time.Second\nd := <-tick\nd", "1s"),
		v("arr := [2]ml.EpochStats{}\narr[1].Epoch = 4\ne := arr[1]\ne.Epoch", "4"),
		v("getLoss := func(i int) float64 { return h.Epochs[i].Loss }\ngetLoss(0)", "0.5"),
		v("all := append([]ml.EpochStats{}, h.Epochs...)\nall = append(all, ml.EpochStats{Epoch: 2})\nlast := all[len(all)-1]\nlast.Epoch", "2"),
		o("dst := make([]float64, 2)\nnc := copy(dst, []float64{1, 2, 3})\nfmt.Println(nc, dst)", "2 [1 2]\n"),
		v("type key struct{ a, b int }\nmk := map[key]string{{1, 2}: \"x\"}\nmk[key{1, 2}]", "x"),
		v("p1, p2 := key{1, 2}, key{1, 2}\np1 == p2", "true"),
		v("i := 0\nloop:\nif i < 3 {\n\ti++\n\tgoto loop\n}\ni", "3"),
		v("type Node struct {\n\tVal  int\n\tNext *Node\n}\nlist := &Node{1, &Node{2, &Node{3, nil}}}\nsum := 0\nfor n := list; n != nil; n = n.Next { sum += n.Val }\nsum", "6"),
		v("second := list.Next\nsecond.Val", "2"),
		v("ts := []fmt.Stringer{time.Minute}\ns0 := ts[0].String()\ns0", "1m0s"),
		v("type Matrix [][]float64\nfunc (m Matrix) At(i, j int) float64 { return m[i][j] }\nmat := Matrix{{1, 2}, {3, 4}}\nv := mat.At(1, 1)\nv", "4"),
		v("f := fmt.Sprintf\nf(\"%03d\", 7)", "007"),
		v("sum2 := func(nums ...int) int { t := 0; for _, n := range nums { t += n }; return t }\nsum2(1, 2, 3) + sum2([]int{4, 5}...)", "15"),
		v("import mlx \"gopad/ml\"\nh2 := mlx.History{Epochs: []mlx.EpochStats{{Epoch: 3}}}\ny := h2.Epochs[0]\ny.Epoch", "3"),
		fails("import \"hash/fnv\"\nfns := []func() hash.Hash32{fnv.New32}", "CompileError: undefined: hash (import \"hash\")"),
		v("ml := 3\nml + 1", "4"),
	}},
	{"fmt verbs on cell types with methods", []corpusCell{
		o("type Color int\nconst (\n\tRed Color = iota\n\tGreen\n)\nfunc (c Color) String() string { return [...]string{\"red\", \"green\"}[c] }", ""),
		o("fmt.Printf(\"%v %d %s %q %03d %x\\n\", Green, Green, Green, Green, Green, Green)", "green 1 green \"green\" 001 677265656e\n"),
		v("fmt.Sprintf(\"%[2]d-%[1]v|%[3]*d|%-3d|\", Red, Green, 3, Green, Red)", "1-red|  1|0  |"),
		o("type Celsius float64\nfunc (c Celsius) String() string { return fmt.Sprintf(\"%.1f°C\", float64(c)) }\nfmt.Printf(\"%v %.2f %5.1f%%\\n\", Celsius(21.5), Celsius(21.5), Celsius(3))", "21.5°C 21.50   3.0%\n"),
		v("err := fmt.Errorf(\"color %d: %w\", Green, io.EOF)\nerrors.Is(err, io.EOF)", "true"),
		v("err.Error()", "color 1: EOF"),
		o("var sb strings.Builder\nfmt.Fprintf(&sb, \"%d/%s\", Red, Red)\nfmt.Println(sb.String())", "0/red\n"),
		v("string(fmt.Appendf([]byte(\"c=\"), \"%d\", Green))", "c=1"),
		v("n, _ := fmt.Printf(\"\")\nn", "0"),
		v("f := fmt.Sprintf\nf(\"%d\", 7)", "7"),
	}},
	// Expected outputs verified with go run on the same code as one program.
	{"cell types with methods inside containers", []corpusCell{
		o("type Color int\nconst (\n\tRed Color = iota\n\tGreen\n)\nfunc (c Color) String() string { return [...]string{\"Red\", \"Green\"}[c] }", ""),
		o("type P struct {\n\tC Color\n\tN int\n\tc Color\n}\ntype Palette []Color\ntype Q struct{ A, B int }\ntype E struct{ Code int }\nfunc (e *E) Error() string { return fmt.Sprint(\"code \", e.Code) }\ntype Node struct {\n\tName string\n\tNext *Node\n\tCol  *Color\n}", ""),
		o("fmt.Println([]Color{Red, Green})\nfmt.Println(map[string]Color{\"b\": Green, \"a\": Red})\nfmt.Println(P{Green, 3, Green})", "[Red Green]\nmap[a:Red b:Green]\n{Green 3 1}\n"),
		o("fmt.Printf(\"%v|%+v|%d|%s\\n\", P{Green, 3, Red}, P{Green, 3, Red}, P{Green, 3, Red}, []Color{Green})\nfmt.Println(&P{Red, 1, Red})", "{Green 3 0}|{C:Green N:3 c:0}|{1 3 0}|[Green]\n&{Red 1 0}\n"),
		o("fmt.Printf(\"%T %T %T %T %T %T\\n\", Red, []Color{Red}, map[string]Color{}, P{}, &P{}, Q{})", "main.Color []main.Color map[string]main.Color main.P *main.P main.Q\n"),
		o("fmt.Println(Palette{Green, Red}, map[Color]int{Green: 2, Red: 1})\nvar xs []any = []any{Red, 5, \"s\"}\nfmt.Println(xs)", "[Green Red] map[Red:1 Green:2]\n[Red 5 s]\n"),
		o("fmt.Println([][]Color{{Red}, {Green, Red}}, [2]Color{Green, Green})\nfmt.Println([]*E{{1}}, []error{&E{2}, errors.New(\"x\")})", "[[Red] [Green Red]] [Green Green]\n[code 1] [code 2 x]\n"),
		o("g := Green\nfmt.Println(Node{\"a\", nil, &g}, []Color{})\nfmt.Printf(\"%5v|%-6s|%q\\n\", []Color{Red}, []Color{Green}, []Color{Red})", "{a <nil> Green} []\n[  Red]|[Green ]|[\"Red\"]\n"),
		o("s := fmt.Sprint(Q{1, 2}, []Q{{3, 4}})\nfmt.Println(s)\nfmt.Printf(\"%v %T\\n\", Red, Green)\nfmt.Println(fmt.Sprintf(\"%x\", []Color{Red}))", "{1 2} [{3 4}]\nRed main.Color\n[526564]\n"),
		v("[]Color{Red, Green}", "[Red Green]"),
		v("P{Green, 3, Red}", "{Green 3 0}"),
		v("map[string]Color{\"a\": Green}", "map[a:Green]"),
		v("pal := Palette{Red}\npal", "[Red]"),
		v("Green", "Green"),
		o("fs := []float64{1.5, 2}\nfmt.Println(fs, [][]float64{fs}, map[string][]int{\"k\": {1}})", "[1.5 2] [[1.5 2]] map[k:[1]]\n"),
		o("func (c Color) Hex() string { return fmt.Sprintf(\"%d/%v\", c, int(c)) }\nfmt.Println(Green.Hex())", "1/1\n"),
	}},
	// Expected outputs verified with go run on the same code as one program.
	{"promoted, pointer and string-kind String methods in containers", []corpusCell{
		o("type Color int\nconst (\n\tRed Color = iota\n\tGreen\n)\nfunc (c Color) String() string { return [...]string{\"Red\", \"Green\"}[c] }", ""),
		o("type Named struct {\n\tColor\n\tN int\n}\ntype T struct{ V int }\nfunc (t *T) String() string { return fmt.Sprint(\"T\", t.V) }\ntype Name string\nfunc (n Name) String() string { return \"<\" + string(n) + \">\" }\ntype Box struct{ V any }\ntype Key struct{ C Color }", ""),
		o("fmt.Println(Named{Green, 1}, []Named{{Red, 2}})\nfmt.Println(T{1}, &T{2}, []*T{{3}}, []T{{4}})\nfmt.Print(Name(\"a\"), Name(\"b\"), \"\\n\")", "Green [Red]\n{1} T2 [T3] [{4}]\n<a><b>\n"),
		o("fmt.Println([]*Color{nil}, Box{Red}, []Box{{Green}})\nfmt.Println(map[Key]int{{Green}: 1, {Red}: 2})", "[<nil>] {Red} [{Green}]\nmap[{Red}:2 {Green}:1]\n"),
		o("fmt.Printf(\"%v %+v\\n\", struct{ A, B Color }{Red, Green}, struct{ A, B Color }{Red, Green})\nfmt.Printf(\"%s|%v|%d\\n\", []Name{\"x\"}, map[Name]Color{\"k\": Green}, []Color{Green})", "{Red Green} {A:Red B:Green}\n[<x>]|map[<k>:Green]|[1]\n"),
		o("var s fmt.Stringer = Green\nfmt.Println(s, []fmt.Stringer{Red, Name(\"z\")})\nfmt.Printf(\"%08.3f|%x|%X\\n\", []float64{1.5}, []Color{Green}, Named{Red, 255})", "Green [Red <z>]\n[0001.500]|[477265656e]|526564\n"),
	}},
	// Expected outputs verified with go run on the same code as one program.
	{"cell stringers through generics, arrays, channels and nested containers", []corpusCell{
		o("type Color int\nfunc (c Color) String() string { return [...]string{\"Red\", \"Green\"}[c] }", ""),
		o("func Show[T any](v T) { fmt.Println(v) }\nShow([]Color{1})\nShow(Color(0))\nShow(3)", "[Green]\nRed\n3\n"),
		o("func Each[T any](xs []T) { for _, x := range xs { fmt.Print(x, \";\") }; fmt.Println() }\nEach([]Color{0, 1})", "Red;Green;\n"),
		ov("type Grid [2][2]Color\ng := Grid{{0, 1}, {1, 0}}\nfmt.Println(g, &g)\ng", "[[Red Green] [Green Red]] &[[Red Green] [Green Red]]\n", "[[Red Green] [Green Red]]"),
		o("ch := make(chan Color, 1)\nch <- 1\nfmt.Println(<-ch)", "Green\n"),
		ov("m := map[Color][]Color{1: {0}}\nfmt.Println(m)\nm", "map[Green:[Red]]\n", "map[Green:[Red]]"),
		o("type S struct{ M map[string]Color; L []*Color }\nc := Color(1)\ns := S{map[string]Color{\"a\": 1}, []*Color{&c}}\nfmt.Printf(\"%v %+v\\n\", s, &s)", "{map[a:Green] [Green]} &{M:map[a:Green] L:[Green]}\n"),
	}},
	// Go reports "undefined: strings.Contain"; the hint lists close names.
	{"misspelled package symbols", []corpusCell{
		fails("strings.Contain(\"abc\", \"b\")", "CompileError: undefined: strings.Contain (did you mean strings.Contains, strings.ContainsAny or strings.ContainsFunc?)"),
		fails("import \"math\"\nr := math.Sqroot(2)", "CompileError: undefined: math.Sqroot (did you mean math.Sqrt?)"),
		fails("t := ml.FromSlise([]float32{1}, 1)", "CompileError: undefined: ml.FromSlise (did you mean ml.FromSlice or ml.FromDense?)"),
		fails("ml.Ful(1, 2)", "CompileError: undefined: ml.Ful (did you mean ml.Full?)"),
		fails("fmt.Qqqqqq(1)", "CompileError: undefined: fmt.Qqqqqq"),
		v("strings.Contains(\"abc\", \"b\")", "true"),
	}},
}

// TestCorpus runs the corpus sessions and compares every cell's output and
// result with what compiled Go prints.
func TestCorpus(t *testing.T) {
	for _, session := range corpus {
		t.Run(session.name, func(t *testing.T) {
			h := newHarness(t)
			for i, c := range session.cells {
				h.out.Reset()
				res, err := h.e.Execute(context.Background(), c.code)
				where := fmt.Sprintf("cell %d:\n%s\n", i+1, c.code)
				if c.err != "" {
					kind, text, _ := strings.Cut(c.err, ": ")
					var ee *Error
					if !errors.As(err, &ee) || ee.Kind != kind || !strings.Contains(ee.Message, text) || ee.Line == 0 {
						t.Errorf("%swant error %q with a cell line, got %v", where, c.err, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("%sfailed: %v", where, err)
					continue
				}
				if got := h.out.String(); got != c.out {
					t.Errorf("%sstdout %q, want %q", where, got, c.out)
				}
				switch {
				case c.val == "" && res.HasValue:
					t.Errorf("%sunexpected result %v", where, res.Value)
				case c.val != "" && !res.HasValue:
					t.Errorf("%sno result, want %q", where, c.val)
				case c.val != "":
					if got := fmt.Sprint(res.Value.Interface()); got != c.val {
						t.Errorf("%sresult %q, want %q", where, got, c.val)
					}
				}
			}
		})
	}
}
