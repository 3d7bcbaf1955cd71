package engine

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// yaegi represents a value of a cell-defined type by its underlying reflect
// type, and its type assertions and type switches compare reflect types: a
// Dog passed as any satisfied v.(Cat) when both were struct{ Name string },
// an int satisfied v.(Num) for type Num int, and a type switch with a binding
// (switch t := v.(type)) took the default branch for cell struct types. The
// front-end (typeswitch.go) routes such checks through is below, which reads
// the interpreter types of both the dynamic value and a probe of the asserted
// type (a zero value *new(T), passed through the show box so that yaegi hands
// both over with their interpreter types, as for fmtshow.go).

// is reports whether the dynamic type of v, an interface value of the cell, is
// the static type of probe (never an interface type). where names the
// construct and its line for the error raised when the answer cannot be
// known (see decide).
func (s *shower) is(v, probe any, where string) bool {
	dv, dt := s.dynamic(reflect.ValueOf(v))
	if !dv.IsValid() {
		return false // a nil interface holds no type
	}
	pv, pt := s.static(reflect.ValueOf(probe))
	if !pv.IsValid() {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if dt != nil && dt.cat != "valueT" {
		// yaegi kept the value's interpreter type: the answer is exact.
		if !cellNamed(dt, 0) && !cellNamed(pt, 0) {
			return dv.Type() == pv.Type()
		}
		return sameType(dt, pt, 0)
	}
	if dv.Type() != pv.Type() {
		return false // different structures: different types
	}
	return s.decide(dv.Type(), pt, where)
}

// decide answers for a value whose interpreter type yaegi dropped when it
// was converted to an interface (it does so at some conversions: values of
// cell types without methods passed as any, values returned as any, ...;
// the front-end keeps the type at the common ones, see keepSites): only its
// reflect type rt is known, the same as the probe's.
//
// A type whose reflect type names a type of its own (int, []string,
// time.Duration) is taken to be that type: such values are common, and a
// dropped cell type is rare once the front-end kept the common sites. A
// reflect type with an unnamed struct in it is one that only cell types
// (and rare anonymous structs) have: the answer is yes when the probe's type
// is the only cell type with that structure, and otherwise gopad cannot
// know, and says so: a guess would be a silently wrong answer.
func (s *shower) decide(rt reflect.Type, pt *showType, where string) bool {
	prefix := ""
	for pt != nil && pt.name == "" {
		// *P, []P, map[string]P: which types P can be.
		switch {
		case pt.cat == "ptrT" && rt.Kind() == reflect.Pointer:
			prefix += "*"
		case pt.cat == "sliceT" && rt.Kind() == reflect.Slice:
			prefix += "[]"
		case pt.cat == "arrayT" && rt.Kind() == reflect.Array:
			prefix += fmt.Sprintf("[%d]", rt.Len())
		case pt.cat == "mapT" && rt.Kind() == reflect.Map && !cellNamed(pt.key, 0):
			prefix += "map[" + rt.Key().String() + "]"
		default:
			goto peeled
		}
		pt, rt = pt.elem, rt.Elem()
	}
peeled:
	if ownType(rt, 0) {
		return !cellNamed(pt, 0)
	}
	var same []string
	for name, t := range s.registered {
		if t == rt {
			same = append(same, name)
		}
	}
	sort.Strings(same)
	if pt != nil && pt.isCell() && len(same) == 1 && same[0] == pt.name {
		return true
	}
	if pt != nil && !cellNamed(pt, 0) && len(same) == 0 {
		return true // an anonymous struct, and no cell type like it
	}
	cands := []string{}
	for _, n := range same {
		cands = append(cands, prefix+"main."+n)
	}
	if !cellNamed(pt, 0) {
		cands = append(cands, prefix+rt.String())
	}
	want := "?"
	if pt != nil {
		want = prefix + pt.goName(0)
	}
	panic(fmt.Errorf("%s: gopad cannot tell whether this value is a %s: it may be any of %s, which the interpreter stores alike "+
		"once converted to an interface (give the types a method and check an interface, or convert with T(v) where the type is known)",
		where, want, strings.Join(cands, ", ")))
}

// ownType reports whether rt is a type of its own, not one that yaegi
// made for a cell type: it contains no unnamed struct.
func ownType(rt reflect.Type, depth int) bool {
	if depth > 12 {
		return true
	}
	if rt.Name() != "" {
		return true
	}
	switch rt.Kind() {
	case reflect.Struct:
		return false
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return ownType(rt.Elem(), depth+1)
	case reflect.Map:
		return ownType(rt.Key(), depth+1) && ownType(rt.Elem(), depth+1)
	}
	return true
}

// register records the reflect type of a cell type, after the cell that
// declares it (Engine.registerShowMethods).
func (s *shower) register(name string, probe any) {
	pv, _ := s.static(reflect.ValueOf(probe))
	if !pv.IsValid() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.registered == nil {
		s.registered = map[string]reflect.Type{}
	}
	s.registered[name] = pv.Type()
}

// assertFail is the panic value of a failed single-value type assertion,
// worded as Go's runtime words it.
func (s *shower) assertFail(v, probe any) error {
	defer func() { recover() }() //nolint:errcheck // a value this code cannot read

	dv, dt := s.dynamic(reflect.ValueOf(v))
	_, pt := s.static(reflect.ValueOf(probe))
	want := "?"
	if pt != nil {
		want = pt.goName(0)
	}
	if !dv.IsValid() {
		return fmt.Errorf("interface conversion: interface is nil, not %s", want)
	}
	got := dv.Type().String()
	if dt != nil {
		got = dt.goName(0)
	}
	return fmt.Errorf("interface conversion: interface {} is %s, not %s", got, want)
}

// dynamic returns the value held by the interface value v and its
// interpreter type (nil for a value compiled code made, whose reflect type is
// exact). The value is invalid for a nil interface.
func (s *shower) dynamic(v reflect.Value) (reflect.Value, *showType) {
	for range 16 {
		if !v.IsValid() {
			return reflect.Value{}, nil
		}
		if v.Kind() == reflect.Interface {
			if v.IsNil() {
				return reflect.Value{}, nil
			}
			v = v.Elem()
			continue
		}
		if t := v.Type(); t.Kind() == reflect.Struct && t.NumField() > 0 && t.Field(0).Name == "IValue" &&
			strings.HasPrefix(t.PkgPath(), "github.com/traefik/yaegi/") {
			// yaegi's wrapper of a cell value passed as a compiled
			// interface (error, fmt.Stringer): the value is inside.
			v = v.Field(0)
			continue
		}
		if isInterpValue(v) {
			iv, t, ok := s.fromInterp(v)
			if !ok {
				return reflect.Value{}, nil // yaegi's nil interface
			}
			if u := t.underlying(); u != nil && (u.cat == "interfaceT" || u.cat == "errorT") {
				v = iv // the static type is an interface: look at what it holds
				continue
			}
			return iv, t
		}
		return v, nil
	}
	return reflect.Value{}, nil
}

// static returns the probe's value and its interpreter type.
func (s *shower) static(v reflect.Value) (reflect.Value, *showType) {
	if v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if isInterpValue(v) {
		iv, t, ok := s.fromInterp(v)
		if !ok {
			return reflect.Value{}, nil
		}
		return iv, t
	}
	return v, nil
}

func isInterpValue(v reflect.Value) bool {
	return v.Kind() == reflect.Struct && v.Type().Name() == "valueInterface" && v.Type().PkgPath() == "github.com/traefik/yaegi/interp"
}

// cellNamed reports whether t is or contains a type defined in a cell (or in
// a function of a cell). s.mu is held.
func cellNamed(t *showType, depth int) bool {
	if t == nil || depth > 12 {
		return false
	}
	if t.isCell() {
		return true
	}
	if t.name != "" {
		return false // a compiled or predeclared named type
	}
	if cellNamed(t.elem, depth+1) || cellNamed(t.key, depth+1) {
		return true
	}
	for _, f := range t.fields {
		if cellNamed(f.typ, depth+1) {
			return true
		}
	}
	return false
}

// sameType reports whether two interpreter types are identical as Go defines
// it: named types by name and package, others by structure.
func sameType(a, b *showType, depth int) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || depth > 12 {
		return false
	}
	if a.name != "" || b.name != "" {
		if a.name != b.name || a.path != b.path {
			return false
		}
		if a.cat == "valueT" && b.cat == "valueT" {
			return a.rtype == b.rtype
		}
		return true
	}
	if a.cat == "valueT" || b.cat == "valueT" {
		return a.cat == b.cat && a.rtype == b.rtype
	}
	au, bu := a.underlying(), b.underlying()
	if au != a || bu != b {
		return sameType(au, bu, depth+1)
	}
	if a.cat != b.cat || a.length != b.length || len(a.fields) != len(b.fields) {
		return false
	}
	for i := range a.fields {
		fa, fb := a.fields[i], b.fields[i]
		if fa.name != fb.name || fa.embed != fb.embed || !sameType(fa.typ, fb.typ, depth+1) {
			return false
		}
	}
	return sameType(a.elem, b.elem, depth+1) && sameType(a.key, b.key, depth+1)
}
