package engine

import "testing"

func TestEdgeCells(t *testing.T) {
	h := newHarness(t)
	if res := h.run(""); res.HasValue {
		t.Error("empty cell has a value")
	}
	if res := h.run("// only a comment\n/* and another */"); res.HasValue {
		t.Error("comment cell has a value")
	}
	h.run("x := 2 // two")
	h.expect("x * 3 // six", "6")
	h.expect("x * 4 /* eight */", "8")
	h.expect("y := []int{\n\t1,\n\t2,\n}\nlen(y)", "2")
	h.expect("if x > 1 {\n\tx = 10\n} else {\n\tx = 0\n}\nx", "10")
	h.expect("s := \"a;b\"; len(s)", "3")
	h.expect("func() {}()\nx", "10")
	h.expect("var (\n\ta = 1\n\tb = 2\n)\na + b", "3")
	h.expect("const k = 7\nk", "7")
	h.expect("type pt struct{ X, Y int }\np := pt{1, 2}\np.X + p.Y", "3")
	h.expect("func (p pt) Sum() int { return p.X + p.Y }\npt{3, 4}.Sum()", "7")
	h.expect("switch {\ncase x > 5:\n\tx = 1\n}\nx", "1")
	h.expect("L:\nfor i := 0; i < 3; i++ {\n\tfor {\n\t\tcontinue L\n\t}\n}\nx", "1")
	h.expect("nil", "<nil>")
	h.expect("p42 := new(42)\n*p42", "42")
	h.expect("q := new(int)\n*q", "0")
	h.expect("func ptr() *string { return new(\"s\") }\n*ptr()", "s")
}

func TestMethodsAddedLaterAndGenerics(t *testing.T) {
	h := newHarness(t)
	h.run("type T struct{ N int }")
	h.run("func (t T) Hello() string { return \"hello\" }")
	h.expect("T{}.Hello()", "hello")
	h.run("type Greeter interface{ Hello() string }\nvar g Greeter = T{}")
	h.expect("g.Hello()", "hello")
	h.run("import \"cmp\"\nfunc Biggest[E cmp.Ordered](xs []E) E { b := xs[0]; for _, x := range xs { if x > b { b = x } }; return b }")
	h.expect("Biggest([]int{3, 9, 2})", "9")
	h.run("big := Biggest([]string{\"a\", \"z\"})")
	h.expect("big + \"!\"", "z!")
	h.run("counter := func() func() int { n := 0; return func() int { n++; return n } }()")
	h.run("counter()")
	h.expect("counter()", "2")
}

func TestAutoImport(t *testing.T) {
	h := newHarness(t)
	h.expect("strings.ToUpper(\"a\") + fmt.Sprint(1)", "A1")
	h.expect("xs := []int{2, 1}\nslices.Sort(xs)\nxs", "[1 2]")
	h.expect("ml.New(3).Shape()", "[3]")
	// A variable with a package's name is not shadowed by an import.
	h.expect("json := 5\njson + 1", "6")
	h.expect("type S struct{ json int }\nS{json: 2}.json", "2")
}

// A composite literal element that selects through an index of a compiled
// value made yaegi's compiler panic ([]float64{hist.Epochs[0].Loss}).
func TestCompositeElementThroughCompiledIndex(t *testing.T) {
	h := newHarness(t)
	h.run("import \"gopad/ml\"\nhist := ml.History{Epochs: []ml.EpochStats{{Loss: 2.5}, {Loss: 1.25}}}")
	h.expect("[]float64{hist.Epochs[0].Loss, hist.Epochs[len(hist.Epochs)-1].Loss}", "[2.5 1.25]")
	h.expect("type Row struct{ L float64 }\nRow{L: hist.Epochs[1].Loss}", "{1.25}")
	h.expect("[]string{hist.Epochs[0].String()}[0] != \"\"", "true")
}

// Elements elided in a literal of a library map or slice type whose
// elements are pointers (fstest.MapFS{"a": {}}) crashed yaegi's compiler;
// expected outputs from go run.
func TestElidedPointerElementsOfLibraryTypes(t *testing.T) {
	h := newHarness(t)
	h.run("import (\n\t\"io/fs\"\n\t\"image\"\n\t\"testing/fstest\"\n)")
	h.expect("fsys := fstest.MapFS{\"a.txt\": {Data: []byte(\"hi\")}, \"dir/b.go\": {}}\nm, err := fs.Glob(fsys, \"*/*.go\")\nfmt.Sprint(m, err, string(fsys[\"a.txt\"].Data))", "[dir/b.go] <nil>hi")
	h.expect("func pts() []*image.Point { return []*image.Point{{1, 2}, {X: 3}} }\nps := pts()\nfmt.Sprint(*ps[0], *ps[1])", "(1,2) (3,0)")
}

// Top-level definitions from rune constants are runes, as in Go (yaegi made
// them int outside functions).
func TestTopLevelRuneConstants(t *testing.T) {
	h := newHarness(t)
	h.expect("r := 'ɛ'\nfmt.Sprintf(\"%T %v\", r, r)", "int32 603")
	h.expect("var v = 'a' + 1\nfmt.Sprintf(\"%T %c\", v, v)", "int32 b")
	h.expect("n := 'a' < 'b'\nfmt.Sprintf(\"%T\", n)", "bool")
	h.expect("buf := make([]byte, 3)\nutf8.EncodeRune(buf, r)", "2")
}

// An untyped constant sent to a channel reached through an index or a map
// panicked in yaegi's select ("value of type int is not assignable to type
// float64"); expected output from go run.
func TestConstantSentThroughAnIndexedChannel(t *testing.T) {
	h := newHarness(t)
	h.out.Reset()
	h.run("chs := []chan float64{make(chan float64, 1)}\nchs[0] <- 4\nfmt.Println(<-chs[0])\n" +
		"m := map[string]chan int64{\"a\": make(chan int64, 1)}\nm[\"a\"] <- -2 * 3\nfmt.Println(<-m[\"a\"])\n" +
		"func f(cs []chan float64) { cs[0] <- 9 }\nf(chs)\nfmt.Printf(\"%v %T\\n\", <-chs[0], 1.5)")
	if got, want := h.out.String(), "4\n-6\n9 float64\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A cell function's result passed straight to a library function whose
// parameter is an interface with methods reached compiled code unwrapped
// (slog.New(NewLevelHandler(...)): "reflect: Call using *struct {...} as
// type slog.Handler"); slog's own example, expected output from go run.
func TestCellResultAsLibraryInterfaceArgument(t *testing.T) {
	h := newHarness(t)
	h.run("import (\n\t\"context\"\n\t\"log/slog\"\n\t\"strings\"\n)\ntype LevelHandler struct {\n\tlevel   slog.Leveler\n\thandler slog.Handler\n}\n" +
		"func NewLevelHandler(level slog.Leveler, h slog.Handler) *LevelHandler {\n\tif lh, ok := h.(*LevelHandler); ok {\n\t\th = lh.Handler()\n\t}\n\treturn &LevelHandler{level, h}\n}\n" +
		"func (h *LevelHandler) Enabled(_ context.Context, level slog.Level) bool { return level >= h.level.Level() }\n" +
		"func (h *LevelHandler) Handle(ctx context.Context, r slog.Record) error { return h.handler.Handle(ctx, r) }\n" +
		"func (h *LevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler { return NewLevelHandler(h.level, h.handler.WithAttrs(attrs)) }\n" +
		"func (h *LevelHandler) WithGroup(name string) slog.Handler { return NewLevelHandler(h.level, h.handler.WithGroup(name)) }\n" +
		"func (h *LevelHandler) Handler() slog.Handler { return h.handler }")
	h.out.Reset()
	h.run("var sb strings.Builder\nremoveTime := func(groups []string, a slog.Attr) slog.Attr {\n\tif a.Key == slog.TimeKey && len(groups) == 0 {\n\t\treturn slog.Attr{}\n\t}\n\treturn a\n}\n" +
		"th := slog.NewTextHandler(&sb, &slog.HandlerOptions{ReplaceAttr: removeTime})\nlogger := slog.New(NewLevelHandler(slog.LevelWarn, th))\n" +
		"logger.Info(\"not printed\")\nlogger.Warn(\"printed\")\nlogger.With(\"k\", 1).WithGroup(\"g\").Error(\"nested\", \"v\", 2)\nfmt.Print(sb.String())")
	if got, want := h.out.String(), "level=WARN msg=printed\nlevel=ERROR msg=nested k=1 g.v=2\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
