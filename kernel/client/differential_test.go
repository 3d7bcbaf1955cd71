package client_test

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/doc"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"gopad.dev/gopad/kernel/protocol"
)

// The differential corpus: the runnable examples of the Go standard library
// that the Go toolchain running the tests ships (each a real program with the
// output its "// Output:" comment states, checked by Go's own tests), built
// with the go command and run compiled, then run as notebook cells through a
// real kernel process (the declarations and imports in one cell, main's body
// in the next), and the outputs compared.
//
// A program counts only when the compiled run prints its stated output
// (examples that print times, addresses or map orders are left out that
// way). Each counted program is then one of:
//
//	right            the cells print what the compiled program printed
//	refused          a cell failed with an error (the construct is named)
//	silently wrong   the cells ran and printed something else
//
// Silently wrong answers are what gopad must never give: the test fails on
// any but those listed in knownWrong, each with why it is wrong (work left,
// not accepted behaviour; a listed program that comes right fails the test
// too, so that the list only shrinks). The share of right programs must stay
// at or above minRightShare.

// minRightShare is the share of programs the cells must get right.
const minRightShare = 0.95

// skippedImports are packages whose examples do not run as notebook cells by
// design (servers, processes, the go command, the runtime's own internals)
// or need what a test machine may lack.
var skippedImports = []string{
	"net", "os/exec", "os/signal", "syscall", "plugin", "testing", "runtime", "unsafe", "embed",
	"debug/", "go/build", "log/syslog", "internal/", "crypto/tls", "crypto/x509", "iter", "unique", "weak",
	"sync/atomic", "structs",
}

// knownWrong lists the programs the cells still get silently wrong.
var knownWrong = map[string]string{}

type goExample struct {
	name   string // package.ExampleName
	src    string // the program, formatted
	decls  string // imports and top-level declarations, as a cell
	body   string // main's body, as a cell
	output string // the stated output
}

// TestDifferentialCorpus builds and runs the corpus; -short leaves it out.
func TestDifferentialCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("the differential corpus builds and runs hundreds of programs")
	}
	goroot := strings.TrimSpace(runCmd(t, "", "go", "env", "GOROOT"))
	examples := collectExamples(t, filepath.Join(goroot, "src"))
	if len(examples) < 200 {
		t.Fatalf("found %d runnable examples in %s, want hundreds", len(examples), goroot)
	}
	compiled := runCompiled(t, examples)

	var right, refused, counted int
	var wrong, refusals []string
	k := start(t)
	for _, ex := range examples {
		out, ok := compiled[ex.name]
		if !ok || strings.TrimSpace(out) != strings.TrimSpace(ex.output) {
			continue // no known output
		}
		counted++
		// Each program in a fresh kernel process: programs reuse names.
		if err := k.Restart(context.Background()); err != nil {
			t.Fatalf("restart kernel: %v", err)
		}
		got, cellErr := runCells(t, k, ex)
		switch {
		case cellErr != "":
			refused++
			refusals = append(refusals, ex.name+": "+firstLine(cellErr))
		case strings.TrimSpace(got) == strings.TrimSpace(out):
			right++
			if _, listed := knownWrong[ex.name]; listed {
				t.Errorf("%s is right now: remove it from knownWrong", ex.name)
			}
		default:
			wrong = append(wrong, ex.name)
			if _, listed := knownWrong[ex.name]; !listed {
				t.Errorf("silently wrong: %s\n--- program:\n%s\n--- compiled printed:\n%s\n--- cells printed:\n%s", ex.name, ex.src, out, got)
			}
		}
	}
	share := float64(right) / float64(counted)
	t.Logf("differential corpus: %d programs with known output: %d right (%.1f%%), %d refused with an error, %d silently wrong",
		counted, right, 100*share, refused, len(wrong))
	sort.Strings(refusals)
	for _, r := range refusals {
		t.Logf("refused: %s", r)
	}
	for _, w := range wrong {
		if why, listed := knownWrong[w]; listed {
			t.Logf("silently wrong (known): %s: %s", w, why)
		}
	}
	if share < minRightShare {
		t.Errorf("%.1f%% of the programs right, want at least %.0f%%", 100*share, 100*minRightShare)
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// runCmd runs a command and returns its output, failing the test on error.
func runCmd(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// collectExamples returns the playable examples with a stated, ordered
// output of the standard library's external test packages.
func collectExamples(t *testing.T, src string) []goExample {
	t.Helper()
	var out []goExample
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "vendor", "cmd", "internal":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(d.Name(), "example") || !strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil || !strings.HasSuffix(f.Name.Name, "_test") {
			return nil
		}
		rel, _ := filepath.Rel(src, filepath.Dir(path))
		for _, ex := range doc.Examples(f) {
			if ex.Play == nil || ex.Output == "" || ex.Unordered || skipped(ex.Play) {
				continue
			}
			g, ok := programOf(fset, ex.Play)
			if !ok {
				continue
			}
			g.name = filepath.ToSlash(rel) + ".Example" + ex.Name
			g.output = ex.Output
			out = append(out, g)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", src, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func skipped(f *ast.File) bool {
	for _, imp := range f.Imports {
		path := strings.Trim(imp.Path.Value, `"`)
		for _, s := range skippedImports {
			if path == s || strings.HasSuffix(s, "/") && strings.HasPrefix(path, s) || strings.HasPrefix(path, s+"/") {
				return true
			}
		}
	}
	return false
}

// programOf formats a playable example and cuts it into the two cells.
func programOf(fset *token.FileSet, f *ast.File) (goExample, bool) {
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return goExample{}, false
	}
	src := b.String()
	// Parse the formatted text again: positions then index src.
	pf, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.ParseComments)
	if err != nil {
		return goExample{}, false
	}
	var decls, body strings.Builder
	for _, d := range pf.Decls {
		start, end := int(d.Pos())-1, int(d.End())-1
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "main" && fd.Recv == nil {
			if fd.Body == nil {
				return goExample{}, false
			}
			body.WriteString(strings.TrimSpace(src[int(fd.Body.Lbrace) : int(fd.Body.Rbrace)-1]))
			continue
		}
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "init" && fd.Recv == nil {
			return goExample{}, false // cells have no init
		}
		decls.WriteString(src[start:end])
		decls.WriteString("\n")
	}
	return goExample{src: src, decls: strings.TrimSpace(decls.String()), body: body.String()}, body.Len() > 0
}

// runCompiled builds every example into one binary (a package per example,
// so that one link serves them all) and runs each; it returns what each
// printed, for those that built and exited normally.
func runCompiled(t *testing.T, examples []goExample) map[string]string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module corpus\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	built := map[string]bool{}
	for i, ex := range examples {
		pkg := fmt.Sprintf("p%03d", i)
		src := strings.Replace(ex.src, "package main", "package "+pkg, 1)
		src = strings.Replace(src, "\nfunc main() {", "\nfunc Main() {", 1)
		pdir := filepath.Join(dir, pkg)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pdir, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		built[pkg] = true
	}
	// Packages that do not build here (build constraints, experiments,
	// a newer Go) are left out: each build names the failing ones.
	bin := filepath.Join(dir, "corpus")
	failing := regexp.MustCompile(`corpus/(p\d{3})`)
	for attempt := 0; ; attempt++ {
		var imports, cases strings.Builder
		for i := range examples {
			pkg := fmt.Sprintf("p%03d", i)
			if !built[pkg] {
				continue
			}
			fmt.Fprintf(&imports, "\t%s \"corpus/%s\"\n", pkg, pkg)
			fmt.Fprintf(&cases, "\tcase %q:\n\t\t%s.Main()\n", pkg, pkg)
		}
		driver := "package main\n\nimport (\n\t\"os\"\n" + imports.String() + ")\n\nfunc main() {\n\tswitch os.Args[1] {\n" + cases.String() + "\t}\n}\n"
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(driver), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Dir = dir
		msg, err := cmd.CombinedOutput()
		if err == nil {
			break
		}
		bad := failing.FindAllStringSubmatch(string(msg), -1)
		if len(bad) == 0 || attempt > 20 {
			t.Fatalf("go build of the corpus: %v\n%s", err, msg)
		}
		for _, m := range bad {
			delete(built, m[1])
		}
	}
	out := map[string]string{}
	for i, ex := range examples {
		pkg := fmt.Sprintf("p%03d", i)
		if !built[pkg] {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, bin, pkg)
		cmd.Dir = t.TempDir()
		stdout, err := cmd.Output()
		cancel()
		if err == nil {
			out[ex.name] = string(stdout)
		}
	}
	return out
}

// runCells runs an example as two cells and returns their printed output,
// or the first cell error.
func runCells(t *testing.T, k interface {
	Execute(context.Context, string, func(protocol.Message)) (protocol.ExecuteReplyContent, error)
}, ex goExample) (string, string) {
	t.Helper()
	var printed strings.Builder
	for _, code := range []string{ex.decls, ex.body} {
		if code == "" {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		reply, err := k.Execute(ctx, code, func(m protocol.Message) {
			var s protocol.StreamContent
			if m.Type == protocol.Stream && m.Decode(&s) == nil && s.Name == "stdout" {
				printed.WriteString(s.Text)
			}
		})
		cancel()
		if err != nil {
			return printed.String(), "kernel: " + err.Error()
		}
		if reply.Status != protocol.ReplyOK {
			return printed.String(), reply.EName + ": " + reply.EValue
		}
	}
	return printed.String(), ""
}
