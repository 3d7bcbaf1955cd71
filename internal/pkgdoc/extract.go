package pkgdoc

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Extract reads the Go package in dir (built for the current GOOS and GOARCH, test
// files left out) and returns the documentation of its exported API, as
// `go doc` shows it: each symbol's declaration without bodies and its doc comment.
func Extract(dir, importPath string) (*Package, error) {
	ctx := build.Default
	bp, err := ctx.ImportDir(dir, 0)
	if err != nil {
		return nil, fmt.Errorf("read package %s in %s: %w", importPath, dir, err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", importPath, err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", importPath, err)
		}
		files = append(files, f)
	}
	mode := doc.Mode(0)
	if importPath == "builtin" {
		// builtin's names are all lower case; they are its API.
		mode = doc.AllDecls
	}
	p, err := doc.NewFromFiles(fset, files, importPath, mode)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", importPath, err)
	}
	out := &Package{Path: importPath, Name: p.Name, Doc: p.Doc}
	add := func(s Symbol) { out.Symbols = append(out.Symbols, s) }
	values := func(kind string, vs []*doc.Value) {
		for _, v := range vs {
			for _, spec := range v.Decl.Specs {
				vspec := spec.(*ast.ValueSpec)
				text := valueSpecDoc(vspec, v.Doc)
				decl := kind + " " + print(fset, vspec)
				if len(v.Decl.Specs) == 1 {
					decl = print(fset, &ast.GenDecl{Tok: v.Decl.Tok, Specs: []ast.Spec{stripValueSpec(vspec)}})
				}
				for _, n := range vspec.Names {
					if n.Name == "_" || (mode == 0 && !n.IsExported()) {
						continue
					}
					add(Symbol{Name: n.Name, Kind: kind, Decl: decl, Doc: text})
				}
			}
		}
	}
	funcs := func(fs []*doc.Func) {
		for _, f := range fs {
			d := *f.Decl
			d.Body, d.Doc = nil, nil
			add(Symbol{Name: f.Name, Kind: "func", Decl: print(fset, &d), Doc: f.Doc})
		}
	}
	values("const", p.Consts)
	values("var", p.Vars)
	funcs(p.Funcs)
	for _, t := range p.Types {
		d := *t.Decl
		d.Doc = nil
		add(Symbol{Name: t.Name, Kind: "type", Decl: print(fset, &d), Doc: t.Doc})
		values("const", t.Consts)
		values("var", t.Vars)
		funcs(t.Funcs)
		for _, m := range t.Methods {
			md := *m.Decl
			md.Body, md.Doc = nil, nil
			add(Symbol{Name: t.Name + "." + m.Name, Kind: "method", Decl: print(fset, &md), Doc: m.Doc})
		}
		for _, spec := range t.Decl.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok || ts.Name.Name != t.Name {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, f := range st.Fields.List {
				text := f.Doc.Text()
				if text == "" {
					text = f.Comment.Text()
				}
				for _, n := range f.Names {
					if !n.IsExported() {
						continue
					}
					add(Symbol{Name: t.Name + "." + n.Name, Kind: "field", Decl: n.Name + " " + print(fset, f.Type), Doc: text})
				}
			}
		}
	}
	sort.Slice(out.Symbols, func(i, j int) bool { return out.Symbols[i].Name < out.Symbols[j].Name })
	return out, nil
}

// valueSpecDoc is the doc of one const or var: its own comment, else its group's.
func valueSpecDoc(s *ast.ValueSpec, group string) string {
	if t := s.Doc.Text(); t != "" {
		return t
	}
	if t := s.Comment.Text(); t != "" {
		return t
	}
	return group
}

// stripValueSpec drops a spec's comments, which the doc already carries.
func stripValueSpec(s *ast.ValueSpec) *ast.ValueSpec {
	c := *s
	c.Doc, c.Comment = nil, nil
	return &c
}

// print formats a node as gofmt would, without comments.
func print(fset *token.FileSet, node any) string {
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&b, fset, node); err != nil {
		return fmt.Sprintf("(cannot print: %v)", err)
	}
	return strings.TrimSpace(b.String())
}
