package engine

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
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
		if iv, t, ok := s.cellWrapped(v); ok {
			return iv, t
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
			if u := t.underlying(); u != nil && (u.cat == "interfaceT" || u.cat == "errorT" ||
				u.cat == "valueT" && u.rtype != nil && u.rtype.Kind() == reflect.Interface) {
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

// equal is == on two interface values of the cell, for errors.Is: equal
// when of the same type (as is decides it) and, that type being comparable,
// of equal values. Uncomparable types are unequal, as errors.Is treats them.
func (s *shower) equal(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false // an undecidable type: not the same error
		}
	}()
	av, at := s.dynamic(reflect.ValueOf(a))
	bv, bt := s.dynamic(reflect.ValueOf(b))
	if !av.IsValid() || !bv.IsValid() {
		return !av.IsValid() && !bv.IsValid()
	}
	if av.Type() != bv.Type() || !av.Type().Comparable() {
		return false
	}
	s.mu.Lock()
	same := at == nil && bt == nil || at != nil && bt != nil && sameType(at, bt, 0) ||
		!cellNamed(at, 0) && !cellNamed(bt, 0)
	s.mu.Unlock()
	return same && av.Interface() == bv.Interface()
}

// compiledErrorHelpers call the Unwrap and Is methods of compiled errors
// (*fmt.wrapError, *fs.PathError, syscall.Errno) for the interpreted errors
// helpers (shims.go): yaegi's assertions to interface{ Unwrap() error } fail
// on compiled values. A cell value reaches them in yaegi's wrapper, which
// has none of those methods: the interpreted side handles it.
var compiledErrorHelpers = map[string]any{
	// Wrap makes fmt.Errorf's error for a format with %w (shims.go).
	"Wrap": func(msg string, errs ...error) error {
		switch len(errs) {
		case 0:
			return errors.New(msg)
		case 1:
			return &wrapError{msg, errs[0]}
		}
		return &wrapErrors{msg, errs}
	},
	// Inner returns the cell value inside yaegi's wrapper of it as a
	// compiled interface (interp._error), so that interpreted assertions
	// see its methods; other values are returned as they are.
	"Inner": func(err error) any {
		if self, _, ok := hiddenMethod(reflect.ValueOf(err)); ok {
			return self() // the value with its interpreter type
		}
		v := reflect.ValueOf(err)
		for v.IsValid() && v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
			v = v.Elem()
		}
		if v.IsValid() && v.Kind() == reflect.Struct && v.NumField() > 0 && v.Type().Field(0).Name == "IValue" &&
			strings.HasPrefix(v.Type().PkgPath(), "github.com/traefik/yaegi/") {
			return v.Field(0).Interface()
		}
		return err
	},
	"UnwrapOne": func(err error) error {
		if x, ok := err.(interface{ Unwrap() error }); ok {
			return x.Unwrap()
		}
		return nil
	},
	"UnwrapMany": func(err error) ([]error, bool) {
		if x, ok := err.(interface{ Unwrap() []error }); ok {
			return x.Unwrap(), true
		}
		return nil, false
	},
	"IsMethod": func(err, target error) bool {
		x, ok := err.(interface{ Is(error) bool })
		return ok && x.Is(target)
	},
}

// as is one step of errors.As for the interpreted walk (shims.go): it sets
// *target to e and returns 1 when e's type is target's element type, 0 when
// not, and -1 when the element type is an interface (left to compiled
// errors.As).
func (s *shower) as(e, target any) int {
	tv, tt := s.dynamic(reflect.ValueOf(target))
	if !tv.IsValid() || tv.Kind() != reflect.Pointer || tv.IsNil() {
		return -1 // compiled errors.As panics with Go's message
	}
	want := tv.Type().Elem()
	s.mu.Lock()
	var elem *showType
	if tt != nil {
		if u := tt.underlying(); u != nil && u.cat == "ptrT" {
			elem = u.elem
		}
	}
	s.mu.Unlock()
	if want.Kind() == reflect.Interface {
		return -1
	}
	if u := elem.underlying(); u != nil && (u.cat == "interfaceT" || u.cat == "errorT") {
		return -1
	}
	dv, dt := s.dynamic(reflect.ValueOf(e))
	if !dv.IsValid() || dv.Type() != want {
		return 0
	}
	var match bool
	if dt != nil && dt.cat != "valueT" {
		s.mu.Lock()
		match = !cellNamed(dt, 0) && !cellNamed(elem, 0) || sameType(dt, elem, 0)
		s.mu.Unlock()
	} else {
		match = s.decide(dv.Type(), elem, "errors.As")
	}
	if !match {
		return 0
	}
	tv.Elem().Set(dv)
	return 1
}

// asNone answers errors.As when no error of the tree had the target's type:
// false for a target of a cell type (compiled errors.As would panic, seeing
// no Error method on it), compiled errors.As otherwise (it decides compiled
// targets, and panics with Go's message for a bad one).
func (s *shower) asNone(err error, target any) bool {
	tv, tt := s.dynamic(reflect.ValueOf(target))
	if tv.IsValid() && tv.Kind() == reflect.Pointer && !tv.IsNil() {
		s.mu.Lock()
		cell := false
		if u := tt.underlying(); u != nil && u.cat == "ptrT" {
			cell = cellNamed(u.elem, 0)
		}
		s.mu.Unlock()
		if cell {
			return false
		}
	}
	return s.errorsAs(err, target)
}

// addressable returns an addressable copy of v.
func addressable(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return v
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	return c
}

// wrapError and wrapErrors are fmt.Errorf's errors for one and several %w.
type wrapError struct {
	msg string
	err error
}

func (e *wrapError) Error() string { return e.msg }
func (e *wrapError) Unwrap() error { return e.err }

type wrapErrors struct {
	msg  string
	errs []error
}

func (e *wrapErrors) Error() string   { return e.msg }
func (e *wrapErrors) Unwrap() []error { return e.errs }

// errorsAs is compiled errors.As with the target as the cell passed it
// (through Keep): errors.As must see the pointer itself.
func (s *shower) errorsAs(err error, target any) bool {
	if tv, _ := s.static(reflect.ValueOf(target)); tv.IsValid() && tv.CanInterface() {
		target = tv.Interface()
	}
	return errors.As(err, target)
}

// cellPackagePrefix matches the package qualifier of cell types in a type's
// name ("[]main.Person"): cells name them without it.
var cellPackagePrefix = regexp.MustCompile(`\bmain\.`)

// typeName is the show box's TypeName: the name of v's static type (part
// "") or of its element or key type ("elem", "key") as a cell writes it,
// "" when a part is missing or names a library type (whose import name the
// cell may spell otherwise).
func (s *shower) typeName(v any, part string) string {
	_, t := s.static(reflect.ValueOf(v))
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t == nil {
		return ""
	}
	if part != "" {
		u := t.underlying()
		if u == nil {
			return ""
		}
		switch part {
		case "elem":
			t = u.elem
		case "key":
			t = u.key
		}
	}
	if t == nil {
		return ""
	}
	name := t.goName(0)
	if strings.Contains(name, "?") {
		return ""
	}
	name = cellPackagePrefix.ReplaceAllString(name, "")
	if strings.Contains(name, ".") {
		return "" // a library type
	}
	return name
}
