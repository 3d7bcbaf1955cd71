package engine

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// yaegi (v0.16.1 on Go 1.26) cannot assert to an interface a cell declares
// or writes as a literal: x.(Getter) failed with "interface conversion: nil
// is not main.Getter" for any x, the two-value form with a nil pointer
// dereference or "reflect.Set: value of type interface {} is not assignable
// to type interp.valueInterface", and a type switch case Getter on an error
// holding a cell value took the default branch: a silently wrong answer.
// What yaegi does right is convert a value of a known cell type to the
// interface, and gopad's is (typeident.go) tells a value's cell type. So
// x.(I) becomes: the first cell type T (or *T) that has I's methods and
// whose value x holds is converted to I; otherwise ifaceAssert fails the
// assertion as Go does, or refuses it when gopad cannot tell the answer (a
// library value with the methods, a generic cell type).

// ifaceMethod is a method of an interface: its name and its signature with
// types only ("(int,...string)(error)"), "?" when gopad cannot read it.
type ifaceMethod struct {
	name, sig string
}

// cellInterface reports whether t is an interface declared in a cell or
// written as a literal (with methods), and lists its methods.
func (r *rewriter) cellInterface(t ast.Expr) ([]ifaceMethod, bool) {
	return r.interfaceMethods(t, r.text, 0)
}

// interfaceMethods lists the methods of interface type t, whose source text
// reads.
func (r *rewriter) interfaceMethods(t ast.Expr, text func(ast.Node) string, depth int) ([]ifaceMethod, bool) {
	if depth > 8 {
		return nil, false
	}
	switch t := ast.Unparen(t).(type) {
	case *ast.InterfaceType:
		if t.Methods == nil || len(t.Methods.List) == 0 {
			return nil, false // interface{}: yaegi gets it right
		}
		var out []ifaceMethod
		for _, f := range t.Methods.List {
			if ft, ok := f.Type.(*ast.FuncType); ok && len(f.Names) > 0 {
				sig := signature(ft.Params, ft.Results, text)
				for _, n := range f.Names {
					out = append(out, ifaceMethod{n.Name, sig})
				}
				continue
			}
			embedded, ok := r.embeddedInterface(f.Type, text, depth)
			if !ok {
				return nil, false // a union (a constraint) or a type gopad cannot read
			}
			out = append(out, embedded...)
		}
		return out, true
	case *ast.Ident:
		spec, specText := r.cellTypeSpec(t.Name)
		if spec == nil || spec.TypeParams != nil {
			return nil, false
		}
		if it, ok := ast.Unparen(spec.Type).(*ast.InterfaceType); ok {
			return r.interfaceMethods(it, specText, depth+1)
		}
	}
	return nil, false
}

// embeddedInterface lists the methods of an interface embedded in an
// interface literal or declaration.
func (r *rewriter) embeddedInterface(t ast.Expr, text func(ast.Node) string, depth int) ([]ifaceMethod, bool) {
	if id, ok := t.(*ast.Ident); ok && id.Name == "error" {
		return []ifaceMethod{{"Error", "()(string)"}}, true
	}
	if rt := r.typeOfTypeExpr(t); rt != nil && rt.Kind() == reflect.Interface {
		var out []ifaceMethod
		for i := range rt.NumMethod() {
			out = append(out, ifaceMethod{rt.Method(i).Name, "?"})
		}
		return out, true
	}
	return r.interfaceMethods(t, text, depth+1)
}

// signature renders a parameter and result list with types only.
func signature(params, results *ast.FieldList, text func(ast.Node) string) string {
	list := func(fl *ast.FieldList) string {
		var types []string
		if fl != nil {
			for _, f := range fl.List {
				n := max(len(f.Names), 1)
				for range n {
					types = append(types, strings.Join(strings.Fields(text(f.Type)), ""))
				}
			}
		}
		return "(" + strings.Join(types, ",") + ")"
	}
	return list(params) + list(results)
}

// methodSignature renders a cell method's stored signature as signature does.
func methodSignature(m *methodSig) string {
	params := make([]string, len(m.params))
	for i, p := range m.params {
		params[i] = strings.Join(strings.Fields(p), "")
	}
	results := "()"
	if strings.TrimSpace(m.results) != "" {
		if f, err := parser.ParseExpr("func()" + m.results); err == nil && f.(*ast.FuncType).Results != nil {
			var types []string
			ft := f.(*ast.FuncType)
			for _, fl := range ft.Results.List {
				for range max(len(fl.Names), 1) {
					types = append(types, strings.Join(strings.Fields(m.results[fl.Type.Pos()-7:fl.Type.End()-7]), ""))
				}
			}
			results = "(" + strings.Join(types, ",") + ")"
		} else {
			results = "?"
		}
	}
	return "(" + strings.Join(params, ",") + ")" + results
}

// cellTypeSpec finds the declaration of a type named name that this cell
// or an earlier one declares, and a function giving the source of its
// nodes.
func (r *rewriter) cellTypeSpec(name string) (*ast.TypeSpec, func(ast.Node) string) {
	if _, local := r.c.localTypes[name]; local {
		for _, it := range r.c.items {
			var n ast.Node = it.decl
			if n == nil {
				n = it.stmt
			}
			if n == nil {
				continue
			}
			var found *ast.TypeSpec
			ast.Inspect(n, func(n ast.Node) bool {
				if s, ok := n.(*ast.TypeSpec); ok && s.Name.Name == name && found == nil {
					found = s
				}
				return found == nil
			})
			if found != nil {
				it := it
				return found, func(n ast.Node) string { return r.c.text(it, n) }
			}
		}
		return nil, nil
	}
	d, ok := r.e.decls[name]
	if !ok || !d.isType {
		return nil, nil
	}
	return typeSpecIn(d.src, name)
}

// typeSpecIn parses a stored type declaration and returns the spec of type
// name in it, and a function giving the source of its nodes.
func typeSpecIn(declSrc, name string) (*ast.TypeSpec, func(ast.Node) string) {
	src := "package p\n" + declSrc
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil
	}
	text := func(n ast.Node) string { return src[n.Pos()-1 : n.End()-1] }
	for _, decl := range f.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok {
			for _, s := range gd.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.Name == name {
					return ts, text
				}
			}
		}
	}
	return nil, nil
}

// methodLookup is what gopad knows of a method of a cell type.
type methodLookup struct {
	found bool
	ptr   bool   // only *T has it
	sig   string // "?" when unknown (promoted from a library type)
}

// lookupMethod finds method name of cell type typ, its own or promoted from
// an embedded field (cell or library type).
func (r *rewriter) lookupMethod(typ, name string, depth int) methodLookup {
	if m := r.e.methods[typ+"."+name]; m != nil {
		return methodLookup{found: true, ptr: m.ptr, sig: methodSignature(m)}
	}
	spec, _ := r.cellTypeSpec(typ)
	if spec == nil || depth > 5 {
		return methodLookup{}
	}
	var hits []methodLookup
	for _, emb := range embeddedTypes(spec) {
		x, isPtr := emb.typ, emb.ptr
		var hit methodLookup
		if id, ok := x.(*ast.Ident); ok && (r.e.types[id.Name] || r.definedInCell(id.Name)) {
			if methods, isIface := r.cellInterface(id); isIface {
				// An embedded interface: its methods are promoted.
				for _, m := range methods {
					if m.name == name {
						hit = methodLookup{found: true, sig: m.sig}
					}
				}
			} else {
				hit = r.lookupMethod(id.Name, name, depth+1)
			}
		} else if rt := r.typeOfTypeExpr(x); rt != nil {
			// "?": yaegi does not convert a cell type to an
			// interface through methods promoted from a library type.
			if _, ok := rt.MethodByName(name); ok {
				hit = methodLookup{found: true, sig: "?"}
			} else if _, ok := reflect.PointerTo(rt).MethodByName(name); ok {
				hit = methodLookup{found: true, ptr: true, sig: "?"}
			}
		}
		if hit.found {
			hit.ptr = hit.ptr && !isPtr
			hits = append(hits, hit)
		}
	}
	if len(hits) != 1 {
		return methodLookup{} // none, or an ambiguous selector: not promoted
	}
	return hits[0]
}

// implementers returns the cell types (T or *T) whose values gopad knows
// have methods, and the ones it cannot decide for (a generic type, a
// signature it cannot read).
func (r *rewriter) implementers(methods []ifaceMethod) (types, uncertain []string) {
	names := make([]string, 0, len(r.e.types))
	for name := range r.e.types {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, typ := range []string{"_gopadWrapError", "_gopadWrapErrors"} {
		// gopad's own errors (fmt.Errorf with %w, errors.Join: shims.go).
		if shimImplements(typ, methods) {
			types = append(types, "*"+typ)
		}
	}
	for _, typ := range names {
		if r.e.ifaces[typ] {
			continue
		}
		spec, _ := r.cellTypeSpec(typ)
		if spec == nil || spec.Assign.IsValid() {
			continue // an alias: its type is listed itself
		}
		valueHas, ptrHas, unsure := true, true, false
		for _, m := range methods {
			l := r.lookupMethod(typ, m.name, 0)
			switch {
			case !l.found:
				valueHas, ptrHas = false, false
			case l.sig == "?" || m.sig == "?":
				unsure = true
				valueHas = valueHas && !l.ptr
			case l.sig != m.sig:
				valueHas, ptrHas = false, false
			default:
				valueHas = valueHas && !l.ptr
			}
		}
		switch {
		case !ptrHas:
		case unsure || spec.TypeParams != nil:
			uncertain = append(uncertain, typ)
		case valueHas:
			types = append(types, typ, "*"+typ)
		default:
			types = append(types, "*"+typ)
		}
	}
	return types, uncertain
}

// shimErrorMethods are the methods of gopad's own error types (shims.go),
// all with pointer receivers.
var shimErrorMethods = map[string][]ifaceMethod{
	"_gopadWrapError":  {{"Error", "()(string)"}, {"Unwrap", "()(error)"}},
	"_gopadWrapErrors": {{"Error", "()(string)"}, {"Unwrap", "()([]error)"}},
}

func shimImplements(typ string, methods []ifaceMethod) bool {
	for _, m := range methods {
		if !slices.Contains(shimErrorMethods[typ], m) {
			return false
		}
	}
	return true
}

// ifaceAssertText returns the source that asserts x (an expression with no
// side effects to repeat: a variable) to the cell interface typ.
func (r *rewriter) ifaceAssertText(x, typ string, methods []ifaceMethod, commaOK bool, where string) string {
	types, uncertain := r.implementers(methods)
	var names []string
	for _, m := range methods {
		names = append(names, m.name)
	}
	var b strings.Builder
	result := typ
	if commaOK {
		result = "(" + typ + ", bool)"
	}
	b.WriteString("func() " + result + " { ")
	for _, t := range types {
		ok := ""
		if commaOK {
			ok = ", true"
		}
		// As cellAs, with the value the hidden method returns for a
		// pointer that was converted or a type other than a struct
		// (cellWrapped), and the last resort through any: a candidate
		// need not implement x's static interface (an impossible
		// assertion does not compile).
		as := "func() " + t + " { _gopadC := " + showBoxName + ".Cell(" + x + "); if _gopadP, ok := _gopadC.(*" + t + "); ok { return *_gopadP }; " +
			"if _gopadV, ok := _gopadC.(" + t + "); ok { return _gopadV }; var _gopadA any = " + x + "; return _gopadA.(" + t + ") }()"
		fmt.Fprintf(&b, "if %s.Is(%s, *new(%s), %s) { return %s%s }; ", showBoxName, x, t, where, as, ok)
	}
	fmt.Fprintf(&b, "%s.IfaceAs(%s, %s, %s, %s, %t, %s); ", showBoxName, x, strconv.Quote(strings.Join(names, ",")),
		strconv.Quote(strings.Join(uncertain, ",")), strconv.Quote(goTypeName(typ)), commaOK, where)
	if commaOK {
		b.WriteString("var _gopadZ " + typ + "; return _gopadZ, false }()")
	} else {
		b.WriteString("panic(\"unreachable\") }()")
	}
	return b.String()
}

// goTypeName names a type written in a cell as Go's messages do: a cell
// type as main.T.
func goTypeName(typ string) string {
	if token.IsIdentifier(typ) {
		return "main." + typ
	}
	return typ
}

// ifaceAssertion rewrites x.(I) for an interface I declared in a cell or
// written as a literal. It reports whether it did (and walked x itself).
func (r *rewriter) ifaceAssertion(ta *ast.TypeAssertExpr, commaOK bool) bool {
	methods, ok := r.cellInterface(ta.Type)
	if !ok {
		return false
	}
	mark := len(r.it.edits)
	r.walk(ta.X)
	x := r.renderSubSpan(r.it.off(ta.X.Pos()), r.it.off(ta.X.End()), mark)
	typ := r.text(ta.Type)
	line, _ := lineCol(r.c.src, r.it.off(ta.Pos()))
	where := strconv.Quote(fmt.Sprintf("type assertion to %s at cell line %d", typ, line))
	lit := "func() " + typ + " { _gopadX := " + x + "; return " + r.ifaceAssertText("_gopadX", typ, methods, false, where) + " }()"
	if commaOK {
		lit = "func() (" + typ + ", bool) { _gopadX := " + x + "; return " + r.ifaceAssertText("_gopadX", typ, methods, true, where) + " }()"
	}
	r.add(r.it.off(ta.Pos()), r.it.off(ta.End()), lit)
	return true
}

// ifaceAssert is the show box's IfaceAs: v matched none of the cell types
// known to implement the interface typ (methods are its method names). It
// returns when the assertion fails as in Go (commaOK), panics with Go's
// message when it fails in the one-value form, and refuses what gopad
// cannot answer: a value of a type listed in uncertain, or a library value
// that has the methods (yaegi can give a cell interface only cell values).
func (s *shower) ifaceAssert(v any, methods, uncertain, typ string, commaOK bool, where string) {
	dv, dt := s.dynamic(reflect.ValueOf(v))
	fail := func(format string, args ...any) {
		if !commaOK {
			panic(fmt.Errorf(format, args...))
		}
	}
	if !dv.IsValid() {
		fail("interface conversion: interface is nil, not %s", typ)
		return
	}
	if dt != nil && dt.cat != "valueT" {
		name := dt.goName(0)
		base, _, _ := strings.Cut(strings.TrimPrefix(name, "*"), "[")
		base = strings.TrimPrefix(base, "main.")
		if uncertain != "" && slices.Contains(strings.Split(uncertain, ","), base) {
			panic(fmt.Errorf("%s: the value is a %s, and gopad cannot tell whether its methods are those of %s (a generic type, or methods promoted from a library type); "+
				"assert to the concrete type instead", where, name, typ))
		}
		if s.declaredInFunction(dt) {
			// Not among the types the front-end checked: a type
			// declared inside a function has no methods of its own,
			// but may have promoted ones.
			panic(fmt.Errorf("%s: the value is a %s, a type declared inside a function with embedded fields, whose promoted methods gopad cannot check against %s; "+
				"declare the type at the top level of a cell, or assert to the concrete type", where, name, typ))
		}
		fail("interface conversion: %s is not %s", name, typ)
		return
	}
	rt := dv.Type()
	if s.mayEmbed(rt) {
		// A value yaegi handed over without its type (a type declared
		// inside a function): it may have promoted methods.
		panic(fmt.Errorf("%s: the value's type (%s) is one gopad cannot name, and its embedded fields may give it the methods of %s; "+
			"declare the type at the top level of a cell, or assert to the concrete type", where, rt, typ))
	}
	for _, m := range strings.Split(methods, ",") {
		if _, ok := rt.MethodByName(m); !ok {
			fail("interface conversion: %s is not %s: missing method %s", rt, typ, m)
			return
		}
	}
	panic(fmt.Errorf("%s: the value is a %s from the Go library, and the interpreter can give an interface declared in a cell only values of cell types; "+
		"assert to a library interface with these methods, or to %s itself", where, rt, rt))
}

// declaredInFunction reports whether t (or what it points to) is a struct
// type with embedded fields that no cell declares at its top level (those
// are registered, Engine.registerShowMethods).
func (s *shower) declaredInFunction(t *showType) bool {
	if u := t.underlying(); u != nil && u.cat == "ptrT" && t.name == "" {
		t = u.elem
	}
	s.mu.RLock()
	_, topLevel := s.registered[t.name]
	s.mu.RUnlock()
	// yaegi gives a type declared inside a function no package path.
	if topLevel || t.name == "" || t.path != "" && t.path != "main" || strings.Contains(t.name, "[") {
		return false // generic types are checked by name (uncertain)
	}
	u := t.underlying()
	if u == nil || u.cat != "structT" {
		return false
	}
	for _, f := range u.fields {
		if f.embed {
			return true
		}
	}
	return false
}

// mayEmbed reports whether rt (or what it points to) is an unnamed struct,
// as yaegi shows the types of cells, with a field that may be embedded: one
// named after its own type or after a type the cells declare.
func (s *shower) mayEmbed(rt reflect.Type) bool {
	if rt.Kind() == reflect.Pointer {
		rt = rt.Elem()
	}
	if rt.Kind() != reflect.Struct || rt.Name() != "" {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i := range rt.NumField() {
		f := rt.Field(i)
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if _, cell := s.registered[f.Name]; f.Anonymous || cell || ft.Name() == f.Name {
			return true
		}
	}
	return false
}
