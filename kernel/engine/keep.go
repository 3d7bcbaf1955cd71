package engine

import (
	"go/ast"
	"go/token"
)

// yaegi drops the interpreter type of a value of a cell type when it
// converts it to an interface at some places (a return of any, a top-level
// var x any = v, elements of []any, arguments of cell types without methods):
// the interface then holds the bare underlying value, and type switches,
// assertions and fmt cannot tell a Celsius from a float64 (typeident.go). A
// value that passes through _gopadFmt.Keep on the way keeps its type. The
// front-end adds Keep where a value known to be of a concrete cell type (a
// composite literal, a conversion, a variable defined by one) is converted
// to any written in the cell: returns, var declarations, any(v), elements of
// composite literals, arguments of the cell's functions.

// keepSites adds the Keep calls of item root.
func (r *rewriter) keepSites(root ast.Node) {
	if root == nil || len(r.e.types) == 0 && len(r.c.localTypes) == 0 {
		return
	}
	var results []*ast.FieldList // of the enclosing functions
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body != nil {
				results = append(results, n.Type.Results)
				ast.Inspect(n.Body, visit)
				results = results[:len(results)-1]
			}
			return false
		case *ast.FuncLit:
			results = append(results, n.Type.Results)
			ast.Inspect(n.Body, visit)
			results = results[:len(results)-1]
			return false
		case *ast.ReturnStmt:
			if len(results) > 0 {
				types := fieldTypes(results[len(results)-1])
				if len(types) == len(n.Results) {
					for i, x := range n.Results {
						r.keepIf(x, types[i])
					}
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil {
				for _, x := range n.Values {
					r.keepIf(x, n.Type)
				}
			}
		case *ast.CompositeLit:
			switch t := n.Type.(type) {
			case *ast.ArrayType:
				for _, x := range n.Elts {
					if kv, ok := x.(*ast.KeyValueExpr); ok {
						x = kv.Value
					}
					r.keepIf(x, t.Elt)
				}
			case *ast.MapType:
				for _, x := range n.Elts {
					if kv, ok := x.(*ast.KeyValueExpr); ok {
						r.keepIf(kv.Key, t.Key)
						r.keepIf(kv.Value, t.Value)
					}
				}
			}
		case *ast.CallExpr:
			if len(n.Args) == 1 && emptyInterface(ast.Unparen(n.Fun)) {
				r.keepIf(n.Args[0], ast.Unparen(n.Fun)) // any(v)
			}
			if id, ok := n.Fun.(*ast.Ident); ok && !n.Ellipsis.IsValid() {
				if fd := r.cellFunc(id.Name); fd != nil {
					types := fieldTypes(fd.Type.Params)
					for i, x := range n.Args {
						if i < len(types) {
							r.keepIf(x, types[i])
						}
					}
				}
			}
		}
		return true
	}
	ast.Inspect(root, visit)
}

// keepIf wraps x in Keep when x is of a concrete cell type and typ, the type
// it is converted to, is the empty interface.
func (r *rewriter) keepIf(x, typ ast.Expr) bool {
	if typ == nil {
		return false
	}
	if _, ok := typ.(*ast.Ellipsis); ok {
		return false
	}
	if !emptyInterface(typ) || !r.cellValue(x, 0) {
		// Only any: Keep(x).(I) to another interface I panics in yaegi;
		// values of types with methods, which an I needs, mostly keep
		// their type anyway.
		return false
	}
	r.insert(x.Pos(), showBoxName+".Keep(")
	r.insert(x.End(), ")")
	return true
}

// cellValue reports whether x is certainly of a concrete type a cell
// declared: T{...}, &T{...}, T(v), or a variable only ever defined by those.
func (r *rewriter) cellValue(x ast.Expr, depth int) bool {
	if depth > 4 {
		return false
	}
	cellType := func(t ast.Expr) bool {
		if ix, ok := t.(*ast.IndexExpr); ok {
			t = ix.X
		}
		id, ok := t.(*ast.Ident)
		if !ok {
			return false
		}
		_, local := r.c.localTypes[id.Name]
		if !local && !r.e.types[id.Name] {
			return false
		}
		iface, known := r.typeIsInterface(id)
		return known && !iface
	}
	switch x := ast.Unparen(x).(type) {
	case *ast.CompositeLit:
		return x.Type != nil && cellType(x.Type)
	case *ast.UnaryExpr:
		if lit, ok := ast.Unparen(x.X).(*ast.CompositeLit); ok && x.Op == token.AND {
			return lit.Type != nil && cellType(lit.Type)
		}
	case *ast.CallExpr:
		return len(x.Args) == 1 && cellType(x.Fun)
	case *ast.Ident:
		defs := r.c.defs[x.Name]
		if len(defs) == 0 {
			return false
		}
		for _, d := range defs {
			switch {
			case d.typ != nil && d.value == nil:
				if !cellType(d.typ) {
					return false
				}
			case d.value != nil && d.index < 0 && d.typ == nil:
				if !r.cellValue(d.value, depth+1) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	return false
}

// cellFunc returns the declaration of the cell's own function name.
func (r *rewriter) cellFunc(name string) *ast.FuncDecl {
	for _, it := range r.c.items {
		if fd, ok := it.decl.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name && fd.Type.TypeParams == nil {
			return fd
		}
	}
	return nil
}

// fieldTypes lists the type of each parameter or result of a field list.
func fieldTypes(fl *ast.FieldList) []ast.Expr {
	if fl == nil {
		return nil
	}
	var types []ast.Expr
	for _, f := range fl.List {
		for range max(1, len(f.Names)) {
			types = append(types, f.Type)
		}
	}
	return types
}

// emptyInterface reports whether typ is written as any or interface{}.
func emptyInterface(typ ast.Expr) bool {
	switch t := typ.(type) {
	case *ast.Ident:
		return t.Name == "any"
	case *ast.InterfaceType:
		return t.Methods == nil || len(t.Methods.List) == 0
	}
	return false
}
