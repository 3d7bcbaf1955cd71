package engine

import (
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
