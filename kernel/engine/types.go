package engine

import (
	"go/ast"
	"go/token"
	"reflect"
	"strings"
)

// Static types of cell expressions, as far as the front-end can tell without
// compiling: from literals, the cell's own definitions, the values of earlier
// cells' variables, and the reflected signatures of compiled packages (their
// functions, methods, fields and variables). Rewrites that depend on a type
// (range over an integer) use it; nil means unknown.

// basicReflectTypes maps the predeclared type names to their types.
var basicReflectTypes = map[string]reflect.Type{
	"int": reflect.TypeFor[int](), "int8": reflect.TypeFor[int8](), "int16": reflect.TypeFor[int16](),
	"int32": reflect.TypeFor[int32](), "int64": reflect.TypeFor[int64](), "uint": reflect.TypeFor[uint](),
	"uint8": reflect.TypeFor[uint8](), "uint16": reflect.TypeFor[uint16](), "uint32": reflect.TypeFor[uint32](),
	"uint64": reflect.TypeFor[uint64](), "uintptr": reflect.TypeFor[uintptr](), "byte": reflect.TypeFor[byte](),
	"rune": reflect.TypeFor[rune](), "float32": reflect.TypeFor[float32](), "float64": reflect.TypeFor[float64](),
	"string": reflect.TypeFor[string](), "bool": reflect.TypeFor[bool](),
}

// exprType returns the static type of x, or nil when it cannot tell.
func (r *rewriter) exprType(x ast.Expr) reflect.Type {
	return r.exprTypeDepth(x, 0)
}

func (r *rewriter) exprTypeDepth(x ast.Expr, depth int) reflect.Type {
	if depth > 12 || x == nil {
		return nil
	}
	sub := func(y ast.Expr) reflect.Type { return r.exprTypeDepth(y, depth+1) }
	switch x := ast.Unparen(x).(type) {
	case *ast.BasicLit:
		switch x.Kind {
		case token.INT:
			return basicReflectTypes["int"]
		case token.FLOAT:
			return basicReflectTypes["float64"]
		case token.STRING:
			return basicReflectTypes["string"]
		case token.CHAR:
			return basicReflectTypes["rune"]
		}
	case *ast.Ident:
		if defs, ok := r.c.defs[x.Name]; ok {
			for _, d := range defs {
				if d.typ != nil {
					if t := r.typeOfTypeExpr(d.typ); t != nil {
						return t
					}
					continue
				}
				if d.value == nil {
					continue
				}
				if d.index >= 0 {
					if t := r.callResultType(d.value, d.index, depth+1); t != nil {
						return t
					}
					continue
				}
				if t := sub(d.value); t != nil {
					return t
				}
			}
			return nil
		}
		return r.e.globalType(x.Name)
	case *ast.CallExpr:
		return r.callResultType(x, 0, depth)
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && r.isPackage(id.Name) {
			v, ok := r.packageSymbol(id.Name, x.Sel.Name)
			if !ok || v.Kind() == reflect.Func {
				return nil
			}
			if v.Kind() == reflect.Pointer && v.IsNil() {
				return nil // a type, not a value
			}
			if _, isConst := v.Interface().(interface{ ExactString() string }); isConst {
				return nil // an untyped constant
			}
			return v.Type()
		}
		t := sub(x.X)
		if t == nil {
			if typ := r.cellTypeOf(x.X, depth+1); typ != "" {
				return r.cellFieldType(typ, x.Sel.Name)
			}
			if path := selectorPath(x); path != "" && r.c.defs[strings.Split(path, ".")[0]] == nil {
				return r.e.globalType(path)
			}
			return nil
		}
		if m, ok := methodOf(t, x.Sel.Name); ok {
			return m
		}
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Struct {
			if f, ok := t.FieldByName(x.Sel.Name); ok {
				return f.Type
			}
		}
	case *ast.IndexExpr:
		t := sub(x.X)
		if t == nil {
			return nil
		}
		if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Array {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			return t.Elem()
		case reflect.String:
			return basicReflectTypes["uint8"]
		}
	case *ast.SliceExpr:
		t := sub(x.X)
		if t != nil && t.Kind() == reflect.Array {
			return reflect.SliceOf(t.Elem())
		}
		return t
	case *ast.StarExpr:
		if t := sub(x.X); t != nil && t.Kind() == reflect.Pointer {
			return t.Elem()
		}
	case *ast.UnaryExpr:
		switch x.Op {
		case token.SUB, token.ADD, token.XOR:
			return sub(x.X)
		case token.NOT:
			return basicReflectTypes["bool"]
		case token.AND:
			if t := sub(x.X); t != nil {
				return reflect.PointerTo(t)
			}
		}
	case *ast.BinaryExpr:
		switch x.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR:
			return basicReflectTypes["bool"]
		case token.SHL, token.SHR:
			return sub(x.X)
		}
		// An untyped constant operand takes the other operand's type.
		if _, lit := ast.Unparen(x.X).(*ast.BasicLit); lit {
			if t := sub(x.Y); t != nil {
				return t
			}
		}
		return sub(x.X)
	}
	return nil
}

// callResultType returns the type of the i-th result of call.
func (r *rewriter) callResultType(x ast.Expr, i int, depth int) reflect.Type {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok || depth > 12 {
		return nil
	}
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		switch f.Name {
		case "len", "cap", "copy":
			if !r.e.userNames[f.Name] && !r.definedInCell(f.Name) {
				return basicReflectTypes["int"]
			}
		}
		if t, ok := basicReflectTypes[f.Name]; ok && i == 0 && !r.e.userNames[f.Name] && !r.definedInCell(f.Name) {
			return t // a conversion
		}
		if res, ok := r.c.funcResultTypes[f.Name]; ok {
			return r.resultTypeNamed(res, i)
		}
		if res, ok := r.e.funcResultTypes[f.Name]; ok {
			return r.resultTypeNamed(res, i)
		}
		if t := r.e.globalType(f.Name); t != nil && t.Kind() == reflect.Func && i < t.NumOut() {
			return t.Out(i)
		}
	case *ast.SelectorExpr:
		if id, ok := f.X.(*ast.Ident); ok && r.isPackage(id.Name) {
			v, ok := r.packageSymbol(id.Name, f.Sel.Name)
			if !ok {
				return nil
			}
			if v.Kind() == reflect.Func && i < v.Type().NumOut() {
				return v.Type().Out(i)
			}
			if v.Kind() == reflect.Pointer && v.IsNil() && i == 0 {
				return v.Type().Elem() // a conversion to a package's type
			}
			return nil
		}
		if recv := r.exprTypeDepth(f.X, depth+1); recv != nil {
			if m, ok := methodOf(recv, f.Sel.Name); ok && i < m.NumOut() {
				return m.Out(i)
			}
			return nil
		}
		// A method of a type defined in a cell: its declared results.
		if typ := r.cellTypeOf(f.X, depth+1); typ != "" {
			if m := r.e.methods[typ+"."+f.Sel.Name]; m != nil {
				return r.resultTypeNamed(splitResults(m.results), i)
			}
			return nil
		}
		// A method of a value an earlier cell stored: its method value's
		// signature (evaluating x.M has no side effects).
		if path := selectorPath(f); path != "" && r.e.userNames[strings.Split(path, ".")[0]] && r.c.defs[strings.Split(path, ".")[0]] == nil {
			if t := r.e.globalType(path); t != nil && t.Kind() == reflect.Func && i < t.NumOut() {
				return t.Out(i)
			}
		}
	case *ast.FuncLit:
		if f.Type.Results != nil {
			var types []ast.Expr
			for _, fld := range f.Type.Results.List {
				for range max(1, len(fld.Names)) {
					types = append(types, fld.Type)
				}
			}
			if i < len(types) {
				return r.typeOfTypeExpr(types[i])
			}
		}
	}
	return nil
}

// methodOf returns the type of method name of values of type t (without the
// receiver), looking at *t too for addressable values.
func methodOf(t reflect.Type, name string) (reflect.Type, bool) {
	if t.Kind() == reflect.Interface {
		if m, ok := t.MethodByName(name); ok {
			return m.Type, true
		}
		return nil, false
	}
	for _, rt := range []reflect.Type{t, reflect.PointerTo(t)} {
		if m, ok := rt.MethodByName(name); ok {
			// Drop the receiver from the method's func type.
			return methodFuncType(m.Type), true
		}
	}
	return nil, false
}

func methodFuncType(t reflect.Type) reflect.Type {
	in := make([]reflect.Type, 0, t.NumIn()-1)
	for i := 1; i < t.NumIn(); i++ {
		in = append(in, t.In(i))
	}
	out := make([]reflect.Type, 0, t.NumOut())
	for i := 0; i < t.NumOut(); i++ {
		out = append(out, t.Out(i))
	}
	return reflect.FuncOf(in, out, t.IsVariadic())
}

// resultTypeNamed returns the i-th of a cell function's result types, when it
// is a predeclared type.
func (r *rewriter) resultTypeNamed(results []string, i int) reflect.Type {
	if i >= len(results) {
		return nil
	}
	return basicReflectTypes[results[i]]
}

// typeOfTypeExpr returns the type a type expression names: predeclared types,
// package types, and slices, maps and pointers of those.
func (r *rewriter) typeOfTypeExpr(x ast.Expr) reflect.Type {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		if r.e.types[x.Name] || r.definedInCell(x.Name) {
			return nil
		}
		return basicReflectTypes[x.Name]
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && r.isPackage(id.Name) {
			if v, ok := r.packageSymbol(id.Name, x.Sel.Name); ok && v.Kind() == reflect.Pointer && v.IsNil() {
				return v.Type().Elem()
			}
		}
	case *ast.StarExpr:
		if t := r.typeOfTypeExpr(x.X); t != nil {
			return reflect.PointerTo(t)
		}
	case *ast.ArrayType:
		el := r.typeOfTypeExpr(x.Elt)
		if el == nil || x.Len != nil {
			return nil
		}
		return reflect.SliceOf(el)
	case *ast.MapType:
		k, v := r.typeOfTypeExpr(x.Key), r.typeOfTypeExpr(x.Value)
		if k == nil || v == nil {
			return nil
		}
		return reflect.MapOf(k, v)
	}
	return nil
}

// isPackage reports whether name refers to an imported package in this cell.
func (r *rewriter) isPackage(name string) bool {
	if r.c.defs[name] != nil || r.definedInCell(name) {
		return false
	}
	if _, ok := r.e.importNames[name]; ok {
		return !r.e.userNames[name]
	}
	_, ok := r.c.cellImports()[name]
	return ok
}

// packageSymbol returns the compiled symbol pkg.name.
func (r *rewriter) packageSymbol(pkg, name string) (reflect.Value, bool) {
	path, ok := r.importPath(pkg)
	if !ok {
		return reflect.Value{}, false
	}
	last := packageName(path)
	v, ok := r.e.exports[path+"/"+last][name]
	if !ok {
		v, ok = r.e.exports["gopad.dev/"+path+"/"+last][name]
	}
	return v, ok && v.IsValid()
}

// globalType returns the type of the value an earlier cell stored in the
// top-level variable name, when it is not an interface or a type defined in a
// cell (yaegi's runtime types of those do not say what the cell wrote).
func (e *Engine) globalType(name string) reflect.Type {
	root := strings.Split(name, ".")[0]
	if !e.userNames[root] || e.types[root] {
		return nil
	}
	v, ok := e.evalValue(name)
	if !ok {
		return nil
	}
	t := v.Type()
	if t.Kind() == reflect.Interface || strings.Contains(t.String(), "interp.") || isInterpretedStruct(t) {
		return nil
	}
	return t
}

// isInterpretedStruct reports whether t is (or points to) an unnamed struct,
// which is how yaegi represents types defined in cells.
func isInterpretedStruct(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct && t.Name() == ""
}

// cellTypeOf returns the name of the cell-defined type of x when the cell
// makes it plainly: T{...}, &T{...}, or a variable defined so in this cell.
func (r *rewriter) cellTypeOf(x ast.Expr, depth int) string {
	if depth > 12 {
		return ""
	}
	switch x := ast.Unparen(x).(type) {
	case *ast.CompositeLit:
		if id, ok := x.Type.(*ast.Ident); ok && (r.e.types[id.Name] || r.definedInCell(id.Name)) {
			return id.Name
		}
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return r.cellTypeOf(x.X, depth+1)
		}
	case *ast.Ident:
		for _, d := range r.c.defs[x.Name] {
			if d.typ != nil {
				t := d.typ
				if st, ok := t.(*ast.StarExpr); ok {
					t = st.X
				}
				if id, ok := t.(*ast.Ident); ok && (r.e.types[id.Name] || r.definedInCell(id.Name)) {
					return id.Name
				}
				continue
			}
			if d.value != nil && d.index < 0 {
				if name := r.cellTypeOf(d.value, depth+1); name != "" {
					return name
				}
			}
		}
	}
	return ""
}

// splitResults splits a method's result list as written, "(int, error)" or
// "int", into type names; named results give nothing.
func splitResults(results string) []string {
	results = strings.TrimSpace(results)
	results = strings.TrimSuffix(strings.TrimPrefix(results, "("), ")")
	if results == "" {
		return nil
	}
	var out []string
	for _, part := range strings.Split(results, ",") {
		f := strings.Fields(part)
		if len(f) != 1 {
			return nil
		}
		out = append(out, f[0])
	}
	return out
}

// cellFieldType returns the type of field name of the struct type typ that
// this cell declares, when the field's type is one typeOfTypeExpr knows.
func (r *rewriter) cellFieldType(typ, name string) reflect.Type {
	for _, it := range r.c.items {
		gd, ok := it.decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			st, ok := ts.Type.(*ast.StructType)
			if ts.Name.Name != typ || !ok {
				continue
			}
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					if n.Name == name {
						return r.typeOfTypeExpr(f.Type)
					}
				}
			}
		}
	}
	return nil
}
