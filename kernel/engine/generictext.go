package engine

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
)

// fmt does not call the String or Error method of a generic type defined in
// a cell: yaegi gives fmt the bare struct of an instance such as
// Pair[string,int], and the front-end cannot name a caller of the method for
// every instance. Printing such a value printed its fields ({a 1} where Go
// prints a=1), a silently wrong answer; Show refuses it instead, naming the
// type and the method to call.

// isGenericType reports whether cell type name is declared with type
// parameters.
func (e *Engine) isGenericType(p *plan, name string) bool {
	d := p.stored[name] // this cell's, before the engine keeps it
	if d == nil {
		d = e.decls[name]
	}
	if d == nil || !d.isType {
		return false
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package main\n"+d.src, parser.SkipObjectResolution)
	if err != nil {
		return false
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.Name == name && ts.TypeParams != nil {
				return true
			}
		}
	}
	return false
}

func (s *shower) setGenericText(name, method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.genericText == nil {
		s.genericText = map[string]string{}
	}
	s.genericText[name] = method
}

// refuseGenericText panics, naming the type and method, when arg (a printed
// argument as the show box receives it) holds an instance of a generic cell
// type with a String or Error method, directly or in its elements or fields.
func (s *shower) refuseGenericText(arg any) {
	s.mu.RLock()
	none := len(s.genericText) == 0
	s.mu.RUnlock()
	if none {
		return
	}
	_, t, ok := s.fromInterp(reflect.ValueOf(arg))
	if !ok {
		return
	}
	s.mu.RLock()
	name, method := s.genericTextIn(t, 0)
	s.mu.RUnlock()
	if name != "" {
		panic(fmt.Errorf("fmt cannot call the %s method of %s, an instance of a generic type defined in a cell "+
			"(the interpreter hands fmt its bare fields, which would print wrong); print the method's result instead, e.g. fmt.Println(v.%s())",
			method, name, method))
	}
}

// genericTextIn finds an instance of a type of s.genericText in t. s.mu is
// held.
func (s *shower) genericTextIn(t *showType, depth int) (name, method string) {
	if t == nil || depth > 8 {
		return "", ""
	}
	if base, _, ok := strings.Cut(t.name, "["); ok && t.path != "main" || ok && t.path == "main" {
		if m, found := s.genericText[base]; found {
			return t.name, m
		}
	}
	if t.name != "" && !strings.Contains(t.name, "[") {
		return "", "" // a named non-generic type: its own String method, if any, is called
	}
	for _, c := range []*showType{t.elem, t.key} {
		if n, m := s.genericTextIn(c, depth+1); n != "" {
			return n, m
		}
	}
	for _, f := range t.fields {
		if n, m := s.genericTextIn(f.typ, depth+1); n != "" {
			return n, m
		}
	}
	return "", ""
}
