package engine

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
)

// yaegi converts a value of a cell type to a compiled interface (error,
// fmt.Stringer, sort.Interface, ...) through a wrapper struct whose method
// funcs read their receiver again, each time they are called, from the frame
// slot of the expression that was converted (genValueRecv), not from the value
// converted. Once that slot is written again, by the next iteration of a loop
// or a later assignment to the variable converted, the interface value shows
// the new value: errors collected in a loop all printed the last one, and
// `e = x; x = T{2}` changed e. A function literal gets a fresh frame for every
// call, so a conversion made inside one keeps its value. The front-end
// therefore makes the conversions of such values inside a function literal,
// with copies of the variables converted:
//
//	errs = append(errs, MyErr{i})  (in a loop)  func() { errs = append(errs, MyErr{i}) }()
//	e = x                                       func() { x := x; e = x }()
//	var e error = x                             var e error = func() error { x := x; return x }()
//	error(x)                                    func() error { x := x; return x }()
//	es := []error{x}                            es := func() []error { x := x; return []error{x} }()
//
// A value converted is a candidate when it is of a cell type with methods (an
// interface needs them): a variable the front-end can type, anywhere; a
// composite literal or conversion T(v), inside a loop (elsewhere its slot is
// written once per frame). Destinations the front-end knows are not compiled
// interfaces (a []Point, a cell interface, any) need no wrapper, and their
// statements are left alone: the function literal costs a call per
// execution. Returns need nothing: the frame they convert in is finished.

// Wrapping edits sort around the other edits at the same offset: openings
// before, closings after, an expression's closing before the end of the
// statement holding it, so that each function literal encloses what it must.
const (
	editOpening          = -1
	editClosing          = 1 // of an expression
	editStatementEnd     = 2 // of a rewritten statement (a send's select)
	editStatementClosing = 3 // of a statement wrapped here
)

// ifaceConversions adds the function literals of item root.
func (r *rewriter) ifaceConversions(root ast.Node) {
	if root == nil || !r.cellTypesWithMethods() {
		return
	}
	c := &convWalk{r: r, rangeVars: map[string]ast.Expr{}, called: map[ast.Node]bool{}}
	c.visit(root, 0)
}

// convWalk walks one item, knowing the loop depth within the current frame.
type convWalk struct {
	r *rewriter
	// rangeVars maps the value variables of the range loops around the
	// statement to the ranged expression.
	rangeVars map[string]ast.Expr
	// called holds the Fun of every call seen: x.M there is a call, not a
	// method value.
	called map[ast.Node]bool
}

func (c *convWalk) visit(root ast.Node, loops int) {
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			c.visit(n.Body, 0)
			return false
		case *ast.FuncDecl:
			if n.Body != nil {
				c.visit(n.Body, 0)
			}
			return false
		case *ast.ForStmt:
			for _, s := range []ast.Node{n.Init, n.Cond} {
				if s != nil { // a nil Stmt or Expr converts to a nil Node
					c.visit(s, loops)
				}
			}
			if n.Post != nil {
				c.statement(n.Post, loops+1)
			}
			c.visit(n.Body, loops+1)
			return false
		case *ast.RangeStmt:
			c.visit(n.X, loops)
			saved, had := ast.Expr(nil), false
			if id, ok := n.Value.(*ast.Ident); ok && n.Tok == token.DEFINE {
				saved, had = c.rangeVars[id.Name]
				c.rangeVars[id.Name] = n.X
				defer func() {
					if had {
						c.rangeVars[id.Name] = saved
					} else {
						delete(c.rangeVars, id.Name)
					}
				}()
			}
			c.visit(n.Body, loops+1)
			return false
		case *ast.CommClause:
			// A select case's send or receive cannot become a call.
			for _, st := range n.Body {
				c.visit(st, loops)
			}
			return false
		case *ast.AssignStmt, *ast.SendStmt, *ast.ExprStmt:
			c.statement(n.(ast.Stmt), loops)
		case *ast.ValueSpec:
			c.valueSpec(n, loops)
		case *ast.CallExpr:
			c.called[ast.Unparen(n.Fun)] = true
			c.conversion(n, loops)
		case *ast.SelectorExpr:
			if !c.called[n] {
				c.methodValue(n)
			}
		}
		return true
	})
}

// statement wraps s in a function literal when it converts a candidate.
func (c *convWalk) statement(s ast.Stmt, loops int) {
	var copies []*ast.Ident
	var found bool
	switch s := s.(type) {
	case *ast.AssignStmt:
		switch s.Tok {
		case token.ASSIGN:
			for i, x := range s.Rhs {
				var dest ast.Expr
				if len(s.Lhs) == len(s.Rhs) {
					dest = s.Lhs[i]
				}
				c.flow(x, dest, loops, false, &found, &copies)
				c.directLiteral(x, dest)
			}
		case token.DEFINE:
			for _, x := range s.Rhs {
				if lit, ok := ast.Unparen(x).(*ast.CompositeLit); ok && lit.Type != nil {
					c.wrapExpr(lit, c.r.text(lit.Type), loops)
				}
			}
			return
		default:
			return
		}
	case *ast.SendStmt:
		c.flow(s.Value, nil, loops, false, &found, &copies)
	case *ast.ExprStmt:
		call, ok := ast.Unparen(s.X).(*ast.CallExpr)
		if !ok || c.r.it.stmt == s {
			return // a cell's own top-level expression may be its value
		}
		c.callArgs(call, loops, &found, &copies)
	}
	if !found || callsRecover(s) {
		return // recover must stay in the deferred function's own frame
	}
	o := c.r.it.off
	c.r.it.edits = append(c.r.it.edits,
		edit{start: o(s.Pos()), end: o(s.Pos()), text: "func() { " + c.copyText(copies), order: editOpening},
		edit{start: o(s.End()), end: o(s.End()), text: " }()", order: editStatementClosing})
}

// valueSpec wraps the values of var x T = v when T is a compiled interface.
func (c *convWalk) valueSpec(s *ast.ValueSpec, loops int) {
	if s.Type == nil {
		for _, v := range s.Values {
			if lit, ok := ast.Unparen(v).(*ast.CompositeLit); ok && lit.Type != nil {
				c.wrapExpr(lit, c.r.text(lit.Type), loops)
			}
		}
		return
	}
	if needs, _ := c.needsWrapper(s.Type); !needs || c.r.errorVarSpec(s) {
		return // errorVars converts top-level var x error = v in a literal
	}
	for _, v := range s.Values {
		c.wrapExpr(v, c.r.text(s.Type), loops)
	}
}

// conversion wraps an explicit conversion to a compiled interface, error(x).
func (c *convWalk) conversion(call *ast.CallExpr, loops int) {
	if len(call.Args) != 1 || call.Ellipsis.IsValid() {
		return
	}
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		if f.Name != "error" || c.r.e.userNames["error"] || c.r.c.defs["error"] != nil {
			return
		}
	case *ast.SelectorExpr:
		if needs, known := c.needsWrapper(f); !needs || !known {
			return
		}
	default:
		return
	}
	var found bool
	var copies []*ast.Ident
	c.candidate(call.Args[0], loops, true, &found, &copies)
	if !found {
		return
	}
	o := c.r.it.off
	c.r.it.edits = append(c.r.it.edits,
		edit{start: o(call.Pos()), end: o(call.Args[0].Pos()), text: "func() " + c.r.text(call.Fun) + " { " + c.copyText(copies) + "return ", order: editOpening},
		edit{start: o(call.Args[0].End()), end: o(call.End()), text: " }()", order: editClosing})
}

// wrapExpr makes x, converted to type typ (as written), in a function
// literal when it holds a candidate.
func (c *convWalk) wrapExpr(x ast.Expr, typ string, loops int) {
	var found bool
	var copies []*ast.Ident
	c.flow(x, nil, loops, true, &found, &copies)
	if !found {
		return
	}
	c.wrap(x.Pos(), x.End(), "func() "+typ+" { "+c.copyText(copies)+"return ", " }()")
}

func (c *convWalk) wrap(start, end token.Pos, open, close string) {
	o := c.r.it.off
	c.r.it.edits = append(c.r.it.edits,
		edit{start: o(start), end: o(start), text: open, order: editOpening},
		edit{start: o(end), end: o(end), text: close, order: editClosing})
}

// copyText declares a copy of each variable converted, made where the
// function literal starts, and replaces the variable with its copy: the
// wrapper then reads the copy's slot, which nothing writes again. (A copy
// under the same name would also capture other uses, &x, in the statement.)
func (c *convWalk) copyText(ids []*ast.Ident) string {
	var b strings.Builder
	o := c.r.it.off
	for _, id := range ids {
		c.r.c.convTemps++
		temp := fmt.Sprintf("_gopadConv%d", c.r.c.convTemps)
		b.WriteString(temp + " := " + id.Name + "; ")
		// After inserts at the same offset (Keep's opening).
		c.r.it.edits = append(c.r.it.edits, edit{start: o(id.Pos()), end: o(id.End()), text: temp, order: editClosing})
	}
	return b.String()
}

// flow finds the candidates x converts where it is assigned to dest (nil:
// unknown): x itself, the elements appended, the elements of a composite
// literal, the arguments of calls.
func (c *convWalk) flow(x, dest ast.Expr, loops int, direct bool, found *bool, copies *[]*ast.Ident) {
	switch x := ast.Unparen(x).(type) {
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "append" && !c.r.e.userNames["append"] && len(x.Args) > 0 {
			needs, known := c.destNeedsWrapper(x.Args[0], true)
			for _, a := range x.Args[1:] {
				if lit, ok := ast.Unparen(a).(*ast.CompositeLit); known && !needs && (!ok || lit.Type == nil || c.typeExprHasMethods(lit.Type)) {
					continue // only a container's elements may be converted
				}
				c.flow(a, nil, loops, false, found, copies)
			}
			return
		}
		c.callArgs(x, loops, found, copies)
		if dest != nil {
			if needs, known := c.destNeedsWrapper(dest, false); known && !needs {
				return
			}
		}
		c.candidate(x, loops, direct, found, copies)
		return
	case *ast.CompositeLit:
		if x.Type != nil && c.typeExprHasMethods(x.Type) {
			if dest != nil {
				if needs, known := c.destNeedsWrapper(dest, false); known && !needs {
					return
				}
			}
			c.candidate(x, loops, direct, found, copies)
			return
		}
		if x.Type != nil {
			if needs, known := c.litElemNeedsWrapper(x.Type); known && !needs {
				return
			}
		}
		for _, e := range x.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				e = kv.Value
			}
			c.flow(e, nil, loops, false, found, copies)
		}
		return
	}
	if dest != nil {
		if needs, known := c.destNeedsWrapper(dest, false); known && !needs {
			return
		}
	}
	c.candidate(x, loops, direct, found, copies)
}

// callArgs finds the candidates a call statement converts to its parameters.
func (c *convWalk) callArgs(call *ast.CallExpr, loops int, found *bool, copies *[]*ast.Ident) {
	params := c.paramTypes(call)
	for i, a := range call.Args {
		if i < len(params) && params[i] {
			c.flow(a, nil, loops, false, found, copies)
		} else if inner, ok := ast.Unparen(a).(*ast.CallExpr); ok {
			c.callArgs(inner, loops, found, copies) // fmt.Println(check(x))
		}
	}
}

// paramTypes reports for each parameter of the function call calls whether
// it is a compiled interface with methods; nil when it cannot tell or none is.
func (c *convWalk) paramTypes(call *ast.CallExpr) []bool {
	r := c.r
	var out []bool
	someNeed := false
	set := func(needs bool) {
		out = append(out, needs)
		someNeed = someNeed || needs
	}
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		fd := r.cellFunc(f.Name)
		if fd == nil {
			fd = c.storedFunc(f.Name)
		}
		if fd == nil {
			return nil
		}
		for _, t := range fieldTypes(fd.Type.Params) {
			needs, _ := c.needsWrapper(t)
			set(needs)
		}
	case *ast.SelectorExpr:
		if pkg, ok := f.X.(*ast.Ident); ok && r.isPackage(pkg.Name) {
			v, ok := r.packageSymbol(pkg.Name, f.Sel.Name)
			if !ok || v.Kind() != reflect.Func {
				return nil
			}
			t := v.Type()
			for i := range t.NumIn() {
				p := t.In(i)
				if t.IsVariadic() && i == t.NumIn()-1 {
					p = p.Elem()
				}
				set(p.Kind() == reflect.Interface && p.NumMethod() > 0)
			}
			for t.IsVariadic() && len(out) < len(call.Args) {
				out = append(out, out[len(out)-1])
			}
			break
		}
		typ := r.cellTypeOf(f.X, 0)
		if typ == "" {
			return nil
		}
		sig := r.e.methods[typ+"."+f.Sel.Name]
		if sig == nil {
			return nil
		}
		for _, p := range sig.params {
			p = strings.TrimPrefix(p, "...")
			switch {
			case p == "error" || strings.Contains(p, "."):
				set(true) // error or a compiled package's type, maybe an interface
			default:
				set(false)
			}
		}
	default:
		return nil
	}
	if !someNeed {
		return nil
	}
	return out
}

// candidate reports x when it is a value of a cell type with methods whose
// frame slot may be written again.
//
// A composite literal or conversion counts inside a loop, or when direct: it
// is itself the value converted, which yaegi stores unconverted when it is
// assigned to an interface variable (it printed {6} for an error) or fails
// to convert (error(T{}) panicked).
func (c *convWalk) candidate(x ast.Expr, loops int, direct bool, found *bool, copies *[]*ast.Ident) {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		if c.identHasMethods(x) {
			*found = true
			*copies = append(*copies, x)
		}
	case *ast.CompositeLit:
		if (loops > 0 || direct) && x.Type != nil && c.typeExprHasMethods(x.Type) {
			*found = true
		}
	case *ast.UnaryExpr:
		if lit, ok := ast.Unparen(x.X).(*ast.CompositeLit); ok && x.Op == token.AND {
			c.candidate(lit, loops, false, found, copies)
		}
	case *ast.CallExpr:
		if (loops > 0 || direct) && len(x.Args) == 1 && c.typeExprHasMethods(x.Fun) {
			*found = true // a conversion T(v)
		}
	}
}

// identHasMethods reports whether variable x is of a cell type with methods
// (or a pointer to one).
func (c *convWalk) identHasMethods(x *ast.Ident) bool {
	r := c.r
	if name := r.cellTypeOf(x, 0); name != "" {
		return c.hasMethods(name)
	}
	if ranged, ok := c.rangeVars[x.Name]; ok {
		return c.rangedHasMethods(ranged)
	}
	if r.c.defs[x.Name] != nil || !r.e.userNames[x.Name] || r.e.types[x.Name] {
		return false
	}
	// A variable of an earlier cell: compare its value's type with the cell
	// types'.
	v, ok := r.e.evalValue(x.Name)
	if !ok {
		return false
	}
	return c.reflectHasMethods(v.Type())
}

// rangedHasMethods reports whether the elements of the ranged expression are
// of a cell type with methods: from the element type written in the cell,
// or else from the value of an earlier cell's variable.
func (c *convWalk) rangedHasMethods(x ast.Expr) bool {
	r := c.r
	if elem := c.rangedElemType(x); elem != nil {
		return c.typeExprHasMethods(elem)
	}
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok || r.c.defs[id.Name] != nil || !r.e.userNames[id.Name] {
		return false
	}
	v, ok := r.e.evalValue(id.Name)
	if !ok {
		return false
	}
	switch t := v.Type(); t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		return c.reflectHasMethods(t.Elem())
	}
	return false
}

// reflectHasMethods reports whether t, a frame type, is the type of a cell
// type with methods or a pointer to one. Structurally equal cell types count
// alike: a false positive costs only a function literal.
func (c *convWalk) reflectHasMethods(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.Name() != "" {
		return false // only structs are told apart from plain values
	}
	s := c.r.e.show
	s.mu.RLock()
	defer s.mu.RUnlock()
	for name, rt := range s.registered {
		if rt.Kind() == reflect.Pointer {
			rt = rt.Elem()
		}
		if rt == t && c.hasMethods(name) {
			return true
		}
	}
	return false
}

// typeExprHasMethods reports whether the type written t is a cell type with
// methods or a pointer to one.
func (c *convWalk) typeExprHasMethods(t ast.Expr) bool {
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	id, ok := t.(*ast.Ident)
	return ok && c.hasMethods(id.Name)
}

// hasMethods reports whether the cell type name, not an interface, has a
// method, declared by an earlier cell or this one.
func (c *convWalk) hasMethods(name string) bool {
	r := c.r
	if iface, known := r.typeIsInterface(&ast.Ident{Name: name}); !known || iface {
		return false
	}
	for k := range r.e.methods {
		if strings.HasPrefix(k, name+".") {
			return true
		}
	}
	return r.cellMethodDecl(name, "") != nil
}

func recvTypeName(t ast.Expr) string {
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// cellTypesWithMethods reports whether any cell type has methods: without
// one nothing needs the rewrite.
func (r *rewriter) cellTypesWithMethods() bool {
	if len(r.e.methods) > 0 {
		return true
	}
	for _, it := range r.c.items {
		if fd, ok := it.decl.(*ast.FuncDecl); ok && fd.Recv != nil {
			return true
		}
	}
	return false
}

// needsWrapper reports whether a value converted to the type written t goes
// through yaegi's wrapper: t is error or a compiled interface with methods.
// Cell interfaces and any hold the value itself.
func (c *convWalk) needsWrapper(t ast.Expr) (needs, known bool) {
	r := c.r
	switch t := ast.Unparen(t).(type) {
	case *ast.Ident:
		if t.Name == "error" && !r.e.userNames["error"] {
			return true, true
		}
		if t.Name == "any" || basicReflectTypes[t.Name] != nil || r.e.types[t.Name] || r.definedInCell(t.Name) {
			return false, true
		}
		if _, ok := r.c.localTypes[t.Name]; ok {
			return false, true
		}
		return false, false
	case *ast.SelectorExpr:
		iface, known := r.typeIsInterface(t)
		if !known {
			return false, false
		}
		if !iface {
			return false, true
		}
		pkg, _ := t.X.(*ast.Ident)
		v, _ := r.packageSymbol(pkg.Name, t.Sel.Name)
		return v.Type().Elem().NumMethod() > 0, true
	case *ast.InterfaceType, *ast.StarExpr, *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.StructType, *ast.IndexExpr, *ast.IndexListExpr:
		return false, true
	}
	return false, false
}

// litElemNeedsWrapper reports whether the elements of a composite literal of
// type t may need the wrapper (struct literals: their fields may).
func (c *convWalk) litElemNeedsWrapper(t ast.Expr) (needs, known bool) {
	switch t := t.(type) {
	case *ast.ArrayType:
		return c.needsWrapper(t.Elt)
	case *ast.MapType:
		return c.needsWrapper(t.Value)
	}
	return false, false
}

// destNeedsWrapper reports whether a value assigned to dest (or appended to
// it, elem) goes through the wrapper.
func (c *convWalk) destNeedsWrapper(dest ast.Expr, elem bool) (needs, known bool) {
	r := c.r
	dest = ast.Unparen(dest)
	if ix, ok := dest.(*ast.IndexExpr); ok && !elem {
		dest, elem = ast.Unparen(ix.X), true
	}
	id, ok := dest.(*ast.Ident)
	if !ok {
		return false, false
	}
	for _, d := range r.c.defs[id.Name] {
		t := d.typ
		if t == nil && d.index < 0 {
			switch v := ast.Unparen(d.value).(type) {
			case *ast.CompositeLit:
				t = v.Type
			case *ast.CallExpr:
				if f, ok := v.Fun.(*ast.Ident); ok && f.Name == "make" && len(v.Args) > 0 {
					t = v.Args[0]
				}
			}
		}
		if t == nil {
			continue
		}
		if !elem {
			return c.needsWrapper(t)
		}
		switch t := t.(type) {
		case *ast.ArrayType:
			return c.needsWrapper(t.Elt)
		case *ast.MapType:
			return c.needsWrapper(t.Value)
		case *ast.ChanType:
			return c.needsWrapper(t.Value)
		}
		return false, false
	}
	if r.c.defs[id.Name] != nil || !r.e.userNames[id.Name] || r.e.types[id.Name] {
		return false, false
	}
	v, ok := r.e.evalValue(id.Name)
	if !ok {
		return false, false
	}
	t := v.Type()
	if elem {
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map, reflect.Chan:
			t = t.Elem()
		default:
			return false, false
		}
	} else {
		return false, false // an interface variable's value has the dynamic type
	}
	return t.Kind() == reflect.Interface && t.NumMethod() > 0, true
}

// errorVarSpec reports whether errorVars converts the values of s.
func (r *rewriter) errorVarSpec(s *ast.ValueSpec) bool {
	if r.it.kind != itemVar {
		return false
	}
	id, ok := s.Type.(*ast.Ident)
	return ok && id.Name == "error" && !r.e.userNames["error"] && len(s.Values) == len(s.Names)
}

// directLiteral converts a composite literal of a cell type with methods
// assigned to a variable that may be a compiled interface in a function
// literal of its own: yaegi stored it unconverted (e = T{1} printed {1}).
func (c *convWalk) directLiteral(x, dest ast.Expr) {
	lit, ok := ast.Unparen(x).(*ast.CompositeLit)
	id, isIdent := dest.(*ast.Ident)
	if !ok || !isIdent || id.Name == "_" || lit.Type == nil || !c.typeExprHasMethods(lit.Type) || callsRecover(lit) {
		return
	}
	if needs, known := c.destNeedsWrapper(dest, false); known && !needs {
		return
	}
	c.wrap(lit.Pos(), lit.End(), "func() "+c.r.text(lit.Type)+" { return ", " }()")
}

func callsRecover(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "recover" {
				found = true
			}
		}
		return !found
	})
	return found
}

// storedFunc returns the declaration of a function an earlier cell defined.
func (c *convWalk) storedFunc(name string) *ast.FuncDecl {
	d := c.r.e.decls[name]
	if d == nil || d.isType || c.r.c.defs[name] != nil {
		return nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package main\n"+d.src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	for _, decl := range f.Decls {
		if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name && fd.Type.TypeParams == nil {
			return fd
		}
	}
	return nil
}

// methodValue binds a method value x.M of a value-receiver method of a cell
// type to a copy of x made in a function literal: yaegi's method value reads
// its receiver again from x's slot when called (f := p.String; p = P{2};
// f() gave P{2}'s text; all method values made in a loop the last one's).
// Pointer receivers bind &x in Go, which the slot re-read matches for a
// variable.
func (c *convWalk) methodValue(sel *ast.SelectorExpr) {
	r := c.r
	x, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return
	}
	typ := r.cellTypeOf(x, 0)
	if typ == "" {
		if ranged, ok := c.rangeVars[x.Name]; ok {
			if elem := c.rangedElemType(ranged); elem != nil && c.typeExprHasMethods(elem) {
				typ = recvTypeName(elem)
			}
		}
	}
	if typ == "" {
		return
	}
	sig := r.e.methods[typ+"."+sel.Sel.Name]
	var params []string
	var results string
	switch {
	case sig != nil && !sig.ptr:
		params, results = sig.params, sig.results
	case sig == nil:
		fd := r.cellMethodDecl(typ, sel.Sel.Name)
		if fd == nil {
			return
		}
		if _, ptr := fd.Recv.List[0].Type.(*ast.StarExpr); ptr {
			return
		}
		for _, t := range fieldTypes(fd.Type.Params) {
			params = append(params, r.text(t))
		}
		if fd.Type.Results != nil {
			results = r.text(fd.Type.Results)
		}
	default:
		return
	}
	for i, p := range params {
		if strings.HasPrefix(p, "...") {
			params[i] = "..." + strings.TrimPrefix(p, "...")
		}
	}
	fn := "func(" + strings.Join(params, ", ") + ") " + results
	c.r.c.convTemps++
	temp := fmt.Sprintf("_gopadConv%d", c.r.c.convTemps)
	o := r.it.off
	r.it.edits = append(r.it.edits,
		edit{start: o(sel.Pos()), end: o(sel.Pos()), text: "func() " + fn + " { " + temp + " := ", order: editOpening},
		edit{start: o(x.End()), end: o(sel.End()), text: "; return " + temp + "." + sel.Sel.Name + " }()", order: editClosing})
}

// cellMethodDecl returns this cell's declaration of method name of type
// typ, or of any method of typ when name is "".
func (r *rewriter) cellMethodDecl(typ, name string) *ast.FuncDecl {
	for _, it := range r.c.items {
		if fd, ok := it.decl.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 &&
			(name == "" || fd.Name.Name == name) && recvTypeName(fd.Recv.List[0].Type) == typ {
			return fd
		}
	}
	return nil
}

// rangedElemType returns the element type, as written in the cell, of a
// ranged composite literal or of a variable the cell defines with a type or
// a composite literal; nil when not written.
func (c *convWalk) rangedElemType(x ast.Expr) ast.Expr {
	var t ast.Expr
	switch x := ast.Unparen(x).(type) {
	case *ast.CompositeLit:
		t = x.Type
	case *ast.Ident:
		for _, d := range c.r.c.defs[x.Name] {
			if t = d.typ; t == nil {
				if lit, ok := ast.Unparen(d.value).(*ast.CompositeLit); ok {
					t = lit.Type
				}
			}
			if t != nil {
				break
			}
		}
	}
	switch t := t.(type) {
	case *ast.ArrayType:
		return t.Elt
	case *ast.MapType:
		return t.Value
	}
	return nil
}
