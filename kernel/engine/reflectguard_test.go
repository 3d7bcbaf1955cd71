package engine

import (
	"strings"
	"testing"
)

// json and xml of cell types give Go's output (expected outputs from go
// run): embedded structs flattened, cell values inside interfaces encoded
// with their fields, decoding fills promoted fields. What gopad cannot make
// right is refused, naming the call, its line and the type; slog's
// LogValuer and SetLogLoggerLevel too.
func TestReflectionGuards(t *testing.T) {
	h := newHarness(t)
	h.run("import (\n\t\"encoding/json\"\n\t\"encoding/xml\"\n\t\"log/slog\"\n\t\"os\"\n\t\"strings\"\n\t\"sync\"\n\t\"time\"\n)\n" +
		"type Addr struct{ City string `json:\"city\"` }\ntype Person struct {\n\tName string `json:\"name\"`\n\tAddr\n}\n" +
		"type Plain struct {\n\tName string `json:\"name\"`\n\tAge  int    `json:\"age\"`\n}\n" +
		"type Token string\nfunc (Token) LogValue() slog.Value { return slog.StringValue(\"REDACTED\") }\n" +
		"type Temp int\nfunc (t Temp) MarshalJSON() ([]byte, error) { return []byte(`\"hot\"`), nil }\ntype Reading struct{ T Temp }\n" +
		"type Stamp struct {\n\ttime.Time\n\tName string\n}\ntype Locked struct {\n\tsync.Mutex\n\tN int\n}\n" +
		"type Setter struct{ V int }\nfunc (s *Setter) UnmarshalJSON(b []byte) error { s.V = 7; return nil }\n" +
		"type Chain struct {\n\tAddr\n\tNext *Chain\n}\ntype Holder struct{ enc *json.Encoder }\ntype Fault struct{ Code int }\nfunc (f Fault) Error() string { return \"fault\" }")
	for _, c := range []struct{ code, want string }{
		{"b, err := json.Marshal(Plain{\"a\", 3})\nfmt.Println(string(b), err)", `{"name":"a","age":3} <nil>`},
		{"b, err := json.Marshal(Person{\"a\", Addr{\"x\"}})\nfmt.Println(string(b), err)", `{"name":"a","city":"x"} <nil>`},
		{"var p Person\nerr := json.Unmarshal([]byte(`{\"name\":\"b\",\"city\":\"y\"}`), &p)\nfmt.Printf(\"%+v %v\\n\", p, err)", `{Name:b Addr:{City:y}} <nil>`},
		{"b, err := json.Marshal(map[string]any{\"p\": Plain{\"x\", 1}, \"pp\": &Person{\"y\", Addr{\"z\"}}, \"n\": 1})\nfmt.Println(string(b), err)",
			`{"n":1,"p":{"name":"x","age":1},"pp":{"name":"y","city":"z"}} <nil>`},
		{"b, err := json.Marshal([]any{1, Plain{\"x\", 2}, nil, []any{Addr{\"q\"}}})\nfmt.Println(string(b), err)", `[1,{"name":"x","age":2},null,[{"city":"q"}]] <nil>`},
		{"var e error = Fault{4}\nb, err := json.Marshal(struct{ E error }{e})\nb2, err2 := json.Marshal(e)\nfmt.Println(string(b), err, string(b2), err2)", `{"E":{"Code":4}} <nil> {"Code":4} <nil>`},
		{"var sb strings.Builder\nenc := xml.NewEncoder(&sb)\nerr := enc.Encode([]Person{{\"n\", Addr{\"c\"}}})\nfmt.Println(sb.String(), err)", `<Person><Name>n</Name><City>c</City></Person> <nil>`},
		{"func f() ([]byte, error) { return xml.Marshal(&Plain{\"p\", 1}) }\nb, err := f()\nfmt.Println(string(b), err)", `<Plain><Name>p</Name><Age>1</Age></Plain> <nil>`},
		// The cell's own MarshalJSON and UnmarshalJSON are called.
		{"b, err := json.Marshal(Reading{Temp(3)})\nb2, err2 := json.Marshal(map[string]any{\"t\": Temp(3)})\nfmt.Println(string(b), err, string(b2), err2)", `{"T":"hot"} <nil> {"t":"hot"} <nil>`},
		{"var s Setter\nerr := json.Unmarshal([]byte(`{\"V\": 1}`), &s)\nvar ss []Setter\nerr2 := json.Unmarshal([]byte(`[1, 2]`), &ss)\nfmt.Println(s, err, ss, err2)", `{7} <nil> [{7} {7}] <nil>`},
	} {
		h.out.Reset()
		h.run(c.code)
		if got := strings.TrimSpace(h.out.String()); got != c.want {
			t.Errorf("cell:\n%s\nprinted %q, want %q", c.code, got, c.want)
		}
	}
	for _, c := range []struct{ code, want string }{
		{"type Level int\nfunc (l Level) MarshalXMLAttr(name xml.Name) (xml.Attr, error) { return xml.Attr{Name: name, Value: \"high\"}, nil }\nb, _ := xml.Marshal(struct {\n\tXMLName xml.Name `xml:\"x\"`\n\tL Level `xml:\"l,attr\"`\n}{})", "xml.Marshal at cell line 3: main.Level has a MarshalXMLAttr method, which compiled encoding/xml cannot call"},
		{"type Loud string\nfunc (l *Loud) MarshalJSON() ([]byte, error) { return []byte(`\"LOUD\"`), nil }\nb, _ := json.Marshal(Loud(\"x\"))", "main.Loud's MarshalJSON has a pointer receiver and this value is not addressable"},
		{"var s Setter = Setter{V: 1}\nvar m map[string]Setter = map[string]Setter{\"a\": s}\nif err := json.Unmarshal([]byte(`{\"b\": {}}`), &m); err != nil {\n\tpanic(err)\n}", "only into a variable that holds nothing yet (map[string]main.Setter holds a value)"},
		{"ps := &struct{ S Setter; N int }{N: 3}\nif err := json.Unmarshal([]byte(`{\"S\": {}}`), &ps); err != nil {\n\tpanic(err)\n}", "holds a value"},
		{"old := make([]Setter, 0, 4)\nif err := json.Unmarshal([]byte(`[{}]`), &old); err != nil {\n\tpanic(err)\n}", "holds a value"},
		{"b, _ := json.Marshal(Stamp{Name: \"x\"})", "main.Stamp embeds time.Time, whose MarshalJSON method Go promotes"},
		{"b, _ := json.Marshal(&Locked{N: 1})", "main.Locked embeds sync.Mutex, which has methods"},
		{"b, _ := json.Marshal(Chain{Addr{\"a\"}, nil})", "main.Chain refers to itself"},
		{"h := Holder{json.NewEncoder(os.Stdout)}\n_ = h.enc.Encode(Person{})", "Encode at cell line 2: gopad cannot tell which encoder this is"},
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

// gob encodes cell structs, but not cell values held in interfaces (it
// failed with "type interp.valueInterface has no exported fields"): that
// is refused naming the type.
func TestGobOfCellTypes(t *testing.T) {
	h := newHarness(t)
	h.run("import (\n\t\"bytes\"\n\t\"encoding/gob\"\n)\ntype P struct{ X, Y int }\ntype Holder struct {\n\tV any\n\tN int\n}")
	h.out.Reset()
	h.run("var buf bytes.Buffer\nerr := gob.NewEncoder(&buf).Encode(Holder{V: 3, N: 1})\nvar back Holder\nerr2 := gob.NewDecoder(&buf).Decode(&back)\nfmt.Println(err, err2, back)")
	if got, want := h.out.String(), "<nil> <nil> {3 1}\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e := h.fail("gob.Register(P{})\nvar buf2 bytes.Buffer\nenc := gob.NewEncoder(&buf2)\n_ = enc.Encode(Holder{V: P{1, 2}})")
	if want := "Encode at cell line 4: an interface value holds main.P, a type defined in a cell"; !strings.Contains(e.Message, want) {
		t.Errorf("error %q, want it to contain %q", e.Message, want)
	}
}

// slog resolves the LogValue methods of cell types (nested, in groups, in
// slog.Any and slog.AnyValue, through any), as compiled Go does: gopad
// calls them where the arguments are given to slog. Expected output from
// go run.
func TestSlogLogValuerOfCellTypes(t *testing.T) {
	h := newHarness(t)
	h.run("import (\n\t\"log/slog\"\n\t\"strings\"\n)\n" + "type Token string\n\nfunc (Token) LogValue() slog.Value { return slog.StringValue(\"REDACTED\") }\n\ntype User struct {\n\tID   int\n\tName string\n\tTok  Token\n}\n\nfunc (u *User) LogValue() slog.Value {\n\treturn slog.GroupValue(slog.Int(\"id\", u.ID), slog.Any(\"tok\", u.Tok))\n}\n\ntype Wrapper struct{ Inner Token }\n\nfunc (w Wrapper) LogValue() slog.Value { return slog.AnyValue(w.Inner) }\n")
	h.out.Reset()
	h.run("var sb strings.Builder\nlogger := slog.New(slog.NewTextHandler(&sb, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {\n\tif a.Key == slog.TimeKey && len(groups) == 0 {\n\t\treturn slog.Attr{}\n\t}\n\treturn a\n}}))\nt := Token(\"shhhh!\")\nlogger.Info(\"permission granted\", \"user\", \"Perry\", \"token\", t)\nlogger.Warn(\"user\", \"u\", &User{7, \"ann\", \"x\"}, slog.Any(\"w\", Wrapper{\"y\"}))\nlogger.With(\"t\", t).Error(\"with\", slog.Group(\"g\", \"tok\", t))\nvar anyTok any = t\nlogger.Info(\"any\", \"k\", anyTok, \"n\", 3)\nfmt.Print(sb.String())\n")
	if got, want := h.out.String(), "level=INFO msg=\"permission granted\" user=Perry token=REDACTED\nlevel=WARN msg=user u.id=7 u.tok=REDACTED w=REDACTED\nlevel=ERROR msg=with t=REDACTED g.tok=REDACTED\nlevel=INFO msg=any k=REDACTED n=3\n"; got != want {
		t.Errorf("got:\n%s\nwant (go run):\n%s", got, want)
	}
}

// xml calls the MarshalXML, UnmarshalXML, MarshalText and UnmarshalText
// methods of cell types (elements, attributes, slices, the top value named
// after the type). Expected output from go run.
func TestXMLMethodsOfCellTypes(t *testing.T) {
	h := newHarness(t)
	h.run("import \"encoding/xml\"\n" + "type Animal int\n\nfunc (a Animal) MarshalXML(e *xml.Encoder, start xml.StartElement) error {\n\treturn e.EncodeElement([]string{\"unknown\", \"gopher\", \"zebra\"}[a], start)\n}\n\nfunc (a *Animal) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {\n\tvar s string\n\tif err := d.DecodeElement(&s, &start); err != nil {\n\t\treturn err\n\t}\n\t*a = map[string]Animal{\"gopher\": 1, \"zebra\": 2}[s]\n\treturn nil\n}\n\ntype Size int\n\nfunc (s Size) MarshalText() ([]byte, error) { return []byte([]string{\"small\", \"large\"}[s]), nil }\nfunc (s *Size) UnmarshalText(b []byte) error {\n\t*s = map[string]Size{\"large\": 1}[string(b)]\n\treturn nil\n}\n\ntype Pen struct {\n\tXMLName xml.Name `xml:\"pen\"`\n\tSize    Size     `xml:\"size,attr\"`\n\tAnimals []Animal `xml:\"animal\"`\n\tSizes   []Size   `xml:\"s\"`\n\tLabel   string   `xml:\"label\"`\n}\n")
	h.out.Reset()
	h.run("b, err := xml.Marshal(Pen{Size: 1, Animals: []Animal{1, 2, 0}, Sizes: []Size{0, 1}, Label: \"north\"})\nfmt.Println(string(b), err)\nvar p Pen\nerr = xml.Unmarshal([]byte(`<pen size=\"large\"><animal>zebra</animal><animal>gopher</animal><s>large</s><label>x</label></pen>`), &p)\nfmt.Println(p.Size, p.Animals, p.Sizes, p.Label, err)\nb, err = xml.Marshal(Animal(2))\nfmt.Println(string(b), err)\nb, err = xml.Marshal(Size(1))\nfmt.Println(string(b), err)\nb, err = xml.Marshal([]Animal{1, 2})\nfmt.Println(string(b), err)\n")
	if got, want := h.out.String(), "<pen size=\"large\"><animal>gopher</animal><animal>zebra</animal><animal>unknown</animal><s>small</s><s>large</s><label>north</label></pen> <nil>\n1 [2 1] [1] x <nil>\n<Animal>zebra</Animal> <nil>\n<Size>large</Size> <nil>\n<Animal>gopher</Animal><Animal>zebra</Animal> <nil>\n"; got != want {
		t.Errorf("got:\n%s\nwant (go run):\n%s", got, want)
	}
}

// A cell type that gains a MarshalJSON method after the cell whose function
// calls json.Marshal: the function sees the method (it encoded the bare
// int, silently wrong, when gopad learned the methods only from the cells
// that call json).
func TestCodecMethodsDeclaredAfterTheCall(t *testing.T) {
	h := newHarness(t)
	h.run("import \"encoding/json\"\ntype Dummy struct{}\nfunc enc(v any) string {\n\tb, err := json.Marshal(v)\n\tif err != nil {\n\t\treturn err.Error()\n\t}\n\treturn string(b)\n}")
	h.run("type Temp int\nfunc (t Temp) MarshalJSON() ([]byte, error) { return []byte(`\"hot\"`), nil }")
	h.out.Reset()
	h.run("fmt.Println(enc(Temp(3)), enc(map[string]any{\"t\": Temp(1)}))")
	if got, want := h.out.String(), "\"hot\" {\"t\":\"hot\"}\n"; got != want {
		t.Errorf("got %q, want %q (go run)", got, want)
	}
}
