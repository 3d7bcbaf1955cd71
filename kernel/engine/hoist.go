package engine

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// Hoisting: top-level definitions whose type yaegi cannot work out.
//
// yaegi types the variables of a top-level `x := E` or `var x = E` in its
// global analysis (gta), which derives E's type without compiling E. That
// analysis does not know how to index a value of a compiled type, so
// `p := parts[0]` (parts from strings.Split) fails with "constant definition
// loop", and `y := h.Epochs[0].Loss` (h a compiled struct) dereferences a nil
// type; a generic call cannot be typed at all. The same expression compiles
// inside a function, where yaegi's full compiler types it.
//
// So such a definition is hoisted: its right-hand side runs inside a function
// literal that hands the engine a pointer to each value (&v: the pointer's
// element type is the expression's static type, interfaces included); the
// engine then names that type in Go syntax and declares each variable with it,
// `var x T = *_gopad.Unhold(0).(*T)`, which the global analysis accepts.
//
// Definitions with a generic call on the right are hoisted from the start.
// Others are first given to yaegi as written (most compile, and a hoist costs
// two more evaluations); when a chunk then fails to compile, its definitions
// whose right-hand side reads through a value (index, selector, dereference,
// slice, method call) are hoisted and the chunk is run piece by piece. A
// chunk that failed to compile ran nothing, so nothing runs twice.

// hoistTemp names the function literal's variable for the i-th value.
func hoistTemp(i int) string { return "_gopadH" + strconv.Itoa(i) }

// hoistNames returns the names an item defines in order, "_" included, and its
// right-hand side expressions, when the item is a definition that can be
// hoisted: x, y := E1, E2 / x, y := F() at top level, or var x, y = ... with
// no declared type. Every edit of the item must lie inside the right-hand
// side, which hoisting moves into the function literal.
func hoistNames(it *item) (names []string, rhs []ast.Expr, ok bool) {
	switch {
	case it.stmt != nil:
		as, isAssign := it.stmt.(*ast.AssignStmt)
		if !isAssign || as.Tok != token.DEFINE {
			return nil, nil, false
		}
		for _, l := range as.Lhs {
			id, isIdent := l.(*ast.Ident)
			if !isIdent {
				return nil, nil, false
			}
			names = append(names, id.Name)
		}
		rhs = as.Rhs
	case it.kind == itemVar:
		gd, isGen := it.decl.(*ast.GenDecl)
		if !isGen || gd.Tok != token.VAR {
			return nil, nil, false
		}
		if len(gd.Specs) != 1 {
			return nil, nil, false
		}
		vs := gd.Specs[0].(*ast.ValueSpec)
		if vs.Type != nil || len(vs.Values) == 0 {
			return nil, nil, false
		}
		for _, id := range vs.Names {
			names = append(names, id.Name)
		}
		rhs = vs.Values
	default:
		return nil, nil, false
	}
	if len(rhs) != len(names) && (len(rhs) != 1 || !isCall(rhs[0]) && !isCommaOK(names, rhs[0])) {
		return nil, nil, false
	}
	named := false
	for _, n := range names {
		named = named || n != "_"
	}
	if !named {
		return nil, nil, false
	}
	for _, ed := range it.edits {
		inside := false
		for _, x := range rhs {
			inside = inside || ed.start >= it.off(x.Pos()) && ed.end <= it.off(x.End())
		}
		if !inside {
			return nil, nil, false
		}
	}
	return names, rhs, true
}

// isCommaOK reports whether v, ok := x is a map index or type assertion in
// its comma-ok form.
func isCommaOK(names []string, x ast.Expr) bool {
	if len(names) != 2 {
		return false
	}
	switch x := ast.Unparen(x).(type) {
	case *ast.IndexExpr:
		return true
	case *ast.TypeAssertExpr:
		return x.Type != nil
	}
	return false
}

// unrewritten returns a copy of a comma-ok definition with only its right-hand
// side rewritten: the top-level comma-ok rewrite (commaOK) is not needed in
// the function literal of a hoist.
func (e *Engine) unrewritten(p *plan, it *item) *item {
	as, ok := it.stmt.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE || len(as.Rhs) != 1 || len(as.Lhs) != 2 {
		return it
	}
	names := make([]string, 0, 2)
	for _, l := range as.Lhs {
		id, isIdent := l.(*ast.Ident)
		if !isIdent {
			return it
		}
		names = append(names, id.Name)
	}
	if !isCommaOK(names, as.Rhs[0]) {
		return it
	}
	cp := *it
	cp.edits = nil
	r := &rewriter{e: e, c: p.c, it: &cp, skip: map[ast.Node]bool{}}
	r.walk(as.Rhs[0])
	return &cp
}

func isCall(x ast.Expr) bool {
	_, ok := ast.Unparen(x).(*ast.CallExpr)
	return ok
}

// readsThroughValue reports whether x reads through a value in a way yaegi's
// global analysis may fail to type: an index, slice, dereference, or a
// selector or call on something other than a package name. Function literal
// bodies do not count: they are typed from their signature.
func (e *Engine) readsThroughValue(p *plan, x ast.Expr) bool {
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IndexExpr, *ast.IndexListExpr, *ast.SliceExpr, *ast.StarExpr, *ast.TypeAssertExpr:
			found = true
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && e.isPackageName(p, id.Name) {
				return false
			}
			found = true
		}
		return !found
	})
	return found
}

// isPackageName reports whether name refers to an imported package.
func (e *Engine) isPackageName(p *plan, name string) bool {
	if _, ok := e.importNames[name]; ok && !e.userNames[name] {
		return true
	}
	_, ok := p.c.cellImports()[name]
	return ok
}

// hoistSource renders a hoisted item: its right-hand side, evaluated in a
// function literal that holds a pointer to every value.
func (e *Engine) hoistSource(p *plan, it *item, names []string, rhs []ast.Expr) string {
	c := p.c
	var b strings.Builder
	b.WriteString(";")
	if mayBlock([]*item{it}) {
		b.WriteString(rtName + ".Enter()")
	}
	b.WriteString("\nfunc() { ")
	var temps, held []string
	for i, n := range names {
		if n == "_" {
			temps = append(temps, "_")
			continue
		}
		temps = append(temps, hoistTemp(i))
		held = append(held, "&"+hoistTemp(i))
	}
	b.WriteString(strings.Join(temps, ", ") + " := ")
	for i, x := range rhs {
		if i > 0 {
			b.WriteString(", ")
		}
		start, end := it.off(x.Pos()), it.off(x.End())
		b.WriteString(c.directive(start) + applyEdits(c.src, start, end, it.editsWithin(start, end), c.directive))
	}
	b.WriteString("\n" + rtName + ".Hold(" + strings.Join(held, ", ") + ") }()\n")
	return b.String()
}

// runHoisted runs a hoisted definition and declares its variables.
func (e *Engine) runHoisted(ctx context.Context, p *plan, ch *chunk) error {
	e.rt.held = nil
	defer func() { e.rt.held = nil }()
	if err := e.eval(ctx, p, ch.src); err != nil {
		return err
	}
	it := ch.hoist
	line, col := lineCol(p.c.src, it.start)
	var decls []string
	imports := map[string]string{}
	k := 0
	for _, name := range ch.hoistNames {
		if name == "_" {
			continue
		}
		if k >= len(e.rt.held) {
			return &Error{Kind: "CompileError", Line: line, Col: col, Message: "gopad's hoisted definition lost its value (a bug in gopad)"}
		}
		t := reflect.TypeOf(e.rt.held[k]).Elem()
		typ, ok := e.typeName(t, imports)
		if !ok {
			return &Error{Kind: "Unsupported", Line: line, Col: col, Message: fmt.Sprintf(
				"%s := ... at the top level of a cell: the interpreter cannot type this definition and gopad cannot name its type (%v); "+
					"declare it with an explicit type (var %s T = ...) or use it inside a function", name, t, name)}
		}
		decls = append(decls, fmt.Sprintf("%s %s = *%s.Unhold(%d).(*%s)", name, typ, rtName, k, typ))
		k++
	}
	if err := e.importHidden(ctx, p, imports); err != nil {
		return err
	}
	return e.eval(ctx, p, "package main\nvar (\n"+strings.Join(decls, "\n")+"\n)")
}

// hiddenAlias is the import name under which the engine refers to package
// path in declarations it writes; it cannot collide with a cell's names.
func hiddenAlias(path string) string {
	var b strings.Builder
	b.WriteString("_gopadP_")
	for _, r := range path {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// importHidden imports the packages (path -> alias) the engine's own
// declarations need, once per engine.
func (e *Engine) importHidden(ctx context.Context, p *plan, imports map[string]string) error {
	var b strings.Builder
	for path, alias := range imports {
		if e.hiddenImports[path] {
			continue
		}
		fmt.Fprintf(&b, "%s %q\n", alias, path)
	}
	if b.Len() == 0 {
		return nil
	}
	if err := e.eval(ctx, p, "import (\n"+b.String()+")"); err != nil {
		return err
	}
	for path := range imports {
		e.hiddenImports[path] = true
	}
	return nil
}

// typeName writes a Go type expression for t that the interpreter resolves to
// t, referring to compiled packages by hidden aliases (added to imports). It
// fails for types it cannot name unambiguously: anonymous structs,
// interpreted interfaces (yaegi gives them all one runtime type), generic
// instances and unexported types.
func (e *Engine) typeName(t reflect.Type, imports map[string]string) (string, bool) {
	return e.typeNameDepth(t, imports, 0)
}

func (e *Engine) typeNameDepth(t reflect.Type, imports map[string]string, depth int) (string, bool) {
	if depth > 10 {
		return "", false
	}
	if t.Name() != "" {
		if t.PkgPath() == "" {
			if t.Kind() == reflect.Struct || t.Kind() == reflect.Interface && t.NumMethod() > 0 && t.Name() != "error" {
				return "", false
			}
			return t.Name(), true // predeclared
		}
		if strings.Contains(t.PkgPath(), "yaegi/interp") {
			return e.cellTypeName(t) // an interpreted interface value
		}
		if !token.IsExported(t.Name()) || strings.ContainsAny(t.Name(), "[]") {
			return "", false
		}
		path := t.PkgPath()
		if !e.knownPackage(path) {
			return "", false
		}
		alias := hiddenAlias(path)
		imports[path] = alias
		return alias + "." + t.Name(), true
	}
	sub := func(t reflect.Type) (string, bool) { return e.typeNameDepth(t, imports, depth+1) }
	switch t.Kind() {
	case reflect.Slice:
		el, ok := sub(t.Elem())
		return "[]" + el, ok
	case reflect.Array:
		el, ok := sub(t.Elem())
		return "[" + strconv.Itoa(t.Len()) + "]" + el, ok
	case reflect.Pointer:
		el, ok := sub(t.Elem())
		return "*" + el, ok
	case reflect.Map:
		k, ok1 := sub(t.Key())
		el, ok2 := sub(t.Elem())
		return "map[" + k + "]" + el, ok1 && ok2
	case reflect.Chan:
		el, ok := sub(t.Elem())
		switch t.ChanDir() {
		case reflect.RecvDir:
			return "<-chan " + el, ok
		case reflect.SendDir:
			return "chan<- " + el, ok
		}
		if strings.HasPrefix(el, "<-") {
			el = "(" + el + ")"
		}
		return "chan " + el, ok
	case reflect.Func:
		var in, out []string
		for i := 0; i < t.NumIn(); i++ {
			a, ok := sub(t.In(i))
			if !ok {
				return "", false
			}
			if t.IsVariadic() && i == t.NumIn()-1 {
				a = "..." + strings.TrimPrefix(a, "[]")
			}
			in = append(in, a)
		}
		for i := 0; i < t.NumOut(); i++ {
			r, ok := sub(t.Out(i))
			if !ok {
				return "", false
			}
			out = append(out, r)
		}
		s := "func(" + strings.Join(in, ", ") + ")"
		switch len(out) {
		case 0:
		case 1:
			s += " " + out[0]
		default:
			s += " (" + strings.Join(out, ", ") + ")"
		}
		return s, true
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any", true
		}
	case reflect.Struct:
		return e.cellTypeName(t)
	}
	return "", false
}

// typeExpr writes a Go type expression for t using the cell's own import
// names (for rewrites that put the type into cell code).
func (e *Engine) typeExpr(t reflect.Type, depth int) (string, bool) {
	if depth > 8 {
		return "", false
	}
	if t.Name() != "" {
		if t.PkgPath() == "" {
			if t.Kind() == reflect.Struct || t.Kind() == reflect.Interface && t.NumMethod() > 0 && t.Name() != "error" {
				return "", false
			}
			return t.Name(), true // predeclared
		}
		if name, ok := e.importPaths[canonicalPath(t.PkgPath())]; ok {
			return name + "." + t.Name(), true
		}
		return e.cellTypeName(t)
	}
	switch t.Kind() {
	case reflect.Slice:
		el, ok := e.typeExpr(t.Elem(), depth+1)
		return "[]" + el, ok
	case reflect.Array:
		el, ok := e.typeExpr(t.Elem(), depth+1)
		return "[" + strconv.Itoa(t.Len()) + "]" + el, ok
	case reflect.Pointer:
		el, ok := e.typeExpr(t.Elem(), depth+1)
		return "*" + el, ok
	case reflect.Map:
		k, ok1 := e.typeExpr(t.Key(), depth+1)
		el, ok2 := e.typeExpr(t.Elem(), depth+1)
		return "map[" + k + "]" + el, ok1 && ok2
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any", true
		}
	case reflect.Struct:
		return e.cellTypeName(t)
	}
	return "", false
}

// cellTypeName finds the cell-defined type whose runtime type is t. yaegi
// gives structurally equal interpreted types one runtime type, and all
// interpreted interfaces another: a type matching several names is refused.
func (e *Engine) cellTypeName(t reflect.Type) (string, bool) {
	found := ""
	for name := range e.types {
		if e.generics[name] {
			continue
		}
		v, err := e.interp.Eval("*new(" + name + ")")
		if err != nil || !v.IsValid() {
			// An interface's zero value is nil: compare through a pointer.
			pv, perr := e.interp.Eval("new(" + name + ")")
			if perr != nil || !pv.IsValid() || pv.Kind() != reflect.Pointer || pv.Type().Elem() != t {
				continue
			}
		} else if v.Type() != t {
			continue
		}
		if found != "" {
			return "", false
		}
		found = name
	}
	return found, found != ""
}
