package engine

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"strings"
)

// yaegi converts a value of a cell type to a compiled interface (error,
// fmt.Stringer) through a wrapper struct whose first field, IValue, should
// hold the value. For a struct it holds the struct's last field instead
// (yaegi's getConcreteValue takes any struct for an emulated interface), so
// errors.As, type assertions and type switches on an error holding a cell
// struct with a value-receiver Error method saw an int or a string.
//
// The front-end gives every struct type a cell declares a hidden method,
// _gopadValue, that returns the value as any (with its interpreter type),
// and tells yaegi to wrap errors of types with that method in cellError,
// whose func field for the hidden method compiled code can call (yaegi
// binds the receiver the method was converted with). dynamic (typeident.go)
// reads the value that way.

// selfMethodName is the hidden method's name; selfMethodField its field in
// cellError (yaegi drops the field's first letter to name the method).
const (
	selfMethodName  = "_gopadValue"
	selfMethodField = "W" + selfMethodName
)

// _cellError is yaegi's error wrapper (interp._error) with the hidden
// method. Its name starts with "_", as yaegi's wrappers do (isWrapper).
type _cellError struct {
	IValue       any
	WError       func() string
	W_gopadValue func() any
}

func (w _cellError) Error() string { return w.WError() }

// selfMethods returns the hidden methods for the struct types a type
// declaration item declares, as source to append to the declaration.
func selfMethods(it *item) string {
	gd, ok := it.decl.(*ast.GenDecl)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, spec := range gd.Specs {
		ts, ok := spec.(*ast.TypeSpec)
		if !ok || ts.Assign.IsValid() {
			continue // an alias has its type's methods
		}
		if !mayHaveMethods(ts.Type) {
			continue
		}
		recv := ts.Name.Name
		if ts.TypeParams != nil {
			var params []string
			for _, f := range ts.TypeParams.List {
				for _, n := range f.Names {
					params = append(params, n.Name)
				}
			}
			recv += "[" + strings.Join(params, ", ") + "]"
		}
		// A pointer receiver: the method then returns the pointer that was
		// converted, or a pointer to the value that was (cellWrapped);
		// through the show box, with its interpreter type.
		if _, isStruct := ts.Type.(*ast.StructType); !isStruct {
			// Other types: a value receiver, as yaegi calls a pointer
			// method on the value it keeps unaddressable; the wrapper's
			// IValue tells a converted pointer (cellWrapped).
			fmt.Fprintf(&b, "\nfunc (x %s) %s() any { return %s.Keep(x) }", recv, selfMethodName, showBoxName)
			continue
		}
		fmt.Fprintf(&b, "\nfunc (x *%s) %s() any { return %s.Keep(x) }", recv, selfMethodName, showBoxName)
	}
	return b.String()
}

// mayHaveMethods reports whether a type declared as t can have methods
// (not an interface or a pointer type) as far as its syntax tells: a
// defined type of a library or cell type is left out, as it may be either.
func mayHaveMethods(t ast.Expr) bool {
	switch t := ast.Unparen(t).(type) {
	case *ast.StructType, *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType:
		return true
	case *ast.Ident:
		return basicReflectTypes[t.Name] != nil
	}
	return false
}

// hiddenMethod returns the hidden method and IValue of w when w is a wrapper
// that has the hidden method (cellError, or a twin of a wrapper of a compiled
// interface, cellwrappers_gen.go) and yaegi filled it.
func hiddenMethod(w reflect.Value) (self func() any, iValue any, ok bool) {
	t := w.Type()
	if t.Kind() != reflect.Struct || t.NumField() < 2 || t.Field(0).Name != "IValue" {
		return nil, nil, false
	}
	f := w.Field(t.NumField() - 1)
	if t.Field(t.NumField()-1).Name != selfMethodField || f.Type() != reflect.TypeFor[func() any]() || f.IsNil() {
		return nil, nil, false
	}
	return f.Interface().(func() any), w.Field(0).Interface(), true
}

// cellWrapped returns the value inside a wrapper w with the hidden method
// (see hiddenMethod) with its interpreter type, ok false when w holds no
// hidden method or calling it fails.
func (s *shower) cellWrapped(w reflect.Value) (val reflect.Value, t *showType, ok bool) {
	self, iValue, ok := hiddenMethod(w)
	if !ok {
		return reflect.Value{}, nil, false
	}
	defer func() {
		if recover() != nil {
			val, t, ok = reflect.Value{}, nil, false
		}
	}()
	p, pt, ok := s.fromInterp(reflect.ValueOf(self()))
	if !ok {
		return reflect.Value{}, nil, false
	}
	s.mu.Lock()
	u := pt.underlying()
	s.mu.Unlock()
	if u == nil {
		return reflect.Value{}, nil, false
	}
	if u.cat != "ptrT" {
		// A value receiver (a type other than a struct): the value.
		if iv := reflect.ValueOf(iValue); iv.IsValid() && iv.Kind() == reflect.Pointer && p.Kind() != reflect.Pointer {
			return reflect.Value{}, nil, false // a pointer was converted: its type is not known here
		}
		return p, pt, true
	}
	if p.Kind() != reflect.Pointer || p.IsNil() {
		return reflect.Value{}, nil, false
	}
	// A pointer was converted: the method got that pointer, which yaegi
	// also keeps in IValue. Otherwise it got a pointer to the value.
	if iv := reflect.ValueOf(iValue); iv.IsValid() && iv.Kind() == reflect.Pointer && iv.Pointer() == p.Pointer() {
		return p, pt, true
	}
	return p.Elem(), u.elem, true
}

// errorVars converts the values of top-level var declarations of type error
// inside a function literal: yaegi stored a cell value declared with
// `var err error = MyErr{...}` at top level unconverted, and compiled code
// given err failed ("reflect: Call using struct ... as type error"). The
// conversion of a return runs in a frame of its own, as the wrapper's
// methods need (they read their receiver from the converting frame).
func (r *rewriter) errorVars(decl ast.Decl) {
	gd, ok := decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR {
		return
	}
	for _, spec := range gd.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok || len(vs.Values) != len(vs.Names) {
			continue
		}
		if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "error" || r.e.userNames["error"] {
			continue
		}
		for _, x := range vs.Values {
			if id, ok := x.(*ast.Ident); ok && id.Name == "nil" {
				continue
			}
			// A variable is copied: the wrapper reads its receiver from
			// the slot converted (ifaceconv.go).
			copies := ""
			if id, ok := x.(*ast.Ident); ok {
				copies = id.Name + " := " + id.Name + "; "
			}
			r.insert(x.Pos(), "func() error { "+copies+"return ")
			r.insert(x.End(), " }()")
		}
	}
}

// cell returns what the hidden method of the cell value inside v returns (a
// pointer to the value, or the pointer that was converted, with its
// interpreter type), or nil when v holds no such wrapper.
func (s *shower) cell(v any) (out any) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	rv := reflect.ValueOf(v)
	for range 8 {
		switch {
		case !rv.IsValid():
			return nil
		case rv.Kind() == reflect.Interface:
			if rv.IsNil() {
				return nil
			}
			rv = rv.Elem()
		case isInterpValue(rv):
			iv, _, ok := s.fromInterp(rv)
			if !ok {
				return nil
			}
			rv = iv
		default:
			if self, _, ok := hiddenMethod(rv); ok {
				return self()
			}
			return nil
		}
	}
	return nil
}
