package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestLongSession runs 3000 varied cells in one engine, failing ones
// included, and checks results, output and error positions all along: line
// numbers must stay valid however many cells ran (an earlier layout overflowed
// go/token's line limit after ~1073 cells).
func TestLongSession(t *testing.T) {
	if testing.Short() {
		t.Skip("long session")
	}
	h := newHarness(t)
	ctx := context.Background()
	h.run("parts := strings.Split(\"a,b,c\", \",\")\nhist := ml.History{Epochs: []ml.EpochStats{{Epoch: 1, Loss: 0.5}}}\ntotal := 0")
	type check struct {
		code    string
		val     string // expected result, "" for none
		out     string // expected stdout
		errKind string // expected error kind
		errLine int    // expected error line
	}
	templates := []func(i int) check{
		func(i int) check { return check{code: fmt.Sprintf("x := %d\nx * 2", i), val: fmt.Sprint(i * 2)} },
		func(i int) check {
			return check{code: fmt.Sprintf("p := parts[%d]\np", i%3), val: string(rune('a' + i%3))}
		},
		func(i int) check {
			return check{code: fmt.Sprintf("func f%d(n int) int { return n + %d }\nf%d(1)", i%7, i, i%7), val: fmt.Sprint(1 + i)}
		},
		func(i int) check {
			return check{code: fmt.Sprintf("y := 1\nz := y +\nundefinedThing%d", i), errKind: "CompileError", errLine: 3}
		},
		func(i int) check {
			return check{code: fmt.Sprintf("s := []int{1, 2}\nj := %d\nfmt.Println(\"ok\")\n_ = s[j]", 5+i%3), out: "ok\n", errKind: "Panic", errLine: 4}
		},
		func(i int) check {
			return check{code: fmt.Sprintf("for k := range %d { total += k }\ntotal = 0\nfmt.Print(\"t\")", i%5), out: "t"}
		},
		func(i int) check {
			return check{code: "l := hist.Epochs[0].Loss\nl * 2", val: "1"}
		},
		func(i int) check {
			return check{code: fmt.Sprintf("type T%d struct{ A int }\nfunc (t T%d) Get() int { return t.A }\nT%d{%d}.Get()", i%5, i%5, i%5, i), val: fmt.Sprint(i)}
		},
		func(i int) check {
			return check{code: "v, ok := map[string]int{\"k\": 3}[\"k\"]\nfmt.Println(v, ok)", out: "3 true\n"}
		},
		func(i int) check {
			return check{code: fmt.Sprintf("import \"strconv\"\nstrconv.Itoa(%d)", i), val: fmt.Sprint(i)}
		},
		func(i int) check { return check{code: "panic(\"boom\")", errKind: "Panic", errLine: 1} },
		func(i int) check {
			return check{code: fmt.Sprintf("fs := []func() int{}\nfor i := 0; i < 3; i++ { fs = append(fs, func() int { return i }) }\nfs[2]() + %d", i), val: fmt.Sprint(2 + i)}
		},
	}
	for i := 0; i < 3000; i++ {
		c := templates[i%len(templates)](i)
		h.out.Reset()
		res, err := h.e.Execute(ctx, c.code)
		if c.errKind != "" {
			var ee *Error
			if !errors.As(err, &ee) || ee.Kind != c.errKind || ee.Line != c.errLine {
				t.Fatalf("cell %d:\n%s\nwant %s at line %d, got %v", i, c.code, c.errKind, c.errLine, err)
			}
			if !strings.Contains(ee.Traceback[0], fmt.Sprintf("cell line %d", c.errLine)) {
				t.Fatalf("cell %d: traceback %q does not name line %d", i, ee.Traceback, c.errLine)
			}
		} else if err != nil {
			t.Fatalf("cell %d:\n%s\nfailed: %v", i, c.code, err)
		}
		if got := h.out.String(); got != c.out {
			t.Fatalf("cell %d:\n%s\nstdout %q, want %q", i, c.code, got, c.out)
		}
		if c.val != "" {
			if !res.HasValue || fmt.Sprint(res.Value.Interface()) != c.val {
				t.Fatalf("cell %d:\n%s\nresult %v (has %v), want %s", i, c.code, res.Value, res.HasValue, c.val)
			}
		}
	}
}
