package engine

import (
	"reflect"
	"strings"
	"testing"
)

// Cell declarations for the tests below; each expected line there is what
// compiled Go printed for the same declarations and statements (go run).
const typeSwitchDecls = `type Cat struct{ Name string }
type Dog struct{ Name string }

func (c Cat) Speak() string  { return c.Name + " meows" }
func (d *Dog) Speak() string { return d.Name + " barks" }

type Num int

func (n Num) Double() Num { return n * 2 }

func kind(v any) string {
	switch v.(type) {
	case Cat:
		return "cat"
	case *Dog:
		return "dog"
	case nil:
		return "nil"
	default:
		return "other"
	}
}

func speak(v any) string {
	switch t := v.(type) {
	case Cat:
		return t.Speak()
	case *Dog:
		return t.Speak()
	case Num, int:
		return fmt.Sprint("number ", t)
	case error:
		return "error " + t.Error()
	default:
		return fmt.Sprintf("other %v", t)
	}
}

func firstNum(xs []any) int {
	found := -1
loop:
	for i, x := range xs {
		switch n := x; n.(type) {
		case Num:
			found = i
			break loop
		case Cat:
			continue
		}
	}
	return found
}

func isNum(v any) bool        { _, ok := v.(Num); return ok }
func isInt(v any) bool        { _, ok := v.(int); return ok }
func asCat(v any) (Cat, bool) { c, ok := v.(Cat); return c, ok }
func numAsAny() any           { return Num(7) }`

// TestTypeSwitchesInFunctions: yaegi took the default branch of a type switch
// with a binding on cell struct types, matched an int against type Num int
// and a Dog against a Cat of the same layout; each line is compiled Go's.
func TestTypeSwitchesInFunctions(t *testing.T) {
	h := newHarness(t)
	h.run("import \"errors\"\n" + typeSwitchDecls)
	for _, c := range []struct{ code, want string }{
		{`fmt.Println(kind(Cat{"tom"}), kind(&Dog{"rex"}), kind(nil), kind(3))`, "cat dog nil other"},
		{`fmt.Println(speak(Cat{"tom"}), "|", speak(&Dog{"rex"}), "|", speak(Num(4)), "|", speak(5), "|", speak(errors.New("e")), "|", speak("s"))`,
			"tom meows | rex barks | number 4 | number 5 | error e | other s"},
		{`fmt.Println(firstNum([]any{Cat{"a"}, 1, Num(2), Num(3)}))`, "2"},
		{`fmt.Println(isNum(Num(1)), isNum(1), isInt(Num(1)), isInt(1), isNum(numAsAny()), isInt(numAsAny()))`, "true false false true true false"},
		{`fmt.Println(asCat(Cat{"c"}))`, "{c} true"},
		{`fmt.Println(asCat(Dog{"d"}))`, "{} false"},
		{"var a any = Dog{\"d\"}\nfunc() {\n\tdefer func() { fmt.Println(\"recovered:\", recover()) }()\n\tc := a.(Cat)\n\tfmt.Println(\"no panic\", c)\n}()",
			"recovered: interface conversion: interface {} is main.Dog, not main.Cat"},
		// Compiled types behind a compiled interface (ast.Node).
		{"import (\n\t\"go/ast\"\n\t\"go/parser\"\n\t\"go/token\"\n)\nf, _ := parser.ParseFile(token.NewFileSet(), \"a.go\", \"package p\\nvar X = 1\", 0)\nast.Inspect(f, func(n ast.Node) bool {\n\tswitch x := n.(type) {\n\tcase *ast.BasicLit:\n\t\tfmt.Println(\"lit\", x.Value)\n\tcase *ast.Ident:\n\t\tfmt.Println(\"id\", x.Name)\n\t}\n\treturn true\n})",
			"id p\nid X\nlit 1"},
		// At top level, with an init statement and a label.
		{"var pet any = &Dog{\"rex\"}\nswitch p := pet.(type) {\ncase Cat:\n\tfmt.Println(\"cat\", p.Name)\ncase *Dog:\n\tfmt.Println(\"dog\", p.Name)\n}", "dog rex"},
		{"out := \"\"\nL:\nswitch x := any(Num(2)); y := x.(type) {\ncase Num:\n\tif y > 1 {\n\t\tout = \"big\"\n\t\tbreak L\n\t}\n\tout = \"small\"\n}\nfmt.Println(out)", "big"},
	} {
		h.out.Reset()
		h.run(c.code)
		if got := strings.TrimSuffix(h.out.String(), "\n"); got != c.want {
			t.Errorf("cell:\n%s\ngot  %q\nwant %q", c.code, got, c.want)
		}
	}
}

// TestTypeAssertionUndecidable: a value of a method-less cell struct type
// that yaegi stored as its bare structure, shared with another cell type, is
// refused with an error naming the assertion and its line, not guessed.
func TestTypeAssertionUndecidable(t *testing.T) {
	h := newHarness(t)
	// A value that went through compiled code comes back bare.
	h.run("import \"reflect\"\ntype P struct{ X int }\ntype Q struct{ X int }\nfunc mk() any { return reflect.ValueOf(P{1}).Interface() }")
	e := h.fail("v := mk()\n_, ok := v.(Q)\nfmt.Println(ok)")
	for _, want := range []string{"type assertion to Q at cell line 2", "main.P, main.Q"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("error %q does not contain %q", e.Message, want)
		}
	}
}

// Assertions and type switches to interfaces a cell declares or writes as a
// literal, on values in any, in error (yaegi's wrapper, also for types other
// than structs), pointers, promoted methods, gopad's errors.Join; nil cell
// interfaces print as <nil>. yaegi failed them with its own messages or took
// the default branch. Expected output from go run.
func TestAssertionsToCellInterfaces(t *testing.T) {
	h := newHarness(t)
	h.run("import \"errors\"\n" + "type P struct{ N int }\n\nfunc (p P) Get() int      { return p.N }\nfunc (p P) Error() string { return \"p\" }\n\ntype Getter interface{ Get() int }\n\ntype Code int\n\nfunc (c Code) Error() string { return \"c\" }\nfunc (c Code) Get() int      { return int(c) }\n\ntype Q struct{ P }\ntype R struct{}\n\nfunc (r *R) Get() int { return 9 }\n\ntype Holder struct{ G Getter }\n\n// Wrapped has Get promoted from an embedded interface.\ntype Wrapped struct{ Getter }\n\nfunc sum(xs []any) int {\n\tn := 0\n\tfor _, x := range xs {\n\t\tif g, ok := x.(Getter); ok {\n\t\t\tn += g.Get()\n\t\t}\n\t}\n\treturn n\n}\n\nfunc kind(err error) string {\n\tswitch e := err.(type) {\n\tcase Getter:\n\t\treturn fmt.Sprint(\"getter \", e.Get())\n\tdefault:\n\t\treturn \"other\"\n\t}\n}\n\nfunc describe(v any) string {\n\tswitch x := v.(type) {\n\tcase nil:\n\t\treturn \"nil\"\n\tcase Getter:\n\t\treturn fmt.Sprintf(\"%T\", x)\n\tcase error:\n\t\treturn \"error\"\n\tdefault:\n\t\treturn \"?\"\n\t}\n}\n\n")
	h.out.Reset()
	h.run("var e error = P{3}\nfmt.Println(e.(Getter).Get())\nvar e2 error = Code(4)\nfmt.Println(e2.(interface{ Get() int }).Get())\nvar e3 error = &P{5}\ng, ok := e3.(Getter)\nfmt.Println(g.Get(), ok)\nvar a any = 7\ng2, ok2 := a.(Getter)\nfmt.Println(g2, ok2)\nfmt.Println(sum([]any{P{1}, 2, Code(3), \"x\", Q{P{4}}, &R{}, R{}}))\nfmt.Println(kind(P{2}), kind(errors.New(\"x\")), kind(Code(5)))\nfmt.Println(describe(nil), describe(P{1}), describe(&R{}), describe(errors.New(\"e\")), describe(3))\njoined := errors.Join(P{1}, Code(2))\nu, ok3 := joined.(interface{ Unwrap() []error })\nfmt.Println(ok3, u.Unwrap())\nc, ok4 := e2.(Code)\nfmt.Println(c, ok4)\nvar none Getter\nfmt.Println(none, Holder{}, []Getter{nil, P{1}})\nfmt.Printf(\"%+v %v\\n\", Holder{}, none == nil)\nfmt.Println(sum([]any{Wrapped{P{6}}, Wrapped{Code(7)}}))\n")
	if got, want := h.out.String(), "3\n4\n5 true\n<nil> false\n17\ngetter 2 other getter 5\nnil main.P *main.R error ?\ntrue [p c]\nc true\n<nil> {<nil>} [<nil> p]\n{G:<nil>} true\n13\n"; got != want {
		t.Errorf("got:\n%s\nwant (go run):\n%s", got, want)
	}
	for _, c := range []struct{ code, want string }{
		{"var r error = errors.New(\"x\")\n_ = r.(Getter)", "interface conversion: *errors.errorString is not main.Getter: missing method Get"},
		{"import \"strings\"\nvar r any = strings.NewReader(\"x\")\n_ = r.(interface{ Len() int })", "the value is a *strings.Reader from the Go library"},
		{"type Box[T any] struct{ v T }\nfunc (b Box[T]) Get() int { return 1 }\nvar a any = Box[int]{}\n_, _ = a.(Getter)", "gopad cannot tell whether its methods are those of main.Getter"},
		// A type declared inside a function may have promoted methods.
		{"func local() any {\n\ttype L struct{ P }\n\treturn L{P{5}}\n}\n_, _ = local().(Getter)", "a type declared inside a function with embedded fields"},
		{"var a any\n_ = a.(Getter)", "interface conversion: interface is nil, not main.Getter"},
	} {
		e := h.fail(c.code)
		if !strings.Contains(e.Message, c.want) || interpreterCrash(e.Message) {
			t.Errorf("cell:\n%s\nerror %q, want it to contain %q", c.code, e.Message, c.want)
		}
	}
}

// A value yaegi handed over without its type is refused by an interface
// assertion when its struct may embed a type with methods: a field named
// after a cell type or after its own type.
func TestMayEmbedSeesPossibleEmbeddedFields(t *testing.T) {
	s := newShower()
	s.registered = map[string]reflect.Type{"P": reflect.TypeFor[struct{ N int }]()}
	for _, c := range []struct {
		t    reflect.Type
		want bool
	}{
		{reflect.TypeFor[struct{ P struct{ N int } }](), true},
		{reflect.TypeFor[*struct {
			Builder strings.Builder
			X       int
		}](), true},
		{reflect.TypeFor[struct{ X, Y int }](), false},
		{reflect.TypeFor[strings.Builder](), false},
	} {
		if got := s.mayEmbed(c.t); got != c.want {
			t.Errorf("mayEmbed(%v) = %v, want %v", c.t, got, c.want)
		}
	}
}
