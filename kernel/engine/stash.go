package engine

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
)

// declareStashed declares the top-level variable name with the value a
// generic call stashed, typed with the value's type. yaegi cannot infer the
// type of a top-level variable defined by a generic call, but accepts one
// declared with an explicit type.
func (e *Engine) declareStashed(ctx context.Context, p *plan, name string) error {
	v := e.rt.stashed
	if v == nil {
		return &Error{Kind: "Unsupported", Message: fmt.Sprintf(
			"%s := <generic call>: the call returned nil, so gopad cannot tell the variable's type; declare it with `var %s T = ...`", name, name)}
	}
	typ, ok := e.typeExpr(reflect.TypeOf(v), 0)
	if !ok {
		return &Error{Kind: "Unsupported", Message: fmt.Sprintf(
			"%s := <generic call> at top level: the interpreter cannot type it and gopad cannot name its type %v; "+
				"declare it with `var %s T = ...` or use it inside a function", name, reflect.TypeOf(v), name)}
	}
	return e.eval(ctx, p, fmt.Sprintf("package main\nvar %s %s = %s.Unstash().(%s)", name, typ, rtName, typ))
}

// typeExpr writes a Go type expression for t that the interpreter resolves to t.
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

// cellTypeName finds the cell-defined type whose runtime type is t.
func (e *Engine) cellTypeName(t reflect.Type) (string, bool) {
	for name := range e.types {
		v, err := e.interp.Eval("*new(" + name + ")")
		if err == nil && v.IsValid() && v.Type() == t {
			return name, true
		}
	}
	return "", false
}
