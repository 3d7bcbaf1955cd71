package engine

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"sync"
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
	if targs, ok := r.typeArgsFor(n, fd, declText); ok {
		r.insert(fun.End(), targs)
	}
}

// shimDecls holds the declarations of the interpreted shims (shims.go).
var shimDecls = sync.OnceValues(func() (map[string]*ast.FuncDecl, func(ast.Node) string) {
	f, err := parser.ParseFile(token.NewFileSet(), "", shimSource, parser.SkipObjectResolution)
	if err != nil {
		panic(fmt.Sprintf("engine: the shims do not parse: %v", err))
	}
	decls := map[string]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			decls[fd.Name.Name] = fd
		}
	}
	return decls, func(n ast.Node) string { return shimSource[n.Pos()-1 : n.End()-1] }
})

// shimTypeArgs returns the explicit instantiation of the interpreted generic
// shim for call n, when the arguments' written types bind all its type
// parameters (cmp.Or("", name) with T string).
func (r *rewriter) shimTypeArgs(n *ast.CallExpr, shim string) (string, bool) {
	decls, text := shimDecls()
	fd := decls[shim]
	if fd == nil {
		return "", false
	}
	return r.typeArgsFor(n, fd, text)
}

// typeArgsFor returns "[T1, T2]" for a call n of the generic function fd
// when the arguments' written types bind all its type parameters.
func (r *rewriter) typeArgsFor(n *ast.CallExpr, fd *ast.FuncDecl, declText func(ast.Node) string) (string, bool) {
	if fd == nil || fd.Type.TypeParams == nil {
		return "", false
	}
	var names []string
	for _, f := range fd.Type.TypeParams.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
	}
	params := fieldTypes(fd.Type.Params)
	if n.Ellipsis.IsValid() {
		return "", false
	}
	if k := len(params); k > 0 {
		if ell, ok := params[k-1].(*ast.Ellipsis); ok {
			// Variadic: each argument from the last parameter on has its
			// element type.
			if len(n.Args) < k-1 {
				return "", false
			}
			params = params[:k-1]
			for len(params) < len(n.Args) {
				params = append(params, ell.Elt)
			}
		}
	}
	if len(params) != len(n.Args) {
		return "", false
	}
	isParam := map[string]bool{}
	for _, nm := range names {
		isParam[nm] = true
	}
	bound := map[string]string{}
	consts := map[string]int{} // type parameter -> rank of its untyped constants' default type
	unknown := false
	for i, a := range n.Args {
		if !r.unify(params[i], declText, a, isParam, bound, consts) && mentionsTypeParam(params[i], isParam) {
			unknown = true
		}
	}
	if unknown {
		// An argument whose type is not written here may fix the type the
		// untyped constants take (slices.Index(xs, 2) with xs []float64).
		consts = nil
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
			return "", false
		}
		args[i] = bound[nm]
	}
	return "[" + strings.Join(args, ", ") + "]", true
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
// It reports whether it knew the argument's type (or that it is a constant).
func (r *rewriter) unify(param ast.Expr, ptext func(ast.Node) string, a ast.Expr, isParam map[string]bool, bound map[string]string, consts map[string]int) bool {
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
		return true
	case *ast.Ident:
		at = r.identType(x)
	}
	if at == nil {
		return false
	}
	r.unifyTypes(param, at, isParam, bound)
	return true
}

// identType returns the type of the variable x as written where this item
// declares it (a type, a composite literal, a constant's default type), or
// of the value an earlier item or cell stored in it; nil when unknown.
func (r *rewriter) identType(x *ast.Ident) ast.Expr {
	defs := r.c.defs[x.Name]
	for _, d := range defs {
		// Here, or at the top level of another item when that is the
		// name's only definition in the cell (nothing here shadows it).
		if d.it != r.it && !(len(defs) == 1 && slices.Contains(d.it.defines, x.Name)) {
			continue
		}
		if d.typ != nil {
			return d.typ
		}
		if d.index >= 0 {
			continue
		}
		switch v := d.value.(type) {
		case *ast.CompositeLit:
			return v.Type
		case *ast.BasicLit:
			for _, k := range constKinds {
				if k.tok == v.Kind {
					return ast.NewIdent(k.typ)
				}
			}
		}
	}
	if len(r.c.defs[x.Name]) > 0 && !r.e.userNames[x.Name] {
		return nil
	}
	if t := r.e.globalType(x.Name); t != nil {
		if s, ok := r.e.typeExpr(t, 0); ok {
			if e, err := parser.ParseExpr(s); err == nil {
				return e
			}
		}
	}
	return nil
}

// mentionsTypeParam reports whether the parameter type t uses a type parameter.
func mentionsTypeParam(t ast.Expr, isParam map[string]bool) bool {
	found := false
	ast.Inspect(t, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && isParam[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// unifyTypes matches a parameter type with an argument type, both written.
func (r *rewriter) unifyTypes(p, a ast.Expr, isParam map[string]bool, bound map[string]string) {
	if p == nil || a == nil {
		return
	}
	if id, ok := a.(*ast.Ident); ok {
		if _, param := p.(*ast.Ident); !param {
			// A type the cells declare (type People []Person) unifies
			// through its underlying type, as in Go.
			if spec, _ := r.cellTypeSpec(id.Name); spec != nil && spec.TypeParams == nil && !spec.Assign.IsValid() {
				switch spec.Type.(type) {
				case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType:
					a = spec.Type
				}
			}
		}
	}
	switch pt := p.(type) {
	case *ast.Ident:
		if isParam[pt.Name] && bound[pt.Name] == "" {
			// From the syntax, not the cell's text: a may come from
			// another item or from a type the engine wrote.
			bound[pt.Name] = types.ExprString(a)
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
