package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// funcIndexFault locates an index out of range inside the cell function fn,
// whose frame yaegi reported at the function's first statement (yaegi v0.16.1
// names the frame's entry node, not the failing one). It costs nothing until
// a panic: the function's stored source is parsed again, and
//
//   - when the function was called by the running cell's top-level statement
//     stmtLine with arguments that can be evaluated again without side effects
//     (names of the session, literals, composite literals of those), each
//     index expression whose operands use only parameters the body never
//     assigns is evaluated with the arguments in place of the parameters; if
//     exactly one is out of range, its position and the Go runtime's
//     " [i] with length n" are returned;
//   - otherwise, if the function has a single index expression, that is the
//     one that failed: its position is returned without detail.
//
// ok is false when neither applies.
func (e *Engine) funcIndexFault(p *plan, fn string, stmtLine int) (loc location, detail string, ok bool) {
	d := e.declOf(p, fn)
	if d == nil || d.isType {
		return location{}, "", false
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", "package main\n"+d.src, parser.SkipObjectResolution)
	if err != nil || len(file.Decls) != 1 {
		return location{}, "", false
	}
	decl, isFunc := file.Decls[0].(*ast.FuncDecl)
	if !isFunc || decl.Body == nil || decl.Recv != nil {
		return location{}, "", false
	}
	var indexes []*ast.IndexExpr
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // a closure's own frame would be reported
		case *ast.IndexExpr:
			indexes = append(indexes, n)
		}
		return true
	})
	position := func(x *ast.IndexExpr) location {
		pos := fset.Position(x.Lbrack)
		return decode(pos.Line, pos.Column)
	}
	if args := e.callArgs(p, fn, stmtLine); args != nil {
		params := paramNames(decl)
		if len(params) == len(args) {
			subst := map[string]string{}
			for i, name := range params {
				if name != "_" && !assigned(decl.Body, name) {
					subst[name] = "(" + args[i] + ")"
				}
			}
			var found []*ast.IndexExpr
			var details []string
			for _, x := range indexes {
				xs, ok1 := substitute(x.X, subst)
				is, ok2 := substitute(x.Index, subst)
				if !ok1 || !ok2 {
					continue
				}
				if detail, out := e.outOfRange(xs, is); out {
					found = append(found, x)
					details = append(details, detail)
				}
			}
			if len(found) == 1 {
				return position(found[0]), details[0], true
			}
		}
	}
	if len(indexes) == 1 {
		return position(indexes[0]), "", true
	}
	return location{}, "", false
}

// declOf returns the stored declaration of name: the running cell's, else an
// earlier cell's, or nil.
func (e *Engine) declOf(p *plan, name string) *storedDecl {
	if d := p.stored[name]; d != nil {
		return d
	}
	return e.decls[name]
}

// paramNames lists a function's parameter names in order, "_" for unnamed
// ones; nil for a variadic function, whose arguments do not map one to one.
func paramNames(decl *ast.FuncDecl) []string {
	var names []string
	for _, f := range decl.Type.Params.List {
		if _, variadic := f.Type.(*ast.Ellipsis); variadic {
			return nil
		}
		if len(f.Names) == 0 {
			names = append(names, "_")
		}
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
	}
	return names
}

// assigned reports whether body may change the variable name: an assignment,
// ++/--, its address taken, or a declaration that shadows it.
func assigned(body *ast.BlockStmt, name string) bool {
	found := false
	is := func(x ast.Expr) bool {
		id, ok := ast.Unparen(x).(*ast.Ident)
		return ok && id.Name == name
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				found = found || is(l)
			}
		case *ast.IncDecStmt:
			found = found || is(n.X)
		case *ast.UnaryExpr:
			found = found || n.Op == token.AND && is(n.X)
		case *ast.RangeStmt:
			found = found || n.Key != nil && is(n.Key) || n.Value != nil && is(n.Value)
		case *ast.ValueSpec:
			for _, id := range n.Names {
				found = found || id.Name == name
			}
		case *ast.FuncLit:
			for _, f := range n.Type.Params.List {
				for _, id := range f.Names {
					found = found || id.Name == name
				}
			}
		}
		return !found
	})
	return found
}

// substitute returns the source of x with the names in subst replaced, if x
// is side-effect free and names nothing but those parameters and literals.
func substitute(x ast.Expr, subst map[string]string) (string, bool) {
	if !pureExpr(x) {
		return "", false
	}
	var b strings.Builder
	ok := true
	var walk func(x ast.Expr)
	walk = func(x ast.Expr) {
		switch x := x.(type) {
		case *ast.Ident:
			s, known := subst[x.Name]
			ok = ok && known
			b.WriteString(s)
		case *ast.BasicLit:
			b.WriteString(x.Value)
		case *ast.ParenExpr:
			b.WriteString("(")
			walk(x.X)
			b.WriteString(")")
		case *ast.SelectorExpr:
			walk(x.X)
			b.WriteString("." + x.Sel.Name)
		case *ast.IndexExpr:
			walk(x.X)
			b.WriteString("[")
			walk(x.Index)
			b.WriteString("]")
		case *ast.BinaryExpr:
			b.WriteString("(")
			walk(x.X)
			b.WriteString(" " + x.Op.String() + " ")
			walk(x.Y)
			b.WriteString(")")
		case *ast.UnaryExpr:
			b.WriteString(x.Op.String() + "(")
			walk(x.X)
			b.WriteString(")")
		default:
			ok = false
		}
	}
	walk(x)
	return b.String(), ok
}

// callArgs returns the argument sources of the single call fn(...) made by
// the running cell's plain top-level statement at line stmtLine, if every
// argument can be evaluated again without side effects from session names.
func (e *Engine) callArgs(p *plan, fn string, stmtLine int) []string {
	var calls []*ast.CallExpr
	var where *item
	for _, it := range p.c.items {
		if it.stmt == nil || it.wrap {
			continue
		}
		if first, _ := lineCol(p.c.src, it.start); first != stmtLine {
			continue
		}
		ast.Inspect(it.stmt, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.BlockStmt:
				return false
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == fn {
					calls = append(calls, n)
					where = it
				}
			}
			return true
		})
	}
	if len(calls) != 1 || calls[0].Ellipsis.IsValid() {
		return nil
	}
	var args []string
	for _, a := range calls[0].Args {
		if !rereadable(a) || !e.allGlobal(p, a) {
			return nil
		}
		args = append(args, p.c.text(where, a))
	}
	return args
}

// rereadable reports whether evaluating x again only reads values: what
// pureExpr accepts, and composite literals built from such values.
func rereadable(x ast.Expr) bool {
	if c, ok := x.(*ast.CompositeLit); ok {
		for _, el := range c.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if !rereadable(kv.Key) || !rereadable(kv.Value) {
					return false
				}
			} else if !rereadable(el) {
				return false
			}
		}
		return true
	}
	return pureExpr(x)
}
