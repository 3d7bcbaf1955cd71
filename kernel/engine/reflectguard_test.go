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
