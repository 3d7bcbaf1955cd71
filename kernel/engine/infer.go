package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// yaegi infers the type arguments of a generic function from its first
// arguments only: Map([]int{1, 2}, func(i int) string {...}) failed ("cannot
// use type func"). The front-end unifies the written types of the arguments
// (composite literals, function literals, basic literals, variables declared
// with a type) with the parameters and, when that binds every type
// parameter, instantiates the call explicitly: Map[int, string](...).

// inferTypeArgs instantiates a call of a cell generic function when the
// arguments' written types bind all its type parameters.
func (r *rewriter) inferTypeArgs(n *ast.CallExpr, fun *ast.Ident) {
	if !(r.c.generics[fun.Name] || r.e.generics[fun.Name]) || r.e.userNames[fun.Name] && !r.e.generics[fun.Name] {
		return
	}
	fd, declText := r.genericDecl(fun.Name)
	if fd == nil || fd.Type.TypeParams == nil {
		return
	}
	var names []string
	for _, f := range fd.Type.TypeParams.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
	}
	params := fieldTypes(fd.Type.Params)
	if n.Ellipsis.IsValid() {
		return
	}
	if k := len(params); k > 0 {
		if ell, ok := params[k-1].(*ast.Ellipsis); ok {
			// Variadic: each argument from the last parameter on has its
			// element type.
			if len(n.Args) < k-1 {
				return
			}
			params = params[:k-1]
			for len(params) < len(n.Args) {
				params = append(params, ell.Elt)
			}
		}
	}
	if len(params) != len(n.Args) {
		return
	}
	isParam := map[string]bool{}
	for _, nm := range names {
		isParam[nm] = true
	}
	bound := map[string]string{}
	consts := map[string]int{} // type parameter -> rank of its untyped constants' default type
	for i, a := range n.Args {
		r.unify(params[i], declText, a, isParam, bound, consts)
	}
	for nm, rank := range consts {
		if bound[nm] == "" {
			// Only untyped constants: Go takes the default type of the
			// last kind of int, rune, float, complex among them.
			bound[nm] = constKinds[rank].typ
		}
	}
	args := make([]string, len(names))
	for i, nm := range names {
		if bound[nm] == "" {
			return
		}
		args[i] = bound[nm]
	}
	r.insert(fun.End(), "["+strings.Join(args, ", ")+"]")
}

// genericDecl returns the declaration of generic function name, from this
// cell or an earlier one, and a function giving the text of its nodes.
func (r *rewriter) genericDecl(name string) (*ast.FuncDecl, func(ast.Node) string) {
	if fd, it := r.cellFuncAny(name); fd != nil {
		return fd, func(n ast.Node) string { return r.c.text(it, n) }
	}
	d := r.e.decls[name]
	if d == nil {
		return nil, nil
	}
	src := "package main\n" + d.src
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil
	}
	for _, decl := range f.Decls {
		if fd, ok := decl.(*ast.FuncDecl); ok && fd.Name.Name == name && fd.Recv == nil {
			return fd, func(n ast.Node) string { return src[n.Pos()-1 : n.End()-1] }
		}
	}
	return nil, nil
}

// unify binds the type parameters in param (a type of the declaration) from
// the written type of argument a.
func (r *rewriter) unify(param ast.Expr, ptext func(ast.Node) string, a ast.Expr, isParam map[string]bool, bound map[string]string, consts map[string]int) {
	var at ast.Expr // the argument's type as written in the cell
	x := ast.Unparen(a)
	if u, ok := x.(*ast.UnaryExpr); ok && (u.Op == token.SUB || u.Op == token.ADD) {
		if lit, ok := ast.Unparen(u.X).(*ast.BasicLit); ok {
			x = lit // -1, +2.5: the literal's kind
		}
	}
	switch x := x.(type) {
	case *ast.CompositeLit:
		at = x.Type
	case *ast.FuncLit:
		at = x.Type
	case *ast.BasicLit:
		if id, ok := param.(*ast.Ident); ok && isParam[id.Name] {
			for rank, k := range constKinds {
				if k.tok == x.Kind {
					if old, seen := consts[id.Name]; !seen || rank > old {
						consts[id.Name] = rank
					}
				}
			}
		}
		return
	case *ast.Ident:
		for _, d := range r.c.defs[x.Name] {
			if d.typ != nil && d.it == r.it {
				at = d.typ
				break
			}
			if lit, ok := d.value.(*ast.CompositeLit); ok && d.it == r.it && d.index < 0 {
				at = lit.Type
				break
			}
		}
	}
	if at != nil {
		r.unifyTypes(param, at, isParam, bound)
	}
}

// unifyTypes matches a parameter type with an argument type, both written.
func (r *rewriter) unifyTypes(p, a ast.Expr, isParam map[string]bool, bound map[string]string) {
	if p == nil || a == nil {
		return
	}
	switch pt := p.(type) {
	case *ast.Ident:
		if isParam[pt.Name] && bound[pt.Name] == "" {
			bound[pt.Name] = r.text(a)
		}
	case *ast.ArrayType:
		if at, ok := a.(*ast.ArrayType); ok {
			r.unifyTypes(pt.Elt, at.Elt, isParam, bound)
		}
	case *ast.MapType:
		if at, ok := a.(*ast.MapType); ok {
			r.unifyTypes(pt.Key, at.Key, isParam, bound)
			r.unifyTypes(pt.Value, at.Value, isParam, bound)
		}
	case *ast.StarExpr:
		if at, ok := a.(*ast.StarExpr); ok {
			r.unifyTypes(pt.X, at.X, isParam, bound)
		}
	case *ast.ChanType:
		if at, ok := a.(*ast.ChanType); ok {
			r.unifyTypes(pt.Value, at.Value, isParam, bound)
		}
	case *ast.FuncType:
		at, ok := a.(*ast.FuncType)
		if !ok {
			return
		}
		pp, ap := fieldTypes(pt.Params), fieldTypes(at.Params)
		if len(pp) == len(ap) {
			for i := range pp {
				r.unifyTypes(pp[i], ap[i], isParam, bound)
			}
		}
		pr, ar := fieldTypes(pt.Results), fieldTypes(at.Results)
		if len(pr) == len(ar) {
			for i := range pr {
				r.unifyTypes(pr[i], ar[i], isParam, bound)
			}
		}
	}
}

// constKinds are the kinds of untyped constants with their default types,
// in the order in which Go picks the last one present (string stands alone).
var constKinds = []struct {
	tok token.Token
	typ string
}{{token.INT, "int"}, {token.CHAR, "rune"}, {token.FLOAT, "float64"}, {token.IMAG, "complex128"}, {token.STRING, "string"}}
