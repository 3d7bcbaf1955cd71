package notebooks_test

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gopad.dev/gopad/notebooks"
)

// cellsAsProgram turns a notebook's code cells into one Go program: imports and
// declarations at package level, statements in order in main, so that the Go type
// checker can check the cells against the current APIs of gopad's packages. The
// examples keep each cell either declarations or statements, which makes this a
// mechanical rewrite (the kernel's front-end handles mixed cells as well).
func cellsAsProgram(nb *notebooks.Notebook) (string, error) {
	imports := map[string]bool{}
	var decls, stmts []string
	fset := token.NewFileSet()
	for n, c := range nb.Cells {
		if c.Type != notebooks.CodeCell || strings.TrimSpace(c.Source) == "" {
			continue
		}
		if f, err := parser.ParseFile(fset, "", "package main\n"+c.Source, parser.ParseComments); err == nil {
			for _, d := range f.Decls {
				if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
					for _, s := range g.Specs {
						path, _ := strconv.Unquote(s.(*ast.ImportSpec).Path.Value)
						if strings.HasPrefix(path, "gopad/") {
							path = "gopad.dev/" + path // cells import gopad's packages by short path
						}
						imports[path] = true
					}
					continue
				}
				var b strings.Builder
				if err := format.Node(&b, fset, d); err != nil {
					return "", err
				}
				decls = append(decls, b.String())
			}
			continue
		}
		// A statements cell may start with its imports (the kernel takes them
		// at any top-level position; the examples put them first).
		source := c.Source
		if head, err := parser.ParseFile(fset, "", "package main\n"+source, parser.ImportsOnly); err == nil && len(head.Imports) > 0 {
			last := head.Decls[len(head.Decls)-1]
			end := fset.Position(last.End()).Offset - len("package main\n")
			for _, spec := range head.Imports {
				path, _ := strconv.Unquote(spec.Path.Value)
				if strings.HasPrefix(path, "gopad/") {
					path = "gopad.dev/" + path
				}
				imports[path] = true
			}
			source = source[end:]
		}
		f, err := parser.ParseFile(fset, "", "package main\nfunc _() {\n"+source+"\n}", 0)
		if err != nil {
			return "", fmt.Errorf("cell %d (%s) is neither declarations nor statements: %v", n+1, c.ID, err)
		}
		body := f.Decls[0].(*ast.FuncDecl).Body.List
		for i, s := range body {
			var b strings.Builder
			if err := format.Node(&b, fset, s); err != nil {
				return "", err
			}
			text := b.String()
			// A final non-call expression is the cell's result: keep it used.
			if e, ok := s.(*ast.ExprStmt); ok && i == len(body)-1 {
				if _, isCall := e.X.(*ast.CallExpr); !isCall {
					text = "_ = " + text
				}
			}
			stmts = append(stmts, text)
		}
	}
	var prog strings.Builder
	prog.WriteString("package main\n\nimport (\n")
	for p := range imports {
		fmt.Fprintf(&prog, "\t%q\n", p)
	}
	prog.WriteString(")\n\n")
	for _, d := range decls {
		prog.WriteString(d + "\n\n")
	}
	prog.WriteString("func main() {\n")
	for _, s := range stmts {
		prog.WriteString(s + "\n")
	}
	prog.WriteString("}\n")
	return prog.String(), nil
}

// sourceImporter type-checks imported packages from source, once per test binary.
var sourceImporter = sync.OnceValues(func() (*token.FileSet, types.Importer) {
	fset := token.NewFileSet()
	return fset, importer.ForCompiler(fset, "source", nil)
})

// typeCheck returns the type errors of a notebook's code cells as one program.
func typeCheck(t *testing.T, nb *notebooks.Notebook) []string {
	t.Helper()
	src, err := cellsAsProgram(nb)
	if err != nil {
		t.Fatal(err)
	}
	fset, imp := sourceImporter()
	f, err := parser.ParseFile(fset, "cells.go", src, 0)
	if err != nil {
		t.Fatalf("%v\n%s", err, numbered(src))
	}
	var problems []string
	conf := types.Config{
		Importer: imp,
		Error: func(err error) {
			msg := err.Error()
			// Notebooks compute values to look at them; unused is fine here.
			if strings.Contains(msg, "declared and not used") || strings.Contains(msg, "imported and not used") {
				return
			}
			problems = append(problems, msg)
		},
	}
	conf.Check("main", fset, []*ast.File{f}, nil)
	if len(problems) > 0 {
		t.Logf("program:\n%s", numbered(src))
	}
	return problems
}

// TestExamplesTypeCheck checks every example's code against the current APIs of
// display, ml and the standard library, so that an API change that breaks an
// example fails here rather than in front of a user.
func TestExamplesTypeCheck(t *testing.T) {
	for _, name := range notebooks.ExampleNames() {
		t.Run(name, func(t *testing.T) {
			nb, err := notebooks.LoadExample(name)
			if err != nil {
				t.Fatal(err)
			}
			if problems := typeCheck(t, nb); len(problems) > 0 {
				t.Errorf("%s does not type-check:\n%s", name, strings.Join(problems, "\n"))
			}
		})
	}
}

func TestTypeCheckCatchesBrokenCells(t *testing.T) {
	nb := notebooks.New()
	nb.Cells = []*notebooks.Cell{
		notebooks.NewCell(notebooks.CodeCell, "import \"gopad/display\""),
		notebooks.NewCell(notebooks.CodeCell, "x := display.NoSuchFunction(1)\nx"),
	}
	problems := typeCheck(t, nb)
	if len(problems) != 1 || !strings.Contains(problems[0], "NoSuchFunction") {
		t.Errorf("problems = %q, want one naming NoSuchFunction", problems)
	}
}

func numbered(src string) string {
	lines := strings.Split(src, "\n")
	for i := range lines {
		lines[i] = fmt.Sprintf("%4d  %s", i+1, lines[i])
	}
	return strings.Join(lines, "\n")
}
