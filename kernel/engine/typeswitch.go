package engine

import (
	"fmt"
	"go/ast"
	"reflect"
	"strconv"
	"strings"
)

// Type switches and type assertions on concrete types are rewritten so that
// the type test goes through _gopadFmt.Is (typeident.go), which compares
// interpreter types: yaegi compares reflect types, in which cell types are
// erased to their underlying types.
//
//	switch t := x.(type) {          switch _gopadTS1 := x; {
//	case Cat:                       case _gopadFmt.Is(_gopadTS1, *new(Cat)):
//	    body                            t := _gopadTS1.(Cat); _ = t; body
//	case fmt.Stringer, nil:         case func() bool { _, ok := _gopadTS1.(fmt.Stringer); return ok }() || _gopadTS1 == nil:
//	    body                            t := _gopadTS1; _ = t; body
//	}                               }
//
//	v, ok := x.(Cat)                v, ok := func() (Cat, bool) { ... Is ... }()
//	x.(Cat)                         func() Cat { ... Is, else panic as Go ... }()
//
// An expression switch keeps the meaning of break. Interface types are left
// to yaegi, whose method-set checks see cell methods. A switch or assertion
// naming a type the front-end cannot classify (a type parameter) is left as
// written.

// typeIsInterface reports whether the type expression x denotes an interface
// type; known is false when the front-end cannot tell.
func (r *rewriter) typeIsInterface(x ast.Expr) (iface, known bool) {
	switch x := ast.Unparen(x).(type) {
	case *ast.InterfaceType:
		return true, true
	case *ast.StarExpr, *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.StructType:
		return false, true
	case *ast.IndexExpr:
		return r.typeIsInterface(x.X)
	case *ast.IndexListExpr:
		return r.typeIsInterface(x.X)
	case *ast.Ident:
		switch x.Name {
		case "any", "error", "comparable":
			return true, true
		case "complex64", "complex128":
			return false, true
		}
		if iface, ok := r.c.localTypes[x.Name]; ok {
			return iface, true
		}
		if r.e.types[x.Name] {
			return r.e.ifaces[x.Name], true
		}
		if basicReflectTypes[x.Name] != nil {
			return false, true
		}
	case *ast.SelectorExpr:
		pkg, ok := x.X.(*ast.Ident)
		if !ok || !r.isPackage(pkg.Name) {
			return false, false
		}
		v, ok := r.packageSymbol(pkg.Name, x.Sel.Name)
		if !ok || v.Kind() != reflect.Pointer || !v.IsNil() {
			return false, false
		}
		return v.Type().Elem().Kind() == reflect.Interface, true
	}
	return false, false
}

// inGeneric reports whether the item is a generic function or a method of a
// generic type: its type parameters can appear in cases.
func (r *rewriter) inGeneric() bool {
	fd, ok := r.it.decl.(*ast.FuncDecl)
	if !ok {
		return false
	}
	if fd.Type.TypeParams != nil {
		return true
	}
	if fd.Recv != nil && len(fd.Recv.List) == 1 {
		t := fd.Recv.List[0].Type
		if s, ok := t.(*ast.StarExpr); ok {
			t = s.X
		}
		switch t.(type) {
		case *ast.IndexExpr, *ast.IndexListExpr:
			return true
		}
	}
	return false
}

// nextTypeTemp returns a fresh name for a rewritten switch's subject.
func (r *rewriter) nextTypeTemp() string {
	r.c.typeTemps++
	return fmt.Sprintf("_gopadTS%d", r.c.typeTemps)
}

// typeSwitch rewrites a type switch whose cases name concrete types. It
// reports whether it did (and walked the switch's parts itself).
func (r *rewriter) typeSwitch(n *ast.TypeSwitchStmt, label *ast.LabeledStmt) bool {
	if r.inGeneric() {
		return false
	}
	var bind string
	var ta *ast.TypeAssertExpr
	switch a := n.Assign.(type) {
	case *ast.AssignStmt:
		if len(a.Lhs) == 1 && len(a.Rhs) == 1 {
			ta, _ = a.Rhs[0].(*ast.TypeAssertExpr)
			if id, ok := a.Lhs[0].(*ast.Ident); ok && id.Name != "_" {
				bind = id.Name
			}
		}
	case *ast.ExprStmt:
		ta, _ = a.X.(*ast.TypeAssertExpr)
	}
	if ta == nil {
		return false
	}
	concrete := false
	for _, s := range n.Body.List {
		for _, t := range s.(*ast.CaseClause).List {
			if id, ok := t.(*ast.Ident); ok && id.Name == "nil" {
				continue
			}
			iface, known := r.typeIsInterface(t)
			if !known {
				return false
			}
			_, cellIface := r.cellInterface(t)
			// yaegi gets interface cases wrong for cell interfaces
			// (ifaceassert.go): they are rewritten too.
			concrete = concrete || !iface || cellIface
		}
	}
	if !concrete {
		return false // interface cases: yaegi checks method sets right
	}

	tmp := r.nextTypeTemp()
	init := ""
	if n.Init != nil {
		r.walk(n.Init)
		init = r.renderSpan(r.it.off(n.Init.Pos()), r.it.off(n.Init.End()))
	}
	r.walk(ta.X)
	x := r.renderSpan(r.it.off(ta.X.Pos()), r.it.off(ta.X.End()))
	header := "switch " + tmp + " := " + x + "; "
	start := r.it.off(n.Switch)
	if init != "" {
		// An expression switch has one init statement: the original one
		// goes in a block around the switch (with the label, if any).
		lbl := ""
		if label != nil {
			lbl = label.Label.Name + ": "
			start = r.it.off(label.Pos())
		}
		header = "{ " + init + "; " + lbl + header
		r.insert(n.End(), " }")
	}
	r.add(start, r.it.off(n.Body.Lbrace), header)

	for _, s := range n.Body.List {
		cc := s.(*ast.CaseClause)
		var conds []string
		line, _ := lineCol(r.c.src, r.it.off(cc.Case))
		where := strconv.Quote(fmt.Sprintf("type switch case at cell line %d", line))
		for _, t := range cc.List {
			conds = append(conds, r.typeCond(tmp, t, where))
		}
		if cc.List != nil {
			r.add(r.it.off(cc.Case), r.it.off(cc.Colon), "case "+strings.Join(conds, " || "))
		}
		if bind != "" {
			val := tmp
			if len(cc.List) == 1 {
				if methods, ok := r.cellInterface(cc.List[0]); ok {
					val = r.ifaceAssertText(tmp, r.text(cc.List[0]), methods, false, where)
				} else if id, ok := cc.List[0].(*ast.Ident); !ok || id.Name != "nil" {
					val = cellAs(r.text(cc.List[0]), tmp)
				}
			}
			r.insert(cc.Colon+1, " "+bind+" := "+val+"; _ = "+bind+";")
		}
		for _, st := range cc.Body {
			r.walk(st)
		}
	}
	return true
}

// typeCond is the test of one type switch case on tmp.
func (r *rewriter) typeCond(tmp string, t ast.Expr, where string) string {
	if id, ok := t.(*ast.Ident); ok && id.Name == "nil" {
		return tmp + " == nil"
	}
	typ := r.text(t)
	if methods, ok := r.cellInterface(t); ok {
		return "func() bool { _, ok := " + r.ifaceAssertText(tmp, typ, methods, true, where) + "; return ok }()"
	}
	if iface, _ := r.typeIsInterface(t); iface {
		return "func() bool { _, ok := " + tmp + ".(" + typ + "); return ok }()"
	}
	return showBoxName + ".Is(" + tmp + ", *new(" + typ + "), " + where + ")"
}

// typeAssert rewrites x.(T) for a concrete T. commaOK tells the two-value
// form. It reports whether it did (and walked x itself).
func (r *rewriter) typeAssert(ta *ast.TypeAssertExpr, commaOK bool) bool {
	if ta.Type == nil || r.inGeneric() {
		return false
	}
	if iface, known := r.typeIsInterface(ta.Type); iface || !known {
		return iface && r.ifaceAssertion(ta, commaOK)
	}
	mark := len(r.it.edits)
	r.walk(ta.X)
	x := r.renderSubSpan(r.it.off(ta.X.Pos()), r.it.off(ta.X.End()), mark)
	typ := r.text(ta.Type)
	probe := "*new(" + typ + ")"
	line, _ := lineCol(r.c.src, r.it.off(ta.Pos()))
	is := showBoxName + ".Is(_gopadX, " + probe + ", " + strconv.Quote(fmt.Sprintf("type assertion to %s at cell line %d", typ, line)) + ")"
	var lit string
	if commaOK {
		lit = "func() (" + typ + ", bool) { _gopadX := " + x + "; if !" + is + " { return " + probe +
			", false }; return " + cellAs(typ, "_gopadX") + ", true }()"
	} else {
		lit = "func() " + typ + " { _gopadX := " + x + "; if !" + is + " { panic(" + showBoxName +
			".AssertFail(_gopadX, " + probe + ")) }; return " + cellAs(typ, "_gopadX") + " }()"
	}
	r.add(r.it.off(ta.Pos()), r.it.off(ta.End()), lit)
	return true
}

// markCommaOK records the type assertions of n that are in the two-value
// form (v, ok := x.(T), v, ok = x.(T), var v, ok = x.(T)).
func (r *rewriter) markCommaOK(lhs int, rhs []ast.Expr) {
	if lhs != 2 || len(rhs) != 1 {
		return
	}
	if ta, ok := ast.Unparen(rhs[0]).(*ast.TypeAssertExpr); ok {
		if r.commaOKs == nil {
			r.commaOKs = map[*ast.TypeAssertExpr]bool{}
		}
		r.commaOKs[ta] = true
	}
}

// collectLocalTypes records every type the cell declares, at top level or in
// a function, and whether it is an interface.
func (c *cellInfo) collectLocalTypes() {
	c.localTypes = map[string]bool{}
	for _, it := range c.items {
		root := it.node()
		if root == nil {
			continue
		}
		ast.Inspect(root, func(n ast.Node) bool {
			if s, ok := n.(*ast.TypeSpec); ok {
				c.localTypes[s.Name.Name] = isInterfaceSpec(s, nil)
			}
			return true
		})
	}
}

// isInterfaceSpec reports whether a type declaration declares an interface
// (directly, or as an alias or definition of a known interface).
func isInterfaceSpec(s *ast.TypeSpec, known map[string]bool) bool {
	switch t := ast.Unparen(s.Type).(type) {
	case *ast.InterfaceType:
		return true
	case *ast.Ident:
		return t.Name == "any" || t.Name == "error" || known[t.Name]
	}
	return false
}

// switchInit moves the init statement of an expression switch into a block
// around it: yaegi picks the wrong case of `switch v := f(x); v.Kind() {`
// (the default branch where v.Kind() is reflect.Int), while the same switch
// after `v := f(x)` in a block is right.
//
//	L: switch init; tag {   ->   { init; L: switch tag {  ...  } }
func (r *rewriter) switchInit(n *ast.SwitchStmt, label *ast.LabeledStmt) {
	r.skip[n] = true
	start, lbl := n.Switch, ""
	if label != nil {
		start, lbl = label.Pos(), label.Label.Name+": "
	}
	r.add(r.it.off(start), r.it.off(n.Init.Pos()), "{ ")
	next := n.Body.Lbrace
	if n.Tag != nil {
		next = n.Tag.Pos()
	}
	r.add(r.it.off(n.Init.End()), r.it.off(next), "; "+lbl+"switch ")
	r.insert(n.End(), " }")
}

// cellAs is x.(typ) once the front-end decided that x holds a typ: a cell
// value inside yaegi's error wrapper is read through its hidden method
// (cellvalue.go), as the wrapper holds a struct's last field instead of the
// struct. (Written out per site: a generic helper failed to compile inside
// function literals.)
func cellAs(typ, x string) string {
	return "func() " + typ + " { if _gopadP, ok := " + showBoxName + ".Cell(" + x + ").(*" + typ + "); ok { return *_gopadP }; return " +
		x + ".(" + typ + ") }()"
}
