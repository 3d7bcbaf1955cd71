package engine

import (
	"strings"
	"testing"
)

// Reflection-based library calls that yaegi's view of cell types would make
// silently wrong are refused, naming the call and its line; the same calls
// on other values run (expected outputs from go run).
func TestReflectionGuards(t *testing.T) {
	h := newHarness(t)
	h.run("import (\n\t\"encoding/json\"\n\t\"encoding/xml\"\n\t\"log/slog\"\n\t\"os\"\n)\n" +
		"type Addr struct{ City string `json:\"city\"` }\ntype Person struct {\n\tName string `json:\"name\"`\n\tAddr\n}\n" +
		"type Plain struct {\n\tName string `json:\"name\"`\n\tAge  int    `json:\"age\"`\n}\n" +
		"type Token string\nfunc (Token) LogValue() slog.Value { return slog.StringValue(\"REDACTED\") }")
	h.out.Reset()
	h.run("b, err := json.Marshal(Plain{\"a\", 3})\nfmt.Println(string(b), err)")
	if got := h.out.String(); got != "{\"name\":\"a\",\"age\":3} <nil>\n" {
		t.Errorf("json of a plain cell struct: %q", got)
	}
	for _, c := range []struct{ code, want string }{
		{"b2, _ := json.Marshal(Person{\"a\", Addr{\"x\"}})", "json.Marshal at cell line 1: main.Person embeds struct Addr"},
		{"var p Person\n_ = json.Unmarshal([]byte(`{\"city\":\"x\"}`), &p)", "json.Unmarshal at cell line 2: main.Person embeds struct Addr"},
		{"enc := xml.NewEncoder(os.Stdout)\n_ = enc.Encode([]Person{{}})", "Encode at cell line 2: main.Person embeds struct Addr"},
		{"func f() { xml.Marshal(&Person{}) }\nf()", "xml.Marshal at cell line 1"},
		{"slog.Info(\"hi\", \"token\", Token(\"x\"))", "Info at cell line 1: main.Token implements slog.LogValuer"},
		{"slog.SetLogLoggerLevel(slog.LevelDebug)", "slog.SetLogLoggerLevel"},
	} {
		e := h.fail(c.code)
		if !strings.Contains(e.Message, c.want) {
			t.Errorf("cell:\n%s\nerror %q, want it to contain %q", c.code, e.Message, c.want)
		}
	}
}

// Python habits get Go's answer at the right line and column, never a crash
// message of the interpreter's own.
func TestPythonHabits(t *testing.T) {
	h := newHarness(t)
	h.run("t := ml.FromSlice([]float32{1, 2, 3, 4}, 2, 2)\nmodel := ml.Sequential(ml.Linear(2, 2))\nds := ml.Iris()")
	for _, c := range []struct {
		code, want string
		line, col  int
	}{
		{"x := t[0]", "cannot index t (variable of type *ml.Tensor); a tensor is not indexed with [ ]: write t.Row(0)", 1, 7},
		{"n := 1\nrow := t[n]", "write t.Row(n) for a row, t.At(i, j) for an element", 2, 9},
		{"ds[0]", "cannot index ds (variable of type ml.Dataset); a data set is not indexed with [ ]: write ds.Slice(0, 0+1)", 1, 3},
		{"model.fit(nil, ml.FitConfig{})", "model.fit undefined (model has no field or method fit; did you mean model.Fit?)", 1, 7},
	} {
		e := h.fail(c.code)
		if !strings.Contains(e.Message, c.want) || e.Line != c.line || e.Col != c.col {
			t.Errorf("cell %q: %d:%d %q, want %d:%d and %q", c.code, e.Line, e.Col, e.Message, c.line, c.col, c.want)
		}
		if interpreterCrash(e.Message) {
			t.Errorf("cell %q: the interpreter's crash reached the user: %q", c.code, e.Message)
		}
	}
}

// reflect.Value.FieldByName finds the unexported fields of cell structs
// (yaegi renames them), as the reflect package's own example shows.
func TestFieldByNameOfCellStruct(t *testing.T) {
	h := newHarness(t)
	h.out.Reset()
	h.run("import \"reflect\"\ntype user struct{ firstName, lastName string }\nu := user{firstName: \"John\", lastName: \"Doe\"}\ns := reflect.ValueOf(u)\n" +
		"fmt.Println(\"Name:\", s.FieldByName(\"firstName\"))\nfmt.Println(reflect.ValueOf(u).FieldByName(\"lastName\"), s.FieldByName(\"nope\").IsValid())")
	if got, want := h.out.String(), "Name: John\nDoe false\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Unexported fields of cell structs stay out of JSON and keep their names
// in %+v, as in Go (yaegi shows them to reflection as exported Xf), also in
// a field list that mixes exported and unexported names.
func TestUnexportedFieldsOfCellStructs(t *testing.T) {
	h := newHarness(t)
	h.run("import \"encoding/json\"\ntype C struct { a, B int; N string `json:\"n\"`; p float64 `json:\"p\"` }")
	h.expect("b, _ := json.Marshal(C{1, 2, \"x\", 3})\nstring(b)", `{"B":2,"n":"x"}`)
	h.expect("fmt.Sprintf(\"%+v\", C{1, 2, \"x\", 3})", "{a:1 B:2 N:x p:3}")
}
