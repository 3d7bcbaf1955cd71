package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gopad.dev/gopad/display"
)

// TestShownResultRenders checks that a cell's final value holding values of
// a cell type with a String method renders, through display.Render as the
// kernel does, the text compiled Go's fmt prints (verified with go run).
func TestShownResultRenders(t *testing.T) {
	h := newHarness(t)
	h.run("type Color int\nconst (\n\tRed Color = iota\n\tGreen\n)\nfunc (c Color) String() string { return [...]string{\"Red\", \"Green\"}[c] }\ntype Pixel struct{ X int; C Color }")
	for code, want := range map[string]string{
		"[]Color{Red, Green}":                           "[Red Green]",
		"map[Color]int{Green: 2, Red: 1}":               "map[Red:1 Green:2]",
		"Pixel{1, Green}":                               "{1 Green}",
		"&Pixel{2, Red}":                                "&{2 Red}",
		"[]Pixel{{1, Red}}":                             "[{1 Red}]",
		"Green":                                         "Green",
		"struct{ A []Color }{[]Color{Green}}.A":         "[Green]",
		"fmt.Sprintf(\"%d %v\", Green, []Color{Green})": "1 [Green]",
	} {
		res := h.run(code)
		if !res.HasValue {
			t.Errorf("%s: no value", code)
			continue
		}
		b := display.Render(res.Value.Interface())
		if got := b[display.MIMEText]; got != want {
			t.Errorf("%s renders %q, want %q", code, got, want)
		}
	}
}

// TestShownResultTable checks that a cell's final slice of structs with
// fields of a cell type with a String method still renders as a table, the
// method's text in the cells.
func TestShownResultTable(t *testing.T) {
	h := newHarness(t)
	h.run("type Color int\nfunc (c Color) String() string { return [...]string{\"Red\", \"Green\"}[c] }\ntype Pixel struct{ X int; C Color; hidden int }")
	res := h.run("[]Pixel{{1, 0, 7}, {2, 1, 8}}")
	b := display.Render(res.Value.Interface())
	html, _ := b["text/html"].(string)
	for _, want := range []string{"<th>X</th>", "<th>C</th>", "Red", "Green"} {
		if !strings.Contains(html, want) {
			t.Errorf("table HTML lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "hidden") {
		t.Errorf("table shows an unexported field:\n%s", html)
	}
	if got := b[display.MIMEText]; got != "[{1 Red 7} {2 Green 8}]" {
		t.Errorf("text %q, want %q", got, "[{1 Red 7} {2 Green 8}]")
	}
}

// TestShownMethodNotCalledForValueVerbs checks that %d of a cell type inside
// its own String method does not call String again (compiled Go prints the
// number): calling it would recurse until the stack overflows.
func TestShownMethodNotCalledForValueVerbs(t *testing.T) {
	h := newHarness(t)
	h.run("type Level int\nfunc (l Level) String() string { return fmt.Sprintf(\"L%d\", l) }")
	res := h.run("fmt.Sprint([]Level{1, 2})")
	if got := res.Value.Interface(); got != "[L1 L2]" {
		t.Errorf("got %q, want %q", got, "[L1 L2]")
	}
}

// TestCloseNames checks the suggestions for a misspelled package symbol.
func TestCloseNames(t *testing.T) {
	names := []string{"Contains", "ContainsAny", "Count", "Cut", "Fields", "_hidden", "lower", "ToUpper"}
	for name, want := range map[string]string{
		"Contain": "Contains ContainsAny",
		"count":   "Count",
		"Qqqqqq":  "",
		"ToUper":  "ToUpper",
		"Fieldz":  "Fields",
	} {
		if got := strings.Join(closeNames(name, names), " "); got != want {
			t.Errorf("closeNames(%q) = %q, want %q", name, got, want)
		}
	}
}

// BenchmarkTrivialCellWithStringer is BenchmarkTrivialCell in a session that
// defined a type with a String method: the final value also goes through
// Note (fmtshow.go).
func BenchmarkTrivialCellWithStringer(b *testing.B) {
	e, err := New(Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.Execute(ctx, "type Color int\nfunc (c Color) String() string { return \"c\" }"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Execute(ctx, "x := 1"); err != nil {
			b.Fatal(err)
		}
		res, err := e.Execute(ctx, "x + 1")
		if err != nil || !res.HasValue {
			b.Fatal(err, res)
		}
	}
}

// BenchmarkPrintCellValues measures fmt.Sprint of a slice of a cell type
// with a String method, the argument walked by Show.
func BenchmarkPrintCellValues(b *testing.B) {
	e, err := New(Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.Execute(ctx, "type Color int\nfunc (c Color) String() string { return \"c\" }\ncs := []Color{1, 2, 3, 4}\nvar out string"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := e.Execute(ctx, fmt.Sprintf("for i := 0; i < %d; i++ { out = fmt.Sprint(cs) }", b.N)); err != nil {
		b.Fatal(err)
	}
}

// TestShownMethodPanics checks that a String method that panics prints as
// fmt prints it in compiled Go (there with index and length too) instead of
// failing the cell.
func TestShownMethodPanics(t *testing.T) {
	h := newHarness(t)
	h.run("type Color int\nfunc (c Color) String() string { return [...]string{\"Red\", \"Green\"}[c] }")
	h.out.Reset()
	h.run("fmt.Println([]Color{5}, Color(1))")
	want := "[%!v(PANIC=String method: runtime error: index out of range)] Green\n"
	if got := h.out.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestShownAfterRedefinition checks that fmt uses the current String method
// of a redefined method and of a type redefined with another layout.
func TestShownAfterRedefinition(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ code, want string }{
		{"type Color int\nfunc (c Color) String() string { return \"old\" }\nfmt.Println([]Color{1})", "[old]\n"},
		{"func (c Color) String() string { return \"new\" }\nfmt.Println([]Color{1})", "[new]\n"},
		{"type Color struct{ A, B int }\nfunc (c Color) String() string { return fmt.Sprint(\"S\", c.A) }\nfmt.Println([]Color{{1, 2}})", "[S1]\n"},
		{"type P struct{ C Color }\nfmt.Println(P{Color{3, 4}})", "{S3}\n"},
	} {
		h.out.Reset()
		h.run(c.code)
		if got := h.out.String(); got != c.want {
			t.Errorf("%s\nprinted %q, want %q", c.code, got, c.want)
		}
	}
}

// TestLogPrintsCellTypes checks log.Print, Println and Printf of values of a
// cell type with a String method inside containers, as compiled Go prints
// them (log without flags), on the engine's stderr as before.
func TestLogPrintsCellTypes(t *testing.T) {
	h := newHarness(t)
	h.run("type Color int\nfunc (c Color) String() string { return [...]string{\"Red\", \"Green\"}[c] }\ntype Q struct{ A int }")
	h.run("import \"log\"\nlog.SetFlags(0)\nlog.Println([]Color{0, 1}, 2)\nlog.Printf(\"%v %d %T %T\", map[string]Color{\"k\": 1}, []Color{1}, Q{}, []Color{})\nlog.Print(Color(1), \"x\")")
	want := "[Red Green] 2\nmap[k:Green] [1] main.Q []main.Color\nGreenx\n"
	if got := h.err.String(); got != want {
		t.Errorf("log printed %q, want %q", got, want)
	}
}
