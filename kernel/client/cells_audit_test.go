package client_test

import (
	"strings"
	"testing"

	"gopad.dev/gopad/kernel/protocol"
)

// These tests run the cell forms of issue 2 item 3 and the errors of item 4
// through a real kernel process, as the Tests section asks: the engine
// tests cover them in-process, these check that the kernel process, its output
// capture and the protocol carry them unchanged.

// cellStep is one cell and what it must show: want is its Out[n] text ("" for no
// result), stdout a substring of its printed output.
type cellStep struct {
	code, want, stdout string
}

func runSteps(t *testing.T, steps []cellStep) {
	t.Helper()
	k := start(t)
	for _, s := range steps {
		r := mustRun(t, k, s.code)
		got := r.results()
		switch {
		case s.want == "" && len(got) != 0:
			t.Errorf("cell %q: results %q, want none", s.code, got)
		case s.want != "" && (len(got) != 1 || got[0] != s.want):
			t.Errorf("cell %q: results %q, want [%q]", s.code, got, s.want)
		}
		if s.stdout != "" && !strings.Contains(r.stream("stdout"), s.stdout) {
			t.Errorf("cell %q: stdout %q, want it to contain %q", s.code, r.stream("stdout"), s.stdout)
		}
	}
}

func TestCellFormsThroughRealKernel(t *testing.T) {
	cases := map[string][]cellStep{
		"mixed cell in any order": {
			{code: "total := add(2, 3)\nimport \"strings\"\nfunc add(a, b int) int { return a + b }\ntype Pair struct{ A, B int }\nconst scale = 10\nvar label = strings.ToUpper(\"ok\")\ntotal * scale", want: "50"},
			{code: "Pair{1, 2}.B + len(label)", want: "4"},
		},
		"re-run and re-import": {
			{code: "import \"strings\"\ns := strings.Repeat(\"ab\", 2)\nlen(s)", want: "4"},
			{code: "import \"strings\"\ns := strings.Repeat(\"ab\", 2)\nlen(s)", want: "4"},
			{code: "import (\n\t\"strings\"\n\tm \"math\"\n)\nlen(strings.ToUpper(\"x\")) + int(m.Sqrt(16))", want: "5"},
		},
		"redefinition takes effect": {
			{code: "func g() int { return 1 }\nfunc f() int { return g() * 10 }"},
			{code: "f()", want: "10"},
			{code: "func g() int { return 2 }"},
			{code: "f()", want: "20"},
			{code: "type T struct{ A int }\nfunc (t T) Sum() int { return t.A }"},
			{code: "type T struct{ A, B int }\nfunc (t T) Sum() int { return t.A + t.B }"},
			{code: "T{A: 1, B: 2}.Sum()", want: "3"},
			{code: "x := 1\nfunc getX() int { return x }"},
			{code: "x := 5"},
			{code: "getX()", want: "5"},
		},
		"final expression only": {
			{code: "v := 3"},
			{code: "import \"fmt\"\nfmt.Println(\"side\")", stdout: "side\n"},
			{code: "v * 2", want: "6"},
			{code: "v++"},
		},
		"comma-ok at top level": {
			{code: "import \"fmt\"\nm := map[string]int{\"a\": 1}\nvar a any = 3\nch := make(chan int, 1)\nch <- 42"},
			{code: "v, ok := m[\"a\"]\nn, isInt := a.(int)\nr, open := <-ch\nfmt.Sprint(v, ok, n, isInt, r, open)", want: "1 true 3 true 42 true"},
			{code: "if w, ok := m[\"a\"]; ok { fmt.Println(\"found\", w) }", stdout: "found 1"},
		},
		"type switch on cell types": {
			{code: "type Sq struct{ W float64 }\nfunc (q Sq) Area() float64 { return q.W * q.W }\nvar a any = Sq{2}\nkind := 0.0\nswitch v := a.(type) {\ncase Sq:\n\tkind = v.Area()\ndefault:\n\tkind = -1\n}\nkind", want: "4"},
		},
		"method expressions": {
			{code: "type P struct{ A int }\nfunc (p P) Get() int { return p.A }\nfunc (p *P) Set(v int) { p.A = v }"},
			{code: "get := P.Get\nset := (*P).Set\np := &P{}\nset(p, 9)\nget(*p)", want: "9"},
		},
		"leading func literal runs once": {
			{code: "count := 0"},
			{code: "func() { count++ }()"},
			{code: "y := 1"},
			{code: "z := 2"},
			{code: "count", want: "1"},
		},
		"min max clear": {
			{code: "min(3, 1, 2) + max(4, 9)", want: "10"},
			{code: "import \"fmt\"\nm := map[string]int{\"a\": 1}\ns := []int{1, 2}\nclear(m)\nclear(s)\nfmt.Sprint(len(m), s)", want: "0 [0 0]"},
		},
		"range over int and per-iteration variables": {
			{code: "sum := 0\nfor i := range 10 { sum += i }\nsum", want: "45"},
			{code: "var fs []func() int\nfor i := 0; i < 3; i++ { fs = append(fs, func() int { return i }) }\nacc := 0\nfor _, f := range fs { acc = acc*10 + f() }\nacc", want: "12"},
		},
		"generic helpers": {
			{code: "import (\"maps\"; \"slices\")\nxs := []int{3, 1, 2}\nslices.Sort(xs)\nxs", want: "[1 2 3]"},
			{code: "type Q struct{ N string; A int }\nqs := []Q{{\"a\", 3}, {\"b\", 1}, {\"c\", 2}}\nslices.SortFunc(qs, func(x, y Q) int { return x.A - y.A })\nqs[0].N + qs[1].N + qs[2].N", want: "bca"},
			{code: "slices.Max(xs)*100 + slices.Min(xs)*10 + slices.Index(xs, 3)", want: "312"},
			{code: "slices.Contains(xs, 2)", want: "true"},
			{code: "slices.Reverse(xs)\nxs", want: "[3 2 1]"},
			{code: "m := map[string]int{\"b\": 2, \"a\": 1}\nslices.Sorted(maps.Keys(m))", want: `["a" "b"]`},
			{code: "vals := slices.Collect(maps.Values(m))\nslices.Sort(vals)\nvals", want: "[1 2]"},
		},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) { runSteps(t, steps) })
	}
}

// failCell runs code and returns the error reply, failing the test unless the
// cell failed and the kernel stayed alive.
func failCell(t *testing.T, r *cellRun) protocol.ExecuteReplyContent {
	t.Helper()
	if r.err != nil {
		t.Fatalf("cell: %v (the kernel must survive a failing cell)", r.err)
	}
	if r.reply.Status != protocol.ReplyError {
		t.Fatalf("reply = %+v, want an error", r.reply)
	}
	return r.reply
}

func TestErrorsThroughRealKernel(t *testing.T) {
	k := start(t)
	mustRun(t, k, "kept := 7")

	// A compile error names the cell's own line and column.
	e := failCell(t, execute(t, k, "x := 1\n\ny := x +\n  undefinedThing\n"))
	text := e.EName + ": " + e.EValue + "\n" + strings.Join(e.Traceback, "\n")
	if !strings.Contains(text, "undefinedThing") || !strings.Contains(text, "cell line 4, column 3") {
		t.Errorf("compile error %q does not name undefinedThing at 4:3", text)
	}

	// A runtime panic shows its value and the cell line.
	mustRun(t, k, "func get(xs []int, i int) int {\n\treturn xs[i]\n}")
	e = failCell(t, execute(t, k, "xs := []int{1, 2, 3}\n\nget(xs, 5)"))
	text = e.EName + ": " + e.EValue + "\n" + strings.Join(e.Traceback, "\n")
	t.Logf("index panic reads: %q", text)
	if !strings.Contains(text, "index out of range") || !strings.Contains(text, "cell line 3") {
		t.Errorf("panic %q does not show the value and cell line 3", text)
	}

	// A nil dereference inside the interpreter is contained, not a crash.
	e = failCell(t, execute(t, k, "type Node struct{ N int }\nvar np *Node\nnp.N"))
	if text := e.EValue + strings.Join(e.Traceback, "\n"); !strings.Contains(text, "nil pointer") {
		t.Errorf("nil dereference error %q does not say nil pointer", text)
	}

	// A construct that cannot run is named with its line (range over a
	// function runs now; a defer in its body cannot be made right).
	mustRun(t, k, "func seq(yield func(int) bool) { yield(1) }")
	e = failCell(t, execute(t, k, "func f() {\n\tfor v := range seq {\n\t\tdefer println(v)\n\t}\n}"))
	text = e.EValue + "\n" + strings.Join(e.Traceback, "\n")
	if !strings.Contains(text, "defer inside a range-over-function loop") || !strings.Contains(text, "cell line 3") {
		t.Errorf("unsupported construct error %q does not name the construct and line 3", text)
	}

	// State survives every one of them.
	if got := mustRun(t, k, "kept * 6").results(); len(got) != 1 || got[0] != "42" {
		t.Errorf("after the errors kept * 6 = %q, want 42", got)
	}
}

// TestProtocolLookalikeOutputIsJustOutput checks issue 2 item 2: the kernel is
// spoken to over a channel that is not its stdout, so a cell printing text that
// looks like protocol messages neither ends the cell nor confuses the client.
func TestProtocolLookalikeOutputIsJustOutput(t *testing.T) {
	k := start(t)
	mustRun(t, k, `import ("fmt"; "os")`)
	fake := `{"type":"execute_reply","content":{"status":"ok","execution_count":999}}` + "\n" + `{"type":"status","content":{"execution_state":"idle"}}` + "\n"
	r := mustRun(t, k, "fmt.Print(`"+fake+"`)\nos.Stderr.WriteString(`"+fake+"`)\n6 * 7")
	if got := r.stream("stdout"); got != fake {
		t.Errorf("stdout = %q, want the lookalike text unchanged", got)
	}
	if got := r.stream("stderr"); got != fake {
		t.Errorf("stderr = %q, want the lookalike text unchanged", got)
	}
	if got := r.results(); len(got) != 1 || got[0] != "42" {
		t.Errorf("results = %q, want the cell to run on to 42", got)
	}
	if r.reply.ExecutionCount == 999 {
		t.Error("the printed execute_reply was taken for the real one")
	}
}
