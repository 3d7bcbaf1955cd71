package engine

import (
	"fmt"
	"go/ast"
	"reflect"
	"sort"
	"strings"

	"gopad.dev/gopad/internal/pkgdoc"
)

// Python habits: indexing a tensor or a data set like an array (t[0]) made
// yaegi's compiler panic ("CFG post-order panic: ... nil pointer
// dereference"), a message of the interpreter's own. The front-end names the
// index expression instead, with what to write in Go.

// indexHints say what to write instead of indexing a value of a type that
// cannot be indexed, by the type's name as reflect prints it.
var indexHints = map[string]string{
	"*ml.Tensor": "a tensor is not indexed with [ ]: write %[1]s.Row(%[2]s) for a row, %[1]s.At(i, j) for an element, %[1]s.Rows(start, end) for several rows",
	"ml.Dataset": "a data set is not indexed with [ ]: write %[1]s.Slice(%[2]s, %[2]s+1) for one sample, %[1]s.X.Row(%[2]s) for its features",
}

// badIndex finds an index expression of the cell on a value that cannot be
// indexed and returns the error saying so, or nil.
func (e *Engine) badIndex(p *plan) *Error {
	var found *Error
	for _, it := range p.c.items {
		root := it.node()
		if root == nil || found != nil {
			continue
		}
		r := &rewriter{e: e, c: p.c, it: it, skip: map[ast.Node]bool{}}
		ast.Inspect(root, func(n ast.Node) bool {
			ix, ok := n.(*ast.IndexExpr)
			if !ok || found != nil {
				return found == nil
			}
			t := r.exprType(ix.X)
			if t == nil || indexable(t) {
				return true
			}
			x, i := p.c.text(it, ix.X), p.c.text(it, ix.Index)
			msg := fmt.Sprintf("invalid operation: cannot index %s (variable of type %s)", x, t)
			if hint, ok := indexHints[t.String()]; ok {
				msg += "; " + fmt.Sprintf(hint, x, i)
			}
			line, col := lineCol(p.c.src, it.off(ix.Lbrack))
			found = &Error{Kind: "CompileError", Message: msg, Line: line, Col: col}
			found.Traceback = []string{tracebackHead(found)}
			return false
		})
	}
	return found
}

// indexable reports whether values of t can be indexed (or t is a generic
// function being instantiated, which the front-end cannot tell apart).
func indexable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.String, reflect.Func, reflect.Interface:
		return true
	case reflect.Pointer:
		return t.Elem().Kind() == reflect.Array
	}
	return false
}

// interpreterCrash reports whether a compile error is one of yaegi's own
// failures rather than a message about the cell.
func interpreterCrash(msg string) bool {
	return strings.Contains(msg, "CFG post-order panic") || strings.Contains(msg, "nil pointer dereference") && !strings.Contains(msg, "cell line")
}

// genericLibraryFunc reports whether name is a generic function of the
// standard library package at path (from gopad's embedded docs): yaegi
// cannot call those, and its tables leave them out.
func genericLibraryFunc(path, name string) bool {
	doc, err := pkgdoc.Lookup(path)
	if err != nil {
		return false
	}
	sym, ok := doc.Symbol(name)
	return ok && sym.Kind == "func" && strings.HasPrefix(sym.Decl, "func "+name+"[")
}

// genericLibraryType is genericLibraryFunc for types (atomic.Pointer).
func genericLibraryType(path, name string) bool {
	doc, err := pkgdoc.Lookup(path)
	if err != nil {
		return false
	}
	sym, ok := doc.Symbol(name)
	return ok && sym.Kind == "type" && strings.HasPrefix(sym.Decl, "type "+name+"[")
}

// genericFuncMessage names a generic library function the cell called and
// the ones of its package that gopad does provide.
func genericFuncMessage(pkg, path, name string) string {
	msg := fmt.Sprintf("%s.%s is a generic function, which the interpreter cannot call from a cell", pkg, name)
	var have []string
	for n := range packageShims[path] {
		have = append(have, pkg+"."+n)
	}
	sort.Strings(have)
	if len(have) > 0 {
		msg += " (gopad provides " + strings.Join(have, ", ") + "; use a non-generic equivalent for the others)"
	} else {
		msg += " (use a non-generic equivalent)"
	}
	return msg
}

// genericCall finds a call of a generic library function, or an
// instantiation of a generic library type, in the cell.
func (e *Engine) genericCall(p *plan) *Error {
	imports := p.c.cellImports()
	var found *Error
	for _, it := range p.c.items {
		root := it.node()
		if root == nil || found != nil {
			continue
		}
		ast.Inspect(root, func(n ast.Node) bool {
			var sel *ast.SelectorExpr
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, _ = n.Fun.(*ast.SelectorExpr)
			case *ast.IndexExpr: // a generic type instantiated: atomic.Pointer[int]
				sel, _ = n.X.(*ast.SelectorExpr)
			case *ast.IndexListExpr:
				sel, _ = n.X.(*ast.SelectorExpr)
			}
			if sel == nil || found != nil {
				return found == nil
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			e.names.RLock()
			path, ok := e.importNames[id.Name]
			e.names.RUnlock()
			if !ok {
				path, ok = imports[id.Name]
			}
			if ok && packageShims[path][sel.Sel.Name] == "" && (genericLibraryFunc(path, sel.Sel.Name) || genericLibraryType(path, sel.Sel.Name)) {
				line, col := lineCol(p.c.src, it.off(sel.Sel.Pos()))
				found = &Error{Kind: "CompileError", Line: line, Col: col, Message: e.undefinedSymbol(id.Name, path, sel.Sel.Name)}
				found.Traceback = []string{tracebackHead(found)}
			}
			return found == nil
		})
	}
	return found
}
